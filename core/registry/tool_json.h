/*
 * A tool as tools/list shows it: {name, title?, description, inputSchema, annotations}.
 * The generator sizes its budgets with the same rendering (generator/emit.c); the full-spec
 * test checks that both agree byte for byte.
 *
 * Returns a new cJSON object owned by the caller. Thread-safe (reads const data only).
 */
#ifndef MISTMCP_CORE_REGISTRY_TOOL_JSON_H
#define MISTMCP_CORE_REGISTRY_TOOL_JSON_H

#include <mistmcp/plugin.h>

#include <cjson/cJSON.h>

cJSON *mm_tool_json(const mistmcp_tool *tool);

/* Adds annotation hints that differ from MCP's defaults (write tools always state
 * destructiveHint and idempotentHint) to the object a. */
void mm_tool_annotations_json(cJSON *a, uint32_t annotations);

#endif
