#define _POSIX_C_SOURCE 200809L
#include "mcp/mrtr.h"

#include "base/util.h"
#include "mcp/protocol.h"
#include "mcp/write_gate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A JSON-RPC error response (as mm_protocol_error, which would link the whole protocol into
 * every user of the write gate). */
static cJSON *rpc_error(const cJSON *id, int code, const char *message)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "jsonrpc", "2.0");
    cJSON_AddItemToObject(r, "id", id ? cJSON_Duplicate(id, 1) : cJSON_CreateNull());
    cJSON *e = cJSON_AddObjectToObject(r, "error");
    cJSON_AddNumberToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    return r;
}

static cJSON *invalid(const cJSON *id, const char *text)
{
    return rpc_error(id, MM_INVALID_PARAMS, text);
}

/* Checks that the opened state p is this call's: same tool, arguments and caller. */
static const char *binding_problem(const mm_mrtr *m, const cJSON *p)
{
    const char *t = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "t"));
    const char *a = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "a"));
    const char *who = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "p"));
    if (cJSON_GetObjectItemCaseSensitive(p, "k")) /* a write's signed token (write_gate.c) */
        return "requestState is a confirmation token, not the state of an input_required result";
    if (!t || strcmp(t, m->tool) != 0)
        return "requestState was issued for another tool";
    if (!a || strcmp(a, m->args_digest) != 0)
        return "requestState was issued for other arguments (a retry repeats the arguments of "
               "the first call exactly)";
    if (!who || strcmp(who, m->principal) != 0)
        return "requestState was issued to another caller (another Mist token)";
    return NULL;
}

cJSON *mm_mrtr_begin(mm_mrtr *m, mm_request_state *rs, const cJSON *id, const cJSON *params,
                     const cJSON *caps, const char *token)
{
    memset(m, 0, sizeof *m);
    m->rs = rs;
    m->caps = caps;
    m->responses = cJSON_CreateObject();
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(params, "name");
    snprintf(m->tool, sizeof m->tool, "%s", cJSON_IsString(name) ? name->valuestring : "");
    const cJSON *args = cJSON_GetObjectItemCaseSensitive(params, "arguments");
    cJSON *empty = cJSON_IsObject(args) ? NULL : cJSON_CreateObject();
    char *canon = mm_write_canonical(empty ? empty : args);
    cJSON_Delete(empty);
    mm_sha256_hex(canon, strlen(canon), m->args_digest);
    free(canon);
    if (rs)
        mm_request_state_principal(rs, token, m->principal);

    const cJSON *in = cJSON_GetObjectItemCaseSensitive(params, "inputResponses");
    if (in && !cJSON_IsObject(in))
        return invalid(id, "params.inputResponses must be an object: the answers to an "
                           "input_required result's inputRequests, by their keys");
    const cJSON *r;
    cJSON_ArrayForEach(r, in)
    {
        if (!cJSON_IsObject(r)) {
            char text[300];
            snprintf(text, sizeof text,
                     "params.inputResponses[\"%.100s\"] must be an object (the client's result "
                     "for that input request, e.g. {\"action\": \"accept\"})",
                     r->string);
            return invalid(id, text);
        }
    }
    const cJSON *state = cJSON_GetObjectItemCaseSensitive(params, "requestState");
    if (state && !cJSON_IsString(state))
        return invalid(id, "params.requestState must be the string an input_required result "
                           "gave, unchanged");
    if (state) {
        cJSON *p = NULL;
        long long now = mm_state_now_ms();
        mm_state_verdict v =
            rs ? mm_request_state_open(rs, state->valuestring, now, &p) : MM_STATE_FORGED;
        const char *why = v != MM_STATE_OK ? mm_state_verdict_text(v) : binding_problem(m, p);
        if (!why && (v = mm_request_state_consume(rs, p, now)) != MM_STATE_OK)
            why = mm_state_verdict_text(v);
        if (why) {
            cJSON_Delete(p);
            char text[400];
            snprintf(text, sizeof text, "Refused: %s. Nothing was run.", why);
            return invalid(id, text);
        }
        cJSON *earlier = cJSON_DetachItemFromObjectCaseSensitive(p, "r");
        if (cJSON_IsObject(earlier)) {
            cJSON_Delete(m->responses);
            m->responses = cJSON_Duplicate(earlier, 1);
            m->carry = earlier;
        } else {
            cJSON_Delete(earlier);
        }
        cJSON *asked = cJSON_DetachItemFromObjectCaseSensitive(p, "q");
        if (cJSON_IsArray(asked))
            m->asked = asked;
        else
            cJSON_Delete(asked);
        m->verified = 1;
        cJSON_Delete(p);
    }
    if (!m->carry)
        m->carry = cJSON_CreateObject();
    cJSON_ArrayForEach(r, in)
    {
        cJSON_DeleteItemFromObjectCaseSensitive(m->responses, r->string);
        cJSON_AddItemToObject(m->responses, r->string, cJSON_Duplicate(r, 1));
        if (!mm_mrtr_answers_asked(m, r->string))
            continue; /* not asked: read this round, never carried (nor grown by a client) */
        cJSON_DeleteItemFromObjectCaseSensitive(m->carry, r->string);
        cJSON_AddItemToObject(m->carry, r->string, cJSON_Duplicate(r, 1));
    }
    return NULL;
}

int mm_mrtr_client_can(const mm_mrtr *m, const char *method)
{
    if (!method)
        return 0;
    if (strcmp(method, "elicitation/create") == 0) {
        const cJSON *el = cJSON_GetObjectItemCaseSensitive(m->caps, "elicitation");
        return cJSON_IsObject(el) && (!el->child || cJSON_GetObjectItemCaseSensitive(el, "form"));
    }
    const char *cap = strcmp(method, "sampling/createMessage") == 0 ? "sampling"
                      : strcmp(method, "roots/list") == 0           ? "roots"
                                                                    : NULL;
    return cap && cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(m->caps, cap));
}

const cJSON *mm_mrtr_response(const mm_mrtr *m, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(m->responses, key);
}

int mm_mrtr_answers_asked(const mm_mrtr *m, const char *key)
{
    if (!m->verified || !mm_mrtr_response(m, key))
        return 0;
    const cJSON *k;
    cJSON_ArrayForEach(k, m->asked)
    {
        if (cJSON_IsString(k) && strcmp(k->valuestring, key) == 0)
            return 1;
    }
    return 0;
}

void mm_mrtr_ask(mm_mrtr *m, const char *key, cJSON *request)
{
    if (!m->requests)
        m->requests = cJSON_CreateObject();
    cJSON_DeleteItemFromObjectCaseSensitive(m->requests, key);
    cJSON_AddItemToObject(m->requests, key, request);
}

void mm_mrtr_fail(mm_mrtr *m, int code, const char *message, cJSON *data)
{
    if (m->error_code) {
        cJSON_Delete(data);
        return;
    }
    m->error_code = code;
    snprintf(m->error_message, sizeof m->error_message, "%s", message);
    m->error_data = data;
}

static cJSON *response(const cJSON *id, cJSON *value)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "jsonrpc", "2.0");
    cJSON_AddItemToObject(r, "id", cJSON_Duplicate(id, 1));
    cJSON_AddItemToObject(r, "result", value);
    return r;
}

cJSON *mm_mrtr_end(mm_mrtr *m, const cJSON *id, cJSON *result)
{
    if (!m->error_code && m->requests && !m->rs)
        mm_mrtr_fail(m, MM_INTERNAL_ERROR,
                     "this tool needs input from the user, and this server cannot issue a "
                     "requestState",
                     NULL);
    if (m->error_code) {
        cJSON_Delete(result);
        cJSON *e = rpc_error(id, m->error_code, m->error_message);
        if (m->error_data) {
            cJSON_AddItemToObject(cJSON_GetObjectItemCaseSensitive(e, "error"), "data",
                                  m->error_data);
            m->error_data = NULL;
        }
        return e;
    }
    if (!m->requests)
        return response(id, result ? result : cJSON_CreateObject());
    cJSON_Delete(result);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "t", m->tool);
    cJSON_AddStringToObject(p, "a", m->args_digest);
    cJSON_AddStringToObject(p, "p", m->principal);
    cJSON *q = cJSON_AddArrayToObject(p, "q");
    const cJSON *k;
    cJSON_ArrayForEach(k, m->requests) cJSON_AddItemToArray(q, cJSON_CreateString(k->string));
    cJSON_AddItemToObject(p, "r", m->carry);
    m->carry = NULL;
    char err[300];
    char *state = mm_request_state_seal(m->rs, p, mm_state_now_ms(), err, sizeof err);
    if (!state) {
        char text[400];
        snprintf(text, sizeof text, "the input request could not be issued: %s", err);
        return rpc_error(id, MM_INTERNAL_ERROR, text);
    }
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "resultType", "input_required");
    cJSON_AddItemToObject(r, "inputRequests", m->requests);
    m->requests = NULL;
    cJSON_AddStringToObject(r, "requestState", state);
    free(state);
    return response(id, r);
}

void mm_mrtr_free(mm_mrtr *m)
{
    cJSON_Delete(m->responses);
    cJSON_Delete(m->carry);
    cJSON_Delete(m->asked);
    cJSON_Delete(m->requests);
    cJSON_Delete(m->error_data);
    memset(m, 0, sizeof *m);
}
