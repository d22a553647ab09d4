/*
 * The loader's descriptor checks without a shared object (mm_plugin_adopt on descriptors in
 * memory): cases the fuzzer found (tests/fuzz/fuzz_plugin_descriptor.c), each with the
 * descriptor that showed it.
 */
#include "base/util.h"
#include "check.h"
#include "json_strict.h"
#include "registry/plugin_loader.h"

#include <stdlib.h>
#include <string.h>

static const mistmcp_param org_id = {"org_id", MISTMCP_PARAM_PATH, MISTMCP_TYPE_STRING, 0, 0, 1,
                                     {0}};

static mistmcp_tool tool(const char *schema)
{
    return (mistmcp_tool){.name = "listThings",
                          .description = "Lists things.",
                          .input_schema = schema,
                          .annotations = MISTMCP_ANN_READ_ONLY,
                          .kind = MISTMCP_TOOL_DECLARATIVE,
                          .method = MISTMCP_HTTP_GET,
                          .param_count = 1,
                          .param_size = sizeof(mistmcp_param),
                          .path = "/api/v1/orgs/{org_id}/things",
                          .params = &org_id};
}

static int adopt(const mistmcp_tool *t, mm_loaded *out, char *why, size_t size)
{
    const mistmcp_plugin d = {.magic = MISTMCP_PLUGIN_MAGIC,
                              .abi_major = MISTMCP_ABI_MAJOR,
                              .abi_minor = MISTMCP_ABI_MINOR,
                              .struct_size = sizeof(mistmcp_plugin),
                              .tool_size = sizeof(mistmcp_tool),
                              .category = "things",
                              .description = "Things.",
                              .version = "1",
                              .tools = t,
                              .tool_count = 1};
    return mm_plugin_adopt(&d, "things", out, why, size);
}

/* tools/list carries a plugin's schema: JSON cJSON takes but JSON does not (a raw control
 * byte in a string, 01, a \u without four hex digits) made every tools/list of a session
 * with the plugin invalid JSON. It goes out as strict JSON; a compact schema, unchanged. */
static void test_schema_text_is_json(void)
{
    static const char *const lenient[][2] = {
        {"{\"type\":\"object\",\"properties\":{\"org_id\":{\"\x06ype\":\"string\"}}}",
         "{\"type\":\"object\",\"properties\":{\"org_id\":{\"\\u0006ype\":\"string\"}}}"},
        {"{ \"type\" : \"object\",\n  \"maxProperties\": 01 }",
         "{\"type\":\"object\",\"maxProperties\":1}"},
        {"{\"type\":\"object\",\"description\":\"a\\u00zz\"}",
         "{\"type\":\"object\",\"description\":\"a\"}"},
        {"{\"type\":\"object\",\"properties\":{\"n\":{\"maximum\":1915883588174806058}}}",
         "{\"type\":\"object\",\"properties\":{\"n\":{\"maximum\":1915883588174806058}}}"},
    };
    for (size_t k = 0; k < sizeof lenient / sizeof lenient[0]; k++) {
        mistmcp_tool t = tool(lenient[k][0]);
        mm_loaded out;
        char why[400] = "";
        CHECK_MSG(adopt(&t, &out, why, sizeof why) == 0, "schema %zu refused: %s", k, why);
        if (!out.texts)
            continue;
        const char *text = out.texts[0];
        CHECK_MSG(mm_json_strict(text), "schema %zu: tools/list text is no JSON: %s", k, text);
        const char *schema = strstr(text, "\"inputSchema\":");
        CHECK_MSG(schema && strncmp(schema + 14, lenient[k][1], strlen(lenient[k][1])) == 0,
                  "schema %zu: %s", k, text);
        mm_plugin_close(&out);
    }
    /* Text after the object was ignored by cJSON, and went out with it: refused now. */
    mistmcp_tool t = tool("{\"type\":\"object\"} trailing");
    mm_loaded out;
    char why[400] = "";
    CHECK(adopt(&t, &out, why, sizeof why) == -1 &&
          strstr(why, "tool listThings: input schema is not a JSON object"));
}

/* Issue 13: Mist acts on some GETs (".../cancel"); the generator makes those write tools, and
 * a third-party plugin may not mark one read-only (it would show in read-only sessions). */
static void test_acting_get_is_not_read_only(void)
{
    mistmcp_tool t = tool("{\"type\":\"object\"}");
    t.path = "/api/v1/orgs/{org_id}/ssr/upgrade/{org_id}/cancel";
    mm_loaded out;
    char why[400] = "";
    CHECK_MSG(adopt(&t, &out, why, sizeof why) == -1 &&
                  strstr(why, "tool listThings is marked read-only, but GET "
                              "/api/v1/orgs/{org_id}/ssr/upgrade/{org_id}/cancel performs an "
                              "action ('cancel')"),
              "%s", why);
    t.annotations = 0; /* a write tool: fine */
    CHECK_MSG(adopt(&t, &out, why, sizeof why) == 0, "%s", why);
    mm_plugin_close(&out);
    t.annotations = MISTMCP_ANN_READ_ONLY; /* a noun, or a placeholder named like an action */
    static const char *const reads[] = {"/api/v1/orgs/{org_id}/ssr/upgrade",
                                        "/api/v1/orgs/{org_id}",
                                        "/api/v1/orgs/{org_id}/cancellations"};
    for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
        t.path = reads[i];
        CHECK_MSG(adopt(&t, &out, why, sizeof why) == 0, "%s: %s", reads[i], why);
        mm_plugin_close(&out);
    }
}

int main(void)
{
    mm_util_init();
    test_schema_text_is_json();
    test_acting_get_is_not_read_only();
    return check_summary();
}
