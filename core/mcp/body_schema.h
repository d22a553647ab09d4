/*
 * The request body schema as describeMistTool gives it: the part at a field path, cut to a
 * byte budget by depth. Some Mist bodies are huge (a site's settings: 530 KB of schema); a
 * model gets the top levels, and each object cut off says which path shows its fields.
 *
 * Paths are field names joined by '.': "radius_config.auth_servers" ('.' in a name is "\.").
 * An array's items are entered without a segment; "*" enters a map's values
 * (additionalProperties); "[N]" picks alternative N of a oneOf/anyOf; a name is also looked
 * for in the alternatives (the first that has it). Pointers written by pruning name the
 * alternative they are in, so each reads back to its own field.
 *
 * Pure functions on cJSON trees: thread-safe, no state.
 */
#ifndef MISTMCP_CORE_MCP_BODY_SCHEMA_H
#define MISTMCP_CORE_MCP_BODY_SCHEMA_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* The schema node at path in schema (borrowed from it), or NULL with *why (owned, free())
 * saying which segment names no field and what may follow there ("a, b, *, [0], [1]"), or
 * that the path has an empty segment. path "" is schema itself. */
const cJSON *mm_body_schema_at(const cJSON *schema, const char *path, char **why);

/* A copy of node (owned by the caller) whose serialized size is at most max_bytes where depth
 * allows: objects below the deepest depth that fits keep their type and description, lose
 * their fields, and say "Fields: describeMistTool with path \"<base>.<field>\"". *depth_kept
 * is that depth, 0 when nothing was cut. base is node's own path ("" for the body). */
cJSON *mm_body_schema_pruned(const cJSON *node, const char *base, size_t max_bytes,
                             int *depth_kept);

#endif
