#define _GNU_SOURCE /* getrandom */
#include "mcp/request_state.h"

#include "base/util.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define PREFIX "mm1."
#define NONCE_BYTES 16

typedef struct used_state {
    unsigned char nonce[NONCE_BYTES];
    long long expires_ms;
} used_state;

struct mm_request_state {
    unsigned char key[MM_SHA256_LEN];
    pthread_mutex_t lock;
    used_state *used; /* MM_STATE_REPLAY_MAX slots; expires_ms 0: free */
};

long long mm_state_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

mm_request_state *mm_request_state_create(const char *key_file, char *err, size_t err_size)
{
    unsigned char key[MM_SHA256_LEN];
    if (key_file) {
        if (mm_key_file_sha256(key_file, "--request-state-key-file", key, err, err_size) != 0)
            return NULL;
    } else if (getrandom(key, sizeof key, 0) != (ssize_t)sizeof key) {
        mm_fail(err, err_size, "the OS random generator failed: %s", strerror(errno));
        return NULL;
    }
    mm_request_state *rs = mm_xcalloc(1, sizeof *rs);
    memcpy(rs->key, key, sizeof key);
    memset(key, 0, sizeof key);
    pthread_mutex_init(&rs->lock, NULL);
    rs->used = mm_xcalloc(MM_STATE_REPLAY_MAX, sizeof *rs->used);
    return rs;
}

void mm_request_state_destroy(mm_request_state **rs)
{
    if (!*rs)
        return;
    pthread_mutex_destroy(&(*rs)->lock);
    free((*rs)->used);
    memset((*rs)->key, 0, sizeof(*rs)->key);
    free(*rs);
    *rs = NULL;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* base64url without padding of in[0..n) into out (4 * ((n + 2) / 3) + 1 bytes). */
static void b64_encode(const unsigned char *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
                     (i + 2 < n ? in[i + 2] : 0);
        out[o++] = b64[v >> 18 & 63];
        out[o++] = b64[v >> 12 & 63];
        if (i + 1 < n)
            out[o++] = b64[v >> 6 & 63];
        if (i + 2 < n)
            out[o++] = b64[v & 63];
    }
    out[o] = '\0';
}

/* Decodes base64url without padding of in[0..n) into out (3 * n / 4 + 1 bytes); -1 if it is
 * not that (another byte, a length no encoding has, or unused low bits in the last character
 * that are not zero: only the one canonical spelling of a MAC is taken). */
static long b64_decode(const char *in, size_t n, unsigned char *out)
{
    if (n % 4 == 1)
        return -1;
    size_t o = 0;
    unsigned v = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        const char *p = in[i] ? strchr(b64, in[i]) : NULL;
        if (!p)
            return -1;
        v = v << 6 | (unsigned)(p - b64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(v >> bits);
        }
    }
    if (v & ((1u << bits) - 1))
        return -1;
    return (long)o;
}

char *mm_request_state_seal(mm_request_state *rs, cJSON *payload, long long now_ms, char *err,
                            size_t err_size)
{
    unsigned char nonce[NONCE_BYTES];
    char nonce_hex[2 * NONCE_BYTES + 1];
    if (getrandom(nonce, sizeof nonce, 0) != (ssize_t)sizeof nonce) {
        cJSON_Delete(payload);
        mm_fail(err, err_size, "the OS random generator failed: %s", strerror(errno));
        return NULL;
    }
    mm_hex(nonce, 2 * sizeof nonce, nonce_hex);
    cJSON_DeleteItemFromObjectCaseSensitive(payload, "e");
    cJSON_DeleteItemFromObjectCaseSensitive(payload, "n");
    cJSON_AddNumberToObject(payload, "e", (double)(now_ms + MM_STATE_TTL_MS));
    cJSON_AddStringToObject(payload, "n", nonce_hex);
    char *json = cJSON_PrintUnformatted(payload);
    cJSON_Delete(payload);
    size_t n = strlen(json);
    size_t body_len = sizeof PREFIX - 1 + 4 * ((n + 2) / 3); /* at most */
    size_t total = body_len + 1 + 43 + 1; /* "." and 32 bytes of MAC in base64url */
    if (total > MM_STATE_MAX_BYTES) {
        free(json);
        mm_fail(err, err_size, "the request state would take %zu bytes (at most %d)", total,
                MM_STATE_MAX_BYTES);
        return NULL;
    }
    char *out = mm_xmalloc(total);
    memcpy(out, PREFIX, sizeof PREFIX - 1);
    b64_encode((const unsigned char *)json, n, out + sizeof PREFIX - 1);
    free(json);
    body_len = strlen(out); /* unpadded: up to 2 fewer than the bound above */
    unsigned char mac[MM_SHA256_LEN];
    mm_hmac_sha256(rs->key, sizeof rs->key, out, body_len, mac);
    out[body_len] = '.';
    b64_encode(mac, sizeof mac, out + body_len + 1);
    return out;
}

mm_state_verdict mm_request_state_open(mm_request_state *rs, const char *text, long long now_ms,
                                       cJSON **payload)
{
    *payload = NULL;
    size_t len = text ? strnlen(text, MM_STATE_MAX_BYTES + 1) : 0;
    if (len > MM_STATE_MAX_BYTES || strncmp(text ? text : "", PREFIX, sizeof PREFIX - 1) != 0)
        return MM_STATE_MALFORMED;
    const char *dot = strchr(text + sizeof PREFIX - 1, '.');
    if (!dot || strlen(dot + 1) != 43)
        return MM_STATE_MALFORMED;
    unsigned char mac[MM_SHA256_LEN + 2], want[MM_SHA256_LEN];
    if (b64_decode(dot + 1, 43, mac) != MM_SHA256_LEN)
        return MM_STATE_MALFORMED;
    size_t body_len = (size_t)(dot - text);
    mm_hmac_sha256(rs->key, sizeof rs->key, text, body_len, want);
    if (!mm_digest_equal(mac, want, sizeof want))
        return MM_STATE_FORGED;
    /* Ours and unchanged from here on: what follows only reads what this server wrote. */
    size_t enc = body_len - (sizeof PREFIX - 1);
    unsigned char *json = mm_xmalloc(3 * enc / 4 + 2);
    long n = b64_decode(text + sizeof PREFIX - 1, enc, json);
    cJSON *p = n > 0 ? cJSON_ParseWithLength((const char *)json, (size_t)n) : NULL;
    free(json);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(p, "e");
    const cJSON *nonce = cJSON_GetObjectItemCaseSensitive(p, "n");
    if (!cJSON_IsObject(p) || !cJSON_IsNumber(e) || !cJSON_IsString(nonce) ||
        strlen(nonce->valuestring) != 2 * NONCE_BYTES) {
        cJSON_Delete(p);
        return MM_STATE_MALFORMED;
    }
    if ((double)now_ms > e->valuedouble) {
        cJSON_Delete(p);
        return MM_STATE_EXPIRED;
    }
    *payload = p;
    return MM_STATE_OK;
}

mm_state_verdict mm_request_state_consume(mm_request_state *rs, const cJSON *payload,
                                          long long now_ms)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(payload, "e");
    const char *hex = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(payload, "n"));
    unsigned char nonce[NONCE_BYTES];
    for (size_t i = 0; hex && i < NONCE_BYTES; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return MM_STATE_MALFORMED;
        nonce[i] = (unsigned char)v;
    }
    if (!hex || !cJSON_IsNumber(e))
        return MM_STATE_MALFORMED;
    mm_state_verdict v = MM_STATE_BUSY;
    pthread_mutex_lock(&rs->lock);
    used_state *free_slot = NULL;
    for (size_t i = 0; i < MM_STATE_REPLAY_MAX; i++) {
        used_state *u = &rs->used[i];
        if (u->expires_ms && u->expires_ms < now_ms)
            u->expires_ms = 0; /* expired: its state is refused as such, no need to keep it */
        if (!u->expires_ms) {
            if (!free_slot)
                free_slot = u;
        } else if (memcmp(u->nonce, nonce, NONCE_BYTES) == 0) {
            v = MM_STATE_REPLAYED;
            break;
        }
    }
    if (v != MM_STATE_REPLAYED && free_slot) {
        memcpy(free_slot->nonce, nonce, NONCE_BYTES);
        free_slot->expires_ms = (long long)e->valuedouble + 1;
        v = MM_STATE_OK;
    }
    pthread_mutex_unlock(&rs->lock);
    return v;
}

void mm_request_state_principal(const mm_request_state *rs, const char *token, char out[33])
{
    size_t n = token ? strlen(token) : 0;
    char *msg = mm_xmalloc(n + 11);
    memcpy(msg, "principal\n", 10);
    memcpy(msg + 10, token ? token : "", n);
    unsigned char mac[MM_SHA256_LEN];
    mm_hmac_sha256(rs->key, sizeof rs->key, msg, n + 10, mac);
    explicit_bzero(msg, n + 10); /* the token's copy (a memset before free may be dropped) */
    free(msg);
    mm_hex(mac, 32, out);
}

const char *mm_state_verdict_text(mm_state_verdict v)
{
    switch (v) {
    case MM_STATE_OK: return "valid";
    case MM_STATE_MALFORMED: return "requestState is not one this server issued (malformed)";
    case MM_STATE_FORGED:
        return "requestState failed its integrity check (changed, or issued by a server with "
               "another key)";
    case MM_STATE_EXPIRED:
        return "requestState expired (it lasts 5 minutes): call the tool again without it";
    case MM_STATE_REPLAYED:
        return "requestState was already used (each works once): call the tool again without it";
    case MM_STATE_BUSY:
        return "too many requests awaiting input on this server: try again in a few minutes";
    }
    return "requestState refused";
}
