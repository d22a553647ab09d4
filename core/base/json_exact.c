#define _POSIX_C_SOURCE 200809L
#include "base/json_exact.h"

#include "base/util.h"

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

/* An integer of at most 15 digits without a leading zero: cJSON prints these back as written
 * (a double holds them exactly and %1.15g or %d writes them out in full). */
static int plain_integer(const char *s, size_t n)
{
    size_t i = s[0] == '-';
    if (n <= i || n - i > 15 || (s[i] == '0' && (n - i > 1 || i))) /* "007", "-0" */
        return 0;
    for (; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static void keep_text(cJSON *item, const char *s, size_t n)
{
    if (plain_integer(s, n))
        return;
    char printed[64];
    if (cJSON_PrintPreallocated(item, printed, (int)sizeof printed, 0) && strlen(printed) == n &&
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
            item->type = cJSON_Raw;
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

size_t mm_json_minify(const char *text, size_t len, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '"') {
            out[o++] = c;
            for (i++; i < len && text[i] != '"'; i++) {
                out[o++] = text[i];
                if (text[i] == '\\' && i + 1 < len)
                    out[o++] = text[++i];
            }
            if (i < len)
                out[o++] = '"';
        } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            out[o++] = c;
        }
    }
    out[o] = '\0';
    return o;
}
