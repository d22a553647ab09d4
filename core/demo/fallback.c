/*
 * Answers from the spec (demo/fallback.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/fallback.h"

#include "base/util.h"
#include "demo/ids.h"
#include "demo/path.h"
#include "demo/spec_answers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_DURATION 86400

static const char *answer_template(size_t i, void *ctx)
{
    (void)ctx;
    return mm_demo_spec_answers[i].path;
}

static const mm_demo_spec_answer *find(const char *path, mm_demo_params *params)
{
    mm_demo_segments sg;
    if (mm_demo_path_split(path, &sg) != 0)
        return NULL;
    long i = mm_demo_path_best(&sg, mm_demo_spec_answer_count, answer_template, NULL, params);
    return i < 0 ? NULL : &mm_demo_spec_answers[i];
}

/* Seconds in "1d", "3h", "30m", "2w", "90s" or "90"; -1 if it is none of these. */
static long duration_of(const char *s)
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
        long before = duration_of(s + 1);
        *out = MM_DEMO_NOW - before;
        return before >= 0;
    }
    *out = strtol(s, &end, 10);
    return end != s && !*end && *out >= 0;
}

/* The window rq asks for; 0, or -1 after a 400 naming the bad parameter. */
static int window(const mm_demo_request *rq, long *start, long *end, mm_demo_answer *out)
{
    const char *s = rq->query(rq->query_ctx, "start"), *e = rq->query(rq->query_ctx, "end"),
               *d = rq->query(rq->query_ctx, "duration");
    long span = d ? duration_of(d) : DEFAULT_DURATION;
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

static void set_number(cJSON *o, const char *key, double value)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (cJSON_IsNumber(v))
        cJSON_SetNumberValue(v, value);
}

/* The answer's start and end, and its items' timestamps spread over the window. */
static void put_window(cJSON *answer, cJSON *items, long start, long end)
{
    set_number(answer, "start", (double)start);
    set_number(answer, "end", (double)end);
    int n = cJSON_GetArraySize(items), i = 0;
    for (cJSON *it = items ? items->child : NULL; it; it = it->next, i++)
        set_number(it, "timestamp",
                   (double)(end - (long)((double)(end - start) * (i + 1) / (n + 1))));
}

/* Items kept by every filter parameter the operation has (scope: their names). */
static int by_filters(const mm_demo_request *rq, const cJSON *o, const char *scope)
{
    char name[64];
    for (const char *s = scope; *s;) {
        size_t n = strcspn(s, " ");
        snprintf(name, sizeof name, "%.*s", (int)n, s);
        if (!mm_demo_keep(rq, o, name, name, strstr(name, "mac") != NULL))
            return 0;
        s += n;
        while (*s == ' ')
            s++;
    }
    return 1;
}

/* The JSON answer fitted to the request: ids, the session's changes to a list, window,
 * filters and paging. */
static void fit(const mm_demo_view *v, const mm_demo_request *rq, const mm_demo_spec_answer *a,
                const mm_demo_params *params, mm_demo_answer *out)
{
    cJSON *body = cJSON_Parse(a->body);
    if (!body) { /* the generator emits what it printed: cannot happen but with no memory */
        mm_demo_fail(out, 500, "the demo cloud's answer to %s does not parse%s", a->operation,
                     NULL);
        return;
    }
    long start = 0, end = 0, total, limit, page;
    if (window(rq, &start, &end, out) != 0) {
        cJSON_Delete(body);
        return;
    }
    mm_demo_put_ids(v->world, params, body);
    char path[MM_DEMO_PATH_MAX];
    mm_demo_path_canon(rq->path, path, sizeof path);
    cJSON *changed = cJSON_IsArray(body) ? mm_demo_overlay_list(v->overlay, path, body) : NULL;
    if (changed) {
        cJSON_Delete(body);
        body = changed;
    }
    int list = cJSON_IsArray(body);
    cJSON *items = list ? body : cJSON_GetObjectItemCaseSensitive(body, "results");
    put_window(body, cJSON_IsArray(items) ? items : NULL, start, end);
    if (!cJSON_IsArray(items)) {
        mm_demo_json(out, body);
        cJSON_Delete(body);
        return;
    }
    cJSON *shown = mm_demo_page(rq, items, by_filters, a->filters, &total, &limit, &page, out);
    if (shown && list) {
        mm_demo_json(out, shown);
        out->page_total = total;
        out->page_limit = limit;
        out->page_page = page;
        cJSON_Delete(shown);
    } else if (shown) { /* a search: its results paged, with its own count */
        cJSON_ReplaceItemInObjectCaseSensitive(body, "results", shown);
        set_number(body, "limit", (double)limit);
        set_number(body, "page", (double)page);
        set_number(body, "total", (double)total);
        cJSON_DeleteItemFromObjectCaseSensitive(body, "next"); /* pages go by page= here */
        mm_demo_json(out, body);
    }
    cJSON_Delete(body);
}

int mm_demo_fallback(const mm_demo_view *v, const mm_demo_request *rq, mm_demo_answer *out)
{
    mm_demo_params params;
    const mm_demo_spec_answer *a = find(rq->path, &params);
    if (!a)
        return 0;
    if (mm_demo_known(v, &params, out) != 0)
        return 1;
    if (strcmp(a->content_type, "application/json") != 0) {
        out->status = 200;
        out->body = mm_xstrdup(a->body);
        out->content_type = a->content_type;
        return 1;
    }
    fit(v, rq, a, &params, out);
    return 1;
}
