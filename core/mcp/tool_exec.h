/*
 * Running one tool call of a session: argument checks, then the Mist request (declarative
 * tools) or the plugin's handler (custom tools), then the MCP result.
 * Thread-safe: runs on a worker thread with that worker's Mist connection; uses the session
 * only through its locked functions.
 */
#ifndef MISTMCP_CORE_MCP_TOOL_EXEC_H
#define MISTMCP_CORE_MCP_TOOL_EXEC_H

#include "mcp/session.h"
#include "mcp/write_gate.h"
#include "mist/client.h"

#include <cjson/cJSON.h>

typedef struct mm_call_ctx {
    mm_session *session;
    mm_mist_conn *conn;
    mm_inflight *request;        /* for cancellation, may be NULL */
    const cJSON *progress_token; /* may be NULL */
    const mistmcp_tool *tool;
    const cJSON *schema;  /* the tool's parsed input schema, or NULL: parse tool->input_schema */
    mm_write_call *write; /* a write tool's call: the gate's state (mcp/write_gate.h), or NULL */
    /* A 2026-07-28 call (mcp/mrtr.h): the client's answers and what this round asks; NULL on
     * the 2025 path, where the server asks the client with a request of its own. */
    struct mm_mrtr *mrtr;
} mm_call_ctx;

/* Runs a plugin tool; takes ownership of args (may be NULL). Returns a CallToolResult. */
cJSON *mm_tool_execute(mm_call_ctx *ctx, cJSON *args);

/* Sends one request to Mist with the session's token: every Mist request of a tool call goes
 * through here. A write (mm_write_is_write) is refused unless the write gate is sending it
 * (ctx->write->sending): nothing reaches Mist around the gate. Returns 0 with *out, or -1
 * with err. */
int mm_tool_send(mm_call_ctx *ctx, const char *method, const char *target, const char *body,
                 mistmcp_response **out, char *err, size_t err_size);

/* Sends method target to Mist with the session's token and shapes the answer (a write is
 * refused, as by mm_tool_send: writes go through the gate). */
cJSON *mm_tool_mist_call(mm_call_ctx *ctx, const char *method, const char *target,
                         const char *body);

/* notifications/progress, if the client gave a progress token. */
void mm_tool_progress(mm_call_ctx *ctx, double progress, double total, const char *message);

/* Why a plugin's host->mist_request path and query cannot be sent to Mist, or NULL: a path
 * that does not start with /api/, or holds a '.' or '..' segment, a query, a fragment, a
 * backslash, a space or a control byte; a query with '#', a space or a control byte. A static
 * string; thread-safe. Nothing is ever changed: refused, the plugin hears why. */
const char *mm_plugin_target_problem(const char *path, const char *query);

#endif
