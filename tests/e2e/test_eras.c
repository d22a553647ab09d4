/*
 * Both protocol eras on one stdio server (issue 18): server/discover always served; requests
 * carrying 2026-07-28 _meta served with no initialize, their _meta checked (-32022 listing the
 * supported versions, -32602 naming the field, always with the request's id); removed methods
 * refused; modern results stamped (resultType, serverInfo, ttlMs/cacheScope on tools/list);
 * the modern tool list fixed by the settings, whatever a 2025 session of the same process does
 * with manageMcpTools; callMistTool reaching a tool whose category is not enabled, with the
 * operator's token, sending no notification; subscriptions/listen (acknowledged and tagged,
 * ended without an answer by notifications/cancelled, ended with its graceful-end response at
 * EOF, never hearing a 2025 session's list_changed); log messages only for a request that
 * asked with _meta logLevel, at or above it, before its answer.
 *
 * usage: test_eras MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
 */
#define _DEFAULT_SOURCE
#include "check.h"
#include "child.h"
#include "mcp_client.h"

#include <cjson/cJSON.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define META_FMT                                                                                   \
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"%s\","                               \
    "\"io.modelcontextprotocol/clientCapabilities\":{},"                                           \
    "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"eras\",\"version\":\"1\"}}"

static mm_child server;

/* Sends a line; returns the next line the server writes, parsed (NULL after 10 s). */
static cJSON *ask(const char *line)
{
    CHECK(mm_child_send(&server, line) == 0);
    char *l = mm_child_read_line(&server, 10000);
    cJSON *j = l ? cJSON_Parse(l) : NULL;
    CHECK_MSG(j != NULL, "no JSON answer to %.160s (got %.200s)", line, l ? l : "nothing");
    free(l);
    return j;
}

/* A modern request: id, method, the params' members before _meta (may be ""), version. */
static cJSON *modern(int id, const char *method, const char *params, const char *version)
{
    char meta[400], line[2000];
    snprintf(meta, sizeof meta, META_FMT, version);
    snprintf(line, sizeof line,
             "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\",\"params\":{%s%s%s}}", id, method,
             params, *params ? "," : "", meta);
    return ask(line);
}

static int code(const cJSON *j)
{
    const cJSON *c =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "error"), "code");
    return cJSON_IsNumber(c) ? c->valueint : 0;
}

static int id_is(const cJSON *j, int id)
{
    const cJSON *i = cJSON_GetObjectItemCaseSensitive(j, "id");
    return cJSON_IsNumber(i) && i->valueint == id;
}

static const cJSON *result(const cJSON *j)
{
    return cJSON_GetObjectItemCaseSensitive(j, "result");
}

/* What every modern result carries (schema Result, ResultMetaObject). */
static void check_stamped(const cJSON *j, const char *what)
{
    const cJSON *r = result(j);
    CHECK_MSG(strcmp(mm_mcp_str_at(r, "resultType", NULL), "complete") == 0, "%s: resultType",
              what);
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(r, "_meta");
    CHECK_MSG(strcmp(mm_mcp_str_at(cJSON_GetObjectItemCaseSensitive(
                                       meta, "io.modelcontextprotocol/serverInfo"),
                                   "name", NULL),
                     "mistmcp") == 0,
              "%s: _meta serverInfo", what);
}

static int has_tool(const cJSON *tools, const char *name)
{
    return mm_mcp_find(tools, "name", name) != NULL;
}

/* The subscription id in a message's params._meta or result._meta, as text ("" if none). */
static const char *sub_id(const cJSON *j)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(j, "params");
    if (!p)
        p = result(j);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(p, "_meta"),
                                                      "io.modelcontextprotocol/subscriptionId");
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* A modern tools/call of callMistTool listOrgWlans with logLevel level (NULL: none): the
 * levels of the notifications/message lines before its answer, comma-separated, into out. */
static void logs_of(int id, const char *level, char *out, size_t size)
{
    char meta[600], line[2000];
    snprintf(meta, sizeof meta, META_FMT, "2026-07-28");
    if (level) /* the logLevel key goes inside _meta: replace its closing brace */
        snprintf(meta + strlen(meta) - 1, sizeof meta - strlen(meta) + 1,
                 ",\"io.modelcontextprotocol/logLevel\":\"%s\"}", level);
    snprintf(line, sizeof line,
             "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":"
             "\"callMistTool\",\"arguments\":{\"name\":\"listOrgWlans\",\"arguments\":{"
             "\"org_id\":\"o1\"}},%s}}",
             id, meta);
    out[0] = '\0';
    cJSON *r = ask(line);
    for (int n = 0; n < 10 && r && !cJSON_GetObjectItemCaseSensitive(r, "id"); n++) {
        CHECK_MSG(strcmp(mm_mcp_str_at(r, "method", NULL), "notifications/message") == 0,
                  "only log messages before the answer, got %s", mm_mcp_str_at(r, "method", NULL));
        snprintf(out + strlen(out), size - strlen(out), "%s%s", *out ? "," : "",
                 mm_mcp_str_at(r, "params", "level"));
        cJSON_Delete(r);
        char *l = mm_child_read_line(&server, 10000);
        r = l ? cJSON_Parse(l) : NULL;
        free(l);
    }
    CHECK_MSG(id_is(r, id), "the answer of %d", id);
    cJSON_Delete(r);
}

int main(int argc, char **argv)
{
    if (argc != 5)
        return 2;
    signal(SIGPIPE, SIG_IGN);
    char log[512];
    snprintf(log, sizeof log, "%s/fake-mist-eras.jsonl", argv[4]);
    static mm_child fake;
    int port = mm_child_start_fake_mist(&fake, argv[2], log, 120);
    CHECK_MSG(port > 0, "the fake backend did not start");
    if (port <= 0)
        return check_summary();
    char base[64];
    snprintf(base, sizeof base, "MISTMCP_API_BASE_URL=http://127.0.0.1:%d", port);
    char *env[] = {base, "MIST_API_TOKEN=eras-token", "HOME=/tmp", NULL};
    char *srv_argv[] = {argv[1], "--plugin-dir", argv[3], "--mode", "minimal", NULL};
    CHECK(mm_child_spawn(&server, srv_argv, env) == 0);

    /* server/discover, the stdio probe, before anything else. */
    cJSON *r = modern(1, "server/discover", "", "2026-07-28");
    const cJSON *versions = cJSON_GetObjectItemCaseSensitive(result(r), "supportedVersions");
    const char *expected[] = {"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};
    CHECK_MSG(cJSON_GetArraySize(versions) == 5, "supportedVersions");
    for (int i = 0; i < 5 && cJSON_GetArraySize(versions) == 5; i++)
        CHECK(strcmp(cJSON_GetArrayItem(versions, i)->valuestring, expected[i]) == 0);
    CHECK(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(result(r), "capabilities"), "tools")));
    CHECK(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(result(r), "ttlMs")));
    CHECK(strcmp(mm_mcp_str_at(result(r), "cacheScope", NULL), "public") == 0);
    check_stamped(r, "server/discover");
    cJSON_Delete(r);
    r = ask("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"server/discover\"}");
    CHECK_MSG(code(r) == -32602 && id_is(r, 2), "server/discover without _meta: -32602");
    cJSON_Delete(r);

    /* The version table: the one modern version served; any other in _meta is -32022 with
     * the request's id, the version asked and every supported one. */
    const char *unsupported[] = {"2099-01-01", "2025-11-25", "2024-11-05", "", "draft"};
    for (int i = 0; i < 5; i++) {
        r = modern(10 + i, "tools/list", "", unsupported[i]);
        CHECK_MSG(code(r) == -32022 && id_is(r, 10 + i), "version '%s': -32022 with its id",
                  unsupported[i]);
        const cJSON *data =
            cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "error"), "data");
        CHECK(strcmp(mm_mcp_str_at(data, "requested", NULL), unsupported[i]) == 0);
        CHECK(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(data, "supported")) == 5);
        cJSON_Delete(r);
    }

    /* Missing or malformed _meta: -32602 naming the field, with the id. */
    const char *bad[][2] = {
        {"{\"jsonrpc\":\"2.0\",\"id\":20,\"method\":\"tools/list\",\"params\":{\"_meta\":"
         "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}",
         "clientCapabilities is missing"},
        {"{\"jsonrpc\":\"2.0\",\"id\":20,\"method\":\"tools/list\",\"params\":{\"_meta\":"
         "{\"io.modelcontextprotocol/protocolVersion\":20260728,"
         "\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
         "protocolVersion must be a string"},
        {"{\"jsonrpc\":\"2.0\",\"id\":20,\"method\":\"tools/list\",\"params\":{\"_meta\":"
         "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
         "\"io.modelcontextprotocol/clientCapabilities\":[]}}}",
         "clientCapabilities must be an object"},
        {"{\"jsonrpc\":\"2.0\",\"id\":20,\"method\":\"server/discover\",\"params\":{\"_meta\":"
         "{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
         "\"io.modelcontextprotocol/clientCapabilities\":{},"
         "\"io.modelcontextprotocol/logLevel\":\"loud\"}}}",
         "logLevel must be one of"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = ask(bad[i][0]);
        CHECK_MSG(code(r) == -32602 && id_is(r, 20) &&
                      strstr(mm_mcp_str_at(r, "error", "message"), bad[i][1]),
                  "%s: %s", bad[i][1], mm_mcp_str_at(r, "error", "message"));
        cJSON_Delete(r);
    }

    /* Removed methods, and initialize on the modern path: -32601 saying why. */
    const char *removed[] = {"ping", "logging/setLevel", "initialize"};
    for (int i = 0; i < 3; i++) {
        r = modern(30 + i, removed[i], "", "2026-07-28");
        CHECK_MSG(code(r) == -32601 && id_is(r, 30 + i) &&
                      strstr(mm_mcp_str_at(r, "error", "message"), "2026-07-28"),
                  "%s: %s", removed[i], mm_mcp_str_at(r, "error", "message"));
        cJSON_Delete(r);
    }

    /* The modern tool list in minimal mode: the discovery tools, no manageMcpTools, cacheable. */
    r = modern(40, "tools/list", "", "2026-07-28");
    const cJSON *tools = cJSON_GetObjectItemCaseSensitive(result(r), "tools");
    CHECK(has_tool(tools, "searchMistTools") && has_tool(tools, "describeMistTool") &&
          has_tool(tools, "callMistTool") && has_tool(tools, "getSelf"));
    CHECK_MSG(!has_tool(tools, "manageMcpTools"), "manageMcpTools left out of modern lists");
    const cJSON *ttl = cJSON_GetObjectItemCaseSensitive(result(r), "ttlMs");
    CHECK(cJSON_IsNumber(ttl) && ttl->valuedouble > 0);
    CHECK(strcmp(mm_mcp_str_at(result(r), "cacheScope", NULL), "public") == 0);
    check_stamped(r, "tools/list");
    char *first_list = cJSON_PrintUnformatted(tools);
    cJSON_Delete(r);
    r = modern(41, "tools/call", "\"name\":\"manageMcpTools\",\"arguments\":{}", "2026-07-28");
    CHECK_MSG(code(r) == -32602 && strstr(mm_mcp_str_at(r, "error", "message"), "callMistTool"),
              "%s", mm_mcp_str_at(r, "error", "message"));
    cJSON_Delete(r);

    /* searchMistTools -> describeMistTool -> callMistTool reach a tool of a category that is
     * not enabled, with the operator's token, and nothing but the answer comes back. */
    r = modern(50, "tools/call",
               "\"name\":\"searchMistTools\",\"arguments\":{\"query\":\"org wlans\"}",
               "2026-07-28");
    CHECK_MSG(strstr(mm_mcp_result_text(result(r)), "listOrgWlans"), "%.300s",
              mm_mcp_result_text(result(r)));
    CHECK_MSG(!strstr(mm_mcp_result_text(result(r)), "manageMcpTools"),
              "a modern search points to a tool it does not have: %.600s",
              mm_mcp_result_text(result(r)));
    check_stamped(r, "searchMistTools");
    cJSON_Delete(r);
    r = modern(51, "tools/call",
               "\"name\":\"describeMistTool\",\"arguments\":{\"name\":\"listOrgWlans\"}",
               "2026-07-28");
    CHECK_MSG(strstr(mm_mcp_result_text(result(r)), "org_id"), "%.300s",
              mm_mcp_result_text(result(r)));
    cJSON_Delete(r);
    r = modern(52, "tools/call",
               "\"name\":\"callMistTool\",\"arguments\":{\"name\":\"listOrgWlans\","
               "\"arguments\":{\"org_id\":\"o1\"}}",
               "2026-07-28");
    CHECK_MSG(id_is(r, 52) && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(result(r), "isError")),
              "callMistTool without enabling: %.300s", mm_mcp_result_text(result(r)));
    check_stamped(r, "callMistTool");
    cJSON_Delete(r);
    FILE *f = fopen(log, "r");
    char line[16384], last[16384] = "";
    while (f && fgets(line, sizeof line, f))
        snprintf(last, sizeof last, "%s", line);
    if (f)
        fclose(f);
    cJSON *b = cJSON_Parse(last);
    CHECK_MSG(strcmp(mm_mcp_str_at(b, "path", NULL), "/api/v1/orgs/o1/wlans") == 0, "%s", last);
    CHECK(strcmp(mm_mcp_str_at(b, "headers", "Authorization"), "Token eras-token") == 0);
    cJSON_Delete(b);
    r = modern(53, "tools/list", "", "2026-07-28");
    char *again = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(result(r), "tools"));
    CHECK_MSG(strcmp(first_list, again) == 0, "the modern list changed after callMistTool");
    free(again);
    cJSON_Delete(r);

    /* subscriptions/listen: acknowledged at once, tagged with the request's id; only the kinds
     * the server honours are acknowledged. */
    const char *listen_fmt =
        "{\"jsonrpc\":\"2.0\",\"id\":\"%s\",\"method\":\"subscriptions/listen\",\"params\":{"
        "\"notifications\":%s," META_FMT "}}";
    char line2[1200];
    snprintf(line2, sizeof line2, listen_fmt, "sub-1",
             "{\"toolsListChanged\":true,\"promptsListChanged\":true}", "2026-07-28");
    r = ask(line2);
    CHECK_MSG(
        strcmp(mm_mcp_str_at(r, "method", NULL), "notifications/subscriptions/acknowledged") == 0 &&
            strcmp(sub_id(r), "sub-1") == 0,
        "the acknowledgement of sub-1");
    const cJSON *agreed = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(r, "params"), "notifications");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(agreed, "toolsListChanged")) &&
          cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(agreed, "promptsListChanged")) &&
          cJSON_GetArraySize(agreed) == 2);
    cJSON_Delete(r);
    snprintf(line2, sizeof line2, listen_fmt, "sub-1", "{\"toolsListChanged\":true}", "2026-07-28");
    r = ask(line2);
    CHECK_MSG(code(r) == -32600, "a second subscription with an open one's id is refused");
    cJSON_Delete(r);
    snprintf(line2, sizeof line2, listen_fmt, "sub-bad", "[]", "2026-07-28");
    r = ask(line2);
    CHECK_MSG(code(r) == -32602, "a filter that is not an object: -32602");
    cJSON_Delete(r);
    snprintf(line2, sizeof line2, listen_fmt, "sub-2", "{\"toolsListChanged\":true}", "2099-01-01");
    r = ask(line2);
    CHECK_MSG(code(r) == -32022, "subscriptions/listen with an unsupported version: -32022");
    cJSON_Delete(r);
    snprintf(line2, sizeof line2, listen_fmt, "sub-2", "{\"toolsListChanged\":true}", "2026-07-28");
    r = ask(line2);
    CHECK(strcmp(sub_id(r), "sub-2") == 0);
    cJSON_Delete(r);
    /* The client cancels sub-2 (a 2026-07-28 notification, with _meta): it ends without an
     * answer (checked at the end: only sub-1 gets its graceful end). */
    snprintf(line2, sizeof line2,
             "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{"
             "\"requestId\":\"sub-2\"," META_FMT "}}",
             "2026-07-28");
    CHECK(mm_child_send(&server, line2) == 0);

    /* Log messages: only for a request that asked, at or above its level. A Mist call logs
     * its request at debug (mcp/tool_exec.c). */
    char levels[200];
    logs_of(54, NULL, levels, sizeof levels);
    CHECK_MSG(strcmp(levels, "") == 0, "no logLevel, no notifications/message: got %s", levels);
    logs_of(55, "info", levels, sizeof levels);
    CHECK_MSG(strcmp(levels, "") == 0, "logLevel info hides debug: got %s", levels);
    logs_of(56, "debug", levels, sizeof levels);
    CHECK_MSG(strcmp(levels, "debug") == 0, "logLevel debug: got '%s'", levels);

    /* A 2025 session in the same process: initialize as today, manageMcpTools changes its
     * list (with list_changed), never the modern one. */
    r = ask("{\"jsonrpc\":\"2.0\",\"id\":60,\"method\":\"initialize\",\"params\":{"
            "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":"
            "\"legacy\",\"version\":\"1\"}}}");
    CHECK(strcmp(mm_mcp_str_at(result(r), "protocolVersion", NULL), "2025-11-25") == 0);
    CHECK(!cJSON_GetObjectItemCaseSensitive(result(r), "resultType"));
    cJSON_Delete(r);
    CHECK(mm_child_send(&server,
                        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}") == 0);
    r = ask("{\"jsonrpc\":\"2.0\",\"id\":61,\"method\":\"ping\"}");
    CHECK(id_is(r, 61) && result(r));
    cJSON_Delete(r);
    r = ask(
        "{\"jsonrpc\":\"2.0\",\"id\":62,\"method\":\"tools/call\",\"params\":{\"name\":"
        "\"manageMcpTools\",\"arguments\":{\"enable_mcp_tools_categories\":[\"orgs_wlans\"]}}}");
    CHECK_MSG(strcmp(mm_mcp_str_at(r, "method", NULL), "notifications/tools/list_changed") == 0,
              "a 2025 session still hears list_changed");
    cJSON_Delete(r);
    char *l = mm_child_read_line(&server, 10000); /* its answer, nothing between */
    r = l ? cJSON_Parse(l) : NULL;
    free(l);
    CHECK_MSG(id_is(r, 62), "the manageMcpTools answer right after its list_changed: nothing on "
                            "sub-1 (the modern list did not change)");
    cJSON_Delete(r);
    r = ask("{\"jsonrpc\":\"2.0\",\"id\":63,\"method\":\"tools/list\",\"params\":{}}");
    CHECK(has_tool(cJSON_GetObjectItemCaseSensitive(result(r), "tools"), "listOrgWlans"));
    CHECK(!cJSON_GetObjectItemCaseSensitive(result(r), "ttlMs"));
    cJSON_Delete(r);
    r = modern(64, "tools/list", "", "2026-07-28");
    again = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(result(r), "tools"));
    CHECK_MSG(strcmp(first_list, again) == 0, "the modern list changed with the 2025 session's");
    free(again);
    cJSON_Delete(r);
    free(first_list);

    /* EOF: the open subscription gets its graceful-end response, the cancelled one nothing. */
    close(server.in);
    server.in = -1;
    int ends = 0;
    for (char *end; (end = mm_child_read_line(&server, 5000)) != NULL; free(end)) {
        cJSON *j = cJSON_Parse(end);
        const cJSON *jid = cJSON_GetObjectItemCaseSensitive(j, "id");
        CHECK_MSG(cJSON_IsString(jid) && strcmp(jid->valuestring, "sub-1") == 0 &&
                      strcmp(sub_id(j), "sub-1") == 0 &&
                      strcmp(mm_mcp_str_at(result(j), "resultType", NULL), "complete") == 0,
                  "only sub-1's graceful end after EOF, got %s", end);
        ends++;
        cJSON_Delete(j);
    }
    CHECK_MSG(ends == 1, "one graceful end (%d)", ends);

    int status = mm_child_finish(&server, 5000);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    mm_child_finish(&fake, 5000);
    return check_summary();
}
