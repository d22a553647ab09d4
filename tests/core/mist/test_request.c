/* Request building: one encoded segment per path parameter whatever the value holds,
 * query arrays in each style, JSON bodies, numbers with the digits the model sent, the default
 * org, and refusals. */
#include "base/json_exact.h"
#include "base/util.h"
#include "check.h"
#include "mist/request_build.h"

#include <stdlib.h>
#include <string.h>

static const mistmcp_param params[] = {
    {"site_id", MISTMCP_PARAM_PATH, MISTMCP_TYPE_STRING, 0, 0, 1, {0}},
    {"image_number", MISTMCP_PARAM_PATH, MISTMCP_TYPE_INTEGER, 0, 0, 1, {0}},
    {"limit", MISTMCP_PARAM_QUERY, MISTMCP_TYPE_INTEGER, 0, 0, 0, {0}},
    {"macs",
     MISTMCP_PARAM_QUERY,
     MISTMCP_TYPE_ARRAY,
     MISTMCP_TYPE_STRING,
     MISTMCP_ARRAY_FORM,
     0,
     {0}},
    {"tags",
     MISTMCP_PARAM_QUERY,
     MISTMCP_TYPE_ARRAY,
     MISTMCP_TYPE_STRING,
     MISTMCP_ARRAY_FORM_EXPLODE,
     0,
     {0}},
    {"names",
     MISTMCP_PARAM_QUERY,
     MISTMCP_TYPE_ARRAY,
     MISTMCP_TYPE_STRING,
     MISTMCP_ARRAY_PIPE,
     0,
     {0}},
    {"q", MISTMCP_PARAM_QUERY, MISTMCP_TYPE_STRING, 0, 0, 0, {0}},
    {"wired", MISTMCP_PARAM_QUERY, MISTMCP_TYPE_BOOLEAN, 0, 0, 0, {0}},
};

static const mistmcp_tool tool = {
    .name = "getThing",
    .description = "x",
    .input_schema = "{}",
    .kind = MISTMCP_TOOL_DECLARATIVE,
    .method = MISTMCP_HTTP_POST,
    .param_count = 8,
    .param_size = sizeof(mistmcp_param),
    .path = "/api/v1/sites/{site_id}/devices/image{image_number}",
    .params = params,
    .body_content_type = "application/json",
};

static void built(const char *args_json, const char *target, const char *body)
{
    cJSON *args = mm_json_parse_exact(args_json, strlen(args_json), NULL); /* as a request is */
    mm_request req;
    char err[256] = "";
    int rc = mm_request_build(&tool, args, &req, err, sizeof err);
    CHECK_MSG(rc == 0, "%s: %s", args_json, err);
    if (rc == 0) {
        CHECK(strcmp(req.method, "POST") == 0);
        CHECK_MSG(strcmp(req.target, target) == 0, "%s\n  got      %s\n  expected %s", args_json,
                  req.target, target);
        CHECK_MSG((!body && !req.body) || (body && req.body && strcmp(body, req.body) == 0),
                  "body %s", req.body ? req.body : "(none)");
        mm_request_free(&req);
    }
    cJSON_Delete(args);
}

static void refused(const char *args_json, const char *message)
{
    cJSON *args = mm_json_parse_exact(args_json, strlen(args_json), NULL);
    mm_request req;
    char err[256] = "";
    CHECK_MSG(mm_request_build(&tool, args, &req, err, sizeof err) != 0, "%s built", args_json);
    CHECK_MSG(strcmp(err, message) == 0, "got [%s], expected [%s]", err, message);
    cJSON_Delete(args);
}

int main(void)
{
    mm_util_init();
    built("{\"site_id\":\"s1\",\"image_number\":2}", "/api/v1/sites/s1/devices/image2", NULL);
    /* Injection attempts stay inside one segment. */
    built("{\"site_id\":\"../../orgs/x\",\"image_number\":1}",
          "/api/v1/sites/..%2F..%2Forgs%2Fx/devices/image1", NULL);
    built("{\"site_id\":\"a?b=c#frag\",\"image_number\":1}",
          "/api/v1/sites/a%3Fb%3Dc%23frag/devices/image1", NULL);
    built("{\"site_id\":\"%2F%2e%2e\",\"image_number\":1}",
          "/api/v1/sites/%252F%252e%252e/devices/image1", NULL);
    built("{\"site_id\":\"a\\r\\nHost: evil\",\"image_number\":1}",
          "/api/v1/sites/a%0D%0AHost%3A%20evil/devices/image1", NULL);
    built("{\"site_id\":\"caf\\u00e9\",\"image_number\":1}",
          "/api/v1/sites/caf%C3%A9/devices/image1", NULL);
    /* Query parameters and their array styles. */
    built("{\"site_id\":\"s\",\"image_number\":1,\"limit\":100,\"wired\":true,"
          "\"macs\":[\"aa\",\"b,b\"],\"tags\":[\"x\",\"y z\"],\"names\":[\"p\",\"q|r\"],"
          "\"q\":\"a&b=c\"}",
          "/api/v1/sites/s/devices/image1?limit=100&macs=aa,b%2Cb&tags=x&tags=y%20z&names=p|q%7Cr"
          "&q=a%26b%3Dc&wired=true",
          NULL);
    built("{\"site_id\":\"s\",\"image_number\":1,\"macs\":[]}", "/api/v1/sites/s/devices/image1",
          NULL);
    built("{\"site_id\":\"s\",\"image_number\":1,\"body\":{\"name\":\"x\",\"n\":[1,2]}}",
          "/api/v1/sites/s/devices/image1", "{\"name\":\"x\",\"n\":[1,2]}");
    /* Numbers keep the model's digits: integers past 2^53 in the path and the query, any number
     * in the body; in a URL other numbers take their plain form, as they always have. */
    built("{\"site_id\":\"s\",\"image_number\":12345678901234567,\"limit\":1915883588174806058}",
          "/api/v1/sites/s/devices/image12345678901234567?limit=1915883588174806058", NULL);
    built("{\"site_id\":\"s\",\"image_number\":1e3,\"limit\":2.0}",
          "/api/v1/sites/s/devices/image1000?limit=2", NULL);
    built("{\"site_id\":\"s\",\"image_number\":1,\"body\":{\"tx\":12345678901234567,\"r\":1.50,"
          "\"a\":[0.30000000000000004,{\"id\":1915883588174806058}],\"e\":2.5e-7}}",
          "/api/v1/sites/s/devices/image1",
          "{\"tx\":12345678901234567,\"r\":1.50,\"a\":[0.30000000000000004,"
          "{\"id\":1915883588174806058}],\"e\":2.5e-7}");
    /* Refusals. */
    refused("{\"image_number\":1}", "missing required argument 'site_id' (a string)");
    refused("{\"site_id\":\"..\",\"image_number\":1}",
            "argument 'site_id' must be an id, not '..'");
    refused("{\"site_id\":\".\",\"image_number\":1}", "argument 'site_id' must be an id, not '.'");
    refused("{\"site_id\":\"\",\"image_number\":1}", "argument 'site_id' must be an id, not ''");
    refused("{\"site_id\":\"s\",\"image_number\":1,\"macs\":[{\"a\":1}]}",
            "argument 'macs' must be a list of plain values");

    /* The default org fills a missing org_id only. */
    static const mistmcp_param org_params[] = {
        {"org_id", MISTMCP_PARAM_PATH, MISTMCP_TYPE_STRING, 0, 0, 1, {0}}};
    mistmcp_tool org_tool = tool;
    org_tool.path = "/api/v1/orgs/{org_id}/sites";
    org_tool.params = org_params;
    org_tool.param_count = 1;
    org_tool.method = MISTMCP_HTTP_GET;
    cJSON *args = cJSON_CreateObject();
    CHECK(mm_request_default_org(&org_tool, args, "org-default") == 1);
    CHECK(mm_request_default_org(&org_tool, args, "other") == 0);
    mm_request req;
    char err[128];
    CHECK(mm_request_build(&org_tool, args, &req, err, sizeof err) == 0 &&
          strcmp(req.target, "/api/v1/orgs/org-default/sites") == 0 &&
          strcmp(req.method, "GET") == 0);
    mm_request_free(&req);
    CHECK(mm_request_default_org(&tool, args, "org-default") == 0); /* no org_id parameter */
    CHECK(mm_request_default_org(&org_tool, args, NULL) == 0);
    cJSON_Delete(args);

    mistmcp_tool upload = tool;
    upload.body_content_type = "multipart/form-data";
    args = cJSON_Parse("{\"site_id\":\"s\",\"image_number\":1,\"body\":{\"file\":\"x\"}}");
    CHECK(mm_request_build(&upload, args, &req, err, sizeof err) != 0 &&
          strstr(err, "needs a multipart/form-data upload"));
    cJSON_Delete(args);
    return check_summary();
}
