/*
 * Protocol details over stdio, no Mist traffic: version negotiation, batches (only in
 * 2025-03-26), tools/list cursors, invalid JSON-RPC shapes, notifications that get no answer.
 *
 * usage: test_protocol MISTMCP PLUGIN_DIR
 */
#define _DEFAULT_SOURCE
#include "check.h"
#include "child.h"
#include "mcp_client.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static char *server_argv[10];

static void start(mm_child *c, const char *mode)
{
    server_argv[3] = "--mode";
    server_argv[4] = (char *)mode;
    server_argv[5] = "--enable-write-tools";
    char *env[] = {"HOME=/tmp", "MIST_API_TOKEN=t", NULL};
    CHECK(mm_child_spawn(c, server_argv, env) == 0);
}

/* Sends a line, returns the next line the server writes (NULL after 10 s). */
static cJSON *ask(mm_child *c, const char *line)
{
    CHECK(mm_child_send(c, line) == 0);
    char *l = mm_child_read_line(c, 10000);
    cJSON *j = l ? cJSON_Parse(l) : NULL;
    CHECK_MSG(j != NULL, "no JSON answer to %.120s (got %.200s)", line, l ? l : "nothing");
    free(l);
    return j;
}

static int code(const cJSON *j)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "code");
    return cJSON_IsNumber(c) ? c->valueint : 0;
}

static void init(mm_child *c, const char *version, const char *expect)
{
    char line[400];
    snprintf(line, sizeof line,
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
             "\"protocolVersion\":\"%s\",\"capabilities\":{},\"clientInfo\":{\"name\":\"p\","
             "\"version\":\"1\"}}}",
             version);
    cJSON *r = ask(c, line);
    CHECK_MSG(
        strcmp(
            mm_mcp_str_at(cJSON_GetObjectItemCaseSensitive(r, "result"), "protocolVersion", NULL),
            expect) == 0,
        "asked %s, got %s", version,
        mm_mcp_str_at(cJSON_GetObjectItemCaseSensitive(r, "result"), "protocolVersion", NULL));
    cJSON_Delete(r);
    CHECK(mm_child_send(c, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}") == 0);
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    server_argv[0] = argv[1];
    server_argv[1] = "--plugin-dir";
    server_argv[2] = argv[2];
    static mm_child c;

    /* Every supported version is echoed; an unknown one gets the latest. */
    const char *versions[] = {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"};
    for (int i = 0; i < 4; i++) {
        start(&c, "minimal");
        init(&c, versions[i], versions[i]);
        mm_child_finish(&c, 5000);
    }
    start(&c, "minimal");
    init(&c, "1999-01-01", "2025-11-25");
    /* Invalid shapes, each answered, the server going on. */
    cJSON *r = ask(&c, "{\"jsonrpc\":\"1.0\",\"id\":2,\"method\":\"ping\"}");
    CHECK(code(r) == -32600);
    cJSON_Delete(r);
    r = ask(&c, "{\"jsonrpc\":\"2.0\",\"id\":{\"x\":1},\"method\":\"ping\"}");
    CHECK(code(r) == -32600);
    cJSON_Delete(r);
    r = ask(&c, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":5}");
    CHECK(code(r) == -32600);
    cJSON_Delete(r);
    r = ask(&c, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\",\"params\":[1]}");
    CHECK(code(r) == -32602);
    cJSON_Delete(r);
    r = ask(&c, "42");
    CHECK(code(r) == -32600);
    cJSON_Delete(r);
    /* Ids JSON numbers cannot carry exactly, and two values on one line. */
    r = ask(&c, "{\"jsonrpc\":\"2.0\",\"id\":9007199254740993,\"method\":\"ping\"}");
    CHECK(code(r) == -32600);
    cJSON_Delete(r);
    r = ask(&c, "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}");
    CHECK(code(r) == -32600);
    cJSON_Delete(r);
    r = ask(&c, "{\"jsonrpc\":\"2.0\",\"id\":20,\"method\":\"ping\"}"
                "{\"jsonrpc\":\"2.0\",\"id\":21,\"method\":\"ping\"}");
    CHECK(code(r) == -32700);
    cJSON_Delete(r);
    r = ask(&c, "{\"jsonrpc\":\"2.0\",\"id\":22,\"method\":\"ping\"}  \r");
    CHECK(r && !code(r));
    cJSON_Delete(r);
    /* Notifications and client responses get no answer: the next line answers the ping. */
    CHECK(mm_child_send(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/whatever\"}") == 0);
    CHECK(mm_child_send(&c, "{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":{}}") == 0);
    r = ask(&c, "{\"jsonrpc\":\"2.0\",\"id\":\"str-id\",\"method\":\"ping\"}");
    CHECK(strcmp(mm_mcp_str_at(r, "id", NULL), "str-id") == 0 &&
          cJSON_GetObjectItemCaseSensitive(r, "result"));
    cJSON_Delete(r);
    r = ask(&c, "[{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"ping\"}]");
    CHECK(code(r) == -32600 && strstr(mm_mcp_str_at(r, "error", "message"), "2025-03-26"));
    cJSON_Delete(r);
    int status = mm_child_finish(&c, 5000);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* 2025-03-26: batches, answered as an array without the notifications' entries. */
    start(&c, "minimal");
    init(&c, "2025-03-26", "2025-03-26");
    r = ask(&c, "[{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"},"
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/whatever\"},"
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"nope\"}]");
    CHECK_MSG(cJSON_IsArray(r) && cJSON_GetArraySize(r) == 2, "batch answer");
    CHECK(code(cJSON_GetArrayItem(r, 1)) == -32601);
    cJSON_Delete(r);
    r = ask(&c, "[]");
    CHECK(code(r) == -32600);
    cJSON_Delete(r);
    mm_child_finish(&c, 5000);

    /* Issue 13, row 1: 10,500 tools/list in one all-mode batch once made an answer past 2 GiB
     * and a crash (every session lost). Batches are bounded (--max-batch, default 100): the
     * batch gets a clear error and the server goes on; a batch within the bound is answered. */
    start(&c, "all");
    init(&c, "2025-03-26", "2025-03-26");
    size_t cap = 10500 * 60 + 16, used = 0;
    char *batch = malloc(cap);
    batch[used++] = '[';
    for (int i = 0; i < 10500; i++)
        used += (size_t)snprintf(batch + used, cap - used,
                                 "%s{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/list\"}",
                                 i ? "," : "", 100 + i);
    snprintf(batch + used, cap - used, "]");
    r = ask(&c, batch);
    free(batch);
    /* an error for each request, with its id, so that none is left waiting */
    const cJSON *first = cJSON_GetArrayItem(r, 0);
    CHECK_MSG(cJSON_GetArraySize(r) == 10500 && code(first) == -32600 &&
                  strstr(mm_mcp_str_at(first, "error", "message"),
                         "a batch of 10500 messages; at most 100 (--max-batch)") &&
                  cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(r, 10499), "id")->valueint ==
                      10599,
              "the batch is refused, request by request: %d answers, %s", cJSON_GetArraySize(r),
              mm_mcp_str_at(first, "error", "message"));
    cJSON_Delete(r);
    r = ask(&c, "[{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"},"
                "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/list\"}]");
    CHECK_MSG(cJSON_IsArray(r) && cJSON_GetArraySize(r) == 2, "a batch within the bound");
    cJSON_Delete(r);
    status = mm_child_finish(&c, 5000);
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the server never stopped");
    /* ...and the answer of a batch is bounded in bytes: past --max-response-bytes, the rest of
     * the batch gets an error each (a tools/list with write tools is 400 KB). */
    server_argv[6] = "--max-response-bytes";
    server_argv[7] = "65536";
    start(&c, "all");
    server_argv[6] = server_argv[7] = NULL;
    init(&c, "2025-03-26", "2025-03-26");
    r = ask(&c, "[{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"ping\"},"
                "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"tools/list\"},"
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},"
                "{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"tools/list\"}]");
    CHECK_MSG(cJSON_GetArraySize(r) == 3 && code(cJSON_GetArrayItem(r, 0)) == 0 &&
                  code(cJSON_GetArrayItem(r, 1)) == -32603 &&
                  strstr(mm_mcp_str_at(cJSON_GetArrayItem(r, 1), "error", "message"),
                         "passed 65536 bytes (--max-response-bytes)") &&
                  code(cJSON_GetArrayItem(r, 2)) == -32603,
              "a batch's answer over the byte bound: %d answers", cJSON_GetArraySize(r));
    cJSON_Delete(r);
    status = mm_child_finish(&c, 5000);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* tools/list in all mode with write tools: one page, cursors checked. */
    start(&c, "all");
    init(&c, "2025-06-18", "2025-06-18");
    r = ask(&c, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/list\"}");
    const cJSON *tools =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "result"), "tools");
    int total = cJSON_GetArraySize(tools);
    CHECK_MSG(total > 960, "%d tools", total);
    /* Deterministic order: built-ins, the discovery tools first, then categories by name. */
    CHECK(strcmp(mm_mcp_str_at(cJSON_GetArrayItem(tools, 0), "name", NULL), "searchMistTools") ==
          0);
    cJSON_Delete(r);
    r = ask(&c, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/"
                "list\",\"params\":{\"cursor\":\"mm1:960\"}}");
    tools =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "result"), "tools");
    CHECK_MSG(cJSON_GetArraySize(tools) == total - 960, "page from 960: %d",
              cJSON_GetArraySize(tools));
    cJSON_Delete(r);
    r = ask(&c, "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/"
                "list\",\"params\":{\"cursor\":\"bogus\"}}");
    CHECK(code(r) == -32602);
    cJSON_Delete(r);
    const char *cursors[] = {"mm1:9223372036854775807", "mm1:", "mm1:99999", "mm1:-1", "mm1:5x"};
    for (int i = 0; i < 5; i++) {
        char line[200];
        snprintf(line, sizeof line,
                 "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/list\",\"params\":{"
                 "\"cursor\":\"%s\"}}",
                 cursors[i]);
        r = ask(&c, line);
        CHECK_MSG(code(r) == -32602, "cursor %s accepted", cursors[i]);
        cJSON_Delete(r);
    }
    status = mm_child_finish(&c, 5000);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* SIGTERM and SIGINT: a clean exit, status 0. */
    int sigs[2] = {SIGTERM, SIGINT};
    for (int i = 0; i < 2; i++) {
        start(&c, "minimal");
        init(&c, "2025-06-18", "2025-06-18");
        r = ask(&c, "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"ping\"}");
        cJSON_Delete(r);
        kill(c.pid, sigs[i]);
        for (int k = 0; k < 200 && waitpid(c.pid, &status, WNOHANG) == 0; k++)
            usleep(10000);
        CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "signal %d: status %d", sigs[i],
                  status);
        close(c.in);
        close(c.out);
    }

    /* --debug logs a fingerprint of the token, never the token, on stderr and stdout. */
    char log[] = "/tmp/mistmcp-stderr-XXXXXX";
    int fd = mkstemp(log);
    close(fd);
    static mm_child d;
    d.stderr_path = log;
    char *dargv[] = {argv[1], "--plugin-dir", argv[2], "--debug", NULL};
    char *denv[] = {"HOME=/tmp", "MIST_API_TOKEN=secret-xyz-123",
                    "MISTMCP_API_BASE_URL=http://127.0.0.1:9", NULL};
    CHECK(mm_child_spawn(&d, dargv, denv) == 0);
    init(&d, "2025-06-18", "2025-06-18");
    r = ask(&d, "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"logging/setLevel\",\"params\":{"
                "\"level\":\"debug\"}}");
    cJSON_Delete(r);
    CHECK(mm_child_send(&d, "{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"tools/call\",\"params\":"
                            "{\"name\":\"getSelf\",\"arguments\":{}}}") == 0);
    int seen_answer = 0;
    for (int k = 0; k < 20 && !seen_answer; k++) {
        char *l = mm_child_read_line(&d, 10000);
        if (!l)
            break;
        CHECK_MSG(!strstr(l, "secret-xyz-123"), "token on stdout: %.200s", l);
        seen_answer = strstr(l, "\"id\":13") != NULL;
        if (seen_answer)
            CHECK_MSG(strstr(l, "cannot connect"), "%.300s", l);
        free(l);
    }
    CHECK(seen_answer);
    mm_child_finish(&d, 5000);
    FILE *f = fopen(log, "r");
    char all[65536] = "";
    size_t got = f ? fread(all, 1, sizeof all - 1, f) : 0;
    all[got] = '\0';
    if (f)
        fclose(f);
    unlink(log);
    CHECK_MSG(strstr(all, "token#") != NULL, "no fingerprint in the debug log: %.300s", all);
    CHECK_MSG(!strstr(all, "secret-xyz-123"), "the token is in the debug log");
    return check_summary();
}
