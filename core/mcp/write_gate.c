#define _POSIX_C_SOURCE 200809L
#include "mcp/write_gate.h"

#include "base/action_path.h"
#include "base/json_exact.h"
#include "base/util.h"
#include "mcp/client_request.h"
#include "mcp/mrtr.h"
#include "mcp/protocol.h"
#include "mcp/session_shared.h"
#include "mcp/tool_exec.h"
#include "mcp/write_audit.h"
#include "mcp/write_preview.h"
#include "mist/response.h"
#include "mist/result_shape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int mm_write_is_write(const char *method, const char *target)
{
    if (strcmp(method, "GET") != 0)
        return 1;
    char path[2048];
    snprintf(path, sizeof path, "%.*s", (int)strcspn(target, "?"), target);
    return mm_action_path_word(path) != NULL;
}

int mm_write_tool(const mistmcp_tool *t)
{
    if (t->kind == MISTMCP_TOOL_CUSTOM)
        return !(t->annotations & MISTMCP_ANN_READ_ONLY);
    return t->method != MISTMCP_HTTP_GET || (t->path && mm_action_path_word(t->path));
}

static int by_name(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    return strcmp(x->string ? x->string : "", y->string ? y->string : "");
}

/* Sorts the members of every object in v by name. */
static void sort_members(cJSON *v)
{
    if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
        return;
    size_t n = 0;
    for (cJSON *c = v->child; c; c = c->next, n++)
        sort_members(c);
    if (!cJSON_IsObject(v) || n < 2)
        return;
    cJSON **items = mm_xmalloc(n * sizeof *items);
    size_t i = 0;
    for (cJSON *c = v->child; c; c = c->next)
        items[i++] = c;
    qsort(items, n, sizeof *items, by_name);
    for (i = 0; i < n; i++) {
        items[i]->prev = i ? items[i - 1] : items[n - 1]; /* cJSON: child->prev is the last */
        items[i]->next = i + 1 < n ? items[i + 1] : NULL;
    }
    v->child = items[0];
    free(items);
}

char *mm_write_canonical(const cJSON *args)
{
    cJSON *copy = cJSON_Duplicate(args, 1);
    sort_members(copy);
    return mm_json_take_text(copy);
}

static cJSON *invalid(const mistmcp_tool *t, const char *why)
{
    char text[600];
    snprintf(text, sizeof text, "Invalid arguments for %s: %s.", t->name, why);
    return mm_result_text(text, 1);
}

cJSON *mm_write_gate_begin(const mistmcp_tool *tool, cJSON *args, mm_write_call *w)
{
    memset(w, 0, sizeof *w);
    cJSON *dry = cJSON_DetachItemFromObjectCaseSensitive(args, "dry_run");
    cJSON *confirm = cJSON_DetachItemFromObjectCaseSensitive(args, "confirm");
    cJSON *refused = NULL;
    if (dry && !cJSON_IsBool(dry) && !cJSON_IsNull(dry))
        refused = invalid(tool, "dry_run must be true or false (true: preview the write, "
                                "send nothing)");
    else if (confirm && !cJSON_IsString(confirm) && !cJSON_IsNull(confirm))
        refused = invalid(tool, "confirm must be the confirmation token (a string) that the "
                                "preview of this same call gave");
    w->dry_run = cJSON_IsTrue(dry);
    if (cJSON_IsString(confirm)) {
        w->confirm = mm_xstrdup(confirm->valuestring);
        mm_write_token_id(w->confirm, w->token_id);
    }
    cJSON_Delete(dry);
    cJSON_Delete(confirm);
    char *canon = mm_write_canonical(args);
    mm_sha256(canon ? canon : "", canon ? strlen(canon) : 0, w->args_digest);
    free(canon);
    return refused;
}

static const char *not_accepted(const cJSON *reply, const char *action);

/* The mode in effect for session s: the operator's, or by default elicit when the client
 * declared form-mode elicitation, else token. */
static mm_write_confirmation mode_in(mm_session *s)
{
    mm_write_confirmation c = s->srv->cfg->write_confirmation;
    if (c != MM_CONFIRM_DEFAULT)
        return c;
    return mm_session_client_elicits(s) ? MM_CONFIRM_ELICIT : MM_CONFIRM_TOKEN;
}

/* The mode in effect for one call: a 2026-07-28 call's own client capabilities decide the
 * default (its session keeps none). */
static mm_write_confirmation mode_of(const mm_call_ctx *ctx)
{
    mm_write_confirmation c = ctx->session->srv->cfg->write_confirmation;
    if (!ctx->mrtr || c != MM_CONFIRM_DEFAULT)
        return ctx->mrtr ? c : mode_in(ctx->session);
    return mm_mrtr_client_can(ctx->mrtr, "elicitation/create") ? MM_CONFIRM_ELICIT
                                                               : MM_CONFIRM_TOKEN;
}

/* A 2026-07-28 call confirmed by elicitation: the question travels in an input_required
 * result and the answer comes back in the retry (basic/patterns/mrtr), bound to this call by
 * its signed requestState. */
static int by_mrtr(const mm_call_ctx *ctx)
{
    return ctx->mrtr && ctx->mrtr->rs && mode_of(ctx) == MM_CONFIRM_ELICIT &&
           mm_mrtr_client_can(ctx->mrtr, "elicitation/create");
}

/* The answer of a 2026-07-28 retry to the confirmation question this call asked: NULL when
 * it carries none (or one that the verified state did not ask: ignored, and asked again),
 * else the isError result or the declined result that ends the call, or NULL with w->cleared
 * set on accept. */
static cJSON *redeem_mrtr(mm_call_ctx *ctx, const char *method, const char *target,
                          const char *body)
{
    mm_write_call *w = ctx->write;
    if (!mm_mrtr_answers_asked(ctx->mrtr, MM_WRITE_INPUT_KEY))
        return NULL;
    const cJSON *reply = mm_mrtr_response(ctx->mrtr, MM_WRITE_INPUT_KEY);
    const char *action = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(reply, "action"));
    if (action && strcmp(action, "accept") == 0) {
        w->cleared = 1;
        return NULL;
    }
    if (!action || (strcmp(action, "decline") != 0 && strcmp(action, "cancel") != 0)) {
        mm_mrtr_fail(ctx->mrtr, MM_INVALID_PARAMS,
                     "params.inputResponses[\"" MM_WRITE_INPUT_KEY "\"].action must be "
                     "\"accept\", \"decline\" or \"cancel\" (an ElicitResult); nothing was sent",
                     NULL);
        return mm_result_text("Nothing was sent: the confirmation answer was malformed.", 1);
    }
    int declined = strcmp(action, "decline") == 0;
    mm_write_record rec = {.tool = ctx->tool->name,
                           .method = method,
                           .target = target,
                           .body = body,
                           .outcome = declined ? MM_WRITE_DECLINED : MM_WRITE_CANCELLED,
                           .confirmation = "elicit"};
    char why[400];
    if (mm_write_audit(ctx->session, &rec, why, sizeof why) != 0) {
        char text[600];
        snprintf(text, sizeof text, "Nothing was sent; and the audit log failed: %s.", why);
        return mm_result_text(text, 1);
    }
    w->answer = mm_xstrdup(not_accepted(reply, action));
    w->outcome = declined ? "declined" : "cancelled";
    return mm_write_gate_finish(ctx, NULL);
}

int mm_write_gate_elicits(mm_session *s)
{
    return s->write_tools && mode_in(s) == MM_CONFIRM_ELICIT;
}

/* A 2026-07-28 call: its confirmation tokens are sealed states, not a session's. */
static int stateless(const mm_call_ctx *ctx)
{
    return ctx->mrtr && ctx->mrtr->rs;
}

/* Issues the signed token of a 2026-07-28 call in token mode into w->signed_token. */
static int issue_signed(mm_call_ctx *ctx, char *err, size_t err_size)
{
    mm_write_call *w = ctx->write;
    char hex[2 * MM_SHA256_LEN + 1];
    mm_hex(w->args_digest, 2 * MM_SHA256_LEN, hex);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "k", "confirm");
    cJSON_AddStringToObject(p, "t", ctx->tool->name);
    cJSON_AddStringToObject(p, "a", hex);
    cJSON_AddStringToObject(p, "p", ctx->mrtr->principal);
    w->signed_token = mm_request_state_seal(ctx->mrtr->rs, p, mm_state_now_ms(), err, err_size);
    if (!w->signed_token)
        return -1;
    mm_write_token_id(w->signed_token, w->token_id);
    return 0;
}

/* Redeems the signed token w->confirm of a 2026-07-28 call: the checks of a session's token
 * (mcp/write_confirm.h), on the sealed state, and the caller. Consumed once it is this
 * caller's. */
static mm_redeem redeem_signed(mm_call_ctx *ctx)
{
    mm_write_call *w = ctx->write;
    cJSON *p = NULL;
    long long now = mm_state_now_ms();
    mm_state_verdict v = mm_request_state_open(ctx->mrtr->rs, w->confirm, now, &p);
    if (v != MM_STATE_OK)
        return v == MM_STATE_EXPIRED ? MM_REDEEM_EXPIRED : MM_REDEEM_UNKNOWN;
    char hex[2 * MM_SHA256_LEN + 1];
    mm_hex(w->args_digest, 2 * MM_SHA256_LEN, hex);
    const char *k = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "k"));
    const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "t"));
    const char *a = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "a"));
    const char *who = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "p"));
    mm_redeem r = MM_REDEEM_OK;
    if (!k || strcmp(k, "confirm") != 0 || !who || strcmp(who, ctx->mrtr->principal) != 0)
        r = MM_REDEEM_UNKNOWN; /* not a token, or another caller's: left unused for them */
    else if (mm_request_state_consume(ctx->mrtr->rs, p, now) != MM_STATE_OK)
        r = MM_REDEEM_UNKNOWN; /* used before (or no room to remember it: fail closed) */
    else if (!t || strcmp(t, ctx->tool->name) != 0)
        r = MM_REDEEM_OTHER_TOOL;
    else if (!a || strcmp(a, hex) != 0)
        r = MM_REDEEM_OTHER_ARGS;
    cJSON_Delete(p);
    return r;
}

/* ---- confirmation tokens of sessions shared by replicas (--session-store redis://) ----
 * The token is issued and kept here as always, and also stored in Redis bound to the session,
 * tool and arguments, so that its confirmation may reach any replica. Redis then decides, in
 * one step that leaves a "used" mark, so that a token is used once across them all; a token
 * Redis never had (it did not answer at the preview) is decided here. When Redis does not
 * answer at the confirmation, nothing is sent: that replica could not know whether another
 * one used the token already. */

static mm_shared_sessions *shared_of(const mm_call_ctx *ctx)
{
    return ctx->session->modern ? NULL : ctx->session->srv->shared_sessions;
}

/* What Redis keeps for a token: "<session id> <tool> <arguments digest in hex>". */
static void token_binding(const mm_call_ctx *ctx, char *out, size_t size)
{
    char hex[2 * MM_SHA256_LEN + 1];
    mm_hex(ctx->write->args_digest, 2 * MM_SHA256_LEN, hex);
    snprintf(out, size, "%s %s %s", mm_session_id(ctx->session), ctx->tool->name, hex);
}

static void share_token(const mm_call_ctx *ctx)
{
    mm_shared_sessions *ss = shared_of(ctx);
    if (!ss)
        return;
    char value[400], err[300];
    token_binding(ctx, value, sizeof value);
    if (mm_shared_token_put(ss, ctx->write->token, value, (long)MM_CONFIRM_TTL_MS, err,
                            sizeof err) != 0)
        fprintf(stderr,
                "mistmcp: session store: a confirmation token stays on this replica "
                "(confirm it through the same one): %s\n",
                err);
}

/* The token's verdict with Redis: local is this replica's. Returns 0 with *out, or -1 when
 * Redis did not answer (nothing may be sent). */
static int redeem_shared(const mm_call_ctx *ctx, mm_redeem local, mm_redeem *out)
{
    mm_shared_sessions *ss = shared_of(ctx);
    *out = local;
    if (!ss)
        return 0;
    char want[400], err[300];
    char *got = NULL;
    mm_shared_result r = mm_shared_token_take(ss, ctx->write->confirm, &got, err, sizeof err);
    if (r == MM_SHARED_DOWN) {
        fprintf(stderr, "mistmcp: session store: a confirmation cannot be checked: %s\n", err);
        return -1;
    }
    if (r == MM_SHARED_GONE) /* never shared (Redis did not answer at the preview), expired */
        return 0;
    token_binding(ctx, want, sizeof want);
    size_t sid = strlen(mm_session_id(ctx->session)) + 1, tool = strlen(ctx->tool->name) + 1;
    if (local == MM_REDEEM_EXPIRED)
        *out = local;
    else if (strncmp(got, want, sid) != 0)
        *out = MM_REDEEM_UNKNOWN; /* used already ("used"), or another session's */
    else if (strncmp(got + sid, want + sid, tool) != 0)
        *out = MM_REDEEM_OTHER_TOOL;
    else
        *out = strcmp(got, want) == 0 ? MM_REDEEM_OK : MM_REDEEM_OTHER_ARGS;
    free(got);
    return 0;
}

cJSON *mm_write_gate_redeem(mm_call_ctx *ctx, const char *method, const char *target,
                            const char *body)
{
    mm_write_call *w = ctx->write;
    mm_write_confirmation mode = mode_of(ctx);
    if (mode == MM_CONFIRM_NONE) {
        w->cleared = !w->dry_run;
        return NULL;
    }
    if (mode == MM_CONFIRM_ELICIT && by_mrtr(ctx) && !w->dry_run)
        return redeem_mrtr(ctx, method, target, body);
    if (mode == MM_CONFIRM_ELICIT || !w->confirm || w->dry_run)
        return NULL; /* elicit: each write asks the user; a token confirms nothing there */
    mm_redeem r;
    int store_down = 0;
    if (stateless(ctx)) {
        r = redeem_signed(ctx);
    } else {
        mm_redeem local = mm_write_tokens_redeem(mm_session_write_tokens(ctx->session), w->confirm,
                                                 ctx->tool->name, w->args_digest, mm_now_ms());
        if (redeem_shared(ctx, local, &r) != 0) { /* Redis knows every use, on any replica */
            r = MM_REDEEM_UNKNOWN;
            store_down = 1;
        }
    }
    if (r == MM_REDEEM_OK) {
        w->cleared = 1;
        return NULL;
    }
    const char *why =
        store_down ? "the session store (Redis) does not answer, so the confirmation cannot be "
                     "checked against the other replicas (the token is used up; try again in a "
                     "moment)"
        : r == MM_REDEEM_EXPIRED    ? "the confirmation token expired (a token lasts 5 minutes)"
        : r == MM_REDEEM_OTHER_TOOL ? "the confirmation token was given for another tool"
        : r == MM_REDEEM_OTHER_ARGS
            ? "the arguments differ from the ones previewed (a changed argument needs a new "
              "preview; the token is now used up)"
        : stateless(ctx)
            ? "the confirmation token is not valid (unknown, changed, already used, or given "
              "to another caller)"
            : "the confirmation token is not valid in this session (unknown, already used, or "
              "given to another session)";
    mm_write_record rec = {.tool = ctx->tool->name,
                           .method = method,
                           .target = target,
                           .body = body,
                           .outcome = r == MM_REDEEM_EXPIRED ? MM_WRITE_EXPIRED : MM_WRITE_REFUSED,
                           .confirmation_id = w->token_id,
                           .error = why,
                           .confirmation = "token"};
    char err[400], text[1200];
    if (mm_write_audit(ctx->session, &rec, err, sizeof err) != 0)
        snprintf(text, sizeof text, "Nothing was sent: %s; and the audit log failed: %s.", why,
                 err);
    else
        snprintf(text, sizeof text,
                 "Nothing was sent: %s. Call %s again without confirm to get a new preview and "
                 "token, show the preview to the user, and confirm only if they agree.",
                 why, ctx->tool->name);
    return mm_result_text(text, 1);
}

/* The current object at target for a preview, or NULL with why in note. */
static cJSON *read_current(mm_call_ctx *ctx, const char *target, char *note, size_t note_size)
{
    char path[2048];
    snprintf(path, sizeof path, "%.*s", (int)strcspn(target, "?"), target);
    mistmcp_response *r = NULL;
    char err[400];
    if (mm_tool_send(ctx, "GET", path, NULL, &r, err, sizeof err) != 0) {
        snprintf(note, note_size, "%s", err);
        return NULL;
    }
    cJSON *current = NULL;
    if (r->status >= 200 && r->status < 300)
        current = mm_json_parse_exact(r->body, r->length, NULL);
    if (!cJSON_IsObject(current)) {
        snprintf(note, note_size, "GET %.300s answered HTTP %ld%s", path, r->status,
                 r->status >= 200 && r->status < 300 ? " without a JSON object" : "");
        cJSON_Delete(current);
        current = NULL;
    }
    mm_mist_response_free(&r);
    return current;
}

/* The value of header name in r, into out ("" if absent). */
static void header_value(const mistmcp_response *r, const char *name, char *out, size_t size)
{
    *out = '\0';
    size_t n = strlen(name);
    for (size_t i = 0; r && i < r->header_count; i++)
        if (strncasecmp(r->headers[i], name, n) == 0 && r->headers[i][n] == ':') {
            const char *v = r->headers[i] + n + 1;
            v += strspn(v, " \t");
            snprintf(out, size, "%.*s", (int)strcspn(v, "\r\n"), v);
            return;
        }
}

/* The preview of one write, reading the current object first where that tells something. */
static cJSON *make_preview(mm_call_ctx *ctx, const char *method, const char *target,
                           const char *body)
{
    char note[500] = "";
    cJSON *current = mm_write_preview_reads_current(method)
                         ? read_current(ctx, target, note, sizeof note)
                         : NULL;
    cJSON *parsed = body ? mm_json_parse_exact(body, strlen(body), NULL) : NULL;
    cJSON *p =
        mm_write_preview(ctx->tool->name, method, target, parsed, current, *note ? note : NULL);
    cJSON_Delete(parsed);
    cJSON_Delete(current);
    return p;
}

static int hold_back(mm_call_ctx *ctx, const char *method, const char *target, const char *body,
                     char *err, size_t err_size)
{
    mm_write_call *w = ctx->write;
    int token_mode = !w->dry_run && mode_of(ctx) == MM_CONFIRM_TOKEN;
    int asks = !w->dry_run && by_mrtr(ctx); /* the preview becomes the question */
    if (token_mode && stateless(ctx) && !w->signed_token) {
        if (issue_signed(ctx, err, err_size) != 0)
            return -1;
    } else if (token_mode && !stateless(ctx) && !*w->token) {
        if (mm_write_tokens_issue(mm_session_write_tokens(ctx->session), ctx->tool->name,
                                  w->args_digest, mm_now_ms(), w->token, err, err_size) != 0)
            return -1;
        mm_write_token_id(w->token, w->token_id);
        share_token(ctx);
    }
    mm_write_record rec = {.tool = ctx->tool->name,
                           .method = method,
                           .target = target,
                           .body = body,
                           .outcome = token_mode || asks ? MM_WRITE_PREVIEW : MM_WRITE_DRY_RUN,
                           .confirmation_id = token_mode ? w->token_id : NULL,
                           .confirmation = mm_write_confirmation_name(mode_of(ctx))};
    if (mm_write_audit(ctx->session, &rec, err, err_size) != 0)
        return -1;
    cJSON *p = make_preview(ctx, method, target, body);
    if (!w->previews)
        w->previews = cJSON_CreateArray();
    cJSON_AddItemToArray(w->previews, p);
    return 1;
}

/* Sends one write of a cleared call: its accepted line first (nothing unaudited leaves),
 * then the request, then its sent line with Mist's answer. */
static int send_now(mm_call_ctx *ctx, const char *method, const char *target, const char *body,
                    mistmcp_response **out, char *err, size_t err_size)
{
    mm_write_call *w = ctx->write;
    mm_write_record rec = {
        .tool = ctx->tool->name,
        .method = method,
        .target = target,
        .body = body,
        .outcome = MM_WRITE_ACCEPTED,
        .confirmation_id = *w->token_id && mode_of(ctx) == MM_CONFIRM_TOKEN ? w->token_id : NULL,
        .confirmation = mm_write_confirmation_name(mode_of(ctx))};
    char why[400];
    if (mm_write_audit(ctx->session, &rec, why, sizeof why) != 0)
        return mm_fail(err, err_size,
                       "%s %.200s was not sent: its audit line could not be written (%s); no "
                       "write is sent unaudited. Tell the operator.",
                       method, target, why);
    w->sending = 1;
    int rc = mm_tool_send(ctx, method, target, body, out, err, err_size);
    w->sending = 0;
    char request_id[128];
    header_value(rc == 0 ? *out : NULL, "X-Request-Id", request_id, sizeof request_id);
    rec.outcome = MM_WRITE_SENT;
    rec.mist_status = rc == 0 ? (*out)->status : 0;
    rec.mist_request_id = *request_id ? request_id : NULL;
    rec.error = rc == 0 ? NULL : err;
    if (mm_write_audit(ctx->session, &rec, why, sizeof why) != 0) {
        /* Sent already: say so where the operator looks. */
        fprintf(stderr, "mistmcp: %s %.200s was sent, but its result line failed: %s\n", method,
                target, why);
    }
    return rc;
}

/* The protocol version the session negotiated is at least v (dates compare as text). */
static int version_at_least(mm_session *s, const char *v)
{
    pthread_mutex_lock(&s->lock);
    int at_least = strcmp(s->protocol_version, v) >= 0;
    pthread_mutex_unlock(&s->lock);
    return at_least;
}

/* What the model is told when the user's answer was not accept (reply may be NULL). */
static const char *not_accepted(const cJSON *reply, const char *action)
{
    if (action && strcmp(action, "decline") == 0)
        return "The user declined this write: nothing was sent to Mist. Do not try it again "
               "unless the user asks.";
    if (action && strcmp(action, "cancel") == 0)
        return "The user dismissed the confirmation without deciding: nothing was sent to Mist.";
    if (cJSON_GetObjectItemCaseSensitive(reply, "error"))
        return "The client could not ask the user (it answered the elicitation with an error): "
               "nothing was sent to Mist.";
    return "No answer from the user in time (or the call was cancelled): nothing was sent to "
           "Mist.";
}

/* --write-confirmation elicit, and the client did not declare elicitation: refused, never a
 * question it cannot answer. */
static int refuse_no_elicitation(mm_call_ctx *ctx, const char *method, const char *target,
                                 const char *body, char *err, size_t err_size)
{
    mm_write_record rec = {.tool = ctx->tool->name,
                           .method = method,
                           .target = target,
                           .body = body,
                           .outcome = MM_WRITE_REFUSED,
                           .confirmation = "elicit",
                           .error = "the client did not declare the elicitation capability"};
    char why[400];
    if (mm_write_audit(ctx->session, &rec, why, sizeof why) != 0)
        return mm_fail(err, err_size, "%s %.200s was not sent: the audit log failed: %s", method,
                       target, why);
    return mm_fail(err, err_size,
                   "%s %.200s was not sent: this server asks the user before every write "
                   "(--write-confirmation elicit), and this client did not declare the "
                   "elicitation capability, so it cannot ask. Use a client that supports "
                   "elicitation, or ask the operator.",
                   method, target);
}

/* The elicitation/create params that ask the user whether to send the write previewed in
 * text (form mode, nothing to fill in: accept or decline). form: add "mode": "form" (2025-11-25
 * and later). */
static cJSON *confirm_params(const char *text, int form)
{
    char *message = NULL;
    size_t used = 0, cap = 0;
    mm_appendf(&message, &used, &cap,
               "An AI assistant wants to change your Mist network. Accept sends this change; "
               "decline sends nothing.\n\n%s",
               text);
    cJSON *params = cJSON_CreateObject();
    if (form)
        cJSON_AddStringToObject(params, "mode", "form");
    cJSON_AddStringToObject(params, "message", message);
    free(message);
    cJSON *schema = cJSON_AddObjectToObject(params, "requestedSchema");
    cJSON_AddStringToObject(schema, "type", "object");
    cJSON_AddObjectToObject(schema, "properties"); /* nothing to fill in: accept or decline */
    return params;
}

/* Asks the user through the client (client/elicitation, form mode) whether to send this
 * write, showing its preview; sends it on accept. Returns as mm_write_gate_request: 0 sent,
 * 2 declined or cancelled (w->answer says so), -1 with err. */
static int elicit(mm_call_ctx *ctx, const char *method, const char *target, const char *body,
                  mistmcp_response **out, char *err, size_t err_size)
{
    mm_write_call *w = ctx->write;
    mm_session *s = ctx->session;
    mm_write_record rec = {.tool = ctx->tool->name,
                           .method = method,
                           .target = target,
                           .body = body,
                           .outcome = MM_WRITE_REFUSED,
                           .confirmation = "elicit"};
    char why[400];
    if (!mm_session_client_elicits(s)) /* --write-confirmation elicit, and it cannot */
        return refuse_no_elicitation(ctx, method, target, body, err, err_size);
    cJSON *p = make_preview(ctx, method, target, body);
    char *text = mm_write_preview_text(p);
    cJSON_Delete(p);
    /* "mode" came with 2025-11-25 */
    cJSON *params = confirm_params(text, version_at_least(s, "2025-11-25"));
    free(text);
    mm_tool_progress(ctx, 0, 1, "waiting for the user to confirm the write");
    cJSON *reply =
        mm_client_request(s, ctx->request, "elicitation/create", params, MM_ELICIT_TIMEOUT_MS,
                          ctx->request ? &ctx->request->cancelled : NULL);
    const cJSON *result = cJSON_GetObjectItemCaseSensitive(reply, "result");
    const char *action = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(result, "action"));
    if (action && strcmp(action, "accept") == 0) {
        cJSON_Delete(reply);
        return send_now(ctx, method, target, body, out, err, err_size);
    }
    int declined = action && strcmp(action, "decline") == 0;
    const char *answer = not_accepted(reply, action);
    cJSON_Delete(reply);
    rec.outcome = declined ? MM_WRITE_DECLINED : MM_WRITE_CANCELLED;
    if (mm_write_audit(s, &rec, why, sizeof why) != 0)
        return mm_fail(err, err_size, "%s And the audit log failed: %s", answer, why);
    free(w->answer);
    w->answer = mm_xstrdup(answer);
    w->outcome = declined ? "declined" : "cancelled";
    return 2;
}

/* A session that lives for one request (a 2026-07-28 request over HTTP) whose call has no
 * sealer to sign a token or a requestState with (a server built without one, as some tests
 * make): refused, recorded, and the model told what works instead. */
static int refuse_per_request(mm_call_ctx *ctx, const char *method, const char *target,
                              const char *body, char *err, size_t err_size)
{
    mm_write_record rec = {.tool = ctx->tool->name,
                           .method = method,
                           .target = target,
                           .body = body,
                           .outcome = MM_WRITE_REFUSED,
                           .confirmation = mm_write_confirmation_name(mode_of(ctx)),
                           .error = "a 2026-07-28 HTTP request cannot be confirmed"};
    char why[400];
    if (mm_write_audit(ctx->session, &rec, why, sizeof why) != 0)
        return mm_fail(err, err_size, "%s %.200s was not sent: the audit log failed: %s", method,
                       target, why);
    return mm_fail(err, err_size,
                   "%s %.200s was not sent: this server confirms writes before they reach Mist "
                   "(--write-confirmation %s), and a 2026-07-28 request over HTTP keeps nothing "
                   "after its answer, so it cannot be confirmed yet. Call the tool with "
                   "dry_run: true to show the user the preview; to send it, use a 2025 session "
                   "(initialize) or stdio.",
                   method, target, mm_write_confirmation_name(mode_of(ctx)));
}

int mm_write_gate_request(mm_call_ctx *ctx, const char *method, const char *target,
                          const char *body, mistmcp_response **out, char *err, size_t err_size)
{
    mm_write_call *w = ctx->write;
    if (!w)
        return mm_fail(err, err_size, "%s %.200s refused: a write outside a write tool's call",
                       method, target);
    if (w->cleared)
        return send_now(ctx, method, target, body, out, err, err_size);
    if (!w->dry_run && by_mrtr(ctx))
        return hold_back(ctx, method, target, body, err, err_size); /* asked at the end */
    if (!w->dry_run && ctx->mrtr && mode_of(ctx) == MM_CONFIRM_ELICIT) {
        int rc = refuse_no_elicitation(ctx, method, target, body, err, err_size);
        if (!mm_mrtr_client_can(ctx->mrtr, "elicitation/create")) {
            /* 2026-07-28 basic/index: a request that needs a capability the client did not
             * declare ends with MissingRequiredClientCapabilityError (HTTP 400) */
            cJSON *data = cJSON_CreateObject();
            cJSON_AddObjectToObject(cJSON_AddObjectToObject(data, "requiredCapabilities"),
                                    "elicitation");
            mm_mrtr_fail(ctx->mrtr, MM_MISSING_CAPABILITY, err, data);
        }
        return rc;
    }
    if (!w->dry_run && ctx->session->per_request && !stateless(ctx) &&
        mode_of(ctx) != MM_CONFIRM_NONE)
        return refuse_per_request(ctx, method, target, body, err, err_size);
    if (!w->dry_run && mode_of(ctx) == MM_CONFIRM_ELICIT)
        return elicit(ctx, method, target, body, out, err, err_size);
    return hold_back(ctx, method, target, body, err, err_size);
}

cJSON *mm_write_gate_finish(mm_call_ctx *ctx, cJSON *res)
{
    mm_write_call *w = ctx->write;
    if (w && w->answer) { /* the user said no (elicit): that is the call's answer */
        cJSON_Delete(res);
        cJSON *result = mm_result_text(w->answer, 0);
        cJSON *sc = cJSON_AddObjectToObject(result, "structuredContent");
        cJSON_AddBoolToObject(sc, "sent", 0);
        cJSON_AddStringToObject(sc, "outcome", w->outcome);
        return result;
    }
    if (!w || !w->previews)
        return res;
    cJSON_Delete(res);
    if (!w->dry_run && by_mrtr(ctx)) { /* the question, in the call's input_required result */
        char *buf = NULL;
        size_t used = 0, cap = 0;
        const cJSON *p;
        cJSON_ArrayForEach(p, w->previews)
        {
            char *text = mm_write_preview_text(p);
            mm_appendf(&buf, &used, &cap, "%s", text);
            free(text);
        }
        cJSON *request = cJSON_CreateObject();
        cJSON_AddStringToObject(request, "method", "elicitation/create");
        cJSON_AddItemToObject(request, "params", confirm_params(buf ? buf : "", 1));
        free(buf);
        mm_mrtr_ask(ctx->mrtr, MM_WRITE_INPUT_KEY, request);
        return mm_result_text("Nothing was sent yet: the user is asked to confirm.", 0);
    }
    char *buf = NULL;
    size_t used = 0, cap = 0;
    mm_appendf(&buf, &used, &cap, "%s",
               w->dry_run ? "Dry run: nothing was sent.\n" : "Nothing was sent yet. The write:\n");
    const cJSON *p;
    cJSON_ArrayForEach(p, w->previews)
    {
        char *text = mm_write_preview_text(p);
        mm_appendf(&buf, &used, &cap, "%s", text);
        free(text);
    }
    const char *token = w->signed_token ? w->signed_token : *w->token ? w->token : NULL;
    if (token)
        mm_appendf(&buf, &used, &cap,
                   "To make this change: show the preview above to the user and ask whether to "
                   "go ahead. Only if they agree, repeat this same call with exactly the same "
                   "arguments plus \"confirm\": \"%s\" among the tool's arguments. The token "
                   "works once, for 5 minutes, %s; any changed argument needs a new preview. "
                   "Never confirm on your own.",
                   token, w->signed_token ? "with this Mist token only" : "in this session only");
    cJSON *result = mm_result_text(buf, 0);
    free(buf);
    cJSON *sc = cJSON_AddObjectToObject(result, "structuredContent");
    cJSON_AddBoolToObject(sc, "sent", 0);
    cJSON_AddBoolToObject(sc, "dry_run", w->dry_run);
    cJSON_AddItemToObject(sc, "preview", w->previews);
    w->previews = NULL;
    if (token) {
        cJSON *c = cJSON_AddObjectToObject(sc, "confirmation");
        cJSON_AddStringToObject(c, "token", token);
        cJSON_AddNumberToObject(c, "expires_in_seconds", (double)(MM_CONFIRM_TTL_MS / 1000));
    }
    return result;
}

void mm_write_call_free(mm_write_call *w)
{
    free(w->confirm);
    free(w->signed_token);
    free(w->answer);
    cJSON_Delete(w->previews);
    memset(w, 0, sizeof *w);
}
