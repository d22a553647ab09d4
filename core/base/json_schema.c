/*
 * The schema checker (base/json_schema.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "base/json_schema.h"

#include "base/json_refs.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64
#define TOKEN_MAX 1024 /* a pointer's token this long or longer names nothing */

static const cJSON *member(const cJSON *obj, const char *key)
{
    return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

static const char *str_member(const cJSON *obj, const char *key)
{
    const cJSON *v = member(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

int mm_schema_keyword(const char *name)
{
    static const char *const read[] = {"$ref",
                                       "type",
                                       "nullable",
                                       "enum",
                                       "const",
                                       "properties",
                                       "required",
                                       "additionalProperties",
                                       "items",
                                       "prefixItems",
                                       "minItems",
                                       "maxItems",
                                       "uniqueItems",
                                       "minProperties",
                                       "maxProperties",
                                       "minLength",
                                       "maxLength",
                                       "minimum",
                                       "maximum",
                                       "exclusiveMinimum",
                                       "exclusiveMaximum",
                                       "allOf",
                                       "anyOf",
                                       "oneOf",
                                       "not",
                                       "format",
                                       "discriminator"};
    for (size_t i = 0; i < sizeof read / sizeof read[0]; i++)
        if (strcmp(name, read[i]) == 0)
            return 1;
    return 0;
}

const cJSON *mm_json_pointer(const cJSON *root, const char *ref)
{
    if (!ref || ref[0] != '#')
        return NULL;
    const cJSON *node = root;
    const char *p = ref + 1;
    while (*p == '/' && node) {
        p++;
        size_t n = strcspn(p, "/"), k = 0;
        char token[TOKEN_MAX];
        if (n >= sizeof token)
            return NULL;
        for (size_t i = 0; i < n; i++) {
            if (p[i] == '~' && i + 1 < n && (p[i + 1] == '0' || p[i + 1] == '1')) {
                token[k++] = p[i + 1] == '0' ? '~' : '/';
                i++;
            } else {
                token[k++] = p[i];
            }
        }
        token[k] = '\0';
        if (cJSON_IsArray(node)) {
            char *end = NULL;
            long idx = strtol(token, &end, 10);
            node = (*token && end && *end == '\0') ? cJSON_GetArrayItem(node, (int)idx) : NULL;
        } else {
            node = member(node, token);
        }
        p += n;
    }
    return *p == '\0' ? node : NULL;
}

typedef struct vstate {
    const cJSON *doc;
    const mm_json_refs *refs; /* an index of doc's references, or NULL */
    long *steps;              /* left */
    char path[500]; /* the pointer to the value being checked (mm_schema_error.where holds it) */
    size_t len;
} vstate;

static int check(vstate *st, const cJSON *schema, const cJSON *v, int depth, mm_schema_error *err);

static int fail(vstate *st, const cJSON *schema, mm_schema_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(vstate *st, const cJSON *schema, mm_schema_error *err, const char *fmt, ...)
{
    snprintf(err->where, sizeof err->where, "#%s", st->path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->why, sizeof err->why, fmt, ap);
    va_end(ap);
    err->schema = schema;
    return -1;
}

/* Descends into member key (or item index when key is NULL): appends the pointer token.
 * Returns the length to go back to. A path too long to hold stops growing. */
static size_t push(vstate *st, const char *key, int index)
{
    size_t saved = st->len;
    char token[128];
    if (key) {
        size_t k = 0;
        for (const char *p = key; *p && k + 3 < sizeof token; p++) {
            if (*p == '~' || *p == '/') {
                token[k++] = '~';
                token[k++] = *p == '~' ? '0' : '1';
            } else {
                token[k++] = *p;
            }
        }
        token[k] = '\0';
    } else {
        snprintf(token, sizeof token, "%d", index);
    }
    size_t n = strlen(token);
    if (st->len + n + 2 < sizeof st->path) {
        st->path[st->len++] = '/';
        memcpy(st->path + st->len, token, n + 1);
        st->len += n;
    }
    return saved;
}

static void pop(vstate *st, size_t saved)
{
    st->len = saved;
    st->path[saved] = '\0';
}

static int depth_of(const mm_schema_error *e)
{
    int n = 0;
    for (const char *p = e->where; *p; p++)
        n += *p == '/';
    return n;
}

static const char *json_type(const cJSON *v)
{
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsBool(v))
        return "boolean";
    if (cJSON_IsNumber(v))
        return "number";
    if (cJSON_IsString(v))
        return "string";
    if (cJSON_IsArray(v))
        return "array";
    return cJSON_IsObject(v) ? "object" : "invalid";
}

static int is_integer(const cJSON *v)
{
    return cJSON_IsNumber(v) && isfinite(v->valuedouble) && floor(v->valuedouble) == v->valuedouble;
}

static int type_matches(const char *t, const cJSON *v)
{
    if (strcmp(t, "integer") == 0)
        return is_integer(v);
    return strcmp(t, json_type(v)) == 0;
}

static int check_type(vstate *st, const cJSON *s, const cJSON *v, mm_schema_error *err)
{
    const cJSON *type = member(s, "type");
    if (cJSON_IsNull(v) && cJSON_IsTrue(member(s, "nullable")))
        return 0;
    if (cJSON_IsString(type))
        return type_matches(type->valuestring, v)
                   ? 0
                   : fail(st, s, err, "expected %s, found %s", type->valuestring, json_type(v));
    if (!cJSON_IsArray(type))
        return 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, type) if (cJSON_IsString(t) && type_matches(t->valuestring, v)) return 0;
    char *names = cJSON_PrintUnformatted(type);
    fail(st, s, err, "expected one of %.100s, found %s", names ? names : "?", json_type(v));
    cJSON_free(names);
    return -1;
}

static int hex_run(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* YYYY-MM-DD at s */
static int date_at(const char *s)
{
    return digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' && digits(s + 8, 2);
}

/* 1 if s has the shape format names (formats not listed pass). */
static int format_ok(const char *format, const char *s)
{
    size_t n = strlen(s);
    if (strcmp(format, "uuid") == 0)
        return n == 36 && hex_run(s, 8) && s[8] == '-' && hex_run(s + 9, 4) && s[13] == '-' &&
               hex_run(s + 14, 4) && s[18] == '-' && hex_run(s + 19, 4) && s[23] == '-' &&
               hex_run(s + 24, 12);
    if (strcmp(format, "date") == 0)
        return n == 10 && date_at(s);
    if (strcmp(format, "date-time") == 0) /* RFC 3339's date, 'T', time; the rest is lenient */
        return n >= 19 && date_at(s) && strchr("Tt ", s[10]) && digits(s + 11, 2) && s[13] == ':' &&
               digits(s + 14, 2) && s[16] == ':' && digits(s + 17, 2);
    if (strcmp(format, "email") == 0) {
        const char *at = strchr(s, '@');
        return at && at > s && at[1] && !strchr(at + 1, '@') && !strpbrk(s, " \t\r\n");
    }
    if (strcmp(format, "ipv4") == 0 || strcmp(format, "ipv6") == 0) {
        unsigned char buf[16];
        return inet_pton(format[3] == '4' ? AF_INET : AF_INET6, s, buf) == 1;
    }
    return 1;
}

static size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* n (items, members or characters: what) within the bounds s names min_key and max_key. */
static int check_count(vstate *st, const cJSON *s, mm_schema_error *err, size_t n,
                       const char *min_key, const char *max_key, const char *what)
{
    const cJSON *min = member(s, min_key), *max = member(s, max_key);
    if (cJSON_IsNumber(min) && (double)n < min->valuedouble)
        return fail(st, s, err, "%zu %s, fewer than %g", n, what, min->valuedouble);
    if (cJSON_IsNumber(max) && (double)n > max->valuedouble)
        return fail(st, s, err, "%zu %s, more than %g", n, what, max->valuedouble);
    return 0;
}

static int check_number(vstate *st, const cJSON *s, const cJSON *v, mm_schema_error *err)
{
    double x = v->valuedouble;
    const cJSON *min = member(s, "minimum"), *max = member(s, "maximum");
    const cJSON *xmin = member(s, "exclusiveMinimum"), *xmax = member(s, "exclusiveMaximum");
    if (cJSON_IsNumber(min) && (cJSON_IsTrue(xmin) ? x <= min->valuedouble : x < min->valuedouble))
        return fail(st, s, err, "%g is below the minimum %g", x, min->valuedouble);
    if (cJSON_IsNumber(max) && (cJSON_IsTrue(xmax) ? x >= max->valuedouble : x > max->valuedouble))
        return fail(st, s, err, "%g is above the maximum %g", x, max->valuedouble);
    if (cJSON_IsNumber(xmin) && x <= xmin->valuedouble)
        return fail(st, s, err, "%g is not above %g", x, xmin->valuedouble);
    if (cJSON_IsNumber(xmax) && x >= xmax->valuedouble)
        return fail(st, s, err, "%g is not below %g", x, xmax->valuedouble);
    return 0;
}

static int check_string(vstate *st, const cJSON *s, const cJSON *v, mm_schema_error *err)
{
    if (check_count(st, s, err, utf8_length(v->valuestring), "minLength", "maxLength",
                    "characters") != 0)
        return -1;
    const char *format = str_member(s, "format");
    if (format && !format_ok(format, v->valuestring))
        return fail(st, s, err, "'%.60s' is not a %s", v->valuestring, format);
    return 0;
}

static int check_array(vstate *st, const cJSON *s, const cJSON *v, int depth, mm_schema_error *err)
{
    if (check_count(st, s, err, (size_t)cJSON_GetArraySize(v), "minItems", "maxItems", "items") !=
        0)
        return -1;
    if (cJSON_IsTrue(member(s, "uniqueItems")))
        for (const cJSON *a = v->child; a; a = a->next)
            for (const cJSON *b = a->next; b; b = b->next)
                if (cJSON_Compare(a, b, 1))
                    return fail(st, s, err, "items are not unique");
    const cJSON *prefix = member(s, "prefixItems");
    int first = cJSON_IsArray(prefix) ? cJSON_GetArraySize(prefix) : 0;
    const cJSON *items = member(s, "items");
    int i = 0;
    for (const cJSON *it = v->child; it; it = it->next, i++) {
        const cJSON *sub = i < first ? cJSON_GetArrayItem(prefix, i) : items;
        if (!sub)
            continue;
        size_t saved = push(st, NULL, i);
        int rc = check(st, sub, it, depth + 1, err);
        pop(st, saved);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int check_object(vstate *st, const cJSON *s, const cJSON *v, int depth, mm_schema_error *err)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, member(s, "required"))
    {
        if (cJSON_IsString(r) && !cJSON_GetObjectItemCaseSensitive(v, r->valuestring))
            return fail(st, s, err, "missing required member '%.80s'", r->valuestring);
    }
    if (check_count(st, s, err, (size_t)cJSON_GetArraySize(v), "minProperties", "maxProperties",
                    "members") != 0)
        return -1;
    const cJSON *props = member(s, "properties");
    const cJSON *extra = member(s, "additionalProperties");
    for (const cJSON *m = v->child; m; m = m->next) {
        const cJSON *sub = cJSON_IsObject(props) && m->string
                               ? cJSON_GetObjectItemCaseSensitive(props, m->string)
                               : NULL;
        if (!sub && cJSON_IsFalse(extra))
            return fail(st, s, err, "member '%.80s' is not allowed", m->string ? m->string : "");
        if (!sub)
            sub = cJSON_IsObject(extra) ? extra : NULL;
        if (!sub)
            continue;
        size_t saved = push(st, m->string ? m->string : "", 0);
        int rc = check(st, sub, m, depth + 1, err);
        pop(st, saved);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* anyOf (want_one 0) or oneOf (want_one 1). */
static int check_alternatives(vstate *st, const cJSON *s, const cJSON *list, int want_one,
                              const cJSON *v, int depth, mm_schema_error *err)
{
    int matched = 0, tried = 0;
    mm_schema_error best = {0}, e;
    int best_depth = -1;
    const cJSON *m;
    cJSON_ArrayForEach(m, list)
    {
        tried++;
        if (check(st, m, v, depth + 1, &e) == 0) {
            matched++;
            if (!want_one)
                return 0;
        } else if (depth_of(&e) > best_depth || strcmp(e.why, "too complex") == 0) {
            best = e;
            best_depth = strcmp(e.why, "too complex") == 0 ? 1 << 20 : depth_of(&e);
        }
    }
    if (tried == 0 || (want_one ? matched == 1 : matched > 0))
        return 0;
    if (matched > 1)
        return fail(st, s, err, "matches %d members of oneOf, not exactly one", matched);
    *err = best;
    return -1;
}

/* The member of list a discriminator picks for v (OpenAPI: the mapping's $ref for the value
 * of v's propertyName, else "#/components/schemas/<value>"), when list holds it; NULL when
 * there is no discriminator, v does not say, or names no member. *absent is set when v is an
 * object without the property. */
static const cJSON *discriminated(const cJSON *s, const cJSON *list, const cJSON *v, int *absent)
{
    const cJSON *d = member(s, "discriminator");
    const char *prop = str_member(d, "propertyName");
    *absent = 0;
    if (!prop || !cJSON_IsObject(v))
        return NULL;
    const cJSON *tag = member(v, prop);
    *absent = tag == NULL;
    if (!cJSON_IsString(tag))
        return NULL;
    char implicit[TOKEN_MAX];
    const char *ref = str_member(member(d, "mapping"), tag->valuestring);
    if (!ref) {
        snprintf(implicit, sizeof implicit, "#/components/schemas/%s", tag->valuestring);
        ref = implicit;
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, list)
    {
        const char *mref = str_member(m, "$ref");
        if (mref && strcmp(mref, ref) == 0)
            return m;
    }
    return NULL;
}

/* anyOf or oneOf (want_one), with OpenAPI's discriminator where s has one: the member the
 * value's property names is the only one checked; a value without the property passes when
 * any member accepts it (an update that leaves the type out, as Mist takes a device's new
 * name alone). */
static int check_combinator(vstate *st, const cJSON *s, const char *key, int want_one,
                            const cJSON *v, int depth, mm_schema_error *err)
{
    const cJSON *list = member(s, key);
    if (!cJSON_IsArray(list))
        return 0;
    int absent;
    const cJSON *picked = discriminated(s, list, v, &absent);
    if (picked)
        return check(st, picked, v, depth + 1, err);
    return check_alternatives(st, s, list, want_one && !absent, v, depth, err);
}

/* The enum's values, for a message: as JSON, comma-separated, cut with "..." to fit size. */
static void enum_values(const cJSON *en, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (const cJSON *e = en->child; e; e = e->next) {
        char *text = cJSON_PrintUnformatted(e);
        int n = snprintf(out + used, size - used, "%s%s", used ? ", " : "", text ? text : "?");
        cJSON_free(text);
        if (n < 0 || (size_t)n + 6 >= size - used) { /* no room for it and a ", ..." */
            snprintf(out + used, size - used, "%s...", used ? ", " : "");
            return;
        }
        used += (size_t)n;
    }
}

static int check(vstate *st, const cJSON *s, const cJSON *v, int depth, mm_schema_error *err)
{
    if (*st->steps <= 0 || depth > MAX_DEPTH)
        return fail(st, s, err, "too complex");
    --*st->steps;
    if (cJSON_IsFalse(s))
        return fail(st, s, err, "no value is allowed here");
    if (!cJSON_IsObject(s))
        return 0;
    const char *ref = str_member(s, "$ref");
    if (ref) {
        const cJSON *target = mm_json_refs_resolve(st->refs, st->doc, ref);
        if (!target)
            return fail(st, s, err, "unresolved $ref %.100s", ref);
        if (check(st, target, v, depth + 1, err) != 0)
            return -1;
    }
    if (check_type(st, s, v, err) != 0)
        return -1;
    const cJSON *en = member(s, "enum"), *c = member(s, "const");
    if (cJSON_IsArray(en)) {
        int found = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, en) found |= cJSON_Compare(e, v, 1);
        if (!found) {
            char values[160];
            enum_values(en, values, sizeof values);
            return fail(st, s, err, "not one of the enum's values: %s", values);
        }
    }
    if (c && !cJSON_Compare(c, v, 1))
        return fail(st, s, err, "not the const value");
    int rc = 0;
    if (cJSON_IsNumber(v))
        rc = check_number(st, s, v, err);
    else if (cJSON_IsString(v))
        rc = check_string(st, s, v, err);
    else if (cJSON_IsArray(v))
        rc = check_array(st, s, v, depth, err);
    else if (cJSON_IsObject(v))
        rc = check_object(st, s, v, depth, err);
    if (rc != 0)
        return rc;
    const cJSON *m;
    cJSON_ArrayForEach(m, member(s, "allOf"))
    {
        if (check(st, m, v, depth + 1, err) != 0)
            return -1;
    }
    if (check_combinator(st, s, "anyOf", 0, v, depth, err) != 0 ||
        check_combinator(st, s, "oneOf", 1, v, depth, err) != 0)
        return -1;
    const cJSON *not = member(s, "not");
    if (not ) {
        mm_schema_error ignored;
        if (check(st, not, v, depth + 1, &ignored) == 0)
            return fail(st, s, err, "matches the schema of 'not'");
    }
    return 0;
}

int mm_schema_check_indexed(const cJSON *doc, const mm_json_refs *refs, const cJSON *schema,
                            const cJSON *value, mm_schema_error *out, long *steps)
{
    vstate st = {.doc = doc, .refs = refs, .steps = steps};
    mm_schema_error ignored;
    return check(&st, schema, value, 0, out ? out : &ignored);
}

int mm_schema_check_within(const cJSON *doc, const cJSON *schema, const cJSON *value,
                           mm_schema_error *out, long *steps)
{
    vstate st = {.doc = doc, .steps = steps};
    mm_schema_error ignored;
    return check(&st, schema, value, 0, out ? out : &ignored);
}

int mm_schema_check(const cJSON *doc, const cJSON *schema, const cJSON *value, mm_schema_error *out)
{
    long steps = MM_SCHEMA_BUDGET;
    return mm_schema_check_within(doc, schema, value, out, &steps);
}
