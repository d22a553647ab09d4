/*
 * host->input (ABI 1.1, core/mcp/host_api.c) before it reaches the transport's hook: a key
 * outside [A-Za-z0-9_.-]{1,64}, the write gate's own key, a request that is not
 * {"method": string, "params": object} or a call without the hook fails without asking; a
 * good one reaches the hook once, and its answer is the call's string until the call ends.
 */
#include "check.h"
#include "mcp/host_api.h"
#include "mcp/tool_call.h"
#include "mcp/write_gate.h"

#include <string.h>

static int asked;

static int stub_input(void *ctx, const char *key, const cJSON *request, unsigned flags,
                      cJSON **response)
{
    (void)ctx;
    (void)request;
    (void)flags;
    asked++;
    *response = cJSON_CreateObject();
    cJSON_AddStringToObject(*response, "key", key);
    return MISTMCP_INPUT_OK;
}

int main(void)
{
    const mistmcp_host_api *h = mm_host_api();
    mm_call_hooks hooks = {.input = stub_input};
    mistmcp_call *call = mm_call_create(NULL, &hooks);
    const char *ok = "{\"method\":\"elicitation/create\",\"params\":{}}";
    const char *out = "x";
    const char *bad_keys[] = {"", "a b", "k\"", MM_WRITE_INPUT_KEY,
                              "0123456789012345678901234567890123456789012345678901234567890123x"};
    for (size_t i = 0; i < sizeof bad_keys / sizeof bad_keys[0]; i++) {
        CHECK_MSG(h->input(call, bad_keys[i], ok, 0, &out) == MISTMCP_INPUT_FAILED, "key '%s'",
                  bad_keys[i]);
        CHECK(out == NULL);
    }
    const char *bad_requests[] = {"", "[]", "{\"params\":{}}", "{\"method\":1}",
                                  "{\"method\":\"roots/list\",\"params\":[]}"};
    for (size_t i = 0; i < sizeof bad_requests / sizeof bad_requests[0]; i++)
        CHECK_MSG(h->input(call, "k", bad_requests[i], 0, &out) == MISTMCP_INPUT_FAILED, "%s",
                  bad_requests[i]);
    CHECK(h->input(call, "k", NULL, 0, &out) == MISTMCP_INPUT_FAILED);
    CHECK(h->input(call, "k", ok, 0, NULL) == MISTMCP_INPUT_FAILED);
    CHECK_MSG(asked == 0, "the hook was called %d times for refused input", asked);
    CHECK(h->input(call, "ask.1-x_y", ok, 0, &out) == MISTMCP_INPUT_OK);
    CHECK_MSG(asked == 1 && out && strcmp(out, "{\"key\":\"ask.1-x_y\"}") == 0, "%s",
              out ? out : "(null)");
    mm_call_destroy(&call);

    mm_call_hooks none = {0}; /* a host path without input (a terminal command) */
    call = mm_call_create(NULL, &none);
    CHECK(h->input(call, "k", ok, 0, &out) == MISTMCP_INPUT_FAILED && out == NULL);
    mm_call_destroy(&call);
    return check_summary();
}
