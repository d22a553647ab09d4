#define _POSIX_C_SOURCE 200809L
#include "outbox.h"

#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct mm_outbox {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    char **ring;
    size_t max, head, count;
    int attached;
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

void mm_outbox_push(mm_outbox *o, const char *message)
{
    char *copy = mm_xstrdup(message);
    pthread_mutex_lock(&o->lock);
    if (o->count == o->max) { /* full: the oldest goes */
        free(o->ring[o->head]);
        o->head = (o->head + 1) % o->max;
        o->count--;
    }
    o->ring[(o->head + o->count) % o->max] = copy;
    o->count++;
    pthread_cond_signal(&o->ready);
    pthread_mutex_unlock(&o->lock);
}

char *mm_outbox_pop(mm_outbox *o, int timeout_ms)
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
    while (o->count == 0)
        if (pthread_cond_timedwait(&o->ready, &o->lock, &until) != 0)
            break;
    char *m = NULL;
    if (o->count) {
        m = o->ring[o->head];
        o->head = (o->head + 1) % o->max;
        o->count--;
    }
    pthread_mutex_unlock(&o->lock);
    return m;
}

int mm_outbox_attach(mm_outbox *o)
{
    pthread_mutex_lock(&o->lock);
    int ok = !o->attached;
    o->attached = 1;
    pthread_mutex_unlock(&o->lock);
    return ok;
}

void mm_outbox_detach(mm_outbox *o)
{
    pthread_mutex_lock(&o->lock);
    o->attached = 0;
    pthread_mutex_unlock(&o->lock);
}
