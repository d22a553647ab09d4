#define _POSIX_C_SOURCE 200809L
#include "builtin_tools.h"

#include "result_shape.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Built once at start-up, read-only afterwards: the one piece of process state here. */
static mm_builtin builtins[2];
static char *manage_schema;

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
            int rc = mm_session_enable(s, index, err, sizeof err);
            if (rc < 0)
                cJSON_AddStringToObject(failed, list->items[i], err);
            changed |= rc > 0;
        }
    }
    mm_strlist_free(&on);
    mm_strlist_free(&off);

    /* What is enabled now, with the tools this session sees. */
    cJSON *enabled = cJSON_AddObjectToObject(sc, "enabled");
    size_t cap = 4096, used = 0;
    char *text = mm_xmalloc(cap);
    text[0] = '\0';
    for (size_t i = 0; i < mm_registry_count(reg); i++) {
        pthread_mutex_lock(&s->lock);
        int is_on = s->enabled[i];
        pthread_mutex_unlock(&s->lock);
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
    used += (size_t)snprintf(text + used, cap - used, "%s",
                             cJSON_GetArraySize(enabled) ? "Enabled categories and their tools: "
                                                         : "No category is enabled.");
    if (cJSON_GetArraySize(enabled)) {
        size_t need = used + strlen(listing) + 1;
        if (need > cap)
            text = mm_xrealloc(text, cap = need * 2);
        used += (size_t)snprintf(text + used, cap - used, "%s", listing);
    }
    free(listing);
    char *extra = NULL;
    if (cJSON_GetArraySize(unknown) || cJSON_GetArraySize(failed)) {
        char *u = cJSON_PrintUnformatted(unknown), *f = cJSON_PrintUnformatted(failed);
        size_t n = strlen(u) + strlen(f) + 200;
        extra = mm_xmalloc(n);
        snprintf(extra, n, "%s%s%s%s", cJSON_GetArraySize(unknown) ? " Unknown categories: " : "",
                 cJSON_GetArraySize(unknown) ? u : "",
                 cJSON_GetArraySize(failed) ? " Could not load: " : "",
                 cJSON_GetArraySize(failed) ? f : "");
        free(u);
        free(f);
        if (used + strlen(extra) + 1 > cap)
            text = mm_xrealloc(text, cap = (used + strlen(extra) + 1) * 2);
        used += (size_t)snprintf(text + used, cap - used, "%s", extra);
        free(extra);
    }
    if (changed)
        snprintf(text + used, cap - used, "%s",
                 " The tool list changed; if your client does not refresh it, ask it to.");
    int failed_any = cJSON_GetArraySize(failed) > 0;
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

void mm_builtins_init(mm_registry *reg)
{
    cJSON *schema = cJSON_CreateObject();
    cJSON_AddStringToObject(schema, "type", "object");
    cJSON *props = cJSON_AddObjectToObject(schema, "properties");
    static const char *const args[] = {"enable_mcp_tools_categories",
                                       "disable_mcp_tools_categories"};
    for (int i = 0; i < 2; i++) {
        cJSON *p = cJSON_AddObjectToObject(props, args[i]);
        cJSON_AddStringToObject(p, "type", "array");
        cJSON *items = cJSON_AddObjectToObject(p, "items");
        cJSON_AddStringToObject(items, "type", "string");
        cJSON *en = cJSON_AddArrayToObject(items, "enum");
        for (size_t k = 0; k < mm_registry_count(reg); k++)
            cJSON_AddItemToArray(en, cJSON_CreateString(mm_category_name(mm_registry_at(reg, k))));
    }
    manage_schema = cJSON_PrintUnformatted(schema);
    cJSON_Delete(schema);
    builtins[0] = (mm_builtin){
        .tool = {.name = "getSelf",
                 .description = "Who the API token belongs to: the user, and the orgs and sites it "
                                "can reach with its privileges. Call it first to learn org_id "
                                "and site_id values.",
                 .input_schema = "{\"type\":\"object\",\"properties\":{}}",
                 .annotations = MISTMCP_ANN_READ_ONLY | MISTMCP_ANN_IDEMPOTENT,
                 .kind = MISTMCP_TOOL_CUSTOM},
        .run = run_get_self};
    builtins[1] = (mm_builtin){
        .tool = {.name = "manageMcpTools",
                 .description = "Enable or disable Mist tool categories for this session (e.g. "
                                "orgs_devices, sites_stats___devices); their tools then appear "
                                "in the tool list. Answers which categories are enabled, with "
                                "their tools.",
                 .input_schema = manage_schema,
                 .annotations = MISTMCP_ANN_NOT_DESTRUCTIVE | MISTMCP_ANN_IDEMPOTENT |
                                MISTMCP_ANN_CLOSED_WORLD,
                 .kind = MISTMCP_TOOL_CUSTOM},
        .run = run_manage};
}

void mm_builtins_free(void)
{
    free(manage_schema);
    manage_schema = NULL;
}

size_t mm_builtin_count(void)
{
    return sizeof builtins / sizeof builtins[0];
}

const mm_builtin *mm_builtin_at(size_t index)
{
    return index < mm_builtin_count() ? &builtins[index] : NULL;
}

const mm_builtin *mm_builtin_find(const char *name)
{
    for (size_t i = 0; i < mm_builtin_count(); i++)
        if (builtins[i].tool.name && strcmp(builtins[i].tool.name, name) == 0)
            return &builtins[i];
    return NULL;
}
