/*
 * Example third-party plugin: category "example_site_count" with one custom-handler tool that
 * asks Mist for an organisation's sites and answers how many there are and their names.
 *
 * It shows the whole plugin ABI: the single exported entry point, a versioned descriptor, a
 * custom handler reading arguments, calling the Mist API with the session's credentials
 * through the host API, and building a text + structured result.
 *
 * Build it against the installed header only:
 *   cc -shared -fPIC -fvisibility=hidden $(pkg-config --cflags mistmcp-plugin) \
 *      -o example_site_count.so site_count.c
 * and drop the .so into a --plugin-dir: its file name is its category.
 */
#include <mistmcp/plugin.h>

#include <stdio.h>
#include <string.h>

/* End of the JSON string whose opening quote is at p (the closing quote), or NULL. */
static const char *string_end(const char *p)
{
    for (p++; *p && *p != '"'; p++)
        if (*p == '\\' && p[1])
            p++;
    return *p ? p : NULL;
}

/* Counts the objects of a JSON array and lists their "name" members (as raw JSON string
 * text). Enough for an example; a real plugin would use a JSON parser. */
static int count_sites(const char *body, char *names, size_t size)
{
    int count = 0, depth = 0;
    size_t used = 0;
    names[0] = '\0';
    for (const char *p = body; *p; p++) {
        if (*p == '"') {
            const char *end = string_end(p);
            if (!end)
                break;
            const char *colon = end + 1;
            while (*colon == ' ')
                colon++;
            const char *value = colon + (*colon == ':');
            while (*value == ' ')
                value++;
            if (depth == 2 && end - p == 5 && strncmp(p + 1, "name", 4) == 0 && *colon == ':' &&
                *value == '"') {
                const char *vend = string_end(value);
                if (!vend)
                    break;
                if (used + (size_t)(vend - value) + 2 < size)
                    used += (size_t)snprintf(names + used, size - used, "%s%.*s", used ? ", " : "",
                                             (int)(vend - value - 1), value + 1);
                end = vend;
            }
            p = end;
        } else if (*p == '{' || *p == '[') {
            if (++depth == 2 && *p == '{')
                count++;
        } else if (*p == '}' || *p == ']') {
            depth--;
        }
    }
    return count;
}

/* Mist ids are UUIDs: checking the shape also keeps the id safe to paste into a path. */
static int is_uuid_like(const char *s)
{
    size_t n = strspn(s, "0123456789abcdefABCDEF-");
    return n > 0 && n <= 36 && s[n] == '\0';
}

static int site_count(const mistmcp_host_api *host, mistmcp_call *call)
{
    const char *org_id = host->arg_string(call, "org_id");
    if (!org_id || !is_uuid_like(org_id)) {
        host->result_add_text(call, "org_id must be an organisation id (a UUID); getSelf lists "
                                    "your orgs");
        host->result_set_error(call, 1);
        return 0;
    }
    char path[256], err[256];
    snprintf(path, sizeof path, "/api/v1/orgs/%s/sites", org_id);
    mistmcp_response *r = NULL;
    if (host->mist_request(call, "GET", path, "limit=1000", NULL, &r, err, sizeof err) != 0) {
        host->result_add_text(call, err);
        host->result_set_error(call, 1);
        return 0;
    }
    long status = host->response_status(r);
    const char *body = host->response_body(r, NULL);
    char text[1024], names[768];
    if (status != 200) {
        snprintf(text, sizeof text, "Mist answered HTTP %ld for org %s", status, org_id);
        host->result_add_text(call, text);
        host->result_set_error(call, 1);
    } else {
        int n = count_sites(body ? body : "[]", names, sizeof names);
        snprintf(text, sizeof text, "Org %s has %d sites: %s", org_id, n, names);
        host->result_add_text(call, text);
        snprintf(text, sizeof text, "{\"org_id\":\"%s\",\"site_count\":%d}", org_id, n);
        host->result_set_structured(call, text);
    }
    host->response_free(&r);
    return 0;
}

static const mistmcp_tool tools[] = {{
    .name = "exampleCountOrgSites",
    .title = "Count an organisation's sites",
    .description = "How many sites an organisation has, with their names.",
    /* A format every host accepts is a word in the description: Gemini refuses "uuid"
     * (tests/e2e/node/host_rules.mjs has each host's rules). */
    .input_schema = "{\"type\":\"object\",\"properties\":{\"org_id\":{\"type\":\"string\","
                    "\"description\":\"The org, a UUID.\"}},\"required\":[\"org_id\"]}",
    .annotations = MISTMCP_ANN_READ_ONLY | MISTMCP_ANN_IDEMPOTENT,
    .kind = MISTMCP_TOOL_CUSTOM,
    .handler = site_count,
}};

static const mistmcp_plugin plugin = {
    .magic = MISTMCP_PLUGIN_MAGIC,
    .abi_major = MISTMCP_ABI_MAJOR,
    .abi_minor = MISTMCP_ABI_MINOR,
    .struct_size = sizeof(mistmcp_plugin),
    .tool_size = sizeof(mistmcp_tool),
    .category = "example_site_count",
    .description = "Example plugin: count an organisation's sites.",
    .version = "1.0.0",
    .tools = tools,
    .tool_count = 1,
};

MISTMCP_PLUGIN_EXPORT const mistmcp_plugin *mistmcp_plugin_entry(void);
MISTMCP_PLUGIN_EXPORT const mistmcp_plugin *mistmcp_plugin_entry(void)
{
    return &plugin;
}
