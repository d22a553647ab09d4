/*
 * Checking a JSON value against a schema of an OpenAPI document: the JSON Schema 2020-12
 * subset the Mist spec uses. The generator checks each demo answer it emits with it, the
 * all-tools test what the server returns, and the demo cloud each request body it is sent
 * (against the operation's request schema).
 *
 * Checked: $ref (within the document), type (a name or a list; "integer" is a number without
 * a fraction), nullable (OpenAPI 3.0's, where it remains), enum (the message lists its
 * values), const, properties, required, additionalProperties (false or a schema), items,
 * prefixItems, minItems, maxItems, uniqueItems, minProperties, maxProperties, minLength,
 * maxLength (in UTF-8 characters), minimum, maximum, exclusiveMinimum, exclusiveMaximum,
 * allOf, anyOf, oneOf (exactly one member), not; OpenAPI's discriminator of a oneOf or anyOf:
 * the member the value's property names (by the mapping, else by schema name) is the one
 * checked, and a value without the property passes when any member accepts it (Mist takes a
 * device's new name without its type); format, leniently: uuid, date-time, date, email, ipv4
 * and ipv6 are checked for their shape, any other format passes. Not checked: pattern (the
 * spec has none; its dialect is not POSIX's), and OpenAPI's other keywords (readOnly, x-*).
 *
 * Bounded: nesting deeper than 64 schemas or more than MM_SCHEMA_BUDGET steps (a schema met
 * at a place of the value) is a failure ("too complex"), so that no document makes a check
 * run away.
 *
 * Pure: reads the document, schema and value, owns nothing, keeps no state; thread-safe.
 */
#ifndef MISTMCP_CORE_BASE_JSON_SCHEMA_H
#define MISTMCP_CORE_BASE_JSON_SCHEMA_H

#include <cjson/cJSON.h>

#define MM_SCHEMA_BUDGET 4000000

/* Why a value failed: where (a JSON pointer into the value, "#" for the value itself, "#/a/0"
 * for the first item of its member a), why in words, and the schema that refused it (a node
 * of the document, valid while the document is). */
typedef struct mm_schema_error {
    char where[512];
    char why[256];
    const cJSON *schema;
} mm_schema_error;

/* 0 when value satisfies schema (a schema node of doc, the OpenAPI document its $refs point
 * into; or NULL: anything goes), else -1 with the deepest failure found in *out (which may be
 * NULL). Of the members of a failed anyOf or oneOf, the failure reported is the one that got
 * deepest into the value. */
int mm_schema_check(const cJSON *doc, const cJSON *schema, const cJSON *value,
                    mm_schema_error *out);

/* The same within a budget that several checks share: *steps is what is left of it, and is
 * spent; a check that would need more fails as "too complex". */
int mm_schema_check_within(const cJSON *doc, const cJSON *schema, const cJSON *value,
                           mm_schema_error *out, long *steps);

struct mm_json_refs;
/* The same, with doc's $refs resolved through refs (an index of doc, base/json_refs.h; NULL:
 * none): the same answers, faster on a document of many components. */
int mm_schema_check_indexed(const cJSON *doc, const struct mm_json_refs *refs, const cJSON *schema,
                            const cJSON *value, mm_schema_error *out, long *steps);

/* 1 if the checker reads keyword name in a schema ("type", "properties", "discriminator"...),
 * 0 for the others ("description", "example", "x-..."): what a copy of a schema kept only for
 * checking may leave out. */
int mm_schema_keyword(const char *name);

/* The node a local JSON Pointer reference names ("#/components/schemas/wlan", with the
 * escapes ~0 and ~1; an array's items by index), or NULL when ref is not local or names
 * nothing. Borrowed from root. */
const cJSON *mm_json_pointer(const cJSON *root, const char *ref);

#endif
