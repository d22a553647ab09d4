/*
 * Routes of the demo cloud. Lists page like Mist's (limit, page, X-Page-* headers); searches
 * answer {"results", "start", "end", "limit", "total"} and honour their filters; device lists
 * default to APs (type=ap) and take type=all, as Mist's do.
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/routes.h"

#include "base/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_CAPTURES 2
#define DEFAULT_LIMIT 100
#define MAX_LIMIT 1000

/* 1 if path matches pattern, where a "*" segment matches one non-empty segment (captured). */
static int match(const char *path, const char *pattern, char caps[MAX_CAPTURES][64])
{
    int n = 0;
    while (*path && *pattern) {
        if (*pattern == '*') {
            size_t len = strcspn(path, "/");
            if (len == 0 || len >= 64 || n == MAX_CAPTURES)
                return 0;
            memcpy(caps[n], path, len);
            caps[n++][len] = '\0';
            path += len;
            pattern++;
        } else if (*pattern++ != *path++) {
            return 0;
        }
    }
    return *path == '\0' && *pattern == '\0';
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (cJSON_IsArray(v)) /* searches keep lists of values: the first stands for them */
        v = cJSON_GetArrayItem(v, 0);
    return cJSON_GetStringValue(v);
}

static int fail(mm_demo_answer *out, int status, const char *fmt, const char *a, const char *b)
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

static int answer(mm_demo_answer *out, const cJSON *value)
{
    out->status = 200;
    out->body = cJSON_PrintUnformatted(value);
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

/* 1 if o passes the filter named param (looked up in rq) on field key; an absent filter
 * passes everything. A field holding a list passes when any of its values does. */
static int keep(const mm_demo_request *rq, const cJSON *o, const char *param, const char *key,
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
            fail(out, 400,
                 i == 0 ? "limit '%s' is not valid: expected 0 to 1000%s"
                        : "page '%s' is not valid: expected 1 or more%s",
                 v, NULL);
            return -1;
        }
        *slots[i] = i == 0 && n == 0 ? DEFAULT_LIMIT : n;
    }
    return 0;
}

typedef int (*filter_fn)(const mm_demo_request *rq, const cJSON *o, const char *scope_id);

/* The items of all that pass f, paged. As a list (X-Page-* headers) or a search result. */
static int list(const mm_demo_request *rq, const cJSON *all, filter_fn f, const char *scope,
                int search, mm_demo_answer *out)
{
    long limit, page;
    if (paging(rq, &limit, &page, out) != 0)
        return 0;
    cJSON *items = cJSON_CreateArray();
    long total = 0;
    for (const cJSON *it = all->child; it; it = it->next) {
        if (f && !f(rq, it, scope))
            continue;
        if (total >= (page - 1) * limit && total < page * limit)
            cJSON_AddItemToArray(items, cJSON_Duplicate(it, 1));
        total++;
    }
    if (search) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddItemToObject(r, "results", items);
        cJSON_AddNumberToObject(r, "start", MM_DEMO_NOW - 86400);
        cJSON_AddNumberToObject(r, "end", MM_DEMO_NOW);
        cJSON_AddNumberToObject(r, "limit", (double)limit);
        cJSON_AddNumberToObject(r, "total", (double)total);
        answer(out, r);
        cJSON_Delete(r);
        return 0;
    }
    answer(out, items);
    cJSON_Delete(items);
    out->page_total = total;
    out->page_limit = limit;
    out->page_page = page;
    return 0;
}

/* --- filters ----------------------------------------------------------------------------- */

static int in_scope(const cJSON *o, const char *key, const char *scope)
{
    return !scope || (str(o, key) && strcmp(str(o, key), scope) == 0);
}

/* type=ap (the default), switch, gateway or all. */
static int type_ok(const mm_demo_request *rq, const cJSON *o)
{
    const char *t = rq->query(rq->query_ctx, "type");
    if (!t)
        t = "ap";
    return strcmp(t, "all") == 0 || (str(o, "type") && strcmp(str(o, "type"), t) == 0);
}

static int device_filter(const mm_demo_request *rq, const cJSON *o, const char *site)
{
    return in_scope(o, "site_id", site) && type_ok(rq, o) && keep(rq, o, "site_id", "site_id", 0) &&
           keep(rq, o, "mac", "mac", 1) && keep(rq, o, "name", "name", 0) &&
           keep(rq, o, "hostname", "name", 0) && keep(rq, o, "model", "model", 0) &&
           keep(rq, o, "serial", "serial", 0) && keep(rq, o, "version", "version", 0);
}

static int stats_filter(const mm_demo_request *rq, const cJSON *o, const char *site)
{
    const char *status = rq->query(rq->query_ctx, "status");
    if (status && strcmp(status, "all") != 0 &&
        (!str(o, "status") || strcmp(str(o, "status"), status) != 0))
        return 0;
    return device_filter(rq, o, site);
}

static int inventory_filter(const mm_demo_request *rq, const cJSON *o, const char *org)
{
    (void)org;
    const char *t = rq->query(rq->query_ctx, "type");
    return (!t || (str(o, "type") && strcmp(str(o, "type"), t) == 0)) &&
           keep(rq, o, "site_id", "site_id", 0) && keep(rq, o, "mac", "mac", 1) &&
           keep(rq, o, "serial", "serial", 0) && keep(rq, o, "model", "model", 0);
}

static int client_filter(const mm_demo_request *rq, const cJSON *o, const char *site)
{
    return in_scope(o, "site_id", site) && keep(rq, o, "site_id", "site_id", 0) &&
           keep(rq, o, "mac", "mac", 1) && keep(rq, o, "hostname", "hostname", 0) &&
           keep(rq, o, "ssid", "ssid", 0) && keep(rq, o, "ap", "ap", 1) &&
           keep(rq, o, "wlan_id", "wlan_id", 0) && keep(rq, o, "username", "username", 0) &&
           keep(rq, o, "os", "os", 0) && keep(rq, o, "band", "band", 0) &&
           keep(rq, o, "ip", "ip", 0) && keep(rq, o, "vlan", "last_vlan", 0);
}

static int wired_filter(const mm_demo_request *rq, const cJSON *o, const char *org)
{
    (void)org;
    return keep(rq, o, "site_id", "site_id", 0) && keep(rq, o, "mac", "mac", 1) &&
           keep(rq, o, "hostname", "hostname", 0) && keep(rq, o, "device_mac", "device_mac", 1) &&
           keep(rq, o, "port_id", "port_id", 0) && keep(rq, o, "vlan", "vlan", 0);
}

static int alarm_filter(const mm_demo_request *rq, const cJSON *o, const char *org)
{
    (void)org;
    return keep(rq, o, "site_id", "site_id", 0) && keep(rq, o, "type", "type", 0) &&
           keep(rq, o, "severity", "severity", 0) && keep(rq, o, "group", "group", 0) &&
           keep(rq, o, "acked", "acked", 0) && keep(rq, o, "status", "status", 0);
}

/* A site's wireless clients as /sites/{id}/stats/clients shows them. */
static cJSON *client_stats(const mm_demo_world *w, const char *site)
{
    cJSON *out = cJSON_CreateArray();
    for (const cJSON *c = w->clients->child; c; c = c->next) {
        if (!in_scope(c, "site_id", site))
            continue;
        cJSON *s = cJSON_CreateObject();
        const char *keys[][2] = {{"mac", "mac"},        {"hostname", "last_hostname"},
                                 {"ssid", "last_ssid"}, {"wlan_id", "last_wlan_id"},
                                 {"ap_mac", "last_ap"}, {"ip", "last_ip"},
                                 {"os", "last_os"},     {"username", "last_username"},
                                 {"band", "band"},      {"site_id", "site_id"},
                                 {"proto", "protocol"}, {"manufacture", "mfg"}};
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
            if (str(c, keys[i][1]))
                cJSON_AddStringToObject(s, keys[i][0], str(c, keys[i][1]));
        char ap_id[40];
        snprintf(ap_id, sizeof ap_id, "00000000-0000-0000-1000-%s", str(c, "last_ap"));
        cJSON_AddStringToObject(s, "ap_id", ap_id);
        const cJSON *ts = cJSON_GetObjectItemCaseSensitive(c, "timestamp");
        cJSON_AddNumberToObject(s, "last_seen", ts ? ts->valuedouble : MM_DEMO_NOW);
        cJSON_AddItemToArray(out, s);
    }
    return out;
}

static int client_stats_filter(const mm_demo_request *rq, const cJSON *o, const char *site)
{
    (void)site;
    return keep(rq, o, "ssid", "ssid", 0) && keep(rq, o, "ap_mac", "ap_mac", 1);
}

/* --- the routes -------------------------------------------------------------------------- */

static int route(const mm_demo_world *w, const mm_demo_request *rq, mm_demo_answer *out)
{
    char c[MAX_CAPTURES][64];
    const char *p = rq->path;
    if (strcmp(rq->method, "GET") != 0)
        return fail(out, 405, "the demo cloud is read-only for now: %s %s is not simulated",
                    rq->method, p);
    if (strcmp(p, "/api/v1/self") == 0)
        return answer(out, w->self);
    if (match(p, "/api/v1/orgs/*", c) || match(p, "/api/v1/orgs/*/*", c) ||
        match(p, "/api/v1/orgs/*/*/*", c)) {
        if (strcmp(c[0], w->org_id) != 0)
            return fail(out, 404, "org %s is not in the demo cloud: its org is %s", c[0],
                        w->org_id);
    }
    if (match(p, "/api/v1/sites/*", c) || match(p, "/api/v1/sites/*/*", c) ||
        match(p, "/api/v1/sites/*/*/*", c)) {
        if (!mm_demo_find_id(w->sites, c[0]))
            return fail(out, 404, "site %s is not in the demo cloud (listOrgSites lists its %s)",
                        c[0], "sites");
    }
    if (match(p, "/api/v1/orgs/*", c))
        return answer(out, w->org);
    if (match(p, "/api/v1/orgs/*/sites", c))
        return list(rq, w->sites, NULL, NULL, 0, out);
    if (match(p, "/api/v1/orgs/*/stats/devices", c))
        return list(rq, w->device_stats, stats_filter, NULL, 0, out);
    if (match(p, "/api/v1/orgs/*/devices/search", c))
        return list(rq, w->device_stats, stats_filter, NULL, 1, out);
    if (match(p, "/api/v1/orgs/*/inventory", c))
        return list(rq, w->inventory, inventory_filter, NULL, 0, out);
    if (match(p, "/api/v1/orgs/*/wlans", c))
        return list(rq, w->wlans, NULL, NULL, 0, out);
    if (match(p, "/api/v1/orgs/*/clients/search", c))
        return list(rq, w->clients, client_filter, NULL, 1, out);
    if (match(p, "/api/v1/orgs/*/wired_clients/search", c))
        return list(rq, w->wired_clients, wired_filter, NULL, 1, out);
    if (match(p, "/api/v1/orgs/*/alarms/search", c))
        return list(rq, w->alarms, alarm_filter, NULL, 1, out);
    if (match(p, "/api/v1/sites/*", c))
        return answer(out, mm_demo_find_id(w->sites, c[0]));
    if (match(p, "/api/v1/sites/*/devices", c))
        return list(rq, w->devices, device_filter, c[0], 0, out);
    if (match(p, "/api/v1/sites/*/stats/devices", c))
        return list(rq, w->device_stats, stats_filter, c[0], 0, out);
    if (match(p, "/api/v1/sites/*/stats/clients", c)) {
        cJSON *stats = client_stats(w, c[0]);
        list(rq, stats, client_stats_filter, NULL, 0, out);
        cJSON_Delete(stats);
        return 0;
    }
    return fail(out, 404, "%s is not simulated by the demo cloud yet%s", p, NULL);
}

void mm_demo_route(const mm_demo_world *w, const mm_demo_request *rq, mm_demo_answer *out)
{
    memset(out, 0, sizeof *out);
    route(w, rq, out);
}
