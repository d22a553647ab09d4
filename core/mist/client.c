#define _DEFAULT_SOURCE /* explicit_bzero */
#include "mist/client.h"

#include "base/system_lib.h"
#include "base/util.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mm_mist_client {
    char *base_url;
    long connect_timeout_ms, timeout_ms;
    size_t max_body_bytes;
    char *user_agent;
};

struct mm_mist_conn {
    CURL *curl; /* created at the first request */
};

/* libcurl is loaded on the first Mist request, not at start-up: with OpenSSL and its other
 * dependencies it costs about 3 ms and 3 MB before the first byte of MCP, which a session
 * that only lists tools never needs. The table is written once (pthread_once) and read-only
 * afterwards: the only process-wide state of the client. */
static struct curl_api {
    CURLcode (*global_init)(long);
    void (*global_cleanup)(void);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_perform)(CURL *);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    void (*easy_reset)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} curl;
static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static char curl_error[300];

static void load_curl(void)
{
    const mm_system_symbol fns[] = {{"curl_global_init", (void **)&curl.global_init},
                                    {"curl_global_cleanup", (void **)&curl.global_cleanup},
                                    {"curl_easy_init", (void **)&curl.easy_init},
                                    {"curl_easy_setopt", (void **)&curl.easy_setopt},
                                    {"curl_easy_perform", (void **)&curl.easy_perform},
                                    {"curl_easy_getinfo", (void **)&curl.easy_getinfo},
                                    {"curl_easy_cleanup", (void **)&curl.easy_cleanup},
                                    {"curl_easy_reset", (void **)&curl.easy_reset},
                                    {"curl_easy_strerror", (void **)&curl.easy_strerror},
                                    {"curl_slist_append", (void **)&curl.slist_append},
                                    {"curl_slist_free_all", (void **)&curl.slist_free_all}};
    const mm_system_lib lib = {"libcurl.so.4", "libcurl", "libcurl4"};
    size_t n = sizeof fns / sizeof fns[0];
    if (mm_system_lib_load(&lib, fns, n, curl_error, sizeof curl_error) != 0)
        return;
    if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(curl_error, sizeof curl_error, "libcurl failed to initialise");
        memset(&curl, 0, sizeof curl);
    }
}

int mm_mist_global_init(void)
{
    return 0; /* nothing to do before the first request (see load_curl) */
}

void mm_mist_global_cleanup(void)
{
    if (curl.global_cleanup)
        curl.global_cleanup();
}

mm_mist_client *mm_mist_client_create(const mm_mist_options *o)
{
    mm_mist_client *c = mm_xcalloc(1, sizeof *c);
    c->base_url = mm_xstrdup(o->base_url);
    size_t n = strlen(c->base_url);
    while (n > 0 && c->base_url[n - 1] == '/')
        c->base_url[--n] = '\0';
    c->connect_timeout_ms = o->connect_timeout_ms;
    c->timeout_ms = o->timeout_ms;
    c->max_body_bytes = o->max_body_bytes;
    c->user_agent = mm_xstrdup(o->user_agent);
    return c;
}

void mm_mist_client_destroy(mm_mist_client **cp)
{
    mm_mist_client *c = *cp;
    if (!c)
        return;
    free(c->base_url);
    free(c->user_agent);
    free(c);
    *cp = NULL;
}

mm_mist_conn *mm_mist_conn_create(void)
{
    return mm_xcalloc(1, sizeof(mm_mist_conn));
}

void mm_mist_conn_destroy(mm_mist_conn **connp)
{
    mm_mist_conn *conn = *connp;
    if (!conn)
        return;
    if (conn->curl)
        curl.easy_cleanup(conn->curl);
    free(conn);
    *connp = NULL;
}

typedef struct transfer {
    mistmcp_response *r;
    size_t cap;
    size_t max;
    int too_big;
    const atomic_int *cancelled;
} transfer;

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    transfer *t = userdata;
    size_t n = size * nmemb;
    if (t->r->length + n > t->max) {
        t->too_big = 1;
        return 0; /* stops the transfer */
    }
    if (t->r->length + n + 1 > t->cap) {
        t->cap = (t->r->length + n + 1) * 2;
        if (t->cap > t->max + 1)
            t->cap = t->max + 1; /* never more than the bound, however the body grows */
        t->r->body = mm_xrealloc(t->r->body, t->cap);
    }
    memcpy(t->r->body + t->r->length, data, n);
    t->r->length += n;
    t->r->body[t->r->length] = '\0';
    return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
    transfer *t = userdata;
    size_t n = size * nmemb;
    if (n >= 7 && strncmp(data, "HTTP/", 5) == 0) {
        /* A new response (after a 100 Continue or a redirect): forget earlier headers. */
        for (size_t i = 0; i < t->r->header_count; i++)
            free(t->r->headers[i]);
        t->r->header_count = 0;
        return n;
    }
    size_t len = n;
    while (len > 0 && (data[len - 1] == '\r' || data[len - 1] == '\n'))
        len--;
    if (len == 0 || !memchr(data, ':', len) || t->r->header_count >= 256)
        return n;
    char *line = mm_xmalloc(len + 1);
    memcpy(line, data, len);
    line[len] = '\0';
    t->r->headers = mm_xrealloc(t->r->headers, (t->r->header_count + 1) * sizeof *t->r->headers);
    t->r->headers[t->r->header_count++] = line;
    return n;
}

static int on_progress(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    const transfer *t = userdata;
    return t->cancelled && atomic_load(t->cancelled) ? 1 : 0;
}

void mm_mist_response_free(mistmcp_response **rp)
{
    mistmcp_response *r = *rp;
    if (!r)
        return;
    free(r->body);
    for (size_t i = 0; i < r->header_count; i++)
        free(r->headers[i]);
    free(r->headers);
    free(r);
    *rp = NULL;
}

int mm_mist_send(const mm_mist_client *c, mm_mist_conn *conn, const char *token, const char *method,
                 const char *target, const char *body, const atomic_int *cancelled,
                 mistmcp_response **out, mm_net_fail *why, char *err, size_t err_size)
{
    *out = NULL;
    mm_net_fail fail_dummy;
    if (!why)
        why = &fail_dummy;
    *why = MM_NET_OTHER;
    if (!token || !*token)
        return mm_fail(err, err_size,
                       "no Mist API token is configured: set MIST_API_TOKEN (or use an env "
                       "file with --env-file)");
    pthread_once(&curl_once, load_curl);
    if (!curl.easy_init)
        return mm_fail(err, err_size, "%s", curl_error);
    if (!conn->curl && !(conn->curl = curl.easy_init()))
        return mm_fail(err, err_size, "libcurl could not create a handle");
    CURL *h = conn->curl;
    curl.easy_reset(h); /* keeps the connection cache */
    size_t url_len = strlen(c->base_url) + strlen(target) + 1;
    char *url = mm_xmalloc(url_len);
    snprintf(url, url_len, "%s%s", c->base_url, target);
    size_t auth_len = strlen(token) + 32;
    char *auth = mm_xmalloc(auth_len);
    snprintf(auth, auth_len, "Authorization: Token %s", token);
    struct curl_slist *headers = NULL;
    headers = curl.slist_append(headers, auth);
    headers = curl.slist_append(headers, "Accept: application/json");
    if (body)
        headers = curl.slist_append(headers, "Content-Type: application/json");
    headers = curl.slist_append(headers, "Expect:"); /* no 100-continue round trip */

    mistmcp_response *r = mm_xcalloc(1, sizeof *r);
    transfer t = {.r = r, .max = c->max_body_bytes, .cancelled = cancelled};
    curl.easy_setopt(h, CURLOPT_URL, url);
    curl.easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "GET") == 0)
        curl.easy_setopt(h, CURLOPT_HTTPGET, 1L);
    if (body) {
        curl.easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    } else if (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0) {
        curl.easy_setopt(h, CURLOPT_POSTFIELDS, "");
    }
    curl.easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl.easy_setopt(h, CURLOPT_USERAGENT, c->user_agent);
    curl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http");
    curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
    curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl.easy_setopt(h, CURLOPT_WRITEDATA, &t);
    curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl.easy_setopt(h, CURLOPT_HEADERDATA, &t);
    curl.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl.easy_setopt(h, CURLOPT_XFERINFODATA, &t);
    curl.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    CURLcode rc = curl.easy_perform(h);
    curl.slist_free_all(headers);
    explicit_bzero(auth, auth_len); /* the token does not linger in freed memory */
    free(auth);
    int ret = 0;
    if (rc == CURLE_OK) {
        *why = MM_NET_OK;
        curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
        if (!r->body)
            r->body = mm_xstrdup("");
        *out = r;
    } else {
        *why = t.too_big                         ? MM_NET_TOO_BIG
               : rc == CURLE_ABORTED_BY_CALLBACK ? MM_NET_CANCELLED
               : rc == CURLE_OPERATION_TIMEDOUT  ? MM_NET_TIMEOUT
               : rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_CONNECT ||
                       rc == CURLE_COULDNT_RESOLVE_PROXY
                   ? MM_NET_NOT_SENT
               : rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR ? MM_NET_TLS
               : rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING ||
                       rc == CURLE_PARTIAL_FILE
                   ? MM_NET_BROKEN
                   : MM_NET_OTHER;
        if (t.too_big)
            mm_fail(err, err_size,
                    "the Mist answer was larger than %zu bytes and was stopped: narrow the query "
                    "(filters, a shorter time window, a smaller limit)",
                    c->max_body_bytes);
        else if (rc == CURLE_ABORTED_BY_CALLBACK)
            mm_fail(err, err_size, "the request was cancelled");
        else if (rc == CURLE_OPERATION_TIMEDOUT)
            mm_fail(err, err_size,
                    "Mist did not answer %s %s within %ld ms: try again, or "
                    "narrow the query",
                    method, target, c->timeout_ms);
        else if (rc == CURLE_COULDNT_RESOLVE_HOST)
            mm_fail(err, err_size,
                    "cannot resolve the Mist host of %s: check MIST_HOST and the "
                    "network",
                    c->base_url);
        else if (rc == CURLE_COULDNT_CONNECT)
            mm_fail(err, err_size, "cannot connect to %s: check MIST_HOST and the network",
                    c->base_url);
        else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR)
            mm_fail(err, err_size, "TLS with %s failed (%s): check the system's CA certificates",
                    c->base_url, curl.easy_strerror(rc));
        else if (*why == MM_NET_BROKEN)
            mm_fail(err, err_size,
                    "the connection to Mist broke during %s %s (%s): try again in a moment", method,
                    target, curl.easy_strerror(rc));
        else
            mm_fail(err, err_size, "the request to Mist failed: %s", curl.easy_strerror(rc));
        mm_mist_response_free(&r);
        ret = -1;
    }
    free(url);
    return ret;
}
