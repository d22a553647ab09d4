/* POST /mcp: the body read within its bounds, the cheap checks before any parse (token,
 * session, size, JSON bounds), then the message handled: at once on MHD's thread when it is
 * quick, on a worker (the connection parked meanwhile) when it may take long. The session is
 * the one Mcp-Session-Id names, a new one for initialize (MCP 2025-11-25), or, for a request
 * of the modern era (a version header that is not a 2025 one, or 2026-07-28 _meta in the
 * body, and no session id), the request's own (http_stateless.c): the same path from then on. */
#include "transport/http_internal.h"

#include "base/json_exact.h"
#include "base/util.h"
#include "mcp/era.h"
#include "mcp/protocol.h"
#include "mcp/subscription.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRIM_AFTER_BYTES (1u << 20) /* a body this large: give its memory back afterwards */

/* A message running on a worker. Shared by the worker and the request: freed by the last. */
typedef struct post_job {
    atomic_int refs;
    mm_http_ctx *h;
    mm_http_conn *k; /* NULL once the request ended (under conns_lock) */
    mm_session_entry *entry;
    cJSON *msg;
    mm_inflight *req;     /* a single request's, registered when queued: a hang-up reaches it */
    atomic_int abandoned; /* the client hung up: a batch stops */
    int done;             /* under conns_lock */
    char *text;           /* the answer (NULL: none), once done */
} post_job;

struct mm_http_post_state {
    mm_buf body;
    size_t limit;
    size_t received;         /* body bytes, kept or not */
    size_t charged;          /* bytes kept, counted in the server's buffered total */
    int busy;                /* the server's buffered total was reached: 503 at the end */
    int discarding;          /* past the limit: the rest is read and dropped, then 413 */
    int refused;             /* past 4 MiB: a raw 413 went out, the rest is dropped */
    mm_session_entry *entry; /* looked up from the headers, before the body */
    int modern;              /* no session id, a version header that is not a legacy one */
    post_job *job;
    mm_http_stream_call *stream;
    char sid[MM_SESSION_ID_LEN + 1]; /* a session made by this initialize */
};

static void job_unref(post_job *j)
{
    if (atomic_fetch_sub(&j->refs, 1) != 1)
        return;
    cJSON_Delete(j->msg);
    free(j->text);
    free(j);
}

static int job_done(void *p)
{
    return ((post_job *)p)->done;
}

static void job_finish(void *p)
{
    ((post_job *)p)->done = 1;
}

/* The client hung up while its call ran (the ticker, conns_lock held): nothing will read the
 * answer, so the calls stop (a batch's later messages do not start). */
static void job_hangup(void *p)
{
    post_job *j = p;
    atomic_store(&j->abandoned, 1);
    mm_session *s = mm_session_entry_session(j->entry);
    if (cJSON_IsArray(j->msg)) {
        const cJSON *m;
        cJSON_ArrayForEach(m, j->msg)
        {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(m, "id");
            if (id)
                mm_session_cancel(s, id);
        }
    } else {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(j->msg, "id");
        if (id)
            mm_session_cancel(s, id);
    }
}

static void run_job(void *arg, void *worker_state)
{
    post_job *j = arg;
    mm_http_ctx *h = j->h;
    mm_session *s = mm_session_entry_session(j->entry);
    cJSON *out = NULL;
    if (atomic_load(&j->abandoned)) { /* the client left while the call waited for a worker */
        if (j->req)
            mm_session_end_request(s, j->req);
    } else {
        out = cJSON_IsArray(j->msg)
                  ? mm_protocol_handle_batch(s, worker_state, j->msg, &j->abandoned)
                  : mm_protocol_handle(s, worker_state, j->msg, j->req); /* ends req */
    }
    j->req = NULL;
    j->text = out ? mm_json_wire_text(out) : NULL; /* too large: an error, not a crash */
    mm_session_store_sync(h->store, j->entry);     /* the change is in Redis before the answer */
    mm_http_wake(h, &j->k, job_finish, j);         /* from here on, no hang-up reaches the job */
    mm_http_lane_done(h, s); /* the session's next call, if one waits, takes this worker */
    mm_session_store_put(h->store, j->entry);
    j->entry = NULL;
    job_unref(j);
    mm_http_call_end(h);
}

void *mm_http_worker_state(void)
{
    return mm_mist_conn_create();
}

void mm_http_worker_state_free(void *state)
{
    mm_mist_conn *c = state;
    mm_mist_conn_destroy(&c);
}

/* The answer to an initialize the store refused: 429 or 503 with Retry-After (RFC 9110
 * section 10.2.3), 500 if the CSPRNG failed. Retry-After: 60 s for a client over its share, 30 s
 * for a full table, and 5 s, the Redis client's longest backoff, when the shared store did not
 * answer (store_down). */
static enum MHD_Result refuse_session(mm_http_ctx *h, struct MHD_Connection *c, const cJSON *id,
                                      unsigned status, const char *why, int store_down)
{
    char *text = mm_json_wire_text(mm_protocol_error(id, MM_INTERNAL_ERROR, why));
    size_t len = strlen(text);
    struct MHD_Response *r = h->mhd->create_response_from_buffer(len, text, MHD_RESPMEM_MUST_COPY);
    free(text);
    if (!r)
        return MHD_NO;
    h->mhd->add_response_header(r, "Content-Type", "application/json");
    if (status == 429 || status == 503)
        h->mhd->add_response_header(r, "Retry-After",
                                    status == 429 ? "60"
                                    : store_down  ? "5"
                                                  : "30");
    return mm_http_queue(h, c, status ? status : 503, r, len, NULL);
}

/* Creates the session of an initialize request from its query and headers. Returns the entry
 * (with a use reference), or NULL after answering the error. */
static mm_session_entry *create_session(mm_http_ctx *h, struct MHD_Connection *c, mm_http_conn *k,
                                        const char *token, const cJSON *id,
                                        char sid[MM_SESSION_ID_LEN + 1], enum MHD_Result *answered)
{
    mm_http_choice choice;
    if (mm_http_session_choice(h, c, id, &choice, answered) != 0)
        return NULL;
    /* The budgets first: building a session (all mode loads every plugin) costs more than a
     * refusal, and a refused client must not be able to make the server do it in a loop. */
    char client[MM_HTTP_CLIENT_KEY_LEN];
    mm_http_client_address(h, c, k, client);
    unsigned refusal = 0;
    char why[512];
    if (mm_session_store_admit(h->store, token, client, &refusal, why, sizeof why) != 0) {
        mm_http_choice_free(&choice);
        *answered = refuse_session(h, c, id, refusal, why, 0);
        return NULL;
    }
    mm_shared_origin origin = {0};
    if (h->srv->shared_sessions)
        mm_http_session_origin(&choice, &origin);
    mm_session *s = mm_http_session_build(h, c, &choice, token, 0, id, answered);
    if (!s) {
        mm_shared_origin_free(&origin);
        return NULL;
    }
    if (h->srv->cfg->demo && !*token) /* the demo world it was given: the same on every replica */
        origin.demo_token = mm_xstrdup(mm_session_token(s));
    char err[512];
    mm_session_entry *e =
        mm_session_store_add(h->store, s, token, client, sid, &refusal, err, sizeof err);
    if (!e) { /* another request took the room meanwhile */
        mm_session_destroy(&s);
        mm_shared_origin_free(&origin);
        *answered = refuse_session(h, c, id, refusal, err, 0);
        return NULL;
    }
    if (mm_session_store_share(h->store, e, &origin, err, sizeof err) != 0) {
        char why[700];
        snprintf(why, sizeof why, "the session store is unavailable, no session was made: %s", err);
        mm_session_store_put(h->store, e); /* removed: this frees it */
        e = NULL;
        *answered = refuse_session(h, c, id, 503, why, 1);
    }
    mm_shared_origin_free(&origin);
    return e;
}

static int is_initialize(const cJSON *msg)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(msg, "method");
    return cJSON_IsObject(msg) && cJSON_IsString(m) && strcmp(m->valuestring, "initialize") == 0;
}

/* Answers a message that was handled (out may be NULL: nothing to say). */
static enum MHD_Result answer(mm_http_ctx *h, struct MHD_Connection *c, mm_http_post_state *p,
                              const cJSON *id, char *text)
{
    if (!text && id && atomic_load(&h->stopping)) /* a request cut short by the shutdown */
        return mm_http_rpc_error(h, c, MHD_HTTP_SERVICE_UNAVAILABLE, id, MM_INTERNAL_ERROR,
                                 "the server is shutting down: send the request again");
    return mm_http_reply(h, c, text ? MHD_HTTP_OK : MHD_HTTP_ACCEPTED,
                         text ? "application/json" : NULL, text, p->sid[0] ? p->sid : NULL);
}

/* Drops the body kept so far and gives its bytes back to the server's total. */
static void release(mm_http_ctx *h, mm_http_post_state *p)
{
    atomic_fetch_sub(&h->buffered, p->charged);
    p->charged = 0;
    free(p->body.data);
    p->body = (mm_buf){0};
}

/* The 413 error of a body past its limit (caller frees). */
static char *body_too_large(const mm_http_post_state *p)
{
    return mm_json_wire_text(mm_protocol_error(
        NULL, MM_INVALID_REQUEST,
        p->entry || p->modern
            ? "request body too large: 4 MiB at most"
            : "request body too large: without a session only initialize is expected, "
              "64 KiB at most"));
}

/* Parks until the job is done, or answers with what it said. */
static enum MHD_Result finish_job(mm_http_ctx *h, struct MHD_Connection *c, mm_http_conn *k,
                                  mm_http_post_state *p)
{
    if (mm_http_park(h, k, job_done, p->job, 0, job_hangup, p->job))
        return MHD_YES;
    pthread_mutex_lock(&h->conns_lock);
    int done = p->job->done;
    pthread_mutex_unlock(&h->conns_lock);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(p->job->msg, "id");
    if (!done) /* stopping: the call is cancelled and ends on its own */
        return mm_http_rpc_error(h, c, MHD_HTTP_SERVICE_UNAVAILABLE, id, MM_INTERNAL_ERROR,
                                 "the server is shutting down: send the request again");
    return answer(h, c, p, id, p->job->text);
}

/* The whole body is in: check, parse and handle it. */
static enum MHD_Result handle_body(mm_http_ctx *h, struct MHD_Connection *c, mm_http_conn *k,
                                   mm_http_post_state *p)
{
    const char *token = mm_http_request_token(h, c);
    const char *why = mm_json_input_problem(p->body.data ? p->body.data : "", p->body.len);
    if (why) {
        char text[200];
        snprintf(text, sizeof text, "parse error: %s", why);
        return mm_http_rpc_error(h, c, MHD_HTTP_BAD_REQUEST, NULL, MM_PARSE_ERROR, text);
    }
    cJSON *msg = p->body.data ? mm_json_parse_exact(p->body.data, p->body.len, NULL) : NULL;
    if (!msg)
        return mm_http_rpc_error(h, c, MHD_HTTP_BAD_REQUEST, NULL, MM_PARSE_ERROR,
                                 "parse error: the body is not valid JSON");
    mm_http_access_rpc(k, msg);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
    enum MHD_Result answered = MHD_YES;
    if (!p->entry && (p->modern || mm_era_is_modern(msg))) {
        /* MCP 2026-07-28: no session, the request's own one (http_stateless.c) */
        p->entry = mm_http_stateless_begin(h, c, token, msg, &answered);
        if (!p->entry) {
            cJSON_Delete(msg);
            return answered;
        }
        if (mm_subscription_is_listen(msg)) { /* a stream, not a call: no session */
            mm_session_store_put(h->store, p->entry);
            p->entry = NULL;
            answered = mm_http_subscribe(h, c, k, msg);
            cJSON_Delete(msg);
            return answered;
        }
    } else if (!p->entry) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(msg, "method");
        const char *meant = cJSON_IsString(m) ? mm_protocol_method_hint(m->valuestring) : NULL;
        char text[300];
        if (meant) /* the Python server's README showed these */
            snprintf(text, sizeof text,
                     "missing Mcp-Session-Id header: initialize first, then %s ('%s' is not an "
                     "MCP method; README: \"Try it with curl\")",
                     meant, m->valuestring);
        else
            snprintf(text, sizeof text, "missing Mcp-Session-Id header: initialize first");
        if (!is_initialize(msg))
            answered = mm_http_rpc_error(h, c, MHD_HTTP_BAD_REQUEST, id, MM_INVALID_REQUEST, text);
        else if (!id)
            answered = mm_http_rpc_error(h, c, MHD_HTTP_BAD_REQUEST, NULL, MM_INVALID_REQUEST,
                                         "initialize must be a request (with an id)");
        else
            p->entry = create_session(h, c, k, token, id, p->sid, &answered);
        if (!p->entry) {
            cJSON_Delete(msg);
            return answered;
        }
    } else if (is_initialize(msg)) {
        enum MHD_Result rc = mm_http_rpc_error(h, c, MHD_HTTP_BAD_REQUEST, id, MM_INVALID_REQUEST,
                                               "initialize starts a new session: send it "
                                               "without Mcp-Session-Id");
        cJSON_Delete(msg); /* id is in it */
        return rc;
    }
    mm_session *s = mm_session_entry_session(p->entry);
    const char *accept = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Accept");
    if (!mm_protocol_is_slow(msg)) { /* quick: here, on MHD's thread (no Mist call) */
        cJSON *out = mm_protocol_handle(s, NULL, msg, NULL);
        mm_session_store_put(h->store, p->entry);
        p->entry = NULL;
        char *text = out ? mm_json_wire_text(out) : NULL;
        enum MHD_Result rc = answer(h, c, p, id, text);
        free(text);
        cJSON_Delete(msg);
        return rc;
    }
    if (accept && strstr(accept, "text/event-stream") && mm_protocol_may_notify(s, msg)) {
        mm_session_entry *e = p->entry;
        p->entry = NULL; /* the stream's now */
        return mm_http_post_streamed(h, c, k, e, msg, &p->stream);
    }
    if (!mm_http_call_begin(h)) {
        enum MHD_Result rc =
            mm_http_rpc_error(h, c, MHD_HTTP_SERVICE_UNAVAILABLE, id, MM_INTERNAL_ERROR,
                              "the server is shutting down: send the request again");
        cJSON_Delete(msg); /* id is in it */
        return rc;
    }
    post_job *j = mm_xcalloc(1, sizeof *j);
    atomic_init(&j->refs, 2);
    atomic_init(&j->abandoned, 0);
    j->h = h;
    j->k = k;
    j->entry = p->entry;
    j->msg = msg;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(msg, "method");
    if (cJSON_IsObject(msg) && id && cJSON_IsString(m) && strcmp(m->valuestring, "tools/call") == 0)
        j->req = mm_session_begin_request(s, id);
    p->entry = NULL;
    p->job = j;
    mm_http_lane_submit(h, s, run_job, j);
    return finish_job(h, c, k, p);
}

enum MHD_Result mm_http_post(mm_http_ctx *h, struct MHD_Connection *c, mm_http_conn *k,
                             void **state, const char *data, size_t *data_size)
{
    mm_http_post_state *p = *state;
    if (!p) { /* the headers: the session is looked up before any body is read */
        p = mm_xcalloc(1, sizeof *p);
        *state = p;
        const char *given = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Mcp-Session-Id");
        p->modern = !given && mm_http_modern_header(h->mhd->lookup_connection_value(
                                  c, MHD_HEADER_KIND, "MCP-Protocol-Version"));
        p->limit = given || p->modern ? MM_HTTP_MAX_BODY : MM_HTTP_MAX_BODY_NO_SESSION;
        if (given) {
            mm_lookup out;
            p->entry = mm_session_store_get(h->store, given, mm_http_request_token(h, c), &out);
            if (!p->entry)
                return mm_http_lookup_error(h, c, out);
        }
        return MHD_YES; /* a Content-Length past 4 MiB was refused before (refuse_early) */
    }
    if (*data_size) {
        size_t n = *data_size;
        *data_size = 0;
        p->received += n;
        if (p->refused)
            return MHD_YES; /* dropped: the ticker closes the connection */
        mm_http_conn_body_progress(h, k, n);
        if (p->received > MM_HTTP_MAX_BODY) {
            /* Past every limit (a chunked body: its length was not announced): answered now,
             * straight on the socket, and the connection closed soon after. */
            char *text = body_too_large(p);
            mm_http_conn_refuse_body(h, k, text);
            free(text);
            p->refused = 1;
            release(h, p);
            return MHD_YES;
        }
        if (p->discarding || p->body.len + n > p->limit) {
            /* Past this request's limit but within 4 MiB: read and dropped, and answered 413
             * once it is all in, so that the client (still sending) can read the answer. */
            p->discarding = 1;
            release(h, p);
            return MHD_YES;
        }
        if (atomic_fetch_add(&h->buffered, n) + n > MM_HTTP_MAX_BUFFERED) {
            /* Bodies held by all requests together are bounded too: drop, then 503. */
            atomic_fetch_sub(&h->buffered, n);
            p->busy = p->discarding = 1;
            release(h, p);
            return MHD_YES;
        }
        p->charged += n;
        mm_buf_put(&p->body, data, n);
        return MHD_YES;
    }
    mm_http_conn_body_done(h, k);
    if (p->refused)
        return MHD_NO; /* the 413 went out already: close */
    if (p->busy)
        return mm_http_rpc_error(h, c, MHD_HTTP_SERVICE_UNAVAILABLE, NULL, MM_INTERNAL_ERROR,
                                 "the server holds too many request bodies at once: send the "
                                 "request again in a moment");
    if (p->discarding) {
        char *text = body_too_large(p);
        enum MHD_Result rc =
            mm_http_reply(h, c, MHD_HTTP_CONTENT_TOO_LARGE, "application/json", text, NULL);
        free(text);
        return rc;
    }
    if (p->stream)
        return mm_http_post_streamed(h, c, k, NULL, NULL, &p->stream);
    if (p->job)
        return finish_job(h, c, k, p);
    return handle_body(h, c, k, p);
}

void mm_http_post_completed(mm_http_ctx *h, void *state)
{
    mm_http_post_state *p = state;
    if (!p)
        return;
    /* A large body or answer: its memory goes back to the system (glibc keeps freed memory
     * in its arenas otherwise, and a few large requests would hold the peak for good). */
    int trim = p->body.cap >= TRIM_AFTER_BYTES || p->received >= TRIM_AFTER_BYTES;
    atomic_fetch_sub(&h->buffered, p->charged);
    if (p->job) { /* its text is the worker's until done */
        pthread_mutex_lock(&h->conns_lock);
        int done = p->job->done;
        pthread_mutex_unlock(&h->conns_lock);
        trim |= done && p->job->text && strlen(p->job->text) >= TRIM_AFTER_BYTES;
    }
    free(p->body.data);
    if (p->entry)
        mm_session_store_put(h->store, p->entry);
    if (p->job) {
        mm_http_detach(h, &p->job->k);
        job_unref(p->job);
    }
    if (p->stream)
        mm_http_post_stream_free(p->stream);
    free(p);
    if (trim)
        mm_http_want_trim(h); /* MHD frees its copy of the answer after this */
}
