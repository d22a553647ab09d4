/*
 * The write gate: every request that changes something at Mist passes here, whoever makes
 * it (a generated write tool, callMistWriteTool, which runs those same tools, or a custom
 * plugin's host->mist_request). tool_exec.c's one sending function refuses a write unless
 * this gate is sending it, so there is no other way to Mist.
 *
 * A write is sent only once it is confirmed, in the mode in effect (--write-confirmation,
 * MISTMCP_WRITE_CONFIRMATION):
 *   elicit  the default when the client declared form-mode elicitation: before each write the
 *           server sends the client elicitation/create (MCP 2025-11-25, client/elicitation)
 *           with the preview, on the call's own stream, and waits; only accept sends it;
 *           decline, cancel, an error or no answer in 10 minutes send nothing, and the model
 *           is told so. A confirm token means nothing here.
 *           A 2026-07-28 call (ctx->mrtr; its own _meta says whether the client elicits)
 *           cannot be asked mid-call (basic/patterns/mrtr): its writes are held back, and the
 *           call ends with input_required asking MM_WRITE_INPUT_KEY with the same preview and
 *           a signed requestState bound to the tool, its arguments and the caller's token
 *           (mcp/mrtr.h). The retry carrying that state and the answer sends the writes on
 *           accept; decline and cancel send nothing; a changed, expired, used or foreign
 *           state is refused before anything runs (-32602).
 *   token   the default otherwise: the call is cleared when it carries confirm: "<token>"
 *           that this session was given for this tool and these exact arguments, within 5
 *           minutes, once (mcp/write_confirm.h); else the write is held back and the call
 *           answers its preview and a new token.
 *           A 2026-07-28 call keeps no session to hold a token: its token is a sealed state
 *           (mcp/request_state.h: signed, expiring after 5 minutes, single use in this
 *           process) bound to the tool, the arguments and the caller's Mist token, so that the
 *           confirming call may reach any replica that shares the key.
 *   none    always (the operator chose it).
 * A preview reads the target first where that tells something (GET, mcp/write_preview.h).
 * dry_run: true always previews and sends nothing, with no token and nobody asked. Every
 * attempt is audited (mcp/write_audit.h) before anything leaves; an audit line that cannot be
 * written refuses the write.
 *
 * The two arguments the gate owns, dry_run (boolean) and confirm (string), are taken out of a
 * write tool's arguments before the tool's own checks: the tool never sees them, and the token
 * is bound to the arguments without them.
 *
 * Ownership: an mm_write_call lives on the stack of one tool call (mm_write_call_free).
 * Thread-safety: a call is one thread's; the session's token store and the audit log lock.
 */
#ifndef MISTMCP_CORE_MCP_WRITE_GATE_H
#define MISTMCP_CORE_MCP_WRITE_GATE_H

#include "base/sha256.h"
#include "mcp/write_confirm.h"

#include <cjson/cJSON.h>
#include <mistmcp/plugin.h>

struct mm_call_ctx;
struct mm_session;

typedef struct mm_write_call {
    int dry_run;
    char *confirm; /* the token the call carries (owned), or NULL */
    int cleared;   /* its writes go to Mist: mode none, or a redeemed token */
    int sending;   /* set only while the gate sends one write (tool_exec.c checks it) */
    unsigned char args_digest[MM_SHA256_LEN]; /* the canonical arguments, without ours */
    char token[MM_CONFIRM_TOKEN_SIZE];        /* issued by this call, or "" */
    char *signed_token;  /* issued by a 2026-07-28 call (a sealed state, owned), or NULL */
    char token_id[13];   /* mm_write_token_id of token or confirm */
    cJSON *previews;     /* writes held back (array), or NULL */
    char *answer;        /* elicit: why nothing was sent (the user declined...), owned */
    const char *outcome; /* with answer: "declined" or "cancelled" */
} mm_write_call;

/* The key of the confirmation question in a 2026-07-28 input_required result's
 * inputRequests (and of its answer in the retry's inputResponses). */
#define MM_WRITE_INPUT_KEY "confirm_write"

/* How long an elicited write waits for the user's answer. */
#define MM_ELICIT_TIMEOUT_MS (10L * 60 * 1000)

/* 1 if method to target changes something: any method but GET, or a GET to an action path
 * (base/action_path.h); target is a path with or without query. */
int mm_write_is_write(const char *method, const char *target);

/* 1 if tool is a write tool (the gate applies): a declarative tool whose method is not GET
 * or whose path acts, or a custom tool not annotated read-only. */
int mm_write_tool(const mistmcp_tool *tool);

/* Takes dry_run and confirm out of args (an object) into w and binds w to the rest (the
 * digest of their canonical form: members sorted by name at every depth, numbers as
 * written). Call after the tool's defaults are applied. Returns NULL, or an isError result
 * naming the argument when dry_run is not a boolean or confirm not a string. */
cJSON *mm_write_gate_begin(const mistmcp_tool *tool, cJSON *args, mm_write_call *w);

/* In token mode, redeems the call's confirm token (when it has one and is no dry run):
 * NULL when the call is cleared or has none, else the isError result that ends the call
 * (unknown, used, expired, another tool's or other arguments': nothing is sent), audited
 * with method, target and body when known (NULL for a custom tool). */
cJSON *mm_write_gate_redeem(struct mm_call_ctx *ctx, const char *method, const char *target,
                            const char *body);

/* One write of the call. Returns 0 with *out when sent (Mist's answer), 1 when held back
 * (previewed, nothing sent), 2 when the user declined or dismissed it (elicit; nothing
 * sent), -1 with err (the audit log failed: nothing sent; or the send failed). In elicit
 * mode the worker waits here, up to MM_ELICIT_TIMEOUT_MS, for the user's answer. */
int mm_write_gate_request(struct mm_call_ctx *ctx, const char *method, const char *target,
                          const char *body, mistmcp_response **out, char *err, size_t err_size);

/* Ends the call: when the user declined a write, the result says so; when writes were held
 * back, the result is their preview (and, in token mode, the token and what to do with it);
 * res is then dropped; else res. Takes res. */
cJSON *mm_write_gate_finish(struct mm_call_ctx *ctx, cJSON *res);

/* 1 if this session's writes are confirmed by elicitation (write tools on, and the mode in
 * effect is elicit): its write calls should run where the client can be asked (an HTTP POST
 * answered as an event stream). Thread-safe. */
int mm_write_gate_elicits(struct mm_session *s);

void mm_write_call_free(mm_write_call *w);

/* The canonical form of args (caller frees): members sorted by name at every depth, no
 * white space, numbers as written. For tests. */
char *mm_write_canonical(const cJSON *args);

#endif
