/*
 * The demo cloud's answers: a Mist API request (method, path, query) in, Mist's status, body
 * and paging headers out, from the demo world (demo/world.h). No I/O: the HTTP side is
 * demo/server.c.
 *
 * Thread-safety: reads the world only; any number of threads may route at once.
 */
#ifndef MISTMCP_DEMO_ROUTES_H
#define MISTMCP_DEMO_ROUTES_H

#include "demo/answer.h"
#include "demo/world.h"

/* Answers rq from w into *out (always sets a status and a body): from the world where a
 * curated route answers, else from the spec's answer to the operation (demo/fallback.h).
 * Errors are Mist's: 400 {"detail": ...} naming the bad parameter, 404 {"detail": ...} for an
 * unknown org, site or device or a path Mist does not have, 405 for a method it does not
 * take. */
void mm_demo_route(const mm_demo_world *w, const mm_demo_request *rq, mm_demo_answer *out);

#endif
