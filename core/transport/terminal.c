/* The tools from a terminal: one MCP session, one tools/call, its answer printed (see
 * terminal.h). */
#define _POSIX_C_SOURCE 200809L /* fileno */
#include "transport/terminal.h"

#include "base/cli_args.h"
#include "base/json_exact.h"
#include "base/util.h"
#include "mcp/builtin_tools.h"
#include "mcp/protocol.h"
#include "mcp/session.h"
#include "mist/client.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The session's notifications (list_changed after enable_category, logs) are not the result. */
static void drop(void *ctx, const char *json_line)
{
    (void)ctx;
    (void)json_line;
}

/* The tool the command runs and its arguments, or -1 after one line on err. *args is the
 * caller's. */
static int command_call(const mm_config *cfg, const char **tool, cJSON **args, FILE *err)
{
    const mm_strlist *ops = &cfg->operands;
    char why[700] = "";
    *args = NULL;
    if (cfg->action == MM_ACTION_SEARCH) {
        mm_buf query = {0};
        for (size_t i = 0; i < ops->count; i++) {
            if (i)
                mm_buf_put(&query, " ", 1);
            mm_buf_put(&query, ops->items[i], strlen(ops->items[i]));
        }
        if (query.len == 0)
            snprintf(why, sizeof why,
                     "search needs a question: mistmcp search offline access points");
        else
            cJSON_AddStringToObject(*args = cJSON_CreateObject(), "query", query.data);
        free(query.data);
        *tool = "searchMistTools";
    } else if (cfg->action == MM_ACTION_DESCRIBE) {
        if (ops->count < 1 || ops->count > 2) {
            snprintf(why, sizeof why,
                     "describe takes a tool name and optionally a body field: mistmcp describe "
                     "createOrgWlan [auth]");
        } else {
            *args = cJSON_CreateObject();
            cJSON_AddStringToObject(*args, "name", ops->items[0]);
            if (ops->count == 2)
                cJSON_AddStringToObject(*args, "path", ops->items[1]);
        }
        *tool = "describeMistTool";
    } else if (ops->count == 0 || strchr(ops->items[0], '=')) {
        char *s = ops->count ? mm_text_shown(ops->items[0]) : NULL;
        snprintf(why, sizeof why,
                 "call needs the tool name first%s%.100s%s: mistmcp call TOOL [key=value...] "
                 "[--json ARGS]",
                 s ? ", not '" : "", s ? s : "", s ? "'" : "");
        free(s);
    } else {
        *tool = ops->items[0];
        *args = mm_cli_args_object(cfg->call_json, (const char *const *)ops->items + 1,
                                   ops->count - 1, why, sizeof why);
    }
    if (*args)
        return 0;
    fprintf(err, "mistmcp: %s\n", why);
    return -1;
}

static cJSON *request(int id, const char *method, cJSON *params)
{
    cJSON *msg = cJSON_CreateObject();
    cJSON_AddStringToObject(msg, "jsonrpc", "2.0");
    if (id >= 0)
        cJSON_AddNumberToObject(msg, "id", id);
    cJSON_AddStringToObject(msg, "method", method);
    if (params)
        cJSON_AddItemToObject(msg, "params", params);
    return msg;
}

/* The tools/call message for tool with args (taken), as a model sends it in session s: by
 * name, or through the dispatcher that runs it. */
static cJSON *tools_call(mm_session *s, const char *tool, cJSON *args)
{
    const char *via = mm_builtin_route(s, tool);
    if (via) {
        cJSON *outer = cJSON_CreateObject();
        cJSON_AddStringToObject(outer, "name", tool);
        cJSON_AddItemToObject(outer, "arguments", args);
        cJSON_AddTrueToObject(outer, "enable_category");
        args = outer;
    }
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "name", via ? via : tool);
    cJSON_AddItemToObject(params, "arguments", args);
    return request(1, "tools/call", params);
}

/* Prints the answer's result or error (reply is taken). Returns the exit status. */
static int print_answer(cJSON *reply, FILE *out, FILE *err)
{
    cJSON *result = cJSON_DetachItemFromObjectCaseSensitive(reply, "result");
    cJSON *answer = result ? result : cJSON_DetachItemFromObjectCaseSensitive(reply, "error");
    int rc = !result || cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(result, "isError"));
    cJSON_Delete(reply);
    char *text = mm_json_wire_text(answer); /* the bytes the stdio line carries */
    if (!text) {
        fputs("mistmcp: the server gave no answer\n", err);
        return 1;
    }
    char *pretty = isatty(fileno(out)) ? mm_json_pretty(text, strlen(text)) : NULL;
    fprintf(out, "%s\n", pretty ? pretty : text);
    free(pretty);
    free(text);
    if (fflush(out) != 0) {
        perror("mistmcp: writing the answer");
        return 1;
    }
    return rc;
}

int mm_terminal_run(const mm_server *srv, FILE *out, FILE *err)
{
    const char *tool = NULL;
    cJSON *args = NULL;
    if (command_call(srv->cfg, &tool, &args, err) != 0)
        return 2;
    char why[512];
    mm_session *s = mm_session_create_own(srv, drop, NULL, why, sizeof why);
    if (!s) {
        cJSON_Delete(args);
        fprintf(err, "mistmcp: cannot start the session: %s\n", why);
        return 1;
    }
    mm_mist_conn *conn = mm_mist_conn_create();
    cJSON *init = cJSON_CreateObject();
    cJSON_AddStringToObject(init, "protocolVersion", MM_PROTOCOL_LATEST);
    cJSON_AddObjectToObject(init, "capabilities");
    cJSON *info = cJSON_AddObjectToObject(init, "clientInfo");
    cJSON_AddStringToObject(info, "name", "mistmcp-terminal");
    cJSON_AddStringToObject(info, "version", srv->version);
    cJSON *msgs[2] = {request(0, "initialize", init),
                      request(-1, "notifications/initialized", NULL)};
    for (int i = 0; i < 2; i++) {
        cJSON_Delete(mm_protocol_handle(s, conn, msgs[i], NULL));
        cJSON_Delete(msgs[i]);
    }
    /* The call goes as text, checked and parsed as the stdio transport reads a line. */
    char *line = mm_json_take_text(tools_call(s, tool, args));
    const char *problem = mm_json_input_problem(line, strlen(line));
    cJSON *msg = problem ? NULL : mm_json_parse_exact(line, strlen(line), NULL);
    int rc;
    if (!msg) {
        fprintf(err, "mistmcp: the arguments cannot go in a JSON-RPC message: %s\n",
                problem ? problem : "cJSON cannot read it back");
        rc = 2;
    } else {
        rc = print_answer(mm_protocol_handle(s, conn, msg, NULL), out, err);
    }
    cJSON_Delete(msg);
    free(line);
    mm_mist_conn_destroy(&conn);
    mm_session_destroy(&s);
    return rc;
}
