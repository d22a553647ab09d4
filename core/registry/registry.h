/*
 * The category registry: which categories exist, and which plugins are mapped.
 *
 * The index is built once at creation from the catalog (generated categories) plus any extra
 * *.so found in the plugin directories (third-party categories, named by their file); building
 * it loads no plugin. mm_registry_acquire maps a category's plugin on first use (dlopen
 * RTLD_NOW|RTLD_LOCAL after the ABI checks, then init) and counts references; release unmaps
 * it (fini, dlclose) when the count reaches zero. A session's enabled categories and every
 * in-flight call each hold one reference, so a plugin is never unmapped under a running call.
 *
 * Thread-safety: every function may be called from any thread. One mutex guards the index
 * state; plugin code (constructors, entry point, init, fini) always runs with it released:
 * a category being loaded or unloaded is marked so, and other threads wanting it wait on a
 * condition variable.
 *
 * Ownership: the registry owns the index entries (mm_category), which live until
 * mm_registry_destroy. A view returned by acquire is valid until the matching release.
 * Errors are returned as -1 with a message naming the file and the cause; nothing here exits.
 */
#ifndef MISTMCP_CORE_REGISTRY_REGISTRY_H
#define MISTMCP_CORE_REGISTRY_REGISTRY_H

#include "base/suggest.h"
#include "registry/catalog.h"

#include <cjson/cJSON.h>
#include <mistmcp/plugin.h>

#include <stddef.h>

typedef struct mm_registry mm_registry;
typedef struct mm_category mm_category;

/* What a held reference gives access to. */
typedef struct mm_plugin_view {
    const mistmcp_plugin *plugin; /* host-sized copy of the descriptor */
    const mistmcp_tool *tools;    /* host-sized copies, plugin->tool_count of them */
    const cJSON *const *schemas;  /* tools[i]'s parsed input schema (read-only) */
    const char *const *texts;     /* tools[i] as tools/list shows it (JSON text) */
    size_t tool_count;
    const char *path; /* the file it was loaded from */
} mm_plugin_view;

/* catalog may be NULL (no generated categories). dirs are searched in order; they are
 * copied. host is handed to each plugin's init and must outlive the registry. */
int mm_registry_create(const mm_catalog *catalog, const char *const *dirs, size_t dir_count,
                       const mistmcp_host_api *host, mm_registry **out, char *err, size_t err_size);

/* Unloads whatever is still loaded and frees everything; *reg becomes NULL. No other thread
 * may use the registry any more. */
void mm_registry_destroy(mm_registry **reg);

/* The index, sorted by category name. */
size_t mm_registry_count(const mm_registry *reg);
mm_category *mm_registry_at(const mm_registry *reg, size_t index);
mm_category *mm_registry_find(const mm_registry *reg, const char *name);
/* Position of cat in the index (for per-category arrays). */
size_t mm_registry_index(const mm_registry *reg, const mm_category *cat);
/* The index of the catalog category that has a tool of this name, or -1 (a hash lookup: the
 * catalog's tool names are unique). Third-party categories are not indexed. */
long mm_registry_catalog_tool(const mm_registry *reg, const char *name);

/* Weighs every category name, or every catalog tool name, as a suggestion for a wrong one
 * (sg set up by mm_suggest_init; ids are registry indexes for categories, and for tools the
 * index of their category). */
void mm_registry_suggest_categories(const mm_registry *reg, mm_suggest *sg);
void mm_registry_suggest_tools(const mm_registry *reg, mm_suggest *sg);

const char *mm_category_name(const mm_category *cat);
/* The catalog's description, or for a third-party plugin a note naming its file. */
const char *mm_category_description(const mm_category *cat);
/* The catalog entry (tools with summaries), NULL for third-party plugins. */
const mm_catalog_category *mm_category_catalog(const mm_category *cat);
/* 1 if the category's plugin file was in a plugin directory when the registry was created
 * (a catalog category without one cannot be enabled; acquire looks again). */
int mm_category_present(const mm_category *cat);
/* The plugin directories, in search order (for messages). */
size_t mm_registry_dir_count(const mm_registry *reg);
const char *mm_registry_dir_at(const mm_registry *reg, size_t index);
/* 1 if the catalog says every tool of cat writes (none is read-only): on a server without
 * write tools it has nothing to offer. 0 for the others and for third-party plugins (their
 * tools are known once loaded). */
int mm_category_write_only(const mm_category *cat);

/* Takes a reference, loading the plugin if no one holds one. On success *view (may be NULL)
 * is filled and stays valid until mm_registry_release. Threads that waited for a load that
 * failed get that load's error without retrying; a later call tries again. */
int mm_registry_acquire(mm_registry *reg, mm_category *cat, mm_plugin_view *view, char *err,
                        size_t err_size);
/* Drops a reference taken by a successful acquire; the last one unloads the plugin. */
void mm_registry_release(mm_registry *reg, mm_category *cat);

/* Snapshot of the reference count and whether the plugin is mapped (for tests, metrics). */
unsigned mm_registry_refs(mm_registry *reg, const mm_category *cat);
int mm_registry_is_loaded(mm_registry *reg, const mm_category *cat);
/* Number of plugins mapped now, and mapped in total since creation. */
size_t mm_registry_loaded_count(mm_registry *reg);
unsigned long mm_registry_load_total(mm_registry *reg);

#endif
