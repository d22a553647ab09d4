#define _GNU_SOURCE /* pipe2 */
#include "transport/stdio_server.h"

#include "base/json_exact.h"
#include "base/stop_signal.h"
#include "base/util.h"
#include "base/work_pool.h"
#include "mcp/era.h"
#include "mcp/protocol.h"
#include "mcp/session.h"
#include "mcp/subscription.h"
#include "mist/client.h"
#include "transport/stdio_listen.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define WORKERS 4

#define MAX_LINE (64u << 20) /* a longer line is refused, not buffered */

typedef struct writer {
    pthread_mutex_t lock;
    int fd;
    atomic_int broken; /* the client went away; read by the reader without the lock */
} writer;

static void write_line(void *p, const char *json)
{
    writer *w = p;
    pthread_mutex_lock(&w->lock);
    /* One system call per message: the line and its newline together. */
    struct iovec iov[2] = {{(void *)json, strlen(json)}, {"\n", 1}};
    size_t left = iov[0].iov_len + 1;
    int i = 0;
    while (left > 0 && !atomic_load(&w->broken)) {
        ssize_t n = writev(w->fd, iov + i, 2 - i);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            atomic_store(&w->broken, 1); /* the client went away */
            break;
        }
        left -= (size_t)n;
        while (i < 2 && (size_t)n >= iov[i].iov_len) {
            n -= (ssize_t)iov[i].iov_len;
            iov[i].iov_len = 0;
            i++;
        }
        if (i < 2) {
            iov[i].iov_base = (char *)iov[i].iov_base + n;
            iov[i].iov_len -= (size_t)n;
        }
    }
    pthread_mutex_unlock(&w->lock);
}

typedef struct slow_job {
    mm_session *session;
    cJSON *msg;
    mm_inflight *request; /* registered when queued, so a cancel can reach it early */
} slow_job;

/* Each worker's state: its own Mist connection. */
static void *worker_conn_create(void)
{
    return mm_mist_conn_create();
}

static void worker_conn_destroy(void *state)
{
    mm_mist_conn *conn = state;
    mm_mist_conn_destroy(&conn);
}

static void run_slow(void *p, void *worker_state)
{
    slow_job *j = p;
    mm_mist_conn *conn = worker_state;
    cJSON *reply = cJSON_IsArray(j->msg) ? mm_protocol_handle_batch(j->session, conn, j->msg, NULL)
                                         : mm_protocol_handle(j->session, conn, j->msg, j->request);
    if (reply)
        mm_session_send(j->session, reply);
    cJSON_Delete(j->msg);
    free(j);
}

/* The two sessions of the stdio process (MCP 2026-07-28 basic/versioning, "a dual-era server
 * selects its behavior from how the client opens"): the legacy one that initialize opens, and
 * the modern one that serves each request carrying 2026-07-28 _meta on its own. Both have the
 * operator's settings; only the legacy one's categories change (manageMcpTools). */
typedef struct eras {
    mm_session *legacy, *modern;
    mm_stdio_listen *listen; /* the modern session's subscriptions (reader thread only) */
} eras;

/* The session a message is for; a cancellation reaches both (its requestId names a request of
 * either era, and ids are the client's to keep apart). */
static mm_session *session_for(const eras *e, const cJSON *msg)
{
    if (mm_era_is_modern(msg))
        return e->modern;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(msg, "method");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
    const cJSON *rid = cJSON_GetObjectItemCaseSensitive(params, "requestId");
    if (cJSON_IsObject(msg) && cJSON_IsString(m) &&
        strcmp(m->valuestring, "notifications/cancelled") == 0 && rid)
        mm_session_cancel(e->modern, rid);
    return e->legacy;
}

/* 1 if msg is a notifications/cancelled (of either era) naming an open subscription, which
 * then ends without an answer (MCP 2026-07-28 basic/patterns/subscriptions, "Cancellation"). */
static int ends_subscription(const eras *e, const cJSON *msg)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(msg, "method");
    const cJSON *rid = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(msg, "params"), "requestId");
    return cJSON_IsObject(msg) && cJSON_IsString(m) &&
           strcmp(m->valuestring, "notifications/cancelled") == 0 && rid &&
           mm_stdio_listen_cancel(e->listen, rid);
}

/* One line of input: parsed and answered here, or queued for a worker. */
static void handle_line(const eras *e, mm_work_pool *pool, mm_mist_conn *conn, const char *line,
                        size_t n)
{
    mm_session *s = e->legacy; /* errors before a message is read go out through it */
    const char *end = NULL;
    const char *too_much = mm_json_input_problem(line, n); /* before any tree is built */
    if (too_much) {
        char text[200];
        snprintf(text, sizeof text, "parse error: %s", too_much);
        mm_session_send(s, mm_protocol_error(NULL, MM_PARSE_ERROR, text));
        return;
    }
    cJSON *msg = mm_json_parse_exact(line, n, &end);
    while (msg && end && end < line + n && (*end == ' ' || *end == '\t' || *end == '\r'))
        end++;
    if (!msg || (end && end < line + n)) {
        cJSON_Delete(msg);
        mm_session_send(s, mm_protocol_error(NULL, MM_PARSE_ERROR,
                                             msg ? "parse error: one JSON value per line"
                                                 : "parse error: the line is not valid JSON"));
        return;
    }
    if (ends_subscription(e, msg)) {
        cJSON_Delete(msg);
        return;
    }
    s = session_for(e, msg);
    if (s == e->modern && mm_subscription_is_listen(msg)) { /* a stream of this transport's */
        mm_stdio_listen_open(e->listen, s, msg);
        cJSON_Delete(msg);
        return;
    }
    if (!mm_protocol_is_slow(msg)) {
        cJSON *reply = mm_protocol_handle(s, conn, msg, NULL);
        cJSON_Delete(msg);
        if (reply)
            mm_session_send(s, reply);
        return;
    }
    slow_job *j = mm_xcalloc(1, sizeof *j);
    j->session = s;
    j->msg = msg;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
    if (cJSON_IsObject(msg) && (cJSON_IsString(id) || cJSON_IsNumber(id)))
        j->request = mm_session_begin_request(s, id);
    mm_work_pool_submit(pool, run_slow, j);
}

int mm_stdio_serve(const mm_server *srv, int in_fd, int out_fd)
{
    int wake_fd = mm_stop_signal_install();
    if (wake_fd < 0) {
        perror("mistmcp: pipe");
        return 1;
    }

    writer w = {.fd = out_fd};
    pthread_mutex_init(&w.lock, NULL);
    const mm_config *cfg = srv->cfg;
    char err[512];
    mm_session *s = mm_session_create_own(srv, write_line, &w, err, sizeof err);
    eras e = {.legacy = s,
              .modern = s ? mm_session_create_own(srv, write_line, &w, err, sizeof err) : NULL};
    if (e.modern)
        e.modern->modern = 1;
    if (!e.modern) {
        mm_session_destroy(&s);
        fprintf(stderr, "mistmcp: cannot start the session: %s\n", err);
        pthread_mutex_destroy(&w.lock);
        mm_stop_signal_release();
        return 1;
    }
    e.listen = mm_stdio_listen_create();
    if (cfg->debug) {
        char fp[32] = "none";
        if (cfg->tokens.count)
            mm_token_fingerprint(cfg->tokens.items[0], fp, sizeof fp);
        fprintf(stderr, "mistmcp: stdio, mode %s, cloud %s, %s, write tools %s\n",
                mm_mode_name(cfg->mode), cfg->cloud, fp, cfg->enable_write_tools ? "on" : "off");
    }
    /* Workers never take SIGINT/SIGTERM: the reader must be the one woken. */
    sigset_t block, old_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old_mask);
    mm_work_pool *pool = mm_work_pool_create(WORKERS, worker_conn_create, worker_conn_destroy);
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    mm_mist_conn *conn = mm_mist_conn_create(); /* for quick requests on this thread */

    size_t cap = 1 << 16, len = 0;
    char *buf = mm_xmalloc(cap);
    int skipping = 0; /* inside a line longer than MAX_LINE */
    while (!mm_stop_signal_requested() && !atomic_load(&w.broken)) {
        struct pollfd fds[2] = {{.fd = in_fd, .events = POLLIN}, {.fd = wake_fd, .events = POLLIN}};
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (fds[1].revents)
            break; /* a signal */
        if (len == cap) {
            if (cap >= MAX_LINE) {
                mm_session_send(s, mm_protocol_error(NULL, MM_INVALID_REQUEST,
                                                     "message too long: 64 MiB at most"));
                len = 0;
                skipping = 1;
            } else {
                buf = mm_xrealloc(buf, cap *= 2);
            }
        }
        ssize_t got = read(in_fd, buf + len, cap - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break; /* end of input */
        len += (size_t)got;
        size_t start = 0;
        for (char *nl; (nl = memchr(buf + start, '\n', len - start)) != NULL;) {
            size_t n = (size_t)(nl - (buf + start));
            if (!skipping && n > 0)
                handle_line(&e, pool, conn, buf + start, n);
            skipping = 0;
            start += n + 1;
        }
        memmove(buf, buf + start, len - start);
        len -= start;
    }
    free(buf);
    if (mm_stop_signal_requested()) { /* a signal: stop the running calls; EOF lets them finish */
        mm_session_cancel_all(s);
        mm_session_cancel_all(e.modern);
    }
    mm_work_pool_destroy(&pool);
    /* Subscriptions end gracefully (basic/patterns/subscriptions, "Graceful Closure"), after
     * every answer of the calls that ran. */
    mm_stdio_listen_end_all(e.listen, e.modern);
    mm_stdio_listen_destroy(&e.listen);
    mm_mist_conn_destroy(&conn);
    mm_session_destroy(&e.modern);
    mm_session_destroy(&s);
    pthread_mutex_destroy(&w.lock);
    mm_stop_signal_release();
    return 0;
}
