/*
 * A custom plugin that writes through host->mist_request, built only against
 * include/mistmcp/plugin.h, for the write gate's tests (issue 16): its writes must pass the
 * same gate as a generated tool's (preview and token, dry run, audit), so a plugin cannot
 * send a write the user did not confirm.
 *   pluginRenameSite {site_id, name}   PUT /api/v1/sites/{site_id} {"name": name}; answers
 *                                      "sent: HTTP <status>" or "not sent: <why>"
 */
#include <mistmcp/plugin.h>

#include <stdio.h>
#include <string.h>

static int rename_site(const mistmcp_host_api *host, mistmcp_call *call)
{
    const char *site = host->arg_string(call, "site_id");
    const char *name = host->arg_string(call, "name");
    char path[300], body[300], text[700], err[400];
    snprintf(path, sizeof path, "/api/v1/sites/%s", site ? site : "");
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", name ? name : "");
    mistmcp_response *r = NULL;
    if (host->mist_request(call, "PUT", path, NULL, body, &r, err, sizeof err) != 0) {
        snprintf(text, sizeof text, "not sent: %s", err);
        host->result_add_text(call, text);
        host->result_set_error(call, 1);
        return 0;
    }
    snprintf(text, sizeof text, "sent: HTTP %ld", host->response_status(r));
    host->response_free(&r);
    host->result_add_text(call, text);
    return 0;
}

static const mistmcp_tool tools[] = {{
    .name = "pluginRenameSite",
    .description = "Rename a site (a custom plugin's write).",
    .input_schema = "{\"type\":\"object\",\"properties\":{\"site_id\":{\"type\":\"string\"},"
                    "\"name\":{\"type\":\"string\"}},\"required\":[\"site_id\",\"name\"]}",
    .annotations = MISTMCP_ANN_IDEMPOTENT,
    .kind = MISTMCP_TOOL_CUSTOM,
    .handler = rename_site,
}};

static const mistmcp_plugin descriptor = {
    .magic = MISTMCP_PLUGIN_MAGIC,
    .abi_major = MISTMCP_ABI_MAJOR,
    .abi_minor = MISTMCP_ABI_MINOR,
    .struct_size = sizeof(mistmcp_plugin),
    .tool_size = sizeof(mistmcp_tool),
    .category = "plugin_writes",
    .description = "A custom plugin that writes (tests).",
    .version = "1.0",
    .tools = tools,
    .tool_count = sizeof tools / sizeof tools[0],
};

MISTMCP_PLUGIN_EXPORT const mistmcp_plugin *mistmcp_plugin_entry(void);
MISTMCP_PLUGIN_EXPORT const mistmcp_plugin *mistmcp_plugin_entry(void)
{
    return &descriptor;
}
