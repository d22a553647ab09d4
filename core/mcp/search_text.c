#include "mcp/search_text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Sorted (for bsearch). Words that say nothing about which tool is meant. */
static const char *const stopwords[] = {
    "a",      "all",    "an",        "and",    "any",   "api",        "are",   "as",    "at",
    "be",     "behind", "broadcast", "by",     "can",   "configured", "day",   "do",    "doe",
    "don",    "for",    "from",      "get",    "give",  "have",       "hour",  "how",   "i",
    "id",     "in",     "is",        "it",     "last",  "list",       "many",  "me",    "mist",
    "my",     "near",   "need",      "number", "of",    "on",         "or",    "our",   "please",
    "raised", "recent", "show",      "t",      "that",  "the",        "their", "them",  "there",
    "these",  "they",   "this",      "those",  "to",    "today",      "up",    "v1",    "v2",
    "we",     "week",   "what",      "when",   "where", "which",      "with",  "within"};

/* Sorted by word. A question word -> the catalog words that mean the same (the best match of
 * the word and these counts), with their weight and the word's own. Mist calls APs, switches
 * and gateways "devices", keeps a device's state (online, offline) in its stats, and finds
 * one thing among many with its search tools. */
static const mm_search_synonym synonyms[] = {
    {"alert", "alarm", 1.0, 0.3, NULL, 0},
    {"ap", "device", 1.0, 0.2, NULL, 0},
    {"authentication", "nac auth", 0.6, 0.3, NULL, 0},
    {"channel", "rrm channel", 0.6, 1.0, NULL, 0},
    {"client", "", 0, 1.0, "wireless wired wan", 0.3},
    {"configuration", "config", 0.5, 0.5, NULL, 0},
    {"connected", "stat", 0.5, 0.8, NULL, 0},
    {"detail", "information", 0.9, 1.0, NULL, 0},
    {"diagnose", "troubleshoot", 1.0, 0.3, NULL, 0},
    {"disconnected", "stat", 1.0, 0.5, NULL, 0},
    {"down", "stat", 0.5, 0.3, NULL, 0},
    {"experience", "sle", 0.8, 0.5, NULL, 0},
    {"fail", "event", 0.6, 0.5, NULL, 0},
    {"failed", "event", 0.6, 0.5, NULL, 0},
    {"failure", "event", 0.6, 0.5, NULL, 0},
    {"find", "search", 1.0, 0.3, NULL, 0},
    {"firmware", "version upgrade", 0.9, 0.3, NULL, 0},
    {"floor", "map", 0.8, 0.3, NULL, 0},
    {"gateway", "device", 0.6, 1.0, NULL, 0},
    {"health", "sle insight", 0.8, 0.5, NULL, 0},
    {"history", "event", 0.6, 0.5, NULL, 0},
    {"interference", "rrm", 0.8, 0.3, NULL, 0},
    {"issue", "troubleshoot", 0.8, 0.3, NULL, 0},
    {"key", "psk", 0.8, 0.5, NULL, 0},
    {"locate", "search", 1.0, 0.3, NULL, 0},
    {"log", "audit", 0.6, 1.0, NULL, 0},
    {"offline", "stat", 1.0, 0.5, NULL, 0},
    {"online", "stat", 1.0, 0.5, NULL, 0},
    {"organization", "org", 1.0, 0.2, NULL, 0},
    {"password", "psk", 1.0, 0.3, NULL, 0},
    {"peer", "stat", 0.3, 1.0, NULL, 0},
    {"plan", "map planning", 0.6, 0.5, NULL, 0},
    {"problem", "troubleshoot", 0.8, 0.3, NULL, 0},
    {"radio", "rrm rf", 0.6, 0.5, NULL, 0},
    {"sdwan", "gateway wan", 0.8, 0.3, NULL, 0},
    {"serial", "inventory", 0.8, 0.5, NULL, 0},
    {"ssid", "wlan", 1.0, 0.3, NULL, 0},
    {"statistic", "stat", 1.0, 0.5, NULL, 0},
    {"status", "stat", 1.0, 0.3, NULL, 0},
    {"subscription", "license", 0.8, 0.5, NULL, 0},
    {"switch", "device", 0.6, 1.0, NULL, 0},
    {"tunnel", "tunnel vpn", 0.6, 1.0, NULL, 0},
    {"update", "upgrade", 0.9, 0.5, NULL, 0},
    {"user", "client", 0.8, 0.5, NULL, 0},
    {"vlan", "network", 0.6, 0.5, NULL, 0},
    {"who", "client stat", 0.4, 0.0, NULL, 0},
    {"why", "troubleshoot", 1.0, 0.0, NULL, 0},
    {"wifi", "wlan wireless", 0.8, 0.3, NULL, 0},
};

/* Two words the catalog writes as one. */
static const struct {
    const char *a, *b, *one;
} phrases[] = {
    {"access", "point", "ap"}, {"how", "many", "count"}, {"mist", "edge", "mxedge"},
    {"pre", "shared", "psk"},  {"sd", "wan", "sdwan"},   {"wi", "fi", "wifi"},
};

int mm_search_next_word(const char **text, int skip_ids, char w[MM_SEARCH_WORD_MAX])
{
    const char *p = *text;
    size_t n = 0;
    for (;; p++) {
        if (!*p)
            break;
        if (*p == '{' && skip_ids) { /* {org_id}: a placeholder, not a word */
            if (n)
                break;
            while (*p && *p != '}')
                p++;
            if (!*p)
                break;
            continue;
        }
        if (!isalnum((unsigned char)*p)) {
            if (n)
                break;
            continue;
        }
        if (n && isupper((unsigned char)*p) && islower((unsigned char)p[-1]))
            break; /* camelCase: a new word */
        if (n < MM_SEARCH_WORD_MAX - 1)
            w[n++] = (char)tolower((unsigned char)*p);
    }
    w[n] = '\0';
    *text = p;
    return n > 0;
}

int mm_search_stem(char *w)
{
    size_t n = strlen(w);
    if (strcmp(w, "aps") == 0 || strcmp(w, "ids") == 0) { /* too short for the rules below */
        w[2] = '\0';
        return 1;
    }
    if (n > 4 && (strcmp(w + n - 4, "ches") == 0 || strcmp(w + n - 4, "shes") == 0 ||
                  strcmp(w + n - 4, "sses") == 0)) {
        w[n - 2] = '\0';
        return 1;
    }
    if (n > 4 && strcmp(w + n - 3, "ies") == 0) {
        strcpy(w + n - 3, "y");
        return 1;
    }
    if (n > 3 && w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != 'u') {
        w[n - 1] = '\0';
        return 1;
    }
    return 0;
}

static int by_string(const void *key, const void *item)
{
    return strcmp(key, *(const char *const *)item);
}

int mm_search_stopword(const char *w)
{
    return bsearch(w, stopwords, sizeof stopwords / sizeof stopwords[0], sizeof stopwords[0],
                   by_string) != NULL;
}

const char *mm_search_phrase(const char *a, const char *b)
{
    for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++)
        if (strcmp(phrases[i].a, a) == 0 && strcmp(phrases[i].b, b) == 0)
            return phrases[i].one;
    return NULL;
}

static int by_synonym(const void *key, const void *item)
{
    return strcmp(key, ((const mm_search_synonym *)item)->word);
}

const mm_search_synonym *mm_search_synonym_of(const char *w)
{
    return bsearch(w, synonyms, sizeof synonyms / sizeof synonyms[0], sizeof synonyms[0],
                   by_synonym);
}

const mm_search_synonym *mm_search_synonyms(size_t *count)
{
    *count = sizeof synonyms / sizeof synonyms[0];
    return synonyms;
}
