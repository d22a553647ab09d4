/*
 * The requestState of an input_required result (MCP 2026-07-28 basic/patterns/mrtr, "Server
 * Requirements"): a payload the client carries from one round of a call to the next, sealed so
 * that this server, or a replica sharing its key, can tell it is its own, unchanged, and still
 * fresh, and used at most once here.
 *
 * Wire form: "mm1." base64url(payload JSON) "." base64url(HMAC-SHA-256(key, "mm1." payload64)).
 * The payload is readable by whoever holds the string (it is integrity-protected, not
 * encrypted): put no secret in it. The sealer adds two members: "e", the expiry in Unix
 * milliseconds (wall clock: replicas compare it), and "n", 128 random bits that name this one
 * state for the replay cache.
 *
 * The key: 32 random bytes per process by default (only this process can open its states), or
 * the SHA-256 of a file the operator gives (--request-state-key-file) so that replicas behind
 * one load balancer open each other's. Single use: every state opened and consumed is remembered
 * until it expires, in this process only (MM_STATE_REPLAY_MAX at most: when full of live
 * entries a consume fails closed). Across replicas, a state could be used once per replica:
 * the spec's "MUST enforce server-side" needs shared storage this server does not have.
 *
 * Ownership: the server owns one (mm_server.request_state). Thread-safety: every function may be
 * called from any thread (the replay cache has its own lock; the key is read-only).
 */
#ifndef MISTMCP_CORE_MCP_REQUEST_STATE_H
#define MISTMCP_CORE_MCP_REQUEST_STATE_H

#include "base/sha256.h"

#include <cjson/cJSON.h>
#include <stddef.h>

#define MM_STATE_TTL_MS (5LL * 60 * 1000) /* the same 5 minutes as a confirmation token */
#define MM_STATE_MAX_BYTES 16384          /* a sealed state longer than this is refused */
#define MM_STATE_REPLAY_MAX 16384         /* states remembered as used, per process */
#define MM_STATE_KEY_MIN_BYTES MM_KEY_FILE_MIN_BYTES /* a shorter key file is refused */
#define MM_STATE_KEY_MAX_BYTES MM_KEY_FILE_MAX_BYTES /* a longer key file is refused */

typedef struct mm_request_state mm_request_state;

typedef enum mm_state_verdict {
    MM_STATE_OK = 0,
    MM_STATE_MALFORMED, /* not of the wire form, or its payload not a JSON object */
    MM_STATE_FORGED,    /* the MAC does not match: changed, or sealed with another key */
    MM_STATE_EXPIRED,   /* sealed more than MM_STATE_TTL_MS ago */
    MM_STATE_REPLAYED,  /* consumed before (single use) */
    MM_STATE_BUSY       /* the replay cache is full of live states: refused, fail closed */
} mm_state_verdict;

/* A sealer with the SHA-256 of key_file's bytes (a last newline left out) as key, or 32 bytes
 * of getrandom when key_file is NULL. NULL with err if the file cannot be read, holds fewer
 * than MM_STATE_KEY_MIN_BYTES or more than MM_STATE_KEY_MAX_BYTES bytes, or the OS random
 * generator failed. */
mm_request_state *mm_request_state_create(const char *key_file, char *err, size_t err_size);
void mm_request_state_destroy(mm_request_state **rs);

/* Seals payload (an object, taken) with "e" = now_ms + MM_STATE_TTL_MS and a fresh "n". Returns
 * the state (caller frees), or NULL with err (random generator failed, or the sealed state
 * would pass MM_STATE_MAX_BYTES). now_ms: Unix milliseconds (mm_state_now_ms). */
char *mm_request_state_seal(mm_request_state *rs, cJSON *payload, long long now_ms, char *err,
                            size_t err_size);

/* Checks text's MAC and expiry at now_ms; on MM_STATE_OK *payload is the payload (caller
 * frees), else NULL. Consumes nothing: see mm_request_state_consume. */
mm_state_verdict mm_request_state_open(mm_request_state *rs, const char *text, long long now_ms,
                                       cJSON **payload);

/* Marks an opened payload's state used: MM_STATE_OK the first time, MM_STATE_REPLAYED after,
 * MM_STATE_BUSY when the cache has no room (nothing recorded). */
mm_state_verdict mm_request_state_consume(mm_request_state *rs, const cJSON *payload,
                                          long long now_ms);

/* A keyed stand-in for a caller's credential (the Mist token): 32 hex digits of
 * HMAC(key, "principal\n" token) into out (33 bytes); never the token itself. token may be
 * NULL (no token: the same stand-in for every caller without one). */
void mm_request_state_principal(const mm_request_state *rs, const char *token, char out[33]);

/* Why a verdict refuses a state, for the error a client sees (static text). */
const char *mm_state_verdict_text(mm_state_verdict v);

/* The wall clock in Unix milliseconds (CLOCK_REALTIME), which states' expiry is on. */
long long mm_state_now_ms(void);

#endif
