/*
 * Client-side rate limit per Mist token: a token bucket (Mist allows 5,000 calls per hour per
 * token and answers 429 beyond). Buckets are keyed by a hash of the token; the token itself is
 * not kept. Idle buckets (full again) are dropped when the table grows, so memory follows the
 * tokens in use.
 *
 * Ownership: the server owns the limiter (mm_server.rate_limit). Thread-safety: one mutex;
 * every function may be called from any thread.
 */
#ifndef MISTMCP_CORE_MIST_RATE_LIMIT_H
#define MISTMCP_CORE_MIST_RATE_LIMIT_H

typedef struct mm_rate_limit mm_rate_limit;

/* per_hour calls per token, at most burst at once. Returns NULL when per_hour is 0 (off). */
mm_rate_limit *mm_rate_limit_create(long per_hour, long burst);
void mm_rate_limit_destroy(mm_rate_limit **rl);

/* Takes one call for token at now_ms (CLOCK_MONOTONIC). Returns 0 when taken, else how many
 * milliseconds until one is available (nothing taken). A NULL limiter always allows. */
long mm_rate_limit_take(mm_rate_limit *rl, const char *token, long long now_ms);

/* The limit, for messages: calls per hour. */
long mm_rate_limit_per_hour(const mm_rate_limit *rl);

#endif
