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
