/*
 * Keyword search over the catalog's tools (no plugin is loaded): a question in words ("which
 * APs are offline") against each tool's name, summary, path and category, with light
 * stemming, a few Mist synonyms (AP, SSID, client...) and rarer words counting more.
 *
 * Thread-safety: the index is built once on first use (pthread_once) and read-only after;
 * any thread may search. The index is of the first catalog searched (a server has one: the
 * generated catalog); another catalog finds nothing. Ownership: results point into the
 * static catalog.
 */
#ifndef MISTMCP_CORE_MCP_TOOL_SEARCH_H
#define MISTMCP_CORE_MCP_TOOL_SEARCH_H

#include "registry/catalog.h"

#include <stddef.h>

typedef struct mm_search_hit {
    const mm_catalog_tool *tool;
    const mm_catalog_category *category;
    double score;
} mm_search_hit;

/* Which categories a search may answer with (a server leaves out those it cannot load);
 * called from the searching thread, for matching tools only. */
typedef int (*mm_search_keep_fn)(const mm_catalog_category *category, void *ctx);

/* Fills up to max hits, best first, from catalog; include_write 0 leaves write tools out;
 * keep (NULL: all) is asked about each matching tool's category. Returns how many. */
size_t mm_tool_search(const mm_catalog *catalog, const char *query, int include_write,
                      mm_search_keep_fn keep, void *keep_ctx, mm_search_hit *hits, size_t max);

#endif
