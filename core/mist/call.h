/*
 * One Mist request of a tool call, made resilient: the client-side rate limit of its token,
 * retries with exponential backoff and jitter, Retry-After, rotation to the caller's next
 * token on 429, all bounded in attempts and in time and cancellable at every wait.
 *
 * Retry rules: 429 for any method (Retry-After honoured); 500/502/503/504 and connections
 * broken mid-request only for idempotent methods (GET, PUT, DELETE); a request that never
 * left (name resolution or connect failed) for any method; timeouts, TLS failures, cancelled
 * and oversized transfers never. A POST is thus never sent twice unless Mist refused it
 * (429) or it never reached Mist.
 *
 * The caller (a tool call of a session, core/mcp/tool_exec.c) describes itself in an
 * mm_mist_caller: the client and connection to use, its limits, and its credentials as
 * callbacks, so that this layer knows nothing of sessions.
 *
 * Thread-safety: runs on the calling thread; the connection is that thread's; the token
 * callbacks, the rate limiter and the metrics must be thread-safe (they are shared).
 */
#ifndef MISTMCP_CORE_MIST_CALL_H
#define MISTMCP_CORE_MIST_CALL_H

#include "base/metrics.h"
#include "mist/client.h"
#include "mist/rate_limit.h"

#include <stdatomic.h>
#include <stddef.h>

/* Who makes a Mist request, and within which limits. Borrowed for the call's duration. */
typedef struct mm_mist_caller {
    const mm_mist_client *client;
    mm_mist_conn *conn;          /* the calling thread's */
    const atomic_int *cancelled; /* nonzero once the client cancelled; may be NULL */
    mm_rate_limit *rate_limit;   /* per token; NULL: no client-side limit */
    mm_metrics *metrics;         /* retries and rate limiting are counted; may be NULL */
    long max_retries;            /* retries after the first attempt */
    long retry_max_ms;           /* all attempts and waits together, ms */
    long rate_wait_ms;           /* longest wait for the rate limit before refusing, ms */
    /* The credentials: token(ctx) is the token to send now (NULL: none), a string that stays
     * valid for the whole call; after a 429, rotate_token(ctx, used) moves on from used (the
     * very pointer token() returned, which it may compare by address) to the next token and
     * returns 1 if the next call should use another one (callers racing on the same refusal
     * rotate once). token_count: how many tokens there are. Either may be NULL (no token, no
     * rotation). */
    const char *(*token)(void *ctx);
    int (*rotate_token)(void *ctx, const char *used);
    void *token_ctx;
    size_t token_count;
} mm_mist_caller;

/* One request, retried by the rule above: like mm_mist_send (0 with *out set when an HTTP
 * answer arrived, the last one if retries ran out; -1 with a sentence in err otherwise). */
int mm_mist_call(const mm_mist_caller *caller, const char *method, const char *target,
                 const char *body, mistmcp_response **out, char *err, size_t err_size);

/* The rule above: milliseconds to wait before retry number `retry` (0 for the first), or -1
 * for no retry. status is the HTTP status (0 if none arrived), fail why none arrived,
 * retry_after_ms Mist's Retry-After (-1 if none). *seed drives the jitter. */
long mm_retry_delay(const char *method, long status, mm_net_fail fail, long retry_after_ms,
                    int retry, unsigned *seed);

/* Retry-After of a response in milliseconds (delta-seconds form), or -1. */
long mm_retry_after_ms(const mistmcp_response *r);

#endif
