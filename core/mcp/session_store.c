#define _GNU_SOURCE /* getrandom, explicit_bzero */
#include "mcp/session_store.h"

#include "base/hash_map.h"
#include "base/util.h"
#include "mcp/session_shared.h"

#include <cjson/cJSON.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
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
    /* With a shared store: the state last written to or read from Redis (under the store's
     * lock; NULL before the first) and its version there. */
    char *shared_state;
    long long shared_ver;
    /* Removed here as an unproven session (evicted, or idle past the unproven limit) that had
     * been idle for drop_idle_ms: ended in Redis too when no replica used it meanwhile, so that
     * sessions which proved nothing cannot pile up there for the whole idle timeout. */
    long long drop_idle_ms;
    /* Held while this copy is brought up to Redis's state or written to it (sync_in, sync_out):
     * two requests of the session on this replica do not merge and write at once, each with
     * what the other changed half applied. Taken before the store's lock, never while it is held.
     */
    pthread_mutex_t sync;
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
    /* Set once before serving (mm_session_store_share_with), NULL: memory only. */
    mm_shared_sessions *shared;
    mm_session_rebuild_fn rebuild;
    void *rebuild_ctx;
    atomic_ullong shared_errors;
    atomic_ullong other_secret; /* lookups of sessions made under another secret */
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

static void shared_failed(mm_session_store *st, const char *what, const char *err);

static void entry_free(mm_session_entry *e)
{
    mm_session_store *st = e->store;
    if (e->drop_idle_ms > 0 && st && st->shared) {
        char err[512];
        if (mm_shared_drop_idle(st->shared, e->id, e->drop_idle_ms, err, sizeof err) ==
            MM_SHARED_DOWN)
            shared_failed(st, "an unproven session stays in Redis until it expires", err);
    }
    pthread_mutex_destroy(&e->sync);
    free(e->shared_state);
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
    if (victim)
        victim->drop_idle_ms = mm_now_ms() - victim->last_used_ms + 1;
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

/* Puts e (its id, token and session set) into the index and its token's count, as unproven
 * from client unless client is NULL or its token is proven (lock held). */
static void link_entry(mm_session_store *st, mm_session_entry *e, const char *client)
{
    size_t token_len = first_token_len(e->token);
    token_rec *t = mm_hash_map_get(st->tokens, e->token, token_len);
    if (!t) {
        t = mm_xcalloc(1, sizeof *t);
        t->token = dup_n(e->token, token_len);
        t->len = token_len;
        mm_hash_map_put(st->tokens, e->token, token_len, t);
    }
    t->sessions++;
    e->tok = t;
    if (!t->proven && client) {
        size_t client_len = strlen(client);
        client_rec *c = mm_hash_map_get(st->clients, client, client_len);
        if (!c) {
            c = mm_xcalloc(1, sizeof *c);
            c->client = mm_xstrdup(client);
            mm_hash_map_put(st->clients, client, client_len, c);
        }
        c->unproven++;
        st->unproven++;
        e->client = c;
    }
    snprintf(e->session->id, sizeof e->session->id, "%s", e->id); /* the audit log's id */
    e->session->on_token_accepted = token_accepted;
    e->session->accepted_ctx = e;
    mm_hash_map_put(st->ids, e->id, MM_SESSION_ID_LEN, e);
    e->next = st->head;
    if (st->head)
        st->head->prev = e;
    st->head = e;
    st->count++;
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
    pthread_mutex_init(&e->sync, NULL);
    e->token = mm_xstrdup(token);
    mm_hex(raw, 2 * sizeof raw, e->id);
    e->store = st;
    e->last_used_ms = mm_now_ms();
    e->users = 1;
    e->session = session;
    pthread_mutex_lock(&st->lock);
    mm_session_entry *evicted = NULL;
    if (refused(st, mm_hash_map_get(st->tokens, token, token_len),
                mm_hash_map_get(st->clients, client, client_len), &evicted, refusal, err,
                err_size)) {
        pthread_mutex_unlock(&st->lock);
        if (evicted)
            entry_free(evicted);
        explicit_bzero(e->token, strlen(e->token));
        free(e->token);
        pthread_mutex_destroy(&e->sync);
        free(e);
        return NULL;
    }
    link_entry(st, e, client); /* looks the records up again: an eviction may have freed them */
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

static mm_session_entry *get_local(mm_session_store *st, const char *id, const char *token,
                                   mm_lookup *outcome)
{
    pthread_mutex_lock(&st->lock);
    mm_session_entry *e = find(st, id);
    long long now = mm_now_ms();
    /* With a shared store, Redis says when a session expired (another replica may have kept
     * it alive): this copy's idleness says nothing. */
    if (!e || (!st->shared && e->users == 0 && now - e->last_used_ms > idle_limit(st, e))) {
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

static int unlink_entry(mm_session_store *st, mm_session_entry *e);

/* Removes e from this replica (another one ended it, or it expired in Redis) and gives back
 * the caller's use reference. */
static void drop_copy(mm_session_store *st, mm_session_entry *e)
{
    pthread_mutex_lock(&st->lock);
    if (!e->removed)
        unlink_entry(st, e);
    int last = --e->users == 0;
    pthread_mutex_unlock(&st->lock);
    if (last)
        entry_free(e);
}

/* "mistmcp: session store: WHAT: ERR" on stderr, the first few times of *count, then one in a
 * thousand. */
static void log_sometimes(atomic_ullong *count, const char *what, const char *err)
{
    unsigned long long n = atomic_fetch_add(count, 1);
    if (n < 10 || n % 1000 == 0)
        fprintf(stderr, "mistmcp: session store: %s: %s\n", what, err);
}

static void shared_failed(mm_session_store *st, const char *what, const char *err)
{
    log_sometimes(&st->shared_errors, what, err);
}

/* A session made under another shared secret: the operator's mistake, with what to do. */
static void other_secret(mm_session_store *st, const char *id, const char *err)
{
    char what[200];
    snprintf(what, sizeof what,
             "session %.8s... was made by a replica given another --session-secret-file (its "
             "clients get 403 here; give every replica the same file)",
             id);
    log_sometimes(&st->other_secret, what, err);
}

/* Whether array a holds an item equal to x. */
static int holds(const cJSON *a, const cJSON *x)
{
    for (const cJSON *it = a ? a->child : NULL; it; it = it->next)
        if (cJSON_Compare(it, x, 1))
            return 1;
    return 0;
}

/* theirs (an array of names) gets the names mine added to base and loses those mine removed. */
static void merge_names(const cJSON *base, const cJSON *mine, cJSON *theirs)
{
    for (const cJSON *x = mine->child; x; x = x->next)
        if (!holds(base, x) && !holds(theirs, x))
            cJSON_AddItemToArray(theirs, cJSON_Duplicate(x, 1));
    for (const cJSON *x = base ? base->child : NULL; x; x = x->next) {
        if (holds(mine, x))
            continue;
        for (int i = cJSON_GetArraySize(theirs) - 1; i >= 0; i--)
            if (cJSON_Compare(cJSON_GetArrayItem(theirs, i), x, 1))
                cJSON_DeleteItemFromArray(theirs, i);
    }
}

/* Two replicas that change one session at once (each its own request) must not lose either
 * change: the state in Redis is written only over the version it was made from, and a copy
 * that fell behind takes the newer state with what its own requests changed on top. This is
 * that three-way merge of session states (JSON objects, mm_session_state_json): theirs (Redis's)
 * with what mine changed since base (the state of Redis that mine started from). A key mine
 * changed takes mine's value, except "on", the enabled categories' names: theirs plus the names
 * mine added, minus those mine removed. NULL when a text is not an object. */
static char *merge_state(const char *base, const char *mine, const char *theirs)
{
    cJSON *b = cJSON_Parse(base ? base : "{}"), *m = cJSON_Parse(mine), *t = cJSON_Parse(theirs);
    char *out = NULL;
    if (cJSON_IsObject(b) && cJSON_IsObject(m) && cJSON_IsObject(t)) {
        for (const cJSON *mv = m->child; mv; mv = mv->next) {
            const cJSON *bv = cJSON_GetObjectItemCaseSensitive(b, mv->string);
            if (bv && cJSON_Compare(mv, bv, 1))
                continue; /* not changed here */
            cJSON *tv = cJSON_GetObjectItemCaseSensitive(t, mv->string);
            /* "on" is a set of names; "st" a tuple, taken whole like any other value */
            if (strcmp(mv->string, "on") == 0 && cJSON_IsArray(mv) && cJSON_IsArray(tv) &&
                (!bv || cJSON_IsArray(bv))) {
                merge_names(bv, mv, tv);
            } else {
                cJSON_DeleteItemFromObjectCaseSensitive(t, mv->string);
                cJSON_AddItemToObject(t, mv->string, cJSON_Duplicate(mv, 1));
            }
        }
        for (const cJSON *bv = b->child; bv; bv = bv->next) {
            /* a key mine dropped goes, unless theirs changed it */
            const cJSON *tv = cJSON_GetObjectItemCaseSensitive(t, bv->string);
            if (!cJSON_GetObjectItemCaseSensitive(m, bv->string) && tv && cJSON_Compare(tv, bv, 1))
                cJSON_DeleteItemFromObjectCaseSensitive(t, bv->string);
        }
        out = cJSON_PrintUnformatted(t);
    }
    cJSON_Delete(b);
    cJSON_Delete(m);
    cJSON_Delete(t);
    return out;
}

/* Records state (taken) at version ver as e's last known Redis state, unless e knows a newer
 * one already. */
static void keep_newer(mm_session_store *st, mm_session_entry *e, char *state, long long ver)
{
    pthread_mutex_lock(&st->lock);
    if (ver > e->shared_ver) {
        free(e->shared_state);
        e->shared_state = state;
        e->shared_ver = ver;
        state = NULL;
    }
    pthread_mutex_unlock(&st->lock);
    free(state);
}

/* Brings this replica's copy of e up to theirs (Redis's state at version ver; taken), keeping
 * what requests here changed and did not write yet (they are written with the next
 * mm_session_store_put). e->sync held. */
static void catch_up(mm_session_store *st, mm_session_entry *e, char *theirs, long long ver)
{
    pthread_mutex_lock(&st->lock);
    int newer = ver > e->shared_ver;
    char *base = newer && e->shared_state ? mm_xstrdup(e->shared_state) : NULL;
    pthread_mutex_unlock(&st->lock);
    if (!newer) { /* this copy wrote or read as new a state since: nothing to take */
        free(theirs);
        return;
    }
    char *mine = mm_session_state_json(e->session);
    char *merged = merge_state(base, mine, theirs);
    char err[512];
    int partial = mm_session_state_apply(e->session, merged ? merged : theirs, err, sizeof err);
    if (partial != 0)
        shared_failed(st, "a session's state could not all be applied here", err);
    free(merged);
    free(mine);
    free(base);
    if (partial != 0) { /* what this replica cannot have is not written as removed */
        free(theirs);
        theirs = mm_session_state_json(e->session);
    }
    keep_newer(st, e, theirs, ver); /* a request here may have written a newer one meanwhile */
}

/* Makes this replica's copy of a shared session current: refreshes its expiry in Redis and,
 * if another replica changed it, applies that. Returns e, or NULL (the reference given back)
 * when the session is gone from Redis. */
static mm_session_entry *sync_in(mm_session_store *st, mm_session_entry *e, mm_lookup *outcome)
{
    char err[512];
    long long ver = 0;
    mm_shared_result r = mm_shared_touch(st->shared, e->id, &ver, err, sizeof err);
    if (r == MM_SHARED_GONE) {
        drop_copy(st, e);
        *outcome = MM_LOOKUP_UNKNOWN;
        return NULL;
    }
    if (r == MM_SHARED_DOWN) { /* this replica's copy serves meanwhile */
        shared_failed(st, "cannot refresh a session", err);
        return e;
    }
    pthread_mutex_lock(&st->lock);
    int behind = ver != e->shared_ver;
    pthread_mutex_unlock(&st->lock);
    if (!behind)
        return e;
    char *state = NULL;
    pthread_mutex_lock(&e->sync);
    r = mm_shared_state(st->shared, e->id, &state, &ver, err, sizeof err);
    if (r == MM_SHARED_OK && state)
        catch_up(st, e, state, ver);
    pthread_mutex_unlock(&e->sync);
    if (r == MM_SHARED_GONE) {
        free(state);
        drop_copy(st, e);
        *outcome = MM_LOOKUP_UNKNOWN;
        return NULL;
    }
    if (r == MM_SHARED_OK && state)
        return e;
    if (r == MM_SHARED_DOWN)
        shared_failed(st, "cannot read a session's state", err);
    free(state);
    return e;
}

/* Whether id has the form of the ids this server makes (MM_SESSION_ID_LEN lower-case hex
 * digits): anything else is not worth a round trip to Redis. */
static int id_shaped(const char *id)
{
    return strnlen(id, MM_SESSION_ID_LEN + 1) == MM_SESSION_ID_LEN &&
           strspn(id, "0123456789abcdef") == MM_SESSION_ID_LEN;
}

/* A session another replica made: built here from its record in Redis. */
static mm_session_entry *adopt(mm_session_store *st, const char *id, const char *token,
                               mm_lookup *outcome)
{
    *outcome = MM_LOOKUP_UNKNOWN;
    if (!id_shaped(id))
        return NULL; /* not an id this server makes: not worth a round trip */
    char err[512];
    mm_shared_origin origin;
    char *state = NULL;
    long long ver = 0;
    mm_shared_result r =
        mm_shared_load(st->shared, id, token ? token : "", &origin, &state, &ver, err, sizeof err);
    if (r == MM_SHARED_FORBIDDEN)
        *outcome = MM_LOOKUP_FORBIDDEN;
    if (r == MM_SHARED_OTHER_SECRET) {
        other_secret(st, id, err);
        *outcome = MM_LOOKUP_OTHER_SECRET;
    }
    if (r == MM_SHARED_DOWN) {
        shared_failed(st, "cannot read a session", err);
        *outcome = MM_LOOKUP_UNAVAILABLE;
    }
    if (r != MM_SHARED_OK)
        return NULL;
    pthread_mutex_lock(&st->lock);
    int full = st->count >= st->max; /* a copy counts in this replica's table too */
    pthread_mutex_unlock(&st->lock);
    mm_session *s = NULL;
    if (full)
        mm_fail(err, sizeof err, "this replica's session table is full (%zu)", st->max);
    else
        s = st->rebuild(st->rebuild_ctx, &origin, token ? token : "", err, sizeof err);
    mm_shared_origin_free(&origin);
    if (!s) {
        shared_failed(st, "cannot take on a session another replica made", err);
        free(state);
        *outcome = MM_LOOKUP_UNAVAILABLE;
        return NULL;
    }
    if (state && mm_session_state_apply(s, state, err, sizeof err) != 0)
        shared_failed(st, "a session's state could not all be applied here", err);
    free(state);
    mm_session_entry *e = mm_xcalloc(1, sizeof *e);
    pthread_mutex_init(&e->sync, NULL);
    e->token = mm_xstrdup(token ? token : "");
    memcpy(e->id, id, MM_SESSION_ID_LEN);
    e->store = st;
    e->last_used_ms = mm_now_ms();
    e->users = 1;
    e->session = s;
    e->shared_state = mm_session_state_json(s);
    e->shared_ver = ver;
    pthread_mutex_lock(&st->lock);
    mm_session_entry *other = find(st, id);
    if (other) { /* another request of this session adopted it meanwhile: that copy serves */
        other->users++;
        other->last_used_ms = e->last_used_ms;
        pthread_mutex_unlock(&st->lock);
        entry_free(e);
        *outcome = MM_LOOKUP_OK;
        return other;
    }
    link_entry(st, e, NULL); /* made and admitted elsewhere: no unproven budget here */
    pthread_mutex_unlock(&st->lock);
    *outcome = MM_LOOKUP_OK;
    return e;
}

unsigned mm_lookup_status(mm_lookup outcome)
{
    return outcome == MM_LOOKUP_OTHER_SECRET ? 403 : (unsigned)outcome;
}

const char *mm_lookup_message(mm_lookup outcome)
{
    switch (outcome) {
    case MM_LOOKUP_FORBIDDEN: return "this session belongs to another token";
    case MM_LOOKUP_OTHER_SECRET:
        return "this session was made by another replica of this service, which was given another "
               "session secret: its operator must give every replica the same "
               "--session-secret-file";
    case MM_LOOKUP_UNAVAILABLE:
        return "the session store does not answer right now: send the request again in a moment "
               "(the session is not lost)";
    default: return "unknown or expired session: initialize again";
    }
}

mm_session_entry *mm_session_store_get(mm_session_store *st, const char *id, const char *token,
                                       mm_lookup *outcome)
{
    mm_session_entry *e = get_local(st, id, token, outcome);
    if (!st->shared)
        return e;
    if (e)
        return sync_in(st, e, outcome);
    if (*outcome == MM_LOOKUP_UNKNOWN)
        return adopt(st, id, token, outcome);
    return NULL;
}

/* e is gone from Redis (expired, or ended by another replica): so from here too (the caller
 * holds a reference, which frees it). */
static void forget(mm_session_store *st, mm_session_entry *e)
{
    pthread_mutex_lock(&st->lock);
    int free_now = !e->removed && unlink_entry(st, e);
    pthread_mutex_unlock(&st->lock);
    if (free_now) /* cannot be: the caller holds a reference */
        entry_free(e);
}

/* Writes what the request changed in a shared session to Redis (one round trip, only when
 * something changed), over the version this copy's state was made from: when another replica
 * wrote first, its state is taken with this copy's changes on top, and written again. e->sync
 * held. */
static void write_back(mm_session_store *st, mm_session_entry *e)
{
    char err[512];
    for (int attempt = 0; attempt < 5; attempt++) {
        pthread_mutex_lock(&st->lock);
        int removed = e->removed;
        char *base = e->shared_state ? mm_xstrdup(e->shared_state) : NULL;
        long long ver = e->shared_ver;
        pthread_mutex_unlock(&st->lock);
        char *now = removed ? NULL : mm_session_state_json(e->session);
        int same = !now || (base && strcmp(base, now) == 0);
        free(base);
        if (same) {
            free(now);
            return;
        }
        mm_shared_result r = mm_shared_update(st->shared, e->id, now, &ver, err, sizeof err);
        if (r == MM_SHARED_OK) {
            keep_newer(st, e, now, ver); /* else a request here wrote a newer one meanwhile */
            return;
        }
        free(now);
        if (r == MM_SHARED_DOWN) { /* written with the next request's answer */
            shared_failed(st, "cannot store a session's change", err);
            return;
        }
        if (r == MM_SHARED_GONE) {
            forget(st, e);
            return;
        }
        char *theirs = NULL; /* MM_SHARED_CHANGED */
        r = mm_shared_state(st->shared, e->id, &theirs, &ver, err, sizeof err);
        if (r == MM_SHARED_OK && theirs) {
            catch_up(st, e, theirs, ver);
            continue;
        }
        free(theirs);
        if (r == MM_SHARED_DOWN)
            shared_failed(st, "cannot read a session's state", err);
        else
            forget(st, e);
        return;
    }
    shared_failed(st, "cannot store a session's change",
                  "other replicas changed it first five times; written with the next request");
}

static void sync_out(mm_session_store *st, mm_session_entry *e)
{
    pthread_mutex_lock(&e->sync);
    write_back(st, e);
    pthread_mutex_unlock(&e->sync);
}

void mm_session_store_keepalive(mm_session_store *st, mm_session_entry *e)
{
    pthread_mutex_lock(&st->lock);
    e->last_used_ms = mm_now_ms();
    int removed = e->removed;
    pthread_mutex_unlock(&st->lock);
    if (!st->shared || removed)
        return;
    char err[512];
    long long ver = 0;
    mm_shared_result r = mm_shared_touch(st->shared, e->id, &ver, err, sizeof err);
    if (r == MM_SHARED_GONE) { /* expired or ended in Redis: so here too */
        pthread_mutex_lock(&st->lock);
        int free_now = !e->removed && unlink_entry(st, e);
        pthread_mutex_unlock(&st->lock);
        if (free_now) /* cannot be: the caller holds a reference */
            entry_free(e);
    } else if (r == MM_SHARED_DOWN) {
        shared_failed(st, "cannot keep a session with an open stream alive", err);
    }
}

void mm_session_store_sync(mm_session_store *st, mm_session_entry *e)
{
    if (st->shared)
        sync_out(st, e);
}

void mm_session_store_put(mm_session_store *st, mm_session_entry *e)
{
    if (st->shared)
        sync_out(st, e);
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
    pthread_mutex_init(&e->sync, NULL);
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

static mm_lookup remove_local(mm_session_store *st, const char *id, const char *token)
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

/* What a replica publishes when a DELETE ended a session: the others drop their copies (and
 * cancel what those run) at once, not on their next use. Never a client's message: those are
 * forwarded only as replies and cancellations (http_session.c). */
#define ENDED_MESSAGE "{\"mistmcp/sessionEnded\":true}"

mm_lookup mm_session_store_remove(mm_session_store *st, const char *id, const char *token)
{
    if (!st->shared)
        return remove_local(st, id, token);
    if (!id_shaped(id))
        return MM_LOOKUP_UNKNOWN; /* not an id this server makes: not worth a round trip */
    char err[512];
    mm_shared_result r = mm_shared_remove(st->shared, id, token ? token : "", err, sizeof err);
    if (r == MM_SHARED_FORBIDDEN)
        return MM_LOOKUP_FORBIDDEN;
    if (r == MM_SHARED_OTHER_SECRET) {
        other_secret(st, id, err);
        return MM_LOOKUP_OTHER_SECRET;
    }
    if (r == MM_SHARED_DOWN) { /* ended here only, it would come back with Redis: not at all */
        shared_failed(st, "cannot end a session", err);
        return MM_LOOKUP_UNAVAILABLE;
    }
    mm_lookup local = remove_local(st, id, token);
    if (r == MM_SHARED_OK && mm_shared_forward(st->shared, id, ENDED_MESSAGE, err, sizeof err) < 0)
        shared_failed(st, "the other replicas drop their copies on their next use", err);
    return r == MM_SHARED_OK ? MM_LOOKUP_OK : local;
}

int mm_session_store_is_ended_message(const char *line)
{
    return strcmp(line, ENDED_MESSAGE) == 0;
}

void mm_session_store_drop(mm_session_store *st, const char *id)
{
    pthread_mutex_lock(&st->lock);
    mm_session_entry *e = find(st, id);
    int free_now = e && unlink_entry(st, e);
    pthread_mutex_unlock(&st->lock);
    if (free_now)
        entry_free(e);
}

void mm_session_store_release(mm_session_store *st, mm_session_entry *e)
{
    pthread_mutex_lock(&st->lock);
    int last = --e->users == 0 && e->removed;
    pthread_mutex_unlock(&st->lock);
    if (last)
        entry_free(e);
}

size_t mm_session_store_expire(mm_session_store *st, long long now_ms)
{
    mm_session_entry *dead = NULL;
    size_t n = 0;
    pthread_mutex_lock(&st->lock);
    for (mm_session_entry *e = st->head, *next; e; e = next) {
        next = e->next;
        if (e->users == 0 && now_ms - e->last_used_ms > idle_limit(st, e)) {
            if (e->client) /* unproven: see drop_idle_ms */
                e->drop_idle_ms = now_ms - e->last_used_ms;
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

void mm_session_store_share_with(mm_session_store *st, mm_shared_sessions *shared,
                                 mm_session_rebuild_fn rebuild, void *ctx)
{
    st->shared = shared;
    st->rebuild = rebuild;
    st->rebuild_ctx = ctx;
}

int mm_session_store_share(mm_session_store *st, mm_session_entry *e,
                           const mm_shared_origin *origin, char *err, size_t err_size)
{
    if (!st->shared)
        return 0;
    char *state = mm_session_state_json(e->session);
    if (mm_shared_create(st->shared, e->id, e->token, origin, state, err, err_size) !=
        MM_SHARED_OK) {
        free(state);
        shared_failed(st, "cannot store a new session", err);
        pthread_mutex_lock(&st->lock);
        if (!e->removed)
            unlink_entry(st, e); /* the caller's reference frees it */
        pthread_mutex_unlock(&st->lock);
        return -1;
    }
    pthread_mutex_lock(&st->lock);
    e->shared_state = state;
    e->shared_ver = 1;
    pthread_mutex_unlock(&st->lock);
    return 0;
}

mm_session_entry *mm_session_store_peek(mm_session_store *st, const char *id)
{
    pthread_mutex_lock(&st->lock);
    mm_session_entry *e = find(st, id);
    if (e)
        e->users++;
    pthread_mutex_unlock(&st->lock);
    return e;
}

const char *mm_session_entry_id(const mm_session_entry *e)
{
    return e->id;
}

unsigned long long mm_session_store_shared_errors(mm_session_store *st)
{
    return atomic_load(&st->shared_errors);
}
