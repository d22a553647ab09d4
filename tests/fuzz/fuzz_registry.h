/*
 * The category registry fuzz_jsonrpc and fuzz_request_build drive, built once per process as
 * core/main.c builds it: the generated catalog, the build tree's category plugins
 * (MM_FUZZ_PLUGIN_DIR, set by tests/fuzz/CMakeLists.txt) and the host API. Every category is
 * acquired at creation and held for the life of the process, so that no input pays for a
 * dlopen and every tool's view stays valid; the built-in tools are initialised with it.
 *
 * Ownership: the registry is the process's (never destroyed). Not thread-safe: call it from
 * LLVMFuzzerInitialize or the fuzz target.
 */
#ifndef MISTMCP_FUZZ_REGISTRY_H
#define MISTMCP_FUZZ_REGISTRY_H

#include "registry/registry.h"

/* The registry, created on first use; aborts with a message if a plugin cannot be loaded. */
mm_registry *fuzz_registry(void);

/* The view of the category at index (held by fuzz_registry). */
const mm_plugin_view *fuzz_registry_view(size_t index);

#endif
