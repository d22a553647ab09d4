#include "mcp/search_index.h"

#include "base/util.h"
#include "mcp/search_text.h"

#include <stdlib.h>
#include <string.h>

/* One occurrence while building: a word, a tool, a field. */
typedef struct occurrence {
    char word[MM_SEARCH_WORD_MAX];
    uint32_t entry;
    uint8_t field;
} occurrence;

typedef struct builder {
    occurrence *list;
    size_t count, cap;
} builder;

/* Adds the words of text (in field of entry) to b; returns the letters and spaces of the
 * words kept, as "w1 w2 " would count them. */
static size_t add_text(builder *b, const char *text, uint32_t entry, uint8_t field)
{
    char w[MM_SEARCH_WORD_MAX];
    size_t letters = 0;
    for (const char *p = text ? text : ""; mm_search_next_word(&p, field == MM_FIELD_PATH, w);) {
        mm_search_stem(w);
        if (mm_search_stopword(w))
            continue;
        if (b->count == b->cap)
            b->list = mm_xrealloc(b->list, (b->cap = b->cap ? 2 * b->cap : 4096) * sizeof *b->list);
        occurrence *o = &b->list[b->count++];
        memcpy(o->word, w, sizeof w);
        o->entry = entry;
        o->field = field;
        letters += strlen(w) + 1;
    }
    return letters;
}

static int by_word_entry(const void *a, const void *b)
{
    const occurrence *x = a, *y = b;
    int c = strcmp(x->word, y->word);
    return c ? c : (x->entry > y->entry) - (x->entry < y->entry);
}

/* 1 if path ends in the id of one object, not of the org, site or MSP a question is about
 * (getSelf gives those): /sites/{site_id}/devices/{device_id} but not /orgs/{org_id}. */
static int names_one(const char *path)
{
    size_t len = path ? strlen(path) : 0;
    if (!len || path[len - 1] != '}')
        return 0;
    const char *open = strrchr(path, '{');
    return !(strcmp(open, "{org_id}") == 0 || strcmp(open, "{site_id}") == 0 ||
             strcmp(open, "{msp_id}") == 0);
}

mm_search_index *mm_search_index_build(const mm_catalog *c)
{
    mm_search_index *ix = mm_xcalloc(1, sizeof *ix);
    ix->entries = mm_xcalloc(c->tool_count + 1, sizeof *ix->entries);
    builder b = {0};
    for (uint32_t i = 0; i < c->category_count; i++)
        for (uint32_t k = 0; k < c->categories[i].tool_count; k++) {
            uint32_t at = (uint32_t)ix->entry_count++;
            mm_search_entry *e = &ix->entries[at];
            e->tool = &c->categories[i].tools[k];
            e->category = &c->categories[i];
            size_t letters = 1 + add_text(&b, e->tool->name, at, MM_FIELD_NAME);
            e->name_letters = (uint16_t)(letters < UINT16_MAX ? letters : UINT16_MAX);
            add_text(&b, e->category->tag, at, MM_FIELD_CATEGORY);
            add_text(&b, e->tool->path, at, MM_FIELD_PATH);
            add_text(&b, e->tool->summary, at, MM_FIELD_SUMMARY);
            e->counts = strncmp(e->tool->name, "count", 5) == 0;
            e->single = names_one(e->tool->path);
        }
    qsort(b.list, b.count, sizeof *b.list, by_word_entry);
    ix->words = mm_xcalloc(b.count + 1, sizeof *ix->words);
    for (size_t i = 0; i < b.count;) {
        size_t end = i;
        while (end < b.count && strcmp(b.list[end].word, b.list[i].word) == 0)
            end++;
        mm_search_word *w = &ix->words[ix->word_count++];
        w->text = mm_xstrdup(b.list[i].word);
        w->postings = mm_xcalloc(end - i, sizeof *w->postings);
        for (size_t k = i; k < end; k++) { /* sorted by entry: one posting per tool */
            if (!w->count || w->postings[w->count - 1].entry != b.list[k].entry)
                w->postings[w->count++].entry = b.list[k].entry;
            w->postings[w->count - 1].fields |= (uint8_t)(1u << b.list[k].field);
        }
        i = end;
    }
    free(b.list);
    return ix;
}

void mm_search_index_free(mm_search_index **index)
{
    mm_search_index *ix = *index;
    if (!ix)
        return;
    for (size_t i = 0; i < ix->word_count; i++) {
        free(ix->words[i].text);
        free(ix->words[i].postings);
    }
    free(ix->words);
    free(ix->entries);
    free(ix);
    *index = NULL;
}

size_t mm_search_index_find(const mm_search_index *ix, const char *w, size_t *first)
{
    size_t lo = 0, hi = ix->word_count, n = strlen(w);
    while (lo < hi) { /* the first word not before w */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix->words[mid].text, w) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    size_t end = lo;
    while (end < ix->word_count && strncmp(ix->words[end].text, w, n) == 0)
        end++;
    return end - lo;
}
