/*
 * The wireless SLEs (service level expectations) of the demo world's sites, computed from the
 * world, so that every SLE endpoint tells one story (docs/DEMO.md):
 *   - per user-minute (coverage, capacity, roaming, throughput): each wireless client counts
 *     for every minute of the window; a classifier degrades a share of the minutes of the
 *     clients it hits: a weak signal (-66 dBm or weaker, as the client's stats show, or at a
 *     site with offline APs, one client in as many as the site has APs per offline AP: the
 *     APs around them cover for them), a crowded AP (9 clients or more), the 2.4 GHz band;
 *   - per connection attempt (time-to-connect, failed-to-connect, which the org's summary
 *     calls successful-connect): each CLIENT_ASSOCIATION of the client events in the window
 *     (demo/events.h) is one; a failed one is degraded by its classifier ("authorization":
 *     New York's 802.1X rejects), and for time-to-connect one slower than 2 s too ("dhcp");
 *   - per AP-minute (ap-availability): each AP counts for every minute of the window; an
 *     offline AP's minutes since it was last seen are degraded ("ap-unreachable").
 * A value is 1 - degraded / total over the window (1 with nothing to count); samples split
 * the window in intervals (600 s up to 3 h, 3600 s up to 2 days, else a day).
 *
 * Thread-safety: reads the world; results are the caller's.
 */
#ifndef MISTMCP_DEMO_SLE_H
#define MISTMCP_DEMO_SLE_H

#include "demo/world.h"

#include <cjson/cJSON.h>

#define MM_DEMO_SLE_CLASSIFIERS 5 /* the most classifiers a metric has */

/* One metric: its name as a site's SLE endpoints take it, as the org's summary shows it,
 * and its classifiers (NULL after the last). */
typedef struct mm_demo_sle_metric {
    const char *name, *org_name;
    const char *y_label; /* what total and degraded count: "user-minutes", "attempts"... */
    const char *classifiers[MM_DEMO_SLE_CLASSIFIERS];
} mm_demo_sle_metric;

/* What degraded one client (client set) or one AP (ap set, client NULL) in the window. */
typedef struct mm_demo_sle_row {
    const cJSON *client; /* world.clients item, or NULL */
    const cJSON *ap;     /* world.device_stats item: the client's AP, or the AP itself */
    double total, degraded[MM_DEMO_SLE_CLASSIFIERS];
} mm_demo_sle_row;

/* A metric of one site over a window. */
typedef struct mm_demo_sle {
    const mm_demo_sle_metric *metric;
    long start, end, interval; /* seconds since 1970; the samples' interval in seconds */
    int samples;               /* (end - start) / interval, rounded up; at most 400 */
    double *total;             /* per sample */
    double *degraded[MM_DEMO_SLE_CLASSIFIERS]; /* per sample, per classifier */
    mm_demo_sle_row *rows;                     /* the site's clients or APs with some total */
    int row_count;
    int total_users, total_aps; /* the site's wireless clients and APs */
} mm_demo_sle;

/* The metric at i, in the order listSiteSlesMetrics lists them; NULL past the last. */
const mm_demo_sle_metric *mm_demo_sle_metric_at(int i);

/* The metric named name (or its org_name), or NULL. */
const mm_demo_sle_metric *mm_demo_sle_metric_named(const char *name);

/* The index of classifier name in m, or -1. */
int mm_demo_sle_classifier(const mm_demo_sle_metric *m, const char *name);

/* The samples' interval for a window, in seconds (above; before the 400 samples' cap). */
long mm_demo_sle_interval(long start, long end);

/* Computes m at site over [start, end] into *out (mm_demo_sle_free). */
void mm_demo_sle_compute(const mm_demo_world *w, const char *site, const mm_demo_sle_metric *m,
                         long start, long end, mm_demo_sle *out);
void mm_demo_sle_free(mm_demo_sle *s);

/* Degraded of classifier k (-1: all) summed over the window, and the total. */
double mm_demo_sle_degraded(const mm_demo_sle *s, int k);
double mm_demo_sle_total(const mm_demo_sle *s);

/* The metric's value over the window: 1 - degraded / total, 1 when total is 0; 3 decimals. */
double mm_demo_sle_value(const mm_demo_sle *s);

/* The impact of classifier k (-1: all): {"num_users", "num_aps", "total_users", "total_aps"}:
 * the clients (APs) with some degraded, the APs they use. A new object. */
cJSON *mm_demo_sle_impact(const mm_demo_sle *s, int k);

/* x rounded to 3 decimals (SLE figures are shown so). */
double mm_demo_sle_round(double x);

#endif
