#define _POSIX_C_SOURCE 200809L
#include "mcp/tool_search.h"

#include "base/util.h"
#include "mcp/search_index.h"
#include "mcp/search_text.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUERY_WORDS 24 /* a longer question is cut here */
#define MAX_GROUPS 16
#define MAX_MEMBERS 4

/* A word found in a tool's name says most, then its category, path and summary. */
static const double field_weight[MM_FIELDS] = {3.0, 2.0, 1.5, 1.0};

/* A count tool answers only "how many"; a tool for one object needs its id, which a question
 * in the plural ("APs that are offline") does not give: both rank lower when the question
 * does not ask for them. */
#define COUNT_FACTOR 0.6
#define SINGLE_FACTOR 0.75

/* The index: built once per process for the one generated catalog (the only catalog a
 * server searches), read-only afterwards. */
static mm_search_index *index_of;
static const mm_catalog *indexed;
static _Thread_local const mm_catalog *to_index; /* hands the catalog to build_index */
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static void build_index(void)
{
    indexed = to_index;
    index_of = mm_search_index_build(indexed);
}

/* One word of the question and what it may be called in the catalog: a tool scores the best
 * of its members. A hint group (a word that makes a tool likelier, from a synonym's hints)
 * yields to the same word asked for directly. */
typedef struct group {
    char key[MM_SEARCH_WORD_MAX]; /* the question's word, or the hint */
    int hint;
    struct {
        char word[MM_SEARCH_WORD_MAX];
        double weight;
    } members[MAX_MEMBERS];
    size_t count;
} group;

typedef struct query {
    group groups[MAX_GROUPS];
    size_t count;
    int wants_count; /* "how many", "count" */
    int plural;      /* a word in the plural: many objects, not one by its id */
} query;

static void add_member(group *g, const char *word, double weight)
{
    for (size_t i = 0; i < g->count; i++)
        if (strcmp(g->members[i].word, word) == 0)
            return;
    if (g->count == MAX_MEMBERS || weight <= 0)
        return;
    snprintf(g->members[g->count].word, MM_SEARCH_WORD_MAX, "%s", word);
    g->members[g->count++].weight = weight;
}

/* The group for key, new or emptied (a hint asked for directly); NULL when the question has
 * enough groups or already has this one. */
static group *new_group(query *q, const char *key, int hint)
{
    group *g = NULL;
    for (size_t i = 0; i < q->count && !g; i++)
        if (strcmp(q->groups[i].key, key) == 0) {
            if (hint || !q->groups[i].hint)
                return NULL;
            g = &q->groups[i];
        }
    if (!g && q->count == MAX_GROUPS)
        return NULL;
    if (!g)
        g = &q->groups[q->count++];
    memset(g, 0, sizeof *g);
    snprintf(g->key, sizeof g->key, "%s", key);
    g->hint = hint;
    return g;
}

/* Adds the members (or hint groups) listed in words ("a b c") with weight. */
static void add_words(query *q, group *g, const char *words, double weight)
{
    char list[128];
    snprintf(list, sizeof list, "%s", words ? words : "");
    char *save = NULL;
    for (char *a = strtok_r(list, " ", &save); a; a = strtok_r(NULL, " ", &save)) {
        group *h = g ? g : new_group(q, a, 1);
        if (h)
            add_member(h, a, weight);
    }
}

static void parse(const char *text, query *q)
{
    memset(q, 0, sizeof *q);
    char words[QUERY_WORDS][MM_SEARCH_WORD_MAX];
    int plural[QUERY_WORDS];
    size_t n = 0;
    for (const char *p = text; n < QUERY_WORDS && mm_search_next_word(&p, 0, words[n]);) {
        plural[n] = mm_search_stem(words[n]);
        n++;
    }
    char previous[MM_SEARCH_WORD_MAX] = "";
    for (size_t i = 0; i < n; i++) {
        const char *w = words[i];
        const char *one = i + 1 < n ? mm_search_phrase(w, words[i + 1]) : NULL;
        if (one) /* "access point" is "ap" */
            w = one, i++;
        if (mm_search_stopword(w))
            continue;
        q->wants_count |= strcmp(w, "count") == 0;
        q->plural |= plural[i];
        group *g;
        if (previous[0]) { /* "ap template" is one word in listOrgAptemplates */
            char pair[MM_SEARCH_WORD_MAX];
            snprintf(pair, sizeof pair, "%.15s%.15s", previous, w);
            if ((g = new_group(q, pair, 0)) != NULL)
                add_member(g, pair, 1.0);
        }
        snprintf(previous, sizeof previous, "%s", w);
        if ((g = new_group(q, w, 0)) == NULL)
            continue;
        const mm_search_synonym *syn = mm_search_synonym_of(w);
        add_member(g, w, syn ? syn->own_weight : 1.0);
        if (syn) {
            add_words(q, g, syn->also, syn->also_weight);
            add_words(q, NULL, syn->hints, syn->hint_weight);
        }
    }
}

static int by_score(const void *a, const void *b)
{
    const mm_search_hit *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return strcmp(x->tool->name, y->tool->name);
}

/* The best field of a posting, as its weight. */
static double best_field(uint8_t fields)
{
    for (int f = 0; f < MM_FIELDS; f++)
        if (fields & (1u << f))
            return field_weight[f];
    return 0;
}

/* Scores one member of group g (word, with its weight) for every tool that has it, into
 * best[g * entries + tool] (the group's best so far) and strong (a member of weight 0.8 or
 * more matched: the tool answers that part of the question). stamp: scratch, one per tool,
 * mark: a value not in it yet. */
static void score_member(const mm_search_index *ix, const char *word, double weight, size_t g,
                         double *best, unsigned char *strong, uint32_t *stamp, uint32_t mark)
{
    size_t first, n = mm_search_index_find(ix, word, &first), len = strlen(word);
    int exact = n && strcmp(ix->words[first].text, word) == 0;
    if (!n || (!exact && len < 4))
        return;          /* a prefix counts from 4 letters on */
    size_t from = first; /* the exact word, then the longer ones ("port" -> "portal") */
    size_t to = len >= 4 ? first + n : first + 1;
    size_t df = 0; /* tools that have it: rarer words say more */
    for (size_t k = from; k < to; k++)
        for (uint32_t p = 0; p < ix->words[k].count; p++) {
            uint32_t e = ix->words[k].postings[p].entry;
            df += stamp[e] != mark;
            stamp[e] = mark;
        }
    double idf = log(1.0 + (double)ix->entry_count / (1.0 + (double)df));
    for (size_t k = from; k < to; k++) {
        double strength = exact && k == first ? 1.0 : 0.5;
        for (uint32_t p = 0; p < ix->words[k].count; p++) {
            const mm_search_posting *post = &ix->words[k].postings[p];
            double v = strength * best_field(post->fields) * weight * idf;
            size_t cell = g * ix->entry_count + post->entry;
            if (v > best[cell])
                best[cell] = v;
            if (weight >= 0.8)
                strong[cell] = 1;
        }
    }
}

size_t mm_tool_search(const mm_catalog *catalog, const char *query_text, int include_write,
                      mm_search_keep_fn keep, void *keep_ctx, mm_search_hit *hits, size_t max)
{
    if (!catalog || !query_text || !max)
        return 0;
    to_index = catalog;
    pthread_once(&index_once, build_index);
    if (catalog != indexed)
        return 0; /* one catalog per process: the generated one */
    const mm_search_index *ix = index_of;
    query q;
    parse(query_text, &q);
    if (!q.count || !ix->entry_count)
        return 0;
    size_t cells = q.count * ix->entry_count;
    double *best = mm_xcalloc(cells, sizeof *best);
    unsigned char *strong = mm_xcalloc(cells, 1);
    uint32_t *stamp = mm_xcalloc(ix->entry_count, sizeof *stamp);
    uint32_t mark = 0;
    for (size_t g = 0; g < q.count; g++)
        for (size_t m = 0; m < q.groups[g].count; m++)
            score_member(ix, q.groups[g].members[m].word, q.groups[g].members[m].weight, g, best,
                         strong, stamp, ++mark);
    mm_search_hit *all = mm_xcalloc(ix->entry_count + 1, sizeof *all);
    size_t found = 0;
    for (size_t i = 0; i < ix->entry_count; i++) {
        const mm_search_entry *e = &ix->entries[i];
        if (!include_write && !e->tool->read_only)
            continue;
        double score = 0;
        size_t matched = 0;
        for (size_t g = 0; g < q.count; g++) {
            size_t cell = g * ix->entry_count + i;
            if (best[cell] <= 0)
                continue;
            score += best[cell];
            matched += strong[cell];
        }
        if (score <= 0 || (keep && !keep(e->category, keep_ctx)))
            continue;
        score *= 1.0 + 0.25 * (double)matched;         /* tools that match more of the question */
        score /= 1.0 + 0.02 * (double)e->name_letters; /* shorter names: broader */
        if (e->counts && !q.wants_count)
            score *= COUNT_FACTOR;
        if (e->single && q.plural)
            score *= SINGLE_FACTOR;
        all[found++] = (mm_search_hit){.tool = e->tool, .category = e->category, .score = score};
    }
    free(best);
    free(strong);
    free(stamp);
    qsort(all, found, sizeof *all, by_score);
    size_t n = found < max ? found : max;
    memcpy(hits, all, n * sizeof *hits);
    free(all);
    return n;
}
