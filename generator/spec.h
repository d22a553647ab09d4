/*
 * Loading the OpenAPI document and following its local references.
 *
 * The document is JSON (parsed by cJSON) when its first non-blank byte is '{', YAML otherwise
 * (yaml_json.h). Only local references ("#/a/b") are followed; JSON Pointer escapes ~0 and ~1
 * are honoured. Returned nodes point into the tree owned by the caller of gen_spec_load().
 */
#ifndef MISTMCP_GEN_SPEC_H
#define MISTMCP_GEN_SPEC_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* Returns the document, or NULL with "<path>: <what>" in err. Caller owns the tree and frees
 * it with gen_spec_free. The document is indexed (base/json_refs.h) so that its references
 * resolve in one lookup: the index of the last document loaded or parsed is kept in this
 * file (the generator is one thread and holds one document at a time; an older document
 * still resolves, without an index). */
cJSON *gen_spec_load(const char *path, char *err, size_t err_size);

/* The same from text[0..len), which must be followed by a NUL byte (text[len] == '\0');
 * path names it in messages. */
cJSON *gen_spec_parse(const char *text, size_t len, const char *path, char *err, size_t err_size);
/* Frees a document of gen_spec_load or gen_spec_parse and its index (never cJSON_Delete it:
 * the index would outlive it). *root becomes NULL; NULL is fine. */
void gen_spec_free(cJSON **root);
/* The index of root if it is the indexed document, else NULL (for mm_schema_check_indexed). */
struct mm_json_refs;
const struct mm_json_refs *gen_spec_refs(const cJSON *root);

/* Resolves a JSON Pointer reference such as "#/components/schemas/wlan"; NULL if absent
 * (mm_json_pointer of base/json_schema.h, which the demo cloud uses too). */
const cJSON *gen_spec_pointer(const cJSON *root, const char *ref);

/* Follows a chain of {"$ref": ...} objects to the node they name. Returns node itself when it
 * is not a reference, NULL when a reference is broken or the chain is longer than 32. */
const cJSON *gen_spec_deref(const cJSON *root, const cJSON *node);

/* Case-sensitive object member lookup helpers; NULL when absent or of another type. */
const cJSON *gen_obj(const cJSON *obj, const char *key);
const char *gen_str(const cJSON *obj, const char *key);

#endif
