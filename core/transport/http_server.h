/*
 * Streamable HTTP transport (legacy era): POST /mcp (and /mcp/) answered as application/json,
 * or as an event stream when the client accepts one and the call sends notifications before
 * its answer (progress, logs, list_changed: core/transport/http_post_stream.c); GET /mcp, the
 * session's event stream (SSE) carrying the other server notifications, with keep-alive comments;
 * DELETE /mcp ends a session;
 * sessions with Mcp-Session-Id (core/mcp/session_store.c), each with its own token, cloud and
 * mode; Origin/Host guards; GET /healthz and /metrics.
 *
 * Runs until SIGINT/SIGTERM. Single call per process.
 */
#ifndef MISTMCP_CORE_TRANSPORT_HTTP_SERVER_H
#define MISTMCP_CORE_TRANSPORT_HTTP_SERVER_H

#include "mcp/server.h"

/* Returns the exit status: 0, or 1 if the server could not start. */
int mm_http_serve(const mm_server *srv);

#endif
