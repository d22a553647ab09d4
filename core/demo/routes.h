/*
 * The demo cloud's answers: a Mist API request (method, path, query, body) in, Mist's status,
 * body and paging headers out, from the demo world (demo/world.h) as the session has changed
 * it (demo/session_world.h). No I/O: the HTTP side is demo/server.c.
 *
 * Thread-safety: reads the world, and reads and changes the session's overlay, which the
 * caller leases (demo/store.h); any number of threads may route at once.
 */
#ifndef MISTMCP_DEMO_ROUTES_H
#define MISTMCP_DEMO_ROUTES_H

#include "demo/answer.h"
#include "demo/session_world.h"

/* Answers rq from v into *out (always sets a status and a body). A GET: what the session
 * set at the path, else from the world where a curated route answers, else from the spec's
 * answer to the operation (demo/fallback.h), lists with the session's changes; a write (or a
 * GET that acts): demo/writes.h. Errors are Mist's: 400 {"detail": ...} naming the bad
 * parameter or body field, 404 {"detail": ...} for an unknown or deleted org, site, device
 * or object or a path Mist does not have, 405 for a method it does not take there.
 * v->overlay may be NULL for a GET (the session changed nothing), not for a write. */
void mm_demo_route(const mm_demo_view *v, const mm_demo_request *rq, mm_demo_answer *out);

#endif
