#define _GNU_SOURCE /* pipe2 */
#include "transport/http_server.h"

#include "base/json_exact.h"
#include "base/stop_signal.h"
#include "base/util.h"
#include "mcp/protocol.h"
#include "transport/http_internal.h"
#include "transport/outbox.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

/* Connections cost a socket and a little memory each, no thread: MHD's few polling threads
 * serve them all (epoll), and calls run on the workers. */
#define CONNECTION_LIMIT 8192
#define POLL_THREADS 2
#define WORKERS 64 /* calls at once (each waits for Mist); more wait their turn */
#define IDLE_TIMEOUT_S 30

typedef mm_http_ctx http_ctx;

void mm_sse_set_message(mm_sse_pending *p, char *msg)
{
    size_t n = strlen(msg) + 32;
    p->text = mm_xmalloc(n);
    p->len = (size_t)snprintf(p->text, n, "event: message\ndata: %s\n\n", msg);
    p->off = 0;
    free(msg);
}

void mm_sse_set_keepalive(mm_sse_pending *p)
{
    p->text = mm_xstrdup(": keep-alive\n\n");
    p->len = strlen(p->text);
    p->off = 0;
}

ssize_t mm_sse_copy(mm_sse_pending *p, char *buf, size_t max)
{
    size_t n = p->len - p->off;
    if (n > max)
        n = max;
    memcpy(buf, p->text + p->off, n);
    p->off += n;
    if (p->off == p->len) {
        free(p->text);
        p->text = NULL;
    }
    return (ssize_t)n;
}

/* One GET /mcp event stream: holds its session entry until the client goes away. */
typedef struct event_stream {
    http_ctx *h;
    mm_http_conn *k;
    mm_session_entry *entry;
    mm_outbox *outbox;
    unsigned generation; /* this stream's; a newer stream of the session replaces it */
    int armed;
    long long last_sent_ms;
    long wake_after_ms;
    mm_sse_pending pending;
} event_stream;

/* The session outbox's waker (under its lock). The stream's connection is alive while the
 * waker is attached: stream_done detaches it first. */
static void stream_wake(void *ctx)
{
    event_stream *es = ctx;
    mm_http_wake(es->h, &es->k, NULL, NULL);
}

static void stream_arm(void *ctx)
{
    event_stream *es = ctx;
    es->armed = mm_http_park_arm(es->h, es->k, es->wake_after_ms, NULL, NULL);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    event_stream *es = cls;
    while (!es->pending.text) {
        if (atomic_load(&es->h->stopping) || mm_session_entry_removed(es->h->store, es->entry) ||
            !mm_outbox_current(es->outbox, es->generation))
            return MHD_CONTENT_READER_END_OF_STREAM;
        long quiet = (long)(mm_now_ms() - es->last_sent_ms);
        if (quiet >= MM_HTTP_KEEPALIVE_MS) {
            char *msg = mm_outbox_pop(es->outbox, 0, NULL);
            if (msg) {
                mm_sse_set_message(&es->pending, msg);
            } else {
                mm_sse_set_keepalive(&es->pending);
                /* An open stream keeps its session alive, in Redis too (a round trip every
                 * 15 s of silence; the session may end there, which ends this stream). */
                mm_session_store_keepalive(es->h->store, es->entry);
            }
            break;
        }
        /* Woken at least every second: a removed session or a newer stream ends this one. */
        es->wake_after_ms =
            quiet + 1000 > MM_HTTP_KEEPALIVE_MS ? MM_HTTP_KEEPALIVE_MS - quiet : 1000;
        es->armed = 0;
        char *msg = mm_outbox_pop_or_arm(es->outbox, NULL, stream_arm, es);
        if (msg) {
            mm_sse_set_message(&es->pending, msg);
        } else if (es->armed) {
            mm_http_suspend(es->h, es->k);
            return 0;
        } else {
            return MHD_CONTENT_READER_END_OF_STREAM; /* stopping */
        }
    }
    es->last_sent_ms = mm_now_ms();
    ssize_t n = mm_sse_copy(&es->pending, buf, max);
    mm_http_access_sent(es->k, (size_t)n);
    return n;
}

static void stream_done(void *cls)
{
    event_stream *es = cls;
    mm_outbox_detach(es->outbox, es->generation);
    mm_session_store_put(es->h->store, es->entry);
    free(es->pending.text);
    free(es);
}

static enum MHD_Result handle_get(http_ctx *h, struct MHD_Connection *c, mm_http_conn *k)
{
    const char *accept = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Accept");
    if (!accept || !strstr(accept, "text/event-stream"))
        return mm_http_rpc_error(h, c, MHD_HTTP_NOT_ACCEPTABLE, NULL, MM_INVALID_REQUEST,
                                 "GET /mcp is the event stream: send Accept: text/event-stream");
    const char *token = mm_http_request_token(h, c);
    const char *given = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Mcp-Session-Id");
    if (!token)
        return mm_http_rpc_error(h, c, MHD_HTTP_UNAUTHORIZED, NULL, MM_INVALID_REQUEST,
                                 "no Mist API token: send it in the X-Authorization header");
    if (!given)
        return mm_http_rpc_error(h, c, MHD_HTTP_BAD_REQUEST, NULL, MM_INVALID_REQUEST,
                                 "missing Mcp-Session-Id header: initialize first");
    mm_lookup out;
    mm_session_entry *e = mm_session_store_get(h->store, given, token, &out);
    if (!e)
        return mm_http_lookup_error(h, c, out);
    mm_outbox *o = mm_http_session_outbox(mm_session_entry_session(e));
    event_stream *es = mm_xcalloc(1, sizeof *es);
    es->h = h;
    es->k = k;
    es->entry = e;
    es->outbox = o;
    es->last_sent_ms = mm_now_ms();
    /* A reconnecting client replaces its old stream (which is woken, and ends). */
    es->generation = mm_outbox_attach(o, stream_wake, es);
    struct MHD_Response *r =
        h->mhd->create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, es, stream_done);
    if (!r) {
        stream_done(es);
        return MHD_NO;
    }
    mm_http_event_stream_headers(h, r);
    return mm_http_queue(h, c, MHD_HTTP_OK, r, 0, NULL);
}

void mm_http_add_headers(const mm_http_ctx *h, struct MHD_Response *r)
{
    for (size_t i = 0; i < h->srv->cfg->headers.count; i++) {
        const char *line = h->srv->cfg->headers.items[i];
        const char *colon = strchr(line, ':');
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(colon - line), line);
        const char *value = colon + 1;
        while (*value == ' ')
            value++;
        h->mhd->add_response_header(r, name, value);
    }
}

void mm_http_event_stream_headers(const mm_http_ctx *h, struct MHD_Response *r)
{
    const mm_mhd_api *mhd = h->mhd;
    mhd->add_response_header(r, "Content-Type", "text/event-stream");
    mhd->add_response_header(r, "Cache-Control", "no-cache");
    /* nginx passes each event on as it comes, whatever its proxy_buffering says. */
    mhd->add_response_header(r, "X-Accel-Buffering", "no");
}

enum MHD_Result mm_http_queue(mm_http_ctx *h, struct MHD_Connection *c, unsigned status,
                              struct MHD_Response *r, size_t body_bytes, const char *session)
{
    mm_http_add_headers(h, r); /* the operator's --header lines on every answer */
    enum MHD_Result rc = h->mhd->queue_response(c, status, r);
    h->mhd->destroy_response(r);
    if (rc == MHD_YES)
        mm_http_access_answer(mm_http_conn_of(h, c), status, body_bytes, session);
    return rc;
}

enum MHD_Result mm_http_reply(mm_http_ctx *h, struct MHD_Connection *c, unsigned status,
                              const char *content_type, const char *body, const char *session)
{
    size_t len = body ? strlen(body) : 0;
    struct MHD_Response *r =
        h->mhd->create_response_from_buffer(len, (void *)(body ? body : ""), MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO; /* out of memory in libmicrohttpd: the connection is closed */
    if (content_type)
        h->mhd->add_response_header(r, "Content-Type", content_type);
    if (session)
        h->mhd->add_response_header(r, "Mcp-Session-Id", session);
    return mm_http_queue(h, c, status, r, len, session);
}

enum MHD_Result mm_http_rpc_error(mm_http_ctx *h, struct MHD_Connection *c, unsigned status,
                                  const cJSON *id, int code, const char *message)
{
    cJSON *e = mm_protocol_error(id, code, message);
    char *text = mm_json_wire_text(e);
    enum MHD_Result rc = mm_http_reply(h, c, status, "application/json", text, NULL);
    free(text);
    return rc;
}

enum MHD_Result mm_http_lookup_error(mm_http_ctx *h, struct MHD_Connection *c, mm_lookup outcome)
{
    return mm_http_rpc_error(h, c, mm_lookup_status(outcome), NULL, MM_INVALID_REQUEST,
                             mm_lookup_message(outcome));
}

const char *mm_http_request_token(const mm_http_ctx *h, struct MHD_Connection *c)
{
    const char *t = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "X-Authorization");
    if (t && *t)
        return t;
    t = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (t && strncasecmp(t, "Bearer ", 7) == 0 && t[7])
        return t + 7;
    if (t && strncasecmp(t, "Token ", 6) == 0 && t[6])
        return t + 6;
    /* Without a token: the demo needs none (each such session gets a Mist token of its own,
     * http_post.c), and tests may run anonymous (see mm_config). */
    return h->srv->cfg->http_anonymous || h->srv->cfg->demo ? "" : NULL;
}

int mm_http_call_begin(mm_http_ctx *h)
{
    pthread_mutex_lock(&h->calls_lock);
    int ok = !atomic_load(&h->stopping);
    h->calls_running += (unsigned)ok;
    pthread_mutex_unlock(&h->calls_lock);
    return ok;
}

void mm_http_call_end(mm_http_ctx *h)
{
    pthread_mutex_lock(&h->calls_lock);
    if (--h->calls_running == 0)
        pthread_cond_broadcast(&h->calls_idle);
    pthread_mutex_unlock(&h->calls_lock); /* the last use of h by a worker's call */
}

void mm_http_wait_calls(mm_http_ctx *h)
{
    pthread_mutex_lock(&h->calls_lock);
    while (h->calls_running)
        pthread_cond_wait(&h->calls_idle, &h->calls_lock);
    pthread_mutex_unlock(&h->calls_lock);
}

/* 1 if c came in on a loopback address of a server that listens on loopback and other
 * addresses (a --host name with both): the Host guard holds there as on a loopback-only
 * server. 0 otherwise, and for "every address" (0.0.0.0, ::), which is no loopback one. */
static int reached_on_loopback(const mm_http_ctx *h, struct MHD_Connection *c)
{
    if (!h->some_loopback)
        return 0;
    const union MHD_ConnectionInfo *i =
        h->mhd->get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    struct sockaddr_storage a;
    socklen_t n = sizeof a;
    if (!i || getsockname(i->connect_fd, (struct sockaddr *)&a, &n) != 0)
        return 1; /* unknown: guarded */
    return mm_http_listen_is_loopback(&a);
}

/* DNS-rebinding guards of the MCP transport spec: a browser's Origin must be a loopback one
 * or one allowed with --allow-origin; bound to loopback (or once --allow-host names any), the
 * Host header must name loopback or an --allow-host name (a rebinding page's requests carry
 * its own host name). NULL when fine, else why not (in why). */
static const char *refused_origin(const mm_http_ctx *h, struct MHD_Connection *c, char *why,
                                  size_t why_size)
{
    const mm_config *cfg = h->srv->cfg;
    const char *origin = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    if (origin) {
        int ok = 0;
        for (size_t i = 0; i < cfg->origins.count && !ok; i++)
            ok = strcasecmp(cfg->origins.items[i], origin) == 0;
        const char *sep = strstr(origin, "://");
        if (!ok && sep &&
            (strncmp(origin, "http://", 7) == 0 || strncmp(origin, "https://", 8) == 0))
            ok = mm_host_is_loopback(sep + 3);
        if (!ok)
            return "Origin not allowed (start mistmcp with --allow-origin to allow it)";
    }
    const char *host = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Host");
    char name[101];
    if (host && (h->loopback_only || cfg->allowed_hosts.count || reached_on_loopback(h, c)) &&
        !mm_config_host_allowed(cfg, host, name, sizeof name)) {
        snprintf(why, why_size,
                 "Host '%s' not allowed: this server answers only to localhost names and to the "
                 "names given with --allow-host (behind a reverse proxy that passes this name "
                 "on, start mistmcp with --allow-host %s)",
                 name, name);
        return why;
    }
    return NULL;
}

/* Framing a request may not have (RFC 9112 section 6.3: a message with two different
 * Content-Length values, or with both Transfer-Encoding and Content-Length, is one a proxy and
 * this server could read differently: request smuggling). */
typedef struct framing {
    const char *length;
    int lengths_differ, chunked, other_coding;
} framing;

/* Notes one header line's part in the framing. */
static void note_framing(framing *f, const char *key, const char *value)
{
    if (strcasecmp(key, "Content-Length") == 0) {
        if (f->length && strcmp(f->length, value) != 0)
            f->lengths_differ = 1;
        f->length = value;
    } else if (strcasecmp(key, "Transfer-Encoding") == 0) {
        /* Only a single "chunked" is read right (RFC 9112 section 6.1): libmicrohttpd 0.9.75
         * reads any other coding's body until the connection closes. */
        const char *v = value ? value : "";
        while (*v == ' ' || *v == '\t')
            v++;
        size_t n = strlen(v);
        while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
            n--;
        if (f->chunked || n != 7 || strncasecmp(v, "chunked", 7) != 0)
            f->other_coding = 1;
        f->chunked = 1;
    }
}

/* Why the framing noted is refused, or NULL. */
static const char *framing_problem(const framing *fr)
{
    if (fr->lengths_differ)
        return "two different Content-Length headers";
    if (fr->length && fr->chunked)
        return "both Content-Length and Transfer-Encoding";
    if (fr->other_coding)
        return "a Transfer-Encoding other than one \"chunked\"";
    return NULL;
}

/* Header fields and query parameters as RFC 9110 section 5 allows them: a name of token
 * characters, a value without NUL or other control characters (tab aside); query values, once
 * decoded, valid UTF-8 without control characters. libmicrohttpd 0.9.75 passes them on, and a
 * NUL would cut a value short where C reads it (a token, a session id, a Host). */
typedef struct field_check {
    const char *problem;
    framing framing; /* noted in the same pass over the headers */
} field_check;

static int utf8_text(const char *v, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)v[i];
        if (c < 0x20 || c == 0x7f)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t want = mm_utf8_seq_len_within((const unsigned char *)v + i, n - i);
        if (want == 0)
            return 0;
        i += want;
    }
    return 1;
}

static enum MHD_Result check_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    field_check *f = cls;
    if (kind == MHD_HEADER_KIND) {
        for (size_t i = 0; i < key_size; i++)
            if (!isalnum((unsigned char)key[i]) && !strchr("!#$%&'*+-.^_`|~", key[i])) {
                f->problem = "a header name holds a character a field name may not";
                return MHD_NO;
            }
        for (size_t i = 0; value && i < value_size; i++)
            if (((unsigned char)value[i] < 0x20 && value[i] != '\t') || value[i] == 0x7f) {
                f->problem = "a header value holds a NUL or another control character";
                return MHD_NO;
            }
        note_framing(&f->framing, key, value ? value : "");
    } else if (memchr(key, '\0', key_size) || !utf8_text(key, key_size) ||
               (value && !utf8_text(value, value_size))) {
        f->problem = "a query parameter is not text (a NUL, a control character or bytes that are "
                     "not UTF-8)";
        return MHD_NO;
    }
    return MHD_YES;
}

/* One pass over the headers (and one over the query): what no field may hold, then what the
 * framing may not be. */
static void check_fields(const http_ctx *h, struct MHD_Connection *c, field_check *f)
{
    h->mhd->get_connection_values_n(c, MHD_HEADER_KIND, check_field, f);
    if (!f->problem)
        h->mhd->get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, check_field, f);
}

/* The checks made on the headers alone, before any body is read: NULL, or an answer was
 * queued (*rc). */
static int refuse_early(http_ctx *h, struct MHD_Connection *c, int mcp, const char *method,
                        enum MHD_Result *rc)
{
    field_check fields = {0};
    check_fields(h, c, &fields);
    if (fields.problem) {
        *rc =
            mm_http_rpc_error(h, c, MHD_HTTP_BAD_REQUEST, NULL, MM_INVALID_REQUEST, fields.problem);
        return 1;
    }
    char guard[400];
    const char *refusal = refused_origin(h, c, guard, sizeof guard);
    if (refusal) {
        *rc = mm_http_rpc_error(h, c, MHD_HTTP_FORBIDDEN, NULL, MM_INVALID_REQUEST, refusal);
        return 1;
    }
    const char *framing = framing_problem(&fields.framing);
    if (framing) {
        char text[160];
        snprintf(text, sizeof text, "the request's framing is ambiguous: %s", framing);
        *rc = mm_http_rpc_error(h, c, MHD_HTTP_BAD_REQUEST, NULL, MM_INVALID_REQUEST, text);
        return 1;
    }
    const char *length = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (length && strtoull(length, NULL, 10) > MM_HTTP_MAX_BODY) {
        *rc = mm_http_rpc_error(h, c, MHD_HTTP_CONTENT_TOO_LARGE, NULL, MM_INVALID_REQUEST,
                                "request body too large: 4 MiB at most");
        return 1;
    }
    if (!mcp)
        return 0;
    const char *token = mm_http_request_token(h, c);
    if (strcmp(method, "POST") == 0 && !token) {
        *rc = mm_http_rpc_error(h, c, MHD_HTTP_UNAUTHORIZED, NULL, MM_INVALID_REQUEST,
                                "no Mist API token: send it in the X-Authorization header (or "
                                "Authorization: Bearer <token>)");
        return 1;
    }
    /* Before anything is stored or sent on: a control byte would go raw into Mist's
     * Authorization header, a long token costs every later token comparison. */
    const char *why = token && *token ? mm_token_problem(token) : NULL;
    if (why) {
        char text[160];
        snprintf(text, sizeof text, "the Mist API token is not valid: %s", why);
        *rc = mm_http_rpc_error(h, c, MHD_HTTP_BAD_REQUEST, NULL, MM_INVALID_REQUEST, text);
        return 1;
    }
    /* A session's requests speak its legacy version. Without a session, any other version
     * takes the modern path, which answers it once the body (and its id) is read. */
    if (strcmp(method, "POST") == 0 &&
        h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Mcp-Session-Id")) {
        const char *version =
            h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "MCP-Protocol-Version");
        if (version && strcmp(version, "2025-11-25") != 0 && strcmp(version, "2025-06-18") != 0 &&
            strcmp(version, "2025-03-26") != 0 && strcmp(version, "2024-11-05") != 0) {
            *rc = mm_http_rpc_error(h, c, MHD_HTTP_BAD_REQUEST, NULL, MM_INVALID_REQUEST,
                                    "unsupported MCP-Protocol-Version");
            return 1;
        }
    }
    return 0;
}

/* What MHD keeps for a request between calls of the handler: whether it was seen, and a
 * POST's state. */
typedef struct request_state {
    int post;
    void *post_state;
} request_state;

/* What a request's path names, under --base-path. */
typedef enum route { ROUTE_NONE = 0, ROUTE_MCP, ROUTE_HEALTHZ, ROUTE_METRICS } route;

static route route_of(const mm_config *cfg, const char *url)
{
    const char *base = cfg->base_path ? cfg->base_path : "";
    size_t n = strlen(base);
    if (strncmp(url, base, n) != 0)
        return ROUTE_NONE;
    const char *rest = url + n;
    if (strcmp(rest, "/mcp") == 0 || strcmp(rest, "/mcp/") == 0)
        return ROUTE_MCP;
    if (strcmp(rest, "/healthz") == 0)
        return ROUTE_HEALTHZ;
    return strcmp(rest, "/metrics") == 0 ? ROUTE_METRICS : ROUTE_NONE;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *data_size, void **state)
{
    (void)version;
    http_ctx *h = cls;
    route where = route_of(h->srv->cfg, url);
    int mcp = where == ROUTE_MCP;
    mm_http_conn *k = mm_http_conn_of(h, c);
    if (!k)
        return MHD_NO; /* MHD reports every connection before its first request */
    request_state *rs = *state;
    if (!rs) {
        /* The first call, on the headers alone: decided before any body is buffered (MHD
         * then discards the body). Every path is guarded (/metrics too). */
        rs = mm_xcalloc(1, sizeof *rs);
        *state = rs;
        mm_http_conn_request_began(h, k);
        mm_http_access_begin(h, c, k, method, url);
        enum MHD_Result rc;
        if (refuse_early(h, c, mcp, method, &rc))
            return rc;
        rs->post = mcp && strcmp(method, "POST") == 0;
    }
    if (rs->post)
        return mm_http_post(h, c, k, &rs->post_state, data, data_size);
    if (strcmp(method, "DELETE") == 0 && mcp) {
        const char *given = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Mcp-Session-Id");
        const char *token = mm_http_request_token(h, c);
        if (!given)
            return mm_http_rpc_error(h, c, MHD_HTTP_BAD_REQUEST, NULL, MM_INVALID_REQUEST,
                                     "missing Mcp-Session-Id header");
        mm_lookup out = mm_session_store_remove(h->store, given, token ? token : "");
        return out == MM_LOOKUP_OK ? mm_http_reply(h, c, MHD_HTTP_OK, NULL, NULL, NULL)
                                   : mm_http_lookup_error(h, c, out);
    }
    if (strcmp(method, "GET") == 0 && mcp)
        return handle_get(h, c, k);
    if (mcp) {
        struct MHD_Response *r = h->mhd->create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
        if (!r)
            return MHD_NO;
        h->mhd->add_response_header(r, "Allow", "GET, POST, DELETE");
        return mm_http_queue(h, c, MHD_HTTP_METHOD_NOT_ALLOWED, r, 0, NULL);
    }
    if (where == ROUTE_METRICS && strcmp(method, "GET") == 0 && h->srv->metrics)
        return mm_http_metrics(h, c);
    if (where == ROUTE_HEALTHZ && strcmp(method, "GET") == 0)
        return mm_http_healthz(h, c);
    /* A proxy that keeps (or strips) a path prefix shows here: say where the endpoint is. */
    const char *base = h->srv->cfg->base_path ? h->srv->cfg->base_path : "";
    size_t n = strlen(base);
    char text[400];
    if (strncmp(url, base, n) == 0 && strncmp(url + n, "/mcp/", 5) == 0)
        /* the Python server's README showed /mcp/tools?... */
        snprintf(text, sizeof text,
                 "not found: MCP is served at %s/mcp alone, as JSON-RPC 2.0 over POST "
                 "(initialize, then tools/list and tools/call); the README's \"Try it with "
                 "curl\" shows each step\n",
                 base);
    else if (*base)
        snprintf(text, sizeof text, "not found: the MCP endpoint is %s/mcp (--base-path %s)\n",
                 base, base);
    else
        snprintf(text, sizeof text,
                 "not found: the MCP endpoint is /mcp (behind a proxy that keeps a path prefix, "
                 "start mistmcp with --base-path PREFIX)\n");
    return mm_http_reply(h, c, MHD_HTTP_NOT_FOUND, "text/plain", text, NULL);
}

static void completed(void *cls, struct MHD_Connection *c, void **state,
                      enum MHD_RequestTerminationCode code)
{
    http_ctx *h = cls;
    request_state *rs = *state;
    if (rs) {
        mm_http_post_completed(h, rs->post_state);
        free(rs);
    }
    *state = NULL;
    mm_http_conn *k = mm_http_conn_of(h, c);
    if (k) {
        mm_http_access_end(k, code);
        mm_http_conn_request_ended(h, k);
    }
}

/* Sockets: one per connection and a few more; raise the soft limit to the hard one. Returns
 * the connections that fit. */
static unsigned connection_limit(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) != 0)
        return 256;
    if (r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
        getrlimit(RLIMIT_NOFILE, &r);
    }
    rlim_t room = r.rlim_cur > 256 ? r.rlim_cur - 128 : r.rlim_cur / 2; /* plugins, curl, logs */
    return room < CONNECTION_LIMIT ? (unsigned)room : CONNECTION_LIMIT;
}

/* What a running HTTP server owns. */
struct mm_http_instance {
    http_ctx h;
    struct MHD_Daemon *d;
};

/* Sets up everything but the daemon. */
static void ctx_init(http_ctx *h, const mm_server *srv, const mm_mhd_api *mhd)
{
    const mm_config *cfg = srv->cfg;
    *h = (http_ctx){.srv = srv,
                    .mhd = mhd,
                    .store = mm_session_store_create(cfg->max_sessions, cfg->session_idle_ms),
                    .per_address = mm_hash_map_create()};
    /* Sessions that proved nothing (Mist has not accepted their token) cannot take the
     * table: a quarter of it in all, a 16th of that per client address, and they end after
     * 5 idle minutes. */
    size_t unproven = cfg->max_sessions / 4 ? cfg->max_sessions / 4 : 1;
    mm_session_limits limits = {.per_token = 100,
                                .unproven = unproven,
                                .unproven_per_client = unproven / 16 ? unproven / 16 : 1,
                                .unproven_idle_ms =
                                    cfg->session_idle_ms < 300000 ? cfg->session_idle_ms : 300000};
    mm_session_store_set_limits(h->store, &limits);
    if (srv->shared_sessions) { /* replicas share sessions through Redis */
        mm_session_store_share_with(h->store, srv->shared_sessions, mm_http_session_rebuild, h);
        char err[300];
        if (mm_shared_listen(srv->shared_sessions, mm_http_session_published, h, err, sizeof err) !=
            0)
            fprintf(stderr, "mistmcp: session store: notifications stay on this replica: %s\n",
                    err);
    }
    /* A fixed threshold: blocks past 256 KiB (large bodies and answers) are mapped and go back
     * to the system when freed; glibc's default threshold grows with the largest block freed,
     * and one 4 MiB body would keep every later one in the heap. */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    pthread_mutex_init(&h->conns_lock, NULL);
    pthread_mutex_init(&h->pin_lock, NULL);
    pthread_mutex_init(&h->lanes_lock, NULL);
    h->lanes = mm_hash_map_create();
    pthread_mutex_init(&h->calls_lock, NULL);
    pthread_cond_init(&h->calls_idle, NULL);
    h->workers = mm_work_pool_create(WORKERS, mm_http_worker_state, mm_http_worker_state_free);
    h->loopback_only = mm_host_is_loopback(cfg->host); /* serving sets it from the addresses */
}

/* Stops the n daemons of d (n may be 0) the way MHD requires (no connection parked), then
 * frees h's parts. Streams end, calls are cancelled and their answers go out (503 for those
 * cut short). */
static void ctx_shutdown(http_ctx *h, struct MHD_Daemon *const *d, size_t n)
{
    if (n > 0) {
        atomic_store(&h->stopping, 1);
        mm_session_store_cancel_all(h->store);
        mm_http_conn_tick(h, 1);
        mm_http_wait_calls(h);
        /* Parked connections are woken; subscriptions/listen streams send their graceful end
         * (http_subscribe.c) and close. A second at most. */
        for (int i = 0; i < 100 && (mm_http_conn_tick(h, 1),
                                    mm_http_parked_count(h) || atomic_load(&h->listening));
             i++)
            usleep(10000);
        for (size_t i = 0; i < n; i++)
            h->mhd->stop_daemon(d[i]);
    }
    mm_work_pool_destroy(&h->workers);
    if (h->srv->shared_sessions) /* before the store it delivers into goes */
        mm_shared_unlisten(h->srv->shared_sessions);
    mm_hash_map_destroy(&h->lanes); /* empty: every call ended */
    pthread_mutex_destroy(&h->lanes_lock);
    mm_session_store_destroy(&h->store);
    mm_http_stateless_free(h); /* no request runs any more */
    pthread_mutex_destroy(&h->pin_lock);
    mm_hash_map_destroy(&h->per_address);
    pthread_cond_destroy(&h->calls_idle);
    pthread_mutex_destroy(&h->calls_lock);
    pthread_mutex_destroy(&h->conns_lock);
}

static struct MHD_Daemon *daemon_start(http_ctx *h, unsigned flags, unsigned threads,
                                       unsigned limit, int port,
                                       const struct sockaddr_storage *addr)
{
    sigset_t block, old_mask; /* MHD's threads and the workers leave the signals to this one */
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old_mask);
    struct MHD_Daemon *d =
        addr ? h->mhd->start_daemon(
                   flags, (uint16_t)port, NULL, NULL, handle, h, MHD_OPTION_SOCK_ADDR, addr,
                   MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT, limit,
                   MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
                   MHD_OPTION_NOTIFY_COMPLETED, completed, h, MHD_OPTION_NOTIFY_CONNECTION,
                   mm_http_conn_notify, h, MHD_OPTION_END)
             : h->mhd->start_daemon(flags, 0, NULL, NULL, handle, h, MHD_OPTION_CONNECTION_LIMIT,
                                    limit, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)IDLE_TIMEOUT_S,
                                    MHD_OPTION_NOTIFY_COMPLETED, completed, h,
                                    MHD_OPTION_NOTIFY_CONNECTION, mm_http_conn_notify, h,
                                    MHD_OPTION_END);
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    return d;
}

mm_http_instance *mm_http_instance_start(const mm_server *srv, char *err, size_t err_size)
{
    const mm_mhd_api *mhd = mm_mhd_load(err, err_size);
    if (!mhd)
        return NULL;
    mm_http_instance *in = mm_xcalloc(1, sizeof *in);
    ctx_init(&in->h, srv, mhd);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME |
                     MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC;
    in->d = daemon_start(&in->h, flags, 1, connection_limit(), 0, NULL);
    if (!in->d) {
        mm_fail(err, err_size, "libmicrohttpd did not start: %s", strerror(errno));
        ctx_shutdown(&in->h, NULL, 0);
        free(in);
        return NULL;
    }
    return in;
}

int mm_http_instance_add(mm_http_instance *in, int fd)
{
    struct sockaddr_in peer = {.sin_family = AF_INET, .sin_port = htons(40000)};
    peer.sin_addr.s_addr = htonl(0x7f000001);
    return in->h.mhd->add_connection(in->d, fd, (const struct sockaddr *)&peer, sizeof peer) ==
                   MHD_YES
               ? 0
               : -1;
}

void mm_http_instance_tick(mm_http_instance *in)
{
    mm_http_conn_tick(&in->h, 0);
    mm_session_store_expire(in->h.store, mm_now_ms());
}

void mm_http_instance_stop(mm_http_instance **inp)
{
    mm_http_instance *in = *inp;
    if (!in)
        return;
    ctx_shutdown(&in->h, &in->d, 1);
    free(in);
    *inp = NULL;
}

/* What a newcomer needs to connect a client to a demo server at host:port (stderr). */
static void print_demo_hints(const char *hostport, const char *base_path)
{
    char url[400];
    snprintf(url, sizeof url, "http://%s%s/mcp", hostport, base_path ? base_path : "");
    fprintf(stderr,
            "\nThe demo is ready: an MCP server at %s answering from a simulated Mist\n"
            "org (no account or token needed). Connect a client:\n"
            "  Claude Code:    claude mcp add --transport http mist-demo %s\n"
            "  VS Code:        .vscode/mcp.json {\"servers\": {\"mist-demo\": {\"type\": \"http\", "
            "\"url\": \"%s\"}}}\n"
            "  Claude Desktop: {\"mcpServers\": {\"mist-demo\": {\"command\": \"npx\", \"args\": "
            "[\"mcp-remote\", \"%s\"]}}}\n"
            "  MCP Inspector:  npx @modelcontextprotocol/inspector, transport Streamable HTTP, "
            "URL above\n"
            "Check it from another terminal: curl -s http://%s%s/healthz\n"
            "Then ask: \"Show me access points that are offline\". Stop with Ctrl-C.\n\n",
            url, url, url, url, hostport, base_path ? base_path : "");
}

int mm_http_serve(const mm_server *srv)
{
    const mm_config *cfg = srv->cfg;
    char err[300];
    mm_http_listen at;
    if (mm_http_listen_resolve(cfg->host, cfg->port, &at, err, sizeof err) != 0) {
        fprintf(stderr, "mistmcp: %s\n", err);
        return 2;
    }
    if (cfg->http_anonymous && !at.loopback_only) {
        fputs("mistmcp: MISTMCP_HTTP_ANONYMOUS is for tests on a loopback address only\n", stderr);
        return 2;
    }
    const mm_mhd_api *mhd = mm_mhd_load(err, sizeof err);
    if (!mhd) {
        fprintf(stderr, "mistmcp: %s\n", err);
        return 1;
    }
    int wake_fd = mm_stop_signal_install();
    if (wake_fd < 0)
        return 1;
    http_ctx h;
    ctx_init(&h, srv, mhd);
    h.loopback_only = at.loopback_only;
    h.some_loopback = at.some_loopback;
    /* One daemon per address, sharing the polling threads and the connection limit. */
    struct MHD_Daemon *d[MM_HTTP_MAX_LISTEN];
    size_t n = 0, first = 0;
    unsigned threads = POLL_THREADS / at.count ? POLL_THREADS / (unsigned)at.count : 1;
    unsigned limit = connection_limit() / (unsigned)at.count;
    char where[MM_HTTP_MAX_LISTEN * 64] = "", name[64];
    int rc = 0;
    for (size_t i = 0; i < at.count && rc == 0; i++) {
        unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME |
                         MHD_USE_ERROR_LOG;
        if (at.addr[i].ss_family == AF_INET6) /* :: takes IPv4 too, as "every address" */
            flags |= mm_http_listen_any6(&at.addr[i]) ? MHD_USE_DUAL_STACK : MHD_USE_IPv6;
        mm_http_listen_name(&at.addr[i], name, sizeof name);
        struct MHD_Daemon *one = daemon_start(&h, flags, threads, limit, cfg->port, &at.addr[i]);
        if (one) {
            if (n == 0)
                first = i;
            d[n++] = one;
            size_t used = strlen(where);
            snprintf(where + used, sizeof where - used, "%shttp://%s%s/mcp", used ? ", " : "", name,
                     cfg->base_path ? cfg->base_path : "");
        } else if (!at.literal && at.count > 1 &&
                   (errno == EADDRNOTAVAIL || errno == EAFNOSUPPORT)) {
            /* a name's address this machine does not have (::1 with IPv6 off): the others do */
            fprintf(stderr, "mistmcp: --host '%s': not listening on %s: %s\n", cfg->host, name,
                    strerror(errno));
        } else {
            fprintf(stderr, "mistmcp: cannot listen on %s (--host '%s', --port %d): %s\n", name,
                    cfg->host, cfg->port, strerror(errno));
            rc = 1;
        }
    }
    if (rc == 0 && n == 0) {
        fprintf(stderr, "mistmcp: --host '%s': none of its addresses can be listened on\n",
                cfg->host);
        rc = 1;
    }
    if (rc == 0) {
        fprintf(stderr, "mistmcp: listening on %s\n", where);
        if (!cfg->metrics_token && !h.loopback_only)
            fprintf(stderr,
                    "mistmcp: warning: %s/metrics is open to anyone who can reach port %d "
                    "(set MISTMCP_METRICS_TOKEN to require a bearer token)\n",
                    cfg->base_path ? cfg->base_path : "", cfg->port);
        if (cfg->demo && n > 0) { /* a client on this machine reaches "every address" here */
            mm_http_listen_name(&at.addr[first], name, sizeof name);
            const char *port = strrchr(name, ':');
            char local[64];
            if (strncmp(name, "0.0.0.0:", 8) == 0 || strncmp(name, "[::]:", 5) == 0)
                snprintf(local, sizeof local, "127.0.0.1%s", port);
            else
                snprintf(local, sizeof local, "%s", name);
            print_demo_hints(local, cfg->base_path);
        }
        long long last_expiry = mm_now_ms();
        while (!mm_stop_signal_requested()) {
            struct pollfd p = {.fd = wake_fd, .events = POLLIN};
            poll(&p, 1, 500);
            mm_http_conn_tick(&h, 0);
            if (mm_now_ms() - last_expiry >= 1000) {
                mm_session_store_expire(h.store, mm_now_ms());
                last_expiry = mm_now_ms();
            }
        }
    }
    ctx_shutdown(&h, d, n);
    mm_stop_signal_release();
    return rc;
}
