/*
 * Field selection on a Mist answer (issue 19, item 1): the "fields" argument of a read tool,
 * a list of dotted paths, keeps only those fields of each item.
 *
 * The items of an answer: the elements of a top-level array (Mist's lists), the elements of
 * the "results" array of an object that has one (Mist's searches: the envelope's other
 * members, total, limit, start, end, next, are kept as they are), else the answer itself (a
 * single object). A path names members from an item down ("radio_stat.band_5.num_clients");
 * where it meets an array on the way, it goes on in each of its elements ("port_stat.speed"
 * keeps the speed of every port), so arrays of objects are projected element-wise. What is
 * kept keeps its nesting ({"radio_stat":{"band_5":{"num_clients":3}}}) and its numbers' digits.
 * A path that meets null on the way keeps that null (a band the AP does not have). An item
 * that is not an object is kept whole. Paths overlap freely ("a" and "a.b": all of a). A
 * member name holding a '.' cannot be named.
 *
 * Ownership: results are new trees (cJSON_Delete). Thread-safety: no state.
 */
#ifndef MISTMCP_CORE_MIST_PROJECTION_H
#define MISTMCP_CORE_MIST_PROJECTION_H

#include <cjson/cJSON.h>
#include <stddef.h>

#define MM_FIELDS_MAX 64      /* paths in one "fields" argument */
#define MM_FIELD_PATH_MAX 256 /* bytes of one path */

/* Checks a "fields" argument named name: an array of 1 to MM_FIELDS_MAX strings, each a
 * dotted path of non-empty segments (no leading, trailing or doubled '.') of at most
 * MM_FIELD_PATH_MAX bytes. Returns 0, or -1 with a message naming the bad value in err. */
int mm_fields_check(const cJSON *fields, const char *name, char *err, size_t err_size);

/* The items of answer by the rule above: the array whose elements are the items (answer
 * itself, or its "results"), or NULL when answer is one item. Borrowed from answer. */
cJSON *mm_answer_items(const cJSON *answer);

/* answer with each item projected on paths[0..n). found[i] (n entries, not cleared) is set to
 * 1 for each path found in at least one item. Returns a new tree; NULL only if answer is. */
cJSON *mm_project(const cJSON *answer, const char *const *paths, size_t n, unsigned char *found);

/* The value at a dotted path of an item (members only; stops at a value that is not an object
 * and returns it, so a projected array shows whole), or NULL. Borrowed. */
const cJSON *mm_path_value(const cJSON *item, const char *path);

#endif
