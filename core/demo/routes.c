/*
 * Routes of the demo cloud: the curated ones answer from the world; every other read-only
 * path from the spec (demo/fallback.h). Lists page like Mist's (limit, page, X-Page-*
 * headers); searches answer {"results", "start", "end", "limit", "total"} and honour their
 * filters; device lists default to APs (type=ap) and take type=all, as Mist's do.
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/routes.h"

#include "base/util.h"
#include "demo/alarm_ack.h"
#include "demo/events.h"
#include "demo/fallback.h"
#include "demo/path.h"
#include "demo/sle_answers.h"
#include "demo/views.h"
#include "demo/writes.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_CAPTURES 2

/* 1 if the path's segments match template (demo/path.h: "{name}" matches one segment), with
 * the first MAX_CAPTURES parameters' values in caps. */
static int match(const mm_demo_segments *sg, const char *template,
                 char caps[MAX_CAPTURES][MM_DEMO_SEGMENT_MAX])
{
    mm_demo_params p;
    if (mm_demo_path_match(template, sg, &p) < 0)
        return 0;
    for (size_t i = 0; i < p.count && i < MAX_CAPTURES; i++)
        snprintf(caps[i], MM_DEMO_SEGMENT_MAX, "%s", p.values[i]);
    return 1;
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

static int alarm_filter(const mm_demo_request *rq, const cJSON *o, const char *site)
{
    return in_scope(o, "site_id", site) && mm_demo_keep(rq, o, "site_id", "site_id", 0) &&
           mm_demo_keep(rq, o, "type", "type", 0) &&
           mm_demo_keep(rq, o, "severity", "severity", 0) &&
           mm_demo_keep(rq, o, "group", "group", 0) && mm_demo_keep(rq, o, "acked", "acked", 0) &&
           mm_demo_keep(rq, o, "status", "status", 0);
}

static int client_stats_filter(const mm_demo_request *rq, const cJSON *o, const char *site)
{
    (void)site;
    return mm_demo_keep(rq, o, "ssid", "ssid", 0) && mm_demo_keep(rq, o, "ap_mac", "ap_mac", 1);
}

/* The device stats as the session names them: a new array in *owned, or the world's. */
static const cJSON *device_stats(const mm_demo_view *v, cJSON **owned)
{
    *owned = mm_demo_seen_devices(v, v->world->device_stats);
    return *owned ? *owned : v->world->device_stats;
}

/* Devices found by the stats filters, shown as a device search shows them. */
static int device_search(const mm_demo_view *v, const mm_demo_request *rq, mm_demo_answer *out)
{
    long total, limit, page;
    cJSON *owned;
    const cJSON *stats = device_stats(v, &owned);
    cJSON *kept = mm_demo_page(rq, stats, stats_filter, NULL, &total, &limit, &page, out);
    cJSON_Delete(owned);
    if (!kept)
        return 0;
    cJSON *found = mm_demo_device_search(kept);
    cJSON_Delete(kept);
    return mm_demo_search(out, found, limit, total);
}

/* mm_demo_list of what the session sees of all: its changes where it made some (to the list
 * at path, or to device names with names set), else all itself. */
static int seen_list(const mm_demo_view *v, const char *path, const cJSON *all, int names,
                     const mm_demo_request *rq, mm_demo_filter f, const char *scope, int search,
                     mm_demo_answer *out)
{
    cJSON *seen =
        names ? mm_demo_seen_devices(v, all) : mm_demo_overlay_list(v->overlay, path, all);
    mm_demo_list(rq, seen ? seen : all, f, scope, search, out);
    cJSON_Delete(seen);
    return 0;
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

/* A device fetched by id: the spec's answer (demo/fallback.h) with the name, MAC, serial
 * and model of the world's device. */
static int device(const mm_demo_view *v, const mm_demo_request *rq, const cJSON *d,
                  mm_demo_answer *out)
{
    if (!mm_demo_fallback(v, rq, out))
        return mm_demo_fail(out, 404, "the Mist API has no read-only operation at %s%s", rq->path,
                            NULL);
    cJSON *answer = out->status == 200 ? cJSON_Parse(out->body) : NULL;
    if (!cJSON_IsObject(answer)) {
        cJSON_Delete(answer);
        return 0;
    }
    static const char *const keys[] = {"name", "mac", "serial", "model"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        cJSON_DeleteItemFromObjectCaseSensitive(answer, keys[i]);
        cJSON_AddItemToObject(answer, keys[i],
                              cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(d, keys[i]), 0));
    }
    free(out->body);
    mm_demo_json(out, answer);
    cJSON_Delete(answer);
    return 0;
}

/* --- the routes -------------------------------------------------------------------------- */

static int route_get(const mm_demo_view *v, const mm_demo_request *rq, mm_demo_answer *out)
{
    const mm_demo_world *w = v->world;
    char c[MAX_CAPTURES][MM_DEMO_SEGMENT_MAX], path[MM_DEMO_PATH_MAX];
    mm_demo_segments sg; /* split once; every curated route is matched against it */
    if (mm_demo_path_canon(rq->path, path, sizeof path) != 0 || mm_demo_path_split(path, &sg) != 0)
        return mm_demo_fail(out, 404, "the Mist API has no read-only operation at %s%s", rq->path,
                            NULL);
    const char *p = path;
    cJSON *changed;
    if (mm_demo_overlay_get(v->overlay, p, &changed) == MM_DEMO_GONE)
        return mm_demo_fail(out, 404, "%s was deleted in this session%s",
                            mm_demo_overlay_deleted(v->overlay, p), NULL);
    if (changed) {
        mm_demo_json(out, changed);
        cJSON_Delete(changed);
        return 0;
    }
    if (strcmp(p, "/api/v1/self") == 0)
        return mm_demo_json(out, w->self);
    /* Every path under an org or a site names one of the session's, or gets Mist's 404. */
    char scope[64];
    if (first_segment(p, "/api/v1/orgs/", scope) && strcmp(scope, w->org_id) != 0)
        return mm_demo_fail(out, 404, "org %s is not in the demo cloud: its org is %s", scope,
                            w->org_id);
    if (first_segment(p, "/api/v1/sites/", scope) && !mm_demo_site_exists(v, scope))
        return mm_demo_fail(out, 404,
                            "site %s is not in the demo cloud (listOrgSites lists its %s)", scope,
                            "sites");
    cJSON *owned = NULL;
    if (match(&sg, "/api/v1/orgs/{a}", c))
        return mm_demo_json(out, w->org);
    if (match(&sg, "/api/v1/orgs/{a}/sites", c))
        return seen_list(v, p, w->sites, 0, rq, NULL, NULL, 0, out);
    /* Site stats from the world's devices and clients (sites created in a session fall
     * through to the spec's answer). */
    if (match(&sg, "/api/v1/orgs/{a}/stats/sites", c)) {
        cJSON *stats = mm_demo_site_stats(w, NULL);
        mm_demo_list(rq, stats, NULL, NULL, 0, out);
        cJSON_Delete(stats);
        return 0;
    }
    if (match(&sg, "/api/v1/sites/{a}/stats", c)) {
        cJSON *stats = mm_demo_site_stats(w, c[0]);
        const cJSON *one = cJSON_GetArrayItem(stats, 0);
        if (one)
            mm_demo_json(out, one);
        cJSON_Delete(stats);
        if (one)
            return 0;
    }
    if (match(&sg, "/api/v1/orgs/{a}/stats/devices", c))
        return seen_list(v, p, w->device_stats, 1, rq, stats_filter, NULL, 0, out);
    if (match(&sg, "/api/v1/orgs/{a}/devices/search", c))
        return device_search(v, rq, out);
    if (match(&sg, "/api/v1/orgs/{a}/inventory", c))
        return seen_list(v, p, w->inventory, 1, rq, inventory_filter, NULL, 0, out);
    if (match(&sg, "/api/v1/orgs/{a}/wlans", c))
        return seen_list(v, p, w->wlans, 0, rq, NULL, NULL, 0, out);
    if (match(&sg, "/api/v1/orgs/{a}/wlans/{b}", c)) {
        const cJSON *wlan = mm_demo_find_id(w->wlans, c[1]);
        return wlan ? mm_demo_json(out, wlan)
                    : mm_demo_fail(out, 404,
                                   "wlan %s is not in the demo cloud (listOrgWlans lists its %s)",
                                   c[1], "WLANs");
    }
    if (match(&sg, "/api/v1/orgs/{a}/clients/search", c))
        return mm_demo_list(rq, w->clients, client_filter, NULL, 1, out);
    if (match(&sg, "/api/v1/orgs/{a}/clients/events/search", c)) {
        mm_demo_events_search(w, rq, NULL, NULL, out);
        return 0;
    }
    if (match(&sg, "/api/v1/orgs/{a}/clients/events/count", c)) {
        mm_demo_events_count(w, rq, NULL, out);
        return 0;
    }
    if (match(&sg, "/api/v1/sites/{a}/clients/events/search", c)) {
        mm_demo_events_search(w, rq, c[0], NULL, out);
        return 0;
    }
    if (match(&sg, "/api/v1/sites/{a}/clients/events/count", c)) {
        mm_demo_events_count(w, rq, c[0], out);
        return 0;
    }
    if (match(&sg, "/api/v1/sites/{a}/clients/{b}/events", c)) {
        mm_demo_events_search(w, rq, c[0], c[1], out);
        return 0;
    }
    if (match(&sg, "/api/v1/orgs/{a}/wired_clients/search", c))
        return mm_demo_list(rq, w->wired_clients, wired_filter, NULL, 1, out);
    if (match(&sg, "/api/v1/orgs/{a}/alarms/search", c) ||
        match(&sg, "/api/v1/sites/{a}/alarms/search", c)) {
        cJSON *alarms = mm_demo_seen_alarms(v);
        mm_demo_list(rq, alarms, alarm_filter, strncmp(p, "/api/v1/sites/", 14) == 0 ? c[0] : NULL,
                     1, out);
        cJSON_Delete(alarms);
        return 0;
    }
    if (match(&sg, "/api/v1/sites/{a}", c))
        return mm_demo_json(out, mm_demo_find_id(w->sites, c[0]));
    if (match(&sg, "/api/v1/sites/{a}/devices", c))
        return seen_list(v, p, w->devices, 0, rq, device_filter, c[0], 0, out);
    const cJSON *d;
    if (match(&sg, "/api/v1/sites/{a}/devices/{b}", c) && (d = mm_demo_find_id(w->devices, c[1])))
        return device(v, rq, d, out);
    if (match(&sg, "/api/v1/sites/{a}/stats/devices", c)) {
        const cJSON *stats = device_stats(v, &owned);
        mm_demo_list(rq, stats, stats_filter, c[0], 0, out);
        cJSON_Delete(owned);
        return 0;
    }
    if (match(&sg, "/api/v1/sites/{a}/stats/clients", c)) {
        cJSON *stats = mm_demo_client_stats(w, c[0]);
        mm_demo_list(rq, stats, client_stats_filter, NULL, 0, out);
        cJSON_Delete(stats);
        return 0;
    }
    if (mm_demo_sle_answer(w, rq, &sg, out))
        return 0;
    if (mm_demo_fallback(v, rq, out) || mm_demo_write(v, rq, out)) /* the write: a GET that acts */
        return 0;
    return mm_demo_fail(out, 404, "the Mist API has no read-only operation at %s%s", p, NULL);
}

void mm_demo_route(const mm_demo_view *v, const mm_demo_request *rq, mm_demo_answer *out)
{
    memset(out, 0, sizeof *out);
    if (strcmp(rq->method, "GET") == 0)
        route_get(v, rq, out);
    else if (!mm_demo_write(v, rq, out))
        mm_demo_fail(out, 405, "the Mist API has no %s operation at %s", rq->method, rq->path);
}
