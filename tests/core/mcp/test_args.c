/* Argument checks against a tool's input schema: every refusal names the argument and what
 * was expected; null means absent. */
#include "base/util.h"
#include "check.h"
#include "mcp/args_check.h"
#include "mcp/tool_exec.h"

#include <stdlib.h>
#include <string.h>

static const char *schema_text =
    "{\"type\":\"object\",\"properties\":{"
    "\"org_id\":{\"type\":\"string\",\"format\":\"uuid\"},"
    "\"limit\":{\"type\":\"integer\",\"default\":100,\"minimum\":0},"
    "\"ratio\":{\"type\":\"number\"},"
    "\"band\":{\"type\":\"string\",\"enum\":[\"24\",\"5\",\"6\"]},"
    "\"macs\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"note\":{\"type\":[\"string\",\"null\"]},"
    "\"name\":{\"type\":\"string\",\"minLength\":2,\"maxLength\":4},"
    "\"tags\":{\"type\":\"array\",\"maxItems\":2},"
    "\"rssi\":{\"type\":\"number\",\"exclusiveMaximum\":0},"
    "\"body\":{\"type\":\"object\",\"required\":[\"name\"],\"properties\":{"
    "\"name\":{\"type\":\"string\"},"
    "\"port\":{\"type\":\"integer\"},"
    "\"mode\":{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"string\",\"enum\":[\"auto\"]}]}}}},"
    "\"required\":[\"org_id\"]}";

static cJSON *schema;

static void ok(const char *args_json, const char *after)
{
    cJSON *args = cJSON_Parse(args_json);
    char err[512] = "";
    CHECK_MSG(mm_args_check(schema, args, err, sizeof err) == 0, "%s refused: %s", args_json, err);
    if (after) {
        char *s = cJSON_PrintUnformatted(args);
        CHECK_MSG(strcmp(s, after) == 0, "%s became %s, expected %s", args_json, s, after);
        free(s);
    }
    cJSON_Delete(args);
}

static void refused(const char *args_json, const char *message)
{
    cJSON *args = cJSON_Parse(args_json);
    char err[512] = "";
    CHECK_MSG(mm_args_check(schema, args, err, sizeof err) != 0, "%s accepted", args_json);
    CHECK_MSG(strcmp(err, message) == 0, "%s: got [%s], expected [%s]", args_json, err, message);
    cJSON_Delete(args);
}

/* Issue 13, row 12: a plugin's path "/api/../internal/x" reached Mist as "/internal/x", and a
 * query "a=1#b=2" was cut at '#'. Both are refused now, with a reason. */
static void plugin_targets(void)
{
    static const struct {
        const char *path, *query;
        int ok;
    } cases[] = {
        {"/api/v1/orgs/o/sites", "limit=10&page=2", 1},
        {"/api/v1/orgs/o/wlans/a.b", NULL, 1},
        {"/api/v1/sites/s/maps/..map", "", 1},
        {"/api/../internal/x", NULL, 0},
        {"/api/v1/./self", NULL, 0},
        {"/api/v1/orgs/..", NULL, 0},
        {"/api/v1/orgs/o?x=1", NULL, 0},
        {"/api/v1/orgs/o#x", NULL, 0},
        {"/api/v1/orgs/o p", NULL, 0},
        {"/api/v1/orgs/o\r\nX: y", NULL, 0},
        {"/api/v1\\..\\x", NULL, 0},
        {"/internal/x", NULL, 0},
        {NULL, NULL, 0},
        {"/api/v1/orgs/o", "a=1#b=2", 0},
        {"/api/v1/orgs/o", "a=1 2", 0},
        {"/api/%2e%2e/internal/x", NULL, 0},
        {"/api/.%2E/x", NULL, 0},
        {"/api/v1/o/..%2finternal", NULL, 0},
        {"/api/..;/internal", NULL, 0},
        {"/api/v1/o/%5c..", NULL, 0},
        {"/api/v1/orgs/o/wlans/guest%20wifi", NULL, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *why = mm_plugin_target_problem(cases[i].path, cases[i].query);
        CHECK_MSG((why == NULL) == cases[i].ok, "%s ? %s: %s",
                  cases[i].path ? cases[i].path : "(null)", cases[i].query ? cases[i].query : "",
                  why ? why : "accepted");
    }
}

int main(void)
{
    mm_util_init();
    schema = cJSON_Parse(schema_text);
    plugin_targets();
    ok("{\"org_id\":\"o\"}", NULL);
    ok("{\"org_id\":\"o\",\"limit\":5,\"ratio\":2,\"band\":\"5\",\"macs\":[\"a\",\"b\"]}", NULL);
    ok("{\"org_id\":\"o\",\"limit\":null,\"note\":null}", "{\"org_id\":\"o\"}");
    ok("{\"org_id\":\"o\",\"ratio\":2.5}", NULL);
    ok("{\"org_id\":\"o\",\"body\":{\"name\":\"x\",\"extra\":true,\"mode\":\"auto\"}}", NULL);
    ok("{\"org_id\":\"o\",\"body\":{\"name\":\"x\",\"mode\":3}}", NULL);
    /* inside a body null clears a field (Mist's PUT): it reaches Mist as written */
    ok("{\"org_id\":\"o\",\"body\":{\"name\":\"x\",\"port\":null}}",
       "{\"org_id\":\"o\",\"body\":{\"name\":\"x\",\"port\":null}}");

    refused("{}", "missing required argument 'org_id' (string)");
    refused("{\"org_id\":null}", "missing required argument 'org_id' (string)");
    refused("{\"org_id\":\"o\",\"limti\":5}",
            "unknown argument 'limti'; expected one of: org_id, limit, ratio, band, macs, note, "
            "name, tags, rssi, body");
    refused("{\"org_id\":\"o\",\"limit\":\"5\"}",
            "argument 'limit' must be an integer, got string \"5\"");
    refused("{\"org_id\":\"o\",\"limit\":2.5}",
            "argument 'limit' must be an integer, got number 2.5");
    refused("{\"org_id\":7}", "argument 'org_id' must be a string, got integer 7");
    refused("{\"org_id\":\"o\",\"band\":\"2.4\"}",
            "argument 'band' is \"2.4\"; expected one of: \"24\", \"5\", \"6\"");
    refused("{\"org_id\":\"o\",\"macs\":[\"a\",1]}",
            "argument 'macs[1]' must be a string, got integer 1");
    refused("{\"org_id\":\"o\",\"body\":{}}", "missing required argument 'body.name' (string)");
    refused("{\"org_id\":\"o\",\"body\":{\"name\":null}}", "required argument 'body.name' is null");
    refused("{\"org_id\":\"o\",\"body\":{\"name\":\"x\",\"port\":\"80\"}}",
            "argument 'body.port' must be an integer, got string \"80\"");
    refused("{\"org_id\":\"o\",\"body\":{\"name\":\"x\",\"mode\":\"manual\"}}",
            "argument 'body.mode' must be an integer, got string \"manual\" (and no other "
            "allowed form fits)");
    refused("{\"org_id\":\"o\",\"note\":5}",
            "argument 'note' must be a string or null, got integer 5");
    refused("[1]", "arguments must be a JSON object, got array");

    /* Bounds, said before Mist would refuse them; lengths count characters, not bytes. */
    ok("{\"org_id\":\"o\",\"limit\":0,\"name\":\"\u00e9t\u00e9!\",\"tags\":[1,2],\"rssi\":-70}",
       NULL);
    refused("{\"org_id\":\"o\",\"limit\":-1}", "argument 'limit' must be at least 0, got -1");
    refused("{\"org_id\":\"o\",\"name\":\"x\"}",
            "argument 'name' must have at least 2 characters, got 1");
    refused("{\"org_id\":\"o\",\"name\":\"abcde\"}",
            "argument 'name' must have at most 4 characters, got 5");
    refused("{\"org_id\":\"o\",\"tags\":[1,2,3]}",
            "argument 'tags' must have at most 2 items, got 3");
    refused("{\"org_id\":\"o\",\"rssi\":0}", "argument 'rssi' must be below 0, got 0");

    cJSON *empty = cJSON_Parse("{\"type\":\"object\",\"properties\":{}}");
    cJSON *args = cJSON_Parse("{\"x\":1}");
    char err[256];
    CHECK(mm_args_check(empty, args, err, sizeof err) != 0 &&
          strcmp(err, "unknown argument 'x'; expected no arguments") == 0);
    cJSON_Delete(args);
    cJSON_Delete(empty);
    cJSON_Delete(schema);
    return check_summary();
}
