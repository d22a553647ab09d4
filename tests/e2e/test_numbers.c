/*
 * Numbers reach the model and Mist exactly as written (issue 12, part 1), over stdio against the
 * fake backend, checked on the bytes on the wire (a parser would blur what is checked):
 *   - Mist to the model: an object (pretty-printed, as some endpoints answer), an object with
 *     paging headers (our "pagination" added beside Mist's members), an array and a lone
 *     number, each in the text content and in structuredContent, digit for digit;
 *   - the model to Mist: a query argument and body fields past 2^53, with exponents, trailing
 *     zeros and long decimals, directly and through the dispatchers, as the request the fake
 *     backend recorded;
 *   - an integer argument past 2^53 is an integer (not refused as a "number");
 *   - what cJSON reads but JSON forbids (raw control characters, a byte order mark, form
 *     feeds, 01 and 1., in a Mist body or a request id) goes out as JSON: every answer line is
 *     checked with a strict parser (tests/common/json_strict.c).
 *
 * usage: test_numbers MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
 */
#define _GNU_SOURCE
#include "check.h"
#include "child.h"
#include "json_strict.h"
#include "mcp_client.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* What the fake sends (tests/fake_mist/fake_mist.c), as tokens that must arrive unchanged. */
static const char *const object_numbers[] = {"\"id\":1915883588174806058",
                                             "\"tx_bytes\":12345678901234567",
                                             "\"rx_bytes\":18446744073709551615",
                                             "\"lat\":37.29583312345678",
                                             "\"ratio\":1.50",
                                             "\"scale\":1e3",
                                             "\"tiny\":2.5e-7",
                                             "\"neg\":-0.0",
                                             "\"big\":-9223372036854775809",
                                             "\"list\":[9007199254740993,0.30000000000000004]",
                                             "\"name\":\"ap 12345678901234567\""};

static char *log_path;

/* The raw answer line of tools/call name with args (a JSON text). */
static char *call_raw(mm_mcp_client *c, const char *name, const char *args)
{
    size_t n = strlen(name) + strlen(args) + 64;
    char *params = malloc(n);
    snprintf(params, n, "{\"name\":\"%s\",\"arguments\":%s}", name, args);
    char *line = mm_mcp_request_raw(c, "tools/call", params);
    free(params);
    CHECK_MSG(line && mm_json_strict(line), "%s %s: the answer is JSON every parser takes: %.400s",
              name, args, line ? line : "(none)");
    return line ? line : strdup("");
}

/* token as it appears inside a JSON string (the text content): quotes escaped. */
static void escaped(const char *token, char *out, size_t size)
{
    size_t o = 0;
    for (; *token && o + 3 < size; token++) {
        if (*token == '"')
            out[o++] = '\\';
        out[o++] = *token;
    }
    out[o] = '\0';
}

/* structuredContent's value in line, copied (caller frees; "" if none). */
static char *structured(const char *line)
{
    const char *s = strstr(line, "\"structuredContent\":");
    const char *end = s ? mm_json_strict_value(s + 20) : NULL;
    return end ? strndup(s + 20, (size_t)(end - (s + 20))) : strdup("");
}

static void test_from_mist(mm_mcp_client *c)
{
    const char *ids[] = {"numbers-object", "numbers-paged-object"};
    for (int k = 0; k < 2; k++) {
        char args[128];
        snprintf(args, sizeof args, "{\"org_id\":\"%s\"}", ids[k]);
        char *line = call_raw(c, "getOrg", args);
        cJSON *m = cJSON_Parse(line);
        CHECK_MSG(m && !strstr(line, "\"isError\":true"), "%s: a valid answer: %.300s", ids[k],
                  line);
        cJSON_Delete(m);
        char *sc = structured(line);
        for (size_t i = 0; i < sizeof object_numbers / sizeof object_numbers[0]; i++) {
            char text_form[200];
            escaped(object_numbers[i], text_form, sizeof text_form);
            CHECK_MSG(strstr(line, text_form), "%s: the text carries %s", ids[k],
                      object_numbers[i]);
            CHECK_MSG(strstr(sc, object_numbers[i]), "%s: structuredContent carries %s", ids[k],
                      object_numbers[i]);
        }
        CHECK_MSG(!strstr(line, "e+18") && !strstr(line, "12345678901234568"),
                  "%s: no re-printed number", ids[k]);
        if (k == 1)
            CHECK_MSG(strstr(sc, "\"name\":\"ap 12345678901234567\",\"pagination\":{\"page\":1,"),
                      "paging sits beside Mist's own members: %.200s", sc);
        free(sc);
        free(line);
    }
    char *line = call_raw(c, "getOrg", "{\"org_id\":\"numbers-array\"}");
    CHECK_MSG(strstr(line, "\"results\":[{\"id\":1915883588174806058,\"n\":1.0},"
                           "{\"id\":1915883588174806059}]") &&
                  strstr(line, "[{\\\"id\\\":1915883588174806058,\\\"n\\\":1.0},"),
              "an array, in both: %.300s", line);
    free(line);
    line = call_raw(c, "getOrg", "{\"org_id\":\"numbers-scalar\"}");
    CHECK_MSG(strstr(line, "\"result\":12345678901234567}") &&
                  strstr(line, "\"text\":\"12345678901234567\""),
              "a lone number, in both: %.300s", line);
    free(line);
}

/* The last request the fake recorded whose path contains part, as its raw log line. */
static char *recorded(const char *part)
{
    FILE *f = fopen(log_path, "r");
    char *last = NULL, *line = NULL;
    size_t cap = 0;
    while (f && getline(&line, &cap, f) > 0)
        if (strstr(line, part)) {
            free(last);
            last = strdup(line);
        }
    free(line);
    if (f)
        fclose(f);
    return last ? last : strdup("");
}

/* Bodies cJSON reads but JSON forbids go out as JSON (call_raw checks every answer). */
static void test_lenient(mm_mcp_client *c)
{
    const char *kinds[][2] = {
        {"lenient-ctl", "{\"a\":\"line1\\u000aline2\",\"t\":\"x\\u0009y\",\"c\":\"\\u0001\"}"},
        {"lenient-bom", "{\"a\":1}"},
        {"lenient-ff", "{\"a\":1}"},
        {"lenient-numbers", "{\"a\":1,\"b\":1,\"c\":-0.5,\"id\":1915883588174806058}"},
        {"lenient-empty-paged", "{\"pagination\":{\"page\":1,"},
    };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        char args[128];
        snprintf(args, sizeof args, "{\"org_id\":\"%s\"}", kinds[k][0]);
        char *line = call_raw(c, "getOrg", args);
        char *sc = structured(line);
        CHECK_MSG(strncmp(sc, kinds[k][1], strlen(kinds[k][1])) == 0, "%s: %s", kinds[k][0], sc);
        free(sc);
        free(line);
    }
    /* A request id cJSON reads but JSON forbids is answered in JSON. */
    mm_child_send(&c->child, "{\"jsonrpc\":\"2.0\",\"id\":01,\"method\":\"ping\"}");
    char *line = mm_child_read_line(&c->child, 10000);
    CHECK_MSG(line && mm_json_strict(line) && strstr(line, "\"id\":1,"), "id 01: %s",
              line ? line : "(none)");
    free(line);
}

static void test_to_mist(mm_mcp_client *c)
{
    /* A query integer past 2^53 (vlan has no bound). */
    char *line = call_raw(c, "searchOrgWiredClients",
                          "{\"org_id\":\"to-mist-q\",\"vlan\":12345678901234567}");
    CHECK_MSG(!strstr(line, "\"isError\":true"), "an integer past 2^53 is an integer: %.300s",
              line);
    free(line);
    char *rec = recorded("to-mist-q");
    CHECK_MSG(strstr(rec, "\"vlan\":\"12345678901234567\""), "the query carries the digits: %s",
              rec);
    free(rec);

    /* Body fields, directly and through callMistWriteTool. */
    const char *body = "{\"ssid\":\"x\",\"vlan_id\":12345678901234567,\"ratio\":1.50,"
                       "\"scale\":1e3,\"ids\":[1915883588174806058,-0.0],"
                       "\"lat\":37.29583312345678}";
    const char *org[] = {"to-mist-b1", "to-mist-b2"};
    for (int k = 0; k < 2; k++) {
        char args[600];
        if (k == 0)
            snprintf(args, sizeof args, "{\"org_id\":\"%s\",\"body\":%s}", org[k], body);
        else
            snprintf(args, sizeof args,
                     "{\"name\":\"createOrgWlan\",\"arguments\":{\"org_id\":\"%s\",\"body\":%s}}",
                     org[k], body);
        line = call_raw(c, k == 0 ? "createOrgWlan" : "callMistWriteTool", args);
        free(line);
        rec = recorded(org[k]);
        char want[600];
        escaped(body, want, sizeof want);
        CHECK_MSG(strstr(rec, want), "%s: the body Mist got is the model's: %s", org[k], rec);
        free(rec);
    }
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fputs("usage: test_numbers MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR\n", stderr);
        return 2;
    }
    char path[512], base_env[128];
    snprintf(path, sizeof path, "%s/numbers-requests.log", argv[4]);
    log_path = path;
    remove(path);
    mm_child fake = {0};
    int port = mm_child_start_fake_mist(&fake, argv[2], path, 300);
    CHECK_MSG(port > 0, "the fake backend starts");
    if (port <= 0)
        return check_summary();
    snprintf(base_env, sizeof base_env, "MISTMCP_API_BASE_URL=http://127.0.0.1:%d", port);
    /* writes go straight through: the numbers they carry are the point here */
    char *env[] = {base_env, "MIST_API_TOKEN=tokN", "MISTMCP_WRITE_CONFIRMATION=none", "HOME=/tmp",
                   NULL};
    char *args[] = {argv[1],
                    "--plugin-dir",
                    argv[3],
                    "--mode",
                    "custom",
                    "--categories",
                    "orgs,orgs_clients___wired,orgs_wlans",
                    "--enable-write-tools",
                    NULL};
    mm_mcp_client c = {.child.stderr_path = "/dev/null"};
    CHECK(mm_mcp_start(&c, args, env) == 0);
    test_from_mist(&c);
    test_lenient(&c);
    test_to_mist(&c);
    int st = mm_mcp_stop(&c);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %d", st);
    mm_child_finish(&fake, 5000);
    return check_summary();
}
