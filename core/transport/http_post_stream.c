/* A POST answered as an event stream: the call on a worker, its notifications and then its
 * response handed over through an outbox closed with the response; the connection is parked
 * whenever there is nothing to send, and woken by the outbox. */
#include "transport/http_internal.h"

#include "base/util.h"
#include "mcp/mrtr.h"
#include "mcp/protocol.h"
#include "transport/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVENTS_MAX 256

/* Shared by the worker and the request: freed by the last of the two. */
struct mm_http_stream_call {
    atomic_int refs;
    mm_http_ctx *h;
    mm_http_conn *k;         /* NULL once the request ended (under conns_lock) */
    mm_session_entry *entry; /* its use reference: the worker gives it back */
    cJSON *msg;
    cJSON *id; /* a copy of the request's id, for answers from the connection side */
    mm_inflight *req;
    mm_outbox *events;      /* closed with the response (or nothing, when cancelled) */
    int ended;              /* connection side: the last message was taken */
    int armed;              /* connection side: parked by the outbox look */
    long long last_sent_ms; /* connection side: for keep-alive comments */
    /* The status of a response answered as plain JSON: 400 for a 2026-07-28 request refused
     * with MissingRequiredClientCapabilityError (basic/transports/streamable-http), else 200.
     * Set by the worker before it closes the outbox, which orders it before the reading. */
    atomic_uint status;
    long wake_after_ms;     /* connection side: when a park must end for a keep-alive */
    mm_sse_pending pending; /* connection side */
};

static void call_unref(mm_http_stream_call *sc)
{
    if (atomic_fetch_sub(&sc->refs, 1) != 1)
        return;
    mm_outbox_destroy(&sc->events);
    cJSON_Delete(sc->msg);
    cJSON_Delete(sc->id);
    free(sc->pending.text);
    free(sc);
}

static void to_events(void *ctx, const char *line)
{
    mm_outbox_push(ctx, line);
}

/* The outbox's waker (under its lock): a message or the end came. */
static void wake_reader(void *ctx)
{
    mm_http_stream_call *sc = ctx;
    mm_http_wake(sc->h, &sc->k, NULL, NULL);
}

/* The client hung up while its call ran (ticker, conns_lock held). */
static void hung_up(void *ctx)
{
    mm_http_stream_call *sc = ctx;
    if (sc->entry)
        mm_session_cancel(mm_session_entry_session(sc->entry), sc->id);
}

static void arm(void *ctx)
{
    mm_http_stream_call *sc = ctx;
    sc->armed = mm_http_park_arm(sc->h, sc->k, sc->wake_after_ms, hung_up, sc);
}

static void run_call(void *arg, void *worker_state)
{
    mm_http_stream_call *sc = arg;
    mm_http_ctx *h = sc->h;
    mm_session *s = mm_session_entry_session(sc->entry);
    cJSON *out = mm_protocol_handle(s, worker_state, sc->msg, sc->req); /* ends req */
    const cJSON *code =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(out, "error"), "code");
    if (s->per_request && cJSON_IsNumber(code) && code->valueint == MM_MISSING_CAPABILITY)
        atomic_store(&sc->status, MHD_HTTP_BAD_REQUEST);
    char *text = out ? mm_json_wire_text(out) : NULL; /* too large: an error */
    mm_session_store_sync(h->store, sc->entry);       /* the change is in Redis before the answer */
    mm_outbox_close(sc->events, text); /* wakes the connection: no hang-up reaches us after */
    free(text);
    /* The hang-up hook may still run until the wake above took effect: it reads entry under
     * conns_lock, so it is cleared under that lock. */
    pthread_mutex_lock(&h->conns_lock);
    mm_session_entry *e = sc->entry;
    sc->entry = NULL;
    pthread_mutex_unlock(&h->conns_lock);
    mm_http_lane_done(h, s); /* before the session may go: its address names the lane */
    mm_session_store_put(h->store, e);
    call_unref(sc);
    mm_http_call_end(h);
}

/* Takes the next message, or arms the park (then *parked is 1). */
static char *next_message(mm_http_stream_call *sc, int *parked)
{
    sc->armed = 0;
    char *m = mm_outbox_pop_or_arm(sc->events, &sc->ended, arm, sc);
    *parked = sc->armed;
    return m;
}

static ssize_t events_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    mm_http_stream_call *sc = cls;
    while (!sc->pending.text) {
        if (sc->ended || atomic_load(&sc->h->stopping))
            return MHD_CONTENT_READER_END_OF_STREAM; /* shutting down: the call is cancelled */
        long quiet = (long)(mm_now_ms() - sc->last_sent_ms);
        if (quiet >= MM_HTTP_KEEPALIVE_MS) { /* woken by the ticker: a comment if nothing else */
            char *m = mm_outbox_pop(sc->events, 0, &sc->ended);
            if (m)
                mm_sse_set_message(&sc->pending, m);
            else if (!sc->ended)
                mm_sse_set_keepalive(&sc->pending);
            continue;
        }
        sc->wake_after_ms = MM_HTTP_KEEPALIVE_MS - quiet;
        int parked;
        char *m = next_message(sc, &parked);
        if (m) {
            mm_sse_set_message(&sc->pending, m);
        } else if (parked) {
            mm_http_suspend(sc->h, sc->k);
            return 0; /* woken by the outbox, or by the ticker for a keep-alive */
        } else if (!sc->ended) {
            return MHD_CONTENT_READER_END_OF_STREAM; /* stopping */
        }
    }
    sc->last_sent_ms = mm_now_ms();
    ssize_t n = mm_sse_copy(&sc->pending, buf, max);
    mm_http_access_sent(sc->k, (size_t)n);
    return n;
}

static void events_done(void *cls)
{
    mm_http_stream_call *sc = cls;
    call_unref(sc);
}

void mm_http_post_stream_free(mm_http_stream_call *sc)
{
    mm_http_detach(sc->h, &sc->k);
    call_unref(sc);
}

enum MHD_Result mm_http_post_streamed(mm_http_ctx *h, struct MHD_Connection *c, mm_http_conn *k,
                                      mm_session_entry *entry, cJSON *msg,
                                      mm_http_stream_call **stream)
{
    mm_http_stream_call *sc = *stream;
    if (!sc) { /* the first call: start it on a worker */
        if (!mm_http_call_begin(h)) {
            cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
            enum MHD_Result rc =
                mm_http_rpc_error(h, c, MHD_HTTP_SERVICE_UNAVAILABLE, id, MM_INTERNAL_ERROR,
                                  "the server is shutting down: send the request again");
            cJSON_Delete(msg);
            mm_session_store_put(h->store, entry);
            return rc;
        }
        mm_session *s = mm_session_entry_session(entry);
        sc = mm_xcalloc(1, sizeof *sc);
        atomic_init(&sc->refs, 2); /* the worker's and the request's */
        atomic_init(&sc->status, MHD_HTTP_OK);
        sc->h = h;
        sc->k = k;
        sc->entry = entry;
        sc->msg = msg;
        sc->id = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(msg, "id"), 1);
        sc->events = mm_outbox_create(EVENTS_MAX);
        mm_outbox_attach(sc->events, wake_reader, sc);
        sc->req = mm_session_begin_request(s, sc->id);
        sc->req->send = to_events;
        sc->req->send_ctx = sc->events;
        sc->last_sent_ms = mm_now_ms();
        sc->wake_after_ms = MM_HTTP_KEEPALIVE_MS;
        *stream = sc;
        mm_http_lane_submit(h, s, run_call, sc);
    }
    /* Until the first message: the response alone is answered as plain JSON. */
    int parked;
    char *first = next_message(sc, &parked);
    if (!first && parked) {
        mm_http_suspend(h, k);
        return MHD_YES;
    }
    if (!first && !sc->ended) /* stopping: the call was cancelled */
        return mm_http_rpc_error(h, c, MHD_HTTP_SERVICE_UNAVAILABLE, sc->id, MM_INTERNAL_ERROR,
                                 "the server is shutting down: send the request again");
    if (sc->ended) {
        enum MHD_Result rc =
            first ? mm_http_reply(h, c, atomic_load(&sc->status), "application/json", first, NULL)
                  : mm_http_reply(h, c, MHD_HTTP_ACCEPTED, NULL, NULL, NULL);
        free(first);
        return rc;
    }
    mm_sse_set_message(&sc->pending, first);
    struct MHD_Response *r =
        h->mhd->create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, events_read, sc, events_done);
    if (!r)
        return MHD_NO;
    atomic_fetch_add(&sc->refs, 1); /* the response's, given back by events_done */
    mm_http_event_stream_headers(h, r);
    return mm_http_queue(h, c, MHD_HTTP_OK, r, 0, NULL);
}
