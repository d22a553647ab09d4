/* The arguments of `mistmcp call` as a JSON object (see cli_args.h). */
#include "base/cli_args.h"

#include "base/json_exact.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int valid_utf8(const char *s)
{
    char *fixed = mm_utf8_repair(s);
    free(fixed);
    return fixed == NULL;
}

/* text as the JSON value it is, or NULL when it is not exactly one value as JSON writes it:
 * the client checks (mm_json_input_problem), the parse, nothing after the value but white
 * space, and numbers written as JSON writes them (cJSON also reads 01, 1. and -.5, which
 * mm_json_strict_text refuses). */
static cJSON *json_value(const char *text)
{
    size_t len = strlen(text);
    if (len == 0 || mm_json_input_problem(text, len))
        return NULL;
    const char *end = NULL;
    cJSON *v = mm_json_parse_exact(text, len, &end);
    while (v && end && end < text + len && strchr(" \t\r\n", *end))
        end++;
    char *strict = v && end == text + len ? mm_json_strict_text(text, len, NULL) : NULL;
    if (!strict) {
        cJSON_Delete(v);
        return NULL;
    }
    free(strict);
    return v;
}

cJSON *mm_cli_args_value(const char *text)
{
    cJSON *v = json_value(text);
    if (v)
        return v;
    return valid_utf8(text) ? cJSON_CreateString(text) : NULL;
}

static const char *kind(const cJSON *v)
{
    return cJSON_IsArray(v)    ? "an array"
           : cJSON_IsString(v) ? "a string"
           : cJSON_IsNumber(v) ? "a number"
           : cJSON_IsTrue(v)   ? "true"
           : cJSON_IsFalse(v)  ? "false"
                               : "null";
}

/* --json's text as an object, or NULL with the message. */
static cJSON *json_object(const char *text, char *err, size_t err_size)
{
    size_t len = strlen(text);
    const char *problem = mm_json_input_problem(text, len);
    cJSON *v = problem ? NULL : json_value(text);
    if (cJSON_IsObject(v))
        return v;
    if (v)
        mm_fail(err, err_size,
                "--json: expected a JSON object such as '{\"org_id\": \"...\"}', got %s", kind(v));
    else
        mm_fail(err, err_size,
                "--json: expected a JSON object such as '{\"org_id\": \"...\"}', got text that "
                "is not JSON%s%s",
                problem ? ": " : "", problem ? problem : "");
    cJSON_Delete(v);
    return NULL;
}

/* One key=value word added to args (replacing a --json member of that key). Returns 0, or -1
 * with the message. seen: the keys of the words before this one. */
static int add_word(cJSON *args, cJSON *seen, const char *word, char *err, size_t err_size)
{
    const char *eq = strchr(word, '=');
    char *shown = mm_text_shown(word);
    int rc = -1;
    if (!eq) {
        mm_fail(err, err_size,
                "'%.100s' is not an argument: expected key=value (the value is JSON where it "
                "parses, else a string), or --json '{...}'",
                shown);
    } else if (eq == word) {
        mm_fail(err, err_size, "'%.100s' has no key before '=': expected key=value", shown);
    } else {
        char *key = mm_xmalloc((size_t)(eq - word) + 1);
        memcpy(key, word, (size_t)(eq - word));
        key[eq - word] = '\0';
        char *key_shown = mm_text_shown(key);
        cJSON *value = mm_cli_args_value(eq + 1);
        if (!valid_utf8(key))
            mm_fail(err, err_size, "argument '%.100s': the key is not valid UTF-8", key_shown);
        else if (cJSON_GetObjectItemCaseSensitive(seen, key))
            mm_fail(err, err_size, "argument '%.100s' is given twice: give each key once",
                    key_shown);
        else if (!value)
            mm_fail(err, err_size, "argument '%.100s': the value is not valid UTF-8", key_shown);
        else
            rc = 0;
        if (rc == 0) {
            cJSON_AddNullToObject(seen, key);
            if (cJSON_GetObjectItemCaseSensitive(args, key))
                cJSON_ReplaceItemInObjectCaseSensitive(args, key, value);
            else
                cJSON_AddItemToObject(args, key, value);
        } else {
            cJSON_Delete(value);
        }
        free(key_shown);
        free(key);
    }
    free(shown);
    return rc;
}

cJSON *mm_cli_args_object(const char *json_text, const char *const *words, size_t count, char *err,
                          size_t err_size)
{
    cJSON *args = json_text ? json_object(json_text, err, err_size) : cJSON_CreateObject();
    if (!args)
        return NULL;
    cJSON *seen = cJSON_CreateObject();
    for (size_t i = 0; i < count; i++)
        if (add_word(args, seen, words[i], err, err_size) != 0) {
            cJSON_Delete(args);
            args = NULL;
            break;
        }
    cJSON_Delete(seen);
    return args;
}
