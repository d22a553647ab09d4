#define _POSIX_C_SOURCE 200809L
#include "synth.h"

#include "gen_util.h"
#include "schema.h"
#include "spec.h"

#include "base/json_schema.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REF_MAX 64
#define MAX_DEPTH 12
#define OPTIONAL_DEPTH 2    /* optional members only down to here */
#define OPTIONAL_BREADTH 24 /* and at most this many members an object */
#define MAX_NODES 5000      /* values built for one answer, at most */

typedef struct synth {
    const cJSON *spec;
    const char *refs[REF_MAX]; /* $refs being built, for recursion */
    int ref_depth;
    gen_synth_state *state;
    int nodes;
} synth;

static cJSON *build(synth *s, const cJSON *node, const char *name, int depth);

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

static cJSON *next_uuid(synth *s)
{
    char id[40];
    snprintf(id, sizeof id, "de300000-0000-4000-8000-%012x", ++s->state->ids);
    return cJSON_CreateString(id);
}

/* A name whose values are MACs: mac, ap_mac, macs, device_macs... */
static int mac_name(const char *name)
{
    return name &&
           (strcmp(name, "mac") == 0 || ends_with(name, "_mac") || strcmp(name, "macs") == 0 ||
            ends_with(name, "_macs") || strcmp(name, "ap") == 0 || strcmp(name, "last_ap") == 0);
}

static int id_name(const char *name)
{
    return name && (strcmp(name, "id") == 0 || ends_with(name, "_id") || ends_with(name, "_ids"));
}

static int time_name(const char *name)
{
    return name &&
           (ends_with(name, "time") || ends_with(name, "timestamp") || strcmp(name, "start") == 0 ||
            strcmp(name, "end") == 0 || strcmp(name, "last_seen") == 0 || ends_with(name, "_ts"));
}

static cJSON *build_string(synth *s, const cJSON *node, const char *name)
{
    static const char *const by_format[][2] = {
        {"date-time", "2025-12-01T00:00:00Z"},
        {"date", "2025-12-01"},
        {"email", "admin@demo-networks.example"},
        {"ipv4", "10.0.0.1"},
        {"ipv6", "2001:db8::1"},
        {"uri", "https://demo-networks.example/"},
        {"url", "https://demo-networks.example/"},
        {"hostname", "demo.demo-networks.example"},
        {"byte", "ZGVtbw=="},
    };
    const char *format = gen_str(node, "format");
    char buf[64];
    const char *text = "demo";
    if (format && strcmp(format, "uuid") == 0)
        return next_uuid(s);
    for (size_t i = 0; format && i < sizeof by_format / sizeof by_format[0]; i++)
        if (strcmp(format, by_format[i][0]) == 0)
            text = by_format[i][1];
    if (text[0] == 'd' && strcmp(text, "demo") == 0) {
        if (mac_name(name)) {
            snprintf(buf, sizeof buf, "020000%06x", ++s->state->ids & 0xffffffu);
            text = buf;
        } else if (id_name(name)) {
            return next_uuid(s);
        }
    }
    const cJSON *min = gen_obj(node, "minLength"), *max = gen_obj(node, "maxLength");
    size_t n = strlen(text), want = n;
    if (cJSON_IsNumber(min) && min->valuedouble > (double)n)
        want = min->valuedouble > 256 ? 256 : (size_t)min->valuedouble;
    if (cJSON_IsNumber(max) && max->valuedouble >= 0 && max->valuedouble < (double)want)
        want = (size_t)max->valuedouble;
    char *out = gen_xmalloc(want + 1);
    for (size_t i = 0; i < want; i++)
        out[i] = i < n ? text[i] : 'x';
    out[want] = '\0';
    cJSON *v = cJSON_CreateString(out);
    free(out);
    return v;
}

static cJSON *build_number(const cJSON *node, const char *name, int integer)
{
    double x = time_name(name) ? GEN_DEMO_NOW : integer ? 1 : 1.5;
    const cJSON *min = gen_obj(node, "minimum"), *max = gen_obj(node, "maximum");
    const cJSON *xmin = gen_obj(node, "exclusiveMinimum"),
                *xmax = gen_obj(node, "exclusiveMaximum");
    double step = integer ? 1 : 0.5;
    if (cJSON_IsNumber(min) && x < min->valuedouble)
        x = min->valuedouble + (cJSON_IsTrue(xmin) ? step : 0);
    if (cJSON_IsNumber(xmin) && x <= xmin->valuedouble)
        x = xmin->valuedouble + step;
    if (cJSON_IsNumber(max) && x > max->valuedouble)
        x = max->valuedouble - (cJSON_IsTrue(xmax) ? step : 0);
    if (cJSON_IsNumber(xmax) && x >= xmax->valuedouble)
        x = xmax->valuedouble - step;
    if (integer)
        x = ceil(x);
    return cJSON_CreateNumber(x);
}

static int required_has(const cJSON *required, const char *name)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, required) if (cJSON_IsString(r) &&
                                        strcmp(r->valuestring, name) == 0) return 1;
    return 0;
}

static cJSON *build_object(synth *s, const cJSON *node, int depth)
{
    cJSON *o = cJSON_CreateObject();
    const cJSON *props = gen_obj(node, "properties"), *req = gen_obj(node, "required");
    int optional = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, props)
    {
        if (!p->string)
            continue;
        int required = required_has(req, p->string);
        if (!required && (depth > OPTIONAL_DEPTH || optional >= OPTIONAL_BREADTH ||
                          cJSON_IsTrue(gen_obj(gen_spec_deref(s->spec, p), "writeOnly"))))
            continue;
        cJSON *v = build(s, p, p->string, depth + 1);
        if (!v)
            continue;
        cJSON_AddItemToObject(o, p->string, v);
        optional += !required;
    }
    const cJSON *r;
    cJSON_ArrayForEach(r, req)
    {
        if (cJSON_IsString(r) && !cJSON_GetObjectItemCaseSensitive(o, r->valuestring))
            cJSON_AddItemToObject(o, r->valuestring, cJSON_CreateString("demo"));
    }
    const cJSON *min = gen_obj(node, "minProperties"),
                *extra = gen_obj(node, "additionalProperties");
    if (!o->child && cJSON_IsNumber(min) && min->valuedouble >= 1) {
        cJSON *v = cJSON_IsObject(extra) ? build(s, extra, NULL, depth + 1) : NULL;
        cJSON_AddItemToObject(o, "demo", v ? v : cJSON_CreateString("demo"));
    }
    return o;
}

static cJSON *build_array(synth *s, const cJSON *node, const char *name, int depth)
{
    cJSON *a = cJSON_CreateArray();
    const cJSON *min = gen_obj(node, "minItems"), *items = gen_obj(node, "items");
    int n = cJSON_IsNumber(min) && min->valuedouble > 1 ? (int)fmin(min->valuedouble, 3) : 1;
    if (depth > MAX_DEPTH / 2 && !(cJSON_IsNumber(min) && min->valuedouble >= 1))
        return a;
    for (int i = 0; i < n; i++) {
        cJSON *v = build(s, items, name, depth + 1); /* no items: a string, Mist's usual */
        if (!v)
            break;
        cJSON_AddItemToArray(a, v);
    }
    return a;
}

/* allOf: the members' objects merged (the first to give a member wins), with node's own. */
static cJSON *build_all_of(synth *s, const cJSON *node, const char *name, int depth)
{
    cJSON *merged = gen_obj(node, "properties") ? build_object(s, node, depth) : NULL;
    const cJSON *m;
    cJSON_ArrayForEach(m, gen_obj(node, "allOf"))
    {
        cJSON *v = build(s, m, name, depth + 1);
        if (!v)
            continue;
        if (!merged) {
            merged = v;
            continue;
        }
        if (cJSON_IsObject(merged) && cJSON_IsObject(v))
            gen_schema_merge_members(merged, v);
        cJSON_Delete(v);
    }
    return merged;
}

/* oneOf/anyOf: the first member's value that node accepts as a whole, else the first built. */
static cJSON *build_alternative(synth *s, const cJSON *node, const cJSON *list, const char *name,
                                int depth)
{
    cJSON *first = NULL;
    const cJSON *m;
    cJSON_ArrayForEach(m, list)
    {
        cJSON *v = build(s, m, name, depth + 1);
        if (!v)
            continue;
        if (mm_schema_check_indexed(s->spec, gen_spec_refs(s->spec), node, v, NULL,
                                    &s->state->steps) == 0) {
            cJSON_Delete(first);
            return v;
        }
        if (!first)
            first = v;
        else
            cJSON_Delete(v);
    }
    return first;
}

static int type_fits(const cJSON *value, const char *type)
{
    if (!type)
        return 1;
    if (strcmp(type, "integer") == 0)
        return cJSON_IsNumber(value) && floor(value->valuedouble) == value->valuedouble;
    return (strcmp(type, "string") == 0 && cJSON_IsString(value)) ||
           (strcmp(type, "number") == 0 && cJSON_IsNumber(value)) ||
           (strcmp(type, "boolean") == 0 && cJSON_IsBool(value)) ||
           (strcmp(type, "array") == 0 && cJSON_IsArray(value)) ||
           (strcmp(type, "object") == 0 && cJSON_IsObject(value));
}

static cJSON *build(synth *s, const cJSON *node, const char *name, int depth)
{
    if (++s->nodes > MAX_NODES || depth > MAX_DEPTH || cJSON_IsFalse(node))
        return NULL;
    if (!cJSON_IsObject(node)) /* no schema, or true: anything; a string is Mist's usual */
        return cJSON_CreateString("demo");
    const char *ref = gen_str(node, "$ref");
    if (ref) {
        const cJSON *target = gen_spec_pointer(s->spec, ref);
        for (int i = 0; i < s->ref_depth; i++)
            if (strcmp(s->refs[i], ref) == 0)
                target = NULL; /* recursion: the member is left out */
        if (!target || s->ref_depth == REF_MAX)
            return NULL;
        s->refs[s->ref_depth++] = ref;
        cJSON *v = build(s, target, name, depth);
        s->ref_depth--;
        return v;
    }
    const char *type = gen_schema_type(s->spec, node);
    const cJSON *c = gen_obj(node, "const"), *en = gen_obj(node, "enum"),
                *def = gen_obj(node, "default");
    if (c)
        return cJSON_Duplicate(c, 1);
    if (cJSON_IsArray(en) && en->child) {
        const cJSON *e = en->child;
        while (cJSON_IsNull(e) && e->next)
            e = e->next;
        return cJSON_Duplicate(e, 1);
    }
    if (def && type_fits(def, type) && !cJSON_IsNull(def))
        return cJSON_Duplicate(def, 1);
    if (cJSON_IsArray(gen_obj(node, "allOf")))
        return build_all_of(s, node, name, depth);
    static const char *const alternatives[] = {"oneOf", "anyOf"};
    for (int a = 0; a < 2; a++)
        if (cJSON_IsArray(gen_obj(node, alternatives[a])) && !gen_obj(node, "properties"))
            return build_alternative(s, node, gen_obj(node, alternatives[a]), name, depth);
    if (!type) { /* several types allowed: the first of the list that is not null */
        const cJSON *t;
        cJSON_ArrayForEach(t, gen_obj(node, "type"))
        {
            if (cJSON_IsString(t) && strcmp(t->valuestring, "null") != 0) {
                type = t->valuestring;
                break;
            }
        }
    }
    if (!type)
        type = gen_str(node, "type") ? gen_str(node, "type") : "string"; /* "null", or none */
    if (strcmp(type, "object") == 0)
        return build_object(s, node, depth);
    if (strcmp(type, "array") == 0)
        return build_array(s, node, name, depth);
    if (strcmp(type, "integer") == 0 || strcmp(type, "number") == 0)
        return build_number(node, name, type[0] == 'i');
    if (strcmp(type, "boolean") == 0)
        return cJSON_CreateFalse();
    if (strcmp(type, "null") == 0)
        return cJSON_CreateNull();
    return build_string(s, node, name);
}

cJSON *gen_synth_value(const cJSON *spec, const cJSON *schema, const char *name,
                       gen_synth_state *state)
{
    synth s = {.spec = spec, .state = state};
    return build(&s, schema, name, 0);
}
