#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int valid_chars(const char *s, size_t max, const char *extra, int upper)
{
    if (!s)
        return 0;
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 (upper && c >= 'A' && c <= 'Z') || strchr(extra, c);
        if (!ok || n >= max)
            return 0;
    }
    return n > 0;
}

int mm_valid_category_name(const char *s)
{
    return valid_chars(s, 64, "_", 0);
}

int mm_valid_tool_name(const char *s)
{
    return valid_chars(s, 128, "_.-", 1);
}
