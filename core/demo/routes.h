/*
 * The demo cloud's answers: a Mist API request (method, path, query) in, Mist's status, body
 * and paging headers out, from the demo world (demo/world.h). No I/O: the HTTP side is
 * demo/server.c.
 *
 * Thread-safety: reads the world only; any number of threads may route at once.
 */
#ifndef MISTMCP_DEMO_ROUTES_H
#define MISTMCP_DEMO_ROUTES_H

#include "demo/world.h"

/* A request as the demo sees it. query returns a query parameter's decoded value or NULL. */
typedef struct mm_demo_request {
    const char *method;
    const char *path; /* without the query, as sent (no %-decoding needed: ids are plain) */
    const char *(*query)(void *ctx, const char *name);
    void *query_ctx;
} mm_demo_request;

typedef struct mm_demo_answer {
    int status;      /* HTTP status */
    char *body;      /* JSON text, malloc'd: the caller frees it */
    long page_total; /* with page_limit > 0: X-Page-Total, X-Page-Limit and X-Page-Page */
    long page_limit;
    long page_page;
} mm_demo_answer;

/* Answers rq from w into *out (always sets a status and a body). Errors are Mist's: 400
 * {"detail": ...} naming the bad parameter, 404 {"detail": ...} for an unknown id or an
 * endpoint the demo does not simulate (saying so), 405 for a method it does not take. */
void mm_demo_route(const mm_demo_world *w, const mm_demo_request *rq, mm_demo_answer *out);

#endif
