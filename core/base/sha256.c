#define _DEFAULT_SOURCE /* explicit_bzero */
#include "base/sha256.h"

#include "base/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const uint32_t k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t ror(uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

static void compress(mm_sha256_ctx *c, const unsigned char *b)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
               (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = c->h[0], bb = c->h[1], cc = c->h[2], d = c->h[3], e = c->h[4], f = c->h[5],
             g = c->h[6], h = c->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 =
            h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & bb) ^ (a & cc) ^ (bb & cc));
        h = g, g = f, f = e, e = d + t1, d = cc, cc = bb, bb = a, a = t1 + t2;
    }
    c->h[0] += a, c->h[1] += bb, c->h[2] += cc, c->h[3] += d;
    c->h[4] += e, c->h[5] += f, c->h[6] += g, c->h[7] += h;
}

void mm_sha256_init(mm_sha256_ctx *c)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, iv, sizeof iv);
    c->length = 0;
    c->used = 0;
}

void mm_sha256_update(mm_sha256_ctx *c, const void *data, size_t len)
{
    const unsigned char *p = data;
    c->length += len;
    while (len > 0) {
        size_t n = sizeof c->block - c->used < len ? sizeof c->block - c->used : len;
        memcpy(c->block + c->used, p, n);
        c->used += n, p += n, len -= n;
        if (c->used == sizeof c->block) {
            compress(c, c->block);
            c->used = 0;
        }
    }
}

void mm_sha256_final(mm_sha256_ctx *c, unsigned char out[MM_SHA256_LEN])
{
    uint64_t bits = c->length * 8;
    unsigned char pad = 0x80;
    mm_sha256_update(c, &pad, 1);
    pad = 0;
    while (c->used != 56)
        mm_sha256_update(c, &pad, 1);
    unsigned char len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(bits >> (56 - 8 * i));
    mm_sha256_update(c, len, sizeof len);
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++)
            out[4 * i + j] = (unsigned char)(c->h[i] >> (24 - 8 * j));
}

void mm_sha256(const void *data, size_t len, unsigned char out[MM_SHA256_LEN])
{
    mm_sha256_ctx c;
    mm_sha256_init(&c);
    mm_sha256_update(&c, data, len);
    mm_sha256_final(&c, out);
}

void mm_sha256_hex(const void *data, size_t len, char out[2 * MM_SHA256_LEN + 1])
{
    unsigned char d[MM_SHA256_LEN];
    mm_sha256(data, len, d);
    mm_hex(d, 2 * MM_SHA256_LEN, out);
}

void mm_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                    unsigned char out[MM_SHA256_LEN])
{
    unsigned char kb[64] = {0}, pad[64], inner[MM_SHA256_LEN];
    if (key_len > sizeof kb)
        mm_sha256(key, key_len, kb);
    else if (key_len)
        memcpy(kb, key, key_len);
    mm_sha256_ctx c;
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] = (unsigned char)(kb[i] ^ 0x36);
    mm_sha256_init(&c);
    mm_sha256_update(&c, pad, sizeof pad);
    mm_sha256_update(&c, data, len);
    mm_sha256_final(&c, inner);
    for (size_t i = 0; i < sizeof pad; i++)
        pad[i] = (unsigned char)(kb[i] ^ 0x5c);
    mm_sha256_init(&c);
    mm_sha256_update(&c, pad, sizeof pad);
    mm_sha256_update(&c, inner, sizeof inner);
    mm_sha256_final(&c, out);
    volatile unsigned char *v = kb; /* the key does not outlive the call on the stack */
    for (size_t i = 0; i < sizeof kb; i++)
        v[i] = 0;
    v = pad;
    for (size_t i = 0; i < sizeof pad; i++)
        v[i] = 0;
}

int mm_digest_equal(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    unsigned char diff = 0;
    for (size_t i = 0; i < n; i++)
        diff |= (unsigned char)(x[i] ^ y[i]);
    return diff == 0;
}

int mm_key_file_sha256(const char *path, const char *option, unsigned char key[MM_SHA256_LEN],
                       char *err, size_t err_size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mm_fail(err, err_size, "%s %s: %s", option, path, strerror(errno));
    unsigned char buf[MM_KEY_FILE_MAX_BYTES + 1]; /* one more: a longer file is seen */
    size_t n = fread(buf, 1, sizeof buf, f);
    int bad = ferror(f);
    fclose(f);
    int too_long = n > MM_KEY_FILE_MAX_BYTES;
    size_t got = n;
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) /* an editor's last newline */
        n--;
    if (bad || too_long || n < MM_KEY_FILE_MIN_BYTES) {
        explicit_bzero(buf, sizeof buf);
        char what[96];
        if (bad)
            snprintf(what, sizeof what, "cannot be read");
        else if (too_long)
            snprintf(what, sizeof what, "too long (over %d bytes)", MM_KEY_FILE_MAX_BYTES);
        else
            snprintf(what, sizeof what, "too short: %zu bytes%s", n,
                     n < got ? ", not counting the line ending at its end" : "");
        return mm_fail(err, err_size,
                       "%s %s: %s (it must hold %d to %d bytes of secret, e.g. made with: "
                       "head -c 48 /dev/urandom | base64 > FILE)",
                       option, path, what, MM_KEY_FILE_MIN_BYTES, MM_KEY_FILE_MAX_BYTES);
    }
    mm_sha256(buf, n, key);
    explicit_bzero(buf, sizeof buf);
    return 0;
}
