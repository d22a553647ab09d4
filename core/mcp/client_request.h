/*
 * Requests the server sends to the client (MCP 2025-11-25, basic: a server-to-client JSON-RPC
 * request, such as client/elicitation's elicitation/create), and the client's replies. A tool
 * call's worker sends the request on the call's own stream (the HTTP POST's event stream, or
 * stdio) with an id of its own ("mm-<n>", never one the client uses) and waits; the transport
 * hands every reply the client sends (a message with result or error and no method) to
 * mm_client_requests_deliver, which wakes the waiter. Replies come on another thread (stdio's
 * reader, an HTTP POST), never on the waiting worker, so the wait cannot deadlock.
 *
 * Ownership: one per session (mm_session.asks), made on its first request and destroyed with
 * the session; a reply
 * returned is the caller's. Thread-safety: every function may be called from any thread (one
 * mutex and a condition variable). Units: milliseconds.
 */
#ifndef MISTMCP_CORE_MCP_CLIENT_REQUEST_H
#define MISTMCP_CORE_MCP_CLIENT_REQUEST_H

#include <cjson/cJSON.h>
#include <stdatomic.h>

struct mm_session;
struct mm_inflight;

typedef struct mm_client_requests mm_client_requests;

mm_client_requests *mm_client_requests_create(void);
/* Wakes every waiter (each gets NULL) and frees the table once they left. */
void mm_client_requests_destroy(mm_client_requests **table);

/* Sends method with params (taken) to the client on req's stream (req may be NULL: the
 * session's) and waits for the reply: the whole reply message ({"result": ...} or
 * {"error": ...}), the caller's to free; NULL when none came within timeout_ms, or when
 * *cancelled became nonzero meanwhile (checked every 100 ms; cancelled may be NULL). */
cJSON *mm_client_request(struct mm_session *s, const struct mm_inflight *req, const char *method,
                         cJSON *params, long timeout_ms, const atomic_int *cancelled);

/* A reply from the client (a message with an id, and result or error, without method): 1 if a
 * request of ours waited for it (it is handed over: the waiter gets a copy), 0 if none did
 * (a late reply, or an id we never sent: dropped, as JSON-RPC allows). */
int mm_client_requests_deliver(mm_client_requests *table, const cJSON *reply);

#endif
