/*
 * Numbers exactly as written (core/base/json_exact.c): whatever its size, sign, exponent or
 * decimals, a number parsed with mm_json_parse_exact prints back with its own characters, in
 * any position (top level, arrays, objects, after strings holding digits, quotes and escapes);
 * numbers cJSON prints back anyway keep no text, long integers always do, numbers JSON does not
 * allow go out as JSON writes them; and the strict text of a body changes nothing but the white
 * space between tokens and raw control characters in strings.
 */
#include "base/json_exact.h"
#include "base/util.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

/* Numbers a double cannot carry, or that cJSON would write otherwise. */
static const char *const awkward[] = {
    "1915883588174806058",  /* a Mist id */
    "12345678901234567",    /* a byte counter past 2^53 */
    "9007199254740993",     /* 2^53 + 1 */
    "-9223372036854775809", /* below long long */
    "18446744073709551616", /* 2^64 */
    "123456789012345678901234567890",
    "0.30000000000000004",
    "3.141592653589793238462643383279",
    "37.29583312345678",
    "1.50",
    "1.0",
    "-0",
    "-0.0",
    "1e3",
    "1E+2",
    "2.5e-7",
    "1.5e300",
    "4.9e-324",
    "1e400",
    "-1e400",
    "100000000000000000000",
    "0.1e1",
};

/* Numbers cJSON prints back as written: they must keep no text (no allocation). */
static const char *const plain[] = {"0",   "1",       "-1",    "42",      "123456789012345",
                                    "0.5", "37.2958", "-3.25", "1000000", "-999999999999999"};

static void round_trip(const char *json)
{
    cJSON *v = mm_json_parse_exact(json, strlen(json), NULL);
    char *back = v ? mm_json_print_exact(v) : NULL;
    CHECK_MSG(back && strcmp(back, json) == 0, "%s came back as %s", json, back ? back : "(none)");
    free(back);
    cJSON_Delete(v);
}

int main(void)
{
    /* Nothing to print gives no text, not a crash (issue 13, row 1: an answer past 2 GiB made
     * cJSON_PrintUnformatted return NULL, and the UTF-8 repair read it). */
    CHECK(mm_json_wire_text(NULL) == NULL);
    char json[512];
    size_t n_awkward = sizeof awkward / sizeof awkward[0];
    for (size_t i = 0; i < n_awkward; i++) {
        const char *a = awkward[i];
        round_trip(a);
        snprintf(json, sizeof json, "[%s]", a);
        round_trip(json);
        snprintf(json, sizeof json, "{\"id\":%s,\"n\":[1,{\"x\":%s}],\"s\":\"7\\\"%s\"}", a, a, a);
        round_trip(json);
        cJSON *v = mm_json_parse_exact(a, strlen(a), NULL);
        const char *kept = mm_json_number_text(v);
        CHECK_MSG(v && (!kept || strcmp(kept, a) == 0), "%s keeps its own text if any", a);
        cJSON_Delete(v);
    }
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        round_trip(plain[i]);
        cJSON *v = mm_json_parse_exact(plain[i], strlen(plain[i]), NULL);
        CHECK_MSG(v && !mm_json_number_text(v), "%s needs no kept text", plain[i]);
        cJSON_Delete(v);
    }

    /* Mixed: strings full of digits, escapes and quotes, keys that look like numbers, the
     * awkward numbers among plain ones; a duplicate of the tree prints the same. */
    const char *mixed =
        "{\"1e3\":\"12345678901234567\",\"a\\\\\":[0,1915883588174806058,\"-1\",-0.0,"
        "{\"\\\"q\\\"\":1.50,\"u\":\"\\t "
        "9\"},true,null,false,1e400],\"z\":0.30000000000000004}";
    round_trip(mixed);
    cJSON *v = mm_json_parse_exact(mixed, strlen(mixed), NULL);
    cJSON *copy = cJSON_Duplicate(v, 1);
    char *a = mm_json_print_exact(v), *b = mm_json_print_exact(copy);
    CHECK_MSG(a && b && strcmp(a, b) == 0 && strcmp(a, mixed) == 0, "a copy prints the same");
    free(a);
    free(b);
    cJSON_Delete(copy);
    cJSON_Delete(v);

    /* Parsing stops after the value; end says where. */
    const char *two = "{\"a\":12345678901234567} {\"b\":2}";
    const char *end = NULL;
    v = mm_json_parse_exact(two, strlen(two), &end);
    CHECK(v && end == two + 23);
    char *p = mm_json_print_exact(v);
    CHECK_MSG(p && strcmp(p, "{\"a\":12345678901234567}") == 0, "%s", p ? p : "");
    free(p);
    cJSON_Delete(v);
    CHECK(mm_json_parse_exact("[1,", 3, NULL) == NULL);
    CHECK(mm_json_print_exact(NULL) == NULL);

    /* Integers past 15 digits keep their digits even where cJSON would print them right: a
     * plugin's arg_integer reads them exactly. */
    const char *long_ints[] = {"12345678901234568", "9007199254740994", "18014398509481984"};
    for (int k = 0; k < 3; k++) {
        v = mm_json_parse_exact(long_ints[k], strlen(long_ints[k]), NULL);
        CHECK_MSG(v && mm_json_number_text(v) && strcmp(mm_json_number_text(v), long_ints[k]) == 0,
                  "%s keeps its digits", long_ints[k]);
        cJSON_Delete(v);
    }
    /* Numbers cJSON reads but JSON does not allow keep no text: they go out as JSON writes
     * them, so the wire stays valid for strict parsers. */
    const char *lenient[][2] = {
        {"[01]", "[1]"}, {"[1.]", "[1]"}, {"[-.5]", "[-0.5]"}, {"{\"id\":00}", "{\"id\":0}"}};
    for (int k = 0; k < 4; k++) {
        v = mm_json_parse_exact(lenient[k][0], strlen(lenient[k][0]), NULL);
        char *out = v ? mm_json_take_text(v) : NULL;
        CHECK_MSG(out && strcmp(out, lenient[k][1]) == 0, "%s went out as %s", lenient[k][0],
                  out ? out : "(none)");
        free(out);
    }
    /* take_text prints as print_exact does, and frees. */
    v = mm_json_parse_exact(mixed, strlen(mixed), NULL);
    char *taken = mm_json_take_text(v);
    CHECK_MSG(taken && strcmp(taken, mixed) == 0, "take_text: %s", taken ? taken : "");
    free(taken);

    /* Strict text: white space between tokens goes (every byte up to 0x20, a byte order
     * mark), control characters in strings are escaped, nothing else changes. */
    const char *pretty =
        "\xEF\xBB\xBF{\n  \"id\" : 1915883588174806058,\r\n\t\"s\": \" a \\\" b \",\f\n"
        "  \"x\": [ 1.50 , -0 ],\"c\":\"tab\there\x01\",\"n\":\"nul\"\x0b}\n";
    size_t len = 0;
    char *strict = mm_json_strict_text(pretty, strlen(pretty), &len);
    const char *want = "{\"id\":1915883588174806058,\"s\":\" a \\\" b \",\"x\":[1.50,-0],"
                       "\"c\":\"tab\\u0009here\\u0001\",\"n\":\"nul\"}";
    CHECK_MSG(strict && len == strlen(want) && strcmp(strict, want) == 0, "strict: %s",
              strict ? strict : "(none)");
    free(strict);
    const char nul_in_string[] = "{\"a\":\"x\0y\"}";
    strict = mm_json_strict_text(nul_in_string, sizeof nul_in_string - 1, &len);
    CHECK_MSG(strict && strcmp(strict, "{\"a\":\"x\\u0000y\"}") == 0, "a NUL byte: %s",
              strict ? strict : "(none)");
    free(strict);
    for (int k = 0; k < 4; k++)
        CHECK_MSG(!mm_json_strict_text(lenient[k][0], strlen(lenient[k][0]), NULL),
                  "%s: no strict text (the caller prints from a parse)", lenient[k][0]);
    /* \u escapes: four hex digits, else no strict text (cJSON reads "\u00zz" as U+0000). */
    const char *bad_escapes[] = {"[\"\\u00zz\"]", "[\"\\u12\"]", "[\"a\\u\"]", "{\"\\uDEFG\":1}"};
    for (int k = 0; k < 4; k++)
        CHECK_MSG(!mm_json_strict_text(bad_escapes[k], strlen(bad_escapes[k]), NULL),
                  "%s: no strict text", bad_escapes[k]);
    const char *escapes = "[\"\\u00e9\\uD83D\\ude00\"]";
    strict = mm_json_strict_text(escapes, strlen(escapes), &len);
    CHECK_MSG(strict && strcmp(strict, escapes) == 0, "good escapes: %s",
              strict ? strict : "(none)");
    free(strict);
    /* Bounds checked before any tree is built: depth and values, brackets and commas inside
     * strings not counted (escaped quotes included). */
    CHECK(mm_json_input_problem("{\"a\":[1,2,{\"b\":null}]}", 22) == NULL);
    mm_buf deep = {0};
    for (int i = 0; i < 65; i++)
        mm_buf_put(&deep, "[", 1);
    CHECK(mm_json_input_problem(deep.data, 64) == NULL);
    const char *why = mm_json_input_problem(deep.data, 65);
    CHECK(why && strstr(why, "64 levels"));
    free(deep.data);
    mm_buf wide = {0}; /* an array of 199,999 zeros: 200,000 values with the array */
    mm_buf_put(&wide, "[0", 2);
    for (int i = 1; i < MM_JSON_MAX_VALUES - 1; i++)
        mm_buf_put(&wide, ",0", 2);
    mm_buf_put(&wide, "]", 1);
    CHECK(mm_json_input_problem(wide.data, wide.len) == NULL);
    wide.len--;
    mm_buf_put(&wide, ",0]", 3); /* one more */
    why = mm_json_input_problem(wide.data, wide.len);
    CHECK(why && strstr(why, "200000 values"));
    free(wide.data);
    mm_buf quoted = {0};
    mm_buf_put(&quoted, "\"", 1);
    for (int i = 0; i < 100; i++)
        mm_buf_put(&quoted, "[,\\\"{", 5); /* [ , \" { inside one string: nothing counts */
    mm_buf_put(&quoted, "\"", 1);
    CHECK(mm_json_input_problem(quoted.data, quoted.len) == NULL);
    free(quoted.data);
    /* Text JSON may not be: invalid UTF-8 (a stray byte, overlong, a surrogate, a sequence cut
     * at the end), raw control bytes in a string or between tokens; escapes and valid UTF-8
     * pass. */
    static const struct {
        const char *text;
        const char *why; /* NULL: fine */
    } cases[] = {
        {"{\"a\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xa1\"}", NULL},
        {"{\"a\":\"\\u0000\\n\\\"\"}\r\n\t ", NULL},
        {"\"\xff\"", "not valid UTF-8"},
        {"\"\xc0\xaf\"", "not valid UTF-8"},     /* overlong '/' */
        {"\"\xed\xa0\x80\"", "not valid UTF-8"}, /* a UTF-16 surrogate */
        {"\"\xe2\x82", "cut at its end"},
        {"\"a\x01b\"", "raw control character"},
        {"{\"a\":1,\x0c\"b\":2}", "between JSON tokens"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = mm_json_input_problem(cases[i].text, strlen(cases[i].text));
        CHECK_MSG(cases[i].why ? got && strstr(got, cases[i].why) : !got, "case %zu: %s", i,
                  got ? got : "(fine)");
    }
    const char nul[] = "{\"a\":\"x\0y\"}";
    CHECK(mm_json_input_problem(nul, sizeof nul - 1) != NULL); /* a NUL inside the text */
    /* Laid out for a person: tokens byte for byte (numbers past 2^53, escapes, brackets, commas
     * and colons inside strings), two spaces a level, {} and [] on one line. */
    const char *wire = "{\"id\":1915883588174806058,\"s\":\"a,b:{[\\\"]}\",\"e\":{},"
                       "\"l\":[1.50,[],{\"x\":null}]}";
    char *laid = mm_json_pretty(wire, strlen(wire));
    const char *want_laid = "{\n"
                            "  \"id\": 1915883588174806058,\n"
                            "  \"s\": \"a,b:{[\\\"]}\",\n"
                            "  \"e\": {},\n"
                            "  \"l\": [\n"
                            "    1.50,\n"
                            "    [],\n"
                            "    {\n"
                            "      \"x\": null\n"
                            "    }\n"
                            "  ]\n"
                            "}";
    CHECK_MSG(laid && strcmp(laid, want_laid) == 0, "pretty:\n%s", laid ? laid : "(none)");
    free(laid);
    laid = mm_json_pretty("12345678901234567890", 20);
    CHECK_MSG(laid && strcmp(laid, "12345678901234567890") == 0, "a lone number: %s", laid);
    free(laid);
    return check_summary();
}
