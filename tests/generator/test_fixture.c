/*
 * The fixture spec's plugins, compiled and loaded: what the golden files show as text is
 * checked here as meaning (parameter tables, content types, compact schemas), through the
 * same registry the server uses. Linked with the fixture's catalog.c.
 *
 * usage: test_fixture PLUGIN_DIR
 */
#define _POSIX_C_SOURCE 200809L
#include "base/util.h"
#include "check.h"
#include "mcp/host_api.h"
#include "registry/catalog.h"
#include "registry/registry.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

static mm_registry *reg;

static const mistmcp_tool *tool(const char *category, const char *name, mm_plugin_view *v)
{
    char err[512];
    mm_category *cat = mm_registry_find(reg, category);
    CHECK_MSG(cat != NULL, "no category %s", category);
    if (!cat || mm_registry_acquire(reg, cat, v, err, sizeof err) != 0) {
        CHECK_MSG(0, "cannot load %s", category);
        return NULL;
    }
    mm_registry_release(reg, cat); /* the test holds the other reference (see main) */
    for (size_t i = 0; i < v->tool_count; i++)
        if (strcmp(v->tools[i].name, name) == 0)
            return &v->tools[i];
    CHECK_MSG(0, "no tool %s in %s", name, category);
    return NULL;
}

/* JSON text of the node at "a/b/c" in the tool's input schema, for comparisons. */
static char *schema_at(const mistmcp_tool *t, const char *path)
{
    cJSON *s = cJSON_Parse(t->input_schema);
    const cJSON *n = s;
    char *copy = mm_xstrdup(path), *save = NULL;
    for (char *part = strtok_r(copy, "/", &save); part && n; part = strtok_r(NULL, "/", &save))
        n = cJSON_GetObjectItemCaseSensitive(n, part);
    char *out = n ? cJSON_PrintUnformatted(n) : mm_xstrdup("(absent)");
    free(copy);
    cJSON_Delete(s);
    return out;
}

static void expect_schema(const mistmcp_tool *t, const char *path, const char *json)
{
    if (!t)
        return;
    char *got = schema_at(t, path);
    CHECK_MSG(strcmp(got, json) == 0, "%s %s: %s, expected %s", t->name, path, got, json);
    free(got);
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    mm_util_init();
    const mm_catalog *c = &mm_generated_catalog;
    CHECK(strcmp(c->spec_version, "2511.0.1") == 0);
    CHECK(c->category_count == 2 && c->tool_count == 11); /* 5 GETs for the demo answers */
    CHECK(strcmp(c->categories[0].name, "orgs_devices") == 0);
    CHECK(strcmp(c->categories[1].name, "sites_stats___ospf") == 0);
    CHECK_MSG(strcmp(c->categories[1].description, "Statistics of OSPF peers.") == 0, "%s",
              c->categories[1].description);
    CHECK_MSG(strcmp(c->categories[1].tools[0].summary, "Search OSPF Neighbor Stats.") == 0, "%s",
              c->categories[1].tools[0].summary);
    for (uint32_t i = 0; i < c->categories[0].tool_count; i++)
        CHECK(strcmp(c->categories[0].tools[i].name, "login") != 0 &&
              strcmp(c->categories[0].tools[i].name, "deviceEventsWebhook") != 0);

    const char *dirs[1] = {argv[1]};
    char err[512];
    CHECK_MSG(mm_registry_create(c, dirs, 1, mm_host_api(), &reg, err, sizeof err) == 0, "%s", err);
    if (!reg)
        return check_summary();
    /* Hold one reference per category for the whole test so views stay valid. */
    mm_plugin_view hold;
    for (size_t i = 0; i < mm_registry_count(reg); i++)
        CHECK_MSG(mm_registry_acquire(reg, mm_registry_at(reg, i), &hold, err, sizeof err) == 0,
                  "%s", err);

    mm_plugin_view v;
    const mistmcp_tool *t = tool("sites_stats___ospf", "searchSiteOspfStats", &v);
    if (t) {
        /* site_id is a path parameter and, in the spec, also a query one: kept once. */
        CHECK(t->param_count == 5);
        CHECK(strcmp(t->params[0].name, "site_id") == 0 &&
              t->params[0].location == MISTMCP_PARAM_PATH && t->params[0].required);
        for (unsigned i = 1; i < t->param_count; i++)
            CHECK(strcmp(t->params[i].name, "site_id") != 0 &&
                  t->params[i].location == MISTMCP_PARAM_QUERY && !t->params[i].required);
        CHECK(strcmp(t->params[4].name, "macs") == 0 && t->params[4].type == MISTMCP_TYPE_ARRAY &&
              t->params[4].item_type == MISTMCP_TYPE_STRING &&
              t->params[4].style == MISTMCP_ARRAY_FORM);
        CHECK(t->annotations & MISTMCP_ANN_READ_ONLY);
        CHECK(t->body_content_type == NULL && t->full_schema == NULL);
        expect_schema(t, "properties/band", "{\"type\":\"string\",\"enum\":[\"24\",\"5\",\"6\"]}");
        expect_schema(t, "properties/limit",
                      "{\"type\":\"integer\",\"default\":100,\"minimum\":0}");
        expect_schema(t, "properties/peer_ip", /* the format in words, after the description */
                      "{\"type\":\"string\",\"description\":\"Peer address. IPv4 address.\"}");
        expect_schema(t, "required", "[\"site_id\"]");
    }
    t = tool("orgs_devices", "deleteSiteDeviceImage", &v);
    if (t) {
        CHECK(strcmp(t->path, "/api/v1/sites/{site_id}/devices/{device_id}/image{image_number}") ==
              0);
        CHECK(t->param_count == 3 && strcmp(t->params[2].name, "image_number") == 0 &&
              t->params[2].type == MISTMCP_TYPE_INTEGER &&
              t->params[2].location == MISTMCP_PARAM_PATH);
        CHECK(t->method == MISTMCP_HTTP_DELETE && t->annotations == MISTMCP_ANN_IDEMPOTENT);
    }
    t = tool("orgs_devices", "addSiteDeviceImage", &v);
    if (t) { /* JSON and multipart offered: JSON wins */
        CHECK(t->body_content_type && strcmp(t->body_content_type, "application/json") == 0);
        expect_schema(t, "required", "[\"site_id\",\"device_id\",\"image_number\",\"body\"]");
        expect_schema(t, "properties/body/properties/version", "{\"type\":\"string\"}");
    }
    t = tool("orgs_devices", "uploadOrgDeviceFile", &v);
    if (t) {
        CHECK(t->body_content_type && strcmp(t->body_content_type, "multipart/form-data") == 0);
        /* a format Gemini refuses is said in words */
        expect_schema(t, "properties/body/properties/file",
                      "{\"type\":\"string\",\"description\":\"File contents.\"}");
    }
    t = tool("orgs_devices", "updateOrgDevices", &v);
    if (t) { /* an array body */
        expect_schema(t, "properties/body/type", "\"array\"");
        expect_schema(t, "properties/body/items/required", "[\"name\"]");
        CHECK(t->annotations & MISTMCP_ANN_IDEMPOTENT);
    }
    t = tool("orgs_devices", "createOrgDevice", &v);
    if (t) { /* a oneOf body, listed as anyOf; a long description shortened */
        char *alts = schema_at(t, "properties/body/anyOf");
        cJSON *a = cJSON_Parse(alts);
        CHECK_MSG(cJSON_GetArraySize(a) == 2, "anyOf: %s", alts);
        const cJSON *dev = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(a, 0), "properties");
        /* Property names that are not C identifiers survive; readOnly ones go. */
        CHECK(cJSON_GetObjectItemCaseSensitive(dev, "en-US") &&
              cJSON_GetObjectItemCaseSensitive(dev, "street_address 2") &&
              cJSON_GetObjectItemCaseSensitive(dev, "default") &&
              cJSON_GetObjectItemCaseSensitive(dev, "switch"));
        CHECK(!cJSON_GetObjectItemCaseSensitive(dev, "id"));
        char *notes = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(dev, "notes"));
        /* null means absent: ["string", "null"] is listed as "string" (Gemini takes one type) */
        CHECK_MSG(notes && strcmp(notes, "{\"type\":\"string\"}") == 0, "notes %s", notes);
        char *sw = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(dev, "switch"));
        CHECK_MSG(
            sw && strcmp(sw, "{\"type\":\"string\",\"enum\":[\"true\",\"null\",\"on\",\"007\"]}") ==
                      0,
            "switch %s", sw);
        CHECK(!strstr(alts, "examples") && !strstr(alts, "ap-lobby"));
        free(notes);
        free(sw);
        cJSON_Delete(a);
        free(alts);
        CHECK_MSG(strlen(t->description) <= 300 && strlen(t->description) > 20, "%zu bytes",
                  strlen(t->description));
        /* The full schema keeps everything but examples; the recursion is marked. */
        CHECK(t->full_schema && strstr(t->full_schema, "\"readOnly\":true") &&
              strstr(t->full_schema, "recursive: #/components/schemas/device") &&
              !strstr(t->full_schema, "ap-lobby"));
    }
    for (size_t i = 0; i < mm_registry_count(reg); i++)
        mm_registry_release(reg, mm_registry_at(reg, i));
    mm_registry_destroy(&reg);
    return check_summary();
}
