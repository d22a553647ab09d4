/*
 * Streamable HTTP transport (legacy era): POST /mcp (and /mcp/) answered as application/json;
 * GET /mcp, the session's event stream (SSE) carrying server notifications such as
 * tools/list_changed and log messages, with keep-alive comments; DELETE /mcp ends a session;
 * sessions with Mcp-Session-Id (core/session_store.c), each with its own token, cloud and
 * mode; Origin/Host guards; GET /healthz and /metrics.
 * Not yet: POST answers as SSE (progress of a call goes to the GET stream).
 *
 * Runs until SIGINT/SIGTERM. Single call per process.
 */
#ifndef MISTMCP_CORE_HTTP_TRANSPORT_H
#define MISTMCP_CORE_HTTP_TRANSPORT_H

#include "server.h"

/* Returns the exit status: 0, or 1 if the server could not start. */
int mm_http_serve(const mm_server *srv);

#endif
