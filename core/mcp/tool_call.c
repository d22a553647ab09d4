#define _POSIX_C_SOURCE 200809L
#include "mcp/tool_call.h"

#include "base/util.h"

#include <stdlib.h>
#include <string.h>

mistmcp_call *mm_call_create(cJSON *args, const mm_call_hooks *hooks)
{
    mistmcp_call *call = mm_xcalloc(1, sizeof *call);
    call->args = args ? args : cJSON_CreateObject();
    call->content = cJSON_CreateArray();
    atomic_init(&call->cancelled, 0);
    if (hooks)
        call->hooks = *hooks;
    return call;
}

void mm_call_destroy(mistmcp_call **callp)
{
    mistmcp_call *call = *callp;
    if (!call)
        return;
    cJSON_Delete(call->args);
    cJSON_Delete(call->content);
    cJSON_Delete(call->structured);
    for (size_t i = 0; i < call->string_count; i++)
        free(call->strings[i]);
    free(call->strings);
    free(call);
    *callp = NULL;
}

cJSON *mm_call_take_result(mistmcp_call *call)
{
    cJSON *result = cJSON_CreateObject();
    cJSON_AddItemToObject(result, "content", call->content);
    call->content = cJSON_CreateArray();
    if (call->structured) {
        cJSON_AddItemToObject(result, "structuredContent", call->structured);
        call->structured = NULL;
    }
    if (call->is_error)
        cJSON_AddTrueToObject(result, "isError");
    return result;
}

void mm_call_cancel(mistmcp_call *call)
{
    atomic_store(&call->cancelled, 1);
}
