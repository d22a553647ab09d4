/* The discovery built-ins: searchMistTools, describeMistTool, callMistTool and
 * callMistWriteTool (see builtin_tools.h). They reach every tool through the catalog, so a model
 * can work even when its host never refreshes the tool list after manageMcpTools. */
#define _POSIX_C_SOURCE 200809L
#include "mcp/builtin_tools.h"

#include "mcp/body_schema.h"

#include "base/metrics.h"
#include "base/util.h"
#include "mcp/protocol.h"
#include "mcp/read_call.h"
#include "mcp/tool_search.h"
#include "mcp/write_gate.h"
#include "mist/result_shape.h"
#include "registry/catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_DEFAULT 8
#define SEARCH_MAX 25

static cJSON *invalid(const char *tool, const char *why)
{
    char text[600];
    snprintf(text, sizeof text, "Invalid arguments for %s: %s.", tool, why);
    return mm_result_text(text, 1);
}

/* The string argument `name` of args, or NULL. */
static const char *string_arg(const cJSON *args, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, name);
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

/* Only the listed arguments: NULL when fine, else the first unknown one. */
static const char *unknown_arg(const cJSON *args, const char *const *known)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, args)
    {
        int ok = 0;
        for (size_t i = 0; known[i] && !ok; i++)
            ok = strcmp(known[i], m->string) == 0;
        if (!ok)
            return m->string;
    }
    return NULL;
}

static int category_enabled(mm_session *s, const char *category)
{
    mm_category *cat = mm_registry_find(s->srv->registry, category);
    if (!cat)
        return 0;
    size_t i = mm_registry_index(s->srv->registry, cat);
    int on = mm_session_enabled(s, i);
    return on;
}

/* Search answers only with tools whose plugin is there (mm_search_keep_fn). */
static int has_plugin(const mm_catalog_category *category, void *reg)
{
    const mm_category *cat = mm_registry_find(reg, category->name);
    return cat && mm_category_present(cat);
}

#define WRITE_NOTE_MAX 3

/* On a read-only server: the write tools that match the query better than the last read-only
 * result shown (any, if the results are not full), which the model would otherwise never hear
 * of: a question about an ARP table finds only POST tools, in a write-only category. */
static void note_write_matches(mm_registry *reg, const char *query, double last_score, int full,
                               cJSON *sc, char **text, size_t *used, size_t *cap)
{
    mm_search_hit hits[SEARCH_DEFAULT];
    size_t n = mm_tool_search(&mm_generated_catalog, query, 1, has_plugin, reg, hits,
                              SEARCH_DEFAULT),
           shown = 0;
    cJSON *names = NULL;
    for (size_t i = 0; i < n && shown < WRITE_NOTE_MAX; i++) {
        if (hits[i].tool->read_only || (full && hits[i].score <= last_score))
            continue;
        if (!names) {
            names = cJSON_AddArrayToObject(sc, "writeToolsNotShown");
            mm_appendf(text, used, cap,
                       "Write tools also match, but this server is read-only; an operator "
                       "allows them by starting it with " MM_WRITE_TOOLS_HINT ":");
        }
        const mm_catalog_category *c = hits[i].category;
        mm_appendf(text, used, cap, "%s %s [%s%s]", shown ? "," : "", hits[i].tool->name, c->name,
                   c->read_only_count ? "" : ", write-only category");
        cJSON_AddItemToArray(names, cJSON_CreateString(hits[i].tool->name));
        shown++;
    }
    if (names)
        mm_appendf(text, used, cap, ".\n");
}

cJSON *mm_builtin_search(mm_call_ctx *ctx, cJSON *args)
{
    static const char *const known[] = {"query", "limit", NULL};
    const char *bad = unknown_arg(args, known);
    const char *query = string_arg(args, "query");
    const cJSON *limit = cJSON_GetObjectItemCaseSensitive(args, "limit");
    char why[300];
    cJSON *res = NULL;
    if (bad)
        snprintf(why, sizeof why, "unknown argument '%.100s'; expected query and limit", bad);
    else if (!query)
        snprintf(why, sizeof why, "query (a string of keywords) is required");
    else if (limit &&
             (!cJSON_IsNumber(limit) || limit->valuedouble < 1 || limit->valuedouble > SEARCH_MAX))
        snprintf(why, sizeof why, "limit must be an integer from 1 to %d", SEARCH_MAX);
    else
        why[0] = '\0';
    if (why[0]) {
        cJSON_Delete(args);
        return invalid("searchMistTools", why);
    }
    size_t max = limit ? (size_t)limit->valuedouble : SEARCH_DEFAULT;
    mm_search_hit hits[SEARCH_MAX];
    mm_session *s = ctx->session;
    size_t n = mm_tool_search(&mm_generated_catalog, query, s->write_tools, has_plugin,
                              s->srv->registry, hits, max);
    size_t cap = 0, used = 0;
    char *text = NULL;
    cJSON *sc = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(sc, "results");
    if (n)
        mm_appendf(&text, &used, &cap, "Tools for \"%.200s\", best first:\n", query);
    else
        mm_appendf(&text, &used, &cap,
                   "No tool matches \"%.200s\". Try other words (device, client, wlan, site, "
                   "stats, events, alarms).",
                   query);
    for (size_t i = 0; i < n; i++) {
        const mm_catalog_category *c = hits[i].category;
        int on = category_enabled(s, c->name);
        mm_appendf(&text, &used, &cap, "%zu. %s [%s%s; %s%s] %.160s\n", i + 1, hits[i].tool->name,
                   c->name, c->read_only_count ? "" : ", write-only category",
                   hits[i].tool->read_only ? "read-only" : "write", on ? "; enabled" : "",
                   hits[i].tool->summary);
        cJSON *h = cJSON_CreateObject();
        cJSON_AddStringToObject(h, "name", hits[i].tool->name);
        cJSON_AddStringToObject(h, "category", c->name);
        cJSON_AddStringToObject(h, "summary", hits[i].tool->summary);
        cJSON_AddBoolToObject(h, "readOnly", hits[i].tool->read_only);
        cJSON_AddBoolToObject(h, "enabled", on);
        cJSON_AddNumberToObject(h, "categoryReadOnlyTools", c->read_only_count);
        cJSON_AddNumberToObject(h, "categoryWriteTools", c->tool_count - c->read_only_count);
        cJSON_AddItemToArray(list, h);
    }
    if (!s->write_tools)
        note_write_matches(s->srv->registry, query, n ? hits[n - 1].score : 0, n == max, sc, &text,
                           &used, &cap);
    if (n && s->modern) /* no categories to enable: the dispatchers reach every tool */
        mm_appendf(&text, &used, &cap,
                   "Next: describeMistTool shows a tool's arguments; callMistTool runs a "
                   "read-only one%s.",
                   s->write_tools ? " and callMistWriteTool a write one" : "");
    else if (n)
        mm_appendf(&text, &used, &cap,
                   "Next: describeMistTool shows a tool's arguments; callMistTool runs a "
                   "read-only one%s; pass enable_category: true if its category is not enabled, "
                   "or enable the category with manageMcpTools.",
                   s->write_tools ? " and callMistWriteTool a write one" : "");
    cJSON_Delete(args);
    res = mm_result_text(text, 0);
    free(text);
    cJSON_AddItemToObject(res, "structuredContent", sc);
    return res;
}

static const char *type_name(unsigned t)
{
    static const char *const names[] = {"any",     "string", "integer", "number",
                                        "boolean", "array",  "object"};
    return t < sizeof names / sizeof names[0] ? names[t] : "any";
}

/* The describe answer for tool t of category cat. */
/* Bytes of body schema one describe answer carries at most (it goes out twice, as text and
 * as structuredContent, under the default 100 KB result limit). */
#define DESCRIBE_BODY_MAX 32768

/* The describe answer for tool t of category cat; path: the body field to show ("" the whole
 * body). NULL with a message in err if the path names no field. */
static cJSON *describe(const mistmcp_tool *t, const char *category, const cJSON *schema,
                       int visible, const char *path, char *err, size_t err_size)
{
    cJSON *body = t->full_schema ? cJSON_Parse(t->full_schema) : NULL;
    const cJSON *at = body;
    if (*path) {
        char *why = NULL;
        at = body ? mm_body_schema_at(body, path, &why) : NULL;
        if (!at) {
            snprintf(err, err_size, "%s%s%s", body ? "" : t->name,
                     body ? "" : " has no request body, so no path", why ? why : "");
            free(why);
            cJSON_Delete(body);
            return NULL;
        }
    }
    static const char *const methods[] = {"?", "GET", "POST", "PUT", "DELETE", "PATCH"};
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "name", t->name);
    cJSON_AddStringToObject(d, "category", category);
    if (t->kind == MISTMCP_TOOL_DECLARATIVE) {
        cJSON_AddStringToObject(d, "method", methods[t->method < 6 ? t->method : 0]);
        cJSON_AddStringToObject(d, "path", t->path);
    }
    cJSON_AddBoolToObject(d, "readOnly", (t->annotations & MISTMCP_ANN_READ_ONLY) != 0);
    cJSON_AddBoolToObject(d, "callable", visible);
    cJSON_AddStringToObject(d, "description", t->description);
    cJSON *params = cJSON_AddArrayToObject(d, "parameters");
    for (unsigned i = 0; i < t->param_count; i++) {
        const mistmcp_param *p = &t->params[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", p->name);
        cJSON_AddStringToObject(o, "in", p->location == MISTMCP_PARAM_PATH ? "path" : "query");
        cJSON_AddStringToObject(o, "type", type_name(p->type));
        cJSON_AddBoolToObject(o, "required", p->required);
        cJSON_AddItemToArray(params, o);
    }
    cJSON *input = schema ? cJSON_Duplicate(schema, 1) : cJSON_Parse(t->input_schema);
    cJSON *props = cJSON_GetObjectItemCaseSensitive(input, "properties");
    if (mm_write_tool(t) && cJSON_IsObject(props)) {
        /* The write gate's two arguments (mcp/write_gate.h): every write tool takes them; the
         * listing leaves them out (30 bytes a tool would pass the tools/list budget). */
        cJSON *dry = cJSON_AddObjectToObject(props, "dry_run");
        cJSON_AddStringToObject(dry, "type", "boolean");
        cJSON_AddStringToObject(dry, "description",
                                "true: answer a preview of the change and send nothing.");
        cJSON *confirm = cJSON_AddObjectToObject(props, "confirm");
        cJSON_AddStringToObject(confirm, "type", "string");
        cJSON_AddStringToObject(confirm, "description",
                                "The one-time token the preview of this same call gave: sends "
                                "it. Only once the user agreed to the preview.");
    }
    if (cJSON_IsObject(props)) /* fields, format, max_items: left out of the listing too */
        mm_read_args_describe(input, t);
    cJSON_AddItemToObject(d, "inputSchema", input);
    if (at) { /* complete, not the listing's digest, unless too big: then by depth */
        int kept = 0;
        cJSON *shown = mm_body_schema_pruned(at, path, DESCRIBE_BODY_MAX, &kept);
        if (*path)
            cJSON_AddStringToObject(d, "bodyPath", path);
        cJSON_AddItemToObject(d, "bodySchema", shown);
        if (kept)
            cJSON_AddNumberToObject(d, "bodySchemaDepth", kept);
    }
    cJSON_Delete(body);
    return d;
}

cJSON *mm_builtin_describe(mm_call_ctx *ctx, cJSON *args)
{
    static const char *const known[] = {"name", "path", NULL};
    const char *bad = unknown_arg(args, known);
    const char *name = string_arg(args, "name");
    const cJSON *pv = cJSON_GetObjectItemCaseSensitive(args, "path");
    if (bad || !name || (pv && !cJSON_IsString(pv))) {
        cJSON *r = invalid("describeMistTool", bad     ? "unknown argument; expected name, path"
                                               : !name ? "name (a tool name) is required"
                                                       : "path must be a string like "
                                                         "\"radius_config.auth_servers\"");
        cJSON_Delete(args);
        return r;
    }
    const char *path = pv ? pv->valuestring : "";
    mm_session *s = ctx->session;
    mm_registry *reg = s->srv->registry;
    long at = mm_registry_catalog_tool(reg, name);
    cJSON *d = NULL;
    char err[4096] = ""; /* a wrong path lists the fields there: a site's settings has 95 */
    const mm_builtin *b = mm_builtin_find(name);
    if (b) { /* getSelf is reached through callMistTool too; the others are listed */
        d = describe(&b->tool, "built-in", NULL, mm_builtin_visible(b, s), path, err, sizeof err);
    } else if (at >= 0) { /* its plugin holds the full schemas: loaded for this answer if need be */
        mm_category *cat = mm_registry_at(reg, (size_t)at);
        mm_plugin_view v;
        if (mm_registry_acquire(reg, cat, &v, err, sizeof err) == 0) {
            for (size_t k = 0; k < v.tool_count && !d; k++)
                if (strcmp(v.tools[k].name, name) == 0)
                    d = describe(&v.tools[k], mm_category_name(cat), v.schemas[k],
                                 mm_session_tool_visible(s, &v.tools[k]), path, err, sizeof err);
            mm_registry_release(reg, cat);
        }
    } else {
        mm_category *cat = NULL;
        const cJSON *schema = NULL;
        const mistmcp_tool *t = mm_session_find_tool(s, name, &cat, &schema);
        if (t) {
            d = describe(t, mm_category_name(cat), schema, 1, path, err, sizeof err);
            mm_registry_release(reg, cat);
        }
    }
    if (!d) {
        char text[sizeof err + 100];
        if (err[0]) {
            snprintf(text, sizeof text, "Cannot describe it: %s", err);
        } else { /* name is in args: deleted below */
            mm_protocol_unknown_tool(s, name, text, 500);
            snprintf(text + strlen(text), sizeof text - strlen(text),
                     ". No Mist tool has that name; searchMistTools finds tools by keywords.");
        }
        cJSON_Delete(args);
        return mm_result_text(text, 1);
    }
    cJSON_Delete(args);
    char *json = cJSON_PrintUnformatted(d);
    cJSON *res = mm_result_text(json, 0);
    free(json);
    cJSON_AddItemToObject(res, "structuredContent", d);
    return res;
}

static int catalog_tool_cmp(const void *key, const void *tool)
{
    return strcmp(key, ((const mm_catalog_tool *)tool)->name);
}

/* 1 if the catalog knows `name` as a read-only tool, 0 if as a write tool, -1 if it does not
 * know it (a third-party plugin's tool: its annotations decide once it is found). One hash
 * lookup and a binary search in the category: this runs on every dispatched call. */
static int catalog_read_only(mm_registry *reg, const char *name, int *method)
{
    long at = mm_registry_catalog_tool(reg, name);
    const mm_catalog_category *c =
        at >= 0 ? mm_category_catalog(mm_registry_at(reg, (size_t)at)) : NULL;
    const mm_catalog_tool *t =
        c ? bsearch(name, c->tools, c->tool_count, sizeof *c->tools, catalog_tool_cmp) : NULL;
    *method = t ? t->method : 0;
    return t ? t->read_only : -1;
}

/* Why the dispatcher `self` does not run a tool whose read-only flag is read_only, or NULL
 * when it does. Reads and writes go through different tools so that a host's confirmation
 * prompt asks for exactly the writes (callMistTool is read-only, callMistWriteTool
 * destructive). */
static const char *wrong_dispatcher(int write, int read_only, int method, int writes_allowed)
{
    if (!write && !read_only && method == MISTMCP_HTTP_POST)
        return writes_allowed ? "it is a write tool (a POST; some POSTs, such as the show "
                                "commands, only read, but Mist does not say which): run it with "
                                "callMistWriteTool"
                              : "it is a write tool (a POST; some, such as the show commands, "
                                "only read, but Mist does not say which), and this server is "
                                "read-only (started without --enable-write-tools)";
    if (!write && !read_only)
        return writes_allowed ? "it is a write tool: run it with callMistWriteTool"
                              : "it is a write tool, and this server is read-only (started "
                                "without --enable-write-tools)";
    if (write && read_only)
        return "it only reads: run it with callMistTool";
    return NULL;
}

/* callMistTool (write 0) and callMistWriteTool (write 1). */
static cJSON *dispatch(mm_call_ctx *ctx, cJSON *args, int write)
{
    const char *self = write ? "callMistWriteTool" : "callMistTool";
    static const char *const known[] = {"name", "arguments", "enable_category", NULL};
    const char *bad = unknown_arg(args, known);
    const char *name = string_arg(args, "name");
    const cJSON *targs = cJSON_GetObjectItemCaseSensitive(args, "arguments");
    const cJSON *enable = cJSON_GetObjectItemCaseSensitive(args, "enable_category");
    const char *why = bad     ? "unknown argument; expected name, arguments, enable_category"
                      : !name ? "name (the tool to run) is required"
                      : targs && !cJSON_IsObject(targs) && !cJSON_IsNull(targs)
                          ? "arguments must be an object"
                      : enable && !cJSON_IsBool(enable) ? "enable_category must be true or false"
                                                        : NULL;
    const mm_builtin *b = name && !why ? mm_builtin_find(name) : NULL;
    if (b && strcmp(b->tool.name, "getSelf") != 0)
        why = "the discovery and management tools are called directly, not through a "
              "dispatcher";
    mm_session *s = ctx->session;
    int method = 0;
    int ro = b ? 1 : name && !why ? catalog_read_only(s->srv->registry, name, &method) : -1;
    if (!why && ro >= 0)
        why = wrong_dispatcher(write, ro, method, s->write_tools);
    char text[700];
    if (why) {
        snprintf(text, sizeof text, "%s%s%s", name && ro >= 0 ? name : "",
                 name && ro >= 0 ? ": " : "", why);
        cJSON_Delete(args);
        return invalid(self, text);
    }
    if (b) { /* getSelf is a Mist call like any other: a host that lists only us reaches it */
        cJSON *copy = cJSON_IsObject(targs) ? cJSON_Duplicate(targs, 1) : NULL;
        cJSON_Delete(args);
        mm_call_ctx sub = *ctx;
        return mm_builtin_run(b, &sub, copy);
    }
    mm_registry *reg = s->srv->registry;
    long at = mm_registry_catalog_tool(reg, name);
    if (at >= 0 && s->modern) { /* no category to enable: the tool is run where it lives */
        mm_category *cat = NULL;
        mm_call_ctx sub = *ctx;
        sub.tool = mm_session_find_tool_at(s, (size_t)at, name, &cat, &sub.schema);
        if (sub.tool &&
            !wrong_dispatcher(write, (sub.tool->annotations & MISTMCP_ANN_READ_ONLY) != 0,
                              sub.tool->kind == MISTMCP_TOOL_DECLARATIVE ? sub.tool->method : 0,
                              s->write_tools)) {
            cJSON *copy = cJSON_IsObject(targs) ? cJSON_Duplicate(targs, 1) : NULL;
            cJSON_Delete(args);
            cJSON *res = mm_tool_execute(&sub, copy);
            mm_registry_release(reg, cat);
            return res;
        }
        if (sub.tool)
            mm_registry_release(reg, cat); /* refused below, as in the legacy era */
    }
    if (at >= 0 && cJSON_IsTrue(enable) && !s->modern) {
        char err[512];
        int rc = mm_session_enable(s, (size_t)at, err, sizeof err);
        if (rc < 0) {
            snprintf(text, sizeof text, "Cannot enable category %s: %s",
                     mm_category_name(mm_registry_at(reg, (size_t)at)), err);
            cJSON_Delete(args);
            return mm_result_text(text, 1);
        }
        if (rc > 0) {
            mm_session_notify(s, ctx->request, "notifications/tools/list_changed", NULL);
            if (s->srv->metrics)
                mm_metrics_list_changed(s->srv->metrics);
        }
    }
    mm_category *cat = NULL;
    mm_call_ctx sub = *ctx;
    sub.tool = mm_session_find_tool(s, name, &cat, &sub.schema);
    if (!sub.tool) {
        mm_protocol_unknown_tool(s, name, text, sizeof text);
        if (at >= 0 && !cJSON_IsTrue(enable) && strstr(text, "not enabled"))
            snprintf(text + strlen(text), sizeof text - strlen(text),
                     ", or call %s again with enable_category: true", self);
        cJSON_Delete(args);
        return mm_result_text(text, 1);
    }
    why = wrong_dispatcher(write, (sub.tool->annotations & MISTMCP_ANN_READ_ONLY) != 0,
                           sub.tool->kind == MISTMCP_TOOL_DECLARATIVE ? sub.tool->method : 0,
                           s->write_tools);
    if (why) { /* a plugin tool the catalog does not know */
        mm_registry_release(reg, cat);
        snprintf(text, sizeof text, "%s: %s", name, why);
        cJSON_Delete(args);
        return invalid(self, text);
    }
    cJSON *copy = targs && cJSON_IsObject(targs) ? cJSON_Duplicate(targs, 1) : NULL;
    cJSON_Delete(args);
    cJSON *res = mm_tool_execute(&sub, copy); /* the same checks and limits as a direct call */
    mm_registry_release(reg, cat);
    return res;
}

cJSON *mm_builtin_call(mm_call_ctx *ctx, cJSON *args)
{
    return dispatch(ctx, args, 0);
}

cJSON *mm_builtin_call_write(mm_call_ctx *ctx, cJSON *args)
{
    return dispatch(ctx, args, 1);
}

const char *mm_builtin_route(mm_session *s, const char *name)
{
    mm_registry *reg = s->srv->registry;
    mm_category *cat = NULL;
    if (mm_builtin_find(name)) /* the dispatchers run no built-in but getSelf */
        return NULL;
    if (mm_session_find_tool(s, name, &cat, NULL)) {
        mm_registry_release(reg, cat);
        return NULL;
    }
    const mm_builtin *call = mm_builtin_find("callMistTool");
    int method = 0;
    int read_only = catalog_read_only(reg, name, &method);
    if (!call || !mm_builtin_visible(call, s) || read_only < 0)
        return NULL;
    return read_only == 0 && s->write_tools ? "callMistWriteTool" : "callMistTool";
}
