/* GET /metrics: the Prometheus text of the server's counters, with the gauges read now; with a
 * --metrics-token, only for a request that brings it as a bearer token (RFC 6750). */
#include "transport/http_internal.h"

#include "base/metrics.h"
#include "base/util.h"
#include "mist/rate_limit.h"
#include "registry/registry.h"

#include <stdlib.h>
#include <strings.h>

/* 1 if the request may read /metrics: no token set, or it brought the token as
 * "Authorization: Bearer TOKEN" (compared in constant time). Else 0, with *given set if it
 * brought a wrong one. */
static int allowed(const mm_http_ctx *h, struct MHD_Connection *c, int *given)
{
    const char *want = h->srv->cfg->metrics_token;
    *given = 0;
    if (!want)
        return 1;
    const char *auth = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (!auth || strncasecmp(auth, "Bearer ", 7) != 0)
        return 0;
    *given = 1;
    return mm_secret_equal(want, auth + 7);
}

/* 401 with the challenge of RFC 6750 section 3 (invalid_token when a wrong one came). */
static enum MHD_Result refused(mm_http_ctx *h, struct MHD_Connection *c, int given)
{
    static const char text[] = "GET /metrics needs Authorization: Bearer <token>, the token set "
                               "with --metrics-token or MISTMCP_METRICS_TOKEN\n";
    struct MHD_Response *r =
        h->mhd->create_response_from_buffer(sizeof text - 1, (void *)text, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    h->mhd->add_response_header(r, "Content-Type", "text/plain");
    h->mhd->add_response_header(r, "WWW-Authenticate",
                                given ? "Bearer realm=\"mistmcp metrics\", error=\"invalid_token\""
                                      : "Bearer realm=\"mistmcp metrics\"");
    return mm_http_queue(h, c, MHD_HTTP_UNAUTHORIZED, r, sizeof text - 1, NULL);
}

/* The counters, with the gauges read from the store and the registry now. */
static char *metrics_text(mm_http_ctx *h)
{
    mm_registry *reg = h->srv->registry;
    size_t n = mm_registry_count(reg);
    unsigned *refs = mm_xcalloc(n + 1, sizeof *refs);
    for (size_t i = 0; i < n; i++)
        refs[i] = mm_registry_refs(reg, mm_registry_at(reg, i));
    mm_metrics_gauges g = {.sessions = mm_session_store_count(h->store),
                           .plugins_loaded = mm_registry_loaded_count(reg),
                           .plugin_refs = refs,
                           .rate_limit_local = mm_rate_limit_local_calls(h->srv->rate_limit)};
    char *text = mm_metrics_render(h->srv->metrics, &g);
    free(refs);
    return text;
}

enum MHD_Result mm_http_metrics(mm_http_ctx *h, struct MHD_Connection *c)
{
    int given;
    if (!allowed(h, c, &given))
        return refused(h, c, given);
    char *text = metrics_text(h);
    enum MHD_Result rc = mm_http_reply(h, c, MHD_HTTP_OK, "text/plain; version=0.0.4", text, NULL);
    free(text);
    return rc;
}
