/*
 * The world's objects as other endpoints show them (demo/views.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/views.h"

#include "demo/answer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Radio figures from the MAC: the same every start, different between clients. */
static int spread(const cJSON *client)
{
    const char *mac = mm_demo_str(client, "mac");
    return mac && strlen(mac) == 12 ? (int)(strtoul(mac + 8, NULL, 16) % 30) : 0;
}

int mm_demo_client_rssi(const cJSON *client)
{
    return -42 - spread(client);
}

int mm_demo_client_channel(const cJSON *client)
{
    const char *band = mm_demo_str(client, "band");
    return band && strcmp(band, "24") == 0  ? 6
           : band && strcmp(band, "6") == 0 ? 37
                                            : 36 + 4 * (spread(client) % 8);
}

cJSON *mm_demo_client_stats(const mm_demo_world *w, const char *site)
{
    cJSON *out = cJSON_CreateArray();
    for (const cJSON *c = w->clients->child; c; c = c->next) {
        if (site && strcmp(mm_demo_str(c, "site_id"), site) != 0)
            continue;
        cJSON *s = cJSON_CreateObject();
        const char *keys[][2] = {{"mac", "mac"},        {"hostname", "last_hostname"},
                                 {"ssid", "last_ssid"}, {"wlan_id", "last_wlan_id"},
                                 {"ap_mac", "last_ap"}, {"ip", "last_ip"},
                                 {"os", "last_os"},     {"username", "last_username"},
                                 {"band", "band"},      {"site_id", "site_id"},
                                 {"proto", "protocol"}, {"manufacture", "mfg"}};
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
            if (mm_demo_str(c, keys[i][1]))
                cJSON_AddStringToObject(s, keys[i][0], mm_demo_str(c, keys[i][1]));
        char ap_id[40];
        snprintf(ap_id, sizeof ap_id, "00000000-0000-0000-1000-%s", mm_demo_str(c, "last_ap"));
        cJSON_AddStringToObject(s, "ap_id", ap_id);
        const char *ssid = mm_demo_str(c, "last_ssid");
        int rssi = mm_demo_client_rssi(c);
        cJSON_AddNumberToObject(s, "channel", mm_demo_client_channel(c));
        cJSON_AddNumberToObject(s, "rssi", rssi);
        cJSON_AddNumberToObject(s, "snr", rssi + 92);
        cJSON_AddBoolToObject(s, "is_guest", strcmp(ssid, "Guest") == 0);
        cJSON_AddStringToObject(s, "key_mgmt",
                                strcmp(ssid, "Corp") == 0  ? "WPA2-EAP/CCMP"
                                : strcmp(ssid, "IoT") == 0 ? "WPA2-PSK/CCMP"
                                                           : "NONE");
        cJSON_AddNumberToObject(s, "last_seen", mm_demo_num(c, "timestamp"));
        cJSON_AddItemToArray(out, s);
    }
    return out;
}

cJSON *mm_demo_device_search(const cJSON *stats)
{
    cJSON *out = cJSON_CreateArray();
    for (const cJSON *d = stats ? stats->child : NULL; d; d = d->next) {
        cJSON *s = cJSON_CreateObject();
        const char *type = mm_demo_str(d, "type"), *name = mm_demo_str(d, "name");
        static const char *const same[] = {"mac", "model", "site_id", "org_id", "version", "ip"};
        for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
            cJSON_AddStringToObject(s, same[i], mm_demo_str(d, same[i]));
        cJSON *host = cJSON_AddArrayToObject(s, "hostname");
        cJSON_AddItemToArray(host, cJSON_CreateString(name));
        cJSON_AddStringToObject(s, "last_hostname", name);
        cJSON_AddNumberToObject(s, "uptime", mm_demo_num(d, "uptime"));
        cJSON_AddNumberToObject(s, "timestamp", mm_demo_num(d, "last_seen"));
        if (strcmp(type, "ap") == 0) { /* ap_search has no type; these it requires */
            cJSON_AddBoolToObject(s, "power_constrained", 0);
            cJSON_AddStringToObject(s, "power_opmode", "[20] 6GHz 2x2 - 5GHz 4x4 - 2.4GHz 2x2");
            cJSON_AddStringToObject(s, "mxtunnel_status", "down");
            cJSON_AddArrayToObject(s, "wlans");
        } else {
            cJSON_AddStringToObject(s, "type", type);
        }
        cJSON_AddItemToArray(out, s);
    }
    return out;
}

/* Minutes east of UTC at the world's "now" (December: northern winter, southern summer). */
static int tz_offset(const char *tz)
{
    static const struct {
        const char *tz;
        int minutes;
    } offsets[] = {{"America/Los_Angeles", -480}, {"America/Chicago", -360},
                   {"America/New_York", -300},    {"Europe/London", 0},
                   {"Europe/Paris", 60},          {"Europe/Berlin", 60},
                   {"Asia/Tokyo", 540},           {"Australia/Sydney", 660}};
    for (size_t i = 0; tz && i < sizeof offsets / sizeof offsets[0]; i++)
        if (strcmp(offsets[i].tz, tz) == 0)
            return offsets[i].minutes;
    return 0;
}

cJSON *mm_demo_site_stats(const mm_demo_world *w, const char *site)
{
    cJSON *out = cJSON_CreateArray();
    for (const cJSON *s = w->sites->child; s; s = s->next) {
        const char *id = mm_demo_str(s, "id");
        if (site && strcmp(site, id) != 0)
            continue;
        cJSON *st = cJSON_Duplicate(s, 1);
        cJSON_AddNumberToObject(st, "tzoffset", tz_offset(mm_demo_str(s, "timezone")));
        static const char *const types[] = {"ap", "switch", "gateway"};
        int total = 0, connected = 0;
        for (size_t t = 0; t < 3; t++) {
            int n = 0, up = 0;
            for (const cJSON *d = w->device_stats->child; d; d = d->next)
                if (strcmp(mm_demo_str(d, "site_id"), id) == 0 &&
                    strcmp(mm_demo_str(d, "type"), types[t]) == 0) {
                    n++;
                    up += strcmp(mm_demo_str(d, "status"), "connected") == 0;
                }
            char key[32];
            snprintf(key, sizeof key, "num_%s", types[t]);
            cJSON_AddNumberToObject(st, key, n);
            snprintf(key, sizeof key, "num_%s_connected", types[t]);
            cJSON_AddNumberToObject(st, key, up);
            total += n;
            connected += up;
        }
        cJSON_AddNumberToObject(st, "num_devices", total);
        cJSON_AddNumberToObject(st, "num_devices_connected", connected);
        int clients = 0;
        for (const cJSON *c = w->clients->child; c; c = c->next)
            clients += strcmp(mm_demo_str(c, "site_id"), id) == 0;
        cJSON_AddNumberToObject(st, "num_clients", clients);
        cJSON_AddItemToArray(out, st);
    }
    return out;
}
