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

    mm_session_store *st = mm_session_store_create(2, 100);
    char id1[MM_SESSION_ID_LEN + 1], id2[MM_SESSION_ID_LEN + 1], id3[MM_SESSION_ID_LEN + 1];
    mm_session_entry *e1 =
        mm_session_store_add(st, new_session("token-a"), "token-a", id1, err, sizeof err);
    mm_session_entry *e2 =
        mm_session_store_add(st, new_session("token-b"), "token-b", id2, err, sizeof err);
    CHECK(e1 && e2 && strlen(id1) == MM_SESSION_ID_LEN && strspn(id1, "0123456789abcdef") == 32);
    CHECK(strcmp(id1, id2) != 0);
    mm_session_store_put(st, e1);
    mm_session_store_put(st, e2);
    CHECK(good_refs() == 2 && mm_session_store_count(st) == 2);

    /* Full: the caller keeps its session. */
    mm_session *extra = new_session("token-c");
    CHECK(mm_session_store_add(st, extra, "token-c", id3, err, sizeof err) == NULL &&
          strstr(err, "too many sessions (2)"));
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
    e1 = mm_session_store_add(st, new_session("t1"), "t1", id1, err, sizeof err);
    e2 = mm_session_store_add(st, new_session("t2"), "t2", id2, err, sizeof err);
    mm_session_store_put(st, e2); /* e1 stays in use */
    usleep(150000);
    CHECK(!mm_session_store_get(st, id2, "t2", &out) && out == MM_LOOKUP_UNKNOWN);
    CHECK(mm_session_store_expire(st, mm_now_ms()) == 1);
    CHECK(mm_session_store_count(st) == 1 && good_refs() == 1);
    mm_session_store_put(st, e1);
    usleep(150000);
    CHECK(mm_session_store_expire(st, mm_now_ms()) == 1 && good_refs() == 0);
    mm_session_store_destroy(&st);

    /* One token cannot take every slot. */
    st = mm_session_store_create(1000, 60000);
    int added = 0;
    for (int i = 0; i < 101; i++) {
        mm_session *greedy = new_session("greedy");
        e = mm_session_store_add(st, greedy, "greedy", id1, err, sizeof err);
        if (!e) {
            mm_session_destroy(&greedy); /* a refused session stays the caller's */
            break;
        }
        added++;
        mm_session_store_put(st, e);
    }
    CHECK_MSG(added == 100 && strstr(err, "too many sessions (100) for this token"), "%d: %s",
              added, err);
    e = mm_session_store_add(st, new_session("modest"), "modest", id1, err, sizeof err);
    CHECK(e != NULL);
    if (e)
        mm_session_store_put(st, e);
    mm_session_store_destroy(&st);
    CHECK(good_refs() == 0);

    /* Concurrent lookups while sessions are removed. */
    st = mm_session_store_create(8, 60000);
    worker_arg a = {.st = st};
    for (int i = 0; i < 4; i++) {
        e = mm_session_store_add(st, new_session("tok"), "tok", a.ids[i], err, sizeof err);
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
