/* subscriptions/listen over HTTP (MCP 2026-07-28 basic/transports/streamable-http, "Listening
 * for Messages from the Server"; basic/patterns/subscriptions): the POST is answered as an
 * event stream that stays open, its first event the acknowledgement. It holds no thread: the
 * connection is parked between events and woken by the ticker, at least once a second (a
 * client that hung up is noticed, its stream ends) and every MM_HTTP_KEEPALIVE_MS for a
 * keep-alive comment. It ends when the client closes it (the cancellation of a listen
 * request), or with the graceful-end response when the server stops. It is one connection
 * like any other: the connection limits (in all, per client address) bound these streams. */
#include "transport/http_internal.h"

#include "base/util.h"
#include "mcp/protocol.h"
#include "mcp/subscription.h"

#include <stdlib.h>
#include <string.h>

/* Owned by its response (freed by listen_done); only the connection's MHD thread touches it,
 * but for gone, which the ticker sets under conns_lock while the connection is parked. */
typedef struct listen_stream {
    mm_http_ctx *h;
    mm_http_conn *k;
    mm_subscription sub;
    int gone;  /* the client hung up (under conns_lock) */
    int ended; /* the graceful end was queued: the stream ends after it */
    long long last_sent_ms;
    mm_sse_pending pending;
} listen_stream;

/* The ticker saw the client hang up while parked (conns_lock held). */
static void hung_up(void *ctx)
{
    ((listen_stream *)ctx)->gone = 1;
}

static ssize_t listen_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    listen_stream *ls = cls;
    mm_http_ctx *h = ls->h;
    while (!ls->pending.text) {
        if (ls->ended)
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (atomic_load(&h->stopping)) { /* "Graceful Closure": the response, then the end */
            char *text = mm_json_wire_text(mm_subscription_end(&ls->sub, h->srv->version));
            ls->ended = 1;
            if (!text)
                return MHD_CONTENT_READER_END_OF_STREAM;
            mm_sse_set_message(&ls->pending, text);
            break;
        }
        pthread_mutex_lock(&h->conns_lock);
        int gone = ls->gone;
        pthread_mutex_unlock(&h->conns_lock);
        if (gone)
            return MHD_CONTENT_READER_END_OF_STREAM; /* nobody reads it */
        long quiet = (long)(mm_now_ms() - ls->last_sent_ms);
        if (quiet >= MM_HTTP_KEEPALIVE_MS) {
            mm_sse_set_keepalive(&ls->pending);
            break;
        }
        long wait = MM_HTTP_KEEPALIVE_MS - quiet;
        if (mm_http_park(h, ls->k, NULL, NULL, wait < 1000 ? wait : 1000, hung_up, ls))
            return 0; /* woken by the ticker */
        /* not parked: the server is stopping (the loop sends the end) */
    }
    ls->last_sent_ms = mm_now_ms();
    ssize_t n = mm_sse_copy(&ls->pending, buf, max);
    mm_http_access_sent(ls->k, (size_t)n);
    return n;
}

static void listen_done(void *cls)
{
    listen_stream *ls = cls;
    atomic_fetch_sub(&ls->h->listening, 1);
    mm_subscription_clear(&ls->sub);
    free(ls->pending.text);
    free(ls);
}

enum MHD_Result mm_http_subscribe(mm_http_ctx *h, struct MHD_Connection *c, mm_http_conn *k,
                                  const cJSON *msg)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
    const char *accept = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Accept");
    if (!accept || !strstr(accept, "text/event-stream"))
        return mm_http_rpc_error(h, c, MHD_HTTP_NOT_ACCEPTABLE, id, MM_INVALID_REQUEST,
                                 "subscriptions/listen is answered as an event stream: send "
                                 "Accept: text/event-stream");
    if (atomic_load(&h->stopping))
        return mm_http_rpc_error(h, c, MHD_HTTP_SERVICE_UNAVAILABLE, id, MM_INTERNAL_ERROR,
                                 "the server is shutting down: send the request again");
    listen_stream *ls = mm_xcalloc(1, sizeof *ls);
    ls->h = h;
    atomic_fetch_add(&h->listening, 1);
    cJSON *err = mm_subscription_open(msg, &ls->sub);
    if (err) {
        listen_done(ls);
        char *text = mm_json_wire_text(err);
        enum MHD_Result rc =
            mm_http_reply(h, c, MHD_HTTP_BAD_REQUEST, "application/json", text, NULL);
        free(text);
        return rc;
    }
    ls->k = k;
    ls->last_sent_ms = mm_now_ms();
    char *ack = mm_json_wire_text(mm_subscription_ack(&ls->sub));
    if (ack)
        mm_sse_set_message(&ls->pending, ack);
    struct MHD_Response *r =
        h->mhd->create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, listen_read, ls, listen_done);
    if (!r) {
        listen_done(ls);
        return MHD_NO;
    }
    mm_http_event_stream_headers(h, r);
    return mm_http_queue(h, c, MHD_HTTP_OK, r, 0, NULL);
}
