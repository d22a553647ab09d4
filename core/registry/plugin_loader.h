/*
 * Opening one plugin file safely: dlopen, the entry point, every ABI and sanity check, a
 * host-sized copy of its tables, then init(). Nothing here locks; the registry serialises.
 *
 * Ownership: a loaded plugin (mm_loaded) owns the dlopen handle and a copy of the descriptor
 * and tool entries, padded to this host's struct sizes (fields a plugin of an older minor does
 * not have read as zero). Strings and parameter tables still point into the mapped object, so
 * they are valid until mm_plugin_close(). The parsed input schemas and the tools/list texts are
 * the loaded plugin's too, read-only once open (concurrent requests share them: a static
 * schema is neither parsed nor serialised again per request). Thread-safety: each
 * function works on its own mm_loaded; concurrent opens of different files are fine.
 */
#ifndef MISTMCP_CORE_REGISTRY_PLUGIN_LOADER_H
#define MISTMCP_CORE_REGISTRY_PLUGIN_LOADER_H

#include <cjson/cJSON.h>
#include <mistmcp/plugin.h>

#include <stddef.h>

typedef struct mm_loaded {
    void *handle;
    mistmcp_plugin desc;          /* host-sized copy */
    mistmcp_tool *tools;          /* host-sized copies, desc.tool_count of them */
    cJSON **schemas;              /* each tool's parsed input schema */
    char **texts;                 /* each tool as tools/list shows it (JSON text) */
    mistmcp_param **param_copies; /* parameter tables re-strided to the host's size */
    size_t param_copy_count;
} mm_loaded;

/* Opens path, checks it is a plugin for expected_category (NULL: any), calls init with host.
 * Returns 0, or -1 with a message naming the file and the cause; nothing stays loaded then. */
int mm_plugin_open(const char *path, const char *expected_category, const mistmcp_host_api *host,
                   mm_loaded *out, char *err, size_t err_size);

/* What mm_plugin_open does with the descriptor src that a plugin's entry point returned,
 * before init: the host-sized copies (the fixed head first, so that no field past the size the
 * plugin declares is read), every ABI and sanity check, the parsed schemas and the tools/list
 * texts; expected as for mm_plugin_open. Returns 0 (out->handle stays NULL: mm_plugin_close
 * frees the copies and calls nothing), or -1 with the cause in why and nothing kept. Exposed
 * for tests and the fuzzer (tests/fuzz/fuzz_plugin_descriptor.c). */
int mm_plugin_adopt(const mistmcp_plugin *src, const char *expected, mm_loaded *out, char *why,
                    size_t why_size);

/* Calls fini, unmaps, frees the copies; *p is zeroed. Safe on a zeroed mm_loaded. */
void mm_plugin_close(mm_loaded *p);

/* 1 if s is a valid category name: [a-z0-9_], 1 to 64 bytes. */
int mm_valid_category_name(const char *s);
/* 1 if s is a valid tool name: [A-Za-z0-9_.-], 1 to 128 bytes (MCP's recommendation). */
int mm_valid_tool_name(const char *s);

/* Checks a descriptor (already copied to host size) and its tools; exposed for tests.
 * Returns 0, or -1 with a message naming what is wrong. */
int mm_plugin_check(const mistmcp_plugin *desc, const mistmcp_tool *tools, char *err,
                    size_t err_size);

#endif
