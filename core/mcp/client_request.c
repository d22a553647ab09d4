#define _POSIX_C_SOURCE 200809L
#include "mcp/client_request.h"

#include "base/util.h"
#include "mcp/session.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct waiter {
    char id[32];
    cJSON *reply; /* set by deliver */
    struct waiter *next;
} waiter;

struct mm_client_requests {
    pthread_mutex_t lock;
    pthread_cond_t arrived;
    waiter *waiting;
    unsigned long next_id;
    int closing;
    int users; /* waiters inside mm_client_request */
};

mm_client_requests *mm_client_requests_create(void)
{
    mm_client_requests *t = mm_xcalloc(1, sizeof *t);
    pthread_mutex_init(&t->lock, NULL);
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&t->arrived, &a);
    pthread_condattr_destroy(&a);
    return t;
}

void mm_client_requests_destroy(mm_client_requests **tp)
{
    mm_client_requests *t = *tp;
    if (!t)
        return;
    pthread_mutex_lock(&t->lock);
    t->closing = 1;
    pthread_cond_broadcast(&t->arrived);
    while (t->users > 0) { /* each waiter sees closing and leaves */
        pthread_mutex_unlock(&t->lock);
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
        pthread_mutex_lock(&t->lock);
    }
    pthread_mutex_unlock(&t->lock);
    pthread_cond_destroy(&t->arrived);
    pthread_mutex_destroy(&t->lock);
    free(t);
    *tp = NULL;
}

static void unlink_waiter(mm_client_requests *t, waiter *w)
{
    for (waiter **p = &t->waiting; *p; p = &(*p)->next)
        if (*p == w) {
            *p = w->next;
            return;
        }
}

cJSON *mm_client_request(mm_session *s, const mm_inflight *req, const char *method, cJSON *params,
                         long timeout_ms, const atomic_int *cancelled)
{
    mm_client_requests *t = mm_session_asks(s, 1);
    waiter w = {.reply = NULL};
    pthread_mutex_lock(&t->lock);
    if (t->closing) {
        pthread_mutex_unlock(&t->lock);
        cJSON_Delete(params);
        return NULL;
    }
    snprintf(w.id, sizeof w.id, "mm-%lu", ++t->next_id);
    w.next = t->waiting;
    t->waiting = &w;
    t->users++;
    pthread_mutex_unlock(&t->lock);

    cJSON *msg = cJSON_CreateObject();
    cJSON_AddStringToObject(msg, "jsonrpc", "2.0");
    cJSON_AddStringToObject(msg, "id", w.id);
    cJSON_AddStringToObject(msg, "method", method);
    cJSON_AddItemToObject(msg, "params", params);
    mm_session_send_on(s, req, msg); /* after registering: the reply may come at once */

    long long deadline = mm_now_ms() + timeout_ms;
    pthread_mutex_lock(&t->lock);
    while (!w.reply && !t->closing && !(cancelled && atomic_load(cancelled)) &&
           mm_now_ms() < deadline) {
        struct timespec at;
        clock_gettime(CLOCK_MONOTONIC, &at);
        at.tv_nsec += 100 * 1000000L; /* wake to check cancellation */
        if (at.tv_nsec >= 1000000000L) {
            at.tv_sec++;
            at.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&t->arrived, &t->lock, &at);
    }
    cJSON *reply = w.reply;
    unlink_waiter(t, &w);
    t->users--;
    pthread_mutex_unlock(&t->lock);
    return reply;
}

int mm_client_requests_deliver(mm_client_requests *t, const cJSON *reply)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(reply, "id");
    if (!cJSON_IsString(id))
        return 0; /* ours are strings */
    int found = 0;
    pthread_mutex_lock(&t->lock);
    for (waiter *w = t->waiting; w; w = w->next)
        if (!w->reply && strcmp(w->id, id->valuestring) == 0) {
            w->reply = cJSON_Duplicate(reply, 1);
            found = 1;
            break;
        }
    if (found)
        pthread_cond_broadcast(&t->arrived);
    pthread_mutex_unlock(&t->lock);
    return found;
}
