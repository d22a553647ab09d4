/*
 * One tool call in progress: its arguments and the result being built, plus hooks through
 * which the transport hears of progress and logs and tells of cancellation.
 *
 * This is the host side of the opaque mistmcp_call a custom handler receives. Ownership: the
 * call owns its arguments, every string handed out by the arg_* functions, and the result
 * until mm_call_take_result(). Thread-safety: a call is used by one thread at a time (the one
 * running the tool); only the `cancelled` flag may be set from another thread.
 */
#ifndef MISTMCP_CORE_MCP_TOOL_CALL_H
#define MISTMCP_CORE_MCP_TOOL_CALL_H

#include <mistmcp/plugin.h>

#include <cjson/cJSON.h>
#include <stdatomic.h>

typedef struct mm_call_hooks {
    void *ctx;
    /* Each may be NULL. */
    void (*log)(void *ctx, mistmcp_log_level level, const char *message);
    void (*progress)(void *ctx, double progress, double total, const char *message);
    int (*mist_request)(void *ctx, const char *method, const char *path, const char *query,
                        const char *body_json, mistmcp_response **out, char *err, size_t err_size);
    int (*cancelled)(void *ctx); /* nonzero once the client cancelled the request */
    /* host->input: request is {"method", "params"}; returns a MISTMCP_INPUT_* with *response
     * (the caller's) on MISTMCP_INPUT_OK. */
    int (*input)(void *ctx, const char *key, const cJSON *request, unsigned flags,
                 cJSON **response);
} mm_call_hooks;

struct mistmcp_call {
    cJSON *args;       /* an object, owned */
    cJSON *content;    /* array of content blocks, owned */
    cJSON *structured; /* object or NULL, owned */
    int is_error;
    atomic_int cancelled;
    mm_call_hooks hooks;
    char **strings; /* handed out by arg_json, freed with the call */
    size_t string_count;
};

/* Takes ownership of args (an object, or NULL for none). */
mistmcp_call *mm_call_create(cJSON *args, const mm_call_hooks *hooks);
void mm_call_destroy(mistmcp_call **call);

/* The MCP CallToolResult ({content, structuredContent?, isError?}); the call keeps no part of
 * it. Call once, after the tool finished. */
cJSON *mm_call_take_result(mistmcp_call *call);

/* Marks the call cancelled; safe from any thread. */
void mm_call_cancel(mistmcp_call *call);

#endif
