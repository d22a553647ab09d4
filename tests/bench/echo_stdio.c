/*
 * The floor for stdio benchmarks: an MCP server that answers every request at once without
 * doing any work (initialize, tools/list with one tool, tools/call with a fixed text).
 * It reads newline-delimited JSON-RPC and copies the request id into a canned answer.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The "id" value of a request line, copied into id (up to the next ',' or '}'). */
static void find_id(const char *line, char *id, size_t size)
{
    const char *p = strstr(line, "\"id\":");
    snprintf(id, size, "null");
    if (!p)
        return;
    p += 5;
    size_t n = strcspn(p, ",}");
    if (n < size)
        snprintf(id, size, "%.*s", (int)n, p);
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, stdin) > 0) {
        char id[64];
        if (!strstr(line, "\"id\":"))
            continue; /* a notification */
        find_id(line, id, sizeof id);
        if (strstr(line, "\"initialize\""))
            printf("{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"protocolVersion\":\"2025-06-18\","
                   "\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"echo\",\"version\":"
                   "\"1\"}}}\n",
                   id);
        else if (strstr(line, "\"tools/list\""))
            printf("{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"tools\":[{\"name\":\"echo\","
                   "\"inputSchema\":{\"type\":\"object\"}}]}}\n",
                   id);
        else
            printf("{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"content\":[{\"type\":\"text\","
                   "\"text\":\"ok\"}]}}\n",
                   id);
        fflush(stdout);
    }
    free(line);
    return 0;
}
