/* A POST answered as an event stream: the call on its own thread, its notifications and then
 * its response handed over through a closed-at-the-end outbox. */
#include "transport/http_internal.h"

#include "base/util.h"
#include "mcp/protocol.h"
#include "transport/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVENTS_MAX 256
#define CALL_THREADS_MAX 512 /* beyond, calls run on their connection's thread */

/* Shared by the call's thread and the connection's: freed by the last of the two. */
typedef struct post_call {
    atomic_int refs;
    mm_http_ctx *h;
    mm_session_entry *entry; /* its use reference: the call's thread gives it back */
    cJSON *msg;
    cJSON *id; /* a copy of the request's id, for an answer from the connection side */
    mm_inflight *req;
    mm_mist_conn *conn;     /* the connection thread's, lent while the call runs */
    mm_outbox *events;      /* closed with the response (or nothing, when cancelled) */
    int threaded;           /* runs on its own thread, counted in h->calls_running */
    int ended;              /* connection side: the response was taken out */
    mm_sse_pending pending; /* connection side */
} post_call;

static void post_call_unref(post_call *pc)
{
    if (atomic_fetch_sub(&pc->refs, 1) != 1)
        return;
    mm_mist_conn_destroy(&pc->conn);
    mm_outbox_destroy(&pc->events);
    cJSON_Delete(pc->id);
    free(pc->pending.text);
    free(pc);
}

static void to_events(void *ctx, const char *line)
{
    mm_outbox_push(ctx, line);
}

static int call_thread_begin(mm_http_ctx *h)
{
    pthread_mutex_lock(&h->calls_lock);
    int ok = !atomic_load(&h->stopping) && h->calls_running < CALL_THREADS_MAX;
    h->calls_running += (unsigned)ok;
    pthread_mutex_unlock(&h->calls_lock);
    return ok;
}

static void call_thread_end(mm_http_ctx *h)
{
    pthread_mutex_lock(&h->calls_lock);
    if (--h->calls_running == 0)
        pthread_cond_broadcast(&h->calls_idle);
    pthread_mutex_unlock(&h->calls_lock); /* the last use of h by a call thread */
}

void mm_http_wait_calls(mm_http_ctx *h)
{
    pthread_mutex_lock(&h->calls_lock);
    while (h->calls_running)
        pthread_cond_wait(&h->calls_idle, &h->calls_lock);
    pthread_mutex_unlock(&h->calls_lock);
}

static void *run_call(void *p)
{
    post_call *pc = p;
    mm_http_ctx *h = pc->h;
    int threaded = pc->threaded;
    mm_session *s = mm_session_entry_session(pc->entry);
    cJSON *out = mm_protocol_handle(s, pc->conn, pc->msg, pc->req); /* ends req */
    cJSON_Delete(pc->msg);
    pc->msg = NULL;
    char *text = out ? mm_json_wire_text(out) : NULL; /* too large: an error */
    mm_session_store_put(pc->h->store, pc->entry);
    mm_outbox_close(pc->events, text); /* from here on, conn is the connection side's again */
    free(text);
    post_call_unref(pc);
    if (threaded)
        call_thread_end(h);
    return NULL;
}

/* Takes the next message out; on the last one, takes the lent connection back. */
static char *next_message(post_call *pc, int timeout_ms)
{
    char *m = mm_outbox_pop(pc->events, timeout_ms, &pc->ended);
    if (pc->ended) {
        mm_http_give_conn(pc->h, pc->conn);
        pc->conn = NULL;
    }
    return m;
}

static ssize_t events_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    post_call *pc = cls;
    for (int waited = 0; !pc->pending.text;) {
        if (pc->ended || atomic_load(&pc->h->stopping))
            return MHD_CONTENT_READER_END_OF_STREAM; /* shutting down: the call is cancelled */
        char *m = next_message(pc, 1000);
        if (m)
            mm_sse_set_message(&pc->pending, m);
        else if (!pc->ended && (waited += 1000) >= MM_HTTP_KEEPALIVE_MS)
            mm_sse_set_keepalive(&pc->pending);
    }
    return mm_sse_copy(&pc->pending, buf, max);
}

static void events_done(void *cls)
{
    post_call_unref(cls); /* the client may have gone before the answer: the call goes on */
}

enum MHD_Result mm_http_post_streamed(mm_http_ctx *h, struct MHD_Connection *c,
                                      mm_session_entry *entry, cJSON *msg)
{
    mm_session *s = mm_session_entry_session(entry);
    post_call *pc = mm_xcalloc(1, sizeof *pc);
    atomic_init(&pc->refs, 2);
    pc->h = h;
    pc->entry = entry;
    pc->msg = msg;
    pc->id = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(msg, "id"), 1);
    pc->events = mm_outbox_create(EVENTS_MAX);
    pc->req = mm_session_begin_request(s, cJSON_GetObjectItemCaseSensitive(msg, "id"));
    pc->req->send = to_events;
    pc->req->send_ctx = pc->events;
    pc->conn = mm_http_take_conn(h);
    pthread_attr_t attr;
    pthread_t thread;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pc->threaded = call_thread_begin(h);
    if (pc->threaded && pthread_create(&thread, &attr, run_call, pc) != 0) {
        pc->threaded = 0;
        call_thread_end(h);
    }
    if (!pc->threaded)
        run_call(pc); /* no thread to spare: the answer comes all at once */
    pthread_attr_destroy(&attr);

    /* Wait for the first message: the response alone is answered as plain JSON. */
    char *first = NULL;
    while (!first && !pc->ended && !atomic_load(&h->stopping))
        first = next_message(pc, 1000);
    if (!first && !pc->ended)
        first = next_message(pc, 0); /* an answer that came just as the server stopped */
    if ((!first && !pc->ended) || (!first && atomic_load(&h->stopping))) {
        /* Shutting down before an answer: say so rather than 202 for a request. */
        cJSON *e = mm_protocol_error(pc->id, MM_INTERNAL_ERROR,
                                     "the server is shutting down: send the request again");
        char *text = mm_json_wire_text(e);
        post_call_unref(pc);
        enum MHD_Result rc =
            mm_http_reply(h, c, MHD_HTTP_SERVICE_UNAVAILABLE, "application/json", text, NULL);
        free(text);
        return rc;
    }
    if (pc->ended) {
        enum MHD_Result rc = first
                                 ? mm_http_reply(h, c, MHD_HTTP_OK, "application/json", first, NULL)
                                 : mm_http_reply(h, c, MHD_HTTP_ACCEPTED, NULL, NULL, NULL);
        free(first);
        post_call_unref(pc);
        return rc;
    }
    mm_sse_set_message(&pc->pending, first);
    struct MHD_Response *r =
        h->mhd->create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, events_read, pc, events_done);
    if (!r) {
        post_call_unref(pc);
        return MHD_NO;
    }
    h->mhd->add_response_header(r, "Content-Type", "text/event-stream");
    h->mhd->add_response_header(r, "Cache-Control", "no-cache");
    mm_http_add_headers(h, r);
    enum MHD_Result rc = h->mhd->queue_response(c, MHD_HTTP_OK, r);
    h->mhd->destroy_response(r);
    return rc;
}
