/*
 * Checking a JSON value against a schema of the spec: the JSON Schema 2020-12 subset the Mist
 * spec uses, for the demo cloud's answers (the generator checks each answer it emits; the
 * all-tools test checks what the server returns).
 *
 * Checked: $ref (within the spec), type (a name or a list; "integer" is a number without a
 * fraction), nullable (OpenAPI 3.0's, where it remains), enum, const, properties, required,
 * additionalProperties (false or a schema), items, prefixItems, minItems, maxItems,
 * uniqueItems, minProperties, maxProperties, minLength, maxLength (in UTF-8 characters),
 * minimum, maximum, exclusiveMinimum, exclusiveMaximum, allOf, anyOf, oneOf (exactly one
 * member), not; format, leniently: uuid, date-time, date, email, ipv4 and ipv6 are checked
 * for their shape, any other format passes. Not checked: pattern (the spec has none; its
 * dialect is not POSIX's), and every keyword of OpenAPI's own (discriminator, readOnly, x-*).
 *
 * Bounded: nesting deeper than 64 schemas or more than GEN_VALIDATE_BUDGET steps (a schema
 * met at a place of the value) is a failure ("too complex"), so that no spec makes a check
 * run away.
 *
 * Pure: reads spec, schema and value, owns nothing, keeps no state; thread-safe.
 */
#ifndef MISTMCP_GEN_VALIDATE_H
#define MISTMCP_GEN_VALIDATE_H

#include <cjson/cJSON.h>

#define GEN_VALIDATE_BUDGET 4000000

/* Why a value failed: where (a JSON pointer into the value, "#" for the value itself, "#/a/0"
 * for the first item of its member a), why in words, and the schema that refused it (a node
 * of the spec, valid while the spec is). */
typedef struct gen_invalid {
    char where[512];
    char why[256];
    const cJSON *schema;
} gen_invalid;

/* 0 when value satisfies schema (a schema node of spec, or NULL: anything goes), else -1 with
 * the deepest failure found in *out (which may be NULL). Of the members of a failed anyOf or
 * oneOf, the failure reported is the one that got deepest into the value. */
int gen_validate(const cJSON *spec, const cJSON *schema, const cJSON *value, gen_invalid *out);

/* The same within a budget that several checks share: *steps is what is left of it, and is
 * spent; a check that would need more fails as "too complex". */
int gen_validate_within(const cJSON *spec, const cJSON *schema, const cJSON *value,
                        gen_invalid *out, long *steps);

#endif
