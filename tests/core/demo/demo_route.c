#include "demo_route.h"

#include "base/json_exact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value of name in ctx, a query "a=1&b=2" (no decoding, as the tests write it plainly).
 * Valid until the next call: the router reads it at once. */
static const char *query_value(void *ctx, const char *name)
{
    static char value[256];
    size_t n = strlen(name);
    for (const char *q = ctx; q && *q;) {
        size_t len = strcspn(q, "&");
        if (strncmp(q, name, n) == 0 && q[n] == '=') {
            snprintf(value, sizeof value, "%.*s", (int)(len - n - 1), q + n + 1);
            return value;
        }
        q += len + (q[len] == '&');
    }
    return NULL;
}

cJSON *demo_route(const mm_demo_view *v, const char *method, const char *path_query,
                  const char *body, int *status, char **text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s", path_query);
    char *q = strchr(path, '?');
    if (q)
        *q++ = '\0';
    mm_demo_request rq = {.method = method,
                          .path = path,
                          .query = query_value,
                          .query_ctx = q,
                          .body = body,
                          .body_len = body ? strlen(body) : 0};
    mm_demo_answer a;
    mm_demo_route(v, &rq, &a);
    *status = a.status;
    free(*text);
    *text = a.body;
    return a.status == 200 && *a.body ? mm_json_parse_exact(a.body, strlen(a.body), NULL) : NULL;
}
