/*
 * Answers from the spec (demo/fallback.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/fallback.h"

#include "base/util.h"
#include "demo/ids.h"
#include "demo/path.h"
#include "demo/spec_answers.h"
#include "demo/window.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if (mm_demo_window(rq, &start, &end, out) != 0) {
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
