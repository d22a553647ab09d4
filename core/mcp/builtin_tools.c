#define _POSIX_C_SOURCE 200809L
#include "mcp/builtin_tools.h"

#include "base/metrics.h"
#include "base/util.h"
#include "mcp/args_check.h"
#include "mist/result_shape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Built once at start-up, read-only afterwards: the one piece of process state here. */
static mm_builtin builtins[6];

static cJSON *run_get_self(mm_call_ctx *ctx, cJSON *args)
{
    if (cJSON_GetArraySize(args) > 0) {
        cJSON_Delete(args);
        return mm_result_text("Invalid arguments for getSelf: it takes no arguments.", 1);
    }
    cJSON_Delete(args);
    return mm_tool_mist_call(ctx, "GET", "/api/v1/self", NULL);
}

/* Category names from an array, a JSON-encoded array string or a comma-separated string
 * (real clients send all three). Returns -1 with a message if the value is none of those. */
static int names_of(const cJSON *v, const char *arg, mm_strlist *out, char *err, size_t err_size)
{
    if (!v || cJSON_IsNull(v))
        return 0;
    cJSON *parsed = NULL;
    if (cJSON_IsString(v)) {
        const char *s = v->valuestring;
        while (*s == ' ')
            s++;
        if (*s == '[') {
            parsed = cJSON_Parse(s);
            if (!cJSON_IsArray(parsed)) {
                cJSON_Delete(parsed);
                return mm_fail(err, err_size, "'%s' looks like JSON but is not a list", arg);
            }
            v = parsed;
        } else {
            mm_strlist_split(out, s, ',');
            return 0;
        }
    }
    if (!cJSON_IsArray(v))
        return mm_fail(err, err_size, "'%s' must be a list of category names", arg);
    const cJSON *it;
    cJSON_ArrayForEach(it, v)
    {
        if (!cJSON_IsString(it)) {
            cJSON_Delete(parsed);
            return mm_fail(err, err_size, "'%s' must hold category names (strings)", arg);
        }
        mm_strlist_split(out, it->valuestring, ',');
    }
    cJSON_Delete(parsed);
    return 0;
}

/* The tools category index brings to the session, each with its required arguments: a model
 * can go on with callMistTool even if its host never shows them. */
static void add_new_tools(mm_session *s, size_t index, cJSON *into)
{
    mm_registry *reg = s->srv->registry;
    mm_plugin_view v;
    if (mm_registry_acquire(reg, mm_registry_at(reg, index), &v, NULL, 0) != 0)
        return;
    for (size_t k = 0; k < v.tool_count; k++) {
        if (!mm_session_tool_visible(s, &v.tools[k]))
            continue;
        const cJSON *req = cJSON_GetObjectItemCaseSensitive(v.schemas[k], "required");
        cJSON_AddItemToObject(into, v.tools[k].name,
                              cJSON_IsArray(req) ? cJSON_Duplicate(req, 1) : cJSON_CreateArray());
    }
    mm_registry_release(reg, mm_registry_at(reg, index));
}

/* For an unknown category: the existing names spelt nearly the same or sharing most of its
 * words (the schema no longer lists all 195: the tool list would not fit a model's budget). */
static void suggest_categories(mm_registry *reg, const char *wrong, char **text, size_t *used,
                               size_t *cap)
{
    mm_suggest sg;
    mm_suggest_init(&sg, wrong, MM_SUGGEST_MAX);
    mm_registry_suggest_categories(reg, &sg);
    char list[400];
    if (mm_suggest_list(&sg, list, sizeof list))
        mm_appendf(text, used, cap, " For '%.60s' did you mean: %s.", wrong, list);
    else
        mm_appendf(text, used, cap,
                   " For '%.60s' no category is close; searchMistTools finds the category of a "
                   "tool.",
                   wrong);
}

/* "name(arg, arg), ..." of new_tools, appended to text. */
static void append_new_tools(char **text, size_t *used, size_t *cap, const cJSON *new_tools)
{
    const cJSON *t;
    int first = 1;
    cJSON_ArrayForEach(t, new_tools)
    {
        mm_appendf(text, used, cap, "%s%s(",
                   first ? " Now available (required arguments in brackets; call them directly "
                           "or through callMistTool): "
                         : ", ",
                   t->string);
        const cJSON *a;
        int first_arg = 1;
        cJSON_ArrayForEach(a, t)
        {
            if (cJSON_IsString(a))
                mm_appendf(text, used, cap, "%s%s", first_arg ? "" : ", ", a->valuestring);
            first_arg = 0;
        }
        mm_appendf(text, used, cap, ")");
        first = 0;
    }
    if (!first)
        mm_appendf(text, used, cap, ".");
}

/* Why the write-only categories asked for were not enabled, and how to allow them. */
static void append_write_only(mm_registry *reg, const cJSON *names, char **text, size_t *used,
                              size_t *cap)
{
    const cJSON *name;
    int first = 1;
    cJSON_ArrayForEach(name, names)
    {
        const mm_catalog_category *info =
            mm_category_catalog(mm_registry_find(reg, name->valuestring));
        mm_appendf(text, used, cap, "%s%s (%u write tools)",
                   first ? " Not enabled, having only write tools (POST, PUT, DELETE), while "
                           "this server is read-only: "
                         : ", ",
                   name->valuestring, info ? info->tool_count : 0);
        first = 0;
    }
    if (!first)
        mm_appendf(text, used, cap,
                   ". To use them, mistmcp must be started with " MM_WRITE_TOOLS_HINT
                   "; callMistWriteTool then runs them.");
}

static cJSON *run_manage(mm_call_ctx *ctx, cJSON *args)
{
    mm_session *s = ctx->session;
    mm_registry *reg = s->srv->registry;
    mm_strlist on = {0}, off = {0};
    char err[512];
    const cJSON *m;
    cJSON_ArrayForEach(m, args)
    {
        if (strcmp(m->string, "enable_mcp_tools_categories") != 0 &&
            strcmp(m->string, "disable_mcp_tools_categories") != 0) {
            snprintf(err, sizeof err,
                     "Invalid arguments for manageMcpTools: unknown argument '%s'; expected "
                     "enable_mcp_tools_categories and/or disable_mcp_tools_categories.",
                     m->string);
            cJSON_Delete(args);
            return mm_result_text(err, 1);
        }
    }
    if (names_of(cJSON_GetObjectItemCaseSensitive(args, "enable_mcp_tools_categories"),
                 "enable_mcp_tools_categories", &on, err, sizeof err) != 0 ||
        names_of(cJSON_GetObjectItemCaseSensitive(args, "disable_mcp_tools_categories"),
                 "disable_mcp_tools_categories", &off, err, sizeof err) != 0) {
        char text[600];
        snprintf(text, sizeof text, "Invalid arguments for manageMcpTools: %s.", err);
        mm_strlist_free(&on);
        mm_strlist_free(&off);
        cJSON_Delete(args);
        return mm_result_text(text, 1);
    }
    cJSON_Delete(args);
    cJSON *sc = cJSON_CreateObject();
    cJSON *unknown = cJSON_AddArrayToObject(sc, "unknown");
    cJSON *failed = cJSON_AddObjectToObject(sc, "failed");
    cJSON *write_only = cJSON_AddArrayToObject(sc, "write_only"); /* not enabled: see below */
    cJSON *new_tools = cJSON_AddObjectToObject(sc, "new_tools");
    int changed = 0;
    for (int pass = 0; pass < 2; pass++) {
        mm_strlist *list = pass ? &on : &off; /* disable first, then enable */
        for (size_t i = 0; i < list->count; i++) {
            mm_category *cat = mm_registry_find(reg, list->items[i]);
            if (!cat) {
                cJSON_AddItemToArray(unknown, cJSON_CreateString(list->items[i]));
                continue;
            }
            size_t index = mm_registry_index(reg, cat);
            if (!pass) {
                changed |= mm_session_disable(s, index) > 0;
                continue;
            }
            if (!s->write_tools && mm_category_write_only(cat)) {
                cJSON_AddItemToArray(write_only, cJSON_CreateString(list->items[i]));
                continue; /* enabled, it would show no tool and look like it worked */
            }
            int rc = mm_session_enable(s, index, err, sizeof err);
            if (rc < 0)
                cJSON_AddStringToObject(failed, list->items[i], err);
            if (rc > 0)
                add_new_tools(s, index, new_tools);
            changed |= rc > 0;
        }
    }
    mm_strlist_free(&on);
    mm_strlist_free(&off);

    /* What is enabled now, with the tools this session sees. */
    cJSON *enabled = cJSON_AddObjectToObject(sc, "enabled");
    size_t cap = 0, used = 0;
    char *text = NULL;
    for (size_t i = 0; i < mm_registry_count(reg); i++) {
        int is_on = mm_session_enabled(s, i);
        if (!is_on)
            continue;
        mm_category *cat = mm_registry_at(reg, i);
        mm_plugin_view v;
        if (mm_registry_acquire(reg, cat, &v, NULL, 0) != 0)
            continue;
        cJSON *names = cJSON_AddArrayToObject(enabled, mm_category_name(cat));
        for (size_t k = 0; k < v.tool_count; k++)
            if (mm_session_tool_visible(s, &v.tools[k]))
                cJSON_AddItemToArray(names, cJSON_CreateString(v.tools[k].name));
        mm_registry_release(reg, cat);
    }
    cJSON_AddBoolToObject(sc, "changed", changed);
    char *listing = cJSON_PrintUnformatted(enabled);
    if (cJSON_GetArraySize(enabled))
        mm_appendf(&text, &used, &cap, "Enabled categories and their tools: %s", listing);
    else
        mm_appendf(&text, &used, &cap, "No category is enabled.");
    free(listing);
    append_new_tools(&text, &used, &cap, new_tools);
    if (cJSON_GetArraySize(unknown) || cJSON_GetArraySize(failed)) {
        char *u = cJSON_PrintUnformatted(unknown), *f = cJSON_PrintUnformatted(failed);
        mm_appendf(&text, &used, &cap, "%s%s%s%s",
                   cJSON_GetArraySize(unknown) ? " Unknown categories: " : "",
                   cJSON_GetArraySize(unknown) ? u : "",
                   cJSON_GetArraySize(failed) ? " Could not load: " : "",
                   cJSON_GetArraySize(failed) ? f : "");
        free(u);
        free(f);
        const cJSON *name;
        int suggested = 0;
        cJSON_ArrayForEach(name, unknown)
        {
            if (suggested++ == 3)
                break; /* a few are enough; a long list of junk gets no more work */
            if (strlen(name->valuestring) <= 64)
                suggest_categories(reg, name->valuestring, &text, &used, &cap);
        }
    }
    append_write_only(reg, write_only, &text, &used, &cap);
    if (changed)
        mm_appendf(&text, &used, &cap,
                   " The tool list changed; if your client does not refresh it, ask it to.");
    int failed_any = cJSON_GetArraySize(failed) > 0 || cJSON_GetArraySize(write_only) > 0;
    cJSON *res = mm_result_text(text, failed_any);
    free(text);
    cJSON_AddItemToObject(res, "structuredContent", sc);
    if (changed) {
        mm_session_notify(s, ctx->request, "notifications/tools/list_changed", NULL);
        if (s->srv->metrics)
            mm_metrics_list_changed(s->srv->metrics);
    }
    return res;
}

#define ALL_MODES 0xfu
#define DISCOVERY_MODES ((1u << MM_MODE_MANAGED) | (1u << MM_MODE_CUSTOM) | (1u << MM_MODE_ALL))

/* The dispatchers' common arguments. */
#define DISPATCH_SCHEMA                                                                            \
    "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"description\":"          \
    "\"The tool to run, as searchMistTools names it.\"},\"arguments\":{\"type\":\"object\","       \
    "\"description\":\"Its arguments, as describeMistTool shows them.\"},\"enable_category\":"     \
    "{\"type\":\"boolean\",\"default\":false,\"description\":\"Enable the tool's category "        \
    "first if it is not.\"}},\"required\":[\"name\"]}"

void mm_builtins_init(mm_registry *reg)
{
    (void)reg;
    /* The discovery tools come first: a host that keeps only the first tools of a long list
     * (Cursor keeps 40) still reaches every tool through them. */
    builtins[0] = (mm_builtin){
        .tool = {.name = "searchMistTools",
                 .description = "Find Mist API tools for a task in plain words (e.g. \"APs that "
                                "are offline\", \"wireless clients of a site\"): the best "
                                "matches across all categories with their category, summary and "
                                "whether they only read.",
                 .input_schema = "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":"
                                 "\"string\",\"description\":\"Keywords or a question.\"},"
                                 "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":25,"
                                 "\"default\":8,\"description\":\"Most results.\"}},"
                                 "\"required\":[\"query\"]}",
                 .annotations =
                     MISTMCP_ANN_READ_ONLY | MISTMCP_ANN_IDEMPOTENT | MISTMCP_ANN_CLOSED_WORLD,
                 .kind = MISTMCP_TOOL_CUSTOM},
        .run = mm_builtin_search,
        .modes = DISCOVERY_MODES};
    builtins[1] = (mm_builtin){
        .tool = {.name = "describeMistTool",
                 .description = "One Mist tool in full: its HTTP operation, parameters and "
                                "complete input schema, including the request body of write "
                                "tools (a large body by depth: path shows any field in full). "
                                "Use it before callMistTool or callMistWriteTool.",
                 .input_schema = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":"
                                 "\"string\",\"description\":\"A tool name.\"},\"path\":{"
                                 "\"type\":\"string\",\"description\":\"A body field to show "
                                 "in full, e.g. radius_config.auth_servers.\"}},"
                                 "\"required\":[\"name\"]}",
                 .annotations =
                     MISTMCP_ANN_READ_ONLY | MISTMCP_ANN_IDEMPOTENT | MISTMCP_ANN_CLOSED_WORLD,
                 .kind = MISTMCP_TOOL_CUSTOM},
        .run = mm_builtin_describe,
        .modes = DISCOVERY_MODES};
    builtins[2] = (mm_builtin){
        .tool = {.name = "callMistTool",
                 .description = "Run any read-only Mist tool by name with its arguments, even "
                                "one your tool list does not show. Its category must be "
                                "enabled, or pass enable_category: true. Same checks and limits "
                                "as calling the tool directly. Write tools go through "
                                "callMistWriteTool.",
                 .input_schema = DISPATCH_SCHEMA,
                 .annotations = MISTMCP_ANN_READ_ONLY,
                 .kind = MISTMCP_TOOL_CUSTOM},
        .run = mm_builtin_call,
        .modes = DISCOVERY_MODES};
    builtins[3] = (mm_builtin){
        .tool = {.name = "callMistWriteTool",
                 .description = "Run a Mist write tool (create, update, delete, or an action "
                                "such as a restart) by name with its arguments. It changes the "
                                "network: check the arguments with describeMistTool first. "
                                "dry_run: true among the arguments previews the change and sends "
                                "nothing. Read-only tools go through callMistTool.",
                 .input_schema = DISPATCH_SCHEMA,
                 .annotations = 0, /* MCP's defaults: destructive, not idempotent, open world */
                 .kind = MISTMCP_TOOL_CUSTOM},
        .run = mm_builtin_call_write,
        .modes = DISCOVERY_MODES,
        .write = 1};
    builtins[4] = (mm_builtin){
        .tool = {.name = "getSelf",
                 .description = "Who the API token belongs to: the user, and the orgs and sites it "
                                "can reach with its privileges. Call it first to learn org_id "
                                "and site_id values.",
                 .input_schema = "{\"type\":\"object\",\"properties\":{}}",
                 .annotations = MISTMCP_ANN_READ_ONLY | MISTMCP_ANN_IDEMPOTENT,
                 .kind = MISTMCP_TOOL_CUSTOM},
        .run = run_get_self,
        .modes = ALL_MODES};
    builtins[5] = (mm_builtin){
        .tool = {.name = "manageMcpTools",
                 .description =
                     "Enable or disable Mist tool categories for this session (e.g. "
                     "orgs_devices, sites_stats___devices). Answers the newly available tools with "
                     "their required arguments.",
                 .input_schema = "{\"type\":\"object\",\"properties\":{"
                                 "\"enable_mcp_tools_categories\":{\"type\":\"array\","
                                 "\"items\":{\"type\":\"string\"},\"description\":\"Categories "
                                 "to enable.\"},"
                                 "\"disable_mcp_tools_categories\":{\"type\":\"array\","
                                 "\"items\":{\"type\":\"string\"},\"description\":\"Categories "
                                 "to disable.\"}}}",
                 .annotations = MISTMCP_ANN_NOT_DESTRUCTIVE | MISTMCP_ANN_IDEMPOTENT |
                                MISTMCP_ANN_CLOSED_WORLD,
                 .kind = MISTMCP_TOOL_CUSTOM},
        .run = run_manage,
        .modes = ALL_MODES};
}

void mm_builtins_free(void) {}

int mm_builtin_visible(const mm_builtin *b, const mm_session *s)
{
    if (b->write && !s->write_tools)
        return 0;
    /* The modern era (mcp/era.h): a tool list fixed by the settings, and every Mist tool
     * reached through the discovery tools, minimal mode included; manageMcpTools, which
     * changes a session's list, is not offered. */
    if (s->modern)
        return b->run != run_manage;
    return (b->modes >> s->mode) & 1u;
}

size_t mm_builtin_count(void)
{
    return sizeof builtins / sizeof builtins[0];
}

const mm_builtin *mm_builtin_at(size_t index)
{
    return index < mm_builtin_count() ? &builtins[index] : NULL;
}

cJSON *mm_builtin_run(const mm_builtin *b, mm_call_ctx *ctx, cJSON *args)
{
    ctx->tool = &b->tool;
    ctx->schema = NULL;
    if (!args)
        args = cJSON_CreateObject();
    mm_args_drop_nulls(args); /* null means absent */
    return b->run(ctx, args);
}

const mm_builtin *mm_builtin_find(const char *name)
{
    for (size_t i = 0; i < mm_builtin_count(); i++)
        if (builtins[i].tool.name && strcmp(builtins[i].tool.name, name) == 0)
            return &builtins[i];
    return NULL;
}
