/*
 * A request as the demo cloud sees it, its answer, and the forms of Mist's answers that every
 * route shares: errors, JSON values, and lists paged and filtered as Mist pages and filters
 * them (limit, page, X-Page-* headers; a filter value matches case-insensitively, '*' is a
 * wildcard, a MAC matches in any notation).
 *
 * Thread-safety: pure functions of their arguments; any number of threads at once.
 */
#ifndef MISTMCP_DEMO_ANSWER_H
#define MISTMCP_DEMO_ANSWER_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* A request. query returns a query parameter's decoded value or NULL. */
typedef struct mm_demo_request {
    const char *method;
    const char *path; /* without the query, as sent */
    const char *(*query)(void *ctx, const char *name);
    void *query_ctx;
    const char *body; /* the request body (body_len bytes), or NULL: none */
    size_t body_len;
} mm_demo_request;

typedef struct mm_demo_answer {
    int status;               /* HTTP status */
    char *body;               /* malloc'd: the caller frees it */
    const char *content_type; /* NULL: application/json; else a static string */
    long page_total;          /* with page_limit > 0: X-Page-Total, X-Page-Limit and X-Page-Page */
    long page_limit;
    long page_page;
} mm_demo_answer;

/* A filter: 1 if o is kept. scope is the route's own (a site id, a list of names...). */
typedef int (*mm_demo_filter)(const mm_demo_request *rq, const cJSON *o, const char *scope);

/* Mist's error: status with {"detail": fmt}, where fmt takes a and b ("%s" each; b may be
 * NULL). Returns 0 (routes return it). */
int mm_demo_fail(mm_demo_answer *out, int status, const char *fmt, const char *a, const char *b);

/* 200 with value's JSON. Returns 0. */
int mm_demo_json(mm_demo_answer *out, const cJSON *value);

/* Member key of object o: its string (borrowed from o), or NULL when absent or no string. */
const char *mm_demo_str(const cJSON *o, const char *key);
/* Member key of object o: its number, or 0 when absent or no number. */
double mm_demo_num(const cJSON *o, const char *key);

/* 1 if o passes the filter named param (looked up in rq) on member key; an absent filter
 * passes everything. A member holding a list passes when any of its values does; is_mac
 * compares MACs without their separators. */
int mm_demo_keep(const mm_demo_request *rq, const cJSON *o, const char *param, const char *key,
                 int is_mac);

/* The page rq asks for (limit, page) of the items of all that pass f: a new array the caller
 * owns, with *total the count of items passing and *limit, *page as used. NULL after setting
 * a 400 in out for a bad limit or page. */
cJSON *mm_demo_page(const mm_demo_request *rq, const cJSON *all, mm_demo_filter f,
                    const char *scope, long *total, long *limit, long *page, mm_demo_answer *out);

/* 200 with a search result {"results", "start", "end", "limit", "total"} of the last day;
 * takes results. Returns 0. */
int mm_demo_search(mm_demo_answer *out, cJSON *results, long limit, long total);

/* mm_demo_page answered: as a list (X-Page-* headers), or when search is set as a search
 * result {"results", "start", "end", "limit", "total"}. Returns 0. */
int mm_demo_list(const mm_demo_request *rq, const cJSON *all, mm_demo_filter f, const char *scope,
                 int search, mm_demo_answer *out);

#endif
