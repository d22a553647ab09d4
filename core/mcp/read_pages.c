#define _POSIX_C_SOURCE 200809L
#include "mcp/read_pages.h"

#include "base/json_exact.h"
#include "base/util.h"
#include "mist/projection.h"
#include "mist/request_build.h"
#include "mist/result_shape.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIST_PAGE_MAX 1000 /* the largest limit Mist takes on its lists */

static int cancelled(const mm_call_ctx *ctx)
{
    return ctx->request && atomic_load(&ctx->request->cancelled);
}

static void set_number(cJSON *args, const char *name, long v)
{
    cJSON_DeleteItemFromObjectCaseSensitive(args, name);
    cJSON_AddNumberToObject(args, name, (double)v);
}

static long number_arg(const cJSON *args, const char *name, long fallback)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, name);
    return cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble <= 1e9 ? (long)v->valuedouble
                                                                             : fallback;
}

static long header_number(const mistmcp_response *r, const char *name)
{
    const char *v = mm_response_header(r, name);
    char *end = NULL;
    long n = v ? strtol(v, &end, 10) : -1;
    return v && end != v && n >= 0 ? n : -1;
}

/* Why following the pages stopped before max_items, for the note. */
typedef enum stop_reason {
    STOP_NONE,   /* max_items reached, or the last page read */
    STOP_PAGES,  /* MM_READ_MAX_PAGES requests */
    STOP_BYTES,  /* the gathered items passed the result-size bound */
    STOP_CANCEL, /* the call was cancelled */
    STOP_ERROR   /* a request failed: why says how */
} stop_reason;

/* The state of one gathering. */
typedef struct gather {
    mm_call_ctx *ctx;
    const mm_read_args *ra;
    cJSON *items; /* gathered (projected when fields were given) */
    unsigned char *found;
    long have, total, pages, limit, first_page, page, last_page_count;
    size_t bytes;
    char *next; /* a search's next link (target), or NULL */
    stop_reason stop;
    char why[600];
} gather;

/* Adds what a page brought; returns 1 to go on to the next page. */
static int take_page(gather *g, cJSON *value)
{
    cJSON *items = mm_answer_items(value);
    long count = cJSON_GetArraySize(items);
    g->last_page_count = count;
    const cJSON *total = cJSON_GetObjectItemCaseSensitive(value, "total");
    if (g->total < 0 && cJSON_IsNumber(total) && total->valuedouble >= 0)
        g->total = (long)total->valuedouble;
    const cJSON *next = cJSON_GetObjectItemCaseSensitive(value, "next");
    free(g->next);
    g->next = cJSON_IsString(next) && next->valuestring[0] ? mm_xstrdup(next->valuestring) : NULL;
    cJSON *page = g->ra->fields ? mm_project(items, g->ra->paths, g->ra->path_count, g->found)
                                : cJSON_Duplicate(items, 1);
    char *text = mm_json_print_exact(page);
    g->bytes += text ? strlen(text) : 0;
    free(text);
    while (page->child && g->have < g->ra->max_items) {
        cJSON_AddItemToArray(g->items, cJSON_DetachItemViaPointer(page, page->child));
        g->have++;
    }
    cJSON_Delete(page);
    g->pages++;
    if (g->have >= g->ra->max_items || count == 0 || count < g->limit)
        return 0;
    if (g->ra->plan.page_style == 1 && g->total >= 0 && g->page * g->limit >= g->total)
        return 0;
    if (g->ra->plan.page_style == 2 && !g->next)
        return 0;
    size_t max_bytes = g->ctx->session->srv->cfg->max_result_bytes;
    if (g->bytes > max_bytes) {
        g->stop = STOP_BYTES;
        return 0;
    }
    if (g->pages >= MM_READ_MAX_PAGES) {
        g->stop = STOP_PAGES;
        return 0;
    }
    return 1;
}

/* The next request's target: the page after g->page, or the search's next link. NULL (with
 * g->stop set) when it cannot be made. */
static char *next_target(gather *g, cJSON *args)
{
    if (g->ra->plan.page_style == 2) {
        const char *q = strchr(g->next, '?');
        size_t n = q ? (size_t)(q - g->next) : strlen(g->next);
        char *path = mm_xmalloc(n + 1);
        memcpy(path, g->next, n);
        path[n] = '\0';
        const char *problem = mm_plugin_target_problem(path, q ? q + 1 : NULL);
        free(path);
        if (problem) {
            g->stop = STOP_ERROR;
            snprintf(g->why, sizeof g->why, "Mist's next link %.200s cannot be followed (%s)",
                     g->next, problem);
            return NULL;
        }
        return mm_xstrdup(g->next);
    }
    set_number(args, "page", ++g->page);
    mm_request req;
    char err[600];
    if (mm_request_build(g->ctx->tool, args, &req, err, sizeof err) != 0) {
        g->stop = STOP_ERROR;
        snprintf(g->why, sizeof g->why, "%s", err);
        return NULL;
    }
    char *target = req.target;
    req.target = NULL;
    mm_request_free(&req);
    return target;
}

/* The sentence of the result on what was gathered and how to get the rest, and the
 * pagination object of structuredContent. */
static cJSON *summary(const gather *g, char *note, size_t size)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddNumberToObject(p, "returned", (double)g->have);
    if (g->total >= 0)
        cJSON_AddNumberToObject(p, "total", (double)g->total);
    cJSON_AddNumberToObject(p, "pages", (double)g->pages);
    cJSON_AddNumberToObject(p, "limit", (double)g->limit);
    int more = g->total >= 0 ? g->total > (g->first_page - 1) * g->limit + g->have
                             : g->stop != STOP_NONE || g->next ||
                                   (g->have >= g->ra->max_items && g->last_page_count >= g->limit);
    char stop[700] = "", all[64] = "", rest[400];
    if (g->stop == STOP_PAGES)
        snprintf(stop, sizeof stop, " (stopped: at most %d pages a call)", MM_READ_MAX_PAGES);
    else if (g->stop == STOP_BYTES)
        snprintf(stop, sizeof stop,
                 " (stopped: the items gathered reached the result-size "
                 "bound; ask for fewer fields or items)");
    else if (g->stop == STOP_CANCEL)
        snprintf(stop, sizeof stop, " (stopped: the call was cancelled)");
    else if (g->stop == STOP_ERROR)
        snprintf(stop, sizeof stop, " (stopped: %s)", g->why);
    if (g->total >= 0)
        snprintf(all, sizeof all, " of %ld", g->total);
    if (!more) {
        snprintf(note, size, "All %ld items%s, in %ld page%s.", g->have, all, g->pages,
                 g->pages == 1 ? "" : "s");
        return p;
    }
    if (g->ra->plan.page_style == 1) {
        long next = (g->first_page - 1) * g->limit + g->have; /* index of the next item */
        long page = next / g->limit + 1, skip = next % g->limit;
        cJSON_AddNumberToObject(p, "next_page", (double)page);
        if (skip)
            cJSON_AddNumberToObject(p, "next_page_skip", (double)skip);
        snprintf(rest, sizeof rest, "For the rest, call again with page=%ld and limit=%ld", page,
                 g->limit);
        if (skip)
            snprintf(rest + strlen(rest), sizeof rest - strlen(rest),
                     " (its first %ld items are the last ones here)", skip);
    } else if (g->next) {
        cJSON_AddStringToObject(p, "next", g->next);
        snprintf(rest, sizeof rest,
                 "For the rest, call again with the search_after value of Mist's next link "
                 "(pagination.next: %.200s)%s",
                 g->next,
                 g->have >= g->ra->max_items
                     ? "; it starts after the last page read, some of whose items were not "
                       "returned here"
                     : "");
    } else if (g->have >= g->ra->max_items) { /* the last page held more than was kept */
        snprintf(rest, sizeof rest, "For the rest, call again with a larger max_items");
    } else {
        snprintf(rest, sizeof rest, "Narrow the query (filters, a shorter window) for the rest");
    }
    snprintf(note, size, "%ld items%s in %ld page%s%s. %s.", g->have, all, g->pages,
             g->pages == 1 ? "" : "s", stop, rest);
    return p;
}

cJSON *mm_read_pages(mm_call_ctx *ctx, cJSON *args, const mm_read_args *ra, const char *method,
                     const char *target)
{
    size_t max_bytes = ctx->session->srv->cfg->max_result_bytes;
    const mm_shape_opts opts = mm_read_shape_opts(ra, NULL);
    gather g = {.ctx = ctx, .ra = ra, .total = -1};
    g.items = cJSON_CreateArray();
    g.found = mm_xcalloc(ra->path_count + 1, 1);
    g.first_page = g.page = ra->plan.page_style == 1 ? number_arg(args, "page", 1) : 1;
    g.limit = number_arg(args, "limit", 0);
    char *owned = NULL;
    if (!g.limit) { /* as many a page as asked for, within what Mist takes */
        g.limit = ra->max_items < MIST_PAGE_MAX ? ra->max_items : MIST_PAGE_MAX;
        set_number(args, "limit", g.limit);
        if (ra->plan.page_style == 1)
            set_number(args, "page", g.page);
        mm_request req;
        char err[600];
        if (mm_request_build(ctx->tool, args, &req, err, sizeof err) != 0) {
            cJSON_Delete(g.items);
            free(g.found);
            return mm_result_text(err, 1);
        }
        owned = req.target;
        req.target = NULL;
        mm_request_free(&req);
        target = owned;
    }
    cJSON *res = NULL;
    for (;;) {
        if (cancelled(ctx)) {
            g.stop = STOP_CANCEL;
            break;
        }
        /* Progress counts the pages read (MCP: it must grow with each notification). */
        char progress[96];
        snprintf(progress, sizeof progress, "reading page %ld (%ld items so far)", g.pages + 1,
                 g.have);
        mm_tool_progress(ctx, (double)g.pages, 0, progress);
        mistmcp_response *r = NULL;
        char err[512];
        int rc = mm_tool_send(ctx, method, target, NULL, &r, err, sizeof err);
        cJSON *value = NULL;
        if (rc == 0 && r->status >= 200 && r->status < 300 && r->body) {
            const char *end = NULL;
            value = mm_json_parse_exact(r->body, r->length, &end);
            if (value && g.total < 0 && header_number(r, "X-Page-Total") >= 0)
                g.total = header_number(r, "X-Page-Total");
        }
        if (!value || !mm_answer_items(value)) { /* failed, or not a list */
            if (g.pages == 0) {                  /* the first page: answered as without max_items */
                res = rc != 0 ? mm_result_text(err, 1) : mm_result_shaped(r, &opts, max_bytes);
            } else {
                g.stop = STOP_ERROR;
                snprintf(g.why, sizeof g.why, "page %ld could not be read: %.400s", g.pages + 1,
                         rc != 0                               ? err
                         : r->status >= 300 || r->status < 200 ? "Mist answered an error status"
                                                               : "not a list");
            }
            cJSON_Delete(value);
            mm_mist_response_free(&r);
            break;
        }
        mm_mist_response_free(&r);
        int more = take_page(&g, value);
        cJSON_Delete(value);
        if (!more)
            break;
        free(owned);
        owned = next_target(&g, args);
        target = owned;
        if (!owned)
            break;
    }
    if (!res) {
        char note[1200];
        cJSON *paging = summary(&g, note, sizeof note);
        mm_shape_opts o = mm_read_shape_opts(ra, g.found);
        res = mm_result_from_value(g.items, paging, note, &o, max_bytes);
        g.items = NULL;
    }
    cJSON_Delete(g.items);
    free(g.found);
    free(g.next);
    free(owned);
    return res;
}
