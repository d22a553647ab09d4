/* GET /metrics: the Prometheus text of the server's counters, with the gauges read now; with a
 * --metrics-token, only for a request that brings it as a bearer token (RFC 6750). */
#include "transport/http_internal.h"

#include "base/metrics.h"
#include "base/redis.h"
#include "base/util.h"
#include "mist/rate_limit.h"
#include "registry/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    if (!h->srv->redis)
        return text;
    /* The Redis session store (--session-store): whether it answers, and its round trips. */
    mm_redis_stats st;
    mm_redis_stats_get(h->srv->redis, &st);
    mm_buf b = {0};
    mm_buf_put(&b, text, strlen(text));
    free(text);
    char more[1400];
    int len = snprintf(
        more, sizeof more,
        "# HELP mistmcp_session_store_up 1 if the last Redis round trip of the session store "
        "succeeded.\n# TYPE mistmcp_session_store_up gauge\nmistmcp_session_store_up %d\n"
        "# HELP mistmcp_session_store_commands_total Redis commands sent by the session store.\n"
        "# TYPE mistmcp_session_store_commands_total counter\n"
        "mistmcp_session_store_commands_total %llu\n"
        "# HELP mistmcp_session_store_errors_total Redis commands that got no answer.\n"
        "# TYPE mistmcp_session_store_errors_total counter\n"
        "mistmcp_session_store_errors_total %llu\n"
        "# HELP mistmcp_session_store_failures_total Session store operations that failed (Redis "
        "unreachable or refusing).\n# TYPE mistmcp_session_store_failures_total counter\n"
        "mistmcp_session_store_failures_total %llu\n"
        "# HELP mistmcp_session_store_connects_total Connections made to Redis.\n"
        "# TYPE mistmcp_session_store_connects_total counter\n"
        "mistmcp_session_store_connects_total %llu\n"
        "# HELP mistmcp_session_store_round_trip_seconds Time of Redis round trips (pipelined "
        "commands and their replies).\n# TYPE mistmcp_session_store_round_trip_seconds summary\n"
        "mistmcp_session_store_round_trip_seconds_sum %.6f\n"
        "mistmcp_session_store_round_trip_seconds_count %llu\n",
        st.up, st.commands, st.errors, mm_session_store_shared_errors(h->store), st.reconnects,
        (double)st.round_trip_us / 1e6, st.round_trips);
    mm_buf_put(&b, more, (size_t)len < sizeof more ? (size_t)len : sizeof more - 1);
    mm_buf_put(&b, "", 1);
    return b.data;
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

enum MHD_Result mm_http_healthz(mm_http_ctx *h, struct MHD_Connection *c)
{
    if (!h->srv->redis)
        return mm_http_reply(h, c, MHD_HTTP_OK, "text/plain", "ok\n", NULL);
    /* A replica whose Redis is down still serves the sessions it holds, and every replica
     * shares that Redis: 200 either way (a balancer taking them all out would serve no one),
     * with the store's state for people and monitoring. */
    char err[600], text[800];
    mm_redis_cmd ping = {.argc = 1, .argv = (const char *[]){"PING"}};
    mm_redis_reply *r = NULL;
    int up = mm_redis_run(h->srv->redis, 1, &ping, &r, err, sizeof err) == 0;
    if (up && r->type == MM_REDIS_ERROR) { /* answered, and refused (a command Redis forbids) */
        snprintf(err, sizeof err, "Redis at %s refuses PING: %.300s", mm_redis_where(h->srv->redis),
                 r->str ? r->str : "");
        up = 0;
    }
    mm_redis_reply_free(r);
    if (up)
        snprintf(text, sizeof text, "ok\nsession store: redis at %s: up\n",
                 mm_redis_where(h->srv->redis));
    else
        snprintf(text, sizeof text, "ok\nsession store: down: %s\n", err);
    return mm_http_reply(h, c, MHD_HTTP_OK, "text/plain", text, NULL);
}
