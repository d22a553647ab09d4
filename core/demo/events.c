/*
 * The wireless clients' events of the demo world (demo/events.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/events.h"

#include "demo/answer.h"

#include "base/util.h"
#include "demo/views.h"
#include "demo/window.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SLOW_DHCP_EVERY 23 /* one client in 23 waits for its address */
#define SLOW_DHCP_SECONDS 6
#define FAILURE_SECONDS 5 /* association to the RADIUS server's reject */

/* Members the demo keeps on an event and Mist's answers do not have (demo/events.h). */
static const char *const hidden[] = {"mac", "site_id", "seconds", "failure"};

/* The BSSID of an AP's radio on band: its MAC with the radio in the last digit. */
static void bssid(const char *ap, const char *band, char out[13])
{
    snprintf(out, 13, "%.11s%c", ap,
             strcmp(band, "24") == 0  ? '0'
             : strcmp(band, "5") == 0 ? '1'
                                      : '2');
}

/* Members of an event: keys are literals, and values the world's strings or literals, kept
 * by reference (the world outlives its events; about half the memory of copies). */
static void add_ref(cJSON *e, const char *key, const char *value)
{
    cJSON_AddItemToObjectCS(e, key, cJSON_CreateStringReference(value));
}

static void add_number(cJSON *e, const char *key, double value)
{
    cJSON_AddItemToObjectCS(e, key, cJSON_CreateNumber(value));
}

static cJSON *event(const cJSON *client, const char *type, double at, const char *text)
{
    const char *band = mm_demo_str(client, "band"), *ssid = mm_demo_str(client, "last_ssid");
    char radio[13];
    bssid(mm_demo_str(client, "last_ap"), band, radio);
    cJSON *e = cJSON_CreateObject();
    add_ref(e, "type", type);
    add_number(e, "timestamp", at);
    add_ref(e, "ap", mm_demo_str(client, "last_ap"));
    cJSON_AddItemToObjectCS(e, "bssid", cJSON_CreateString(radio));
    add_ref(e, "band", band);
    add_number(e, "channel", mm_demo_client_channel(client));
    add_ref(e, "proto", mm_demo_str(client, "protocol"));
    add_ref(e, "ssid", ssid);
    add_ref(e, "wlan_id", mm_demo_str(client, "last_wlan_id"));
    if (strcmp(ssid, "IoT") == 0) /* Mist's key_mgmt names PSK, not the EAP the Corp WLAN runs */
        add_ref(e, "key_mgmt", "WPA2-PSK/CCMP");
    if (text)
        cJSON_AddItemToObjectCS(e, "text", cJSON_CreateString(text));
    add_ref(e, "mac", mm_demo_str(client, "mac"));
    add_ref(e, "site_id", mm_demo_str(client, "site_id"));
    return e;
}

/* A connection of client at time at: association, authentication (not on an open WLAN), its
 * address. */
static void connected(cJSON *out, const cJSON *client, long at)
{
    const char *mac = mm_demo_str(client, "mac");
    int seconds = strtoul(mac + 6, NULL, 16) % SLOW_DHCP_EVERY == 0 ? SLOW_DHCP_SECONDS : 1;
    cJSON *assoc = event(client, "CLIENT_ASSOCIATION", at - seconds, NULL);
    add_number(assoc, "seconds", seconds);
    if (seconds == SLOW_DHCP_SECONDS)
        add_ref(assoc, "failure", "dhcp"); /* slow, not failed: time-to-connect */
    cJSON_AddItemToArray(out, assoc);
    if (strcmp(mm_demo_str(client, "last_ssid"), "Guest") != 0)
        cJSON_AddItemToArray(out, event(client, "CLIENT_AUTHENTICATED", at - seconds + 0.5, NULL));
    char text[96];
    snprintf(text, sizeof text, "IP %s assigned", mm_demo_str(client, "last_ip"));
    cJSON_AddItemToArray(out, event(client, "CLIENT_IP_ASSIGNED", at, text));
}

#define MAX_FAILING 512

/* The failed 802.1X attempts of the world's auth_failure_surge alarm, if it has one, with the
 * connection each failing client made before; those clients in failing, *n of them. */
static void failures(cJSON *out, const mm_demo_world *w, const cJSON *failing[MAX_FAILING],
                     int *n_out)
{
    const cJSON *alarm = NULL;
    for (const cJSON *a = w->alarms->child; a && !alarm; a = a->next)
        if (strcmp(mm_demo_str(a, "type"), "auth_failure_surge") == 0)
            alarm = a;
    *n_out = 0;
    if (!alarm)
        return;
    const char *site = mm_demo_str(alarm, "site_id");
    const char *ssid = cJSON_GetStringValue(
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(alarm, "ssids"), 0));
    int n = 0, on_ssid = 0;
    for (const cJSON *c = w->clients->child; c && n < MAX_FAILING; c = c->next)
        if (strcmp(mm_demo_str(c, "site_id"), site) == 0 &&
            strcmp(mm_demo_str(c, "last_ssid"), ssid) == 0 && on_ssid++ % 2 == 1)
            failing[n++] = c;
    long first = (long)mm_demo_num(alarm, "timestamp"),
         last = (long)mm_demo_num(alarm, "last_seen");
    int count = (int)mm_demo_num(alarm, "count");
    for (int i = 0; i < count && n > 0; i++) {
        const cJSON *c = failing[i % n];
        long at = first + (count > 1 ? (last - first) * i / (count - 1) : 0);
        /* connected before the failures began: the world lists them */
        if (i < n)
            connected(out, c, first - 3600 * (1 + i % 20) - 60 * i);
        cJSON *assoc = event(c, "CLIENT_ASSOCIATION", at - FAILURE_SECONDS, NULL);
        add_number(assoc, "seconds", FAILURE_SECONDS);
        add_ref(assoc, "failure", "authorization");
        cJSON_AddItemToArray(out, assoc);
        char text[200];
        snprintf(text, sizeof text, "802.1X authentication failed for %s (%s): %s",
                 mm_demo_str(c, "last_username") ? mm_demo_str(c, "last_username") : "?",
                 mm_demo_str(c, "mac"), MM_DEMO_AUTH_REJECT);
        cJSON_AddItemToArray(out, event(c, "MARVIS_EVENT_CLIENT_AUTH_FAILURE", at, text));
    }
    *n_out = n;
}

static int newest_first(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    double tx = mm_demo_num(x, "timestamp"), ty = mm_demo_num(y, "timestamp");
    if (tx != ty)
        return tx < ty ? 1 : -1;
    return strcmp(mm_demo_str(x, "mac"), mm_demo_str(y, "mac"));
}

static cJSON *make(const mm_demo_world *w)
{
    cJSON *made = cJSON_CreateArray();
    const cJSON *failing[MAX_FAILING];
    int n_failing;
    failures(made, w, failing, &n_failing);
    for (const cJSON *c = w->clients->child; c; c = c->next) {
        int failed = 0; /* a failing client's connection is made with its failures */
        for (int i = 0; i < n_failing && !failed; i++)
            failed = failing[i] == c;
        if (!failed)
            connected(made, c, (long)mm_demo_num(c, "timestamp"));
    }
    /* newest first, as Mist sorts them */
    int n = cJSON_GetArraySize(made), i = 0;
    cJSON **all = malloc(sizeof *all * (size_t)(n ? n : 1));
    if (!all)
        abort();
    while (made->child)
        all[i++] = cJSON_DetachItemViaPointer(made, made->child);
    qsort(all, (size_t)n, sizeof *all, newest_first);
    for (i = 0; i < n; i++)
        cJSON_AddItemToArray(made, all[i]);
    free(all);
    return made;
}

struct mm_demo_events {
    pthread_mutex_t lock;
    cJSON *all; /* NULL until made */
};

struct mm_demo_events *mm_demo_events_create(void)
{
    struct mm_demo_events *e = mm_xcalloc(1, sizeof *e);
    pthread_mutex_init(&e->lock, NULL);
    return e;
}

void mm_demo_events_free(struct mm_demo_events **ep)
{
    struct mm_demo_events *e = *ep;
    if (!e)
        return;
    cJSON_Delete(e->all);
    pthread_mutex_destroy(&e->lock);
    free(e);
    *ep = NULL;
}

const cJSON *mm_demo_client_events(const mm_demo_world *w)
{
    pthread_mutex_lock(&w->events->lock);
    if (!w->events->all)
        w->events->all = make(w);
    const cJSON *all = w->events->all;
    pthread_mutex_unlock(&w->events->lock);
    return all;
}

/* 1 if want (a list with commas, or NULL: any) names value. */
static int one_of(const char *want, const char *value)
{
    if (!want || !*want)
        return 1;
    size_t n = strlen(value);
    for (const char *s = want; *s;) {
        size_t len = strcspn(s, ",");
        if (len == n && strncasecmp(s, value, n) == 0)
            return 1;
        s += len + (s[len] == ',');
    }
    return 0;
}

/* The events of site and client (NULL: all) in [start, end] that rq's filters keep: a new
 * array of borrowed references (cJSON_CreateArrayReference items), newest first. */
static cJSON *matching(const mm_demo_world *w, const mm_demo_request *rq, const char *site,
                       const char *client, long start, long end)
{
    cJSON *out = cJSON_CreateArray();
    for (const cJSON *e = mm_demo_client_events(w)->child; e; e = e->next) {
        double at = mm_demo_num(e, "timestamp");
        if (at < (double)start || at > (double)end ||
            (site && strcmp(mm_demo_str(e, "site_id"), site) != 0) ||
            (client && strcasecmp(mm_demo_str(e, "mac"), client) != 0) ||
            !one_of(rq->query(rq->query_ctx, "type"), mm_demo_str(e, "type")))
            continue;
        static const char *const filters[][2] = {{"site_id", "site_id"}, {"ssid", "ssid"},
                                                 {"ap", "ap"},           {"band", "band"},
                                                 {"proto", "proto"},     {"wlan_id", "wlan_id"},
                                                 {"channel", "channel"}, {"key_mgmt", "key_mgmt"}};
        int keep = 1;
        for (size_t i = 0; keep && i < sizeof filters / sizeof filters[0]; i++)
            keep =
                mm_demo_keep(rq, e, filters[i][0], filters[i][1], strcmp(filters[i][0], "ap") == 0);
        if (keep)
            cJSON_AddItemToArray(out, cJSON_CreateObjectReference(e->child));
    }
    return out;
}

/* e as Mist shows it: a copy without the members only the demo uses. */
static cJSON *shown(const cJSON *e)
{
    cJSON *copy = cJSON_Duplicate(e, 1);
    for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
        cJSON_DeleteItemFromObjectCaseSensitive(copy, hidden[i]);
    return copy;
}

void mm_demo_events_search(const mm_demo_world *w, const mm_demo_request *rq, const char *site,
                           const char *client, mm_demo_answer *out)
{
    long start, end, total, limit, page;
    if (mm_demo_window(rq, &start, &end, out) != 0)
        return;
    cJSON *found = matching(w, rq, site, client, start, end);
    cJSON *paged = mm_demo_page(rq, found, NULL, NULL, &total, &limit, &page, out);
    cJSON_Delete(found);
    if (!paged)
        return;
    cJSON *results = cJSON_CreateArray();
    for (const cJSON *e = paged->child; e; e = e->next)
        cJSON_AddItemToArray(results, shown(e));
    cJSON_Delete(paged);
    cJSON *r = cJSON_CreateObject();
    cJSON_AddNumberToObject(r, "start", (double)start);
    cJSON_AddNumberToObject(r, "end", (double)end);
    cJSON_AddNumberToObject(r, "limit", (double)limit);
    cJSON_AddNumberToObject(r, "total", (double)total);
    cJSON_AddItemToObject(r, "results", results);
    mm_demo_json(out, r);
    cJSON_Delete(r);
}

static int most_first(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    double cx = mm_demo_num(x, "count"), cy = mm_demo_num(y, "count");
    if (cx != cy)
        return cx < cy ? 1 : -1;
    return strcmp(x->child->valuestring, y->child->valuestring); /* the value, first member */
}

void mm_demo_events_count(const mm_demo_world *w, const mm_demo_request *rq, const char *site,
                          mm_demo_answer *out)
{
    static const char *const distincts[] = {"band", "channel", "proto", "ssid", "type", "wlan_id"};
    const char *asked = rq->query(rq->query_ctx, "distinct");
    size_t d = 0;
    while (asked && d < sizeof distincts / sizeof distincts[0] && strcmp(distincts[d], asked) != 0)
        d++;
    if (d == sizeof distincts / sizeof distincts[0]) {
        mm_demo_fail(out, 400,
                     "distinct '%s' is not valid: expected band, channel, proto, ssid, type or "
                     "wlan_id%s",
                     asked, NULL);
        return;
    }
    const char *distinct = asked ? distincts[d] : "type"; /* rq's value lasts until its next */
    long start, end, total, limit, page;
    if (mm_demo_window(rq, &start, &end, out) != 0)
        return;
    cJSON *found = matching(w, rq, site, NULL, start, end);
    /* one row per value, most frequent first (of as many, by value) */
    cJSON *rows = cJSON_CreateArray();
    for (const cJSON *e = found->child; e; e = e->next) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, distinct);
        char value[64];
        if (cJSON_IsNumber(v))
            snprintf(value, sizeof value, "%.0f", v->valuedouble);
        else if (cJSON_IsString(v))
            snprintf(value, sizeof value, "%s", v->valuestring);
        else
            continue;
        cJSON *row = rows->child;
        while (row && strcmp(mm_demo_str(row, distinct), value) != 0)
            row = row->next;
        if (!row) {
            row = cJSON_CreateObject();
            cJSON_AddStringToObject(row, distinct, value);
            cJSON_AddNumberToObject(row, "count", 0);
            cJSON_AddItemToArray(rows, row);
        }
        cJSON *count = cJSON_GetObjectItemCaseSensitive(row, "count");
        cJSON_SetNumberValue(count, count->valuedouble + 1);
    }
    cJSON_Delete(found);
    int n = cJSON_GetArraySize(rows), i = 0;
    cJSON **all = malloc(sizeof *all * (size_t)(n ? n : 1));
    if (!all)
        abort();
    while (rows->child)
        all[i++] = cJSON_DetachItemViaPointer(rows, rows->child);
    qsort(all, (size_t)n, sizeof *all, most_first);
    for (i = 0; i < n; i++)
        cJSON_AddItemToArray(rows, all[i]);
    free(all);
    cJSON *paged = mm_demo_page(rq, rows, NULL, NULL, &total, &limit, &page, out);
    cJSON_Delete(rows);
    if (!paged)
        return;
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "distinct", distinct);
    cJSON_AddNumberToObject(r, "start", (double)start);
    cJSON_AddNumberToObject(r, "end", (double)end);
    cJSON_AddNumberToObject(r, "limit", (double)limit);
    cJSON_AddNumberToObject(r, "total", (double)total);
    cJSON_AddItemToObject(r, "results", paged);
    mm_demo_json(out, r);
    cJSON_Delete(r);
}
