#define _DEFAULT_SOURCE /* realpath */
#include "registry/plugin_dirs.h"

#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MM_BUILD_BIN_DIR
#error "MM_BUILD_BIN_DIR must name the build tree's binary directory"
#endif
#ifndef MM_BUILD_PLUGIN_DIR
#error "MM_BUILD_PLUGIN_DIR must name the build tree's plugin directory"
#endif
#ifndef MM_INSTALL_PLUGIN_DIR
#error "MM_INSTALL_PLUGIN_DIR must name the installed plugin directory"
#endif
#ifndef MM_RELATIVE_PLUGIN_DIR
#error "MM_RELATIVE_PLUGIN_DIR must name the plugin directory relative to the binary"
#endif

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void mm_default_plugin_dir(char *buf, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        char real_exe[PATH_MAX], real_build[PATH_MAX];
        if (realpath(exe, real_exe) && realpath(MM_BUILD_BIN_DIR, real_build) &&
            strcmp(real_exe, real_build) == 0) {
            snprintf(buf, size, "%s", MM_BUILD_PLUGIN_DIR);
            return;
        }
        char rel[PATH_MAX + 64];
        snprintf(rel, sizeof rel, "%s/%s", exe, MM_RELATIVE_PLUGIN_DIR);
        if (is_dir(rel)) {
            snprintf(buf, size, "%s", rel);
            return;
        }
    }
    snprintf(buf, size, "%s", MM_INSTALL_PLUGIN_DIR);
}

/* NULL if dir is a directory holding a *.so file, else what is wrong (in why). */
static const char *dir_problem(const char *dir, char *why, size_t size)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        snprintf(why, size, "%s", errno == ENOENT ? "does not exist" : strerror(errno));
        return why;
    }
    if (!S_ISDIR(st.st_mode))
        return "is not a directory";
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(why, size, "cannot be read: %s", strerror(errno));
        return why;
    }
    int found = 0;
    for (struct dirent *e; !found && (e = readdir(d)) != NULL;) {
        size_t n = strlen(e->d_name);
        found = n > 3 && strcmp(e->d_name + n - 3, ".so") == 0;
    }
    closedir(d);
    return found ? NULL : "holds no plugin (no *.so file)";
}

/* Adds dir to out unless a directory with the same real path is there already. */
static void add_once(mm_strlist *out, const char *dir)
{
    char a[PATH_MAX], b[PATH_MAX];
    const char *real = realpath(dir, a) ? a : dir;
    for (size_t i = 0; i < out->count; i++)
        if (strcmp(real, realpath(out->items[i], b) ? b : out->items[i]) == 0)
            return;
    mm_strlist_add(out, dir);
}

int mm_plugin_dirs_resolve(const char *const *given, size_t count, int no_default, mm_strlist *out,
                           char *err, size_t err_size)
{
    char why[160];
    for (size_t i = 0; i < count; i++) {
        const char *problem = dir_problem(given[i], why, sizeof why);
        if (problem)
            return mm_fail(err, err_size, "plugin directory '%.300s' %s", given[i], problem);
        add_once(out, given[i]);
    }
    if (no_default)
        return 0;
    char dir[PATH_MAX];
    mm_default_plugin_dir(dir, sizeof dir);
    const char *problem = dir_problem(dir, why, sizeof why);
    if (!problem)
        add_once(out, dir);
    else if (out->count == 0)
        return mm_fail(err, err_size,
                       "no plugin directory: the default one, '%.300s', %s; give one with "
                       "--plugin-dir DIR",
                       dir, problem);
    return 0;
}
