/*
 * What the demo cloud needs to take each write operation of the spec, generated at build time
 * by mistmcp-gen (generator/emit_demo_writes.c writes demo_writes.c into the build tree; never
 * committed): the operation's kind, the schema its JSON request body is checked against, and
 * for an action the spec's answer; and one document holding every component schema those body
 * schemas refer to, with only the keywords base/json_schema.h checks (descriptions and examples
 * left out). demo/writes.c takes the writes, demo/body_check.c checks the bodies.
 *
 * Static const data: nothing to free, thread-safe. Linked into the demo layer only.
 */
#ifndef MISTMCP_DEMO_SPEC_WRITES_H
#define MISTMCP_DEMO_SPEC_WRITES_H

#include <stddef.h>

/* Bumped with any change to the declarations below; the generated file checks it. */
#define MM_DEMO_SPEC_WRITES_FORMAT 1

/* What a write does to the demo world, decided from the spec alone. */
typedef enum mm_demo_write_kind {
    MM_DEMO_WRITE_CREATE,  /* a POST to a path whose GET lists objects: one more object there */
    MM_DEMO_WRITE_REPLACE, /* a PUT to a path that has a GET: what the next GET answers */
    MM_DEMO_WRITE_DELETE,  /* a DELETE of a path that has a GET: gone from it and its list */
    MM_DEMO_WRITE_ACTION   /* any other (restart, ack, upgrade...): the spec's answer */
} mm_demo_write_kind;

typedef struct mm_demo_spec_write {
    const char *operation;   /* operationId */
    const char *method;      /* "POST", "PUT", "DELETE", or "GET" for a GET that acts */
    const char *path;        /* path template: "{name}" stands for a parameter */
    int kind;                /* mm_demo_write_kind */
    int body_required;       /* the spec requires a body */
    const char *body_schema; /* JSON text of the request body's schema, its $refs into
                                mm_demo_request_schemas; NULL when the body is not JSON */
    const char *answer;      /* an action's answer: JSON text, "" for none (200 without
                                content, also where the spec's answer is a file); NULL for
                                the other kinds, which answer with the object */
} mm_demo_spec_write;

/* Sorted by operation; mm_demo_spec_write_count entries. */
extern const mm_demo_spec_write mm_demo_spec_writes[];
extern const size_t mm_demo_spec_write_count;

/* JSON text: {"components": {"schemas": {...}}}, the schemas the body schemas refer to,
 * directly or through one another. */
extern const char mm_demo_request_schemas[];

#endif
