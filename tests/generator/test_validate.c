/* The schema checker (core/base/json_schema.h) and the value builder (generator/synth.h) on
 * crafted schemas: each keyword accepts what it allows and refuses the rest, with the place
 * and the reason; a built value passes its own schema. The all-tools demo test relies on both,
 * so a checker that passed everything would make it pass for nothing. */
#include "check.h"
#include "spec.h"
#include "synth.h"

#include "base/json_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A spec whose components the cases refer to. */
static const char spec_text[] =
    "{\"components\":{\"schemas\":{"
    "\"site\":{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{"
    "\"id\":{\"type\":\"string\",\"format\":\"uuid\"},\"child\":{\"$ref\":\"#/components/schemas/"
    "site\"}}},"
    "\"loop\":{\"$ref\":\"#/components/schemas/loop\"},"
    "\"a/b\":{\"type\":\"integer\"},"
    "\"ap\":{\"properties\":{\"type\":{\"enum\":[\"ap\"]},\"name\":{\"type\":\"string\"},"
    "\"height\":{\"type\":\"number\"}}},"
    "\"switch\":{\"properties\":{\"type\":{\"enum\":[\"switch\"]},\"name\":{\"type\":"
    "\"string\"}}}}}}";

static cJSON *spec;

/* value against schema: valid expected, else where and a part of why. */
static void expect(const char *schema, const char *value, int valid, const char *where,
                   const char *why)
{
    cJSON *s = cJSON_Parse(schema), *v = cJSON_Parse(value);
    CHECK_MSG(s && v, "bad case: %s / %s", schema, value);
    mm_schema_error e = {0};
    int rc = mm_schema_check(spec, s, v, &e);
    if (valid)
        CHECK_MSG(rc == 0, "%s should accept %s: at %s: %s", schema, value, e.where, e.why);
    else
        CHECK_MSG(rc != 0 && strcmp(e.where, where) == 0 && strstr(e.why, why),
                  "%s should refuse %s at %s (%s): %s at %s: %s", schema, value, where, why,
                  rc ? "refused" : "accepted", e.where, e.why);
    cJSON_Delete(s);
    cJSON_Delete(v);
}

/* A value built from schema passes it. */
static void builds(const char *schema)
{
    cJSON *s = cJSON_Parse(schema);
    gen_synth_state st = {.steps = MM_SCHEMA_BUDGET};
    cJSON *v = gen_synth_value(spec, s, NULL, &st);
    mm_schema_error e = {0};
    char *text = v ? cJSON_PrintUnformatted(v) : NULL;
    CHECK_MSG(v && mm_schema_check(spec, s, v, &e) == 0, "%s built %s: at %s: %s", schema,
              text ? text : "nothing", e.where, e.why);
    free(text);
    cJSON_Delete(v);
    cJSON_Delete(s);
}

int main(void)
{
    char err[256];
    spec = gen_spec_parse(spec_text, strlen(spec_text), "test", err, sizeof err);
    CHECK_MSG(spec, "%s", err);

    /* type */
    expect("{\"type\":\"string\"}", "\"x\"", 1, "", "");
    expect("{\"type\":\"string\"}", "5", 0, "#", "expected string, found number");
    expect("{\"type\":\"integer\"}", "5", 1, "", "");
    expect("{\"type\":\"integer\"}", "5.5", 0, "#", "expected integer");
    expect("{\"type\":\"number\"}", "5", 1, "", "");
    expect("{\"type\":[\"string\",\"null\"]}", "null", 1, "", "");
    expect("{\"type\":[\"string\",\"null\"]}", "true", 0, "#", "expected one of");
    expect("{\"type\":\"string\",\"nullable\":true}", "null", 1, "", "");
    expect("{\"type\":\"string\"}", "null", 0, "#", "found null");
    expect("{}", "{\"anything\":[1]}", 1, "", "");
    /* enum, const */
    expect("{\"enum\":[\"24\",\"5\"]}", "\"5\"", 1, "", "");
    expect("{\"enum\":[\"24\",\"5\"]}", "5", 0, "#", "not one of the enum's values: \"24\", \"5\"");
    expect("{\"enum\":["
           "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
           "\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\","
           "\"c\"]}",
           "\"d\"", 0, "#", "aaaa\", ..."); /* cut short after the values that fit */
    expect("{\"const\":\"ap\"}", "\"switch\"", 0, "#", "const");
    /* objects */
    expect("{\"type\":\"object\",\"required\":[\"id\"]}", "{}", 0, "#",
           "missing required member 'id'");
    expect("{\"properties\":{\"a\":{\"type\":\"string\"}},\"additionalProperties\":false}",
           "{\"a\":\"x\",\"b\":1}", 0, "#", "member 'b' is not allowed");
    expect("{\"additionalProperties\":{\"type\":\"integer\"}}", "{\"x\":1,\"y\":\"2\"}", 0, "#/y",
           "expected integer");
    expect("{\"properties\":{\"a/b\":{\"properties\":{\"c\":{\"type\":\"string\"}}}}}",
           "{\"a/b\":{\"c\":1}}", 0, "#/a~1b/c", "expected string");
    expect("{\"minProperties\":1}", "{}", 0, "#", "fewer than 1");
    /* arrays */
    expect("{\"items\":{\"type\":\"string\"}}", "[\"a\",2]", 0, "#/1", "expected string");
    expect("{\"minItems\":2}", "[1]", 0, "#", "1 items, fewer than 2");
    expect("{\"maxItems\":1}", "[1,2]", 0, "#", "more than 1");
    expect("{\"uniqueItems\":true}", "[1,2,1]", 0, "#", "not unique");
    expect("{\"uniqueItems\":true}", "[1,2,3]", 1, "", "");
    /* strings and numbers */
    expect("{\"minLength\":2}", "\"\xc3\xa9\"", 0, "#",
           "1 characters, fewer than 2"); /* one character */
    expect("{\"maxLength\":1}", "\"\xc3\xa9\"", 1, "", "");
    expect("{\"minimum\":1,\"maximum\":3}", "4", 0, "#", "above the maximum");
    expect("{\"minimum\":1}", "0", 0, "#", "below the minimum");
    expect("{\"exclusiveMinimum\":1}", "1", 0, "#", "not above 1");
    expect("{\"minimum\":1,\"exclusiveMinimum\":true}", "1", 0, "#", "below the minimum");
    expect("{\"maximum\":3}", "\"5\"", 1, "", ""); /* bounds apply to numbers only */
    /* formats */
    expect("{\"format\":\"uuid\"}", "\"5c5b3500-0000-4000-8000-5c5b35000001\"", 1, "", "");
    expect("{\"format\":\"uuid\"}", "\"string\"", 0, "#", "is not a uuid");
    expect("{\"format\":\"date-time\"}", "\"2025-12-01T10:00:00.5Z\"", 1, "", "");
    expect("{\"format\":\"date-time\"}", "\"yesterday\"", 0, "#", "date-time");
    expect("{\"format\":\"email\"}", "\"a@b\"", 1, "", "");
    expect("{\"format\":\"email\"}", "\"a b@c\"", 0, "#", "email");
    expect("{\"format\":\"ipv4\"}", "\"10.0.0.300\"", 0, "#", "ipv4");
    expect("{\"format\":\"ipv6\"}", "\"2001:db8::1\"", 1, "", "");
    expect("{\"format\":\"something-else\"}", "\"x\"", 1, "", "");
    /* combinators */
    expect("{\"allOf\":[{\"required\":[\"a\"]},{\"required\":[\"b\"]}]}", "{\"a\":1}", 0, "#",
           "'b'");
    expect("{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", "3", 1, "", "");
    expect("{\"oneOf\":[{\"type\":\"number\"},{\"type\":\"integer\"}]}", "3", 0, "#",
           "matches 2 members of oneOf");
    expect("{\"oneOf\":[{\"type\":\"number\"},{\"type\":\"integer\"}]}", "3.5", 1, "", "");
    /* of the members that fail, the one that got deepest is reported */
    expect("{\"oneOf\":[{\"type\":\"string\"},{\"properties\":{\"x\":{\"properties\":{\"y\":"
           "{\"type\":\"string\"}}}}}]}",
           "{\"x\":{\"y\":1}}", 0, "#/x/y", "expected string");
    expect("{\"not\":{\"type\":\"string\"}}", "\"x\"", 0, "#", "'not'");
    /* OpenAPI's discriminator: the member the value names, by the mapping or by schema name;
     * without the property, any member that accepts the value (a device's name alone) */
    static const char disc[] =
        "{\"oneOf\":[{\"$ref\":\"#/components/schemas/ap\"},{\"$ref\":\"#/components/schemas/"
        "switch\"}],\"discriminator\":{\"propertyName\":\"type\"%s}}";
    char with_map[400], without_map[400];
    snprintf(with_map, sizeof with_map, disc,
             ",\"mapping\":{\"ap\":\"#/components/schemas/ap\",\"switch\":\"#/components/"
             "schemas/switch\"}");
    snprintf(without_map, sizeof without_map, disc, "");
    for (int i = 0; i < 2; i++) {
        const char *sch = i ? without_map : with_map;
        expect(sch, "{\"name\":\"lobby\"}", 1, "", ""); /* both accept it: no type, anyOf */
        expect(sch, "{\"type\":\"ap\",\"name\":\"lobby\"}", 1, "", "");
        expect(sch, "{\"type\":\"switch\",\"name\":3}", 0, "#/name", "expected string");
        expect(sch, "{\"name\":3}", 0, "#/name", "expected string");
        /* a type no member has: the members are checked as a oneOf, and each refuses it */
        expect(sch, "{\"type\":\"gateway\"}", 0, "#/type", "not one of the enum's values");
    }
    expect("{\"oneOf\":[{\"$ref\":\"#/components/schemas/ap\"},{\"$ref\":\"#/components/schemas/"
           "switch\"}]}",
           "{\"name\":\"lobby\"}", 0, "#", "matches 2 members of oneOf"); /* no discriminator */
    /* references: followed, recursive, broken, looping */
    expect("{\"$ref\":\"#/components/schemas/site\"}",
           "{\"id\":\"5c5b3500-0000-4000-8000-5c5b35000001\",\"child\":{\"id\":\"x\"}}", 0,
           "#/child/id", "is not a uuid");
    expect("{\"$ref\":\"#/components/schemas/a~1b\"}", "7", 1, "", "");
    expect("{\"$ref\":\"#/components/schemas/nothing\"}", "7", 0, "#", "unresolved $ref");
    expect("{\"$ref\":\"#/components/schemas/loop\"}", "7", 0, "#", "too complex");
    expect("false", "1", 0, "#", "no value is allowed");

    /* Built values pass their own schemas. */
    builds("{\"$ref\":\"#/components/schemas/site\"}");
    builds("{\"type\":\"object\",\"required\":[\"mac\",\"when\",\"n\",\"tag\"],\"properties\":{"
           "\"mac\":{\"type\":\"string\"},\"when\":{\"type\":\"string\",\"format\":\"date-time\"},"
           "\"n\":{\"type\":\"integer\",\"minimum\":36,\"maximum\":40},"
           "\"tag\":{\"type\":\"string\",\"minLength\":8,\"maxLength\":9}},"
           "\"additionalProperties\":false}");
    builds("{\"oneOf\":[{\"type\":\"number\"},{\"type\":\"integer\"}]}"); /* number 1.5 */
    builds("{\"oneOf\":[{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}},"
           "{\"type\":\"object\",\"required\":[\"b\"],\"properties\":{\"b\":{\"type\":\"string\"}}"
           ",\"additionalProperties\":false}]}");
    builds("{\"allOf\":[{\"required\":[\"a\"],\"properties\":{\"a\":{\"format\":\"email\","
           "\"type\":\"string\"}}},{\"required\":[\"b\"],\"properties\":{\"b\":{\"type\":"
           "\"array\",\"minItems\":2,\"items\":{\"format\":\"ipv4\",\"type\":\"string\"}}}}]}");
    builds("{\"type\":[\"null\",\"integer\"],\"exclusiveMinimum\":0}");
    builds("{\"enum\":[null,\"on\"]}");
    gen_spec_free(&spec);
    return check_summary();
}
