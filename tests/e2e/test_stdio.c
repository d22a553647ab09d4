/*
 * mistmcp over stdio against the fake Mist backend, end to end: the real binary in a child
 * process, JSON-RPC through its pipes, and the backend's record of what arrived.
 * Every wait is bounded (10 s per answer).
 *
 * usage: test_stdio MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
 */
#define _GNU_SOURCE
#include "check.h"
#include "child.h"
#include "mcp_client.h"
#include "base/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static mm_child server;
static int notifications_list_changed;
static cJSON *notifications; /* every notification seen, in order */
static cJSON *stray;         /* responses to other requests that arrived meanwhile */

static void send_line(const char *line)
{
    CHECK(mm_child_send(&server, line) == 0);
}

/* Waits for the response with this id; counts and keeps notifications meanwhile. */
/* Where the answer to id waits in stray, or -1. */
static int stray_index(int id)
{
    for (int i = 0; i < cJSON_GetArraySize(stray); i++) {
        const cJSON *sid = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(stray, i), "id");
        if (cJSON_IsNumber(sid) && sid->valueint == id)
            return i;
    }
    return -1;
}

static cJSON *await_id(int id, const char *what)
{
    /* An answer that came while waiting for another one is kept in stray. */
    int kept = stray_index(id);
    if (kept >= 0)
        return cJSON_DetachItemFromArray(stray, kept);
    for (int i = 0; i < 200; i++) {
        char *l = mm_child_read_line(&server, 10000);
        if (!l) {
            CHECK_MSG(0, "no answer to %s (id %d)", what, id);
            return NULL;
        }

        char *fixed = mm_utf8_repair(l);
        CHECK_MSG(fixed == NULL, "server wrote invalid UTF-8: %.200s", l);
        free(fixed);
        cJSON *msg = cJSON_Parse(l);
        CHECK_MSG(msg != NULL, "server wrote a line that is not JSON: %.200s", l);
        free(l);
        const cJSON *mid = cJSON_GetObjectItemCaseSensitive(msg, "id");
        if (cJSON_IsNumber(mid) && mid->valueint == id)
            return msg;
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(msg, "method");
        if (cJSON_IsString(m) && strcmp(m->valuestring, "notifications/tools/list_changed") == 0)
            notifications_list_changed++;
        if (cJSON_IsString(m))
            cJSON_AddItemToArray(notifications, cJSON_Duplicate(msg, 1));
        else
            cJSON_AddItemToArray(stray, cJSON_Duplicate(msg, 1));
        cJSON_Delete(msg);
    }
    return NULL;
}

/* Sends a request and returns its response. */
static cJSON *rpc(int id, const char *method, const char *params)
{
    char line[8192];
    snprintf(line, sizeof line, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\"%s%s}", id, method,
             params ? ",\"params\":" : "", params ? params : "");
    send_line(line);
    return await_id(id, method);
}

static const char *result_text(const cJSON *r)
{
    const cJSON *c =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "result"), "content");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(c, 0), "text");
    return cJSON_IsString(t) ? t->valuestring : "";
}

static int is_error_result(const cJSON *r)
{
    return cJSON_IsTrue(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "result"), "isError"));
}

static int error_code(const cJSON *r)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(r, "error");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "code");
    return cJSON_IsNumber(c) ? c->valueint : 0;
}

static int mapped(pid_t pid, const char *needle)
{
    char path[64], line[4096];
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    FILE *f = fopen(path, "r");
    int found = 0;
    while (f && fgets(line, sizeof line, f))
        found |= strstr(line, needle) != NULL;
    if (f)
        fclose(f);
    return found;
}

/* The last request the fake backend recorded, parsed. */
static cJSON *last_backend_request(const char *log)
{
    FILE *f = fopen(log, "r");
    char line[16384], last[16384] = "";
    while (f && fgets(line, sizeof line, f))
        snprintf(last, sizeof last, "%s", line);
    if (f)
        fclose(f);
    return cJSON_Parse(last);
}

int main(int argc, char **argv)
{
    if (argc != 5)
        return 2;
    signal(SIGPIPE, SIG_IGN);
    notifications = cJSON_CreateArray();
    stray = cJSON_CreateArray();
    char log[512];
    snprintf(log, sizeof log, "%s/fake-mist-requests.jsonl", argv[4]);
    static mm_child fc;
    int port = mm_child_start_fake_mist(&fc, argv[2], log, 120);
    CHECK_MSG(port > 0, "the fake backend did not start");
    if (port <= 0)
        return check_summary();

    char base[64], plugin_arg[600];
    snprintf(base, sizeof base, "MISTMCP_API_BASE_URL=http://127.0.0.1:%d", port);
    snprintf(plugin_arg, sizeof plugin_arg, "%s", argv[3]);
    char *env[] = {base, "MIST_API_TOKEN=test-token-1", "MIST_ORG_ID=default-org", "HOME=/tmp",
                   NULL};
    /* MM_E2E_VALGRIND=path runs the server under valgrind (a leak or memory error fails the
     * exit-status check at the end). */
    const char *vg = getenv("MM_E2E_VALGRIND");
    char *srv_argv[16] = {0};
    int sa = 0;
    if (vg && *vg) {
        srv_argv[sa++] = (char *)vg;
        srv_argv[sa++] = "-q";
        srv_argv[sa++] = "--error-exitcode=99";
        srv_argv[sa++] = "--leak-check=full";
        srv_argv[sa++] = "--errors-for-leak-kinds=definite,indirect";
    }
    srv_argv[sa++] = argv[1];
    srv_argv[sa++] = "--plugin-dir";
    srv_argv[sa++] = plugin_arg;
    CHECK(mm_child_spawn(&server, srv_argv, env) == 0);

    cJSON *r = rpc(1, "initialize",
                   "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                   "\"clientInfo\":{\"name\":\"e2e\",\"version\":\"1\"}}");
    CHECK(strcmp(
              mm_mcp_str_at(cJSON_GetObjectItemCaseSensitive(r, "result"), "protocolVersion", NULL),
              "2025-06-18") == 0);
    cJSON_Delete(r);
    send_line("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

    /* Managed mode: only the built-ins, no plugin mapped. */
    r = rpc(2, "tools/list", NULL);
    const cJSON *tools =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "result"), "tools");
    CHECK_MSG(cJSON_GetArraySize(tools) == 5, "%d tools (getSelf, manageMcpTools, discovery)",
              cJSON_GetArraySize(tools));
    cJSON_Delete(r);
    CHECK(!mapped(server.pid, "/orgs_wlans.so"));

    /* getSelf reaches the backend with the token and user agent. */
    r = rpc(3, "tools/call", "{\"name\":\"getSelf\",\"arguments\":{}}");
    CHECK_MSG(strstr(result_text(r), "demo@demo-networks.example") != NULL, "%s", result_text(r));
    cJSON *b = last_backend_request(log);
    CHECK(strcmp(mm_mcp_str_at(b, "path", NULL), "/api/v1/self") == 0);
    CHECK(strcmp(mm_mcp_str_at(b, "headers", "Authorization"), "Token test-token-1") == 0);
    CHECK(strncmp(mm_mcp_str_at(b, "headers", "User-Agent"), "mistmcp/", 8) == 0);
    cJSON_Delete(b);
    cJSON_Delete(r);

    /* Enabling maps the plugin and announces the change. */
    int changed_before = notifications_list_changed;
    r = rpc(4, "tools/call",
            "{\"name\":\"manageMcpTools\",\"arguments\":{\"enable_mcp_tools_categories\":"
            "\"orgs_wlans, no_such_category\"}}");
    CHECK_MSG(strstr(result_text(r), "listOrgWlans") && strstr(result_text(r), "no_such_category"),
              "%s", result_text(r));
    cJSON_Delete(r);
    r = rpc(5, "ping", NULL); /* the notification was sent before the answer */
    cJSON_Delete(r);
    CHECK(notifications_list_changed == changed_before + 1);
    CHECK(mapped(server.pid, "/orgs_wlans.so"));
    r = rpc(6, "tools/list", NULL);
    char *listing = cJSON_PrintUnformatted(r);
    CHECK(strstr(listing, "\"listOrgWlans\"") && !strstr(listing, "\"createOrgWlan\""));
    free(listing);
    cJSON_Delete(r);

    /* A call: default org filled, query encoded, answer shaped. */
    r = rpc(7, "tools/call", "{\"name\":\"listOrgWlans\",\"arguments\":{\"limit\":5}}");
    b = last_backend_request(log);
    CHECK_MSG(strcmp(mm_mcp_str_at(b, "path", NULL), "/api/v1/orgs/default-org/wlans") == 0, "%s",
              mm_mcp_str_at(b, "path", NULL));
    CHECK(strcmp(mm_mcp_str_at(b, "query", "limit"), "5") == 0 &&
          strcmp(mm_mcp_str_at(b, "method", NULL), "GET") == 0);
    CHECK(!is_error_result(r));
    cJSON_Delete(b);
    cJSON_Delete(r);
    /* An id that tries to climb out of its segment stays inside it. */
    r = rpc(8, "tools/call",
            "{\"name\":\"listOrgWlans\",\"arguments\":{\"org_id\":\"../../self?x=1#y\"}}");
    b = last_backend_request(log);
    CHECK_MSG(strcmp(mm_mcp_str_at(b, "path", NULL),
                     "/api/v1/orgs/..%2F..%2Fself%3Fx%3D1%23y/wlans") == 0,
              "%s", mm_mcp_str_at(b, "path", NULL));
    cJSON_Delete(b);
    cJSON_Delete(r);
    /* Bad arguments: an isError result naming the argument, nothing sent. */
    r = rpc(9, "tools/call", "{\"name\":\"listOrgWlans\",\"arguments\":{\"limit\":\"five\"}}");
    CHECK(is_error_result(r) &&
          strstr(result_text(r), "argument 'limit' must be an integer, got string"));
    cJSON_Delete(r);
    r = rpc(10, "tools/call", "{\"name\":\"listOrgWlans\",\"arguments\":{\"limt\":1}}");
    CHECK(is_error_result(r) && strstr(result_text(r), "unknown argument 'limt'"));
    cJSON_Delete(r);
    /* Write tools stay hidden in read-only mode. */
    r = rpc(11, "tools/call", "{\"name\":\"createOrgWlan\",\"arguments\":{}}");
    char *text = cJSON_PrintUnformatted(r);
    CHECK(error_code(r) == -32602 && strstr(text, "--enable-write-tools"));
    free(text);
    cJSON_Delete(r);

    /* A slow call does not hold up ping: the ping's answer comes first. */
    send_line("{\"jsonrpc\":\"2.0\",\"id\":30,\"method\":\"tools/call\",\"params\":{"
              "\"name\":\"listOrgWlans\",\"arguments\":{\"org_id\":\"slow-1500\"}}}");
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = rpc(31, "ping", NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ping_ms =
        (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    CHECK_MSG(r && ping_ms < 1000, "ping took %.0f ms behind a slow call", ping_ms);
    cJSON_Delete(r);
    r = await_id(30, "the slow call"); /* it answers after the ping */
    CHECK(r && !error_code(r) && !is_error_result(r));
    cJSON_Delete(r);

    /* Cancellation: no answer for the cancelled request, the server goes on. */
    send_line("{\"jsonrpc\":\"2.0\",\"id\":32,\"method\":\"tools/call\",\"params\":{"
              "\"name\":\"listOrgWlans\",\"arguments\":{\"org_id\":\"slow-3000\"}}}");
    usleep(200000);
    send_line("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{"
              "\"requestId\":32,\"reason\":\"user stopped it\"}}");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    r = rpc(33, "ping", NULL);
    cJSON_Delete(r);
    for (;;) { /* wait past the backend's delay: id 32 must never answer */
        char *l = mm_child_read_line(&server, 500);
        if (l) {
            CHECK_MSG(!strstr(l, "\"id\":32"), "cancelled request answered: %.200s", l);
            free(l);
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (t1.tv_sec - t0.tv_sec > 4)
            break;
    }
    CHECK_MSG(stray_index(32) < 0, "cancelled request 32 answered");
    r = rpc(34, "ping", NULL);
    CHECK(r != NULL);
    cJSON_Delete(r);

    /* A cancel reaches a call still waiting for a worker (4 workers, 6 slow calls). */
    for (int i = 0; i < 6; i++) {
        char line[300];
        snprintf(line, sizeof line,
                 "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{"
                 "\"name\":\"listOrgWlans\",\"arguments\":{\"org_id\":\"slow-800\"}}}",
                 50 + i);
        send_line(line);
    }
    send_line("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{"
              "\"requestId\":55}}");
    for (int i = 0; i < 5; i++) {
        r = await_id(50 + i, "a queued slow call");
        CHECK(r && !error_code(r));
        cJSON_Delete(r);
    }
    r = rpc(56, "ping", NULL);
    cJSON_Delete(r);
    for (int i = 0; i < 12; i++) { /* past a second wave of the backend's delay */
        char *l = mm_child_read_line(&server, 100);
        if (l) {
            CHECK_MSG(!strstr(l, "\"id\":55"), "cancelled queued request answered: %.200s", l);
            free(l);
        }
    }
    CHECK_MSG(stray_index(55) < 0, "cancelled request 55 answered");

    /* A cut argument name in an error message: the answer is still valid UTF-8. */
    {
        char line[2000] = "{\"name\":\"listOrgWlans\",\"arguments\":{\"org_id\":\"o\",\"x";
        for (int i = 0; i < 300; i++)
            strcat(line, "\xc3\xa9");
        strcat(line, "\":1}}");
        r = rpc(57, "tools/call", line);
        CHECK(is_error_result(r) && strstr(result_text(r), "unknown argument"));
        cJSON_Delete(r);
    }

    /* Progress and log notifications, when asked for; the token never in them. */
    r = rpc(35, "logging/setLevel", "{\"level\":\"debug\"}");
    CHECK(r && !error_code(r));
    cJSON_Delete(r);
    int before = cJSON_GetArraySize(notifications);
    r = rpc(36, "tools/call",
            "{\"name\":\"listOrgWlans\",\"arguments\":{},\"_meta\":{\"progressToken\":\"p-1\"}}");
    cJSON_Delete(r);
    int progress = 0, logs = 0;
    for (int i = before; i < cJSON_GetArraySize(notifications); i++) {
        char *n = cJSON_PrintUnformatted(cJSON_GetArrayItem(notifications, i));
        progress += strstr(n, "notifications/progress") && strstr(n, "\"p-1\"");
        logs +=
            strstr(n, "notifications/message") && strstr(n, "GET /api/v1/orgs/default-org/wlans");
        CHECK_MSG(!strstr(n, "test-token-1"), "the token leaked into %s", n);
        free(n);
    }
    CHECK_MSG(progress >= 2 && logs == 1, "progress %d, logs %d", progress, logs);
    r = rpc(37, "logging/setLevel", "{\"level\":\"loud\"}");
    CHECK(error_code(r) == -32602);
    cJSON_Delete(r);

    /* Mist errors and paging, shaped for the model. */
    r = rpc(38, "tools/call",
            "{\"name\":\"listOrgWlans\",\"arguments\":{\"org_id\":\"status-404\"}}");
    CHECK_MSG(is_error_result(r) && strstr(result_text(r), "HTTP 404: injected 404") &&
                  strstr(result_text(r), "getSelf"),
              "%s", result_text(r));
    cJSON_Delete(r);
    r = rpc(39, "tools/call", "{\"name\":\"listOrgWlans\",\"arguments\":{\"org_id\":\"garbage\"}}");
    CHECK(is_error_result(r) && strstr(result_text(r), "not JSON"));
    cJSON_Delete(r);
    r = rpc(40, "tools/call", "{\"name\":\"listOrgWlans\",\"arguments\":{\"org_id\":\"paged\"}}");
    char *paged = cJSON_PrintUnformatted(r);
    CHECK_MSG(strstr(paged, "\"pagination\":{\"page\":1,\"limit\":100,\"total\":250}") &&
                  strstr(paged, "page=2"),
              "%s", paged);
    free(paged);
    cJSON_Delete(r);

    /* Disabling unmaps the plugin; its tools are gone with a hint. */
    r = rpc(12, "tools/call",
            "{\"name\":\"manageMcpTools\",\"arguments\":{\"disable_mcp_tools_categories\":"
            "[\"orgs_wlans\"]}}");
    cJSON_Delete(r);
    CHECK(!mapped(server.pid, "/orgs_wlans.so"));
    r = rpc(13, "tools/call", "{\"name\":\"listOrgWlans\",\"arguments\":{}}");
    CHECK(error_code(r) == -32602);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(r, "error");
    CHECK(strstr(mm_mcp_str_at(e, "message", NULL), "manageMcpTools") != NULL);
    cJSON_Delete(r);

    /* Protocol errors. */
    send_line("{not json");
    char *l = mm_child_read_line(&server, 10000);
    CHECK(l && strstr(l, "-32700"));
    free(l);
    r = rpc(14, "resources/list", NULL);
    CHECK(error_code(r) == -32601);
    cJSON_Delete(r);
    r = rpc(15, "tools/call", "{\"arguments\":{}}");
    CHECK(error_code(r) == -32602);
    cJSON_Delete(r);
    send_line("[{\"jsonrpc\":\"2.0\",\"id\":16,\"method\":\"ping\"}]");
    l = mm_child_read_line(&server, 10000);
    CHECK_MSG(l && strstr(l, "-32600") && strstr(l, "batches"), "%s", l ? l : "(nothing)");
    free(l);

    /* End of input: the server exits cleanly. */
    int status = mm_child_finish(&server, 5000);
    CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "server exit status %d", status);
    mm_child_finish(&fc, 5000); /* the fake stops when its stdin closes */
    cJSON_Delete(notifications);
    cJSON_Delete(stray);
    return check_summary();
}
