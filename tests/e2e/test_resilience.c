/*
 * The Mist client under fault injection, end to end: mistmcp over stdio against the fake
 * backend's fault paths (tests/fake_mist/fake_mist.c): 429 with Retry-After, 5xx, resets,
 * garbage, a 100 MB body, a slow answer past the timeout, the client-side rate limit, token
 * rotation, cancellation, and thousands of failing calls. Every wait is bounded.
 *
 * usage: test_resilience MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR [FAILING_CALLS]
 * MM_E2E_VALGRIND=path runs the servers under valgrind.
 */
#define _GNU_SOURCE
#include "check.h"
#include "child.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *mistmcp, *plugin_dir;
static char log_path[512], base_env[128];
static mm_child server;
static int next_id = 100;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Starts mistmcp (custom mode, orgs_wlans, write tools) with extra arguments and tokens. */
static void start(const char *tokens, const char *const *extra)
{
    char token_env[256];
    snprintf(token_env, sizeof token_env, "MIST_API_TOKEN=%s", tokens);
    /* writes go straight through (issue 16's confirmation is tested in test_write_confirm.c) */
    char *env[] = {base_env, token_env, "MISTMCP_WRITE_CONFIRMATION=none", "HOME=/tmp", NULL};
    char *argv[32] = {0};
    int n = 0;
    const char *vg = getenv("MM_E2E_VALGRIND");
    if (vg) {
        argv[n++] = (char *)vg;
        argv[n++] = "-q";
        argv[n++] = "--error-exitcode=99";
        argv[n++] = "--leak-check=full";
        argv[n++] = "--errors-for-leak-kinds=definite,indirect";
    }
    argv[n++] = (char *)mistmcp;
    argv[n++] = "--plugin-dir";
    argv[n++] = (char *)plugin_dir;
    argv[n++] = "--mode";
    argv[n++] = "custom";
    argv[n++] = "--categories";
    argv[n++] = "orgs_wlans";
    argv[n++] = "--enable-write-tools";
    for (int i = 0; extra && extra[i] && n < 30; i++)
        argv[n++] = (char *)extra[i];
    argv[n] = NULL;
    server.stderr_path = "/dev/null";
    CHECK(mm_child_spawn(&server, argv, env) == 0);
    mm_child_send(&server, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                           "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                           "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
    char *l = mm_child_read_line(&server, vg ? 60000 : 10000);
    CHECK_MSG(l && strstr(l, "\"id\":1"), "initialize answered: %s", l ? l : "(nothing)");
    free(l);
    mm_child_send(&server, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
}

static void stop(void)
{
    int st = mm_child_finish(&server, 30000);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "server exit status %d", st);
}

/* The answer to id (notifications skipped), or NULL after timeout_ms. */
static cJSON *wait_answer(int id, int timeout_ms)
{
    double until = now_s() + timeout_ms / 1e3;
    while (now_s() < until) {
        char *l = mm_child_read_line(&server, (int)((until - now_s()) * 1e3) + 1);
        if (!l)
            return NULL;
        cJSON *m = cJSON_Parse(l);
        free(l);
        const cJSON *mid = cJSON_GetObjectItemCaseSensitive(m, "id");
        if (cJSON_IsNumber(mid) && mid->valueint == id)
            return m;
        cJSON_Delete(m);
    }
    return NULL;
}

static int send_call(const char *tool, const char *args)
{
    char req[1024];
    int id = next_id++;
    snprintf(req, sizeof req,
             "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"%s\","
             "\"arguments\":%s}}",
             id, tool, args);
    mm_child_send(&server, req);
    return id;
}

/* Calls a tool; returns its result's text and sets *is_error (caller frees). */
static char *call(const char *tool, const char *args, int *is_error)
{
    int id = send_call(tool, args);
    cJSON *m = wait_answer(id, getenv("MM_E2E_VALGRIND") ? 120000 : 30000);
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(m, "result");
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(res, "content"), 0), "text");
    *is_error = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "isError"));
    char *out = strdup(cJSON_IsString(text) ? text->valuestring : "(no answer)");
    cJSON_Delete(m);
    return out;
}

static char *list_org(const char *org, int *is_error)
{
    char args[256];
    snprintf(args, sizeof args, "{\"org_id\":\"%s\"}", org);
    return call("listOrgWlans", args, is_error);
}

/* Requests that reached the backend for this path part, and aborted ones; the Authorization
 * of the n-th request (1-based) is copied to auth_n. */
static int requests_for(const char *part, int *aborted, int n, char *auth_n, size_t auth_size)
{
    FILE *f = fopen(log_path, "r");
    int count = 0, ab = 0;
    char line[8192];
    while (f && fgets(line, sizeof line, f)) {
        cJSON *j = cJSON_Parse(line);
        const cJSON *path = cJSON_GetObjectItemCaseSensitive(j, "path");
        if (cJSON_IsString(path) && strstr(path->valuestring, part)) {
            if (cJSON_GetObjectItemCaseSensitive(j, "event")) {
                ab++;
            } else if (++count == n && auth_n) {
                const cJSON *a = cJSON_GetObjectItemCaseSensitive(
                    cJSON_GetObjectItemCaseSensitive(j, "headers"), "Authorization");
                snprintf(auth_n, auth_size, "%s", cJSON_IsString(a) ? a->valuestring : "");
            }
        }
        cJSON_Delete(j);
    }
    if (f)
        fclose(f);
    if (aborted)
        *aborted = ab;
    return count;
}

static void test_retries(int failing_calls)
{
    /* Thousands of calls below: no client-side limit here (test_rate_limit has its own). */
    /* A 1 MiB answer bound: the 100 MB body below is stopped after 1 MiB, well inside the 1 s
     * timeout even under valgrind on a busy machine (at 32 MiB it sometimes was not). */
    const char *extra[] = {
        "--timeout", "1", "--max-retries", "3", "--rate-limit", "0", "--max-response-bytes",
        "1048576",   NULL};
    start("tokA", extra);
    int err;
    double t0 = now_s();
    char *t = list_org("flaky-429x1-a", &err);
    double took = now_s() - t0;
    CHECK_MSG(!err && strstr(t, "flaky-429x1-a"), "429 then success: %s", t);
    CHECK_MSG(requests_for("flaky-429x1-a", NULL, 0, NULL, 0) == 2, "429: one retry");
    CHECK_MSG(took >= 0.9 && took < 5, "Retry-After: 1 honoured (%.2f s)", took);
    free(t);

    t = list_org("flaky-503x2-b", &err);
    CHECK_MSG(!err && requests_for("flaky-503x2-b", NULL, 0, NULL, 0) == 3, "503 twice: %s", t);
    free(t);
    t = list_org("flaky-500x1-b2", &err);
    CHECK_MSG(!err && requests_for("flaky-500x1-b2", NULL, 0, NULL, 0) == 2, "500 on GET: %s", t);
    free(t);
    t = list_org("status-503", &err);
    CHECK_MSG(err && strstr(t, "HTTP 503") && requests_for("status-503", NULL, 0, NULL, 0) == 4,
              "503 for good: 1 + 3 retries, then the error: %s", t);
    free(t);

    t = call("createOrgWlan", "{\"org_id\":\"flaky-500x1-c\",\"body\":{\"ssid\":\"x\"}}", &err);
    CHECK_MSG(err && strstr(t, "HTTP 500") && requests_for("flaky-500x1-c", NULL, 0, NULL, 0) == 1,
              "500 on POST: no retry: %s", t);
    free(t);
    t = call("createOrgWlan", "{\"org_id\":\"flaky-429x1-c2\",\"body\":{\"ssid\":\"x\"}}", &err);
    CHECK_MSG(!err && requests_for("flaky-429x1-c2", NULL, 0, NULL, 0) == 2,
              "429 on POST: Mist refused it, so it is sent again: %s", t);
    free(t);

    t = list_org("flaky-resetx1-d", &err);
    CHECK_MSG(!err && requests_for("flaky-resetx1-d", NULL, 0, NULL, 0) == 2,
              "connection reset on GET: retried: %s", t);
    free(t);

    t = list_org("garbage", &err);
    CHECK_MSG(err && strstr(t, "not JSON") && strstr(t, "<html>"), "garbage: %s", t);
    free(t);
    t = list_org("status-401", &err);
    CHECK_MSG(err && strstr(t, "invalid or expired") && !strstr(t, "tokA"), "401: %s", t);
    free(t);

    t0 = now_s();
    t = list_org("slow-3000", &err);
    took = now_s() - t0;
    CHECK_MSG(err && strstr(t, "did not answer") && took < 2.5 &&
                  requests_for("slow-3000", NULL, 0, NULL, 0) == 1,
              "timeout: not retried (%.2f s): %s", took, t);
    free(t);

    int aborted = 0;
    t = list_org("huge-100", &err);
    CHECK_MSG(err && strstr(t, "larger than") && strstr(t, "narrow"), "100 MB body: %s", t);
    free(t);
    for (int i = 0; i < 100 && requests_for("huge-100", &aborted, 0, NULL, 0) && !aborted; i++)
        usleep(20000);
    CHECK_MSG(aborted == 1, "the backend saw the transfer stopped");
    long rss = mm_child_peak_rss_kib(&server);
    /* Under valgrind or the sanitizers (shadow memory, quarantine) RSS says nothing. */
    CHECK_MSG(getenv("MM_E2E_VALGRIND") || getenv("MM_E2E_SANITIZED") ||
                  (rss > 0 && rss < 96 * 1024),
              "peak RSS %ld KiB with a 100 MB answer (bound: 32 MiB)", rss);

    /* Cancel during a slow call: the backend sees the connection closed, no answer comes. */
    int id = send_call("listOrgWlans", "{\"org_id\":\"slow-5000-cancel\"}");
    usleep(300000);
    char cancel[200];
    snprintf(cancel, sizeof cancel,
             "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{"
             "\"requestId\":%d,\"reason\":\"test\"}}",
             id);
    mm_child_send(&server, cancel);
    t0 = now_s();
    for (int i = 0; i < 150 && (requests_for("slow-5000-cancel", &aborted, 0, NULL, 0), !aborted);
         i++)
        usleep(20000);
    CHECK_MSG(aborted == 1 && now_s() - t0 < 2.5, "the backend saw the cancelled call go (%.2f s)",
              now_s() - t0);
    cJSON *late = wait_answer(id, 1000);
    CHECK_MSG(!late, "no answer for a cancelled request");
    cJSON_Delete(late);

    /* Many failing calls (not retried: 404), pipelined; the server keeps answering. */
    int first = next_id, answered = 0, errors = 0;
    for (int sent = 0, window = 0; answered < failing_calls;) {
        while (sent < failing_calls && window < 32) {
            send_call("listOrgWlans", "{\"org_id\":\"status-404\"}");
            sent++, window++;
        }
        char *l = mm_child_read_line(&server, 30000);
        if (!l)
            break;
        cJSON *m = cJSON_Parse(l);
        free(l);
        const cJSON *mid = cJSON_GetObjectItemCaseSensitive(m, "id");
        if (cJSON_IsNumber(mid) && mid->valueint >= first) {
            answered++, window--;
            errors += cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(m, "result"), "isError"));
        }
        cJSON_Delete(m);
    }
    CHECK_MSG(answered == failing_calls && errors == failing_calls, "%d failing calls: %d answered",
              failing_calls, answered);
    t = list_org("after-the-storm", &err);
    CHECK_MSG(!err && strstr(t, "after-the-storm"), "still serving: %s", t);
    free(t);
    stop();
}

static void test_rotation(void)
{
    const char *extra[] = {"--max-retries", "3", NULL};
    start("tokA,tokB", extra);
    int err;
    char first[64] = "", second[64] = "";
    /* A first call loads libcurl and connects (most of a second under valgrind): what is timed
     * below is the rotation alone. */
    char *t = list_org("before-rotation", &err);
    CHECK_MSG(!err, "a plain call first: %s", t);
    free(t);
    double t0 = now_s();
    t = list_org("flaky-429x1-e", &err);
    double took = now_s() - t0;
    requests_for("flaky-429x1-e", NULL, 1, first, sizeof first);
    requests_for("flaky-429x1-e", NULL, 2, second, sizeof second);
    CHECK_MSG(!err && strcmp(first, "Token tokA") == 0 && strcmp(second, "Token tokB") == 0,
              "429 rotates to the next token: %s then %s: %s", first, second, t);
    CHECK_MSG(took < 0.8, "rotation does not wait for Retry-After (%.2f s)", took);
    free(t);
    t = list_org("after-rotation", &err);
    requests_for("after-rotation", NULL, 1, first, sizeof first);
    CHECK_MSG(!err && strcmp(first, "Token tokB") == 0, "the next call keeps tokB: %s", first);
    free(t);
    stop();
}

static void test_rate_limit(void)
{
    const char *refuse[] = {
        "--rate-limit", "2", "--rate-burst", "2", "--rate-limit-wait", "0", NULL};
    start("tokR", refuse);
    int err;
    char *t;
    for (int i = 0; i < 2; i++) {
        t = list_org("budget", &err);
        CHECK_MSG(!err, "within the budget: %s", t);
        free(t);
    }
    t = list_org("budget", &err);
    CHECK_MSG(err && strstr(t, "rate limit") && strstr(t, "retry in"), "over the budget: %s", t);
    CHECK_MSG(requests_for("budget", NULL, 0, NULL, 0) == 2, "nothing sent over the budget");
    free(t);
    stop();

    const char *wait[] = {
        "--rate-limit", "3600", "--rate-burst", "1", "--rate-limit-wait", "5", NULL};
    start("tokW", wait);
    double t0 = now_s(); /* two calls at one per second: the second waits for its turn */
    t = list_org("paced", &err);
    free(t);
    t = list_org("paced", &err);
    double took = now_s() - t0;
    CHECK_MSG(!err && took >= 0.9 && took < 4, "two calls took %.2f s: %s", took, t);
    free(t);
    stop();
}

/* Failures without an HTTP answer: each one sentence naming the cause, never the token. */
static void test_no_answer(int port)
{
    char saved[sizeof base_env];
    memcpy(saved, base_env, sizeof base_env);
    /* TLS spoken to a plain-HTTP server: the handshake fails. */
    snprintf(base_env, sizeof base_env, "MISTMCP_API_BASE_URL=https://127.0.0.1:%d", port);
    start("tokT", NULL);
    int err;
    char *t = list_org("tls", &err);
    CHECK_MSG(err && strstr(t, "TLS") && !strstr(t, "tokT"), "TLS failure: %s", t);
    free(t);
    stop();
    /* Nothing listens: connection refused; retried (it never left), then said plainly. */
    snprintf(base_env, sizeof base_env, "MISTMCP_API_BASE_URL=http://127.0.0.1:1");
    const char *quick[] = {"--max-retries", "2", NULL};
    start("tokC", quick);
    double t0 = now_s();
    t = call("createOrgWlan", "{\"org_id\":\"o\",\"body\":{\"ssid\":\"x\"}}", &err);
    double took = now_s() - t0;
    CHECK_MSG(err && strstr(t, "cannot connect") && !strstr(t, "tokC") && took >= 0.25,
              "connection refused, POST retried since it never left (%.2f s): %s", took, t);
    free(t);
    stop();
    memcpy(base_env, saved, sizeof base_env);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: test_resilience MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR [CALLS]\n");
        return 2;
    }
    mistmcp = argv[1];
    plugin_dir = argv[3];
    int failing_calls = argc > 5 ? atoi(argv[5]) : 10000;
    snprintf(log_path, sizeof log_path, "%s/fake-mist-resilience.jsonl", argv[4]);
    static mm_child fake;
    int port = mm_child_start_fake_mist(&fake, argv[2], log_path, 600);
    CHECK_MSG(port > 0, "the fake backend started");
    if (port <= 0)
        return check_summary();
    snprintf(base_env, sizeof base_env, "MISTMCP_API_BASE_URL=http://127.0.0.1:%d", port);
    test_retries(failing_calls);
    test_rotation();
    test_rate_limit();
    test_no_answer(port);
    mm_child_finish(&fake, 5000);
    return check_summary();
}
