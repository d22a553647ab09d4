/* The fuzz targets' shared assertions and input reader (fuzz_check.h). */
#include "fuzz_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fuzz_fail(const char *file, int line, const char *expr, const char *fmt, ...)
{
    fprintf(stderr, "\n%s:%d: fuzz assertion failed: %s\n  ", file, line, expr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

uint8_t fuzz_u8(fuzz_reader *r)
{
    return r->at < r->size ? r->data[r->at++] : 0;
}

uint16_t fuzz_u16(fuzz_reader *r)
{
    uint16_t hi = fuzz_u8(r);
    return (uint16_t)(hi << 8 | fuzz_u8(r));
}

uint32_t fuzz_u32(fuzz_reader *r)
{
    uint32_t hi = fuzz_u16(r);
    return hi << 16 | fuzz_u16(r);
}

char *fuzz_str(fuzz_reader *r, size_t max)
{
    size_t n = fuzz_u8(r);
    if (n > max)
        n = max;
    if (n > r->size - r->at)
        n = r->size - r->at;
    char *s = malloc(n + 1);
    if (!s)
        abort();
    memcpy(s, r->data + r->at, n);
    s[n] = '\0';
    r->at += n;
    return s;
}

char *fuzz_rest(fuzz_reader *r, size_t *len)
{
    size_t n = r->size - r->at;
    char *s = malloc(n + 1);
    if (!s)
        abort();
    memcpy(s, r->data + r->at, n);
    s[n] = '\0';
    r->at = r->size;
    if (len)
        *len = n;
    return s;
}
