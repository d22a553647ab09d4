#define _POSIX_C_SOURCE 200809L
#include "transport/outbox.h"

#include "base/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_BYTES (1u << 20) /* what a session may have waiting, whatever the messages' sizes */

struct mm_outbox {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    char **ring;
    size_t max, head, count, bytes;
    unsigned generation; /* the stream that attached last; older ones end */
    int closed;
    void (*waker)(void *ctx); /* the current stream's */
    void *waker_ctx;
};

mm_outbox *mm_outbox_create(size_t max)
{
    mm_outbox *o = mm_xcalloc(1, sizeof *o);
    pthread_mutex_init(&o->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&o->ready, &attr);
    pthread_condattr_destroy(&attr);
    o->max = max ? max : 1;
    o->ring = mm_xcalloc(o->max, sizeof *o->ring);
    return o;
}

void mm_outbox_destroy(mm_outbox **op)
{
    mm_outbox *o = *op;
    if (!o)
        return;
    for (size_t i = 0; i < o->count; i++)
        free(o->ring[(o->head + i) % o->max]);
    free(o->ring);
    pthread_cond_destroy(&o->ready);
    pthread_mutex_destroy(&o->lock);
    free(o);
    *op = NULL;
}

static char *take_locked(mm_outbox *o, int *ended);

/* Under the lock. A closing message (a response) is never dropped, whatever its size: the
 * others make room for it. */
static void push_locked(mm_outbox *o, const char *message, int closing)
{
    size_t len = strlen(message);
    if (len > MAX_BYTES && !closing)
        return; /* cannot be kept without breaking the bound */
    char *copy = mm_xstrdup(message);
    while (o->count == o->max || (o->count && o->bytes + len > MAX_BYTES)) { /* oldest go */
        o->bytes -= strlen(o->ring[o->head]);
        free(o->ring[o->head]);
        o->head = (o->head + 1) % o->max;
        o->count--;
    }
    o->ring[(o->head + o->count) % o->max] = copy;
    o->count++;
    o->bytes += len;
}

void mm_outbox_push(mm_outbox *o, const char *message)
{
    pthread_mutex_lock(&o->lock);
    if (!o->closed) {
        push_locked(o, message, 0);
        pthread_cond_signal(&o->ready);
        if (o->waker)
            o->waker(o->waker_ctx);
    }
    pthread_mutex_unlock(&o->lock);
}

void mm_outbox_close(mm_outbox *o, const char *last)
{
    pthread_mutex_lock(&o->lock);
    if (!o->closed && last)
        push_locked(o, last, 1);
    o->closed = 1;
    pthread_cond_broadcast(&o->ready);
    if (o->waker)
        o->waker(o->waker_ctx);
    pthread_mutex_unlock(&o->lock);
}

char *mm_outbox_pop(mm_outbox *o, int timeout_ms, int *ended)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += timeout_ms / 1000;
    until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&o->lock);
    while (o->count == 0 && !o->closed)
        if (pthread_cond_timedwait(&o->ready, &o->lock, &until) != 0)
            break;
    char *m = take_locked(o, ended);
    pthread_mutex_unlock(&o->lock);
    return m;
}

/* Takes the oldest message (lock held), or NULL. */
static char *take_locked(mm_outbox *o, int *ended)
{
    char *m = NULL;
    if (o->count) {
        m = o->ring[o->head];
        o->head = (o->head + 1) % o->max;
        o->count--;
        o->bytes -= strlen(m);
    }
    if (ended)
        *ended = o->closed && o->count == 0;
    return m;
}

char *mm_outbox_pop_or_arm(mm_outbox *o, int *ended, void (*arm)(void *ctx), void *ctx)
{
    pthread_mutex_lock(&o->lock);
    char *m = take_locked(o, ended);
    if (!m && !o->closed)
        arm(ctx);
    pthread_mutex_unlock(&o->lock);
    return m;
}

unsigned mm_outbox_attach(mm_outbox *o, void (*waker)(void *ctx), void *ctx)
{
    pthread_mutex_lock(&o->lock);
    unsigned g = ++o->generation;
    pthread_cond_broadcast(&o->ready); /* an older stream wakes up and ends */
    if (o->waker)
        o->waker(o->waker_ctx);
    o->waker = waker;
    o->waker_ctx = ctx;
    pthread_mutex_unlock(&o->lock);
    return g;
}

void mm_outbox_detach(mm_outbox *o, unsigned generation)
{
    pthread_mutex_lock(&o->lock);
    if (o->generation == generation) {
        o->waker = NULL;
        o->waker_ctx = NULL;
    }
    pthread_mutex_unlock(&o->lock);
}

int mm_outbox_current(mm_outbox *o, unsigned generation)
{
    pthread_mutex_lock(&o->lock);
    int current = o->generation == generation;
    pthread_mutex_unlock(&o->lock);
    return current;
}
