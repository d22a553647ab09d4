/*
 * YAML → cJSON, with YAML 1.2 core-schema typing.
 *
 * Quoted, literal and folded scalars are strings, always ('"1.0"', "'true'", "'null'" stay
 * strings). Plain scalars are typed by the YAML 1.2 core schema: null (null, Null, NULL, ~,
 * empty), booleans (true/True/TRUE, false/False/FALSE), integers (decimal, 0o octal, 0x hex),
 * floats (decimal, exponent); .inf and .nan have no JSON form and stay strings. Anything else
 * is a string ("2511.1.5", "5c5b350e0410", "yes", "on"). Explicit core tags (!!str, !!int,
 * !!float, !!bool, !!null) are honoured; a scalar with another tag is typed as if untagged
 * (so a quoted one stays a string). Anchors and aliases are expanded by copying, with a
 * bound on the copied size. Duplicate mapping keys and complex (non-scalar) keys are errors.
 *
 * Ownership: the returned tree belongs to the caller (cJSON_Delete). Not thread-safe per call
 * state only; distinct calls may run concurrently.
 */
#ifndef MISTMCP_GEN_YAML_JSON_H
#define MISTMCP_GEN_YAML_JSON_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* Parses one YAML document. On error returns NULL and writes "line N: what" into err. */
cJSON *gen_yaml_parse(const char *text, size_t len, char *err, size_t err_size);

/* Types one plain scalar by the YAML 1.2 core schema; exposed for tests. Never NULL. */
cJSON *gen_yaml_plain_scalar(const char *text, size_t len);

#endif
