/*
 * Fuzz target: the generator (generator/, mistmcp-gen) on a spec: parse (YAML, or JSON when
 * the text starts with '{'), model building, and emission of every file into a directory of
 * this process under /dev/shm (or $TMPDIR), emptied after each input and removed at exit. A run
 * that ends at a finding cannot remove it: the next run removes those whose process is gone.
 *
 * Input: the spec's text.
 *
 * Checked on a spec the generator accepts (generator/emit.h): every category name is
 * [a-z0-9_]{1,64} (what the server takes as a plugin file name), its <category>.c is a
 * plugin source (it has the entry point), and categories.txt lists exactly the categories.
 */
#define _GNU_SOURCE /* strndup */
#include "emit.h"
#include "fuzz_check.h"
#include "gen_util.h"
#include "model.h"
#include "spec.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR_PREFIX "mistmcp-fuzz-gen-"

static char out_dir[256];

static void empty_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            char *path = gen_xasprintf("%s/%s", dir, e->d_name);
            unlink(path);
            free(path);
        }
    closedir(d);
}

static void empty_out_dir(void)
{
    empty_dir(out_dir);
}

static void remove_out_dir(void)
{
    empty_out_dir();
    rmdir(out_dir);
}

/* The directories of runs whose process is gone (they ended at a finding). */
static void remove_stale_dirs(const char *tmp)
{
    DIR *d = opendir(tmp);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (strncmp(e->d_name, DIR_PREFIX, strlen(DIR_PREFIX)) != 0)
            continue;
        long pid = strtol(e->d_name + strlen(DIR_PREFIX), NULL, 10);
        if (pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char *dir = gen_xasprintf("%s/%s", tmp, e->d_name);
        empty_dir(dir);
        rmdir(dir);
        free(dir);
    }
    closedir(d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    if (!tmp)
        tmp = "/tmp";
    remove_stale_dirs(tmp);
    snprintf(out_dir, sizeof out_dir, "%s/" DIR_PREFIX "%ld", tmp, (long)getpid());
    FUZZ_ASSERT(mkdir(out_dir, 0700) == 0 || errno == EEXIST, "cannot make %s", out_dir);
    empty_out_dir(); /* a directory left by an earlier process of this pid */
    atexit(remove_out_dir);
    return 0;
}

static char *read_out(const char *name)
{
    char *path = gen_xasprintf("%s/%s", out_dir, name);
    size_t len = 0;
    char *text = gen_read_file(path, &len);
    FUZZ_ASSERT(text, "%s was not written", path);
    free(path);
    return text;
}

static void check_output(const gen_model *m)
{
    char *listed = read_out("categories.txt"), *line = listed;
    for (size_t c = 0; c < m->category_count; c++) {
        const char *name = m->categories[c].name;
        size_t n = strlen(name);
        FUZZ_ASSERT(n >= 1 && n <= 64 && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == n,
                    "category name '%s' (tag '%s')", name, m->categories[c].tag);
        char *file = gen_xasprintf("%s.c", name);
        char *source = read_out(file);
        FUZZ_ASSERT(strstr(source, "mistmcp_plugin_entry(void)\n{"),
                    "%s is not the plugin source of category %s (tag '%s')", file, name,
                    m->categories[c].tag);
        free(source);
        free(file);
        FUZZ_ASSERT(strncmp(line, name, n) == 0 && line[n] == '\n',
                    "categories.txt does not list %s in its place", name);
        line += n + 1;
    }
    FUZZ_ASSERT(*line == '\0', "categories.txt lists more: %s", line);
    free(listed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = gen_xmalloc(size + 1); /* the parsers want the NUL after the text */
    memcpy(text, data, size);
    text[size] = '\0';
    char err[512];
    cJSON *spec = gen_spec_parse(text, size, "fuzz-spec", err, sizeof err);
    free(text);
    if (!spec)
        return 0;
    gen_model model = {0};
    if (gen_model_build(spec, &model, err, sizeof err) == 0) {
        gen_sizes sizes = {0};
        if (gen_emit(spec, &model, out_dir, &sizes, err, sizeof err) == 0)
            check_output(&model);
        free(sizes.all);
        free(sizes.read_only);
        empty_out_dir();
    }
    gen_model_free(&model);
    gen_spec_free(&spec);
    return 0;
}
