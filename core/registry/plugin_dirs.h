/*
 * Where category plugins are looked for. The default directory is the build tree's plugins/
 * for a binary run from its build tree, else <bin>/../<libdir>/mistmcp/plugins (relocatable
 * installs), else the configured install directory. --plugin-dir adds directories searched
 * before it (a plugin there wins over the default one of the same name);
 * --no-default-plugin-dir leaves the default out.
 *
 * Thread-safe; no state. Ownership: results go into the caller's buffer or list.
 */
#ifndef MISTMCP_CORE_REGISTRY_PLUGIN_DIRS_H
#define MISTMCP_CORE_REGISTRY_PLUGIN_DIRS_H

#include "base/config.h"

#include <stddef.h>

/* Writes the default plugin directory into buf (NUL-terminated, truncated to size). */
void mm_default_plugin_dir(char *buf, size_t size);

/* The directories to search, in order, into out (appended; the caller frees it): each of the
 * count given ones, which must exist and hold at least one plugin (a *.so file), then the
 * default one unless no_default (left out when it does not exist or holds no plugin); a
 * directory already in the list (the same real path) is not added twice. Returns 0, or -1
 * with a message naming the directory and what is wrong with it, also when no directory is
 * left. Reads the file system (stat, opendir). */
int mm_plugin_dirs_resolve(const char *const *given, size_t count, int no_default, mm_strlist *out,
                           char *err, size_t err_size);

#endif
