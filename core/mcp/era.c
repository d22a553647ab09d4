#include "mcp/era.h"

#include "mcp/protocol.h"

#include <stdio.h>
#include <string.h>

/* Newest first: the order a client should try them in. */
static const char *const modern_versions[] = {MM_ERA_MODERN_VERSION};
static const char *const legacy_versions[] = {"2025-11-25", "2025-06-18", "2025-03-26",
                                              "2024-11-05"};

static const char *const log_levels[] = {"debug", "info",     "notice", "warning",
                                         "error", "critical", "alert",  "emergency"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int in(const char *const *list, size_t n, const char *v)
{
    for (size_t i = 0; v && i < n; i++)
        if (strcmp(list[i], v) == 0)
            return 1;
    return 0;
}

int mm_era_legacy_supported(const char *version)
{
    return in(legacy_versions, COUNT(legacy_versions), version);
}

int mm_era_modern_supported(const char *version)
{
    return in(modern_versions, COUNT(modern_versions), version);
}

cJSON *mm_era_supported_json(void)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < COUNT(modern_versions); i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(modern_versions[i]));
    for (size_t i = 0; i < COUNT(legacy_versions); i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(legacy_versions[i]));
    return a;
}

static const cJSON *meta_of(const cJSON *msg)
{
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
    return cJSON_GetObjectItemCaseSensitive(params, "_meta");
}

static int is_method(const cJSON *msg, const char *name)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(msg, "method");
    return cJSON_IsString(m) && strcmp(m->valuestring, name) == 0;
}

int mm_era_is_modern(const cJSON *msg)
{
    if (!cJSON_IsObject(msg))
        return 0;
    return is_method(msg, "server/discover") ||
           cJSON_GetObjectItemCaseSensitive(meta_of(msg), MM_META_PROTOCOL_VERSION) != NULL;
}

cJSON *mm_era_unsupported(const cJSON *id, const char *requested)
{
    char text[300];
    snprintf(text, sizeof text,
             "Unsupported protocol version '%.40s': this server serves %s statelessly (send it in "
             "_meta) and 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05 after initialize",
             requested, MM_ERA_MODERN_VERSION);
    cJSON *r = mm_protocol_error(id, MM_UNSUPPORTED_PROTOCOL_VERSION, text);
    cJSON *data = cJSON_AddObjectToObject(cJSON_GetObjectItemCaseSensitive(r, "error"), "data");
    cJSON_AddItemToObject(data, "supported", mm_era_supported_json());
    cJSON_AddStringToObject(data, "requested", requested);
    return r;
}

cJSON *mm_era_check(const cJSON *msg, mm_era_request *out)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
    const cJSON *meta = meta_of(msg);
    *out = (mm_era_request){0};
    if (!cJSON_IsObject(meta))
        return mm_protocol_error(id, MM_INVALID_PARAMS,
                                 meta ? "params._meta must be an object"
                                      : "params._meta is missing: a 2026-07-28 request carries "
                                        "io.modelcontextprotocol/protocolVersion and "
                                        "io.modelcontextprotocol/clientCapabilities in it");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(meta, MM_META_PROTOCOL_VERSION);
    if (!cJSON_IsString(v))
        return mm_protocol_error(id, MM_INVALID_PARAMS,
                                 v ? "params._meta.io.modelcontextprotocol/protocolVersion must "
                                     "be a string, e.g. \"" MM_ERA_MODERN_VERSION "\""
                                   : "params._meta.io.modelcontextprotocol/protocolVersion is "
                                     "missing, e.g. \"" MM_ERA_MODERN_VERSION "\"");
    if (!mm_era_modern_supported(v->valuestring))
        return mm_era_unsupported(id, v->valuestring);
    out->version = v->valuestring;
    const cJSON *caps = cJSON_GetObjectItemCaseSensitive(meta, MM_META_CLIENT_CAPABILITIES);
    if (!cJSON_IsObject(caps))
        return mm_protocol_error(
            id, MM_INVALID_PARAMS,
            caps ? "params._meta.io.modelcontextprotocol/clientCapabilities must be an object"
                 : "params._meta.io.modelcontextprotocol/clientCapabilities is missing: an "
                   "object, {} for a client with no optional capability");
    out->capabilities = caps;
    const cJSON *info = cJSON_GetObjectItemCaseSensitive(meta, MM_META_CLIENT_INFO);
    if (info && !cJSON_IsObject(info))
        return mm_protocol_error(id, MM_INVALID_PARAMS,
                                 "params._meta.io.modelcontextprotocol/clientInfo must be an "
                                 "object ({\"name\": ..., \"version\": ...})");
    out->client_info = info;
    const cJSON *level = cJSON_GetObjectItemCaseSensitive(meta, MM_META_LOG_LEVEL);
    if (level && !(cJSON_IsString(level) && in(log_levels, COUNT(log_levels), level->valuestring)))
        return mm_protocol_error(id, MM_INVALID_PARAMS,
                                 "params._meta.io.modelcontextprotocol/logLevel must be one of "
                                 "debug, info, notice, warning, error, critical, alert, "
                                 "emergency");
    out->log_level = level ? level->valuestring : NULL;
    return NULL;
}

int mm_era_log_level(const char *name)
{
    for (size_t i = 0; name && i < COUNT(log_levels); i++)
        if (strcmp(log_levels[i], name) == 0)
            return (int)i;
    return -1;
}

int mm_era_method_known(const char *method)
{
    return method &&
           (strcmp(method, "server/discover") == 0 || strcmp(method, "tools/list") == 0 ||
            strcmp(method, "tools/call") == 0 || strcmp(method, "prompts/list") == 0 ||
            strcmp(method, "prompts/get") == 0 || strcmp(method, "completion/complete") == 0 ||
            strcmp(method, "subscriptions/listen") == 0);
}

const char *mm_era_method_missing(const char *method)
{
    if (!method)
        return "method not found";
    if (strcmp(method, "initialize") == 0)
        return "method not found: initialize is not part of protocol 2026-07-28 (each request "
               "carries its version in _meta); send it without that _meta to open a 2025 "
               "session";
    if (strcmp(method, "ping") == 0 || strcmp(method, "logging/setLevel") == 0)
        return "method not found: removed in protocol 2026-07-28 (the log level is "
               "io.modelcontextprotocol/logLevel in each request's _meta)";
    return "method not found";
}

void mm_era_stamp_result(cJSON *result, const char *server_version)
{
    if (!cJSON_GetObjectItemCaseSensitive(result, "resultType"))
        cJSON_AddStringToObject(result, "resultType", "complete");
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(result, "_meta");
    if (!cJSON_IsObject(meta)) {
        cJSON_DeleteItemFromObjectCaseSensitive(result, "_meta");
        meta = cJSON_AddObjectToObject(result, "_meta");
    }
    cJSON_DeleteItemFromObjectCaseSensitive(meta, MM_META_SERVER_INFO);
    cJSON *info = cJSON_AddObjectToObject(meta, MM_META_SERVER_INFO);
    cJSON_AddStringToObject(info, "name", "mistmcp");
    cJSON_AddStringToObject(info, "version", server_version ? server_version : "");
}

void mm_era_cacheable(cJSON *result, long ttl_ms, const char *scope)
{
    cJSON_AddNumberToObject(result, "ttlMs", (double)(ttl_ms > 0 ? ttl_ms : 0));
    cJSON_AddStringToObject(result, "cacheScope", scope);
}
