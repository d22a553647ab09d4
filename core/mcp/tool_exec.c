#define _POSIX_C_SOURCE 200809L
#include "mcp/tool_exec.h"

#include "base/action_path.h"
#include "base/metrics.h"
#include "base/util.h"
#include "mcp/args_check.h"
#include "mcp/client_request.h"
#include "mcp/host_api.h"
#include "mcp/mrtr.h"
#include "mcp/read_call.h"
#include "mcp/tool_call.h"
#include "mcp/write_gate.h"
#include "mist/call.h"
#include "mist/request_build.h"
#include "mist/result_shape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void mm_tool_progress(mm_call_ctx *ctx, double progress, double total, const char *message)
{
    if (!ctx->progress_token)
        return;
    cJSON *p = cJSON_CreateObject();
    cJSON_AddItemToObject(p, "progressToken", cJSON_Duplicate(ctx->progress_token, 1));
    cJSON_AddNumberToObject(p, "progress", progress);
    if (total > 0)
        cJSON_AddNumberToObject(p, "total", total);
    if (message)
        cJSON_AddStringToObject(p, "message", message);
    mm_session_notify(ctx->session, ctx->request, "notifications/progress", p);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static const char *session_token(void *s)
{
    return mm_session_token(s);
}

static int session_rotate_token(void *s, const char *used)
{
    return mm_session_rotate_token(s, used);
}

/* 1 if a 2xx answer to target says Mist accepted the token: not for the paths Mist answers
 * without one (its constants, and the log-in, registration and recovery flows), which a
 * made-up token would otherwise pass. */
static int proves_token(const char *target)
{
    static const char *const open_paths[] = {"/api/v1/const/",   "/api/v1/login",
                                             "/api/v1/register", "/api/v1/recover",
                                             "/api/v1/invite/",  "/api/v1/mobile/verify"};
    for (size_t i = 0; i < sizeof open_paths / sizeof open_paths[0]; i++)
        if (strncmp(target, open_paths[i], strlen(open_paths[i])) == 0)
            return 0;
    return 1;
}

/* Why the session has no token to send, and what to do about it: the message names where
 * the token was looked for (the env file by name). Returns -1 (mm_fail). */
static int no_token(const mm_session *s, char *err, size_t err_size)
{
    const mm_config *cfg = s->srv->cfg;
    if (cfg->transport == MM_TRANSPORT_HTTP && cfg->action == MM_ACTION_SERVE)
        return mm_fail(err, err_size,
                       "this session has no Mist API token: the client sends one in the "
                       "X-Authorization header (or Authorization: Bearer <token>)");
    if (cfg->env_file)
        return mm_fail(err, err_size,
                       "no Mist API token: the env file %s sets no MIST_API_TOKEN, and neither "
                       "does the environment; add a line MIST_API_TOKEN=<token> to it",
                       cfg->env_file);
    return mm_fail(err, err_size,
                   "no Mist API token: set MIST_API_TOKEN in the environment, or in an env file "
                   "given with --env-file PATH (or MIST_ENV_FILE)");
}

int mm_tool_send(mm_call_ctx *ctx, const char *method, const char *target, const char *body,
                 mistmcp_response **out, char *err, size_t err_size)
{
    if (mm_write_is_write(method, target) && !(ctx->write && ctx->write->sending))
        return mm_fail(err, err_size,
                       "%s %.200s refused: a write reaches Mist only through the write gate",
                       method, target);
    mm_session *s = ctx->session;
    const mm_server *srv = s->srv;
    const mm_mist_caller caller = {.client = s->mist ? s->mist : srv->mist,
                                   .conn = ctx->conn,
                                   .cancelled = ctx->request ? &ctx->request->cancelled : NULL,
                                   .rate_limit = srv->rate_limit,
                                   .metrics = srv->metrics,
                                   .max_retries = srv->cfg->max_retries,
                                   .retry_max_ms = srv->cfg->retry_max_ms,
                                   .rate_wait_ms = srv->cfg->rate_wait_ms,
                                   .token = session_token,
                                   .rotate_token = session_rotate_token,
                                   .token_ctx = s,
                                   .token_count = s->token_count};
    if (s->token_count == 0)
        return no_token(s, err, err_size);
    double t0 = now_ms();
    int rc = mm_mist_call(&caller, method, target, body, out, err, err_size);
    if (rc == 0 && (*out)->status >= 200 && (*out)->status < 300 && proves_token(target))
        mm_session_token_accepted(s); /* the token is real: its sessions leave the budget */
    if (s->srv->metrics)
        mm_metrics_mist_request(s->srv->metrics, rc == 0 ? (*out)->status : 0,
                                (now_ms() - t0) / 1e3);
    if (!mm_session_wants_log(s, ctx->request, MISTMCP_LOG_DEBUG))
        return rc;
    char line[600];
    if (rc == 0)
        snprintf(line, sizeof line, "%s %.400s -> HTTP %ld in %.1f ms", method, target,
                 (*out)->status, now_ms() - t0);
    else
        snprintf(line, sizeof line, "%s %.400s failed: %s", method, target, err);
    mm_session_log(s, ctx->request, MISTMCP_LOG_DEBUG, line);
    return rc;
}

cJSON *mm_tool_mist_call(mm_call_ctx *ctx, const char *method, const char *target, const char *body)
{
    mistmcp_response *r = NULL;
    char err[512];
    mm_tool_progress(ctx, 0, 1, "calling the Mist API");
    if (mm_tool_send(ctx, method, target, body, &r, err, sizeof err) != 0)
        return mm_result_text(err, 1);
    cJSON *res = mm_result_from_response(r, ctx->session->srv->cfg->max_result_bytes);
    mm_mist_response_free(&r);
    mm_tool_progress(ctx, 1, 1, NULL);
    return res;
}

/* Hooks of a custom tool's call: they reach the session through ctx. */
static void hook_log(void *p, mistmcp_log_level level, const char *message)
{
    mm_call_ctx *ctx = p;
    mm_session_log(ctx->session, ctx->request, level, message);
}

static void hook_progress(void *p, double done, double total, const char *message)
{
    mm_tool_progress(p, done, total, message);
}

/* Why a plugin's path and query cannot go to Mist, or NULL. The path starts with /api/ and
 * has no query, fragment, dot segment ("/api/../internal" would leave the API), backslash,
 * space or control byte; the query, already encoded, has no '#' (it would be cut there), space
 * or control byte. */
const char *mm_plugin_target_problem(const char *path, const char *query)
{
    if (!path || strncmp(path, "/api/", 5) != 0)
        return "path must start with /api/";
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p <= 0x20 || *p >= 0x7f || strchr("?#\\", *p))
            return "path must hold no query, fragment, backslash, space or control byte "
                   "(encode them)";
        if (*p == '%' && (strncasecmp((const char *)p, "%2e", 3) == 0 ||
                          strncasecmp((const char *)p, "%2f", 3) == 0 ||
                          strncasecmp((const char *)p, "%5c", 3) == 0))
            return "path must hold no encoded '.', '/' or '\\' (%2e, %2f, %5c): a server that "
                   "decodes them would see another path";
        if (*p == '/' && p[1] == '.' &&
            (p[2] == '/' || !p[2] || p[2] == ';' ||
             (p[2] == '.' && (p[3] == '/' || !p[3] || p[3] == ';'))))
            return "path must hold no '.' or '..' segment";
    }
    for (const unsigned char *q = (const unsigned char *)(query ? query : ""); *q; q++)
        if (*q <= 0x20 || *q >= 0x7f || *q == '#')
            return "query must be encoded: no '#', space or control byte";
    return NULL;
}

static int hook_mist(void *p, const char *method, const char *path, const char *query,
                     const char *body, mistmcp_response **out, char *err, size_t err_size)
{
    mm_call_ctx *ctx = p;
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE", "PATCH"};
    int known = 0;
    for (size_t i = 0; method && i < sizeof methods / sizeof methods[0]; i++)
        known |= strcmp(method, methods[i]) == 0;
    if (!known)
        return mm_fail(err, err_size, "method must be GET, POST, PUT, DELETE or PATCH");
    if (strcmp(method, "GET") != 0 &&
        ((ctx->tool->annotations & MISTMCP_ANN_READ_ONLY) || !ctx->session->write_tools))
        return mm_fail(err, err_size,
                       "%s refused: tool %s may only read (start mistmcp with "
                       "--enable-write-tools for write tools)",
                       method, ctx->tool->name);
    const char *acts = mm_action_path_word(path); /* Mist acts on some GETs: those write */
    if (acts && ((ctx->tool->annotations & MISTMCP_ANN_READ_ONLY) || !ctx->session->write_tools))
        return mm_fail(err, err_size,
                       "GET %.200s refused: it performs an action ('%s'), and tool %s may only "
                       "read (start mistmcp with --enable-write-tools for write tools)",
                       path, acts, ctx->tool->name);
    const char *why = mm_plugin_target_problem(path, query);
    if (why)
        return mm_fail(err, err_size, "%s", why);
    size_t n = strlen(path) + (query ? strlen(query) : 0) + 2;
    char *target = mm_xmalloc(n);
    snprintf(target, n, "%s%s%s", path, query && *query ? "?" : "", query ? query : "");
    int rc = mm_write_is_write(method, target)
                 ? mm_write_gate_request(ctx, method, target, body, out, err, err_size)
                 : mm_tool_send(ctx, method, target, body, out, err, err_size);
    if (rc == 1 || rc == 2) /* not sent: the call's result will say why */
        rc = mm_fail(err, err_size, "%s %.200s was not sent: %s", method, target,
                     rc == 2               ? "the user did not accept it"
                     : ctx->write->dry_run ? "this is a dry run"
                                           : "it awaits confirmation");
    free(target);
    return rc;
}

/* The capability a client declares for the input method, or NULL for a method no client
 * can be asked. */
static const char *input_capability(const char *method)
{
    return strcmp(method, "elicitation/create") == 0       ? "elicitation"
           : strcmp(method, "sampling/createMessage") == 0 ? "sampling"
           : strcmp(method, "roots/list") == 0             ? "roots"
                                                           : NULL;
}

/* host->input (include/mistmcp/plugin.h): a 2026-07-28 call asks through its input_required
 * result (mcp/mrtr.h); a 2025 session's call sends the request to the client and waits
 * (mcp/client_request.h). */
static int hook_input(void *p, const char *key, const cJSON *request, unsigned flags,
                      cJSON **response)
{
    mm_call_ctx *ctx = p;
    const char *method = cJSON_GetObjectItemCaseSensitive(request, "method")->valuestring;
    const char *cap = input_capability(method);
    if (!cap)
        return MISTMCP_INPUT_FAILED;
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(request, "params");
    if (ctx->mrtr) {
        const cJSON *answer = mm_mrtr_response(ctx->mrtr, key);
        if (answer) {
            *response = cJSON_Duplicate(answer, 1);
            return MISTMCP_INPUT_OK;
        }
        if (!mm_mrtr_client_can(ctx->mrtr, method)) {
            if (flags & MISTMCP_INPUT_REQUIRED) {
                char text[300];
                snprintf(text, sizeof text,
                         "Missing required client capability: tool %s needs %s, and this "
                         "request's clientCapabilities does not declare it",
                         ctx->tool->name, cap);
                cJSON *data = cJSON_CreateObject();
                cJSON_AddObjectToObject(cJSON_AddObjectToObject(data, "requiredCapabilities"), cap);
                mm_mrtr_fail(ctx->mrtr, MM_MISSING_CAPABILITY, text, data);
            }
            return MISTMCP_INPUT_UNSUPPORTED;
        }
        cJSON *ask = cJSON_CreateObject();
        cJSON_AddStringToObject(ask, "method", method);
        cJSON_AddItemToObject(ask, "params",
                              params ? cJSON_Duplicate(params, 1) : cJSON_CreateObject());
        mm_mrtr_ask(ctx->mrtr, key, ask);
        return MISTMCP_INPUT_PENDING;
    }
    mm_session *s = ctx->session;
    pthread_mutex_lock(&s->lock);
    int can = strcmp(cap, "elicitation") == 0 ? s->client_elicits
              : strcmp(cap, "sampling") == 0  ? s->client_samples
                                              : s->client_roots;
    pthread_mutex_unlock(&s->lock);
    if (!can)
        return MISTMCP_INPUT_UNSUPPORTED;
    cJSON *reply = mm_client_request(
        s, ctx->request, method, params ? cJSON_Duplicate(params, 1) : cJSON_CreateObject(),
        MM_ELICIT_TIMEOUT_MS, ctx->request ? &ctx->request->cancelled : NULL);
    cJSON *result = cJSON_DetachItemFromObjectCaseSensitive(reply, "result");
    cJSON_Delete(reply);
    if (!cJSON_IsObject(result)) {
        cJSON_Delete(result);
        return MISTMCP_INPUT_FAILED;
    }
    *response = result;
    return MISTMCP_INPUT_OK;
}

static cJSON *invalid_args(const mistmcp_tool *t, const char *why)
{
    char text[700];
    snprintf(text, sizeof text, "Invalid arguments for %s: %s.", t->name, why);
    return mm_result_text(text, 1);
}

static int hook_cancelled(void *p)
{
    mm_call_ctx *ctx = p;
    return ctx->request && atomic_load(&ctx->request->cancelled);
}

/* Checks args against the tool's schema; NULL when fine, else the isError result. */
static cJSON *check_args(const mm_call_ctx *ctx, cJSON *args)
{
    const mistmcp_tool *t = ctx->tool;
    char err[600];
    cJSON *parsed = ctx->schema ? NULL : cJSON_Parse(t->input_schema);
    int rc = mm_args_check(ctx->schema ? ctx->schema : parsed, args, err, sizeof err);
    cJSON_Delete(parsed);
    return rc == 0 ? NULL : invalid_args(t, err);
}

static cJSON *run_declarative(mm_call_ctx *ctx, cJSON *args)
{
    const mistmcp_tool *t = ctx->tool;
    char err[600];
    /* The method decides, whatever a (third-party) plugin's annotations claim. */
    if (t->method != MISTMCP_HTTP_GET &&
        ((t->annotations & MISTMCP_ANN_READ_ONLY) || !ctx->session->write_tools)) {
        snprintf(err, sizeof err,
                 "%s is refused: tool %s sends %s, and only GET is allowed here (read-only "
                 "annotation, or mistmcp started without --enable-write-tools).",
                 t->name, t->name, t->method == MISTMCP_HTTP_POST ? "POST" : "a write request");
        return mm_result_text(err, 1);
    }
    mm_request_default_org(t, args, ctx->session->org_id);
    mm_read_args ra; /* fields, format, max_items: the host's, never sent to Mist */
    cJSON *refused = mm_read_args_take(t, args, &ra);
    if (!refused)
        refused = check_args(ctx, args);
    mm_request req;
    if (!refused && mm_request_build(t, args, &req, err, sizeof err) != 0)
        refused = invalid_args(t, err);
    if (refused) {
        mm_read_args_free(&ra);
        return refused;
    }
    cJSON *res;
    if (!ctx->write && mm_read_args_any(&ra)) {
        res = mm_read_call(ctx, args, &ra, req.method, req.target);
    } else if (!ctx->write) {
        res = mm_tool_mist_call(ctx, req.method, req.target, req.body);
    } else if (!(res = mm_write_gate_redeem(ctx, req.method, req.target, req.body))) {
        mistmcp_response *r = NULL;
        char why[700];
        mm_tool_progress(ctx, 0, 1, "calling the Mist API");
        int rc = mm_write_gate_request(ctx, req.method, req.target, req.body, &r, why, sizeof why);
        if (rc == 0) {
            res = mm_result_from_response(r, ctx->session->srv->cfg->max_result_bytes);
            mm_mist_response_free(&r);
            mm_tool_progress(ctx, 1, 1, NULL);
        } else {
            res = rc == 1 || rc == 2 ? NULL : mm_result_text(why, 1); /* finish says */
        }
        res = mm_write_gate_finish(ctx, res);
    }
    mm_read_args_free(&ra);
    mm_request_free(&req);
    return res;
}

static cJSON *run_custom(mm_call_ctx *ctx, cJSON *args);

/* A write tool's call: the gate takes dry_run and confirm out of args first (mcp/write_gate.h)
 * and is the call's write state while it runs. */
static cJSON *run_write(mm_call_ctx *ctx, cJSON *args, cJSON *(*run)(mm_call_ctx *, cJSON *))
{
    mm_write_call w;
    mm_call_ctx sub = *ctx;
    sub.write = &w;
    if (ctx->tool->kind == MISTMCP_TOOL_DECLARATIVE) /* the token binds the default org too */
        mm_request_default_org(ctx->tool, args, ctx->session->org_id);
    cJSON *res = mm_write_gate_begin(ctx->tool, args, &w);
    if (!res)
        res = run(&sub, args);
    else if (run == run_custom)
        cJSON_Delete(args);
    mm_write_call_free(&w);
    return res;
}

static cJSON *run_custom(mm_call_ctx *ctx, cJSON *args)
{
    const mistmcp_tool *t = ctx->tool;
    cJSON *refused = check_args(ctx, args);
    if (!refused && ctx->write) /* a confirm token is redeemed before the plugin runs */
        refused = mm_write_gate_redeem(ctx, NULL, NULL, NULL);
    if (refused) {
        cJSON_Delete(args);
        return refused;
    }
    mm_call_hooks hooks = {.ctx = ctx,
                           .log = hook_log,
                           .progress = hook_progress,
                           .mist_request = hook_mist,
                           .cancelled = hook_cancelled,
                           .input = hook_input};
    mistmcp_call *call = mm_call_create(args, &hooks);
    int hrc = t->handler(mm_host_api(), call);
    cJSON *res = hrc == 0 ? mm_call_take_result(call)
                          : mm_result_text("The tool failed inside its plugin.", 1);
    mm_call_destroy(&call);
    return ctx->write ? mm_write_gate_finish(ctx, res) : res;
}

cJSON *mm_tool_execute(mm_call_ctx *ctx, cJSON *args)
{
    if (!args)
        args = cJSON_CreateObject();
    if (!cJSON_IsObject(args)) {
        cJSON_Delete(args);
        return mm_result_text("Invalid arguments: 'arguments' must be a JSON object.", 1);
    }
    int write = mm_write_tool(ctx->tool) && ctx->session->write_tools;
    if (ctx->tool->kind == MISTMCP_TOOL_CUSTOM) /* takes args */
        return write ? run_write(ctx, args, run_custom) : run_custom(ctx, args);
    cJSON *res = write ? run_write(ctx, args, run_declarative) : run_declarative(ctx, args);
    cJSON_Delete(args);
    return res;
}
