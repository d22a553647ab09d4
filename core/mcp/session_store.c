#define _GNU_SOURCE /* getrandom, explicit_bzero */
#include "mcp/session_store.h"

#include "base/hash_map.h"
#include "base/util.h"

#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* One token's sessions. A comma list of tokens counts as its first token (the one its calls
 * use first): "real,x1" and "real,x2" share real's budget, and are proven with it. */
typedef struct token_rec {
    char *token; /* the first token of the list */
    size_t len;
    size_t sessions;
    int proven; /* Mist accepted it: its sessions count as proven */
} token_rec;

/* One client address's unproven sessions. */
typedef struct client_rec {
    char *client;
    size_t unproven;
} client_rec;

struct mm_session_entry {
    char id[MM_SESSION_ID_LEN + 1];
    mm_session_store *store;
    mm_session *session;
    char *token; /* secret: as given, the whole list (a request must present the same) */
    token_rec *tok;
    client_rec *client; /* while the entry counts as unproven; NULL once proven */
    long long last_used_ms;
    unsigned users; /* requests holding the entry */
    int removed;    /* out of the index; destroyed by its last user */
    mm_session_entry *prev, *next;
};

/* A session that never finished its handshake is dropped sooner than an idle working one. */
#define UNINITIALIZED_MS 60000

struct mm_session_store {
    pthread_mutex_t lock;
    mm_session_entry *head; /* every entry, for the idle sweep */
    mm_hash_map *ids, *tokens, *clients;
    size_t count, unproven;
    size_t max;
    long idle_ms;
    mm_session_limits limits;
};

mm_session_store *mm_session_store_create(size_t max_sessions, long idle_timeout_ms)
{
    mm_session_store *st = mm_xcalloc(1, sizeof *st);
    pthread_mutex_init(&st->lock, NULL);
    st->max = max_sessions;
    st->idle_ms = idle_timeout_ms;
    st->ids = mm_hash_map_create();
    st->tokens = mm_hash_map_create();
    st->clients = mm_hash_map_create();
    st->limits = (mm_session_limits){.per_token = 100,
                                     .unproven = max_sessions,
                                     .unproven_per_client = max_sessions,
                                     .unproven_idle_ms = idle_timeout_ms};
    return st;
}

void mm_session_store_set_limits(mm_session_store *st, const mm_session_limits *l)
{
    st->limits = *l;
}

static char *dup_n(const char *s, size_t n)
{
    char *out = mm_xmalloc(n + 1);
    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

/* The budget key of a token: its first token (see token_rec). */
static size_t first_token_len(const char *token)
{
    return strcspn(token, ",");
}

/* The entry stops counting as unproven (lock held). */
static void unlink_client(mm_session_store *st, mm_session_entry *e)
{
    client_rec *c = e->client;
    if (!c)
        return;
    e->client = NULL;
    st->unproven--;
    if (--c->unproven == 0) {
        mm_hash_map_remove(st->clients, c->client, strlen(c->client));
        free(c->client);
        free(c);
    }
}

/* The entry's token loses a session (lock held). */
static void unlink_token(mm_session_store *st, mm_session_entry *e)
{
    token_rec *t = e->tok;
    e->tok = NULL;
    if (--t->sessions == 0) {
        mm_hash_map_remove(st->tokens, t->token, t->len);
        explicit_bzero(t->token, t->len);
        free(t->token);
        free(t);
    }
}

static void entry_free(mm_session_entry *e)
{
    mm_session_destroy(&e->session);
    explicit_bzero(e->token, strlen(e->token));
    free(e->token);
    free(e);
}

/* Called by the session (mm_session_token_accepted) the first time Mist accepts its token,
 * during a request that holds the entry: every session of that token is proven from now on. */
static void token_accepted(void *ctx)
{
    mm_session_entry *e = ctx;
    mm_session_store *st = e->store;
    pthread_mutex_lock(&st->lock);
    if (e->tok && !e->tok->proven) { /* no tok: removed meanwhile (the caller still holds e) */
        e->tok->proven = 1;          /* once per token: the walk is not repeated */
        for (mm_session_entry *o = st->head; o; o = o->next)
            if (o->tok == e->tok)
                unlink_client(st, o);
    }
    pthread_mutex_unlock(&st->lock);
}

static int unlink_entry(mm_session_store *st, mm_session_entry *e);

/* The unproven budget is full: the least recently used idle session of the client holding
 * the most unproven sessions makes room (lock held). A client keeping its sessions alive
 * cannot lock newcomers out; it loses its own oldest first. Returns the entry to free (after
 * the lock), or NULL if none is idle. */
static mm_session_entry *evict_unproven(mm_session_store *st)
{
    mm_session_entry *victim = NULL;
    for (mm_session_entry *e = st->head; e; e = e->next) {
        if (!e->client || e->users)
            continue;
        if (!victim || e->client->unproven > victim->client->unproven ||
            (e->client->unproven == victim->client->unproven &&
             e->last_used_ms < victim->last_used_ms))
            victim = e;
    }
    if (victim && unlink_entry(st, victim))
        return victim;
    return NULL; /* in use after all: destroyed by its last user */
}

/* Why a new session may not be added (lock held): NULL if it may. *evicted gets a session
 * removed to make room (the caller frees it after the lock). */
static const char *refused(mm_session_store *st, const token_rec *t, const client_rec *c,
                           mm_session_entry **evicted, unsigned *status, char *err, size_t err_size)
{
    const mm_session_limits *l = &st->limits;
    /* Sessions without a token (the demo's, tests') are not one client's: no per-token cap. */
    if (t && t->len > 0 && t->sessions >= l->per_token) {
        *status = 429;
        mm_fail(err, err_size, "too many sessions (%zu) for this token: end some (DELETE)",
                l->per_token);
    } else if (st->count >= st->max) {
        *status = 503;
        mm_fail(err, err_size, "too many sessions (%zu): try again later", st->max);
    } else if (t && t->proven) {
        return NULL;
    } else if (c && c->unproven >= l->unproven_per_client) {
        *status = 429;
        mm_fail(err, err_size,
                "too many sessions (%zu) from this address whose token Mist has not accepted "
                "yet: call a tool in one of them, or end some (DELETE)",
                l->unproven_per_client);
    } else if (st->unproven >= l->unproven && !(*evicted = evict_unproven(st))) {
        *status = 503;
        mm_fail(err, err_size,
                "too many sessions (%zu) whose token Mist has not accepted yet: try again later",
                l->unproven);
    } else {
        return NULL;
    }
    return err;
}

int mm_session_store_admit(mm_session_store *st, const char *token, const char *client,
                           unsigned *refusal, char *err, size_t err_size)
{
    token = token ? token : "";
    client = client ? client : "";
    mm_session_entry *evicted = NULL;
    pthread_mutex_lock(&st->lock);
    const char *why = refused(st, mm_hash_map_get(st->tokens, token, first_token_len(token)),
                              mm_hash_map_get(st->clients, client, strlen(client)), &evicted,
                              refusal, err, err_size);
    pthread_mutex_unlock(&st->lock);
    if (evicted)
        entry_free(evicted);
    return why ? -1 : 0;
}

mm_session_entry *mm_session_store_add(mm_session_store *st, mm_session *session, const char *token,
                                       const char *client, char id[MM_SESSION_ID_LEN + 1],
                                       unsigned *refusal, char *err, size_t err_size)
{
    unsigned char raw[MM_SESSION_ID_LEN / 2];
    if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
        *refusal = 500;
        mm_fail(err, err_size, "the OS random generator failed");
        return NULL;
    }
    token = token ? token : "";
    client = client ? client : "";
    size_t token_len = first_token_len(token), client_len = strlen(client);
    mm_session_entry *e = mm_xcalloc(1, sizeof *e);
    e->token = mm_xstrdup(token);
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(e->id + 2 * i, 3, "%02x", raw[i]);
    e->store = st;
    e->last_used_ms = mm_now_ms();
    e->users = 1;
    pthread_mutex_lock(&st->lock);
    token_rec *t = mm_hash_map_get(st->tokens, token, token_len);
    client_rec *c = mm_hash_map_get(st->clients, client, client_len);
    mm_session_entry *evicted = NULL;
    if (refused(st, t, c, &evicted, refusal, err, err_size)) {
        pthread_mutex_unlock(&st->lock);
        if (evicted)
            entry_free(evicted);
        explicit_bzero(e->token, strlen(e->token));
        free(e->token);
        free(e);
        return NULL;
    }
    /* An eviction may have freed the records looked up before it. */
    t = mm_hash_map_get(st->tokens, token, token_len);
    c = mm_hash_map_get(st->clients, client, client_len);
    if (!t) {
        t = mm_xcalloc(1, sizeof *t);
        t->token = dup_n(token, token_len);
        t->len = token_len;
        mm_hash_map_put(st->tokens, token, token_len, t);
    }
    t->sessions++;
    e->tok = t;
    if (!t->proven) {
        if (!c) {
            c = mm_xcalloc(1, sizeof *c);
            c->client = mm_xstrdup(client);
            mm_hash_map_put(st->clients, client, client_len, c);
        }
        c->unproven++;
        st->unproven++;
        e->client = c;
    }
    e->session = session;
    snprintf(session->id, sizeof session->id, "%s", e->id); /* the audit log's session id */
    session->on_token_accepted = token_accepted;
    session->accepted_ctx = e;
    mm_hash_map_put(st->ids, e->id, MM_SESSION_ID_LEN, e);
    e->next = st->head;
    if (st->head)
        st->head->prev = e;
    st->head = e;
    st->count++;
    pthread_mutex_unlock(&st->lock);
    if (evicted)
        entry_free(evicted);
    memcpy(id, e->id, sizeof e->id);
    return e;
}

/* The entry of id, or NULL (lock held). */
static mm_session_entry *find(mm_session_store *st, const char *id)
{
    size_t n = strnlen(id, MM_SESSION_ID_LEN + 1);
    return n == MM_SESSION_ID_LEN ? mm_hash_map_get(st->ids, id, n) : NULL;
}

static long idle_limit(const mm_session_store *st, const mm_session_entry *e)
{
    long limit = e->client ? st->limits.unproven_idle_ms : st->idle_ms;
    if (!mm_session_is_initialized(e->session) && limit > UNINITIALIZED_MS)
        limit = UNINITIALIZED_MS;
    return limit;
}

mm_session_entry *mm_session_store_get(mm_session_store *st, const char *id, const char *token,
                                       mm_lookup *outcome)
{
    pthread_mutex_lock(&st->lock);
    mm_session_entry *e = find(st, id);
    long long now = mm_now_ms();
    if (!e || (e->users == 0 && now - e->last_used_ms > idle_limit(st, e))) {
        /* An expired session answers as unknown even before the sweep removes it. */
        *outcome = MM_LOOKUP_UNKNOWN;
        e = NULL;
    } else if (!mm_secret_equal(e->token, token ? token : "")) {
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

mm_session_entry *mm_session_store_detached(mm_session_store *st, mm_session *session)
{
    mm_session_entry *e = mm_xcalloc(1, sizeof *e);
    e->store = st;
    e->session = session;
    e->token = mm_xstrdup("");
    e->users = 1;
    e->removed = 1; /* never in the index: the last user frees it */
    e->last_used_ms = mm_now_ms();
    return e;
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
    mm_hash_map_remove(st->ids, e->id, MM_SESSION_ID_LEN);
    if (e->prev)
        e->prev->next = e->next;
    else
        st->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    e->prev = e->next = NULL;
    unlink_client(st, e);
    unlink_token(st, e);
    st->count--;
    e->removed = 1;
    mm_session_cancel_all(e->session); /* running calls stop; nothing more reaches Mist */
    return e->users == 0;
}

mm_lookup mm_session_store_remove(mm_session_store *st, const char *id, const char *token)
{
    pthread_mutex_lock(&st->lock);
    mm_session_entry *e = find(st, id);
    mm_lookup outcome = !e                                               ? MM_LOOKUP_UNKNOWN
                        : !mm_secret_equal(e->token, token ? token : "") ? MM_LOOKUP_FORBIDDEN
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
        if (e->users == 0 && now_ms - e->last_used_ms > idle_limit(st, e)) {
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

size_t mm_session_store_unproven(mm_session_store *st)
{
    pthread_mutex_lock(&st->lock);
    size_t n = st->unproven;
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
        if (e->users)
            fprintf(stderr, "mistmcp: bug: session %.8s... still in use at shutdown\n", e->id);
        unlink_entry(st, e);
        entry_free(e);
    }
    mm_hash_map_destroy(&st->ids);
    mm_hash_map_destroy(&st->tokens);
    mm_hash_map_destroy(&st->clients);
    pthread_mutex_destroy(&st->lock);
    free(st);
    *stp = NULL;
}
