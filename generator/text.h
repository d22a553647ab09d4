/*
 * Turning the spec's markdown prose into short plain text for the model's context.
 * Every function returns a new string owned by the caller (free()). Single-threaded use only
 * in the sense that no state is kept; the functions are reentrant.
 */
#ifndef MISTMCP_GEN_TEXT_H
#define MISTMCP_GEN_TEXT_H

#include <stddef.h>

/* Plain text of the first paragraph of markdown: links become their text, HTML tags and
 * emphasis marks go, whitespace runs become one space; a first line without a final stop
 * followed by a capitalised line is a sentence of its own ("Create Org API Token\nNote
 * that..." -> "Create Org API Token. Note that..."). Cut to at most max bytes, preferably
 * at a sentence end, else at a word with "..." appended. max == 0 means no cut. */
char *gen_text_short(const char *markdown, size_t max);

/* The first sentence of the first paragraph, cut like gen_text_short. */
char *gen_text_sentence(const char *markdown, size_t max);

/* 1 if text[i] ends a sentence: '.', '!' or '?' before a space or the end, not in "e.g."
 * or "i.e.". */
int gen_text_sentence_end(const char *text, size_t i);

/* "listOrgWlans" -> "List Org Wlans". */
char *gen_text_title(const char *operation_id);

#endif
