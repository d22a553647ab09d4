/*
 * The demo world's client events and SLEs (core/demo/events.h, sle.h, sle_answers.h), request
 * by request through the demo's router, checked against the world they come from:
 *   - events: the auth_failure_surge alarm's count of MARVIS_EVENT_CLIENT_AUTH_FAILURE events,
 *     all at its site on its SSID, from world clients of that site and SSID on their own APs,
 *     the text naming the RADIUS server's reject; counts by type and SSID; the filters (type
 *     lists, ssid, ap), the window (duration, start/end, a bad one is a 400), paging, one
 *     client's events; the same bytes from two worlds;
 *   - SLEs: New York has the lowest successful-connect and the lowest mean of its wireless
 *     SLEs; its failed-to-connect is 1 - failures / attempts of its events, its classifier
 *     authorization, with the failing clients as impacted users and the reject as what
 *     failed; London's ap-availability is what its offline APs' last_seen makes it, its
 *     unreachable APs the offline ones; samples add up to the whole; a shorter window has
 *     600 s samples; an unknown metric is a 404, another scope the spec's answer.
 */
#define _GNU_SOURCE
#include "check.h"
#include "demo_route.h"

#include "base/json_exact.h"
#include "demo/routes.h"
#include "demo/world.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static mm_demo_world *world;
static const char *org;

static int status;
static char *text;

/* GET of path (printf format, "?query" allowed) in a session that changed nothing. */
static cJSON *get(const char *fmt, ...)
{
    char path[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    mm_demo_view v = {world, NULL, NULL};
    return demo_route(&v, "GET", path, NULL, &status, &text);
}

static const char *s(const cJSON *o, const char *k)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
}

static double n(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static const cJSON *item(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

static const cJSON *find(const cJSON *array, const char *key, const char *value)
{
    for (const cJSON *it = array ? array->child : NULL; it; it = it->next)
        if (s(it, key) && strcmp(s(it, key), value) == 0)
            return it;
    return NULL;
}

static const cJSON *the_alarm(void)
{
    return find(world->alarms, "type", "auth_failure_surge");
}

static const char *site_named(const char *name)
{
    return s(find(world->sites, "name", name), "id");
}

static int failing_clients(char macs[][13], int max)
{
    cJSON *r = get("/api/v1/orgs/%s/clients/events/search?type=MARVIS_EVENT_CLIENT_AUTH_FAILURE"
                   "&limit=1000",
                   org);
    int count = 0;
    for (const cJSON *e = item(r, "results") ? item(r, "results")->child : NULL; e; e = e->next) {
        const char *open = strchr(s(e, "text"), '(');
        char mac[13];
        snprintf(mac, sizeof mac, "%.12s", open ? open + 1 : "");
        int known = 0;
        for (int i = 0; i < count; i++)
            known |= strcmp(macs[i], mac) == 0;
        if (!known && count < max)
            snprintf(macs[count++], 13, "%s", mac);
    }
    cJSON_Delete(r);
    return count;
}

static void events(void)
{
    const cJSON *alarm = the_alarm();
    const char *site = s(alarm, "site_id");
    const char *ssid = cJSON_GetStringValue(item(alarm, "ssids")->child);
    int want = (int)n(alarm, "count");
    CHECK_MSG(want == 37 && strcmp(ssid, "Corp") == 0, "the alarm: %d on %s", want, ssid);
    const char *corp = s(find(world->wlans, "ssid", "Corp"), "id");

    cJSON *r = get("/api/v1/orgs/%s/clients/events/search?type=MARVIS_EVENT_CLIENT_AUTH_FAILURE"
                   "&limit=1000",
                   org);
    CHECK_MSG(n(r, "total") == want && cJSON_GetArraySize(item(r, "results")) == want,
              "failures: %.300s", text);
    int good = 0;
    double last = 1e12;
    for (const cJSON *e = item(r, "results") ? item(r, "results")->child : NULL; e; e = e->next) {
        const char *open = strchr(s(e, "text"), '(');
        char mac[13];
        snprintf(mac, sizeof mac, "%.12s", open ? open + 1 : "");
        const cJSON *client = find(world->clients, "mac", mac);
        const cJSON *ap = find(world->device_stats, "mac", s(e, "ap"));
        good +=
            client && ap && strcmp(s(client, "site_id"), site) == 0 &&
            strcmp(s(ap, "site_id"), site) == 0 && strcmp(s(client, "last_ap"), s(e, "ap")) == 0 &&
            strcmp(s(e, "ssid"), ssid) == 0 && strcmp(s(e, "wlan_id"), corp) == 0 &&
            strstr(s(e, "text"), "RADIUS server " MM_DEMO_RADIUS_SERVER " sent Access-Reject") &&
            n(e, "timestamp") <= last && n(e, "timestamp") >= n(alarm, "timestamp") &&
            n(e, "timestamp") <= n(alarm, "last_seen") && !item(e, "mac") && !item(e, "site_id");
        last = n(e, "timestamp");
    }
    CHECK_MSG(good == want, "%d of %d failures from the alarm's site, SSID, clients", good, want);
    cJSON_Delete(r);
    char macs[64][13];
    CHECK_MSG(failing_clients(macs, 64) == 14, "14 clients fail");

    /* the site's count agrees; another site has none */
    r = get("/api/v1/sites/%s/clients/events/count?distinct=type", site);
    const cJSON *row = find(item(r, "results"), "type", "MARVIS_EVENT_CLIENT_AUTH_FAILURE");
    CHECK_MSG(n(row, "count") == want && strcmp(s(r, "distinct"), "type") == 0, "count: %s", text);
    cJSON_Delete(r);
    r = get("/api/v1/sites/%s/clients/events/search?type=MARVIS_EVENT_CLIENT_AUTH_FAILURE",
            site_named("London"));
    CHECK_MSG(n(r, "total") == 0, "London: %.200s", text);
    cJSON_Delete(r);
    r = get(
        "/api/v1/orgs/%s/clients/events/count?distinct=ssid&type=MARVIS_EVENT_CLIENT_AUTH_FAILURE",
        org);
    CHECK_MSG(cJSON_GetArraySize(item(r, "results")) == 1 &&
                  n(find(item(r, "results"), "ssid", "Corp"), "count") == want,
              "by SSID: %s", text);
    cJSON_Delete(r);

    /* filters: a list of types, an SSID, an AP */
    r = get("/api/v1/orgs/%s/clients/events/count?type=MARVIS_EVENT_CLIENT_AUTH_FAILURE,"
            "CLIENT_IP_ASSIGNED",
            org);
    CHECK_MSG(cJSON_GetArraySize(item(r, "results")) == 2 &&
                  n(find(item(r, "results"), "type", "CLIENT_IP_ASSIGNED"), "count") ==
                      cJSON_GetArraySize(world->clients),
              "two types: %s", text);
    cJSON_Delete(r);
    r = get(
        "/api/v1/orgs/%s/clients/events/search?type=MARVIS_EVENT_CLIENT_AUTH_FAILURE&ssid=Guest",
        org);
    CHECK_MSG(n(r, "total") == 0, "on Guest: %.200s", text);
    cJSON_Delete(r);

    /* the window: the last hour's failures are those after now - 3600 */
    r = get("/api/v1/orgs/%s/clients/events/search?type=MARVIS_EVENT_CLIENT_AUTH_FAILURE"
            "&duration=1h&limit=1000",
            org);
    int in_hour = 0;
    for (const cJSON *e = item(r, "results")->child; e; e = e->next)
        in_hour += n(e, "timestamp") >= MM_DEMO_NOW - 3600;
    CHECK_MSG(n(r, "total") > 0 && n(r, "total") < want && in_hour == n(r, "total") &&
                  n(r, "start") == MM_DEMO_NOW - 3600 && n(r, "end") == MM_DEMO_NOW,
              "the last hour: %.0f of %d", n(r, "total"), want);
    cJSON_Delete(r);
    r = get("/api/v1/orgs/%s/clients/events/search?start=%d&end=%d", org, MM_DEMO_NOW - 86400 * 3,
            MM_DEMO_NOW - 86400 * 2);
    CHECK_MSG(n(r, "total") == 0, "two days ago: %.200s", text);
    cJSON_Delete(r);
    r = get("/api/v1/orgs/%s/clients/events/search?duration=soon", org);
    CHECK_MSG(status == 400 && strstr(text, "duration"), "a bad duration: %d %s", status, text);
    cJSON_Delete(r);
    r = get("/api/v1/orgs/%s/clients/events/count?distinct=mac", org);
    CHECK_MSG(status == 400 && strstr(text, "distinct"), "a bad distinct: %d %s", status, text);
    cJSON_Delete(r);

    /* paging */
    r = get("/api/v1/orgs/%s/clients/events/search?type=MARVIS_EVENT_CLIENT_AUTH_FAILURE"
            "&limit=10&page=4",
            org);
    CHECK_MSG(cJSON_GetArraySize(item(r, "results")) == want - 30 && n(r, "limit") == 10,
              "page 4: %.200s", text);
    cJSON_Delete(r);

    /* one client's events: a failing one's failures, its first connection before them */
    r = get("/api/v1/sites/%s/clients/%s/events?limit=1000", site, macs[0]);
    int failures = 0, connected = 0;
    for (const cJSON *e = item(r, "results") ? item(r, "results")->child : NULL; e; e = e->next) {
        failures += strcmp(s(e, "type"), "MARVIS_EVENT_CLIENT_AUTH_FAILURE") == 0 &&
                    strstr(s(e, "text"), macs[0]);
        connected += strcmp(s(e, "type"), "CLIENT_IP_ASSIGNED") == 0;
    }
    CHECK_MSG(failures == 3 && connected == 1 && n(r, "total") == 3 * 2 + 3,
              "%s: %d failures, %d connections: %.300s", macs[0], failures, connected, text);
    cJSON_Delete(r);

    /* the same every start */
    char *first = NULL;
    cJSON_Delete(get("/api/v1/orgs/%s/clients/events/search?limit=1000", org));
    first = text;
    text = NULL;
    mm_demo_world *again = mm_demo_world_create();
    mm_demo_world *keep = world;
    world = again;
    cJSON_Delete(get("/api/v1/orgs/%s/clients/events/search?limit=1000", org));
    CHECK_MSG(strcmp(first, text) == 0, "two worlds, two event lists");
    world = keep;
    mm_demo_world_free(&again);
    free(first);
}

/* The wireless SLEs of every site, by site id. */
static cJSON *sites_sle(const char *query)
{
    return get("/api/v1/orgs/%s/insights/sites-sle?sle=wifi%s", org, query);
}

static double sum(const cJSON *array)
{
    double total = 0;
    for (const cJSON *v = array ? array->child : NULL; v; v = v->next)
        total += cJSON_IsNumber(v) ? v->valuedouble : 0;
    return total;
}

static void sles(void)
{
    const char *nyc = site_named("New York Sales"), *london = site_named("London");
    cJSON *all = sites_sle("");
    CHECK_MSG(n(all, "total") == 8 && cJSON_GetArraySize(item(all, "results")) == 8, "%.200s",
              text);
    static const char *const keys[] = {"coverage",           "capacity", "time-to-connect",
                                       "successful-connect", "roaming",  "throughput",
                                       "ap-availability"};
    const char *worst = NULL, *worst_connect = NULL;
    double worst_mean = 2, worst_sc = 2;
    for (const cJSON *r = item(all, "results") ? item(all, "results")->child : NULL; r;
         r = r->next) {
        double mean = 0;
        for (size_t k = 0; k < 7; k++) {
            CHECK_MSG(n(r, keys[k]) >= 0 && n(r, keys[k]) <= 1, "%s %s", s(r, "site_id"), keys[k]);
            mean += n(r, keys[k]) / 7;
        }
        if (mean < worst_mean)
            worst_mean = mean, worst = s(r, "site_id");
        if (n(r, "successful-connect") < worst_sc)
            worst_sc = n(r, "successful-connect"), worst_connect = s(r, "site_id");
    }
    CHECK_MSG(worst && strcmp(worst, nyc) == 0 && worst_connect && strcmp(worst_connect, nyc) == 0,
              "the worst site is New York (mean %.3f)", worst_mean);
    const cJSON *ny = find(item(all, "results"), "site_id", nyc);
    double nyc_sc = n(ny, "successful-connect");
    CHECK_MSG(nyc_sc < 0.7 && n(ny, "time-to-connect") < 0.7, "New York: %.3f", nyc_sc);

    /* London: its APs' availability is what its offline APs' downtime makes it */
    double down = 0;
    int aps = 0;
    for (const cJSON *d = world->device_stats->child; d; d = d->next)
        if (strcmp(s(d, "site_id"), london) == 0 && strcmp(s(d, "type"), "ap") == 0) {
            aps++;
            if (strcmp(s(d, "status"), "connected") != 0)
                down += fmin(86400, MM_DEMO_NOW - n(d, "last_seen"));
        }
    double want = floor((1 - down / (aps * 86400.0)) * 1000 + 0.5) / 1000;
    const cJSON *lon = find(item(all, "results"), "site_id", london);
    CHECK_MSG(fabs(n(lon, "ap-availability") - want) < 1e-9 && want < 1,
              "London's ap-availability %.3f, want %.3f", n(lon, "ap-availability"), want);
    cJSON_Delete(all);

    /* New York's failed-to-connect from its events, its cause the RADIUS reject */
    char scope[200];
    snprintf(scope, sizeof scope, "/api/v1/sites/%s/sle/site/%s", nyc, nyc);
    cJSON *sum_r = get("%s/metric/failed-to-connect/summary", scope);
    const cJSON *samples = item(item(sum_r, "sle"), "samples");
    double degraded = sum(item(samples, "degraded")), total = sum(item(samples, "total"));
    cJSON *assoc = get("/api/v1/sites/%s/clients/events/count?type=CLIENT_ASSOCIATION", nyc);
    double attempts = n(item(assoc, "results")->child, "count");
    cJSON_Delete(assoc);
    CHECK_MSG(degraded == n(the_alarm(), "count") && total == attempts &&
                  fabs(floor((1 - degraded / total) * 1000 + 0.5) / 1000 - nyc_sc) < 1e-9 &&
                  cJSON_GetArraySize(item(samples, "value")) == 24,
              "failed-to-connect: %.0f of %.0f (%.0f attempts), org says %.3f", degraded, total,
              attempts, nyc_sc);
    const cJSON *top = NULL;
    for (const cJSON *c = item(sum_r, "classifiers")->child; c; c = c->next)
        if (!top ||
            sum(item(item(c, "samples"), "degraded")) > sum(item(item(top, "samples"), "degraded")))
            top = c;
    char macs[64][13];
    int failing = failing_clients(macs, 64);
    CHECK_MSG(top && strcmp(s(top, "name"), "authorization") == 0 &&
                  n(item(top, "impact"), "num_users") == failing &&
                  n(item(sum_r, "impact"), "total_users") == 43,
              "the top classifier: %s", top ? s(top, "name") : "none");
    cJSON_Delete(sum_r);
    cJSON *details = get("%s/metric/successful-connect/classifier/authorization/summary", scope);
    const cJSON *f = item(details, "failures") ? item(details, "failures")->child : NULL;
    CHECK_MSG(f && strstr(s(f, "reason"), MM_DEMO_RADIUS_SERVER) &&
                  n(f, "count") == n(the_alarm(), "count") && strcmp(s(f, "ssid"), "Corp") == 0,
              "what failed: %.300s", text);
    cJSON_Delete(details);
    cJSON *users =
        get("%s/metric/failed-to-connect/impacted-users?classifier=authorization", scope);
    int named = 0;
    for (const cJSON *u = item(users, "users") ? item(users, "users")->child : NULL; u; u = u->next)
        for (int i = 0; i < failing; i++)
            named += strcmp(s(u, "mac"), macs[i]) == 0;
    CHECK_MSG(n(users, "total_count") == failing && named == failing, "impacted users: %.300s",
              text);
    cJSON_Delete(users);
    cJSON *impact = get("%s/metric/failed-to-connect/impact-summary", scope);
    const cJSON *wlans = item(impact, "wlan");
    CHECK_MSG(cJSON_GetArraySize(wlans) == 1 && strcmp(s(wlans->child, "name"), "Corp") == 0 &&
                  n(wlans->child, "degraded") == n(the_alarm(), "count"),
              "by WLAN: %.300s", text);
    double by_ap = 0;
    for (const cJSON *a = item(impact, "ap")->child; a; a = a->next)
        by_ap += n(a, "degraded");
    CHECK_MSG(by_ap == n(the_alarm(), "count"), "by AP: %.0f", by_ap);
    cJSON_Delete(impact);

    /* London's unreachable APs are its offline ones */
    snprintf(scope, sizeof scope, "/api/v1/sites/%s/sle/site/%s", london, london);
    details = get("%s/metric/ap-availability/classifier/ap-unreachable/summary", scope);
    int offline = 0;
    for (f = item(details, "failures") ? item(details, "failures")->child : NULL; f; f = f->next)
        offline += strcmp(s(f, "name"), "lon-ap-03") == 0 || strcmp(s(f, "name"), "lon-ap-07") == 0;
    CHECK_MSG(offline == 2 && cJSON_GetArraySize(item(details, "failures")) == 2 &&
                  n(item(details, "impact"), "num_aps") == 2,
              "London's unreachable APs: %.300s", text);
    cJSON_Delete(details);

    /* every sample adds up: the summary's degraded is its classifiers' */
    cJSON *cov = get("%s/metric/coverage/summary?duration=2h", scope);
    double classified = 0;
    for (const cJSON *c = item(cov, "classifiers")->child; c; c = c->next)
        classified += sum(item(item(c, "samples"), "degraded"));
    samples = item(item(cov, "sle"), "samples");
    CHECK_MSG(fabs(classified - sum(item(samples, "degraded"))) < 0.1 &&
                  n(item(cov, "sle"), "interval") == 600 &&
                  cJSON_GetArraySize(item(samples, "total")) == 12,
              "coverage over 2 h: %.300s", text);
    cJSON_Delete(cov);

    /* the metrics listed; an unknown one is a 404; another scope is the spec's answer */
    cJSON *list = get("%s/metrics", scope);
    CHECK_MSG(cJSON_GetArraySize(item(list, "enabled")) == 7, "metrics: %s", text);
    cJSON_Delete(list);
    cJSON_Delete(get("%s/metric/jitter/summary", scope));
    CHECK_MSG(status == 404 && strstr(text, "listSiteSlesMetrics"), "unknown: %d %s", status, text);
    cJSON_Delete(get("/api/v1/sites/%s/sle/ap/5c5b35000300/metric/coverage/summary", london));
    CHECK_MSG(status == 200, "an AP's scope: %d", status);
}

int main(void)
{
    world = mm_demo_world_create();
    org = world->org_id;
    events();
    sles();
    free(text);
    mm_demo_world_free(&world);
    return check_summary();
}
