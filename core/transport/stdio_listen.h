/*
 * The subscriptions/listen streams of a stdio server (MCP 2026-07-28 basic/patterns/
 * subscriptions, basic/transports/stdio): on stdio every subscription shares the one output
 * channel, each message tagged with its subscription id. A subscription is acknowledged when
 * it opens, ends without an answer when the client cancels it (notifications/cancelled naming
 * its id), and gets its graceful-end response when the server stops. stdio needs no
 * keep-alive: no proxy sits between the two processes.
 *
 * Ownership: the table owns its subscriptions. Thread-safety: none; the stdio reader thread
 * alone uses it (messages go out through the session's thread-safe send).
 */
#ifndef MISTMCP_CORE_TRANSPORT_STDIO_LISTEN_H
#define MISTMCP_CORE_TRANSPORT_STDIO_LISTEN_H

#include "mcp/session.h"

#include <cjson/cJSON.h>

#define MM_STDIO_LISTEN_MAX 64 /* subscriptions open at once */

typedef struct mm_stdio_listen mm_stdio_listen;

mm_stdio_listen *mm_stdio_listen_create(void);
void mm_stdio_listen_destroy(mm_stdio_listen **table);

/* A subscriptions/listen request msg for the modern session s: its _meta and filter are
 * checked, then the acknowledgement (or the error: -32602, -32022, or -32600 for an id that
 * names an open subscription or past MM_STDIO_LISTEN_MAX) is sent through s. */
void mm_stdio_listen_open(mm_stdio_listen *t, mm_session *s, const cJSON *msg);

/* The client cancelled request_id: if it is an open subscription, it ends without an answer
 * (basic/patterns/cancellation) and 1 is returned; else 0. */
int mm_stdio_listen_cancel(mm_stdio_listen *t, const cJSON *request_id);

/* The server stops: each open subscription gets its graceful-end response through s, and
 * the table is emptied. */
void mm_stdio_listen_end_all(mm_stdio_listen *t, mm_session *s);

#endif
