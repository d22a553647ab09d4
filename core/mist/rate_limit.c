#define _DEFAULT_SOURCE /* explicit_bzero */
#include "mist/rate_limit.h"

#include "base/util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct bucket {
    uint64_t key; /* 0: empty slot */
    double tokens;
    long long last_ms;
} bucket;

struct mm_rate_limit {
    pthread_mutex_t lock;
    double per_ms, burst;
    long per_hour;
    bucket *slots;
    size_t cap, used; /* cap is a power of two */
    /* Shared (mm_rate_limit_share): set once before other threads use the limiter. */
    mm_redis *redis; /* NULL: local buckets only */
    int keyed;       /* key below is set: HMAC, else a plain SHA-256 */
    unsigned char key[MM_SHA256_LEN];
    char per_hour_arg[24], burst_arg[24];
    pthread_mutex_t sha_lock;
    char sha[48]; /* the script's SHA-1 as SCRIPT LOAD gave it; "" until then */
    atomic_ullong local_calls;
    atomic_llong next_note_ms; /* when stderr may next say the limit is local */
    atomic_int local;          /* 1 while Redis does not answer */
};

static uint64_t token_key(const char *token)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a, 64 bits */
    for (const unsigned char *p = (const unsigned char *)token; *p; p++)
        h = (h ^ *p) * 1099511628211u;
    return h ? h : 1;
}

mm_rate_limit *mm_rate_limit_create(long per_hour, long burst)
{
    if (per_hour <= 0)
        return NULL;
    mm_rate_limit *rl = mm_xcalloc(1, sizeof *rl);
    pthread_mutex_init(&rl->lock, NULL);
    rl->per_hour = per_hour;
    rl->per_ms = (double)per_hour / 3.6e6;
    rl->burst = burst > 0 ? (double)burst : 1;
    rl->cap = 64;
    rl->slots = mm_xcalloc(rl->cap, sizeof *rl->slots);
    pthread_mutex_init(&rl->sha_lock, NULL);
    return rl;
}

void mm_rate_limit_destroy(mm_rate_limit **rlp)
{
    mm_rate_limit *rl = *rlp;
    if (!rl)
        return;
    free(rl->slots);
    pthread_mutex_destroy(&rl->lock);
    pthread_mutex_destroy(&rl->sha_lock);
    explicit_bzero(rl->key, sizeof rl->key);
    free(rl);
    *rlp = NULL;
}

long mm_rate_limit_per_hour(const mm_rate_limit *rl)
{
    return rl ? rl->per_hour : 0;
}

static bucket *find_slot(bucket *slots, size_t cap, uint64_t key)
{
    size_t at = (size_t)key & (cap - 1);
    while (slots[at].key && slots[at].key != key)
        at = (at + 1) & (cap - 1);
    return &slots[at];
}

static double refilled(const mm_rate_limit *rl, const bucket *b, long long now_ms)
{
    double t = b->tokens + (double)(now_ms - b->last_ms) * rl->per_ms;
    return t > rl->burst ? rl->burst : t;
}

/* Under the lock: makes room for one more bucket, dropping the full (idle) ones. */
static void grow(mm_rate_limit *rl, long long now_ms)
{
    size_t live = 0;
    for (size_t i = 0; i < rl->cap; i++)
        live += rl->slots[i].key && refilled(rl, &rl->slots[i], now_ms) < rl->burst;
    size_t cap = rl->cap;
    while ((live + 1) * 2 > cap)
        cap *= 2;
    bucket *slots = mm_xcalloc(cap, sizeof *slots);
    rl->used = 0;
    for (size_t i = 0; i < rl->cap; i++) {
        const bucket *b = &rl->slots[i];
        if (b->key && refilled(rl, b, now_ms) < rl->burst) {
            *find_slot(slots, cap, b->key) = *b;
            rl->used++;
        }
    }
    free(rl->slots);
    rl->slots = slots;
    rl->cap = cap;
}

/* The local bucket's step (the only one without Redis, the fallback with it). */
static long take_local(mm_rate_limit *rl, const char *token, long long now_ms)
{
    uint64_t key = token_key(token ? token : "");
    pthread_mutex_lock(&rl->lock);
    bucket *b = find_slot(rl->slots, rl->cap, key);
    if (!b->key) {
        if ((rl->used + 1) * 2 > rl->cap) {
            grow(rl, now_ms);
            b = find_slot(rl->slots, rl->cap, key);
        }
        if (!b->key) {
            *b = (bucket){.key = key, .tokens = rl->burst, .last_ms = now_ms};
            rl->used++;
        }
    }
    if (now_ms < b->last_ms)
        now_ms = b->last_ms; /* a thread that read the clock earlier came in later */
    b->tokens = refilled(rl, b, now_ms);
    b->last_ms = now_ms;
    long wait = 0;
    if (b->tokens >= 1)
        b->tokens -= 1;
    else
        wait = (long)((1 - b->tokens) / rl->per_ms) + 1;
    pthread_mutex_unlock(&rl->lock);
    return wait;
}

/* ---- shared through Redis ---- */

#define KEY_PREFIX "mistmcp:rl:"
#define NOTE_EVERY_MS 60000

/* KEYS[1] the bucket, ARGV[1] calls per hour, ARGV[2] burst. The local step in Lua, on
 * Redis's clock: refill by the time since the last call, take one or say how long until one
 * is there, keep the bucket until it would be full again. Numbers are written with
 * string.format so that a large one never reaches Redis in exponent form. Returns the wait
 * in ms (0: taken). */
static const char TAKE_LUA[] =
    "local t = redis.call('TIME') "
    "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) "
    "local per_ms = tonumber(ARGV[1]) / 3600000 "
    "local burst = tonumber(ARGV[2]) "
    "local b = redis.call('HMGET', KEYS[1], 'n', 'at') "
    "local n, at = tonumber(b[1]), tonumber(b[2]) "
    "if not n or not at then n, at = burst, now end "
    "if now < at then now = at end "
    "n = math.min(burst, n + (now - at) * per_ms) "
    "local wait = 0 "
    "if n >= 1 then n = n - 1 else wait = math.floor((1 - n) / per_ms) + 1 end "
    "redis.call('HSET', KEYS[1], 'n', string.format('%.17g', n), 'at', string.format('%.0f', now)) "
    "redis.call('PEXPIRE', KEYS[1], string.format('%.0f', math.ceil((burst - n) / per_ms) + 1000)) "
    "return wait";

void mm_rate_limit_share(mm_rate_limit *rl, mm_redis *redis,
                         const unsigned char secret[MM_SHA256_LEN])
{
    if (!rl || !redis)
        return;
    rl->redis = redis;
    rl->keyed = secret != NULL;
    if (secret) {
        static const char label[] = "mistmcp rate limit";
        mm_hmac_sha256(secret, MM_SHA256_LEN, label, sizeof label - 1, rl->key);
    }
    snprintf(rl->per_hour_arg, sizeof rl->per_hour_arg, "%ld", rl->per_hour);
    snprintf(rl->burst_arg, sizeof rl->burst_arg, "%.0f", rl->burst);
}

unsigned long long mm_rate_limit_local_calls(const mm_rate_limit *rl)
{
    return rl ? atomic_load(&((mm_rate_limit *)rl)->local_calls) : 0;
}

/* "mistmcp:rl:" and the hex of the token's digest. */
static void bucket_name(const mm_rate_limit *rl, const char *token,
                        char out[sizeof KEY_PREFIX + 2 * MM_SHA256_LEN])
{
    unsigned char d[MM_SHA256_LEN];
    if (rl->keyed)
        mm_hmac_sha256(rl->key, sizeof rl->key, token, strlen(token), d);
    else
        mm_sha256(token, strlen(token), d);
    memcpy(out, KEY_PREFIX, sizeof KEY_PREFIX - 1);
    mm_hex(d, 2 * MM_SHA256_LEN, out + sizeof KEY_PREFIX - 1);
}

/* The script's answer: 0 with *wait, or -1 with err. */
static int wait_of(const mm_redis_reply *r, long *wait, char *err, size_t err_size)
{
    if (r->type == MM_REDIS_INTEGER && r->integer >= 0) {
        *wait = r->integer > 0x7fffffffL ? 0x7fffffffL : (long)r->integer;
        return 0;
    }
    if (r->type == MM_REDIS_ERROR)
        return mm_fail(err, err_size, "Redis refused the rate limit step: %.200s",
                       r->str ? r->str : "");
    return mm_fail(err, err_size, "Redis answered the rate limit step with a reply of type %d",
                   r->type);
}

/* One step in Redis: 0 with *wait, or -1 with err (nothing known about the bucket). */
static int take_shared(mm_rate_limit *rl, const char *token, long *wait, char *err, size_t err_size)
{
    char name[sizeof KEY_PREFIX + 2 * MM_SHA256_LEN];
    bucket_name(rl, token, name);
    char sha[sizeof rl->sha];
    pthread_mutex_lock(&rl->sha_lock);
    memcpy(sha, rl->sha, sizeof sha);
    pthread_mutex_unlock(&rl->sha_lock);
    mm_redis_reply *r[2];
    if (sha[0]) {
        const char *argv[] = {"EVALSHA", sha, "1", name, rl->per_hour_arg, rl->burst_arg};
        mm_redis_cmd cmd = {.argc = 6, .argv = argv};
        if (mm_redis_run(rl->redis, 1, &cmd, r, err, err_size) != 0)
            return -1;
        int noscript =
            r[0]->type == MM_REDIS_ERROR && r[0]->str && strncmp(r[0]->str, "NOSCRIPT", 8) == 0;
        if (!noscript) {
            int rc = wait_of(r[0], wait, err, err_size);
            mm_redis_reply_free(r[0]);
            return rc;
        }
        mm_redis_reply_free(r[0]); /* Redis restarted, or SCRIPT FLUSH: load it again */
    }
    /* Load the script (for its digest) and run it, in one round trip. */
    const char *load[] = {"SCRIPT", "LOAD", TAKE_LUA};
    const char *eval[] = {"EVAL", TAKE_LUA, "1", name, rl->per_hour_arg, rl->burst_arg};
    mm_redis_cmd cmds[2] = {{.argc = 3, .argv = load}, {.argc = 6, .argv = eval}};
    if (mm_redis_run(rl->redis, 2, cmds, r, err, err_size) != 0)
        return -1;
    if (r[0]->type == MM_REDIS_STRING && r[0]->len > 0 && r[0]->len < sizeof rl->sha) {
        pthread_mutex_lock(&rl->sha_lock);
        memcpy(rl->sha, r[0]->str, r[0]->len);
        rl->sha[r[0]->len] = '\0';
        pthread_mutex_unlock(&rl->sha_lock);
    }
    int rc = wait_of(r[1], wait, err, err_size);
    mm_redis_reply_free(r[0]);
    mm_redis_reply_free(r[1]);
    return rc;
}

/* A call decided locally: counted, and said on stderr when it starts and once a minute. */
static void note_local(mm_rate_limit *rl, const char *why)
{
    unsigned long long n = atomic_fetch_add(&rl->local_calls, 1) + 1;
    atomic_store(&rl->local, 1);
    long long now = mm_now_ms(), at = atomic_load(&rl->next_note_ms);
    if (now < at || !atomic_compare_exchange_strong(&rl->next_note_ms, &at, now + NOTE_EVERY_MS))
        return;
    fprintf(stderr,
            "mistmcp: the rate limit is not shared while Redis does not answer (%s): this replica "
            "counts its own calls meanwhile (%llu call%s so far)\n",
            why, n, n == 1 ? "" : "s");
}

static void note_shared(mm_rate_limit *rl)
{
    if (atomic_load(&rl->local) && atomic_exchange(&rl->local, 0)) {
        atomic_store(&rl->next_note_ms, 0); /* the next outage is said at once */
        fprintf(stderr,
                "mistmcp: the rate limit is shared through Redis again (%llu call%s decided by "
                "this replica alone since the start)\n",
                atomic_load(&rl->local_calls), atomic_load(&rl->local_calls) == 1 ? "" : "s");
    }
}

long mm_rate_limit_take(mm_rate_limit *rl, const char *token, long long now_ms)
{
    if (!rl)
        return 0;
    if (!token)
        token = "";
    if (rl->redis) {
        long wait = 0;
        char err[300];
        if (take_shared(rl, token, &wait, err, sizeof err) == 0) {
            note_shared(rl);
            return wait;
        }
        note_local(rl, err);
    }
    return take_local(rl, token, now_ms);
}
