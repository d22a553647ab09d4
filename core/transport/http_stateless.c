/* A POST of the modern era (MCP 2026-07-28 basic/transports/streamable-http): no session id
 * is issued or read; the headers that mirror the body (MCP-Protocol-Version, Mcp-Method,
 * Mcp-Name; "Request Metadata" and "Server Validation") are checked against it, its _meta is
 * checked (mcp/era.c), and the request gets a session of its own, built from its URL and token
 * and gone with its answer. Nothing outlives the request, so any replica can serve the next. */
#include "transport/http_internal.h"

#include "base/util.h"
#include "mcp/era.h"
#include "mcp/protocol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mm_http_modern_header(const char *version)
{
    return version && !mm_era_legacy_supported(version);
}

/* 1 if a header value holds only what the transport allows in one (RFC 9110 field value
 * characters as the spec's "Value Encoding" narrows them: visible ASCII, space, tab). */
static int header_safe(const char *v)
{
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p != '\t' && (*p < 0x20 || *p > 0x7e))
            return 0;
    return 1;
}

static int b64_value(int ch)
{
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    return ch == '+' ? 62 : ch == '/' ? 63 : -1;
}

/* Decodes standard base64 (padding required, RFC 4648 section 4) of len bytes into a new
 * NUL-terminated string; NULL if it is not base64 or decodes to a NUL byte. */
static char *b64_decode(const char *in, size_t len)
{
    if (len % 4)
        return NULL;
    char *out = mm_xmalloc(len / 4 * 3 + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i += 4) {
        int v[4];
        for (int k = 0; k < 4; k++) {
            int pad = in[i + k] == '=' && i + 4 == len && k >= 2 && (k == 3 || in[i + 3] == '=');
            v[k] = pad ? -2 : b64_value((unsigned char)in[i + k]);
            if (v[k] == -1) {
                free(out);
                return NULL;
            }
        }
        if (v[0] < 0 || v[1] < 0) {
            free(out);
            return NULL;
        }
        out[o++] = (char)(v[0] << 2 | v[1] >> 4);
        if (v[2] >= 0)
            out[o++] = (char)((v[1] & 15) << 4 | v[2] >> 2);
        if (v[2] >= 0 && v[3] >= 0)
            out[o++] = (char)((v[2] & 3) << 6 | v[3]);
    }
    out[o] = '\0';
    if (strlen(out) != o) {
        free(out);
        return NULL;
    }
    return out;
}

/* The value a mirrored header stands for: the header without the spaces and tabs around it
 * (RFC 9110 section 5.5: they are not part of a field value), and its "=?base64?...?=" form
 * decoded when encoded is set ("Value Encoding"). A new string, or NULL when the encoded form
 * is not base64. */
static char *header_value(const char *v, int encoded)
{
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (encoded && n >= 11 && strncmp(v, "=?base64?", 9) == 0 && strncmp(v + n - 2, "?=", 2) == 0)
        return b64_decode(v + 9, n - 11);
    char *copy = mm_xmalloc(n + 1);
    memcpy(copy, v, n);
    copy[n] = '\0';
    return copy;
}

/* A HeaderMismatch error (400, -32020) with the request's id. */
static enum MHD_Result mismatch(mm_http_ctx *h, struct MHD_Connection *c, const cJSON *id,
                                const char *text)
{
    char full[400];
    snprintf(full, sizeof full, "Header mismatch: %s", text);
    return mm_http_rpc_error(h, c, MHD_HTTP_BAD_REQUEST, id, MM_HEADER_MISMATCH, full);
}

/* Compares a mirrored header (may be NULL: missing) with the body's value; 0 when they agree,
 * else -1 after answering HeaderMismatch. */
static int check_mirror(mm_http_ctx *h, struct MHD_Connection *c, const cJSON *id,
                        const char *header, const char *sent, const char *body, int encoded,
                        enum MHD_Result *answered)
{
    char text[300];
    if (!sent) {
        snprintf(text, sizeof text, "the %s header is missing; it must be '%.100s' (as the body)",
                 header, body);
        *answered = mismatch(h, c, id, text);
        return -1;
    }
    if (!header_safe(sent)) {
        snprintf(text, sizeof text,
                 "the %s header holds a character a header may not (use its =?base64?...?= "
                 "form)",
                 header);
        *answered = mismatch(h, c, id, text);
        return -1;
    }
    char *value = header_value(sent, encoded);
    if (!value) {
        snprintf(text, sizeof text, "the %s header's =?base64?...?= form is not valid base64",
                 header);
        *answered = mismatch(h, c, id, text);
        return -1;
    }
    int same = strcmp(value, body) == 0;
    free(value);
    if (same)
        return 0;
    snprintf(text, sizeof text, "%s header value '%.80s' does not match body value '%.80s'", header,
             sent, body);
    *answered = mismatch(h, c, id, text);
    return -1;
}

/* The checks of "Server Validation" and of the request's _meta, in the order a client can
 * best act on: the version first (so that it learns which ones to use), then the body, then
 * the mirrors. 0, or -1 after answering. */
static int validate(mm_http_ctx *h, struct MHD_Connection *c, const cJSON *msg,
                    enum MHD_Result *answered)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
    if (!cJSON_IsString(id) && !cJSON_IsNumber(id))
        id = NULL;
    if (!cJSON_IsObject(msg)) {
        *answered = mm_http_rpc_error(h, c, MHD_HTTP_BAD_REQUEST, NULL, MM_INVALID_REQUEST,
                                      "a 2026-07-28 request is one JSON-RPC object: batches "
                                      "are not part of that protocol version");
        return -1;
    }
    const char *version =
        h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "MCP-Protocol-Version");
    const cJSON *method = cJSON_GetObjectItemCaseSensitive(msg, "method");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
    const cJSON *meta_version = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(params, "_meta"), MM_META_PROTOCOL_VERSION);
    /* Two versions that disagree are a mismatch, whichever of them this server speaks. */
    if (version && cJSON_IsString(meta_version) &&
        check_mirror(h, c, id, "MCP-Protocol-Version", version, meta_version->valuestring, 0,
                     answered))
        return -1;
    if (version && !mm_era_modern_supported(version) && !mm_era_legacy_supported(version)) {
        cJSON *err = mm_era_unsupported(id, version);
        char *text = mm_json_wire_text(err);
        *answered = mm_http_reply(h, c, MHD_HTTP_BAD_REQUEST, "application/json", text, NULL);
        free(text);
        return -1;
    }
    if (!cJSON_IsString(method))
        return 0; /* not a request: the protocol layer says why, with the id */
    mm_era_request req = {0};
    if (id) {
        cJSON *err = mm_era_check(msg, &req);
        if (err) {
            char *text = mm_json_wire_text(err);
            *answered = mm_http_reply(h, c, MHD_HTTP_BAD_REQUEST, "application/json", text, NULL);
            free(text);
            return -1;
        }
    }
    /* A notification has no _meta to check: the header must still name the modern version. */
    const char *body_version = req.version ? req.version : MM_ERA_MODERN_VERSION;
    if (check_mirror(h, c, id, "MCP-Protocol-Version", version, body_version, 0, answered) ||
        check_mirror(h, c, id, "Mcp-Method",
                     h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Mcp-Method"),
                     method->valuestring, 0, answered))
        return -1;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(params, "name");
    /* Mcp-Name mirrors params.name of tools/call and prompts/get (2026-07-28 Streamable HTTP,
     * "Standard Headers") */
    if ((strcmp(method->valuestring, "tools/call") == 0 ||
         strcmp(method->valuestring, "prompts/get") == 0) &&
        cJSON_IsString(name) &&
        check_mirror(h, c, id, "Mcp-Name",
                     h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Mcp-Name"),
                     name->valuestring, 1, answered))
        return -1;
    if (id && !mm_era_method_known(method->valuestring)) {
        char text[400];
        const char *why = mm_era_method_missing(method->valuestring);
        if (strcmp(why, "method not found") == 0)
            snprintf(text, sizeof text, "method not found: %.200s", method->valuestring);
        else
            snprintf(text, sizeof text, "%s", why);
        *answered = mm_http_rpc_error(h, c, MHD_HTTP_NOT_FOUND, id, MM_METHOD_NOT_FOUND, text);
        return -1;
    }
    return 0;
}

static void drop(void *ctx, const char *line)
{
    (void)ctx;
    (void)line;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The settings a modern request chose, as one text: "mode:name,name" (categories sorted). */
static char *pin_key(mm_mode mode, const mm_strlist *cats)
{
    const char **sorted = mm_xcalloc(cats->count + 1, sizeof *sorted);
    size_t len = 16;
    for (size_t i = 0; i < cats->count; i++) {
        sorted[i] = cats->items[i];
        len += strlen(cats->items[i]) + 1;
    }
    qsort(sorted, cats->count, sizeof *sorted, by_name);
    char *key = mm_xmalloc(len);
    size_t at = (size_t)snprintf(key, len, "%d:", (int)mode);
    for (size_t i = 0; i < cats->count; i++)
        at += (size_t)snprintf(key + at, len - at, "%s%s", i ? "," : "", sorted[i]);
    free(sorted);
    return key;
}

/* The pin of key, or NULL with *oldest the slot to replace (an empty one first). Under
 * h->pin_lock. */
static struct mm_http_pin *pin_find(mm_http_ctx *h, const char *key, struct mm_http_pin **oldest)
{
    *oldest = &h->modern_pins[0];
    for (size_t i = 0; i < MM_HTTP_MODERN_PINS; i++) {
        struct mm_http_pin *p = &h->modern_pins[i];
        if (p->key && strcmp(p->key, key) == 0)
            return p;
        if (!p->key || ((*oldest)->key && p->used < (*oldest)->used))
            *oldest = p;
    }
    return NULL;
}

/* Keeps a session of the settings choice names (see mm_http_ctx's modern_pins), made by the
 * first modern request of these settings; the least recently used one makes room. The session
 * is made and an evicted one destroyed outside h->pin_lock (they load and unload plugins), so
 * that settings a URL rotates through never hold up the other modern requests. A failure only
 * costs speed: the next request tries again. */
static void pin_settings(mm_http_ctx *h, const mm_http_choice *choice)
{
    const mm_config *cfg = h->srv->cfg;
    mm_mode mode = choice->own ? cfg->mode : choice->mode;
    const mm_strlist *cats = choice->own ? &cfg->categories : &choice->cats;
    char *key = pin_key(mode, cats);
    struct mm_http_pin *slot, *oldest;
    pthread_mutex_lock(&h->pin_lock);
    if ((slot = pin_find(h, key, &oldest)) != NULL)
        slot->used = ++h->pin_clock;
    pthread_mutex_unlock(&h->pin_lock);
    if (slot) {
        free(key);
        return;
    }
    char err[256];
    mm_session *made = mm_session_create(h->srv, mode, (const char *const *)cats->items,
                                         cats->count, NULL, NULL, drop, NULL, err, sizeof err);
    if (!made) {
        free(key);
        return;
    }
    mm_session *gone = made; /* destroyed outside the lock: it releases plugins */
    pthread_mutex_lock(&h->pin_lock);
    if ((slot = pin_find(h, key, &oldest)) == NULL) { /* else another request made it first */
        slot = oldest;
        gone = slot->session;
        free(slot->key);
        slot->key = key;
        slot->session = made;
        key = NULL;
    }
    slot->used = ++h->pin_clock;
    pthread_mutex_unlock(&h->pin_lock);
    free(key);
    mm_session_destroy(&gone);
}

void mm_http_stateless_free(mm_http_ctx *h)
{
    for (size_t i = 0; i < MM_HTTP_MODERN_PINS; i++) {
        mm_session_destroy(&h->modern_pins[i].session);
        free(h->modern_pins[i].key);
        h->modern_pins[i].key = NULL;
    }
}

mm_session_entry *mm_http_stateless_begin(mm_http_ctx *h, struct MHD_Connection *c,
                                          const char *token, const cJSON *msg,
                                          enum MHD_Result *answered)
{
    if (validate(h, c, msg, answered) != 0)
        return NULL;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
    mm_http_choice choice;
    if (mm_http_session_choice(h, c, id, &choice, answered) != 0)
        return NULL;
    pin_settings(h, &choice);
    mm_session *s = mm_http_session_build(h, c, &choice, token ? token : "", 1, id, answered);
    if (!s)
        return NULL;
    s->per_request = 1; /* before any use: it is freed with this request's answer */
    return mm_session_store_detached(h->store, s);
}
