/*
 * The spec's answer to every read-only operation, generated at build time by mistmcp-gen
 * (generator/emit_demo.c writes demo_answers.c into the build tree; never committed): the
 * operation's example response when it validates against its response schema, else one
 * mended or built from that schema (generator/demo_answer.h). demo/fallback.c serves them
 * where no curated route answers, with the demo world's ids put in.
 *
 * Static const data: nothing to free, thread-safe. Linked into the demo layer only: a start
 * without --demo never touches these pages.
 */
#ifndef MISTMCP_DEMO_SPEC_ANSWERS_H
#define MISTMCP_DEMO_SPEC_ANSWERS_H

#include <stddef.h>

/* Bumped with any change to the struct below; the generated file checks it. */
#define MM_DEMO_SPEC_ANSWERS_FORMAT 1

typedef struct mm_demo_spec_answer {
    const char *operation;    /* operationId */
    const char *path;         /* path template: "{name}" stands for a parameter */
    const char *content_type; /* "application/json", or a file's type */
    const char *filters;      /* query parameters naming a member of the answer's items,
                                 space-separated ("" for none): the answer is filtered by them */
    const char *body;         /* JSON text, or the file's bytes */
} mm_demo_spec_answer;

/* Sorted by operation; mm_demo_spec_answer_count entries. */
extern const mm_demo_spec_answer mm_demo_spec_answers[];
extern const size_t mm_demo_spec_answer_count;

#endif
