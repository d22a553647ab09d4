/*
 * demo_writes.c: what the demo cloud needs to take each write operation (the table and the
 * schema document core/demo/spec_writes.h declares), compiled into the demo layer only.
 *
 * A write's kind comes from the read-only GET on the same path template, if any: a POST where
 * that GET answers an array creates, a PUT replaces, a DELETE deletes; every other write is an
 * action, answered with the spec's answer (demo_answer.h). Request body schemas keep only the
 * keywords the checker reads (mm_schema_keyword); the component schemas they refer to, directly
 * or not, go once each into one document, sorted by reference.
 */
#define _POSIX_C_SOURCE 200809L
#include "emit.h"

#include "demo_answer.h"
#include "gen_util.h"
#include "schema.h"
#include "spec.h"

#include "base/json_schema.h"

#include <stdlib.h>
#include <string.h>

/* The references met so far, each with its schema once kept (NULL until then). */
typedef struct refs {
    char **ref;
    cJSON **kept;
    size_t n, cap;
} refs;

static void note_ref(refs *r, const char *ref)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->ref[i], ref) == 0)
            return;
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 64;
        r->ref = gen_xrealloc(r->ref, r->cap * sizeof *r->ref);
        r->kept = gen_xrealloc(r->kept, r->cap * sizeof *r->kept);
    }
    r->ref[r->n] = gen_xstrdup(ref);
    r->kept[r->n++] = NULL;
}

static cJSON *kept(const cJSON *node, refs *r);

/* A copy of an array of schemas, each kept. */
static cJSON *kept_list(const cJSON *list, refs *r)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *m;
    cJSON_ArrayForEach(m, list) cJSON_AddItemToArray(out, kept(m, r));
    return out;
}

/* A copy of schema node with only the keywords the checker reads, in its subschemas too;
 * every $ref (also a discriminator's mapping) noted in r. */
static cJSON *kept(const cJSON *node, refs *r)
{
    if (!cJSON_IsObject(node))
        return cJSON_Duplicate(node, 1); /* true, false */
    cJSON *out = cJSON_CreateObject();
    const cJSON *ch;
    cJSON_ArrayForEach(ch, node)
    {
        const char *k = ch->string;
        if (!mm_schema_keyword(k))
            continue;
        cJSON *v;
        if (strcmp(k, "properties") == 0 && cJSON_IsObject(ch)) {
            v = cJSON_CreateObject();
            const cJSON *p;
            cJSON_ArrayForEach(p, ch) cJSON_AddItemToObject(v, p->string, kept(p, r));
        } else if ((strcmp(k, "items") == 0 || strcmp(k, "additionalProperties") == 0 ||
                    strcmp(k, "not") == 0)) {
            v = kept(ch, r);
        } else if ((strcmp(k, "prefixItems") == 0 || strcmp(k, "allOf") == 0 ||
                    strcmp(k, "anyOf") == 0 || strcmp(k, "oneOf") == 0) &&
                   cJSON_IsArray(ch)) {
            v = kept_list(ch, r);
        } else {
            v = cJSON_Duplicate(ch, 1);
            if (strcmp(k, "$ref") == 0 && cJSON_IsString(ch))
                note_ref(r, ch->valuestring);
            const cJSON *m;
            if (strcmp(k, "discriminator") == 0)
                cJSON_ArrayForEach(m, gen_obj(ch, "mapping")) if (cJSON_IsString(m))
                    note_ref(r, m->valuestring);
        }
        cJSON_AddItemToObject(out, k, v);
    }
    return out;
}

static int by_ref(const void *a, const void *b)
{
    return strcmp(**(char *const *const *)a, **(char *const *const *)b);
}

/* Puts value at the place ref names in doc ("#/components/schemas/wlan"), making the objects
 * on the way; a place already there (a schema and one of its own members both referred to)
 * keeps what it has. Takes value. */
static void put_at(cJSON *doc, const char *ref, cJSON *value)
{
    cJSON *node = doc;
    const char *p = ref + 1;
    while (*p == '/') {
        p++;
        size_t n = strcspn(p, "/"), k = 0;
        char *token = gen_xmalloc(n + 1);
        for (size_t i = 0; i < n; i++) {
            int escape = p[i] == '~' && i + 1 < n && (p[i + 1] == '0' || p[i + 1] == '1');
            token[k++] = escape ? (p[++i] == '0' ? '~' : '/') : p[i];
        }
        token[k] = '\0';
        p += n;
        cJSON *next = cJSON_GetObjectItemCaseSensitive(node, token);
        if (!next && *p == '/')
            next = cJSON_AddObjectToObject(node, token);
        else if (!next)
            cJSON_AddItemToObject(node, token, value);
        free(token);
        if (!next || !cJSON_IsObject(next)) {
            if (next) /* the place is there but holds no object: keep it */
                cJSON_Delete(value);
            return;
        }
        node = next;
    }
    cJSON_Delete(value); /* the place is there already */
}

/* The document of every schema r's references reach, each kept; r's references are followed
 * until no new one appears. *count is the number of references. */
static char *schema_document(const cJSON *spec, refs *r, size_t *count)
{
    for (size_t i = 0; i < r->n; i++) { /* r grows as kept schemas name more */
        const cJSON *target = gen_spec_pointer(spec, r->ref[i]);
        cJSON *k = target ? kept(target, r) : NULL; /* may grow r */
        r->kept[i] = k;
    }
    size_t *order = gen_xcalloc(r->n ? r->n : 1, sizeof *order);
    char ***keys = gen_xcalloc(r->n ? r->n : 1, sizeof *keys);
    for (size_t i = 0; i < r->n; i++)
        keys[i] = &r->ref[i];
    qsort(keys, r->n, sizeof *keys, by_ref);
    for (size_t i = 0; i < r->n; i++)
        order[i] = (size_t)(keys[i] - r->ref);
    cJSON *doc = cJSON_CreateObject();
    for (size_t i = 0; i < r->n; i++) {
        size_t k = order[i];
        if (r->kept[k] && r->ref[k][0] == '#')
            put_at(doc, r->ref[k], r->kept[k]);
        else
            cJSON_Delete(r->kept[k]); /* broken or not local: the checker says so */
        r->kept[k] = NULL;
    }
    free(order);
    free(keys);
    *count = r->n;
    char *text = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    return text;
}

/* op's body schema, kept: a reference where it is a component schema of the spec (the model
 * holds it resolved), so that the operations sharing one share its single copy. */
static char *body_schema(const cJSON *spec, const gen_op *op, refs *r)
{
    cJSON *out = NULL;
    const cJSON *c;
    cJSON_ArrayForEach(c, gen_obj(gen_obj(spec, "components"), "schemas"))
    {
        if (c != op->body_schema || strpbrk(c->string, "~/")) /* (names to escape: inline) */
            continue;
        char *ref = gen_xasprintf("#/components/schemas/%s", c->string);
        note_ref(r, ref);
        out = cJSON_CreateObject();
        cJSON_AddStringToObject(out, "$ref", ref);
        free(ref);
        break;
    }
    if (!out)
        out = kept(op->body_schema, r);
    char *text = cJSON_PrintUnformatted(out);
    cJSON_Delete(out);
    return text;
}

/* The read-only GET on op's path template, or NULL. */
static const gen_op *get_of(const gen_model *m, const gen_op *op)
{
    for (size_t i = 0; i < m->op_count; i++)
        if (m->ops[i].read_only && strcmp(m->ops[i].path, op->path) == 0)
            return &m->ops[i];
    return NULL;
}

static const char *const kind_names[GEN_WRITE_KINDS] = {
    "MM_DEMO_WRITE_CREATE", "MM_DEMO_WRITE_REPLACE", "MM_DEMO_WRITE_DELETE",
    "MM_DEMO_WRITE_ACTION"};

const char *const gen_write_kind_names[GEN_WRITE_KINDS] = {"creates", "replaces", "deletes",
                                                           "actions"};

/* The kind (index of kind_names) of write op. */
static int kind_of(const cJSON *spec, const gen_model *m, const gen_op *op)
{
    const gen_op *get = get_of(m, op);
    const char *listed = get ? gen_schema_type(spec, get->response_schema) : NULL;
    if (get && strcmp(op->method, "POST") == 0 && listed && strcmp(listed, "array") == 0)
        return 0;
    if (get && strcmp(op->method, "PUT") == 0)
        return 1;
    if (get && strcmp(op->method, "DELETE") == 0)
        return 2;
    return 3;
}

/* An action's answer: the spec's, as JSON text, or "" where it has none or it is a file. */
static char *action_answer(const cJSON *spec, const gen_op *op, gen_synth_state *st)
{
    if (!op->response_content_type || !strstr(op->response_content_type, "json"))
        return gen_xstrdup("");
    gen_answer a;
    gen_demo_answer(spec, op, st, &a);
    char *text = a.json ? cJSON_PrintUnformatted(a.json) : gen_xstrdup("");
    gen_demo_answer_free(&a);
    return text;
}

int gen_emit_demo_writes(const cJSON *spec, const gen_model *m, const char *dir,
                         size_t kinds[GEN_WRITE_KINDS], size_t *schemas, size_t *schema_bytes,
                         char *err, size_t err_size)
{
    char *buf;
    size_t len;
    FILE *f = gen_emit_server_open(
        &buf, &len, m->spec_version, "What the demo cloud needs to take each write operation.",
        "demo/spec_writes.h", "MM_DEMO_SPEC_WRITES_FORMAT", "spec writes");
    fputs("const mm_demo_spec_write mm_demo_spec_writes[] = {\n", f);
    refs r = {0};
    gen_synth_state st = {0};
    size_t count = 0;
    for (size_t i = 0; i < m->op_count; i++) {
        const gen_op *op = &m->ops[i];
        if (op->read_only)
            continue;
        int kind = kind_of(spec, m, op);
        kinds[kind]++;
        char *schema = NULL;
        if (op->body_content_type && strstr(op->body_content_type, "json") && op->body_schema)
            schema = body_schema(spec, op, &r);
        char *answer = kind == 3 ? action_answer(spec, op, &st) : NULL;
        fputs("    {", f);
        gen_emit_cstr(f, op->name);
        fputs(", ", f);
        gen_emit_cstr(f, op->method);
        fputs(",\n     ", f);
        gen_emit_cstr(f, op->path);
        fprintf(f, ", %s, %d,\n     ", kind_names[kind], op->body_required);
        gen_emit_cstr(f, schema);
        fputs(",\n     ", f);
        gen_emit_cstr(f, answer);
        fputs("},\n", f);
        free(schema);
        free(answer);
        count++;
    }
    if (count == 0) /* C has no empty initializer list */
        fputs("    {NULL, NULL, NULL, 0, 0, NULL, NULL},\n", f);
    fprintf(f, "};\n\nconst size_t mm_demo_spec_write_count = %zu;\n\n", count);
    char *doc = schema_document(spec, &r, schemas);
    *schema_bytes = strlen(doc);
    fputs("const char mm_demo_request_schemas[] =\n    ", f);
    gen_emit_cstr(f, doc);
    fputs(";\n", f);
    fclose(f);
    free(doc);
    for (size_t i = 0; i < r.n; i++)
        free(r.ref[i]);
    free(r.ref);
    free(r.kept);
    int rc = gen_emit_write(dir, "demo_writes.c", buf, len, err, err_size);
    free(buf);
    return rc;
}
