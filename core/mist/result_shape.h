/*
 * Turning a Mist API answer into an MCP CallToolResult for the model.
 *
 * Success: the JSON as text content, and as structuredContent (an object as is, an array as
 * {"results": [...]}, with "pagination" {page, limit, total, next} when Mist sent paging
 * headers or a body "next"); a paging note is added to the text. Both are Mist's own text
 * without the white space between tokens, never a re-print, so every number reaches the model
 * with Mist's digits (an id or a byte counter past 2^53, an exponent, trailing zeros); invalid
 * UTF-8 is replaced when the message is written (mm_json_wire_text). Text beyond max_bytes is
 * cut with a note saying how to narrow or page (structuredContent is then left out, so the
 * bound holds). Errors: isError with the status, Mist's own message and a hint the model can
 * act on. A body that is not exactly one JSON value is an error showing its first bytes.
 *
 * Returns a new cJSON object owned by the caller. Thread-safe.
 */
#ifndef MISTMCP_CORE_MIST_RESULT_SHAPE_H
#define MISTMCP_CORE_MIST_RESULT_SHAPE_H

#include "mist/response.h"

#include <cjson/cJSON.h>
#include <stddef.h>

cJSON *mm_result_from_response(const mistmcp_response *r, size_t max_bytes);

/* What a read tool's caller asked of the answer (issue 19; core/mcp/read_call.c reads the
 * arguments). All zero: the answer as mm_result_from_response gives it. */
typedef struct mm_shape_opts {
    const char *const *fields; /* dotted paths to keep (mist/projection.h), or NULL */
    size_t field_count;
    const char *fields_name;    /* the argument's name, for the notes ("fields", "select") */
    const unsigned char *found; /* non-NULL: the answer is already projected, and found[i]
                                   says whether fields[i] was found (pages gathered) */
    int table;                  /* "format": "table" (mist/table_text.h) */
} mm_shape_opts;

/* mm_result_from_response with opts (may be NULL): the answer projected on the fields, its
 * unknown paths named in a note; as a table in the text when asked and possible (else JSON
 * and a note saying why), structuredContent keeping the JSON when that fits max_bytes too. The
 * projection comes before the cut at max_bytes, so a projected answer fits where the whole
 * one did not; a table is cut after its last whole row. Errors, empty and non-JSON answers
 * are shaped as mm_result_from_response shapes them. */
cJSON *mm_result_shaped(const mistmcp_response *r, const mm_shape_opts *opts, size_t max_bytes);

/* The same for an answer already parsed (with base/json_exact.h's mm_json_parse_exact, which
 * keeps the numbers' digits): value and paging (a {page, limit, total, ...} object, may be
 * NULL) are taken; note (may be NULL) is a sentence added after the answer. */
cJSON *mm_result_from_value(cJSON *value, cJSON *paging, const char *note,
                            const mm_shape_opts *opts, size_t max_bytes);

/* A result holding one text block, isError set when is_error. */
cJSON *mm_result_text(const char *text, int is_error);

/* The value of a response header (case-insensitive name), or NULL. */
const char *mm_response_header(const mistmcp_response *r, const char *name);

#endif
