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

/* Fills up to max hits, best first, from catalog; include_write 0 leaves write tools out.
 * Returns how many. */
size_t mm_tool_search(const mm_catalog *catalog, const char *query, int include_write,
                      mm_search_hit *hits, size_t max);

#endif
