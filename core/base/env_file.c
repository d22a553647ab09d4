#define _POSIX_C_SOURCE 200809L
#include "base/env_file.h"

#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *mm_expand_home(const char *path)
{
    const char *home = getenv("HOME");
    if (path[0] == '~' && (path[1] == '/' || path[1] == '\0') && home && *home) {
        size_t n = strlen(home) + strlen(path);
        char *out = mm_xmalloc(n);
        snprintf(out, n, "%s%s", home, path + 1);
        return out;
    }
    return mm_xstrdup(path);
}

static void set(mm_env_file *env, const char *key, size_t key_len, char *value)
{
    for (size_t i = 0; i < env->count; i++)
        if (strlen(env->keys[i]) == key_len && strncmp(env->keys[i], key, key_len) == 0) {
            free(env->values[i]);
            env->values[i] = value;
            return;
        }
    env->keys = mm_xrealloc(env->keys, (env->count + 1) * sizeof *env->keys);
    env->values = mm_xrealloc(env->values, (env->count + 1) * sizeof *env->values);
    char *k = mm_xmalloc(key_len + 1);
    memcpy(k, key, key_len);
    k[key_len] = '\0';
    env->keys[env->count] = k;
    env->values[env->count++] = value;
}

/* Parses the value starting at p (one line, without its newline). Returns a new string, or
 * NULL with a reason in *why. */
static char *parse_value(const char *p, const char *end, const char **why)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    size_t cap = (size_t)(end - p) + 1, n = 0;
    char *out = mm_xmalloc(cap);
    if (p < end && (*p == '\'' || *p == '"')) {
        char q = *p++;
        for (; p < end && *p != q; p++) {
            if (q == '"' && *p == '\\' && p + 1 < end) {
                p++;
                out[n++] = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
            } else {
                out[n++] = *p;
            }
        }
        if (p >= end) {
            free(out);
            *why = "unterminated quote";
            return NULL;
        }
        for (p++; p < end; p++) /* after the closing quote: only blanks or a comment */
            if (*p == '#')
                break;
            else if (*p != ' ' && *p != '\t') {
                free(out);
                *why = "text after the closing quote";
                return NULL;
            }
        out[n] = '\0';
        return out;
    }
    for (const char *s = p; s < end; s++) {
        if (*s == '#' && (s == p || s[-1] == ' ' || s[-1] == '\t'))
            break;
        out[n++] = *s;
    }
    while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t' || out[n - 1] == '\r'))
        n--;
    out[n] = '\0';
    if (out[0] == '~') {
        char *expanded = mm_expand_home(out);
        free(out);
        return expanded;
    }
    return out;
}

int mm_env_file_parse(const char *text, const char *name, mm_env_file *env, char *err,
                      size_t err_size)
{
    memset(env, 0, sizeof *env);
    int line_no = 0;
    for (const char *line = text; *line;) {
        line_no++;
        const char *end = strchr(line, '\n');
        if (!end)
            end = line + strlen(line);
        const char *next = *end ? end + 1 : end;
        if (end > line && end[-1] == '\r')
            end--; /* a file written on Windows */
        const char *p = line;
        while (p < end && isspace((unsigned char)*p))
            p++;
        if (p == end || *p == '#') {
            line = next;
            continue;
        }
        if ((size_t)(end - p) > 7 && strncmp(p, "export ", 7) == 0)
            p += 7;
        const char *key = p;
        while (p < end && (isalnum((unsigned char)*p) || *p == '_'))
            p++;
        size_t key_len = (size_t)(p - key);
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (key_len == 0 || p == end || *p != '=') {
            mm_env_file_free(env);
            return mm_fail(err, err_size, "%s:%d: expected KEY=value", name, line_no);
        }
        const char *why = NULL;
        char *value = parse_value(p + 1, end, &why);
        if (!value) {
            mm_env_file_free(env);
            return mm_fail(err, err_size, "%s:%d: %s", name, line_no, why);
        }
        set(env, key, key_len, value);
        line = next;
    }
    return 0;
}

/* Reads all of f (at most MM_ENV_FILE_MAX_BYTES) into a NUL-terminated string, or NULL with
 * the reason in err (naming name). */
static char *read_all(FILE *f, const char *name, char *err, size_t err_size)
{
    char *text = NULL;
    size_t len = 0, cap = 0;
    char buf[4096];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        if (len + got > MM_ENV_FILE_MAX_BYTES) {
            free(text);
            mm_fail(err, err_size,
                    "env file %s: larger than %d KiB; expected a short file of KEY=value lines",
                    name, MM_ENV_FILE_MAX_BYTES / 1024);
            return NULL;
        }
        if (len + got + 1 > cap) {
            cap = (len + got + 1) * 2;
            text = mm_xrealloc(text, cap);
        }
        memcpy(text + len, buf, got);
        len += got;
    }
    if (ferror(f)) {
        int e = errno;
        free(text);
        mm_fail(err, err_size, "env file %s: cannot be read: %s", name, strerror(e));
        return NULL;
    }
    if (!text)
        text = mm_xstrdup("");
    text[len] = '\0';
    return text;
}

int mm_env_file_load(const char *path, mm_env_file *env, char *err, size_t err_size)
{
    memset(env, 0, sizeof *env);
    char *full = mm_expand_home(path);
    FILE *f = fopen(full, "r");
    if (!f) {
        int e = errno;
        mm_fail(err, err_size, "env file %s: %s", full, strerror(e));
        free(full);
        return -1;
    }
    /* fopen opens a directory for reading, and reading it then fails: say so first. A pipe
     * (--env-file <(...)) or a character device is fine. */
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) &&
        !S_ISCHR(st.st_mode)) {
        mm_fail(err, err_size, "env file %s: is %s, expected a file of KEY=value lines", full,
                S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
        fclose(f);
        free(full);
        return -1;
    }
    char *text = read_all(f, full, err, err_size);
    fclose(f);
    int rc = text ? mm_env_file_parse(text, full, env, err, err_size) : -1;
    free(text);
    free(full);
    return rc;
}

const char *mm_env_file_get(const mm_env_file *env, const char *key)
{
    for (size_t i = 0; env && i < env->count; i++)
        if (strcmp(env->keys[i], key) == 0)
            return env->values[i];
    return NULL;
}

void mm_env_file_free(mm_env_file *env)
{
    for (size_t i = 0; i < env->count; i++) {
        free(env->keys[i]);
        free(env->values[i]);
    }
    free(env->keys);
    free(env->values);
    memset(env, 0, sizeof *env);
}
