#define _POSIX_C_SOURCE 200809L
#include "mist/call.h"

#include "base/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define BACKOFF_BASE_MS 200
#define BACKOFF_MAX_MS 5000

static int idempotent(const char *method)
{
    return strcmp(method, "GET") == 0 || strcmp(method, "PUT") == 0 ||
           strcmp(method, "DELETE") == 0 || strcmp(method, "HEAD") == 0;
}

long mm_retry_delay(const char *method, long status, mm_net_fail fail, long retry_after_ms,
                    int retry, unsigned *seed)
{
    int again = status == 429 ||
                (idempotent(method) &&
                 (status == 500 || status == 502 || status == 503 || status == 504)) ||
                (status == 0 && fail == MM_NET_NOT_SENT) ||
                (status == 0 && fail == MM_NET_BROKEN && idempotent(method));
    if (!again)
        return -1;
    if (status == 429 && retry_after_ms >= 0)
        return retry_after_ms;
    long cap = BACKOFF_BASE_MS << (retry < 5 ? retry : 5);
    if (cap > BACKOFF_MAX_MS)
        cap = BACKOFF_MAX_MS;
    return cap / 2 + (long)(rand_r(seed) % (unsigned)(cap / 2 + 1)); /* jitter: 50-100% */
}

long mm_retry_after_ms(const mistmcp_response *r)
{
    for (size_t i = 0; r && i < r->header_count; i++)
        if (strncasecmp(r->headers[i], "Retry-After:", 12) == 0) {
            const char *v = r->headers[i] + 12;
            while (*v == ' ')
                v++;
            char *end;
            long s = strtol(v, &end, 10);
            return end != v && s >= 0 && s < 86400 ? s * 1000 : -1; /* an HTTP date: ignored */
        }
    return -1;
}

static int cancelled(const mm_mist_caller *c)
{
    return c->cancelled && atomic_load(c->cancelled);
}

/* Sleeps ms unless the call is cancelled first. Returns 0, or -1 if cancelled. */
static int pause_ms(const mm_mist_caller *c, long ms)
{
    for (long left = ms; left > 0; left -= 20) {
        if (cancelled(c))
            return -1;
        struct timespec step = {0, (left < 20 ? left : 20) * 1000000L};
        nanosleep(&step, NULL);
    }
    return cancelled(c) ? -1 : 0;
}

/* Waits for the token's rate limit. Returns 0 when a call may go, else -1 with the message. */
static int rate_limit(const mm_mist_caller *c, const char *token, long long deadline, char *err,
                      size_t err_size)
{
    if (!c->rate_limit)
        return 0;
    for (int waits = 0; waits < 1000; waits++) {
        long long now = mm_now_ms();
        long wait = mm_rate_limit_take(c->rate_limit, token, now);
        if (wait == 0)
            return 0;
        if (wait > c->rate_wait_ms || now + wait > deadline) {
            if (c->metrics)
                mm_metrics_rate_limited(c->metrics, 0);
            return mm_fail(err, err_size,
                           "mistmcp's client-side rate limit for this token is reached (%ld "
                           "calls per hour, --rate-limit): retry in %ld s, or make fewer calls "
                           "(wider queries, filters)",
                           mm_rate_limit_per_hour(c->rate_limit), (wait + 999) / 1000);
        }
        if (c->metrics && waits == 0)
            mm_metrics_rate_limited(c->metrics, 1);
        if (pause_ms(c, wait) != 0)
            return mm_fail(err, err_size, "the request was cancelled");
    }
    return mm_fail(err, err_size, "the rate limit kept the call waiting too long");
}

int mm_mist_call(const mm_mist_caller *c, const char *method, const char *target, const char *body,
                 mistmcp_response **out, char *err, size_t err_size)
{
    long long deadline = mm_now_ms() + c->retry_max_ms;
    unsigned seed = (unsigned)mm_now_ms() ^ (unsigned)(uintptr_t)c;
    *out = NULL;
    for (int retry = 0;; retry++) {
        const char *token = c->token ? c->token(c->token_ctx) : NULL;
        if (token && rate_limit(c, token, deadline, err, err_size) != 0)
            return -1;
        mm_net_fail fail = MM_NET_OTHER;
        int rc = mm_mist_send(c->client, c->conn, token, method, target, body, c->cancelled, out,
                              &fail, err, err_size);
        long status = rc == 0 ? (*out)->status : 0;
        if (rc == 0 && status == 429 && c->rotate_token && c->rotate_token(c->token_ctx, token) &&
            retry < (int)c->token_count - 1 && retry < c->max_retries) {
            if (c->metrics)
                mm_metrics_retry(c->metrics, "token_rotation");
            mm_mist_response_free(out); /* straight to the next token: no wait */
            continue;
        }
        long delay = retry < c->max_retries ? mm_retry_delay(method, status, fail,
                                                             mm_retry_after_ms(*out), retry, &seed)
                                            : -1;
        if (delay < 0 || mm_now_ms() + delay > deadline)
            return rc; /* the last answer (the model sees Mist's status) or the error */
        if (c->metrics)
            mm_metrics_retry(c->metrics, status == 429 ? "429" : status ? "5xx" : "network");
        if (rc == 0)
            mm_mist_response_free(out);
        if (pause_ms(c, delay) != 0)
            return mm_fail(err, err_size, "the request was cancelled");
    }
}
