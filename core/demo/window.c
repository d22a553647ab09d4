/*
 * The time window of a demo request (demo/window.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/window.h"

#include "demo/world.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_DURATION 86400

long mm_demo_duration(const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);
    if (end == s || n < 0 || n > 10L * 366 * 86400)
        return -1;
    long unit = !*end                   ? 1
                : strcmp(end, "s") == 0 ? 1
                : strcmp(end, "m") == 0 ? 60
                : strcmp(end, "h") == 0 ? 3600
                : strcmp(end, "d") == 0 ? 86400
                : strcmp(end, "w") == 0 ? 7 * 86400
                                        : -1;
    return unit < 0 ? -1 : n * unit;
}

/* A time as Mist takes one: epoch seconds, "now", or before now ("-1d", "-2h"); 0 if s is
 * none of these. */
static int time_of(const char *s, long *out)
{
    char *end;
    if (strcmp(s, "now") == 0) {
        *out = MM_DEMO_NOW;
        return 1;
    }
    if (s[0] == '-') {
        long before = mm_demo_duration(s + 1);
        *out = MM_DEMO_NOW - before;
        return before >= 0;
    }
    *out = strtol(s, &end, 10);
    return end != s && !*end && *out >= 0;
}

int mm_demo_window(const mm_demo_request *rq, long *start, long *end, mm_demo_answer *out)
{
    const char *s = rq->query(rq->query_ctx, "start"), *e = rq->query(rq->query_ctx, "end"),
               *d = rq->query(rq->query_ctx, "duration");
    long span = d ? mm_demo_duration(d) : DEFAULT_DURATION;
    if (span < 0) {
        mm_demo_fail(out, 400, "duration '%s' is not valid: expected 1d, 3h, 30m, 2w or seconds%s",
                     d, NULL);
        return -1;
    }
    int bad_start = s && !time_of(s, start), bad_end = e && !time_of(e, end);
    if (bad_start || bad_end) {
        mm_demo_fail(out, 400,
                     "%s '%s' is not valid: expected seconds since 1970, \"now\" or a time "
                     "before now (\"-1d\", \"-2h\")",
                     bad_start ? "start" : "end", bad_start ? s : e);
        return -1;
    }
    if (!e)
        *end = s ? *start + span : MM_DEMO_NOW;
    if (!s)
        *start = *end - span;
    if (*start > *end) {
        mm_demo_fail(out, 400, "start '%s' is after end '%s'", s ? s : "(end - duration)",
                     e ? e : "(start + duration)");
        return -1;
    }
    return 0;
}
