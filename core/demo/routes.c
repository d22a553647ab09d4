/*
 * Routes of the demo cloud: the curated ones answer from the world; every other read-only
 * path from the spec (demo/fallback.h). Lists page like Mist's (limit, page, X-Page-*
 * headers); searches answer {"results", "start", "end", "limit", "total"} and honour their
 * filters; device lists default to APs (type=ap) and take type=all, as Mist's do.
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/routes.h"

#include "base/util.h"
#include "demo/fallback.h"
#include "demo/views.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_CAPTURES 2

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
    return in_scope(o, "site_id", site) && type_ok(rq, o) &&
           mm_demo_keep(rq, o, "site_id", "site_id", 0) && mm_demo_keep(rq, o, "mac", "mac", 1) &&
           mm_demo_keep(rq, o, "name", "name", 0) && mm_demo_keep(rq, o, "hostname", "name", 0) &&
           mm_demo_keep(rq, o, "model", "model", 0) && mm_demo_keep(rq, o, "serial", "serial", 0) &&
           mm_demo_keep(rq, o, "version", "version", 0);
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
           mm_demo_keep(rq, o, "site_id", "site_id", 0) && mm_demo_keep(rq, o, "mac", "mac", 1) &&
           mm_demo_keep(rq, o, "serial", "serial", 0) && mm_demo_keep(rq, o, "model", "model", 0);
}

static int client_filter(const mm_demo_request *rq, const cJSON *o, const char *site)
{
    return in_scope(o, "site_id", site) && mm_demo_keep(rq, o, "site_id", "site_id", 0) &&
           mm_demo_keep(rq, o, "mac", "mac", 1) && mm_demo_keep(rq, o, "hostname", "hostname", 0) &&
           mm_demo_keep(rq, o, "ssid", "ssid", 0) && mm_demo_keep(rq, o, "ap", "ap", 1) &&
           mm_demo_keep(rq, o, "wlan_id", "wlan_id", 0) &&
           mm_demo_keep(rq, o, "username", "username", 0) && mm_demo_keep(rq, o, "os", "os", 0) &&
           mm_demo_keep(rq, o, "band", "band", 0) && mm_demo_keep(rq, o, "ip", "ip", 0) &&
           mm_demo_keep(rq, o, "vlan", "last_vlan", 0);
}

static int wired_filter(const mm_demo_request *rq, const cJSON *o, const char *org)
{
    (void)org;
    return mm_demo_keep(rq, o, "site_id", "site_id", 0) && mm_demo_keep(rq, o, "mac", "mac", 1) &&
           mm_demo_keep(rq, o, "dhcp_hostname", "dhcp_hostname", 0) &&
           mm_demo_keep(rq, o, "device_mac", "device_mac", 1) &&
           mm_demo_keep(rq, o, "port_id", "port_id", 0) && mm_demo_keep(rq, o, "vlan", "vlan", 0);
}

static int alarm_filter(const mm_demo_request *rq, const cJSON *o, const char *org)
{
    (void)org;
    return mm_demo_keep(rq, o, "site_id", "site_id", 0) && mm_demo_keep(rq, o, "type", "type", 0) &&
           mm_demo_keep(rq, o, "severity", "severity", 0) &&
           mm_demo_keep(rq, o, "group", "group", 0) && mm_demo_keep(rq, o, "acked", "acked", 0) &&
           mm_demo_keep(rq, o, "status", "status", 0);
}

static int client_stats_filter(const mm_demo_request *rq, const cJSON *o, const char *site)
{
    (void)site;
    return mm_demo_keep(rq, o, "ssid", "ssid", 0) && mm_demo_keep(rq, o, "ap_mac", "ap_mac", 1);
}

/* Devices found by the stats filters, shown as a device search shows them. */
static int device_search(const mm_demo_world *w, const mm_demo_request *rq, mm_demo_answer *out)
{
    long total, limit, page;
    cJSON *kept = mm_demo_page(rq, w->device_stats, stats_filter, NULL, &total, &limit, &page, out);
    if (!kept)
        return 0;
    cJSON *found = mm_demo_device_search(kept);
    cJSON_Delete(kept);
    return mm_demo_search(out, found, limit, total);
}

/* 1 and the segment after prefix in seg (cut at 63 bytes) if path starts with prefix. */
static int first_segment(const char *path, const char *prefix, char seg[64])
{
    size_t n = strlen(prefix);
    if (strncmp(path, prefix, n) != 0)
        return 0;
    size_t len = strcspn(path + n, "/");
    snprintf(seg, 64, "%.*s", (int)(len < 63 ? len : 63), path + n);
    return 1;
}

/* --- the routes -------------------------------------------------------------------------- */

static int route(const mm_demo_world *w, const mm_demo_request *rq, mm_demo_answer *out)
{
    char c[MAX_CAPTURES][64];
    const char *p = rq->path;
    if (strcmp(rq->method, "GET") != 0)
        return mm_demo_fail(out, 405, "the demo cloud is read-only for now: %s %s is not simulated",
                            rq->method, p);
    if (strcmp(p, "/api/v1/self") == 0)
        return mm_demo_json(out, w->self);
    /* Every path under an org or a site names one of the world's, or gets Mist's 404. */
    char scope[64];
    if (first_segment(p, "/api/v1/orgs/", scope) && strcmp(scope, w->org_id) != 0)
        return mm_demo_fail(out, 404, "org %s is not in the demo cloud: its org is %s", scope,
                            w->org_id);
    if (first_segment(p, "/api/v1/sites/", scope) && !mm_demo_find_id(w->sites, scope))
        return mm_demo_fail(out, 404,
                            "site %s is not in the demo cloud (listOrgSites lists its %s)", scope,
                            "sites");
    if (match(p, "/api/v1/orgs/*", c))
        return mm_demo_json(out, w->org);
    if (match(p, "/api/v1/orgs/*/sites", c))
        return mm_demo_list(rq, w->sites, NULL, NULL, 0, out);
    if (match(p, "/api/v1/orgs/*/stats/sites", c)) {
        cJSON *stats = mm_demo_site_stats(w, NULL);
        mm_demo_list(rq, stats, NULL, NULL, 0, out);
        cJSON_Delete(stats);
        return 0;
    }
    if (match(p, "/api/v1/sites/*/stats", c)) {
        cJSON *stats = mm_demo_site_stats(w, c[0]);
        mm_demo_json(out, cJSON_GetArrayItem(stats, 0));
        cJSON_Delete(stats);
        return 0;
    }
    if (match(p, "/api/v1/orgs/*/stats/devices", c))
        return mm_demo_list(rq, w->device_stats, stats_filter, NULL, 0, out);
    if (match(p, "/api/v1/orgs/*/devices/search", c))
        return device_search(w, rq, out);
    if (match(p, "/api/v1/orgs/*/inventory", c))
        return mm_demo_list(rq, w->inventory, inventory_filter, NULL, 0, out);
    if (match(p, "/api/v1/orgs/*/wlans", c))
        return mm_demo_list(rq, w->wlans, NULL, NULL, 0, out);
    if (match(p, "/api/v1/orgs/*/clients/search", c))
        return mm_demo_list(rq, w->clients, client_filter, NULL, 1, out);
    if (match(p, "/api/v1/orgs/*/wired_clients/search", c))
        return mm_demo_list(rq, w->wired_clients, wired_filter, NULL, 1, out);
    if (match(p, "/api/v1/orgs/*/alarms/search", c))
        return mm_demo_list(rq, w->alarms, alarm_filter, NULL, 1, out);
    if (match(p, "/api/v1/sites/*", c))
        return mm_demo_json(out, mm_demo_find_id(w->sites, c[0]));
    if (match(p, "/api/v1/sites/*/devices", c))
        return mm_demo_list(rq, w->devices, device_filter, c[0], 0, out);
    if (match(p, "/api/v1/sites/*/stats/devices", c))
        return mm_demo_list(rq, w->device_stats, stats_filter, c[0], 0, out);
    if (match(p, "/api/v1/sites/*/stats/clients", c)) {
        cJSON *stats = mm_demo_client_stats(w, c[0]);
        mm_demo_list(rq, stats, client_stats_filter, NULL, 0, out);
        cJSON_Delete(stats);
        return 0;
    }
    if (mm_demo_fallback(w, rq, out))
        return 0;
    return mm_demo_fail(out, 404, "the Mist API has no read-only operation at %s%s", p, NULL);
}

void mm_demo_route(const mm_demo_world *w, const mm_demo_request *rq, mm_demo_answer *out)
{
    memset(out, 0, sizeof *out);
    route(w, rq, out);
}
