/*
 * A minimal Streamable HTTP MCP client for the benchmark (libcurl, no SDK): sessions,
 * requests answered in the POST's body (JSON or event stream) or, for servers that answer
 * with 202 and send results on the session's GET stream, on that stream.
 * Ownership: the caller owns sessions. Thread-safety: one session per thread.
 */
#ifndef MISTMCP_BENCH_HTTP_H
#define MISTMCP_BENCH_HTTP_H

#include <stddef.h>

typedef struct bh_session bh_session;

/* initialize + notifications/initialized at url with token (X-Authorization and
 * Authorization: Token). get_stream: also open the session's GET event stream. NULL on
 * failure (a message on stderr). */
bh_session *bh_open(const char *url, const char *token, int get_stream);
/* A 2026-07-28 client (MCP 2026-07-28, "Stateless requests"): no initialize and no session;
 * every request goes with MCP-Protocol-Version: 2026-07-28, Mcp-Method: method and, when
 * name is not NULL, Mcp-Name: name; its body must carry the _meta itself (the caller's
 * request text). Never NULL (allocation failure aborts). */
bh_session *bh_open_modern(const char *url, const char *token, const char *method,
                           const char *name);
/* The bytes of the headers bh_open_modern adds to every request (name and value, with ": "
 * and CRLF), to count what a stateless request pays beyond a session's. */
size_t bh_modern_header_bytes(const char *method, const char *name);
/* Sends request (a JSON-RPC request whose id is id) and waits up to 20 s for its answer.
 * Returns the answer's byte count, or -1. */
long bh_request(bh_session *s, const char *request, long id);
/* Asks the GET stream to end (it ends within a second): call it for every session before
 * closing them, so they end together. */
void bh_stop(bh_session *s);
void bh_close(bh_session **s);

/* Creates count sessions and leaves them idle (no stream); tokens differ per session.
 * Returns how many were created. */
size_t bh_idle_sessions(const char *url, size_t count);

/* 1 if text holds "id":<id> as a whole value. */
int bh_has_id(const char *text, long id);

#endif
