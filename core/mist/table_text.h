/*
 * An array of objects as a compact table (issue 19, item 2: the "format": "table" argument of
 * a read tool): tab-separated values, a header line of column names, then one line per
 * object, each line ended by '\n'. The form that costs a model the fewest tokens for a list.
 *
 * Columns: the given ones (the "fields" paths, each looked up with mm_path_value), else the
 * union of the objects' member names in the order first seen (ragged objects leave the cells
 * of members they lack empty). Cells: a string as it is, a number with the digits Mist wrote,
 * true/false, null and a missing value as an empty cell, an object or an array as compact
 * JSON. Every cell and column name is escaped so that a line is one row and a tab one cell
 * boundary: '\' as "\\", tab as "\t", newline as "\n", carriage return as "\r"; everything
 * else, UTF-8 included, is kept as it is.
 *
 * Ownership: the text is the caller's (free). Thread-safety: no state.
 */
#ifndef MISTMCP_CORE_MIST_TABLE_TEXT_H
#define MISTMCP_CORE_MIST_TABLE_TEXT_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* The table of items (an array whose elements are all objects), with columns[0..n) when
 * columns is not NULL. Returns NULL, with a sentence in why (may be NULL), when items is not
 * such an array (a caller then answers in JSON and says so). *len (may be NULL) gets the
 * text's length. */
char *mm_table_text(const cJSON *items, const char *const *columns, size_t n, size_t *len,
                    const char **why);

#endif
