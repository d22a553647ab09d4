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
    {1, 0, 0, 100, 0},   {0, 0, 0, 80, 0}, /* the last: a body shows its required fields only */
};
const int gen_level_count = (int)(sizeof gen_levels / sizeof gen_levels[0]);

#define REF_STACK_MAX 64

typedef struct walk {
    const cJSON *spec;
    const gen_level *level;
    const char *refs[REF_STACK_MAX]; /* $refs being expanded, for cycle detection */
    int ref_depth;
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
    if (lv->desc_len <= 0 || depth > lv->desc_depth)
        return;
    const char *d = gen_str(node, "description");
    if (!d)
        d = gen_str(node, "title");
    if (!d)
        return;
    char *s = gen_text_short(d, (size_t)lv->desc_len);
    if (*s)
        cJSON_AddStringToObject(out, "description", s);
    free(s);
}

static cJSON *compact(walk *w, const cJSON *node, int depth, int is_param);

/* Merges the compacted allOf member `from` into `out` and deletes it: members add what out
 * lacks (type, format, enum, description, properties) and their required names. */
static void merge_into(cJSON *out, cJSON *from)
{
    static const char *const scalars[] = {"type", "format", "enum", "description"};
    for (size_t i = 0; i < sizeof scalars / sizeof scalars[0]; i++)
        if (!gen_obj(out, scalars[i]) && gen_obj(from, scalars[i]))
            cJSON_AddItemToObject(out, scalars[i],
                                  cJSON_DetachItemFromObjectCaseSensitive(from, scalars[i]));
    cJSON *props = cJSON_GetObjectItemCaseSensitive(from, "properties");
    if (cJSON_IsObject(props)) {
        cJSON *dst = cJSON_GetObjectItemCaseSensitive(out, "properties");
        if (!dst)
            dst = cJSON_AddObjectToObject(out, "properties");
        while (props->child) {
            cJSON *p = cJSON_DetachItemViaPointer(props, props->child);
            if (gen_obj(dst, p->string))
                cJSON_Delete(p);
            else
                cJSON_AddItemToObject(dst, p->string, p);
        }
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
    if (ref_active(w, ref) || w->ref_depth == REF_STACK_MAX)
        return cJSON_CreateObject(); /* recursion: "any value" here, the full schema has it */
    const cJSON *target = gen_spec_pointer(w->spec, ref);
    if (!target)
        return cJSON_CreateObject();
    w->refs[w->ref_depth++] = ref;
    cJSON *out = compact(w, target, depth, is_param);
    w->ref_depth--;
    return out;
}

static cJSON *compact(walk *w, const cJSON *node, int depth, int is_param)
{
    if (gen_str(node, "$ref"))
        return compact_ref(w, node, depth, is_param);
    cJSON *out = cJSON_CreateObject();
    if (!cJSON_IsObject(node))
        return out;
    const cJSON *props = gen_obj(node, "properties");
    const cJSON *items = gen_obj(node, "items");
    if (gen_obj(node, "type"))
        copy_member(out, node, "type");
    else if (props)
        cJSON_AddStringToObject(out, "type", "object");
    else if (items)
        cJSON_AddStringToObject(out, "type", "array");
    add_description(w, out, node, depth);
    copy_member(out, node, "enum");
    copy_member(out, node, "const");
    copy_member(out, node, "format");
    if (is_param)
        copy_member(out, node, "default");
    if (is_param && w->level->param_bounds) {
        copy_member(out, node, "minimum");
        copy_member(out, node, "maximum");
    }
    int expand = depth < w->level->max_depth;
    /* Level 0 depth: an object body still shows its required properties, flat. */
    int required_only = !expand && depth == 0 && w->level->max_depth == 0;
    if (items && expand)
        cJSON_AddItemToObject(out, "items", compact(w, items, depth + 1, 0));
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
            cJSON_AddStringToObject(out, "description",
                                    "Required fields shown; more are accepted.");
        if (cJSON_GetArraySize(req) > 0)
            cJSON_AddItemToObject(out, "required", req);
        else
            cJSON_Delete(req);
    }
    const cJSON *ap = gen_obj(node, "additionalProperties");
    if (cJSON_IsObject(ap) && expand)
        cJSON_AddItemToObject(out, "additionalProperties", compact(w, ap, depth + 1, 0));
    const cJSON *all = gen_obj(node, "allOf");
    const cJSON *member;
    cJSON_ArrayForEach(member, all)
    {
        /* allOf: one object with every member's properties and required fields. */
        merge_into(out, compact(w, member, depth, is_param));
    }
    static const char *const alternatives[] = {"oneOf", "anyOf"};
    for (int a = 0; a < 2; a++) {
        const cJSON *alts = gen_obj(node, alternatives[a]);
        if (!cJSON_IsArray(alts) || !expand)
            continue;
        cJSON *arr = cJSON_AddArrayToObject(out, alternatives[a]);
        const cJSON *alt;
        cJSON_ArrayForEach(alt, alts)
        {
            cJSON_AddItemToArray(arr, compact(w, alt, depth + 1, 0));
        }
    }
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
        cJSON *ps = p->schema ? compact(&w, p->schema, 1, 1) : cJSON_CreateObject();
        if (p->description && level->desc_len > 0) {
            char *d = gen_text_short(p->description, (size_t)level->desc_len);
            cJSON_DeleteItemFromObjectCaseSensitive(ps, "description");
            if (*d)
                cJSON_AddStringToObject(ps, "description", d);
            free(d);
        }
        if (!gen_obj(ps, "type") && p->type == MISTMCP_TYPE_STRING)
            cJSON_AddStringToObject(ps, "type", "string");
        cJSON_AddItemToObject(props, p->name, ps);
        if (p->required)
            cJSON_AddItemToArray(req, cJSON_CreateString(p->name));
    }
    if (op->body_content_type) {
        cJSON *body = op->body_schema ? compact(&w, op->body_schema, 0, 0) : cJSON_CreateObject();
        if (op->body_description && level->desc_len > 0 && !gen_obj(body, "description")) {
            char *d = gen_text_short(op->body_description, (size_t)level->desc_len);
            if (*d)
                cJSON_AddStringToObject(body, "description", d);
            free(d);
        }
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

/* name_map: node is a "properties"-like map whose keys are names, not schema keywords. */
static cJSON *full(walk *w, const cJSON *node, int name_map)
{
    const char *ref = gen_str(node, "$ref");
    if (ref) {
        const cJSON *target = gen_spec_pointer(w->spec, ref);
        if (!target || ref_active(w, ref) || w->ref_depth == REF_STACK_MAX) {
            cJSON *out = cJSON_CreateObject();
            char *c = gen_xasprintf("%s: %s", target ? "recursive" : "unresolved", ref);
            cJSON_AddStringToObject(out, "$comment", c);
            free(c);
            return out;
        }
        w->refs[w->ref_depth++] = ref;
        cJSON *out = full(w, target, 0);
        w->ref_depth--;
        return out;
    }
    if (cJSON_IsArray(node) || cJSON_IsObject(node)) {
        cJSON *out = cJSON_IsArray(node) ? cJSON_CreateArray() : cJSON_CreateObject();
        const cJSON *ch;
        cJSON_ArrayForEach(ch, node)
        {
            /* Examples stay in the spec: they are most of its bytes and say little the
             * schema does not. */
            if (ch->string && cJSON_IsObject(node) && !name_map &&
                (strcmp(ch->string, "examples") == 0 || strcmp(ch->string, "example") == 0))
                continue;
            int child_map = ch->string && !name_map && cJSON_IsObject(node) &&
                            (strcmp(ch->string, "properties") == 0 ||
                             strcmp(ch->string, "patternProperties") == 0);
            cJSON *c = full(w, ch, child_map);
            if (cJSON_IsArray(out))
                cJSON_AddItemToArray(out, c);
            else
                cJSON_AddItemToObject(out, ch->string, c);
        }
        return out;
    }
    return cJSON_Duplicate(node, 1);
}

cJSON *gen_full_body_schema(const cJSON *spec, const gen_op *op)
{
    if (!op->body_content_type || !op->body_schema)
        return NULL;
    walk w = {.spec = spec, .level = &gen_levels[0]};
    return full(&w, op->body_schema, 0);
}
