/*
 * Input schemas: the compact one each tool shows the model in tools/list, and the full body
 * schema kept for on-demand use.
 *
 * Compaction resolves $refs, drops examples and readOnly properties, shortens descriptions and
 * stops expanding below a depth; a level (gen_level) says how far. Every required flag, type,
 * enum and format within the kept depth survives. Recursive references end in a plain
 * {"type":"object"} (compact) or a {"$comment": "recursive: <ref>"} node (full).
 *
 * Returned trees are owned by the caller (cJSON_Delete). They do not point into the spec.
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

/* The full request body schema with every $ref resolved, or NULL if the op has no body. */
cJSON *gen_full_body_schema(const cJSON *spec, const gen_op *op);

#endif
