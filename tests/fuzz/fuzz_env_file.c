/*
 * Fuzz target: the dotenv reader (core/base/env_file.c). The input is a file's bytes; it is
 * read both ways the reader offers: parsed from memory (mm_env_file_parse) and loaded from a
 * file (mm_env_file_load, from a memory file under /proc/self/fd, so no disk is touched).
 *
 * Checked (core/base/env_file.h): both ways agree (the same outcome, keys and values: a file
 * is text up to its first NUL byte); keys are [A-Za-z0-9_]+ and each appears once; a failure
 * names the file and a line ("NAME:LINE: what").
 */
#define _GNU_SOURCE /* memfd_create */
#include "base/env_file.h"
#include "base/util.h"
#include "fuzz_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int fd = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    mm_util_init();
    setenv("HOME", "/home/fuzz", 1); /* "~/x" values expand the same way on every machine */
    fd = memfd_create("fuzz-env", 0);
    FUZZ_ASSERT(fd >= 0, "memfd_create failed");
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return 0;
}

static void check_keys(const mm_env_file *env)
{
    for (size_t i = 0; i < env->count; i++) {
        const char *k = env->keys[i];
        FUZZ_ASSERT(*k && strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                    "0123456789_") == strlen(k),
                    "key '%s'", k);
        FUZZ_ASSERT(env->values[i], "key %s has no value", k);
        for (size_t j = 0; j < i; j++)
            FUZZ_ASSERT(strcmp(env->keys[j], k) != 0, "key %s twice", k);
        FUZZ_ASSERT(mm_env_file_get(env, k) == env->values[i], "key %s is not found", k);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = mm_xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    mm_env_file parsed, loaded;
    char perr[512], lerr[512];
    int prc = mm_env_file_parse(text, path, &parsed, perr, sizeof perr);
    FUZZ_ASSERT(prc == 0 || prc == -1, "parse returned %d", prc);
    if (prc == 0)
        check_keys(&parsed);
    else
        FUZZ_ASSERT(strncmp(perr, path, strlen(path)) == 0 && perr[strlen(path)] == ':' &&
                        strchr("123456789", perr[strlen(path) + 1]),
                    "the message names no file and line: %s", perr);

    FUZZ_ASSERT(ftruncate(fd, 0) == 0 && pwrite(fd, data, size, 0) == (ssize_t)size,
                "cannot write the memory file");
    int lrc = mm_env_file_load(path, &loaded, lerr, sizeof lerr);
    FUZZ_ASSERT(lrc == prc, "parse says %d (%s), load says %d (%s)", prc, prc ? perr : "", lrc,
                lrc ? lerr : "");
    if (lrc == 0) {
        FUZZ_ASSERT(loaded.count == parsed.count, "%zu keys parsed, %zu loaded", parsed.count,
                    loaded.count);
        for (size_t i = 0; i < loaded.count; i++)
            FUZZ_ASSERT(strcmp(loaded.keys[i], parsed.keys[i]) == 0 &&
                            strcmp(loaded.values[i], parsed.values[i]) == 0,
                        "key %zu: parsed %s, loaded %s", i, parsed.keys[i], loaded.keys[i]);
    } else {
        FUZZ_ASSERT(strcmp(lerr, perr) == 0, "parse says '%s', load says '%s'", perr, lerr);
    }
    mm_env_file_free(&parsed);
    mm_env_file_free(&loaded);
    free(text);
    return 0;
}
