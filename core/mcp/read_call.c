#define _POSIX_C_SOURCE 200809L
#include "mcp/read_call.h"

#include "base/action_path.h"
#include "base/util.h"
#include "mcp/read_pages.h"
#include "mist/projection.h"
#include "mist/result_shape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

mm_read_plan mm_read_plan_of(const mistmcp_tool *t)
{
    int read = t->kind == MISTMCP_TOOL_DECLARATIVE && t->method == MISTMCP_HTTP_GET && t->path &&
               !mm_action_path_word(t->path);
    const char **names = mm_xcalloc((size_t)t->param_count + 1, sizeof *names);
    for (unsigned i = 0; i < t->param_count; i++)
        names[i] = t->params[i].name;
    mm_read_plan plan = mm_read_plan_for(read, names, t->param_count);
    free(names);
    return plan;
}

_Static_assert(MM_READ_MAX_PAGES == 50, "the description below says 50 requests");

void mm_read_args_describe(cJSON *schema, const mistmcp_tool *t)
{
    mm_read_plan plan = mm_read_plan_of(t);
    mm_read_args_schema(schema, &plan);
    cJSON *props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
    static const char *const texts[] = {
        "Keep only these dotted paths of each item (e.g. [\"name\",\"mac\","
        "\"radio_stat.band_5.num_clients\"]); items are a list's elements or a search's "
        "results; paths not found are named in the result.",
        "\"table\": the items as tab-separated rows under a header line (the fewest tokens); "
        "structuredContent keeps the JSON. Default \"json\".",
        "Follow Mist's pages until this many items (at most 50 requests); the result says how "
        "many exist in all and how to get the rest."};
    const char *names[] = {plan.fields, plan.format, plan.max_items};
    for (size_t i = 0; i < 3; i++) {
        cJSON *p = names[i] ? cJSON_GetObjectItemCaseSensitive(props, names[i]) : NULL;
        if (cJSON_IsObject(p) && !cJSON_GetObjectItemCaseSensitive(p, "description"))
            cJSON_AddStringToObject(p, "description", texts[i]);
    }
}

static cJSON *refuse(const mistmcp_tool *t, const char *why)
{
    char text[800];
    snprintf(text, sizeof text, "Invalid arguments for %s: %s.", t->name, why);
    return mm_result_text(text, 1);
}

/* The member name of args, detached (NULL when absent or null: null means not given). */
static cJSON *take(cJSON *args, const char *name)
{
    cJSON *v = name ? cJSON_DetachItemFromObjectCaseSensitive(args, name) : NULL;
    if (cJSON_IsNull(v)) {
        cJSON_Delete(v);
        return NULL;
    }
    return v;
}

cJSON *mm_read_args_take(const mistmcp_tool *t, cJSON *args, mm_read_args *out)
{
    memset(out, 0, sizeof *out);
    out->plan = mm_read_plan_of(t);
    if (!cJSON_IsObject(args))
        return NULL;
    char err[600];
    cJSON *fields = take(args, out->plan.fields);
    if (fields) {
        out->fields = fields;
        if (mm_fields_check(fields, out->plan.fields, err, sizeof err) != 0)
            return refuse(t, err);
        out->path_count = (size_t)cJSON_GetArraySize(fields);
        out->paths = mm_xcalloc(out->path_count + 1, sizeof *out->paths);
        size_t i = 0;
        for (const cJSON *f = fields->child; f; f = f->next)
            out->paths[i++] = f->valuestring;
    }
    cJSON *format = take(args, out->plan.format);
    if (format) {
        int ok = cJSON_IsString(format) && (strcmp(format->valuestring, "json") == 0 ||
                                            strcmp(format->valuestring, "table") == 0);
        char *shown = ok ? NULL : cJSON_PrintUnformatted(format);
        if (!ok)
            snprintf(err, sizeof err, "'format' is %.80s: it must be \"json\" or \"table\"",
                     shown ? shown : "not a string");
        out->table = ok && strcmp(format->valuestring, "table") == 0;
        free(shown);
        cJSON_Delete(format);
        if (!ok)
            return refuse(t, err);
    }
    cJSON *max = take(args, out->plan.max_items);
    if (max) {
        double d = cJSON_IsNumber(max) ? max->valuedouble : 0;
        int ok = cJSON_IsNumber(max) && d >= 1 && d <= MM_READ_MAX_ITEMS && d == (double)(long)d;
        char *shown = ok ? NULL : cJSON_PrintUnformatted(max);
        if (!ok)
            snprintf(err, sizeof err,
                     "'max_items' is %.80s: it must be a whole number from 1 to %d",
                     shown ? shown : "not a number", MM_READ_MAX_ITEMS);
        out->max_items = ok ? (long)d : 0;
        free(shown);
        cJSON_Delete(max);
        if (!ok)
            return refuse(t, err);
    }
    return NULL;
}

int mm_read_args_any(const mm_read_args *ra)
{
    return ra->fields || ra->table || ra->max_items;
}

void mm_read_args_free(mm_read_args *ra)
{
    cJSON_Delete(ra->fields);
    free(ra->paths);
    memset(ra, 0, sizeof *ra);
}

mm_shape_opts mm_read_shape_opts(const mm_read_args *ra, const unsigned char *found)
{
    mm_shape_opts o = {.fields = ra->paths,
                       .field_count = ra->path_count,
                       .fields_name = ra->plan.fields,
                       .found = found,
                       .table = ra->table};
    return o;
}

cJSON *mm_read_call(mm_call_ctx *ctx, cJSON *args, const mm_read_args *ra, const char *method,
                    const char *target)
{
    if (ra->max_items && ra->plan.page_style)
        return mm_read_pages(ctx, args, ra, method, target);
    const mm_shape_opts opts = mm_read_shape_opts(ra, NULL);
    mistmcp_response *r = NULL;
    char err[512];
    mm_tool_progress(ctx, 0, 1, "calling the Mist API");
    if (mm_tool_send(ctx, method, target, NULL, &r, err, sizeof err) != 0)
        return mm_result_text(err, 1);
    cJSON *res = mm_result_shaped(r, &opts, ctx->session->srv->cfg->max_result_bytes);
    mm_mist_response_free(&r);
    mm_tool_progress(ctx, 1, 1, NULL);
    return res;
}
