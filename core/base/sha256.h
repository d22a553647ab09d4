/*
 * SHA-256 (FIPS 180-4), for digests that leave no secret behind: the audit log's body digest,
 * and what a write confirmation token and its arguments are kept as (never the token itself).
 * Not for passwords (no salt, no stretching). mm_hmac_sha256 is the MAC built on it (RFC 2104,
 * the test vectors of RFC 4231): what signs a 2026-07-28 requestState (mcp/request_state.h).
 *
 * Thread-safety: no shared state; a context is used by one thread. Units: bytes.
 */
#ifndef MISTMCP_CORE_BASE_SHA256_H
#define MISTMCP_CORE_BASE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define MM_SHA256_LEN 32

typedef struct mm_sha256_ctx {
    uint32_t h[8];
    uint64_t length; /* bytes hashed so far */
    unsigned char block[64];
    size_t used; /* bytes of block filled */
} mm_sha256_ctx;

void mm_sha256_init(mm_sha256_ctx *c);
void mm_sha256_update(mm_sha256_ctx *c, const void *data, size_t len);
void mm_sha256_final(mm_sha256_ctx *c, unsigned char out[MM_SHA256_LEN]);

/* The digest of data[0..len) in one call. */
void mm_sha256(const void *data, size_t len, unsigned char out[MM_SHA256_LEN]);
/* The digest as 64 lower-case hex digits and a NUL. */
void mm_sha256_hex(const void *data, size_t len, char out[2 * MM_SHA256_LEN + 1]);

/* HMAC-SHA-256 (RFC 2104) of data[0..len) under key[0..key_len) (any length: a key longer
 * than 64 bytes is hashed first), into out. No state; the key is wiped from the stack. */
void mm_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                    unsigned char out[MM_SHA256_LEN]);

/* A key made from a secret file an operator gives (--request-state-key-file,
 * --session-secret-file): the SHA-256 of its bytes, without a trailing newline. The file must
 * hold MM_KEY_FILE_MIN_BYTES to MM_KEY_FILE_MAX_BYTES bytes. Returns 0, or -1 with one
 * sentence in err naming option and path and how to make such a file. The file's bytes are
 * wiped from the stack. */
#define MM_KEY_FILE_MIN_BYTES 32
#define MM_KEY_FILE_MAX_BYTES 4096
int mm_key_file_sha256(const char *path, const char *option, unsigned char key[MM_SHA256_LEN],
                       char *err, size_t err_size);

/* 1 if a[0..n) equals b[0..n), in time that depends on n only (for MACs and digests). */
int mm_digest_equal(const void *a, const void *b, size_t n);

#endif
