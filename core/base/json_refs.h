/*
 * An index of a JSON document's reference targets, so that resolving "#/components/schemas/x"
 * costs one hash lookup instead of a walk along every member of "schemas" (cJSON objects are
 * linked lists: resolving in an OpenAPI document of 1,400 schemas spent most of the
 * generator's time in strcmp).
 *
 * The index holds every node at depth 1 to 3 of the document under its JSON Pointer
 * reference ("#/a", "#/a/b", "#/a/b/c", with the escapes ~0 and ~1; arrays' items by index),
 * which is where OpenAPI's $ref targets are. Deeper references, and references written in
 * forms the index does not hold ("01" for item 1, "~2"), are resolved by mm_json_pointer as
 * before, so an answer never differs from mm_json_pointer's. The document must not change
 * while it is indexed (a removed node would stay in the index).
 *
 * Ownership: the index borrows the document (which must outlive it and not change) and owns
 * its table: free with mm_json_refs_free. Thread-safety: built by one thread; then any number
 * of threads may resolve at once (lookups only read).
 */
#ifndef MISTMCP_CORE_BASE_JSON_REFS_H
#define MISTMCP_CORE_BASE_JSON_REFS_H

#include <cjson/cJSON.h>

typedef struct mm_json_refs mm_json_refs;

/* Indexes doc (an object or array; anything else gives an empty index). Aborts on out of
 * memory, as the mm_x allocators. */
mm_json_refs *mm_json_refs_create(const cJSON *doc);

/* The node ref names in the indexed document: as mm_json_pointer(doc, ref) answers, faster.
 * refs may be NULL (then mm_json_pointer on doc). */
const cJSON *mm_json_refs_resolve(const mm_json_refs *refs, const cJSON *doc, const char *ref);

/* The document refs indexes. */
const cJSON *mm_json_refs_doc(const mm_json_refs *refs);

/* Frees the index (not the document). *refs becomes NULL; NULL is fine. */
void mm_json_refs_free(mm_json_refs **refs);

#endif
