/*
 * The tools from a terminal (README: "The tools from a terminal"): `mistmcp search
 * QUESTION...`, `mistmcp describe TOOL [FIELD]` and `mistmcp call TOOL [key=value...]
 * [--json ARGS]` run as one MCP client would: a session on the operator's settings, as MCP over
 * stdio has (mcp/session.h: mode, categories, write tools, tokens, org id), an initialize,
 * then one tools/call as JSON-RPC text checked and parsed as the stdio transport does a line,
 * and handled by mm_protocol_handle: searchMistTools, describeMistTool, or the tool itself,
 * through the dispatcher callMistTool / callMistWriteTool with enable_category when the
 * session does not list it (mm_builtin_route). What the model would receive is printed: the
 * JSON-RPC result, or the JSON-RPC error, as the exact compact text of the answer's member
 * (numbers as Mist wrote them), or indented when out is a terminal.
 *
 * Ownership: borrows srv (built by main, like for any transport). Single call per process,
 * on the calling thread; notifications of the session are dropped (they are not the result).
 */
#ifndef MISTMCP_CORE_TRANSPORT_TERMINAL_H
#define MISTMCP_CORE_TRANSPORT_TERMINAL_H

#include "mcp/server.h"

#include <stdio.h>

/* Runs srv->cfg->action (MM_ACTION_SEARCH, _DESCRIBE or _CALL) with srv->cfg->operands and
 * call_json. The answer goes to out with a newline; messages to err. Returns the exit status:
 * 0 a result, 1 a result with isError, a JSON-RPC error or a session that could not start
 * (a category plugin that does not load), 2 a usage error (one line on err naming the bad
 * word or option and what was expected). */
int mm_terminal_run(const mm_server *srv, FILE *out, FILE *err);

#endif
