/*
 * The inverted index of tool search: every word (mcp/search_text.h) of every catalog tool's
 * name, category, path and summary, with the tools and fields it is in, so that a search
 * reads the few tools that have a question's words instead of comparing strings with all of
 * them (969 tools in the pinned spec).
 *
 * Ownership: mm_search_index_build returns an index the caller frees with
 * mm_search_index_free; it points into the catalog, which must outlive it. Thread-safety:
 * read-only after building, so any number of threads may search one index at once.
 */
#ifndef MISTMCP_CORE_MCP_SEARCH_INDEX_H
#define MISTMCP_CORE_MCP_SEARCH_INDEX_H

#include "registry/catalog.h"

#include <stddef.h>
#include <stdint.h>

/* Where a word is found, by importance: the tool's name says most. */
enum { MM_FIELD_NAME, MM_FIELD_CATEGORY, MM_FIELD_PATH, MM_FIELD_SUMMARY, MM_FIELDS };

/* One tool. */
typedef struct mm_search_entry {
    const mm_catalog_tool *tool;
    const mm_catalog_category *category;
    uint16_t name_letters; /* letters of its name's words: a shorter name is broader */
    uint8_t counts;        /* the name starts with "count": answers only "how many" */
    uint8_t single;        /* the path ends in a {placeholder}: one object, by its id */
} mm_search_entry;

/* A tool that has a word, and in which fields (bit 1 << MM_FIELD_x). */
typedef struct mm_search_posting {
    uint32_t entry;
    uint8_t fields;
} mm_search_posting;

typedef struct mm_search_word {
    char *text; /* stemmed */
    mm_search_posting *postings;
    uint32_t count; /* postings, by entry */
} mm_search_word;

typedef struct mm_search_index {
    mm_search_entry *entries;
    size_t entry_count;
    mm_search_word *words; /* sorted by text */
    size_t word_count;
} mm_search_index;

mm_search_index *mm_search_index_build(const mm_catalog *catalog);
void mm_search_index_free(mm_search_index **index);

/* The words equal to w or starting with it: *first is the position of the first, the return
 * value how many there are (0: none; words[*first] is w itself when it is there). */
size_t mm_search_index_find(const mm_search_index *index, const char *w, size_t *first);

#endif
