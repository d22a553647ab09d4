/*
 * The sessions of a multi-client transport (Streamable HTTP), behind one interface so that
 * the transport holds no session state of its own (a stateless mode will share it later).
 *
 * Each entry: a random id (128 bits from the OS's CSPRNG, 32 hex digits), the mm_session,
 * the token that created it (a later request must present the same one), the client address
 * it came from, a last-use time and an in-use count. Ids, tokens and client addresses are kept
 * in keyed hash maps (base/hash_map.h): no operation scans the sessions, whatever their count
 * or the tokens' lengths, except the idle sweep (once a second) and a token's first proof.
 *
 * Budgets, so that sessions which proved nothing cannot crowd out real ones: a session is
 * "unproven" until Mist accepts its token (a 2xx answer to any call of any session with that
 * token; mm_session_token_accepted). Unproven sessions have their own budget in all and per
 * client address, and a shorter idle expiry; a client over its share, or a token over its
 * sessions, gets 429; a full table gets 503. A comma list of tokens counts as its first token
 * (its calls use it first): appending made-up tokens to a real one makes no new budget. Lookups
 * take a use reference; an entry removed (DELETE, idle expiry, store destruction) while in use is
 * destroyed by its last user, so a session never goes away under a running request. Expiry destroys
 * the mm_session, which releases its plugins.
 *
 * Thread-safety: every function may be called from any thread (one mutex; session
 * destruction runs outside it). Ownership: the store owns the sessions it was given.
 */
#ifndef MISTMCP_CORE_MCP_SESSION_STORE_H
#define MISTMCP_CORE_MCP_SESSION_STORE_H

#include "mcp/session.h"
#include "mcp/session_shared.h"

#include <stddef.h>

#define MM_SESSION_ID_LEN 32

typedef struct mm_session_store mm_session_store;
typedef struct mm_session_entry mm_session_entry;

/* Outcome of a lookup, in HTTP terms. */
typedef enum mm_lookup {
    MM_LOOKUP_OK = 200,
    MM_LOOKUP_FORBIDDEN = 403, /* the id exists, but was created with another token */
    MM_LOOKUP_UNKNOWN = 404,   /* no such id, or it expired */
    /* shared store only: Redis did not answer, or this replica could not take the session on
     * (its table is full, or it cannot build it): try again, the session may well exist */
    MM_LOOKUP_UNAVAILABLE = 503,
    /* shared store only: the session was made by a replica given another
     * --session-secret-file (403 on the wire; the operator is told on stderr) */
    MM_LOOKUP_OTHER_SECRET = 1403
} mm_lookup;

/* The HTTP status to answer a lookup that failed with (403, 404, 503). */
unsigned mm_lookup_status(mm_lookup outcome);
/* The JSON-RPC error message for a lookup that failed. */
const char *mm_lookup_message(mm_lookup outcome);

mm_session_store *mm_session_store_create(size_t max_sessions, long idle_timeout_ms);

/* The budgets beyond max_sessions. Defaults (as created): 100 sessions per token, unproven
 * sessions limited only by max_sessions, and the same idle timeout for them. */
typedef struct mm_session_limits {
    size_t per_token;           /* sessions of one token */
    size_t unproven;            /* unproven sessions, all clients */
    size_t unproven_per_client; /* unproven sessions of one client address */
    long unproven_idle_ms;      /* idle expiry of an unproven session */
} mm_session_limits;
/* Call before the store is shared (not thread-safe against the other functions). */
void mm_session_store_set_limits(mm_session_store *store, const mm_session_limits *limits);
/* Shutting down: every session's requests in flight are cancelled, and later ones start
 * cancelled. */
void mm_session_store_cancel_all(mm_session_store *store);
/* Removes every session (waiting users finish first) and frees the store. */
void mm_session_store_destroy(mm_session_store **store);

/* Whether a session of token from client would be admitted now (the same checks as
 * mm_session_store_add, which makes them again): 0, or -1 with *refusal and err as there.
 * Lets a caller refuse before it builds the session (enabling plugins costs). When the
 * unproven budget is full, the least recently used idle session of the client with the most
 * unproven sessions is removed to make room. */
int mm_session_store_admit(mm_session_store *store, const char *token, const char *client,
                           unsigned *refusal, char *err, size_t err_size);
/* Adds a session bound to token, made by client (its address as text, for the per-client
 * budget; NULL: one anonymous client); writes its id (NUL-terminated) into id. Takes
 * ownership of session on success, and from then on calls back into the store when Mist
 * first accepts its token. Returns the entry with a use reference, or NULL (the caller still
 * owns session) with *refusal the HTTP status to answer and err the reason: 429 when the
 * token has too many sessions or the client too many unproven ones, 503 when the table (or
 * the unproven budget) is full, 500 when the CSPRNG failed. */
mm_session_entry *mm_session_store_add(mm_session_store *store, mm_session *session,
                                       const char *token, const char *client,
                                       char id[MM_SESSION_ID_LEN + 1], unsigned *refusal, char *err,
                                       size_t err_size);

/* Finds id for a request presenting token. On MM_LOOKUP_OK returns the entry with a use
 * reference (give it back with mm_session_store_put), else NULL and *outcome says why. */
mm_session_entry *mm_session_store_get(mm_session_store *store, const char *id, const char *token,
                                       mm_lookup *outcome);
void mm_session_store_put(mm_session_store *store, mm_session_entry *entry);

/* An entry for session that no lookup finds (a modern request's session, MCP 2026-07-28: no
 * id, no budget, no expiry): it holds one use reference, and the last mm_session_store_put
 * destroys it with the session. Takes ownership of session. Thread-safe. */
mm_session_entry *mm_session_store_detached(mm_session_store *store, mm_session *session);

mm_session *mm_session_entry_session(mm_session_entry *entry);
/* 1 once the entry was removed (DELETE, expiry): a stream holding it should end. */
int mm_session_entry_removed(mm_session_store *store, mm_session_entry *entry);

/* Ends a session (DELETE). Returns MM_LOOKUP_OK, or why it did not. */
mm_lookup mm_session_store_remove(mm_session_store *store, const char *id, const char *token);

/* Removes sessions idle for longer than the timeout at now_ms (CLOCK_MONOTONIC ms).
 * Returns how many were removed. */
size_t mm_session_store_expire(mm_session_store *store, long long now_ms);

/* ---- Sessions shared by replicas (--session-store redis://..., mcp/session_shared.h) ----
 * With a shared store, this store holds this replica's copies: a lookup that misses here
 * reads the session from Redis and builds it with rebuild (checking the token's binding
 * there: 403 for another token's), a lookup that hits refreshes the session's expiry in Redis
 * and applies what another replica changed (one round trip), mm_session_store_put writes
 * what the request changed (a round trip only when something did), mm_session_store_remove
 * ends it in Redis too (and tells the other replicas to drop their copies). A session Redis no
 * longer has is unknown (404) here too. When Redis does not answer, copies held here go on
 * serving, and lookups of others, and DELETE, are MM_LOOKUP_UNAVAILABLE (503: a client tries
 * again, and does not give up a session that may well exist). */

/* Builds the session origin describes, for a request presenting token: the transport's
 * session builder. Returns the session, or NULL with err. */
typedef mm_session *(*mm_session_rebuild_fn)(void *ctx, const mm_shared_origin *origin,
                                             const char *token, char *err, size_t err_size);
/* Call before the store is shared; shared (borrowed) outlives the store. */
void mm_session_store_share_with(mm_session_store *store, mm_shared_sessions *shared,
                                 mm_session_rebuild_fn rebuild, void *ctx);
/* Stores entry's new session in Redis, as origin made it (a no-op without a shared store).
 * Returns 0, or -1 with err when Redis did not take it: then the entry is removed (the
 * caller's reference frees it) and the caller answers 503. */
int mm_session_store_share(mm_session_store *store, mm_session_entry *entry,
                           const mm_shared_origin *origin, char *err, size_t err_size);
/* This replica's copy of session id, with a use reference, whatever its token (for
 * delivering a published notification), or NULL. */
mm_session_entry *mm_session_store_peek(mm_session_store *store, const char *id);
/* An open GET stream of entry's session is still there (its keep-alive, every 15 s): the
 * session stays alive here and, with a shared store, in Redis (one round trip), where it may
 * turn out ended (then the entry is removed, and the stream ends). */
void mm_session_store_keepalive(mm_session_store *store, mm_session_entry *entry);
/* Writes what a request changed in entry's session to Redis now (a no-op without a shared
 * store, or when nothing changed), before its answer goes out: a client that reads the change
 * through another replica right after the answer sees it. mm_session_store_put does it too. */
void mm_session_store_sync(mm_session_store *store, mm_session_entry *entry);
/* Gives back a reference from mm_session_store_peek: no write to Redis, and the copy's idle
 * time is not reset (a message every replica receives must not keep every copy alive). */
void mm_session_store_release(mm_session_store *store, mm_session_entry *entry);
/* 1 if a message published for a session (from_client) says another replica ended it with a
 * DELETE; then mm_session_store_drop(store, id) drops this replica's copy. */
int mm_session_store_is_ended_message(const char *line);
void mm_session_store_drop(mm_session_store *store, const char *id);
/* The entry's session id (32 hex digits), valid for the entry's life. */
const char *mm_session_entry_id(const mm_session_entry *entry);
/* Redis operations of this store that failed since the start. */
unsigned long long mm_session_store_shared_errors(mm_session_store *store);

size_t mm_session_store_count(mm_session_store *store);
/* Sessions whose token Mist has not accepted yet. */
size_t mm_session_store_unproven(mm_session_store *store);

#endif
