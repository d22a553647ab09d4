#define _GNU_SOURCE /* pipe2 */
#include "transport/http_server.h"

#include "base/json_exact.h"
#include "base/metrics.h"
#include "base/stop_signal.h"
#include "base/util.h"
#include "mcp/protocol.h"
#include "registry/registry.h"
#include "transport/http_internal.h"
#include "transport/outbox.h"

#include <arpa/inet.h>
#include <errno.h>
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
#include <unistd.h>

#define MAX_BODY (4u << 20)
/* A thread per connection: bound them, in all and per client address (slow clients). */
#define CONNECTION_LIMIT 1024
#define PER_IP_LIMIT 512 /* all clients behind one reverse proxy share an address */

typedef mm_http_ctx http_ctx;

#define OUTBOX_MAX 256

typedef struct upload {
    char *data;
    size_t len;
    int too_big;
} upload;

static void free_conn(void *p)
{
    mm_mist_conn *c = p;
    mm_mist_conn_destroy(&c);
}

mm_mist_conn *mm_http_thread_conn(mm_http_ctx *h)
{
    mm_mist_conn *c = pthread_getspecific(h->conn_key);
    if (!c) {
        c = mm_mist_conn_create();
        pthread_setspecific(h->conn_key, c);
    }
    return c;
}

mm_mist_conn *mm_http_take_conn(mm_http_ctx *h)
{
    mm_mist_conn *c = mm_http_thread_conn(h);
    pthread_setspecific(h->conn_key, NULL);
    return c;
}

void mm_http_give_conn(mm_http_ctx *h, mm_mist_conn *conn)
{
    if (!conn)
        return;
    if (pthread_getspecific(h->conn_key))
        mm_mist_conn_destroy(&conn);
    else
        pthread_setspecific(h->conn_key, conn);
}

static enum MHD_Result rpc_error(http_ctx *h, struct MHD_Connection *c, unsigned status,
                                 const cJSON *id, int code, const char *message);
static const char *request_token(const http_ctx *h, struct MHD_Connection *c);

/* A session's messages to its client wait in its outbox for the GET event stream. */
static void to_outbox(void *ctx, const char *line)
{
    mm_outbox_push(ctx, line);
}

static void free_outbox(void *ctx)
{
    mm_outbox *o = ctx;
    mm_outbox_destroy(&o);
}

/* One GET /mcp event stream: holds its session entry until the client goes away. */
typedef struct event_stream {
    http_ctx *h;
    mm_session_entry *entry;
    mm_outbox *outbox;
    unsigned generation; /* this stream's; a newer stream of the session replaces it */
    mm_sse_pending pending;
} event_stream;

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

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    event_stream *es = cls;
    for (int waited = 0; !es->pending.text;) {
        if (atomic_load(&es->h->stopping) || mm_session_entry_removed(es->h->store, es->entry) ||
            !mm_outbox_current(es->outbox, es->generation))
            return MHD_CONTENT_READER_END_OF_STREAM;
        char *msg = mm_outbox_pop(es->outbox, 1000, NULL);
        if (msg)
            mm_sse_set_message(&es->pending, msg);
        else if ((waited += 1000) >= MM_HTTP_KEEPALIVE_MS)
            mm_sse_set_keepalive(&es->pending);
    }
    return mm_sse_copy(&es->pending, buf, max);
}

static void stream_done(void *cls)
{
    event_stream *es = cls;
    mm_session_store_put(es->h->store, es->entry);
    free(es->pending.text);
    free(es);
}

static enum MHD_Result handle_get(http_ctx *h, struct MHD_Connection *c)
{
    const char *accept = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Accept");
    if (!accept || !strstr(accept, "text/event-stream"))
        return rpc_error(h, c, MHD_HTTP_NOT_ACCEPTABLE, NULL, MM_INVALID_REQUEST,
                         "GET /mcp is the event stream: send Accept: text/event-stream");
    const char *token = request_token(h, c);
    const char *given = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Mcp-Session-Id");
    if (!token)
        return rpc_error(h, c, MHD_HTTP_UNAUTHORIZED, NULL, MM_INVALID_REQUEST,
                         "no Mist API token: send it in the X-Authorization header");
    if (!given)
        return rpc_error(h, c, MHD_HTTP_BAD_REQUEST, NULL, MM_INVALID_REQUEST,
                         "missing Mcp-Session-Id header: initialize first");
    mm_lookup out;
    mm_session_entry *e = mm_session_store_get(h->store, given, token, &out);
    if (!e)
        return rpc_error(h, c, out, NULL, MM_INVALID_REQUEST,
                         out == MM_LOOKUP_FORBIDDEN ? "this session belongs to another token"
                                                    : "unknown or expired session");
    mm_outbox *o = mm_session_entry_session(e)->send_ctx;
    event_stream *es = mm_xcalloc(1, sizeof *es);
    es->h = h;
    es->entry = e;
    es->outbox = o;
    es->generation = mm_outbox_attach(o); /* a reconnecting client replaces its old stream */
    struct MHD_Response *r =
        h->mhd->create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, es, stream_done);
    if (!r) {
        stream_done(es);
        return MHD_NO;
    }
    h->mhd->add_response_header(r, "Content-Type", "text/event-stream");
    h->mhd->add_response_header(r, "Cache-Control", "no-cache");
    mm_http_add_headers(h, r); /* the operator's --header lines on every answer */
    enum MHD_Result rc = h->mhd->queue_response(c, MHD_HTTP_OK, r);
    h->mhd->destroy_response(r);
    return rc;
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

enum MHD_Result mm_http_reply(mm_http_ctx *h, struct MHD_Connection *c, unsigned status,
                              const char *content_type, const char *body, const char *session)
{
    struct MHD_Response *r = h->mhd->create_response_from_buffer(
        body ? strlen(body) : 0, (void *)(body ? body : ""), MHD_RESPMEM_MUST_COPY);
    if (content_type)
        h->mhd->add_response_header(r, "Content-Type", content_type);
    if (session)
        h->mhd->add_response_header(r, "Mcp-Session-Id", session);
    mm_http_add_headers(h, r);
    enum MHD_Result rc = h->mhd->queue_response(c, status, r);
    h->mhd->destroy_response(r);
    return rc;
}

/* A JSON-RPC error as an HTTP answer. */
static enum MHD_Result rpc_error(http_ctx *h, struct MHD_Connection *c, unsigned status,
                                 const cJSON *id, int code, const char *message)
{
    cJSON *e = mm_protocol_error(id, code, message);
    char *text = mm_json_wire_text(e);
    enum MHD_Result rc = mm_http_reply(h, c, status, "application/json", text, NULL);
    free(text);
    return rc;
}

/* The token of a request: X-Authorization: <token>, or Authorization: Bearer|Token <token>. */
static const char *request_token(const http_ctx *h, struct MHD_Connection *c)
{
    const char *t = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "X-Authorization");
    if (t && *t)
        return t;
    t = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (t && strncasecmp(t, "Bearer ", 7) == 0 && t[7])
        return t + 7;
    if (t && strncasecmp(t, "Token ", 6) == 0 && t[6])
        return t + 6;
    return h->srv->cfg->http_anonymous ? "" : NULL; /* tests only: see mm_config */
}

/* Creates the session of an initialize request from its query and headers. Returns the entry
 * (with a use reference), or NULL after answering the error. */
static mm_session_entry *create_session(http_ctx *h, struct MHD_Connection *c, const char *token,
                                        const cJSON *id, char sid[MM_SESSION_ID_LEN + 1],
                                        enum MHD_Result *answered)
{
    const mm_config *cfg = h->srv->cfg;
    char msg[1200];
    const char *cloud = h->mhd->lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "cloud");
    if (!cloud)
        cloud = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "X-Mist-Cloud");
    if (!cloud || !*cloud)
        cloud = cfg->cloud;
    if (!mm_config_cloud_allowed(cfg, cloud)) {
        size_t used = (size_t)snprintf(
            msg, sizeof msg, "cloud '%.100s' is not one of the allowed Mist clouds:", cloud);
        for (size_t i = 0; i < cfg->clouds.count && used < sizeof msg; i++)
            used += (size_t)snprintf(msg + used, sizeof msg - used, "%s%s", i ? ", " : " ",
                                     cfg->clouds.items[i]);
        *answered = rpc_error(h, c, MHD_HTTP_BAD_REQUEST, id, MM_INVALID_PARAMS, msg);
        return NULL;
    }
    mm_mode mode = cfg->mode;
    const char *m = h->mhd->lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "mode");
    if (m) {
        int found = 0;
        for (int i = 0; i < 4; i++)
            if (strcmp(m, mm_mode_name((mm_mode)i)) == 0)
                mode = (mm_mode)i, found = 1;
        if (!found) {
            snprintf(msg, sizeof msg,
                     "mode '%.60s' is not valid: expected minimal, managed, all or custom", m);
            *answered = rpc_error(h, c, MHD_HTTP_BAD_REQUEST, id, MM_INVALID_PARAMS, msg);
            return NULL;
        }
    }
    mm_strlist cats = {0};
    const char *q = h->mhd->lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "categories");
    if (q)
        mm_strlist_split(&cats, q, ',');
    else if (mode == cfg->mode)
        for (size_t i = 0; i < cfg->categories.count; i++)
            mm_strlist_add(&cats, cfg->categories.items[i]);
    for (size_t i = 0; i < cats.count; i++)
        if (!mm_registry_find(h->srv->registry, cats.items[i])) {
            snprintf(msg, sizeof msg, "unknown category '%.100s' in categories", cats.items[i]);
            mm_strlist_free(&cats);
            *answered = rpc_error(h, c, MHD_HTTP_BAD_REQUEST, id, MM_INVALID_PARAMS, msg);
            return NULL;
        }
    char err[512];
    mm_outbox *outbox = mm_outbox_create(OUTBOX_MAX);
    mm_session *s = mm_session_create(h->srv, mode, (const char *const *)cats.items, cats.count,
                                      token, cfg->org_id, to_outbox, outbox, err, sizeof err);
    mm_strlist_free(&cats);
    if (!s) {
        mm_outbox_destroy(&outbox);
        *answered = rpc_error(h, c, MHD_HTTP_INTERNAL_SERVER_ERROR, id, MM_INTERNAL_ERROR, err);
        return NULL;
    }
    s->on_destroy = free_outbox;
    char base[300];
    snprintf(base, sizeof base, cfg->api_base_url ? "%s" : "https://%s",
             cfg->api_base_url ? cfg->api_base_url : cloud);
    mm_mist_options mo = {.base_url = base,
                          .connect_timeout_ms = cfg->connect_timeout_ms,
                          .timeout_ms = cfg->timeout_ms,
                          .max_body_bytes = cfg->max_response_bytes,
                          .user_agent = "mistmcp/" MISTMCP_VERSION};
    s->mist = mm_mist_client_create(&mo);
    mm_session_entry *e = mm_session_store_add(h->store, s, token, sid, err, sizeof err);
    if (!e) {
        mm_session_destroy(&s);
        *answered = rpc_error(h, c, MHD_HTTP_SERVICE_UNAVAILABLE, id, MM_INTERNAL_ERROR, err);
    }
    return e;
}

/* DNS-rebinding guards of the MCP transport spec: a browser's Origin must be a loopback one
 * or one allowed with --allow-origin; bound to loopback, the Host header must name loopback
 * (a rebinding page's requests carry its own host name). NULL when fine, else why not. */
static const char *refused_origin(const http_ctx *h, struct MHD_Connection *c)
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
    if (mm_host_is_loopback(cfg->host) && host && !mm_host_is_loopback(host))
        return "Host not allowed: this server answers only to localhost names";
    return NULL;
}

static int is_initialize(const cJSON *msg)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(msg, "method");
    return cJSON_IsString(m) && strcmp(m->valuestring, "initialize") == 0;
}

static enum MHD_Result handle_post(http_ctx *h, struct MHD_Connection *c, upload *u)
{
    if (u->too_big)
        return rpc_error(h, c, MHD_HTTP_CONTENT_TOO_LARGE, NULL, MM_INVALID_REQUEST,
                         "request body too large: 4 MiB at most");
    const char *token = request_token(h, c);
    if (!token)
        return rpc_error(h, c, MHD_HTTP_UNAUTHORIZED, NULL, MM_INVALID_REQUEST,
                         "no Mist API token: send it in the X-Authorization header (or "
                         "Authorization: Bearer <token>)");
    const char *version =
        h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "MCP-Protocol-Version");
    if (version && strcmp(version, "2025-11-25") != 0 && strcmp(version, "2025-06-18") != 0 &&
        strcmp(version, "2025-03-26") != 0 && strcmp(version, "2024-11-05") != 0)
        return rpc_error(h, c, MHD_HTTP_BAD_REQUEST, NULL, MM_INVALID_REQUEST,
                         "unsupported MCP-Protocol-Version");
    cJSON *msg = u->data ? mm_json_parse_exact(u->data, u->len, NULL) : NULL;
    if (!msg)
        return rpc_error(h, c, MHD_HTTP_BAD_REQUEST, NULL, MM_PARSE_ERROR,
                         "parse error: the body is not valid JSON");
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
    char sid[MM_SESSION_ID_LEN + 1] = "";
    mm_session_entry *e = NULL;
    enum MHD_Result answered = MHD_YES;
    if (cJSON_IsObject(msg) && is_initialize(msg) && !id) {
        answered = rpc_error(h, c, MHD_HTTP_BAD_REQUEST, NULL, MM_INVALID_REQUEST,
                             "initialize must be a request (with an id)");
    } else if (cJSON_IsObject(msg) && is_initialize(msg)) {
        e = create_session(h, c, token, id, sid, &answered);
    } else {
        const char *given = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Mcp-Session-Id");
        if (!given) {
            answered = rpc_error(h, c, MHD_HTTP_BAD_REQUEST, id, MM_INVALID_REQUEST,
                                 "missing Mcp-Session-Id header: initialize first");
        } else {
            mm_lookup out;
            e = mm_session_store_get(h->store, given, token, &out);
            if (!e)
                answered = rpc_error(h, c, out, id, MM_INVALID_REQUEST,
                                     out == MM_LOOKUP_FORBIDDEN
                                         ? "this session belongs to another token"
                                         : "unknown or expired session: initialize again");
        }
    }
    if (!e) {
        cJSON_Delete(msg);
        return answered;
    }
    mm_session *s = mm_session_entry_session(e);
    const char *accept = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Accept");
    if (accept && strstr(accept, "text/event-stream") && mm_protocol_may_notify(s, msg))
        return mm_http_post_streamed(h, c, e, msg);
    cJSON *out = cJSON_IsArray(msg) ? mm_protocol_handle_batch(s, mm_http_thread_conn(h), msg)
                                    : mm_protocol_handle(s, mm_http_thread_conn(h), msg, NULL);
    mm_session_store_put(h->store, e);
    if (!out && id && atomic_load(&h->stopping)) { /* a request cut short by the shutdown */
        enum MHD_Result rc = rpc_error(h, c, MHD_HTTP_SERVICE_UNAVAILABLE, id, MM_INTERNAL_ERROR,
                                       "the server is shutting down: send the request again");
        cJSON_Delete(msg);
        return rc;
    }
    cJSON_Delete(msg);
    if (!out)
        return mm_http_reply(h, c, MHD_HTTP_ACCEPTED, NULL, NULL, sid[0] ? sid : NULL);
    char *text = mm_json_wire_text(out);
    enum MHD_Result rc = mm_http_reply(h, c, text ? MHD_HTTP_OK : MHD_HTTP_ACCEPTED,
                                       text ? "application/json" : NULL, text, sid[0] ? sid : NULL);
    free(text);
    return rc;
}

/* GET /metrics: the counters, with the gauges read from the store and the registry now. */
static char *metrics_text(http_ctx *h)
{
    mm_registry *reg = h->srv->registry;
    size_t n = mm_registry_count(reg);
    unsigned *refs = mm_xcalloc(n + 1, sizeof *refs);
    for (size_t i = 0; i < n; i++)
        refs[i] = mm_registry_refs(reg, mm_registry_at(reg, i));
    mm_metrics_gauges g = {.sessions = mm_session_store_count(h->store),
                           .plugins_loaded = mm_registry_loaded_count(reg),
                           .plugin_refs = refs};
    char *text = mm_metrics_render(h->srv->metrics, &g);
    free(refs);
    return text;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *data_size, void **state)
{
    (void)version;
    http_ctx *h = cls;
    int mcp = strcmp(url, "/mcp") == 0 || strcmp(url, "/mcp/") == 0;
    /* Decided from the headers, on the first call, before any body is buffered: MHD then
     * discards the body. Every path is guarded (/metrics too). */
    if (!*state) {
        const char *refusal = refused_origin(h, c);
        if (refusal)
            return rpc_error(h, c, MHD_HTTP_FORBIDDEN, NULL, MM_INVALID_REQUEST, refusal);
        const char *length = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (length && strtoull(length, NULL, 10) > MAX_BODY)
            return rpc_error(h, c, MHD_HTTP_CONTENT_TOO_LARGE, NULL, MM_INVALID_REQUEST,
                             "request body too large: 4 MiB at most");
        if (mcp && strcmp(method, "POST") == 0 && !request_token(h, c))
            return rpc_error(h, c, MHD_HTTP_UNAUTHORIZED, NULL, MM_INVALID_REQUEST,
                             "no Mist API token: send it in the X-Authorization header (or "
                             "Authorization: Bearer <token>)");
        /* Before anything is stored or sent on: a control byte would go raw into Mist's
         * Authorization header, a long token costs every later token comparison. */
        const char *token = mcp ? request_token(h, c) : NULL;
        const char *why = token && *token ? mm_token_problem(token) : NULL;
        if (why) {
            char text[160];
            snprintf(text, sizeof text, "the Mist API token is not valid: %s", why);
            return rpc_error(h, c, MHD_HTTP_BAD_REQUEST, NULL, MM_INVALID_REQUEST, text);
        }
    }
    if (strcmp(method, "POST") == 0 && mcp) {
        upload *u = *state;
        if (!u) {
            *state = mm_xcalloc(1, sizeof *u);
            return MHD_YES;
        }
        if (*data_size) {
            if (u->len + *data_size > MAX_BODY) {
                u->too_big = 1;
            } else {
                u->data = mm_xrealloc(u->data, u->len + *data_size + 1);
                memcpy(u->data + u->len, data, *data_size);
                u->len += *data_size;
                u->data[u->len] = '\0';
            }
            *data_size = 0;
            return MHD_YES;
        }
        return handle_post(h, c, u);
    }
    if (strcmp(method, "DELETE") == 0 && mcp) {
        const char *given = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Mcp-Session-Id");
        const char *token = request_token(h, c);
        if (!given)
            return rpc_error(h, c, MHD_HTTP_BAD_REQUEST, NULL, MM_INVALID_REQUEST,
                             "missing Mcp-Session-Id header");
        mm_lookup out = mm_session_store_remove(h->store, given, token ? token : "");
        return out == MM_LOOKUP_OK
                   ? mm_http_reply(h, c, MHD_HTTP_OK, NULL, NULL, NULL)
                   : rpc_error(h, c, out, NULL, MM_INVALID_REQUEST,
                               out == MM_LOOKUP_FORBIDDEN ? "this session belongs to another token"
                                                          : "unknown or expired session");
    }
    if (strcmp(method, "GET") == 0 && mcp)
        return handle_get(h, c);
    if (mcp) {
        struct MHD_Response *r = h->mhd->create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
        h->mhd->add_response_header(r, "Allow", "GET, POST, DELETE");
        mm_http_add_headers(h, r);
        enum MHD_Result rc = h->mhd->queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
        h->mhd->destroy_response(r);
        return rc;
    }
    if (strcmp(url, "/metrics") == 0 && strcmp(method, "GET") == 0 && h->srv->metrics) {
        char *text = metrics_text(h);
        enum MHD_Result rc =
            mm_http_reply(h, c, MHD_HTTP_OK, "text/plain; version=0.0.4", text, NULL);
        free(text);
        return rc;
    }
    if (strcmp(url, "/healthz") == 0 && strcmp(method, "GET") == 0)
        return mm_http_reply(h, c, MHD_HTTP_OK, "text/plain", "ok\n", NULL);
    return mm_http_reply(h, c, MHD_HTTP_NOT_FOUND, "text/plain", "not found\n", NULL);
}

static void completed(void *cls, struct MHD_Connection *c, void **state,
                      enum MHD_RequestTerminationCode code)
{
    (void)cls, (void)c, (void)code;
    upload *u = *state;
    if (u) {
        free(u->data);
        free(u);
    }
    *state = NULL;
}

int mm_http_serve(const mm_server *srv)
{
    const mm_config *cfg = srv->cfg;
    struct sockaddr_storage addr;
    memset(&addr, 0, sizeof addr);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&addr;
    /* A thread per connection: an event stream waits for messages in its own thread. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_AUTO | MHD_USE_ERROR_LOG;
    if (inet_pton(AF_INET, cfg->host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)cfg->port);
    } else if (inet_pton(AF_INET6, cfg->host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)cfg->port);
        flags |= MHD_USE_IPv6;
    } else {
        fprintf(stderr, "mistmcp: --host '%s' is not an IP address\n", cfg->host);
        return 2;
    }
    if (cfg->http_anonymous && !mm_host_is_loopback(cfg->host)) {
        fputs("mistmcp: MISTMCP_HTTP_ANONYMOUS is for tests on a loopback address only\n", stderr);
        return 2;
    }
    char err[300];
    const mm_mhd_api *mhd = mm_mhd_load(err, sizeof err);
    if (!mhd) {
        fprintf(stderr, "mistmcp: %s\n", err);
        return 1;
    }
    int wake_fd = mm_stop_signal_install();
    if (wake_fd < 0)
        return 1;

    http_ctx h = {.srv = srv,
                  .mhd = mhd,
                  .store = mm_session_store_create(cfg->max_sessions, cfg->session_idle_ms)};
    pthread_key_create(&h.conn_key, free_conn);
    pthread_mutex_init(&h.calls_lock, NULL);
    pthread_cond_init(&h.calls_idle, NULL);
    sigset_t block, old_mask; /* MHD's threads leave the signals to this one */
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old_mask);
    struct MHD_Daemon *d = h.mhd->start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, handle, &h, MHD_OPTION_SOCK_ADDR, &addr,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned)PER_IP_LIMIT, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
        MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    int rc = 0;
    if (!d) {
        fprintf(stderr, "mistmcp: cannot listen on %s port %d: %s\n", cfg->host, cfg->port,
                strerror(errno));
        rc = 1;
    } else {
        fprintf(stderr, "mistmcp: listening on http://%s:%d/mcp\n", cfg->host, cfg->port);
        while (!mm_stop_signal_requested()) {
            struct pollfd p = {.fd = wake_fd, .events = POLLIN};
            poll(&p, 1, 1000);
            mm_session_store_expire(h.store, mm_now_ms());
        }
        atomic_store(&h.stopping, 1);         /* event streams end within a second */
        mm_session_store_cancel_all(h.store); /* calls in progress end promptly */
        h.mhd->stop_daemon(d);
        mm_session_store_cancel_all(h.store); /* and any session made meanwhile */
        mm_http_wait_calls(&h);
    }
    mm_session_store_destroy(&h.store);
    mm_mist_conn *own = pthread_getspecific(h.conn_key);
    if (own)
        free_conn(own);
    pthread_key_delete(h.conn_key);
    pthread_cond_destroy(&h.calls_idle);
    pthread_mutex_destroy(&h.calls_lock);
    mm_stop_signal_release();
    return rc;
}
