/*
 * The Mist client's retry rule (core/mist/call.c) and the per-token rate limit
 * (core/mist/rate_limit.c), as pure functions: which failures are retried for which methods, how
 * long the waits are, and the token bucket's arithmetic.
 */
#include "check.h"
#include "mist/call.h"
#include "mist/rate_limit.h"

#include <stdlib.h>
#include <string.h>

static long delay(const char *method, long status, mm_net_fail fail, long retry_after, int retry)
{
    unsigned seed = 42;
    return mm_retry_delay(method, status, fail, retry_after, retry, &seed);
}

static void test_rule(void)
{
    const char *methods[] = {"GET", "PUT", "DELETE", "POST", "PATCH"};
    for (int m = 0; m < 5; m++) {
        int idem = m < 3;
        const char *me = methods[m];
        CHECK_MSG(delay(me, 429, MM_NET_OK, 1000, 0) == 1000, "%s 429 waits Retry-After", me);
        CHECK_MSG(delay(me, 429, MM_NET_OK, -1, 0) > 0, "%s 429 without Retry-After backs off", me);
        for (long st = 500; st <= 504; st++)
            if (st != 501)
                CHECK_MSG((delay(me, st, MM_NET_OK, -1, 0) >= 0) == idem, "%s %ld", me, st);
        CHECK_MSG(delay(me, 501, MM_NET_OK, -1, 0) < 0, "%s 501 is final", me);
        CHECK_MSG(delay(me, 400, MM_NET_OK, -1, 0) < 0 && delay(me, 404, MM_NET_OK, -1, 0) < 0,
                  "%s 4xx is final", me);
        CHECK_MSG(delay(me, 0, MM_NET_NOT_SENT, -1, 0) >= 0, "%s never sent: retried", me);
        CHECK_MSG((delay(me, 0, MM_NET_BROKEN, -1, 0) >= 0) == idem, "%s broken connection", me);
        CHECK_MSG(delay(me, 0, MM_NET_TIMEOUT, -1, 0) < 0 && delay(me, 0, MM_NET_TLS, -1, 0) < 0 &&
                      delay(me, 0, MM_NET_CANCELLED, -1, 0) < 0 &&
                      delay(me, 0, MM_NET_TOO_BIG, -1, 0) < 0,
                  "%s timeout, TLS, cancel, too big: final", me);
    }
    /* Exponential with jitter (50-100% of 200 ms x 2^retry), capped at 5 s. */
    for (int r = 0; r < 8; r++) {
        long cap = 200L << r;
        if (cap > 5000)
            cap = 5000;
        long d = delay("GET", 503, MM_NET_OK, -1, r);
        CHECK_MSG(d >= cap / 2 && d <= cap, "retry %d waits %ld ms (cap %ld)", r, d, cap);
    }
    char h1[] = "Retry-After: 7", h2[] = "retry-after:  0", h3[] = "Retry-After: Wed, 21 Oct";
    char *hs[] = {h1};
    mistmcp_response r = {.status = 429, .headers = hs, .header_count = 1};
    CHECK(mm_retry_after_ms(&r) == 7000);
    hs[0] = h2;
    CHECK(mm_retry_after_ms(&r) == 0);
    hs[0] = h3;
    CHECK_MSG(mm_retry_after_ms(&r) == -1, "an HTTP date is ignored (backoff instead)");
    r.header_count = 0;
    CHECK(mm_retry_after_ms(&r) == -1);
}

static void test_bucket(void)
{
    CHECK_MSG(mm_rate_limit_create(0, 10) == NULL, "0 per hour: no limiter");
    CHECK(mm_rate_limit_take(NULL, "t", 0) == 0);
    mm_rate_limit *rl = mm_rate_limit_create(3600, 3); /* one per second, 3 at once */
    long long t = 1000000;
    for (int i = 0; i < 3; i++)
        CHECK_MSG(mm_rate_limit_take(rl, "a", t) == 0, "burst call %d", i);
    long wait = mm_rate_limit_take(rl, "a", t);
    CHECK_MSG(wait > 900 && wait <= 1001, "the 4th waits about a second (%ld ms)", wait);
    CHECK_MSG(mm_rate_limit_take(rl, "b", t) == 0, "another token has its own bucket");
    CHECK_MSG(mm_rate_limit_take(rl, "a", t + 1000) == 0, "refilled after a second");
    CHECK(mm_rate_limit_take(rl, "a", t + 1000) > 0);
    /* Many tokens: idle (full) buckets are dropped as the table grows; limits still hold. */
    char tok[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(tok, sizeof tok, "tok-%d", i);
        mm_rate_limit_take(rl, tok, t + 10 * 1000 * 1000); /* all full again by then */
    }
    CHECK_MSG(mm_rate_limit_take(rl, "a", t + 10 * 1000 * 1000) == 0, "a is full again");
    mm_rate_limit_destroy(&rl);
    CHECK(rl == NULL);
}

int main(void)
{
    test_rule();
    test_bucket();
    return check_summary();
}
