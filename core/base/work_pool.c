#define _POSIX_C_SOURCE 200809L
#include "base/work_pool.h"

#include "base/util.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct job {
    mm_work_fn fn;
    void *arg;
    struct job *next;
} job;

struct mm_work_pool {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    job *head, *tail;
    int stopping;
    size_t count;
    pthread_t *threads;
    void *(*state_create)(void);
    void (*state_destroy)(void *);
};

static void *worker(void *p)
{
    mm_work_pool *pool = p;
    void *state = pool->state_create ? pool->state_create() : NULL;
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        while (!pool->head && !pool->stopping)
            pthread_cond_wait(&pool->ready, &pool->lock);
        job *j = pool->head;
        if (j) {
            pool->head = j->next;
            if (!pool->head)
                pool->tail = NULL;
        }
        pthread_mutex_unlock(&pool->lock);
        if (!j)
            break; /* stopping and nothing left */
        j->fn(j->arg, state);
        free(j);
    }
    if (pool->state_destroy)
        pool->state_destroy(state);
    return NULL;
}

mm_work_pool *mm_work_pool_create(size_t threads, void *(*state_create)(void),
                                  void (*state_destroy)(void *state))
{
    mm_work_pool *pool = mm_xcalloc(1, sizeof *pool);
    pool->state_create = state_create;
    pool->state_destroy = state_destroy;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->ready, NULL);
    pool->count = threads ? threads : 1;
    pool->threads = mm_xcalloc(pool->count, sizeof *pool->threads);
    for (size_t i = 0; i < pool->count; i++)
        if (pthread_create(&pool->threads[i], NULL, worker, pool) != 0) {
            pool->count = i; /* run with fewer workers; at least one is needed */
            if (i == 0)
                abort();
            break;
        }
    return pool;
}

void mm_work_pool_submit(mm_work_pool *pool, mm_work_fn fn, void *arg)
{
    job *j = mm_xcalloc(1, sizeof *j);
    j->fn = fn;
    j->arg = arg;
    pthread_mutex_lock(&pool->lock);
    if (pool->tail)
        pool->tail->next = j;
    else
        pool->head = j;
    pool->tail = j;
    pthread_cond_signal(&pool->ready);
    pthread_mutex_unlock(&pool->lock);
}

void mm_work_pool_destroy(mm_work_pool **pp)
{
    mm_work_pool *pool = *pp;
    if (!pool)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->stopping = 1;
    pthread_cond_broadcast(&pool->ready);
    pthread_mutex_unlock(&pool->lock);
    for (size_t i = 0; i < pool->count; i++)
        pthread_join(pool->threads[i], NULL);
    free(pool->threads);
    pthread_cond_destroy(&pool->ready);
    pthread_mutex_destroy(&pool->lock);
    free(pool);
    *pp = NULL;
}
