#define _DEFAULT_SOURCE /* explicit_bzero */
#include "mcp/session_shared.h"

#include "base/util.h"
#include "mcp/session_store.h"

#include <cjson/cJSON.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A new session's life in Redis until its first state write (notifications/initialized). */
#define NEW_TTL_MS 60000L

struct mm_shared_sessions {
    mm_redis *redis;
    long idle_ms;
    unsigned char key[MM_SHA256_LEN];
    char fingerprint[MM_SHARED_FINGERPRINT_LEN + 1]; /* of key: see binding() */
    char ttl[24]; /* the idle timeout in ms, as PEXPIRE takes it */
    mm_shared_message_fn on_message;
    void *on_message_ctx;
};

#define KEY_PREFIX "mistmcp:s:"
#define CHANNEL_PREFIX "mistmcp:n:"        /* to the client */
#define CLIENT_CHANNEL_PREFIX "mistmcp:c:" /* from the client, for another replica's request */
#define NAME_MAX_LEN 64 /* a session id is 32 hex digits: room for the prefixes */

/* Stores st only while the session exists (a session another replica deleted, or that
 * expired, must not come back as a partial hash) and still has the version the writer's state
 * was based on (-2 when another replica changed it meanwhile: nothing is written), raises ver,
 * refreshes the expiry. */
static const char UPDATE_LUA[] = "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end "
                                 "if tonumber(redis.call('HGET', KEYS[1], 'ver')) ~= "
                                 "tonumber(ARGV[4]) then return -2 end "
                                 "redis.call('HSET', KEYS[1], 'st', ARGV[1]) "
                                 "if ARGV[2] == '' then redis.call('HDEL', KEYS[1], 'on') "
                                 "else redis.call('HSET', KEYS[1], 'on', ARGV[2]) end "
                                 "redis.call('PEXPIRE', KEYS[1], ARGV[3]) "
                                 "return redis.call('HINCRBY', KEYS[1], 'ver', 1)";
/* Deletes the session if the token's binding matches: 1 deleted, 0 no such session (or one
 * whose binding is not of this form: an earlier version's, unusable here), -1 another token's,
 * or the other key's fingerprint (a string) when another key made it (binding()). */
static const char REMOVE_LUA[] = "local tb = redis.call('HGET', KEYS[1], 'tb') "
                                 "if not tb or #tb ~= #ARGV[1] or "
                                 "string.sub(tb, 9, 9) ~= ':' then return 0 end "
                                 "if tb ~= ARGV[1] then "
                                 "if string.sub(tb, 1, 9) ~= string.sub(ARGV[1], 1, 9) then "
                                 "return string.sub(tb, 1, 8) end return -1 end "
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
    static const char label[] = "mistmcp session secret fingerprint";
    unsigned char mac[MM_SHA256_LEN];
    mm_hmac_sha256(ss->key, sizeof ss->key, label, sizeof label - 1, mac);
    mm_hex(mac, MM_SHARED_FINGERPRINT_LEN, ss->fingerprint);
    ss->idle_ms = idle_ms > 0 ? idle_ms : 1;
    snprintf(ss->ttl, sizeof ss->ttl, "%ld", ss->idle_ms);
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

const char *mm_shared_fingerprint(const mm_shared_sessions *ss)
{
    return ss->fingerprint;
}

static void key_of(const char *id, char out[NAME_MAX_LEN])
{
    snprintf(out, NAME_MAX_LEN, KEY_PREFIX "%.40s", id);
}

/* The token's binding: the key's fingerprint (the first 32 bits of an HMAC of a fixed label
 * under the key: it tells a session made under another key from one of another token, and
 * reveals nothing of the key), ':', and an HMAC-SHA-256 of the token under the shared key, its
 * first 128 bits in hex (RFC 2104 section 5 allows a MAC cut to half the hash's length; 128
 * bits leave nothing to guess). */
#define BINDING_LEN (MM_SHARED_FINGERPRINT_LEN + 1 + 32)
static void binding(const mm_shared_sessions *ss, const char *token, char out[BINDING_LEN + 1])
{
    unsigned char mac[MM_SHA256_LEN];
    mm_hmac_sha256(ss->key, sizeof ss->key, token ? token : "", token ? strlen(token) : 0, mac);
    memcpy(out, ss->fingerprint, MM_SHARED_FINGERPRINT_LEN);
    out[MM_SHARED_FINGERPRINT_LEN] = ':';
    mm_hex(mac, 32, out + MM_SHARED_FINGERPRINT_LEN + 1);
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

/* A state (mm_session_state_json: {"on":[names],"st":[...]}) as the two fields kept in
 * Redis: st as its JSON text, on as a comma list of names (category names have no comma).
 * Each stays within 64 bytes for a usual session, so that Redis keeps the hash in its compact
 * encoding (hash-max-listpack-value). Returns 0, or -1 when state is not one. */
static int split_state(const char *state, char **st, char **on)
{
    cJSON *o = cJSON_Parse(state);
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, "on");
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(o, "st");
    if (!cJSON_IsArray(a) || !cJSON_IsArray(b)) {
        cJSON_Delete(o);
        return -1;
    }
    mm_buf list = {0};
    const cJSON *it;
    cJSON_ArrayForEach(it, a)
    {
        if (!cJSON_IsString(it))
            continue;
        if (list.len)
            mm_buf_put(&list, ",", 1);
        mm_buf_put(&list, it->valuestring, strlen(it->valuestring));
    }
    mm_buf_put(&list, "", 1);
    *on = list.data;
    *st = cJSON_PrintUnformatted(b);
    cJSON_Delete(o);
    return *st ? 0 : -1;
}

/* The state again from its two fields (on may be NULL: none). NULL if st is not an array. */
static char *join_state(const char *st, const char *on)
{
    cJSON *b = st ? cJSON_Parse(st) : NULL;
    if (!cJSON_IsArray(b)) {
        cJSON_Delete(b);
        return NULL;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *a = cJSON_AddArrayToObject(o, "on");
    for (const char *p = on ? on : ""; *p;) {
        size_t n = strcspn(p, ",");
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), p);
        if (n)
            cJSON_AddItemToArray(a, cJSON_CreateString(name));
        p += n + (p[n] == ',');
    }
    cJSON_AddItemToObject(o, "st", b);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

mm_shared_result mm_shared_create(mm_shared_sessions *ss, const char *id, const char *token,
                                  const mm_shared_origin *o, const char *state, char *err,
                                  size_t err_size)
{
    char key[NAME_MAX_LEN], tb[BINDING_LEN + 1];
    key_of(id, key);
    binding(ss, token, tb);
    /* Empty fields are left out: a session's hash stays small (MEMORY USAGE ~250 bytes). */
    char *st, *on;
    if (split_state(state, &st, &on) != 0) {
        mm_fail(err, err_size, "not a session state");
        return MM_SHARED_DOWN;
    }
    const char *const fields[][2] = {{"on", on},
                                     {"cloud", o->cloud},
                                     {"mode", o->mode},
                                     {"cats", o->categories},
                                     {"dt", o->demo_token}};
    const char *argv[8 + 2 * sizeof fields / sizeof fields[0]] = {"HSET", key, "tb",  tb,
                                                                  "st",   st,  "ver", "1"};
    int argc = 8;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (fields[i][1] && *fields[i][1]) {
            argv[argc++] = fields[i][0];
            argv[argc++] = fields[i][1];
        }
    /* One transaction: a hash without its expiry would never go. Until the client's
     * notifications/initialized (a state write, which gives the idle timeout) a session lasts
     * NEW_TTL_MS, as an uninitialized one does in memory. */
    char new_ttl[24];
    snprintf(new_ttl, sizeof new_ttl, "%ld", ss->idle_ms < NEW_TTL_MS ? ss->idle_ms : NEW_TTL_MS);
    mm_redis_cmd cmds[4] = {
        CMD("MULTI"), {.argc = argc, .argv = argv}, CMD("PEXPIRE", key, new_ttl), CMD("EXEC")};
    mm_redis_reply *r[4];
    int rc = mm_redis_run(ss->redis, 4, cmds, r, err, err_size);
    free(st);
    free(on);
    if (rc != 0)
        return MM_SHARED_DOWN;
    int bad = 0;
    for (int i = 0; i < 4 && !bad; i++)
        bad = is_error(r[i], err, err_size);
    const mm_redis_reply *x = r[3];
    if (!bad &&
        (x->type != MM_REDIS_ARRAY || x->elements != 2 || is_error(x->element[0], err, err_size) ||
         is_error(x->element[1], err, err_size))) {
        bad = 1;
        if (x->type != MM_REDIS_ARRAY)
            mm_fail(err, err_size, "Redis did not run the session's transaction");
    }
    free_all(r, 4);
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
    char key[NAME_MAX_LEN], tb[BINDING_LEN + 1];
    key_of(id, key);
    binding(ss, token, tb);
    mm_redis_cmd cmds[2] = {
        CMD("HMGET", key, "tb", "cloud", "mode", "cats", "dt", "st", "ver", "on"),
        CMD("PEXPIRE", key, ss->ttl)};
    mm_redis_reply *r[2];
    if (mm_redis_run(ss->redis, 2, cmds, r, err, err_size) != 0)
        return MM_SHARED_DOWN;
    mm_shared_result out = MM_SHARED_OK;
    const mm_redis_reply *a = r[0];
    if (is_error(a, err, err_size) || is_error(r[1], err, err_size))
        out = MM_SHARED_DOWN;
    else if (a->type != MM_REDIS_ARRAY || a->elements != 8 ||
             a->element[0]->type != MM_REDIS_STRING || a->element[5]->type != MM_REDIS_STRING)
        out = MM_SHARED_GONE;
    else if (a->element[0]->len != BINDING_LEN ||
             a->element[0]->str[MM_SHARED_FINGERPRINT_LEN] != ':')
        out = MM_SHARED_GONE; /* an earlier version's binding: unusable, the client starts anew */
    else if (!mm_digest_equal(a->element[0]->str, tb, BINDING_LEN)) {
        const mm_redis_reply *theirs = a->element[0];
        out = MM_SHARED_FORBIDDEN;
        if (memcmp(theirs->str, ss->fingerprint, MM_SHARED_FINGERPRINT_LEN) != 0) {
            out = MM_SHARED_OTHER_SECRET;
            mm_fail(err, err_size, "its secret's fingerprint is %.*s, this replica's %s",
                    MM_SHARED_FINGERPRINT_LEN, theirs->str, ss->fingerprint);
        }
    } else {
        *origin = (mm_shared_origin){.cloud = dup_reply(a->element[1]),
                                     .mode = dup_reply(a->element[2]),
                                     .categories = dup_reply(a->element[3]),
                                     .demo_token = dup_reply(a->element[4])};
        if (origin->demo_token && !*origin->demo_token) {
            free(origin->demo_token);
            origin->demo_token = NULL;
        }
        char *on = dup_reply(a->element[7]);
        *state = join_state(a->element[5]->str, on);
        free(on);
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
    mm_redis_cmd cmds[1] = {CMD("HMGET", key, "st", "ver", "on")};
    mm_redis_reply *r[1];
    if (mm_redis_run(ss->redis, 1, cmds, r, err, err_size) != 0)
        return MM_SHARED_DOWN;
    mm_shared_result out = MM_SHARED_OK;
    const mm_redis_reply *a = r[0];
    if (is_error(a, err, err_size))
        out = MM_SHARED_DOWN;
    else if (a->type != MM_REDIS_ARRAY || a->elements != 3 ||
             a->element[0]->type != MM_REDIS_STRING)
        out = MM_SHARED_GONE;
    else {
        char *on = dup_reply(a->element[2]);
        *state = join_state(a->element[0]->str, on);
        free(on);
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
    char *st, *on;
    if (split_state(state, &st, &on) != 0) {
        mm_fail(err, err_size, "not a session state");
        return MM_SHARED_DOWN;
    }
    snprintf(expected, sizeof expected, "%lld", *version);
    mm_redis_cmd cmds[1] = {CMD("EVAL", UPDATE_LUA, "1", key, st, on, ss->ttl, expected)};
    mm_redis_reply *r[1];
    int rc = mm_redis_run(ss->redis, 1, cmds, r, err, err_size);
    free(st);
    free(on);
    if (rc != 0)
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
    char key[NAME_MAX_LEN], tb[BINDING_LEN + 1];
    key_of(id, key);
    binding(ss, token, tb);
    mm_redis_cmd cmds[1] = {CMD("EVAL", REMOVE_LUA, "1", key, tb)};
    mm_redis_reply *r[1];
    if (mm_redis_run(ss->redis, 1, cmds, r, err, err_size) != 0)
        return MM_SHARED_DOWN;
    mm_shared_result out = MM_SHARED_OK;
    if (is_error(r[0], err, err_size))
        out = MM_SHARED_DOWN;
    else if (r[0]->type == MM_REDIS_STRING) {
        out = MM_SHARED_OTHER_SECRET;
        mm_fail(err, err_size, "its secret's fingerprint is %.*s, this replica's %s",
                MM_SHARED_FINGERPRINT_LEN, r[0]->str ? r[0]->str : "", ss->fingerprint);
    } else if (r[0]->type != MM_REDIS_INTEGER || r[0]->integer == 0)
        out = MM_SHARED_GONE;
    else if (r[0]->integer < 0)
        out = MM_SHARED_FORBIDDEN;
    free_all(r, 1);
    return out;
}

/* The name of a confirmation token's entry: an HMAC of the token under the replicas' key, so
 * that Redis holds nothing that confirms a write for someone who only knows a token, and
 * nothing anyone can forge an entry for without the key. */
static void token_name(const mm_shared_sessions *ss, const char *token, char out[96])
{
    unsigned char mac[MM_SHA256_LEN];
    mm_hmac_sha256(ss->key, sizeof ss->key, token, strlen(token), mac);
    size_t n = (size_t)snprintf(out, 96, "mistmcp:wt:");
    mm_hex(mac, 2 * MM_SHA256_LEN, out + n);
}

/* Takes a token's entry: its value, replaced by a "used" mark for the rest of its life (so that
 * a replica still holding the token in memory learns it was used elsewhere). */
static const char TAKE_LUA[] = "local v = redis.call('GET', KEYS[1]) "
                               "if v and v ~= 'used' then "
                               "local t = redis.call('PTTL', KEYS[1]) "
                               "if t > 0 then redis.call('SET', KEYS[1], 'used', 'PX', t) end "
                               "end return v";

int mm_shared_token_put(mm_shared_sessions *ss, const char *token, const char *value, long ttl_ms,
                        char *err, size_t err_size)
{
    char name[96], ttl[24];
    token_name(ss, token, name);
    snprintf(ttl, sizeof ttl, "%ld", ttl_ms > 0 ? ttl_ms : 1);
    mm_redis_cmd cmds[1] = {CMD("SET", name, value, "PX", ttl)};
    mm_redis_reply *r[1];
    if (mm_redis_run(ss->redis, 1, cmds, r, err, err_size) != 0)
        return -1;
    int bad = is_error(r[0], err, err_size);
    free_all(r, 1);
    return bad ? -1 : 0;
}

mm_shared_result mm_shared_token_take(mm_shared_sessions *ss, const char *token, char **value,
                                      char *err, size_t err_size)
{
    char name[96];
    token_name(ss, token, name);
    mm_redis_cmd cmds[1] = {CMD("EVAL", TAKE_LUA, "1", name)};
    mm_redis_reply *r[1];
    if (mm_redis_run(ss->redis, 1, cmds, r, err, err_size) != 0)
        return MM_SHARED_DOWN;
    mm_shared_result out = MM_SHARED_GONE;
    if (is_error(r[0], err, err_size))
        out = MM_SHARED_DOWN;
    else if (r[0]->type == MM_REDIS_STRING && (*value = dup_reply(r[0])))
        out = MM_SHARED_OK;
    free_all(r, 1);
    return out;
}

/* DEL only if the expiry was last refreshed at least ARGV[1] ms ago (PTTL at most ARGV[1]). */
static const char DROP_IDLE_LUA[] = "local t = redis.call('PTTL', KEYS[1]) "
                                    "if t >= 0 and t <= tonumber(ARGV[1]) then "
                                    "return redis.call('DEL', KEYS[1]) end return 0";

mm_shared_result mm_shared_drop_idle(mm_shared_sessions *ss, const char *id, long long idle_ms,
                                     char *err, size_t err_size)
{
    char key[NAME_MAX_LEN], left[24];
    key_of(id, key);
    snprintf(left, sizeof left, "%lld", ss->idle_ms - idle_ms);
    mm_redis_cmd cmds[1] = {CMD("EVAL", DROP_IDLE_LUA, "1", key, left)};
    mm_redis_reply *r[1];
    if (mm_redis_run(ss->redis, 1, cmds, r, err, err_size) != 0)
        return MM_SHARED_DOWN;
    mm_shared_result out = is_error(r[0], err, err_size)                          ? MM_SHARED_DOWN
                           : r[0]->type == MM_REDIS_INTEGER && r[0]->integer == 1 ? MM_SHARED_OK
                                                                                  : MM_SHARED_GONE;
    free_all(r, 1);
    return out;
}

static int publish_on(mm_shared_sessions *ss, const char *prefix, const char *id, const char *line,
                      char *err, size_t err_size)
{
    char channel[NAME_MAX_LEN];
    snprintf(channel, sizeof channel, "%s%.40s", prefix, id);
    mm_redis_cmd cmds[1] = {CMD("PUBLISH", channel, line)};
    mm_redis_reply *r[1];
    if (mm_redis_run(ss->redis, 1, cmds, r, err, err_size) != 0)
        return -1;
    int receivers = is_error(r[0], err, err_size)                               ? -1
                    : r[0]->type == MM_REDIS_INTEGER && r[0]->integer < INT_MAX ? (int)r[0]->integer
                                                                                : 0;
    free_all(r, 1);
    return receivers;
}

int mm_shared_publish(mm_shared_sessions *ss, const char *id, const char *line, char *err,
                      size_t err_size)
{
    return publish_on(ss, CHANNEL_PREFIX, id, line, err, err_size);
}

int mm_shared_forward(mm_shared_sessions *ss, const char *id, const char *line, char *err,
                      size_t err_size)
{
    return publish_on(ss, CLIENT_CHANNEL_PREFIX, id, line, err, err_size);
}

static void on_published(void *ctx, const char *channel, const char *message, size_t len)
{
    mm_shared_sessions *ss = ctx;
    size_t prefix = strlen(CHANNEL_PREFIX); /* both prefixes have the same length */
    int from_client = strncmp(channel, CLIENT_CHANNEL_PREFIX, prefix) == 0;
    if ((!from_client && strncmp(channel, CHANNEL_PREFIX, prefix) != 0) ||
        strlen(channel + prefix) != MM_SESSION_ID_LEN || strlen(message) != len)
        return; /* not one of ours, or not a JSON line */
    ss->on_message(ss->on_message_ctx, channel + prefix, message, from_client);
}

int mm_shared_listen(mm_shared_sessions *ss, mm_shared_message_fn fn, void *ctx, char *err,
                     size_t err_size)
{
    ss->on_message = fn;
    ss->on_message_ctx = ctx;
    return mm_redis_subscribe(ss->redis, "mistmcp:[nc]:*", on_published, ss, err, err_size);
}

void mm_shared_unlisten(mm_shared_sessions *ss)
{
    mm_redis_unsubscribe(ss->redis);
}
