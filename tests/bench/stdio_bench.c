/*
 * Stdio benchmark: mistmcp against the trivial echo server (the floor) and the fake Mist
 * backend's own round trip, in one run. Prints a table.
 *
 * usage: stdio_bench MISTMCP ECHO FAKE_MIST PLUGIN_DIR [ROUNDS] [CALLS]
 */
#define _POSIX_C_SOURCE 200809L
#include "child.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                          "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":"
                          "{\"name\":\"bench\",\"version\":\"1\"}}}";

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    int i = (int)(p * (n - 1) + 0.5);
    return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

static char base_env[64];

static int start(mm_child *c, const char *bin, const char *plugins, const char *mode,
                 const char *categories)
{
    char *argv[10] = {(char *)bin};
    int n = 1;
    if (plugins) {
        argv[n++] = "--plugin-dir";
        argv[n++] = (char *)plugins;
        argv[n++] = "--mode";
        argv[n++] = (char *)mode;
        if (categories) {
            argv[n++] = "--categories";
            argv[n++] = (char *)categories;
        }
    }
    argv[n] = NULL;
    char *env[] = {base_env, "MIST_API_TOKEN=bench", "HOME=/tmp", NULL};
    return mm_child_spawn(c, argv, env);
}

/* Sends one request and waits for its answer (ignoring notifications). Returns bytes. */
static size_t roundtrip(mm_child *c, const char *req, const char *id_field)
{
    mm_child_send(c, req);
    for (;;) {
        char *l = mm_child_read_line(c, 20000);
        if (!l) {
            fprintf(stderr, "bench: no answer to %.80s\n", req);
            exit(1);
        }
        size_t n = strlen(l);
        int mine = strstr(l, id_field) != NULL;
        free(l);
        if (mine)
            return n;
    }
}

static void init(mm_child *c)
{
    roundtrip(c, INIT, "\"id\":1,");
    mm_child_send(c, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
}

/* Median start -> initialize answer, ms. */
static void start_init(const char *bin, const char *plugins, int rounds, double *med, double *lo,
                       double *hi)
{
    double *v = calloc((size_t)rounds, sizeof *v);
    for (int i = 0; i < rounds; i++) {
        static mm_child c;
        double t0 = now_ms();
        start(&c, bin, plugins, "managed", NULL);
        init(&c);
        v[i] = now_ms() - t0;
        mm_child_finish(&c, 5000);
    }
    *med = pct(v, rounds, 0.5);
    *lo = v[0];
    *hi = v[rounds - 1];
    free(v);
}

typedef struct calls {
    double per_s, p50, p90, p99;
} calls;

static calls sequential(mm_child *c, const char *call_fmt, int n)
{
    double *v = calloc((size_t)n, sizeof *v);
    char req[512], idf[32];
    double t0 = now_ms();
    for (int i = 0; i < n; i++) {
        snprintf(req, sizeof req, call_fmt, 1000 + i);
        snprintf(idf, sizeof idf, "\"id\":%d,", 1000 + i);
        double a = now_ms();
        roundtrip(c, req, idf);
        v[i] = now_ms() - a;
    }
    calls r = {.per_s = n / ((now_ms() - t0) / 1e3)};
    r.p50 = pct(v, n, 0.5);
    r.p90 = pct(v, n, 0.9);
    r.p99 = pct(v, n, 0.99);
    free(v);
    return r;
}

static double in_flight(mm_child *c, const char *call_fmt, int n, int depth)
{
    char req[512];
    int sent = 0, done = 0;
    double t0 = now_ms();
    for (; sent < depth && sent < n; sent++) {
        snprintf(req, sizeof req, call_fmt, 100000 + sent);
        mm_child_send(c, req);
    }
    while (done < n) {
        char *l = mm_child_read_line(c, 20000);
        if (!l) {
            fprintf(stderr, "bench: in-flight answers stopped\n");
            exit(1);
        }
        int answer = strstr(l, "\"id\":") != NULL;
        free(l);
        if (!answer)
            continue;
        done++;
        if (sent < n) {
            snprintf(req, sizeof req, call_fmt, 100000 + sent++);
            mm_child_send(c, req);
        }
    }
    return n / ((now_ms() - t0) / 1e3);
}

static size_t discard(char *p, size_t s, size_t n, void *u)
{
    (void)p, (void)u;
    return s * n;
}

static double backend_rtt(int port, int n)
{
    CURL *h = curl_easy_init();
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/orgs/o/wlans", port);
    struct curl_slist *hd = curl_slist_append(NULL, "Authorization: Token bench");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    double *v = calloc((size_t)n, sizeof *v);
    for (int i = 0; i < n; i++) {
        double a = now_ms();
        curl_easy_perform(h);
        v[i] = now_ms() - a;
    }
    double med = pct(v, n, 0.5);
    free(v);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    return med;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: stdio_bench MISTMCP ECHO FAKE_MIST PLUGIN_DIR [ROUNDS] [CALLS]\n");
        return 2;
    }
    const char *mistmcp = argv[1], *echo = argv[2], *fake = argv[3], *plugins = argv[4];
    int rounds = argc > 5 ? atoi(argv[5]) : 20, n = argc > 6 ? atoi(argv[6]) : 2000;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    static mm_child fk;
    char *fargv[] = {(char *)fake, "/dev/null", "--max-seconds", "600", NULL};
    mm_child_spawn(&fk, fargv, NULL);
    char *pl = mm_child_read_line(&fk, 10000);
    int port = pl ? atoi(pl + 5) : 0;
    free(pl);
    snprintf(base_env, sizeof base_env, "MISTMCP_API_BASE_URL=http://127.0.0.1:%d", port);

    double m_med, m_lo, m_hi, e_med, e_lo, e_hi;
    start_init(echo, NULL, rounds, &e_med, &e_lo, &e_hi);
    start_init(mistmcp, plugins, rounds, &m_med, &m_lo, &m_hi);

    static mm_child c;
    /* Managed mode: RSS after initialize and the first tools/list. */
    start(&c, mistmcp, plugins, "managed", NULL);
    init(&c);
    size_t managed_bytes =
        roundtrip(&c, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}", "\"id\":2,");
    long rss_managed = mm_child_peak_rss_kib(&c);
    mm_child_finish(&c, 5000);

    /* All mode: tools/list time and bytes, RSS. */
    start(&c, mistmcp, plugins, "all", NULL);
    init(&c);
    double *v = calloc((size_t)rounds, sizeof *v);
    size_t all_bytes = 0;
    for (int i = 0; i < rounds; i++) {
        char req[128], idf[32];
        snprintf(req, sizeof req, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/list\"}",
                 10 + i);
        snprintf(idf, sizeof idf, "\"id\":%d,", 10 + i);
        double a = now_ms();
        all_bytes = roundtrip(&c, req, idf);
        v[i] = now_ms() - a;
    }
    double list_all = pct(v, rounds, 0.5);
    free(v);
    long rss_all = mm_child_peak_rss_kib(&c);
    mm_child_finish(&c, 5000);

    const char *mist_call = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
                            "{\"name\":\"listOrgWlans\",\"arguments\":{\"org_id\":\"o\"}}}";
    const char *echo_call = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":"
                            "{\"name\":\"echo\",\"arguments\":{}}}";
    start(&c, mistmcp, plugins, "custom", "orgs_wlans");
    init(&c);
    calls ms = sequential(&c, mist_call, n);
    double m8 = in_flight(&c, mist_call, n, 8);
    mm_child_finish(&c, 5000);
    start(&c, echo, NULL, NULL, NULL);
    init(&c);
    calls es = sequential(&c, echo_call, n);
    double e8 = in_flight(&c, echo_call, n, 8);
    mm_child_finish(&c, 5000);
    double brtt = backend_rtt(port, n);
    double ideal = 1e3 / (es.p50 + brtt);
    mm_child_finish(&fk, 5000);

    printf("%-46s %14s %14s %10s\n", "measure", "mistmcp", "echo floor", "ratio");
    printf("%-46s %14.2f %14.2f %9.2fx\n", "start -> initialize, ms (median)", m_med, e_med,
           m_med / e_med);
    printf("%-46s %6.2f-%-7.2f %6.2f-%-7.2f\n", "  min-max, ms", m_lo, m_hi, e_lo, e_hi);
    printf("%-46s %14ld\n", "peak RSS, managed mode, KiB", rss_managed);
    printf("%-46s %14zu\n", "tools/list bytes, managed mode", managed_bytes);
    printf("%-46s %14.2f\n", "tools/list, all mode, ms (median)", list_all);
    printf("%-46s %14zu\n", "tools/list bytes, all mode (read-only)", all_bytes);
    printf("%-46s %14ld\n", "peak RSS, all mode, KiB", rss_all);
    printf("%-46s %14.3f\n", "fake backend round trip alone, ms (median)", brtt);
    printf("%-46s %14.0f %14.0f\n", "sequential calls/s", ms.per_s, es.per_s);
    printf("%-46s %6.3f/%.3f/%.3f %6.3f/%.3f/%.3f\n", "  latency p50/p90/p99, ms", ms.p50, ms.p90,
           ms.p99, es.p50, es.p90, es.p99);
    printf("%-46s %14.0f %24.2f\n", "  ideal 1/(echo rtt + backend rtt), calls/s", ideal,
           ms.per_s / ideal);
    printf("%-46s %14.0f %14.0f %9.2fx\n", "8 in flight, calls/s (ratio: to sequential)", m8, e8,
           m8 / ms.per_s);
    printf("(%d start rounds, %d calls per row)\n", rounds, n);
    curl_global_cleanup();
    return 0;
}
