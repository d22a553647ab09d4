/*
 * Streamable HTTP transport (legacy era): POST /mcp (and /mcp/) answered as application/json,
 * or as an event stream when the client accepts one and the call sends notifications before
 * its answer (progress, logs, list_changed: core/transport/http_post_stream.c); GET /mcp, the
 * session's event stream (SSE) carrying the other server notifications, with keep-alive comments;
 * DELETE /mcp ends a session;
 * sessions with Mcp-Session-Id (core/mcp/session_store.c), each with its own token, cloud and
 * mode; Origin/Host guards (loopback and --allow-host names); GET /healthz and /metrics (behind
 * a bearer token with --metrics-token); every path under --base-path; one access log line per
 * request on stderr unless --no-access-log (core/transport/http_access.c).
 *
 * Runs until SIGINT/SIGTERM. Single call per process.
 */
#ifndef MISTMCP_CORE_TRANSPORT_HTTP_SERVER_H
#define MISTMCP_CORE_TRANSPORT_HTTP_SERVER_H

#include "mcp/server.h"

/* Returns the exit status: 0, or 1 if the server could not start. */
int mm_http_serve(const mm_server *srv);

/* The same server in-process, for tests and fuzzing: no listening socket, no signal handling,
 * no main loop; one polling thread. Every handler, limit and session works as in
 * mm_http_serve. Returns NULL with a reason if libmicrohttpd cannot start. Thread-safety:
 * add and tick from any one thread; stop once, after the last add. */
typedef struct mm_http_instance mm_http_instance;
mm_http_instance *mm_http_instance_start(const mm_server *srv, char *err, size_t err_size);
/* Serves one connected socket (taken: libmicrohttpd closes it), as if it came from
 * 127.0.0.1. Returns 0, or -1 if refused (the socket is closed). */
int mm_http_instance_add(mm_http_instance *in, int fd);
/* One round of the main loop's work: deadlines, timed wakes, idle sessions. */
void mm_http_instance_tick(mm_http_instance *in);
/* Cancels what runs, answers what waits, stops and frees; *in becomes NULL. */
void mm_http_instance_stop(mm_http_instance **in);

#endif
