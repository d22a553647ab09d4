/* Calls of one session take at most MM_HTTP_CALLS_PER_SESSION workers at once; the rest wait
 * in the session's own queue, in order, and start as its earlier calls end. Nothing is
 * refused: a session that sends a hundred calls at once gets them all answered, and the
 * other sessions keep the remaining workers meanwhile. */
#include "transport/http_internal.h"

#include "base/util.h"

#include <stdlib.h>
#include <string.h>

typedef struct queued {
    mm_work_fn fn;
    void *arg;
    struct queued *next;
} queued;

/* One session's calls: how many run, and those waiting. */
typedef struct lane {
    unsigned running;
    queued *head, *tail;
} lane;

void mm_http_lane_submit(mm_http_ctx *h, const void *session, mm_work_fn fn, void *arg)
{
    pthread_mutex_lock(&h->lanes_lock);
    lane *l = mm_hash_map_get(h->lanes, &session, sizeof session);
    if (!l) {
        l = mm_xcalloc(1, sizeof *l);
        mm_hash_map_put(h->lanes, &session, sizeof session, l);
    }
    int now = l->running < MM_HTTP_CALLS_PER_SESSION;
    if (now) {
        l->running++;
    } else {
        queued *q = mm_xcalloc(1, sizeof *q);
        q->fn = fn;
        q->arg = arg;
        if (l->tail)
            l->tail->next = q;
        else
            l->head = q;
        l->tail = q;
    }
    pthread_mutex_unlock(&h->lanes_lock);
    if (now)
        mm_work_pool_submit(h->workers, fn, arg);
}

void mm_http_lane_done(mm_http_ctx *h, const void *session)
{
    queued *next = NULL;
    pthread_mutex_lock(&h->lanes_lock);
    lane *l = mm_hash_map_get(h->lanes, &session, sizeof session);
    if (l && l->head) { /* the next waiting call takes this one's worker */
        next = l->head;
        l->head = next->next;
        if (!l->head)
            l->tail = NULL;
    } else if (l && --l->running == 0) {
        mm_hash_map_remove(h->lanes, &session, sizeof session);
        free(l);
    }
    pthread_mutex_unlock(&h->lanes_lock);
    if (next) {
        mm_work_pool_submit(h->workers, next->fn, next->arg);
        free(next);
    }
}
