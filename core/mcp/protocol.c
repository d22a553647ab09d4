#define _POSIX_C_SOURCE 200809L
#include "mcp/protocol.h"

#include "base/json_exact.h"
#include "base/metrics.h"
#include "base/util.h"
#include "mcp/builtin_tools.h"
#include "mcp/client_request.h"
#include "mcp/era.h"
#include "mcp/mrtr.h"
#include "mcp/prompts.h"
#include "mcp/tool_exec.h"
#include "mcp/write_gate.h"
#include "registry/tool_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOOLS_PAGE_SIZE 1000

static const char *const supported_versions[] = {"2025-11-25", "2025-06-18", "2025-03-26",
                                                 "2024-11-05"};

static const char *const log_levels[] = {"debug", "info",     "notice", "warning",
                                         "error", "critical", "alert",  "emergency"};

cJSON *mm_protocol_error(const cJSON *id, int code, const char *message)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "jsonrpc", "2.0");
    cJSON_AddItemToObject(r, "id", id ? cJSON_Duplicate(id, 1) : cJSON_CreateNull());
    cJSON *e = cJSON_AddObjectToObject(r, "error");
    cJSON_AddNumberToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    return r;
}

static cJSON *result(const cJSON *id, cJSON *value)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "jsonrpc", "2.0");
    cJSON_AddItemToObject(r, "id", cJSON_Duplicate(id, 1));
    cJSON_AddItemToObject(r, "result", value ? value : cJSON_CreateObject());
    return r;
}

/* The initialize answer's instructions for the model (MCP 2025-11-25 basic/lifecycle
 * "instructions"): how to start, how to reach tools, and, in all mode, that hosts which keep
 * only part of a long tool list still reach everything through the discovery tools. Returns a
 * new string (free). */
static char *instructions(const mm_session *s)
{
    char *text = NULL;
    size_t used = 0, cap = 0;
    mm_appendf(&text, &used, &cap, "Tools for the Juniper Mist cloud API. ");
    if (s->modern) { /* no manageMcpTools: the discovery tools reach everything */
        mm_appendf(&text, &used, &cap,
                   "1. getSelf gives the org_id and site_id values other tools need. "
                   "2. searchMistTools finds the tool for a task in plain words. "
                   "3. describeMistTool shows its full arguments. 4. callMistTool runs it%s. ",
                   s->write_tools ? " (a write tool: callMistWriteTool)" : "");
    } else if (s->mode == MM_MODE_MINIMAL) {
        mm_appendf(&text, &used, &cap,
                   "Start with getSelf: it gives the org_id and site_id values other tools need. "
                   "Tools are grouped in categories; enable the ones you need with "
                   "manageMcpTools (e.g. orgs_devices, sites_stats___devices), then call their "
                   "tools. ");
    } else {
        if (s->mode == MM_MODE_ALL)
            mm_appendf(&text, &used, &cap,
                       "Every %sMist tool is listed. Some hosts pass only the first tools of a "
                       "long list to the model (Cursor): if a tool you need is missing, use the "
                       "discovery tools, listed first. ",
                       s->write_tools ? "" : "read-only ");
        mm_appendf(&text, &used, &cap,
                   "1. getSelf gives the org_id and site_id values other tools need. "
                   "2. searchMistTools finds the tool for a task in plain words and names its "
                   "category. 3. Either enable that category with manageMcpTools and call the "
                   "tool, or run it at once with callMistTool (enable_category: true) - this works "
                   "even if your tool list does not refresh. describeMistTool shows a tool's full "
                   "arguments. ");
        if (s->write_tools)
            mm_appendf(&text, &used, &cap,
                       "callMistTool runs read-only tools only; a write tool you do not have in "
                       "your list runs through callMistWriteTool. ");
    }
    if (s->write_tools) /* issue 16: what a write does first */
        mm_appendf(&text, &used, &cap, "%s",
                   s->srv->cfg->write_confirmation == MM_CONFIRM_NONE
                       ? "Writes reach Mist at once; add dry_run: true to a write tool's "
                         "arguments to see what it would change without sending it. "
                       : "A write tool's first call sends nothing: it answers a preview of the "
                         "change and a one-time token. Show the preview to the user; only if "
                         "they agree, repeat the same call with confirm: <token> added to its "
                         "arguments. dry_run: true previews without a token. ");
    mm_appendf(&text, &used, &cap,
               "Results are Mist's JSON; large answers are cut with a note on how to page. "
               "Ask for less: every read tool also takes fields (dotted paths to keep in each "
               "item, e.g. [\"name\",\"mac\",\"status\"]; named select where the tool has a "
               "Mist fields parameter of its own) and format: \"table\" (tab-separated rows, "
               "the fewest tokens), and a paged one max_items (follows the pages up to that "
               "many items); describeMistTool shows them.");
    return text;
}

static cJSON *initialize(mm_session *s, const cJSON *id, const cJSON *params)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, "protocolVersion");
    const char *chosen = MM_PROTOCOL_LATEST;
    for (size_t i = 0; cJSON_IsString(v) && i < 4; i++)
        if (strcmp(v->valuestring, supported_versions[i]) == 0)
            chosen = supported_versions[i];
    pthread_mutex_lock(&s->lock);
    snprintf(s->protocol_version, sizeof s->protocol_version, "%s", chosen);
    pthread_mutex_unlock(&s->lock);
    const cJSON *ci = cJSON_GetObjectItemCaseSensitive(params, "clientInfo");
    const cJSON *cn = cJSON_GetObjectItemCaseSensitive(ci, "name");
    const cJSON *cv = cJSON_GetObjectItemCaseSensitive(ci, "version");
    mm_session_set_client(s, cJSON_IsString(cn) ? cn->valuestring : NULL,
                          cJSON_IsString(cv) ? cv->valuestring : NULL);
    /* client/elicitation: {} means form mode; {"url": {}} alone does not (2025-11-25) */
    const cJSON *caps_in = cJSON_GetObjectItemCaseSensitive(params, "capabilities");
    const cJSON *el = cJSON_GetObjectItemCaseSensitive(caps_in, "elicitation");
    int elicits =
        cJSON_IsObject(el) && (!el->child || cJSON_GetObjectItemCaseSensitive(el, "form"));
    pthread_mutex_lock(&s->lock);
    s->client_elicits = elicits;
    s->client_samples = cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(caps_in, "sampling"));
    s->client_roots = cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(caps_in, "roots"));
    pthread_mutex_unlock(&s->lock);
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "protocolVersion", chosen);
    cJSON *caps = cJSON_AddObjectToObject(r, "capabilities");
    cJSON_AddBoolToObject(cJSON_AddObjectToObject(caps, "tools"), "listChanged", 1);
    if (s->srv->prompts) { /* read at start, so they never change */
        cJSON_AddBoolToObject(cJSON_AddObjectToObject(caps, "prompts"), "listChanged", 0);
        cJSON_AddObjectToObject(caps, "completions"); /* of prompt arguments */
    }
    cJSON_AddObjectToObject(caps, "logging");
    cJSON *info = cJSON_AddObjectToObject(r, "serverInfo");
    cJSON_AddStringToObject(info, "name", "mistmcp");
    cJSON_AddStringToObject(info, "version", s->srv->version);
    char *text = instructions(s);
    cJSON_AddStringToObject(r, "instructions", text);
    free(text);
    return result(id, r);
}

/* Every tool the session sees as tools/list texts, in a fixed order: built-ins, then enabled
 * categories by name, each in its plugin's order. The plugins' texts are rendered once at
 * load; the listing holds the categories' references while it points into them. */
typedef struct listing {
    const char **texts;
    size_t count, cap;
    char **owned; /* the built-ins', rendered now */
    size_t owned_count;
    mm_category **held;
    size_t held_count;
} listing;

static void listing_add(listing *l, const char *text)
{
    if (l->count == l->cap)
        l->texts = mm_xrealloc(l->texts, (l->cap = l->cap ? l->cap * 2 : 64) * sizeof *l->texts);
    l->texts[l->count++] = text;
}

static void list_tools(mm_session *s, listing *l)
{
    size_t builtins = mm_builtin_count();
    l->owned = mm_xcalloc(builtins + 1, sizeof *l->owned);
    for (size_t i = 0; i < builtins; i++) {
        if (!mm_builtin_visible(mm_builtin_at(i), s))
            continue;
        cJSON *j = mm_tool_json(&mm_builtin_at(i)->tool);
        l->owned[l->owned_count] = cJSON_PrintUnformatted(j);
        cJSON_Delete(j);
        listing_add(l, l->owned[l->owned_count++]);
    }
    mm_registry *reg = s->srv->registry;
    size_t n = mm_registry_count(reg);
    l->held = mm_xcalloc(n + 1, sizeof *l->held);
    for (size_t i = 0; i < n; i++) {
        int on = mm_session_enabled(s, i);
        mm_plugin_view v;
        if (!on || mm_registry_acquire(reg, mm_registry_at(reg, i), &v, NULL, 0) != 0)
            continue;
        l->held[l->held_count++] = mm_registry_at(reg, i);
        for (size_t k = 0; k < v.tool_count; k++)
            if (mm_session_tool_visible(s, &v.tools[k]))
                listing_add(l, v.texts[k]);
    }
}

static void listing_free(mm_session *s, listing *l)
{
    for (size_t i = 0; i < l->held_count; i++)
        mm_registry_release(s->srv->registry, l->held[i]);
    for (size_t i = 0; i < l->owned_count; i++)
        free(l->owned[i]);
    free(l->owned);
    free(l->held);
    free(l->texts);
}

/* "[t1,t2,...]" of texts [from, to). */
static char *join_page(const listing *l, size_t from, size_t to)
{
    size_t len = 3;
    for (size_t i = from; i < to; i++)
        len += strlen(l->texts[i]) + 1;
    char *out = mm_xmalloc(len), *p = out;
    *p++ = '[';
    for (size_t i = from; i < to; i++) {
        if (i > from)
            *p++ = ',';
        size_t n = strlen(l->texts[i]);
        memcpy(p, l->texts[i], n);
        p += n;
    }
    *p++ = ']';
    *p = '\0';
    return out;
}

static cJSON *tools_list(mm_session *s, const cJSON *id, const cJSON *params)
{
    const cJSON *cursor = cJSON_GetObjectItemCaseSensitive(params, "cursor");
    long start = 0;
    int bad_cursor = 0;
    if (cursor && !cJSON_IsNull(cursor)) {
        const char *c = cJSON_IsString(cursor) ? cursor->valuestring : "";
        char *end = NULL;
        errno = 0;
        bad_cursor = strncmp(c, "mm1:", 4) != 0 || c[4] < '0' || c[4] > '9';
        if (!bad_cursor) {
            start = strtol(c + 4, &end, 10);
            bad_cursor = errno != 0 || !end || *end || start < 0 || start > 1000000;
        }
    }
    listing l = {0};
    if (!bad_cursor)
        list_tools(s, &l);
    long total = (long)l.count;
    if (bad_cursor || start > total) {
        listing_free(s, &l);
        return mm_protocol_error(id, MM_INVALID_PARAMS,
                                 "invalid cursor: pass back the nextCursor of a previous "
                                 "tools/list answer");
    }
    long end = start + TOOLS_PAGE_SIZE < total ? start + TOOLS_PAGE_SIZE : total;
    char *page = join_page(&l, (size_t)start, (size_t)end);
    listing_free(s, &l);
    cJSON *r = cJSON_CreateObject();
    cJSON_AddRawToObject(r, "tools", page);
    free(page);
    if (end < total) {
        char next[32];
        snprintf(next, sizeof next, "mm1:%ld", end);
        cJSON_AddStringToObject(r, "nextCursor", next);
    }
    return result(id, r);
}

/* prompts/list and prompts/get (MCP "Prompts", 2025-11-25 and 2026-07-28): the server's
 * prompt set, the same for every session. */
static cJSON *prompts_list(mm_session *s, const cJSON *id, const cJSON *params)
{
    const char *why = NULL;
    cJSON *r =
        mm_prompts_list(s->srv->prompts, cJSON_GetObjectItemCaseSensitive(params, "cursor"), &why);
    return r ? result(id, r) : mm_protocol_error(id, MM_INVALID_PARAMS, why);
}

static cJSON *prompts_get(mm_session *s, const cJSON *id, const cJSON *params)
{
    char err[1200];
    cJSON *r = mm_prompts_get(s->srv->prompts, params, err, sizeof err);
    return r ? result(id, r) : mm_protocol_error(id, MM_INVALID_PARAMS, err);
}

/* completion/complete (MCP "Completion"): the values a prompt argument offers. */
static cJSON *complete(mm_session *s, const cJSON *id, const cJSON *params)
{
    char err[1200];
    cJSON *r = mm_prompts_complete(s->srv->prompts, params, err, sizeof err);
    return r ? result(id, r) : mm_protocol_error(id, MM_INVALID_PARAMS, err);
}

/* Where a tool the session does not show lives, for a helpful error; for a name no tool has,
 * the names spelt nearly the same or sharing its words. */
void mm_protocol_unknown_tool(mm_session *s, const char *name, char *out, size_t size)
{
    mm_registry *reg = s->srv->registry;
    long at = mm_registry_catalog_tool(reg, name);
    const mm_catalog_category *cat =
        at >= 0 ? mm_category_catalog(mm_registry_at(reg, (size_t)at)) : NULL;
    if (s->modern && strcmp(name, "manageMcpTools") == 0) {
        snprintf(out, size,
                 "Unknown tool: manageMcpTools is not offered to protocol %s clients, whose "
                 "tool list does not change; searchMistTools, describeMistTool and "
                 "callMistTool reach every Mist tool",
                 MM_ERA_MODERN_VERSION);
        return;
    }
    for (uint32_t k = 0; cat && k < cat->tool_count; k++) {
        if (strcmp(cat->tools[k].name, name) != 0)
            continue;
        if (!cat->tools[k].read_only && !s->write_tools)
            snprintf(out, size,
                     "Unknown tool: %s is a write tool (%s); mistmcp was started "
                     "read-only (--enable-write-tools exposes write tools)",
                     name, cat->name);
        else if (s->modern)
            snprintf(out, size,
                     "Unknown tool: %s (category %s) is not in this tool list; run it with %s "
                     "{\"name\": \"%s\", \"arguments\": {...}}",
                     name, cat->name,
                     cat->tools[k].read_only ? "callMistTool" : "callMistWriteTool", name);
        else
            snprintf(out, size,
                     "Unknown tool: %s is in category %s, which is not enabled; call "
                     "manageMcpTools with enable_mcp_tools_categories [\"%s\"]",
                     name, cat->name, cat->name);
        return;
    }
    mm_suggest sg;
    mm_suggest_init(&sg, name, 3);
    for (size_t i = 0; i < mm_builtin_count(); i++)
        if (mm_builtin_visible(mm_builtin_at(i), s))
            mm_suggest_consider(&sg, mm_builtin_at(i)->tool.name, i);
    mm_registry_suggest_tools(reg, &sg);
    char list[300];
    if (mm_suggest_list(&sg, list, sizeof list))
        snprintf(out, size, "Unknown tool: %.200s; did you mean: %s?", name, list);
    else
        snprintf(out, size, "Unknown tool: %.200s", name);
}

/* The request's progress token, or NULL. A token longer than 256 bytes gets no progress:
 * each notification repeats it, and a client could make them huge. */
static const cJSON *progress_token(const cJSON *params)
{
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(params, "_meta");
    const cJSON *token = cJSON_GetObjectItemCaseSensitive(meta, "progressToken");
    return (cJSON_IsString(token) && strlen(token->valuestring) <= 256) || cJSON_IsNumber(token)
               ? token
               : NULL;
}

/* tools/call. era: the modern request's _meta (then the call is a multi round-trip request,
 * mcp/mrtr.h), or NULL on the 2025 path. */
static cJSON *tools_call(mm_session *s, mm_mist_conn *conn, const cJSON *id, const cJSON *params,
                         mm_inflight *request, const mm_era_request *era)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(params, "name");
    const cJSON *args = cJSON_GetObjectItemCaseSensitive(params, "arguments");
    const char *bad = !cJSON_IsString(name)
                          ? "tools/call needs params.name (the tool name, a string)"
                      : (args && !cJSON_IsNull(args) && !cJSON_IsObject(args))
                          ? "tools/call params.arguments must be an object"
                          : NULL;
    if (bad)
        return mm_protocol_error(id, MM_INVALID_PARAMS, bad);
    mm_mrtr mrtr;
    if (era) {
        cJSON *refused = mm_mrtr_begin(&mrtr, s->srv->request_state, id, params, era->capabilities,
                                       mm_session_token(s));
        if (refused) {
            mm_mrtr_free(&mrtr);
            return refused;
        }
    }
    mm_call_ctx ctx = {.session = s,
                       .conn = conn,
                       .progress_token = progress_token(params),
                       .mrtr = era ? &mrtr : NULL};
    mm_inflight *own = request ? NULL : mm_session_begin_request(s, id);
    ctx.request = request ? request : own;
    /* a modern request's _meta logLevel; before the tool runs: nothing reads it concurrently */
    ctx.request->log_level = era ? mm_era_log_level(era->log_level) : MM_LOG_NONE;
    cJSON *args_copy = args && !cJSON_IsNull(args) ? cJSON_Duplicate(args, 1) : NULL;
    cJSON *res = NULL;
    const mm_builtin *b = mm_builtin_find(name->valuestring);
    if (b && !mm_builtin_visible(b, s))
        b = NULL; /* not in this mode: unknown */
    mm_category *cat = NULL;
    if (b) {
        res = mm_builtin_run(b, &ctx, args_copy);
    } else if ((ctx.tool = mm_session_find_tool(s, name->valuestring, &cat, &ctx.schema)) != NULL) {
        res = mm_tool_execute(&ctx, args_copy);
        mm_registry_release(s->srv->registry, cat);
    } else {
        cJSON_Delete(args_copy);
    }
    int cancelled = atomic_load(&ctx.request->cancelled);
    if (own)
        mm_session_end_request(s, own); /* a transport's entry is ended by mm_protocol_handle */
    if (cancelled) {                    /* the client said it no longer wants an answer */
        cJSON_Delete(res);
        if (era)
            mm_mrtr_free(&mrtr);
        return NULL;
    }
    if (ctx.tool && s->srv->metrics)
        mm_metrics_tool_call(s->srv->metrics,
                             cat ? mm_registry_index(s->srv->registry, cat)
                                 : mm_registry_count(s->srv->registry),
                             cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "isError")));
    if (!ctx.tool) {
        if (era)
            mm_mrtr_free(&mrtr);
        char msg[400];
        mm_protocol_unknown_tool(s, name->valuestring, msg, sizeof msg);
        return mm_protocol_error(id, MM_INVALID_PARAMS, msg);
    }
    if (!era)
        return result(id, res);
    cJSON *reply = mm_mrtr_end(&mrtr, id, res);
    mm_mrtr_free(&mrtr);
    return reply;
}

static cJSON *set_level(mm_session *s, const cJSON *id, const cJSON *params)
{
    const cJSON *level = cJSON_GetObjectItemCaseSensitive(params, "level");
    for (int i = 0; cJSON_IsString(level) && i < 8; i++)
        if (strcmp(level->valuestring, log_levels[i]) == 0) {
            pthread_mutex_lock(&s->lock);
            s->log_level = i;
            pthread_mutex_unlock(&s->lock);
            return result(id, NULL);
        }
    return mm_protocol_error(id, MM_INVALID_PARAMS,
                             "params.level must be one of debug, info, notice, warning, error, "
                             "critical, alert, emergency");
}

/* Request ids: a string, or an integer JSON can carry exactly (|id| < 2^53). */
static int valid_id(const cJSON *id)
{
    if (!id || cJSON_IsString(id))
        return 1;
    double d = id->valuedouble;
    /* Strictly inside +-2^53: beyond it a parsed double may already differ from what was sent. */
    return cJSON_IsNumber(id) && d > -9007199254740992.0 && d < 9007199254740992.0 &&
           d == (double)(long long)d;
}

static cJSON *dispatch(mm_session *s, mm_mist_conn *conn, const cJSON *msg, mm_inflight *request);

cJSON *mm_protocol_handle(mm_session *s, mm_mist_conn *conn, const cJSON *msg, mm_inflight *request)
{
    cJSON *reply = dispatch(s, conn, msg, request);
    if (request)
        mm_session_end_request(s, request);
    return reply;
}

const char *mm_protocol_method_hint(const char *method)
{
    static const char *const names[][2] = {{"call_tool", "tools/call"},
                                           {"callTool", "tools/call"},
                                           {"list_tools", "tools/list"},
                                           {"listTools", "tools/list"}};
    for (size_t i = 0; method && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(method, names[i][0]) == 0)
            return names[i][1];
    return NULL;
}

/* The message for a method that is not MCP's: with the MCP name when it is a known mistake. */
static void not_mcp(char *buf, size_t size, const char *what, const char *method)
{
    const char *mcp = mm_protocol_method_hint(method);
    if (mcp)
        snprintf(buf, size,
                 "%s: '%s' is not an MCP method, the MCP one is %s (README: \"Try it with curl\")",
                 what, method, mcp);
    else
        snprintf(buf, size, "%s: %.200s", what, method);
}

/* server/discover (MCP 2026-07-28 server/discover): the versions, capabilities and
 * instructions; the identity is added with every modern result's. */
static cJSON *discover(mm_session *s, const cJSON *id)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToObject(r, "supportedVersions", mm_era_supported_json());
    cJSON *caps = cJSON_AddObjectToObject(r, "capabilities");
    cJSON_AddObjectToObject(caps, "tools"); /* no listChanged: the list is fixed */
    if (s->srv->prompts) {
        cJSON_AddObjectToObject(caps, "prompts");     /* read at start: they never change */
        cJSON_AddObjectToObject(caps, "completions"); /* of prompt arguments */
    }
    cJSON_AddObjectToObject(caps, "logging"); /* per request: _meta logLevel */
    char *text = instructions(s);
    cJSON_AddStringToObject(r, "instructions", text);
    free(text);
    mm_era_cacheable(r, MM_ERA_LIST_TTL_MS, "public");
    return result(id, r);
}

/* A message to a modern session (MCP 2026-07-28): each request checked on its own _meta
 * (mcp/era.c) and answered with no state kept; results stamped with resultType and the
 * server's identity (basic/versioning, server/discover, server/tools). */
static cJSON *modern(mm_session *s, mm_mist_conn *conn, const cJSON *msg, const char *m,
                     mm_inflight *request)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
    if (!id) { /* notifications: only cancellation means something here */
        const cJSON *rid = cJSON_GetObjectItemCaseSensitive(params, "requestId");
        if (strcmp(m, "notifications/cancelled") == 0 && rid)
            mm_session_cancel(s, rid);
        return NULL;
    }
    mm_era_request req;
    cJSON *reply = mm_era_check(msg, &req);
    if (reply)
        return reply;
    if (!mm_era_method_known(m)) {
        char text[400];
        if (mm_protocol_method_hint(m))
            not_mcp(text, sizeof text, "method not found", m);
        else if (strcmp(mm_era_method_missing(m), "method not found") == 0)
            snprintf(text, sizeof text, "method not found: %.200s", m);
        else
            snprintf(text, sizeof text, "%s", mm_era_method_missing(m));
        return mm_protocol_error(id, MM_METHOD_NOT_FOUND, text);
    }
    if (strcmp(m, "server/discover") == 0) {
        reply = discover(s, id);
    } else if (strcmp(m, "tools/list") == 0 || strcmp(m, "prompts/list") == 0) {
        reply = m[0] == 't' ? tools_list(s, id, params) : prompts_list(s, id, params);
        cJSON *r = cJSON_GetObjectItemCaseSensitive(reply, "result");
        if (r) /* the same for every caller of these settings: see MM_ERA_LIST_TTL_MS */
            mm_era_cacheable(r, MM_ERA_LIST_TTL_MS, "public");
    } else if (strcmp(m, "prompts/get") == 0) {
        reply = prompts_get(s, id, params);
    } else if (strcmp(m, "completion/complete") == 0) {
        reply = complete(s, id, params);
    } else if (strcmp(m, "tools/call") == 0) {
        reply = tools_call(s, conn, id, params, request, &req);
    } else { /* subscriptions/listen: its stream is the transport's (mcp/subscription.h) */
        return mm_protocol_error(id, MM_INTERNAL_ERROR,
                                 "subscriptions/listen is not available on this transport");
    }
    cJSON *r = cJSON_GetObjectItemCaseSensitive(reply, "result");
    if (cJSON_IsObject(r))
        mm_era_stamp_result(r, s->srv->version);
    return reply;
}

static cJSON *dispatch(mm_session *s, mm_mist_conn *conn, const cJSON *msg, mm_inflight *request)
{
    if (!cJSON_IsObject(msg))
        return mm_protocol_error(NULL, MM_INVALID_REQUEST, "a JSON-RPC message must be an object");
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
    const cJSON *method = cJSON_GetObjectItemCaseSensitive(msg, "method");
    const cJSON *jsonrpc = cJSON_GetObjectItemCaseSensitive(msg, "jsonrpc");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
    int id_ok = (!id || cJSON_IsString(id) || cJSON_IsNumber(id)) && valid_id(id);
    if (!cJSON_IsString(jsonrpc) || strcmp(jsonrpc->valuestring, "2.0") != 0 || !id_ok) {
        const char *name = cJSON_IsString(method) ? method->valuestring : NULL;
        const char *what =
            "not a JSON-RPC 2.0 message (\"jsonrpc\":\"2.0\", a string or integer id)";
        char text[400];
        if (mm_protocol_method_hint(name))
            not_mcp(text, sizeof text, what, name);
        else
            snprintf(text, sizeof text, "%s", what);
        return mm_protocol_error(id_ok ? id : NULL, MM_INVALID_REQUEST, text);
    }
    if (!method) {
        /* A reply from the client: to a request of ours (an elicitation), or dropped. */
        if (cJSON_GetObjectItemCaseSensitive(msg, "result") ||
            cJSON_GetObjectItemCaseSensitive(msg, "error")) {
            mm_client_requests *asks = mm_session_asks(s, 0);
            /* none: this process never asked anything; another replica may have */
            if ((!asks || !mm_client_requests_deliver(asks, msg)) && s->forward)
                s->forward(s->forward_ctx, s, msg);
            return NULL;
        }
        return mm_protocol_error(id, MM_INVALID_REQUEST, "the message has no method");
    }
    if (!cJSON_IsString(method))
        return mm_protocol_error(id, MM_INVALID_REQUEST, "method must be a string");
    if (params && !cJSON_IsObject(params) && !cJSON_IsNull(params))
        return id ? mm_protocol_error(id, MM_INVALID_PARAMS, "params must be an object") : NULL;
    const char *m = method->valuestring;
    if (s->modern)
        return modern(s, conn, msg, m, request);
    if (!id) { /* notifications */
        if (strcmp(m, "notifications/initialized") == 0) {
            pthread_mutex_lock(&s->lock);
            s->initialized = 1;
            pthread_mutex_unlock(&s->lock);
        } else if (strcmp(m, "notifications/cancelled") == 0) {
            const cJSON *rid = cJSON_GetObjectItemCaseSensitive(params, "requestId");
            if (rid && !mm_session_cancel(s, rid) && s->forward) /* another replica's call */
                s->forward(s->forward_ctx, s, msg);
        }
        return NULL; /* unknown notifications are ignored, as JSON-RPC says */
    }
    if (strcmp(m, "initialize") == 0)
        return initialize(s, id, params);
    if (strcmp(m, "ping") == 0)
        return result(id, NULL);
    if (strcmp(m, "tools/list") == 0)
        return tools_list(s, id, params);
    if (strcmp(m, "tools/call") == 0)
        return tools_call(s, conn, id, params, request, NULL);
    if (strcmp(m, "logging/setLevel") == 0)
        return set_level(s, id, params);
    if (s->srv->prompts && strcmp(m, "prompts/list") == 0)
        return prompts_list(s, id, params);
    if (s->srv->prompts && strcmp(m, "prompts/get") == 0)
        return prompts_get(s, id, params);
    if (s->srv->prompts && strcmp(m, "completion/complete") == 0)
        return complete(s, id, params);
    char msgbuf[400];
    not_mcp(msgbuf, sizeof msgbuf, "method not found", m);
    return mm_protocol_error(id, MM_METHOD_NOT_FOUND, msgbuf);
}

/* An error answer, with its id, for each request of batch from `from` on (notifications get
 * none) added to out; a new array when out is NULL. NULL if there is nothing to answer. */
static cJSON *errors_for(cJSON *out, const cJSON *from, int code, const char *message)
{
    if (!out)
        out = cJSON_CreateArray();
    for (const cJSON *m = from; m; m = m->next) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "id");
        if (id && (cJSON_IsString(id) || cJSON_IsNumber(id)))
            cJSON_AddItemToArray(out, mm_protocol_error(id, code, message));
    }
    if (cJSON_GetArraySize(out) == 0) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

cJSON *mm_protocol_handle_batch(mm_session *s, mm_mist_conn *conn, const cJSON *batch,
                                const atomic_int *abandoned)
{
    pthread_mutex_lock(&s->lock);
    int allowed = strcmp(s->protocol_version, "2025-03-26") == 0;
    pthread_mutex_unlock(&s->lock);
    if (!allowed)
        return mm_protocol_error(NULL, MM_INVALID_REQUEST,
                                 "JSON-RPC batches are only part of protocol version 2025-03-26");
    if (cJSON_GetArraySize(batch) == 0)
        return mm_protocol_error(NULL, MM_INVALID_REQUEST, "an empty batch");
    /* Bounds on the work and on the answer one message can ask for: 10,500 tools/list in all
     * mode once made an answer past 2 GiB. Each request gets its own error, with its id, so
     * that the client's pending requests end. */
    const mm_config *cfg = s->srv->cfg;
    size_t max = cfg && cfg->max_batch ? cfg->max_batch : 100;
    size_t budget = cfg && cfg->max_response_bytes ? cfg->max_response_bytes : 32u << 20;
    char text[200];
    if ((size_t)cJSON_GetArraySize(batch) > max) {
        snprintf(text, sizeof text,
                 "a batch of %d messages; at most %zu (--max-batch): send them in smaller "
                 "batches",
                 cJSON_GetArraySize(batch), max);
        return errors_for(NULL, batch->child, MM_INVALID_REQUEST, text);
    }
    cJSON *out = cJSON_CreateArray();
    size_t bytes = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, batch)
    {
        if (abandoned && atomic_load(abandoned)) { /* nobody will read the answer */
            cJSON_Delete(out);
            return NULL;
        }
        cJSON *r = mm_protocol_handle(s, conn, m, NULL);
        if (!r)
            continue;
        /* Printed once, here: its size counts, and the batch goes out as these texts. */
        char *printed = mm_json_take_text(r);
        bytes += printed ? strlen(printed) : budget + 1;
        if (bytes > budget) { /* this answer and the rest: an error each */
            free(printed);
            snprintf(text, sizeof text,
                     "the batch's answer passed %zu bytes (--max-response-bytes): send fewer "
                     "messages per batch",
                     budget);
            return errors_for(out, m, MM_INTERNAL_ERROR, text);
        }
        cJSON_AddItemToArray(out, cJSON_CreateRaw(printed));
        free(printed);
    }
    if (cJSON_GetArraySize(out) == 0) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

int mm_protocol_is_slow(const cJSON *msg)
{
    if (cJSON_IsArray(msg))
        return 1;
    const cJSON *method = cJSON_GetObjectItemCaseSensitive(msg, "method");
    return cJSON_IsString(method) && strcmp(method->valuestring, "tools/call") == 0;
}

int mm_protocol_may_notify(mm_session *s, const cJSON *msg)
{
    if (!cJSON_IsObject(msg) || !mm_protocol_is_slow(msg))
        return 0;
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(params, "name");
    if (!cJSON_IsString(name))
        return 0;
    /* Logs: a modern request asks for them in its own _meta, a legacy session once. */
    const cJSON *level = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(params, "_meta"), MM_META_LOG_LEVEL);
    if (progress_token(params) ||
        (s->modern ? cJSON_IsString(level)
                   : mm_session_client_wants_log(s, NULL, MISTMCP_LOG_DEBUG)))
        return 1;
    const mm_builtin *b = mm_builtin_find(name->valuestring);
    if (b && strcmp(b->tool.name, "callMistWriteTool") == 0 && mm_write_gate_elicits(s))
        return 1; /* the user is asked on the call's own stream */
    if (b)        /* the two that can announce list changes or run a tool that notifies */
        return mm_builtin_visible(b, s) && (strcmp(b->tool.name, "manageMcpTools") == 0 ||
                                            strcmp(b->tool.name, "callMistTool") == 0 ||
                                            strcmp(b->tool.name, "callMistWriteTool") == 0);
    mm_category *cat = NULL;
    const mistmcp_tool *t = mm_session_find_tool(s, name->valuestring, &cat, NULL);
    /* a custom handler may log; an elicited write asks the user on the call's stream */
    int notifies =
        t && (t->kind == MISTMCP_TOOL_CUSTOM || (mm_write_tool(t) && mm_write_gate_elicits(s)));
    if (cat)
        mm_registry_release(s->srv->registry, cat);
    return notifies;
}
