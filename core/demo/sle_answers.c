/*
 * The SLE endpoints of the demo cloud (demo/sle_answers.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/sle_answers.h"

#include "demo/answer.h"

#include "demo/events.h"
#include "demo/sle.h"
#include "demo/sle_sites.h"
#include "demo/views.h"
#include "demo/window.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SITE_SCOPE "/api/v1/sites/{site_id}/sle/site/{scope_id}"

static cJSON *numbers(const double *v, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(mm_demo_sle_round(v[i])));
    return a;
}

/* The sum of the classifiers' samples (k < 0: all), per sample: a new array of s->samples. */
static double *degraded_samples(const mm_demo_sle *s, int k)
{
    double *d = calloc((size_t)s->samples, sizeof *d);
    if (!d)
        abort();
    for (int j = 0; j < MM_DEMO_SLE_CLASSIFIERS; j++)
        for (int i = 0; (k < 0 || j == k) && i < s->samples; i++)
            d[i] += s->degraded[j][i];
    return d;
}

static void add_labels(cJSON *o, const mm_demo_sle *s)
{
    cJSON_AddNumberToObject(o, "interval", (double)s->interval);
    cJSON_AddStringToObject(o, "x_label", "seconds");
    cJSON_AddStringToObject(o, "y_label", s->metric->y_label);
}

/* A classifier as getSiteSleSummary lists it. */
static cJSON *classifier(const mm_demo_sle *s, int k)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "name", s->metric->classifiers[k]);
    add_labels(c, s);
    cJSON_AddItemToObject(c, "impact", mm_demo_sle_impact(s, k));
    cJSON *samples = cJSON_AddObjectToObject(c, "samples");
    cJSON_AddItemToObject(samples, "total", numbers(s->total, s->samples));
    cJSON_AddItemToObject(samples, "degraded", numbers(s->degraded[k], s->samples));
    cJSON_AddItemToObject(samples, "duration", numbers(s->degraded[k], s->samples));
    return c;
}

static void add_window(cJSON *o, const mm_demo_sle *s)
{
    cJSON_AddNumberToObject(o, "start", (double)s->start);
    cJSON_AddNumberToObject(o, "end", (double)s->end);
}

static cJSON *summary(const mm_demo_sle *s)
{
    cJSON *r = cJSON_CreateObject();
    add_window(r, s);
    cJSON *sle = cJSON_AddObjectToObject(r, "sle");
    cJSON_AddStringToObject(sle, "name", s->metric->name);
    add_labels(sle, s);
    cJSON *samples = cJSON_AddObjectToObject(sle, "samples");
    double *deg = degraded_samples(s, -1);
    cJSON *value = cJSON_CreateArray();
    for (int i = 0; i < s->samples; i++)
        cJSON_AddItemToArray(
            value, s->total[i] > 0 ? cJSON_CreateNumber(mm_demo_sle_round(1 - deg[i] / s->total[i]))
                                   : cJSON_CreateNull());
    cJSON_AddItemToObject(samples, "total", numbers(s->total, s->samples));
    cJSON_AddItemToObject(samples, "degraded", numbers(deg, s->samples));
    cJSON_AddItemToObject(samples, "value", value);
    free(deg);
    cJSON *list = cJSON_AddArrayToObject(r, "classifiers");
    for (int k = 0; k < MM_DEMO_SLE_CLASSIFIERS && s->metric->classifiers[k]; k++)
        cJSON_AddItemToArray(list, classifier(s, k));
    cJSON_AddItemToObject(r, "impact", mm_demo_sle_impact(s, -1));
    cJSON_AddArrayToObject(r, "events");
    return r;
}

/* What failed for classifier k: the reject behind the failed attempts, the offline APs. */
static cJSON *failures(const mm_demo_sle *s, int k)
{
    cJSON *out = cJSON_CreateArray();
    const char *name = s->metric->classifiers[k];
    double n = mm_demo_sle_degraded(s, k);
    if (n <= 0)
        return out;
    if (strcmp(name, "authorization") == 0) {
        const char *ssid = NULL;
        for (int i = 0; i < s->row_count && !ssid; i++)
            if (s->rows[i].degraded[k] > 0)
                ssid = mm_demo_str(s->rows[i].client, "last_ssid");
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "type", "MARVIS_EVENT_CLIENT_AUTH_FAILURE");
        cJSON_AddStringToObject(f, "reason", MM_DEMO_AUTH_REJECT);
        if (ssid)
            cJSON_AddStringToObject(f, "ssid", ssid);
        cJSON_AddNumberToObject(f, "count", n);
        cJSON_AddItemToArray(out, f);
    } else if (strcmp(name, "ap-unreachable") == 0) {
        for (int i = 0; i < s->row_count; i++)
            if (s->rows[i].degraded[k] > 0) {
                cJSON *f = cJSON_CreateObject();
                cJSON_AddStringToObject(f, "ap_mac", mm_demo_str(s->rows[i].ap, "mac"));
                cJSON_AddStringToObject(f, "name", mm_demo_str(s->rows[i].ap, "name"));
                cJSON_AddStringToObject(f, "status", mm_demo_str(s->rows[i].ap, "status"));
                cJSON_AddNumberToObject(f, "last_seen", mm_demo_num(s->rows[i].ap, "last_seen"));
                cJSON_AddItemToArray(out, f);
            }
    }
    return out;
}

static cJSON *classifier_details(const mm_demo_sle *s, int k)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "metric", s->metric->name);
    add_window(r, s);
    cJSON_AddItemToObject(r, "impact", mm_demo_sle_impact(s, k));
    cJSON_AddItemToObject(r, "classifier", classifier(s, k));
    cJSON_AddItemToObject(r, "failures", failures(s, k));
    return r;
}

/* --- the degraded, grouped: impact summary, impacted users and APs --------------------- */

static double row_degraded(const mm_demo_sle_row *r, int k)
{
    double d = 0;
    for (int j = 0; j < MM_DEMO_SLE_CLASSIFIERS; j++)
        d += k < 0 || j == k ? r->degraded[j] : 0;
    return d;
}

/* Adds r's figures to the entry of group whose key member is value (made with name). */
static void tally(cJSON *group, const char *key, const char *value, const char *name,
                  const mm_demo_sle_row *r, int k)
{
    if (!value)
        return;
    cJSON *e = group->child;
    while (e && strcmp(mm_demo_str(e, key), value) != 0)
        e = e->next;
    if (!e) {
        e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, key, value);
        cJSON_AddStringToObject(e, "name", name && *name ? name : value);
        cJSON_AddNumberToObject(e, "degraded", 0);
        cJSON_AddNumberToObject(e, "duration", 0);
        cJSON_AddNumberToObject(e, "total", 0);
        cJSON_AddItemToArray(group, e);
    }
    double d = row_degraded(r, k);
    cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(e, "degraded"),
                         mm_demo_num(e, "degraded") + d);
    cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(e, "duration"),
                         mm_demo_num(e, "duration") + d);
    cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(e, "total"),
                         mm_demo_num(e, "total") + r->total);
}

static int most_degraded(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    double dx = mm_demo_num(x, "degraded"), dy = mm_demo_num(y, "degraded");
    if (dx != dy)
        return dx < dy ? 1 : -1;
    return strcmp(mm_demo_str(x, "name"), mm_demo_str(y, "name"));
}

/* group's entries with some degraded, most degraded first, figures rounded. */
static void settle(cJSON *group)
{
    int n = cJSON_GetArraySize(group), kept = 0;
    cJSON **all = calloc((size_t)(n ? n : 1), sizeof *all);
    if (!all)
        abort();
    while (group->child) {
        cJSON *e = cJSON_DetachItemViaPointer(group, group->child);
        if (mm_demo_num(e, "degraded") > 0)
            all[kept++] = e;
        else
            cJSON_Delete(e);
    }
    qsort(all, (size_t)kept, sizeof *all, most_degraded);
    static const char *const figures[] = {"degraded", "duration", "total"};
    for (int i = 0; i < kept; i++) {
        for (size_t f = 0; f < 3; f++)
            cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(all[i], figures[f]),
                                 mm_demo_sle_round(mm_demo_num(all[i], figures[f])));
        cJSON_AddItemToArray(group, all[i]);
    }
    free(all);
}

static cJSON *impact_summary(const mm_demo_sle *s, int k, const char *classifier_name)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "metric", s->metric->name);
    cJSON_AddStringToObject(r, "classifier", classifier_name ? classifier_name : "");
    cJSON_AddStringToObject(r, "failure", "");
    add_window(r, s);
    cJSON *ap = cJSON_AddArrayToObject(r, "ap"), *band = cJSON_AddArrayToObject(r, "band"),
          *os = cJSON_AddArrayToObject(r, "device_os"),
          *type = cJSON_AddArrayToObject(r, "device_type"),
          *wlan = cJSON_AddArrayToObject(r, "wlan");
    for (int i = 0; i < s->row_count; i++) {
        const mm_demo_sle_row *row = &s->rows[i];
        const cJSON *c = row->client;
        tally(ap, "ap_mac", mm_demo_str(row->ap, "mac"), mm_demo_str(row->ap, "name"), row, k);
        tally(band, "band", mm_demo_str(c, "band"), NULL, row, k);
        tally(os, "device_os", mm_demo_str(c, "last_os"), NULL, row, k);
        tally(type, "device_type", mm_demo_str(c, "last_model"), NULL, row, k);
        tally(wlan, "wlan_id", mm_demo_str(c, "last_wlan_id"), mm_demo_str(c, "last_ssid"), row, k);
    }
    cJSON *groups[] = {ap, band, os, type, wlan};
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
        settle(groups[g]);
    return r;
}

/* The page of items rq asks for, with Mist's limit, page and total_count, under key. */
static void add_page(cJSON *r, const mm_demo_request *rq, const char *key, cJSON *items,
                     mm_demo_answer *out)
{
    long total, limit, page;
    cJSON *paged = mm_demo_page(rq, items, NULL, NULL, &total, &limit, &page, out);
    cJSON_Delete(items);
    cJSON_AddNumberToObject(r, "limit", (double)limit);
    cJSON_AddNumberToObject(r, "page", (double)page);
    cJSON_AddNumberToObject(r, "total_count", (double)total);
    cJSON_AddItemToObject(r, key, paged ? paged : cJSON_CreateArray());
}

static cJSON *impacted(const mm_demo_sle *s, int k, const char *classifier_name, int users,
                       const mm_demo_request *rq, mm_demo_answer *out)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "metric", s->metric->name);
    cJSON_AddStringToObject(r, "classifier", classifier_name ? classifier_name : "");
    cJSON_AddStringToObject(r, "failure", "");
    add_window(r, s);
    cJSON *items = cJSON_CreateArray();
    for (int i = 0; i < s->row_count; i++) {
        const mm_demo_sle_row *row = &s->rows[i];
        const cJSON *c = row->client;
        if (!users) {
            tally(items, "ap_mac", mm_demo_str(row->ap, "mac"), mm_demo_str(row->ap, "name"), row,
                  k);
            continue;
        }
        if (!c || row_degraded(row, k) <= 0)
            continue;
        cJSON *u = cJSON_CreateObject();
        cJSON_AddStringToObject(u, "mac", mm_demo_str(c, "mac"));
        cJSON_AddStringToObject(u, "name", mm_demo_str(c, "last_hostname"));
        cJSON_AddStringToObject(u, "ap_mac", mm_demo_str(c, "last_ap"));
        if (row->ap)
            cJSON_AddStringToObject(u, "ap_name", mm_demo_str(row->ap, "name"));
        cJSON_AddStringToObject(u, "ssid", mm_demo_str(c, "last_ssid"));
        cJSON_AddStringToObject(u, "wlan_id", mm_demo_str(c, "last_wlan_id"));
        cJSON_AddStringToObject(u, "device_os", mm_demo_str(c, "last_os"));
        cJSON_AddStringToObject(u, "device_type", mm_demo_str(c, "last_model"));
        cJSON_AddNumberToObject(u, "degraded", row_degraded(row, k));
        cJSON_AddNumberToObject(u, "duration", row_degraded(row, k));
        cJSON_AddNumberToObject(u, "total", row->total);
        cJSON_AddItemToArray(items, u);
    }
    settle(items);
    add_page(r, rq, users ? "users" : "aps", items, out);
    return r;
}

/* time-to-connect's attempts by seconds, coverage's user-minutes by signal (dBm). */
static cJSON *histogram(const mm_demo_world *w, const mm_demo_sle *s, const char *site)
{
    int ttc = strcmp(s->metric->name, "time-to-connect") == 0;
    static const double seconds[][2] = {{0, 1}, {1, 2}, {2, 5}, {5, 10}};
    static const double dbm[][2] = {{-90, -80}, {-80, -70}, {-70, -60}, {-60, -50}, {-50, -40}};
    const double(*ranges)[2] = ttc ? seconds : dbm;
    int n = ttc ? 4 : 5;
    double value[5] = {0};
    if (ttc) {
        for (const cJSON *e = mm_demo_client_events(w)->child; e; e = e->next) {
            double at = mm_demo_num(e, "timestamp"), secs = mm_demo_num(e, "seconds");
            if (at < (double)s->start || at > (double)s->end ||
                strcmp(mm_demo_str(e, "site_id"), site) != 0 ||
                strcmp(mm_demo_str(e, "type"), "CLIENT_ASSOCIATION") != 0)
                continue;
            for (int i = 0; i < n; i++)
                value[i] += secs >= ranges[i][0] && (secs < ranges[i][1] || i == n - 1);
        }
    } else {
        for (int r = 0; r < s->row_count; r++) {
            int rssi = mm_demo_client_rssi(s->rows[r].client);
            for (int i = 0; i < n; i++)
                value[i] += rssi >= ranges[i][0] && rssi < ranges[i][1] ? s->rows[r].total : 0;
        }
    }
    cJSON *h = cJSON_CreateObject();
    cJSON_AddStringToObject(h, "metric", s->metric->name);
    add_window(h, s);
    cJSON_AddStringToObject(h, "x_label", ttc ? "seconds" : "dBm");
    cJSON_AddStringToObject(h, "y_label", s->metric->y_label);
    cJSON *data = cJSON_AddArrayToObject(h, "data");
    for (int i = 0; i < n; i++) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddItemToObject(d, "range", cJSON_CreateDoubleArray(ranges[i], 2));
        cJSON_AddNumberToObject(d, "value", mm_demo_sle_round(value[i]));
        cJSON_AddItemToArray(data, d);
    }
    return h;
}

/* --- routing ----------------------------------------------------------------------------- */

static int metrics_list(mm_demo_answer *out)
{
    cJSON *r = cJSON_CreateObject();
    cJSON *enabled = cJSON_AddArrayToObject(r, "enabled"),
          *supported = cJSON_AddArrayToObject(r, "supported");
    const mm_demo_sle_metric *m;
    for (int i = 0; (m = mm_demo_sle_metric_at(i)); i++) {
        cJSON_AddItemToArray(enabled, cJSON_CreateString(m->name));
        cJSON_AddItemToArray(supported, cJSON_CreateString(m->name));
    }
    mm_demo_json(out, r);
    cJSON_Delete(r);
    return 1;
}

int mm_demo_sle_answer(const mm_demo_world *w, const mm_demo_request *rq,
                       const mm_demo_segments *sg, mm_demo_answer *out)
{
    mm_demo_params p;
    if (mm_demo_path_match("/api/v1/orgs/{org_id}/insights/sites-sle", sg, &p) >= 0) {
        mm_demo_sites_sle(w, rq, out);
        return 1;
    }
    if (mm_demo_path_match("/api/v1/orgs/{org_id}/insights/worst-sites-by-sle", sg, &p) >= 0) {
        mm_demo_worst_sites(w, rq, out);
        return 1;
    }
    if (mm_demo_path_match(SITE_SCOPE "/metrics", sg, &p) >= 0)
        return strcmp(p.values[0], p.values[1]) == 0 ? metrics_list(out) : 0;
    static const char *const views[] = {
        SITE_SCOPE "/metric/{metric}/classifiers",
        SITE_SCOPE "/metric/{metric}/summary",
        SITE_SCOPE "/metric/{metric}/classifier/{classifier}/summary",
        SITE_SCOPE "/metric/{metric}/impact-summary",
        SITE_SCOPE "/metric/{metric}/impacted-users",
        SITE_SCOPE "/metric/{metric}/impacted-aps",
        SITE_SCOPE "/metric/{metric}/histogram",
    };
    size_t v = 0;
    while (v < sizeof views / sizeof views[0] && mm_demo_path_match(views[v], sg, &p) < 0)
        v++;
    const char *site = mm_demo_param(&p, "site_id");
    if (v == sizeof views / sizeof views[0] || strcmp(site, mm_demo_param(&p, "scope_id")) != 0)
        return 0;
    const mm_demo_sle_metric *m = mm_demo_sle_metric_named(mm_demo_param(&p, "metric"));
    if (!m) {
        mm_demo_fail(out, 404,
                     "metric %s is not an SLE of the demo cloud (listSiteSlesMetrics lists "
                     "them)%s",
                     mm_demo_param(&p, "metric"), NULL);
        return 1;
    }
    if (v == 6 && strcmp(m->name, "time-to-connect") != 0 && strcmp(m->name, "coverage") != 0)
        return 0; /* histograms of the other metrics: the spec's */
    /* the classifier the path or the query names (copied: rq's value lasts until its next) */
    const char *asked =
        v == 2 ? mm_demo_param(&p, "classifier") : rq->query(rq->query_ctx, "classifier");
    char name_buf[64] = "";
    if (asked)
        snprintf(name_buf, sizeof name_buf, "%s", asked);
    const char *name = name_buf[0] ? name_buf : NULL;
    int k = name ? mm_demo_sle_classifier(m, name) : -1;
    if (name && k < 0) {
        mm_demo_fail(out, 404, "classifier %s is not one of %s's (listSiteSleMetricClassifiers)",
                     name, m->name);
        return 1;
    }
    if (v == 2 && k < 0)
        k = 0;
    if (v == 0) {
        cJSON *names = cJSON_CreateArray();
        for (int j = 0; j < MM_DEMO_SLE_CLASSIFIERS && m->classifiers[j]; j++)
            cJSON_AddItemToArray(names, cJSON_CreateString(m->classifiers[j]));
        mm_demo_json(out, names);
        cJSON_Delete(names);
        return 1;
    }
    long start, end;
    if (mm_demo_window(rq, &start, &end, out) != 0)
        return 1;
    mm_demo_sle s;
    mm_demo_sle_compute(w, site, m, start, end, &s);
    cJSON *r = v == 1   ? summary(&s)
               : v == 2 ? classifier_details(&s, k)
               : v == 3 ? impact_summary(&s, k, name)
               : v == 6 ? histogram(w, &s, site)
                        : impacted(&s, k, name, v == 4, rq, out);
    if (!out->body)
        mm_demo_json(out, r);
    cJSON_Delete(r);
    mm_demo_sle_free(&s);
    return 1;
}
