#define _POSIX_C_SOURCE 200809L
#include "base/json_exact.h"

#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The end of the number token at p: the characters cJSON takes into a number. */
static const char *number_end(const char *p, const char *end)
{
    while (p < end && (digit(*p) || *p == '-' || *p == '+' || *p == '.' || *p == 'e' || *p == 'E'))
        p++;
    return p;
}

/* The next number token at or after p, outside strings: its start (and *n its length), or
 * NULL. The text is valid JSON (cJSON parsed it). */
static const char *next_number(const char *p, const char *end, size_t *n)
{
    while (p < end) {
        if (*p == '"') {
            for (p++; p < end && *p != '"'; p++)
                if (*p == '\\')
                    p++; /* the escaped character */
            p++;
        } else if (*p == '-' || digit(*p)) {
            const char *start = p;
            p = number_end(p, end);
            *n = (size_t)(p - start);
            return start;
        } else {
            p++;
        }
    }
    return NULL;
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

/* Walks v and what is below it in document order beside the text (*cur): the k-th number node
 * is the k-th number token. */
static void mark_numbers(cJSON *v, const char **cur, const char *end)
{
    if (cJSON_IsNumber(v)) {
        size_t n = 0;
        const char *s = next_number(*cur, end, &n);
        if (s) { /* always, for text cJSON parsed */
            *cur = s + n;
            keep_text(v, s, n);
        }
    }
    for (cJSON *c = v->child; c; c = c->next)
        mark_numbers(c, cur, end);
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
    mark_numbers(root, &cur, stop ? stop : text + len);
    return root;
}

const char *mm_json_number_text(const cJSON *item)
{
    return cJSON_IsNumber(item) ? item->valuestring : NULL;
}

/* 1 if v or a number below it keeps its text. */
static int keeps_text(const cJSON *v)
{
    if (cJSON_IsNumber(v))
        return v->valuestring != NULL;
    for (const cJSON *c = v->child; c; c = c->next)
        if (keeps_text(c))
            return 1;
    return 0;
}

/* Turns v, and each number below it, that keeps its text into a raw value: cJSON prints those
 * as they are. */
static void to_raw(cJSON *v)
{
    if (cJSON_IsNumber(v) && v->valuestring)
        v->type = cJSON_Raw | (v->type & cJSON_StringIsConst);
    for (cJSON *c = v->child; c; c = c->next)
        to_raw(c);
}

char *mm_json_print_exact(const cJSON *item)
{
    if (!item)
        return NULL;
    if (!keeps_text(item))
        return cJSON_PrintUnformatted(item); /* the common case: nothing to keep */
    return mm_json_take_text(cJSON_Duplicate(item, 1));
}

char *mm_json_take_text(cJSON *item)
{
    if (!item)
        return NULL;
    to_raw(item); /* the tree is ours to change: no copy */
    char *text = cJSON_PrintUnformatted(item);
    cJSON_Delete(item);
    return text;
}

/* A new line, then two spaces for each level of depth. */
static void new_line(mm_buf *out, int depth)
{
    mm_buf_put(out, "\n", 1);
    for (int i = 0; i < depth; i++)
        mm_buf_put(out, "  ", 2);
}

char *mm_json_pretty(const char *text, size_t len)
{
    mm_buf out = {0};
    mm_buf_put(&out, "", 0);
    int depth = 0, in_string = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_string) { /* copied as it is, escapes included */
            mm_buf_put(&out, text + i, c == '\\' && i + 1 < len ? 2 : 1);
            i += c == '\\' && i + 1 < len;
            in_string = c != '"';
            continue;
        }
        size_t next = i + 1;
        while (next < len && strchr(" \t\r\n", text[next]))
            next++;
        switch (c) {
        case ' ':
        case '\t':
        case '\r':
        case '\n': break;
        case '{':
        case '[':
            mm_buf_put(&out, &c, 1);
            if (next < len && (text[next] == '}' || text[next] == ']')) {
                mm_buf_put(&out, text + next, 1); /* {} and [] stay on their line */
                i = next;
            } else {
                new_line(&out, ++depth);
            }
            break;
        case '}':
        case ']':
            new_line(&out, depth > 0 ? --depth : 0);
            mm_buf_put(&out, &c, 1);
            break;
        case ',':
            mm_buf_put(&out, ",", 1);
            new_line(&out, depth);
            break;
        case ':': mm_buf_put(&out, ": ", 2); break;
        default: in_string = c == '"'; mm_buf_put(&out, &c, 1);
        }
    }
    return out.data;
}

/* 1 if s[0..4) are hex digits within end: the rest of a \u escape as JSON writes it. */
static int hex4(const char *s, const char *end)
{
    if (end - s < 4)
        return 0;
    for (int i = 0; i < 4; i++)
        if (!digit(s[i]) && !((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f'))
            return 0;
    return 1;
}

char *mm_json_strict_text(const char *text, size_t len, size_t *out_len)
{
    mm_buf o = {0};
    mm_buf_put(&o, "", 0); /* "" for an empty text */
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* a byte order mark, which cJSON skips */
    /* Bytes are copied in runs: a compact body, the common case, is one copy. */
    const char *run = p;
    while (p < end) {
        if ((unsigned char)*p <= 0x20) { /* white space to cJSON */
            mm_buf_put(&o, run, (size_t)(p - run));
            run = ++p;
        } else if (*p == '"') {
            for (p++; p < end && *p != '"'; p++) {
                if (*p == '\\' && p + 1 < end) {
                    p++; /* an escape: kept as it is, when JSON has it */
                    if (*p == 'u' && !hex4(p + 1, end)) {
                        free(o.data); /* cJSON reads "\u12" as U+0000: print from the parse */
                        return NULL;
                    }
                } else if ((unsigned char)*p < 0x20) { /* a raw control character cJSON let in */
                    char esc[7];
                    mm_buf_put(&o, run, (size_t)(p - run));
                    mm_buf_put(&o, esc, (size_t)snprintf(esc, sizeof esc, "\\u%04x", *p));
                    run = p + 1;
                }
            }
            p += p < end; /* the closing quote */
        } else if (*p == '-' || digit(*p)) {
            const char *start = p;
            p = number_end(p, end);
            if (!json_number(start, (size_t)(p - start))) {
                free(o.data);
                return NULL;
            }
        } else {
            p++;
        }
    }
    mm_buf_put(&o, run, (size_t)(p - run));
    if (out_len)
        *out_len = o.len;
    return o.data;
}

const char *mm_json_input_problem(const char *text, size_t len)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t values = 1, depth = 0;
    int in_string = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = t[i];
        if (c >= 0x80) { /* a whole, shortest, non-surrogate sequence, inside the text */
            size_t n = mm_utf8_seq_len_within(t + i, len - i);
            if (n == 0)
                return len - i < (c >= 0xF0   ? 4u
                                  : c >= 0xE0 ? 3u
                                              : 2u)
                           ? "the text is not valid UTF-8 (a sequence is cut at its end)"
                           : "the text is not valid UTF-8";
            i += n - 1;
            continue;
        }
        if (c < 0x20 && (in_string || (c != ' ' && c != '\t' && c != '\n' && c != '\r')))
            return in_string ? "a string holds a raw control character (JSON escapes them: \\u00XX)"
                             : "a control character between JSON tokens";
        if (in_string) {
            if (c == '\\' && i + 1 < len && t[i + 1] >= 0x20 && t[i + 1] < 0x80)
                i++; /* the escaped character (a raw control or non-ASCII one is checked above) */
            else if (c == '"')
                in_string = 0;
            continue;
        }
        switch (c) {
        case '"': in_string = 1; break;
        case '[':
        case '{':
            if (++depth > MM_JSON_MAX_DEPTH)
                return "the JSON is nested more than 64 levels deep";
            values++;
            break;
        case ']':
        case '}':
            if (depth)
                depth--;
            break;
        case ',': values++; break;
        default: break;
        }
        if (values > MM_JSON_MAX_VALUES)
            return "the JSON holds more than 200000 values: send less in one message";
    }
    return NULL;
}
