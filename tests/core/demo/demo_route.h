/*
 * One request to the demo cloud's router (core/demo/routes.h) as core/demo/server.c makes it,
 * for the demo's unit tests: no HTTP, the path's "?a=1&b=2" read as the query.
 */
#ifndef MISTMCP_TESTS_DEMO_ROUTE_H
#define MISTMCP_TESTS_DEMO_ROUTE_H

#include "demo/routes.h"

#include <cjson/cJSON.h>

/* Answers method path_query (the path, then "?query" if any) with body (NULL: none) from v.
 * Sets *status and *text (the answer's body, malloc'd; the previous *text is freed first).
 * Returns the answer parsed (exact numbers), or NULL unless it is a 200 with a body. */
cJSON *demo_route(const mm_demo_view *v, const char *method, const char *path_query,
                  const char *body, int *status, char **text);

#endif
