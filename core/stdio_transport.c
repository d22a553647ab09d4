#define _POSIX_C_SOURCE 200809L
#include "stdio_transport.h"

#include "protocol.h"
#include "session.h"
#include "util.h"
#include "work_pool.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#define WORKERS 4

/* Set by the signal handler: the one piece of global state the transport needs, as a
 * handler can reach nothing else. */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

typedef struct writer {
    pthread_mutex_t lock;
    int fd;
    int broken; /* the client went away */
} writer;

static void write_line(void *p, const char *json)
{
    writer *w = p;
    pthread_mutex_lock(&w->lock);
    /* One system call per message: the line and its newline together. */
    struct iovec iov[2] = {{(void *)json, strlen(json)}, {"\n", 1}};
    size_t left = iov[0].iov_len + 1;
    int i = 0;
    while (left > 0 && !w->broken) {
        ssize_t n = writev(w->fd, iov + i, 2 - i);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            w->broken = 1; /* the client went away */
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
} slow_job;

static void run_slow(void *p, mm_mist_conn *conn)
{
    slow_job *j = p;
    cJSON *reply = cJSON_IsArray(j->msg) ? mm_protocol_handle_batch(j->session, conn, j->msg)
                                         : mm_protocol_handle(j->session, conn, j->msg);
    if (reply)
        mm_session_send(j->session, reply);
    cJSON_Delete(j->msg);
    free(j);
}

static void cancel_all(mm_session *s)
{
    pthread_mutex_lock(&s->lock);
    for (mm_inflight *r = s->inflight; r; r = r->next)
        atomic_store(&r->cancelled, 1);
    pthread_mutex_unlock(&s->lock);
}

int mm_stdio_serve(const mm_server *srv, int in_fd, int out_fd)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: a blocked read returns EINTR */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    writer w = {.fd = out_fd};
    pthread_mutex_init(&w.lock, NULL);
    const mm_config *cfg = srv->cfg;
    char err[512];
    mm_session *s =
        mm_session_create(srv, cfg->mode, (const char *const *)cfg->categories.items,
                          cfg->categories.count, cfg->tokens.count ? cfg->tokens.items[0] : NULL,
                          cfg->org_id, write_line, &w, err, sizeof err);
    if (!s) {
        fprintf(stderr, "mistmcp: cannot start the session: %s\n", err);
        pthread_mutex_destroy(&w.lock);
        return 1;
    }
    if (cfg->debug) {
        char fp[32] = "none";
        if (cfg->tokens.count)
            mm_token_fingerprint(cfg->tokens.items[0], fp, sizeof fp);
        fprintf(stderr, "mistmcp: stdio, mode %s, cloud %s, %s, write tools %s\n",
                mm_mode_name(cfg->mode), cfg->cloud, fp, cfg->enable_write_tools ? "on" : "off");
    }
    mm_work_pool *pool = mm_work_pool_create(WORKERS);
    mm_mist_conn *conn = mm_mist_conn_create(); /* for quick requests on this thread */
    FILE *in = fdopen(dup(in_fd), "r");
    char *line = NULL;
    size_t cap = 0;
    while (in && !stop_requested) {
        errno = 0;
        ssize_t n = getline(&line, &cap, in);
        if (n < 0) {
            if (errno == EINTR && !stop_requested) {
                clearerr(in);
                continue;
            }
            break; /* end of input or a signal */
        }
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0)
            continue;
        cJSON *msg = cJSON_ParseWithLength(line, (size_t)n);
        if (!msg) {
            mm_session_send(s, mm_protocol_error(NULL, MM_PARSE_ERROR,
                                                 "parse error: the line is not valid JSON"));
            continue;
        }
        if (mm_protocol_is_slow(msg)) {
            slow_job *j = mm_xcalloc(1, sizeof *j);
            j->session = s;
            j->msg = msg;
            mm_work_pool_submit(pool, run_slow, j);
            continue;
        }
        cJSON *reply = mm_protocol_handle(s, conn, msg);
        cJSON_Delete(msg);
        if (reply)
            mm_session_send(s, reply);
    }
    free(line);
    if (in)
        fclose(in);
    if (stop_requested)
        cancel_all(s); /* a signal: stop the running calls; EOF lets them finish */
    mm_work_pool_destroy(&pool);
    mm_mist_conn_destroy(&conn);
    mm_session_destroy(&s);
    pthread_mutex_destroy(&w.lock);
    return 0;
}
