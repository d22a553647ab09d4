/*
 * Where category plugins are looked for when no --plugin-dir is given: the build tree's
 * plugins/ for a binary run from its build tree, else <bin>/../<libdir>/mistmcp/plugins
 * (relocatable installs), else the configured install directory.
 * Thread-safe; writes only into the caller's buffer.
 */
#ifndef MISTMCP_CORE_REGISTRY_PLUGIN_DIRS_H
#define MISTMCP_CORE_REGISTRY_PLUGIN_DIRS_H

#include <stddef.h>

/* Writes the default plugin directory into buf (NUL-terminated, truncated to size). */
void mm_default_plugin_dir(char *buf, size_t size);

#endif
