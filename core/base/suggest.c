#define _POSIX_C_SOURCE 200809L /* strncasecmp */
#include "base/suggest.h"

#include "base/edit_distance.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define WRONG_MAX 100

/* The length of the word at p: up to a separator, or to a lower-to-upper case change. */
static size_t word_len(const char *p)
{
    size_t n = 0;
    while (p[n] && isalnum((unsigned char)p[n]) &&
           !(n && isupper((unsigned char)p[n]) && islower((unsigned char)p[n - 1])))
        n++;
    return n;
}

void mm_suggest_init(mm_suggest *s, const char *wrong, size_t limit)
{
    memset(s, 0, sizeof *s);
    s->wrong = wrong;
    s->limit = limit < MM_SUGGEST_MAX ? limit : MM_SUGGEST_MAX;
    s->wrong_len = wrong ? strlen(wrong) : 0;
    if (s->wrong_len == 0 || s->wrong_len > WRONG_MAX)
        return; /* no suggestion: mm_suggest_consider returns at once */
    for (const char *p = wrong; *p; p++)
        s->bag[tolower((unsigned char)*p) & 127]++;
    for (const char *p = wrong; *p;) {
        size_t n = word_len(p);
        if (!n) {
            p++;
            continue;
        }
        s->letters += n;
        /* 100 bytes hold at most 50 words of 2 letters (camelCase needs no separator) */
        if (n >= 2 && s->nwords < sizeof s->word_at) {
            s->word_at[s->nwords] = (unsigned char)(p - wrong);
            s->word_n[s->nwords++] = (unsigned char)n;
        }
        p += n;
    }
}

/* 1 if the name's k-letter word p equals the wrong name's n-letter word w, case and a plural
 * 's' aside. */
static int same_word(const char *p, size_t k, const char *w, size_t n)
{
    size_t m = k < n ? k : n;
    return strncasecmp(p, w, m) == 0 &&
           (k == n || (k == n + 1 && tolower((unsigned char)p[n]) == 's') ||
            (n == k + 1 && tolower((unsigned char)w[k]) == 's'));
}

/* Letters of the wrong name's words (of 2 letters or more) that are also words of name. */
static size_t shared_letters(const mm_suggest *s, const char *name)
{
    unsigned long long found = 0; /* bit j: wrong word j is one of name's */
    size_t shared = 0;
    for (const char *p = name; *p;) {
        size_t k = word_len(p);
        if (!k) {
            p++;
            continue;
        }
        for (size_t j = 0; j < s->nwords; j++)
            if (!(found >> j & 1) && same_word(p, k, s->wrong + s->word_at[j], s->word_n[j])) {
                found |= 1ULL << j;
                shared += s->word_n[j];
            }
        p += k;
    }
    return shared;
}

/* A lower bound of the edit distance between the wrong name and name, in O(length): the
 * characters one has and the other lacks, halved (an insertion or deletion changes one count,
 * a substitution two, a swap none). */
static size_t bag_distance(const mm_suggest *s, const char *name)
{
    int diff[128];
    for (size_t c = 0; c < 128; c++)
        diff[c] = s->bag[c];
    for (const char *p = name; *p; p++)
        diff[tolower((unsigned char)*p) & 127]--;
    size_t sum = 0;
    for (size_t c = 0; c < 128; c++)
        sum += (size_t)(diff[c] < 0 ? -diff[c] : diff[c]);
    return (sum + 1) / 2;
}

void mm_suggest_consider(mm_suggest *s, const char *name, size_t id)
{
    size_t len = s->wrong_len;
    if (!s->limit || len == 0 || len > WRONG_MAX || !name)
        return;
    size_t bound = len <= 5 ? 1 : (len - 2) / 4 + 1;
    if (bound > 4)
        bound = 4;
    size_t d = bag_distance(s, name) > bound ? bound + 1 : mm_edit_distance(s->wrong, name, bound);
    size_t shared = shared_letters(s, name), total = s->letters;
    if (d > bound && (shared == 0 || shared * 2 < total))
        return; /* neither spelt nearly the same nor sharing most of the words */
    long score =
        (d <= bound ? (long)(bound + 1 - d) * 100000 : 0) + (long)shared * 100 - (long)strlen(name);
    size_t at = s->count;
    while (at > 0 && score > s->scores[at - 1])
        at--;
    if (at >= s->limit)
        return;
    size_t keep = s->count < s->limit ? s->count : s->limit - 1; /* entries that stay */
    memmove(&s->ids[at + 1], &s->ids[at], (keep - at) * sizeof *s->ids);
    memmove(&s->names[at + 1], &s->names[at], (keep - at) * sizeof *s->names);
    memmove(&s->scores[at + 1], &s->scores[at], (keep - at) * sizeof *s->scores);
    s->ids[at] = id;
    s->names[at] = name;
    s->scores[at] = score;
    if (s->count < s->limit)
        s->count++;
}

size_t mm_suggest_list(const mm_suggest *s, char *out, size_t size)
{
    size_t used = 0;
    if (size)
        out[0] = '\0';
    for (size_t k = 0; k < s->count && used < size; k++) {
        int n = snprintf(out + used, size - used, "%s%s", k ? ", " : "", s->names[k]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return s->count;
}
