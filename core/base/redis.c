#define _GNU_SOURCE /* explicit_bzero */
#include "base/redis.h"

#include "base/system_lib.h"
#include "base/util.h"

#include <ctype.h>
#include <errno.h>
#include <hiredis/hiredis.h> /* types and constants only: the functions come from dlopen */
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <strings.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* mm_redis_reply is hiredis's redisReply under our name: the same layout, checked here. */
_Static_assert(sizeof(mm_redis_reply) == sizeof(redisReply), "redisReply layout");
_Static_assert(offsetof(mm_redis_reply, str) == offsetof(redisReply, str), "redisReply.str");
_Static_assert(offsetof(mm_redis_reply, element) == offsetof(redisReply, element),
               "redisReply.element");
_Static_assert(MM_REDIS_STRING == REDIS_REPLY_STRING && MM_REDIS_ARRAY == REDIS_REPLY_ARRAY &&
                   MM_REDIS_INTEGER == REDIS_REPLY_INTEGER && MM_REDIS_NIL == REDIS_REPLY_NIL &&
                   MM_REDIS_STATUS == REDIS_REPLY_STATUS && MM_REDIS_ERROR == REDIS_REPLY_ERROR,
               "reply types");

static struct {
    redisContext *(*connect_tcp)(const char *ip, int port, const struct timeval tv);
    redisContext *(*connect_unix)(const char *path, const struct timeval tv);
    int (*set_timeout)(redisContext *c, const struct timeval tv);
    int (*keep_alive)(redisContext *c);
    void (*free_ctx)(redisContext *c);
    int (*append_argv)(redisContext *c, int argc, const char **argv, const size_t *argvlen);
    int (*get_reply)(redisContext *c, void **reply);
    int (*reply_from_reader)(redisContext *c, void **reply);
    int (*buffer_read)(redisContext *c);
    void (*free_reply)(void *reply);
} hr; /* written once, under load_once */
static char load_error[300];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void)
{
    const mm_system_symbol fns[] = {
        {"redisConnectWithTimeout", (void **)&hr.connect_tcp},
        {"redisConnectUnixWithTimeout", (void **)&hr.connect_unix},
        {"redisSetTimeout", (void **)&hr.set_timeout},
        {"redisEnableKeepAlive", (void **)&hr.keep_alive},
        {"redisFree", (void **)&hr.free_ctx},
        {"redisAppendCommandArgv", (void **)&hr.append_argv},
        {"redisGetReply", (void **)&hr.get_reply},
        {"redisGetReplyFromReader", (void **)&hr.reply_from_reader},
        {"redisBufferRead", (void **)&hr.buffer_read},
        {"freeReplyObject", (void **)&hr.free_reply},
    };
    const mm_system_lib lib = {"libhiredis.so.0.14", "hiredis", "libhiredis0.14"};
    mm_system_lib_load(&lib, fns, sizeof fns / sizeof fns[0], load_error, sizeof load_error);
}

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 5000

typedef struct conn {
    pthread_mutex_t lock;
    redisContext *ctx; /* NULL: not connected */
} conn;

struct mm_redis {
    mm_redis_target t;
    long timeout_ms;
    size_t n;
    conn *conns;
    atomic_size_t next; /* where a caller starts looking for a free connection */
    /* The reconnect backoff, shared by the connections (one server: if one cannot reach it,
     * none can). */
    pthread_mutex_t state_lock;
    long long retry_at_ms; /* 0: up; else failing, and when the next try may be made */
    long backoff_ms;
    int probing; /* a caller is making that try */
    char last_error[400];
    atomic_int up;
    atomic_ullong commands, errors, reconnects, round_trips, round_trip_us;
    /* The subscriber. */
    pthread_t sub_thread;
    int sub_started;
    atomic_int sub_stop;
    char *pattern;
    mm_redis_message_fn on_message;
    void *on_message_ctx;
};

/* ---- the URL ---- */

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A percent-decoded copy of s[0..n), or NULL when an escape is broken. */
static char *decode(const char *s, size_t n)
{
    char *out = mm_xmalloc(n + 1);
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            out[j++] = s[i];
            continue;
        }
        int a = i + 2 < n ? hex_value(s[i + 1]) : -1;
        int b = i + 2 < n ? hex_value(s[i + 2]) : -1;
        if (a >= 0 && b >= 0 && (a | b)) { /* %00 would cut the string short */
            out[j++] = (char)(a * 16 + b);
            i += 2;
            continue;
        }
        free(out);
        return NULL;
    }
    out[j] = '\0';
    return out;
}

static int parse_db(const char *s, int *db)
{
    if (!*s)
        return 0;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < 0 || v > INT_MAX || end == s)
        return -1;
    *db = (int)v;
    return 0;
}

static int url_fail(mm_redis_target *t, char *err, size_t err_size, const char *what)
{
    mm_redis_target_free(t);
    return mm_fail(err, err_size, "--session-store: %s", what);
}

int mm_redis_url_parse(const char *url, mm_redis_target *t, char *err, size_t err_size)
{
    *t = (mm_redis_target){.port = 6379};
    /* A scheme is case-insensitive (RFC 3986 section 3.1): REDIS:// is redis://. */
    if (strncasecmp(url, "rediss://", 9) == 0)
        return url_fail(t, err, err_size,
                        "rediss:// (TLS) is not available: Debian 12's hiredis (libhiredis0.14) "
                        "has no TLS; reach Redis over a unix socket (unix:///path) or a TLS "
                        "tunnel on loopback (redis://127.0.0.1:PORT)");
    if (strncasecmp(url, "unix://", 7) == 0) {
        const char *p = url + 7;
        const char *q = strchr(p, '?');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        if (n == 0 || p[0] != '/')
            return url_fail(t, err, err_size, "a unix socket URL is unix:///absolute/path[?db=N]");
        t->path = mm_xmalloc(n + 1);
        memcpy(t->path, p, n);
        t->path[n] = '\0';
        if (q && (strncmp(q, "?db=", 4) != 0 || parse_db(q + 4, &t->db) != 0))
            return url_fail(t, err, err_size,
                            "after a unix socket path only ?db=N (a database number) may follow");
        snprintf(t->where, sizeof t->where, "%.150s", t->path);
        return 0;
    }
    if (strncasecmp(url, "redis://", 8) != 0) {
        /* The scheme named, never the rest (it may hold a password), and only what has a
         * scheme's form (RFC 3986 3.1: a letter, then letters, digits, "+", "-", "."), and
         * short: never a piece of credentials before a stray "://". */
        const char *sep = strstr(url, "://");
        size_t n = sep ? (size_t)(sep - url) : 0;
        int named =
            n > 0 && n <= 16 && isalpha((unsigned char)url[0]) &&
            strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.") >= n;
        char what[200];
        snprintf(what, sizeof what,
                 "%s%.*s%sexpected memory, redis://[user:password@]host[:port][/db] or "
                 "unix:///path[?db=N]",
                 named ? "the scheme '" : "", named ? (int)n : 0, url,
                 named ? "://' is not one it knows: " : "");
        return url_fail(t, err, err_size, what);
    }
    const char *p = url + 8;
    const char *slash = strchr(p, '/');
    const char *end = slash ? slash : p + strlen(p);
    const char *at = memrchr(p, '@', (size_t)(end - p));
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        if (!colon)
            return url_fail(t, err, err_size,
                            "the credentials of a redis:// URL are user:password@ or "
                            ":password@ (percent-encode a ':' or '@' inside them)");
        if (colon > p && !(t->user = decode(p, (size_t)(colon - p))))
            return url_fail(t, err, err_size, "a broken %-escape in the URL's user name");
        if (!(t->password = decode(colon + 1, (size_t)(at - colon - 1))))
            return url_fail(t, err, err_size, "a broken %-escape in the URL's password");
        p = at + 1;
    }
    const char *host_end;
    const char *port_at = NULL;
    if (*p == '[') { /* an IPv6 literal */
        const char *close = memchr(p, ']', (size_t)(end - p));
        if (!close)
            return url_fail(t, err, err_size, "an IPv6 host is written [address]");
        t->host = mm_xmalloc((size_t)(close - p));
        memcpy(t->host, p + 1, (size_t)(close - p - 1));
        t->host[close - p - 1] = '\0';
        host_end = close + 1;
        if (host_end < end && *host_end != ':')
            return url_fail(t, err, err_size, "after [address] only :port may follow");
        if (host_end < end)
            port_at = host_end + 1;
    } else {
        const char *colon = memchr(p, ':', (size_t)(end - p));
        host_end = colon ? colon : end;
        t->host = mm_xmalloc((size_t)(host_end - p) + 1);
        memcpy(t->host, p, (size_t)(host_end - p));
        t->host[host_end - p] = '\0';
        if (colon)
            port_at = colon + 1;
    }
    if (!*t->host)
        return url_fail(t, err, err_size, "a redis:// URL needs a host: redis://HOST[:PORT][/DB]");
    if (port_at) {
        char digits[8];
        size_t n = (size_t)(end - port_at);
        char *e;
        long v = -1;
        if (n > 0 && n < sizeof digits) {
            memcpy(digits, port_at, n);
            digits[n] = '\0';
            v = strtol(digits, &e, 10);
            if (*e)
                v = -1;
        }
        if (v < 1 || v > 65535)
            return url_fail(t, err, err_size, "the port of a redis:// URL is 1 to 65535");
        t->port = (int)v;
    }
    if (slash && parse_db(slash + 1, &t->db) != 0)
        return url_fail(t, err, err_size,
                        "after host:port only /DB may follow (a database number, 0 or more)");
    snprintf(t->where, sizeof t->where, strchr(t->host, ':') ? "[%.140s]:%d" : "%.140s:%d", t->host,
             t->port);
    return 0;
}

void mm_redis_target_free(mm_redis_target *t)
{
    free(t->host);
    free(t->path);
    free(t->user);
    if (t->password) {
        explicit_bzero(t->password, strlen(t->password));
        free(t->password);
    }
    *t = (mm_redis_target){0};
}

/* ---- connections ---- */

static struct timeval tv_of(long ms)
{
    return (struct timeval){.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
}

static void note_failure(mm_redis *r, const char *what)
{
    pthread_mutex_lock(&r->state_lock);
    r->backoff_ms = r->backoff_ms ? r->backoff_ms * 2 : BACKOFF_FIRST_MS;
    if (r->backoff_ms > BACKOFF_MAX_MS)
        r->backoff_ms = BACKOFF_MAX_MS;
    r->retry_at_ms = mm_now_ms() + r->backoff_ms;
    r->probing = 0;
    snprintf(r->last_error, sizeof r->last_error, "%s", what);
    pthread_mutex_unlock(&r->state_lock);
    atomic_store(&r->up, 0);
}

static void note_success(mm_redis *r)
{
    pthread_mutex_lock(&r->state_lock);
    r->backoff_ms = 0;
    r->retry_at_ms = 0;
    r->probing = 0;
    pthread_mutex_unlock(&r->state_lock);
    atomic_store(&r->up, 1);
}

/* What to do about a set-up command Redis refused, from Redis's own words. */
static const char *refusal_hint(const char *command, const char *said)
{
    if (strncmp(said, "NOAUTH", 6) == 0)
        return "Redis requires a password and the --session-store URL gives none: "
               "redis://:PASSWORD@HOST:PORT/DB (or USER:PASSWORD@ with ACL users)";
    if (strncmp(said, "WRONGPASS", 9) == 0 || strstr(said, "invalid password") ||
        strstr(said, "invalid username-password"))
        return "the --session-store URL's user or password is not the one Redis has";
    if (strstr(said, "without any password configured"))
        return "the --session-store URL gives a password and Redis has none set: leave it out";
    if (strcmp(command, "SELECT") == 0 && strstr(said, "out of range"))
        return "the URL's database number is past Redis's 'databases' setting (16 by default)";
    return NULL;
}

/* One command on a fresh connection during its set-up (AUTH, SELECT, PING, PSUBSCRIBE): 0,
 * or -1 with why set and *refused: SETUP_REFUSED when Redis refused what the URL gives (a
 * password wrong or missing, no such database: why says what to change), SETUP_ERROR when it
 * answered with another error (LOADING, max clients, ...), SETUP_NO_ANSWER when none came. */
enum { SETUP_NO_ANSWER, SETUP_REFUSED, SETUP_ERROR };
static int setup_command(redisContext *ctx, int argc, const char **argv, char *why, size_t n,
                         int *refused)
{
    void *rep = NULL;
    *refused = SETUP_NO_ANSWER;
    if (hr.append_argv(ctx, argc, argv, NULL) != REDIS_OK || hr.get_reply(ctx, &rep) != REDIS_OK ||
        !rep) {
        snprintf(why, n, "%s", ctx->errstr[0] ? ctx->errstr : "no answer");
        return -1;
    }
    redisReply *reply = rep;
    int rc = 0;
    if (reply->type == REDIS_REPLY_ERROR) {
        /* Redis's own words ("WRONGPASS invalid username-password pair"): never the
         * password itself. */
        const char *said = reply->str ? reply->str : "";
        const char *hint = refusal_hint(argv[0], said);
        if (hint)
            snprintf(why, n, "%s (Redis answered %s with: %.120s)", hint, argv[0], said);
        else
            snprintf(why, n, "Redis answered %s with: %.120s", argv[0], said);
        *refused = hint ? SETUP_REFUSED : SETUP_ERROR;
        rc = -1;
    }
    hr.free_reply(rep);
    return rc;
}

/* A new connection, authenticated and on its database; NULL with why set, and *refused as
 * setup_command's (SETUP_NO_ANSWER when it could not connect). */
static redisContext *connect_new(mm_redis *r, char *why, size_t n, int *refused)
{
    *refused = SETUP_NO_ANSWER;
    struct timeval tv = tv_of(r->timeout_ms);
    redisContext *ctx =
        r->t.path ? hr.connect_unix(r->t.path, tv) : hr.connect_tcp(r->t.host, r->t.port, tv);
    if (!ctx) {
        snprintf(why, n, "out of memory");
        return NULL;
    }
    if (ctx->err) {
        snprintf(why, n, "%s", ctx->errstr);
        hr.free_ctx(ctx);
        return NULL;
    }
    /* TCP keepalive: a connection whose far end vanished (a partition, a failover) is found
     * dead, the subscriber's too, which otherwise waits for messages that never come. */
    if (!r->t.path)
        hr.keep_alive(ctx);
    if (hr.set_timeout(ctx, tv) != REDIS_OK) {
        snprintf(why, n, "cannot set the socket timeout");
        hr.free_ctx(ctx);
        return NULL;
    }
    /* AUTH, then SELECT; with neither, a PING: each proves the connection may run commands (a
     * Redis that wants a password answers NOAUTH), so that a refusal shows at connect, with
     * what to do, and not as an error of the first command, or a connection Redis closes when
     * an unauthenticated client sends a long command. */
    char db[16];
    snprintf(db, sizeof db, "%d", r->t.db);
    const char *auth[3] = {"AUTH", r->t.user ? r->t.user : r->t.password, r->t.password};
    const char *select[2] = {"SELECT", db};
    const char *ping[1] = {"PING"};
    if ((r->t.password && setup_command(ctx, r->t.user ? 3 : 2, auth, why, n, refused) != 0) ||
        (r->t.db && setup_command(ctx, 2, select, why, n, refused) != 0) ||
        (!r->t.password && !r->t.db && setup_command(ctx, 1, ping, why, n, refused) != 0)) {
        hr.free_ctx(ctx);
        return NULL;
    }
    return ctx;
}

/* Whether an idle connection was closed by the server meanwhile (a Redis restarted or
 * killed, its idle-client timeout, a proxy's): its socket is readable (end of file, or bytes
 * nobody asked for) or in error. Such a connection is replaced before a command is sent on
 * it; sent, the command would fail at once, and each idle connection of the pool would fail
 * one request that way after Redis came back. Nothing was sent, so nothing is retried. */
static int closed_by_peer(const redisContext *ctx)
{
    struct pollfd pfd = {.fd = ctx->fd, .events = POLLIN};
    int ready;
    while ((ready = poll(&pfd, 1, 0)) < 0 && errno == EINTR)
        ;
    return ready != 0;
}

/* Connects k (locked by the caller) unless in backoff. */
static int ensure_connected(mm_redis *r, conn *k, char *err, size_t err_size)
{
    if (k->ctx && closed_by_peer(k->ctx)) {
        hr.free_ctx(k->ctx);
        k->ctx = NULL;
    }
    /* Once a round trip failed, until one succeeds again: one caller at a time tries (after
     * each backoff), every other one fails at once, connected or not, so that a Redis that
     * stalls or drops packets costs one timeout per backoff, not one per caller. */
    pthread_mutex_lock(&r->state_lock);
    int down = r->retry_at_ms != 0;
    long long wait = down ? r->retry_at_ms - mm_now_ms() : 0;
    int probe = down && wait <= 0 && !r->probing;
    if (probe)
        r->probing = 1;
    char last[sizeof r->last_error];
    snprintf(last, sizeof last, "%s", r->last_error);
    pthread_mutex_unlock(&r->state_lock);
    if (down && !probe)
        return mm_fail(err, err_size, "Redis at %s %s; next try in %lld ms", r->t.where, last,
                       wait > 0 ? wait : 0);
    if (k->ctx)
        return 0;
    char why[300], what[sizeof r->last_error];
    int refused;
    k->ctx = connect_new(r, why, sizeof why, &refused);
    if (!k->ctx) {
        snprintf(what, sizeof what, "%s: %s",
                 refused == SETUP_REFUSED ? "refuses this client"
                 : refused == SETUP_ERROR ? "cannot serve this client now"
                                          : "is unreachable",
                 why);
        note_failure(r, what);
        return mm_fail(err, err_size, "Redis at %s %s", r->t.where, what);
    }
    atomic_fetch_add(&r->reconnects, 1);
    return 0;
}

mm_redis *mm_redis_open(mm_redis_target *t, size_t connections, long timeout_ms, char *err,
                        size_t err_size)
{
    pthread_once(&load_once, load);
    if (!hr.free_reply) {
        mm_fail(err, err_size, "%s", load_error);
        return NULL;
    }
    mm_redis *r = mm_xcalloc(1, sizeof *r);
    r->t = *t;
    *t = (mm_redis_target){0};
    r->timeout_ms = timeout_ms > 0 ? timeout_ms : 1000;
    r->n = connections ? connections : 1;
    r->conns = mm_xcalloc(r->n, sizeof *r->conns);
    for (size_t i = 0; i < r->n; i++)
        pthread_mutex_init(&r->conns[i].lock, NULL);
    pthread_mutex_init(&r->state_lock, NULL);
    return r;
}

void mm_redis_close(mm_redis **rp)
{
    mm_redis *r = *rp;
    if (!r)
        return;
    mm_redis_unsubscribe(r);
    for (size_t i = 0; i < r->n; i++) {
        if (r->conns[i].ctx)
            hr.free_ctx(r->conns[i].ctx);
        pthread_mutex_destroy(&r->conns[i].lock);
    }
    free(r->conns);
    pthread_mutex_destroy(&r->state_lock);
    free(r->pattern);
    mm_redis_target_free(&r->t);
    free(r);
    *rp = NULL;
}

/* A connection for this caller, locked: a free one if there is, else the next in turn. */
static conn *take_conn(mm_redis *r)
{
    size_t start = atomic_fetch_add(&r->next, 1);
    for (size_t i = 0; i < r->n; i++) {
        conn *k = &r->conns[(start + i) % r->n];
        if (pthread_mutex_trylock(&k->lock) == 0)
            return k;
    }
    conn *k = &r->conns[start % r->n];
    pthread_mutex_lock(&k->lock);
    return k;
}

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int mm_redis_run(mm_redis *r, size_t n, const mm_redis_cmd *cmds, mm_redis_reply **replies,
                 char *err, size_t err_size)
{
    conn *k = take_conn(r);
    atomic_fetch_add(&r->commands, n);
    if (ensure_connected(r, k, err, err_size) != 0) {
        pthread_mutex_unlock(&k->lock);
        atomic_fetch_add(&r->errors, n);
        return -1;
    }
    long long t0 = now_us();
    size_t got = 0;
    for (size_t i = 0; i < n; i++)
        if (hr.append_argv(k->ctx, cmds[i].argc, cmds[i].argv, cmds[i].argvlen) != REDIS_OK)
            goto broken;
    for (; got < n; got++) {
        void *rep = NULL;
        if (hr.get_reply(k->ctx, &rep) != REDIS_OK || !rep)
            goto broken;
        replies[got] = rep;
    }
    atomic_fetch_add(&r->round_trip_us, (unsigned long long)(now_us() - t0));
    atomic_fetch_add(&r->round_trips, 1);
    pthread_mutex_unlock(&k->lock);
    note_success(r);
    return 0;
broken:;
    char why[200];
    snprintf(why, sizeof why, "%s", k->ctx->errstr[0] ? k->ctx->errstr : "connection lost");
    hr.free_ctx(k->ctx);
    k->ctx = NULL;
    pthread_mutex_unlock(&k->lock);
    for (size_t i = 0; i < got; i++) {
        hr.free_reply(replies[i]);
        replies[i] = NULL;
    }
    atomic_fetch_add(&r->errors, n);
    char what[sizeof r->last_error];
    snprintf(what, sizeof what, "did not answer: %s", why);
    note_failure(r, what);
    return mm_fail(err, err_size, "Redis at %s %s", r->t.where, what);
}

void mm_redis_reply_free(mm_redis_reply *reply)
{
    if (reply)
        hr.free_reply(reply);
}

void mm_redis_stats_get(mm_redis *r, mm_redis_stats *out)
{
    out->up = atomic_load(&r->up);
    out->commands = atomic_load(&r->commands);
    out->errors = atomic_load(&r->errors);
    out->reconnects = atomic_load(&r->reconnects);
    out->round_trips = atomic_load(&r->round_trips);
    out->round_trip_us = atomic_load(&r->round_trip_us);
}

const char *mm_redis_where(const mm_redis *r)
{
    return r->t.where;
}

/* ---- the subscriber ---- */

/* Sleeps ms in slices, returning early (1) when asked to stop. */
static int nap(mm_redis *r, long ms)
{
    for (long slept = 0; slept < ms; slept += 50) {
        if (atomic_load(&r->sub_stop))
            return 1;
        nanosleep(&(struct timespec){.tv_nsec = 50 * 1000000L}, NULL);
    }
    return atomic_load(&r->sub_stop);
}

static void deliver(mm_redis *r, redisReply *m)
{
    /* ["pmessage", pattern, channel, message] */
    if (m->type != REDIS_REPLY_ARRAY || m->elements != 4 ||
        m->element[0]->type != REDIS_REPLY_STRING || strcmp(m->element[0]->str, "pmessage") != 0 ||
        m->element[2]->type != REDIS_REPLY_STRING || m->element[3]->type != REDIS_REPLY_STRING)
        return; /* the subscription's acknowledgement, or nothing we asked for */
    r->on_message(r->on_message_ctx, m->element[2]->str, m->element[3]->str, m->element[3]->len);
}

static void *subscriber(void *arg)
{
    mm_redis *r = arg;
    long backoff = 0;
    while (!atomic_load(&r->sub_stop)) {
        char why[300];
        int refused;
        redisContext *ctx = connect_new(r, why, sizeof why, &refused);
        const char *argv[2] = {"PSUBSCRIBE", r->pattern};
        if (ctx && setup_command(ctx, 2, argv, why, sizeof why, &refused) != 0) {
            hr.free_ctx(ctx);
            ctx = NULL;
        }
        if (!ctx) {
            backoff = backoff ? backoff * 2 : BACKOFF_FIRST_MS;
            if (backoff > BACKOFF_MAX_MS)
                backoff = BACKOFF_MAX_MS;
            if (nap(r, backoff))
                break;
            continue;
        }
        backoff = 0;
        while (!atomic_load(&r->sub_stop)) {
            struct pollfd pfd = {.fd = ctx->fd, .events = POLLIN};
            int ready = poll(&pfd, 1, 200);
            if (ready < 0 && errno == EINTR)
                continue;
            if (ready < 0 || (ready > 0 && hr.buffer_read(ctx) != REDIS_OK))
                break;
            void *rep = NULL;
            int ok = REDIS_OK;
            while ((ok = hr.reply_from_reader(ctx, &rep)) == REDIS_OK && rep) {
                deliver(r, rep);
                hr.free_reply(rep);
                rep = NULL;
            }
            if (ok != REDIS_OK)
                break;
        }
        hr.free_ctx(ctx);
    }
    return NULL;
}

int mm_redis_subscribe(mm_redis *r, const char *pattern, mm_redis_message_fn fn, void *ctx,
                       char *err, size_t err_size)
{
    if (r->sub_started)
        return mm_fail(err, err_size, "this Redis client has a subscriber already");
    r->pattern = mm_xstrdup(pattern);
    r->on_message = fn;
    r->on_message_ctx = ctx;
    atomic_store(&r->sub_stop, 0);
    int rc = pthread_create(&r->sub_thread, NULL, subscriber, r);
    if (rc != 0)
        return mm_fail(err, err_size, "cannot start the Redis subscriber thread: %s", strerror(rc));
    r->sub_started = 1;
    return 0;
}

void mm_redis_unsubscribe(mm_redis *r)
{
    if (!r->sub_started)
        return;
    atomic_store(&r->sub_stop, 1);
    pthread_join(r->sub_thread, NULL);
    r->sub_started = 0;
    free(r->pattern);
    r->pattern = NULL;
}
