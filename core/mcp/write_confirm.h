/*
 * One-time write confirmation tokens (--write-confirmation token): the first call of a write
 * tool gets a preview and a token; only the same call repeated with confirm: "<token>" sends
 * the write. A token is bound to the session that holds the store (another session's store
 * never knows it), to the tool and to the exact arguments (a digest of their canonical form),
 * is single-use (a redeem removes it, whatever the outcome), and expires MM_CONFIRM_TTL_MS
 * after issue.
 *
 * Tokens are 192 bits from getrandom (48 hex digits after "mmc_"); the store keeps only their
 * SHA-256 (a memory dump shows no usable token) and compares digests in constant time. At
 * most MM_CONFIRM_MAX tokens per session: a new one evicts the oldest.
 *
 * Ownership: a session owns its store (mm_session.write_tokens). Thread-safety: every function
 * may be called from any thread (the store has its own lock). Units: milliseconds of
 * CLOCK_MONOTONIC (mm_now_ms).
 */
#ifndef MISTMCP_CORE_MCP_WRITE_CONFIRM_H
#define MISTMCP_CORE_MCP_WRITE_CONFIRM_H

#include "base/sha256.h"

#include <stddef.h>

#define MM_CONFIRM_TTL_MS (5LL * 60 * 1000)
#define MM_CONFIRM_MAX 32
#define MM_CONFIRM_PREFIX "mmc_"
#define MM_CONFIRM_RANDOM_BYTES 24
/* "mmc_" + 48 hex digits + NUL */
#define MM_CONFIRM_TOKEN_SIZE (sizeof MM_CONFIRM_PREFIX - 1 + 2 * MM_CONFIRM_RANDOM_BYTES + 1)

typedef struct mm_write_tokens mm_write_tokens;

typedef enum mm_redeem {
    MM_REDEEM_OK = 0,
    MM_REDEEM_UNKNOWN,    /* never issued here, already used, or evicted */
    MM_REDEEM_EXPIRED,    /* issued here, but more than MM_CONFIRM_TTL_MS ago */
    MM_REDEEM_OTHER_TOOL, /* issued for another tool */
    MM_REDEEM_OTHER_ARGS  /* issued for other arguments */
} mm_redeem;

mm_write_tokens *mm_write_tokens_create(void);
void mm_write_tokens_destroy(mm_write_tokens **store);

/* Issues a token for tool and the digest of its canonical arguments, valid until
 * now_ms + MM_CONFIRM_TTL_MS, into token. Returns 0, or -1 with err if the OS random
 * generator failed (then no token exists). */
int mm_write_tokens_issue(mm_write_tokens *store, const char *tool,
                          const unsigned char args_digest[MM_SHA256_LEN], long long now_ms,
                          char token[MM_CONFIRM_TOKEN_SIZE], char *err, size_t err_size);

/* Redeems token for tool and args_digest at now_ms. A token found is removed whatever the
 * outcome (single use: a refused redeem needs a new preview). */
mm_redeem mm_write_tokens_redeem(mm_write_tokens *store, const char *token, const char *tool,
                                 const unsigned char args_digest[MM_SHA256_LEN], long long now_ms);

/* Tokens held (for tests). */
size_t mm_write_tokens_count(mm_write_tokens *store);

/* A short, safe-to-log stand-in for a confirmation token: 12 hex digits of its SHA-256, into
 * out (13 bytes). Links a preview's audit line to its confirmation without the token. */
void mm_write_token_id(const char *token, char out[13]);

#endif
