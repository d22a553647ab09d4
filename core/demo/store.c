/*
 * The demo cloud's sessions (demo/store.h): a hash map from token to lease, and the leases in
 * a list from the most to the least recently used, for the expiry and the eviction.
 */
#define _GNU_SOURCE /* explicit_bzero */
#include "demo/store.h"

#include "base/hash_map.h"
#include "base/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct mm_demo_lease {
    mm_demo_overlay *overlay;
    pthread_mutex_t lock; /* held by the request using the overlay */
    int holders;          /* leases out or waiting (under the store's lock) */
    int forgotten;        /* out of the table: freed by the last holder */
    long long used_ms;
    char *token; /* the map's key, to remove it; wiped when freed */
    mm_demo_lease *newer, *older;
};

struct mm_demo_store {
    pthread_mutex_t lock; /* the table, the list, holders and forgotten */
    mm_hash_map *by_token;
    mm_demo_lease *newest, *oldest;
    size_t count;
    mm_demo_store_limits limits;
};

mm_demo_store *mm_demo_store_create(const mm_demo_store_limits *limits)
{
    mm_demo_store *s = mm_xcalloc(1, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    s->by_token = mm_hash_map_create();
    if (limits)
        s->limits = *limits;
    if (!s->limits.max_overlays)
        s->limits.max_overlays = MM_DEMO_STORE_MAX_OVERLAYS;
    if (s->limits.idle_ms <= 0)
        s->limits.idle_ms = MM_DEMO_STORE_IDLE_MS;
    return s;
}

static void lease_free(mm_demo_lease *l)
{
    mm_demo_overlay_free(&l->overlay);
    pthread_mutex_destroy(&l->lock);
    explicit_bzero(l->token, strlen(l->token));
    free(l->token);
    free(l);
}

static void unlink_lease(mm_demo_store *s, mm_demo_lease *l)
{
    if (l->newer)
        l->newer->older = l->older;
    else
        s->newest = l->older;
    if (l->older)
        l->older->newer = l->newer;
    else
        s->oldest = l->newer;
    l->newer = l->older = NULL;
}

static void link_newest(mm_demo_store *s, mm_demo_lease *l)
{
    l->older = s->newest;
    l->newer = NULL;
    if (s->newest)
        s->newest->newer = l;
    s->newest = l;
    if (!s->oldest)
        s->oldest = l;
}

/* Takes l out of the table (under the store's lock); frees it unless a holder will. */
static void forget(mm_demo_store *s, mm_demo_lease *l)
{
    mm_hash_map_remove(s->by_token, l->token, strlen(l->token));
    unlink_lease(s, l);
    s->count--;
    l->forgotten = 1;
    if (l->holders == 0)
        lease_free(l);
}

/* Forgets the leases nobody holds that have been idle too long: the oldest first, up to the
 * first one used recently (the list is in the order of use). */
static void expire(mm_demo_store *s, long long now_ms)
{
    for (mm_demo_lease *l = s->oldest, *newer; l && now_ms - l->used_ms > s->limits.idle_ms;
         l = newer) {
        newer = l->newer;
        if (l->holders == 0)
            forget(s, l);
    }
}

/* Forgets the least recently used lease nobody holds if the store is full. (When every one is
 * held, the store holds one more for a while: at most one per thread serving requests.) */
static void make_room(mm_demo_store *s)
{
    for (mm_demo_lease *l = s->oldest; s->count >= s->limits.max_overlays && l; l = l->newer)
        if (l->holders == 0) {
            forget(s, l);
            return;
        }
}

void mm_demo_store_free(mm_demo_store **sp)
{
    mm_demo_store *s = *sp;
    if (!s)
        return;
    while (s->oldest)
        forget(s, s->oldest);
    mm_hash_map_destroy(&s->by_token);
    pthread_mutex_destroy(&s->lock);
    free(s);
    *sp = NULL;
}

mm_demo_lease *mm_demo_store_acquire(mm_demo_store *s, const char *token, int create,
                                     long long now_ms)
{
    size_t len = strlen(token);
    pthread_mutex_lock(&s->lock);
    expire(s, now_ms);
    mm_demo_lease *l = mm_hash_map_get(s->by_token, token, len);
    if (!l && create) {
        make_room(s);
        l = mm_xcalloc(1, sizeof *l);
        pthread_mutex_init(&l->lock, NULL);
        l->overlay = mm_demo_overlay_create();
        l->token = mm_xstrdup(token);
        mm_hash_map_put(s->by_token, token, len, l);
        s->count++;
    } else if (l) {
        unlink_lease(s, l);
    }
    if (l) {
        link_newest(s, l);
        l->used_ms = now_ms;
        l->holders++;
    }
    pthread_mutex_unlock(&s->lock);
    if (l)
        pthread_mutex_lock(&l->lock); /* the store's lock is not held while waiting here */
    return l;
}

mm_demo_overlay *mm_demo_lease_overlay(const mm_demo_lease *l)
{
    return l->overlay;
}

void mm_demo_store_release(mm_demo_store *s, mm_demo_lease *l)
{
    if (!l)
        return;
    pthread_mutex_unlock(&l->lock);
    pthread_mutex_lock(&s->lock);
    if (--l->holders == 0 && l->forgotten)
        lease_free(l);
    pthread_mutex_unlock(&s->lock);
}

size_t mm_demo_store_count(mm_demo_store *s)
{
    pthread_mutex_lock(&s->lock);
    size_t n = s->count;
    pthread_mutex_unlock(&s->lock);
    return n;
}
