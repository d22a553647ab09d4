/*
 * Messages waiting for a client's event stream: a session's (HTTP GET /mcp: notifications
 * such as tools/list_changed and log messages) or one request's (a POST answered as an event
 * stream: its notifications, then its response, which closes the outbox). Bounded in
 * messages and in bytes (1 MiB): when full, the oldest go (a stream that is not read cannot
 * grow the server's memory); the closing message is never dropped, whatever its size. A new stream
 * takes over from an older one (a client that reconnects is not locked out).
 * Ownership: the outbox copies what is pushed; popped strings belong to the caller.
 * Thread-safety: all functions; pop may block while others push.
 */
#ifndef MISTMCP_CORE_TRANSPORT_OUTBOX_H
#define MISTMCP_CORE_TRANSPORT_OUTBOX_H

#include <stddef.h>

typedef struct mm_outbox mm_outbox;

mm_outbox *mm_outbox_create(size_t max_messages);
void mm_outbox_destroy(mm_outbox **outbox);
void mm_outbox_push(mm_outbox *o, const char *message);
/* The oldest message (caller frees), or NULL after timeout_ms. If ended is not NULL it is set
 * to 1 once the outbox is closed and drained: the message returned (if any) was the last. */
char *mm_outbox_pop(mm_outbox *o, int timeout_ms, int *ended);
/* Pushes last (may be NULL: nothing more to say) and refuses any later push. */
void mm_outbox_close(mm_outbox *o, const char *last);
/* A new reading stream; returns its generation. Older streams stop being current (the
 * older stream's waker is called, so that it ends). waker (may be NULL) is called with ctx,
 * under the outbox's lock, whenever a message is pushed or the outbox closes: it must only
 * wake the reader (it must not call back into the outbox). */
unsigned mm_outbox_attach(mm_outbox *o, void (*waker)(void *ctx), void *ctx);
/* The stream of generation is going away: its waker is no longer called. */
void mm_outbox_detach(mm_outbox *o, unsigned generation);
/* Like mm_outbox_pop without waiting: when there is nothing (and the outbox is open), calls
 * arm(ctx) under the outbox's lock (so that no push can come between the look and the arm:
 * the push then calls the waker) and returns NULL. */
char *mm_outbox_pop_or_arm(mm_outbox *o, int *ended, void (*arm)(void *ctx), void *ctx);
/* 1 while generation is the stream that attached last. */
int mm_outbox_current(mm_outbox *o, unsigned generation);

#endif
