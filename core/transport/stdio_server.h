/*
 * MCP over stdio: newline-delimited JSON-RPC on stdin/stdout, logs on stderr only.
 * Slow requests (tools/call) run on a worker pool; everything else is answered at once.
 * Returns when stdin ends or on SIGINT/SIGTERM, after the running calls finished (on a
 * signal they are cancelled first). Single call per process.
 */
#ifndef MISTMCP_CORE_TRANSPORT_STDIO_SERVER_H
#define MISTMCP_CORE_TRANSPORT_STDIO_SERVER_H

#include "mcp/server.h"

/* Returns the process exit status: 0, or 1 if the session could not start. */
int mm_stdio_serve(const mm_server *srv, int in_fd, int out_fd);

#endif
