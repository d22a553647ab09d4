#define _POSIX_C_SOURCE 200809L
#include "base/util.h"

#include "base/json_exact.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void out_of_memory(size_t size)
{
    fprintf(stderr, "mistmcp: out of memory (%zu bytes)\n", size);
    abort();
}

void *mm_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

void *mm_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory(count * size);
    return p;
}

void *mm_xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

char *mm_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = mm_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

void mm_util_init(void)
{
    cJSON_Hooks hooks = {mm_xmalloc, free};
    cJSON_InitHooks(&hooks);
}

int mm_fail(char *err, size_t err_size, const char *fmt, ...)
{
    if (err && err_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, err_size, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void mm_hex(const unsigned char *bytes, size_t digits, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < digits; i++)
        out[i] = hex[(bytes[i / 2] >> (i % 2 ? 0 : 4)) & 15];
    out[digits] = '\0';
}

int mm_secret_equal(const char *secret, const char *given)
{
    size_t ls = strlen(secret), lg = strlen(given);
    unsigned char diff = ls != lg;
    for (size_t i = 0; i < lg; i++)
        diff |= (unsigned char)(given[i] ^ secret[ls ? i % ls : 0]);
    return diff == 0;
}

long long mm_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

size_t mm_utf8_seq_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (n == 0 || s[0] > 0xF4)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)))
        return 0; /* overlong, or a UTF-16 surrogate */
    if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90)))
        return 0; /* overlong, or beyond U+10FFFF */
    return n;
}

size_t mm_utf8_seq_len_within(const unsigned char *s, size_t avail)
{
    unsigned char seq[5] = {0}; /* mm_utf8_seq_len may read 4 bytes: never past avail */
    memcpy(seq, s, avail < 4 ? avail : 4);
    size_t n = mm_utf8_seq_len(seq);
    return n <= avail ? n : 0;
}

/* 1 if none of the 8 bytes at p is above 0x7F. */
static int ascii8(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return (v & 0x8080808080808080u) == 0;
}

char *mm_utf8_repair(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t bad = 0, len = 0, total = strlen(s);
    while (len < total) {
        if (len + 8 <= total && ascii8(p + len)) { /* ASCII runs (most of any JSON) */
            len += 8;
            continue;
        }
        size_t n = mm_utf8_seq_len(p + len);
        bad += n == 0;
        len += n ? n : 1;
    }
    if (!bad)
        return NULL;
    char *out = mm_xmalloc(len + bad * 2 + 1);
    size_t k = 0;
    for (size_t i = 0; i < len;) {
        size_t n = mm_utf8_seq_len(p + i);
        if (n) {
            memcpy(out + k, p + i, n);
            k += n;
            i += n;
        } else {
            memcpy(out + k, "\xEF\xBF\xBD", 3); /* U+FFFD */
            k += 3;
            i++;
        }
    }
    out[k] = '\0';
    return out;
}

void mm_buf_put(mm_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = mm_xrealloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void mm_appendf(char **buf, size_t *used, size_t *cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (!*buf || *used + (size_t)n + 1 > *cap) {
        *cap = (*used + (size_t)n + 1) * 2;
        *buf = mm_xrealloc(*buf, *cap);
    }
    va_start(ap, fmt);
    vsnprintf(*buf + *used, *cap - *used, fmt, ap);
    va_end(ap);
    *used += (size_t)n;
}

size_t mm_utf8_length(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; n++) {
        size_t k = mm_utf8_seq_len(p);
        p += k ? k : 1;
    }
    return n;
}

/* text with its invalid UTF-8 replaced (text is taken). */
static char *repaired(char *text)
{
    char *fixed = text ? mm_utf8_repair(text) : NULL;
    if (!fixed)
        return text;
    free(text);
    return fixed;
}

/* A -32603 error answer for the message m, if it has an id. */
static void add_error_for(cJSON *errors, const cJSON *m)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "id");
    if (!id || !cJSON_GetObjectItemCaseSensitive(m, "jsonrpc"))
        return;
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "jsonrpc", "2.0");
    cJSON_AddItemToObject(e, "id", cJSON_Duplicate(id, 1));
    cJSON *err = cJSON_AddObjectToObject(e, "error");
    cJSON_AddNumberToObject(err, "code", -32603);
    cJSON_AddStringToObject(err, "message",
                            "the answer could not be produced: it was too large or memory ran "
                            "out; ask for less");
    cJSON_AddItemToArray(errors, e);
}

char *mm_json_wire_text(cJSON *msg)
{
    if (!msg)
        return NULL;
    /* Printed without consuming msg (numbers as they were written), so that only a failure,
     * past 2 GiB or out of memory, pays for the errors built from its ids. */
    char *text = mm_json_print_exact(msg);
    if (!text) {
        cJSON *errors = cJSON_CreateArray();
        const cJSON *m;
        if (cJSON_IsArray(msg)) {
            cJSON_ArrayForEach(m, msg) add_error_for(errors, m);
        } else {
            add_error_for(errors, msg);
        }
        cJSON *answer =
            cJSON_IsArray(msg) || !errors->child ? errors : cJSON_DetachItemFromArray(errors, 0);
        if (answer != errors)
            cJSON_Delete(errors);
        if (answer->child || !cJSON_IsArray(answer)) /* small: prints unless memory is gone */
            text = cJSON_PrintUnformatted(answer);
        cJSON_Delete(answer);
    }
    cJSON_Delete(msg);
    return repaired(text);
}

char *mm_text_shown(const char *text)
{
    char *s = mm_xstrdup(text);
    for (char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return s;
}
