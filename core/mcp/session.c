#define _GNU_SOURCE /* explicit_bzero, getrandom */
#include "mcp/session.h"

#include "base/util.h"
#include "mcp/client_request.h"
#include "mcp/write_confirm.h"
#include "mist/client.h"

#include <sys/random.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const level_names[] = {"debug", "info",     "notice", "warning",
                                          "error", "critical", "alert",  "emergency"};

/* 1 if all mode enables category i at the start: every catalog category with a tool to show,
 * not a write-only one on a read-only server, nor one whose plugin is missing (start-up
 * warned about it). */
static int all_mode_has(const mm_server *srv, int write_tools, size_t i)
{
    const mm_category *cat = mm_registry_at(srv->registry, i);
    return mm_category_catalog(cat) && mm_category_present(cat) &&
           (write_tools || !mm_category_write_only(cat));
}

mm_session *mm_session_create(const mm_server *srv, mm_mode mode, const char *const *categories,
                              size_t category_count, const char *token, const char *org_id,
                              mm_send_fn send, void *send_ctx, char *err, size_t err_size)
{
    mm_session *s = mm_xcalloc(1, sizeof *s);
    s->srv = srv;
    pthread_mutex_init(&s->lock, NULL);
    s->mode = mode;
    s->write_tools = srv->cfg->enable_write_tools;
    s->enabled = mm_xcalloc(mm_registry_count(srv->registry) + 1, 1);
    s->token = token ? mm_xstrdup(token) : NULL;
    mm_strlist list = {0};
    if (token)
        mm_strlist_split(&list, token, ',');
    s->tokens = list.items;
    s->token_count = list.count;
    s->org_id = org_id ? mm_xstrdup(org_id) : NULL;
    s->log_level = MISTMCP_LOG_WARNING;
    s->send = send;
    s->send_ctx = send_ctx;
    size_t n = mm_registry_count(srv->registry);
    /* custom: the named categories, found by name (a binary search each: a 2026-07-28 HTTP
     * request makes a session per request) and enabled in the registry's order below */
    unsigned char *named = NULL;
    if (mode == MM_MODE_CUSTOM && category_count) {
        named = mm_xcalloc(n + 1, 1);
        for (size_t k = 0; k < category_count; k++) {
            const mm_category *cat = mm_registry_find(srv->registry, categories[k]);
            if (cat)
                named[mm_registry_index(srv->registry, cat)] = 1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        int wanted = mode == MM_MODE_ALL && all_mode_has(srv, s->write_tools, i);
        wanted |= named && named[i];
        if (wanted && mm_session_enable(s, i, err, err_size) < 0) {
            free(named);
            mm_session_destroy(&s);
            return NULL;
        }
    }
    free(named);
    return s;
}

mm_session *mm_session_create_own(const mm_server *srv, mm_send_fn send, void *send_ctx, char *err,
                                  size_t err_size)
{
    const mm_config *cfg = srv->cfg;
    size_t len = 1;
    for (size_t i = 0; i < cfg->tokens.count; i++)
        len += strlen(cfg->tokens.items[i]) + 1;
    char *tokens = mm_xcalloc(1, len); /* "a,b,c": the session rotates on 429 */
    for (size_t i = 0; i < cfg->tokens.count; i++) {
        if (i)
            strcat(tokens, ",");
        strcat(tokens, cfg->tokens.items[i]);
    }
    mm_session *s = mm_session_create(srv, cfg->mode, (const char *const *)cfg->categories.items,
                                      cfg->categories.count, *tokens ? tokens : NULL, cfg->org_id,
                                      send, send_ctx, err, err_size);
    explicit_bzero(tokens, len);
    free(tokens);
    return s;
}

void mm_session_destroy(mm_session **sp)
{
    mm_session *s = *sp;
    if (!s)
        return;
    for (size_t i = 0; i < mm_registry_count(s->srv->registry); i++)
        if (s->enabled[i])
            mm_registry_release(s->srv->registry, mm_registry_at(s->srv->registry, i));
    while (s->inflight) {
        mm_inflight *next = s->inflight->next;
        cJSON_Delete(s->inflight->id);
        free(s->inflight);
        s->inflight = next;
    }
    if (s->token)
        explicit_bzero(s->token, strlen(s->token));
    free(s->token);
    for (size_t i = 0; i < s->token_count; i++) {
        explicit_bzero(s->tokens[i], strlen(s->tokens[i]));
        free(s->tokens[i]);
    }
    free(s->tokens);
    free(s->org_id);
    free(s->enabled);
    free(s->client_name);
    free(s->client_version);
    mm_write_tokens_destroy(&s->write_tokens);
    mm_client_requests_destroy(&s->asks);
    mm_mist_client_destroy(&s->mist);
    if (s->on_destroy)
        s->on_destroy(s->send_ctx);
    pthread_mutex_destroy(&s->lock);
    free(s);
    *sp = NULL;
}

const char *mm_session_token(mm_session *s)
{
    return s->token_count ? s->tokens[atomic_load(&s->token_at) % s->token_count] : NULL;
}

int mm_session_rotate_token(mm_session *s, const char *used)
{
    if (s->token_count < 2)
        return 0;
    size_t at = atomic_load(&s->token_at);
    if (s->tokens[at % s->token_count] != used)
        return 1;                                              /* another call rotated already */
    atomic_compare_exchange_strong(&s->token_at, &at, at + 1); /* fails: another call did it */
    return 1;
}

static void send_to(mm_session *s, const mm_inflight *req, cJSON *msg)
{
    char *text = mm_json_wire_text(msg); /* too large: an error, not a crash */
    if (!text)
        return; /* a notification that could not be printed: dropped */
    if (req && req->send)
        req->send(req->send_ctx, text);
    else
        s->send(s->send_ctx, text);
    free(text);
}

void mm_session_send_on(mm_session *s, const mm_inflight *req, cJSON *msg)
{
    send_to(s, req, msg);
}

void mm_session_send(mm_session *s, cJSON *msg)
{
    send_to(s, NULL, msg);
}

void mm_session_notify(mm_session *s, const mm_inflight *req, const char *method, cJSON *params)
{
    cJSON *msg = cJSON_CreateObject();
    cJSON_AddStringToObject(msg, "jsonrpc", "2.0");
    cJSON_AddStringToObject(msg, "method", method);
    if (params)
        cJSON_AddItemToObject(msg, "params", params);
    send_to(s, req, msg);
}

void mm_session_log(mm_session *s, const mm_inflight *req, mistmcp_log_level level,
                    const char *text)
{
    int wanted = mm_session_client_wants_log(s, req, level);
    if (s->srv->cfg->debug || level >= MISTMCP_LOG_WARNING) /* on stderr */
        fprintf(stderr, "mistmcp: %s: %s\n", level_names[(unsigned)level < 8 ? level : 0], text);
    if (!wanted)
        return;
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "level", level_names[(unsigned)level < 8 ? level : 0]);
    cJSON_AddStringToObject(p, "logger", "mistmcp");
    cJSON_AddStringToObject(p, "data", text);
    mm_session_notify(s, req, "notifications/message", p);
}

int mm_session_client_wants_log(mm_session *s, const mm_inflight *req, mistmcp_log_level level)
{
    if (s->modern) /* request-scoped: only what this request asked for */
        return req && req->log_level != MM_LOG_NONE && (int)level >= req->log_level;
    pthread_mutex_lock(&s->lock);
    int wanted = s->initialized && (int)level >= s->log_level;
    pthread_mutex_unlock(&s->lock);
    return wanted;
}

int mm_session_wants_log(mm_session *s, const mm_inflight *req, mistmcp_log_level level)
{
    return mm_session_client_wants_log(s, req, level) || s->srv->cfg->debug ||
           level >= MISTMCP_LOG_WARNING;
}

int mm_session_enabled(mm_session *s, size_t index)
{
    pthread_mutex_lock(&s->lock);
    int on = s->enabled[index];
    pthread_mutex_unlock(&s->lock);
    return on;
}

int mm_session_enable(mm_session *s, size_t index, char *err, size_t err_size)
{
    mm_registry *reg = s->srv->registry;
    if (mm_session_enabled(s, index))
        return 0;
    /* The load (plugin code) runs without the session lock. */
    if (mm_registry_acquire(reg, mm_registry_at(reg, index), NULL, err, err_size) != 0)
        return -1;
    pthread_mutex_lock(&s->lock);
    int raced = s->enabled[index];
    s->enabled[index] = 1;
    pthread_mutex_unlock(&s->lock);
    if (raced) { /* another call of this session enabled it meanwhile */
        mm_registry_release(reg, mm_registry_at(reg, index));
        return 0;
    }
    return 1;
}

int mm_session_disable(mm_session *s, size_t index)
{
    pthread_mutex_lock(&s->lock);
    int was = s->enabled[index];
    s->enabled[index] = 0;
    pthread_mutex_unlock(&s->lock);
    if (was)
        mm_registry_release(s->srv->registry, mm_registry_at(s->srv->registry, index));
    return was;
}

int mm_session_tool_visible(const mm_session *s, const mistmcp_tool *tool)
{
    return s->write_tools || (tool->annotations & MISTMCP_ANN_READ_ONLY);
}

/* The tool in category i if it is enabled and has it: takes a reference (see below). */
static const mistmcp_tool *find_in(mm_session *s, size_t i, const char *name, mm_category **catp,
                                   const cJSON **schema)
{
    return mm_session_enabled(s, i) ? mm_session_find_tool_at(s, i, name, catp, schema) : NULL;
}

const mistmcp_tool *mm_session_find_tool_at(mm_session *s, size_t i, const char *name,
                                            mm_category **catp, const cJSON **schema)
{
    mm_registry *reg = s->srv->registry;
    mm_category *cat = mm_registry_at(reg, i);
    mm_plugin_view v;
    if (mm_registry_acquire(reg, cat, &v, NULL, 0) != 0)
        return NULL;
    for (size_t k = 0; k < v.tool_count; k++)
        if (strcmp(v.tools[k].name, name) == 0 && mm_session_tool_visible(s, &v.tools[k])) {
            *catp = cat;
            if (schema)
                *schema = v.schemas[k];
            return &v.tools[k];
        }
    mm_registry_release(reg, cat);
    return NULL;
}

const mistmcp_tool *mm_session_find_tool(mm_session *s, const char *name, mm_category **catp,
                                         const cJSON **schema)
{
    mm_registry *reg = s->srv->registry;
    long at = mm_registry_catalog_tool(reg, name); /* generated tools: one hash lookup */
    const mistmcp_tool *t = at >= 0 ? find_in(s, (size_t)at, name, catp, schema) : NULL;
    size_t n = mm_registry_count(reg);
    for (size_t i = 0; !t && i < n; i++) /* third-party categories */
        if (!mm_category_catalog(mm_registry_at(reg, i)))
            t = find_in(s, i, name, catp, schema);
    return t;
}

mm_inflight *mm_session_begin_request(mm_session *s, const cJSON *id)
{
    mm_inflight *r = mm_xcalloc(1, sizeof *r);
    r->id = cJSON_Duplicate(id, 1);
    r->log_level = MM_LOG_NONE;
    pthread_mutex_lock(&s->lock);
    /* Read under the lock: mm_session_cancel_all sets closing and walks the list under it. */
    atomic_init(&r->cancelled, atomic_load(&s->closing));
    r->next = s->inflight;
    s->inflight = r;
    pthread_mutex_unlock(&s->lock);
    return r;
}

void mm_session_end_request(mm_session *s, mm_inflight *req)
{
    pthread_mutex_lock(&s->lock);
    for (mm_inflight **p = &s->inflight; *p; p = &(*p)->next)
        if (*p == req) {
            *p = req->next;
            break;
        }
    pthread_mutex_unlock(&s->lock);
    cJSON_Delete(req->id);
    free(req);
}

int mm_session_cancel(mm_session *s, const cJSON *id)
{
    int found = 0;
    pthread_mutex_lock(&s->lock);
    for (mm_inflight *r = s->inflight; r; r = r->next)
        if (cJSON_Compare(r->id, id, 1)) {
            atomic_store(&r->cancelled, 1);
            found = 1;
        }
    pthread_mutex_unlock(&s->lock);
    return found;
}

void mm_session_cancel_all(mm_session *s)
{
    pthread_mutex_lock(&s->lock);
    atomic_store(&s->closing, 1);
    for (mm_inflight *r = s->inflight; r; r = r->next)
        atomic_store(&r->cancelled, 1);
    pthread_mutex_unlock(&s->lock);
}

void mm_session_token_accepted(mm_session *s)
{
    if (atomic_exchange(&s->token_accepted, 1) == 0 && s->on_token_accepted)
        s->on_token_accepted(s->accepted_ctx);
}

int mm_session_is_initialized(mm_session *s)
{
    pthread_mutex_lock(&s->lock);
    int r = s->initialized;
    pthread_mutex_unlock(&s->lock);
    return r;
}

/* A copy of text cut to MM_CLIENT_INFO_MAX bytes, at a UTF-8 character's start. */
static char *client_text(const char *text)
{
    if (!text)
        return NULL;
    size_t n = strlen(text);
    if (n > MM_CLIENT_INFO_MAX) {
        n = MM_CLIENT_INFO_MAX;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80) /* a continuation byte */
            n--;
    }
    char *out = mm_xmalloc(n + 1);
    memcpy(out, text, n);
    out[n] = '\0';
    return out;
}

void mm_session_set_client(mm_session *s, const char *name, const char *version)
{
    pthread_mutex_lock(&s->lock);
    free(s->client_name);
    free(s->client_version);
    s->client_name = client_text(name);
    s->client_version = client_text(version);
    pthread_mutex_unlock(&s->lock);
}

void mm_session_client(mm_session *s, char *name, size_t name_size, char *version,
                       size_t version_size)
{
    pthread_mutex_lock(&s->lock);
    snprintf(name, name_size, "%s", s->client_name ? s->client_name : "");
    snprintf(version, version_size, "%s", s->client_version ? s->client_version : "");
    pthread_mutex_unlock(&s->lock);
}

int mm_session_client_elicits(mm_session *s)
{
    pthread_mutex_lock(&s->lock);
    int v = s->client_elicits;
    pthread_mutex_unlock(&s->lock);
    return v;
}

/* The write tokens and the client requests are made on first use: most sessions never write,
 * and an idle session should cost little (the HTTP load test holds 10,000 of them). */
struct mm_write_tokens *mm_session_write_tokens(mm_session *s)
{
    pthread_mutex_lock(&s->lock);
    if (!s->write_tokens)
        s->write_tokens = mm_write_tokens_create();
    struct mm_write_tokens *t = s->write_tokens;
    pthread_mutex_unlock(&s->lock);
    return t;
}

struct mm_client_requests *mm_session_asks(mm_session *s, int create)
{
    pthread_mutex_lock(&s->lock);
    if (!s->asks && create)
        s->asks = mm_client_requests_create();
    struct mm_client_requests *t = s->asks;
    pthread_mutex_unlock(&s->lock);
    return t;
}

const char *mm_session_id(mm_session *s)
{
    pthread_mutex_lock(&s->lock);
    if (!s->id[0]) { /* not the HTTP store's: drawn now, once (most sessions never need one) */
        unsigned char raw[16] = {0};
        if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
            memset(raw, 0, sizeof raw); /* an id for logs only: zeros say the OS failed */
        mm_hex(raw, 2 * sizeof raw, s->id);
    }
    pthread_mutex_unlock(&s->lock);
    return s->id;
}

char *mm_session_state_json(mm_session *s)
{
    mm_registry *reg = s->srv->registry;
    cJSON *o = cJSON_CreateObject();
    cJSON *on = cJSON_AddArrayToObject(o, "on");
    /* The rest as a short array: a shared store keeps it in a field of at most 64 bytes for
     * the usual client names (Redis's compact hash encoding; mcp/session_shared.c). */
    cJSON *st = cJSON_AddArrayToObject(o, "st");
    pthread_mutex_lock(&s->lock);
    /* An all-mode session as all mode made it: "*", not 200 names (a replica applies it as
     * its own all mode). */
    int as_made = s->mode == MM_MODE_ALL;
    for (size_t i = 0; as_made && i < mm_registry_count(reg); i++)
        as_made = !s->enabled[i] == !all_mode_has(s->srv, s->write_tools, i);
    if (as_made)
        cJSON_AddItemToArray(on, cJSON_CreateString("*"));
    for (size_t i = 0; !as_made && i < mm_registry_count(reg); i++)
        if (s->enabled[i])
            cJSON_AddItemToArray(on, cJSON_CreateString(mm_category_name(mm_registry_at(reg, i))));
    cJSON_AddItemToArray(st, cJSON_CreateString(s->protocol_version));
    cJSON_AddItemToArray(st, cJSON_CreateNumber(s->initialized));
    cJSON_AddItemToArray(st, cJSON_CreateNumber(s->log_level));
    cJSON_AddItemToArray(st, cJSON_CreateNumber((s->client_elicits ? 1 : 0) |
                                                (s->client_samples ? 2 : 0) |
                                                (s->client_roots ? 4 : 0)));
    cJSON_AddItemToArray(st, cJSON_CreateString(s->client_name ? s->client_name : ""));
    cJSON_AddItemToArray(st, cJSON_CreateString(s->client_version ? s->client_version : ""));
    pthread_mutex_unlock(&s->lock);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text) /* cJSON's allocator aborts when memory runs out (base/util.h): cannot be */
        abort();
    return text;
}

static void note(char *err, size_t err_size, size_t *used, const char *what, const char *name)
{
    if (*used < err_size)
        *used += (size_t)snprintf(err + *used, err_size - *used, "%s%s '%.80s'", *used ? "; " : "",
                                  what, name);
}

int mm_session_state_apply(mm_session *s, const char *text, char *err, size_t err_size)
{
    cJSON *o = cJSON_Parse(text);
    const cJSON *on = cJSON_GetObjectItemCaseSensitive(o, "on");
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(o, "st");
    const cJSON *pv = cJSON_GetArrayItem(st, 0), *init = cJSON_GetArrayItem(st, 1),
                *ll = cJSON_GetArrayItem(st, 2), *caps = cJSON_GetArrayItem(st, 3),
                *cn = cJSON_GetArrayItem(st, 4), *cv = cJSON_GetArrayItem(st, 5);
    if (!cJSON_IsObject(o) || !cJSON_IsArray(on) || !cJSON_IsArray(st) || !cJSON_IsString(pv) ||
        !cJSON_IsNumber(init) || !cJSON_IsNumber(ll) || !cJSON_IsNumber(caps) ||
        !cJSON_IsString(cn) || !cJSON_IsString(cv)) {
        cJSON_Delete(o);
        return mm_fail(err, err_size, "not a session state");
    }
    mm_registry *reg = s->srv->registry;
    size_t n = mm_registry_count(reg), used = 0;
    if (err_size)
        err[0] = '\0';
    unsigned char *want = mm_xcalloc(n ? n : 1, 1);
    const cJSON *it;
    cJSON_ArrayForEach(it, on)
    {
        if (cJSON_IsString(it) && strcmp(it->valuestring, "*") == 0) { /* all mode, as made */
            for (size_t i = 0; i < n; i++)
                want[i] |= (unsigned char)all_mode_has(s->srv, s->write_tools, i);
            continue;
        }
        mm_category *cat = cJSON_IsString(it) ? mm_registry_find(reg, it->valuestring) : NULL;
        if (cat)
            want[mm_registry_index(reg, cat)] = 1;
        else
            note(err, err_size, &used, "no category", cJSON_IsString(it) ? it->valuestring : "?");
    }
    for (size_t i = 0; i < n; i++) {
        char why[300];
        if (want[i] && mm_session_enable(s, i, why, sizeof why) < 0)
            note(err, err_size, &used, why, mm_category_name(mm_registry_at(reg, i)));
        else if (!want[i])
            mm_session_disable(s, i);
    }
    free(want);
    mm_session_set_client(s, *cn->valuestring ? cn->valuestring : NULL,
                          *cv->valuestring ? cv->valuestring : NULL);
    pthread_mutex_lock(&s->lock);
    snprintf(s->protocol_version, sizeof s->protocol_version, "%s", pv->valuestring);
    s->initialized = init->valueint != 0;
    if (ll->valueint >= 0 && ll->valueint <= 7)
        s->log_level = ll->valueint;
    s->client_elicits = (caps->valueint & 1) != 0;
    s->client_samples = (caps->valueint & 2) != 0;
    s->client_roots = (caps->valueint & 4) != 0;
    pthread_mutex_unlock(&s->lock);
    cJSON_Delete(o);
    return used ? 1 : 0;
}
