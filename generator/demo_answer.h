/*
 * The demo cloud's answer to one read-only operation, chosen at build time (emitted by
 * emit_demo.c, served by core/demo/fallback.c where no curated route answers):
 *   - the spec's own example when it validates against the response schema;
 *   - else that example repaired: members that fail are rebuilt from their schema, or left
 *     out when they may be;
 *   - else a value built from the schema (synth.h), which must validate too;
 *   - a file (a response that is not JSON) gets a few bytes of its kind.
 * The answer keeps the example's ids; the demo cloud puts the world's in at run time.
 *
 * Returned trees and strings are owned by the caller. Single-threaded; no state.
 */
#ifndef MISTMCP_GEN_DEMO_ANSWER_H
#define MISTMCP_GEN_DEMO_ANSWER_H

#include "model.h"
#include "synth.h"

#include <cjson/cJSON.h>

typedef enum gen_answer_kind {
    GEN_ANSWER_EXAMPLE,   /* the spec's example, as it is */
    GEN_ANSWER_REPAIRED,  /* the spec's example, repaired to validate */
    GEN_ANSWER_BUILT,     /* built from the schema */
    GEN_ANSWER_INVALID,   /* nothing validated: the built value, with the failure in why */
    GEN_ANSWER_NO_SCHEMA, /* JSON without a schema: an empty object */
    GEN_ANSWER_FILE,      /* not JSON: a file */
    GEN_ANSWER_KINDS
} gen_answer_kind;

typedef struct gen_answer {
    gen_answer_kind kind;
    cJSON *json;        /* the JSON answer (not for a file) */
    char *file;         /* a file's bytes (text), for GEN_ANSWER_FILE */
    char *content_type; /* "application/json" or the file's */
    char why[800];      /* GEN_ANSWER_INVALID: where and why it fails */
} gen_answer;

/* The answer to op. st numbers the ids built, from one operation to the next; its budget of
 * checks is renewed for each answer, and an answer that needs more is GEN_ANSWER_INVALID. */
void gen_demo_answer(const cJSON *spec, const gen_op *op, gen_synth_state *st, gen_answer *out);
void gen_demo_answer_free(gen_answer *a);

/* Names of the kinds, for the generator's summary ("spec examples", ...). */
extern const char *const gen_answer_kind_names[GEN_ANSWER_KINDS];

#endif
