/*
 * What the parts of the HTTP transport share: the server context, the connections it tracks,
 * and small reply helpers. Private to http_*.c.
 *
 * The model: libmicrohttpd runs a few polling threads (epoll) that only move bytes; an idle
 * or slow connection holds no thread. Whatever may take long (a tools/call, a batch) runs on
 * the transport's worker pool, each worker with its own Mist connection, while its HTTP
 * connection is suspended; an event stream with nothing to send is suspended too. A suspended
 * connection is "parked": exactly one wake (MHD_resume_connection) follows each park, from the
 * worker that finished, the outbox that got a message, or the ticker (the main thread, twice
 * a second), which also enforces the header deadline and the minimum body rate, and notices
 * clients that hung up while their call ran (their calls are cancelled).
 *
 * Thread-safety: the context is read-only once serving except for the atomics, the store
 * (thread-safe), the connection list and each connection's changing fields (under conns_lock;
 * its MHD connection, socket and addresses never change after it opened) and the running-call
 * count (under calls_lock).
 */
#ifndef MISTMCP_CORE_TRANSPORT_HTTP_INTERNAL_H
#define MISTMCP_CORE_TRANSPORT_HTTP_INTERNAL_H

#include "base/config.h"
#include "base/hash_map.h"
#include "base/work_pool.h"
#include "mcp/server.h"
#include "mcp/session_store.h"
#include "mist/client.h"
#include "transport/mhd_lib.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

#define MM_HTTP_KEEPALIVE_MS 15000       /* an idle event stream sends a comment this often */
#define MM_HTTP_HEADER_DEADLINE_MS 15000 /* a request's headers, from connect or last answer */
#define MM_HTTP_BODY_GRACE_MS 10000      /* then a body must keep the minimum rate: */
#define MM_HTTP_BODY_MIN_RATE 4096       /* bytes per second, on average */
#define MM_HTTP_MAX_BODY (4u << 20)      /* bytes of one request body */
#define MM_HTTP_MAX_BODY_NO_SESSION (64u << 10) /* without a session: initialize only */
#define MM_HTTP_MAX_BUFFERED (256u << 20)       /* bytes of request bodies held at once, in all */
#define MM_HTTP_MODERN_PINS 8        /* sessions kept for the settings modern requests choose */
#define MM_HTTP_CALLS_PER_SESSION 16 /* calls queued or running for one session */
#define MM_HTTP_PER_ADDRESS 256      /* connections from one address (a trusted proxy: any) */

typedef struct mm_http_conn mm_http_conn;

/* ---- where to listen (http_listen.c) ---- */

#define MM_HTTP_MAX_LISTEN 8 /* addresses of one --host name */

typedef struct mm_http_listen {
    struct sockaddr_storage addr[MM_HTTP_MAX_LISTEN]; /* each with the port set */
    size_t count;
    int loopback_only; /* every address is a loopback one (127.0.0.0/8, ::1) */
    int some_loopback; /* at least one is (a name with loopback and other addresses) */
    int literal;       /* host was an address, not a name */
} mm_http_listen;

/* Resolves host for port (getaddrinfo, so it may block on DNS: call before serving): an IPv4
 * or IPv6 address, or a name for every address it has (duplicates dropped, at most
 * MM_HTTP_MAX_LISTEN). Returns 0, or -1 with a one-line message naming host and why in err.
 * Thread-safe. */
int mm_http_listen_resolve(const char *host, int port, mm_http_listen *out, char *err,
                           size_t err_size);
/* "127.0.0.1:8000" or "[::1]:8000" into buf. */
void mm_http_listen_name(const struct sockaddr_storage *a, char *buf, size_t size);
/* 1 if a is a loopback address: 127.0.0.0/8, ::1, or ::ffff:127.x.y.z. Thread-safe. */
int mm_http_listen_is_loopback(const struct sockaddr_storage *a);
/* 1 if a is the IPv6 unspecified address (::), which then takes IPv4 connections too. */
int mm_http_listen_any6(const struct sockaddr_storage *a);

/* What the access log line of one request says, gathered while it is served (http_access.c).
 * Each connection holds the record of its current request. Only the connection's own MHD
 * polling thread touches it (the access handler, the content readers and the completion
 * callback all run there, one request after the other; workers never do), so it needs no
 * lock. Text fields hold what a client sent made safe for a log line (see http_access.c). */
typedef struct mm_http_access {
    int on;                        /* this request gets a line (--no-access-log: never) */
    long long start_us;            /* CLOCK_MONOTONIC, when its headers were in */
    unsigned status;               /* of the answer queued; 0: none (connection closed) */
    size_t bytes;                  /* body bytes queued, or of an event stream, sent */
    char method[24];               /* GET, POST... */
    char path[192];                /* the path, without the query (it may hold secrets) */
    char peer[INET6_ADDRSTRLEN];   /* the connection's address */
    char client[INET6_ADDRSTRLEN]; /* the client's: the peer, or X-Forwarded-For's */
    char session[25];              /* Mcp-Session-Id's first 8 characters */
    char rpc[48], tool[80];        /* a POST's JSON-RPC method; a tools/call's tool */
} mm_http_access;

typedef struct mm_http_ctx {
    const mm_server *srv;
    const mm_mhd_api *mhd;
    mm_session_store *store;
    mm_work_pool *workers;
    atomic_int stopping;    /* streams end and nothing new parks when set */
    atomic_int trim_wanted; /* much memory was freed: the ticker gives it back to the system */
    atomic_size_t buffered; /* bytes of request bodies held, all requests together */
    atomic_uint listening;  /* subscriptions/listen streams open: shutdown lets them end */
    /* The connections MHD has open (http_conn.c), and how many per peer address. */
    pthread_mutex_t conns_lock;
    mm_http_conn *conns;
    mm_hash_map *per_address; /* address text -> count (as a pointer-sized integer) */
    unsigned closed_since_trim;
    long long last_trim_ms; /* the ticker's */
    /* Each session's calls waiting for their turn (http_lanes.c): session -> lane. */
    pthread_mutex_t lanes_lock;
    mm_hash_map *lanes;
    /* Calls on the workers: shutdown waits for them. */
    pthread_mutex_t calls_lock;
    pthread_cond_t calls_idle;
    unsigned calls_running;
    /* Sessions of the settings modern requests chose (the server's own, or a URL's mode and
     * categories), made by the first request of each (http_stateless.c): each holds its
     * categories' plugins, so that a later modern request's own session does not load and
     * unload them again. At most MM_HTTP_MODERN_PINS, the least recently used one replaced;
     * freed at shutdown. */
    pthread_mutex_t pin_lock;
    struct mm_http_pin {
        char *key; /* the mode and the sorted categories, as text */
        struct mm_session *session;
        unsigned long long used; /* pin_clock when last used */
    } modern_pins[MM_HTTP_MODERN_PINS];
    unsigned long long pin_clock;
    int loopback_only; /* listening on loopback addresses only: the Host guard applies */
    int some_loopback; /* some of the addresses are loopback ones: there, per connection */
} mm_http_ctx;

/* ---- connections (http_conn.c) ---- */

/* MHD's MHD_OPTION_NOTIFY_CONNECTION callback: tracks each connection from open to close
 * and refuses one over MM_HTTP_PER_ADDRESS for its address (a trusted proxy excepted). */
void mm_http_conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                         enum MHD_ConnectionNotificationCode code);
/* The tracked connection of c (NULL if MHD did not report it: cannot happen once serving). */
mm_http_conn *mm_http_conn_of(mm_http_ctx *h, struct MHD_Connection *c);
/* The connection's request has its headers (first call of the access handler). */
void mm_http_conn_request_began(mm_http_ctx *h, mm_http_conn *k);
/* Body bytes arrived (the ticker closes a body slower than the minimum rate). */
void mm_http_conn_body_progress(mm_http_ctx *h, mm_http_conn *k, size_t bytes);
/* The whole body is in: the rate no longer applies (the answer may take its time). */
void mm_http_conn_body_done(mm_http_ctx *h, mm_http_conn *k);
/* The request ended (answered or aborted): the next one's header deadline starts now. */
void mm_http_conn_request_ended(mm_http_ctx *h, mm_http_conn *k);
/* The peer's address as text ("" if unknown). */
const char *mm_http_conn_peer(const mm_http_conn *k);
/* The access log record of k's current request (see mm_http_access). */
mm_http_access *mm_http_conn_access(mm_http_conn *k);
/* The client's address: the peer's, or when the peer is a --trusted-proxy the right-most
 * address of X-Forwarded-For (all its lines, in order) that is not one. Written into out. */
void mm_http_client_ip(mm_http_ctx *h, struct MHD_Connection *c, const mm_http_conn *k,
                       char out[INET6_ADDRSTRLEN]);
/* The client's key for budgets: mm_http_client_ip, where an IPv6 address counts as its /64.
 * Written into out. */
#define MM_HTTP_CLIENT_KEY_LEN (INET6_ADDRSTRLEN + 4)
void mm_http_client_address(mm_http_ctx *h, struct MHD_Connection *c, const mm_http_conn *k,
                            char out[MM_HTTP_CLIENT_KEY_LEN]);
/* Answers 413 straight on the socket while the body is still arriving (MHD can queue an
 * answer only before the body or after all of it), then stops reading; the ticker closes the
 * connection soon after, once the client had time to read the answer. */
void mm_http_conn_refuse_body(mm_http_ctx *h, mm_http_conn *k, const char *json);

/* Parks the connection: MHD stops serving it until mm_http_wake. Call from MHD's access
 * handler or content reader, which then returns (a reader returns 0). cond (may be NULL) is
 * checked under the lock that mm_http_wake takes: if it returns 1 (or the server is
 * stopping), the connection is not parked and park returns 0; else 1. wake_after_ms > 0: the
 * ticker wakes it then at the latest. on_hangup (may be NULL) is called once, by the ticker
 * with conns_lock held, if the client hangs up while parked (it may only set flags and
 * cancel calls). */
int mm_http_park(mm_http_ctx *h, mm_http_conn *k, int (*cond)(void *ctx), void *cond_ctx,
                 long wake_after_ms, void (*on_hangup)(void *ctx), void *hangup_ctx);
/* The first half of mm_http_park, for a caller that must decide under another lock (an
 * outbox's: see mm_outbox_pop_or_arm): marks k parked and returns 1 (0 if stopping). The
 * caller then calls mm_http_suspend after releasing that lock. */
int mm_http_park_arm(mm_http_ctx *h, mm_http_conn *k, long wake_after_ms,
                     void (*on_hangup)(void *ctx), void *hangup_ctx);
void mm_http_suspend(mm_http_ctx *h, mm_http_conn *k);
/* Wakes the parked connection *kp (read under the lock: the request's side may set it NULL
 * when the request ends); nothing if none or not parked. update (may be NULL) runs under the
 * same lock first (the producer's side of park's cond). Any thread. */
void mm_http_wake(mm_http_ctx *h, mm_http_conn *const *kp, void (*update)(void *ctx), void *ctx);
/* Sets *kp to NULL under the lock (the request ended: wakes must no longer reach it). */
void mm_http_detach(mm_http_ctx *h, mm_http_conn **kp);
/* Ticker, from the main thread: deadlines, rates, hang-ups, timed wakes; with all set, wakes
 * every parked connection (shutdown). */
void mm_http_conn_tick(mm_http_ctx *h, int wake_all);
/* Asks the ticker to give freed memory back to the system soon (malloc_trim, at most once a
 * second: after a large body or answer, or many connections closed). Any thread. */
void mm_http_want_trim(mm_http_ctx *h);
/* Connections parked now. */
size_t mm_http_parked_count(mm_http_ctx *h);

/* ---- calls on the workers ---- */

/* Runs fn(arg, worker's Mist connection) on a worker once the session (any pointer naming it)
 * has fewer than MM_HTTP_CALLS_PER_SESSION calls running; until then it waits in the
 * session's queue, in order. fn must call mm_http_lane_done(h, session) when it ends. */
void mm_http_lane_submit(mm_http_ctx *h, const void *session, mm_work_fn fn, void *arg);
void mm_http_lane_done(mm_http_ctx *h, const void *session);

/* Counts a call about to be submitted to the workers; 0 if the server is stopping. */
int mm_http_call_begin(mm_http_ctx *h);
void mm_http_call_end(mm_http_ctx *h);
/* Shutdown, after the sessions' calls were cancelled: returns once no call runs. */
void mm_http_wait_calls(mm_http_ctx *h);

/* ---- answers ---- */

/* An SSE event on its way to MHD, which takes it in pieces (both event streams use it). */
typedef struct mm_sse_pending {
    char *text; /* NULL: nothing pending */
    size_t len, off;
} mm_sse_pending;
/* Makes msg (taken, freed) the pending "message" event. */
void mm_sse_set_message(mm_sse_pending *p, char *msg);
/* Makes a keep-alive comment the pending event (proxies keep the stream open). */
void mm_sse_set_keepalive(mm_sse_pending *p);
/* Hands up to max bytes of the pending event to buf; frees it once all is handed over. */
ssize_t mm_sse_copy(mm_sse_pending *p, char *buf, size_t max);

/* Adds the operator's --header lines to a response. */
void mm_http_add_headers(const mm_http_ctx *h, struct MHD_Response *r);

/* The headers of an event stream's answer (both streams): its type, no caching, and no
 * buffering by a proxy (nginx honours X-Accel-Buffering). */
void mm_http_event_stream_headers(const mm_http_ctx *h, struct MHD_Response *r);

/* The one place an answer is queued: adds the --header lines, queues r with status, destroys
 * the caller's reference to r, and notes status, body_bytes (0 for an event stream: its bytes
 * are counted as they go, mm_http_access_sent) and the new session id (may be NULL) for the
 * access log. */
enum MHD_Result mm_http_queue(mm_http_ctx *h, struct MHD_Connection *c, unsigned status,
                              struct MHD_Response *r, size_t body_bytes, const char *session);

/* Queues a complete answer (body copied; may be NULL) with the --header lines and, when
 * session is not NULL, Mcp-Session-Id. */
enum MHD_Result mm_http_reply(mm_http_ctx *h, struct MHD_Connection *c, unsigned status,
                              const char *content_type, const char *body, const char *session);
/* A JSON-RPC error as an HTTP answer (id may be NULL). */
enum MHD_Result mm_http_rpc_error(mm_http_ctx *h, struct MHD_Connection *c, unsigned status,
                                  const cJSON *id, int code, const char *message);
/* The answer to a session lookup that failed (mcp/session_store.h: 403, 404 or 503 and its
 * JSON-RPC error, id null: the request was not read yet). */
enum MHD_Result mm_http_lookup_error(mm_http_ctx *h, struct MHD_Connection *c, mm_lookup outcome);
/* The token of a request: X-Authorization, or Authorization: Bearer|Token; NULL if none. */
const char *mm_http_request_token(const mm_http_ctx *h, struct MHD_Connection *c);

/* ---- a request's session (http_session.c) ---- */

/* What a request's URL query (cloud, mode, categories) and X-Mist-Cloud header choose, checked
 * with the messages of --mode and --categories; cloud points into the request or the settings. */
typedef struct mm_http_choice {
    const char *cloud;
    mm_mode mode;
    mm_strlist cats;
    int own; /* neither mode nor categories in the query: the server's own */
} mm_http_choice;
/* Fills out from the request c: 0, or -1 after answering the error (with id) into *answered. */
int mm_http_session_choice(mm_http_ctx *h, struct MHD_Connection *c, const cJSON *id,
                           mm_http_choice *out, enum MHD_Result *answered);
void mm_http_choice_free(mm_http_choice *choice);
/* Builds the session of choice (freed here, whatever happens) for token ("" for none), with its
 * own Mist client: a legacy one (modern 0) sends through an outbox that the GET stream reads;
 * a modern one (MCP 2026-07-28, s->modern) sends only on its requests' own streams. Returns
 * it (the caller owns it), or NULL after answering the error into *answered. */
mm_session *mm_http_session_build(mm_http_ctx *h, struct MHD_Connection *c, mm_http_choice *choice,
                                  const char *token, int modern, const cJSON *id,
                                  enum MHD_Result *answered);

/* How choice made a session, for a shared session store (the caller frees *out with
 * mm_shared_origin_free; the demo token is the caller's to add). */
void mm_http_session_origin(const mm_http_choice *choice, mm_shared_origin *out);
/* The session another replica made, built again here from its origin (an
 * mm_session_rebuild_fn; ctx is the mm_http_ctx). */
mm_session *mm_http_session_rebuild(void *ctx, const mm_shared_origin *origin, const char *token,
                                    char *err, size_t err_size);
/* The outbox a legacy session's GET stream reads. */
struct mm_outbox *mm_http_session_outbox(mm_session *s);
/* A message published for session id (an mm_shared_message_fn; ctx is the mm_http_ctx), for
 * this replica's copy if it has one: a message to the client into its outbox (the GET stream,
 * if this replica holds it, sends it); a client's reply or cancellation (from_client) to the
 * request it is about, if this replica runs it. */
void mm_http_session_published(void *ctx, const char *id, const char *line, int from_client);

/* ---- modern requests (http_stateless.c) ---- */

/* Frees h->modern_pins (shutdown, once no request runs). */
void mm_http_stateless_free(mm_http_ctx *h);

/* 1 if a POST without Mcp-Session-Id whose MCP-Protocol-Version header is version (may be
 * NULL) goes the modern, stateless way whatever its body: a version that is not a legacy one. */
int mm_http_modern_header(const char *version);
/* A modern request (MCP 2026-07-28 basic/transports/streamable-http): checks its headers
 * against its body (MCP-Protocol-Version, Mcp-Method, Mcp-Name, base64 forms decoded) and
 * its _meta, then builds the request's own session from its query and token. Returns a
 * detached store entry (one use reference, no id; mm_session_store_put frees it), or NULL after
 * answering the error into *answered: 400 with -32022, -32602 or -32020, 404 with -32601,
 * always with the request's id. Any thread that may answer c. */
mm_session_entry *mm_http_stateless_begin(mm_http_ctx *h, struct MHD_Connection *c,
                                          const char *token, const cJSON *msg,
                                          enum MHD_Result *answered);

/* ---- POST /mcp (http_post.c, http_post_stream.c) ---- */

/* The access handler's per-request state of a POST /mcp. */
typedef struct mm_http_post_state mm_http_post_state;
/* Handles every call of the access handler for a POST /mcp (the route's header checks were
 * made first): *state is NULL on the first call, then this request's state; data/data_size as
 * MHD gives them. */
enum MHD_Result mm_http_post(mm_http_ctx *h, struct MHD_Connection *c, mm_http_conn *k,
                             void **state, const char *data, size_t *data_size);
/* Frees a POST's state when MHD is done with the request. */
void mm_http_post_completed(mm_http_ctx *h, void *state);

/* A single request that may send notifications before its answer, from a client that accepts
 * text/event-stream: runs on a worker; the answer is application/json if nothing came before
 * the response, else an event stream of the notifications as they happen, then the response.
 * Takes msg and the entry's use reference. Called again (resumed) until it answers: *stream
 * keeps its state between calls (freed by mm_http_post_stream_free). */
typedef struct mm_http_stream_call mm_http_stream_call;
enum MHD_Result mm_http_post_streamed(mm_http_ctx *h, struct MHD_Connection *c, mm_http_conn *k,
                                      mm_session_entry *entry, cJSON *msg,
                                      mm_http_stream_call **stream);
void mm_http_post_stream_free(mm_http_stream_call *stream);

/* ---- subscriptions/listen (http_subscribe.c) ---- */

/* Answers a modern subscriptions/listen request msg (its headers and _meta were checked:
 * mm_http_stateless_begin) with its long-lived event stream (see http_subscribe.c), or with
 * 406 (no Accept: text/event-stream), 400 -32602 (a bad filter) or 503 (stopping), each with
 * msg's id. msg stays the caller's. MHD's access handler only. */
enum MHD_Result mm_http_subscribe(mm_http_ctx *h, struct MHD_Connection *c, mm_http_conn *k,
                                  const cJSON *msg);

/* ---- GET /metrics (http_metrics.c) ---- */

/* Answers a GET /metrics (srv->metrics is not NULL): the Prometheus text, or 401 with a
 * WWW-Authenticate: Bearer challenge when a --metrics-token is set and the request does not
 * bring it as "Authorization: Bearer TOKEN" (compared in constant time). */
enum MHD_Result mm_http_metrics(mm_http_ctx *h, struct MHD_Connection *c);
/* Answers a GET /healthz: 200 "ok"; with a Redis session store, a line saying whether Redis
 * answers a PING now (still 200 when it does not: the replica serves the sessions it holds,
 * and all replicas share that Redis). Blocks at most the store's timeout (500 ms). */
enum MHD_Result mm_http_healthz(mm_http_ctx *h, struct MHD_Connection *c);

/* ---- the access log (http_access.c): one line per request on stderr ---- */

/* A request's headers are in (the access handler's first call): starts its record. */
void mm_http_access_begin(mm_http_ctx *h, struct MHD_Connection *c, mm_http_conn *k,
                          const char *method, const char *url);
/* An answer was queued, or sent raw (mm_http_conn_refuse_body); k may be NULL. */
void mm_http_access_answer(mm_http_conn *k, unsigned status, size_t body_bytes,
                           const char *session);
/* bytes of an event stream went out (its content reader); k may be NULL. */
void mm_http_access_sent(mm_http_conn *k, size_t bytes);
/* The JSON-RPC message of a POST /mcp was parsed: its method and, for tools/call, the tool
 * (never its arguments). */
void mm_http_access_rpc(mm_http_conn *k, const cJSON *msg);
/* The request ended (MHD's completion callback): writes its line, once, in one write(2). */
void mm_http_access_end(mm_http_conn *k, enum MHD_RequestTerminationCode code);

/* The workers' Mist connection (a pool state; see mm_work_pool_create). */
void *mm_http_worker_state(void);
void mm_http_worker_state_free(void *state);

#endif
