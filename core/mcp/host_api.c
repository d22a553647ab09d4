#define _POSIX_C_SOURCE 200809L
#include "mcp/host_api.h"

#include "base/json_exact.h"
#include "base/util.h"
#include "mcp/tool_call.h"
#include "mcp/write_gate.h"
#include "mist/client.h"
#include "mist/response.h"
#include "mist/result_shape.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const level_names[] = {"debug", "info",     "notice", "warning",
                                          "error", "critical", "alert",  "emergency"};

static void host_log(mistmcp_call *call, mistmcp_log_level level, const char *message)
{
    if (call && call->hooks.log) {
        call->hooks.log(call->hooks.ctx, level, message);
        return;
    }
    unsigned l = (unsigned)level < 8 ? (unsigned)level : 0;
    fprintf(stderr, "mistmcp: plugin %s: %s\n", level_names[l], message ? message : "");
}

static void *host_alloc(size_t size)
{
    return mm_xmalloc(size);
}

static void host_free(void *p)
{
    free(p);
}

static const cJSON *arg(mistmcp_call *call, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(call->args, name);
    return cJSON_IsNull(v) ? NULL : v;
}

static const char *arg_string(mistmcp_call *call, const char *name)
{
    const cJSON *v = arg(call, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int arg_integer(mistmcp_call *call, const char *name, long long *out)
{
    const cJSON *v = arg(call, name);
    if (!cJSON_IsNumber(v))
        return 0;
    const char *text = mm_json_number_text(v); /* the digits as sent, when a double lost them */
    if (text && !strpbrk(text, ".eE")) {
        errno = 0;
        char *end;
        long long i = strtoll(text, &end, 10);
        if (errno == ERANGE || *end)
            return 0; /* beyond long long: arg_json has the digits */
        *out = i;
        return 1;
    }
    /* Otherwise a double: an integer only where it is exact (|v| <= 2^53). */
    double d = v->valuedouble;
    if (!(d >= -0x1p53 && d <= 0x1p53) || d != (double)(long long)d)
        return 0;
    *out = (long long)d;
    return 1;
}

static int arg_number(mistmcp_call *call, const char *name, double *out)
{
    const cJSON *v = arg(call, name);
    if (!cJSON_IsNumber(v))
        return 0;
    *out = v->valuedouble;
    return 1;
}

static int arg_bool(mistmcp_call *call, const char *name, int *out)
{
    const cJSON *v = arg(call, name);
    if (!cJSON_IsBool(v))
        return 0;
    *out = cJSON_IsTrue(v);
    return 1;
}

static const char *arg_json(mistmcp_call *call, const char *name)
{
    const cJSON *v = name ? arg(call, name) : call->args;
    if (!v)
        return NULL;
    char *text = mm_json_print_exact(v);
    call->strings = mm_xrealloc(call->strings, (call->string_count + 1) * sizeof *call->strings);
    call->strings[call->string_count++] = text;
    return text;
}

static int result_add_text(mistmcp_call *call, const char *text)
{
    cJSON *block = cJSON_CreateObject();
    cJSON_AddStringToObject(block, "type", "text");
    cJSON_AddStringToObject(block, "text", text ? text : "");
    cJSON_AddItemToArray(call->content, block);
    return 0;
}

static int result_add_content(mistmcp_call *call, const char *content_json)
{
    cJSON *block =
        content_json ? mm_json_parse_exact(content_json, strlen(content_json), NULL) : NULL;
    if (!cJSON_IsObject(block) ||
        !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(block, "type"))) {
        cJSON_Delete(block);
        return -1; /* not a content block: {"type": ..., ...} */
    }
    cJSON_AddItemToArray(call->content, block);
    return 0;
}

static int result_set_structured(mistmcp_call *call, const char *object_json)
{
    cJSON *obj = object_json ? mm_json_parse_exact(object_json, strlen(object_json), NULL) : NULL;
    if (!cJSON_IsObject(obj)) {
        cJSON_Delete(obj);
        return -1;
    }
    cJSON_Delete(call->structured);
    call->structured = obj;
    return 0;
}

static void result_set_error(mistmcp_call *call, int is_error)
{
    call->is_error = is_error != 0;
}

static void progress(mistmcp_call *call, double done, double total, const char *message)
{
    if (call->hooks.progress)
        call->hooks.progress(call->hooks.ctx, done, total, message);
}

static int is_cancelled(mistmcp_call *call)
{
    return atomic_load(&call->cancelled) ||
           (call->hooks.cancelled && call->hooks.cancelled(call->hooks.ctx));
}

static int mist_request(mistmcp_call *call, const char *method, const char *path, const char *query,
                        const char *body_json, mistmcp_response **out, char *err, size_t err_size)
{
    *out = NULL;
    if (!call->hooks.mist_request)
        return mm_fail(err, err_size, "no Mist API connection is configured for this call");
    return call->hooks.mist_request(call->hooks.ctx, method, path, query, body_json, out, err,
                                    err_size);
}

static long response_status(const mistmcp_response *r)
{
    return r ? r->status : 0;
}

static const char *response_body(const mistmcp_response *r, size_t *length)
{
    if (length)
        *length = r ? r->length : 0;
    return r ? r->body : NULL;
}

static const char *response_header(const mistmcp_response *r, const char *name)
{
    return mm_response_header(r, name);
}

/* The key of an input request: [A-Za-z0-9_.-]{1,64}, and not the write gate's own
 * (MM_WRITE_INPUT_KEY: the answer to that question clears a write, mcp/write_gate.h). */
static int input_key_ok(const char *key)
{
    size_t n = key ? strlen(key) : 0;
    if (n == 0 || n > 64 || strcmp(key, MM_WRITE_INPUT_KEY) == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = key[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return 0;
    }
    return 1;
}

static int input(mistmcp_call *call, const char *key, const char *request_json, unsigned flags,
                 const char **response_json)
{
    if (response_json)
        *response_json = NULL;
    if (!call->hooks.input || !input_key_ok(key) || !request_json || !response_json)
        return MISTMCP_INPUT_FAILED;
    cJSON *request = cJSON_Parse(request_json);
    const cJSON *method = cJSON_GetObjectItemCaseSensitive(request, "method");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(request, "params");
    if (!cJSON_IsObject(request) || !cJSON_IsString(method) ||
        (params && !cJSON_IsObject(params))) {
        cJSON_Delete(request);
        return MISTMCP_INPUT_FAILED;
    }
    cJSON *response = NULL;
    int rc = call->hooks.input(call->hooks.ctx, key, request, flags, &response);
    cJSON_Delete(request);
    if (rc == MISTMCP_INPUT_OK) {
        char *text = cJSON_PrintUnformatted(response);
        call->strings =
            mm_xrealloc(call->strings, (call->string_count + 1) * sizeof *call->strings);
        call->strings[call->string_count++] = text;
        *response_json = text;
    }
    cJSON_Delete(response);
    return rc;
}

static const mistmcp_host_api host_api = {
    .size = sizeof(mistmcp_host_api),
    .abi_major = MISTMCP_ABI_MAJOR,
    .abi_minor = MISTMCP_ABI_MINOR,
    .log = host_log,
    .alloc = host_alloc,
    .free = host_free,
    .arg_string = arg_string,
    .arg_integer = arg_integer,
    .arg_number = arg_number,
    .arg_bool = arg_bool,
    .arg_json = arg_json,
    .result_add_text = result_add_text,
    .result_add_content = result_add_content,
    .result_set_structured = result_set_structured,
    .result_set_error = result_set_error,
    .progress = progress,
    .is_cancelled = is_cancelled,
    .mist_request = mist_request,
    .response_status = response_status,
    .response_body = response_body,
    .response_header = response_header,
    .response_free = mm_mist_response_free,
    .input = input,
};

const mistmcp_host_api *mm_host_api(void)
{
    return &host_api;
}
