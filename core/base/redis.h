/*
 * A Redis (or Valkey) client for what replicas share: hiredis, loaded with dlopen the first
 * time a store is opened (a stdio or memory-store start maps none of it), a few blocking
 * connections used one request at a time, and a subscriber thread for published messages.
 *
 * Failures never block the caller for long: a command waits at most the timeout given at
 * creation (connect, send and reply each); a connection that failed is dropped, and until a
 * round trip succeeds again, one caller at a time tries, after a backoff (100 ms, doubling to
 * 5 s), while every other caller fails at once with the last failure, whether its connection
 * is open or not: a Redis that stalls or drops packets costs one timeout per backoff, not one
 * per caller. Nothing here retries a command: whether that is safe is the caller's to know.
 *
 * A new connection proves it may run commands before it is used (AUTH with the URL's
 * password, SELECT of its database, or else a PING), so that a Redis that refuses this client
 * (a password missing or wrong, no such database) counts as down, with Redis's words and what
 * to change. Messages: "Redis at HOST:PORT is unreachable: ...", "... refuses this client:
 * <what to change> (Redis answered ...)", "... cannot serve this client now: Redis answered
 * PING with: LOADING ..." (another error at set-up), "... did not answer: ...", and while
 * backing off the same with "; next try in N ms".
 *
 * The password (from the URL) is never written to a message, a log or /metrics; messages name
 * the server by host:port or socket path only.
 *
 * Ownership: mm_redis_open returns a client the caller frees with mm_redis_close; replies are
 * the caller's (mm_redis_reply_free). Thread-safety: every function but mm_redis_close may be
 * called from any thread at once (each connection has its own mutex; a caller takes a free one
 * or waits for one); the subscriber's callback runs on the subscriber thread.
 */
#ifndef MISTMCP_CORE_BASE_REDIS_H
#define MISTMCP_CORE_BASE_REDIS_H

#include <stddef.h>

typedef struct mm_redis mm_redis;

/* Where the server is: from a redis://[user:pass@]host[:port][/db] or unix:///path[?db=N] URL
 * (mm_redis_url_parse). Strings owned by the target (mm_redis_target_free). */
typedef struct mm_redis_target {
    char *host;      /* NULL for a unix socket */
    int port;        /* 6379 unless given */
    char *path;      /* the socket path, or NULL */
    char *user;      /* ACL user (AUTH user pass), or NULL */
    char *password;  /* secret; NULL: no AUTH */
    int db;          /* SELECT db when not 0 */
    char where[160]; /* "127.0.0.1:6379" or the socket path, for messages */
} mm_redis_target;

/* Parses url into t. Returns 0, or -1 with one sentence in err naming the part that is wrong
 * and what was expected (rediss:// is refused: Debian 12's hiredis has no TLS). The password
 * is never copied into err. */
int mm_redis_url_parse(const char *url, mm_redis_target *t, char *err, size_t err_size);
void mm_redis_target_free(mm_redis_target *t);

/* A reply, as hiredis gives it (types as REDIS_REPLY_*: 1 string, 2 array, 3 integer, 4 nil,
 * 5 status, 6 error). */
typedef struct mm_redis_reply {
    int type;
    long long integer;
    size_t len;
    char *str;
    size_t elements;
    struct mm_redis_reply **element;
} mm_redis_reply;

#define MM_REDIS_STRING 1
#define MM_REDIS_ARRAY 2
#define MM_REDIS_INTEGER 3
#define MM_REDIS_NIL 4
#define MM_REDIS_STATUS 5
#define MM_REDIS_ERROR 6

/* One command: argc arguments (binary-safe, lengths given). */
typedef struct mm_redis_cmd {
    int argc;
    const char **argv;
    const size_t *argvlen;
} mm_redis_cmd;

/* Loads hiredis (once) and makes a client of up to `connections` connections (at least 1),
 * each made when first needed. timeout_ms bounds a connect and each command's reply. Takes
 * ownership of *t's strings (t is zeroed). Returns NULL with a sentence in err when hiredis
 * cannot be loaded ("install libhiredis0.14"). Connects to nothing yet. */
mm_redis *mm_redis_open(mm_redis_target *t, size_t connections, long timeout_ms, char *err,
                        size_t err_size);
/* Stops the subscriber (if any), closes every connection, frees r. No call may be running. */
void mm_redis_close(mm_redis **r);

/* Sends the n commands as one pipeline (one round trip) and stores their replies in
 * replies[0..n-1] (each the caller's; a command Redis refused has an MM_REDIS_ERROR reply).
 * Returns 0, or -1 with err set when no reply could be had (unreachable, timeout, a dropped
 * connection: then replies[] holds NULLs and the commands may or may not have run). */
int mm_redis_run(mm_redis *r, size_t n, const mm_redis_cmd *cmds, mm_redis_reply **replies,
                 char *err, size_t err_size);
void mm_redis_reply_free(mm_redis_reply *reply);

/* Since the start: whether the last round trip or connect succeeded (up: 1) or failed (0);
 * commands sent, commands that got no reply, connections made, round trips that got their
 * replies and their total time (microseconds). For /healthz and /metrics. */
typedef struct mm_redis_stats {
    int up;
    unsigned long long commands, errors, reconnects;
    unsigned long long round_trips, round_trip_us;
} mm_redis_stats;
void mm_redis_stats_get(mm_redis *r, mm_redis_stats *out);
/* "host:port" or the socket path. Valid for r's life. */
const char *mm_redis_where(const mm_redis *r);

/* Called on the subscriber thread for each message published on a channel matching the
 * pattern: channel and message are NUL-terminated (message may hold NUL bytes: len is its
 * length); neither outlives the call. */
typedef void (*mm_redis_message_fn)(void *ctx, const char *channel, const char *message,
                                    size_t len);
/* Starts a thread holding its own connection with PSUBSCRIBE pattern; it reconnects with the
 * same backoff when the connection drops (messages published meanwhile are lost: Redis
 * pub/sub keeps nothing). At most one subscriber per client. Returns 0, or -1 with err. */
int mm_redis_subscribe(mm_redis *r, const char *pattern, mm_redis_message_fn fn, void *ctx,
                       char *err, size_t err_size);
/* Stops the subscriber thread (waits for it: about 200 ms, or a connect's timeout when it is
 * reconnecting, plus a callback running);
 * no callback runs once it returns. A no-op without one. Not thread-safe against
 * mm_redis_subscribe. */
void mm_redis_unsubscribe(mm_redis *r);

#endif
