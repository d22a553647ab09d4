/*
 * Input schemas: the compact one each tool shows the model in tools/list, and the full body
 * schema kept for on-demand use (describeMistTool).
 *
 * Compaction resolves $refs, drops examples and readOnly properties, shortens descriptions and
 * stops expanding below a depth; a level (gen_level) says how far. Every required flag, type
 * and enum within the kept depth survives. The result is one schema every host family accepts
 * (the rules, with their sources: tests/e2e/node/host_rules.mjs):
 * - every schema has one type ("null" dropped: null means absent), inferred from its keywords
 *   where the spec leaves it out; a schema that says nothing is an object;
 * - an array always has items, at least a typed stub, even below the depth limit;
 * - an object cut at the depth limit, or a recursive reference, is {"type":"object"} whose
 *   description points to describeMistTool; an object with no settable property lists none;
 * - formats other than date-time, int32/int64 and float/double, and enums of numbers, are said
 *   in the description ("UUID."), since Gemini refuses them as keywords;
 * - oneOf becomes anyOf, const a one-value enum, additionalProperties a sentence.
 * The full schema is JSON Schema 2020-12: OpenAPI's own keywords (discriminator, x-*) dropped,
 * missing types supplied, keywords that cannot apply to the type dropped, recursion marked
 * with {"type":"object","$comment":"recursive: <ref>"}.
 *
 * Returned trees are owned by the caller (cJSON_Delete). They do not point into the spec.
 * Not thread-safe in the sense that the generator is single-threaded; no state is kept.
 */
#ifndef MISTMCP_GEN_SCHEMA_H
#define MISTMCP_GEN_SCHEMA_H

#include "model.h"

#include <cjson/cJSON.h>

typedef struct gen_level {
    int max_depth;     /* properties/items below this depth are not expanded */
    int desc_len;      /* max bytes of a property description, 0: none */
    int desc_depth;    /* descriptions only down to this depth (parameters are depth 1) */
    int tool_desc_len; /* max bytes of the tool description */
    int param_bounds;  /* keep minimum/maximum of parameters */
} gen_level;

/* From richest to leanest; the emitter picks per tool to meet the size budgets. */
extern const gen_level gen_levels[];
extern const int gen_level_count;

/* The tool's inputSchema: path and query parameters, plus "body" when it has one. */
cJSON *gen_input_schema(const cJSON *spec, const gen_op *op, const gen_level *level);

/* The one JSON type node describes ("object", "integer"...), or NULL if it admits several or
 * says nothing: its declared type ("null" aside), else the type its keywords imply (properties:
 * an object...), else the type every allOf member or every oneOf/anyOf member agrees on.
 * $refs are followed. The string is the spec's or a literal: not to be freed. */
const char *gen_schema_type(const cJSON *spec, const cJSON *node);

/* Moves the members of object from that object into lacks into it (the first to give a
 * member wins); from is left empty (the caller still deletes it). */
void gen_schema_merge_members(cJSON *into, cJSON *from);

/* The full request body schema with every $ref resolved, or NULL if the op has no body. */
cJSON *gen_full_body_schema(const cJSON *spec, const gen_op *op);

#endif
