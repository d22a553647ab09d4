#define _POSIX_C_SOURCE 200809L /* strncasecmp */
#include "base/suggest.h"

#include "base/edit_distance.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define WRONG_MAX 100

void mm_suggest_init(mm_suggest *s, const char *wrong, size_t limit)
{
    memset(s, 0, sizeof *s);
    s->wrong = wrong;
    s->limit = limit < MM_SUGGEST_MAX ? limit : MM_SUGGEST_MAX;
}

/* The length of the word at p: up to a separator, or to a lower-to-upper case change. */
static size_t word_len(const char *p)
{
    size_t n = 0;
    while (p[n] && isalnum((unsigned char)p[n]) &&
           !(n && isupper((unsigned char)p[n]) && islower((unsigned char)p[n - 1])))
        n++;
    return n;
}

/* 1 if the n-letter word w equals a word of name, case and a plural 's' aside. */
static int has_word(const char *name, const char *w, size_t n)
{
    for (const char *p = name; *p;) {
        size_t k = word_len(p);
        if (!k) {
            p++;
            continue;
        }
        size_t m = k < n ? k : n;
        if (strncasecmp(p, w, m) == 0 &&
            (k == n || (k == n + 1 && tolower((unsigned char)p[n]) == 's') ||
             (n == k + 1 && tolower((unsigned char)w[k]) == 's')))
            return 1;
        p += k;
    }
    return 0;
}

/* Letters of wrong's words (of 2 letters or more) found in name, and in wrong in all. */
static void shared_letters(const char *wrong, const char *name, size_t *shared, size_t *total)
{
    *shared = *total = 0;
    for (const char *p = wrong; *p;) {
        size_t n = word_len(p);
        if (!n) {
            p++;
            continue;
        }
        *total += n;
        if (n >= 2 && has_word(name, p, n))
            *shared += n;
        p += n;
    }
}

void mm_suggest_consider(mm_suggest *s, const char *name, size_t id)
{
    size_t len = strlen(s->wrong);
    if (!s->limit || len == 0 || len > WRONG_MAX || !name)
        return;
    size_t bound = len <= 5 ? 1 : (len - 2) / 4 + 1;
    if (bound > 4)
        bound = 4;
    size_t d = mm_edit_distance(s->wrong, name, bound);
    size_t shared, total;
    shared_letters(s->wrong, name, &shared, &total);
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
