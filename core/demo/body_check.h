/*
 * Request bodies checked as Mist checks them: against the operation's request body schema in
 * the spec (demo/spec_writes.h, with base/json_schema.h), a body that does not fit answered
 * with 400 and a detail naming the field and what was expected ("body.auth.type: not one of
 * the enum's values: \"open\", \"psk\", ..."). The schemas' document (about 330 KB of JSON) is
 * parsed on the first check, not at start: a demo that is only read from never holds it.
 *
 * Ownership: mm_demo_bodies_create returns what the caller frees with mm_demo_bodies_free.
 * Thread-safety: any number of threads may check at once (the first parse is under a lock;
 * the document is then only read).
 */
#ifndef MISTMCP_DEMO_BODY_CHECK_H
#define MISTMCP_DEMO_BODY_CHECK_H

#include "demo/spec_writes.h"

#include <cjson/cJSON.h>
#include <stddef.h>

/* Steps of schema checking one body may take (base/json_schema.h): the largest body of the
 * spec's examples takes a few thousand; a body that needs more is refused as too complex. */
#define MM_DEMO_BODY_BUDGET 200000

typedef struct mm_demo_bodies mm_demo_bodies;

mm_demo_bodies *mm_demo_bodies_create(void);
/* Frees b and its document; *b becomes NULL. NULL is fine. */
void mm_demo_bodies_free(mm_demo_bodies **b);

/* 0 when value (NULL: the request had no body) is what write w takes: a body its schema
 * accepts, or none where the spec does not require one. Else -1 with Mist's 400 detail in
 * detail. sent is the body as sent: where value is more (the object a replace makes of it), a
 * failure outside the members sent is not the request's, and passes. */
int mm_demo_body_check(mm_demo_bodies *b, const mm_demo_spec_write *w, const cJSON *value,
                       const cJSON *sent, char *detail, size_t size);

#endif
