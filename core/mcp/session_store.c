#define _GNU_SOURCE /* getrandom, explicit_bzero */
#include "mcp/session_store.h"

#include "base/util.h"

#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

struct mm_session_entry {
    char id[MM_SESSION_ID_LEN + 1];
    mm_session *session;
    char *token;
    long long last_used_ms;
    unsigned users; /* requests holding the entry */
    int removed;    /* out of the index; destroyed by its last user */
    mm_session_entry *next;
};

/* One token may not take the whole table, and a session that never finished its handshake
 * is dropped sooner than an idle working one. */
#define MAX_PER_TOKEN 100
#define UNINITIALIZED_MS 60000

struct mm_session_store {
    pthread_mutex_t lock;
    mm_session_entry *head;
    size_t count;
    size_t max;
    long idle_ms;
};

mm_session_store *mm_session_store_create(size_t max_sessions, long idle_timeout_ms)
{
    mm_session_store *st = mm_xcalloc(1, sizeof *st);
    pthread_mutex_init(&st->lock, NULL);
    st->max = max_sessions;
    st->idle_ms = idle_timeout_ms;
    return st;
}

static void entry_free(mm_session_entry *e)
{
    mm_session_destroy(&e->session);
    explicit_bzero(e->token, strlen(e->token));
    free(e->token);
    free(e);
}

/* Constant-time comparison, so the time taken says nothing about the stored token. */
static int same_token(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned char diff = la != lb;
    for (size_t i = 0; i < la; i++)
        diff |= (unsigned char)(a[i] ^ b[i % (lb ? lb : 1)]);
    return diff == 0;
}

mm_session_entry *mm_session_store_add(mm_session_store *st, mm_session *session, const char *token,
                                       char id[MM_SESSION_ID_LEN + 1], char *err, size_t err_size)
{
    unsigned char raw[MM_SESSION_ID_LEN / 2];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
        mm_fail(err, err_size, "the OS random generator failed");
        return NULL;
    }
    mm_session_entry *e = mm_xcalloc(1, sizeof *e);
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(e->id + 2 * i, 3, "%02x", raw[i]);
    e->session = session;
    e->token = mm_xstrdup(token ? token : "");
    e->last_used_ms = mm_now_ms();
    e->users = 1;
    pthread_mutex_lock(&st->lock);
    size_t same = 0;
    for (mm_session_entry *o = st->head; o; o = o->next)
        same += same_token(o->token, e->token);
    if (same >= MAX_PER_TOKEN) {
        pthread_mutex_unlock(&st->lock);
        e->session = NULL;
        free(e->token);
        free(e);
        mm_fail(err, err_size, "too many sessions (%d) for this token: end some (DELETE)",
                MAX_PER_TOKEN);
        return NULL;
    }
    if (st->count >= st->max) {
        pthread_mutex_unlock(&st->lock);
        e->session = NULL; /* still the caller's */
        free(e->token);
        free(e);
        mm_fail(err, err_size, "too many sessions (%zu): try again later", st->max);
        return NULL;
    }
    e->next = st->head;
    st->head = e;
    st->count++;
    pthread_mutex_unlock(&st->lock);
    memcpy(id, e->id, sizeof e->id);
    return e;
}

mm_session_entry *mm_session_store_get(mm_session_store *st, const char *id, const char *token,
                                       mm_lookup *outcome)
{
    pthread_mutex_lock(&st->lock);
    mm_session_entry *e = st->head;
    while (e && strcmp(e->id, id) != 0)
        e = e->next;
    long long now = mm_now_ms();
    if (!e || (e->users == 0 && now - e->last_used_ms > st->idle_ms)) {
        /* An expired session answers as unknown even before the sweep removes it. */
        *outcome = MM_LOOKUP_UNKNOWN;
        e = NULL;
    } else if (!same_token(e->token, token ? token : "")) {
        *outcome = MM_LOOKUP_FORBIDDEN;
        e = NULL;
    } else {
        *outcome = MM_LOOKUP_OK;
        e->users++;
        e->last_used_ms = now;
    }
    pthread_mutex_unlock(&st->lock);
    return e;
}

void mm_session_store_put(mm_session_store *st, mm_session_entry *e)
{
    pthread_mutex_lock(&st->lock);
    int last = --e->users == 0 && e->removed;
    if (!last)
        e->last_used_ms = mm_now_ms();
    pthread_mutex_unlock(&st->lock);
    if (last)
        entry_free(e);
}

mm_session *mm_session_entry_session(mm_session_entry *e)
{
    return e->session;
}

int mm_session_entry_removed(mm_session_store *st, mm_session_entry *e)
{
    pthread_mutex_lock(&st->lock);
    int r = e->removed;
    pthread_mutex_unlock(&st->lock);
    return r;
}

/* Unlinks e (lock held); returns 1 if the caller must free it now (nobody uses it). */
static int unlink_entry(mm_session_store *st, mm_session_entry *e)
{
    for (mm_session_entry **p = &st->head; *p; p = &(*p)->next)
        if (*p == e) {
            *p = e->next;
            break;
        }
    st->count--;
    e->removed = 1;
    mm_session_cancel_all(e->session); /* running calls stop; nothing more reaches Mist */
    return e->users == 0;
}

mm_lookup mm_session_store_remove(mm_session_store *st, const char *id, const char *token)
{
    pthread_mutex_lock(&st->lock);
    mm_session_entry *e = st->head;
    while (e && strcmp(e->id, id) != 0)
        e = e->next;
    mm_lookup outcome = !e                                          ? MM_LOOKUP_UNKNOWN
                        : !same_token(e->token, token ? token : "") ? MM_LOOKUP_FORBIDDEN
                                                                    : MM_LOOKUP_OK;
    int free_now = outcome == MM_LOOKUP_OK && unlink_entry(st, e);
    pthread_mutex_unlock(&st->lock);
    if (free_now)
        entry_free(e);
    return outcome;
}

size_t mm_session_store_expire(mm_session_store *st, long long now_ms)
{
    mm_session_entry *dead = NULL;
    size_t n = 0;
    pthread_mutex_lock(&st->lock);
    for (mm_session_entry *e = st->head, *next; e; e = next) {
        next = e->next;
        long limit = mm_session_is_initialized(e->session) || st->idle_ms < UNINITIALIZED_MS
                         ? st->idle_ms
                         : UNINITIALIZED_MS;
        if (e->users == 0 && now_ms - e->last_used_ms > limit) {
            unlink_entry(st, e);
            e->next = dead;
            dead = e;
            n++;
        }
    }
    pthread_mutex_unlock(&st->lock);
    while (dead) { /* destroyed outside the lock: it releases plugins */
        mm_session_entry *next = dead->next;
        entry_free(dead);
        dead = next;
    }
    if (n >= 64)
        malloc_trim(0); /* many sessions gone: give the memory back to the system */
    return n;
}

size_t mm_session_store_count(mm_session_store *st)
{
    pthread_mutex_lock(&st->lock);
    size_t n = st->count;
    pthread_mutex_unlock(&st->lock);
    return n;
}

void mm_session_store_cancel_all(mm_session_store *st)
{
    pthread_mutex_lock(&st->lock);
    for (mm_session_entry *e = st->head; e; e = e->next)
        mm_session_cancel_all(e->session); /* takes the session's lock: store, then session */
    pthread_mutex_unlock(&st->lock);
}

void mm_session_store_destroy(mm_session_store **stp)
{
    mm_session_store *st = *stp;
    if (!st)
        return;
    /* The transport has stopped: no request holds an entry any more. */
    while (st->head) {
        mm_session_entry *e = st->head;
        st->head = e->next;
        if (e->users)
            fprintf(stderr, "mistmcp: bug: session %.8s... still in use at shutdown\n", e->id);
        entry_free(e);
    }
    pthread_mutex_destroy(&st->lock);
    free(st);
    *stp = NULL;
}
