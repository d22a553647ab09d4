#define _POSIX_C_SOURCE 200809L
#include "text.h"

#include "gen_util.h"

#include <ctype.h>
#include <string.h>

/* Markdown -> plain text of the first paragraph. */
static char *plain_first_paragraph(const char *s)
{
    size_t n = strlen(s);
    char *out = gen_xmalloc(n + 2); /* + the "." a title line may get */
    size_t k = 0;
    int pending_space = 0, first_line_done = 0;
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (c == '#' && k == 0) { /* a markdown heading before the text: not a sentence */
            while (i < n && s[i] != '\n')
                i++;
            continue;
        }
        if (c == '\n' && k > 0) {
            /* A blank line ends the paragraph; so does a markdown table or list after text. */
            size_t j = i + 1;
            while (j < n && (s[j] == ' ' || s[j] == '\t'))
                j++;
            if (j >= n || s[j] == '\n' || s[j] == '|' || s[j] == '#')
                break;
            /* A title line ("Create Org API Token") then the text: two sentences. */
            if (!first_line_done && !strchr(".!?:,;", out[k - 1]) && isupper((unsigned char)s[j]))
                out[k++] = '.';
            first_line_done = 1;
        }
        if (c == '[') {
            const char *close = strchr(s + i, ']');
            if (close && close[1] == '(' && strchr(close, ')')) {
                /* [text](url) -> text, after the space before it */
                if (pending_space && close > s + i + 1)
                    out[k++] = ' ';
                for (const char *p = s + i + 1; p < close; p++)
                    out[k++] = *p, pending_space = 0;
                i = (size_t)(strchr(close, ')') - s) + 1;
                continue;
            }
        }
        if (c == '<') {
            const char *close = strchr(s + i, '>');
            if (close && (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '/')) {
                i = (size_t)(close - s) + 1;
                pending_space = k > 0;
                continue;
            }
        }
        if ((c == '*' || c == '_') && i + 1 < n && s[i + 1] == c) {
            i += 2;
            continue;
        }
        if (isspace((unsigned char)c)) {
            pending_space = k > 0;
            i++;
            continue;
        }
        if (pending_space) {
            out[k++] = ' ';
            pending_space = 0;
        }
        out[k++] = c;
        i++;
    }
    out[k] = '\0';
    return out;
}

int gen_text_sentence_end(const char *s, size_t i)
{
    if (!((s[i] == '.' || s[i] == '!' || s[i] == '?') && (s[i + 1] == ' ' || s[i + 1] == '\0')))
        return 0;
    /* Not after a one-character word ("1.", "N.B.") or an abbreviation with inner stops
     * ("e.g.", "i.e."): those are not sentence ends. */
    size_t j = i;
    while (j > 0 && s[j - 1] != ' ')
        j--;
    if (s[i] == '.' && (i - j == 1 || memchr(s + j, '.', i - j)))
        return 0;
    return 1;
}

static char *cut(char *text, size_t max)
{
    size_t n = strlen(text);
    if (max == 0 || n <= max)
        return text;
    if (max < 4) { /* no room for "...": a hard cut */
        text[max] = '\0';
        return text;
    }
    size_t best = 0;
    for (size_t i = max / 3; i + 1 <= max && i < n; i++)
        if (gen_text_sentence_end(text, i))
            best = i + 1;
    if (best) {
        text[best] = '\0';
        return text;
    }
    size_t end = max - 3;
    while (end > 0 && text[end] != ' ')
        end--;
    if (end == 0) { /* one long word: cut on a UTF-8 boundary */
        end = max - 3;
        while (end > 0 && ((unsigned char)text[end] & 0xC0) == 0x80)
            end--;
    }
    while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == ',' || text[end - 1] == ':'))
        end--;
    memcpy(text + end, "...", 4);
    return text;
}

char *gen_text_short(const char *markdown, size_t max)
{
    return cut(plain_first_paragraph(markdown ? markdown : ""), max);
}

char *gen_text_sentence(const char *markdown, size_t max)
{
    char *text = plain_first_paragraph(markdown ? markdown : "");
    for (size_t i = 0; text[i]; i++) {
        if (gen_text_sentence_end(text, i)) {
            text[i + 1] = '\0';
            break;
        }
    }
    return cut(text, max);
}

char *gen_text_title(const char *id)
{
    size_t n = strlen(id);
    char *out = gen_xmalloc(2 * n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)id[i];
        if (i > 0 && isupper(c) &&
            (islower((unsigned char)id[i - 1]) ||
             (isupper((unsigned char)id[i - 1]) && i + 1 < n && islower((unsigned char)id[i + 1]))))
            out[k++] = ' ';
        if (c == '_') {
            out[k++] = ' ';
            continue;
        }
        out[k++] = (char)(i == 0 ? toupper(c) : c);
    }
    out[k] = '\0';
    return out;
}
