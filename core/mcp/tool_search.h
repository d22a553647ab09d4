/*
 * Keyword search over the catalog's tools (no plugin is loaded): a question in words ("which
 * APs are offline") against each tool's name, category, path and summary (mcp/search_text.h
 * says how words are cut, stemmed and what they also mean; mcp/search_index.h keeps, for each
 * word, the tools that have it).
 *
 * Ranking: each word of the question is a group of alternatives (the word, and what Mist
 * calls it: offline -> stat, locate -> search); a tool scores the best alternative it has,
 * by field (name 3, category 2, path 1.5, summary 1), by the alternative's weight and by how
 * rare the word is (inverse document frequency). Tools that answer more of the question's
 * words score more; shorter names, broader, a little more; a count tool scores less unless
 * the question asks how many, and a tool for one object (its path ends in an id other than
 * the org's, site's or MSP's) scores less when the question speaks of things in the plural.
 *
 * Thread-safety: the index is built once on first use (pthread_once) and read-only after;
 * any thread may search. The index is of the first catalog searched (a server has one: the
 * generated catalog); another catalog finds nothing. Ownership: results point into the
 * static catalog. Cost: the index takes about 9 ms to build; a search then reads only the
 * tools that have one of the question's words (tens of microseconds).
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
