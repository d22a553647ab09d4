/*
 * The demo cloud (--demo, issue 15), end to end over stdio: the real binary with no token and
 * no Mist, real tools through the real request path. Checked:
 *   - the world: 8 sites of one org; 60 APs, 12 switches, 6 gateways;
 *   - the seed README's questions have their answers: the offline APs are exactly the three
 *     the world marks (lon-ap-03, lon-ap-07, par-ap-02), the same through the org's and each
 *     site's stats; the one switch on an old firmware is Berlin's; the guest network's
 *     clients are on Guest; a client is found by part of its hostname and by its MAC written
 *     with colons; the critical alarm names the Austin gateway;
 *   - consistency: every site_id, ap, wlan_id and device MAC in answers refers to an object
 *     another endpoint lists;
 *   - paging as Mist's (limit, page);
 *   - outside the curated core, the spec's answers with the world's ids (the org's networks,
 *     the network fetched by its id), paged, filtered (an event type) and in the time window
 *     asked for (start/end, duration); a bad duration and another org are Mist's errors;
 *   - determinism: a second start answers with the same bytes;
 *   - --demo with MISTMCP_API_BASE_URL is refused.
 *
 * usage: test_demo MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
 */
#define _GNU_SOURCE
#include "check.h"
#include "mcp_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static mm_mcp_client c;

/* Starts mistmcp --demo (all mode: every tool listed). */
static int start(const char *mistmcp, const char *plugin_dir)
{
    char *args[] = {
        (char *)mistmcp,      "--demo",  "--mode", "all", "--plugin-dir", (char *)plugin_dir,
        "--max-result-bytes", "4000000", NULL};
    char *env[] = {"HOME=/tmp", NULL};
    c = (mm_mcp_client){.child.stderr_path = "/dev/null"};
    return mm_mcp_start(&c, args, env);
}

/* The JSON a tool answered (its text block parsed), or NULL (a failed check says why). */
static cJSON *call(const char *tool, const char *args_json, char **raw)
{
    cJSON *args = cJSON_Parse(args_json);
    cJSON *r = mm_mcp_call(&c, tool, args);
    cJSON_Delete(args);
    const char *text = r ? mm_mcp_result_text(r) : "";
    int error = r && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "isError"));
    CHECK_MSG(r && !error, "%s %s: %.300s", tool, args_json, text);
    cJSON *out = error ? NULL : cJSON_Parse(text);
    CHECK_MSG(!r || error || out, "%s: the text is not JSON: %.200s", tool, text);
    if (raw)
        *raw = strdup(text);
    cJSON_Delete(r);
    return out;
}

static const char *s(const cJSON *o, const char *k)
{
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
    return v ? v : "";
}

static int listed(const cJSON *array, const char *key, const char *value)
{
    for (const cJSON *it = array ? array->child : NULL; it; it = it->next)
        if (strcmp(s(it, key), value) == 0)
            return 1;
    return 0;
}

/* A number member, or NaN when it is missing (a failed check, never a crash). */
static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : 0.0 / 0.0;
}

static const cJSON *results(const cJSON *search)
{
    return cJSON_GetObjectItemCaseSensitive(search, "results");
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fputs("usage: test_demo MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR\n", stderr);
        return 2;
    }
    CHECK_MSG(start(argv[1], argv[3]) == 0, "mistmcp --demo starts and answers initialize");

    cJSON *self = call("getSelf", "{}", NULL);
    const char *org =
        s(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(self, "privileges"), 0), "org_id");
    CHECK_MSG(strlen(org) == 36, "getSelf names the demo org: [%s]", org);
    char a[600];

    snprintf(a, sizeof a, "{\"org_id\":\"%s\"}", org);
    cJSON *sites = call("listOrgSites", a, NULL);
    CHECK_MSG(cJSON_GetArraySize(sites) == 8, "%d sites", cJSON_GetArraySize(sites));
    for (const cJSON *it = sites ? sites->child : NULL; it; it = it->next)
        CHECK(strcmp(s(it, "org_id"), org) == 0);

    /* Every device, by type. */
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"type\":\"all\",\"limit\":1000}", org);
    cJSON *devices = call("listOrgDevicesStats", a, NULL);
    int aps = 0, switches = 0, gateways = 0;
    for (const cJSON *d = devices ? devices->child : NULL; d; d = d->next) {
        aps += strcmp(s(d, "type"), "ap") == 0;
        switches += strcmp(s(d, "type"), "switch") == 0;
        gateways += strcmp(s(d, "type"), "gateway") == 0;
        CHECK_MSG(listed(sites, "id", s(d, "site_id")), "device %s: site %s is not listed",
                  s(d, "name"), s(d, "site_id"));
    }
    CHECK_MSG(aps == 60 && switches == 12 && gateways == 6, "%d APs, %d switches, %d gateways", aps,
              switches, gateways);

    /* "Show me access points that are offline": the org's answer and the sites' agree. */
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"status\":\"disconnected\"}", org);
    cJSON *down = call("listOrgDevicesStats", a, NULL);
    char names[300] = "";
    for (const cJSON *d = down ? down->child : NULL; d; d = d->next)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s ", s(d, "name"));
    CHECK_MSG(strcmp(names, "lon-ap-03 lon-ap-07 par-ap-02 ") == 0, "offline APs: [%s]", names);
    int by_site = 0;
    for (const cJSON *site = sites ? sites->child : NULL; site; site = site->next) {
        snprintf(a, sizeof a, "{\"site_id\":\"%s\",\"status\":\"disconnected\"}", s(site, "id"));
        cJSON *here = call("listSiteDevicesStats", a, NULL);
        for (const cJSON *d = here ? here->child : NULL; d; d = d->next, by_site++)
            CHECK_MSG(listed(down, "id", s(d, "id")), "%s is offline at its site only",
                      s(d, "name"));
        cJSON_Delete(here);
    }
    CHECK_MSG(by_site == 3, "the sites' stats list %d offline APs", by_site);

    /* "Which devices need firmware updates?": one switch runs an older version. */
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"type\":\"switch\"}", org);
    cJSON *sw = call("listOrgDevicesStats", a, NULL);
    int old = 0;
    for (const cJSON *d = sw ? sw->child : NULL; d; d = d->next)
        if (strcmp(s(d, "version"), "23.4R2-S4") != 0) {
            old++;
            CHECK_MSG(strcmp(s(d, "name"), "ber-sw-1") == 0, "%s runs %s", s(d, "name"),
                      s(d, "version"));
        }
    CHECK_MSG(old == 1, "%d switches on another firmware", old);

    /* "What wireless clients are connected to my guest network?", and consistency. */
    snprintf(a, sizeof a, "{\"org_id\":\"%s\"}", org);
    cJSON *wlans = call("listOrgWlans", a, NULL);
    CHECK_MSG(cJSON_GetArraySize(wlans) == 3 && listed(wlans, "ssid", "Guest"), "the WLANs");
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"ssid\":\"Guest\",\"limit\":1000}", org);
    cJSON *guests = call("searchOrgWirelessClients", a, NULL);
    int n_guests = cJSON_GetArraySize(results(guests));
    CHECK_MSG(n_guests > 10, "%d guest clients", n_guests);
    for (const cJSON *cl = results(guests) ? results(guests)->child : NULL; cl; cl = cl->next) {
        CHECK_MSG(strcmp(s(cl, "last_ssid"), "Guest") == 0, "%s is on %s", s(cl, "mac"),
                  s(cl, "last_ssid"));
        CHECK_MSG(listed(sites, "id", s(cl, "site_id")), "client %s: unknown site", s(cl, "mac"));
        CHECK_MSG(listed(devices, "mac", s(cl, "last_ap")), "client %s: unknown AP %s",
                  s(cl, "mac"), s(cl, "last_ap"));
        CHECK_MSG(listed(wlans, "id", s(cl, "last_wlan_id")), "client %s: unknown WLAN",
                  s(cl, "mac"));
    }

    /* "Locate the client xyz": by part of its hostname, and by MAC written with colons. */
    const cJSON *first = cJSON_GetArrayItem(results(guests), 0);
    char host_part[64] = "", mac[32] = "";
    const char *host = s(first, "last_hostname"), *m = s(first, "mac");
    snprintf(host_part, sizeof host_part, "*%.*s*", 8,
             strchr(host, '-') ? strchr(host, '-') + 1 : host);
    snprintf(mac, sizeof mac, "%.2s:%.2s:%.2s:%.2s:%.2s:%.2s", m, m + 2, m + 4, m + 6, m + 8,
             m + 10);
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"mac\":\"%s\"}", org, mac);
    cJSON *by_mac = call("searchOrgWirelessClients", a, NULL);
    CHECK_MSG(cJSON_GetArraySize(results(by_mac)) == 1 &&
                  strcmp(s(cJSON_GetArrayItem(results(by_mac), 0), "mac"), m) == 0,
              "client by MAC %s", mac);
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"hostname\":\"%s\"}", org, host_part);
    cJSON *by_host = call("searchOrgWirelessClients", a, NULL);
    CHECK_MSG(listed(results(by_host), "mac", m), "client by hostname %s", host_part);

    /* An active critical alarm, on a device that exists. */
    snprintf(a, sizeof a, "{\"org_id\":\"%s\"}", org);
    cJSON *alarms = call("searchOrgAlarms", a, NULL);
    int critical = 0;
    for (const cJSON *al = results(alarms) ? results(alarms)->child : NULL; al; al = al->next) {
        CHECK(listed(sites, "id", s(al, "site_id")));
        if (strcmp(s(al, "severity"), "critical") == 0) {
            critical++;
            const char *gw = cJSON_GetStringValue(
                cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(al, "gateways"), 0));
            CHECK_MSG(gw && listed(devices, "mac", gw), "the critical alarm's gateway %s",
                      gw ? gw : "(none)");
            const cJSON *gw_dev = NULL;
            for (const cJSON *d = devices ? devices->child : NULL; d && gw; d = d->next)
                if (strcmp(s(d, "mac"), gw) == 0)
                    gw_dev = d;
            CHECK_MSG(gw_dev && strcmp(s(gw_dev, "name"), "aus-gw-1") == 0,
                      "the critical alarm names %s, not the Austin gateway",
                      gw_dev ? s(gw_dev, "name") : "no device");
        }
    }
    CHECK_MSG(critical == 1, "%d critical alarms", critical);

    /* Paging: 8 sites, 3 a page: the third page has 2. */
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"limit\":3,\"page\":3}", org);
    cJSON *page3 = call("listOrgSites", a, NULL);
    CHECK_MSG(cJSON_GetArraySize(page3) == 2, "page 3 of 3 has %d sites",
              cJSON_GetArraySize(page3));

    /* Another org's or site's id: Mist's 404, naming the demo's org. */
    static const char *const foreign[][2] = {
        {"listOrgDevicesStats", "{\"org_id\":\"5f4dcc3b-0000-4000-8000-000000000001\"}"},
        {"listSiteDevicesStats", "{\"site_id\":\"5f4dcc3b-0000-4000-8000-000000000002\"}"}};
    for (size_t i = 0; i < 2; i++) {
        cJSON *fa = cJSON_Parse(foreign[i][1]);
        cJSON *fr = mm_mcp_call(&c, foreign[i][0], fa);
        const char *ft = fr ? mm_mcp_result_text(fr) : "no answer";
        CHECK_MSG(fr && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(fr, "isError")) &&
                      strstr(ft, "404") && strstr(ft, "is not in the demo cloud"),
                  "%s of another org: %.200s", foreign[i][0], ft);
        cJSON_Delete(fr);
        cJSON_Delete(fa);
    }

    /* Outside the curated core, the spec's answers (e2e.demo_every_read_only_tool calls them
     * all) with the world's ids, paged, filtered and windowed as Mist's. */
    snprintf(a, sizeof a, "{\"org_id\":\"%s\"}", org);
    cJSON *networks = call("listOrgNetworks", a, NULL);
    int n_networks = cJSON_GetArraySize(networks);
    CHECK_MSG(n_networks >= 1, "%d networks", n_networks);
    for (const cJSON *it = networks ? networks->child : NULL; it; it = it->next)
        CHECK_MSG(strcmp(s(it, "org_id"), org) == 0, "a network of org %s", s(it, "org_id"));
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"limit\":1,\"page\":%d}", org, n_networks + 1);
    cJSON *args = cJSON_Parse(a);
    cJSON *r = mm_mcp_call(&c, "listOrgNetworks", args);
    const cJSON *pg = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(r, "structuredContent"), "pagination");
    CHECK_MSG(strcmp(r ? mm_mcp_result_text(r) : "", "[]") == 0 &&
                  cJSON_GetObjectItemCaseSensitive(pg, "total") &&
                  cJSON_GetObjectItemCaseSensitive(pg, "total")->valueint == n_networks,
              "the page after the last: %.200s", r ? mm_mcp_result_text(r) : "no answer");
    cJSON_Delete(r);
    cJSON_Delete(args);
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"network_id\":\"%s\"}", org,
             "de300000-0000-4000-8000-00000000abcd");
    cJSON *network = call("getOrgNetwork", a, NULL);
    CHECK_MSG(strcmp(s(network, "id"), "de300000-0000-4000-8000-00000000abcd") == 0 &&
                  strcmp(s(network, "org_id"), org) == 0,
              "the network fetched is the one asked for: %s", s(network, "id"));
    /* A time-ranged search: the window asked for, its events within it; a filter. */
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"start\":\"1764000000\",\"end\":\"1764003600\"}",
             org);
    cJSON *events = call("searchOrgDeviceEvents", a, NULL);
    const cJSON *ev0 = cJSON_GetArrayItem(results(events), 0);
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(ev0, "timestamp");
    CHECK_MSG(num(events, "start") == 1764000000 && num(events, "end") == 1764003600 &&
                  cJSON_IsNumber(ts) && ts->valuedouble >= 1764000000 &&
                  ts->valuedouble <= 1764003600,
              "the window asked for");
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"duration\":\"2h\",\"type\":\"%s\"}", org,
             s(ev0, "type"));
    cJSON *same_type = call("searchOrgDeviceEvents", a, NULL);
    CHECK_MSG(cJSON_GetArraySize(results(same_type)) > 0 &&
                  num(same_type, "end") - num(same_type, "start") == 7200,
              "2 hours, events of the type asked for");
    for (const cJSON *e = results(same_type) ? results(same_type)->child : NULL; e; e = e->next)
        CHECK_MSG(strcmp(s(e, "type"), s(ev0, "type")) == 0, "an event of type %s kept (%s asked)",
                  s(e, "type"), s(ev0, "type"));
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"type\":\"NO_SUCH_EVENT\"}", org);
    cJSON *none = call("searchOrgDeviceEvents", a, NULL);
    CHECK_MSG(cJSON_GetArraySize(results(none)) == 0 && num(none, "total") == 0,
              "a filter nothing passes");
    /* Mist's errors: a bad duration, an org that is not the demo's. */
    static const char *const bad[][3] = {
        {"searchOrgDeviceEvents", "\"duration\":\"soon\"", "duration 'soon' is not valid"},
        {"listOrgNetworks", "\"limit\":5", "is not in the demo cloud: its org is"}};
    for (int i = 0; i < 2; i++) {
        snprintf(a, sizeof a, "{\"org_id\":\"%s\",%s}",
                 i == 0 ? org : "de300000-0000-4000-8000-00000000beef", bad[i][1]);
        args = cJSON_Parse(a);
        r = mm_mcp_call(&c, bad[i][0], args);
        CHECK_MSG(r && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "isError")) &&
                      strstr(mm_mcp_result_text(r), bad[i][2]),
                  "%s: %.200s", bad[i][0], r ? mm_mcp_result_text(r) : "no answer");
        cJSON_Delete(r);
        cJSON_Delete(args);
    }

    /* Deterministic: the same bytes from a second start. */
    char *before = NULL, *after = NULL;
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"type\":\"all\",\"limit\":1000}", org);
    cJSON_Delete(call("listOrgDevicesStats", a, &before));
    CHECK(WIFEXITED(mm_mcp_stop(&c)));
    CHECK(start(argv[1], argv[3]) == 0);
    cJSON_Delete(call("listOrgDevicesStats", a, &after));
    CHECK_MSG(before && after && strcmp(before, after) == 0, "a second start answers the same");
    free(before);
    free(after);
    int st = mm_mcp_stop(&c);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %d", st);

    /* The far end is chosen once: --demo with MISTMCP_API_BASE_URL is refused. */
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "MISTMCP_API_BASE_URL=http://127.0.0.1:9 '%s' --demo --version 2>&1 >/dev/null | "
             "grep -q 'mistmcp: --demo and MISTMCP_API_BASE_URL both name the far end'",
             argv[1]);
    int rc = system(cmd);
    CHECK_MSG(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "--demo with a base URL: not refused (%d)",
              rc);

    cJSON *all[] = {self,    sites,  devices, down,     sw,      wlans,  guests,    by_mac,
                    by_host, alarms, page3,   networks, network, events, same_type, none};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        cJSON_Delete(all[i]);
    return check_summary();
}
