#define _GNU_SOURCE /* getrandom, explicit_bzero */
#include "mcp/write_confirm.h"

#include "base/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

typedef struct entry {
    unsigned char token_digest[MM_SHA256_LEN];
    unsigned char args_digest[MM_SHA256_LEN];
    char *tool;
    long long expires_ms;
    long long issued_ms;
} entry;

struct mm_write_tokens {
    pthread_mutex_t lock;
    entry items[MM_CONFIRM_MAX];
    size_t count;
};

mm_write_tokens *mm_write_tokens_create(void)
{
    mm_write_tokens *st = mm_xcalloc(1, sizeof *st);
    pthread_mutex_init(&st->lock, NULL);
    return st;
}

void mm_write_tokens_destroy(mm_write_tokens **stp)
{
    mm_write_tokens *st = *stp;
    if (!st)
        return;
    for (size_t i = 0; i < st->count; i++)
        free(st->items[i].tool);
    pthread_mutex_destroy(&st->lock);
    free(st);
    *stp = NULL;
}

/* Under the lock: removes items[i], keeping the order (oldest first). */
static void remove_at(mm_write_tokens *st, size_t i)
{
    free(st->items[i].tool);
    memmove(&st->items[i], &st->items[i + 1], (st->count - i - 1) * sizeof st->items[0]);
    st->count--;
}

int mm_write_tokens_issue(mm_write_tokens *st, const char *tool,
                          const unsigned char args_digest[MM_SHA256_LEN], long long now_ms,
                          char token[MM_CONFIRM_TOKEN_SIZE], char *err, size_t err_size)
{
    unsigned char raw[MM_CONFIRM_RANDOM_BYTES];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
        return mm_fail(err, err_size, "the OS random generator failed: no confirmation token");
    size_t at = strlen(MM_CONFIRM_PREFIX);
    memcpy(token, MM_CONFIRM_PREFIX, at);
    mm_hex(raw, 2 * sizeof raw, token + at);
    explicit_bzero(raw, sizeof raw);
    entry e = {
        .tool = mm_xstrdup(tool), .expires_ms = now_ms + MM_CONFIRM_TTL_MS, .issued_ms = now_ms};
    mm_sha256(token, strlen(token), e.token_digest);
    memcpy(e.args_digest, args_digest, MM_SHA256_LEN);
    pthread_mutex_lock(&st->lock);
    if (st->count == MM_CONFIRM_MAX)
        remove_at(st, 0); /* the oldest */
    st->items[st->count++] = e;
    pthread_mutex_unlock(&st->lock);
    return 0;
}

/* 1 if a and b are equal, in a time that does not depend on where they differ. */
static int same_digest(const unsigned char *a, const unsigned char *b)
{
    unsigned char d = 0;
    for (size_t i = 0; i < MM_SHA256_LEN; i++)
        d |= a[i] ^ b[i];
    return d == 0;
}

mm_redeem mm_write_tokens_redeem(mm_write_tokens *st, const char *token, const char *tool,
                                 const unsigned char args_digest[MM_SHA256_LEN], long long now_ms)
{
    unsigned char digest[MM_SHA256_LEN];
    mm_sha256(token, strlen(token), digest);
    pthread_mutex_lock(&st->lock);
    size_t found = st->count;
    for (size_t i = 0; i < st->count; i++) /* every entry compared: no early exit */
        if (same_digest(st->items[i].token_digest, digest))
            found = i;
    mm_redeem r = MM_REDEEM_UNKNOWN;
    if (found < st->count) {
        const entry *e = &st->items[found];
        r = now_ms > e->expires_ms                      ? MM_REDEEM_EXPIRED
            : strcmp(e->tool, tool) != 0                ? MM_REDEEM_OTHER_TOOL
            : !same_digest(e->args_digest, args_digest) ? MM_REDEEM_OTHER_ARGS
                                                        : MM_REDEEM_OK;
        remove_at(st, found); /* single use, whatever the outcome */
    }
    pthread_mutex_unlock(&st->lock);
    return r;
}

size_t mm_write_tokens_count(mm_write_tokens *st)
{
    pthread_mutex_lock(&st->lock);
    size_t n = st->count;
    pthread_mutex_unlock(&st->lock);
    return n;
}

void mm_write_token_id(const char *token, char out[13])
{
    char hex[2 * MM_SHA256_LEN + 1];
    mm_sha256_hex(token, strlen(token), hex);
    snprintf(out, 13, "%.12s", hex);
}
