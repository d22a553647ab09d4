/*
 * The demo organisation, built from fixed tables and a seeded generator (splitmix64), so that
 * every start gives the same world. The problems it holds (docs/DEMO.md):
 *   - three APs offline: two in London, one in Paris (status "disconnected", no clients);
 *   - one switch on an old firmware: ber-sw-1 runs 21.4R3-S6, the others 23.4R2-S4;
 *   - an active, unacknowledged critical alarm: the Austin gateway's WAN link is down;
 *   - clients failing 802.1X on the Corp WLAN in New York (a warning alarm names the SSID,
 *     and the clients' events show each failure: demo/events.h).
 */
#include "demo/world.h"

#include "base/util.h"
#include "demo/ap_detail.h"
#include "demo/events.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int below(rng *r, int n) /* 0 .. n-1 */
{
    return (int)(next(r) % (uint64_t)n);
}

static void uuid(rng *r, char out[37])
{
    uint64_t a = next(r), b = next(r);
    snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
             (unsigned)(a >> 16) & 0xffffu, (unsigned)a & 0xfffu,
             0x8000u | ((unsigned)(b >> 48) & 0x3fffu),
             (unsigned long long)(b & 0xffffffffffffull));
}

static const struct site_row {
    const char *name, *code, *country, *tz, *address;
    double lat, lng;
    int aps, switches, gateways;
} site_rows[] = {
    {"HQ San Francisco", "sfo", "US", "America/Los_Angeles", "415 Mission St, San Francisco, CA",
     37.7898, -122.3969, 12, 3, 1},
    {"Austin Office", "aus", "US", "America/Chicago", "500 W 2nd St, Austin, TX", 30.2651, -97.7484,
     9, 2, 1},
    {"New York Sales", "nyc", "US", "America/New_York", "11 Times Sq, New York, NY", 40.7566,
     -73.9880, 8, 2, 1},
    {"London", "lon", "GB", "Europe/London", "1 Poultry, London EC2R 8EJ", 51.5134, -0.0903, 8, 1,
     1},
    {"Paris", "par", "FR", "Europe/Paris", "8 Rue de Londres, 75009 Paris", 48.8767, 2.3298, 7, 1,
     1},
    {"Berlin Lab", "ber", "DE", "Europe/Berlin", "Friedrichstrasse 68, 10117 Berlin", 52.5101,
     13.3894, 6, 1, 1},
    {"Tokyo", "tyo", "JP", "Asia/Tokyo", "1-1-2 Oshiage, Sumida, Tokyo", 35.7101, 139.8107, 6, 1,
     0},
    {"Sydney", "syd", "AU", "Australia/Sydney", "1 Martin Pl, Sydney NSW 2000", -33.8678, 151.2073,
     4, 1, 0},
};
#define SITES (sizeof site_rows / sizeof site_rows[0])

/* The problems, by device name. */
static int offline(const char *name)
{
    return strcmp(name, "lon-ap-03") == 0 || strcmp(name, "lon-ap-07") == 0 ||
           strcmp(name, "par-ap-02") == 0;
}
#define AP_VERSION "0.14.29543"
#define SWITCH_VERSION "23.4R2-S4"
#define OLD_SWITCH_VERSION "21.4R3-S6"
#define GATEWAY_VERSION "23.4R2-S3"

static const char *const wlan_rows[][3] = {
    /* ssid, auth type, vlan */
    {"Corp", "eap", "10"},
    {"Guest", "open", "20"},
    {"IoT", "psk", "30"},
};

static cJSON *str_array1(const char *s)
{
    cJSON *a = cJSON_CreateArray();
    cJSON_AddItemToArray(a, cJSON_CreateString(s));
    return a;
}

/* A client search result's pair for key: "last_<key>" the value, "<key>" the values seen (the
 * demo's clients have one). */
static void add_last(cJSON *c, const char *key, const char *value)
{
    char last[48];
    snprintf(last, sizeof last, "last_%s", key);
    cJSON_AddStringToObject(c, last, value);
    cJSON_AddItemToObject(c, key, str_array1(value));
}

static void mac_text(uint64_t mac, char out[13])
{
    snprintf(out, 13, "%012llx", (unsigned long long)(mac & 0xffffffffffffull));
}

static cJSON *make_site(rng *r, const struct site_row *row, const char *org_id, char id[37])
{
    uuid(r, id);
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "id", id);
    cJSON_AddStringToObject(s, "name", row->name);
    cJSON_AddStringToObject(s, "org_id", org_id);
    cJSON_AddStringToObject(s, "country_code", row->country);
    cJSON_AddStringToObject(s, "timezone", row->tz);
    cJSON_AddStringToObject(s, "address", row->address);
    cJSON *ll = cJSON_AddObjectToObject(s, "latlng");
    cJSON_AddNumberToObject(ll, "lat", row->lat);
    cJSON_AddNumberToObject(ll, "lng", row->lng);
    cJSON_AddArrayToObject(s, "sitegroup_ids");
    cJSON_AddNumberToObject(s, "created_time", MM_DEMO_NOW - 400 * 86400);
    cJSON_AddNumberToObject(s, "modified_time", MM_DEMO_NOW - 30 * 86400);
    return s;
}

typedef struct device_spec {
    const char *type, *model, *version;
    char name[32];
} device_spec;

/* A new object with what every view of a device starts with: its ids, name, type and model. */
static cJSON *device_identity(const device_spec *d, const char *id, const char *mac,
                              const char *serial, const char *site_id, const char *org_id)
{
    cJSON *o = cJSON_CreateObject();
    const char *fields[][2] = {{"id", id},           {"name", d->name}, {"type", d->type},
                               {"model", d->model},  {"mac", mac},      {"serial", serial},
                               {"site_id", site_id}, {"org_id", org_id}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        cJSON_AddStringToObject(o, fields[i][0], fields[i][1]);
    return o;
}

/* Adds one device (config, stats and inventory entries); returns its stats object. */
static cJSON *add_device(mm_demo_world *w, rng *r, const device_spec *d, const char *site_id,
                         uint64_t mac_value, char mac[13])
{
    mac_text(mac_value, mac);
    char id[40], serial[16];
    snprintf(id, sizeof id, "00000000-0000-0000-1000-%s", mac);
    snprintf(serial, sizeof serial, "%s%08u",
             strcmp(d->type, "ap") == 0       ? "A0"
             : strcmp(d->type, "switch") == 0 ? "EX"
                                              : "SR",
             (unsigned)(next(r) % 100000000u));
    int down = offline(d->name);

    cJSON *cfg = device_identity(d, id, mac, serial, site_id, w->org_id);
    cJSON_AddNumberToObject(cfg, "created_time", MM_DEMO_NOW - 300 * 86400);
    cJSON_AddNumberToObject(cfg, "modified_time", MM_DEMO_NOW - 7 * 86400);
    cJSON_AddItemToArray(w->devices, cfg);

    cJSON *st = device_identity(d, id, mac, serial, site_id, w->org_id);
    cJSON_AddStringToObject(st, "status", down ? "disconnected" : "connected");
    cJSON_AddStringToObject(st, "version", d->version);
    char ip[48];
    snprintf(ip, sizeof ip, "10.%d.%d.%d", 1 + below(r, 8), below(r, 250), 10 + below(r, 240));
    cJSON_AddStringToObject(st, "ip", ip);
    cJSON_AddNumberToObject(st, "uptime", down ? 0 : 86400 * (3 + below(r, 60)));
    cJSON_AddNumberToObject(st, "last_seen",
                            down ? MM_DEMO_NOW - 3600 * (2 + below(r, 40))
                                 : MM_DEMO_NOW - below(r, 60));
    cJSON_AddNumberToObject(st, "created_time", MM_DEMO_NOW - 300 * 86400);
    cJSON_AddNumberToObject(st, "modified_time", MM_DEMO_NOW - 7 * 86400);
    cJSON_AddItemToArray(w->device_stats, st);

    cJSON *inv = device_identity(d, id, mac, serial, site_id, w->org_id);
    cJSON_AddBoolToObject(inv, "connected", !down);
    cJSON_AddBoolToObject(inv, "adopted", 1);
    cJSON_AddNumberToObject(inv, "created_time", MM_DEMO_NOW - 300 * 86400);
    cJSON_AddNumberToObject(inv, "modified_time", MM_DEMO_NOW - 7 * 86400);
    cJSON_AddItemToArray(w->inventory, inv);
    return st;
}

static const char *const first_names[] = {"alex",  "sam",   "maria", "chen",  "priya", "lucas",
                                          "emma",  "yuki",  "omar",  "sofia", "noah",  "lea",
                                          "david", "aisha", "jonas", "mia"};
static const char *const devices_kinds[][4] = {
    /* hostname prefix, os, manufacturer, model */
    {"macbook", "macOS", "Apple", "MacBookPro18,3"}, {"iphone", "iOS", "Apple", "iPhone15,2"},
    {"laptop", "Windows", "Dell", "Latitude 7440"},  {"pixel", "Android", "Google", "Pixel 8"},
    {"ipad", "iPadOS", "Apple", "iPad13,4"},
};

static const char *const iot_kind[4] = {"", "Linux", "Espressif", "ESP32"};

static void add_wireless_client(mm_demo_world *w, rng *r, const char *site_id, const char *ap_mac,
                                int site_index, int n, int wlan)
{
    char mac[13], host[48], ip[48], user[64];
    mac_text(0x3c22fb000000ull | ((uint64_t)site_index << 16) | (uint64_t)n, mac);
    const char *who = first_names[below(r, 16)];
    const char *const *kind = devices_kinds[below(r, 5)];
    const char *ssid = wlan_rows[wlan][0];
    if (wlan == 2) { /* IoT */
        static const char *const iot[] = {"printer", "thermostat", "camera", "badge-reader"};
        snprintf(host, sizeof host, "%s-%s-%02d", iot[below(r, 4)], site_rows[site_index].code, n);
        kind = iot_kind;
    } else {
        snprintf(host, sizeof host, "%s-%s-%s%d", kind[0], who, site_rows[site_index].code, n);
    }
    snprintf(ip, sizeof ip, "10.%d.%s.%d", site_index + 1, wlan_rows[wlan][2], 20 + n % 200);
    snprintf(user, sizeof user, "%s@demo-networks.example", who);
    const cJSON *wl = cJSON_GetArrayItem(w->wlans, wlan);
    const char *wlan_id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(wl, "id"));

    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "mac", mac);
    cJSON_AddStringToObject(c, "org_id", w->org_id);
    cJSON_AddStringToObject(c, "site_id", site_id);
    cJSON_AddItemToObject(c, "site_ids", str_array1(site_id));
    add_last(c, "hostname", host);
    add_last(c, "ap", ap_mac);
    add_last(c, "ssid", ssid);
    add_last(c, "wlan_id", wlan_id);
    add_last(c, "ip", ip);
    cJSON_AddNumberToObject(c, "last_vlan", atoi(wlan_rows[wlan][2]));
    add_last(c, "os", kind[1]);
    cJSON_AddStringToObject(c, "mfg", kind[2]);
    cJSON_AddStringToObject(c, "last_model", kind[3]);
    if (wlan == 0) {
        add_last(c, "username", user);
    }
    static const char *const bands[] = {"5", "24", "6"};
    cJSON_AddStringToObject(c, "band", bands[below(r, 3)]);
    cJSON_AddStringToObject(c, "protocol", "ax");
    cJSON_AddBoolToObject(c, "random_mac", wlan == 1 && below(r, 2));
    cJSON_AddNumberToObject(c, "timestamp", MM_DEMO_NOW - below(r, 3600));
    cJSON_AddItemToArray(w->clients, c);
}

static cJSON *make_wlan(rng *r, const char *org_id, int i)
{
    char id[37];
    uuid(r, id);
    cJSON *wl = cJSON_CreateObject();
    cJSON_AddStringToObject(wl, "id", id);
    cJSON_AddStringToObject(wl, "ssid", wlan_rows[i][0]);
    cJSON_AddStringToObject(wl, "org_id", org_id);
    cJSON_AddBoolToObject(wl, "enabled", 1);
    cJSON *auth = cJSON_AddObjectToObject(wl, "auth");
    cJSON_AddStringToObject(auth, "type", wlan_rows[i][1]);
    if (i == 2)
        cJSON_AddItemToObject(auth, "pairwise", str_array1("wpa2-ccmp"));
    cJSON_AddBoolToObject(wl, "vlan_enabled", 1);
    cJSON_AddStringToObject(wl, "vlan_id", wlan_rows[i][2]);
    cJSON *bands = cJSON_AddArrayToObject(wl, "bands");
    cJSON_AddItemToArray(bands, cJSON_CreateString("24"));
    cJSON_AddItemToArray(bands, cJSON_CreateString("5"));
    if (i == 1) {
        cJSON *portal = cJSON_AddObjectToObject(wl, "portal");
        cJSON_AddBoolToObject(portal, "enabled", 1);
        cJSON_AddStringToObject(portal, "auth", "none");
        cJSON_AddBoolToObject(wl, "isolation", 1);
    }
    cJSON_AddStringToObject(wl, "apply_to", "site");
    cJSON_AddNumberToObject(wl, "created_time", MM_DEMO_NOW - 200 * 86400);
    cJSON_AddNumberToObject(wl, "modified_time", MM_DEMO_NOW - 20 * 86400);
    return wl;
}

static void add_alarm(mm_demo_world *w, rng *r, const char *site_id, const char *type,
                      const char *group, const char *severity, int count, cJSON *details)
{
    char id[37];
    uuid(r, id);
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "id", id);
    cJSON_AddStringToObject(a, "org_id", w->org_id);
    cJSON_AddStringToObject(a, "site_id", site_id);
    cJSON_AddStringToObject(a, "type", type);
    cJSON_AddStringToObject(a, "group", group);
    cJSON_AddStringToObject(a, "severity", severity);
    cJSON_AddNumberToObject(a, "count", count);
    cJSON_AddBoolToObject(a, "acked", 0);
    cJSON_AddStringToObject(a, "status", "open");
    cJSON_AddNumberToObject(a, "timestamp", MM_DEMO_NOW - 5400);
    cJSON_AddNumberToObject(a, "last_seen", MM_DEMO_NOW - 120);
    for (cJSON *d = details ? details->child : NULL; d;) {
        cJSON *n = d->next;
        cJSON_AddItemToObject(a, d->string, cJSON_DetachItemViaPointer(details, d));
        d = n;
    }
    cJSON_Delete(details);
    cJSON_AddItemToArray(w->alarms, a);
}

mm_demo_world *mm_demo_world_create(void)
{
    mm_demo_world *w = mm_xcalloc(1, sizeof *w);
    rng r = {0x6d6973746d6370ull}; /* "mistmcp" */
    uuid(&r, w->org_id);
    w->sites = cJSON_CreateArray();
    w->devices = cJSON_CreateArray();
    w->device_stats = cJSON_CreateArray();
    w->inventory = cJSON_CreateArray();
    w->wlans = cJSON_CreateArray();
    w->clients = cJSON_CreateArray();
    w->wired_clients = cJSON_CreateArray();
    w->alarms = cJSON_CreateArray();

    w->org = cJSON_CreateObject();
    cJSON_AddStringToObject(w->org, "id", w->org_id);
    cJSON_AddStringToObject(w->org, "name", "Demo Networks");
    cJSON_AddNumberToObject(w->org, "created_time", MM_DEMO_NOW - 500 * 86400);
    cJSON_AddNumberToObject(w->org, "modified_time", MM_DEMO_NOW - 30 * 86400);

    w->self = cJSON_CreateObject();
    char admin_id[37];
    uuid(&r, admin_id);
    cJSON_AddStringToObject(w->self, "admin_id", admin_id);
    cJSON_AddStringToObject(w->self, "email", "demo@demo-networks.example");
    cJSON_AddStringToObject(w->self, "first_name", "Demo");
    cJSON_AddStringToObject(w->self, "last_name", "Admin");
    cJSON_AddStringToObject(w->self, "name", "Demo Admin");
    cJSON_AddBoolToObject(w->self, "two_factor_verified", 0);
    cJSON *priv = cJSON_CreateObject();
    cJSON_AddStringToObject(priv, "scope", "org");
    cJSON_AddStringToObject(priv, "org_id", w->org_id);
    cJSON_AddStringToObject(priv, "name", "Demo Networks");
    cJSON_AddStringToObject(priv, "role", "admin");
    cJSON *privileges = cJSON_AddArrayToObject(w->self, "privileges");
    cJSON_AddItemToArray(privileges, priv);

    for (int i = 0; i < 3; i++)
        cJSON_AddItemToArray(w->wlans, make_wlan(&r, w->org_id, i));

    int client_n = 0;
    for (size_t s = 0; s < SITES; s++) {
        const struct site_row *row = &site_rows[s];
        char site_id[37];
        cJSON_AddItemToArray(w->sites, make_site(&r, row, w->org_id, site_id));
        for (int k = 0; k < row->switches; k++) {
            device_spec d = {"switch", k == 0 ? "EX4100-48P" : "EX4100-24P",
                             strcmp(row->code, "ber") == 0 ? OLD_SWITCH_VERSION : SWITCH_VERSION,
                             ""};
            snprintf(d.name, sizeof d.name, "%s-sw-%d", row->code, k + 1);
            char mac[13];
            cJSON *st = add_device(w, &r, &d, site_id,
                                   0x4c9614000000ull | ((uint64_t)s << 8) | (uint64_t)k, mac);
            cJSON_AddNumberToObject(st, "num_ports", k == 0 ? 48 : 24);
        }
        char gw_mac[13] = "";
        for (int k = 0; k < row->gateways; k++) {
            device_spec d = {"gateway", "SRX320", GATEWAY_VERSION, ""};
            snprintf(d.name, sizeof d.name, "%s-gw-%d", row->code, k + 1);
            add_device(w, &r, &d, site_id, 0x78507c000000ull | ((uint64_t)s << 8) | (uint64_t)k,
                       gw_mac);
        }
        for (int k = 0; k < row->aps; k++) {
            device_spec d = {"ap", k % 3 == 2 ? "AP34" : "AP45", AP_VERSION, ""};
            snprintf(d.name, sizeof d.name, "%s-ap-%02d", row->code, k + 1);
            char mac[13];
            cJSON *st = add_device(w, &r, &d, site_id,
                                   0x5c5b35000000ull | ((uint64_t)s << 8) | (uint64_t)k, mac);
            int clients = offline(d.name) ? 0 : 2 + below(&r, 9);
            for (int c = 0; c < clients; c++, client_n++) {
                int wlan = below(&r, 10);
                add_wireless_client(w, &r, site_id, mac, (int)s, client_n,
                                    wlan < 6   ? 0
                                    : wlan < 9 ? 1
                                               : 2);
            }
            cJSON_AddNumberToObject(st, "num_clients", clients);
            if (!offline(d.name)) { /* an offline AP's object has no live detail */
                char uplink[32];
                snprintf(uplink, sizeof uplink, "%s-sw-1", row->code);
                mm_demo_ap_detail(st, mac, d.model, clients, uplink, 30 + k);
            }
        }
        /* Wired clients behind the site's first switch: printers, phones, desktops. */
        const cJSON *sw = NULL;
        for (const cJSON *d = w->device_stats->child; d; d = d->next)
            if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "site_id")),
                       site_id) == 0 &&
                strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "type")),
                       "switch") == 0) {
                sw = d;
                break;
            }
        const char *sw_mac = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(sw, "mac"));
        for (int k = 0; k < 6 + below(&r, 10); k++) {
            static const char *const wired[] = {"desk", "printer", "voip", "kiosk"};
            char mac[13], host[48], port[32];
            mac_text(0x00155d000000ull | ((uint64_t)s << 12) | (uint64_t)k, mac);
            snprintf(host, sizeof host, "%s-%s-%02d", wired[k % 4], row->code, k + 1);
            snprintf(port, sizeof port, "ge-0/0/%d", 10 + k);
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "mac", mac);
            cJSON_AddStringToObject(c, "org_id", w->org_id);
            cJSON_AddStringToObject(c, "site_id", site_id);
            cJSON_AddItemToObject(c, "device_mac", str_array1(sw_mac));
            cJSON_AddItemToObject(c, "port_id", str_array1(port));
            cJSON_AddStringToObject(c, "dhcp_hostname", host);
            cJSON_AddItemToObject(c, "vlan", cJSON_CreateIntArray((const int[]){10}, 1));
            cJSON_AddNumberToObject(c, "timestamp", MM_DEMO_NOW - below(&r, 3600));
            cJSON_AddItemToArray(w->wired_clients, c);
        }
        if (strcmp(row->code, "aus") == 0) {
            cJSON *d = cJSON_CreateObject();
            cJSON_AddItemToObject(d, "gateways", str_array1(gw_mac));
            cJSON_AddItemToObject(d, "hostnames", str_array1("aus-gw-1"));
            cJSON_AddStringToObject(d, "note", "WAN port ge-0/0/0 (ISP 1) is down");
            add_alarm(w, &r, site_id, "gw_wan_down", "infrastructure", "critical", 1, d);
        }
        if (strcmp(row->code, "nyc") == 0) {
            cJSON *d = cJSON_CreateObject();
            cJSON_AddItemToObject(d, "ssids", str_array1("Corp"));
            cJSON_AddStringToObject(
                d, "note",
                "802.1X authentications failing on Corp: RADIUS server " MM_DEMO_RADIUS_SERVER
                " rejects (certificate expired)");
            add_alarm(w, &r, site_id, "auth_failure_surge", "marvis", "warn", 37, d);
        }
        if (strcmp(row->code, "lon") == 0 || strcmp(row->code, "par") == 0) {
            cJSON *d = cJSON_CreateObject();
            cJSON *aps = cJSON_AddArrayToObject(d, "aps");
            for (const cJSON *st = w->device_stats->child; st; st = st->next)
                if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "site_id")),
                           site_id) == 0 &&
                    offline(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "name"))))
                    cJSON_AddItemToArray(aps, cJSON_CreateString(cJSON_GetStringValue(
                                                  cJSON_GetObjectItemCaseSensitive(st, "mac"))));
            add_alarm(w, &r, site_id, "device_down", "infrastructure", "warn",
                      cJSON_GetArraySize(aps), d);
        }
    }
    w->events = mm_demo_events_create();
    return w;
}

void mm_demo_world_free(mm_demo_world **wp)
{
    mm_demo_world *w = *wp;
    if (!w)
        return;
    cJSON *all[] = {w->self,      w->org,   w->sites,   w->devices,       w->device_stats,
                    w->inventory, w->wlans, w->clients, w->wired_clients, w->alarms};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        cJSON_Delete(all[i]);
    mm_demo_events_free(&w->events);
    free(w);
    *wp = NULL;
}

const cJSON *mm_demo_find_id(const cJSON *array, const char *id)
{
    for (const cJSON *it = array ? array->child : NULL; it; it = it->next) {
        const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "id"));
        if (v && id && strcmp(v, id) == 0)
            return it;
    }
    return NULL;
}
