/*
 * Mist's answer forms (demo/answer.h): errors, JSON values, paged and filtered lists.
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/answer.h"

#include "base/json_exact.h"
#include "demo/world.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LIMIT 100
#define MAX_LIMIT 1000

int mm_demo_fail(mm_demo_answer *out, int status, const char *fmt, const char *a, const char *b)
{
    char detail[400];
    snprintf(detail, sizeof detail, fmt, a, b ? b : "");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "detail", detail);
    out->status = status;
    out->body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return 0;
}

const char *mm_demo_str(const cJSON *o, const char *key)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

double mm_demo_num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

int mm_demo_json(mm_demo_answer *out, const cJSON *value)
{
    out->status = 200;
    out->body = mm_json_print_exact(value);
    return 0;
}

/* A MAC as Mist keeps it: 12 lower-case hex digits, separators dropped. */
static void mac_norm(const char *in, char *out, size_t size)
{
    size_t n = 0;
    for (; *in && n + 1 < size; in++)
        if (isxdigit((unsigned char)*in) || *in == '*')
            out[n++] = (char)tolower((unsigned char)*in);
    out[n] = '\0';
}

/* value matched by want: '*' anywhere is a wildcard (Mist's searches take "ap-*"), else equal;
 * case-insensitive. */
static int glob(const char *want, const char *value)
{
    if (!value)
        return 0;
    for (; *want; want++, value++) {
        if (*want == '*') {
            for (const char *v = value;; v++) {
                if (glob(want + 1, v))
                    return 1;
                if (!*v)
                    return 0;
            }
        }
        if (!*value || tolower((unsigned char)*want) != tolower((unsigned char)*value))
            return 0;
    }
    return *value == '\0';
}

int mm_demo_keep(const mm_demo_request *rq, const cJSON *o, const char *param, const char *key,
                 int is_mac)
{
    const char *want = rq->query(rq->query_ctx, param);
    if (!want || !*want)
        return 1;
    char w[64];
    if (is_mac) {
        mac_norm(want, w, sizeof w);
        want = w;
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (cJSON_IsArray(v)) {
        for (const cJSON *it = v->child; it; it = it->next)
            if (glob(want, cJSON_GetStringValue(it)))
                return 1;
        return 0;
    }
    if (cJSON_IsNumber(v)) {
        char num[32];
        snprintf(num, sizeof num, "%.0f", v->valuedouble);
        return glob(want, num);
    }
    if (cJSON_IsBool(v))
        return glob(want, cJSON_IsTrue(v) ? "true" : "false");
    return glob(want, cJSON_GetStringValue(v));
}

/* limit and page as Mist takes them. 0, or -1 after answering 400. */
static int paging(const mm_demo_request *rq, long *limit, long *page, mm_demo_answer *out)
{
    const char *names[] = {"limit", "page"};
    long *slots[] = {limit, page};
    *limit = DEFAULT_LIMIT;
    *page = 1;
    for (int i = 0; i < 2; i++) {
        const char *v = rq->query(rq->query_ctx, names[i]);
        if (!v)
            continue;
        char *end;
        long n = strtol(v, &end, 10);
        if (!*v || *end || n < (i == 0 ? 0 : 1) || n > (i == 0 ? MAX_LIMIT : 100000)) {
            mm_demo_fail(out, 400,
                         i == 0 ? "limit '%s' is not valid: expected 0 to 1000%s"
                                : "page '%s' is not valid: expected 1 or more%s",
                         v, NULL);
            return -1;
        }
        *slots[i] = i == 0 && n == 0 ? DEFAULT_LIMIT : n;
    }
    return 0;
}

cJSON *mm_demo_page(const mm_demo_request *rq, const cJSON *all, mm_demo_filter f,
                    const char *scope, long *total, long *limit, long *page, mm_demo_answer *out)
{
    if (paging(rq, limit, page, out) != 0)
        return NULL;
    cJSON *items = cJSON_CreateArray();
    *total = 0;
    for (const cJSON *it = all ? all->child : NULL; it; it = it->next) {
        if (f && !f(rq, it, scope))
            continue;
        if (*total >= (*page - 1) * *limit && *total < *page * *limit)
            cJSON_AddItemToArray(items, cJSON_Duplicate(it, 1));
        (*total)++;
    }
    return items;
}

int mm_demo_search(mm_demo_answer *out, cJSON *results, long limit, long total)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToObject(r, "results", results);
    cJSON_AddNumberToObject(r, "start", MM_DEMO_NOW - 86400);
    cJSON_AddNumberToObject(r, "end", MM_DEMO_NOW);
    cJSON_AddNumberToObject(r, "limit", (double)limit);
    cJSON_AddNumberToObject(r, "total", (double)total);
    mm_demo_json(out, r);
    cJSON_Delete(r);
    return 0;
}

int mm_demo_list(const mm_demo_request *rq, const cJSON *all, mm_demo_filter f, const char *scope,
                 int search, mm_demo_answer *out)
{
    long total, limit, page;
    cJSON *items = mm_demo_page(rq, all, f, scope, &total, &limit, &page, out);
    if (!items)
        return 0;
    if (search)
        return mm_demo_search(out, items, limit, total);
    mm_demo_json(out, items);
    cJSON_Delete(items);
    out->page_total = total;
    out->page_limit = limit;
    out->page_page = page;
    return 0;
}
