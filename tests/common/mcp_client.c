#define _GNU_SOURCE
#include "mcp_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int wait_ms(const mm_mcp_client *c)
{
    return c->timeout_ms > 0 ? c->timeout_ms : 10000;
}

int mm_mcp_start(mm_mcp_client *c, char *const argv[], char *const envp[])
{
    if (c->next_id < 1)
        c->next_id = 1;
    if (mm_child_spawn(&c->child, argv, envp) != 0)
        return -1;
    cJSON *r = mm_mcp_request(c, "initialize",
                              "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                              "\"clientInfo\":{\"name\":\"mistmcp-tests\",\"version\":\"1\"}}");
    int ok = cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(r, "result"));
    cJSON_Delete(r);
    mm_child_send(&c->child, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    return ok ? 0 : -1;
}

/* The answer line with this id, notifications before it skipped; NULL if none came within
 * timeout_ms. */
static char *wait_line(mm_mcp_client *c, int id, int timeout_ms)
{
    for (int i = 0; i < 10000; i++) { /* notifications before the answer, bounded */
        char *line = mm_child_read_line(&c->child, timeout_ms);
        if (!line)
            return NULL;
        cJSON *m = cJSON_Parse(line);
        const cJSON *mid = cJSON_GetObjectItemCaseSensitive(m, "id");
        int mine = cJSON_IsNumber(mid) && mid->valueint == id;
        cJSON_Delete(m);
        if (mine)
            return line;
        free(line);
    }
    return NULL;
}

int mm_mcp_send(mm_mcp_client *c, const char *method, const char *params_json)
{
    int id = c->next_id++;
    size_t n = strlen(method) + strlen(params_json) + 64;
    char *req = malloc(n);
    snprintf(req, n, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\",\"params\":%s}", id, method,
             params_json);
    mm_child_send(&c->child, req);
    free(req);
    return id;
}

cJSON *mm_mcp_wait(mm_mcp_client *c, int id, int timeout_ms)
{
    char *line = wait_line(c, id, timeout_ms > 0 ? timeout_ms : wait_ms(c));
    cJSON *m = line ? cJSON_Parse(line) : NULL;
    free(line);
    return m;
}

char *mm_mcp_request_raw(mm_mcp_client *c, const char *method, const char *params_json)
{
    return wait_line(c, mm_mcp_send(c, method, params_json), wait_ms(c));
}

cJSON *mm_mcp_request(mm_mcp_client *c, const char *method, const char *params_json)
{
    char *line = mm_mcp_request_raw(c, method, params_json);
    cJSON *m = line ? cJSON_Parse(line) : NULL;
    free(line);
    return m;
}

cJSON *mm_mcp_call(mm_mcp_client *c, const char *tool, const cJSON *args)
{
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "name", tool);
    cJSON_AddItemToObject(params, "arguments", cJSON_Duplicate(args, 1));
    char *text = cJSON_PrintUnformatted(params);
    cJSON_Delete(params);
    cJSON *m = mm_mcp_request(c, "tools/call", text);
    free(text);
    cJSON *result = cJSON_DetachItemFromObjectCaseSensitive(m, "result");
    cJSON_Delete(m);
    return result;
}

cJSON *mm_mcp_list_tools(mm_mcp_client *c)
{
    cJSON *all = cJSON_CreateArray();
    char *cursor = NULL;
    for (int page = 0; page < 1000; page++) {
        char params[512];
        if (cursor)
            snprintf(params, sizeof params, "{\"cursor\":\"%.400s\"}", cursor);
        else
            snprintf(params, sizeof params, "{}");
        free(cursor);
        cursor = NULL;
        cJSON *m = mm_mcp_request(c, "tools/list", params);
        const cJSON *result = cJSON_GetObjectItemCaseSensitive(m, "result");
        cJSON *tools = cJSON_GetObjectItemCaseSensitive(result, "tools");
        if (!cJSON_IsArray(tools)) {
            cJSON_Delete(m);
            cJSON_Delete(all);
            return NULL;
        }
        while (tools->child)
            cJSON_AddItemToArray(all, cJSON_DetachItemViaPointer(tools, tools->child));
        const cJSON *next = cJSON_GetObjectItemCaseSensitive(result, "nextCursor");
        if (cJSON_IsString(next))
            cursor = strdup(next->valuestring);
        cJSON_Delete(m);
        if (!cursor)
            return all;
    }
    free(cursor);
    return all;
}

const char *mm_mcp_result_text(const cJSON *result)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(result, "content"), 0), "text");
    return cJSON_IsString(t) ? t->valuestring : "";
}

int mm_mcp_stop(mm_mcp_client *c)
{
    return mm_child_finish(&c->child, wait_ms(c));
}

const char *mm_mcp_str_at(const cJSON *o, const char *a, const char *b)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);
    if (b)
        v = cJSON_GetObjectItemCaseSensitive(v, b);
    return cJSON_IsString(v) ? v->valuestring : "(absent)";
}

const cJSON *mm_mcp_find(const cJSON *array, const char *key, const char *value)
{
    for (const cJSON *it = array ? array->child : NULL; it; it = it->next)
        if (strcmp(mm_mcp_str_at(it, key, NULL), value) == 0)
            return it;
    return NULL;
}
