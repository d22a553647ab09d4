/*
 * One Mist request of a tool call, made resilient: the client-side rate limit of its token,
 * retries with exponential backoff and jitter, Retry-After, rotation to the session's next
 * token on 429, all bounded in attempts and in time and cancellable at every wait.
 *
 * Retry rules: 429 for any method (Retry-After honoured); 500/502/503/504 and connections
 * broken mid-request only for idempotent methods (GET, PUT, DELETE); a request that never
 * left (name resolution or connect failed) for any method; timeouts, TLS failures, cancelled
 * and oversized transfers never. A POST is thus never sent twice unless Mist refused it
 * (429) or it never reached Mist.
 *
 * Thread-safety: as tool_exec (the call's thread, the session's locked functions).
 */
#ifndef MISTMCP_CORE_MIST_CALL_H
#define MISTMCP_CORE_MIST_CALL_H

#include "mcp/tool_exec.h"
#include "mist/client.h"

/* Like mm_mist_send, for the call in ctx (its session's token, client, limits). */
int mm_mist_call(mm_call_ctx *ctx, const char *method, const char *target, const char *body,
                 mistmcp_response **out, char *err, size_t err_size);

/* The rule above: milliseconds to wait before retry number `retry` (0 for the first), or -1
 * for no retry. status is the HTTP status (0 if none arrived), fail why none arrived,
 * retry_after_ms Mist's Retry-After (-1 if none). *seed drives the jitter. */
long mm_retry_delay(const char *method, long status, mm_net_fail fail, long retry_after_ms,
                    int retry, unsigned *seed);

/* Retry-After of a response in milliseconds (delta-seconds form), or -1. */
long mm_retry_after_ms(const mistmcp_response *r);

#endif
