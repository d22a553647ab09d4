#define _POSIX_C_SOURCE 200809L
#include "mcp/args_check.h"

#include "base/json_exact.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32

static const char *json_type(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "string";
    if (cJSON_IsNumber(v)) {
        /* Digits alone are an integer however many (the text is kept, see json_exact.h); else
         * a number with no fraction is one too, as JSON Schema says (1.0, 1e3). */
        const char *text = mm_json_number_text(v);
        if (text && !strpbrk(text, ".eE"))
            return "integer";
        return isfinite(v->valuedouble) && v->valuedouble == floor(v->valuedouble) ? "integer"
                                                                                   : "number";
    }
    if (cJSON_IsBool(v))
        return "boolean";
    if (cJSON_IsArray(v))
        return "array";
    if (cJSON_IsObject(v))
        return "object";
    return "null";
}

static int type_matches(const char *want, const cJSON *v)
{
    const char *have = json_type(v);
    return strcmp(want, have) == 0 || (strcmp(want, "number") == 0 && strcmp(have, "integer") == 0);
}

/* "string", "string or null", ... from a schema's "type". */
static void describe_type(const cJSON *t, char *buf, size_t size)
{
    if (cJSON_IsString(t)) {
        snprintf(buf, size, "%s", t->valuestring);
        return;
    }
    size_t used = 0;
    buf[0] = '\0';
    const cJSON *it;
    cJSON_ArrayForEach(it, t)
    {
        if (cJSON_IsString(it) && used < size)
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? " or " : "",
                                     it->valuestring);
    }
}

static int check_value(const cJSON *schema, const cJSON *v, const char *path, int depth, char *err,
                       size_t err_size);

static int check_enum(const cJSON *schema, const cJSON *v, const char *path, char *err,
                      size_t err_size)
{
    const cJSON *en = cJSON_GetObjectItemCaseSensitive(schema, "enum");
    if (!cJSON_IsArray(en))
        return 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, en)
    {
        if (cJSON_Compare(it, v, 1))
            return 0;
    }
    char list[400] = "";
    size_t used = 0;
    cJSON_ArrayForEach(it, en)
    {
        char *s = cJSON_PrintUnformatted(it);
        if (used + strlen(s) + 3 < sizeof list)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", s);
        free(s);
    }
    char *got = mm_json_print_exact(v);
    mm_fail(err, err_size, "argument '%s' is %.60s; expected one of: %s", path, got, list);
    free(got);
    return -1;
}

static int check_object(const cJSON *schema, const cJSON *v, const char *path, int depth, int top,
                        char *err, size_t err_size)
{
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
    const cJSON *extra = cJSON_GetObjectItemCaseSensitive(schema, "additionalProperties");
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(schema, "required"))
    {
        const cJSON *given =
            cJSON_IsString(r) ? cJSON_GetObjectItemCaseSensitive(v, r->valuestring) : NULL;
        if (given && cJSON_IsNull(given)) /* null may clear an optional field, not this one */
            return mm_fail(err, err_size, "required argument '%s%s%s' is null", path,
                           *path ? "." : "", r->valuestring);
        if (cJSON_IsString(r) && !given) {
            const cJSON *ps = cJSON_GetObjectItemCaseSensitive(props, r->valuestring);
            char t[64] = "a value";
            describe_type(cJSON_GetObjectItemCaseSensitive(ps, "type"), t, sizeof t);
            return mm_fail(err, err_size, "missing required argument '%s%s%s' (%s)", path,
                           *path ? "." : "", r->valuestring, *t ? t : "a value");
        }
    }
    const cJSON *member;
    cJSON_ArrayForEach(member, v)
    {
        char sub[256];
        snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", member->string);
        const cJSON *ps = cJSON_GetObjectItemCaseSensitive(props, member->string);
        if (!ps && cJSON_IsObject(extra))
            ps = extra;
        if (!ps) {
            if (top || cJSON_IsFalse(extra)) {
                char names[400] = "";
                size_t used = 0;
                const cJSON *p;
                cJSON_ArrayForEach(p, props)
                {
                    if (used + strlen(p->string) + 3 < sizeof names)
                        used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
                                                 used ? ", " : "", p->string);
                }
                return mm_fail(err, err_size, "unknown argument '%s'; expected %s%s", sub,
                               used ? "one of: " : "no arguments", names);
            }
            continue;
        }
        /* Inside a body, null is a value: Mist's PUT clears a field with it. The listed schema
         * says one type (hosts take no type lists), so null is let through here rather than
         * refused as "not a string". At the top, nulls were dropped: there they mean absent. */
        if (!top && cJSON_IsNull(member))
            continue;
        if (check_value(ps, member, sub, depth + 1, err, err_size) != 0)
            return -1;
    }
    return 0;
}

/* minimum/maximum (and their exclusive forms) of numbers, minLength/maxLength of strings,
 * minItems/maxItems of arrays: what Mist would refuse anyway, said before a request is sent. */
static int check_bounds(const cJSON *schema, const cJSON *v, const char *path, char *err,
                        size_t err_size)
{
    static const struct {
        const char *key;
        int below; /* 1: the value must not be below the bound */
        int exclusive;
    } numbers[] = {{"minimum", 1, 0},
                   {"maximum", 0, 0},
                   {"exclusiveMinimum", 1, 1},
                   {"exclusiveMaximum", 0, 1}};
    if (cJSON_IsNumber(v))
        for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
            const cJSON *b = cJSON_GetObjectItemCaseSensitive(schema, numbers[i].key);
            if (!cJSON_IsNumber(b))
                continue;
            double x = v->valuedouble, lim = b->valuedouble;
            int bad = numbers[i].below ? (numbers[i].exclusive ? x <= lim : x < lim)
                                       : (numbers[i].exclusive ? x >= lim : x > lim);
            if (bad)
                return mm_fail(err, err_size, "argument '%s' must be %s %.15g, got %.15g", path,
                               numbers[i].below ? (numbers[i].exclusive ? "above" : "at least")
                                                : (numbers[i].exclusive ? "below" : "at most"),
                               lim, x);
        }
    size_t len = cJSON_IsString(v)  ? mm_utf8_length(v->valuestring)
                 : cJSON_IsArray(v) ? (size_t)cJSON_GetArraySize(v)
                                    : 0;
    const char *lo_key = cJSON_IsString(v) ? "minLength" : "minItems";
    const char *hi_key = cJSON_IsString(v) ? "maxLength" : "maxItems";
    const char *unit = cJSON_IsString(v) ? "characters" : "items";
    if (cJSON_IsString(v) || cJSON_IsArray(v)) {
        const cJSON *lo = cJSON_GetObjectItemCaseSensitive(schema, lo_key);
        const cJSON *hi = cJSON_GetObjectItemCaseSensitive(schema, hi_key);
        if (cJSON_IsNumber(lo) && (double)len < lo->valuedouble)
            return mm_fail(err, err_size, "argument '%s' must have at least %.15g %s, got %zu",
                           path, lo->valuedouble, unit, len);
        if (cJSON_IsNumber(hi) && (double)len > hi->valuedouble)
            return mm_fail(err, err_size, "argument '%s' must have at most %.15g %s, got %zu", path,
                           hi->valuedouble, unit, len);
    }
    return 0;
}

static int check_value(const cJSON *schema, const cJSON *v, const char *path, int depth, char *err,
                       size_t err_size)
{
    if (!cJSON_IsObject(schema) || depth > MAX_DEPTH)
        return 0;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(schema, "type");
    if (t) {
        int ok = 0;
        if (cJSON_IsString(t)) {
            ok = type_matches(t->valuestring, v);
        } else {
            const cJSON *it;
            cJSON_ArrayForEach(it, t) ok |= cJSON_IsString(it) && type_matches(it->valuestring, v);
        }
        if (!ok) {
            char want[64];
            describe_type(t, want, sizeof want);
            char *got = mm_json_print_exact(v);
            mm_fail(err, err_size, "argument '%s' must be %s %s, got %s %.40s", path,
                    strchr("aeiou", want[0]) ? "an" : "a", want, json_type(v), got);
            free(got);
            return -1;
        }
    }
    if (check_enum(schema, v, path, err, err_size) != 0)
        return -1;
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(schema, "const");
    if (c && !cJSON_Compare(c, v, 1)) {
        char *want = cJSON_PrintUnformatted(c);
        mm_fail(err, err_size, "argument '%s' must be %.60s", path, want);
        free(want);
        return -1;
    }
    if (check_bounds(schema, v, path, err, err_size) != 0)
        return -1;
    if (cJSON_IsArray(v)) {
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(schema, "items");
        int i = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, v)
        {
            char sub[256];
            snprintf(sub, sizeof sub, "%s[%d]", path, i++);
            if (check_value(items, it, sub, depth + 1, err, err_size) != 0)
                return -1;
        }
    }
    if (cJSON_IsObject(v) && check_object(schema, v, path, depth, 0, err, err_size) != 0)
        return -1;
    /* oneOf/anyOf: the value must fit at least one alternative (we do not insist on exactly
     * one: the compacted alternatives may overlap). */
    static const char *const alternatives[] = {"oneOf", "anyOf"};
    for (int a = 0; a < 2; a++) {
        const cJSON *alts = cJSON_GetObjectItemCaseSensitive(schema, alternatives[a]);
        if (!cJSON_IsArray(alts) || !alts->child)
            continue;
        char first[256] = "";
        const cJSON *alt;
        int fits = 0;
        cJSON_ArrayForEach(alt, alts)
        {
            char why[256];
            if (check_value(alt, v, path, depth + 1, why, sizeof why) == 0) {
                fits = 1;
                break;
            }
            if (!first[0])
                snprintf(first, sizeof first, "%s", why);
        }
        if (!fits)
            return mm_fail(err, err_size, "%s (and no other allowed form fits)", first);
    }
    return 0;
}

void mm_args_drop_nulls(cJSON *args)
{
    cJSON *m = args->child;
    while (m) {
        cJSON *next = m->next;
        if (cJSON_IsNull(m))
            cJSON_Delete(cJSON_DetachItemViaPointer(args, m));
        m = next;
    }
}

int mm_args_check(const cJSON *schema, cJSON *args, char *err, size_t err_size)
{
    if (!cJSON_IsObject(args))
        return mm_fail(err, err_size, "arguments must be a JSON object, got %s", json_type(args));
    mm_args_drop_nulls(args);
    return check_object(schema, args, "", 0, 1, err, err_size);
}
