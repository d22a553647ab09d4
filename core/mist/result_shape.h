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

/* A result holding one text block, isError set when is_error. */
cJSON *mm_result_text(const char *text, int is_error);

/* The value of a response header (case-insensitive name), or NULL. */
const char *mm_response_header(const mistmcp_response *r, const char *name);

#endif
