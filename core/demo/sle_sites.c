/*
 * The org's view of its sites' SLEs (demo/sle_sites.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/sle_sites.h"

#include "demo/answer.h"

#include "demo/sle.h"
#include "demo/window.h"

#include <stdlib.h>
#include <string.h>

static int count_devices(const mm_demo_world *w, const char *site, const char *type)
{
    int n = 0;
    for (const cJSON *d = w->device_stats->child; d; d = d->next)
        n += strcmp(mm_demo_str(d, "site_id"), site) == 0 &&
             strcmp(mm_demo_str(d, "type"), type) == 0;
    return n;
}

static int count_clients(const cJSON *clients, const char *site)
{
    int n = 0;
    for (const cJSON *c = clients->child; c; c = c->next)
        n += strcmp(mm_demo_str(c, "site_id"), site) == 0;
    return n;
}

/* Of a site's WAN links (two a gateway), the share up in [start, end]: the links of a
 * gw_wan_down alarm are down since it was raised. */
static double wan_up(const mm_demo_world *w, const char *site, long start, long end)
{
    for (const cJSON *a = w->alarms->child; a; a = a->next)
        if (strcmp(mm_demo_str(a, "site_id"), site) == 0 &&
            strcmp(mm_demo_str(a, "type"), "gw_wan_down") == 0) {
            double from = mm_demo_num(a, "timestamp") > (double)start ? mm_demo_num(a, "timestamp")
                                                                      : (double)start;
            double down = (double)end > from ? (double)end - from : 0;
            return end > start ? 1 - down / (2.0 * (double)(end - start)) : 1;
        }
    return 1;
}

static cJSON *site_sle(const mm_demo_world *w, const char *site, const char *kind, long start,
                       long end)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "site_id", site);
    if (strcmp(kind, "wired") == 0) {
        cJSON_AddNumberToObject(r, "num_switches", count_devices(w, site, "switch"));
        cJSON_AddNumberToObject(r, "num_clients", count_clients(w->wired_clients, site));
        static const char *const keys[] = {"switch-health", "switch-throughput",
                                           "switch-bandwidth"};
        for (size_t i = 0; i < 3; i++)
            cJSON_AddNumberToObject(r, keys[i], 1);
    } else if (strcmp(kind, "wan") == 0) {
        double up = mm_demo_sle_round(wan_up(w, site, start, end));
        cJSON_AddNumberToObject(r, "num_gateways", count_devices(w, site, "gateway"));
        cJSON_AddNumberToObject(r, "num_clients",
                                count_clients(w->clients, site) +
                                    count_clients(w->wired_clients, site));
        cJSON_AddNumberToObject(r, "gateway-health", 1);
        cJSON_AddNumberToObject(r, "wan-link-health", up);
        cJSON_AddNumberToObject(r, "application_health", mm_demo_sle_round((1 + up) / 2));
    } else {
        cJSON_AddNumberToObject(r, "num_aps", count_devices(w, site, "ap"));
        cJSON_AddNumberToObject(r, "num_clients", count_clients(w->clients, site));
        const mm_demo_sle_metric *m;
        for (int i = 0; (m = mm_demo_sle_metric_at(i)); i++) {
            mm_demo_sle s;
            mm_demo_sle_compute(w, site, m, start, end, &s);
            cJSON_AddNumberToObject(r, m->org_name, mm_demo_sle_value(&s));
            if (strcmp(m->name, "ap-availability") == 0)
                cJSON_AddNumberToObject(r, "ap-health", mm_demo_sle_value(&s));
            mm_demo_sle_free(&s);
        }
    }
    return r;
}

/* The sites' SLEs of kind (wifi, wired or wan; a site without switches or gateways has no
 * wired or WAN SLEs): a new array. */
static cJSON *sites_of(const mm_demo_world *w, const char *kind, long start, long end)
{
    cJSON *all = cJSON_CreateArray();
    for (const cJSON *site = w->sites->child; site; site = site->next) {
        const char *id = mm_demo_str(site, "id");
        if (strcmp(kind, "wifi") == 0 ||
            count_devices(w, id, strcmp(kind, "wan") == 0 ? "gateway" : "switch") > 0)
            cJSON_AddItemToArray(all, site_sle(w, id, kind, start, end));
    }
    return all;
}

static cJSON *window_answer(long start, long end)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddNumberToObject(r, "start", (double)start);
    cJSON_AddNumberToObject(r, "end", (double)end);
    cJSON_AddNumberToObject(r, "interval", (double)mm_demo_sle_interval(start, end));
    return r;
}

void mm_demo_sites_sle(const mm_demo_world *w, const mm_demo_request *rq, mm_demo_answer *out)
{
    static const char *const kinds[] = {"wifi", "wired", "wan"};
    const char *asked = rq->query(rq->query_ctx, "sle"), *kind = asked ? NULL : "wifi";
    for (size_t i = 0; !kind && i < sizeof kinds / sizeof kinds[0]; i++)
        kind = strcmp(kinds[i], asked) == 0 ? kinds[i] : NULL; /* rq's value lasts until its next */
    if (!kind) {
        mm_demo_fail(out, 400, "sle '%s' is not valid: expected wan, wifi or wired%s", asked, NULL);
        return;
    }
    long start, end, total, limit, page;
    if (mm_demo_window(rq, &start, &end, out) != 0)
        return;
    cJSON *all = sites_of(w, kind, start, end);
    cJSON *paged = mm_demo_page(rq, all, NULL, NULL, &total, &limit, &page, out);
    cJSON_Delete(all);
    if (!paged)
        return;
    cJSON *r = window_answer(start, end);
    cJSON_AddNumberToObject(r, "limit", (double)limit);
    cJSON_AddNumberToObject(r, "page", (double)page);
    cJSON_AddNumberToObject(r, "total", (double)total);
    cJSON_AddItemToObject(r, "results", paged);
    mm_demo_json(out, r);
    cJSON_Delete(r);
}

/* A site's wireless SLEs and what it is ranked by among the worst. */
typedef struct ranked {
    double rank;
    cJSON *site;
} ranked;

/* One SLE of the site's (by: its org name), or the mean of its wireless SLEs. */
static double rank_of(const cJSON *site, const char *by)
{
    if (by)
        return mm_demo_num(site, by);
    double sum = 0;
    int n = 0;
    const mm_demo_sle_metric *m;
    for (; (m = mm_demo_sle_metric_at(n)); n++)
        sum += mm_demo_num(site, m->org_name);
    return n ? sum / n : 1;
}

static int worst_first(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank > y->rank ? 1 : -1;
    return strcmp(mm_demo_str(x->site, "site_id"), mm_demo_str(y->site, "site_id"));
}

void mm_demo_worst_sites(const mm_demo_world *w, const mm_demo_request *rq, mm_demo_answer *out)
{
    const mm_demo_sle_metric *by = mm_demo_sle_metric_named(rq->query(rq->query_ctx, "sle"));
    long start, end;
    if (mm_demo_window(rq, &start, &end, out) != 0)
        return;
    cJSON *all = sites_of(w, "wifi", start, end);
    int n = cJSON_GetArraySize(all), i = 0;
    ranked *sites = calloc((size_t)(n ? n : 1), sizeof *sites);
    if (!sites)
        abort();
    for (; all->child; i++) {
        sites[i].site = cJSON_DetachItemViaPointer(all, all->child);
        sites[i].rank = rank_of(sites[i].site, by ? by->org_name : NULL);
    }
    qsort(sites, (size_t)n, sizeof *sites, worst_first);
    for (i = 0; i < n; i++)
        cJSON_AddItemToArray(all, sites[i].site);
    free(sites);
    cJSON *r = window_answer(start, end);
    cJSON_AddNumberToObject(r, "limit", (double)n);
    cJSON_AddItemToObject(r, "results", all);
    mm_demo_json(out, r);
    cJSON_Delete(r);
}
