#define _POSIX_C_SOURCE 200809L
#include "mcp/tool_search.h"

#include "base/util.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TERMS 16
#define WORD_MAX 32

enum { F_NAME, F_CATEGORY, F_PATH, F_SUMMARY, FIELDS };
static const double field_weight[FIELDS] = {3.0, 2.0, 1.5, 1.0};

/* One tool's words per field: stems separated by spaces, with a space at both ends. */
typedef struct entry {
    const mm_catalog_tool *tool;
    const mm_catalog_category *category;
    char *words[FIELDS];
} entry;

/* The index: built once per process for the one generated catalog (the only catalog a
 * server searches), read-only afterwards. */
static entry *entries;
static size_t entry_count;
static const mm_catalog *indexed;
static _Thread_local const mm_catalog *to_index; /* hands the catalog to build_index */
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static const char *const stopwords[] = {
    "a",      "all",    "an",     "and",    "any",  "are",    "as",        "at",         "be",
    "behind", "by",     "can",    "do",     "doe",  "for",    "from",      "get",        "give",
    "have",   "how",    "i",      "in",     "is",   "it",     "list",      "many",       "me",
    "my",     "of",     "on",     "or",     "our",  "please", "show",      "the",        "their",
    "there",  "this",   "to",     "we",     "what", "when",   "where",     "which",      "with",
    "within", "mist",   "api",    "v1",     "v2",   "id",     "last",      "day",        "hour",
    "week",   "today",  "recent", "raised", "near", "them",   "broadcast", "configured", "number",
    "up",     "status", "that",   "those",  "these"};

/* A question's word -> the words the catalog uses for it, with their weight, and the
 * weight the word itself keeps (Mist calls APs, switches and gateways "devices"). */
static const struct {
    const char *word, *also;
    double also_weight, own_weight;
} synonyms[] = {
    {"ap", "device", 1.0, 0.2},
    {"access", "device", 0.8, 0.3},
    {"point", "device", 0.3, 0.2},
    {"switch", "device", 0.6, 1.0},
    {"gateway", "device", 0.6, 1.0},
    {"ssid", "wlan", 1.0, 0.3},
    {"wifi", "wlan wireless", 0.8, 0.3},
    {"user", "client", 0.8, 0.5},
    {"offline", "device stat", 0.8, 0.5},
    {"online", "device stat", 0.8, 0.5},
    {"connected", "client stat", 0.4, 0.8},
    {"down", "stat", 0.5, 0.3},
    {"health", "sle insight", 0.8, 0.5},
    {"experience", "sle", 0.8, 0.5},
    {"firmware", "upgrade", 1.0, 0.3},
    {"port", "port", 0.0, 1.0},
    {"statistic", "stat", 1.0, 0.5},
    {"history", "event", 0.6, 0.5},
    {"log", "audit", 0.6, 1.0},
    {"alert", "alarm", 1.0, 0.3},
    {"floor", "map", 0.8, 0.3},
    {"plan", "map planning", 0.6, 0.5},
    {"organization", "org", 1.0, 0.2},
    {"vlan", "network", 0.6, 0.5},
    {"password", "psk", 1.0, 0.3},
    {"pre", "psk", 0.6, 0.0},
    {"shared", "psk", 0.6, 0.0},
    {"key", "psk", 0.8, 0.5},
    {"subscription", "license", 0.8, 0.5},
    {"serial", "inventory", 0.8, 0.5},
    {"radio", "rrm rf", 0.6, 0.5},
    {"channel", "rrm channel", 0.6, 1.0},
    {"interference", "rrm", 0.8, 0.3},
    {"peer", "stat", 0.3, 1.0},
    {"tunnel", "tunnel vpn", 0.6, 1.0},
    {"sdwan", "gateway wan", 0.8, 0.3},
    {"configuration", "config", 0.5, 0.5},
    {"authentication", "nac auth", 0.6, 0.3},
    {"who", "client stat", 0.4, 0.0},
};

static int is_stopword(const char *w)
{
    for (size_t i = 0; i < sizeof stopwords / sizeof stopwords[0]; i++)
        if (strcmp(stopwords[i], w) == 0)
            return 1;
    return 0;
}

/* Lowercase, and a plural's singular: devices -> device, switches -> switch. */
static void stem(char *w)
{
    size_t n = strlen(w);
    if (n > 4 && (strcmp(w + n - 4, "ches") == 0 || strcmp(w + n - 4, "shes") == 0 ||
                  strcmp(w + n - 4, "sses") == 0))
        w[n - 2] = '\0';
    else if (n > 4 && strcmp(w + n - 3, "ies") == 0)
        strcpy(w + n - 3, "y");
    else if (n > 3 && w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != 'u')
        w[n - 1] = '\0';
}

/* Appends the stems of text's words (camelCase and snake_case split) to out. */
static void add_words(char **out, size_t *len, size_t *cap, const char *text, int skip_ids)
{
    char w[WORD_MAX];
    size_t n = 0;
    for (const char *p = text;; p++) {
        int boundary = !*p || !isalnum((unsigned char)*p) ||
                       (n && isupper((unsigned char)*p) && islower((unsigned char)p[-1]));
        if (boundary && n) {
            w[n] = '\0';
            stem(w);
            if (!is_stopword(w) && !(skip_ids && strchr(w, '_'))) {
                size_t need = *len + n + 2;
                if (need > *cap)
                    *out = mm_xrealloc(*out, *cap = need * 2);
                memcpy(*out + *len, w, strlen(w));
                *len += strlen(w);
                (*out)[(*len)++] = ' ';
                (*out)[*len] = '\0';
            }
            n = 0;
        }
        if (!*p)
            break;
        if (*p == '{' && skip_ids) { /* {org_id}: a placeholder, not a word */
            while (p[1] && p[1] != '}')
                p++;
            continue;
        }
        if (isalnum((unsigned char)*p) && n < WORD_MAX - 1)
            w[n++] = (char)tolower((unsigned char)*p);
    }
}

static char *words_of(const char *text, int skip_ids)
{
    size_t len = 1, cap = 64;
    char *out = mm_xmalloc(cap);
    strcpy(out, " ");
    if (text)
        add_words(&out, &len, &cap, text, skip_ids);
    return out;
}

static void build_index(void)
{
    const mm_catalog *c = indexed = to_index;
    entries = mm_xcalloc(c->tool_count + 1, sizeof *entries);
    for (uint32_t i = 0; i < c->category_count; i++)
        for (uint32_t k = 0; k < c->categories[i].tool_count; k++) {
            entry *e = &entries[entry_count++];
            e->tool = &c->categories[i].tools[k];
            e->category = &c->categories[i];
            e->words[F_NAME] = words_of(e->tool->name, 0);
            e->words[F_CATEGORY] = words_of(e->category->tag, 0);
            e->words[F_PATH] = words_of(e->tool->path, 1);
            e->words[F_SUMMARY] = words_of(e->tool->summary, 0);
        }
}

/* 1 for the whole word, 0.5 for a prefix of at least 4 letters, else 0. */
static double match(const char *words, const char *term)
{
    size_t n = strlen(term);
    double best = 0;
    for (const char *p = strstr(words, term); p; p = strstr(p + 1, term))
        if (p[-1] == ' ') {
            if (p[n] == ' ')
                return 1.0; /* "port" in " portal port ": the whole word wins */
            if (n >= 4)
                best = 0.5;
        }
    return best;
}

/* The query's terms: stems, synonyms added (marked as weaker). */
static size_t terms_of(const char *query, char terms[][WORD_MAX], double *weights)
{
    char *words = words_of(query, 0);
    size_t count = 0;
    char *outer = NULL, previous[WORD_MAX] = "";
    for (char *w = strtok_r(words, " ", &outer); w && count < MAX_TERMS;
         w = strtok_r(NULL, " ", &outer)) {
        if (count + 2 > MAX_TERMS)
            break;         /* room for this word and its joined pair, or the question ends here */
        if (previous[0]) { /* "ap template" is one word in aptemplates */
            snprintf(terms[count], WORD_MAX, "%.15s%.15s", previous, w);
            weights[count++] = 1.0;
        }
        snprintf(previous, sizeof previous, "%s", w);
        double own = 1.0;
        size_t first = count;
        snprintf(terms[count], WORD_MAX, "%s", w);
        weights[count++] = own;
        for (size_t i = 0; i < sizeof synonyms / sizeof synonyms[0]; i++) {
            char base[WORD_MAX];
            snprintf(base, sizeof base, "%s", synonyms[i].word);
            stem(base);
            if (strcmp(base, w) != 0)
                continue;
            weights[first] = synonyms[i].own_weight;
            char also[64];
            snprintf(also, sizeof also, "%s", synonyms[i].also);
            char *save = NULL;
            for (char *a = strtok_r(also, " ", &save); a && count < MAX_TERMS;
                 a = strtok_r(NULL, " ", &save)) {
                if (strcmp(a, w) == 0 || synonyms[i].also_weight <= 0)
                    continue;
                snprintf(terms[count], WORD_MAX, "%s", a);
                weights[count++] = synonyms[i].also_weight;
            }
        }
    }
    free(words);
    return count;
}

static int by_score(const void *a, const void *b)
{
    const mm_search_hit *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return strcmp(x->tool->name, y->tool->name);
}

size_t mm_tool_search(const mm_catalog *catalog, const char *query, int include_write,
                      mm_search_keep_fn keep, void *keep_ctx, mm_search_hit *hits, size_t max)
{
    if (!catalog || !query || !max)
        return 0;
    to_index = catalog;
    pthread_once(&index_once, build_index);
    if (catalog != indexed)
        return 0; /* one catalog per process: the generated one */
    char terms[MAX_TERMS][WORD_MAX];
    double weights[MAX_TERMS], idf[MAX_TERMS];
    size_t nt = terms_of(query, terms, weights);
    if (!nt)
        return 0;
    for (size_t t = 0; t < nt; t++) { /* rarer words say more */
        size_t df = 0;
        for (size_t i = 0; i < entry_count; i++)
            for (int f = 0; f < FIELDS; f++)
                if (match(entries[i].words[f], terms[t]) > 0) {
                    df++;
                    break;
                }
        idf[t] = log(1.0 + (double)entry_count / (1.0 + (double)df));
    }
    mm_search_hit *all = mm_xcalloc(entry_count + 1, sizeof *all);
    size_t found = 0;
    for (size_t i = 0; i < entry_count; i++) {
        const entry *e = &entries[i];
        if (!include_write && !e->tool->read_only)
            continue;
        double score = 0;
        size_t matched = 0;
        for (size_t t = 0; t < nt; t++) {
            double best = 0;
            for (int f = 0; f < FIELDS; f++) {
                double m = match(e->words[f], terms[t]) * field_weight[f];
                if (m > best)
                    best = m;
            }
            score += best * weights[t] * idf[t];
            matched += best > 0 && weights[t] >= 0.8;
        }
        if (score <= 0 || (keep && !keep(e->category, keep_ctx)))
            continue;
        score *= 1.0 + 0.25 * (double)matched; /* tools that match more of the question */
        score /= 1.0 + 0.02 * (double)strlen(e->words[F_NAME]); /* shorter names: broader */
        all[found++] = (mm_search_hit){.tool = e->tool, .category = e->category, .score = score};
    }
    qsort(all, found, sizeof *all, by_score);
    size_t n = found < max ? found : max;
    memcpy(hits, all, n * sizeof *hits);
    free(all);
    return n;
}
