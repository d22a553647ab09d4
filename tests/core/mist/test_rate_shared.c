/*
 * The rate limit shared by replicas through Redis (core/mist/rate_limit.c, issue 20 item 4),
 * against a real redis-server started here on a free loopback port (no persistence, a
 * temporary directory): two limiters, as two replicas would hold, each with its own Redis
 * client, share one bucket per token (exactly burst calls in all, from several threads at
 * once); a bucket refills on Redis's clock; the key is the prefix and 64 hex digits, never the
 * token, and expires; the script is loaded again after SCRIPT FLUSH; and with Redis stalled
 * (SIGSTOP) or gone (SIGKILL) a take still answers, from the local bucket, within the Redis
 * client's timeout and a margin.
 *
 * Skipped (exit 77) where redis-server is not installed. With --bench N it measures instead
 * what a take costs, in memory and through Redis (docs/PERFORMANCE.md).
 */
#define _GNU_SOURCE
#include "check.h"
#include "redis_server.h"

#include "base/redis.h"
#include "base/sha256.h"
#include "base/util.h"
#include "mist/rate_limit.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define TIMEOUT_MS 300 /* the Redis clients' timeout here */
#define MARGIN_MS 700  /* what a take may take beyond it (a slow machine, valgrind) */

static int port;
static pid_t redis_pid;

static void sleep_ms(long ms)
{
    nanosleep(&(struct timespec){.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L}, NULL);
}

/* Starts redis-server in dir on a free port (sets port and redis_pid); 0 once it accepts
 * connections. */
static int start_redis(const char *exe, const char *dir)
{
    port = mm_test_redis_start(exe, dir, 0, NULL, &redis_pid);
    return port > 0 ? 0 : -1;
}

static mm_redis *client(void)
{
    char url[64], err[300];
    snprintf(url, sizeof url, "redis://127.0.0.1:%d", port);
    mm_redis_target t;
    if (mm_redis_url_parse(url, &t, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return NULL;
    }
    mm_redis *r = mm_redis_open(&t, 4, TIMEOUT_MS, err, sizeof err);
    mm_redis_target_free(&t);
    if (!r)
        fprintf(stderr, "%s\n", err);
    return r;
}

/* One command of NUL-terminated arguments; the reply, or NULL. */
static mm_redis_reply *run(mm_redis *r, int argc, const char **argv)
{
    mm_redis_cmd cmd = {.argc = argc, .argv = argv};
    mm_redis_reply *reply = NULL;
    char err[300];
    if (mm_redis_run(r, 1, &cmd, &reply, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return NULL;
    }
    return reply;
}

static const unsigned char secret[MM_SHA256_LEN] = "the replicas' shared secret 32 b";

/* ---- two replicas, one bucket ---- */

typedef struct taker {
    mm_rate_limit *rl[2];
    const char *token;
    int takes;
    atomic_int *taken;
    int offset;
} taker;

static void *take_many(void *arg)
{
    taker *t = arg;
    for (int i = 0; i < t->takes; i++)
        if (mm_rate_limit_take(t->rl[(i + t->offset) % 2], t->token, mm_now_ms()) == 0)
            atomic_fetch_add(t->taken, 1);
    return NULL;
}

static void test_two_replicas(mm_redis *ra, mm_redis *rb, mm_redis *admin)
{
    mm_rate_limit *a = mm_rate_limit_create(30, 30), *b = mm_rate_limit_create(30, 30);
    mm_rate_limit_share(a, ra, secret);
    mm_rate_limit_share(b, rb, secret);

    /* 4 threads, 20 takes each, alternating between the replicas: 80 asked, 30 given. */
    atomic_int taken = 0;
    taker t[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        t[i] = (taker){.rl = {a, b}, .token = "token-A", .takes = 20, .taken = &taken, .offset = i};
        pthread_create(&th[i], NULL, take_many, &t[i]);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    CHECK_MSG(atomic_load(&taken) == 30, "%d calls taken by the two replicas (30 expected)",
              atomic_load(&taken));
    long wa = mm_rate_limit_take(a, "token-A", mm_now_ms());
    long wb = mm_rate_limit_take(b, "token-A", mm_now_ms());
    /* 30 an hour: one every 120 s */
    CHECK_MSG(wa > 0 && wa <= 120001, "the 31st on replica a waits %ld ms", wa);
    CHECK_MSG(wb > 0 && wb <= 120001, "the 31st on replica b waits %ld ms", wb);
    CHECK_MSG(mm_rate_limit_take(b, "token-B", mm_now_ms()) == 0,
              "another token has its own bucket");
    CHECK(mm_rate_limit_local_calls(a) == 0 && mm_rate_limit_local_calls(b) == 0);

    /* The keys: the prefix and 64 hex digits, neither the token nor its plain digest, each
     * expiring when it would be full again (at most 30 calls' worth: 3,600 s, and 1 s). */
    const char *keys[] = {"KEYS", "mistmcp:rl:*"};
    mm_redis_reply *k = run(admin, 2, keys);
    CHECK(k && k->type == MM_REDIS_ARRAY && k->elements == 2);
    char plain[2 * MM_SHA256_LEN + 1];
    mm_sha256_hex("token-A", 7, plain);
    for (size_t i = 0; k && k->type == MM_REDIS_ARRAY && i < k->elements; i++) {
        const char *name = k->element[i]->str;
        CHECK_MSG(strlen(name) == 11 + 64 && strspn(name + 11, "0123456789abcdef") == 64, "%s",
                  name);
        CHECK_MSG(!strstr(name, "token") && !strstr(name, plain), "%s", name);
        const char *pttl[] = {"PTTL", name};
        mm_redis_reply *ttl = run(admin, 2, pttl);
        CHECK_MSG(ttl && ttl->type == MM_REDIS_INTEGER && ttl->integer > 0 &&
                      ttl->integer <= 3600 * 1000 + 1000,
                  "PTTL %lld", ttl ? ttl->integer : -9);
        mm_redis_reply_free(ttl);
    }
    mm_redis_reply_free(k);

    /* A replica with another secret names other buckets: its own 30. */
    static const unsigned char other[MM_SHA256_LEN] = "another deployment's secret 32 b";
    mm_rate_limit *c = mm_rate_limit_create(30, 30);
    mm_rate_limit_share(c, ra, other);
    CHECK_MSG(mm_rate_limit_take(c, "token-A", mm_now_ms()) == 0, "another secret, another bucket");
    mm_rate_limit_destroy(&c);
    mm_rate_limit_destroy(&a);
    mm_rate_limit_destroy(&b);
}

/* ---- refill on Redis's clock ---- */

static void test_refill(mm_redis *ra, mm_redis *rb)
{
    mm_rate_limit *a = mm_rate_limit_create(3600, 1), *b = mm_rate_limit_create(3600, 1);
    mm_rate_limit_share(a, ra, secret);
    mm_rate_limit_share(b, rb, secret);
    long long start = mm_now_ms();
    CHECK(mm_rate_limit_take(a, "token-R", 0) == 0);
    /* The local clock passed in is not the one used: a far future changes nothing. */
    long w = mm_rate_limit_take(b, "token-R", start + 10 * 3600 * 1000LL);
    CHECK_MSG(w > 0 && w <= 1001, "one a second: the second waits %ld ms", w);
    long long again = 0;
    while (mm_now_ms() - start < 3000) {
        sleep_ms(50);
        if (mm_rate_limit_take(b, "token-R", 0) == 0) {
            again = mm_now_ms() - start;
            break;
        }
    }
    CHECK_MSG(again >= 900 && again < 3000, "taken again after %lld ms (about 1,000 expected)",
              again);
    CHECK_MSG(mm_rate_limit_take(a, "token-R", 0) > 0, "and empty again at once");
    mm_rate_limit_destroy(&a);
    mm_rate_limit_destroy(&b);
}

/* ---- the script gone from Redis's cache ---- */

static void test_noscript(mm_redis *ra, mm_redis *admin)
{
    mm_rate_limit *a = mm_rate_limit_create(3600, 2);
    mm_rate_limit_share(a, ra, secret);
    CHECK(mm_rate_limit_take(a, "token-N", 0) == 0); /* loads the script */
    const char *flush[] = {"SCRIPT", "FLUSH"};
    mm_redis_reply_free(run(admin, 2, flush));
    CHECK_MSG(mm_rate_limit_take(a, "token-N", 0) == 0, "EVALSHA, NOSCRIPT, then EVAL");
    CHECK_MSG(mm_rate_limit_take(a, "token-N", 0) > 0, "the same bucket: 2 taken of 2");
    CHECK_MSG(mm_rate_limit_local_calls(a) == 0, "all of them in Redis");
    mm_rate_limit_destroy(&a);
}

/* ---- Redis stalled, then gone ---- */

static void test_redis_away(mm_redis *ra)
{
    mm_rate_limit *a = mm_rate_limit_create(30, 3);
    mm_rate_limit_share(a, ra, secret);
    CHECK(mm_rate_limit_take(a, "token-D", mm_now_ms()) == 0);
    CHECK(mm_rate_limit_take(a, "token-D", mm_now_ms()) == 0);

    kill(redis_pid, SIGSTOP); /* connected, but no answer */
    long long t0 = mm_now_ms();
    long w = mm_rate_limit_take(a, "token-D", mm_now_ms());
    long long took = mm_now_ms() - t0;
    CHECK_MSG(took < TIMEOUT_MS + MARGIN_MS, "a take with Redis stalled took %lld ms", took);
    CHECK_MSG(w == 0, "decided locally: the local bucket of token-D is full (%ld)", w);
    CHECK(mm_rate_limit_local_calls(a) == 1);

    kill(redis_pid, SIGKILL);
    kill(redis_pid, SIGCONT);
    waitpid(redis_pid, NULL, 0);
    redis_pid = 0;
    /* The local bucket: 3 at once (one taken above), then a wait; each answered at once. */
    long got[4];
    for (int i = 0; i < 4; i++) {
        t0 = mm_now_ms();
        got[i] = mm_rate_limit_take(a, "token-D", mm_now_ms());
        took = mm_now_ms() - t0;
        CHECK_MSG(took < TIMEOUT_MS + MARGIN_MS, "take %d with Redis gone took %lld ms", i, took);
    }
    CHECK_MSG(got[0] == 0 && got[1] == 0, "the local bucket's burst (%ld %ld)", got[0], got[1]);
    CHECK_MSG(got[2] > 0 && got[3] > 0, "then the local bucket's wait (%ld %ld)", got[2], got[3]);
    CHECK_MSG(mm_rate_limit_local_calls(a) == 5, "%llu calls decided locally",
              mm_rate_limit_local_calls(a));
    mm_rate_limit_destroy(&a);
}

/* ---- the cost of a take (docs/PERFORMANCE.md): test_rate_shared --bench N ---- */

static double us_per(long long t0_us, long n)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)((long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 - t0_us) / (double)n;
}

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

typedef struct bench_arg {
    mm_rate_limit *rl;
    long n;
    char token[32];
} bench_arg;

static void *bench_takes(void *arg)
{
    bench_arg *b = arg;
    for (long i = 0; i < b->n; i++)
        mm_rate_limit_take(b->rl, b->token, mm_now_ms());
    return NULL;
}

/* N takes one after another on a memory limiter, N PINGs, N takes on a shared one (each a
 * round trip), then N takes from each of 4 threads at once; microseconds per take. */
static void bench(mm_redis *r, long n)
{
    mm_rate_limit *mem = mm_rate_limit_create(1000000, 1000000);
    mm_rate_limit *shared = mm_rate_limit_create(1000000, 1000000);
    mm_rate_limit_share(shared, r, secret);
    mm_rate_limit_take(shared, "warm-up", mm_now_ms()); /* connects, loads the script */
    long long t0 = now_us();
    for (long i = 0; i < n; i++)
        mm_rate_limit_take(mem, "bench-token", mm_now_ms());
    double memory = us_per(t0, n);
    const char *ping[] = {"PING"};
    t0 = now_us();
    for (long i = 0; i < n; i++)
        mm_redis_reply_free(run(r, 1, ping));
    double pings = us_per(t0, n);
    t0 = now_us();
    for (long i = 0; i < n; i++)
        mm_rate_limit_take(shared, "bench-token", mm_now_ms());
    double one = us_per(t0, n);
    bench_arg args[4];
    pthread_t th[4];
    t0 = now_us();
    for (int i = 0; i < 4; i++) {
        args[i] = (bench_arg){.rl = shared, .n = n};
        snprintf(args[i].token, sizeof args[i].token, "bench-token-%d", i % 2);
        pthread_create(&th[i], NULL, bench_takes, &args[i]);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    double four = us_per(t0, 4 * n);
    printf("takes: %ld each\n"
           "memory limiter:                %8.3f us per take\n"
           "Redis PING round trip:         %8.3f us\n"
           "shared limiter, 1 thread:      %8.3f us per take (added: %.3f us)\n"
           "shared limiter, 4 threads:     %8.3f us per take (wall time / takes; %.0f takes/s)\n"
           "calls decided locally: %llu\n",
           n, memory, pings, one, one - memory, four, 1e6 / four,
           mm_rate_limit_local_calls(shared));
    mm_rate_limit_destroy(&mem);
    mm_rate_limit_destroy(&shared);
}

int main(int argc, char **argv)
{
    long bench_n = argc == 3 && strcmp(argv[1], "--bench") == 0 ? atol(argv[2]) : 0;
    char *exe = mm_test_redis_find();
    if (!exe) {
        puts("skipped: redis-server is not installed (Debian: apt install redis-server)");
        return 77;
    }
    char dir[] = "/tmp/mm-rate-shared-XXXXXX";
    if (!mkdtemp(dir) || start_redis(exe, dir) != 0) {
        fprintf(stderr, "cannot start %s\n", exe);
        free(exe);
        return 1;
    }
    mm_redis *ra = client(), *rb = client(), *admin = client();
    if (ra && bench_n > 0) {
        bench(ra, bench_n);
    } else if (ra && rb && admin) {
        test_two_replicas(ra, rb, admin);
        test_refill(ra, rb);
        test_noscript(ra, admin);
        test_redis_away(ra);
    } else {
        CHECK_MSG(0, "no Redis client (is libhiredis0.14 installed?)");
    }
    mm_redis_close(&ra);
    mm_redis_close(&rb);
    mm_redis_close(&admin);
    if (redis_pid > 0) {
        kill(redis_pid, SIGKILL);
        kill(redis_pid, SIGCONT);
        waitpid(redis_pid, NULL, 0);
    }
    char log[600];
    snprintf(log, sizeof log, "%s/redis.log", dir);
    unlink(log);
    rmdir(dir);
    free(exe);
    return check_summary();
}
