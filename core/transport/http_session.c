/* The mm_session of an HTTP request, built from its URL's query (cloud, mode, categories),
 * its X-Mist-Cloud header and its token: for a legacy initialize (kept in the session store)
 * and for each modern request (its own, for the request's life). */
#include "transport/http_internal.h"

#include "base/util.h"
#include "mcp/protocol.h"
#include "registry/registry.h"
#include "transport/outbox.h"

#include "mcp/client_request.h"
#include "mcp/session_shared.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define OUTBOX_MAX 256

/* Where a legacy session's messages go (its send_ctx): its outbox, which the GET stream reads,
 * or, with a shared session store, Redis, whose subscriber hands them to the outbox of every
 * replica's copy of the session (mm_http_session_published): the replica holding the GET
 * stream delivers them. */
typedef struct http_box {
    mm_outbox *outbox;
    mm_shared_sessions *shared; /* NULL: memory store */
    mm_session *session;        /* set once built; its id once the store took it */
} http_box;

static void to_box(void *ctx, const char *line)
{
    http_box *b = ctx;
    if (b->shared && b->session && b->session->id[0]) {
        char err[512];
        int got = mm_shared_publish(b->shared, b->session->id, line, err, sizeof err);
        if (got > 0) /* this replica's subscriber among them: it queues it here too */
            return;
        if (got < 0)
            fprintf(stderr, "mistmcp: session store: a notification stays on this replica: %s\n",
                    err);
        /* 0: no replica listens (not even this one: its subscriber is reconnecting) */
    }
    mm_outbox_push(b->outbox, line);
}

static void free_box(void *ctx)
{
    http_box *b = ctx;
    mm_outbox_destroy(&b->outbox);
    free(b);
}

mm_outbox *mm_http_session_outbox(mm_session *s)
{
    return ((http_box *)s->send_ctx)->outbox;
}

/* A client's message about a request of another replica (mm_session.forward): to Redis. */
static void forward_to_replicas(void *ctx, mm_session *s, const cJSON *msg)
{
    http_box *b = ctx;
    char *line = s->id[0] ? cJSON_PrintUnformatted(msg) : NULL;
    char err[512];
    if (line && mm_shared_forward(b->shared, s->id, line, err, sizeof err) < 0)
        fprintf(stderr,
                "mistmcp: session store: a client's reply could not reach the other "
                "replicas: %s\n",
                err);
    free(line);
}

/* A client's message another replica forwarded: for a request of this replica's copy. */
static void from_client(mm_session *s, const char *line)
{
    cJSON *msg = cJSON_Parse(line);
    const cJSON *method = cJSON_GetObjectItemCaseSensitive(msg, "method");
    if (!method && (cJSON_GetObjectItemCaseSensitive(msg, "result") ||
                    cJSON_GetObjectItemCaseSensitive(msg, "error"))) {
        mm_client_requests *asks = mm_session_asks(s, 0);
        if (asks) /* the replica whose request it answers takes it; the others find none */
            mm_client_requests_deliver(asks, msg);
    } else if (cJSON_IsString(method) &&
               strcmp(method->valuestring, "notifications/cancelled") == 0) {
        const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
        const cJSON *rid = cJSON_GetObjectItemCaseSensitive(params, "requestId");
        if (rid)
            mm_session_cancel(s, rid);
    }
    cJSON_Delete(msg);
}

void mm_http_session_published(void *ctx, const char *id, const char *line, int client)
{
    mm_http_ctx *h = ctx;
    mm_session_entry *e = mm_session_store_peek(h->store, id);
    if (!e)
        return; /* no copy here */
    mm_session *s = mm_session_entry_session(e);
    if (client && mm_session_store_is_ended_message(line))
        mm_session_store_drop(h->store, id); /* ended by a DELETE on another replica */
    else if (client)
        from_client(s, line);
    else if (!s->modern)
        mm_outbox_push(mm_http_session_outbox(s), line);
    mm_session_store_release(h->store, e);
}

/* A modern session sends nothing that no request asked for: a request's notifications go
 * on its own stream (mm_inflight.send); anything else is dropped. */
static void drop(void *ctx, const char *line)
{
    (void)ctx;
    (void)line;
}

/* "unknown category 'x' in categories", with the names spelt nearly the same. */
static void unknown_category(mm_registry *reg, const char *wrong, char *msg, size_t size)
{
    mm_suggest sg;
    mm_suggest_init(&sg, wrong, 3);
    mm_registry_suggest_categories(reg, &sg);
    char list[300];
    if (mm_suggest_list(&sg, list, sizeof list))
        snprintf(msg, size, "unknown category '%.100s' in categories; did you mean %s?", wrong,
                 list);
    else
        snprintf(msg, size, "unknown category '%.100s' in categories", wrong);
}

int mm_http_session_choice(mm_http_ctx *h, struct MHD_Connection *c, const cJSON *id,
                           mm_http_choice *out, enum MHD_Result *answered)
{
    const mm_config *cfg = h->srv->cfg;
    char msg[1200];
    *out = (mm_http_choice){0};
    const char *cloud = h->mhd->lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "cloud");
    if (!cloud)
        cloud = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "X-Mist-Cloud");
    if (!cloud || !*cloud)
        cloud = cfg->cloud;
    if (!mm_config_cloud_allowed(cfg, cloud)) {
        size_t used = (size_t)snprintf(
            msg, sizeof msg, "cloud '%.100s' is not one of the allowed Mist clouds:", cloud);
        for (size_t i = 0; i < cfg->clouds.count && used < sizeof msg; i++)
            used += (size_t)snprintf(msg + used, sizeof msg - used, "%s%s", i ? ", " : " ",
                                     cfg->clouds.items[i]);
        *answered = mm_http_rpc_error(h, c, MHD_HTTP_BAD_REQUEST, id, MM_INVALID_PARAMS, msg);
        return -1;
    }
    out->cloud = cloud;
    /* The same rules, and the same messages, as --mode and --categories. */
    const char *m = h->mhd->lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "mode");
    const char *q = h->mhd->lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "categories");
    if (mm_config_session_choice(m, q, cfg->mode, &out->mode, &out->cats, msg, sizeof msg) != 0) {
        mm_strlist_free(&out->cats);
        *answered = mm_http_rpc_error(h, c, MHD_HTTP_BAD_REQUEST, id, MM_INVALID_PARAMS, msg);
        return -1;
    }
    out->own = !m && !q;
    if (out->own) /* the server's own choice */
        for (size_t i = 0; i < cfg->categories.count; i++)
            mm_strlist_add(&out->cats, cfg->categories.items[i]);
    return 0;
}

void mm_http_choice_free(mm_http_choice *choice)
{
    mm_strlist_free(&choice->cats);
}

/* The session of choice (freed here) for token: NULL with *status and msg when it cannot be
 * made. demo_token: the demo world's token of a session without one that another replica made,
 * or NULL. */
static mm_session *make(mm_http_ctx *h, mm_http_choice *ch, const char *token, int modern,
                        const char *demo_token_given, unsigned *status, char *msg, size_t size)
{
    const mm_config *cfg = h->srv->cfg;
    *status = MHD_HTTP_BAD_REQUEST;
    for (size_t i = 0; i < ch->cats.count; i++) {
        const mm_category *cat = mm_registry_find(h->srv->registry, ch->cats.items[i]);
        if (!cat)
            unknown_category(h->srv->registry, ch->cats.items[i], msg, size);
        else if (!mm_category_present(cat))
            snprintf(msg, size,
                     "category '%s' in categories has no plugin on this server (no %s.so in its "
                     "plugin directories)",
                     ch->cats.items[i], ch->cats.items[i]);
        else if (!cfg->enable_write_tools && mm_category_write_only(cat))
            snprintf(msg, size,
                     "category '%s' in categories has only write tools, and this server is "
                     "read-only; an operator allows them by starting it with " MM_WRITE_TOOLS_HINT,
                     ch->cats.items[i]);
        else
            continue;
        mm_http_choice_free(ch);
        return NULL;
    }
    /* A demo session without a token of its own gets one, so that it has a demo world of its
     * own (the demo cloud keeps one per token); the session stays bound to "no token". Modern
     * requests without a token share one world: a random one per request would forget each
     * write at once. */
    char demo_token[64];
    const char *mist_token = token;
    if (cfg->demo && !*token && modern) {
        mist_token = "demo-stateless";
    } else if (cfg->demo && !*token && demo_token_given) {
        mist_token = demo_token_given;
    } else if (cfg->demo && !*token) {
        unsigned char r[12];
        if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
            mm_http_choice_free(ch);
            *status = MHD_HTTP_INTERNAL_SERVER_ERROR;
            snprintf(msg, size, "the OS random generator failed");
            return NULL;
        }
        static const char prefix[] = "demo-session-";
        _Static_assert(sizeof prefix - 1 + 2 * sizeof r < sizeof demo_token, "demo token");
        memcpy(demo_token, prefix, sizeof prefix - 1);
        mm_hex(r, 2 * sizeof r, demo_token + sizeof prefix - 1);
        mist_token = demo_token;
    }
    http_box *box = NULL;
    if (!modern) {
        box = mm_xcalloc(1, sizeof *box);
        box->outbox = mm_outbox_create(OUTBOX_MAX);
        box->shared = h->srv->shared_sessions;
    }
    mm_session *s =
        mm_session_create(h->srv, ch->mode, (const char *const *)ch->cats.items, ch->cats.count,
                          mist_token, cfg->org_id, modern ? drop : to_box, box, msg, size);
    mm_http_choice_free(ch);
    if (!s) {
        if (box)
            free_box(box);
        *status = MHD_HTTP_INTERNAL_SERVER_ERROR;
        return NULL;
    }
    s->modern = modern;
    if (box) {
        box->session = s;
        s->on_destroy = free_box;
        if (box->shared) { /* replies and cancellations for the other replicas' requests */
            s->forward = forward_to_replicas;
            s->forward_ctx = box;
        }
    }
    char base[300];
    snprintf(base, sizeof base, cfg->api_base_url ? "%s" : "https://%s",
             cfg->api_base_url ? cfg->api_base_url : ch->cloud);
    mm_mist_options mo = {.base_url = base,
                          .connect_timeout_ms = cfg->connect_timeout_ms,
                          .timeout_ms = cfg->timeout_ms,
                          .max_body_bytes = cfg->max_response_bytes,
                          .user_agent = "mistmcp/" MISTMCP_VERSION};
    s->mist = mm_mist_client_create(&mo);
    return s;
}

mm_session *mm_http_session_build(mm_http_ctx *h, struct MHD_Connection *c, mm_http_choice *ch,
                                  const char *token, int modern, const cJSON *id,
                                  enum MHD_Result *answered)
{
    char msg[1200];
    unsigned status;
    mm_session *s = make(h, ch, token, modern, NULL, &status, msg, sizeof msg);
    if (!s)
        *answered = mm_http_rpc_error(
            h, c, status, id,
            status == MHD_HTTP_BAD_REQUEST ? MM_INVALID_PARAMS : MM_INTERNAL_ERROR, msg);
    return s;
}

void mm_http_session_origin(const mm_http_choice *ch, mm_shared_origin *out)
{
    mm_buf cats = {0};
    for (size_t i = 0; i < ch->cats.count; i++) {
        if (i)
            mm_buf_put(&cats, ",", 1);
        mm_buf_put(&cats, ch->cats.items[i], strlen(ch->cats.items[i]));
    }
    mm_buf_put(&cats, "", 1); /* the NUL */
    *out = (mm_shared_origin){.cloud = mm_xstrdup(ch->cloud),
                              .mode = mm_xstrdup(mm_mode_name(ch->mode)),
                              .categories = cats.data};
}

mm_session *mm_http_session_rebuild(void *ctx, const mm_shared_origin *o, const char *token,
                                    char *err, size_t err_size)
{
    mm_http_ctx *h = ctx;
    const mm_config *cfg = h->srv->cfg;
    mm_http_choice ch = {.cloud = o->cloud && *o->cloud ? o->cloud : cfg->cloud};
    /* The same checks as the initialize that made it, against this replica's settings. */
    if (!mm_config_cloud_allowed(cfg, ch.cloud)) {
        mm_fail(err, err_size, "cloud '%.100s' is not allowed on this replica", ch.cloud);
        return NULL;
    }
    if (mm_config_session_choice(o->mode, o->categories && *o->categories ? o->categories : NULL,
                                 cfg->mode, &ch.mode, &ch.cats, err, err_size) != 0) {
        mm_http_choice_free(&ch);
        return NULL;
    }
    unsigned status;
    return make(h, &ch, token, 0, o->demo_token, &status, err, err_size);
}
