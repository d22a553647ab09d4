#define _POSIX_C_SOURCE 200809L
#include "schema.h"

#include "gen_util.h"
#include "spec.h"
#include "text.h"

#include <mistmcp/plugin.h>

#include <stdlib.h>
#include <string.h>

const gen_level gen_levels[] = {
    {3, 100, 1, 300, 1}, {2, 80, 1, 240, 1}, {2, 0, 0, 200, 1}, {1, 0, 0, 160, 0},
    {1, 0, 0, 100, 0},   {0, 0, 0, 80, 0}, /* the last two: a body shows its required fields */
    {0, 0, 0, 64, 0},
};
const int gen_level_count = (int)(sizeof gen_levels / sizeof gen_levels[0]);

#define REF_STACK_MAX 64

/* The short pointer a schema cut at the depth limit carries. */
#define CUT_NOTE "Fields: describeMistTool."

typedef struct walk {
    const cJSON *spec;
    const gen_level *level;
    const char *refs[REF_STACK_MAX]; /* $refs being expanded, for cycle detection */
    int ref_depth;
    /* For the next description only (a parameter's or the request body's): own wins over the
     * schema's, fallback is used when the schema has none. */
    const char *own_desc, *fallback_desc;
} walk;

static int ref_active(const walk *w, const char *ref)
{
    for (int i = 0; i < w->ref_depth; i++)
        if (strcmp(w->refs[i], ref) == 0)
            return 1;
    return 0;
}

static void copy_member(cJSON *out, const cJSON *node, const char *key)
{
    const cJSON *v = gen_obj(node, key);
    if (v)
        cJSON_AddItemToObject(out, key, cJSON_Duplicate(v, 1));
}

static void add_description(walk *w, cJSON *out, const cJSON *node, int depth)
{
    const gen_level *lv = w->level;
    const char *own = w->own_desc, *fallback = w->fallback_desc;
    w->own_desc = w->fallback_desc = NULL;
    if (lv->desc_len <= 0 || depth > lv->desc_depth)
        return;
    const char *d = own ? own : gen_str(node, "description");
    if (!d)
        d = gen_str(node, "title");
    if (!d)
        d = fallback;
    if (!d)
        return;
    char *s = gen_text_short(d, (size_t)lv->desc_len);
    if (*s)
        cJSON_AddStringToObject(out, "description", s);
    free(s);
}

static cJSON *compact(walk *w, const cJSON *node, int depth, int is_param);

void gen_schema_merge_members(cJSON *into, cJSON *from)
{
    while (from->child) {
        cJSON *m = cJSON_DetachItemViaPointer(from, from->child);
        if (m->string && !cJSON_GetObjectItemCaseSensitive(into, m->string))
            cJSON_AddItemToObject(into, m->string, m);
        else
            cJSON_Delete(m);
    }
}

/* Merges the compacted allOf member `from` into `out` and deletes it: members add what out
 * lacks (type, format, enum, description, items, anyOf, properties) and their required
 * names. */
static void merge_into(cJSON *out, cJSON *from)
{
    static const char *const scalars[] = {"type",        "format", "enum",
                                          "description", "items",  "anyOf"};
    for (size_t i = 0; i < sizeof scalars / sizeof scalars[0]; i++)
        if (!gen_obj(out, scalars[i]) && gen_obj(from, scalars[i]))
            cJSON_AddItemToObject(out, scalars[i],
                                  cJSON_DetachItemFromObjectCaseSensitive(from, scalars[i]));
    cJSON *props = cJSON_GetObjectItemCaseSensitive(from, "properties");
    if (cJSON_IsObject(props)) {
        cJSON *dst = cJSON_GetObjectItemCaseSensitive(out, "properties");
        if (!dst)
            dst = cJSON_AddObjectToObject(out, "properties");
        gen_schema_merge_members(dst, props);
    }
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(from, "required"))
    {
        cJSON *dst = cJSON_GetObjectItemCaseSensitive(out, "required");
        if (!dst)
            dst = cJSON_AddArrayToObject(out, "required");
        int seen = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, dst) seen |=
            cJSON_IsString(e) && strcmp(e->valuestring, r->valuestring) == 0;
        if (!seen && cJSON_IsString(r))
            cJSON_AddItemToArray(dst, cJSON_CreateString(r->valuestring));
    }
    cJSON_Delete(from);
}

static cJSON *compact_ref(walk *w, const cJSON *node, int depth, int is_param)
{
    const char *ref = gen_str(node, "$ref");
    const cJSON *target = gen_spec_pointer(w->spec, ref);
    if (!target || ref_active(w, ref) || w->ref_depth == REF_STACK_MAX) {
        cJSON *out = cJSON_CreateObject(); /* recursion: the full schema has the rest */
        cJSON_AddStringToObject(out, "type", "object");
        if (target)
            cJSON_AddStringToObject(out, "description", CUT_NOTE);
        return out;
    }
    w->refs[w->ref_depth++] = ref;
    cJSON *out = compact(w, target, depth, is_param);
    w->ref_depth--;
    return out;
}

/* The one JSON type a schema describes, or NULL if it admits several or says nothing: the
 * declared type ("null" aside: null means absent, see DESIGN.md), else the type its keywords
 * imply, else the type every allOf member or every oneOf/anyOf alternative agrees on. The
 * spec leaves "type" out of some object and array schemas. */
static const char *schema_type_at(const cJSON *spec, const cJSON *node, int depth);

const char *gen_schema_type(const cJSON *spec, const cJSON *node)
{
    return schema_type_at(spec, node, 0);
}

/* depth bounds self-referencing alternatives (A: anyOf [$ref A, ...]). */
static const char *schema_type_at(const cJSON *spec, const cJSON *node, int depth)
{
    if (depth > 16)
        return NULL;
    node = gen_spec_deref(spec, node);
    const cJSON *t = gen_obj(node, "type");
    if (cJSON_IsString(t))
        return strcmp(t->valuestring, "null") == 0 ? NULL : t->valuestring;
    const char *one = NULL;
    const cJSON *it;
    cJSON_ArrayForEach(it, t)
    {
        if (!cJSON_IsString(it) || strcmp(it->valuestring, "null") == 0)
            continue;
        if (one)
            return NULL; /* ["string", "integer"]: several */
        one = it->valuestring;
    }
    if (one)
        return one;
    static const char *const implies[][2] = {
        {"properties", "object"}, {"additionalProperties", "object"},
        {"items", "array"},       {"uniqueItems", "array"},
        {"minItems", "array"},    {"maxItems", "array"},
        {"minLength", "string"},  {"maxLength", "string"},
        {"pattern", "string"},    {"minimum", "number"},
        {"maximum", "number"}};
    for (size_t i = 0; i < sizeof implies / sizeof implies[0]; i++)
        if (gen_obj(node, implies[i][0]))
            return implies[i][1];
    const cJSON *en = gen_obj(node, "enum");
    if (cJSON_IsArray(en) && en->child) {
        const cJSON *v = en->child;
        return cJSON_IsString(v)   ? "string"
               : cJSON_IsBool(v)   ? "boolean"
               : cJSON_IsNumber(v) ? "number"
                                   : NULL;
    }
    const char *f = gen_str(node, "format");
    if (f)
        return strcmp(f, "int32") == 0 || strcmp(f, "int64") == 0    ? "integer"
               : strcmp(f, "float") == 0 || strcmp(f, "double") == 0 ? "number"
                                                                     : "string";
    cJSON_ArrayForEach(it, gen_obj(node, "allOf"))
    {
        const char *m = schema_type_at(spec, it, depth + 1);
        if (m)
            return m;
    }
    static const char *const alternatives[] = {"oneOf", "anyOf"};
    for (int a = 0; a < 2; a++) {
        const char *agreed = NULL;
        cJSON_ArrayForEach(it, gen_obj(node, alternatives[a]))
        {
            const char *m = schema_type_at(spec, it, depth + 1);
            if (!m || (agreed && strcmp(agreed, m) != 0))
                return NULL;
            agreed = m;
        }
        if (agreed)
            return agreed;
    }
    return NULL;
}

/* Appends text to out's description (a sentence of its own). */
static void add_note(cJSON *out, const char *text)
{
    cJSON *d = cJSON_GetObjectItemCaseSensitive(out, "description");
    if (!cJSON_IsString(d)) {
        cJSON_AddStringToObject(out, "description", text);
        return;
    }
    size_t n = strlen(d->valuestring);
    char *s = gen_xasprintf("%s%s %s", d->valuestring,
                            n && strchr(".!?:", d->valuestring[n - 1]) ? "" : ".", text);
    cJSON_SetValuestring(d, s);
    free(s);
}

/* Formats every host family accepts: Gemini's Schema.format is the narrowest list (string:
 * date-time; integer: int32, int64; number: float, double). Any other format is said in
 * words in the description instead, so that no host refuses it and the model still knows. */
static const char *format_in_words(const char *type, const char *format)
{
    static const char *const kept[][2] = {{"string", "date-time"},
                                          {"integer", "int32"},
                                          {"integer", "int64"},
                                          {"number", "float"},
                                          {"number", "double"}};
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
        if (type && strcmp(type, kept[i][0]) == 0 && strcmp(format, kept[i][1]) == 0)
            return NULL;
    static const char *const words[][2] = {{"uuid", "UUID."},
                                           {"ipv4", "IPv4 address."},
                                           {"ipv6", "IPv6 address."},
                                           {"email", "Email address."},
                                           {"uri", "URL."},
                                           {"url", "URL."},
                                           {"date", "Date, YYYY-MM-DD."},
                                           {"hostname", "Hostname."},
                                           {"byte", "Base64."},
                                           {"binary", "File contents."},
                                           {"password", "Secret."},
                                           {"int32", "32-bit integer."},
                                           {"int64", "64-bit integer."}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(format, words[i][0]) == 0)
            return words[i][1];
    return ""; /* unknown: said as "Format: <name>." by the caller */
}

static void add_format(cJSON *out, const cJSON *node, const char *type)
{
    const char *f = gen_str(node, "format");
    if (!f)
        return;
    const char *words = format_in_words(type, f);
    if (!words) {
        cJSON_AddStringToObject(out, "format", f);
    } else if (*words) {
        add_note(out, words);
    } else {
        char *s = gen_xasprintf("Format: %s.", f);
        add_note(out, s);
        free(s);
    }
}

/* "One of: 0, 20, 40." for an enum whose values are not all strings: Gemini takes string
 * enums only, so such a list is said in words; string enums stay keywords. */
static void add_enum(cJSON *out, const cJSON *node)
{
    const cJSON *en = gen_obj(node, "enum"), *v;
    if (!cJSON_IsArray(en))
        return;
    int strings = 1;
    cJSON_ArrayForEach(v, en) strings &= cJSON_IsString(v);
    if (strings) {
        cJSON_AddItemToObject(out, "enum", cJSON_Duplicate(en, 1));
        return;
    }
    char *list = gen_xstrdup("One of:");
    cJSON_ArrayForEach(v, en)
    {
        char *t = cJSON_PrintUnformatted(v);
        char *s = gen_xasprintf("%s%s %s", list, v == en->child ? "" : ",", t);
        free(t);
        free(list);
        list = s;
    }
    char *s = gen_xasprintf("%s.", list);
    add_note(out, s);
    free(s);
    free(list);
}

/* Items of an array the spec does not describe: Mist's are strings (ids, names, MACs). */
static cJSON *string_schema(void)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "string");
    return o;
}

/* One level of a schema below the depth limit: its type and nothing else, except that an
 * array keeps a stub of its items and an object says where its fields are. Every host needs
 * an array's items (OpenAI, VS Code and Gemini refuse an array without them). */
static cJSON *stub(walk *w, const cJSON *node, int levels)
{
    cJSON *out = cJSON_CreateObject();
    const char *type = gen_schema_type(w->spec, node);
    cJSON_AddStringToObject(out, "type", type ? type : "object");
    const cJSON *n = gen_spec_deref(w->spec, node);
    if (type && strcmp(type, "array") == 0) {
        const cJSON *items = gen_obj(n, "items");
        cJSON_AddItemToObject(out, "items",
                              items && levels > 0 ? stub(w, items, levels - 1) : string_schema());
    } else if ((!type || strcmp(type, "object") == 0) &&
               (gen_obj(n, "properties") || gen_obj(n, "oneOf") || gen_obj(n, "anyOf") ||
                gen_obj(n, "allOf"))) {
        cJSON_AddStringToObject(out, "description", CUT_NOTE);
    }
    return out;
}

/* For a schema that is not of one type: "anyOf" of each type it allows (["string",
 * "integer"]); with no type at all (any value), an object for a request body (what Mist
 * takes there) and any of the JSON types elsewhere. Gemini takes one type or an anyOf. */
static void add_types(cJSON *out, const cJSON *node, int depth)
{
    static const char *const any[] = {"string", "number", "boolean", "object"};
    const char *list[8];
    size_t n = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, gen_obj(node, "type"))
    {
        if (cJSON_IsString(t) && strcmp(t->valuestring, "null") != 0 && n < 8)
            list[n++] = t->valuestring;
    }
    if (n == 0 && depth == 0) {
        cJSON_AddStringToObject(out, "type", "object");
        return;
    }
    if (n == 0)
        for (; n < sizeof any / sizeof any[0]; n++)
            list[n] = any[n];
    cJSON *alts = cJSON_AddArrayToObject(out, "anyOf");
    for (size_t i = 0; i < n; i++) {
        cJSON *a = cJSON_CreateObject();
        cJSON_AddStringToObject(a, "type", list[i]);
        if (strcmp(list[i], "array") == 0)
            cJSON_AddItemToObject(a, "items", string_schema());
        cJSON_AddItemToArray(alts, a);
    }
}

static cJSON *compact(walk *w, const cJSON *node, int depth, int is_param)
{
    if (gen_str(node, "$ref"))
        return compact_ref(w, node, depth, is_param);
    cJSON *out = cJSON_CreateObject();
    if (!cJSON_IsObject(node)) { /* no schema: any object */
        cJSON_AddStringToObject(out, "type", "object");
        add_description(w, out, NULL, depth);
        return out;
    }
    const cJSON *props = gen_obj(node, "properties");
    const cJSON *items = gen_obj(node, "items");
    int expand = depth < w->level->max_depth;
    const char *type = gen_schema_type(w->spec, node);
    const cJSON *all = gen_obj(node, "allOf");
    static const char *const alternatives[] = {"oneOf", "anyOf"};
    const cJSON *alts = NULL;
    for (int a = 0; a < 2 && !alts; a++)
        if (cJSON_IsArray(gen_obj(node, alternatives[a])))
            alts = gen_obj(node, alternatives[a]);
    if (type)
        cJSON_AddStringToObject(out, "type", type);
    add_description(w, out, node, depth);
    add_enum(out, node);
    const cJSON *c = gen_obj(node, "const");
    if (cJSON_IsString(c) && !gen_obj(node, "enum")) { /* a one-value enum: Gemini has no const */
        const char *one[] = {c->valuestring};
        cJSON_AddItemToObject(out, "enum", cJSON_CreateStringArray(one, 1));
    }
    add_format(out, node, type);
    if (is_param)
        copy_member(out, node, "default");
    /* Bounds at every level: the server checks arguments against this very schema, so a bound
     * left out would let page=0 reach Mist. */
    if (is_param && type && (strcmp(type, "integer") == 0 || strcmp(type, "number") == 0)) {
        copy_member(out, node, "minimum");
        copy_member(out, node, "maximum");
    }
    /* Level 0 depth: an object body still shows its required properties, flat, and says
     * where the others are. */
    int required_only = !expand && depth == 0 && w->level->max_depth == 0;
    if (items && type && strcmp(type, "array") == 0)
        cJSON_AddItemToObject(out, "items",
                              expand ? compact(w, items, depth + 1, 0) : stub(w, items, 4));
    else if (type && strcmp(type, "array") == 0) /* the spec says nothing of the items */
        cJSON_AddItemToObject(out, "items", string_schema());
    if (cJSON_IsObject(props) && (expand || required_only)) {
        cJSON *po = cJSON_AddObjectToObject(out, "properties");
        cJSON *req = cJSON_CreateArray();
        const cJSON *p;
        cJSON_ArrayForEach(p, props)
        {
            const cJSON *resolved = gen_spec_deref(w->spec, p);
            if (cJSON_IsTrue(gen_obj(resolved, "readOnly")) || cJSON_IsTrue(gen_obj(p, "readOnly")))
                continue; /* set by Mist, refused in requests */
            int is_required = 0;
            const cJSON *r;
            cJSON_ArrayForEach(r, gen_obj(node, "required"))
            {
                if (cJSON_IsString(r) && strcmp(r->valuestring, p->string) == 0)
                    is_required = 1;
            }
            if (required_only && !is_required)
                continue;
            cJSON_AddItemToObject(po, p->string, compact(w, p, depth + 1, 0));
            if (is_required)
                cJSON_AddItemToArray(req, cJSON_CreateString(p->string));
        }
        if (required_only)
            add_note(out, CUT_NOTE);
        if (cJSON_GetArraySize(req) > 0)
            cJSON_AddItemToObject(out, "required", req);
        else
            cJSON_Delete(req);
        if (!po->child) /* nothing a request may set: say nothing (Gemini refuses {}) */
            cJSON_DeleteItemFromObjectCaseSensitive(out, "properties");
    } else if (cJSON_IsObject(props) && props->child) {
        add_note(out, CUT_NOTE);
    }
    /* A map (additionalProperties): its values' type in words, since Gemini's schema has no
     * additionalProperties; the full schema in describeMistTool has it all. */
    const cJSON *ap = gen_obj(node, "additionalProperties");
    if (cJSON_IsObject(ap) && !props) {
        const char *vt = gen_schema_type(w->spec, ap);
        char *s = vt ? gen_xasprintf("Keys are names, values %s%s.",
                                     strchr("aeiou", vt[0]) ? "an " : "a ", vt)
                     : gen_xstrdup("Keys are names.");
        add_note(out, s);
        free(s);
    }
    const cJSON *member;
    cJSON_ArrayForEach(member, all)
    {
        /* allOf: one object with every member's properties and required fields. */
        merge_into(out, compact(w, member, depth, is_param));
    }
    if (alts && !cJSON_GetObjectItemCaseSensitive(out, "properties")) {
        /* oneOf/anyOf as anyOf: Gemini's schema has no oneOf, and for arguments a model
         * sends "at least one fits" is what matters. Below the depth limit, alternatives of
         * one type are that type; of several, typed stubs. */
        if (expand || !type) {
            cJSON *arr = cJSON_AddArrayToObject(out, "anyOf");
            const cJSON *alt;
            cJSON_ArrayForEach(alt, alts)
            {
                cJSON_AddItemToArray(arr, expand ? compact(w, alt, depth + 1, 0) : stub(w, alt, 4));
            }
        } else if (strcmp(type, "object") == 0) {
            add_note(out, CUT_NOTE);
        }
    }
    if (!cJSON_GetObjectItemCaseSensitive(out, "type") &&
        !cJSON_GetObjectItemCaseSensitive(out, "anyOf"))
        add_types(out, node, depth);
    return out;
}

cJSON *gen_input_schema(const cJSON *spec, const gen_op *op, const gen_level *level)
{
    walk w = {.spec = spec, .level = level};
    cJSON *schema = cJSON_CreateObject();
    cJSON_AddStringToObject(schema, "type", "object");
    cJSON *props = cJSON_AddObjectToObject(schema, "properties");
    cJSON *req = cJSON_CreateArray();
    for (size_t i = 0; i < op->param_count; i++) {
        const gen_param *p = &op->params[i];
        /* Parameters are shown like depth-1 properties; their own description wins. */
        w.own_desc = p->description;
        cJSON *ps;
        if (p->schema) {
            ps = compact(&w, p->schema, 1, 1);
        } else { /* no schema: the parameter's declared type, a string if none */
            static const char *const names[] = {"string",  "string", "integer", "number",
                                                "boolean", "array",  "object"};
            ps = cJSON_CreateObject();
            cJSON_AddStringToObject(ps, "type", names[p->type <= 6 ? p->type : 0]);
            if (p->type == MISTMCP_TYPE_ARRAY)
                cJSON_AddItemToObject(ps, "items", string_schema());
            add_description(&w, ps, NULL, 1);
        }
        w.own_desc = NULL;
        cJSON_AddItemToObject(props, p->name, ps);
        if (p->required)
            cJSON_AddItemToArray(req, cJSON_CreateString(p->name));
    }
    if (op->body_content_type) {
        w.fallback_desc = op->body_description;
        cJSON *body = compact(&w, op->body_schema, 0, 0); /* NULL: any object */
        w.fallback_desc = NULL;
        cJSON_AddItemToObject(props, "body", body);
        if (op->body_required)
            cJSON_AddItemToArray(req, cJSON_CreateString("body"));
    }
    if (cJSON_GetArraySize(req) > 0)
        cJSON_AddItemToObject(schema, "required", req);
    else
        cJSON_Delete(req);
    return schema;
}

static cJSON *full(walk *w, const cJSON *node);

/* Keywords that only apply to one type (JSON Schema 2020-12 validation vocabulary): kept
 * only where the schema's type allows them, as ajv's strict mode requires. The spec has a few
 * misplaced ones (a maximum on an array of strings). */
static const char *keyword_type(const char *key)
{
    static const char *const by_type[][2] = {{"minimum", "number"},
                                             {"maximum", "number"},
                                             {"exclusiveMinimum", "number"},
                                             {"exclusiveMaximum", "number"},
                                             {"multipleOf", "number"},
                                             {"minLength", "string"},
                                             {"maxLength", "string"},
                                             {"pattern", "string"},
                                             {"items", "array"},
                                             {"prefixItems", "array"},
                                             {"minItems", "array"},
                                             {"maxItems", "array"},
                                             {"uniqueItems", "array"},
                                             {"contains", "array"},
                                             {"properties", "object"},
                                             {"patternProperties", "object"},
                                             {"additionalProperties", "object"},
                                             {"required", "object"},
                                             {"minProperties", "object"},
                                             {"maxProperties", "object"}};
    for (size_t i = 0; i < sizeof by_type / sizeof by_type[0]; i++)
        if (strcmp(key, by_type[i][0]) == 0)
            return by_type[i][1];
    return NULL;
}

static int type_allows(const cJSON *type, const char *want)
{
    if (!type)
        return 1; /* no type (a combinator's member): everything applies */
    const cJSON *t = type;
    if (cJSON_IsString(t))
        return strcmp(t->valuestring, want) == 0 ||
               (strcmp(want, "number") == 0 && strcmp(t->valuestring, "integer") == 0);
    cJSON_ArrayForEach(t, type) if (cJSON_IsString(t) && type_allows(t, want)) return 1;
    return 0;
}

/* A map of schemas (properties, $defs). */
static cJSON *full_map(walk *w, const cJSON *map)
{
    cJSON *out = cJSON_CreateObject();
    const cJSON *ch;
    cJSON_ArrayForEach(ch, map) cJSON_AddItemToObject(out, ch->string, full(w, ch));
    return out;
}

/* One schema of the spec as JSON Schema 2020-12: $refs resolved, OpenAPI's own keywords
 * (discriminator, x-*) and the examples dropped (they are most of the spec's bytes and say
 * little the schema does not), a missing type supplied where the keywords imply one, and
 * keywords that cannot apply to the type dropped. */
static cJSON *full(walk *w, const cJSON *node)
{
    const char *ref = gen_str(node, "$ref");
    if (ref) {
        const cJSON *target = gen_spec_pointer(w->spec, ref);
        if (!target || ref_active(w, ref) || w->ref_depth == REF_STACK_MAX) {
            cJSON *out = cJSON_CreateObject();
            cJSON_AddStringToObject(out, "type", "object");
            char *c = gen_xasprintf("%s: %s", target ? "recursive" : "unresolved", ref);
            cJSON_AddStringToObject(out, "$comment", c);
            free(c);
            return out;
        }
        w->refs[w->ref_depth++] = ref;
        cJSON *out = full(w, target);
        w->ref_depth--;
        return out;
    }
    if (cJSON_IsBool(node))
        return cJSON_Duplicate(node, 0);
    cJSON *out = cJSON_CreateObject();
    if (!cJSON_IsObject(node))
        return out;
    const cJSON *type = gen_obj(node, "type");
    const char *inferred = NULL;
    if (!type && !gen_obj(node, "anyOf") && !gen_obj(node, "oneOf") && !gen_obj(node, "allOf") &&
        !gen_obj(node, "enum") && !gen_obj(node, "const")) {
        inferred = gen_schema_type(w->spec, node);
        if (inferred)
            cJSON_AddStringToObject(out, "type", inferred);
    }
    cJSON *typed = inferred ? cJSON_CreateString(inferred) : NULL;
    const cJSON *effective = type ? type : typed;
    const cJSON *ch;
    cJSON_ArrayForEach(ch, node)
    {
        const char *k = ch->string;
        if (strcmp(k, "discriminator") == 0 || strncmp(k, "x-", 2) == 0 ||
            strcmp(k, "example") == 0 || strcmp(k, "examples") == 0 || strcmp(k, "nullable") == 0)
            continue;
        const char *kt = keyword_type(k);
        if (kt && !type_allows(effective, kt))
            continue;
        if (strcmp(k, "format") == 0 && !type_allows(effective, "string") &&
            !type_allows(effective, "number"))
            continue; /* a format on an array: the spec's slip, no validator reads it */
        cJSON *v;
        if ((strcmp(k, "properties") == 0 || strcmp(k, "patternProperties") == 0 ||
             strcmp(k, "$defs") == 0) &&
            cJSON_IsObject(ch)) /* a list there has no names to add its members under */
            v = full_map(w, ch);
        else if ((strcmp(k, "items") == 0 || strcmp(k, "additionalProperties") == 0 ||
                  strcmp(k, "not") == 0 || strcmp(k, "contains") == 0) &&
                 (cJSON_IsObject(ch) || cJSON_IsBool(ch)))
            v = full(w, ch);
        else if ((strcmp(k, "allOf") == 0 || strcmp(k, "anyOf") == 0 || strcmp(k, "oneOf") == 0 ||
                  strcmp(k, "prefixItems") == 0) &&
                 cJSON_IsArray(ch)) {
            v = cJSON_CreateArray();
            const cJSON *m;
            cJSON_ArrayForEach(m, ch) cJSON_AddItemToArray(v, full(w, m));
        } else
            v = cJSON_Duplicate(ch, 1);
        cJSON_AddItemToObject(out, k, v);
    }
    cJSON_Delete(typed);
    return out;
}

cJSON *gen_full_body_schema(const cJSON *spec, const gen_op *op)
{
    if (!op->body_content_type || !op->body_schema)
        return NULL;
    walk w = {.spec = spec, .level = &gen_levels[0]};
    return full(&w, op->body_schema);
}
