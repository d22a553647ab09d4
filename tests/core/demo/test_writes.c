/*
 * Writes to the demo cloud (core/demo/writes.h), request by request through its router as
 * its HTTP side calls it, each session an overlay of its own:
 *   - WLANs: create, list (the new one last), fetch, replace (the body laid over the object;
 *     a world WLAN changed in its place), delete (404 after, left out of the list, a second
 *     delete 404); a fresh session sees the world unchanged;
 *   - bad bodies: Mist's 400 naming the field and what was expected (a type, a required
 *     member, an enum's values, JSON that does not parse), and nothing kept;
 *   - sites: a created site is fetched and has (no) devices; a deleted one is gone with all
 *     under it (its stats 404 naming it), and from listOrgSites;
 *   - a device renamed by a PUT of its config: its new name in the org's and the site's
 *     device stats, the device search and the inventory;
 *   - alarms: ack one, several, all, unack: searchOrgAlarms and searchSiteAlarms show it; an
 *     alarm the session does not have is a 404 naming it;
 *   - the generic rule on a collection the spec answers (the org's networks) and a PUT of a
 *     singleton (the org's settings);
 *   - actions: a restart (not of a disconnected AP) and a firmware upgrade, of one device or
 *     several, show in the org's and site's device stats and the device search of the session
 *     that made them only; a bad body or an unknown device changes nothing;
 *   - a write Mist does not have (405), another org (404);
 *   - the limit: a session's changes past 224 KB refused with 413 naming it;
 *   - memory: many sessions with a few writes each, and one filled to its limit, measured
 *     with mallinfo2 (the figures of docs/DEMO.md), within the 256 KB a session may cost.
 */
#define _GNU_SOURCE
#include "check.h"
#include "demo_route.h"
#include "mcp_client.h"

#include "base/json_exact.h"
#include "demo/alarm_ack.h"
#include "demo/body_check.h"
#include "demo/overlay.h"
#include "demo/routes.h"
#include "demo/world.h"

#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static mm_demo_world *world;
static mm_demo_bodies *bodies;
static const char *org;

static int status;
static char *text; /* the last answer's body */

/* Answers method path (printf format; "?query" allowed) with body (NULL: none) in the
 * session ov; the JSON answer, or NULL (status and text say why). */
static cJSON *req(mm_demo_overlay *ov, const char *method, const char *body, const char *fmt, ...)
{
    char path[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    mm_demo_view v = {world, ov, bodies};
    return demo_route(&v, method, path, body, &status, &text);
}

static const char *s(const cJSON *o, const char *k)
{
    return mm_mcp_str_at(o, k, NULL);
}

static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* Expects status and a text containing part (Mist's detail where the answer is an error);
 * frees the answer. */
static void expect(cJSON *answer, int want, const char *part, const char *what)
{
    cJSON *error = status != 200 ? cJSON_Parse(text) : NULL;
    const char *detail = error ? s(error, "detail") : text;
    CHECK_MSG(status == want && strstr(detail, part), "%s: %d %s (want %d, \"%s\")", what, status,
              text, want, part);
    cJSON_Delete(error);
    cJSON_Delete(answer);
}

static void wlans(void)
{
    mm_demo_overlay *ov = mm_demo_overlay_create();
    cJSON *made =
        req(ov, "POST", "{\"ssid\":\"Lab\",\"auth\":{\"type\":\"psk\",\"psk\":\"s3cret!!\"}}",
            "/api/v1/orgs/%s/wlans", org);
    char id[64];
    snprintf(id, sizeof id, "%s", s(made, "id"));
    CHECK_MSG(made && strlen(id) == 36 && strcmp(s(made, "org_id"), org) == 0 &&
                  strcmp(s(made, "ssid"), "Lab") == 0 &&
                  cJSON_GetObjectItemCaseSensitive(made, "created_time"),
              "created: %s", text);
    cJSON_Delete(made);
    cJSON *list = req(ov, "GET", NULL, "/api/v1/orgs/%s/wlans", org);
    CHECK_MSG(cJSON_GetArraySize(list) == 4 &&
                  strcmp(s(cJSON_GetArrayItem(list, 3), "id"), id) == 0,
              "the list ends with the new WLAN: %s", text);
    char guest[64];
    snprintf(guest, sizeof guest, "%s", s(mm_mcp_find(list, "ssid", "Guest"), "id"));
    cJSON_Delete(list);
    cJSON *one = req(ov, "GET", NULL, "/api/v1/orgs/%s/wlans/%s", org, id);
    CHECK_MSG(strcmp(s(one, "ssid"), "Lab") == 0, "fetched: %s", text);
    cJSON_Delete(one);

    /* Replace: the body's members over the object; the id stays. */
    cJSON *put = req(ov, "PUT", "{\"ssid\":\"Lab2\",\"vlan_id\":\"40\",\"id\":\"other\"}",
                     "/api/v1/orgs/%s/wlans/%s", org, id);
    CHECK_MSG(strcmp(s(put, "ssid"), "Lab2") == 0 && strcmp(s(put, "vlan_id"), "40") == 0 &&
                  strcmp(s(put, "id"), id) == 0 &&
                  strcmp(s(cJSON_GetObjectItemCaseSensitive(put, "auth"), "type"), "psk") == 0,
              "replaced: %s", text);
    cJSON_Delete(put);
    one = req(ov, "GET", NULL, "/api/v1/orgs/%s/wlans/%s", org, id);
    CHECK_MSG(strcmp(s(one, "ssid"), "Lab2") == 0, "the next GET: %s", text);
    cJSON_Delete(one);
    cJSON_Delete(req(ov, "PUT", "{\"ssid\":\"Guests\"}", "/api/v1/orgs/%s/wlans/%s", org, guest));
    list = req(ov, "GET", NULL, "/api/v1/orgs/%s/wlans", org);
    CHECK_MSG(strcmp(s(cJSON_GetArrayItem(list, 1), "ssid"), "Guests") == 0 &&
                  strcmp(s(cJSON_GetArrayItem(list, 1), "id"), guest) == 0 &&
                  strcmp(s(cJSON_GetArrayItem(list, 3), "ssid"), "Lab2") == 0,
              "a world WLAN changed in its place: %s", text);
    cJSON_Delete(list);

    /* Delete. */
    expect(req(ov, "DELETE", NULL, "/api/v1/orgs/%s/wlans/%s", org, id), 200, "", "delete");
    CHECK_MSG(strcmp(text, "") == 0, "a delete answers no content: %s", text);
    expect(req(ov, "GET", NULL, "/api/v1/orgs/%s/wlans/%s", org, id), 404,
           "was deleted in this session", "fetch after delete");
    expect(req(ov, "DELETE", NULL, "/api/v1/orgs/%s/wlans/%s", org, id), 404, "was deleted",
           "delete twice");
    expect(req(ov, "PUT", "{\"ssid\":\"x\"}", "/api/v1/orgs/%s/wlans/%s", org, id), 404,
           "was deleted", "replace after delete");
    list = req(ov, "GET", NULL, "/api/v1/orgs/%s/wlans", org);
    CHECK_MSG(cJSON_GetArraySize(list) == 3 && !mm_mcp_find(list, "id", id), "deleted: %s", text);
    cJSON_Delete(list);
    expect(req(ov, "GET", NULL, "/api/v1/orgs/%s/wlans/%s", org,
               "de300000-0000-4000-8000-0000000000aa"),
           404, "listOrgWlans lists its WLANs", "an unknown WLAN");
    expect(req(ov, "PUT", "{\"ssid\":\"x\"}", "/api/v1/orgs/%s/wlans/%s", org,
               "de300000-0000-4000-8000-0000000000aa"),
           404, "is not in the demo cloud", "replace an unknown WLAN");

    /* Another session: the world as it was. */
    mm_demo_overlay *other = mm_demo_overlay_create();
    list = req(other, "GET", NULL, "/api/v1/orgs/%s/wlans", org);
    CHECK_MSG(cJSON_GetArraySize(list) == 3 && mm_mcp_find(list, "ssid", "Guest"),
              "another session sees the world: %s", text);
    cJSON_Delete(list);
    list = req(NULL, "GET", NULL, "/api/v1/orgs/%s/wlans", org);
    CHECK(cJSON_GetArraySize(list) == 3 && mm_mcp_find(list, "ssid", "Guest"));
    cJSON_Delete(list);
    mm_demo_overlay_free(&other);

    /* Bad bodies: Mist's 400, naming the field; nothing kept. */
    static const char *const bad[][2] = {
        {"{\"ssid\":5}", "body.ssid: expected string, found number"},
        {"{}", "body: missing required member 'ssid'"},
        {"{\"ssid\":\"x\",\"auth\":{\"type\":\"wpa9\"}}",
         "body.auth.type: not one of the enum's values: \"eap\", "},
        {"{\"ssid\":\"x\",\"bands\":[\"24\",7]}", "body.bands[1]: "},
        {"{\"ssid\":", "the request body is not JSON"},
        {"{\"ssid\":\"x\"} trailing", "the request body is not JSON"},
    };
    size_t before = mm_demo_overlay_entries(ov);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect(req(ov, "POST", bad[i][0], "/api/v1/orgs/%s/wlans", org), 400, bad[i][1], bad[i][0]);
    expect(req(ov, "POST", NULL, "/api/v1/orgs/%s/wlans", org), 400,
           "missing required member 'ssid'", "a create without a body");
    expect(req(ov, "PUT", "{\"ssid\":[]}", "/api/v1/orgs/%s/wlans/%s", org, guest), 400,
           "body.ssid: expected string, found array", "a bad replace");
    CHECK(mm_demo_overlay_entries(ov) == before);
    one = req(ov, "GET", NULL, "/api/v1/orgs/%s/wlans/%s", org, guest);
    CHECK_MSG(strcmp(s(one, "ssid"), "Guests") == 0, "unchanged by the bad PUT: %s", text);
    cJSON_Delete(one);
    mm_demo_overlay_free(&ov);
}

static const cJSON *site_named(const char *name)
{
    return mm_mcp_find(world->sites, "name", name);
}

static void sites(void)
{
    mm_demo_overlay *ov = mm_demo_overlay_create();
    cJSON *made = req(ov, "POST", "{\"name\":\"Lisbon\",\"country_code\":\"PT\"}",
                      "/api/v1/orgs/%s/sites", org);
    char id[64];
    snprintf(id, sizeof id, "%s", s(made, "id"));
    cJSON_Delete(made);
    cJSON *one = req(ov, "GET", NULL, "/api/v1/sites/%s", id);
    CHECK_MSG(strcmp(s(one, "name"), "Lisbon") == 0, "the new site: %s", text);
    cJSON_Delete(one);
    cJSON *devices = req(ov, "GET", NULL, "/api/v1/sites/%s/devices", id);
    CHECK_MSG(status == 200 && cJSON_GetArraySize(devices) == 0, "its devices: %d %s", status,
              text);
    cJSON_Delete(devices);
    const char *london = s(site_named("London"), "id");
    expect(req(ov, "DELETE", NULL, "/api/v1/sites/%s", london), 200, "", "delete London");
    cJSON *list = req(ov, "GET", NULL, "/api/v1/orgs/%s/sites", org);
    CHECK_MSG(cJSON_GetArraySize(list) == 8 && !mm_mcp_find(list, "name", "London") &&
                  mm_mcp_find(list, "name", "Lisbon"),
              "listOrgSites: %s", text);
    cJSON_Delete(list);
    char gone[128];
    snprintf(gone, sizeof gone, "/api/v1/sites/%s was deleted in this session", london);
    expect(req(ov, "GET", NULL, "/api/v1/sites/%s/stats/devices", london), 404, gone,
           "London's stats");
    expect(req(ov, "PUT", "{\"name\":\"x\"}", "/api/v1/sites/%s", london), 404, gone,
           "replace London");
    expect(req(ov, "GET", NULL, "/api/v1/sites/%s/wlans/derived", london), 404, "deleted",
           "a spec answer under London");
    /* A PUT of the new site: its list shows it. */
    cJSON_Delete(req(ov, "PUT", "{\"name\":\"Lisboa\"}", "/api/v1/sites/%s", id));
    list = req(ov, "GET", NULL, "/api/v1/orgs/%s/sites", org);
    CHECK_MSG(mm_mcp_find(list, "name", "Lisboa") && !mm_mcp_find(list, "name", "Lisbon"),
              "renamed: %s", text);
    cJSON_Delete(list);
    mm_demo_overlay_free(&ov);
}

static void devices(void)
{
    mm_demo_overlay *ov = mm_demo_overlay_create();
    const cJSON *d = mm_mcp_find(world->devices, "name", "lon-ap-03");
    const char *id = s(d, "id"), *site = s(d, "site_id");
    cJSON *one = req(ov, "GET", NULL, "/api/v1/sites/%s/devices/%s", site, id);
    CHECK_MSG(strcmp(s(one, "name"), "lon-ap-03") == 0 && strcmp(s(one, "mac"), s(d, "mac")) == 0,
              "a device fetched has the world's name and MAC: %s", text);
    cJSON_Delete(one);
    expect(req(ov, "PUT", "{\"name\":7}", "/api/v1/sites/%s/devices/%s", site, id), 400,
           "body.name: expected string", "a device's bad name");
    cJSON *put = req(ov, "PUT", "{\"name\":\"lon-ap-lobby\",\"notes\":\"moved\"}",
                     "/api/v1/sites/%s/devices/%s", site, id);
    CHECK_MSG(strcmp(s(put, "name"), "lon-ap-lobby") == 0 && strcmp(s(put, "notes"), "moved") == 0,
              "renamed (no type: the discriminator lets it through): %s", text);
    cJSON_Delete(put);
    one = req(ov, "GET", NULL, "/api/v1/sites/%s/devices/%s", site, id);
    CHECK_MSG(strcmp(s(one, "name"), "lon-ap-lobby") == 0, "the next GET: %s", text);
    cJSON_Delete(one);
    static const char *const where[] = {
        "/api/v1/orgs/%s/stats/devices?type=all&limit=1000", "/api/v1/orgs/%s/inventory?limit=1000",
        "/api/v1/sites/%s/stats/devices", "/api/v1/sites/%s/devices"};
    for (int i = 0; i < 4; i++) {
        cJSON *list = req(ov, "GET", NULL, where[i], i < 2 ? org : site);
        CHECK_MSG(mm_mcp_find(list, "name", "lon-ap-lobby") &&
                      !mm_mcp_find(list, "name", "lon-ap-03"),
                  "%s: %s", where[i], text);
        cJSON_Delete(list);
    }
    cJSON *found = req(ov, "GET", NULL, "/api/v1/orgs/%s/devices/search?mac=%s", org, s(d, "mac"));
    const cJSON *hit = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(found, "results"), 0);
    CHECK_MSG(strcmp(s(hit, "last_hostname"), "lon-ap-lobby") == 0, "searchOrgDevices: %s", text);
    cJSON_Delete(found);
    /* A restart of a disconnected AP: the spec's answer (here none), nothing changed. */
    expect(req(ov, "POST", "{}", "/api/v1/sites/%s/devices/%s/restart", site, id), 200, "",
           "restart");
    cJSON *stats = req(ov, "GET", NULL, "/api/v1/sites/%s/stats/devices", site);
    CHECK_MSG(num(mm_mcp_find(stats, "id", id), "uptime") == 0 &&
                  num(mm_mcp_find(stats, "id", id), "last_seen") < MM_DEMO_NOW - 3600,
              "a disconnected AP is not restarted: %s", text);
    cJSON_Delete(stats);
    expect(req(ov, "POST", "{}", "/api/v1/sites/%s/devices/%s/restart", site,
               "00000000-0000-0000-1000-000000000000"),
           404, "is not in the demo cloud", "restart a device that is not there");
    mm_demo_overlay_free(&ov);
}

/* The stats of device id as the org's device stats, the site's and the device search show
 * them in session ov: 1 if each has uptime, last_seen and version (NULL: any). */
static int stats_show(mm_demo_overlay *ov, const cJSON *d, double uptime, double last_seen,
                      const char *version)
{
    const char *id = s(d, "id"), *site = s(d, "site_id");
    int ok = 1;
    for (int i = 0; i < 3; i++) {
        cJSON *r = i == 0   ? req(ov, "GET", NULL, "/api/v1/orgs/%s/stats/devices?type=all", org)
                   : i == 1 ? req(ov, "GET", NULL, "/api/v1/sites/%s/stats/devices?type=all", site)
                            : req(ov, "GET", NULL, "/api/v1/orgs/%s/devices/search?type=%s&mac=%s",
                                  org, s(d, "type"), s(d, "mac"));
        const cJSON *it =
            i < 2 ? mm_mcp_find(r, "id", id)
                  : cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r, "results"), 0);
        ok &= num(it, "uptime") == uptime &&
              num(it, i < 2 ? "last_seen" : "timestamp") == last_seen &&
              (!version || strcmp(s(it, "version"), version) == 0);
        cJSON_Delete(r);
    }
    return ok;
}

/* A restart and a firmware upgrade change the device's stats in the session that made them. */
static void actions(void)
{
    mm_demo_overlay *ov = mm_demo_overlay_create(), *other = mm_demo_overlay_create();
    const cJSON *ap = mm_mcp_find(world->device_stats, "name", "nyc-ap-02");
    const cJSON *sw = mm_mcp_find(world->device_stats, "name", "ber-sw-1");
    double up = num(ap, "uptime"), seen = num(ap, "last_seen");
    CHECK_MSG(up > 86400 && stats_show(ov, ap, up, seen, NULL), "before: up %.0f s", up);
    expect(
        req(ov, "POST", "{}", "/api/v1/sites/%s/devices/%s/restart", s(ap, "site_id"), s(ap, "id")),
        200, "", "restart nyc-ap-02");
    CHECK_MSG(stats_show(ov, ap, 0, MM_DEMO_NOW, "0.14.29543"), "restarted: up since now");
    CHECK_MSG(stats_show(other, ap, up, seen, NULL), "another session: not restarted");

    /* the old switch upgraded: the version asked for, restarted into it */
    expect(req(ov, "POST", "{\"version\":7}", "/api/v1/sites/%s/devices/%s/upgrade",
               s(sw, "site_id"), s(sw, "id")),
           400, "body.version", "an upgrade with a bad version");
    CHECK_MSG(stats_show(ov, sw, num(sw, "uptime"), num(sw, "last_seen"), "21.4R3-S6"),
              "a bad body changes nothing");
    cJSON *answer = req(ov, "POST", "{\"version\":\"23.4R2-S4\"}",
                        "/api/v1/sites/%s/devices/%s/upgrade", s(sw, "site_id"), s(sw, "id"));
    CHECK_MSG(status == 200, "upgradeDevice: %d %s", status, text);
    cJSON_Delete(answer);
    CHECK_MSG(stats_show(ov, sw, 0, MM_DEMO_NOW, "23.4R2-S4"), "ber-sw-1 upgraded");
    CHECK_MSG(stats_show(other, sw, num(sw, "uptime"), num(sw, "last_seen"), "21.4R3-S6"),
              "another session: not upgraded");

    /* several at once; one unknown device: none changed */
    const cJSON *a3 = mm_mcp_find(world->device_stats, "name", "nyc-ap-03");
    const cJSON *a4 = mm_mcp_find(world->device_stats, "name", "nyc-ap-04");
    char body[300];
    snprintf(body, sizeof body,
             "{\"device_ids\":[\"%s\",\"00000000-0000-0000-1000-000000000000\"],"
             "\"version\":\"0.14.30000\"}",
             s(a3, "id"));
    expect(req(ov, "POST", body, "/api/v1/sites/%s/devices/upgrade", s(a3, "site_id")), 404,
           "is not in the demo cloud", "an upgrade naming a device that is not there");
    CHECK_MSG(stats_show(ov, a3, num(a3, "uptime"), num(a3, "last_seen"), "0.14.29543"),
              "none upgraded");
    snprintf(body, sizeof body, "{\"device_ids\":[\"%s\",\"%s\"],\"version\":\"0.14.30000\"}",
             s(a3, "id"), s(a4, "id"));
    cJSON_Delete(req(ov, "POST", body, "/api/v1/sites/%s/devices/upgrade", s(a3, "site_id")));
    CHECK_MSG(status == 200 && stats_show(ov, a3, 0, MM_DEMO_NOW, "0.14.30000") &&
                  stats_show(ov, a4, 0, MM_DEMO_NOW, "0.14.30000"),
              "upgradeSiteDevices: %d %s", status, text);
    snprintf(body, sizeof body, "{\"device_ids\":[\"%s\"]}", s(a4, "id"));
    cJSON_Delete(req(ov, "POST", body, "/api/v1/sites/%s/devices/restart", s(a4, "site_id")));
    CHECK_MSG(status == 200 && stats_show(ov, a4, 0, MM_DEMO_NOW, "0.14.30000"),
              "restartSiteMultipleDevices: %d %s", status, text);
    mm_demo_overlay_free(&other);
    mm_demo_overlay_free(&ov);
}

static const cJSON *alarm_of(const cJSON *search, const char *type)
{
    return mm_mcp_find(cJSON_GetObjectItemCaseSensitive(search, "results"), "type", type);
}

static int acked(const cJSON *alarm)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(alarm, "acked"));
}

static void alarms(void)
{
    mm_demo_overlay *ov = mm_demo_overlay_create();
    const cJSON *wan = mm_mcp_find(world->alarms, "type", "gw_wan_down");
    const char *id = s(wan, "id"), *site = s(wan, "site_id");
    CHECK(!acked(wan));
    expect(req(ov, "POST", "{\"note\":\"ISP called\"}", "/api/v1/orgs/%s/alarms/%s/ack", org, id),
           200, "", "ack one");
    cJSON *found = req(ov, "GET", NULL, "/api/v1/orgs/%s/alarms/search", org);
    const cJSON *a = alarm_of(found, "gw_wan_down");
    CHECK_MSG(acked(a) && strcmp(s(a, "note"), "ISP called") == 0 &&
                  strcmp(s(a, "ack_admin_name"), "Demo Admin") == 0 &&
                  !acked(alarm_of(found, "device_down")),
              "searchOrgAlarms: %s", text);
    cJSON_Delete(found);
    found = req(ov, "GET", NULL, "/api/v1/sites/%s/alarms/search", site);
    CHECK_MSG(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(found, "results")) == 1 &&
                  acked(alarm_of(found, "gw_wan_down")),
              "searchSiteAlarms: %s", text);
    cJSON_Delete(found);
    char body[200];
    snprintf(body, sizeof body, "{\"alarm_ids\":[\"%s\",\"de300000-0000-4000-8000-0000000000bb\"]}",
             id);
    expect(req(ov, "POST", body, "/api/v1/orgs/%s/alarms/unack", org), 404,
           "alarm de300000-0000-4000-8000-0000000000bb is not in the demo cloud",
           "unack an unknown alarm");
    expect(req(ov, "POST", "{}", "/api/v1/orgs/%s/alarms/ack", org), 400,
           "missing required member 'alarm_ids'", "ack several without their ids");
    const char *other_site = s(site_named("Paris"), "id");
    expect(req(ov, "POST", "{}", "/api/v1/sites/%s/alarms/%s/ack", other_site, id), 404,
           "at this site", "an alarm of another site");
    expect(req(ov, "POST", "{}", "/api/v1/orgs/%s/alarms/ack_all", org), 200, "", "ack all");
    found = req(ov, "GET", NULL, "/api/v1/orgs/%s/alarms/search?acked=false", org);
    CHECK_MSG(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(found, "results")) == 0,
              "every alarm acked: %s", text);
    cJSON_Delete(found);
    expect(req(ov, "POST", NULL, "/api/v1/orgs/%s/alarms/unack_all", org), 200, "", "unack all");
    found = req(ov, "GET", NULL, "/api/v1/orgs/%s/alarms/search?acked=true", org);
    CHECK_MSG(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(found, "results")) == 0,
              "none acked: %s", text);
    cJSON_Delete(found);
    mm_demo_overlay_free(&ov);
}

/* The generic rule, on collections only the spec answers. */
static void spec_collections(void)
{
    mm_demo_overlay *ov = mm_demo_overlay_create();
    cJSON *before = req(ov, "GET", NULL, "/api/v1/orgs/%s/networks", org);
    int n = cJSON_GetArraySize(before);
    char listed[64];
    snprintf(listed, sizeof listed, "%s", s(cJSON_GetArrayItem(before, 0), "id"));
    cJSON_Delete(before);
    CHECK_MSG(n >= 1 && listed[0], "the spec's networks: %s", text);
    cJSON *made = req(ov, "POST", "{\"name\":\"lab-net\",\"subnet\":\"10.99.0.0/24\"}",
                      "/api/v1/orgs/%s/networks", org);
    char id[64];
    snprintf(id, sizeof id, "%s", s(made, "id"));
    cJSON_Delete(made);
    cJSON *put =
        req(ov, "PUT", "{\"name\":\"renamed\"}", "/api/v1/orgs/%s/networks/%s", org, listed);
    CHECK_MSG(strcmp(s(put, "name"), "renamed") == 0 && strcmp(s(put, "id"), listed) == 0,
              "a listed network replaced: %s", text);
    cJSON_Delete(put);
    cJSON *after = req(ov, "GET", NULL, "/api/v1/orgs/%s/networks", org);
    CHECK_MSG(cJSON_GetArraySize(after) == n + 1 && mm_mcp_find(after, "name", "lab-net") &&
                  strcmp(s(cJSON_GetArrayItem(after, 0), "name"), "renamed") == 0,
              "networks: %s", text);
    cJSON_Delete(after);
    cJSON *one = req(ov, "GET", NULL, "/api/v1/orgs/%s/networks/%s", org, id);
    CHECK_MSG(strcmp(s(one, "subnet"), "10.99.0.0/24") == 0, "the new network: %s", text);
    cJSON_Delete(one);
    expect(req(ov, "DELETE", NULL, "/api/v1/orgs/%s/networks/%s", org, listed), 200, "",
           "delete a listed network");
    after = req(ov, "GET", NULL, "/api/v1/orgs/%s/networks", org);
    CHECK_MSG(cJSON_GetArraySize(after) == n && !mm_mcp_find(after, "id", listed), "networks: %s",
              text);
    cJSON_Delete(after);
    expect(req(ov, "POST", "{\"name\":3}", "/api/v1/orgs/%s/networks", org), 400,
           "body.name: expected string", "a network's bad name");

    /* A singleton: the org's settings. */
    cJSON *set = req(ov, "PUT", "{\"ap_updown_threshold\":7}", "/api/v1/orgs/%s/setting", org);
    CHECK_MSG(set != NULL, "the settings replaced: %d %s", status, text);
    cJSON_Delete(set);
    cJSON *got = req(ov, "GET", NULL, "/api/v1/orgs/%s/setting", org);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(got, "ap_updown_threshold");
    CHECK_MSG(cJSON_IsNumber(t) && t->valuedouble == 7, "the next GET: %s", text);
    cJSON_Delete(got);
    expect(req(ov, "PUT", "{\"ap_updown_threshold\":\"soon\"}", "/api/v1/orgs/%s/setting", org),
           400, "body.ap_updown_threshold: expected", "a bad setting");

    /* No such write; another org. */
    expect(req(ov, "POST", "{}", "/api/v1/orgs/%s/stats/devices", org), 405,
           "the Mist API has no POST operation at", "a POST Mist does not take");
    expect(req(ov, "POST", "{\"ssid\":\"x\"}", "/api/v1/orgs/%s/wlans",
               "de300000-0000-4000-8000-0000000000cc"),
           404, "its org is", "another org");
    mm_demo_overlay_free(&ov);
}

static void limit(void)
{
    mm_demo_overlay *ov = mm_demo_overlay_create();
    size_t n = 60 * 1024;
    char *body = malloc(n + 64);
    int at = snprintf(body, n + 64, "{\"name\":\"big\",\"notes\":\"");
    memset(body + at, 'x', n);
    strcpy(body + at + n, "\"}");
    int made = 0;
    for (int i = 0; i < 5; i++) {
        cJSON_Delete(req(ov, "POST", body, "/api/v1/orgs/%s/sites", org));
        if (status != 200)
            break;
        made++;
    }
    CHECK_MSG(made == 3 && status == 413 && strstr(text, "224 KB") && strstr(text, "start a new"),
              "%d made, then %d %s", made, status, text);
    CHECK(mm_demo_overlay_bytes(ov) <= MM_DEMO_OVERLAY_MAX_BYTES);
    free(body);
    mm_demo_overlay_free(&ov);
}

/* A session with a few writes: a WLAN created, a device renamed, a site deleted, an alarm
 * acked. */
static void few_writes(mm_demo_overlay *ov)
{
    const cJSON *d = cJSON_GetArrayItem(world->devices, 5);
    cJSON_Delete(req(ov, "POST", "{\"ssid\":\"Lab\",\"auth\":{\"type\":\"open\"}}",
                     "/api/v1/orgs/%s/wlans", org));
    cJSON_Delete(req(ov, "PUT", "{\"name\":\"renamed\"}", "/api/v1/sites/%s/devices/%s",
                     s(d, "site_id"), s(d, "id")));
    cJSON_Delete(req(ov, "DELETE", NULL, "/api/v1/sites/%s", s(site_named("Sydney"), "id")));
    cJSON_Delete(req(ov, "POST", "{}", "/api/v1/orgs/%s/alarms/%s/ack", org,
                     s(cJSON_GetArrayItem(world->alarms, 0), "id")));
}

static void memory(void)
{
    enum { SESSIONS = 200 };
    mm_demo_overlay *ov[SESSIONS];
    /* The body schemas' document is parsed by the first write: not a session's cost. */
    mm_demo_overlay *warm = mm_demo_overlay_create();
    few_writes(warm);
    mm_demo_overlay_free(&warm);
    free(text);
    text = NULL;
    struct mallinfo2 m0 = mallinfo2();
    size_t counted = 0;
    for (int i = 0; i < SESSIONS; i++) {
        ov[i] = mm_demo_overlay_create();
        few_writes(ov[i]);
        counted += mm_demo_overlay_bytes(ov[i]);
    }
    free(text);
    text = NULL;
    struct mallinfo2 m1 = mallinfo2();
    size_t per = (m1.uordblks - m0.uordblks) / SESSIONS;
    printf("demo memory: a session with 4 writes holds %zu bytes (%zu counted by the overlay)\n",
           per, counted / SESSIONS);
    if (m1.uordblks == m0.uordblks) { /* a sanitizer's or valgrind's allocator: no figure */
        puts("demo memory: not measured under this allocator");
    } else {
        CHECK_MSG(per <= 256 * 1024 && per >= counted / SESSIONS / 2 &&
                      per <= 2 * counted / SESSIONS + 1024,
                  "%zu bytes a session, %zu counted", per, counted / SESSIONS);
    }
    for (int i = 0; i < SESSIONS; i++)
        mm_demo_overlay_free(&ov[i]);

    /* The most a session may hold: sites created until the overlay refuses one. */
    m0 = mallinfo2();
    mm_demo_overlay *full = mm_demo_overlay_create();
    char body[8200];
    int at = snprintf(body, sizeof body, "{\"name\":\"site\",\"notes\":\"");
    memset(body + at, 'n', 8000);
    strcpy(body + at + 8000, "\"}");
    for (status = 200; status == 200;)
        cJSON_Delete(req(full, "POST", body, "/api/v1/orgs/%s/sites", org));
    free(text);
    text = NULL;
    m1 = mallinfo2();
    size_t held = m1.uordblks - m0.uordblks;
    printf("demo memory: a session at its limit holds %zu bytes (%zu counted, %zu objects)\n", held,
           mm_demo_overlay_bytes(full), mm_demo_overlay_entries(full));
    if (m1.uordblks != m0.uordblks)
        CHECK_MSG(held <= 256 * 1024, "a full session holds %zu bytes", held);
    mm_demo_overlay_free(&full);
}

int main(void)
{
    world = mm_demo_world_create();
    bodies = mm_demo_bodies_create();
    org = world->org_id;
    wlans();
    sites();
    devices();
    actions();
    alarms();
    spec_collections();
    limit();
    memory();
    free(text);
    mm_demo_bodies_free(&bodies);
    mm_demo_world_free(&world);
    return check_summary();
}
