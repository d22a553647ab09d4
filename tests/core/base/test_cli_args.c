/*
 * The arguments of `mistmcp call` (core/base/cli_args.c): each key=value word's value is the
 * JSON value it is (numbers with their digits) or else the string as typed; --json gives a
 * whole object that key=value words adjust; each mistake is refused with a message naming the
 * word, the key or --json, and what was expected.
 */
#include "base/cli_args.h"
#include "base/json_exact.h"
#include "base/util.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

/* The object of json_text and words as compact text (numbers as written), or the error. */
static char *args_text(const char *json_text, const char *const *words, size_t n, char *err,
                       size_t size)
{
    err[0] = '\0';
    cJSON *o = mm_cli_args_object(json_text, words, n, err, size);
    return o ? mm_json_take_text(o) : NULL;
}

static void expect_args(const char *json_text, const char *const *words, size_t n, const char *want)
{
    char err[400];
    char *got = args_text(json_text, words, n, err, sizeof err);
    CHECK_MSG(got && strcmp(got, want) == 0, "%s%s: got %s, want %s (%s)", words[0],
              n > 1 ? " ..." : "", got ? got : "(none)", want, err);
    free(got);
}

static void expect_error(const char *json_text, const char *const *words, size_t n,
                         const char *fragment)
{
    char err[400];
    char *got = args_text(json_text, words, n, err, sizeof err);
    CHECK_MSG(!got && strstr(err, fragment), "%s: got %s, error [%s], want [%s]",
              n ? words[0] : json_text, got ? got : "(none)", err, fragment);
    CHECK_MSG(!strchr(err, '\n'), "one line: [%s]", err);
    free(got);
}

static void test_values(void)
{
    /* JSON where the whole value is one JSON value, the string as typed otherwise. */
    static const char *const cases[][2] = {
        {"n=12", "{\"n\":12}"},
        {"n=-0.5", "{\"n\":-0.5}"},
        {"n=1.50", "{\"n\":1.50}"},
        {"n=1e3", "{\"n\":1e3}"},
        {"limit=12345678901234567890", "{\"limit\":12345678901234567890}"},
        {"id=1915883588174806058", "{\"id\":1915883588174806058}"},
        {"b=true", "{\"b\":true}"},
        {"b=false", "{\"b\":false}"},
        {"x=null", "{\"x\":null}"},
        {"s=\"12\"", "{\"s\":\"12\"}"},
        {"a=[1, \"two\", {\"three\": 3}]", "{\"a\":[1,\"two\",{\"three\":3}]}"},
        {"body={\"ssid\":\"guest\",\"vlan_id\":12345678901234567}",
         "{\"body\":{\"ssid\":\"guest\",\"vlan_id\":12345678901234567}}"},
        {"ws= 7 ", "{\"ws\":7}"},
        {"name=abc", "{\"name\":\"abc\"}"},
        {"empty=", "{\"empty\":\"\"}"},
        {"eq=a=b", "{\"eq\":\"a=b\"}"},
        {"zero=01", "{\"zero\":\"01\"}"},   /* cJSON reads it as 1; JSON does not */
        {"dot=1.", "{\"dot\":\"1.\"}"},     /* the same */
        {"half=-.5", "{\"half\":\"-.5\"}"}, /* the same */
        {"two=1 2", "{\"two\":\"1 2\"}"},   /* more than one value */
        {"open=[1,", "{\"open\":\"[1,\"}"}, /* not a whole value */
        {"nan=NaN", "{\"nan\":\"NaN\"}"},   /* not JSON */
        {"mac=5c5b35000001", "{\"mac\":\"5c5b35000001\"}"},
        {"tab=a\tb", "{\"tab\":\"a\\tb\"}"}, /* a raw control character: a string */
        {"utf8=caf\xc3\xa9", "{\"utf8\":\"caf\xc3\xa9\"}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_args(NULL, &cases[i][0], 1, cases[i][1]);
    const char *several[] = {"org_id=o1", "limit=5", "page=2"};
    expect_args(NULL, several, 3, "{\"org_id\":\"o1\",\"limit\":5,\"page\":2}");
    expect_args(NULL, NULL, 0, "{}");
}

static void test_json_option(void)
{
    /* --json alone, and adjusted by key=value words: a word replaces the member of its key in
     * place, a new key goes after. */
    const char *json = "{\"org_id\":\"o1\",\"limit\":12345678901234567890}";
    expect_args(json, NULL, 0, json);
    const char *words[] = {"org_id=o2", "page=3"};
    expect_args(json, words, 2, "{\"org_id\":\"o2\",\"limit\":12345678901234567890,\"page\":3}");
    expect_args(" {} ", words, 2, "{\"org_id\":\"o2\",\"page\":3}");

    expect_error("[1]", NULL, 0, "--json: expected a JSON object such as");
    expect_error("[1]", NULL, 0, "got an array");
    expect_error("\"x\"", NULL, 0, "got a string");
    expect_error("5", NULL, 0, "got a number");
    expect_error("true", NULL, 0, "got true");
    expect_error("null", NULL, 0, "got null");
    expect_error("{\"a\":", NULL, 0, "got text that is not JSON");
    expect_error("{} {}", NULL, 0, "got text that is not JSON");
    expect_error("org_id=x", NULL, 0, "got text that is not JSON");
    expect_error("{\"a\":\"\xff\"}", NULL, 0, "got text that is not JSON: ");
}

static void test_mistakes(void)
{
    const char *no_eq[] = {"org_id=o1", "verbose"};
    expect_error(NULL, no_eq, 2, "'verbose' is not an argument: expected key=value");
    const char *no_key[] = {"=5"};
    expect_error(NULL, no_key, 1, "'=5' has no key before '=': expected key=value");
    const char *twice[] = {"limit=1", "page=2", "limit=3"};
    expect_error(NULL, twice, 3, "argument 'limit' is given twice");
    const char *twice_json[] = {"a=1", "a=1"};
    expect_error("{\"a\":0}", twice_json, 2, "argument 'a' is given twice");
    const char *bad_value[] = {"name=\xff"};
    expect_error(NULL, bad_value, 1, "argument 'name': the value is not valid UTF-8");
    const char *bad_key[] = {"n\xc3=1"};
    expect_error(NULL, bad_key, 1, "the key is not valid UTF-8");
    const char *control[] = {"line\nbreak"}; /* shown on one line */
    expect_error(NULL, control, 1, "'line?break' is not an argument");
    /* A bad word after --json: the error, nothing leaks (valgrind runs this). */
    expect_error("{\"a\":1}", no_eq, 2, "'verbose'");
}

int main(void)
{
    mm_util_init();
    test_values();
    test_json_option();
    test_mistakes();
    return check_summary();
}
