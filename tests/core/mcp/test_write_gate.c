/*
 * The write gate's parts without a server: confirmation tokens (single use, bound to tool and
 * arguments, expiring after 5 minutes, evicting the oldest past 32, 1,000 random tokens never
 * accepted), the canonical arguments they are bound to, secret masking, and the preview
 * (a PUT's diff under Mist's PUT semantics, a DELETE's target, a POST's object).
 */
#define _GNU_SOURCE
#include "check.h"

#include "mcp/secret_mask.h"
#include "mcp/write_confirm.h"
#include "mcp/write_gate.h"
#include "mcp/write_preview.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

static void digest_of(const char *json, unsigned char d[MM_SHA256_LEN])
{
    cJSON *args = cJSON_Parse(json);
    char *canon = mm_write_canonical(args);
    mm_sha256(canon, strlen(canon), d);
    free(canon);
    cJSON_Delete(args);
}

static void tokens(void)
{
    mm_write_tokens *st = mm_write_tokens_create();
    unsigned char a[MM_SHA256_LEN], b[MM_SHA256_LEN];
    digest_of("{\"org_id\":\"o\",\"body\":{\"ssid\":\"x\"}}", a);
    digest_of("{\"org_id\":\"o\",\"body\":{\"ssid\":\"y\"}}", b);
    char t1[MM_CONFIRM_TOKEN_SIZE], t2[MM_CONFIRM_TOKEN_SIZE], err[200];
    long long now = 1000000;
    CHECK(mm_write_tokens_issue(st, "updateOrgWlan", a, now, t1, err, sizeof err) == 0);
    CHECK(mm_write_tokens_issue(st, "updateOrgWlan", a, now, t2, err, sizeof err) == 0);
    CHECK(strlen(t1) == 52 && strncmp(t1, "mmc_", 4) == 0 && strcmp(t1, t2) != 0);
    /* right token, right call: once */
    CHECK(mm_write_tokens_redeem(st, t1, "updateOrgWlan", a, now + 1) == MM_REDEEM_OK);
    CHECK(mm_write_tokens_redeem(st, t1, "updateOrgWlan", a, now + 2) == MM_REDEEM_UNKNOWN);
    /* another tool, other arguments: refused, and the token is gone */
    CHECK(mm_write_tokens_redeem(st, t2, "deleteOrgWlan", a, now) == MM_REDEEM_OTHER_TOOL);
    CHECK(mm_write_tokens_redeem(st, t2, "updateOrgWlan", a, now) == MM_REDEEM_UNKNOWN);
    CHECK(mm_write_tokens_issue(st, "updateOrgWlan", a, now, t2, err, sizeof err) == 0);
    CHECK(mm_write_tokens_redeem(st, t2, "updateOrgWlan", b, now) == MM_REDEEM_OTHER_ARGS);
    CHECK(mm_write_tokens_redeem(st, t2, "updateOrgWlan", a, now) == MM_REDEEM_UNKNOWN);
    /* expiry: valid at 5 minutes, expired 1 ms later */
    CHECK(mm_write_tokens_issue(st, "updateOrgWlan", a, now, t1, err, sizeof err) == 0);
    CHECK(mm_write_tokens_issue(st, "updateOrgWlan", a, now, t2, err, sizeof err) == 0);
    CHECK(mm_write_tokens_redeem(st, t1, "updateOrgWlan", a, now + MM_CONFIRM_TTL_MS) ==
          MM_REDEEM_OK);
    CHECK(mm_write_tokens_redeem(st, t2, "updateOrgWlan", a, now + MM_CONFIRM_TTL_MS + 1) ==
          MM_REDEEM_EXPIRED);
    /* another session's store never knows a token */
    mm_write_tokens *other = mm_write_tokens_create();
    CHECK(mm_write_tokens_issue(st, "updateOrgWlan", a, now, t1, err, sizeof err) == 0);
    CHECK(mm_write_tokens_redeem(other, t1, "updateOrgWlan", a, now) == MM_REDEEM_UNKNOWN);
    CHECK(mm_write_tokens_redeem(st, t1, "updateOrgWlan", a, now) == MM_REDEEM_OK);
    /* 1,000 random tokens of the right form against a store holding 32 live ones */
    for (int i = 0; i < MM_CONFIRM_MAX; i++)
        CHECK(mm_write_tokens_issue(st, "updateOrgWlan", a, now, t1, err, sizeof err) == 0);
    CHECK(mm_write_tokens_count(st) == MM_CONFIRM_MAX);
    int accepted = 0;
    for (int i = 0; i < 1000; i++) {
        unsigned char raw[MM_CONFIRM_RANDOM_BYTES];
        CHECK(getrandom(raw, sizeof raw, 0) == (ssize_t)sizeof raw);
        char guess[MM_CONFIRM_TOKEN_SIZE] = "mmc_";
        for (size_t k = 0; k < sizeof raw; k++)
            snprintf(guess + 4 + 2 * k, 3, "%02x", raw[k]);
        accepted += mm_write_tokens_redeem(st, guess, "updateOrgWlan", a, now) != MM_REDEEM_UNKNOWN;
    }
    CHECK(accepted == 0);
    CHECK(mm_write_tokens_count(st) == MM_CONFIRM_MAX); /* guesses burn nothing */
    /* the 33rd evicts the oldest */
    char first[MM_CONFIRM_TOKEN_SIZE];
    mm_write_tokens_destroy(&st);
    st = mm_write_tokens_create();
    CHECK(mm_write_tokens_issue(st, "t", a, now, first, err, sizeof err) == 0);
    for (int i = 0; i < MM_CONFIRM_MAX; i++)
        CHECK(mm_write_tokens_issue(st, "t", a, now, t1, err, sizeof err) == 0);
    CHECK(mm_write_tokens_redeem(st, first, "t", a, now) == MM_REDEEM_UNKNOWN);
    CHECK(mm_write_tokens_redeem(st, t1, "t", a, now) == MM_REDEEM_OK);
    mm_write_tokens_destroy(&st);
    mm_write_tokens_destroy(&other);
    CHECK(!st);
}

static void canonical(void)
{
    cJSON *x =
        cJSON_Parse("{\"b\":{\"z\":1,\"a\":[{\"y\":2,\"x\":1}]},\"a\":12345678901234567890}");
    char *c = mm_write_canonical(x);
    CHECK_MSG(strcmp(c, "{\"a\":12345678901234567890,\"b\":{\"a\":[{\"x\":1,\"y\":2}],\"z\":1}}") ==
                      0 ||
                  strstr(c, "\"a\":1.2345678901234567e+19") != NULL,
              "%s", c);
    cJSON *y =
        cJSON_Parse("{\"a\":12345678901234567890,\"b\":{\"z\":1,\"a\":[{\"x\":1,\"y\":2}]}}");
    char *d = mm_write_canonical(y);
    CHECK_MSG(strcmp(c, d) == 0, "%s vs %s", c, d); /* member order does not matter */
    free(c);
    free(d);
    cJSON_Delete(x);
    cJSON_Delete(y);
}

static void masking(void)
{
    const char *secret[] = {"psk",    "passphrase", "radius_secret", "password", "api_key",
                            "apikey", "Key",        "shared_keys",   "token",    "private_pem"};
    for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++)
        CHECK_MSG(mm_secret_name(secret[i]), "%s", secret[i]);
    const char *plain[] = {"ssid", "name", "vlan_id", "keywords", "enabled", "key_id"};
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        CHECK_MSG(!mm_secret_name(plain[i]), "%s", plain[i]);
    cJSON *v = cJSON_Parse("{\"auth\":{\"psk\":\"hunter22\",\"psk\":\"again\",\"type\":\"psk\"},"
                           "\"radius\":[{\"secret\":\"s3\",\"host\":\"h\"}],\"password\":null}");
    mm_secret_mask(v);
    char *t = cJSON_PrintUnformatted(v);
    CHECK_MSG(!strstr(t, "hunter22") && !strstr(t, "again") && !strstr(t, "s3") &&
                  strstr(t, "\"psk\":\"********\",\"psk\":\"********\"") &&
                  strstr(t, "\"host\":\"h\"") && strstr(t, "\"password\":null"),
              "%s", t);
    free(t);
    cJSON_Delete(v);
}

static void preview(void)
{
    cJSON *current = cJSON_Parse("{\"id\":\"w1\",\"ssid\":\"IoT\",\"vlan_id\":10,\"enabled\":true,"
                                 "\"auth\":{\"type\":\"psk\",\"psk\":\"old-secret\"}}");
    cJSON *body = cJSON_Parse("{\"vlan_id\":20,\"enabled\":true,\"auth\":{\"type\":\"psk\","
                              "\"psk\":\"new-secret\"},\"hide_ssid\":true}");
    cJSON *p =
        mm_write_preview("updateOrgWlan", "PUT", "/api/v1/orgs/o/wlans/w1", body, current, NULL);
    char *json = cJSON_PrintUnformatted(p);
    char *text = mm_write_preview_text(p);
    /* changed fields only: vlan_id, auth.psk (masked), hide_ssid added; not enabled, not ssid */
    CHECK_MSG(cJSON_GetArraySize(cJSON_GetObjectItem(p, "changes")) == 3, "%s", json);
    CHECK_MSG(strstr(text, "vlan_id: 10 -> 20") && strstr(text, "hide_ssid: (absent) -> true") &&
                  strstr(text, "auth.psk: \"********\" -> \"********\" (secret, masked)") &&
                  !strstr(text, "enabled") && strstr(text, "\"IoT\" (id w1)"),
              "%s", text);
    CHECK_MSG(!strstr(json, "secret\"") || !strstr(json, "old-secret"), "%s", json);
    CHECK(!strstr(json, "old-secret") && !strstr(json, "new-secret") &&
          !strstr(text, "old-secret") && !strstr(text, "new-secret"));
    free(json);
    free(text);
    cJSON_Delete(p);
    /* no current object: the fields sent, and why */
    p = mm_write_preview("updateOrgWlan", "PUT", "/api/v1/orgs/o/wlans/w1", body, NULL,
                         "GET answered HTTP 404");
    text = mm_write_preview_text(p);
    CHECK_MSG(strstr(text, "could not be read (GET answered HTTP 404)") &&
                  strstr(text, "vlan_id: (absent) -> 20") && !strstr(text, "new-secret"),
              "%s", text);
    free(text);
    cJSON_Delete(p);
    /* DELETE: what goes */
    p = mm_write_preview("deleteOrgWlan", "DELETE", "/api/v1/orgs/o/wlans/w1", NULL, current, NULL);
    text = mm_write_preview_text(p);
    CHECK_MSG(strstr(text, "DELETE /api/v1/orgs/o/wlans/w1") && strstr(text, "\"IoT\" (id w1)") &&
                  strstr(text, "It will be deleted."),
              "%s", text);
    free(text);
    cJSON_Delete(p);
    /* POST: the object, masked */
    p = mm_write_preview("createOrgWlan", "POST", "/api/v1/orgs/o/wlans", body, NULL, NULL);
    text = mm_write_preview_text(p);
    CHECK_MSG(strstr(text, ": create") && strstr(text, "Object to create: {\"vlan_id\":20") &&
                  strstr(text, "\"psk\":\"********\"") && !strstr(text, "new-secret"),
              "%s", text);
    CHECK(strcmp(cJSON_GetObjectItem(p, "action")->valuestring, "create") == 0);
    free(text);
    cJSON_Delete(p);
    /* a POST to an action path is an action, not a create */
    p = mm_write_preview("restartSiteDevice", "POST", "/api/v1/sites/s/devices/d/restart", NULL,
                         NULL, NULL);
    CHECK(strcmp(cJSON_GetObjectItem(p, "action")->valuestring, "action") == 0);
    cJSON_Delete(p);
    cJSON_Delete(current);
    cJSON_Delete(body);
    CHECK(mm_write_is_write("POST", "/api/v1/x") && mm_write_is_write("DELETE", "/api/v1/x") &&
          !mm_write_is_write("GET", "/api/v1/sites/s/devices?x=1") &&
          mm_write_is_write("GET", "/api/v1/sites/s/ssr/upgrade/u/cancel?x=1"));
}

int main(void)
{
    tokens();
    canonical();
    masking();
    preview();
    return check_summary();
}
