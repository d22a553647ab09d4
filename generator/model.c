#define _POSIX_C_SOURCE 200809L
#include "model.h"

#include "tool_text.h"

#include "gen_util.h"
#include "spec.h"
#include "text.h"
#include "base/action_path.h"

#include <mistmcp/plugin.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SUMMARY_MAX 120

#define CATEGORY_DESCRIPTION_MAX 160

static const struct {
    const char *key;
    const char *name;
    int id;
} methods[] = {
    {"get", "GET", MISTMCP_HTTP_GET},       {"post", "POST", MISTMCP_HTTP_POST},
    {"put", "PUT", MISTMCP_HTTP_PUT},       {"delete", "DELETE", MISTMCP_HTTP_DELETE},
    {"patch", "PATCH", MISTMCP_HTTP_PATCH},
};

char *gen_category_name(const char *tag)
{
    /* Lower-case; ' ' and '-' become '_' (the seed's rule); so does anything else outside
     * [a-z0-9_], which keeps the name usable as a file, C and CMake name. */
    size_t n = strlen(tag);
    char *out = gen_xstrndup(tag, n > 64 ? 64 : n);
    for (char *p = out; *p; p++) {
        unsigned char c = (unsigned char)tolower((unsigned char)*p);
        *p = (char)((isalnum(c) && c < 0x80) || c == '_' ? c : '_');
    }
    return out;
}

static int type_id(const char *t)
{
    static const char *const names[] = {"string",  "integer", "number",
                                        "boolean", "array",   "object"};
    static const int ids[] = {MISTMCP_TYPE_STRING,  MISTMCP_TYPE_INTEGER, MISTMCP_TYPE_NUMBER,
                              MISTMCP_TYPE_BOOLEAN, MISTMCP_TYPE_ARRAY,   MISTMCP_TYPE_OBJECT};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(t, names[i]) == 0)
            return ids[i];
    return MISTMCP_TYPE_ANY;
}

/* The value type of a schema: its "type" (the non-null one of an OpenAPI 3.1 type array),
 * else what its enum or shape implies. */
static int schema_type(const cJSON *root, const cJSON *schema)
{
    schema = gen_spec_deref(root, schema);
    if (!schema)
        return MISTMCP_TYPE_ANY;
    const cJSON *t = gen_obj(schema, "type");
    if (cJSON_IsString(t))
        return type_id(t->valuestring);
    if (cJSON_IsArray(t)) {
        int found = MISTMCP_TYPE_ANY, count = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, t)
        {
            if (cJSON_IsString(it) && strcmp(it->valuestring, "null") != 0) {
                found = type_id(it->valuestring);
                count++;
            }
        }
        return count == 1 ? found : MISTMCP_TYPE_ANY;
    }
    const cJSON *en = gen_obj(schema, "enum");
    if (cJSON_IsArray(en) && en->child) {
        if (cJSON_IsString(en->child))
            return MISTMCP_TYPE_STRING;
        if (cJSON_IsNumber(en->child))
            return MISTMCP_TYPE_NUMBER;
        if (cJSON_IsBool(en->child))
            return MISTMCP_TYPE_BOOLEAN;
    }
    if (gen_obj(schema, "properties"))
        return MISTMCP_TYPE_OBJECT;
    if (gen_obj(schema, "items"))
        return MISTMCP_TYPE_ARRAY;
    return MISTMCP_TYPE_ANY;
}

static int array_style(const cJSON *param)
{
    const char *style = gen_str(param, "style");
    const cJSON *explode = gen_obj(param, "explode");
    if (!style || strcmp(style, "form") == 0)
        return (cJSON_IsFalse(explode)) ? MISTMCP_ARRAY_FORM : MISTMCP_ARRAY_FORM_EXPLODE;
    if (strcmp(style, "spaceDelimited") == 0)
        return MISTMCP_ARRAY_SPACE;
    if (strcmp(style, "pipeDelimited") == 0)
        return MISTMCP_ARRAY_PIPE;
    return MISTMCP_ARRAY_FORM_EXPLODE;
}

typedef struct raw_param {
    const cJSON *node; /* resolved parameter object */
    const char *name;
    const char *in;
} raw_param;

/* Collects path-level then operation-level parameters; an operation-level one replaces a
 * path-level one with the same name and location (OpenAPI rule). */
static int collect_params(const cJSON *root, const cJSON *lists[2], raw_param **out, size_t *count,
                          const char *op_name, char *err, size_t err_size)
{
    size_t cap = 8, n = 0;
    raw_param *ps = gen_xmalloc(cap * sizeof *ps);
    for (int l = 0; l < 2; l++) {
        const cJSON *it;
        cJSON_ArrayForEach(it, lists[l])
        {
            const cJSON *p = gen_spec_deref(root, it);
            const char *name = gen_str(p, "name"), *in = gen_str(p, "in");
            if (!p || !name || !in) {
                snprintf(err, err_size, "operation %s: a parameter has no name or location",
                         op_name);
                free(ps);
                return -1;
            }
            size_t k = 0;
            while (k < n && !(strcmp(ps[k].name, name) == 0 && strcmp(ps[k].in, in) == 0))
                k++;
            if (k == n) {
                if (n == cap)
                    ps = gen_xrealloc(ps, (cap *= 2) * sizeof *ps);
                n++;
            }
            ps[k] = (raw_param){p, name, in};
        }
    }
    *out = ps;
    *count = n;
    return 0;
}

static void fill_param(const cJSON *root, gen_param *gp, const raw_param *rp, int location)
{
    const cJSON *schema = gen_spec_deref(root, gen_obj(rp->node, "schema"));
    gp->name = gen_xstrdup(rp->name);
    gp->location = location;
    gp->schema = schema;
    gp->type = schema_type(root, schema);
    gp->item_type = gp->type == MISTMCP_TYPE_ARRAY ? schema_type(root, gen_obj(schema, "items"))
                                                   : MISTMCP_TYPE_ANY;
    gp->style = gp->type == MISTMCP_TYPE_ARRAY ? array_style(rp->node) : 0;
    gp->required = location == MISTMCP_PARAM_PATH || cJSON_IsTrue(gen_obj(rp->node, "required"));
    const char *d = gen_str(rp->node, "description");
    if (!d)
        d = gen_str(schema, "description");
    gp->description = d ? gen_xstrdup(d) : NULL;
    if (gp->type == MISTMCP_TYPE_ANY && location == MISTMCP_PARAM_PATH)
        gp->type = MISTMCP_TYPE_STRING;
}

/* Orders parameters as the model sees them: path parameters in template order, then query
 * parameters in spec order. A query parameter named like a path parameter is dropped: the
 * path already fixes that value (searchSiteOspfStats has site_id in both places). */
static int build_params(const cJSON *root, gen_op *op, const cJSON *item, const cJSON *opnode,
                        size_t *shadowed, char *err, size_t err_size)
{
    const cJSON *lists[2] = {gen_obj(item, "parameters"), gen_obj(opnode, "parameters")};
    raw_param *raw = NULL;
    size_t raw_n = 0;
    if (collect_params(root, lists, &raw, &raw_n, op->name, err, err_size) != 0)
        return -1;
    size_t placeholders = 0;
    for (const char *p = strchr(op->path, '{'); p; p = strchr(p + 1, '{'))
        placeholders++;
    op->params = gen_xcalloc(raw_n + placeholders + 1, sizeof *op->params);
    size_t n = 0;
    /* Path parameters, in the order the template names them. */
    for (const char *p = strchr(op->path, '{'); p; p = strchr(p + 1, '{')) {
        const char *close = strchr(p, '}');
        if (!close)
            break;
        size_t len = (size_t)(close - p - 1);
        size_t k = 0;
        while (k < raw_n && !(strcmp(raw[k].in, "path") == 0 && strlen(raw[k].name) == len &&
                              strncmp(raw[k].name, p + 1, len) == 0))
            k++;
        if (k == raw_n) {
            snprintf(err, err_size,
                     "operation %s: path %s names {%.*s}, which no parameter defines", op->name,
                     op->path, (int)len, p + 1);
            free(raw);
            return -1;
        }
        int repeated = 0;
        for (size_t j = 0; j < n; j++)
            repeated |= strcmp(op->params[j].name, raw[k].name) == 0;
        if (repeated)
            continue; /* {x} twice in a path: one argument fills both */
        fill_param(root, &op->params[n++], &raw[k], MISTMCP_PARAM_PATH);
        op->param_count = n;
    }
    for (size_t k = 0; k < raw_n; k++) {
        if (strcmp(raw[k].in, "query") != 0)
            continue; /* header and cookie parameters are the client's business */
        int clash = 0;
        for (size_t j = 0; j < n; j++)
            if (op->params[j].location == MISTMCP_PARAM_PATH &&
                strcmp(op->params[j].name, raw[k].name) == 0)
                clash = 1;
        if (clash) {
            fprintf(stderr,
                    "mistmcp-gen: note: %s: query parameter '%s' dropped, the path sets it\n",
                    op->name, raw[k].name);
            (*shadowed)++;
            continue;
        }
        if (strcmp(raw[k].name, "body") == 0 && op->body_content_type) {
            /* The input schema's "body" property is the request body. */
            fprintf(stderr,
                    "mistmcp-gen: note: %s: query parameter 'body' dropped, it would hide the "
                    "request body\n",
                    op->name);
            (*shadowed)++;
            continue;
        }
        fill_param(root, &op->params[n++], &raw[k], MISTMCP_PARAM_QUERY);
        op->param_count = n;
    }
    op->param_count = n;
    free(raw);
    return 0;
}

static void build_body(const cJSON *root, gen_op *op, const cJSON *opnode)
{
    const cJSON *rb = gen_spec_deref(root, gen_obj(opnode, "requestBody"));
    const cJSON *content = gen_obj(rb, "content");
    if (!cJSON_IsObject(content) || !content->child)
        return; /* no media types: a list there names none, as a string does not */
    /* Prefer JSON: seven operations accept both JSON and multipart. */
    const cJSON *chosen = gen_obj(content, "application/json");
    if (!chosen)
        chosen = gen_obj(content, "multipart/form-data");
    if (!chosen)
        chosen = content->child;
    op->body_content_type = gen_xstrdup(chosen->string);
    op->body_schema = gen_spec_deref(root, gen_obj(chosen, "schema"));
    op->body_required = cJSON_IsTrue(gen_obj(rb, "required"));
    const char *d = gen_str(rb, "description");
    op->body_description = d ? gen_xstrdup(d) : NULL;
}

/* The first 2xx response with content (Mist's GETs have one: 200), JSON preferred. */
static void build_response(const cJSON *root, gen_op *op, const cJSON *opnode)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, gen_obj(opnode, "responses"))
    {
        if (!r->string || r->string[0] != '2')
            continue;
        const cJSON *content = gen_obj(gen_spec_deref(root, r), "content");
        if (!cJSON_IsObject(content) || !content->child)
            continue;
        const cJSON *chosen = gen_obj(content, "application/json");
        if (!chosen)
            chosen = content->child;
        op->response_content_type = gen_xstrdup(chosen->string);
        op->response_schema = gen_obj(chosen, "schema");
        op->response_example = gen_obj(chosen, "example");
        const cJSON *examples = gen_obj(chosen, "examples");
        if (!op->response_example && cJSON_IsObject(examples) && examples->child)
            op->response_example = gen_obj(gen_spec_deref(root, examples->child), "value");
        return;
    }
}

static const gen_exclusion *excluded(gen_model *m, const char *name)
{
    for (size_t i = 0; i < m->exclusion_count; i++)
        if (strcmp(m->exclusions[i].name, name) == 0) {
            m->exclusions[i].matched = 1;
            return &m->exclusions[i];
        }
    return NULL;
}

static int op_cmp(const void *a, const void *b)
{
    return strcmp(((const gen_op *)a)->name, ((const gen_op *)b)->name);
}

static int add_operation(const cJSON *root, gen_model *m, size_t *cap, const char *path,
                         const cJSON *item, const cJSON *opnode, int method, char *err,
                         size_t err_size)
{
    const char *id = gen_str(opnode, "operationId");
    if (!id || !*id) {
        snprintf(err, err_size, "%s %s has no operationId", methods[method].name, path);
        return -1;
    }
    for (const char *c = id; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '-' && *c != '.') {
            snprintf(err, err_size, "operationId '%s' has a character tools cannot carry", id);
            return -1;
        }
    if (excluded(m, id)) {
        m->excluded_count++;
        return 0;
    }
    if (m->op_count == *cap)
        m->ops = gen_xrealloc(m->ops, (*cap = *cap ? *cap * 2 : 256) * sizeof *m->ops);
    gen_op *op = &m->ops[m->op_count++];
    memset(op, 0, sizeof *op);
    op->name = gen_xstrdup(id);
    const cJSON *tags = gen_obj(opnode, "tags");
    const char *tag =
        cJSON_IsArray(tags) && cJSON_IsString(tags->child) ? tags->child->valuestring : "Untagged";
    op->tag = gen_xstrdup(tag);
    op->category = gen_category_name(tag);
    /* The category names the plugin's source, <category>.c, beside the generator's own
     * catalog.c: an empty name or "catalog" would make no plugin, or lose it. */
    if (!*op->category || strcmp(op->category, "catalog") == 0) {
        snprintf(err, err_size, "operation %s: tag '%s' makes category '%s', %s", id, tag,
                 op->category,
                 *op->category ? "the name of the generator's catalog.c" : "an empty name");
        return -1;
    }
    op->method = gen_xstrdup(methods[method].name);
    op->method_id = methods[method].id;
    op->path = gen_xstrdup(path);
    op->read_only = op->method_id == MISTMCP_HTTP_GET && !mm_action_path_word(path);
    const char *d = gen_str(opnode, "description");
    op->description = d ? gen_xstrdup(d) : NULL;
    const char *s = gen_str(opnode, "summary");
    if (s && strcasecmp(s, id) != 0)
        op->summary = gen_text_sentence(s, SUMMARY_MAX);
    else if (d)
        op->summary = gen_text_sentence(d, SUMMARY_MAX);
    if (!op->summary || !*op->summary) {
        free(op->summary);
        op->summary = gen_text_title(id);
    }
    build_body(root, op, opnode);
    build_response(root, op, opnode);
    if (build_params(root, op, item, opnode, &m->shadowed_params, err, err_size) != 0)
        return -1;
    if (gen_summary_contradicts(op)) { /* after the parameters: the lead may name them */
        /* Searches show the summary too: it says what the operation does, not what the
         * spec's text wrongly said. */
        char *said = op->summary;
        op->misleading = 1;
        op->summary = gen_tool_description(root, op, SUMMARY_MAX);
        fprintf(stderr,
                "mistmcp-gen: note: %s (%s %s): the spec's summary \"%s\" says another "
                "action; described as \"%s\"\n",
                id, op->method, path, said, op->summary);
        free(said);
    }
    return 0;
}

static char *tag_description(const cJSON *spec, const char *tag)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, gen_obj(spec, "tags"))
    {
        const char *name = gen_str(it, "name");
        const char *d = gen_str(it, "description");
        if (name && d && strcmp(name, tag) == 0)
            return gen_text_sentence(d, CATEGORY_DESCRIPTION_MAX);
    }
    return gen_xasprintf("Mist API: %s.", tag);
}

static int build_categories(const cJSON *spec, gen_model *m, char *err, size_t err_size)
{
    /* ops are sorted by name; gather them by category, categories sorted by name. */
    for (size_t i = 0; i < m->op_count; i++) {
        const gen_op *op = &m->ops[i];
        size_t c = 0;
        while (c < m->category_count && strcmp(m->categories[c].name, op->category) != 0)
            c++;
        if (c < m->category_count && strcmp(m->categories[c].tag, op->tag) != 0) {
            snprintf(err, err_size, "tags '%s' and '%s' both make category %s",
                     m->categories[c].tag, op->tag, op->category);
            return -1;
        }
        if (c == m->category_count) {
            m->categories = gen_xrealloc(m->categories, (c + 1) * sizeof *m->categories);
            gen_category *cat = &m->categories[c];
            memset(cat, 0, sizeof *cat);
            cat->name = gen_xstrdup(op->category);
            cat->tag = gen_xstrdup(op->tag);
            cat->description = tag_description(spec, op->tag);
            m->category_count++;
        }
        gen_category *cat = &m->categories[c];
        cat->ops = gen_xrealloc(cat->ops, (cat->op_count + 1) * sizeof *cat->ops);
        cat->ops[cat->op_count++] = i;
    }
    for (size_t a = 1; a < m->category_count; a++) /* insertion sort: ~200 entries */
        for (size_t b = a; b > 0 && strcmp(m->categories[b - 1].name, m->categories[b].name) > 0;
             b--) {
            gen_category t = m->categories[b];
            m->categories[b] = m->categories[b - 1];
            m->categories[b - 1] = t;
        }
    return 0;
}

int gen_model_build(const cJSON *spec, gen_model *m, char *err, size_t err_size)
{
    const char *version = gen_str(gen_obj(spec, "info"), "version");
    m->spec_version = gen_xstrdup(version ? version : "unknown");
    const cJSON *paths = gen_obj(spec, "paths");
    if (!cJSON_IsObject(paths)) {
        snprintf(err, err_size, "the spec has no 'paths' object");
        return -1;
    }
    /* Top-level 'webhooks' (OpenAPI 3.1) describe calls Mist makes, not operations: skipped. */
    size_t cap = 0;
    const cJSON *entry;
    cJSON_ArrayForEach(entry, paths)
    {
        const cJSON *item = gen_spec_deref(spec, entry);
        for (size_t k = 0; item && k < sizeof methods / sizeof methods[0]; k++) {
            const cJSON *opnode = gen_obj(item, methods[k].key);
            if (opnode && add_operation(spec, m, &cap, entry->string, item, opnode, (int)k, err,
                                        err_size) != 0)
                return -1;
        }
    }
    if (m->op_count > 1) /* qsort wants an array: ops is NULL when there is no operation */
        qsort(m->ops, m->op_count, sizeof *m->ops, op_cmp);
    for (size_t i = 1; i < m->op_count; i++)
        if (strcmp(m->ops[i - 1].name, m->ops[i].name) == 0) {
            snprintf(err, err_size, "operationId '%s' is used by %s %s and %s %s", m->ops[i].name,
                     m->ops[i - 1].method, m->ops[i - 1].path, m->ops[i].method, m->ops[i].path);
            return -1;
        }
    return build_categories(spec, m, err, err_size);
}

void gen_model_free(gen_model *m)
{
    for (size_t i = 0; i < m->op_count; i++) {
        gen_op *op = &m->ops[i];
        for (size_t k = 0; k < op->param_count; k++) {
            free(op->params[k].name);
            free(op->params[k].description);
        }
        free(op->params);
        free(op->name);
        free(op->tag);
        free(op->category);
        free(op->method);
        free(op->path);
        free(op->summary);
        free(op->description);
        free(op->body_content_type);
        free(op->body_description);
        free(op->response_content_type);
    }
    free(m->ops);
    for (size_t c = 0; c < m->category_count; c++) {
        free(m->categories[c].name);
        free(m->categories[c].tag);
        free(m->categories[c].description);
        free(m->categories[c].ops);
    }
    free(m->categories);
    for (size_t i = 0; i < m->exclusion_count; i++) {
        free(m->exclusions[i].name);
        free(m->exclusions[i].reason);
    }
    free(m->exclusions);
    free(m->spec_version);
    memset(m, 0, sizeof *m);
}
