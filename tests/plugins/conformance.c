/*
 * The fixture tools of the official MCP conformance suite (@modelcontextprotocol/conformance),
 * as a third-party custom-handler plugin built only against include/mistmcp/plugin.h.
 * Loaded only by the conformance test (category "conformance").
 */
#define _POSIX_C_SOURCE 200809L
#include <mistmcp/plugin.h>

#include <stdio.h>
#include <time.h>

/* A 1x1 red PNG and a tiny WAV, base64. */
#define RED_PIXEL_PNG                                                                              \
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJg" \
    "gg=="
#define TINY_WAV "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA="

static int simple_text(const mistmcp_host_api *host, mistmcp_call *call)
{
    return host->result_add_text(call, "This is a simple text response for testing.");
}

static int image(const mistmcp_host_api *host, mistmcp_call *call)
{
    return host->result_add_content(call, "{\"type\":\"image\",\"data\":\"" RED_PIXEL_PNG
                                          "\",\"mimeType\":\"image/png\"}");
}

static int audio(const mistmcp_host_api *host, mistmcp_call *call)
{
    return host->result_add_content(call, "{\"type\":\"audio\",\"data\":\"" TINY_WAV
                                          "\",\"mimeType\":\"audio/wav\"}");
}

static int embedded(const mistmcp_host_api *host, mistmcp_call *call)
{
    return host->result_add_content(
        call, "{\"type\":\"resource\",\"resource\":{\"uri\":\"test://embedded-resource\","
              "\"mimeType\":\"text/plain\",\"text\":\"This is an embedded resource content.\"}}");
}

static int mixed(const mistmcp_host_api *host, mistmcp_call *call)
{
    host->result_add_text(call, "Multiple content types test:");
    host->result_add_content(call, "{\"type\":\"image\",\"data\":\"" RED_PIXEL_PNG
                                   "\",\"mimeType\":\"image/png\"}");
    return host->result_add_content(
        call, "{\"type\":\"resource\",\"resource\":{\"uri\":\"test://mixed-content-resource\","
              "\"mimeType\":\"application/json\",\"text\":\"{\\\"test\\\":\\\"data\\\","
              "\\\"value\\\":123}\"}}");
}

static void pause_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static int with_logging(const mistmcp_host_api *host, mistmcp_call *call)
{
    host->log(call, MISTMCP_LOG_INFO, "Tool execution started");
    pause_ms(50);
    host->log(call, MISTMCP_LOG_INFO, "Tool processing data");
    pause_ms(50);
    host->log(call, MISTMCP_LOG_INFO, "Tool execution completed");
    return host->result_add_text(call, "Tool with logging executed successfully");
}

static int with_progress(const mistmcp_host_api *host, mistmcp_call *call)
{
    for (int p = 0; p <= 100; p += 50) {
        host->progress(call, p, 100, NULL);
        pause_ms(50);
    }
    return host->result_add_text(call, "Tool with progress executed successfully");
}

static int error_handling(const mistmcp_host_api *host, mistmcp_call *call)
{
    host->result_add_text(call, "This tool intentionally returns an error for testing");
    host->result_set_error(call, 1);
    return 0;
}

/* --- 2026-07-28 input_required (MRTR) fixtures, through host->input (ABI 1.1) ----------- */

#define ASK_NAME                                                                                   \
    "{\"method\":\"elicitation/create\",\"params\":{\"mode\":\"form\",\"message\":"                \
    "\"%s\",\"requestedSchema\":{\"type\":\"object\",\"properties\":{\"%s\":{\"type\":"            \
    "\"%s\"}},\"required\":[\"%s\"]}}}"
#define ASK_SAMPLING                                                                               \
    "{\"method\":\"sampling/createMessage\",\"params\":{\"messages\":[{\"role\":\"user\","         \
    "\"content\":{\"type\":\"text\",\"text\":\"%s\"}}],\"maxTokens\":%d}}"
#define ASK_ROOTS "{\"method\":\"roots/list\",\"params\":{}}"

/* Asks an elicitation whose form has one field (name, of JSON type). */
static int ask_form(const mistmcp_host_api *host, mistmcp_call *call, const char *key,
                    const char *message, const char *field, const char *type, const char **out)
{
    char req[600];
    snprintf(req, sizeof req, ASK_NAME, message, field, type, field);
    return host->input(call, key, req, 0, out);
}

static int ask_sampling(const mistmcp_host_api *host, mistmcp_call *call, const char *key,
                        const char *text, int max_tokens, const char **out)
{
    char req[400];
    snprintf(req, sizeof req, ASK_SAMPLING, text, max_tokens);
    return host->input(call, key, req, 0, out);
}

/* The text of the answers, or the handler returns to let the host end the call (its result
 * is then not used). */
static int finish(const mistmcp_host_api *host, mistmcp_call *call, const char *prefix,
                  const char *answer)
{
    char text[1200];
    snprintf(text, sizeof text, "%s%s", prefix, answer ? answer : "");
    return host->result_add_text(call, text);
}

static int ir_elicitation(const mistmcp_host_api *host, mistmcp_call *call)
{
    const char *a = NULL;
    int rc = ask_form(host, call, "user_name", "What is your name?", "name", "string", &a);
    return rc == MISTMCP_INPUT_OK ? finish(host, call, "Hello! Your answer: ", a) : 0;
}

static int ir_sampling(const mistmcp_host_api *host, mistmcp_call *call)
{
    const char *a = NULL;
    int rc =
        ask_sampling(host, call, "capital_question", "What is the capital of France?", 100, &a);
    return rc == MISTMCP_INPUT_OK ? finish(host, call, "Sampling said: ", a) : 0;
}

static int ir_roots(const mistmcp_host_api *host, mistmcp_call *call)
{
    const char *a = NULL;
    int rc = host->input(call, "client_roots", ASK_ROOTS, 0, &a);
    return rc == MISTMCP_INPUT_OK ? finish(host, call, "Roots: ", a) : 0;
}

static int ir_request_state(const mistmcp_host_api *host, mistmcp_call *call)
{
    const char *a = NULL;
    int rc = ask_form(host, call, "confirm", "Please confirm", "ok", "boolean", &a);
    return rc == MISTMCP_INPUT_OK ? finish(host, call, "state-ok: ", a) : 0;
}

static int ir_multiple(const mistmcp_host_api *host, mistmcp_call *call)
{
    const char *name = NULL, *greeting = NULL, *roots = NULL;
    int a = ask_form(host, call, "user_name", "What is your name?", "name", "string", &name);
    int b = ask_sampling(host, call, "greeting", "Generate a greeting", 50, &greeting);
    int c = host->input(call, "client_roots", ASK_ROOTS, 0, &roots);
    if (a != MISTMCP_INPUT_OK || b != MISTMCP_INPUT_OK || c != MISTMCP_INPUT_OK)
        return 0;
    return finish(host, call, "All three answered: ", name);
}

static int ir_multi_round(const mistmcp_host_api *host, mistmcp_call *call)
{
    const char *name = NULL, *color = NULL;
    if (ask_form(host, call, "step1", "Step 1: What is your name?", "name", "string", &name) !=
        MISTMCP_INPUT_OK)
        return 0;
    if (ask_form(host, call, "step2", "Step 2: What is your favorite color?", "color", "string",
                 &color) != MISTMCP_INPUT_OK)
        return 0;
    return finish(host, call, "Both steps answered: ", color);
}

static int ir_capabilities(const mistmcp_host_api *host, mistmcp_call *call)
{
    const char *a = NULL, *b = NULL;
    int e = ask_form(host, call, "user_name", "What is your name?", "name", "string", &a);
    int s = ask_sampling(host, call, "capital_question", "What is the capital of France?", 100, &b);
    if (e == MISTMCP_INPUT_PENDING || s == MISTMCP_INPUT_PENDING)
        return 0;
    return finish(host, call, "Answered what the client could: ", b ? b : a);
}

/* server-stateless: needs sampling, which the probe does not declare (-32021). */
static int missing_capability(const mistmcp_host_api *host, mistmcp_call *call)
{
    const char *a = NULL;
    char req[400];
    snprintf(req, sizeof req, ASK_SAMPLING, "Say hello", 20);
    if (host->input(call, "needs_sampling", req, MISTMCP_INPUT_REQUIRED, &a) != MISTMCP_INPUT_OK)
        return 0;
    return finish(host, call, "Sampled: ", a);
}

/* server-stateless: asks by elicitation; the answer must come as input_required on the
 * request's own stream, never as a request of the server's. */
static int streaming_elicitation(const mistmcp_host_api *host, mistmcp_call *call)
{
    const char *a = NULL;
    if (ask_form(host, call, "user_name", "What is your name?", "name", "string", &a) !=
        MISTMCP_INPUT_OK)
        return 0;
    return finish(host, call, "Hello: ", a);
}

/* --- 2025 sessions: the same host->input, as a request to the client (tools-call-sampling,
 * tools-call-elicitation, elicitation-sep1034-defaults, elicitation-sep1330-enums) ---------- */

/* A JSON string of text (quotes and backslashes escaped) into out. */
static void json_string(const char *text, char *out, size_t size)
{
    size_t o = 0;
    if (size < 3)
        return;
    out[o++] = '"';
    for (const char *p = text ? text : ""; *p && o + 3 < size; p++) {
        if (*p == '"' || *p == '\\')
            out[o++] = '\\';
        out[o++] = (unsigned char)*p < 0x20 ? ' ' : *p;
    }
    out[o++] = '"';
    out[o] = '\0';
}

/* Asks request (JSON) under key and answers "<prefix><the client's result>"; an error result
 * when the client cannot be asked or did not answer. */
static int ask_and_tell(const mistmcp_host_api *host, mistmcp_call *call, const char *key,
                        const char *request, const char *prefix)
{
    const char *a = NULL;
    int rc = host->input(call, key, request, 0, &a);
    if (rc == MISTMCP_INPUT_PENDING)
        return 0;
    if (rc != MISTMCP_INPUT_OK) {
        host->result_add_text(call, rc == MISTMCP_INPUT_UNSUPPORTED
                                        ? "The client did not declare the capability this "
                                          "tool needs."
                                        : "The client did not answer.");
        host->result_set_error(call, 1);
        return 0;
    }
    return finish(host, call, prefix, a);
}

static int sampling(const mistmcp_host_api *host, mistmcp_call *call)
{
    char prompt[600], req[900];
    json_string(host->arg_string(call, "prompt"), prompt, sizeof prompt);
    snprintf(req, sizeof req,
             "{\"method\":\"sampling/createMessage\",\"params\":{\"messages\":[{\"role\":"
             "\"user\",\"content\":{\"type\":\"text\",\"text\":%s}}],\"maxTokens\":100}}",
             prompt);
    return ask_and_tell(host, call, "sampling", req, "LLM response: ");
}

static int elicitation(const mistmcp_host_api *host, mistmcp_call *call)
{
    char message[600], req[1200];
    json_string(host->arg_string(call, "message"), message, sizeof message);
    snprintf(req, sizeof req,
             "{\"method\":\"elicitation/create\",\"params\":{\"message\":%s,"
             "\"requestedSchema\":{\"type\":\"object\",\"properties\":{\"username\":{\"type\":"
             "\"string\",\"description\":\"User's response\"},\"email\":{\"type\":\"string\","
             "\"description\":\"User's email address\"}},\"required\":[\"username\",\"email\"]}}}",
             message);
    return ask_and_tell(host, call, "user_info", req, "User response: ");
}

static int elicitation_defaults(const mistmcp_host_api *host, mistmcp_call *call)
{
    return ask_and_tell(
        host, call, "defaults",
        "{\"method\":\"elicitation/create\",\"params\":{\"message\":\"Test defaults\","
        "\"requestedSchema\":{\"type\":\"object\",\"properties\":{"
        "\"name\":{\"type\":\"string\",\"default\":\"John Doe\"},"
        "\"age\":{\"type\":\"integer\",\"default\":30},"
        "\"score\":{\"type\":\"number\",\"default\":95.5},"
        "\"status\":{\"type\":\"string\",\"enum\":[\"active\",\"inactive\",\"pending\"],"
        "\"default\":\"active\"},"
        "\"verified\":{\"type\":\"boolean\",\"default\":true}}}}}",
        "Elicitation completed: ");
}

static int elicitation_enums(const mistmcp_host_api *host, mistmcp_call *call)
{
    return ask_and_tell(
        host, call, "enums",
        "{\"method\":\"elicitation/create\",\"params\":{\"message\":\"Test enums\","
        "\"requestedSchema\":{\"type\":\"object\",\"properties\":{"
        "\"untitledSingle\":{\"type\":\"string\",\"enum\":[\"option1\",\"option2\","
        "\"option3\"]},"
        "\"titledSingle\":{\"type\":\"string\",\"oneOf\":[{\"const\":\"value1\",\"title\":"
        "\"First Option\"},{\"const\":\"value2\",\"title\":\"Second Option\"},{\"const\":"
        "\"value3\",\"title\":\"Third Option\"}]},"
        "\"legacyEnum\":{\"type\":\"string\",\"enum\":[\"opt1\",\"opt2\",\"opt3\"],"
        "\"enumNames\":[\"Option One\",\"Option Two\",\"Option Three\"]},"
        "\"untitledMulti\":{\"type\":\"array\",\"items\":{\"type\":\"string\",\"enum\":"
        "[\"option1\",\"option2\",\"option3\"]}},"
        "\"titledMulti\":{\"type\":\"array\",\"items\":{\"anyOf\":[{\"const\":\"value1\","
        "\"title\":\"First Choice\"},{\"const\":\"value2\",\"title\":\"Second Choice\"},"
        "{\"const\":\"value3\",\"title\":\"Third Choice\"}]}}}}}}",
        "Elicitation completed: ");
}

#define TOOL_ARGS(n, d, schema, fn)                                                                \
    {                                                                                              \
        .name = n, .description = d, .input_schema = schema,                                       \
        .annotations = MISTMCP_ANN_READ_ONLY | MISTMCP_ANN_IDEMPOTENT | MISTMCP_ANN_CLOSED_WORLD,  \
        .kind = MISTMCP_TOOL_CUSTOM, .handler = fn                                                 \
    }
#define ONE_STRING(name)                                                                           \
    "{\"type\":\"object\",\"properties\":{\"" name                                                 \
    "\":{\"type\":\"string\"}},\"required\":[\"" name "\"]}"

/* test_logging_tool (conformance-next, server-stateless "no log without logLevel"): one
 * message at each of four levels; which of them reach the client is the host's business
 * (2026-07-28: only those at or above the request's _meta logLevel, none without it). */
static int logging_tool(const mistmcp_host_api *host, mistmcp_call *call)
{
    host->log(call, MISTMCP_LOG_DEBUG, "test_logging_tool: debug");
    host->log(call, MISTMCP_LOG_INFO, "test_logging_tool: info");
    host->log(call, MISTMCP_LOG_WARNING, "test_logging_tool: warning");
    host->log(call, MISTMCP_LOG_ERROR, "test_logging_tool: error");
    return host->result_add_text(call, "test_logging_tool logged at debug, info, warning, error");
}

#define TOOL(n, d, fn)                                                                             \
    {                                                                                              \
        .name = n, .description = d, .input_schema = "{\"type\":\"object\",\"properties\":{}}",    \
        .annotations = MISTMCP_ANN_READ_ONLY | MISTMCP_ANN_IDEMPOTENT | MISTMCP_ANN_CLOSED_WORLD,  \
        .kind = MISTMCP_TOOL_CUSTOM, .handler = fn                                                 \
    }

static const mistmcp_tool tools[] = {
    TOOL("test_simple_text", "Returns simple text.", simple_text),
    TOOL("test_image_content", "Returns an image.", image),
    TOOL("test_audio_content", "Returns audio.", audio),
    TOOL("test_embedded_resource", "Returns an embedded resource.", embedded),
    TOOL("test_multiple_content_types", "Returns text, an image and a resource.", mixed),
    TOOL("test_tool_with_logging", "Logs three messages while it runs.", with_logging),
    TOOL("test_tool_with_progress", "Reports progress while it runs.", with_progress),
    TOOL("test_error_handling", "Always returns an error.", error_handling),
    TOOL("test_input_required_result_elicitation", "Asks the user's name.", ir_elicitation),
    TOOL("test_input_required_result_sampling", "Asks the client's model.", ir_sampling),
    TOOL("test_input_required_result_list_roots", "Asks the client's roots.", ir_roots),
    TOOL("test_input_required_result_request_state", "Asks for a confirmation.", ir_request_state),
    TOOL("test_input_required_result_multiple_inputs", "Asks three things at once.", ir_multiple),
    TOOL("test_input_required_result_multi_round", "Asks in two rounds.", ir_multi_round),
    TOOL("test_input_required_result_tampered_state", "Asks for a confirmation.", ir_request_state),
    TOOL("test_input_required_result_capabilities", "Asks only what the client can answer.",
         ir_capabilities),
    TOOL("test_missing_capability", "Needs sampling.", missing_capability),
    TOOL("test_streaming_elicitation", "Asks the user's name.", streaming_elicitation),
    TOOL_ARGS("test_sampling", "Asks the client's model.", ONE_STRING("prompt"), sampling),
    TOOL_ARGS("test_elicitation", "Asks the user.", ONE_STRING("message"), elicitation),
    TOOL("test_elicitation_sep1034_defaults", "Asks with defaults.", elicitation_defaults),
    TOOL("test_elicitation_sep1330_enums", "Asks with enums.", elicitation_enums),
    TOOL("test_logging_tool", "Logs one message at each of four levels.", logging_tool),
};

static const mistmcp_plugin plugin = {
    .magic = MISTMCP_PLUGIN_MAGIC,
    .abi_major = MISTMCP_ABI_MAJOR,
    .abi_minor = MISTMCP_ABI_MINOR,
    .struct_size = sizeof(mistmcp_plugin),
    .tool_size = sizeof(mistmcp_tool),
    .category = "conformance",
    .description = "Fixture tools of the MCP conformance suite (tests only).",
    .version = "1.0.0",
    .tools = tools,
    .tool_count = sizeof tools / sizeof tools[0],
};

MISTMCP_PLUGIN_EXPORT const mistmcp_plugin *mistmcp_plugin_entry(void);
MISTMCP_PLUGIN_EXPORT const mistmcp_plugin *mistmcp_plugin_entry(void)
{
    return &plugin;
}
