/*
 * A value built from a schema alone, for the demo cloud's answers to the operations whose
 * spec gives no example (see demo_answer.h).
 *
 * The value has the schema's types and formats: an object has its required members and, near
 * the top, its other ones (bounded in depth and breadth); an array one item (or minItems); a
 * string fits its format (uuid, date-time, email, ipv4...) or its name (a MAC for "*mac", an
 * id for "*_id"); a number lies within its bounds, a time-like name ("*time", "timestamp")
 * gets the demo world's now; an enum gives its first value, a default itself; allOf members
 * are merged; of oneOf/anyOf the first member the whole schema accepts is taken.
 *
 * Deterministic: the same spec gives the same values (ids count up from state->ids, which the
 * caller keeps from one call to the next). The checks of oneOf/anyOf members spend
 * state->steps (base/json_schema.h): when it runs out, the first member is taken. The returned tree
 * is owned by the caller; NULL when the schema allows nothing that could be built (a false schema,
 * a recursive reference that must stop). Single-threaded use of a state; no state of its own.
 */
#ifndef MISTMCP_GEN_SYNTH_H
#define MISTMCP_GEN_SYNTH_H

#include <cjson/cJSON.h>

/* The demo world's "now" (core/demo/world.h MM_DEMO_NOW): built times are near it, and the demo
 * cloud moves them into the window a request asks for. */
#define GEN_DEMO_NOW 1764547200

typedef struct gen_synth_state {
    unsigned ids; /* ids built so far */
    long steps;   /* what is left of the checks' budget */
} gen_synth_state;

/* A value for schema (a node of spec); name is the member it is for, or NULL. */
cJSON *gen_synth_value(const cJSON *spec, const cJSON *schema, const char *name,
                       gen_synth_state *state);

#endif
