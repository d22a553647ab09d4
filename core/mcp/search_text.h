/*
 * The words of tool search (mcp/tool_search.c): how a question and a tool's name, summary,
 * path and category are cut into comparable words, and what a question's words also mean in
 * the catalog's vocabulary.
 *
 * Words are lower-case ASCII letters and digits, split at every other character and at a
 * lower-to-upper case change ("listOrgWlans" -> list, org, wlans), then stemmed to a singular
 * (devices -> device, switches -> switch, policies -> policy). Common English and API words
 * ("the", "which", "api", "id") are stop words. Some pairs are one word in the catalog
 * ("access point" -> ap, "pre shared" -> psk). Synonyms say what a question's word is called
 * in Mist's API ("offline" -> stat: a device's state is in its stats; "locate" -> search;
 * "ssid" -> wlan), each with a weight against the word itself.
 *
 * Everything here is a pure function over static tables: no state, thread-safe. Strings
 * returned point into static tables.
 */
#ifndef MISTMCP_CORE_MCP_SEARCH_TEXT_H
#define MISTMCP_CORE_MCP_SEARCH_TEXT_H

#include <stddef.h>

/* Longest word kept, with its NUL; longer words are cut. */
#define MM_SEARCH_WORD_MAX 32

/* Reads the next word of *text into w (lower-case, unstemmed) and moves *text past it.
 * skip_ids: a "{placeholder}" (a path's {org_id}) is no word. Returns 0 when there is none. */
int mm_search_next_word(const char **text, int skip_ids, char w[MM_SEARCH_WORD_MAX]);

/* Stems w in place to its singular. Returns 1 if it changed (the word was a plural). */
int mm_search_stem(char *w);

/* 1 if the stemmed word w carries no meaning for search. */
int mm_search_stopword(const char *w);

/* The one word the catalog uses for the two stemmed words a b ("access" "point" -> "ap"),
 * or NULL. */
const char *mm_search_phrase(const char *a, const char *b);

/* What a stemmed question word also means. */
typedef struct mm_search_synonym {
    const char *word;   /* stemmed */
    const char *also;   /* catalog words, stemmed, separated by spaces */
    double also_weight; /* each of them against a direct match (1) */
    double own_weight;  /* the word itself */
    /* Words that make a tool likelier without being the word ("client": Mist's clients are
     * mostly wireless, wired or WAN ones, not NAC or SDK ones), each adding hint_weight. */
    const char *hints;
    double hint_weight;
} mm_search_synonym;

/* The synonym entry of the stemmed word w, or NULL. */
const mm_search_synonym *mm_search_synonym_of(const char *w);

/* The whole synonym table, for its test (every word in it stemmed, no word twice). */
const mm_search_synonym *mm_search_synonyms(size_t *count);

#endif
