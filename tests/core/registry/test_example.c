/*
 * The example plugin (plugins/examples/site_count.c) through the registry, with the Mist API
 * replaced by a call hook: it must pass the ABI checks, send the request it should, and turn
 * the answer (and a refusal) into the right result.
 *
 * usage: test_example EXAMPLES_DIR
 */
#define _POSIX_C_SOURCE 200809L
#include "base/util.h"
#include "check.h"
#include "mcp/host_api.h"
#include "mcp/tool_call.h"
#include "mist/response.h"
#include "registry/registry.h"

#include <stdlib.h>
#include <string.h>

typedef struct fake_mist {
    long status;
    const char *body;
    char seen[512]; /* "METHOD path?query" of the last request */
} fake_mist;

static int fake_request(void *ctx, const char *method, const char *path, const char *query,
                        const char *body_json, mistmcp_response **out, char *err, size_t err_size)
{
    (void)err;
    (void)err_size;
    fake_mist *f = ctx;
    snprintf(f->seen, sizeof f->seen, "%s %s?%s%s", method, path, query ? query : "",
             body_json ? " +body" : "");
    mistmcp_response *r = mm_xcalloc(1, sizeof *r);
    r->status = f->status;
    r->body = mm_xstrdup(f->body);
    r->length = strlen(r->body);
    *out = r;
    return 0;
}

static cJSON *call_tool(const mistmcp_tool *t, const char *args, fake_mist *f)
{
    mm_call_hooks hooks = {.ctx = f, .mist_request = f ? fake_request : NULL};
    mistmcp_call *call = mm_call_create(cJSON_Parse(args), &hooks);
    CHECK(t->handler(mm_host_api(), call) == 0);
    cJSON *r = mm_call_take_result(call);
    mm_call_destroy(&call);
    return r;
}

static const char *first_text(const cJSON *r)
{
    const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(r, "content"), 0);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(c, "text");
    return cJSON_IsString(t) ? t->valuestring : "";
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    mm_util_init();
    const char *dirs[1] = {argv[1]};
    mm_registry *reg = NULL;
    char err[512];
    CHECK_MSG(mm_registry_create(NULL, dirs, 1, mm_host_api(), &reg, err, sizeof err) == 0, "%s",
              err);
    mm_category *cat = reg ? mm_registry_find(reg, "example_site_count") : NULL;
    mm_plugin_view v;
    CHECK(cat != NULL);
    if (!cat || mm_registry_acquire(reg, cat, &v, err, sizeof err) != 0) {
        CHECK_MSG(0, "%s", err);
        mm_registry_destroy(&reg);
        return check_summary();
    }
    const mistmcp_tool *t = &v.tools[0];
    CHECK(v.tool_count == 1 && strcmp(t->name, "exampleCountOrgSites") == 0);

    fake_mist ok = {.status = 200,
                    .body = "[{\"name\":\"HQ\",\"id\":\"1\",\"tags\":{\"name\":"
                            "\"x\"}},{\"id\":\"2\",\"name\":\"Lab \\\"B\\\"\"}]"};
    cJSON *r = call_tool(t, "{\"org_id\":\"0a1\"}", &ok);
    CHECK_MSG(strcmp(ok.seen, "GET /api/v1/orgs/0a1/sites?limit=1000") == 0, "sent %s", ok.seen);
    CHECK_MSG(strcmp(first_text(r), "Org 0a1 has 2 sites: HQ, Lab \\\"B\\\"") == 0, "got %s",
              first_text(r));
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(r, "structuredContent");
    CHECK(cJSON_GetObjectItemCaseSensitive(sc, "site_count") &&
          cJSON_GetObjectItemCaseSensitive(sc, "site_count")->valueint == 2);
    CHECK(!cJSON_GetObjectItemCaseSensitive(r, "isError"));
    cJSON_Delete(r);

    fake_mist denied = {.status = 403, .body = "{\"detail\":\"forbidden\"}"};
    r = call_tool(t, "{\"org_id\":\"0a2\"}", &denied);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "isError")));
    CHECK_MSG(strstr(first_text(r), "HTTP 403") != NULL, "got %s", first_text(r));
    cJSON_Delete(r);

    r = call_tool(t, "{}", &ok); /* a missing argument: the plugin's own error */
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "isError")));
    cJSON_Delete(r);
    ok.seen[0] = '\0';
    r = call_tool(t, "{\"org_id\":\"../self\"}", &ok); /* not an id: nothing is sent */
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "isError")) && ok.seen[0] == '\0');
    cJSON_Delete(r);

    r = call_tool(t, "{\"org_id\":\"0a3\"}", NULL); /* no Mist connection behind the call */
    CHECK_MSG(strstr(first_text(r), "no Mist API connection") != NULL, "got %s", first_text(r));
    cJSON_Delete(r);

    mm_registry_release(reg, cat);
    mm_registry_destroy(&reg);
    return check_summary();
}
