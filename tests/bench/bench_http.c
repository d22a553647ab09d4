#define _POSIX_C_SOURCE 200809L
#include "bench_http.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SEEN_MAX 64

typedef struct buffer {
    char *data;
    size_t len, cap;
} buffer;

struct bh_session {
    char *url;
    CURL *post;
    struct curl_slist *headers; /* with Mcp-Session-Id once known */
    char sid[128];
    buffer body;
    /* GET stream */
    pthread_t reader;
    int reading;
    CURL *get;
    pthread_mutex_t lock;
    pthread_cond_t arrived;
    buffer events;
    long seen[SEEN_MAX]; /* ids answered on the stream (a ring) */
    size_t seen_next;
    volatile int stop;
};

int bh_has_id(const char *text, long id)
{
    char key[40];
    int n = snprintf(key, sizeof key, "\"id\":%ld", id);
    for (const char *p = strstr(text, key); p; p = strstr(p + 1, key))
        if (p[n] == ',' || p[n] == '}')
            return 1;
    return 0;
}

static size_t to_buffer(char *p, size_t size, size_t n, void *u)
{
    buffer *b = u;
    size_t add = size * n;
    if (b->len + add + 1 > b->cap) {
        b->cap = (b->len + add + 1) * 2;
        b->data = realloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, p, add);
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

static size_t header_line(char *p, size_t size, size_t n, void *u)
{
    bh_session *s = u;
    size_t len = size * n;
    if (len > 16 && strncasecmp(p, "mcp-session-id:", 15) == 0) {
        const char *v = p + 15;
        while (*v == ' ')
            v++;
        size_t k = strcspn(v, "\r\n");
        snprintf(s->sid, sizeof s->sid, "%.*s", (int)k, v);
    }
    return len;
}

/* The stream's events: records each answered id. */
static size_t on_events(char *p, size_t size, size_t n, void *u)
{
    bh_session *s = u;
    size_t got = to_buffer(p, size, n, &s->events);
    char *end;
    while ((end = strstr(s->events.data, "\n\n")) != NULL) {
        *end = '\0';
        const char *id = strstr(s->events.data, "\"id\":");
        if (id) {
            pthread_mutex_lock(&s->lock);
            s->seen[s->seen_next++ % SEEN_MAX] = strtol(id + 5, NULL, 10);
            pthread_cond_broadcast(&s->arrived);
            pthread_mutex_unlock(&s->lock);
        }
        size_t used = (size_t)(end + 2 - s->events.data);
        memmove(s->events.data, end + 2, s->events.len - used + 1);
        s->events.len -= used;
    }
    return got;
}

static int keep_reading(void *u, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    (void)a, (void)b, (void)c, (void)d;
    return ((bh_session *)u)->stop;
}

static void *read_stream(void *p)
{
    bh_session *s = p;
    curl_easy_perform(s->get);
    return NULL;
}

/* Each session claims its own client address, as clients behind a reverse proxy do (mistmcp
 * runs with --trusted-proxy 127.0.0.1 here): sessions of tokens Mist has not accepted are
 * limited per client address, and the idle sessions' tokens are never used. */
static struct curl_slist *base_headers(const char *token)
{
    static atomic_uint clients;
    unsigned n = atomic_fetch_add(&clients, 1);
    char line[300];
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    h = curl_slist_append(h, "Accept: application/json, text/event-stream");
    snprintf(line, sizeof line, "X-Authorization: %s", token);
    h = curl_slist_append(h, line);
    snprintf(line, sizeof line, "X-Forwarded-For: 10.%u.%u.%u", (n >> 16) & 255, (n >> 8) & 255,
             n & 255);
    h = curl_slist_append(h, line);
    return h;
}

static long post(bh_session *s, const char *json)
{
    s->body.len = 0;
    if (s->body.data)
        s->body.data[0] = '\0';
    curl_easy_setopt(s->post, CURLOPT_POSTFIELDS, json);
    if (curl_easy_perform(s->post) != CURLE_OK)
        return -1;
    long status = 0;
    curl_easy_getinfo(s->post, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

bh_session *bh_open(const char *url, const char *token, int get_stream)
{
    bh_session *s = calloc(1, sizeof *s);
    s->url = strdup(url);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->arrived, NULL);
    s->headers = base_headers(token);
    s->post = curl_easy_init();
    curl_easy_setopt(s->post, CURLOPT_URL, url);
    curl_easy_setopt(s->post, CURLOPT_HTTPHEADER, s->headers);
    curl_easy_setopt(s->post, CURLOPT_WRITEFUNCTION, to_buffer);
    curl_easy_setopt(s->post, CURLOPT_WRITEDATA, &s->body);
    curl_easy_setopt(s->post, CURLOPT_HEADERFUNCTION, header_line);
    curl_easy_setopt(s->post, CURLOPT_HEADERDATA, s);
    curl_easy_setopt(s->post, CURLOPT_TIMEOUT, 30L);
    long st = post(s, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                      "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{"
                      "\"name\":\"bench\",\"version\":\"1\"}}}");
    if (st != 200 || !s->sid[0]) {
        fprintf(stderr, "bench: initialize at %s: HTTP %ld, session id '%s'\n", url, st, s->sid);
        bh_close(&s);
        return NULL;
    }
    char line[200];
    snprintf(line, sizeof line, "Mcp-Session-Id: %s", s->sid);
    s->headers = curl_slist_append(s->headers, line);
    snprintf(line, sizeof line, "Authorization: Token %s", token);
    s->headers = curl_slist_append(s->headers, line);
    curl_easy_setopt(s->post, CURLOPT_HTTPHEADER, s->headers);
    curl_easy_setopt(s->post, CURLOPT_HEADERFUNCTION, NULL);
    curl_easy_setopt(s->post, CURLOPT_HEADERDATA, NULL);
    post(s, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    if (get_stream) {
        s->get = curl_easy_init();
        curl_easy_setopt(s->get, CURLOPT_URL, url);
        curl_easy_setopt(s->get, CURLOPT_HTTPHEADER, s->headers);
        curl_easy_setopt(s->get, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(s->get, CURLOPT_WRITEFUNCTION, on_events);
        curl_easy_setopt(s->get, CURLOPT_WRITEDATA, s);
        curl_easy_setopt(s->get, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(s->get, CURLOPT_XFERINFOFUNCTION, keep_reading);
        curl_easy_setopt(s->get, CURLOPT_XFERINFODATA, s);
        s->reading = pthread_create(&s->reader, NULL, read_stream, s) == 0;
        struct timespec pause = {0, 50 * 1000000L}; /* let the stream attach */
        nanosleep(&pause, NULL);
    }
    return s;
}

static struct curl_slist *modern_headers(struct curl_slist *h, const char *method, const char *name)
{
    char line[300];
    h = curl_slist_append(h, "MCP-Protocol-Version: 2026-07-28");
    snprintf(line, sizeof line, "Mcp-Method: %s", method);
    h = curl_slist_append(h, line);
    if (name) {
        snprintf(line, sizeof line, "Mcp-Name: %s", name);
        h = curl_slist_append(h, line);
    }
    return h;
}

size_t bh_modern_header_bytes(const char *method, const char *name)
{
    struct curl_slist *h = modern_headers(NULL, method, name);
    size_t n = 0;
    for (const struct curl_slist *l = h; l; l = l->next)
        n += strlen(l->data) + 2;
    curl_slist_free_all(h);
    return n;
}

bh_session *bh_open_modern(const char *url, const char *token, const char *method, const char *name)
{
    bh_session *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->url = strdup(url);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->arrived, NULL);
    s->headers = modern_headers(base_headers(token), method, name);
    s->post = curl_easy_init();
    curl_easy_setopt(s->post, CURLOPT_URL, url);
    curl_easy_setopt(s->post, CURLOPT_HTTPHEADER, s->headers);
    curl_easy_setopt(s->post, CURLOPT_WRITEFUNCTION, to_buffer);
    curl_easy_setopt(s->post, CURLOPT_WRITEDATA, &s->body);
    curl_easy_setopt(s->post, CURLOPT_TIMEOUT, 30L);
    return s;
}

static int seen(bh_session *s, long id)
{
    for (size_t i = 0; i < SEEN_MAX; i++)
        if (s->seen[i] == id)
            return 1;
    return 0;
}

long bh_request(bh_session *s, const char *request, long id)
{
    long st = post(s, request);
    if (st == 200 && s->body.data && bh_has_id(s->body.data, id))
        return (long)s->body.len;
    if (st != 202 || !s->reading)
        return -1;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 20;
    pthread_mutex_lock(&s->lock);
    int ok = 1;
    while (!seen(s, id) && ok)
        ok = pthread_cond_timedwait(&s->arrived, &s->lock, &until) == 0;
    ok = seen(s, id);
    pthread_mutex_unlock(&s->lock);
    return ok ? 1 : -1;
}

void bh_stop(bh_session *s)
{
    s->stop = 1;
}

void bh_close(bh_session **sp)
{
    bh_session *s = *sp;
    if (!s)
        return;
    if (s->reading) {
        s->stop = 1;
        pthread_join(s->reader, NULL);
    }
    if (s->get)
        curl_easy_cleanup(s->get);
    curl_easy_cleanup(s->post);
    curl_slist_free_all(s->headers);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->arrived);
    free(s->body.data);
    free(s->events.data);
    free(s->url);
    free(s);
    *sp = NULL;
}

size_t bh_idle_sessions(const char *url, size_t count)
{
    size_t made = 0;
    for (size_t i = 0; i < count; i++) {
        char token[64];
        snprintf(token, sizeof token, "idle-%zu", i);
        bh_session *s = bh_open(url, token, 0);
        if (!s)
            break;
        bh_close(&s); /* the client goes; the server keeps the session until it expires */
        made++;
    }
    return made;
}
