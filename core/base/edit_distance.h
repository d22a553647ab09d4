/*
 * Edit distance between two short names, for "did you mean" suggestions: the optimal string
 * alignment distance (Damerau-Levenshtein in which no part is edited twice: an insertion, a
 * deletion, a substitution or the swap of two neighbouring characters each costs 1), ASCII
 * letters compared without case.
 *
 * Bounded: the caller says the largest distance it cares about, and anything farther is
 * answered as bound + 1 as soon as that is certain, so one comparison costs at most
 * len(a) * len(b) steps and usually far fewer. Names longer than MM_EDIT_DISTANCE_MAX_LEN
 * bytes are never close (bound + 1).
 *
 * Pure function: no state, no allocation, thread-safe.
 */
#ifndef MISTMCP_CORE_BASE_EDIT_DISTANCE_H
#define MISTMCP_CORE_BASE_EDIT_DISTANCE_H

#include <stddef.h>

#define MM_EDIT_DISTANCE_MAX_LEN 128

/* The distance between NUL-terminated a and b if it is at most bound, else bound + 1. */
size_t mm_edit_distance(const char *a, const char *b, size_t bound);

#endif
