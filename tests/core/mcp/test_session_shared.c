/*
 * The Redis client (base/redis.h) and the shared session records (mcp/session_shared.h)
 * against a real redis-server started here on a free loopback port (no persistence, its own
 * temporary directory): URLs, pipelines, pub/sub, the token binding, versions, expiry, a
 * deleted session that an update must not bring back, the memory of one session, Redis gone
 * and back (fail fast, backoff, reconnect), and AUTH without the password in any message.
 * Without redis-server it says "skipped" and why, and exits 77.
 *
 * usage: test_session_shared
 */
#define _GNU_SOURCE
#include "base/redis.h"
#include "base/util.h"
#include "mcp/session_shared.h"

#include "check.h"
#include "redis_server.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
    nanosleep(&(struct timespec){.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L}, NULL);
}

static char *redis_exe; /* redis-server's path */

/* redis-server on port (0: a free one), in dir, with an optional password; its pid, or -1. */
static pid_t start_redis(int port, const char *dir, const char *password)
{
    pid_t pid = 0;
    return mm_test_redis_start(redis_exe, dir, port, password, &pid) > 0 ? pid : -1;
}

static void stop_redis(pid_t pid)
{
    mm_test_redis_stop(&pid);
}

static mm_redis *open_url(const char *url, char *err, size_t n)
{
    mm_redis_target t;
    if (mm_redis_url_parse(url, &t, err, n) != 0)
        return NULL;
    mm_redis *r = mm_redis_open(&t, 2, 500, err, n);
    mm_redis_target_free(&t);
    return r;
}

/* PING until it answers (at most 5 s): 0 when it did. */
static int wait_up(mm_redis *r)
{
    mm_redis_cmd ping = {.argc = 1, .argv = (const char *[]){"PING"}};
    for (int i = 0; i < 100; i++) {
        char err[300];
        mm_redis_reply *rep = NULL;
        if (mm_redis_run(r, 1, &ping, &rep, err, sizeof err) == 0) {
            int ok = rep->type == MM_REDIS_STATUS;
            mm_redis_reply_free(rep);
            if (ok)
                return 0;
        }
        sleep_ms(50);
    }
    return -1;
}

static long long integer(mm_redis *r, const char *a, const char *b, const char *c)
{
    mm_redis_cmd cmd = {.argc = c ? 3 : 2, .argv = (const char *[]){a, b, c}};
    mm_redis_reply *rep = NULL;
    char err[300];
    if (mm_redis_run(r, 1, &cmd, &rep, err, sizeof err) != 0)
        return -2;
    long long v = rep->type == MM_REDIS_INTEGER ? rep->integer : -3;
    mm_redis_reply_free(rep);
    return v;
}

static void test_urls(void)
{
    struct {
        const char *url;
        int ok;
        const char *where, *user, *password, *path;
        int port, db;
    } cases[] = {
        {"redis://127.0.0.1", 1, "127.0.0.1:6379", NULL, NULL, NULL, 6379, 0},
        {"redis://cache.example:6380/2", 1, "cache.example:6380", NULL, NULL, NULL, 6380, 2},
        {"redis://:s%40cret@10.0.0.5:7000", 1, "10.0.0.5:7000", NULL, "s@cret", NULL, 7000, 0},
        {"redis://mcp:pw@[::1]:6390/1", 1, "[::1]:6390", "mcp", "pw", NULL, 6390, 1},
        {"unix:///run/redis/redis.sock?db=3", 1, "/run/redis/redis.sock", NULL, NULL,
         "/run/redis/redis.sock", 6379, 3},
        {"rediss://host:6379", 0, NULL, NULL, NULL, NULL, 0, 0},
        {"redis://", 0, NULL, NULL, NULL, NULL, 0, 0},
        {"redis://host:0", 0, NULL, NULL, NULL, NULL, 0, 0},
        {"redis://host:99999", 0, NULL, NULL, NULL, NULL, 0, 0},
        {"redis://host/x", 0, NULL, NULL, NULL, NULL, 0, 0},
        {"redis://pwonly@host", 0, NULL, NULL, NULL, NULL, 0, 0},
        {"redis://:bad%zzpw@host", 0, NULL, NULL, NULL, NULL, 0, 0},
        {"unix://relative.sock", 0, NULL, NULL, NULL, NULL, 0, 0},
        {"http://host", 0, NULL, NULL, NULL, NULL, 0, 0},
        /* a scheme is case-insensitive (RFC 3986 section 3.1) */
        {"REDIS://Cache.example:6381", 1, "Cache.example:6381", NULL, NULL, NULL, 6381, 0},
        {"Unix:///run/r.sock", 1, "/run/r.sock", NULL, NULL, "/run/r.sock", 6379, 0},
        {"REDISS://host", 0, NULL, NULL, NULL, NULL, 0, 0},
        {"htps://pwonly@host", 0, NULL, NULL, NULL, NULL, 0, 0},
        {"u:pwonly@h://x", 0, NULL, NULL, NULL, NULL, 0, 0}, /* no scheme: nothing of it named */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mm_redis_target t;
        char err[300] = "";
        int rc = mm_redis_url_parse(cases[i].url, &t, err, sizeof err);
        CHECK_MSG((rc == 0) == cases[i].ok, "%s: %s", cases[i].url, err);
        if (rc != 0) {
            CHECK_MSG(strstr(err, "--session-store") != NULL, "%s: %s", cases[i].url, err);
            CHECK_MSG(!strstr(err, "pwonly") && !strstr(err, "bad%zzpw"), "%s", err);
            /* an unknown scheme is named, the rest of the URL is not */
            CHECK_MSG(strncmp(cases[i].url, "htps", 4) != 0 || strstr(err, "'htps://'"), "%s", err);
            continue;
        }
        CHECK_MSG(strcmp(t.where, cases[i].where) == 0, "%s: %s", cases[i].url, t.where);
        CHECK(t.port == cases[i].port && t.db == cases[i].db);
        CHECK((!t.user && !cases[i].user) ||
              (t.user && cases[i].user && strcmp(t.user, cases[i].user) == 0));
        CHECK((!t.password && !cases[i].password) ||
              (t.password && cases[i].password && strcmp(t.password, cases[i].password) == 0));
        CHECK((!t.path && !cases[i].path) ||
              (t.path && cases[i].path && strcmp(t.path, cases[i].path) == 0));
        mm_redis_target_free(&t);
    }
}

static atomic_int published, forwarded;
static char published_line[200], forwarded_line[200];
static void on_message(void *ctx, const char *id, const char *line, int from_client)
{
    (void)ctx;
    if (strcmp(id, "0123456789abcdef0123456789abcdef") != 0)
        return;
    snprintf(from_client ? forwarded_line : published_line, sizeof published_line, "%s", line);
    atomic_fetch_add(from_client ? &forwarded : &published, 1);
}

static const char STATE[] = "{\"on\":[\"orgs_wlans\",\"sites\"],\"st\":[\"2025-11-25\",1,3,1,"
                            "\"claude-code\",\"2.0.14\"]}";
static const char STATE2[] = "{\"on\":[],\"st\":[\"2025-11-25\",1,0,1,\"claude-code\",\"2.0.14\"]}";

static void test_sessions(mm_redis *r)
{
    unsigned char key[MM_SHA256_LEN] = {1, 2, 3};
    mm_shared_sessions *ss = mm_shared_sessions_create(r, key, 60000);
    const char *id = "0123456789abcdef0123456789abcdef";
    char err[300] = "";
    mm_shared_origin o = {.cloud = "api.eu.mist.com", .mode = "custom", .categories = "orgs_wlans"};
    CHECK_MSG(mm_shared_create(ss, id, "tok-A", &o, STATE, err, sizeof err) == MM_SHARED_OK, "%s",
              err);
    long long ver = 0;
    CHECK(mm_shared_touch(ss, id, &ver, err, sizeof err) == MM_SHARED_OK && ver == 1);
    /* the token itself is nowhere in Redis */
    mm_redis_cmd all = {
        .argc = 2,
        .argv = (const char *[]){"HGETALL", "mistmcp:s:0123456789abcdef0123456789abcdef"}};
    mm_redis_reply *rep = NULL;
    CHECK(mm_redis_run(r, 1, &all, &rep, err, sizeof err) == 0);
    int has_token = 0;
    for (size_t i = 0; rep && i < rep->elements; i++)
        has_token |= rep->element[i]->str && strstr(rep->element[i]->str, "tok-A") != NULL;
    CHECK(rep && rep->elements >= 12 && !has_token);
    mm_redis_reply_free(rep);
    /* one idle session's memory in Redis (issue 20: at most 512 bytes) */
    long long bytes = integer(r, "MEMORY", "USAGE", "mistmcp:s:0123456789abcdef0123456789abcdef");
    CHECK_MSG(bytes > 0 && bytes <= 512, "MEMORY USAGE %lld bytes", bytes);
    printf("one session in Redis: %lld bytes (MEMORY USAGE)\n", bytes);

    mm_shared_origin got = {0};
    char *state = NULL;
    CHECK(mm_shared_load(ss, id, "tok-B", &got, &state, &ver, err, sizeof err) ==
          MM_SHARED_FORBIDDEN);
    CHECK(!state && !got.cloud);
    /* a replica given another secret file: told apart from another token, both fingerprints
     * named (before: "belongs to another token", and nothing for the operator) */
    unsigned char other_key[MM_SHA256_LEN] = {9, 9, 9};
    mm_shared_sessions *other = mm_shared_sessions_create(r, other_key, 60000);
    CHECK(strlen(mm_shared_fingerprint(other)) == MM_SHARED_FINGERPRINT_LEN &&
          strcmp(mm_shared_fingerprint(other), mm_shared_fingerprint(ss)) != 0);
    CHECK(mm_shared_load(other, id, "tok-A", &got, &state, &ver, err, sizeof err) ==
          MM_SHARED_OTHER_SECRET);
    CHECK_MSG(strstr(err, mm_shared_fingerprint(ss)) && strstr(err, mm_shared_fingerprint(other)),
              "%s", err);
    CHECK(!state && !got.cloud);
    err[0] = '\0';
    CHECK(mm_shared_remove(other, id, "tok-A", err, sizeof err) == MM_SHARED_OTHER_SECRET);
    CHECK_MSG(strstr(err, mm_shared_fingerprint(ss)) && strstr(err, mm_shared_fingerprint(other)),
              "DELETE names both too: %s", err);
    mm_shared_sessions_destroy(&other);
    /* a binding of an earlier version (32 hex digits, no fingerprint): unknown (404, the
     * client starts anew), not 403, which no client recovers from */
    mm_redis_cmd old_form = {
        .argc = 8,
        .argv = (const char *[]){"HSET", "mistmcp:s:00000000000000000000000000000001", "tb",
                                 "0123456789abcdef0123456789abcdef", "st", "[]", "ver", "1"}};
    rep = NULL;
    CHECK(mm_redis_run(r, 1, &old_form, &rep, err, sizeof err) == 0);
    mm_redis_reply_free(rep);
    const char *old_id = "00000000000000000000000000000001";
    CHECK(mm_shared_load(ss, old_id, "tok-A", &got, &state, &ver, err, sizeof err) ==
          MM_SHARED_GONE);
    CHECK(!state && !got.cloud);
    CHECK(mm_shared_remove(ss, old_id, "tok-A", err, sizeof err) == MM_SHARED_GONE);
    CHECK(mm_shared_load(ss, id, "tok-A", &got, &state, &ver, err, sizeof err) == MM_SHARED_OK);
    CHECK(got.cloud && strcmp(got.cloud, "api.eu.mist.com") == 0);
    CHECK(got.mode && strcmp(got.mode, "custom") == 0);
    CHECK(got.categories && strcmp(got.categories, "orgs_wlans") == 0);
    CHECK(!got.demo_token);
    CHECK_MSG(state && strcmp(state, STATE) == 0, "%s", state ? state : "(null)");
    CHECK(ver == 1);
    free(state);
    mm_shared_origin_free(&got);

    /* another replica's change: a new version, the state read back as written */
    CHECK(mm_shared_update(ss, id, STATE2, &ver, err, sizeof err) == MM_SHARED_OK && ver == 2);
    state = NULL;
    CHECK(mm_shared_state(ss, id, &state, &ver, err, sizeof err) == MM_SHARED_OK && ver == 2);
    CHECK_MSG(state && strcmp(state, STATE2) == 0, "%s", state ? state : "(null)");
    free(state);

    /* notifications: published for the session, received by the subscriber */
    CHECK(mm_shared_listen(ss, on_message, NULL, err, sizeof err) == 0);
    for (int i = 0; i < 100 && !atomic_load(&published); i++) {
        mm_shared_publish(ss, id, "{\"jsonrpc\":\"2.0\",\"method\":\"x\"}", err, sizeof err);
        sleep_ms(20);
    }
    CHECK(atomic_load(&published) >= 1);
    CHECK(strcmp(published_line, "{\"jsonrpc\":\"2.0\",\"method\":\"x\"}") == 0);
    /* a client's reply for another replica's request: on its own channel, told apart */
    for (int i = 0; i < 100 && !atomic_load(&forwarded); i++) {
        mm_shared_forward(ss, id, "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}", err, sizeof err);
        sleep_ms(20);
    }
    CHECK(atomic_load(&forwarded) >= 1);
    CHECK(strcmp(forwarded_line, "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}") == 0);
    mm_shared_unlisten(ss);

    /* DELETE: another token's refused, the right one ends it, and an update cannot bring it back */
    CHECK(mm_shared_remove(ss, id, "tok-B", err, sizeof err) == MM_SHARED_FORBIDDEN);
    CHECK(mm_shared_remove(ss, id, "tok-A", err, sizeof err) == MM_SHARED_OK);
    CHECK(mm_shared_remove(ss, id, "tok-A", err, sizeof err) == MM_SHARED_GONE);
    CHECK(mm_shared_touch(ss, id, &ver, err, sizeof err) == MM_SHARED_GONE);
    CHECK(mm_shared_update(ss, id, STATE, &ver, err, sizeof err) == MM_SHARED_GONE);
    CHECK(integer(r, "EXISTS", "mistmcp:s:0123456789abcdef0123456789abcdef", NULL) == 0);
    mm_shared_sessions_destroy(&ss);

    /* expiry is Redis's: the idle timeout as TTL (a new session's: 60 s at most until its
     * first state write) */
    ss = mm_shared_sessions_create(r, key, 1000);
    CHECK(mm_shared_create(ss, id, "", &o, STATE, err, sizeof err) == MM_SHARED_OK);
    long long pttl = integer(r, "PTTL", "mistmcp:s:0123456789abcdef0123456789abcdef", NULL);
    CHECK_MSG(pttl > 0 && pttl <= 1000, "PTTL %lld", pttl);
    sleep_ms(600);
    CHECK(mm_shared_touch(ss, id, &ver, err, sizeof err) == MM_SHARED_OK); /* refreshed */
    sleep_ms(600);
    CHECK(mm_shared_touch(ss, id, &ver, err, sizeof err) == MM_SHARED_OK); /* 1.2 s > 1 s */
    sleep_ms(1500);
    CHECK(mm_shared_touch(ss, id, &ver, err, sizeof err) == MM_SHARED_GONE);
    mm_shared_sessions_destroy(&ss);

    /* every field at once (a demo session without a token, with categories): all kept */
    ss = mm_shared_sessions_create(r, key, 60000);
    mm_shared_origin full = {.cloud = "api.mist.com",
                             .mode = "custom",
                             .categories = "orgs_wlans,sites",
                             .demo_token = "demo-session-0123456789abcdef01234567"};
    CHECK(mm_shared_create(ss, id, "", &full, STATE, err, sizeof err) == MM_SHARED_OK);
    state = NULL;
    CHECK(mm_shared_load(ss, id, "", &got, &state, &ver, err, sizeof err) == MM_SHARED_OK);
    CHECK(got.demo_token && strcmp(got.demo_token, full.demo_token) == 0);
    CHECK(got.categories && strcmp(got.categories, "orgs_wlans,sites") == 0);
    CHECK_MSG(state && strcmp(state, STATE) == 0, "%s", state ? state : "(null)");
    free(state);
    mm_shared_origin_free(&got);
    pttl = integer(r, "PTTL", "mistmcp:s:0123456789abcdef0123456789abcdef", NULL);
    CHECK_MSG(pttl > 0 && pttl <= 60000, "a new session lasts 60 s until initialized: %lld", pttl);
    /* an unproven session its creator drops: ended in Redis unless used elsewhere since */
    CHECK(mm_shared_touch(ss, id, &ver, err, sizeof err) == MM_SHARED_OK); /* used: 60 s left */
    CHECK(mm_shared_drop_idle(ss, id, 5000, err, sizeof err) == MM_SHARED_GONE);
    sleep_ms(300);
    CHECK(mm_shared_drop_idle(ss, id, 200, err, sizeof err) == MM_SHARED_OK);
    CHECK(integer(r, "EXISTS", "mistmcp:s:0123456789abcdef0123456789abcdef", NULL) == 0);

    /* confirmation tokens: bound by value, used once across replicas, named by an HMAC */
    const char *tok = "mmc_0123456789abcdef0123456789abcdef0123456789abcdef";
    CHECK(mm_shared_token_put(ss, tok, "sid tool digest", 60000, err, sizeof err) == 0);
    mm_redis_cmd keys = {.argc = 2, .argv = (const char *[]){"KEYS", "mistmcp:wt:*"}};
    mm_redis_reply *kr = NULL;
    CHECK(mm_redis_run(r, 1, &keys, &kr, err, sizeof err) == 0);
    CHECK(kr && kr->elements == 1 && !strstr(kr->element[0]->str, tok) &&
          strlen(kr->element[0]->str) == strlen("mistmcp:wt:") + 64);
    mm_redis_reply_free(kr);
    char *v = NULL;
    CHECK(mm_shared_token_take(ss, tok, &v, err, sizeof err) == MM_SHARED_OK && v &&
          strcmp(v, "sid tool digest") == 0);
    free(v);
    v = NULL;
    CHECK(mm_shared_token_take(ss, tok, &v, err, sizeof err) == MM_SHARED_OK && v &&
          strcmp(v, "used") == 0);
    free(v);
    v = NULL;
    CHECK(mm_shared_token_take(ss, "mmc_never", &v, err, sizeof err) == MM_SHARED_GONE && !v);
    mm_shared_sessions_destroy(&ss);
}

/* Whether a client of url is refused (a command fails with words in err) within 5 s; *up (if
 * given) the client's "up" then. */
static int refused_by(const char *url, const char *words, char *err, size_t err_size, int *up)
{
    mm_redis *r = open_url(url, err, err_size);
    mm_redis_cmd ping = {.argc = 1, .argv = (const char *[]){"PING"}};
    mm_redis_reply *one = NULL;
    int refused = 0;
    for (int i = 0; r && i < 100 && !refused; i++) {
        if (mm_redis_run(r, 1, &ping, &one, err, err_size) == 0)
            mm_redis_reply_free(one); /* served: not what is tested; the check fails below */
        else if (strstr(err, words))
            refused = 1;
        if (!refused)
            sleep_ms(50);
    }
    if (r && up) {
        mm_redis_stats st;
        mm_redis_stats_get(r, &st);
        *up = st.up;
    }
    mm_redis_close(&r);
    return refused;
}

int main(void)
{
    mm_util_init();
    test_urls();
    if (!(redis_exe = mm_test_redis_find())) {
        printf("skipped: the Redis checks need redis-server (Debian package redis-server)\n");
        check_summary();
        return 77;
    }
    char dir[] = "/tmp/mm-redis-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    int port = mm_test_free_port();
    pid_t pid = start_redis(port, dir, NULL);
    char url[64], err[300] = "";
    snprintf(url, sizeof url, "redis://127.0.0.1:%d", port);
    mm_redis *r = open_url(url, err, sizeof err);
    CHECK_MSG(r != NULL, "%s", err);
    if (!r || wait_up(r) != 0) {
        CHECK_MSG(0, "redis-server on port %d did not answer", port);
        stop_redis(pid);
        return check_summary();
    }
    /* a pipeline: one round trip, replies in order */
    mm_redis_cmd cmds[3] = {{.argc = 3, .argv = (const char *[]){"SET", "k", "v"}},
                            {.argc = 2, .argv = (const char *[]){"GET", "k"}},
                            {.argc = 2, .argv = (const char *[]){"NOSUCHCOMMAND", "k"}}};
    mm_redis_reply *rep[3];
    CHECK(mm_redis_run(r, 3, cmds, rep, err, sizeof err) == 0);
    CHECK(rep[0]->type == MM_REDIS_STATUS && rep[1]->type == MM_REDIS_STRING &&
          strcmp(rep[1]->str, "v") == 0 && rep[2]->type == MM_REDIS_ERROR);
    for (int i = 0; i < 3; i++)
        mm_redis_reply_free(rep[i]);

    test_sessions(r);

    /* Redis gone: a command fails within the timeout (500 ms here), the next at once (backoff) */
    stop_redis(pid);
    mm_redis_cmd ping = {.argc = 1, .argv = (const char *[]){"PING"}};
    mm_redis_reply *one = NULL;
    long long t0 = mm_now_ms();
    CHECK(mm_redis_run(r, 1, &ping, &one, err, sizeof err) != 0);
    long long t1 = mm_now_ms();
    CHECK_MSG(t1 - t0 < 1500, "%lld ms", t1 - t0);
    /* each connection held finds the server gone once, then the backoff answers at once */
    for (int i = 0; i < 3 && !strstr(err, "unreachable"); i++) {
        t1 = mm_now_ms();
        CHECK(mm_redis_run(r, 1, &ping, &one, err, sizeof err) != 0);
        CHECK_MSG(mm_now_ms() - t1 < 1500, "%lld ms", mm_now_ms() - t1);
    }
    CHECK_MSG(strstr(err, "unreachable") && strstr(err, "127.0.0.1"), "%s", err);
    t1 = mm_now_ms();
    CHECK(mm_redis_run(r, 1, &ping, &one, err, sizeof err) != 0);
    CHECK_MSG(strstr(err, "next try in"), "%s", err);
    CHECK_MSG(mm_now_ms() - t1 < 100, "in backoff: at once (%lld ms)", mm_now_ms() - t1);
    mm_redis_stats st;
    mm_redis_stats_get(r, &st);
    CHECK(st.up == 0 && st.errors >= 2);
    /* and back: served again once the backoff is over */
    pid = start_redis(port, dir, NULL);
    CHECK_MSG(wait_up(r) == 0, "reconnected to the restarted redis-server");
    mm_redis_stats_get(r, &st);
    CHECK(st.up == 1 && st.reconnects >= 2 && st.round_trips >= 3);
    /* Redis stalls (stopped, its connections open): one caller waits the timeout, the next
     * fail at once instead of each waiting it in turn */
    kill(pid, SIGSTOP);
    t0 = mm_now_ms();
    CHECK(mm_redis_run(r, 1, &ping, &one, err, sizeof err) != 0);
    CHECK_MSG(mm_now_ms() - t0 < 1500, "%lld ms", mm_now_ms() - t0);
    t1 = mm_now_ms();
    for (int i = 0; i < 5; i++)
        CHECK(mm_redis_run(r, 1, &ping, &one, err, sizeof err) != 0);
    CHECK_MSG(mm_now_ms() - t1 < 100, "five calls while it stalls: %lld ms", mm_now_ms() - t1);
    kill(pid, SIGCONT);
    CHECK_MSG(wait_up(r) == 0, "served again once it goes on");
    mm_redis_close(&r);
    stop_redis(pid);

    /* AUTH: a wrong password is refused with Redis's words, never the password */
    int port2 = mm_test_free_port();
    pid = start_redis(port2, dir, "right-secret-pw");
    snprintf(url, sizeof url, "redis://:wrong-secret-pw@127.0.0.1:%d", port2);
    CHECK_MSG(refused_by(url, "AUTH", err, sizeof err, NULL), "%s", err);
    CHECK_MSG(!strstr(err, "wrong-secret-pw"), "%s", err);
    CHECK_MSG(strstr(err, "refuses this client") && strstr(err, "password is not the one") &&
                  !strstr(err, "unreachable"),
              "%s", err);
    /* A Redis that wants a password, and a URL without one: down at connect, saying what to
     * change (before: "up", and the first long command cut off by Redis) */
    snprintf(url, sizeof url, "redis://127.0.0.1:%d", port2);
    int up = -1;
    CHECK_MSG(refused_by(url, "NOAUTH", err, sizeof err, &up) &&
                  strstr(err, "requires a password") && strstr(err, "gives none"),
              "%s", err);
    CHECK(up == 0);
    /* a database past Redis's 'databases' (16) */
    snprintf(url, sizeof url, "redis://:right-secret-pw@127.0.0.1:%d/99", port2);
    CHECK_MSG(refused_by(url, "SELECT", err, sizeof err, NULL) && strstr(err, "database number"),
              "%s", err);
    snprintf(url, sizeof url, "redis://:right-secret-pw@127.0.0.1:%d/1", port2);
    r = open_url(url, err, sizeof err);
    CHECK(r && wait_up(r) == 0);
    mm_redis_close(&r);
    stop_redis(pid);
    char rm[128];
    snprintf(rm, sizeof rm, "rm -rf %s", dir);
    if (system(rm) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    free(redis_exe);
    return check_summary();
}
