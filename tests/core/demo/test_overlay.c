/*
 * One session's changes (core/demo/overlay.h) and the sessions by token (core/demo/store.h):
 *   - an overlay answers what was set, deleted (also under a deleted path), or nothing;
 *   - lists: an item replaced in place, a deleted one left out, created ones after the
 *     others in the order made, another list untouched; numbers keep their digits;
 *   - the limits: a change past the entries or the bytes is refused with a message naming the
 *     limit, and the overlay keeps what it had; replacing an object in place is no new entry;
 *   - the store: a token gets its own overlay, a read-only token none; the least recently used
 *     overlay is forgotten first when the store is full, never one a lease holds; an idle one
 *     after idle_ms; a forgotten token starts again from nothing;
 *   - threads: several threads leasing and changing overlays of a few tokens while the store
 *     keeps forgetting them (run under ASan and valgrind by the test suite).
 */
#define _GNU_SOURCE
#include "check.h"

#include "base/json_exact.h"
#include "demo/overlay.h"
#include "demo/store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static cJSON *obj(const char *json)
{
    cJSON *o = mm_json_parse_exact(json, strlen(json), NULL); /* numbers keep their digits */
    CHECK_MSG(o, "bad case: %s", json);
    return o;
}

static void put(mm_demo_overlay *ov, const char *path, const char *list, const char *json)
{
    cJSON *o = json ? obj(json) : NULL;
    char err[300];
    CHECK_MSG(mm_demo_overlay_put(ov, path, list, o, err, sizeof err) == 0, "%s: %s", path, err);
    cJSON_Delete(o);
}

/* The printed list of base as ov shows list ("-" when ov leaves base as it is). */
static char *listed(const mm_demo_overlay *ov, const char *list, const char *base)
{
    cJSON *b = obj(base), *seen = mm_demo_overlay_list(ov, list, b);
    char *text = seen ? mm_json_print_exact(seen) : strdup("-");
    cJSON_Delete(seen);
    cJSON_Delete(b);
    return text;
}

static void expect_list(const mm_demo_overlay *ov, const char *list, const char *base,
                        const char *want)
{
    char *got = listed(ov, list, base);
    CHECK_MSG(strcmp(got, want) == 0, "%s: got %s, want %s", list, got, want);
    free(got);
}

static void overlay_basics(void)
{
    mm_demo_overlay *ov = mm_demo_overlay_create();
    cJSON *v;
    CHECK(mm_demo_overlay_get(ov, "/o/w/1", &v) == MM_DEMO_UNCHANGED && !v);
    CHECK(mm_demo_overlay_get(NULL, "/o/w/1", &v) == MM_DEMO_UNCHANGED && !v);
    put(ov, "/o/w/1", "/o/w", "{\"id\":\"1\",\"ssid\":\"A\",\"n\":12345678901234567890}");
    CHECK(mm_demo_overlay_get(ov, "/o/w/1", &v) == MM_DEMO_SET);
    char *text = cJSON_PrintUnformatted(cJSON_GetObjectItem(v, "ssid"));
    CHECK_MSG(strcmp(text, "\"A\"") == 0, "%s", text);
    free(text);
    cJSON_Delete(v);
    put(ov, "/o/w/2", "/o/w", NULL);
    CHECK(mm_demo_overlay_get(ov, "/o/w/2", &v) == MM_DEMO_GONE && !v);
    CHECK(mm_demo_overlay_get(ov, "/o/w/2/portal", &v) == MM_DEMO_GONE);
    CHECK(mm_demo_overlay_get(ov, "/o/w/22", &v) == MM_DEMO_UNCHANGED); /* not under /o/w/2 */
    CHECK(strcmp(mm_demo_overlay_deleted(ov, "/o/w/2/portal/x"), "/o/w/2") == 0);
    CHECK(mm_demo_overlay_deleted(ov, "/o/w/1") == NULL);

    /* Lists: 2 is left out, 1 replaced in place, 3 and 4 created after, in that order. */
    put(ov, "/o/w/4", "/o/w", "{\"id\":\"4\"}");
    put(ov, "/o/w/3", "/o/w", "{\"id\":\"3\"}");
    put(ov, "/s/9", "/o/sites", "{\"id\":\"9\"}"); /* another list */
    expect_list(ov, "/o/w",
                "[{\"id\":\"0\"},{\"id\":\"1\",\"ssid\":\"old\"},{\"id\":\"2\"},{\"mac\":\"x\"}]",
                "[{\"id\":\"0\"},{\"id\":\"1\",\"ssid\":\"A\",\"n\":12345678901234567890},"
                "{\"mac\":\"x\"},{\"id\":\"4\"},{\"id\":\"3\"}]");
    expect_list(ov, "/o/sites", "[{\"id\":\"8\"}]", "[{\"id\":\"8\"},{\"id\":\"9\"}]");
    expect_list(ov, "/o/other", "[{\"id\":\"1\"}]", "-");
    /* Set again: in its place, no new entry. */
    size_t n = mm_demo_overlay_entries(ov);
    put(ov, "/o/w/4", "/o/w", "{\"id\":\"4\",\"ssid\":\"D\"}");
    CHECK(mm_demo_overlay_entries(ov) == n);
    expect_list(ov, "/o/w", "[]",
                "[{\"id\":\"1\",\"ssid\":\"A\",\"n\":12345678901234567890},"
                "{\"id\":\"4\",\"ssid\":\"D\"},{\"id\":\"3\"}]");

    char a[37], b[37];
    mm_demo_overlay_new_id(ov, a);
    mm_demo_overlay_new_id(ov, b);
    CHECK_MSG(strlen(a) == 36 && strcmp(a, b) != 0, "ids %s %s", a, b);
    mm_demo_overlay_free(&ov);
    CHECK(ov == NULL);
    mm_demo_overlay_free(&ov);
}

static void overlay_limits(void)
{
    mm_demo_overlay *ov = mm_demo_overlay_create();
    char path[64], err[300] = "";
    cJSON *small = obj("{\"id\":\"x\"}");
    int i = 0;
    while (i < MM_DEMO_OVERLAY_MAX_ENTRIES + 1) {
        snprintf(path, sizeof path, "/o/w/%d", i);
        if (mm_demo_overlay_put(ov, path, "/o/w", small, err, sizeof err) != 0)
            break;
        i++;
    }
    CHECK_MSG(i == MM_DEMO_OVERLAY_MAX_ENTRIES && strstr(err, "at most 1000 changed objects"),
              "%d entries; %s", i, err);
    CHECK(mm_demo_overlay_bytes(ov) <= MM_DEMO_OVERLAY_MAX_BYTES);
    /* Replacing one in place is still allowed at the entry limit. */
    CHECK(mm_demo_overlay_put(ov, "/o/w/0", "/o/w", NULL, err, sizeof err) == 0);
    cJSON_Delete(small);
    mm_demo_overlay_free(&ov);

    /* The bytes: a large object fits once, not five times; the refused one leaves nothing. */
    ov = mm_demo_overlay_create();
    size_t big_len = MM_DEMO_OVERLAY_MAX_BYTES / 4;
    char *big_text = malloc(big_len + 16);
    memset(big_text, 'a', big_len);
    big_text[big_len] = '\0';
    cJSON *big = cJSON_CreateObject();
    cJSON_AddStringToObject(big, "notes", big_text);
    free(big_text);
    int kept = 0;
    for (i = 0; i < 5; i++) {
        snprintf(path, sizeof path, "/o/w/%d", i);
        if (mm_demo_overlay_put(ov, path, "/o/w", big, err, sizeof err) != 0)
            break;
        kept++;
    }
    CHECK_MSG(kept == 3 && strstr(err, "KB of them per session") && strstr(err, "start a new"),
              "%d kept; %s", kept, err);
    cJSON *v;
    CHECK(mm_demo_overlay_get(ov, path, &v) == MM_DEMO_UNCHANGED);
    CHECK(mm_demo_overlay_entries(ov) == 3);
    CHECK_MSG(mm_demo_overlay_bytes(ov) > 3 * (big_len) &&
                  mm_demo_overlay_bytes(ov) <= MM_DEMO_OVERLAY_MAX_BYTES,
              "%zu bytes", mm_demo_overlay_bytes(ov));
    cJSON_Delete(big);
    mm_demo_overlay_free(&ov);
}

static void change(mm_demo_lease *l, const char *path)
{
    cJSON *o = obj("{\"id\":\"x\"}");
    char err[300];
    mm_demo_overlay_put(mm_demo_lease_overlay(l), path, "/o/w", o, err, sizeof err);
    cJSON_Delete(o);
}

static void store_rules(void)
{
    mm_demo_store_limits limits = {.max_overlays = 2, .idle_ms = 1000};
    mm_demo_store *s = mm_demo_store_create(&limits);
    CHECK(mm_demo_store_acquire(s, "reader", 0, 0) == NULL); /* reads cost nothing */
    mm_demo_lease *a = mm_demo_store_acquire(s, "token-a", 1, 0);
    change(a, "/o/w/a");
    mm_demo_store_release(s, a);
    mm_demo_lease *b = mm_demo_store_acquire(s, "token-b", 1, 10);
    cJSON *v;
    CHECK_MSG(mm_demo_overlay_get(mm_demo_lease_overlay(b), "/o/w/a", &v) == MM_DEMO_UNCHANGED,
              "token-b sees token-a's change");
    change(b, "/o/w/b");
    mm_demo_store_release(s, b);
    CHECK(mm_demo_store_count(s) == 2);
    /* token-a used last: token-b is the least recently used, forgotten for token-c. */
    a = mm_demo_store_acquire(s, "token-a", 0, 20);
    CHECK(a && mm_demo_overlay_get(mm_demo_lease_overlay(a), "/o/w/a", &v) == MM_DEMO_SET);
    cJSON_Delete(v);
    mm_demo_lease *c = mm_demo_store_acquire(s, "token-c", 1, 30); /* a is held meanwhile */
    CHECK(mm_demo_store_count(s) == 2);
    CHECK(mm_demo_store_acquire(s, "token-b", 0, 31) == NULL);
    mm_demo_store_release(s, c);
    mm_demo_store_release(s, a);
    /* All held: the store holds one more rather than take an overlay from under a lease. */
    a = mm_demo_store_acquire(s, "token-a", 1, 40);
    c = mm_demo_store_acquire(s, "token-c", 1, 41);
    mm_demo_lease *d = mm_demo_store_acquire(s, "token-d", 1, 42);
    CHECK(mm_demo_store_count(s) == 3 && a && c && d && a != c && c != d);
    mm_demo_store_release(s, d);
    mm_demo_store_release(s, c);
    mm_demo_store_release(s, a);
    /* Idle past 1000 ms: forgotten, and the token starts again from nothing. */
    CHECK(mm_demo_store_acquire(s, "token-a", 0, 2000) == NULL);
    CHECK(mm_demo_store_count(s) == 0);
    a = mm_demo_store_acquire(s, "token-a", 1, 2001);
    CHECK(mm_demo_overlay_entries(mm_demo_lease_overlay(a)) == 0);
    mm_demo_store_release(s, a);
    mm_demo_store_release(s, NULL);
    mm_demo_store_free(&s);
    CHECK(s == NULL);

    s = mm_demo_store_create(NULL); /* the defaults */
    a = mm_demo_store_acquire(s, "t", 1, 0);
    mm_demo_store_release(s, a);
    a = mm_demo_store_acquire(s, "t", 0, MM_DEMO_STORE_IDLE_MS);
    CHECK_MSG(a != NULL, "kept for the default idle time");
    mm_demo_store_release(s, a);
    CHECK(mm_demo_store_acquire(s, "t", 0, 2 * MM_DEMO_STORE_IDLE_MS + 1) == NULL);
    mm_demo_store_free(&s);
}

typedef struct worker {
    mm_demo_store *s;
    int id;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    char token[16], path[32];
    for (int i = 0; i < 3000; i++) {
        snprintf(token, sizeof token, "token-%d", (i * 7 + w->id) % 6);
        mm_demo_lease *l = mm_demo_store_acquire(w->s, token, i % 3 != 0, i);
        if (l) {
            snprintf(path, sizeof path, "/o/w/%d", i % 50);
            change(l, path);
            cJSON *v;
            mm_demo_overlay_get(mm_demo_lease_overlay(l), path, &v);
            CHECK(v != NULL);
            cJSON_Delete(v);
        }
        mm_demo_store_release(w->s, l);
    }
    return NULL;
}

static void store_threads(void)
{
    mm_demo_store_limits limits = {.max_overlays = 3, .idle_ms = 200};
    mm_demo_store *s = mm_demo_store_create(&limits);
    pthread_t t[4];
    worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){s, i};
        pthread_create(&t[i], NULL, work, &w[i]);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    CHECK_MSG(mm_demo_store_count(s) <= 3 + 4, "%zu overlays", mm_demo_store_count(s));
    mm_demo_store_free(&s);
}

int main(void)
{
    overlay_basics();
    overlay_limits();
    store_rules();
    store_threads();
    return check_summary();
}
