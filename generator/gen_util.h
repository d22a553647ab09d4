/*
 * Small helpers shared by the generator's files.
 *
 * Out-of-memory policy: mistmcp-gen is a build tool, so every allocation goes through the
 * gen_x* functions, which print a message and exit(1) when memory runs out. Strings they
 * return are owned by the caller and released with free(). Single-threaded.
 */
#ifndef MISTMCP_GEN_UTIL_H
#define MISTMCP_GEN_UTIL_H

#include <stdarg.h>
#include <stddef.h>

void *gen_xmalloc(size_t size);
void *gen_xcalloc(size_t count, size_t size);
void *gen_xrealloc(void *ptr, size_t size);
char *gen_xstrdup(const char *s);
char *gen_xstrndup(const char *s, size_t n);
char *gen_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reads a whole file; the buffer gets a terminating NUL not counted in *len. NULL on error
 * (errno set). */
char *gen_read_file(const char *path, size_t *len);

/* Writes data to path only if the file does not already hold exactly these bytes, so that
 * regenerating unchanged output does not touch timestamps (no needless rebuilds).
 * Returns 0 on success, -1 with errno on failure. */
int gen_write_if_changed(const char *path, const char *data, size_t len);

#endif
