/*
 * The test plugins of the registry tests, built only against include/mistmcp/plugin.h.
 * One source, several builds (tests/CMakeLists.txt), each breaking one rule:
 *   TP_CATEGORY         category the descriptor declares (the file is <dir>/<TP_FILE>.so)
 *   TP_MAJOR_DELTA      added to the ABI major (wrong major)
 *   TP_MINOR_DELTA      added to the ABI minor (newer minor)
 *   TP_NO_ENTRY         the entry point is exported under another name
 *   TP_UNRESOLVED       needs a symbol nobody defines (dlopen RTLD_NOW must fail)
 *   TP_FAIL_INIT        init() fails with a reason
 *   TP_BAD_SCHEMA       a tool's input schema is not JSON
 *   TP_SHORT_STRUCT     declares a descriptor smaller than ABI 1.0's
 *   TP_BAD_MAGIC        not a mistmcp descriptor
 *   TP_NULL_DESCRIPTOR  the entry point returns NULL
 *   TP_DUP_TOOL         two tools with one name
 *   TP_RESERVED         a reserved field is set
 *   TP_UNKNOWN_ANN      a tool has an annotation bit this ABI does not define
 *   TP_SLOW_FAIL        init() takes 200 ms, then fails
 * The good build has a declarative tool and two custom-handler tools (echo, slow).
 * TP_REQUESTER adds two custom tools that send what their arguments say with
 * host->mist_request (method, path, query): <category>Read, annotated read-only, and
 * <category>Write, not; their result is the host's refusal or the request's outcome.
 */
#define _POSIX_C_SOURCE 200809L
#include <mistmcp/plugin.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#ifndef TP_CATEGORY
#error "TP_CATEGORY must be defined"
#endif
#ifndef TP_MAJOR_DELTA
#define TP_MAJOR_DELTA 0
#endif
#ifndef TP_MINOR_DELTA
#define TP_MINOR_DELTA 0
#endif

/* init and fini are never concurrent with anything else (ABI header), so a plain pointer. */
static const mistmcp_host_api *host_at_init;

#ifdef TP_UNRESOLVED
extern int mistmcp_test_symbol_nobody_defines(void);
#endif

static int init(const mistmcp_host_api *host, char *err, size_t err_size)
{
#ifdef TP_UNRESOLVED
    if (mistmcp_test_symbol_nobody_defines())
        return 1;
#endif
#if defined(TP_SLOW_FAIL)
    host->log(NULL, MISTMCP_LOG_INFO, "test plugin " TP_CATEGORY ": init");
    struct timespec wait = {0, 200000000};
    nanosleep(&wait, NULL);
    snprintf(err, err_size, "licence server timed out");
    return 1;
#elif defined(TP_FAIL_INIT)
    (void)host;
    snprintf(err, err_size, "cannot reach the licence server");
    return 1;
#else
    (void)err;
    (void)err_size;
    host_at_init = host;
    host->log(NULL, MISTMCP_LOG_INFO, "test plugin " TP_CATEGORY ": init");
    return 0;
#endif
}

static void fini(void)
{
    if (host_at_init)
        host_at_init->log(NULL, MISTMCP_LOG_INFO, "test plugin " TP_CATEGORY ": fini");
    host_at_init = NULL;
}

static int echo(const mistmcp_host_api *host, mistmcp_call *call)
{
    const char *text = host->arg_string(call, "text");
    if (!text) {
        host->result_add_text(call, "argument 'text' (string) is required");
        host->result_set_error(call, 1);
        return 0;
    }
    long long times = 1;
    host->arg_integer(call, "times", &times);
    char buf[512];
    snprintf(buf, sizeof buf, "echo: %s x%lld", text, times);
    host->result_add_text(call, buf);
    snprintf(buf, sizeof buf, "{\"echo\":\"%s\",\"times\":%lld}", text, times);
    if (host->result_set_structured(call, buf) != 0)
        return 1;
    return host->result_add_content(call, "{\"type\":\"text\",\"text\":\"second block\"}");
}

/* Sleeps "ms" milliseconds in 1 ms steps, stopping early when cancelled. */
static int slow(const mistmcp_host_api *host, mistmcp_call *call)
{
    long long ms = 50;
    host->arg_integer(call, "ms", &ms);
    struct timespec step = {0, 1000000};
    long long i = 0;
    for (; i < ms && !host->is_cancelled(call); i++) {
        nanosleep(&step, NULL);
        if (i % 10 == 0)
            host->progress(call, (double)i, (double)ms, NULL);
    }
    host->result_add_text(call, i < ms ? "cancelled" : "done");
    return 0;
}

#ifdef TP_REQUESTER
/* Sends {method, path, query} through the host; the result says what the host answered. */
static int request(const mistmcp_host_api *host, mistmcp_call *call)
{
    mistmcp_response *r = NULL;
    char err[512] = "";
    char buf[700];
    if (host->mist_request(call, host->arg_string(call, "method"), host->arg_string(call, "path"),
                           host->arg_string(call, "query"), NULL, &r, err, sizeof err) != 0) {
        snprintf(buf, sizeof buf, "refused or failed: %s", err);
        host->result_add_text(call, buf);
        host->result_set_error(call, 1);
        return 0;
    }
    snprintf(buf, sizeof buf, "sent: status %ld", host->response_status(r));
    host->response_free(&r);
    host->result_add_text(call, buf);
    return 0;
}
#define TP_REQUEST_SCHEMA                                                                          \
    "{\"type\":\"object\",\"properties\":{\"method\":{\"type\":\"string\"},\"path\":{"             \
    "\"type\":\"string\"},\"query\":{\"type\":\"string\"}},\"required\":[\"method\",\"path\"]}"
#endif

static const mistmcp_param list_params[] = {
    {"org_id", MISTMCP_PARAM_PATH, MISTMCP_TYPE_STRING, MISTMCP_TYPE_ANY, 0, 1, {0}},
    {"limit", MISTMCP_PARAM_QUERY, MISTMCP_TYPE_INTEGER, MISTMCP_TYPE_ANY, 0, 0, {0}},
};

static const mistmcp_tool tools[] = {
    {
        .name = TP_CATEGORY "List",
        .description = "List things of an organisation.",
#ifdef TP_BAD_SCHEMA
        .input_schema = "{not json",
#else
        .input_schema = "{\"type\":\"object\",\"properties\":{\"org_id\":{\"type\":\"string\"},"
                        "\"limit\":{\"type\":\"integer\"}},\"required\":[\"org_id\"]}",
#endif
        .annotations = MISTMCP_ANN_READ_ONLY | MISTMCP_ANN_IDEMPOTENT,
        .kind = MISTMCP_TOOL_DECLARATIVE,
        .method = MISTMCP_HTTP_GET,
        .param_count = 2,
        .param_size = sizeof(mistmcp_param),
        .path = "/api/v1/orgs/{org_id}/things",
        .params = list_params,
    },
    {
        .name = TP_CATEGORY "Echo",
        .title = "Echo",
        .description = "Echo the text argument back.",
        .input_schema = "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"},"
                        "\"times\":{\"type\":\"integer\"}},\"required\":[\"text\"]}",
#ifdef TP_UNKNOWN_ANN
        .annotations = MISTMCP_ANN_READ_ONLY | 0x100u,
#else
        .annotations = MISTMCP_ANN_READ_ONLY,
#endif
        .kind = MISTMCP_TOOL_CUSTOM,
        .handler = echo,
    },
    {
#ifdef TP_DUP_TOOL
        .name = TP_CATEGORY "Echo",
#else
        .name = TP_CATEGORY "Slow",
#endif
        .description = "Wait, then answer.",
        .input_schema = "{\"type\":\"object\",\"properties\":{\"ms\":{\"type\":\"integer\"}}}",
        .annotations = MISTMCP_ANN_READ_ONLY,
        .kind = MISTMCP_TOOL_CUSTOM,
        .handler = slow,
    },
#ifdef TP_REQUESTER
    {
        .name = TP_CATEGORY "Read",
        .description = "Send a request through the host, as a read-only tool.",
        .input_schema = TP_REQUEST_SCHEMA,
        .annotations = MISTMCP_ANN_READ_ONLY,
        .kind = MISTMCP_TOOL_CUSTOM,
        .handler = request,
    },
    {
        .name = TP_CATEGORY "Write",
        .description = "Send a request through the host, as a write tool.",
        .input_schema = TP_REQUEST_SCHEMA,
        .kind = MISTMCP_TOOL_CUSTOM,
        .handler = request,
    },
#endif
};

static const mistmcp_plugin plugin = {
#ifdef TP_BAD_MAGIC
    .magic = 0x7f454c46u,
#else
    .magic = MISTMCP_PLUGIN_MAGIC,
#endif
    .abi_major = MISTMCP_ABI_MAJOR + TP_MAJOR_DELTA,
    .abi_minor = MISTMCP_ABI_MINOR + TP_MINOR_DELTA,
#ifdef TP_SHORT_STRUCT
    .struct_size = sizeof(mistmcp_plugin) - 8,
#else
    .struct_size = sizeof(mistmcp_plugin),
#endif
    .tool_size = sizeof(mistmcp_tool),
    .category = TP_CATEGORY,
    .description = "Test plugin " TP_CATEGORY,
    .version = "1.0.0",
    .tools = tools,
    .tool_count = sizeof tools / sizeof tools[0],
    .init = init,
    .fini = fini,
#ifdef TP_RESERVED
    .reserved = {&tools[0]},
#endif
};

#ifdef TP_NO_ENTRY
MISTMCP_PLUGIN_EXPORT const mistmcp_plugin *mistmcp_plugin_entry_v0(void);
MISTMCP_PLUGIN_EXPORT const mistmcp_plugin *mistmcp_plugin_entry_v0(void)
#else
MISTMCP_PLUGIN_EXPORT const mistmcp_plugin *mistmcp_plugin_entry(void);
MISTMCP_PLUGIN_EXPORT const mistmcp_plugin *mistmcp_plugin_entry(void)
#endif
{
#ifdef TP_NULL_DESCRIPTOR
    return plugin.tool_count ? NULL : &plugin;
#else
    return &plugin;
#endif
}
