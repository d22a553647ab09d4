#define _POSIX_C_SOURCE 200809L
#include "demo_answer.h"

#include "gen_util.h"
#include "spec.h"
#include "synth.h"

#include "base/json_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPAIR_ROUNDS 64
/* Steps of schema checks one answer may spend (base/json_schema.h): the costliest answer of the
 * pinned spec takes 23,180 (getSiteSettingDerived, mended); the bound keeps a hostile spec
 * (the fuzzer's) from running away. */
#define GEN_ANSWER_BUDGET 200000

const char *const gen_answer_kind_names[GEN_ANSWER_KINDS] = {
    "spec examples", "repaired examples", "built from schemas",
    "INVALID",       "without a schema",  "files",
};

/* The value at where minus its last token (where is a pointer into root: "#/a/0"). */
static cJSON *parent_of(cJSON *root, const char *where)
{
    const char *slash = strrchr(where, '/');
    if (!slash)
        return NULL;
    char *up = gen_xstrndup(where, (size_t)(slash - where));
    cJSON *p = (cJSON *)gen_spec_pointer(root, up);
    free(up);
    return p;
}

/* Mends value until schema accepts it: a missing required member is built from its schema, a
 * member or item that fails is left out. 0 when it validates, -1 when it cannot be mended. */
static int repair(const cJSON *spec, const cJSON *schema, cJSON *value, gen_synth_state *st)
{
    static const char missing[] = "missing required member '";
    for (int round = 0; round < REPAIR_ROUNDS; round++) {
        mm_schema_error e;
        if (mm_schema_check_indexed(spec, gen_spec_refs(spec), schema, value, &e, &st->steps) == 0)
            return 0;
        cJSON *at = (cJSON *)gen_spec_pointer(value, e.where);
        if (!at || strcmp(e.why, "too complex") == 0)
            return -1;
        if (strncmp(e.why, missing, sizeof missing - 1) == 0 && cJSON_IsObject(at)) {
            char *name = gen_xstrdup(e.why + sizeof missing - 1);
            name[strcspn(name, "'")] = '\0';
            const cJSON *prop = gen_obj(gen_obj(e.schema, "properties"), name);
            cJSON *v = gen_synth_value(spec, prop, name, st);
            cJSON_AddItemToObject(at, name, v ? v : cJSON_CreateString("demo"));
            free(name);
            continue;
        }
        cJSON *parent = parent_of(value, e.where);
        if (!parent)
            return -1; /* the value itself fails */
        cJSON_Delete(cJSON_DetachItemViaPointer(parent, at));
    }
    return -1;
}

/* A response that is a file: not JSON, or JSON's string of a file's bytes. */
static const char *file_type(const cJSON *spec, const gen_op *op)
{
    const char *ct = op->response_content_type;
    if (ct && !strstr(ct, "json"))
        return ct;
    const cJSON *s = gen_spec_deref(spec, op->response_schema);
    const char *media = gen_str(s, "contentMediaType"), *format = gen_str(s, "format");
    const char *type = gen_str(s, "type");
    if (type && strcmp(type, "string") == 0 && (media || (format && strcmp(format, "binary") == 0)))
        return media ? media : "application/octet-stream";
    return NULL;
}

static void answer_file(const gen_op *op, const char *type, gen_answer *out)
{
    out->kind = GEN_ANSWER_FILE;
    out->content_type = gen_xstrdup(type);
    size_t n = strlen(op->path);
    if (strstr(type, "xml") || (n > 4 && strcmp(op->path + n - 4, ".xml") == 0))
        out->file = gen_xstrdup("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<md:EntityDescriptor "
                                "xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
                                "entityID=\"https://demo-networks.example/saml\"/>\n");
    else
        out->file = gen_xasprintf("demo file of %s\n", op->name);
}

void gen_demo_answer(const cJSON *spec, const gen_op *op, gen_synth_state *st, gen_answer *out)
{
    memset(out, 0, sizeof *out);
    st->steps = GEN_ANSWER_BUDGET;
    const char *file = file_type(spec, op);
    if (file) {
        answer_file(op, file, out);
        return;
    }
    out->content_type = gen_xstrdup("application/json");
    const cJSON *schema = op->response_schema;
    if (!schema) {
        out->kind = op->response_example ? GEN_ANSWER_EXAMPLE : GEN_ANSWER_NO_SCHEMA;
        out->json =
            op->response_example ? cJSON_Duplicate(op->response_example, 1) : cJSON_CreateObject();
        return;
    }
    if (op->response_example) {
        cJSON *v = cJSON_Duplicate(op->response_example, 1);
        if (v &&
            mm_schema_check_indexed(spec, gen_spec_refs(spec), schema, v, NULL, &st->steps) == 0) {
            out->kind = GEN_ANSWER_EXAMPLE;
            out->json = v;
            return;
        }
        if (v && repair(spec, schema, v, st) == 0) {
            out->kind = GEN_ANSWER_REPAIRED;
            out->json = v;
            return;
        }
        cJSON_Delete(v);
    }
    cJSON *v = gen_synth_value(spec, schema, NULL, st);
    if (!v)
        v = cJSON_CreateObject();
    mm_schema_error e;
    if (mm_schema_check_indexed(spec, gen_spec_refs(spec), schema, v, &e, &st->steps) == 0 ||
        repair(spec, schema, v, st) == 0) {
        out->kind = GEN_ANSWER_BUILT;
    } else {
        long steps = MM_SCHEMA_BUDGET; /* the reason, even when the budget ran out */
        mm_schema_check_indexed(spec, gen_spec_refs(spec), schema, v, &e, &steps);
        out->kind = GEN_ANSWER_INVALID;
        snprintf(out->why, sizeof out->why, "%s: %s", e.where, e.why);
    }
    out->json = v;
}

void gen_demo_answer_free(gen_answer *a)
{
    cJSON_Delete(a->json);
    free(a->file);
    free(a->content_type);
    memset(a, 0, sizeof *a);
}
