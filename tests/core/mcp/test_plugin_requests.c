/*
 * What a custom plugin may send through host->mist_request (core/mcp/tool_exec.c, hook_mist):
 * a read-only tool, or any tool of a server started without --enable-write-tools, sends GETs
 * only, and not a GET whose path performs an action (".../upgrade/{id}/cancel": Mist acts on
 * it, so it is a write); paths with dot segments and queries with '#' or raw bytes are
 * refused; an unknown method is refused. Issue 13, row 12 and the acting-GET finding. And a
 * write a plugin sends waits for confirmation like any other (issue 16's write gate).
 *
 * The plugin is the test plugin built with TP_REQUESTER (tests/plugins/test_plugin.c): its
 * tools send the method, path and query they are given. The Mist client's base URL is a
 * loopback port this process holds bound without listening: a request the host lets through
 * fails at once with "connection refused" (nothing leaves the machine), a refused one never
 * gets that far, so the two answers tell which happened.
 * usage: test_plugin_requests PLUGIN_DIR (the requester test plugin's directory)
 */
#include "base/config.h"
#include "base/util.h"
#include "check.h"
#include "mcp/host_api.h"
#include "mcp/protocol.h"
#include "mcp/server.h"
#include "mcp/session.h"
#include "mist/client.h"
#include "refusing_port.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void no_send(void *ctx, const char *line)
{
    (void)ctx, (void)line;
}

/* The text of tools/call tool {method, path, query}, and whether it is an error. */
static char *call(mm_session *s, mm_mist_conn *conn, const char *tool, const char *method,
                  const char *path, const char *query, int *is_error)
{
    cJSON *args = cJSON_CreateObject();
    cJSON_AddStringToObject(args, "method", method);
    cJSON_AddStringToObject(args, "path", path);
    if (query)
        cJSON_AddStringToObject(args, "query", query);
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "name", tool);
    cJSON_AddItemToObject(params, "arguments", args);
    cJSON *msg = cJSON_CreateObject();
    cJSON_AddStringToObject(msg, "jsonrpc", "2.0");
    cJSON_AddNumberToObject(msg, "id", 1);
    cJSON_AddStringToObject(msg, "method", "tools/call");
    cJSON_AddItemToObject(msg, "params", params);
    cJSON *reply = mm_protocol_handle(s, conn, msg, NULL);
    cJSON_Delete(msg);
    const cJSON *failure = cJSON_GetObjectItemCaseSensitive(reply, "error");
    const cJSON *message = cJSON_GetObjectItemCaseSensitive(failure, "message");
    if (cJSON_IsString(message)) { /* a JSON-RPC error: the tool was not even offered */
        *is_error = 1;
        char *out = mm_xstrdup(message->valuestring);
        cJSON_Delete(reply);
        return out;
    }
    const cJSON *result = cJSON_GetObjectItemCaseSensitive(reply, "result");
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(result, "content");
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(content, 0), "text");
    *is_error = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(result, "isError"));
    char *out = mm_xstrdup(cJSON_IsString(text) ? text->valuestring : "(no text)");
    if (!cJSON_IsString(text)) {
        char *wire = cJSON_PrintUnformatted(reply);
        fprintf(stderr, "unexpected answer: %s\n", wire ? wire : "(none)");
        free(wire);
    }
    cJSON_Delete(reply);
    return out;
}

/* The host let it through: the request went to the (refusing) Mist address, and the Mist
 * client says it could not connect there. */
static int was_sent(const char *text)
{
    return strstr(text, "refused or failed: cannot connect to http://127.0.0.1:") != NULL;
}

static void expect(mm_session *s, mm_mist_conn *conn, const char *tool, const char *method,
                   const char *path, const char *query, int sent, const char *says)
{
    int is_error = 0;
    char *text = call(s, conn, tool, method, path, query, &is_error);
    CHECK_MSG(is_error, "%s %s %s: an error result either way: %s", tool, method, path, text);
    CHECK_MSG(was_sent(text) == sent, "%s %s %s?%s: %s expected: %s", tool, method, path,
              query ? query : "", sent ? "sent" : "refused", text);
    CHECK_MSG(!says || strstr(text, says), "%s %s %s: the answer names \"%s\": %s", tool, method,
              path, says, text);
    free(text);
}

static mm_session *session(const mm_server *srv)
{
    const char *cats[] = {"requester"};
    char err[256];
    mm_session *s = mm_session_create(srv, MM_MODE_CUSTOM, cats, 1, "tok", NULL, no_send, NULL, err,
                                      sizeof err);
    CHECK_MSG(s != NULL, "%s", err);
    return s;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    mm_util_init();
    if (mm_mist_global_init() != 0)
        return 2;
    const char *dirs[1] = {argv[1]};
    char err[256];
    mm_registry *reg = NULL;
    CHECK_MSG(mm_registry_create(NULL, dirs, 1, mm_host_api(), &reg, err, sizeof err) == 0, "%s",
              err);
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%d", mm_test_refusing_port());
    mm_mist_options mo = {.base_url = base,
                          .connect_timeout_ms = 1000,
                          .timeout_ms = 2000,
                          .max_body_bytes = 1 << 20,
                          .user_agent = "mistmcp/test"};
    mm_mist_client *mist = mm_mist_client_create(&mo);
    mm_config read_cfg = {0}, write_cfg = {0};
    write_cfg.enable_write_tools = 1;
    /* What the hook lets through is the point here, not the confirmation of writes (issue 16,
     * e2e.write_confirmation): writes go straight through, as with --write-confirmation none. */
    write_cfg.write_confirmation = MM_CONFIRM_NONE;
    mm_server read_srv = {.cfg = &read_cfg, .registry = reg, .mist = mist, .version = "0"};
    mm_server write_srv = read_srv;
    write_srv.cfg = &write_cfg;
    mm_mist_conn *conn = mm_mist_conn_create();

    const char *cancel = "/api/v1/orgs/o1/ssr/upgrade/u1/cancel";
    const char *sites = "/api/v1/orgs/o1/sites";

    /* Without --enable-write-tools: GETs that only read, nothing else. */
    mm_session *ro = session(&read_srv);
    expect(ro, conn, "requesterRead", "GET", sites, "limit=5", 1, NULL);
    expect(ro, conn, "requesterRead", "GET", cancel, NULL, 0, "performs an action ('cancel')");
    expect(ro, conn, "requesterRead", "POST", sites, NULL, 0, "POST refused");
    /* A tool without the read-only annotation is not offered without --enable-write-tools. */
    int is_error = 0;
    char *text = call(ro, conn, "requesterWrite", "GET", cancel, NULL, &is_error);
    CHECK_MSG(is_error && strstr(text, "Unknown tool"), "requesterWrite without write tools: %s",
              text);
    free(text);
    mm_session_destroy(&ro);

    /* With --enable-write-tools: a read-only tool still only reads; a write tool may act. */
    mm_session *rw = session(&write_srv);
    expect(rw, conn, "requesterRead", "GET", cancel, NULL, 0, "performs an action ('cancel')");
    expect(rw, conn, "requesterRead", "DELETE", sites, NULL, 0, "DELETE refused");
    expect(rw, conn, "requesterWrite", "GET", cancel, NULL, 1, NULL);
    expect(rw, conn, "requesterWrite", "POST", sites, NULL, 1, NULL);
    /* What no tool may send. */
    expect(rw, conn, "requesterWrite", "GET", "/api/v1/../internal/x", NULL, 0, "'..'");
    expect(rw, conn, "requesterWrite", "GET", "/api/v1/orgs/./o1", NULL, 0, "'.'");
    expect(rw, conn, "requesterWrite", "GET", sites, "a=1#b=2", 0, "'#'");
    expect(rw, conn, "requesterWrite", "GET", sites, "a=1 2", 0, "query must be encoded");
    expect(rw, conn, "requesterWrite", "TRACE", sites, NULL, 0, "method must be");
    mm_session_destroy(&rw);

    /* With confirmation (the default without elicitation: a token), the write a plugin sends
     * through the host stops at the preview: nothing reaches the Mist address. */
    write_cfg.write_confirmation = MM_CONFIRM_TOKEN;
    mm_session *confirm = session(&write_srv);
    text = call(confirm, conn, "requesterWrite", "POST", sites, NULL, &is_error);
    CHECK_MSG(!was_sent(text) && strstr(text, "Nothing was sent"),
              "a plugin's POST waits for confirmation: %s", text);
    free(text);
    mm_session_destroy(&confirm);

    mm_mist_conn_destroy(&conn);
    mm_mist_client_destroy(&mist);
    mm_registry_destroy(&reg);
    mm_mist_global_cleanup();
    return check_summary();
}
