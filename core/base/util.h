/*
 * Process-wide helpers of the server core.
 *
 * Out-of-memory policy (one for the whole core, as jq's jv_mem_alloc): mm_x* allocators and
 * cJSON (after mm_util_init) abort the process with a message when memory runs out, so callers
 * never test for NULL. Strings returned by mm_x* are owned by the caller (free()).
 * All functions are thread-safe; mm_util_init must run once before threads start.
 */
#ifndef MISTMCP_CORE_BASE_UTIL_H
#define MISTMCP_CORE_BASE_UTIL_H

#include <stdarg.h>
#include <stddef.h>

/* Routes cJSON's allocations through the aborting allocator. Call once at start-up. */
void mm_util_init(void);

void *mm_xmalloc(size_t size);
void *mm_xcalloc(size_t count, size_t size);
void *mm_xrealloc(void *ptr, size_t size);
char *mm_xstrdup(const char *s);

/* snprintf into an error buffer (err may be NULL, err_size 0). Returns -1, for
 * "return mm_fail(err, n, ...);" in functions that report failure as -1. */
int mm_fail(char *err, size_t err_size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if the bytes there are not one. */
size_t mm_utf8_seq_len(const unsigned char *s);
/* Like mm_utf8_seq_len for a sequence at s with only avail bytes readable there: 0 if the
 * sequence is cut by the end, or invalid. */
size_t mm_utf8_seq_len_within(const unsigned char *s, size_t avail);
/* NULL if s is valid UTF-8; else a new string (caller frees) where each invalid byte is
 * replaced by U+FFFD, so that output stays valid however strings were cut. */
char *mm_utf8_repair(const char *s);
/* A JSON value as the text that goes on a wire: unformatted and valid UTF-8 (strings cut at
 * a byte count may end inside a character). Takes ownership of msg; caller frees. When msg
 * cannot be printed (past 2 GiB, out of memory), the text of a JSON-RPC -32603 error for each
 * answer it held, its id kept so that the client's request ends; NULL when it held none (a
 * notification: dropped) or msg is NULL. */
struct cJSON;
char *mm_json_wire_text(struct cJSON *msg);
/* Characters (code points) in a UTF-8 string; an invalid byte counts as one. */
size_t mm_utf8_length(const char *s);
/* text as a one-line message shows it: each control byte (a newline, a terminal escape)
 * becomes '?', so that the message stays one line and does nothing to the terminal. Returns a
 * new string (caller frees). */
char *mm_text_shown(const char *text);

/* A growing byte string, NUL-terminated once anything was put in it; {0} is empty. The caller
 * owns data (free). */
typedef struct mm_buf {
    char *data;
    size_t len, cap;
} mm_buf;
/* Appends n bytes of s. */
void mm_buf_put(mm_buf *b, const char *s, size_t n);

/* Appends printf-style text at *used in *buf (capacity *cap), growing it as needed. */
void mm_appendf(char **buf, size_t *used, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The first digits lower-case hex digits of bytes (two a byte, high nibble first), then a NUL:
 * out holds digits + 1 bytes. Thread-safe; no allocation. */
void mm_hex(const unsigned char *bytes, size_t digits, char *out);

/* 1 if given equals secret, in a time that depends only on given's length (which the caller
 * of a check knows already), never on where the two differ or on the secret's length. */
int mm_secret_equal(const char *secret, const char *given);

/* CLOCK_MONOTONIC in milliseconds. */
long long mm_now_ms(void);

#endif
