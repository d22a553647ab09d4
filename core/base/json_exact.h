/*
 * JSON numbers exactly as they were written. cJSON keeps a number as a double and prints it
 * again from that double, so 1915883588174806058 (a Mist id) or 12345678901234567 (a byte
 * counter past 2^53) come out with other digits, and 1.50 or 1e3 in another form. Here a parsed
 * number whose text cJSON would not print back character for character keeps its text (in the
 * node's valuestring, which cJSON frees and duplicates with the node), and printing uses that
 * text; an integer of more than 15 digits always keeps it (its exact digits are then at hand).
 * Only numbers written as JSON writes them keep text: cJSON also reads 01, 1. and -.5, and
 * those go out in cJSON's form, so the output is always JSON. Numbers cJSON prints back
 * unchanged (most: short integers, short decimals) cost nothing.
 *
 * Ownership: trees are cJSON's (cJSON_Delete); strings returned are the caller's (free).
 * Thread-safety: no state; a tree may be printed from several threads at once (printing
 * does not change it).
 */
#ifndef MISTMCP_CORE_BASE_JSON_EXACT_H
#define MISTMCP_CORE_BASE_JSON_EXACT_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* Parses text[0..len) as one JSON value and keeps the text of each number as described above.
 * end (may be NULL) gets where the value ended (white space after it is the caller's to judge).
 * Returns NULL if text does not start with a JSON value. */
cJSON *mm_json_parse_exact(const char *text, size_t len, const char **end);

/* Bounds on what one message may make cJSON build: parsing is refused before it starts when
 * text[0..len) would need more (a 4 MiB body of "[0,0,0,...]" is 2 million values, 130 MB of
 * tree). */
#define MM_JSON_MAX_DEPTH 64      /* arrays and objects inside one another */
#define MM_JSON_MAX_VALUES 200000 /* values (members and elements) in one message */
/* What a message from a client must be before it is parsed (RFC 8259 sections 8.1 and 7):
 * valid UTF-8 (no cut, overlong or surrogate sequence), no NUL or other control byte raw in a
 * string or between tokens (only space, tab, CR and LF there), within MM_JSON_MAX_DEPTH and
 * MM_JSON_MAX_VALUES. One pass that builds nothing (cJSON would take all of those, and build
 * the tree first); it does not check the rest of the syntax. NULL if fine, else a sentence
 * saying what is wrong, for an error message. */
const char *mm_json_input_problem(const char *text, size_t len);

/* The characters a parsed number was written with, when cJSON would print its value otherwise;
 * NULL when cJSON's own print gives them back (or item is not such a number). */
const char *mm_json_number_text(const cJSON *item);

/* item as unformatted JSON text, every number as it was written (a tree holding numbers that
 * keep their text is copied for the printing: the common case prints directly). Caller frees;
 * NULL if item is NULL or cJSON cannot print it. */
char *mm_json_print_exact(const cJSON *item);

/* Prints item like mm_json_print_exact and deletes it: the tree is changed in place instead of
 * copied (for a message on its way out). Caller frees the text; NULL if item is NULL or cJSON
 * cannot print it (item is deleted either way). */
char *mm_json_take_text(cJSON *item);

/* JSON text[0..len) laid out for a person: each member and element on a line of its own,
 * indented two spaces a level, a space after each ':', empty {} and [] kept on one line; the
 * tokens themselves (strings, numbers) are copied byte for byte. The text is not checked:
 * give it JSON (such as mm_json_wire_text's). Returns a new string (caller frees). */
char *mm_json_pretty(const char *text, size_t len);

/* text[0..len), which cJSON parsed, as JSON text every strict parser takes, with its own
 * characters otherwise: the white space between tokens dropped (every byte up to 0x20 and a
 * leading byte order mark, which cJSON skips), control characters inside strings escaped
 * (\u00XX). Returns a new string (caller frees; *out_len, if not NULL, gets its length), or NULL
 * when a number is not written as JSON writes numbers (cJSON also reads 01, 1., -.5) or a \u
 * escape lacks its four hex digits (cJSON reads "\u12" as U+0000): the caller then prints
 * from a parse. */
char *mm_json_strict_text(const char *text, size_t len, size_t *out_len);

#endif
