/*
 * One tools/call of the modern era as a multi round-trip request (MCP 2026-07-28
 * basic/patterns/mrtr): what the client answered (params.inputResponses, and the answers of
 * earlier rounds carried in a verified params.requestState), what this round asks
 * (inputRequests), and the end of the call: an input_required result with a new sealed state,
 * a JSON-RPC error, or the tool's own result.
 *
 * A requestState (mcp/request_state.h) is bound to the tool name, a digest of the call's
 * canonical arguments and a keyed stand-in for the caller's Mist token: presented on another
 * tool, other arguments or by another caller it is refused (-32602), as when changed, expired
 * or used before. Its payload: "t" tool, "a" arguments digest, "p" principal, "q" the keys this
 * round asked, "r" the answers so far (the next round's inputResponses add to them); never "k",
 * which marks the other states this server seals (a write's confirmation token, refused here).
 *
 * Ownership: an mm_mrtr lives on the stack of one call (mm_mrtr_free). Thread-safety: one
 * thread's, like its call; the sealer it uses locks itself.
 */
#ifndef MISTMCP_CORE_MCP_MRTR_H
#define MISTMCP_CORE_MCP_MRTR_H

#include "mcp/request_state.h"

#include <cjson/cJSON.h>

/* MCP 2026-07-28 MissingRequiredClientCapabilityError (basic/index "Error Codes"). */
#define MM_MISSING_CAPABILITY -32021

typedef struct mm_mrtr {
    mm_request_state *rs; /* the server's sealer; NULL: no state can be issued */
    const cJSON *caps;    /* the request's clientCapabilities (an object) */
    cJSON *responses;     /* every answer known this round (an object, owned) */
    /* the answers the next state carries (an object, owned): the earlier rounds', and this
     * round's to keys the verified state asked; never one given before its question */
    cJSON *carry;
    cJSON *asked;         /* keys the verified state asked (array, owned), or NULL */
    cJSON *requests;      /* this round's inputRequests (object, owned), or NULL */
    int verified;         /* the call carried a requestState that passed every check */
    char tool[129];       /* the state's binding */
    char args_digest[65]; /* hex SHA-256 of the canonical arguments */
    char principal[33];   /* mm_request_state_principal of the caller's token */
    int error_code;       /* nonzero: the call ends with this JSON-RPC error */
    char error_message[400];
    cJSON *error_data; /* owned, or NULL */
} mm_mrtr;

/* Reads params (a tools/call's) into m for the caller holding token: checks inputResponses
 * (an object of objects) and requestState (opens, checks the binding, consumes it). Returns
 * NULL, or the JSON-RPC error response (-32602) to answer with id; m is then still freed with
 * mm_mrtr_free. rs may be NULL (then any requestState is refused: none was issued). */
cJSON *mm_mrtr_begin(mm_mrtr *m, mm_request_state *rs, const cJSON *id, const cJSON *params,
                     const cJSON *caps, const char *token);

/* 1 if the request's client declared the capability the input method needs: elicitation
 * (form mode: {} or with "form") for elicitation/create, sampling for
 * sampling/createMessage, roots for roots/list. */
int mm_mrtr_client_can(const mm_mrtr *m, const char *method);

/* The client's answer to key (this round's or a verified earlier one's), or NULL. */
const cJSON *mm_mrtr_response(const mm_mrtr *m, const char *key);

/* 1 if the verified requestState says key was asked in the round before this one: the answer
 * to key then belongs to this very call (tool, arguments, caller). */
int mm_mrtr_answers_asked(const mm_mrtr *m, const char *key);

/* Asks the client request {"method", "params"} (taken) under key this round; the call then
 * ends with input_required. */
void mm_mrtr_ask(mm_mrtr *m, const char *key, cJSON *request);

/* Ends the call with JSON-RPC error code, message and data (taken, may be NULL); the first
 * failure wins. */
void mm_mrtr_fail(mm_mrtr *m, int code, const char *message, cJSON *data);

/* The call's response for id, taking result (a CallToolResult, may be NULL): the error when
 * one was set; an input_required result (result dropped) when something was asked, with a new
 * requestState carrying the answers so far to the questions asked (m->carry); else result. */
cJSON *mm_mrtr_end(mm_mrtr *m, const cJSON *id, cJSON *result);

void mm_mrtr_free(mm_mrtr *m);

#endif
