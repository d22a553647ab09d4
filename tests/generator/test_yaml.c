/* YAML reading: quoted scalars stay strings, plain ones follow the YAML 1.2 core schema,
 * and malformed input gives an error with a line number instead of a tree. */
#include "check.h"
#include "yaml_json.h"

#include <stdlib.h>
#include <string.h>

static cJSON *parse(const char *text)
{
    char err[256];
    cJSON *doc = gen_yaml_parse(text, strlen(text), err, sizeof err);
    CHECK_MSG(doc != NULL, "parse of [%s] failed: %s", text, err);
    return doc;
}

static void expect_error(const char *text, const char *fragment)
{
    char err[256] = "";
    cJSON *doc = gen_yaml_parse(text, strlen(text), err, sizeof err);
    CHECK_MSG(doc == NULL, "[%s] should not parse", text);
    CHECK_MSG(strstr(err, fragment) != NULL, "error for [%s] is [%s], expected [%s]", text, err,
              fragment);
    cJSON_Delete(doc);
}

/* The value of key "v" in the one-line document "v: <scalar>", printed as JSON. */
static void expect_value(const char *scalar, const char *json)
{
    char text[256];
    snprintf(text, sizeof text, "v: %s\n", scalar);
    cJSON *doc = parse(text);
    if (!doc)
        return;
    char *printed = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(doc, "v"));
    CHECK_MSG(printed && strcmp(printed, json) == 0, "v: %s gave %s, expected %s", scalar,
              printed ? printed : "(nothing)", json);
    free(printed);
    cJSON_Delete(doc);
}

int main(void)
{
    /* Quoted scalars that look like other types stay strings (7,136 of them in the spec). */
    expect_value("'1.0'", "\"1.0\"");
    expect_value("\"42\"", "\"42\"");
    expect_value("'true'", "\"true\"");
    expect_value("'null'", "\"null\"");
    expect_value("'~'", "\"~\"");
    expect_value("''", "\"\"");
    expect_value("'007'", "\"007\"");
    /* Plain scalars: YAML 1.2 core schema. */
    expect_value("42", "42");
    expect_value("-17", "-17");
    expect_value("+5", "5");
    expect_value("0o17", "15");
    expect_value("0x1F", "31");
    expect_value("1.5", "1.5");
    expect_value("1.5e3", "1500");
    expect_value(".5", "0.5");
    expect_value("true", "true");
    expect_value("True", "true");
    expect_value("FALSE", "false");
    expect_value("null", "null");
    expect_value("~", "null");
    expect_value("", "null");
    /* Not core-schema values: YAML 1.1 booleans, versions, MACs, .inf stay strings. */
    expect_value("yes", "\"yes\"");
    expect_value("on", "\"on\"");
    expect_value("2511.1.5", "\"2511.1.5\"");
    expect_value("5c5b350e0410", "\"5c5b350e0410\"");
    expect_value("1e", "\"1e\"");
    expect_value(".inf", "\".inf\"");
    expect_value("0o8", "\"0o8\"");
    /* Explicit tags win over the plain typing. */
    expect_value("!!str 42", "\"42\"");
    expect_value("!!int 42", "42");
    /* Block scalars are strings. */
    {
        cJSON *doc = parse("v: |\n  123\n");
        CHECK(doc && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(doc, "v")));
        CHECK(doc && strcmp(cJSON_GetObjectItemCaseSensitive(doc, "v")->valuestring, "123\n") == 0);
        cJSON_Delete(doc);
    }
    /* Keys that are not identifiers, sequences, nesting, anchors and aliases. */
    {
        cJSON *doc = parse("en-US: a\n'street_address 2': b\ndefault: c\nswitch: d\n"
                           "list: [1, '2', x]\nbase: &b {k: 1}\ncopy: *b\n");
        CHECK(doc != NULL);
        if (doc) {
            char *s = cJSON_PrintUnformatted(doc);
            CHECK_MSG(strcmp(s, "{\"en-US\":\"a\",\"street_address 2\":\"b\",\"default\":\"c\","
                                "\"switch\":\"d\",\"list\":[1,\"2\",\"x\"],\"base\":{\"k\":1},"
                                "\"copy\":{\"k\":1}}") == 0,
                      "got %s", s);
            free(s);
        }
        cJSON_Delete(doc);
    }
    /* An alias used as a mapping key (its text is the key). */
    {
        cJSON *doc = parse("a: &k foo\n*k : 2\n");
        char *s = doc ? cJSON_PrintUnformatted(doc) : NULL;
        CHECK_MSG(s && strcmp(s, "{\"a\":\"foo\",\"foo\":2}") == 0, "got %s", s ? s : "-");
        free(s);
        cJSON_Delete(doc);
    }
    /* Tags we do not know: a quoted scalar stays a string, a plain one is typed as usual. */
    expect_value("!foo \"true\"", "\"true\"");
    expect_value("!foo true", "true");
    expect_value("! 12", "\"12\"");
    expect_error("v: !!int 1.5\n", "scalar does not match its tag");
    expect_error("v: !!bool yes\n", "scalar does not match its tag");
    expect_error("a: &k x\n*k : 1\nx: 2\n", "duplicate mapping key: x");
    /* Errors name the line. */
    expect_error("a: 1\na: 2\n", "line 2: duplicate mapping key: a");
    expect_error("a: [1, 2\n", "line");
    expect_error("a: *nope\n", "undefined or unfinished anchor");
    expect_error("? [1, 2]\n: x\n", "complex mapping keys");
    expect_error("a: 1\n---\nb: 2\n", "more than one YAML document");
    expect_error("", "empty document");
    /* Billion laughs: aliases that double at every level are refused, not expanded. */
    {
        char text[4096] = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
        for (int i = 1; i < 12; i++) {
            char line[128];
            snprintf(line, sizeof line, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i,
                     i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
            strcat(text, line);
        }
        expect_error(text, "aliases expand to too many nodes");
    }
    return check_summary();
}
