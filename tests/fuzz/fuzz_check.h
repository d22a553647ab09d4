/*
 * What every fuzz target of tests/fuzz/ shares: assertions that abort (libFuzzer then reports
 * a crash and saves the input that caused it), and a reader that turns the input bytes into
 * structured values. The strict JSON check of the wire is tests/common/json_strict.h.
 *
 * A reader borrows the input; strings it returns are NUL-terminated copies the caller frees.
 * Nothing here is thread-safe or needs to be: libFuzzer runs one input at a time.
 */
#ifndef MISTMCP_FUZZ_CHECK_H
#define MISTMCP_FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>

/* Aborts with file, line, the expression and a formatted detail when cond is false. */
#define FUZZ_ASSERT(cond, ...)                                                                     \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                                     \
    } while (0)

_Noreturn void fuzz_fail(const char *file, int line, const char *expr, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Input bytes read front to back; past the end every read gives zeros (or empty strings). */
typedef struct fuzz_reader {
    const uint8_t *data;
    size_t size, at;
} fuzz_reader;

uint8_t fuzz_u8(fuzz_reader *r);
uint16_t fuzz_u16(fuzz_reader *r);
uint32_t fuzz_u32(fuzz_reader *r);
/* A string of at most max bytes: its length from one byte, then its bytes (a NUL byte in them
 * ends it early, as it would in C). Caller frees. */
char *fuzz_str(fuzz_reader *r, size_t max);
/* The bytes not read yet, as a NUL-terminated copy; *len (may be NULL) gets their count. */
char *fuzz_rest(fuzz_reader *r, size_t *len);

#endif
