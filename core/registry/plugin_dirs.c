#define _DEFAULT_SOURCE /* realpath */
#include "registry/plugin_dirs.h"

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
