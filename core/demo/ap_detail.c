/*
 * A demo AP's live stats detail (ap_detail.h).
 */
#include "demo/ap_detail.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* splitmix64, seeded from the MAC: the AP's own numbers, apart from the world's generator. */
typedef struct gen {
    uint64_t s;
} gen;

static uint64_t step(gen *g)
{
    uint64_t z = (g->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* lo..hi inclusive */
static int range(gen *g, int lo, int hi)
{
    return lo + (int)(step(g) % (uint64_t)(hi - lo + 1));
}

static void num(cJSON *o, const char *key, double v)
{
    cJSON_AddNumberToObject(o, key, v);
}

/* The radio MAC of band (0, 1, 2): the AP's MAC with its last digit moved, as Mist's are. */
static void radio_mac(const char *mac, int band, char out[13])
{
    snprintf(out, 13, "%.11s%x", mac,
             (unsigned)((mac[11] - (mac[11] > '9' ? 'a' - 10 : '0') + 1 + band) & 0xf));
}

static cJSON *radio_stat(gen *g, const char *mac, int band, int clients)
{
    static const int channels[3][6] = {
        {1, 6, 11, 1, 6, 11}, {36, 52, 100, 116, 132, 149}, {5, 37, 69, 101, 133, 165}};
    static const int widths[3] = {20, 40, 160};
    cJSON *r = cJSON_CreateObject();
    char rmac[13];
    radio_mac(mac, band, rmac);
    cJSON_AddStringToObject(r, "mac", rmac);
    num(r, "channel", channels[band][range(g, 0, 5)]);
    num(r, "bandwidth", widths[band]);
    num(r, "power", band == 0 ? range(g, 8, 12) : range(g, 14, 18));
    num(r, "noise_floor", band == 0 ? range(g, -92, -86) : range(g, -97, -91));
    num(r, "num_clients", clients);
    num(r, "num_wlans", 3);
    cJSON_AddStringToObject(r, "usage", band == 0 ? "24" : band == 1 ? "5" : "6");
    int tx = range(g, 2, 18), rx_bss = range(g, 1, 12), other = range(g, 1, 20);
    int unknown = range(g, 0, 4), non_wifi = range(g, 0, 3), undecodable = range(g, 0, 2);
    num(r, "util_all", tx + rx_bss + other + unknown + non_wifi + undecodable);
    num(r, "util_tx", tx);
    num(r, "util_rx_in_bss", rx_bss);
    num(r, "util_rx_other_bss", other);
    num(r, "util_unknown_wifi", unknown);
    num(r, "util_non_wifi", non_wifi);
    num(r, "util_undecodable_wifi", undecodable);
    num(r, "tx_bytes", (double)range(g, 1000000, 900000000) * (clients + 1));
    num(r, "rx_bytes", (double)range(g, 1000000, 300000000) * (clients + 1));
    num(r, "tx_pkts", (double)range(g, 10000, 900000) * (clients + 1));
    num(r, "rx_pkts", (double)range(g, 10000, 600000) * (clients + 1));
    cJSON_AddBoolToObject(r, "dynamic_chaining_enabled", 0);
    return r;
}

static cJSON *radio_config(gen *g, const cJSON *stat)
{
    cJSON *c = cJSON_CreateObject();
    num(c, "channel", cJSON_GetObjectItemCaseSensitive(stat, "channel")->valuedouble);
    num(c, "bandwidth", cJSON_GetObjectItemCaseSensitive(stat, "bandwidth")->valuedouble);
    num(c, "power", cJSON_GetObjectItemCaseSensitive(stat, "power")->valuedouble);
    num(c, "power_min", 8);
    num(c, "power_max", 18);
    num(c, "rx_chain", range(g, 2, 4));
    num(c, "tx_chain", range(g, 2, 4));
    cJSON_AddBoolToObject(c, "disabled", 0);
    cJSON_AddBoolToObject(c, "allow_rrm_disable", 0);
    cJSON_AddBoolToObject(c, "dynamic_chaining_enabled", 0);
    return c;
}

void mm_demo_ap_detail(cJSON *st, const char *mac, const char *model, int clients,
                       const char *uplink, int port)
{
    gen g = {0xcbf29ce484222325ull};
    for (const char *p = mac; *p; p++)
        g.s = (g.s ^ (unsigned char)*p) * 0x100000001b3ull;
    int per_band[3] = {clients / 4, clients - clients / 4 - clients / 6, clients / 6};

    num(st, "num_wlans", 3);
    cJSON_AddStringToObject(st, "hw_rev", strcmp(model, "AP45") == 0 ? "C" : "B");
    cJSON_AddStringToObject(st, "mount", "faceup");
    cJSON_AddBoolToObject(st, "locating", 0);
    cJSON_AddBoolToObject(st, "locked", 0);
    cJSON_AddBoolToObject(st, "config_reverted", 0);
    char ext[32];
    snprintf(ext, sizeof ext, "203.0.113.%d", range(&g, 2, 250));
    cJSON_AddStringToObject(st, "ext_ip", ext);
    num(st, "x", range(&g, 50, 2400) / 2.0);
    num(st, "y", range(&g, 50, 1400) / 2.0);
    int user = range(&g, 1, 9), system = range(&g, 1, 6);
    num(st, "cpu_user", user);
    num(st, "cpu_system", system);
    num(st, "cpu_util", user + system);
    num(st, "mem_total_kb", 1015620);
    num(st, "mem_used_kb", range(&g, 380000, 620000));
    cJSON_AddStringToObject(st, "power_src", "PoE 802.3at");
    num(st, "power_budget", 0);
    cJSON_AddStringToObject(st, "power_opmode", "[20] Normal operating mode");
    cJSON_AddBoolToObject(st, "power_constrained", 0);
    num(st, "tx_bps", range(&g, 20000, 9000000));
    num(st, "rx_bps", range(&g, 10000, 3000000));
    num(st, "tx_bytes", (double)range(&g, 100000000, 2000000000) * 7);
    num(st, "rx_bytes", (double)range(&g, 50000000, 900000000) * 5);
    num(st, "tx_pkts", (double)range(&g, 1000000, 90000000));
    num(st, "rx_pkts", (double)range(&g, 1000000, 60000000));

    cJSON *radios = cJSON_AddObjectToObject(st, "radio_stat");
    cJSON *config = cJSON_AddObjectToObject(st, "radio_config");
    static const char *const bands[3] = {"band_24", "band_5", "band_6"};
    for (int b = 0; b < 3; b++) {
        cJSON *r = radio_stat(&g, mac, b, per_band[b]);
        cJSON_AddItemToObject(config, bands[b], radio_config(&g, r));
        cJSON_AddItemToObject(radios, bands[b], r);
    }
    cJSON_AddStringToObject(config, "band_24_usage", "24");
    cJSON_AddBoolToObject(config, "scanning_enabled", 1);

    cJSON *eth0 = cJSON_AddObjectToObject(cJSON_AddObjectToObject(st, "port_stat"), "eth0");
    cJSON_AddBoolToObject(eth0, "up", 1);
    num(eth0, "speed", strcmp(model, "AP45") == 0 ? 2500 : 1000);
    cJSON_AddBoolToObject(eth0, "full_duplex", 1);
    num(eth0, "tx_bytes", (double)range(&g, 100000000, 2000000000) * 9);
    num(eth0, "rx_bytes", (double)range(&g, 100000000, 2000000000) * 4);
    num(eth0, "tx_pkts", (double)range(&g, 1000000, 90000000));
    num(eth0, "rx_pkts", (double)range(&g, 1000000, 90000000));
    num(eth0, "rx_errors", 0);
    num(eth0, "tx_peak_bps", range(&g, 20000000, 400000000));
    num(eth0, "rx_peak_bps", range(&g, 5000000, 100000000));

    cJSON *lldp = cJSON_AddObjectToObject(st, "lldp_stat");
    char port_id[32], desc[64];
    snprintf(port_id, sizeof port_id, "ge-0/0/%d", port);
    snprintf(desc, sizeof desc, "AP uplink %s", port_id);
    cJSON_AddStringToObject(lldp, "system_name", uplink);
    cJSON_AddStringToObject(lldp, "system_desc",
                            "Juniper Networks, Inc. ex4100-48p Ethernet Switch, kernel JUNOS "
                            "23.4R2-S2.1");
    cJSON_AddStringToObject(lldp, "port_id", port_id);
    cJSON_AddStringToObject(lldp, "port_desc", desc);
    char chassis[18];
    snprintf(chassis, sizeof chassis, "4c:96:14:%02x:%02x:00", range(&g, 0, 255),
             range(&g, 0, 255));
    cJSON_AddStringToObject(lldp, "chassis_id", chassis);
    cJSON_AddBoolToObject(lldp, "lldp_med_supported", 1);
    num(lldp, "power_requested", 25500);
    num(lldp, "power_allocated", 25500);
    num(lldp, "power_draw", range(&g, 11000, 21000));
    num(lldp, "power_request_count", 1);
    num(lldp, "power_avail", 25500);
    num(lldp, "power_budget", 0);
    num(lldp, "power_needed", 0);
    cJSON_AddBoolToObject(lldp, "power_constrained", 0);
    cJSON_AddStringToObject(lldp, "power_opmode", "[20] Normal operating mode");

    const cJSON *ip = cJSON_GetObjectItemCaseSensitive(st, "ip");
    cJSON *ips = cJSON_AddObjectToObject(st, "ip_stat");
    cJSON_AddStringToObject(ips, "ip", cJSON_IsString(ip) ? ip->valuestring : "");
    cJSON_AddStringToObject(ips, "netmask", "255.255.255.0");
    cJSON_AddStringToObject(ips, "gateway", "10.0.0.1");
    cJSON_AddStringToObject(ips, "dhcp_server", "10.0.0.1");
    cJSON *dns = cJSON_AddArrayToObject(ips, "dns");
    cJSON_AddItemToArray(dns, cJSON_CreateString("10.0.0.53"));
    cJSON_AddItemToArray(dns, cJSON_CreateString("10.0.0.54"));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(ips, "dns_suffix"),
                         cJSON_CreateString("corp.demo-networks.example"));

    cJSON *env = cJSON_AddObjectToObject(st, "env_stat");
    num(env, "cpu_temp", range(&g, 52, 68));
    num(env, "ambient_temp", range(&g, 24, 34));
    num(env, "humidity", range(&g, 22, 48));
    num(env, "pressure", range(&g, 9900, 10250) / 10.0);
    num(env, "attitude", 0);
    num(env, "vcore_voltage", range(&g, 860, 900));
    num(env, "accel_x", range(&g, -20, 20) / 1000.0);
    num(env, "accel_y", range(&g, -20, 20) / 1000.0);
    num(env, "accel_z", -1 + range(&g, -20, 20) / 1000.0);
    num(env, "magne_x", range(&g, -400, 400) / 1000.0);
    num(env, "magne_y", range(&g, -400, 400) / 1000.0);
    num(env, "magne_z", range(&g, -400, 400) / 1000.0);
}
