/*
 * HTTP sessions shared by replicas through Redis (--session-store redis://...): what any
 * replica needs to serve any request of a session another one created.
 *
 * One Redis hash per session, "mistmcp:s:<id>", whose expiry is Redis's own (PEXPIRE to the
 * idle timeout, refreshed on each use):
 *   tb     the shared key's fingerprint (8 hex digits), ':', and the HMAC-SHA-256 of the token
 *          under the replicas' shared key (--session-secret-file), its first 128 bits in hex:
 *          binds the session to its token without storing it, and tells a replica given
 *          another secret file (MM_SHARED_OTHER_SECRET) from a client with another token
 *   cloud, mode, cats, dt
 *          (each left out when empty) how the session was made (its initialize's cloud, mode and
 * categories, the demo token a session without one was given): a replica builds it again from these
 *   st, on what its requests changed since (mm_session_state_json): st the protocol version,
 *          initialized, log level, client capabilities and clientInfo as a short JSON array,
 *          on the enabled categories as a comma list (left out when none). Each is at most 64
 *          bytes for a usual session, so Redis keeps the hash in its compact encoding
 *          (MEMORY USAGE about 280 bytes; a longer value makes it a table of about 600)
 *   ver    a counter raised with each change of st or on: a replica holding a copy compares it
 *          on each request (one pipelined round trip with the expiry refresh) and applies the
 *          state when another replica changed it
 * Notifications that go on a session's GET stream are published on "mistmcp:n:<id>"; every
 * replica subscribes to "mistmcp:[nc]:*" and hands a message to its copy of the session, if it
 * has one (the replica holding the client's GET stream delivers it). A client's message about
 * a request another replica holds (its reply to an elicitation that replica sent, a
 * notifications/cancelled for a call it runs) is published on "mistmcp:c:<id>" and handed to
 * that request on whichever replica holds it.
 *
 * Ownership: the shared sessions borrow the Redis client (the server owns it) and own their
 * key. Thread-safety: every function may be called from any thread.
 */
#ifndef MISTMCP_CORE_MCP_SESSION_SHARED_H
#define MISTMCP_CORE_MCP_SESSION_SHARED_H

#include "base/redis.h"
#include "base/sha256.h"

#include <stddef.h>

typedef struct mm_shared_sessions mm_shared_sessions;

typedef enum mm_shared_result {
    MM_SHARED_OK = 0,
    MM_SHARED_GONE,      /* no such session (expired, deleted, or Redis lost it) */
    MM_SHARED_FORBIDDEN, /* the session exists but another token made it */
    /* the session exists but a replica with another shared secret made it (an operator's
     * mistake: every replica needs the same --session-secret-file; err gives both fingerprints) */
    MM_SHARED_OTHER_SECRET,
    MM_SHARED_DOWN,   /* Redis did not answer (err says why) */
    MM_SHARED_CHANGED /* mm_shared_update: another replica changed the state meanwhile */
} mm_shared_result;

/* How a session was made, as its initialize chose. Strings owned by the origin
 * (mm_shared_origin_free); categories is a comma list ("" for none); demo_token may be NULL. */
typedef struct mm_shared_origin {
    char *cloud, *mode, *categories, *demo_token;
} mm_shared_origin;
void mm_shared_origin_free(mm_shared_origin *o);

/* key: the SHA-256 of the replicas' shared secret file. idle_ms: the sessions' idle timeout
 * (their TTL in Redis). */
mm_shared_sessions *mm_shared_sessions_create(mm_redis *redis,
                                              const unsigned char key[MM_SHA256_LEN], long idle_ms);
void mm_shared_sessions_destroy(mm_shared_sessions **ss);
mm_redis *mm_shared_sessions_redis(mm_shared_sessions *ss);
/* The shared key's fingerprint: MM_SHARED_FINGERPRINT_LEN hex digits of an HMAC of a fixed
 * label under the key, for logs (replicas given the same secret file print the same one); it
 * reveals nothing of the key. Valid for the life of ss. */
#define MM_SHARED_FINGERPRINT_LEN 8
const char *mm_shared_fingerprint(const mm_shared_sessions *ss);

/* Stores a new session (one round trip: HSET and PEXPIRE). MM_SHARED_OK or MM_SHARED_DOWN. */
mm_shared_result mm_shared_create(mm_shared_sessions *ss, const char *id, const char *token,
                                  const mm_shared_origin *origin, const char *state, char *err,
                                  size_t err_size);
/* A request of a session this replica holds: refreshes its expiry and reads its version (one
 * pipelined round trip). MM_SHARED_OK with *version, MM_SHARED_GONE, or MM_SHARED_DOWN. */
mm_shared_result mm_shared_touch(mm_shared_sessions *ss, const char *id, long long *version,
                                 char *err, size_t err_size);
/* Reads a session this replica does not hold, for a request presenting token (one round trip,
 * which refreshes its expiry too). MM_SHARED_OK with *origin, *state (the caller frees) and
 * *version; MM_SHARED_FORBIDDEN, MM_SHARED_OTHER_SECRET, MM_SHARED_GONE or MM_SHARED_DOWN
 * with nothing stored. */
mm_shared_result mm_shared_load(mm_shared_sessions *ss, const char *id, const char *token,
                                mm_shared_origin *origin, char **state, long long *version,
                                char *err, size_t err_size);
/* Just the state and version (a copy this replica holds fell behind). */
mm_shared_result mm_shared_state(mm_shared_sessions *ss, const char *id, char **state,
                                 long long *version, char *err, size_t err_size);
/* Stores a session's new state if the session still exists and is still at *version (the
 * version the new state was made from), in one atomic step, and raises its version:
 * MM_SHARED_OK with the new *version; MM_SHARED_CHANGED when another replica wrote a newer
 * state first (nothing written: read it, merge, try again), MM_SHARED_GONE, or MM_SHARED_DOWN. */
mm_shared_result mm_shared_update(mm_shared_sessions *ss, const char *id, const char *state,
                                  long long *version, char *err, size_t err_size);
/* Ends a session (DELETE) if token made it: MM_SHARED_OK, MM_SHARED_FORBIDDEN,
 * MM_SHARED_OTHER_SECRET, MM_SHARED_GONE or MM_SHARED_DOWN. */
mm_shared_result mm_shared_remove(mm_shared_sessions *ss, const char *id, const char *token,
                                  char *err, size_t err_size);

/* Write confirmation tokens (mcp/write_confirm.h) of shared sessions, so that a preview on
 * one replica and its confirmation on another meet: "mistmcp:wt:<HMAC of the token under the
 * replicas' key>" (never the token) holds value (the session, tool and arguments digest the
 * caller bound it to) for ttl_ms. mm_shared_token_take reads it and leaves "used" in its place
 * in one step, so a token is used once across all replicas: MM_SHARED_OK with *value (the
 * caller frees; "used" when it was used already), MM_SHARED_GONE (never stored here, or
 * expired) or MM_SHARED_DOWN. */
int mm_shared_token_put(mm_shared_sessions *ss, const char *token, const char *value, long ttl_ms,
                        char *err, size_t err_size);
mm_shared_result mm_shared_token_take(mm_shared_sessions *ss, const char *token, char **value,
                                      char *err, size_t err_size);

/* Ends a session in Redis if no replica used it for idle_ms (its expiry was last refreshed that
 * long ago): for an unproven session its creator evicted or let expire. MM_SHARED_OK (ended),
 * MM_SHARED_GONE (in use elsewhere, or gone already) or MM_SHARED_DOWN. */
mm_shared_result mm_shared_drop_idle(mm_shared_sessions *ss, const char *id, long long idle_ms,
                                     char *err, size_t err_size);

/* Publishes a JSON-RPC message for the session's GET stream. Returns how many replicas
 * received it (0: not even this one's subscriber is connected), or -1 with err. */
int mm_shared_publish(mm_shared_sessions *ss, const char *id, const char *line, char *err,
                      size_t err_size);
/* Publishes a client's message (a reply, a cancellation) for the replica holding the request
 * it is about. Returns how many replicas received it, or -1 with err. */
int mm_shared_forward(mm_shared_sessions *ss, const char *id, const char *line, char *err,
                      size_t err_size);
/* Called on the subscriber thread with each message published for a session (id is 32 hex
 * digits, line NUL-terminated): from_client 0 for a message to the client (mm_shared_publish),
 * 1 for one from it (mm_shared_forward). */
typedef void (*mm_shared_message_fn)(void *ctx, const char *id, const char *line, int from_client);
/* Starts receiving every session's published messages. 0, or -1 with err. */
int mm_shared_listen(mm_shared_sessions *ss, mm_shared_message_fn fn, void *ctx, char *err,
                     size_t err_size);
/* Stops receiving them: no callback runs once it returns. */
void mm_shared_unlisten(mm_shared_sessions *ss);

#endif
