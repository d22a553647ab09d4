/*
 * The wireless SLEs of the demo world's sites (demo/sle.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/sle.h"

#include "demo/answer.h"

#include "base/util.h"
#include "demo/events.h"
#include "demo/views.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SAMPLES 400
#define WEAK_RSSI (-66)        /* dBm: a client this weak or weaker has a weak signal */
#define CROWDED_AP 9           /* clients: an AP with this many is crowded */
#define SLOW_CONNECT_SECONDS 2 /* time-to-connect's threshold */

typedef enum unit { USER_MINUTES, ATTEMPTS, AP_MINUTES } unit;

/* What a classifier hits: of a client (user-minutes), of an attempt (its "failure"), of an AP
 * (offline). */
typedef enum hit { NONE, WEAK, CROWDED, BAND_24, FAILURE, SLOW, OFFLINE } hit;

static const struct metric_def {
    mm_demo_sle_metric m;
    unit unit;
    hit hits[MM_DEMO_SLE_CLASSIFIERS];
    double shares[MM_DEMO_SLE_CLASSIFIERS]; /* of a hit client's minutes, for user-minutes */
} defs[] = {
    {{"coverage",
      "coverage",
      "user-minutes",
      {"weak-signal", "asymmetry-downlink", "asymmetry-uplink"}},
     USER_MINUTES,
     {WEAK, NONE, NONE},
     {0.3}},
    {{"capacity",
      "capacity",
      "user-minutes",
      {"client-count", "wifi-interference", "non-wifi-interference", "client-usage"}},
     USER_MINUTES,
     {CROWDED, BAND_24, NONE, NONE},
     {0.1, 0.08}},
    {{"time-to-connect",
      "time-to-connect",
      "attempts",
      {"association", "authorization", "dhcp", "internet-services"}},
     ATTEMPTS,
     {SLOW, SLOW, SLOW, SLOW},
     {0}},
    {{"failed-to-connect",
      "successful-connect",
      "attempts",
      {"association", "authorization", "dhcp", "arp", "dns"}},
     ATTEMPTS,
     {FAILURE, FAILURE, FAILURE, FAILURE, FAILURE},
     {0}},
    {{"roaming", "roaming", "user-minutes", {"signal-quality", "latency", "stability"}},
     USER_MINUTES,
     {WEAK, NONE, NONE},
     {0.1}},
    {{"throughput",
      "throughput",
      "user-minutes",
      {"coverage", "capacity", "device-capability", "network-issues"}},
     USER_MINUTES,
     {WEAK, CROWDED, BAND_24, NONE},
     {0.2, 0.1, 0.05}},
    {{"ap-availability",
      "ap-availability",
      "ap-minutes",
      {"ap-unreachable", "ap-reboot", "switch-down", "site-down"}},
     AP_MINUTES,
     {OFFLINE, NONE, NONE, NONE},
     {1}},
};
#define METRICS (int)(sizeof defs / sizeof defs[0])

const mm_demo_sle_metric *mm_demo_sle_metric_at(int i)
{
    return i >= 0 && i < METRICS ? &defs[i].m : NULL;
}

const mm_demo_sle_metric *mm_demo_sle_metric_named(const char *name)
{
    for (int i = 0; name && i < METRICS; i++)
        if (strcmp(defs[i].m.name, name) == 0 || strcmp(defs[i].m.org_name, name) == 0)
            return &defs[i].m;
    return NULL;
}

int mm_demo_sle_classifier(const mm_demo_sle_metric *m, const char *name)
{
    for (int k = 0; name && k < MM_DEMO_SLE_CLASSIFIERS && m->classifiers[k]; k++)
        if (strcmp(m->classifiers[k], name) == 0)
            return k;
    return -1;
}

double mm_demo_sle_round(double x)
{
    return floor(x * 1000 + 0.5) / 1000;
}

/* The definition m is the first member of. */
static const struct metric_def *def_of(const mm_demo_sle_metric *m)
{
    return (const struct metric_def *)(const void *)m;
}

long mm_demo_sle_interval(long start, long end)
{
    long span = end - start;
    return span <= 3 * 3600 ? 600 : span <= 2 * 86400 ? 3600 : 86400;
}

/* The site's APs, offline ones apart. */
typedef struct site_aps {
    const cJSON *ap[64];
    int n, offline;
} site_aps;

static void aps_of(const mm_demo_world *w, const char *site, site_aps *out)
{
    out->n = out->offline = 0;
    for (const cJSON *d = w->device_stats->child; d && out->n < 64; d = d->next)
        if (strcmp(mm_demo_str(d, "site_id"), site) == 0 &&
            strcmp(mm_demo_str(d, "type"), "ap") == 0) {
            out->ap[out->n++] = d;
            out->offline += strcmp(mm_demo_str(d, "status"), "connected") != 0;
        }
}

static const cJSON *ap_named(const site_aps *aps, const char *mac)
{
    for (int i = 0; mac && i < aps->n; i++)
        if (strcmp(mm_demo_str(aps->ap[i], "mac"), mac) == 0)
            return aps->ap[i];
    return NULL;
}

/* 1 if what hits client (user-minutes). */
static int hits_client(hit what, const cJSON *client, const site_aps *aps)
{
    switch (what) {
    case WEAK: {
        /* the APs around an offline one cover its area, weakly: one client in n per such AP */
        unsigned long h = strtoul(mm_demo_str(client, "mac") + 6, NULL, 16);
        return mm_demo_client_rssi(client) <= WEAK_RSSI ||
               (aps->n > 0 && (int)(h % (unsigned long)aps->n) < aps->offline);
    }
    case CROWDED:
        return mm_demo_num(ap_named(aps, mm_demo_str(client, "last_ap")), "num_clients") >=
               CROWDED_AP;
    case BAND_24: return strcmp(mm_demo_str(client, "band"), "24") == 0;
    default: return 0;
    }
}

/* Seconds of [a, b) within [lo, hi). */
static double overlap(double a, double b, double lo, double hi)
{
    double from = a > lo ? a : lo, to = b < hi ? b : hi;
    return to > from ? to - from : 0;
}

static mm_demo_sle_row *row_for(mm_demo_sle *s, const cJSON *client, const cJSON *ap, int max)
{
    for (int i = 0; i < s->row_count; i++)
        if (s->rows[i].client == client && s->rows[i].ap == ap)
            return &s->rows[i];
    if (s->row_count >= max)
        return NULL;
    mm_demo_sle_row *r = &s->rows[s->row_count++];
    memset(r, 0, sizeof *r);
    r->client = client;
    r->ap = ap;
    return r;
}

/* Adds amount to total (k < 0) or classifier k's degraded, of row r and of the samples over
 * [a, b) (spread in proportion to time) or at a. */
static void add(mm_demo_sle *s, mm_demo_sle_row *r, int k, double amount, double a, double b)
{
    if (!r || amount <= 0)
        return;
    if (k < 0)
        r->total += amount;
    else
        r->degraded[k] += amount;
    for (int i = 0; i < s->samples; i++) {
        double lo = (double)(s->start + (long)i * s->interval);
        double hi = lo + (double)s->interval;
        double part = b > a
                          ? amount * overlap(a, b, lo, hi) / (b - a)
                          : (a >= lo && (a < hi || (i == s->samples - 1 && a <= hi)) ? amount : 0);
        if (k < 0)
            s->total[i] += part;
        else
            s->degraded[k][i] += part;
    }
}

void mm_demo_sle_compute(const mm_demo_world *w, const char *site, const mm_demo_sle_metric *m,
                         long start, long end, mm_demo_sle *s)
{
    const struct metric_def *d = def_of(m);
    memset(s, 0, sizeof *s);
    s->metric = m;
    s->start = start;
    s->end = end;
    long span = end - start;
    s->interval = mm_demo_sle_interval(start, end);
    s->samples = (int)((span + s->interval - 1) / s->interval);
    if (s->samples < 1)
        s->samples = 1;
    if (s->samples > MAX_SAMPLES) {
        s->samples = MAX_SAMPLES;
        s->interval = (span + MAX_SAMPLES - 1) / MAX_SAMPLES;
    }
    s->total = mm_xcalloc((size_t)s->samples, sizeof *s->total);
    for (int k = 0; k < MM_DEMO_SLE_CLASSIFIERS; k++)
        s->degraded[k] = mm_xcalloc((size_t)s->samples, sizeof *s->degraded[k]);
    site_aps aps;
    aps_of(w, site, &aps);
    s->total_aps = aps.n;
    for (const cJSON *c = w->clients->child; c; c = c->next)
        s->total_users += strcmp(mm_demo_str(c, "site_id"), site) == 0;
    int max = s->total_users + aps.n + 1;
    s->rows = mm_xcalloc((size_t)max, sizeof *s->rows);
    double a = (double)start, b = (double)end;

    if (d->unit == AP_MINUTES) {
        for (int i = 0; i < aps.n; i++) {
            mm_demo_sle_row *r = row_for(s, NULL, aps.ap[i], max);
            add(s, r, -1, (b - a) / 60, a, b);
            if (strcmp(mm_demo_str(aps.ap[i], "status"), "connected") != 0) {
                double down = mm_demo_num(aps.ap[i], "last_seen"); /* and down since */
                double from = down > a ? down : a;
                if (from < b)
                    add(s, r, 0, (b - from) / 60, from, b);
            }
        }
        return;
    }
    if (d->unit == USER_MINUTES) {
        for (const cJSON *c = w->clients->child; c; c = c->next) {
            if (strcmp(mm_demo_str(c, "site_id"), site) != 0)
                continue;
            mm_demo_sle_row *r = row_for(s, c, ap_named(&aps, mm_demo_str(c, "last_ap")), max);
            add(s, r, -1, (b - a) / 60, a, b);
            for (int k = 0; k < MM_DEMO_SLE_CLASSIFIERS && m->classifiers[k]; k++)
                if (hits_client(d->hits[k], c, &aps))
                    add(s, r, k, d->shares[k] * (b - a) / 60, a, b);
        }
        return;
    }
    /* attempts: the associations of the site's client events in the window */
    for (const cJSON *e = mm_demo_client_events(w)->child; e; e = e->next) {
        double at = mm_demo_num(e, "timestamp");
        if (at < a || at > b || strcmp(mm_demo_str(e, "site_id"), site) != 0 ||
            strcmp(mm_demo_str(e, "type"), "CLIENT_ASSOCIATION") != 0)
            continue;
        const cJSON *client = NULL;
        for (const cJSON *c = w->clients->child; c && !client; c = c->next)
            if (strcmp(mm_demo_str(c, "mac"), mm_demo_str(e, "mac")) == 0)
                client = c;
        mm_demo_sle_row *r = row_for(s, client, ap_named(&aps, mm_demo_str(e, "ap")), max);
        add(s, r, -1, 1, at, at);
        const char *failure = mm_demo_str(e, "failure");
        int k = mm_demo_sle_classifier(m, failure);
        int failed = failure && strcmp(failure, "authorization") == 0;
        int degraded =
            d->hits[0] == FAILURE ? failed : mm_demo_num(e, "seconds") > SLOW_CONNECT_SECONDS;
        if (k >= 0 && degraded)
            add(s, r, k, 1, at, at);
    }
}

void mm_demo_sle_free(mm_demo_sle *s)
{
    free(s->total);
    for (int k = 0; k < MM_DEMO_SLE_CLASSIFIERS; k++)
        free(s->degraded[k]);
    free(s->rows);
    memset(s, 0, sizeof *s);
}

double mm_demo_sle_degraded(const mm_demo_sle *s, int k)
{
    double sum = 0;
    for (int i = 0; i < s->row_count; i++)
        for (int j = 0; j < MM_DEMO_SLE_CLASSIFIERS; j++)
            if (k < 0 || j == k)
                sum += s->rows[i].degraded[j];
    return sum;
}

double mm_demo_sle_total(const mm_demo_sle *s)
{
    double sum = 0;
    for (int i = 0; i < s->row_count; i++)
        sum += s->rows[i].total;
    return sum;
}

double mm_demo_sle_value(const mm_demo_sle *s)
{
    double total = mm_demo_sle_total(s);
    return total > 0 ? mm_demo_sle_round(1 - mm_demo_sle_degraded(s, -1) / total) : 1;
}

cJSON *mm_demo_sle_impact(const mm_demo_sle *s, int k)
{
    int users = 0, aps = 0;
    const cJSON *seen[64];
    for (int i = 0; i < s->row_count; i++) {
        const mm_demo_sle_row *r = &s->rows[i];
        double deg = 0;
        for (int j = 0; j < MM_DEMO_SLE_CLASSIFIERS; j++)
            deg += k < 0 || j == k ? r->degraded[j] : 0;
        if (deg <= 0)
            continue;
        if (r->client) /* a client counts once, whichever APs it failed on */
            users += 1;
        int known = 0;
        for (int a = 0; a < aps; a++)
            known |= seen[a] == r->ap;
        if (r->ap && !known && aps < 64)
            seen[aps++] = r->ap;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "num_users", users);
    cJSON_AddNumberToObject(o, "num_aps", aps);
    cJSON_AddNumberToObject(o, "total_users", s->total_users);
    cJSON_AddNumberToObject(o, "total_aps", s->total_aps);
    return o;
}
