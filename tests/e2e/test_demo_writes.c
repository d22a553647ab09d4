/*
 * Writes in demo mode (issue 15, item 4), end to end over stdio: the real binary started
 * with --demo --enable-write-tools, the write tools called as a model calls them. Checked:
 *   - a WLAN created shows in listOrgWlans and is fetched by its id; a PUT changes what the
 *     next GET returns; a DELETE removes it (the next GET is Mist's 404, the list has the
 *     three WLANs of the world again);
 *   - a bad body the tool's input schema lets through (a nested enum) gets the demo cloud's
 *     400 naming the field and the values it takes, and changes nothing;
 *   - a device renamed with updateSiteDevice shows its new name in the org's device stats;
 *   - an alarm acked with ackOrgAlarm is acked in searchOrgAlarms;
 *   - the old switch upgraded with upgradeDevice: every switch runs the newest version in the
 *     org's device stats; an AP restarted with restartSiteDevice: up 0 s in searchOrgDevices;
 *   - without --enable-write-tools nothing changes: the write tool is not there, the
 *     dispatcher refuses it as a write, the WLANs are the world's, the switch not upgraded.
 * MM_E2E_VALGRIND=path runs the servers under valgrind.
 *
 * usage: test_demo_writes MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
 */
#define _GNU_SOURCE
#include "check.h"
#include "mcp_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static mm_mcp_client c;

/* Starts mistmcp --demo --mode all (and --enable-write-tools when writes is set); under
 * valgrind when MM_E2E_VALGRIND names it (a leak or memory error fails the exit status
 * checks). */
static int start(const char *mistmcp, const char *plugin_dir, int writes)
{
    const char *vg = getenv("MM_E2E_VALGRIND");
    char *args[20] = {0};
    int n = 0;
    if (vg && *vg) {
        args[n++] = (char *)vg;
        args[n++] = "-q";
        args[n++] = "--error-exitcode=99";
        args[n++] = "--leak-check=full";
        args[n++] = "--errors-for-leak-kinds=definite,indirect";
    }
    const char *rest[] = {
        mistmcp,  "--demo", "--mode", "all", "--plugin-dir", plugin_dir, "--max-result-bytes",
        "4000000"};
    for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++)
        args[n++] = (char *)rest[i];
    if (writes)
        args[n++] = "--enable-write-tools";
    /* writes go straight through: what they change in the demo world is the point here */
    char *env[] = {"MISTMCP_WRITE_CONFIRMATION=none", "HOME=/tmp", NULL};
    c = (mm_mcp_client){.child.stderr_path = "/dev/null", .timeout_ms = vg && *vg ? 120000 : 0};
    return mm_mcp_start(&c, args, env);
}

/* The tool's result (the caller frees it); *error set when it is an error result. */
static cJSON *call(const char *tool, const char *args_json, int *error)
{
    cJSON *args = cJSON_Parse(args_json);
    CHECK_MSG(args, "bad case: %s", args_json);
    cJSON *r = mm_mcp_call(&c, tool, args);
    cJSON_Delete(args);
    *error = !r || cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "isError"));
    return r;
}

/* The JSON a tool answered, or NULL after a failed check. */
static cJSON *ok(const char *tool, const char *args_json)
{
    int error;
    cJSON *r = call(tool, args_json, &error);
    const char *text = r ? mm_mcp_result_text(r) : "no answer";
    CHECK_MSG(!error, "%s %s: %.300s", tool, args_json, text);
    cJSON *out = error ? NULL : cJSON_Parse(text);
    cJSON_Delete(r);
    return out;
}

/* The error text of a call expected to fail (caller frees), or NULL after a failed check. */
static char *fails(const char *tool, const char *args_json)
{
    int error;
    cJSON *r = call(tool, args_json, &error);
    CHECK_MSG(error, "%s %s should fail: %.300s", tool, args_json,
              r ? mm_mcp_result_text(r) : "no answer");
    char *text = strdup(r ? mm_mcp_result_text(r) : "");
    cJSON_Delete(r);
    return text;
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

static int count(const char *org)
{
    char a[200];
    snprintf(a, sizeof a, "{\"org_id\":\"%s\"}", org);
    cJSON *wlans = ok("listOrgWlans", a);
    int n = cJSON_GetArraySize(wlans);
    cJSON_Delete(wlans);
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fputs("usage: test_demo_writes MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR\n", stderr);
        return 2;
    }
    CHECK_MSG(start(argv[1], argv[3], 1) == 0, "mistmcp --demo --enable-write-tools starts");
    cJSON *self = ok("getSelf", "{}");
    char org[40];
    snprintf(
        org, sizeof org, "%s",
        s(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(self, "privileges"), 0), "org_id"));
    cJSON_Delete(self);
    char a[600];

    /* Create, list, fetch. */
    snprintf(a, sizeof a,
             "{\"org_id\":\"%s\",\"body\":{\"ssid\":\"Lab\",\"auth\":{\"type\":\"psk\",\"psk\":"
             "\"lab-secret-1\"},\"vlan_enabled\":true,\"vlan_id\":\"50\"}}",
             org);
    cJSON *made = ok("createOrgWlan", a);
    char id[40];
    snprintf(id, sizeof id, "%s", s(made, "id"));
    CHECK_MSG(strlen(id) == 36 && strcmp(s(made, "ssid"), "Lab") == 0, "created: %s", id);
    cJSON_Delete(made);
    snprintf(a, sizeof a, "{\"org_id\":\"%s\"}", org);
    cJSON *wlans = ok("listOrgWlans", a);
    CHECK_MSG(cJSON_GetArraySize(wlans) == 4 && mm_mcp_find(wlans, "id", id),
              "listOrgWlans shows it");
    cJSON_Delete(wlans);
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"wlan_id\":\"%s\"}", org, id);
    cJSON *one = ok("getOrgWLAN", a);
    CHECK_MSG(strcmp(s(one, "vlan_id"), "50") == 0, "fetched by its id");
    cJSON_Delete(one);

    /* A PUT changes what the next GET returns. */
    snprintf(a, sizeof a,
             "{\"org_id\":\"%s\",\"wlan_id\":\"%s\",\"body\":{\"ssid\":\"Lab-2\",\"vlan_id\":"
             "\"60\"}}",
             org, id);
    cJSON_Delete(ok("updateOrgWlan", a));
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"wlan_id\":\"%s\"}", org, id);
    one = ok("getOrgWLAN", a);
    CHECK_MSG(strcmp(s(one, "ssid"), "Lab-2") == 0 && strcmp(s(one, "vlan_id"), "60") == 0 &&
                  strcmp(s(cJSON_GetObjectItemCaseSensitive(one, "auth"), "type"), "psk") == 0,
              "the next GET: %s %s", s(one, "ssid"), s(one, "vlan_id"));
    cJSON_Delete(one);

    /* A bad body the input schema lets through: the demo cloud's 400, naming the field. */
    snprintf(a, sizeof a,
             "{\"org_id\":\"%s\",\"body\":{\"ssid\":\"Bad\",\"auth\":{\"type\":\"wpa9\"}}}", org);
    char *why = fails("createOrgWlan", a);
    CHECK_MSG(strstr(why, "HTTP 400") && strstr(why, "body.auth.type") && strstr(why, "\"psk\""),
              "the 400: %s", why);
    free(why);
    CHECK_MSG(count(org) == 4, "the bad body created nothing");

    /* A DELETE removes it. */
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"wlan_id\":\"%s\"}", org, id);
    int error;
    cJSON *r = call("deleteOrgWlan", a, &error);
    CHECK_MSG(!error && strstr(mm_mcp_result_text(r), "HTTP 200"), "deleted: %s",
              r ? mm_mcp_result_text(r) : "no answer");
    cJSON_Delete(r);
    why = fails("getOrgWLAN", a);
    CHECK_MSG(strstr(why, "HTTP 404") && strstr(why, "was deleted"), "fetch after delete: %s", why);
    free(why);
    CHECK_MSG(count(org) == 3, "the list without it");

    /* A device renamed: its new name in the org's device stats. */
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"status\":\"disconnected\"}", org);
    cJSON *down = ok("listOrgDevicesStats", a);
    const cJSON *ap = mm_mcp_find(down, "name", "lon-ap-03");
    snprintf(a, sizeof a,
             "{\"site_id\":\"%s\",\"device_id\":\"%s\",\"body\":{\"name\":\"lon-ap-lobby\"}}",
             s(ap, "site_id"), s(ap, "id"));
    cJSON_Delete(ok("updateSiteDevice", a));
    cJSON_Delete(down);
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"status\":\"disconnected\"}", org);
    down = ok("listOrgDevicesStats", a);
    CHECK_MSG(mm_mcp_find(down, "name", "lon-ap-lobby") && !mm_mcp_find(down, "name", "lon-ap-03"),
              "the stats show the new name");
    cJSON_Delete(down);

    /* An alarm acked. */
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"type\":\"gw_wan_down\"}", org);
    cJSON *alarms = ok("searchOrgAlarms", a);
    const cJSON *wan = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(alarms, "results"), 0);
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"alarm_id\":\"%s\",\"body\":{\"note\":\"ISP\"}}",
             org, s(wan, "id"));
    cJSON_Delete(alarms);
    r = call("ackOrgAlarm", a, &error);
    CHECK_MSG(!error, "acked: %s", r ? mm_mcp_result_text(r) : "no answer");
    cJSON_Delete(r);
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"type\":\"gw_wan_down\"}", org);
    alarms = ok("searchOrgAlarms", a);
    wan = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(alarms, "results"), 0);
    CHECK_MSG(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(wan, "acked")) &&
                  strcmp(s(wan, "note"), "ISP") == 0,
              "searchOrgAlarms shows it acked");
    cJSON_Delete(alarms);

    /* Actions: the old switch upgraded, an AP restarted; the stats and the search show it. */
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"type\":\"all\",\"limit\":1000}", org);
    cJSON *all = ok("listOrgDevicesStats", a);
    const cJSON *sw = mm_mcp_find(all, "name", "ber-sw-1"),
                *ap2 = mm_mcp_find(all, "name", "nyc-ap-02");
    CHECK_MSG(sw && ap2 && strcmp(s(sw, "version"), "21.4R3-S6") == 0 && num(ap2, "uptime") > 0,
              "before: ber-sw-1 on 21.4R3-S6, nyc-ap-02 up");
    snprintf(a, sizeof a,
             "{\"site_id\":\"%s\",\"device_id\":\"%s\",\"body\":{\"version\":\"23.4R2-S4\"}}",
             s(sw, "site_id"), s(sw, "id"));
    cJSON_Delete(ok("upgradeDevice", a));
    snprintf(a, sizeof a, "{\"site_id\":\"%s\",\"device_id\":\"%s\"}", s(ap2, "site_id"),
             s(ap2, "id"));
    cJSON_Delete(ok("restartSiteDevice", a));
    char mac[16];
    snprintf(mac, sizeof mac, "%s", s(ap2, "mac"));
    cJSON_Delete(all);
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"type\":\"switch\"}", org);
    cJSON *switches = ok("listOrgDevicesStats", a);
    int old = 0;
    for (const cJSON *d = switches ? switches->child : NULL; d; d = d->next)
        old += strcmp(s(d, "version"), "23.4R2-S4") != 0;
    CHECK_MSG(cJSON_GetArraySize(switches) == 12 && old == 0, "every switch on 23.4R2-S4 now");
    cJSON_Delete(switches);
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"mac\":\"%s\"}", org, mac);
    cJSON *found = ok("searchOrgDevices", a);
    const cJSON *hit = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(found, "results"), 0);
    CHECK_MSG(hit && num(hit, "uptime") == 0, "nyc-ap-02 restarted: up %.0f s", num(hit, "uptime"));
    cJSON_Delete(found);
    int st = mm_mcp_stop(&c);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %d", st);

    /* Without --enable-write-tools: no write reaches the demo cloud. */
    CHECK(start(argv[1], argv[3], 0) == 0);
    snprintf(a, sizeof a,
             "{\"name\":\"createOrgWlan\",\"arguments\":{\"org_id\":\"%s\",\"body\":{"
             "\"ssid\":\"Sneaky\"}}}",
             org);
    cJSON *m = mm_mcp_request(&c, "tools/call", a);
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(m, "error");
    CHECK_MSG(err && strstr(mm_mcp_str_at(err, "message", NULL), "createOrgWlan"),
              "the write tool is not there: %s", mm_mcp_str_at(err, "message", NULL));
    cJSON_Delete(m);
    snprintf(a, sizeof a,
             "{\"name\":\"createOrgWlan\",\"arguments\":{\"org_id\":\"%s\",\"body\":{\"ssid\":"
             "\"Sneaky\"}},\"enable_category\":true}",
             org);
    why = fails("callMistTool", a);
    CHECK_MSG(strstr(why, "read-only"), "the dispatcher refuses the write: %s", why);
    free(why);
    snprintf(a, sizeof a, "{\"org_id\":\"%s\"}", org);
    wlans = ok("listOrgWlans", a);
    CHECK_MSG(cJSON_GetArraySize(wlans) == 3 && !mm_mcp_find(wlans, "ssid", "Sneaky"),
              "the WLANs are the world's");
    cJSON_Delete(wlans);
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"type\":\"switch\",\"limit\":1000}", org);
    cJSON *switches_now = ok("listOrgDevicesStats", a);
    CHECK_MSG(strcmp(s(mm_mcp_find(switches_now, "name", "ber-sw-1"), "version"), "21.4R3-S6") == 0,
              "ber-sw-1 still on its old firmware");
    cJSON_Delete(switches_now);
    st = mm_mcp_stop(&c);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %d", st);
    return check_summary();
}
