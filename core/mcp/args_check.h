/*
 * Checking a tool call's arguments against the tool's input schema before any network I/O.
 *
 * Supports the JSON Schema subset the generator emits: type (a name or an array of names),
 * enum, const, properties, required, items, additionalProperties, oneOf/anyOf. The top level
 * refuses unknown arguments; nested objects accept extra fields (a compacted body schema may
 * list only some). An argument that is null counts as absent and is removed.
 * Messages name the argument by its path ("body.port_config.usage") and say what was
 * expected. Thread-safe; touches only its arguments.
 */
#ifndef MISTMCP_CORE_MCP_ARGS_CHECK_H
#define MISTMCP_CORE_MCP_ARGS_CHECK_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* args: the call's arguments object (modified: null members are removed). Returns 0, or -1
 * with a message for the model in err. */
int mm_args_check(const cJSON *schema, cJSON *args, char *err, size_t err_size);

/* Removes the members of the object args whose value is null, at the top level only: an
 * argument given as null is an argument not given (hosts send null for optional arguments
 * they leave out); deeper down, null is a value (a body field set to null). The built-in
 * tools, which check their own arguments, get them so too. */
void mm_args_drop_nulls(cJSON *args);

#endif
