/*
 * SHA-256 (FIPS 180-4), for digests that leave no secret behind: the audit log's body digest,
 * and what a write confirmation token and its arguments are kept as (never the token itself).
 * Not for passwords (no salt, no stretching) and not a MAC.
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

#endif
