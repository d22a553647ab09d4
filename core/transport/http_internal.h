/*
 * What the parts of the HTTP transport share: the server context and small reply helpers.
 * Private to http_*.c. Thread-safety: the context is read-only once serving except for
 * `stopping` (atomic) and the store (thread-safe); each MHD connection thread has its own
 * Mist connection in conn_key.
 */
#ifndef MISTMCP_CORE_TRANSPORT_HTTP_INTERNAL_H
#define MISTMCP_CORE_TRANSPORT_HTTP_INTERNAL_H

#include "mcp/server.h"
#include "mcp/session_store.h"
#include "mist/client.h"
#include "transport/mhd_lib.h"

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

#define MM_HTTP_KEEPALIVE_MS 15000 /* an idle event stream sends a comment this often */

typedef struct mm_http_ctx {
    const mm_server *srv;
    const mm_mhd_api *mhd;
    mm_session_store *store;
    pthread_key_t conn_key; /* each MHD thread's Mist connection */
    atomic_int stopping;    /* event streams end when set */
    /* Calls running on their own threads (http_post_stream.c): shutdown waits for them. */
    pthread_mutex_t calls_lock;
    pthread_cond_t calls_idle;
    unsigned calls_running;
} mm_http_ctx;

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

/* Queues a complete answer (body copied; may be NULL) with the --header lines and, when
 * session is not NULL, Mcp-Session-Id. */
enum MHD_Result mm_http_reply(mm_http_ctx *h, struct MHD_Connection *c, unsigned status,
                              const char *content_type, const char *body, const char *session);

/* The calling thread's Mist connection (created on first use). take removes it from the
 * thread (it is lent to another thread); give puts one back if the thread has none, else
 * destroys it. */
mm_mist_conn *mm_http_thread_conn(mm_http_ctx *h);
mm_mist_conn *mm_http_take_conn(mm_http_ctx *h);
void mm_http_give_conn(mm_http_ctx *h, mm_mist_conn *conn);

/* Shutdown, after the daemon stopped and the sessions' calls were cancelled: returns once no
 * call thread runs any more (they end promptly once cancelled). */
void mm_http_wait_calls(mm_http_ctx *h);

/* POST of a single request that may send notifications before its answer (see
 * mm_protocol_may_notify), from a client that accepts text/event-stream. The call runs on its
 * own thread; the answer is application/json if nothing came before the response, else an
 * event stream of the notifications as they happen, then the response. Takes ownership of
 * msg and of the entry's use reference. */
enum MHD_Result mm_http_post_streamed(mm_http_ctx *h, struct MHD_Connection *c,
                                      mm_session_entry *entry, cJSON *msg);

#endif
