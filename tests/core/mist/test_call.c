/*
 * One resilient Mist request (core/mist/call.c) through its own interface, mm_mist_caller,
 * against the fake backend: token rotation on 429 through the caller's callbacks, retries of
 * 5xx for GET only, no token at all, cancellation, the client-side rate limit, and what the
 * metrics count. No session is involved: the Mist layer knows none.
 *
 * usage: test_call FAKE_MIST LOG_FILE
 */
#include "base/metrics.h"
#include "check.h"
#include "child.h"
#include "mist/call.h"
#include "mist/response.h"

#include <cjson/cJSON.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The caller's credentials: a ring of tokens, counting what the loop asked of it. */
typedef struct tokens {
    const char *ring[2];
    size_t at;
    int asked, rotations;
    const char *last_used;
} tokens;

static const char *token(void *p)
{
    tokens *t = p;
    t->asked++;
    return t->ring[t->at];
}

static int rotate(void *p, const char *used)
{
    tokens *t = p;
    t->rotations++;
    t->last_used = used;
    if (used == t->ring[t->at])
        t->at = (t->at + 1) % 2;
    return 1;
}

/* The value of a metrics line ("name{labels} value"), or -1. */
static long metric(mm_metrics *m, const char *line_start)
{
    mm_metrics_gauges g = {0};
    char *text = mm_metrics_render(m, &g);
    const char *at = strstr(text, line_start);
    long v = at ? strtol(at + strlen(line_start), NULL, 10) : -1;
    free(text);
    return v;
}

static mm_mist_caller caller_for(const mm_mist_client *client, mm_mist_conn *conn,
                                 mm_metrics *metrics, tokens *t)
{
    return (mm_mist_caller){.client = client,
                            .conn = conn,
                            .metrics = metrics,
                            .max_retries = 3,
                            .retry_max_ms = 10000,
                            .rate_wait_ms = 0,
                            .token = token,
                            .rotate_token = rotate,
                            .token_ctx = t,
                            .token_count = 2};
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: test_call FAKE_MIST LOG_FILE\n", stderr);
        return 2;
    }
    mm_child fake = {0};
    int port = mm_child_start_fake_mist(&fake, argv[1], argv[2], 120);
    CHECK_MSG(port > 0, "the fake backend starts");
    if (port <= 0)
        return check_summary();
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%d", port);
    mm_mist_options mo = {.base_url = base,
                          .connect_timeout_ms = 5000,
                          .timeout_ms = 10000,
                          .max_body_bytes = 1 << 20,
                          .user_agent = "mistmcp-test"};
    CHECK(mm_mist_global_init() == 0);
    mm_mist_client *client = mm_mist_client_create(&mo);
    mm_mist_conn *conn = mm_mist_conn_create();
    const char *names[] = {"a"};
    mm_metrics *metrics = mm_metrics_create(names, 1);
    char err[512];
    mistmcp_response *r = NULL;

    /* 429: straight to the caller's next token, through its callbacks, no wait. */
    tokens t = {.ring = {"tokA", "tokB"}};
    mm_mist_caller c = caller_for(client, conn, metrics, &t);
    int rc =
        mm_mist_call(&c, "GET", "/api/v1/orgs/flaky-429x1-rot/wlans", NULL, &r, err, sizeof err);
    CHECK_MSG(rc == 0 && r && r->status == 200, "answered after rotating: %s", rc ? err : "");
    CHECK_MSG(t.rotations == 1 && t.last_used == t.ring[0] && t.at == 1 && t.asked == 2,
              "rotated once, from the token it sent (rotations %d, asked %d)", t.rotations,
              t.asked);
    CHECK(metric(metrics, "mistmcp_mist_retries_total{reason=\"token_rotation\"} ") == 1);
    mm_mist_response_free(&r);

    /* 503 twice on a GET: retried with backoff, then answered; counted as 5xx retries. */
    rc = mm_mist_call(&c, "GET", "/api/v1/orgs/flaky-503x2-get/wlans", NULL, &r, err, sizeof err);
    CHECK_MSG(rc == 0 && r && r->status == 200, "503 twice, then 200: %s", rc ? err : "");
    CHECK(metric(metrics, "mistmcp_mist_retries_total{reason=\"5xx\"} ") == 2);
    mm_mist_response_free(&r);

    /* 500 on a POST: never sent twice; the model sees Mist's answer. */
    rc = mm_mist_call(&c, "POST", "/api/v1/orgs/flaky-500x1-post/wlans", "{}", &r, err, sizeof err);
    CHECK_MSG(rc == 0 && r && r->status == 500, "POST 500 is final");
    CHECK(metric(metrics, "mistmcp_mist_retries_total{reason=\"5xx\"} ") == 2);
    mm_mist_response_free(&r);

    /* No credentials at all: the callbacks may be NULL; nothing is sent, and the error says
     * what to configure. */
    mm_mist_caller anonymous = caller_for(client, conn, NULL, NULL);
    anonymous.token = NULL;
    anonymous.rotate_token = NULL;
    anonymous.token_count = 0;
    rc = mm_mist_call(&anonymous, "GET", "/api/v1/self", NULL, &r, err, sizeof err);
    CHECK_MSG(rc == -1 && !r && strstr(err, "no Mist API token"), "no token: %s",
              rc ? err : "sent");

    /* The fake's plain answers are the demo cloud's: the user of GET /self administers the
     * demo org, whose sites list pages as Mist's do (tests/fake_mist/fake_mist.c). */
    rc = mm_mist_call(&c, "GET", "/api/v1/self", NULL, &r, err, sizeof err);
    cJSON *self = rc == 0 && r ? cJSON_Parse(r->body) : NULL;
    const cJSON *org = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(self, "privileges"), 0), "org_id");
    CHECK_MSG(cJSON_IsString(org) && strstr(r->body, "demo@demo-networks.example"),
              "GET /self: the demo's user and org: %s", r ? r->body : err);
    mm_mist_response_free(&r);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/orgs/%s/sites?limit=3",
             cJSON_IsString(org) ? org->valuestring : "none");
    rc = mm_mist_call(&c, "GET", path, NULL, &r, err, sizeof err);
    cJSON *sites = rc == 0 && r ? cJSON_Parse(r->body) : NULL;
    int total8 = 0;
    for (size_t i = 0; r && i < r->header_count; i++)
        total8 |= strcasecmp(r->headers[i], "X-Page-Total: 8") == 0;
    CHECK_MSG(cJSON_GetArraySize(sites) == 3 && total8,
              "the demo org's sites, a page of 3 of 8: %s", r ? r->body : err);
    cJSON_Delete(sites);
    cJSON_Delete(self);
    mm_mist_response_free(&r);

    /* Cancelled: the loop gives up at the next wait instead of retrying. */
    atomic_int cancelled = 1;
    c.cancelled = &cancelled;
    rc = mm_mist_call(&c, "GET", "/api/v1/orgs/status-503/wlans", NULL, &r, err, sizeof err);
    CHECK_MSG(rc == -1 && !r && strstr(err, "cancel"), "cancelled: %s", rc ? err : "answered");
    c.cancelled = NULL;

    /* The client-side rate limit of a token: one call per hour, no waiting allowed. */
    mm_rate_limit *rl = mm_rate_limit_create(1, 1);
    c.rate_limit = rl;
    t.at = 0;
    rc = mm_mist_call(&c, "GET", "/api/v1/orgs/limited-1/wlans", NULL, &r, err, sizeof err);
    CHECK_MSG(rc == 0 && r && r->status == 200, "the first call of the hour goes");
    mm_mist_response_free(&r);
    rc = mm_mist_call(&c, "GET", "/api/v1/orgs/limited-2/wlans", NULL, &r, err, sizeof err);
    CHECK_MSG(rc == -1 && !r && strstr(err, "rate limit") && strstr(err, "1 calls per hour"),
              "the second is refused, saying why: %s", rc ? err : "sent");
    CHECK(metric(metrics, "mistmcp_rate_limited_total{outcome=\"refused\"} ") == 1);
    mm_rate_limit_destroy(&rl);

    mm_metrics_destroy(&metrics);
    mm_mist_conn_destroy(&conn);
    mm_mist_client_destroy(&client);
    mm_mist_global_cleanup();
    mm_child_finish(&fake, 5000);
    return check_summary();
}
