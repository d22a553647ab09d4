/*
 * dotenv files: the credentials file named by --env-file or MIST_ENV_FILE.
 *
 * Lines are KEY=value (an optional leading "export " is allowed); blank lines and lines
 * starting with '#' are ignored; an unquoted value ends at " #" (a comment) and is trimmed;
 * 'single quotes' keep the text as is; "double quotes" understand \n, \t, \", \\ and \$.
 * A value starting with "~/" has ~ replaced by $HOME, as does the file path itself.
 *
 * Ownership: an mm_env_file owns all its strings; mm_env_file_free releases them.
 * Not thread-safe per object; independent objects may be used concurrently.
 */
#ifndef MISTMCP_CORE_BASE_ENV_FILE_H
#define MISTMCP_CORE_BASE_ENV_FILE_H

#include <stddef.h>

typedef struct mm_env_file {
    char **keys;
    char **values;
    size_t count;
} mm_env_file;

/* The largest env file read, in bytes: more is not a credentials file. */
#define MM_ENV_FILE_MAX_BYTES (256 * 1024)

/* Reads path: a regular file, a pipe or a character device of at most MM_ENV_FILE_MAX_BYTES.
 * Returns 0, or -1 with "FILE:LINE: what" (or "env file FILE: why", e.g. a directory) in err.
 * A later duplicate key replaces an earlier one. */
int mm_env_file_load(const char *path, mm_env_file *out, char *err, size_t err_size);

/* Parses text as a dotenv file; name is used in messages. Same contract as the loader. */
int mm_env_file_parse(const char *text, const char *name, mm_env_file *out, char *err,
                      size_t err_size);

/* The value of key, or NULL. Valid until mm_env_file_free. */
const char *mm_env_file_get(const mm_env_file *env, const char *key);

void mm_env_file_free(mm_env_file *env);

/* "~/x" -> "$HOME/x"; other strings copied. Caller frees. */
char *mm_expand_home(const char *path);

#endif
