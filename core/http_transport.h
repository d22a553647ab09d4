/*
 * Streamable HTTP transport (legacy era), first step: POST /mcp (and /mcp/) answered as
 * application/json, sessions with Mcp-Session-Id (core/session_store.c), each with its own
 * token, cloud and mode from the request; DELETE /mcp ends a session; GET /healthz.
 * Not yet: the GET SSE stream and SSE answers (server notifications such as
 * tools/list_changed are not delivered over HTTP yet), Origin allow-list options, /metrics.
 *
 * Runs until SIGINT/SIGTERM. Single call per process.
 */
#ifndef MISTMCP_CORE_HTTP_TRANSPORT_H
#define MISTMCP_CORE_HTTP_TRANSPORT_H

#include "server.h"

/* Returns the exit status: 0, or 1 if the server could not start. */
int mm_http_serve(const mm_server *srv);

#endif
