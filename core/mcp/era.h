/*
 * The two protocol eras of one server (MCP 2026-07-28 basic/versioning, "Backward
 * Compatibility with Initialization-Based Versions"): which versions it speaks, whether a
 * message is of the modern era (per-request `_meta`, no initialize), the checks of a modern
 * request's `_meta`, and the parts every modern result carries.
 *
 * Legacy: 2024-11-05 to 2025-11-25, a session opened by initialize (mcp/protocol.c).
 * Modern: 2026-07-28, each request standing alone: `_meta` carries
 * io.modelcontextprotocol/protocolVersion and io.modelcontextprotocol/clientCapabilities
 * (schema RequestMetaObject, both required).
 *
 * Pure functions over cJSON values: no state, thread-safe. Returned cJSON values are new
 * (the caller owns them); pointers into a message stay valid while the message does.
 */
#ifndef MISTMCP_CORE_MCP_ERA_H
#define MISTMCP_CORE_MCP_ERA_H

#include <cjson/cJSON.h>

#define MM_ERA_MODERN_VERSION "2026-07-28"

/* MCP 2026-07-28 basic/index "Error Codes" (the -32020..-32099 range is the spec's). */
#define MM_HEADER_MISMATCH -32020
#define MM_UNSUPPORTED_PROTOCOL_VERSION -32022

/* The _meta keys of a modern request and result (schema RequestMetaObject, ResultMetaObject). */
#define MM_META_PROTOCOL_VERSION "io.modelcontextprotocol/protocolVersion"
#define MM_META_CLIENT_CAPABILITIES "io.modelcontextprotocol/clientCapabilities"
#define MM_META_CLIENT_INFO "io.modelcontextprotocol/clientInfo"
#define MM_META_LOG_LEVEL "io.modelcontextprotocol/logLevel"
#define MM_META_SERVER_INFO "io.modelcontextprotocol/serverInfo"

/* How long a client may keep a tools/list or server/discover answer (schema CacheableResult,
 * server/utilities/caching): both change only when the operator restarts the server with other
 * settings, so a few minutes of staleness at most. */
#define MM_ERA_LIST_TTL_MS 300000

/* 1 if version is a legacy version this server negotiates with initialize. */
int mm_era_legacy_supported(const char *version);
/* 1 if version is a modern version this server serves statelessly. */
int mm_era_modern_supported(const char *version);
/* Every version this server speaks, newest first, as a new JSON array of strings. */
cJSON *mm_era_supported_json(void);

/* 1 if msg (any JSON value) is a modern-era message: a server/discover request, or an object
 * whose params._meta has the protocol version key (whatever its value: a wrong one is the
 * modern path's to refuse, with -32022 or -32602). 0 for everything else, batches included. */
int mm_era_is_modern(const cJSON *msg);

/* What a modern request said about itself in _meta. Pointers into the message. */
typedef struct mm_era_request {
    const char *version;       /* the protocol version (supported once checked) */
    const cJSON *capabilities; /* an object */
    const cJSON *client_info;  /* an object, or NULL */
    const char *log_level;     /* a logging level name, or NULL: no notifications/message */
} mm_era_request;

/* Checks the _meta of the modern request msg (a JSON-RPC request object whose id is valid)
 * and fills out. Returns NULL when it may be served, else the error response to send, with
 * msg's id: -32022 for a version this server does not serve statelessly (data: supported,
 * requested), -32602 naming the field for a missing or malformed one (server/discover
 * included: the stdio probe of basic/transports/stdio carries the client's version). */
cJSON *mm_era_check(const cJSON *msg, mm_era_request *out);

/* The UnsupportedProtocolVersionError response (schema) for requested, with id (NULL:
 * "id": null, only when the id could not be read). */
cJSON *mm_era_unsupported(const cJSON *id, const char *requested);

/* The mistmcp_log_level (0 debug .. 7 emergency, RFC 5424's order) of a logging level name,
 * or -1 for NULL or a name that is not one. */
int mm_era_log_level(const char *name);

/* 1 if method is served on the modern path (server/discover, tools/list, tools/call;
 * subscriptions/listen, whose stream is the transport's: mcp/subscription.h). */
int mm_era_method_known(const char *method);
/* Why a method is not served on the modern path, for its -32601 message (static text). */
const char *mm_era_method_missing(const char *method);

/* Adds what every modern result carries (schema Result, ResultMetaObject) to the result
 * object: resultType "complete" and _meta io.modelcontextprotocol/serverInfo {name, version}
 * (an existing _meta object is kept and extended). */
void mm_era_stamp_result(cJSON *result, const char *server_version);
/* Adds ttlMs and cacheScope (schema CacheableResult) to the result object. */
void mm_era_cacheable(cJSON *result, long ttl_ms, const char *scope);

#endif
