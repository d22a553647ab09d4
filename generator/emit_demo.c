/*
 * demo_answers.c: the demo cloud's answer to every read-only operation (demo_answer.h), as the
 * table core/demo/spec_answers.h declares, compiled into the demo layer only.
 */
#define _POSIX_C_SOURCE 200809L
#include "emit.h"

#include "demo_answer.h"
#include "gen_util.h"

#include <mistmcp/plugin.h>

#include <stdlib.h>
#include <string.h>

/* Query parameters that shape an answer rather than filter its items. */
static int shapes_answer(const char *name)
{
    static const char *const names[] = {"limit",    "page", "start",        "end",
                                        "duration", "sort", "search_after", "interval"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

/* The op's query parameters that name a member of the answer's items (an array, or the
 * "results" of a search), space-separated: the demo cloud filters the items by them. */
static char *filters_of(const gen_op *op, const cJSON *answer)
{
    const cJSON *items =
        cJSON_IsArray(answer) ? answer : cJSON_GetObjectItemCaseSensitive(answer, "results");
    const cJSON *first = cJSON_IsArray(items) ? items->child : NULL;
    char *out = gen_xstrdup("");
    for (size_t k = 0; cJSON_IsObject(first) && k < op->param_count; k++) {
        const gen_param *p = &op->params[k];
        if (p->location != MISTMCP_PARAM_QUERY || shapes_answer(p->name) ||
            !cJSON_GetObjectItemCaseSensitive(first, p->name))
            continue;
        char *more = gen_xasprintf("%s%s%s", out, *out ? " " : "", p->name);
        free(out);
        out = more;
    }
    return out;
}

int gen_emit_demo(const cJSON *spec, const gen_model *m, const char *dir,
                  size_t kinds[GEN_ANSWER_KINDS], char *err, size_t err_size)
{
    char *buf;
    size_t len;
    FILE *f = gen_emit_server_open(
        &buf, &len, m->spec_version, "The demo cloud's answer to every read-only operation.",
        "demo/spec_answers.h", "MM_DEMO_SPEC_ANSWERS_FORMAT", "spec answers");
    fputs("const mm_demo_spec_answer mm_demo_spec_answers[] = {\n", f);
    gen_synth_state st = {0};
    size_t count = 0;
    for (size_t i = 0; i < m->op_count; i++) {
        const gen_op *op = &m->ops[i];
        if (!op->read_only)
            continue;
        gen_answer a;
        gen_demo_answer(spec, op, &st, &a);
        kinds[a.kind]++;
        if (a.kind == GEN_ANSWER_INVALID)
            fprintf(stderr, "mistmcp-gen: warning: %s: no demo answer validates (%s)\n", op->name,
                    a.why);
        char *body = a.json ? cJSON_PrintUnformatted(a.json) : gen_xstrdup(a.file);
        char *filters = a.json ? filters_of(op, a.json) : gen_xstrdup("");
        fputs("    {", f);
        gen_emit_cstr(f, op->name);
        fputs(",\n     ", f);
        gen_emit_cstr(f, op->path);
        fputs(", ", f);
        gen_emit_cstr(f, a.content_type);
        fputs(", ", f);
        gen_emit_cstr(f, filters);
        fputs(",\n     ", f);
        gen_emit_cstr(f, body);
        fputs("},\n", f);
        free(body);
        free(filters);
        gen_demo_answer_free(&a);
        count++;
    }
    if (count == 0) /* C has no empty initializer list */
        fputs("    {NULL, NULL, NULL, NULL, NULL},\n", f);
    fprintf(f, "};\n\nconst size_t mm_demo_spec_answer_count = %zu;\n", count);
    fclose(f);
    int rc = gen_emit_write(dir, "demo_answers.c", buf, len, err, err_size);
    free(buf);
    return rc;
}
