/*
 * A fake Mist API for tests: HTTP on 127.0.0.1 (libmicrohttpd), an ephemeral port printed as
 * "PORT <n>" on stdout, every request recorded as one JSON line in a log file.
 *
 * Answers:
 *   no "Authorization: Token <t>"      401 {"detail": ...}
 *   token "forbidden"                  403 {"detail": ...}
 *   GET /api/v1/self, and any GET whose path has the demo org's or a demo site's id
 *                                      the demo cloud's answer (core/demo, docs/DEMO.md: the
 *                                      world mistmcp --demo serves, as it is at start; one
 *                                      source of plain Mist answers for the tests, not two),
 *                                      unless a fault path below says otherwise
 * and, driven by a path segment so that real tools can reach them through an id argument
 * (e.g. org_id "slow-2000"):
 *   slow-<ms>                          waits ms milliseconds (at most 30 s) before answering;
 *                                      a client that hangs up meanwhile is logged (below)
 *   status-<code>                      that status with {"detail": "injected <code>"}
 *                                      (429 carries Retry-After: 1)
 *   flaky-<what>x<n>                   the first n requests to this exact path fail, the
 *                                      next ones succeed; <what> is a status code or "reset"
 *                                      (the connection is closed without an answer)
 *   huge-<mb>                          200 with a JSON body of mb MiB, streamed
 *   sized-<kb>                         200 with an array of device-like objects of about kb KiB
 *                                      (at most 64 MiB), numbers past 2^53 among them
 *   lenient-<kind>                     200 with a body cJSON reads but JSON forbids: raw control
 *                                      characters in strings (ctl), a byte order mark (bom),
 *                                      form feeds between tokens (ff), numbers written 01, 1.,
 *                                      -.5 (numbers), "{\f}" with X-Page-* headers (empty-paged)
 *   garbage                            200 with a body that is not JSON
 *   numbers-<kind>                     200 with numbers no double holds, written as Mist would
 *                                      (NUMBERS_OBJECT, _ARRAY, _SCALAR below); "paged-object"
 *                                      also sends X-Page-* headers
 *   paged                              a JSON array with X-Page-* headers (total 250)
 *   pages-<total>[-<ms>]               page/limit paging over total items (query page, from
 *                                      1, and limit, 100 if absent): the page's items
 *                                      {"id", "name", "note"} with X-Page-* headers; each
 *                                      answer after a wait of ms milliseconds if given
 *   searchpages-<total>                a search over total items: {"results", "limit",
 *                                      "total", "next"} (query limit, 100 if absent, and
 *                                      search_after, the index of the first item); "next"
 *                                      (this path with the next search_after) until the end
 *   anything else                      200 echoing {"method", "path", "query", "body"}
 * Every answer built here carries X-Request-Id: fake-<n> (n counts answers from 1).
 * A request whose client went away before the answer was complete is logged once more as
 * {"event": "aborted", "path": ...}.
 * Paths and query values are kept as sent, %-encoding included.
 * The fault paths are for the resilience tests; the echo lets a test see exactly what the
 * server sent. It stops on SIGTERM/SIGINT, when stdin closes, or after --max-seconds.
 *
 * usage: fake_mist LOG_FILE [--max-seconds N]
 */
#define _GNU_SOURCE /* POLLRDHUP */
#include "demo/routes.h"
#include "demo/world.h"

#include <cjson/cJSON.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <microhttpd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FLAKY_MAX 256

typedef struct fake {
    const mm_demo_world *world; /* read only, by every connection's thread */
    FILE *log;
    pthread_mutex_t lock;
    struct {
        char *path;
        int seen;
    } flaky[FLAKY_MAX]; /* requests seen per flaky path */
} fake;

typedef struct request {
    char *body;
    size_t len;
    char *path;
    fake *f;
} request;

static void log_line(fake *f, const char *line)
{
    pthread_mutex_lock(&f->lock);
    fprintf(f->log, "%s\n", line);
    fflush(f->log);
    pthread_mutex_unlock(&f->lock);
}

static void log_event(fake *f, const char *event, const char *path)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "event", event);
    cJSON_AddStringToObject(e, "path", path);
    char *line = cJSON_PrintUnformatted(e);
    log_line(f, line);
    free(line);
    cJSON_Delete(e);
}

/* How many requests to path came before this one (flaky paths). */
static int flaky_seen(fake *f, const char *path)
{
    pthread_mutex_lock(&f->lock);
    int i = 0;
    while (i < FLAKY_MAX && f->flaky[i].path && strcmp(f->flaky[i].path, path) != 0)
        i++;
    int seen = 0;
    if (i < FLAKY_MAX) {
        if (!f->flaky[i].path)
            f->flaky[i].path = strdup(path);
        seen = f->flaky[i].seen++;
    }
    pthread_mutex_unlock(&f->lock);
    return seen;
}

/* 1 once the client closed its end of the connection. */
static int client_gone(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!ci)
        return 0;
    struct pollfd p = {.fd = ci->connect_fd, .events = POLLIN | POLLRDHUP};
    return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/* A streamed body of `left` bytes: a JSON array of equal strings. */
typedef struct huge {
    uint64_t size;
} huge;

static ssize_t huge_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    const huge *h = cls;
    if (pos >= h->size)
        return MHD_CONTENT_READER_END_OF_STREAM;
    size_t n = 0;
    for (; n < max && pos + n < h->size; n++) {
        uint64_t at = pos + n;
        buf[n] = at == 0                           ? '['
                 : at == h->size - 1               ? ']'
                 : (at % 64 == 63)                 ? ','
                 : (at % 64 == 0 || at % 64 == 62) ? '"'
                                                   : 'x';
    }
    return (ssize_t)n;
}

/* Numbers as Mist writes them that a double cannot carry or that a re-print would change: ids
 * and counters past 2^53, long decimals, exponents, trailing zeros, -0; pretty-printed, as
 * some endpoints answer. */
#define NUMBERS_OBJECT                                                                             \
    "{\n  \"id\": 1915883588174806058,\n  \"tx_bytes\": 12345678901234567,\n"                      \
    "  \"rx_bytes\": 18446744073709551615,\n  \"lat\": 37.29583312345678,\n"                       \
    "  \"ratio\": 1.50,\n  \"scale\": 1e3,\n  \"tiny\": 2.5e-7,\n  \"neg\": -0.0,\n"               \
    "  \"big\": -9223372036854775809,\n  \"list\": [9007199254740993, 0.30000000000000004],\n"     \
    "  \"name\": \"ap 12345678901234567\"\n}\n"
#define NUMBERS_ARRAY "[{\"id\":1915883588174806058,\"n\":1.0},{\"id\":1915883588174806059}]"
#define NUMBERS_SCALAR "12345678901234567"

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static enum MHD_Result add_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    cJSON_AddStringToObject(cls, key, value ? value : "");
    return MHD_YES;
}

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, cJSON *json,
                              const char *raw, int paged)
{
    char *text = json ? cJSON_PrintUnformatted(json) : strdup(raw ? raw : "");
    if (!text) {
        cJSON_Delete(json);
        return MHD_NO; /* out of memory: the connection is dropped */
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, "Content-Type", "application/json");
    static atomic_uint answered; /* X-Request-Id, as Mist names each answer: "fake-<n>" */
    char request_id[32];
    snprintf(request_id, sizeof request_id, "fake-%u", atomic_fetch_add(&answered, 1) + 1);
    MHD_add_response_header(r, "X-Request-Id", request_id);
    if (status == 429)
        MHD_add_response_header(r, "Retry-After", "1");
    if (paged) {
        MHD_add_response_header(r, "X-Page-Total", "250");
        MHD_add_response_header(r, "X-Page-Limit", "100");
        MHD_add_response_header(r, "X-Page-Page", "1");
    }
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    cJSON_Delete(json);
    return rc;
}

/* The pages-<total>[-<ms>] and searchpages-<total> answers (see the top of the file). */
static enum MHD_Result pages_answer(struct MHD_Connection *c, const char *url, const char *tail,
                                    int search)
{
    long total = atol(tail), ms = 0;
    const char *dash = strchr(tail, '-');
    if (dash && !search)
        ms = atol(dash + 1);
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
    long limit = v ? atol(v) : 100;
    v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, search ? "search_after" : "page");
    long first = search ? (v ? atol(v) : 0) : ((v ? atol(v) : 1) - 1) * limit;
    if (limit < 1 || limit > 1000 || first < 0 || total < 0 || total > 100000)
        return answer(c, 400, cJSON_Parse("{\"detail\":\"bad page\"}"), NULL, 0);
    struct timespec step = {0, 10000000};
    for (long waited = 0; waited < ms && waited < 30000 && !stopping; waited += 10) {
        if (client_gone(c))
            return MHD_NO;
        nanosleep(&step, NULL);
    }
    cJSON *items = cJSON_CreateArray();
    for (long i = first; i < total && i < first + limit; i++) {
        cJSON *it = cJSON_CreateObject();
        char name[32];
        snprintf(name, sizeof name, "item-%ld", i);
        cJSON_AddNumberToObject(it, "id", (double)i);
        cJSON_AddStringToObject(it, "name", name);
        cJSON_AddStringToObject(it, "note", "a\tb");
        cJSON_AddItemToArray(items, it);
    }
    if (!search) {
        char *text = cJSON_PrintUnformatted(items);
        cJSON_Delete(items);
        struct MHD_Response *r =
            MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
        MHD_add_response_header(r, "Content-Type", "application/json");
        char n[32];
        snprintf(n, sizeof n, "%ld", total);
        MHD_add_response_header(r, "X-Page-Total", n);
        snprintf(n, sizeof n, "%ld", limit);
        MHD_add_response_header(r, "X-Page-Limit", n);
        snprintf(n, sizeof n, "%ld", first / limit + 1);
        MHD_add_response_header(r, "X-Page-Page", n);
        enum MHD_Result rc = MHD_queue_response(c, 200, r);
        MHD_destroy_response(r);
        return rc;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "results", items);
    cJSON_AddNumberToObject(body, "limit", (double)limit);
    cJSON_AddNumberToObject(body, "total", (double)total);
    if (first + limit < total) {
        char next[512];
        snprintf(next, sizeof next, "%.*s?limit=%ld&search_after=%ld", (int)strcspn(url, "?"), url,
                 limit, first + limit);
        cJSON_AddStringToObject(body, "next", next);
    }
    return answer(c, 200, body, NULL, 0);
}

/* 1 if the demo cloud answers a GET of path: /api/v1/self, or a path with a segment that is
 * the demo org's id or one of its sites' ids. */
static int demo_path(const mm_demo_world *w, const char *path)
{
    if (strcmp(path, "/api/v1/self") == 0)
        return 1;
    for (const char *p = strchr(path, '/'); p; p = strchr(p + 1, '/')) {
        size_t n = strcspn(p + 1, "/");
        char seg[37];
        if (n != 36)
            continue;
        memcpy(seg, p + 1, n);
        seg[n] = '\0';
        if (strcmp(seg, w->org_id) == 0 || mm_demo_find_id(w->sites, seg))
            return 1;
    }
    return 0;
}

static const char *demo_query(void *ctx, const char *name)
{
    return MHD_lookup_connection_value(ctx, MHD_GET_ARGUMENT_KIND, name);
}

/* Answers a GET from the demo world (with the X-Page-* headers of a page). */
static enum MHD_Result demo_answer(const fake *f, struct MHD_Connection *c, const char *url)
{
    mm_demo_request rq = {.method = "GET", .path = url, .query = demo_query, .query_ctx = c};
    mm_demo_view v = {f->world, NULL, NULL}; /* no session changes: reads only */
    mm_demo_answer a = {0};
    mm_demo_route(&v, &rq, &a);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(a.body), a.body, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(r, "Content-Type",
                            a.content_type ? a.content_type : "application/json");
    if (a.page_limit > 0) {
        char n[32];
        snprintf(n, sizeof n, "%ld", a.page_total);
        MHD_add_response_header(r, "X-Page-Total", n);
        snprintf(n, sizeof n, "%ld", a.page_limit);
        MHD_add_response_header(r, "X-Page-Limit", n);
        snprintf(n, sizeof n, "%ld", a.page_page);
        MHD_add_response_header(r, "X-Page-Page", n);
    }
    enum MHD_Result rc = MHD_queue_response(c, (unsigned)a.status, r);
    MHD_destroy_response(r);
    return rc;
}

/* The text after "/<prefix>" when a path segment starts with prefix, else NULL. */
static const char *segment(const char *path, const char *prefix)
{
    size_t m = strlen(prefix);
    for (const char *p = strchr(path, '/'); p; p = strchr(p + 1, '/'))
        if (strncmp(p + 1, prefix, m) == 0)
            return p + 1 + m;
    return NULL;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
    (void)version;
    fake *f = cls;
    request *req = *state;
    if (!req) { /* first call: headers only */
        req = calloc(1, sizeof *req);
        req->path = strdup(url);
        req->f = f;
        *state = req;
        return MHD_YES;
    }
    if (*upload_size) {
        req->body = realloc(req->body, req->len + *upload_size + 1);
        memcpy(req->body + req->len, upload, *upload_size);
        req->len += *upload_size;
        req->body[req->len] = '\0';
        *upload_size = 0;
        return MHD_YES;
    }
    /* The whole request is in: record it. The raw URL keeps the encoding as sent. */
    cJSON *rec = cJSON_CreateObject();
    cJSON_AddStringToObject(rec, "method", method);
    cJSON_AddStringToObject(rec, "path", url);
    cJSON *query = cJSON_AddObjectToObject(rec, "query");
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_query, query);
    cJSON *headers = cJSON_AddObjectToObject(rec, "headers");
    static const char *const names[] = {"Authorization", "User-Agent", "Content-Type", "Accept"};
    for (int i = 0; i < 4; i++) {
        const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, names[i]);
        if (v)
            cJSON_AddStringToObject(headers, names[i], v);
    }
    cJSON_AddStringToObject(rec, "body", req->body ? req->body : "");
    char *line = cJSON_PrintUnformatted(rec);
    log_line(f, line);
    free(line);

    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    enum MHD_Result rc;
    const char *tail = segment(url, "slow-");
    if (tail) {
        long ms = atol(tail);
        struct timespec step = {0, 10000000};
        for (long waited = 0; waited < ms && waited < 30000 && !stopping; waited += 10) {
            if (client_gone(c)) {
                cJSON_Delete(rec);
                return MHD_NO; /* done() logs it as aborted */
            }
            nanosleep(&step, NULL);
        }
    }
    int flaky_fails = 0;
    char flaky_what[16] = "";
    if ((tail = segment(url, "flaky-")) != NULL) {
        int n = 0;
        if (sscanf(tail, "%15[a-wyz0-9]x%d", flaky_what, &n) == 2 && flaky_seen(f, url) < n)
            flaky_fails = 1;
    }
    if (!auth || strncmp(auth, "Token ", 6) != 0 || !auth[6]) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "detail", "Authentication credentials were not provided.");
        rc = answer(c, 401, e, NULL, 0);
    } else if (strcmp(auth + 6, "forbidden") == 0) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "detail", "You do not have permission to perform this action.");
        rc = answer(c, 403, e, NULL, 0);
    } else if (flaky_fails && strcmp(flaky_what, "reset") == 0) {
        rc = MHD_NO; /* closes the connection without an answer */
    } else if ((tail = segment(url, "status-")) != NULL || (flaky_fails && (tail = flaky_what))) {
        unsigned status = (unsigned)atoi(tail);
        cJSON *e = cJSON_CreateObject();
        char detail[64];
        snprintf(detail, sizeof detail, "injected %u", status);
        cJSON_AddStringToObject(e, "detail", detail);
        rc = answer(c, status >= 100 && status < 600 ? status : 500, e, NULL, 0);
    } else if ((tail = segment(url, "huge-")) != NULL) {
        huge *h = malloc(sizeof *h);
        h->size = (uint64_t)atol(tail) << 20;
        struct MHD_Response *r =
            MHD_create_response_from_callback(h->size, 64 * 1024, huge_read, h, free);
        MHD_add_response_header(r, "Content-Type", "application/json");
        rc = MHD_queue_response(c, 200, r);
        MHD_destroy_response(r);
    } else if ((tail = segment(url, "sized-")) != NULL) {
        size_t want = (size_t)atol(tail) * 1024, cap = want + 256, len = 1;
        if (want > (size_t)64 << 20)
            want = (size_t)64 << 20, cap = want + 256;
        char *body = malloc(cap);
        body[0] = '[';
        for (unsigned long i = 0; len < want; i++)
            len += (size_t)snprintf(body + len, cap - len,
                                    "%s{\"id\":%lu,\"name\":\"ap-%lu\",\"tx_bytes\":%llu,"
                                    "\"lat\":37.29583312345678,\"ok\":true}",
                                    i ? "," : "", 1915883588174806058UL + i, i,
                                    12345678901234567ULL + i);
        snprintf(body + len, cap - len, "]");
        rc = answer(c, 200, NULL, body, 0);
        free(body);
    } else if ((tail = segment(url, "lenient-")) != NULL) {
        const char *body = strncmp(tail, "ctl", 3) == 0 ? "{\"a\":\"line1\nline2\",\"t\":\"x\ty\","
                                                          "\"c\":\"\x01\"}"
                           : strncmp(tail, "bom", 3) == 0 ? "\xEF\xBB\xBF{\"a\":1}"
                           : strncmp(tail, "ff", 2) == 0  ? "{\f\"a\":\f1\f}\f"
                           : strncmp(tail, "numbers", 7) == 0
                               ? "{\"a\":01,\"b\":1.,\"c\":-.5,\"id\":1915883588174806058}"
                               : "{\f}";
        rc = answer(c, 200, NULL, body, strncmp(tail, "empty-paged", 11) == 0);
    } else if ((tail = segment(url, "numbers-")) != NULL) {
        const char *body = strncmp(tail, "array", 5) == 0    ? NUMBERS_ARRAY
                           : strncmp(tail, "scalar", 6) == 0 ? NUMBERS_SCALAR
                                                             : NUMBERS_OBJECT;
        rc = answer(c, 200, NULL, body, strncmp(tail, "paged-object", 12) == 0);
    } else if (segment(url, "garbage")) {
        rc = answer(c, 200, NULL, "<html>not json</html>", 0);
    } else if ((tail = segment(url, "pages-")) != NULL ||
               (tail = segment(url, "searchpages-")) != NULL) {
        rc = pages_answer(c, url, tail, segment(url, "searchpages-") != NULL);
    } else if (segment(url, "paged")) {
        rc = answer(c, 200, cJSON_Parse("[{\"id\":1},{\"id\":2}]"), NULL, 1);
    } else if (strcmp(method, "GET") == 0 && demo_path(f->world, url)) {
        rc = demo_answer(f, c, url);
    } else {
        cJSON *echo = cJSON_CreateObject();
        cJSON_AddStringToObject(echo, "method", method);
        cJSON_AddStringToObject(echo, "path", url);
        cJSON_AddItemToObject(echo, "query", cJSON_Duplicate(query, 1));
        cJSON_AddStringToObject(echo, "body", req->body ? req->body : "");
        rc = answer(c, 200, echo, NULL, 0);
    }
    cJSON_Delete(rec);
    return rc;
}

/* Keeps URLs as sent (no %-decoding), so tests see the exact encoding on the wire. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls, (void)c;
    return strlen(s);
}

static void done(void *cls, struct MHD_Connection *c, void **state,
                 enum MHD_RequestTerminationCode code)
{
    (void)cls, (void)c;
    request *req = *state;
    if (req) {
        if (code != MHD_REQUEST_TERMINATED_COMPLETED_OK && !stopping)
            log_event(req->f, "aborted", req->path);
        free(req->body);
        free(req->path);
        free(req);
    }
    *state = NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: fake_mist LOG_FILE [--max-seconds N]\n");
        return 2;
    }
    int max_seconds = 120;
    if (argc == 4 && strcmp(argv[2], "--max-seconds") == 0)
        max_seconds = atoi(argv[3]);
    static fake f; /* large: not on the stack */
    f.log = fopen(argv[1], "w");
    if (!f.log) {
        perror(argv[1]);
        return 1;
    }
    pthread_mutex_init(&f.lock, NULL);
    mm_demo_world *world = mm_demo_world_create();
    f.world = world;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* loopback only */
    addr.sin_port = 0;
    struct MHD_Daemon *d =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL,
                         NULL, handle, &f, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_NOTIFY_COMPLETED,
                         done, NULL, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
                         MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "fake_mist: cannot start the HTTP server\n");
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("PORT %u\n", info ? info->port : 0);
    fflush(stdout);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    time_t end = time(NULL) + max_seconds;
    while (!stopping && time(NULL) < end) {
        struct pollfd p = {.fd = 0, .events = POLLIN};
        if (poll(&p, 1, 200) > 0) {
            char buf[64];
            if (read(0, buf, sizeof buf) <= 0)
                break; /* the test went away */
        }
    }
    MHD_stop_daemon(d);
    fclose(f.log);
    for (int i = 0; i < FLAKY_MAX; i++)
        free(f.flaky[i].path);
    pthread_mutex_destroy(&f.lock);
    mm_demo_world_free(&world);
    return 0;
}
