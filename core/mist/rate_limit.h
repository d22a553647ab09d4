/*
 * Client-side rate limit per Mist token: a token bucket (Mist allows 5,000 calls per hour per
 * token and answers 429 beyond). Buckets are keyed by a hash of the token; the token itself is
 * not kept. Idle buckets (full again) are dropped when the table grows, so memory follows the
 * tokens in use.
 *
 * Shared by replicas (mm_rate_limit_share, with --session-store redis://...): each token's
 * bucket is then a Redis hash, "mistmcp:rl:" and 64 hex digits of HMAC-SHA-256(K, token) where
 * K = HMAC-SHA-256(session secret, "mistmcp rate limit"): replicas given the same
 * --session-secret-file name the same key, and neither the token nor a digest anyone could
 * compute from the token alone reaches Redis. One Lua step per call (EVALSHA, EVAL when Redis
 * answers NOSCRIPT) refills the bucket by the time elapsed on Redis's clock (TIME: the
 * replicas' clocks do not matter), takes one if it can, and sets the key to expire when the
 * bucket would be full again (an idle bucket vanishes, and a missing one is full). The
 * semantics are the local bucket's: the same per_hour and burst (each replica's own settings:
 * give them all the same), the same "milliseconds until one is available".
 *
 * When Redis does not answer (down, timed out, refused the step), that call falls back to this
 * process's own bucket for the token rather than waiting or failing: a Mist call is never held
 * up by Redis for longer than the Redis client's timeout (and not at all while it backs off),
 * at the price of each replica counting on its own while Redis is away (up to burst calls per
 * replica). Each such call is counted (mm_rate_limit_local_calls); stderr says so when it
 * starts, at most once a minute while it lasts, and when Redis answers again.
 *
 * Ownership: the server owns the limiter (mm_server.rate_limit); a shared limiter borrows the
 * Redis client, which must outlive it. Thread-safety: one mutex for the local buckets, another
 * for the script's digest (neither held across a Redis round trip); every function but
 * mm_rate_limit_share may be called from any thread. Units: milliseconds.
 */
#ifndef MISTMCP_CORE_MIST_RATE_LIMIT_H
#define MISTMCP_CORE_MIST_RATE_LIMIT_H

#include "base/redis.h"
#include "base/sha256.h"

typedef struct mm_rate_limit mm_rate_limit;

/* per_hour calls per token, at most burst at once. Returns NULL when per_hour is 0 (off). */
mm_rate_limit *mm_rate_limit_create(long per_hour, long burst);
void mm_rate_limit_destroy(mm_rate_limit **rl);

/* Keeps the buckets in Redis from now on, named with secret (the replicas' shared session
 * secret, as mm_key_file_sha256 reads it; NULL: a plain SHA-256 of the token). Call before the
 * limiter is used by other threads; a NULL limiter or client is a no-op. Connects to nothing. */
void mm_rate_limit_share(mm_rate_limit *rl, mm_redis *redis,
                         const unsigned char secret[MM_SHA256_LEN]);

/* Takes one call for token at now_ms (CLOCK_MONOTONIC; a shared limiter uses it only when it
 * falls back to the local bucket). Returns 0 when taken, else how many milliseconds until one
 * is available (nothing taken). A NULL limiter always allows. Never fails: a shared limiter
 * whose Redis does not answer decides locally (see above). */
long mm_rate_limit_take(mm_rate_limit *rl, const char *token, long long now_ms);

/* The limit, for messages: calls per hour. */
long mm_rate_limit_per_hour(const mm_rate_limit *rl);

/* Calls a shared limiter decided locally because Redis did not answer, since the start (0 for
 * a NULL or unshared limiter). */
unsigned long long mm_rate_limit_local_calls(const mm_rate_limit *rl);

#endif
