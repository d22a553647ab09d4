/*
 * The demo cloud's sessions: one overlay of changes (demo/overlay.h) per Mist token, since the
 * far end sees nothing of a session but the token its requests carry. An overlay is made by a
 * token's first write (a token that only reads costs nothing), kept while the token is used,
 * and forgotten after idle_ms without a request, or when a new token needs room and the store
 * holds max_overlays: the one used least recently goes first. A forgotten token's next request
 * sees the world as it was at start.
 *
 * Tokens are kept as keys of a base/hash_map (copied there, wiped when removed); nothing here
 * prints one.
 *
 * Ownership: the store owns its overlays; a lease lends one to one request.
 * Thread-safety: any number of threads may lease at once. One lock guards the table, held
 * for a lookup or an eviction only; each overlay has its own lock, held by the lease from
 * acquire to release, so that one token's requests take turns while other tokens' run. An
 * overlay is freed when it is forgotten and no lease holds it.
 */
#ifndef MISTMCP_DEMO_STORE_H
#define MISTMCP_DEMO_STORE_H

#include "demo/overlay.h"

#include <stddef.h>

#define MM_DEMO_STORE_MAX_OVERLAYS 1000          /* default of max_overlays */
#define MM_DEMO_STORE_IDLE_MS (30LL * 60 * 1000) /* default of idle_ms: the HTTP sessions' */

typedef struct mm_demo_store mm_demo_store;
typedef struct mm_demo_lease mm_demo_lease;

typedef struct mm_demo_store_limits {
    size_t max_overlays; /* tokens with changes kept at once; 0: MM_DEMO_STORE_MAX_OVERLAYS */
    long long idle_ms;   /* a token's changes are forgotten after this long unused, in
                            milliseconds; 0: MM_DEMO_STORE_IDLE_MS */
} mm_demo_store_limits;

/* A new empty store (limits may be NULL: the defaults). Free it with mm_demo_store_free once
 * no lease is out. */
mm_demo_store *mm_demo_store_create(const mm_demo_store_limits *limits);
void mm_demo_store_free(mm_demo_store **s);

/* The overlay of token, locked for the caller until mm_demo_store_release: the token's
 * existing one, or when create is set a new empty one (else NULL: the token changed nothing,
 * or its changes were forgotten). now_ms is the caller's clock (mm_now_ms), for the idle
 * expiry, which this call also applies to the other tokens. */
mm_demo_lease *mm_demo_store_acquire(mm_demo_store *s, const char *token, int create,
                                     long long now_ms);

/* The lease's overlay, the caller's to read and change until it releases the lease. */
mm_demo_overlay *mm_demo_lease_overlay(const mm_demo_lease *l);

/* Unlocks the overlay; frees it if it was forgotten meanwhile. NULL is fine. */
void mm_demo_store_release(mm_demo_store *s, mm_demo_lease *l);

/* Tokens whose changes the store holds now. */
size_t mm_demo_store_count(mm_demo_store *s);

#endif
