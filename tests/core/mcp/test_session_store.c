/* The session store of the HTTP transport: random ids, token binding, limits, DELETE, idle
 * expiry releasing plugins, and a session never destroyed under a running request.
 * usage: test_session_store PLUGIN_DIRS_BASE (the registry test's plugin directories) */
#define _DEFAULT_SOURCE
#include "base/util.h"
#include "check.h"
#include "mcp/host_api.h"
#include "mcp/session_store.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

static mm_server srv;
static mm_config cfg;

static void no_send(void *ctx, const char *line)
{
    (void)ctx, (void)line;
}

static mm_session *new_session(const char *token)
{
    const char *cats[] = {"good"};
    char err[256];
    mm_session *s = mm_session_create(&srv, MM_MODE_CUSTOM, cats, 1, token, NULL, no_send, NULL,
                                      err, sizeof err);
    CHECK_MSG(s != NULL, "%s", err);
    return s;
}

static unsigned good_refs(void)
{
    return mm_registry_refs(srv.registry, mm_registry_find(srv.registry, "good"));
}

typedef struct worker_arg {
    mm_session_store *st;
    char ids[4][MM_SESSION_ID_LEN + 1];
    int failures;
} worker_arg;

static void *worker(void *p)
{
    worker_arg *a = p;
    for (int i = 0; i < 2000; i++) {
        mm_lookup out;
        mm_session_entry *e = mm_session_store_get(a->st, a->ids[i % 4], "tok", &out);
        if (e) {
            if (!mm_session_entry_session(e))
                a->failures++;
            mm_session_store_put(a->st, e);
        } else if (out != MM_LOOKUP_UNKNOWN) {
            a->failures++;
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    mm_util_init();
    char dir[512];
    snprintf(dir, sizeof dir, "%s/good", argv[1]);
    const char *dirs[1] = {dir};
    char err[256];
    CHECK(mm_registry_create(NULL, dirs, 1, mm_host_api(), &srv.registry, err, sizeof err) == 0);
    srv.cfg = &cfg;

    unsigned refusal = 0;
    /* Idle after 1 s: long enough that a slow run (valgrind on a loaded machine) reaches the
     * lookups below before the sessions expire (100 ms was not), short enough to wait out. */
    mm_session_store *st = mm_session_store_create(2, 1000);
    char id1[MM_SESSION_ID_LEN + 1], id2[MM_SESSION_ID_LEN + 1], id3[MM_SESSION_ID_LEN + 1];
    mm_session_entry *e1 = mm_session_store_add(st, new_session("token-a"), "token-a", "10.0.0.1",
                                                id1, &refusal, err, sizeof err);
    mm_session_entry *e2 = mm_session_store_add(st, new_session("token-b"), "token-b", "10.0.0.1",
                                                id2, &refusal, err, sizeof err);
    CHECK(e1 && e2 && strlen(id1) == MM_SESSION_ID_LEN && strspn(id1, "0123456789abcdef") == 32);
    CHECK(strcmp(id1, id2) != 0);
    mm_session_store_put(st, e1);
    mm_session_store_put(st, e2);
    CHECK(good_refs() == 2 && mm_session_store_count(st) == 2);

    /* Full: the caller keeps its session. */
    mm_session *extra = new_session("token-c");
    CHECK(mm_session_store_add(st, extra, "token-c", "10.0.0.1", id3, &refusal, err, sizeof err) ==
              NULL &&
          strstr(err, "too many sessions (2)") && refusal == 503);
    mm_session_destroy(&extra);

    /* Token binding and unknown ids. */
    mm_lookup out;
    mm_session_entry *e = mm_session_store_get(st, id1, "token-a", &out);
    CHECK(e && out == MM_LOOKUP_OK && mm_session_entry_session(e));
    mm_session_store_put(st, e);
    CHECK(!mm_session_store_get(st, id1, "token-b", &out) && out == MM_LOOKUP_FORBIDDEN);
    CHECK(!mm_session_store_get(st, id1, "token-a-longer", &out) && out == MM_LOOKUP_FORBIDDEN);
    CHECK(!mm_session_store_get(st, id1, "", &out) && out == MM_LOOKUP_FORBIDDEN);
    CHECK(!mm_session_store_get(st, "0000", "token-a", &out) && out == MM_LOOKUP_UNKNOWN);

    /* DELETE: another token is refused; the owner's removes it, plugins released. */
    CHECK(mm_session_store_remove(st, id1, "token-b") == MM_LOOKUP_FORBIDDEN);
    CHECK(mm_session_store_remove(st, id1, "token-a") == MM_LOOKUP_OK);
    CHECK(!mm_session_store_get(st, id1, "token-a", &out) && out == MM_LOOKUP_UNKNOWN);
    CHECK(good_refs() == 1 && mm_session_store_count(st) == 1);
    CHECK(mm_session_store_remove(st, id1, "token-a") == MM_LOOKUP_UNKNOWN);

    /* Removed while a request holds it: destroyed by the last user. */
    e = mm_session_store_get(st, id2, "token-b", &out);
    CHECK(mm_session_store_remove(st, id2, "token-b") == MM_LOOKUP_OK);
    CHECK(good_refs() == 1 && mm_session_entry_session(e)); /* still alive for the request */
    mm_session_store_put(st, e);
    CHECK(good_refs() == 0);

    /* Idle expiry: not while in use, then yes, releasing plugins. */
    e1 = mm_session_store_add(st, new_session("t1"), "t1", "10.0.0.1", id1, &refusal, err,
                              sizeof err);
    e2 = mm_session_store_add(st, new_session("t2"), "t2", "10.0.0.1", id2, &refusal, err,
                              sizeof err);
    mm_session_store_put(st, e2); /* e1 stays in use */
    usleep(1100000);
    CHECK(!mm_session_store_get(st, id2, "t2", &out) && out == MM_LOOKUP_UNKNOWN);
    CHECK(mm_session_store_expire(st, mm_now_ms()) == 1);
    CHECK(mm_session_store_count(st) == 1 && good_refs() == 1);
    mm_session_store_put(st, e1);
    usleep(1100000);
    CHECK(mm_session_store_expire(st, mm_now_ms()) == 1 && good_refs() == 0);
    mm_session_store_destroy(&st);

    /* One token cannot take every slot. */
    st = mm_session_store_create(1000, 60000);
    int added = 0;
    for (int i = 0; i < 101; i++) {
        mm_session *greedy = new_session("greedy");
        e = mm_session_store_add(st, greedy, "greedy", "10.0.0.1", id1, &refusal, err, sizeof err);
        if (!e) {
            mm_session_destroy(&greedy); /* a refused session stays the caller's */
            break;
        }
        added++;
        mm_session_store_put(st, e);
    }
    CHECK_MSG(added == 100 && strstr(err, "too many sessions (100) for this token") &&
                  refusal == 429,
              "%d: %s", added, err);
    e = mm_session_store_add(st, new_session("modest"), "modest", "10.0.0.1", id1, &refusal, err,
                             sizeof err);
    CHECK(e != NULL);
    if (e)
        mm_session_store_put(st, e);
    mm_session_store_destroy(&st);
    CHECK(good_refs() == 0);

    /* Sessions that proved nothing: their own budget in all and per client address (429,
     * the client's share; 503, the budget), and Mist accepting a token moves every session
     * of it out of the budget. */
    st = mm_session_store_create(1000, 60000);
    mm_session_limits limits = {
        .per_token = 100, .unproven = 5, .unproven_per_client = 3, .unproven_idle_ms = 100};
    mm_session_store_set_limits(st, &limits);
    mm_session_entry *held[8] = {0};
    char tok[32];
    int n = 0;
    for (; n < 4; n++) {
        snprintf(tok, sizeof tok, "made-up-%d", n);
        mm_session *s = new_session(tok);
        held[n] = mm_session_store_add(st, s, tok, "192.0.2.7", id1, &refusal, err, sizeof err);
        if (!held[n]) {
            mm_session_destroy(&s);
            break;
        }
    }
    CHECK_MSG(n == 3 && refusal == 429 && strstr(err, "from this address"), "%d %u %s", n, refusal,
              err);
    CHECK(mm_session_store_unproven(st) == 3);
    for (int i = 0; i < 3; i++) { /* other addresses: the rest of the budget, then 503 */
        snprintf(tok, sizeof tok, "other-%d", i);
        mm_session *s = new_session(tok);
        e = mm_session_store_add(st, s, tok, i == 2 ? "192.0.2.9" : "192.0.2.8", id2, &refusal, err,
                                 sizeof err);
        if (i < 2) {
            held[3 + i] = e;
            CHECK(e != NULL);
        } else {
            CHECK_MSG(!e && refusal == 503 && strstr(err, "not accepted"), "%u %s", refusal, err);
            if (!e)
                mm_session_destroy(&s);
            else
                mm_session_store_put(st, e);
        }
    }
    CHECK(mm_session_store_unproven(st) == 5);
    /* Mist accepts made-up-0: its session leaves the budget, and the address has room again;
     * a new session of that token is proven from the start. */
    mm_session_token_accepted(mm_session_entry_session(held[0]));
    CHECK(mm_session_store_unproven(st) == 4);
    mm_session *again = new_session("made-up-0");
    e = mm_session_store_add(st, again, "made-up-0", "192.0.2.7", id2, &refusal, err, sizeof err);
    CHECK(e != NULL && mm_session_store_unproven(st) == 4);
    mm_session_store_put(st, e);
    mm_session *fresh = new_session("made-up-9");
    e = mm_session_store_add(st, fresh, "made-up-9", "192.0.2.7", id2, &refusal, err, sizeof err);
    CHECK(e != NULL && mm_session_store_unproven(st) == 5);
    mm_session_store_put(st, e);
    /* Unproven sessions expire sooner (100 ms here); the proven ones stay. */
    for (int i = 0; i < 8; i++)
        if (held[i])
            mm_session_store_put(st, held[i]);
    usleep(150000);
    size_t before = mm_session_store_count(st);
    CHECK_MSG(mm_session_store_expire(st, mm_now_ms()) == 5 &&
                  mm_session_store_count(st) == before - 5 && mm_session_store_unproven(st) == 0,
              "%zu sessions, %zu unproven", mm_session_store_count(st),
              mm_session_store_unproven(st));
    mm_session_store_destroy(&st);
    CHECK(good_refs() == 0);

    /* A full unproven budget: the least recently used idle session of the client holding the
     * most makes room (a client keeping its sessions busy cannot lock newcomers out), and a
     * comma list counts as its first token (no new budget from appending made-up tokens). */
    st = mm_session_store_create(1000, 60000);
    limits = (mm_session_limits){
        .per_token = 2, .unproven = 4, .unproven_per_client = 3, .unproven_idle_ms = 60000};
    mm_session_store_set_limits(st, &limits);
    char heavy[3][MM_SESSION_ID_LEN + 1];
    for (int i = 0; i < 3; i++) {
        snprintf(tok, sizeof tok, "heavy-%d", i);
        e = mm_session_store_add(st, new_session(tok), tok, "198.51.100.1", heavy[i], &refusal,
                                 err, sizeof err);
        CHECK(e != NULL);
        mm_session_store_put(st, e);
        usleep(2000); /* heavy-0 is the least recently used */
    }
    e = mm_session_store_add(st, new_session("light"), "light", "198.51.100.2", id1, &refusal,
                             err, sizeof err);
    CHECK(e != NULL);
    mm_session_store_put(st, e);
    CHECK(mm_session_store_admit(st, "newcomer", "198.51.100.3", &refusal, err, sizeof err) == 0);
    CHECK(!mm_session_store_get(st, heavy[0], "heavy-0", &out) && out == MM_LOOKUP_UNKNOWN);
    e = mm_session_store_get(st, heavy[1], "heavy-1", &out);
    CHECK(e != NULL);
    if (e)
        mm_session_store_put(st, e);
    CHECK(mm_session_store_unproven(st) == 3 && mm_session_store_count(st) == 3);
    e = mm_session_store_add(st, new_session("real,x1"), "real,x1", "198.51.100.4", id1, &refusal,
                             err, sizeof err);
    CHECK(e != NULL);
    mm_session_store_put(st, e);
    e = mm_session_store_add(st, new_session("real,x2"), "real,x2", "198.51.100.5", id2, &refusal,
                             err, sizeof err);
    CHECK(e != NULL); /* evicts heavy-1 */
    mm_session_store_put(st, e);
    mm_session *third = new_session("real,x3");
    CHECK(mm_session_store_add(st, third, "real,x3", "198.51.100.6", id3, &refusal, err,
                               sizeof err) == NULL &&
          refusal == 429 && strstr(err, "for this token"));
    mm_session_destroy(&third);
    CHECK(!mm_session_store_get(st, id1, "real,x2", &out) && out == MM_LOOKUP_FORBIDDEN);
    mm_session_store_destroy(&st);
    CHECK(good_refs() == 0);

    /* Thousands of sessions with long tokens: no operation scans them (before the hash maps,
     * each add compared its token with every stored one). */
    st = mm_session_store_create(10000, 60000);
    static char ids[4000][MM_SESSION_ID_LEN + 1];
    char big[513];
    long long t0 = mm_now_ms();
    for (int i = 0; i < 4000; i++) {
        snprintf(big, sizeof big, "%0512d", i);
        e = mm_session_store_add(st, new_session("x"), big, "10.1.1.1", ids[i], &refusal, err,
                                 sizeof err);
        CHECK(e != NULL);
        if (e)
            mm_session_store_put(st, e);
    }
    for (int i = 0; i < 4000; i++) {
        snprintf(big, sizeof big, "%0512d", i);
        e = mm_session_store_get(st, ids[i], big, &out);
        CHECK(e != NULL);
        if (e)
            mm_session_store_put(st, e);
    }
    long long took = mm_now_ms() - t0;
    CHECK_MSG(took < 4000, "4,000 adds and lookups took %lld ms", took);
    printf("4,000 sessions with 512-byte tokens: added and looked up in %lld ms\n", took);
    mm_session_store_destroy(&st);

    /* Concurrent lookups while sessions are removed. */
    st = mm_session_store_create(8, 60000);
    worker_arg a = {.st = st};
    for (int i = 0; i < 4; i++) {
        e = mm_session_store_add(st, new_session("tok"), "tok", "10.0.0.1", a.ids[i], &refusal, err,
                                 sizeof err);
        mm_session_store_put(st, e);
    }
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, &a);
    for (int i = 0; i < 4; i++)
        CHECK(mm_session_store_remove(st, a.ids[i], "tok") == MM_LOOKUP_OK);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    CHECK(a.failures == 0 && mm_session_store_count(st) == 0 && good_refs() == 0);
    mm_session_store_destroy(&st);
    mm_registry_destroy(&srv.registry);
    return check_summary();
}
