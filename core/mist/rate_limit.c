#include "mist/rate_limit.h"

#include "base/util.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

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
    return rl;
}

void mm_rate_limit_destroy(mm_rate_limit **rlp)
{
    mm_rate_limit *rl = *rlp;
    if (!rl)
        return;
    free(rl->slots);
    pthread_mutex_destroy(&rl->lock);
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

long mm_rate_limit_take(mm_rate_limit *rl, const char *token, long long now_ms)
{
    if (!rl)
        return 0;
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
