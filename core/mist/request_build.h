/*
 * Turning a declarative tool and its (checked) arguments into a Mist API request.
 *
 * Path parameters are percent-encoded as exactly one path segment: every byte outside
 * [A-Za-z0-9-._~] is escaped, so '/', '?', '#', '%', CR and LF cannot change the URL's
 * shape, and the values "." and ".." (which servers fold into the path) are refused. Query
 * parameters are encoded the same way, arrays in the style the tool declares. A JSON body
 * is serialised compactly. Numbers keep the digits the model sent (arguments parsed with
 * mm_json_parse_exact keep them): in the body as written, in the path and the query an integer
 * past 2^53 digit for digit and other numbers in their plain form (2.0 as 2, 1e3 as 1000).
 *
 * Ownership: the request owns its strings; mm_request_free releases them. Thread-safe.
 */
#ifndef MISTMCP_CORE_MIST_REQUEST_BUILD_H
#define MISTMCP_CORE_MIST_REQUEST_BUILD_H

#include <mistmcp/plugin.h>

#include <cjson/cJSON.h>
#include <stddef.h>

typedef struct mm_request {
    const char *method; /* "GET", ... (static) */
    char *target;       /* path and query: "/api/v1/orgs/x/sites?limit=10" */
    char *body;         /* JSON text, or NULL */
} mm_request;

/* Fills a missing org_id path argument from default_org_id (may be NULL). Returns 1 if it
 * did. Call before mm_args_check so that the required check sees it. */
int mm_request_default_org(const mistmcp_tool *tool, cJSON *args, const char *default_org_id);

/* Builds the request. Returns 0, or -1 with a message naming the argument in err. */
int mm_request_build(const mistmcp_tool *tool, const cJSON *args, mm_request *out, char *err,
                     size_t err_size);

void mm_request_free(mm_request *req);

const char *mm_http_method_name(int method);

#endif
