#define _POSIX_C_SOURCE 200809L
#include "base/json_exact.h"

#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The next number token at or after p, outside strings: its start (and *n its length), or
 * NULL. The text is valid JSON (cJSON parsed it). */
static const char *next_number(const char *p, const char *end, size_t *n)
{
    while (p < end) {
        char c = *p;
        if (c == '"') {
            for (p++; p < end && *p != '"'; p++)
                if (*p == '\\')
                    p++; /* the escaped character */
            p++;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            const char *start = p;
            while (p < end && ((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' || *p == '.' ||
                               *p == 'e' || *p == 'E'))
                p++;
            *n = (size_t)(p - start);
            return start;
        } else {
            p++;
        }
    }
    return NULL;
}

static int digit(char c)
{
    return c >= '0' && c <= '9';
}

/* 1 if s[0..n) is a number as JSON writes one: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
 * (cJSON also reads 01, 1. and -.5, which no other JSON parser takes). */
static int json_number(const char *s, size_t n)
{
    size_t i = s[0] == '-';
    if (i >= n || !digit(s[i]))
        return 0;
    if (s[i] == '0')
        i++;
    else
        while (i < n && digit(s[i]))
            i++;
    if (i < n && s[i] == '.') {
        if (++i >= n || !digit(s[i]))
            return 0;
        while (i < n && digit(s[i]))
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        if (++i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || !digit(s[i]))
            return 0;
        while (i < n && digit(s[i]))
            i++;
    }
    return i == n;
}

/* Digits only (a sign allowed): how many digits, else 0. */
static size_t integer_digits(const char *s, size_t n)
{
    size_t i = s[0] == '-';
    for (size_t k = i; k < n; k++)
        if (!digit(s[k]))
            return 0;
    return n - i;
}

static void keep_text(cJSON *item, const char *s, size_t n)
{
    if (!json_number(s, n))
        return; /* not JSON's way to write it: printed from its value, cJSON's way */
    size_t digits = integer_digits(s, n);
    if (digits > 0 && digits <= 15 && !(s[0] == '-' && s[1] == '0'))
        return; /* up to 15 digits a double holds an integer and cJSON writes it in full */
    char printed[64];
    if (digits == 0 && /* longer integers keep their digits even when cJSON would print them */
        cJSON_PrintPreallocated(item, printed, (int)sizeof printed, 0) && strlen(printed) == n &&
        memcmp(printed, s, n) == 0)
        return;
    char *text = mm_xmalloc(n + 1);
    memcpy(text, s, n);
    text[n] = '\0';
    item->valuestring = text;
}

/* Walks item and its siblings in document order beside the text (*cur): the k-th number node
 * is the k-th number token. */
static void mark_numbers(cJSON *item, const char **cur, const char *end)
{
    for (; item; item = item->next) {
        if (cJSON_IsNumber(item)) {
            size_t n = 0;
            const char *s = next_number(*cur, end, &n);
            if (!s)
                return; /* cannot happen for text cJSON parsed */
            *cur = s + n;
            keep_text(item, s, n);
        } else if (item->child) {
            mark_numbers(item->child, cur, end);
        }
    }
}

cJSON *mm_json_parse_exact(const char *text, size_t len, const char **end)
{
    const char *stop = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &stop, 0);
    if (end)
        *end = stop;
    if (!root)
        return NULL;
    const char *cur = text;
    /* A lone number at the top has no siblings to walk; a container's come from child. */
    cJSON *first = cJSON_IsNumber(root) ? root : root->child;
    if (first)
        mark_numbers(first, &cur, stop ? stop : text + len);
    return root;
}

const char *mm_json_number_text(const cJSON *item)
{
    return cJSON_IsNumber(item) ? item->valuestring : NULL;
}

/* 1 if a number below item (or item itself, at the top) keeps its text. */
static int keeps_text(const cJSON *item)
{
    for (; item; item = item->next)
        if ((cJSON_IsNumber(item) && item->valuestring) || (item->child && keeps_text(item->child)))
            return 1;
    return 0;
}

/* Turns each number that keeps its text into a raw value: cJSON prints those as they are. */
static void to_raw(cJSON *item)
{
    for (; item; item = item->next) {
        if (cJSON_IsNumber(item) && item->valuestring)
            item->type = cJSON_Raw | (item->type & cJSON_StringIsConst);
        else if (item->child)
            to_raw(item->child);
    }
}

char *mm_json_print_exact(const cJSON *item)
{
    if (!item)
        return NULL;
    if (cJSON_IsNumber(item) && item->valuestring)
        return mm_xstrdup(item->valuestring);
    if (!item->child || !keeps_text(item->child))
        return cJSON_PrintUnformatted(item); /* the common case: nothing to keep */
    cJSON *copy = cJSON_Duplicate(item, 1);
    to_raw(copy->child);
    char *text = cJSON_PrintUnformatted(copy);
    cJSON_Delete(copy);
    return text;
}

char *mm_json_take_text(cJSON *item)
{
    if (!item)
        return NULL;
    char *text;
    if (cJSON_IsNumber(item) && item->valuestring) {
        text = mm_xstrdup(item->valuestring);
    } else {
        if (item->child)
            to_raw(item->child); /* the tree is ours to change: no copy */
        text = cJSON_PrintUnformatted(item);
    }
    cJSON_Delete(item);
    return text;
}

typedef struct out_buf {
    char *data;
    size_t len, cap;
} out_buf;

static void out_reserve(out_buf *o, size_t more)
{
    if (o->len + more + 1 > o->cap) {
        o->cap = (o->len + more + 1) * 2;
        o->data = mm_xrealloc(o->data, o->cap);
    }
}

char *mm_json_strict_text(const char *text, size_t len, size_t *out_len)
{
    out_buf o = {mm_xmalloc(len + 1), 0, len + 1};
    size_t i = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        i = 3; /* a byte order mark, which cJSON skips */
    while (i < len) {
        unsigned char c = (unsigned char)text[i];
        if (c <= 0x20) {
            i++; /* white space to cJSON */
        } else if (c == '"') {
            out_reserve(&o, 1);
            o.data[o.len++] = '"';
            for (i++; i < len && text[i] != '"'; i++) {
                unsigned char b = (unsigned char)text[i];
                out_reserve(&o, 6);
                if (b == '\\' && i + 1 < len) {
                    o.data[o.len++] = '\\';
                    o.data[o.len++] = text[++i];
                } else if (b < 0x20) { /* a raw control character cJSON let through */
                    o.len += (size_t)snprintf(o.data + o.len, 7, "\\u%04x", b);
                } else {
                    o.data[o.len++] = (char)b;
                }
            }
            out_reserve(&o, 1);
            o.data[o.len++] = '"';
            i++;
        } else if (c == '-' || digit((char)c)) {
            size_t start = i;
            while (i < len && (digit(text[i]) || (text[i] && strchr("+-.eE", text[i]))))
                i++;
            if (!json_number(text + start, i - start)) {
                free(o.data);
                return NULL;
            }
            out_reserve(&o, i - start);
            memcpy(o.data + o.len, text + start, i - start);
            o.len += i - start;
        } else {
            out_reserve(&o, 1);
            o.data[o.len++] = (char)c;
            i++;
        }
    }
    o.data[o.len] = '\0';
    if (out_len)
        *out_len = o.len;
    return o.data;
}
