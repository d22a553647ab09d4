/*
 * "Did you mean": the names closest to one that does not exist (a category, a tool), for
 * error messages. A name is close when it is a few edits away (mm_edit_distance, the bound
 * growing with the length: 1 edit for up to 5 characters, then one more per 4, at most 4:
 * "orgs_devics" -> orgs_devices), or when it shares most of the wrong name's words (split at
 * '_', '-', '.', spaces and camelCase; plurals aside: "org_wlan" -> orgs_wlans,
 * "listWlansOfOrg" -> listOrgWlans). A near spelling ranks before shared words; among
 * equals, the shorter name first.
 *
 * Use: mm_suggest_init, then mm_suggest_consider for every existing name (the caller owns
 * the collection and identifies each name by an id of its choosing), then read
 * ids[0..count) and names[0..count), or let mm_suggest_list write "a, b, c". The state lives
 * in the caller's mm_suggest (no allocation, no global state): thread-safe as long as one
 * mm_suggest is not shared between threads. wrong and the names are borrowed: they must
 * outlive the mm_suggest. Cost: the wrong name is split into words once; then one bounded
 * edit distance and one pass over the name's words per name (about a microsecond each).
 */
#ifndef MISTMCP_CORE_BASE_SUGGEST_H
#define MISTMCP_CORE_BASE_SUGGEST_H

#include <stddef.h>

#define MM_SUGGEST_MAX 5

typedef struct mm_suggest {
    const char *wrong;
    size_t limit;                      /* most suggestions kept, <= MM_SUGGEST_MAX */
    size_t count;                      /* suggestions so far, best first */
    size_t ids[MM_SUGGEST_MAX];        /* the ids given to mm_suggest_consider */
    const char *names[MM_SUGGEST_MAX]; /* the names given with them (borrowed) */
    long scores[MM_SUGGEST_MAX];       /* internal: higher is closer */
    /* internal: the wrong name's length and its words, split once by mm_suggest_init */
    size_t wrong_len, letters; /* bytes; letters of all its words */
    size_t nwords;             /* words of 2 letters or more */
    unsigned char word_at[50], word_n[50];
    unsigned char bag[128]; /* how often each ASCII character occurs in it, letters folded */
} mm_suggest;

/* Starts a search for names close to wrong, keeping at most limit (capped at
 * MM_SUGGEST_MAX). A wrong name longer than 100 bytes gets no suggestion. */
void mm_suggest_init(mm_suggest *s, const char *wrong, size_t limit);

/* Weighs one existing name; keeps its id if it is among the closest so far. */
void mm_suggest_consider(mm_suggest *s, const char *name, size_t id);

/* Writes the suggestions as "a, b, c" into out (NUL-terminated, cut to size; "" for none).
 * Returns how many there are. */
size_t mm_suggest_list(const mm_suggest *s, char *out, size_t size);

#endif
