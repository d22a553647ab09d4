#define _DEFAULT_SOURCE /* explicit_bzero */
#include "mcp/session_shared.h"

#include "base/util.h"
#include "mcp/session_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mm_shared_sessions {
    mm_redis *redis;
    unsigned char key[MM_SHA256_LEN];
    char ttl[24]; /* the idle timeout in ms, as PEXPIRE takes it */
    mm_shared_message_fn on_message;
    void *on_message_ctx;
};

#define KEY_PREFIX "mistmcp:s:"
#define CHANNEL_PREFIX "mistmcp:n:"
#define NAME_MAX_LEN 64 /* a session id is 32 hex digits: room for the prefixes */

/* Stores st only while the session exists (a session another replica deleted, or that
 * expired, must not come back as a partial hash) and still has the version the writer's state
 * was based on (-2 when another replica changed it meanwhile: nothing is written), raises ver,
 * refreshes the expiry. */
static const char UPDATE_LUA[] = "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end "
                                 "if tonumber(redis.call('HGET', KEYS[1], 'ver')) ~= "
                                 "tonumber(ARGV[3]) then return -2 end "
                                 "redis.call('HSET', KEYS[1], 'st', ARGV[1]) "
                                 "redis.call('PEXPIRE', KEYS[1], ARGV[2]) "
                                 "return redis.call('HINCRBY', KEYS[1], 'ver', 1)";
/* Deletes the session if the token's binding matches: 1 deleted, 0 no such session, -1 another
 * token's. */
static const char REMOVE_LUA[] = "local tb = redis.call('HGET', KEYS[1], 'tb') "
                                 "if not tb then return 0 end "
                                 "if tb ~= ARGV[1] then return -1 end "
                                 "return redis.call('DEL', KEYS[1])";

void mm_shared_origin_free(mm_shared_origin *o)
{
    free(o->cloud);
    free(o->mode);
    free(o->categories);
    free(o->demo_token);
    *o = (mm_shared_origin){0};
}

mm_shared_sessions *mm_shared_sessions_create(mm_redis *redis,
                                              const unsigned char key[MM_SHA256_LEN], long idle_ms)
{
    mm_shared_sessions *ss = mm_xcalloc(1, sizeof *ss);
    ss->redis = redis;
    memcpy(ss->key, key, MM_SHA256_LEN);
    snprintf(ss->ttl, sizeof ss->ttl, "%ld", idle_ms > 0 ? idle_ms : 1);
    return ss;
}

void mm_shared_sessions_destroy(mm_shared_sessions **ssp)
{
    if (!*ssp)
        return;
    explicit_bzero((*ssp)->key, sizeof(*ssp)->key);
    free(*ssp);
    *ssp = NULL;
}

mm_redis *mm_shared_sessions_redis(mm_shared_sessions *ss)
{
    return ss->redis;
}

static void key_of(const char *id, char out[NAME_MAX_LEN])
{
    snprintf(out, NAME_MAX_LEN, KEY_PREFIX "%.40s", id);
}

static void binding(const mm_shared_sessions *ss, const char *token,
                    char out[2 * MM_SHA256_LEN + 1])
{
    unsigned char mac[MM_SHA256_LEN];
    mm_hmac_sha256(ss->key, sizeof ss->key, token ? token : "", token ? strlen(token) : 0, mac);
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < MM_SHA256_LEN; i++) {
        out[2 * i] = hex[mac[i] >> 4];
        out[2 * i + 1] = hex[mac[i] & 15];
    }
    out[2 * MM_SHA256_LEN] = '\0';
}

/* One command of NUL-terminated arguments. */
#define CMD(...)                                                                                   \
    ((mm_redis_cmd){.argc = (int)(sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *)),   \
                    .argv = (const char *[]){__VA_ARGS__}})

static int is_error(const mm_redis_reply *r, char *err, size_t err_size)
{
    if (r->type != MM_REDIS_ERROR)
        return 0;
    mm_fail(err, err_size, "Redis refused a session command: %.200s", r->str ? r->str : "");
    return 1;
}

static void free_all(mm_redis_reply **r, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mm_redis_reply_free(r[i]);
}

mm_shared_result mm_shared_create(mm_shared_sessions *ss, const char *id, const char *token,
                                  const mm_shared_origin *o, const char *state, char *err,
                                  size_t err_size)
{
    char key[NAME_MAX_LEN], tb[2 * MM_SHA256_LEN + 1];
    key_of(id, key);
    binding(ss, token, tb);
    mm_redis_cmd cmds[2] = {CMD("HSET", key, "tb", tb, "cloud", o->cloud ? o->cloud : "", "mode",
                                o->mode ? o->mode : "", "cats", o->categories ? o->categories : "",
                                "dt", o->demo_token ? o->demo_token : "", "st", state, "ver", "1"),
                            CMD("PEXPIRE", key, ss->ttl)};
    mm_redis_reply *r[2];
    if (mm_redis_run(ss->redis, 2, cmds, r, err, err_size) != 0)
        return MM_SHARED_DOWN;
    int bad = is_error(r[0], err, err_size) || is_error(r[1], err, err_size);
    free_all(r, 2);
    return bad ? MM_SHARED_DOWN : MM_SHARED_OK;
}

static long long integer_of(const mm_redis_reply *r)
{
    if (r->type == MM_REDIS_INTEGER)
        return r->integer;
    if (r->type == MM_REDIS_STRING && r->str)
        return strtoll(r->str, NULL, 10);
    return -1;
}

mm_shared_result mm_shared_touch(mm_shared_sessions *ss, const char *id, long long *version,
                                 char *err, size_t err_size)
{
    char key[NAME_MAX_LEN];
    key_of(id, key);
    mm_redis_cmd cmds[2] = {CMD("PEXPIRE", key, ss->ttl), CMD("HGET", key, "ver")};
    mm_redis_reply *r[2];
    if (mm_redis_run(ss->redis, 2, cmds, r, err, err_size) != 0)
        return MM_SHARED_DOWN;
    mm_shared_result out = MM_SHARED_OK;
    if (is_error(r[0], err, err_size) || is_error(r[1], err, err_size))
        out = MM_SHARED_DOWN;
    else if (r[0]->type != MM_REDIS_INTEGER || r[0]->integer == 0 || r[1]->type != MM_REDIS_STRING)
        out = MM_SHARED_GONE;
    else
        *version = integer_of(r[1]);
    free_all(r, 2);
    return out;
}

static char *dup_reply(const mm_redis_reply *r)
{
    if (r->type != MM_REDIS_STRING || !r->str)
        return NULL;
    char *s = mm_xmalloc(r->len + 1);
    memcpy(s, r->str, r->len);
    s[r->len] = '\0';
    return s;
}

mm_shared_result mm_shared_load(mm_shared_sessions *ss, const char *id, const char *token,
                                mm_shared_origin *origin, char **state, long long *version,
                                char *err, size_t err_size)
{
    char key[NAME_MAX_LEN], tb[2 * MM_SHA256_LEN + 1];
    key_of(id, key);
    binding(ss, token, tb);
    mm_redis_cmd cmds[2] = {CMD("HMGET", key, "tb", "cloud", "mode", "cats", "dt", "st", "ver"),
                            CMD("PEXPIRE", key, ss->ttl)};
    mm_redis_reply *r[2];
    if (mm_redis_run(ss->redis, 2, cmds, r, err, err_size) != 0)
        return MM_SHARED_DOWN;
    mm_shared_result out = MM_SHARED_OK;
    const mm_redis_reply *a = r[0];
    if (is_error(a, err, err_size) || is_error(r[1], err, err_size))
        out = MM_SHARED_DOWN;
    else if (a->type != MM_REDIS_ARRAY || a->elements != 7 ||
             a->element[0]->type != MM_REDIS_STRING || a->element[5]->type != MM_REDIS_STRING)
        out = MM_SHARED_GONE;
    else if (a->element[0]->len != 2 * MM_SHA256_LEN ||
             !mm_digest_equal(a->element[0]->str, tb, 2 * MM_SHA256_LEN))
        out = MM_SHARED_FORBIDDEN;
    else {
        *origin = (mm_shared_origin){.cloud = dup_reply(a->element[1]),
                                     .mode = dup_reply(a->element[2]),
                                     .categories = dup_reply(a->element[3]),
                                     .demo_token = dup_reply(a->element[4])};
        if (origin->demo_token && !*origin->demo_token) {
            free(origin->demo_token);
            origin->demo_token = NULL;
        }
        *state = dup_reply(a->element[5]);
        *version = integer_of(a->element[6]);
    }
    free_all(r, 2);
    return out;
}

mm_shared_result mm_shared_state(mm_shared_sessions *ss, const char *id, char **state,
                                 long long *version, char *err, size_t err_size)
{
    char key[NAME_MAX_LEN];
    key_of(id, key);
    mm_redis_cmd cmds[1] = {CMD("HMGET", key, "st", "ver")};
    mm_redis_reply *r[1];
    if (mm_redis_run(ss->redis, 1, cmds, r, err, err_size) != 0)
        return MM_SHARED_DOWN;
    mm_shared_result out = MM_SHARED_OK;
    const mm_redis_reply *a = r[0];
    if (is_error(a, err, err_size))
        out = MM_SHARED_DOWN;
    else if (a->type != MM_REDIS_ARRAY || a->elements != 2 ||
             a->element[0]->type != MM_REDIS_STRING)
        out = MM_SHARED_GONE;
    else {
        *state = dup_reply(a->element[0]);
        *version = integer_of(a->element[1]);
    }
    free_all(r, 1);
    return out;
}

mm_shared_result mm_shared_update(mm_shared_sessions *ss, const char *id, const char *state,
                                  long long *version, char *err, size_t err_size)
{
    char key[NAME_MAX_LEN], expected[24];
    key_of(id, key);
    snprintf(expected, sizeof expected, "%lld", *version);
    mm_redis_cmd cmds[1] = {CMD("EVAL", UPDATE_LUA, "1", key, state, ss->ttl, expected)};
    mm_redis_reply *r[1];
    if (mm_redis_run(ss->redis, 1, cmds, r, err, err_size) != 0)
        return MM_SHARED_DOWN;
    mm_shared_result out = MM_SHARED_OK;
    if (is_error(r[0], err, err_size))
        out = MM_SHARED_DOWN;
    else if (r[0]->type == MM_REDIS_INTEGER && r[0]->integer == -2)
        out = MM_SHARED_CHANGED;
    else if (r[0]->type != MM_REDIS_INTEGER || r[0]->integer < 0)
        out = MM_SHARED_GONE;
    else
        *version = r[0]->integer;
    free_all(r, 1);
    return out;
}

mm_shared_result mm_shared_remove(mm_shared_sessions *ss, const char *id, const char *token,
                                  char *err, size_t err_size)
{
    char key[NAME_MAX_LEN], tb[2 * MM_SHA256_LEN + 1];
    key_of(id, key);
    binding(ss, token, tb);
    mm_redis_cmd cmds[1] = {CMD("EVAL", REMOVE_LUA, "1", key, tb)};
    mm_redis_reply *r[1];
    if (mm_redis_run(ss->redis, 1, cmds, r, err, err_size) != 0)
        return MM_SHARED_DOWN;
    mm_shared_result out = MM_SHARED_OK;
    if (is_error(r[0], err, err_size))
        out = MM_SHARED_DOWN;
    else if (r[0]->type != MM_REDIS_INTEGER || r[0]->integer == 0)
        out = MM_SHARED_GONE;
    else if (r[0]->integer < 0)
        out = MM_SHARED_FORBIDDEN;
    free_all(r, 1);
    return out;
}

int mm_shared_publish(mm_shared_sessions *ss, const char *id, const char *line, char *err,
                      size_t err_size)
{
    char channel[NAME_MAX_LEN];
    snprintf(channel, sizeof channel, CHANNEL_PREFIX "%.40s", id);
    mm_redis_cmd cmds[1] = {CMD("PUBLISH", channel, line)};
    mm_redis_reply *r[1];
    if (mm_redis_run(ss->redis, 1, cmds, r, err, err_size) != 0)
        return -1;
    int bad = is_error(r[0], err, err_size);
    free_all(r, 1);
    return bad ? -1 : 0;
}

static void on_published(void *ctx, const char *channel, const char *message, size_t len)
{
    mm_shared_sessions *ss = ctx;
    size_t prefix = strlen(CHANNEL_PREFIX);
    if (strncmp(channel, CHANNEL_PREFIX, prefix) != 0 ||
        strlen(channel + prefix) != MM_SESSION_ID_LEN || strlen(message) != len)
        return; /* not one of ours, or not a JSON line */
    ss->on_message(ss->on_message_ctx, channel + prefix, message);
}

int mm_shared_listen(mm_shared_sessions *ss, mm_shared_message_fn fn, void *ctx, char *err,
                     size_t err_size)
{
    ss->on_message = fn;
    ss->on_message_ctx = ctx;
    return mm_redis_subscribe(ss->redis, CHANNEL_PREFIX "*", on_published, ss, err, err_size);
}

void mm_shared_unlisten(mm_shared_sessions *ss)
{
    mm_redis_unsubscribe(ss->redis);
}
