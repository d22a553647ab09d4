/*
 * mistmcp plugin ABI — the only header a category plugin includes.
 *
 * A plugin is a shared object exporting exactly one symbol, MISTMCP_PLUGIN_SYMBOL, a function
 * that returns a pointer to a const mistmcp_plugin descriptor. The host checks the descriptor
 * (magic, ABI major/minor, struct sizes) before it calls any other plugin code, then calls
 * init() with the host API table, and fini() before the object is unmapped: once each per
 * load. A plugin no session uses is unloaded, and loaded (and initialised) again when one
 * needs it, so init must not assume the process starts fresh, nor fini leave state behind.
 *
 * Versioning. MISTMCP_ABI_MAJOR changes only when an existing field changes meaning or
 * position; the host refuses any other major. MISTMCP_ABI_MINOR grows when a field is appended
 * to a struct here (descriptor, tool entry, parameter, host API); the host refuses a plugin
 * whose minor is newer than its own. Structs only ever grow at their end, and each carries its
 * size (struct_size, tool_size, param_size; host API: size) so that a host reads an older
 * plugin's shorter structs safely (missing trailing fields read as zero). Reserved fields must
 * be zero/NULL, so that a later minor can give them a meaning; the host checks.
 *
 * Ownership. Everything a plugin hands to the host (descriptor, tool table, parameter tables,
 * strings) is static const data owned by the plugin and must stay valid and unchanged until
 * fini() returns. Everything the host hands to a plugin (host API table, call handle, strings
 * returned by host functions) is owned by the host; strings returned by host functions stay
 * valid until the handler returns unless a function says otherwise. A plugin frees nothing it
 * did not allocate with host->alloc.
 *
 * Threads. init() and fini() are never called concurrently with any other call into the
 * plugin. Tool handlers are called concurrently from several threads, each with its
 * own call handle; a handler must not keep mutable global state without its own locking.
 * Every host API function is thread-safe; functions taking a call handle may be used only by
 * the thread running that call's handler, until the handler returns.
 */
#ifndef MISTMCP_PLUGIN_H
#define MISTMCP_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MISTMCP_PLUGIN_MAGIC 0x4d4d4350u /* "MMCP" */
#define MISTMCP_ABI_MAJOR 1
#define MISTMCP_ABI_MINOR 1

/* Name of the one exported symbol: const mistmcp_plugin *mistmcp_plugin_entry(void). */
#define MISTMCP_PLUGIN_SYMBOL "mistmcp_plugin_entry"

#if defined(__GNUC__) || defined(__clang__)
#define MISTMCP_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define MISTMCP_PLUGIN_EXPORT
#endif

typedef enum mistmcp_http_method {
    MISTMCP_HTTP_GET = 1,
    MISTMCP_HTTP_POST = 2,
    MISTMCP_HTTP_PUT = 3,
    MISTMCP_HTTP_DELETE = 4,
    MISTMCP_HTTP_PATCH = 5
} mistmcp_http_method;

typedef enum mistmcp_param_location {
    MISTMCP_PARAM_PATH = 1, /* substituted into the path template as one encoded segment */
    MISTMCP_PARAM_QUERY = 2
} mistmcp_param_location;

typedef enum mistmcp_value_type {
    MISTMCP_TYPE_ANY = 0,
    MISTMCP_TYPE_STRING = 1,
    MISTMCP_TYPE_INTEGER = 2,
    MISTMCP_TYPE_NUMBER = 3,
    MISTMCP_TYPE_BOOLEAN = 4,
    MISTMCP_TYPE_ARRAY = 5,
    MISTMCP_TYPE_OBJECT = 6
} mistmcp_value_type;

/* How an array-valued query parameter is written (OpenAPI style/explode). */
typedef enum mistmcp_array_style {
    MISTMCP_ARRAY_FORM_EXPLODE = 0, /* a=1&a=2 (OpenAPI default: form, explode=true) */
    MISTMCP_ARRAY_FORM = 1,         /* a=1,2 */
    MISTMCP_ARRAY_SPACE = 2,        /* a=1%202 */
    MISTMCP_ARRAY_PIPE = 3          /* a=1|2 */
} mistmcp_array_style;

/* One path or query parameter of a declarative tool. */
typedef struct mistmcp_param {
    const char *name;  /* argument name in the input schema and name on the wire */
    uint8_t location;  /* mistmcp_param_location */
    uint8_t type;      /* mistmcp_value_type */
    uint8_t item_type; /* mistmcp_value_type of the items when type is ARRAY */
    uint8_t style;     /* mistmcp_array_style when type is ARRAY */
    uint8_t required;  /* 1 if the argument must be present */
    uint8_t reserved[3];
} mistmcp_param;

/* Tool annotations (MCP ToolAnnotations) as bits. Zero means MCP's defaults: not read-only,
 * destructive, not idempotent, open world; each bit states the other value. New hints will
 * get new bits with the same rule, so an older plugin's zero keeps meaning "the default".
 * The host refuses unknown bits. */
#define MISTMCP_ANN_READ_ONLY 0x01u       /* readOnlyHint: true */
#define MISTMCP_ANN_NOT_DESTRUCTIVE 0x02u /* destructiveHint: false */
#define MISTMCP_ANN_IDEMPOTENT 0x04u      /* idempotentHint: true */
#define MISTMCP_ANN_CLOSED_WORLD 0x08u    /* openWorldHint: false */
#define MISTMCP_ANN_KNOWN_1_0 0x0fu

typedef enum mistmcp_tool_kind {
    MISTMCP_TOOL_DECLARATIVE = 1, /* the host builds and sends the Mist request */
    MISTMCP_TOOL_CUSTOM = 2       /* the host calls handler() */
} mistmcp_tool_kind;

typedef struct mistmcp_host_api mistmcp_host_api;
typedef struct mistmcp_call mistmcp_call; /* opaque, owned by the host */

/*
 * A custom tool's handler. Arguments are read with host->arg_* on the call, the result is
 * built with host->result_*. Return 0 when the result is complete (an isError result is still
 * 0), nonzero to make the host answer with a generic internal error.
 */
typedef int (*mistmcp_tool_handler)(const mistmcp_host_api *host, mistmcp_call *call);

typedef struct mistmcp_tool {
    /* Unique across all categories; [A-Za-z0-9_.-]{1,128} (MCP's rule). LLM hosts take less:
     * OpenAI, Anthropic and Gemini refuse a whole request with a name outside
     * [A-Za-z0-9_-]{1,64}, so keep to that. */
    const char *name;
    const char *title;       /* short human title, may be NULL */
    const char *description; /* written for the model */
    /* JSON text of a JSON Schema object; "{}" means no arguments. Write it so that every host
     * takes it (tests/e2e/node/host_rules.mjs has each one's rules and sources): "type":
     * "object" at the root, one type per property, "items" on every array, no empty
     * "properties" below the root, formats other than date-time, int32/int64 and float/double
     * said in the description ("A UUID."), anyOf rather than oneOf. */
    const char *input_schema;
    const char *full_schema; /* JSON text of the full request body schema, or NULL */
    uint32_t annotations;    /* MISTMCP_ANN_* bits */
    uint8_t kind;            /* mistmcp_tool_kind */
    uint8_t method;          /* mistmcp_http_method (declarative) */
    uint16_t param_count;    /* entries in params (declarative) */
    uint32_t param_size;     /* sizeof(mistmcp_param) as the plugin saw it: the stride of
                                params (declarative tools with parameters) */
    uint32_t reserved0;      /* must be 0 */
    const char *path;        /* path template, e.g. "/api/v1/orgs/{org_id}/sites" */
    const mistmcp_param *params;
    const char *body_content_type; /* "application/json", "multipart/form-data" or NULL */
    mistmcp_tool_handler handler;  /* custom tools only */
    const void *reserved[4];       /* must be NULL */
} mistmcp_tool;

typedef struct mistmcp_plugin {
    uint32_t magic;       /* MISTMCP_PLUGIN_MAGIC */
    uint16_t abi_major;   /* MISTMCP_ABI_MAJOR the plugin was built against */
    uint16_t abi_minor;   /* MISTMCP_ABI_MINOR the plugin was built against */
    uint32_t struct_size; /* sizeof(mistmcp_plugin) as the plugin saw it */
    uint32_t tool_size;   /* sizeof(mistmcp_tool) as the plugin saw it: the stride of tools */
    const char *category; /* [a-z0-9_]{1,64}; must match the file name <category>.so */
    const char *description;
    const char *version;
    const mistmcp_tool *tools;
    uint32_t tool_count;
    uint32_t reserved0; /* must be 0 */
    /* Optional. Return 0 on success; on failure write a message to err and return nonzero:
     * the host then refuses the plugin and never calls fini. */
    int (*init)(const mistmcp_host_api *host, char *err, size_t err_size);
    void (*fini)(void);      /* optional */
    const void *reserved[8]; /* must be NULL */
} mistmcp_plugin;

typedef const mistmcp_plugin *(*mistmcp_plugin_entry_fn)(void);

/* Log levels, as MCP's logging levels (RFC 5424 order). */
typedef enum mistmcp_log_level {
    MISTMCP_LOG_DEBUG = 0,
    MISTMCP_LOG_INFO,
    MISTMCP_LOG_NOTICE,
    MISTMCP_LOG_WARNING,
    MISTMCP_LOG_ERROR,
    MISTMCP_LOG_CRITICAL,
    MISTMCP_LOG_ALERT,
    MISTMCP_LOG_EMERGENCY
} mistmcp_log_level;

/* host->input (ABI 1.1): what became of a request for input. */
#define MISTMCP_INPUT_OK 0          /* *response_json is the client's result */
#define MISTMCP_INPUT_PENDING 1     /* asked (2026-07-28): return; the call is run again */
#define MISTMCP_INPUT_UNSUPPORTED 2 /* the client did not declare that capability: not asked */
#define MISTMCP_INPUT_FAILED (-1)   /* bad arguments, an error or no answer from the client */
/* host->input flags. REQUIRED: the tool cannot go on without this input, so a client that
 * lacks the capability ends the call with MCP's MissingRequiredClientCapabilityError (-32021,
 * 2026-07-28) instead of the handler carrying on. */
#define MISTMCP_INPUT_REQUIRED 0x1u

/* Answer of host->mist_request; read it with the accessors, free it with response_free. */
typedef struct mistmcp_response mistmcp_response;

/*
 * The host API: one const table handed to init() and to every handler. Append-only: a host
 * built with an older minor has a shorter table, so check `size` before using an entry added
 * after ABI 1.0 (offsetof(mistmcp_host_api, entry) < host->size).
 */
struct mistmcp_host_api {
    uint32_t size;      /* sizeof(mistmcp_host_api) in the host */
    uint16_t abi_major; /* the host's MISTMCP_ABI_MAJOR */
    uint16_t abi_minor; /* the host's MISTMCP_ABI_MINOR */

    /* Logs to the server log and, with a call, to that call's client session. call may be NULL. */
    void (*log)(mistmcp_call *call, mistmcp_log_level level, const char *message);

    /* Memory the host may free (and that a plugin may hand to host functions that take it). */
    void *(*alloc)(size_t size);
    void (*free)(void *ptr);

    /* Arguments of the call. Strings are owned by the call. A missing or null argument:
     * arg_string returns NULL, the others return 0 and leave *out unchanged.
     * Numbers: arg_integer gives an integer exactly as the client wrote it, past 2^53 too
     * (1915883588174806058), and returns 0 for one beyond long long or with a fraction; a
     * number written with an exponent or a decimal point counts only where a double holds it
     * exactly (|value| <= 2^53). arg_number gives the nearest double. arg_json always has the
     * client's own digits: use it for integers beyond long long. */
    const char *(*arg_string)(mistmcp_call *call, const char *name);
    int (*arg_integer)(mistmcp_call *call, const char *name, long long *out);
    int (*arg_number)(mistmcp_call *call, const char *name, double *out);
    int (*arg_bool)(mistmcp_call *call, const char *name, int *out);
    /* The whole arguments object, or one argument, as JSON text, numbers as the client wrote
     * them; NULL if absent. */
    const char *(*arg_json)(mistmcp_call *call, const char *name_or_null);

    /* Result building. Content blocks are MCP content objects given as JSON text. The numbers
     * in result_add_content's and result_set_structured's JSON reach the client with the
     * digits they were written with (nothing is rounded through a double). */
    int (*result_add_text)(mistmcp_call *call, const char *text);
    int (*result_add_content)(mistmcp_call *call, const char *content_json);
    int (*result_set_structured)(mistmcp_call *call, const char *object_json);
    void (*result_set_error)(mistmcp_call *call, int is_error);

    /* Progress toward total (total <= 0 when unknown); sent only if the client asked for it. */
    void (*progress)(mistmcp_call *call, double progress, double total, const char *message);
    /* Nonzero once the client cancelled the call; a handler should then return promptly. */
    int (*is_cancelled)(mistmcp_call *call);

    /* A Mist API request made with the calling session's credentials and cloud.
     * method is "GET", "POST", ...; path starts with "/api/" and has no '.' or '..' segment,
     * query, fragment, space or control byte (percent-encode them); query (without '?',
     * encoded: no '#', space or control byte) and body_json may be NULL. Anything else is
     * refused with a message in err, never changed. Returns 0 and sets *out when an HTTP answer
     * arrived (any status), nonzero with a message in err otherwise. */
    int (*mist_request)(mistmcp_call *call, const char *method, const char *path, const char *query,
                        const char *body_json, mistmcp_response **out, char *err, size_t err_size);
    long (*response_status)(const mistmcp_response *response);
    const char *(*response_body)(const mistmcp_response *response, size_t *length);
    const char *(*response_header)(const mistmcp_response *response, const char *name);
    void (*response_free)(mistmcp_response **response);

    /* ABI 1.1. Asks the client for input: request_json is {"method": ..., "params": {...}}
     * with method "elicitation/create" (form mode), "sampling/createMessage" or "roots/list";
     * key ([A-Za-z0-9_.-]{1,64}; "confirm_write" is the host's, refused) names it within the
     * call. The same handler code works in both protocol eras:
     *   2025 sessions: the host sends the request to the client on the call's stream and
     *     waits (up to 10 minutes, or until the call is cancelled): MISTMCP_INPUT_OK with
     *     *response_json the client's result (e.g. {"action": "accept", "content": {...}}),
     *     or MISTMCP_INPUT_FAILED.
     *   2026-07-28 requests (no server-to-client requests, basic/patterns/mrtr): the first
     *     time, MISTMCP_INPUT_PENDING; ask everything the handler needs, then return (what
     *     it built is dropped): the call ends input_required, and the client runs it again
     *     with the answers, where the same input() calls return MISTMCP_INPUT_OK. Answers of
     *     earlier rounds stay available in later ones (signed requestState), so a handler may
     *     ask step by step. Keep a handler that asks free of side effects before its answers
     *     are in: it runs once per round.
     * MISTMCP_INPUT_UNSUPPORTED when the client did not declare the capability (then nothing
     * was asked; with MISTMCP_INPUT_REQUIRED the call ends with -32021 on 2026-07-28).
     * *response_json is owned by the call (valid until the handler returns). Check
     * offsetof(mistmcp_host_api, input) < host->size before calling it on an older host. */
    int (*input)(mistmcp_call *call, const char *key, const char *request_json, unsigned flags,
                 const char **response_json);
};

#ifdef __cplusplus
}
#endif

#endif /* MISTMCP_PLUGIN_H */
