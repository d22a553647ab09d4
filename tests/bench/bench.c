/*
 * The benchmark: mistmcp against the floor (trivial C echo servers over stdio and HTTP, the
 * fake Mist backend's own round trip) and a real peer (@ivotoby/openapi-mcp-server on the
 * same pinned spec and the same fake backend), in one run, all driven by the same client
 * code (this program; the SDK rows by the MCP TypeScript SDK). Prints one table of medians
 * (min-max over the rounds) with ratios and the targets of issue 5.
 *
 * usage: bench --build DIR --spec-json FILE --gen-spec FILE --exclusions FILE
 *              [--node NODE --peer SCRIPT --sdk SCRIPT] [--rounds R] [--calls N] [--idle K]
 * Without --peer (and --node) the peer columns stay empty.
 */
#define _GNU_SOURCE
#include "bench_http.h"
#include "bench_replicas.h"
#include "child.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct stat3 {
    double med, lo, hi;
    int valid;
} stat3;

typedef struct opts {
    const char *build, *spec_json, *gen_spec, *exclusions, *node, *peer, *sdk;
    int rounds, calls;
    size_t idle;
} opts;

static opts o = {.rounds = 5, .calls = 2000, .idle = 10000};
static char backend_env[80];
static int backend_port;

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

static stat3 stats(double *v, int n)
{
    stat3 s = {0};
    if (n <= 0)
        return s;
    s.med = pct(v, n, 0.5);
    s.lo = v[0];
    s.hi = v[n - 1];
    s.valid = 1;
    return s;
}

static void die(const char *what)
{
    fprintf(stderr, "bench: %s\n", what);
    exit(1);
}

/* A file of the build tree; the strings live until main frees them at the end. */
static char *built[8];
static size_t built_count;

static char *path_in(const char *dir, const char *rel)
{
    for (size_t i = 0; i < built_count; i++) {
        const char *b = built[i];
        if (strncmp(b, dir, strlen(dir)) == 0 && strcmp(b + strlen(dir) + 1, rel) == 0)
            return built[i];
    }
    char *p = NULL;
    if (built_count == sizeof built / sizeof built[0] || asprintf(&p, "%s/%s", dir, rel) < 0)
        die("out of memory");
    return built[built_count++] = p;
}

/* --- servers --------------------------------------------------------------------------- */

typedef enum who { MISTMCP, FLOOR, PEER } who;

/* argv of a stdio server; mode/categories for mistmcp. Static storage, valid until the next
 * call. */
static char **stdio_argv(who w, const char *mode, const char *categories)
{
    static char *argv[24];
    static char url[80];
    int n = 0;
    if (w == MISTMCP) {
        argv[n++] = path_in(o.build, "mistmcp");
        argv[n++] = "--plugin-dir";
        argv[n++] = path_in(o.build, "plugins");
        argv[n++] = "--rate-limit"; /* the client-side limit would pace thousands of calls */
        argv[n++] = "0";
        argv[n++] = "--mode";
        argv[n++] = (char *)mode;
        if (categories) {
            argv[n++] = "--categories";
            argv[n++] = (char *)categories;
        }
    } else if (w == FLOOR) {
        argv[n++] = path_in(o.build, "tests/bench/echo_stdio");
    } else {
        snprintf(url, sizeof url, "http://127.0.0.1:%d", backend_port);
        argv[n++] = (char *)o.node;
        argv[n++] = (char *)o.peer;
        argv[n++] = "--openapi-spec";
        argv[n++] = (char *)o.spec_json;
        argv[n++] = "--api-base-url";
        argv[n++] = url;
        argv[n++] = "--headers";
        argv[n++] = "Authorization:Token bench";
        argv[n++] = "--verbose";
        argv[n++] = "false";
    }
    argv[n] = NULL;
    return argv;
}

static char *server_env[] = {backend_env, "MIST_API_TOKEN=bench", "HOME=/tmp", "PATH=/usr/bin:/bin",
                             NULL};

static void spawn(mm_child *c, char **argv)
{
    c->stderr_path = "/dev/null";
    if (mm_child_spawn(c, argv, server_env) != 0)
        die("cannot start a server");
}

/* Sends req and waits for the answer with this id (notifications are skipped). Returns its
 * byte count. */
static size_t roundtrip(mm_child *c, const char *req, long id)
{
    mm_child_send(c, req);
    for (;;) {
        char *l = mm_child_read_line(c, 60000);
        if (!l) {
            fprintf(stderr, "bench: no answer to %.100s\n", req);
            exit(1);
        }
        size_t n = strlen(l);
        int mine = bh_has_id(l, id);
        free(l);
        if (mine)
            return n;
    }
}

static const char *INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                          "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":"
                          "{\"name\":\"bench\",\"version\":\"1\"}}}";

static void initialize(mm_child *c)
{
    roundtrip(c, INIT, 1);
    mm_child_send(c, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
}

static const char *call_fmt(who w)
{
    switch (w) {
    case MISTMCP:
        return "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/call\",\"params\":{\"name\":"
               "\"listOrgWlans\",\"arguments\":{\"org_id\":\"o\"}}}";
    case FLOOR:
        return "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/call\",\"params\":{\"name\":"
               "\"echo\",\"arguments\":{}}}";
    default:
        return "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/call\",\"params\":{\"name\":"
               "\"lst-org-wlans\",\"arguments\":{\"org_id\":\"o\"}}}";
    }
}

/* --- stdio measures -------------------------------------------------------------------- */

static stat3 start_init(who w, int rounds)
{
    double *v = calloc((size_t)rounds, sizeof *v);
    for (int i = 0; i < rounds; i++) {
        static mm_child c;
        double t0 = now_ms();
        spawn(&c, stdio_argv(w, "managed", NULL));
        initialize(&c);
        v[i] = now_ms() - t0;
        mm_child_finish(&c, 5000);
    }
    stat3 s = stats(v, rounds);
    free(v);
    return s;
}

typedef struct listing {
    stat3 first_ms; /* the first tools/list of a fresh server */
    size_t bytes;
    long rss_kib; /* peak, after the list */
} listing;

static listing first_list(who w, const char *mode, int rounds)
{
    listing l = {0};
    double *v = calloc((size_t)rounds, sizeof *v);
    for (int i = 0; i < rounds; i++) {
        static mm_child c;
        spawn(&c, stdio_argv(w, mode, NULL));
        initialize(&c);
        double t0 = now_ms();
        l.bytes = roundtrip(&c, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}", 2);
        v[i] = now_ms() - t0;
        long rss = mm_child_peak_rss_kib(&c);
        if (rss > l.rss_kib)
            l.rss_kib = rss;
        mm_child_finish(&c, 5000);
    }
    l.first_ms = stats(v, rounds);
    free(v);
    return l;
}

typedef struct calls {
    double per_s, p50, p90, p99;
    int valid;
} calls;

static calls sequential(mm_child *c, const char *fmt, int n)
{
    double *v = calloc((size_t)n, sizeof *v);
    char req[512];
    double t0 = now_ms();
    for (int i = 0; i < n; i++) {
        snprintf(req, sizeof req, fmt, 1000L + i);
        double a = now_ms();
        roundtrip(c, req, 1000L + i);
        v[i] = now_ms() - a;
    }
    calls r = {.per_s = n / ((now_ms() - t0) / 1e3), .valid = 1};
    r.p50 = pct(v, n, 0.5);
    r.p90 = pct(v, n, 0.9);
    r.p99 = pct(v, n, 0.99);
    free(v);
    return r;
}

static double in_flight(mm_child *c, const char *fmt, int n, int depth)
{
    char req[512];
    int sent = 0, done = 0;
    double t0 = now_ms();
    for (; sent < depth && sent < n; sent++) {
        snprintf(req, sizeof req, fmt, 100000L + sent);
        mm_child_send(c, req);
    }
    while (done < n) {
        char *l = mm_child_read_line(c, 60000);
        if (!l)
            die("in-flight answers stopped");
        int answer = strstr(l, "\"id\":") != NULL;
        free(l);
        if (!answer)
            continue;
        done++;
        if (sent < n) {
            snprintf(req, sizeof req, fmt, 100000L + sent++);
            mm_child_send(c, req);
        }
    }
    return n / ((now_ms() - t0) / 1e3);
}

/* CPU time (user + system) a process has used so far, in microseconds. */
static double cpu_us(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    unsigned long ut = 0, st = 0;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return 0;
    return (double)(ut + st) * 1e6 / (double)sysconf(_SC_CLK_TCK);
}

typedef struct call_rows {
    calls seq;
    double eight;
    double cpu_per_call; /* server CPU per sequential call, us */
} call_rows;

static call_rows stdio_calls(who w)
{
    static mm_child c;
    spawn(&c, stdio_argv(w, "custom", "orgs_wlans"));
    initialize(&c);
    call_rows r;
    sequential(&c, call_fmt(w), o.calls / 10 + 1); /* warm-up */
    double cpu0 = cpu_us(c.pid);
    r.seq = sequential(&c, call_fmt(w), o.calls);
    r.cpu_per_call = (cpu_us(c.pid) - cpu0) / o.calls;
    r.eight = in_flight(&c, call_fmt(w), o.calls, 8);
    mm_child_finish(&c, 5000);
    return r;
}

/* The category with the most tools, from --list-categories. */
static void largest_category(char *name, size_t size, int *tools)
{
    char *cmd;
    if (asprintf(&cmd, "%s/mistmcp --list-categories", o.build) < 0)
        die("out of memory");
    FILE *p = popen(cmd, "r");
    free(cmd);
    char line[1024], n[128];
    int t, ro;
    *tools = 0;
    while (p && fgets(line, sizeof line, p))
        if (sscanf(line, "%127s %d %d", n, &t, &ro) == 3 && t > *tools) {
            *tools = t;
            snprintf(name, size, "%s", n);
        }
    if (p)
        pclose(p);
    if (!*tools)
        die("no categories from mistmcp --list-categories");
}

static void enable_disable(const char *category, int rounds, stat3 *enable, stat3 *disable)
{
    static mm_child c;
    spawn(&c, stdio_argv(MISTMCP, "managed", NULL));
    initialize(&c);
    double *e = calloc((size_t)rounds, sizeof *e), *d = calloc((size_t)rounds, sizeof *d);
    char req[512];
    for (int i = 0; i < rounds; i++) {
        long id = 10 + 2 * i;
        snprintf(req, sizeof req,
                 "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/call\",\"params\":{\"name\":"
                 "\"manageMcpTools\",\"arguments\":{\"enable_mcp_tools_categories\":[\"%s\"]}}}",
                 id, category);
        double t0 = now_ms();
        roundtrip(&c, req, id); /* list_changed comes before the answer */
        e[i] = now_ms() - t0;
        snprintf(req, sizeof req,
                 "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/call\",\"params\":{\"name\":"
                 "\"manageMcpTools\",\"arguments\":{\"disable_mcp_tools_categories\":[\"%s\"]}}}",
                 id + 1, category);
        t0 = now_ms();
        roundtrip(&c, req, id + 1);
        d[i] = now_ms() - t0;
    }
    *enable = stats(e, rounds);
    *disable = stats(d, rounds);
    free(e);
    free(d);
    mm_child_finish(&c, 5000);
}

static size_t discard(char *p, size_t s, size_t n, void *u)
{
    (void)p, (void)u;
    return s * n;
}

static double backend_rtt(int n)
{
    CURL *h = curl_easy_init();
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/orgs/o/wlans", backend_port);
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

/* --- HTTP measures --------------------------------------------------------------------- */

typedef struct http_server {
    mm_child child;
    char url[160];
    int get_stream; /* answers calls on the GET stream (the peer) */
} http_server;

/* mistmcp's HTTP server with extra options (NULL-terminated, may be NULL), or a floor or
 * peer server (extra unused). */
static void start_http_with(http_server *s, who w, char *const *extra)
{
    int port = br_free_port();
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    char **argv;
    if (w == FLOOR) {
        static char *a[3];
        a[0] = path_in(o.build, "tests/bench/echo_http");
        a[1] = portstr;
        argv = a;
        snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d/mcp", port);
    } else if (w == MISTMCP) {
        static char *a[20];
        int n = 0;
        a[n++] = path_in(o.build, "mistmcp");
        a[n++] = "--transport", a[n++] = "http", a[n++] = "--port", a[n++] = portstr;
        a[n++] = "--plugin-dir", a[n++] = path_in(o.build, "plugins");
        a[n++] = "--max-sessions", a[n++] = "30000", a[n++] = "--rate-limit", a[n++] = "0";
        a[n++] = "--trusted-proxy", a[n++] = "127.0.0.1"; /* each session its own client */
        for (size_t i = 0; extra && extra[i] && n < 19; i++)
            a[n++] = extra[i];
        a[n] = NULL;
        argv = a;
        snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d/mcp?mode=custom&categories=orgs_wlans",
                 port);
    } else {
        char **base = stdio_argv(PEER, NULL, NULL);
        static char *a[24];
        int n = 0;
        for (; base[n]; n++)
            a[n] = base[n];
        a[n++] = "--transport", a[n++] = "http", a[n++] = "--port", a[n++] = portstr;
        a[n++] = "--host", a[n++] = "127.0.0.1", a[n++] = "--path", a[n++] = "/mcp";
        a[n] = NULL;
        argv = a;
        snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d/mcp", port);
        s->get_stream = 1;
    }
    spawn(&s->child, argv);
    for (int i = 0; i < 300; i++) { /* up to 30 s for the peer to parse its spec */
        CURL *h = curl_easy_init();
        curl_easy_setopt(h, CURLOPT_URL, s->url);
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 500L);
        int up = curl_easy_perform(h) == CURLE_OK;
        curl_easy_cleanup(h);
        if (up)
            return;
        usleep(100000);
    }
    die("an HTTP server did not start");
}

static void start_http(http_server *s, who w)
{
    start_http_with(s, w, NULL);
}

static void stop_http(http_server *s)
{
    mm_child_finish(&s->child, 5000);
}

/* The same call as call_fmt(MISTMCP), as a 2026-07-28 client sends it: no session, the
 * version and capabilities in _meta (bh_open_modern adds the headers). */
#define MODERN_META                                                                                \
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","                       \
    "\"io.modelcontextprotocol/clientCapabilities\":{}}"
static const char modern_fmt[] =
    "{\"jsonrpc\":\"2.0\",\"id\":%ld,\"method\":\"tools/call\",\"params\":{\"name\":"
    "\"listOrgWlans\",\"arguments\":{\"org_id\":\"o\"}," MODERN_META "}}";

typedef struct http_job {
    const http_server *srv;
    const char *fmt;
    int index, n;
    int modern; /* a 2026-07-28 client: no session, the era's headers and _meta */
    double seconds;
    int failed;
} http_job;

static void *http_worker(void *p)
{
    http_job *j = p;
    char token[32], req[512];
    snprintf(token, sizeof token, "bench-%d", j->index);
    bh_session *s = j->modern ? bh_open_modern(j->srv->url, token, "tools/call", "listOrgWlans")
                              : bh_open(j->srv->url, token, j->srv->get_stream);
    if (!s) {
        j->failed = j->n;
        return NULL;
    }
    long base = 1000000L * (j->index + 1);    /* ids unique across sessions (the peer needs it) */
    for (int i = 0; i < j->n / 10 + 1; i++) { /* warm-up */
        snprintf(req, sizeof req, j->fmt, base + 900000 + i);
        bh_request(s, req, base + 900000 + i);
    }
    double t0 = now_ms();
    for (int i = 0; i < j->n; i++) {
        snprintf(req, sizeof req, j->fmt, base + i);
        if (bh_request(s, req, base + i) < 0)
            j->failed++;
    }
    j->seconds = (now_ms() - t0) / 1e3;
    bh_stop(s);
    bh_close(&s);
    return NULL;
}

/* calls/s over `sessions` sessions (modern: 2026-07-28 clients, without sessions), each
 * making n sequential calls at once. */
static double http_calls(const http_server *srv, who w, int modern, int sessions, int n,
                         int *failed)
{
    pthread_t t[16];
    http_job jobs[16];
    double t0 = now_ms();
    for (int i = 0; i < sessions; i++) {
        jobs[i] = (http_job){.srv = srv,
                             .fmt = modern ? modern_fmt : call_fmt(w),
                             .index = i,
                             .n = n,
                             .modern = modern};
        pthread_create(&t[i], NULL, http_worker, &jobs[i]);
    }
    double slowest = 0;
    for (int i = 0; i < sessions; i++) {
        pthread_join(t[i], NULL);
        *failed += jobs[i].failed;
        if (jobs[i].seconds > slowest)
            slowest = jobs[i].seconds;
    }
    (void)t0;
    return slowest > 0 ? sessions * n / slowest : 0;
}

static long rss_now_kib(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kib = atol(line + 6);
    if (f)
        fclose(f);
    return kib;
}

typedef struct http_rows {
    double seq, eight;
    double cpu_per_call;                         /* server CPU per call with 8 sessions, us */
    double modern_seq, modern_eight, modern_cpu; /* the same without sessions (2026-07-28) */
    int failed;
    double idle_bytes; /* per idle session */
    size_t idle_made;
    long peak_kib;
    int valid;
} http_rows;

static http_rows http_measures(who w)
{
    http_rows r = {.valid = 1};
    http_server srv = {0};
    start_http(&srv, w);
    r.seq = http_calls(&srv, w, 0, 1, o.calls, &r.failed);
    double cpu0 = cpu_us(srv.child.pid);
    r.eight = http_calls(&srv, w, 0, 8, o.calls / 4 + 1, &r.failed);
    r.cpu_per_call = (cpu_us(srv.child.pid) - cpu0) / (8.0 * (o.calls / 4 + 1) * 1.1);
    if (w == MISTMCP) {
        r.modern_seq = http_calls(&srv, w, 1, 1, o.calls, &r.failed);
        cpu0 = cpu_us(srv.child.pid);
        r.modern_eight = http_calls(&srv, w, 1, 8, o.calls / 4 + 1, &r.failed);
        r.modern_cpu = (cpu_us(srv.child.pid) - cpu0) / (8.0 * (o.calls / 4 + 1) * 1.1);
    }
    if (w != FLOOR && o.idle) {
        long before = rss_now_kib(srv.child.pid);
        r.idle_made = bh_idle_sessions(srv.url, o.idle);
        long after = rss_now_kib(srv.child.pid);
        r.idle_bytes = r.idle_made ? (double)(after - before) * 1024 / (double)r.idle_made : 0;
    }
    r.peak_kib = mm_child_peak_rss_kib(&srv.child);
    stop_http(&srv);
    return r;
}

/* --- replicas sharing sessions through Redis (issue 20) -------------------------------- */

typedef struct replica_rows {
    char why[200];                            /* empty when measured; else why not */
    double redis_seq, redis_eight, redis_cpu; /* one replica with the Redis store */
    double trips_per_call;                    /* Redis round trips per tools/call */
    double redis_bytes;                       /* Redis's memory per idle session */
    size_t idle_made;
    double one_eight, three_eight; /* 8 sessions through HAProxy: 1 replica, 3 replicas */
    int failed;
} replica_rows;

static replica_rows replica_measures(void)
{
    replica_rows r = {0};
    if (!br_have("redis-server")) {
        snprintf(r.why, sizeof r.why, "no redis-server (Debian package redis-server)");
        return r;
    }
    char dir[] = "/tmp/mistmcp-bench-redis.XXXXXX";
    if (!mkdtemp(dir))
        die("mkdtemp");
    char secret[sizeof dir + 16], url[64];
    snprintf(secret, sizeof secret, "%s/secret", dir);
    FILE *f = fopen(secret, "w");
    if (!f || fputs("bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz\n", f) < 0)
        die("cannot write the session secret");
    fclose(f);
    mm_child redis = {0};
    int redis_port = br_redis_start(&redis, dir);
    if (redis_port < 0)
        die("redis-server did not start");
    snprintf(url, sizeof url, "redis://127.0.0.1:%d", redis_port);
    char *extra[] = {"--session-store", url, "--session-secret-file", secret, NULL};

    http_server a = {0};
    start_http_with(&a, MISTMCP, extra);
    double trips0 = br_metric(a.url, "mistmcp_session_store_round_trip_seconds_count");
    r.redis_seq = http_calls(&a, MISTMCP, 0, 1, o.calls, &r.failed);
    double trips1 = br_metric(a.url, "mistmcp_session_store_round_trip_seconds_count");
    /* the calls, their warm-up, and the session's initialize and initialized */
    r.trips_per_call = (trips1 - trips0) / (double)(o.calls + o.calls / 10 + 1 + 2);
    double cpu0 = cpu_us(a.child.pid);
    r.redis_eight = http_calls(&a, MISTMCP, 0, 8, o.calls / 4 + 1, &r.failed);
    r.redis_cpu = (cpu_us(a.child.pid) - cpu0) / (8.0 * (o.calls / 4 + 1) * 1.1);
    if (o.idle) {
        long long m0 = br_redis_used_memory(redis_port);
        r.idle_made = bh_idle_sessions(a.url, o.idle);
        long long m1 = br_redis_used_memory(redis_port);
        r.redis_bytes = r.idle_made && m0 >= 0 ? (double)(m1 - m0) / (double)r.idle_made : 0;
    }
    stop_http(&a);

    if (br_have("haproxy")) {
        for (int replicas = 1; replicas <= 3; replicas += 2) {
            http_server rep[3];
            memset(rep, 0, sizeof rep);
            int ports[3];
            for (int i = 0; i < replicas; i++) {
                start_http_with(&rep[i], MISTMCP, extra);
                ports[i] = atoi(strrchr(strstr(rep[i].url, "127.0.0.1:"), ':') + 1);
            }
            mm_child hap = {0};
            int front = br_haproxy_start(&hap, dir, ports, (size_t)replicas);
            if (front < 0)
                die("haproxy did not start");
            http_server via = {.get_stream = 0};
            snprintf(via.url, sizeof via.url,
                     "http://127.0.0.1:%d/mcp?mode=custom&categories=orgs_wlans", front);
            double rate = http_calls(&via, MISTMCP, 0, 8, o.calls / 4 + 1, &r.failed);
            if (replicas == 1)
                r.one_eight = rate;
            else
                r.three_eight = rate;
            br_stop(&hap);
            for (int i = 0; i < replicas; i++)
                stop_http(&rep[i]);
        }
    } else {
        snprintf(r.why, sizeof r.why, "no haproxy (Debian package haproxy): no replica rows");
    }
    br_stop(&redis);
    char *rm;
    if (asprintf(&rm, "rm -rf '%s'", dir) >= 0 && system(rm) != 0)
        fprintf(stderr, "bench: could not remove %s\n", dir);
    free(rm);
    return r;
}

/* --- SDK client rows, generator -------------------------------------------------------- */

/* calls/s of the MCP TypeScript SDK client (sdk_bench.mjs), or 0. */
static double sdk_calls(who w, const char *transport)
{
    if (!o.sdk || !o.node)
        return 0;
    http_server srv = {0};
    char n[16], *cmd = NULL;
    snprintf(n, sizeof n, "%d", o.calls / 4 + 1);
    if (strcmp(transport, "http") == 0) {
        start_http(&srv, w);
        if (asprintf(&cmd, "'%s' '%s' http %s '%s' '%s'", o.node, o.sdk, n,
                     w == PEER ? "lst-org-wlans" : "listOrgWlans", srv.url) < 0)
            die("out of memory");
    } else {
        char **argv = stdio_argv(w, "custom", "orgs_wlans");
        size_t len = 0;
        char line[4096];
        line[0] = '\0';
        for (int i = 0; argv[i]; i++)
            len += (size_t)snprintf(line + len, sizeof line - len, " '%s'", argv[i]);
        if (asprintf(&cmd, "%s='%s' '%s' '%s' stdio %s '%s'%s", "MISTMCP_API_BASE_URL",
                     backend_env + strlen("MISTMCP_API_BASE_URL="), o.node, o.sdk, n,
                     w == PEER ? "lst-org-wlans" : "listOrgWlans", line) < 0)
            die("out of memory");
    }
    FILE *p = popen(cmd, "r");
    double rate = 0;
    char out[256];
    while (p && fgets(out, sizeof out, p))
        sscanf(out, "calls/s %lf", &rate);
    if (p && pclose(p) != 0)
        rate = 0;
    free(cmd);
    if (srv.child.pid)
        stop_http(&srv);
    return rate;
}

static stat3 generator_ms(int rounds)
{
    double *v = calloc((size_t)rounds, sizeof *v);
    char dir[] = "/tmp/mistmcp-bench-gen.XXXXXX";
    if (!mkdtemp(dir))
        die("mkdtemp");
    for (int i = 0; i < rounds; i++) {
        double t0 = now_ms();
        pid_t pid = fork();
        if (pid == 0) {
            int null = open("/dev/null", O_WRONLY);
            dup2(null, 1);
            dup2(null, 2);
            char *gen = path_in(o.build, "generator/mistmcp-gen");
            execl(gen, gen, "-q", "-x", o.exclusions, "--out", dir, o.gen_spec, (char *)NULL);
            _exit(127);
        }
        int st;
        waitpid(pid, &st, 0);
        v[i] = now_ms() - t0;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            die("the generator failed");
    }
    char *rm;
    if (asprintf(&rm, "rm -rf '%s'", dir) >= 0 && system(rm) != 0)
        fprintf(stderr, "bench: could not remove %s\n", dir);
    free(rm);
    stat3 s = stats(v, rounds);
    free(v);
    return s;
}

/* --- the table ------------------------------------------------------------------------- */

static void cell(char *buf, size_t size, double v, const char *fmt)
{
    if (v > 0)
        snprintf(buf, size, fmt, v);
    else
        snprintf(buf, size, "-");
}

static void row(const char *measure, const char *mine, const char *floor, const char *peer,
                const char *vs_floor, const char *vs_peer, const char *target)
{
    printf("| %-44s | %16s | %14s | %14s | %9s | %9s | %-26s |\n", measure, mine, floor, peer,
           vs_floor, vs_peer, target);
}

static const char *verdict(int ok)
{
    return ok ? "ok" : "MISSED";
}

static void stat_cell(char *buf, size_t size, stat3 s)
{
    if (!s.valid)
        snprintf(buf, size, "-");
    else if (s.med < 10)
        snprintf(buf, size, "%.2f (%.2f-%.2f)", s.med, s.lo, s.hi);
    else
        snprintf(buf, size, "%.0f (%.0f-%.0f)", s.med, s.lo, s.hi);
}

static void usage(void)
{
    fputs("usage: bench --build DIR --spec-json FILE --gen-spec FILE --exclusions FILE\n"
          "             [--node NODE --peer SCRIPT --sdk SCRIPT] [--rounds R] [--calls N] "
          "[--idle K]\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i += 2) { /* each option takes a value */
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            usage();
        if (!strcmp(a, "--build"))
            o.build = v;
        else if (!strcmp(a, "--spec-json"))
            o.spec_json = v;
        else if (!strcmp(a, "--gen-spec"))
            o.gen_spec = v;
        else if (!strcmp(a, "--exclusions"))
            o.exclusions = v;
        else if (!strcmp(a, "--node"))
            o.node = v;
        else if (!strcmp(a, "--peer"))
            o.peer = v;
        else if (!strcmp(a, "--sdk"))
            o.sdk = v;
        else if (!strcmp(a, "--rounds"))
            o.rounds = atoi(v);
        else if (!strcmp(a, "--calls"))
            o.calls = atoi(v);
        else if (!strcmp(a, "--idle"))
            o.idle = (size_t)atol(v);
        else
            usage();
    }
    if (!o.build || !o.spec_json || !o.gen_spec || !o.exclusions || o.rounds < 1 || o.calls < 1)
        usage();
    int peer = o.node && o.peer;
    curl_global_init(CURL_GLOBAL_DEFAULT);

    static mm_child fake;
    backend_port =
        mm_child_start_fake_mist(&fake, path_in(o.build, "tests/fake_mist"), "/dev/null", 3600);
    if (backend_port <= 0)
        die("the fake backend did not start");
    snprintf(backend_env, sizeof backend_env, "MISTMCP_API_BASE_URL=http://127.0.0.1:%d",
             backend_port);

    fprintf(stderr, "bench: start-up...\n");
    stat3 st_m = start_init(MISTMCP, o.rounds), st_f = start_init(FLOOR, o.rounds);
    stat3 st_p = peer ? start_init(PEER, o.rounds) : (stat3){0};
    fprintf(stderr, "bench: tools/list...\n");
    listing lm = first_list(MISTMCP, "managed", o.rounds);
    listing la = first_list(MISTMCP, "all", o.rounds);
    listing lp = peer ? first_list(PEER, NULL, o.rounds) : (listing){0};
    char largest[128];
    int largest_tools;
    largest_category(largest, sizeof largest, &largest_tools);
    stat3 en, dis;
    enable_disable(largest, o.rounds * 4, &en, &dis);
    fprintf(stderr, "bench: stdio calls...\n");
    call_rows cm = stdio_calls(MISTMCP), cf = stdio_calls(FLOOR);
    call_rows cp = peer ? stdio_calls(PEER) : (call_rows){0};
    double rtt = backend_rtt(o.calls);
    fprintf(stderr, "bench: HTTP...\n");
    http_rows hm = http_measures(MISTMCP), hf = http_measures(FLOOR);
    http_rows hp = peer ? http_measures(PEER) : (http_rows){0};
    fprintf(stderr, "bench: replicas and Redis...\n");
    replica_rows rr = replica_measures();
    fprintf(stderr, "bench: SDK client...\n");
    double sdk_ms = sdk_calls(MISTMCP, "stdio"), sdk_mh = sdk_calls(MISTMCP, "http");
    double sdk_ps = peer ? sdk_calls(PEER, "stdio") : 0,
           sdk_ph = peer ? sdk_calls(PEER, "http") : 0;
    fprintf(stderr, "bench: generator...\n");
    stat3 gen = generator_ms(o.rounds);
    mm_child_finish(&fake, 5000);

    char a[64], b[64], c[64], d[32], e[32], f[64];
    printf("| %-44s | %16s | %14s | %14s | %9s | %9s | %-26s |\n", "measure", "mistmcp", "floor",
           "peer", "vs floor", "vs peer", "target");
    printf("|%s|%s|%s|%s|%s|%s|%s|\n", "----------------------------------------------",
           "------------------", "----------------", "----------------", "-----------",
           "-----------", "----------------------------");
    stat_cell(a, sizeof a, st_m);
    stat_cell(b, sizeof b, st_f);
    stat_cell(c, sizeof c, st_p);
    snprintf(d, sizeof d, "%.2fx", st_m.med / st_f.med);
    cell(e, sizeof e, peer ? st_p.med / st_m.med : 0, "%.0fx less");
    snprintf(f, sizeof f, "<=2x floor %s%s%s", verdict(st_m.med <= 2 * st_f.med),
             peer ? ", >=50x peer " : "", peer ? verdict(st_p.med >= 50 * st_m.med) : "");
    row("start -> initialize, ms", a, b, c, d, e, f);

    stat_cell(a, sizeof a, lm.first_ms);
    row("first tools/list, managed mode, ms", a, "", "", "", "", "");
    snprintf(a, sizeof a, "%zu", lm.bytes);
    row("  bytes", a, "", "", "", "", "");
    stat_cell(a, sizeof a, la.first_ms);
    stat_cell(c, sizeof c, lp.first_ms);
    cell(e, sizeof e, peer ? lp.first_ms.med / la.first_ms.med : 0, "%.0fx less");
    snprintf(f, sizeof f, "%s%s", peer ? ">=20x peer " : "",
             peer ? verdict(lp.first_ms.med >= 20 * la.first_ms.med) : "");
    row("first tools/list, all mode, ms", a, "", c, "", e, f);
    snprintf(a, sizeof a, "%zu", la.bytes);
    cell(c, sizeof c, (double)lp.bytes, "%.0f");
    cell(e, sizeof e, peer && la.bytes ? (double)lp.bytes / (double)la.bytes : 0, "%.1fx less");
    row("  bytes (read-only tools)", a, "", c, "", e, "");

    snprintf(a, sizeof a, "%ld", lm.rss_kib);
    cell(c, sizeof c, (double)lp.rss_kib, "%.0f");
    cell(e, sizeof e, peer ? (double)lp.rss_kib / (double)lm.rss_kib : 0, "%.0fx less");
    snprintf(f, sizeof f, "%s%s", peer ? "<=1/20 peer " : "",
             peer ? verdict(lm.rss_kib * 20 <= lp.rss_kib) : "");
    row("peak RSS, managed mode, KiB", a, "", c, "", e, f);
    snprintf(a, sizeof a, "%ld", la.rss_kib);
    cell(e, sizeof e, peer ? (double)lp.rss_kib / (double)la.rss_kib : 0, "%.1fx less");
    snprintf(f, sizeof f, "%s%s", peer ? "<=1/5 peer " : "",
             peer ? verdict(la.rss_kib * 5 <= lp.rss_kib) : "");
    row("peak RSS, all mode, KiB", a, "", c, "", e, f);

    char what[200];
    snprintf(what, sizeof what, "enable %s (%d tools), ms", largest, largest_tools);
    stat_cell(a, sizeof a, en);
    snprintf(f, sizeof f, "<=1 ms %s", verdict(en.med <= 1.0));
    row(what, a, "", "", "", "", f);
    stat_cell(a, sizeof a, dis);
    row("  disable it, ms", a, "", "", "", "", "");

    snprintf(b, sizeof b, "%.3f", rtt);
    row("fake backend round trip alone, ms", "", b, "", "", "", "");
    snprintf(a, sizeof a, "%.0f", cm.seq.per_s);
    snprintf(b, sizeof b, "%.0f", cf.seq.per_s);
    cell(c, sizeof c, cp.seq.per_s, "%.0f");
    double ideal = 1e3 / (cf.seq.p50 + rtt);
    snprintf(d, sizeof d, "%.2f ideal", cm.seq.per_s / ideal);
    cell(e, sizeof e, peer ? cm.seq.per_s / cp.seq.per_s : 0, "%.1fx");
    snprintf(f, sizeof f, "%s%s", peer ? ">=4x peer " : "",
             peer ? verdict(cm.seq.per_s >= 4 * cp.seq.per_s) : "");
    row("stdio sequential calls/s", a, b, c, d, e, f);
    snprintf(a, sizeof a, "%.3f/%.3f/%.3f", cm.seq.p50, cm.seq.p90, cm.seq.p99);
    snprintf(b, sizeof b, "%.3f/%.3f/%.3f", cf.seq.p50, cf.seq.p90, cf.seq.p99);
    if (peer)
        snprintf(c, sizeof c, "%.2f/%.2f/%.2f", cp.seq.p50, cp.seq.p90, cp.seq.p99);
    else
        snprintf(c, sizeof c, "-");
    row("  latency p50/p90/p99, ms", a, b, c, "", "", "");
    snprintf(a, sizeof a, "%.0f", cm.seq.per_s ? cm.cpu_per_call : 0);
    snprintf(b, sizeof b, "%.0f", cf.cpu_per_call);
    cell(c, sizeof c, cp.cpu_per_call, "%.0f");
    cell(e, sizeof e, peer && cm.cpu_per_call > 0 ? cp.cpu_per_call / cm.cpu_per_call : 0,
         "%.1fx less");
    row("  server CPU per call, us", a, b, c, "", e, "");
    snprintf(a, sizeof a, "%.0f", cm.eight);
    snprintf(b, sizeof b, "%.0f", cf.eight);
    cell(c, sizeof c, cp.eight, "%.0f");
    cell(e, sizeof e, peer ? cm.eight / cp.eight : 0, "%.1fx");
    snprintf(f, sizeof f, "%s%s", peer ? ">=8x peer " : "",
             peer ? verdict(cm.eight >= 8 * cp.eight) : "");
    row("stdio 8 in flight, calls/s", a, b, c, "", e, f);

    snprintf(a, sizeof a, "%.0f", hm.seq);
    snprintf(b, sizeof b, "%.0f", hf.seq);
    cell(c, sizeof c, hp.seq, "%.0f");
    snprintf(d, sizeof d, "%.2fx", hm.seq / hf.seq);
    cell(e, sizeof e, peer ? hm.seq / hp.seq : 0, "%.1fx");
    row("HTTP one session, sequential calls/s", a, b, c, d, e, "");
    snprintf(a, sizeof a, "%.0f", hm.eight);
    snprintf(b, sizeof b, "%.0f", hf.eight);
    cell(c, sizeof c, hp.eight, "%.0f");
    snprintf(d, sizeof d, "%.2fx", hm.eight / hf.eight);
    cell(e, sizeof e, peer ? hm.eight / hp.eight : 0, "%.1fx");
    snprintf(f, sizeof f, "%s%s", peer ? ">=8x peer " : "",
             peer ? verdict(hm.eight >= 8 * hp.eight) : "");
    row("HTTP 8 sessions, calls/s", a, b, c, d, e, f);
    snprintf(a, sizeof a, "%.0f", hm.cpu_per_call);
    snprintf(b, sizeof b, "%.0f", hf.cpu_per_call);
    cell(c, sizeof c, hp.cpu_per_call, "%.0f");
    cell(e, sizeof e, peer && hm.cpu_per_call > 0 ? hp.cpu_per_call / hm.cpu_per_call : 0,
         "%.1fx less");
    row("  server CPU per call, us", a, b, c, "", e, "");
    snprintf(a, sizeof a, "%.0f", hm.modern_seq);
    snprintf(d, sizeof d, "%.2fx", hm.modern_seq / hf.seq);
    snprintf(f, sizeof f, ">=1x session %s", verdict(hm.modern_seq >= hm.seq));
    row("HTTP 2026-07-28, sequential calls/s", a, "", "", d, "", f);
    snprintf(a, sizeof a, "%.0f", hm.modern_eight);
    snprintf(d, sizeof d, "%.2fx", hm.modern_eight / hf.eight);
    snprintf(f, sizeof f, ">=1x sessions %s", verdict(hm.modern_eight >= hm.eight));
    row("HTTP 2026-07-28, 8 clients, calls/s", a, "", "", d, "", f);
    snprintf(a, sizeof a, "%.0f", hm.modern_cpu);
    row("  server CPU per call, us", a, "", "", "", "", "");
    snprintf(a, sizeof a, "%zu + %zu", sizeof MODERN_META, /* with the comma before it */
             bh_modern_header_bytes("tools/call", "listOrgWlans"));
    row("  bytes per request: _meta + headers", a, "", "", "", "", "");
    snprintf(a, sizeof a, "%d", hm.failed);
    snprintf(b, sizeof b, "%d", hf.failed);
    snprintf(c, sizeof c, peer ? "%d" : "-", hp.failed);
    row("  failed calls", a, b, c, "", "", "0");
    snprintf(what, sizeof what, "per idle HTTP session (%zu), bytes", hm.idle_made);
    cell(a, sizeof a, hm.idle_bytes, "%.0f");
    cell(c, sizeof c, hp.idle_bytes, "%.0f");
    snprintf(f, sizeof f, "<=4096 %s", verdict(hm.idle_bytes <= 4096));
    row(what, a, "", c, "", "", f);
    snprintf(a, sizeof a, "%ld", hm.peak_kib);
    cell(c, sizeof c, (double)hp.peak_kib, "%.0f");
    row("  peak RSS of the HTTP server, KiB", a, "", c, "", "", "");

    if (rr.redis_seq > 0) {
        snprintf(a, sizeof a, "%.0f", rr.redis_seq);
        snprintf(d, sizeof d, "%.2fx", rr.redis_seq / hf.seq);
        snprintf(f, sizeof f, "%.3f ms more than memory", 1e3 / rr.redis_seq - 1e3 / hm.seq);
        row("HTTP Redis store, sequential calls/s", a, "", "", d, "", f);
        snprintf(a, sizeof a, "%.2f", rr.trips_per_call);
        row("  Redis round trips per call", a, "", "", "", "", "<=1");
        snprintf(a, sizeof a, "%.0f", rr.redis_eight);
        snprintf(d, sizeof d, "%.2fx", rr.redis_eight / hf.eight);
        row("HTTP Redis store, 8 sessions, calls/s", a, "", "", d, "", "");
        snprintf(a, sizeof a, "%.0f", rr.redis_cpu);
        row("  server CPU per call, us", a, "", "", "", "", "");
        snprintf(what, sizeof what, "Redis memory per idle session (%zu), bytes", rr.idle_made);
        cell(a, sizeof a, rr.redis_bytes, "%.0f");
        snprintf(f, sizeof f, "<=512 %s", verdict(rr.redis_bytes <= 512));
        row(what, a, "", "", "", "", f);
    }
    if (rr.three_eight > 0) {
        snprintf(a, sizeof a, "%.0f", rr.one_eight);
        row("HAProxy + 1 replica, 8 sessions, calls/s", a, "", "", "", "", "");
        snprintf(a, sizeof a, "%.0f", rr.three_eight);
        snprintf(d, sizeof d, "%.2fx", rr.three_eight / rr.one_eight);
        row("HAProxy + 3 replicas, 8 sessions, calls/s", a, "", "", d, "",
            "2 cores: see PERFORMANCE");
    }
    if (rr.why[0])
        printf("(replica rows: %s)\n", rr.why);
    cell(a, sizeof a, sdk_ms, "%.0f");
    cell(c, sizeof c, sdk_ps, "%.0f");
    cell(e, sizeof e, sdk_ms && sdk_ps ? sdk_ms / sdk_ps : 0, "%.1fx");
    row("SDK client, stdio sequential calls/s", a, "", c, "", e, "");
    cell(a, sizeof a, sdk_mh, "%.0f");
    cell(c, sizeof c, sdk_ph, "%.0f");
    cell(e, sizeof e, sdk_mh && sdk_ph ? sdk_mh / sdk_ph : 0, "%.1fx");
    row("SDK client, HTTP sequential calls/s", a, "", c, "", e, "");
    stat_cell(a, sizeof a, gen);
    row("generator (995 operations), ms", a, "", "", "", "", "<=2000 ms");
    printf("\n%d rounds, %d calls per stdio row, %d per HTTP session with 8 sessions, %zu idle "
           "sessions; medians (min-max).\n",
           o.rounds, o.calls, o.calls / 4 + 1, o.idle);
    curl_global_cleanup();
    for (size_t i = 0; i < built_count; i++)
        free(built[i]);
    int failed = hm.failed + hf.failed + hp.failed + rr.failed;
    return failed ? 1 : 0;
}
