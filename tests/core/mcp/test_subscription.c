/* The messages of one subscriptions/listen subscription (mcp/subscription.c, MCP 2026-07-28
 * basic/patterns/subscriptions): filter checks with the request's id, the acknowledgement of
 * the kinds honoured only, tagged notices of the kinds asked for only, the graceful end. */
#include "check.h"
#include "mcp/subscription.h"

#include <stdlib.h>
#include <string.h>

#define META                                                                                       \
    "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","                       \
    "\"io.modelcontextprotocol/clientCapabilities\":{}}"

/* Opens the listen request whose params are META plus params_tail; returns the error (NULL:
 * opened into sub). */
static cJSON *open_with(const char *id, const char *params_tail, mm_subscription *sub)
{
    char text[600];
    snprintf(text, sizeof text,
             "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"subscriptions/listen\",\"params\":{" META
             "%s}}",
             id, params_tail);
    cJSON *msg = cJSON_Parse(text);
    CHECK(mm_subscription_is_listen(msg));
    cJSON *err = mm_subscription_open(msg, sub);
    cJSON_Delete(msg); /* the subscription keeps its own copy of the id */
    return err;
}

static int error_code(const cJSON *r)
{
    const cJSON *c =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "error"), "code");
    return cJSON_IsNumber(c) ? c->valueint : 0;
}

static const cJSON *tag_of(const cJSON *part)
{
    return cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(part, "_meta"),
                                            MM_META_SUBSCRIPTION_ID);
}

static void refused(const char *tail, const char *words)
{
    mm_subscription sub;
    cJSON *err = open_with("\"r1\"", tail, &sub);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(err, "id");
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(err, "error");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "message");
    CHECK_MSG(error_code(err) == -32602 && cJSON_IsString(id) &&
                  strcmp(id->valuestring, "r1") == 0 && cJSON_IsString(m) &&
                  strstr(m->valuestring, words),
              "%s: -32602 with the id, naming %s", tail, words);
    CHECK(sub.id == NULL);
    cJSON_Delete(err);
}

int main(void)
{
    refused("", "params.notifications is missing");
    refused(",\"notifications\":true", "must be an object");
    refused(",\"notifications\":{\"toolsListChanged\":1}",
            "toolsListChanged must be true or false");
    refused(",\"notifications\":{\"promptsListChanged\":\"y\"}", "promptsListChanged");
    refused(",\"notifications\":{\"resourceSubscriptions\":\"file:///a\"}",
            "resourceSubscriptions must be an array");

    /* Kinds not honoured (resources) and unknown fields are left out of the ack. */
    mm_subscription sub;
    cJSON *err = open_with("7",
                           ",\"notifications\":{\"toolsListChanged\":true,\"promptsListChanged\":"
                           "true,\"resourceSubscriptions\":[\"file:///a\"],\"later\":true}",
                           &sub);
    CHECK(err == NULL);
    CHECK(sub.kinds == (MM_SUB_TOOLS_LIST_CHANGED | MM_SUB_PROMPTS_LIST_CHANGED));
    cJSON *ack = mm_subscription_ack(&sub);
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(ack, "params");
    CHECK(strcmp(cJSON_GetObjectItemCaseSensitive(ack, "method")->valuestring,
                 "notifications/subscriptions/acknowledged") == 0);
    CHECK(cJSON_IsNumber(tag_of(params)) && tag_of(params)->valueint == 7);
    char *agreed =
        cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(params, "notifications"));
    CHECK_MSG(strcmp(agreed, "{\"toolsListChanged\":true,\"promptsListChanged\":true}") == 0,
              "acknowledged %s", agreed);
    free(agreed);
    cJSON_Delete(ack);

    cJSON *notice = mm_subscription_notice(&sub, MM_SUB_TOOLS_LIST_CHANGED);
    CHECK(strcmp(cJSON_GetObjectItemCaseSensitive(notice, "method")->valuestring,
                 "notifications/tools/list_changed") == 0);
    CHECK(tag_of(cJSON_GetObjectItemCaseSensitive(notice, "params"))->valueint == 7);
    cJSON_Delete(notice);

    cJSON *end = mm_subscription_end(&sub, "9.9.9");
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(end, "result");
    CHECK(cJSON_GetObjectItemCaseSensitive(end, "id")->valueint == 7);
    CHECK(strcmp(cJSON_GetObjectItemCaseSensitive(res, "resultType")->valuestring, "complete") ==
          0);
    CHECK(tag_of(res)->valueint == 7);
    cJSON_Delete(end);
    mm_subscription_clear(&sub);
    CHECK(sub.id == NULL && sub.kinds == 0);

    /* A subscription that did not ask for tools hears nothing of them. */
    err = open_with("\"p\"", ",\"notifications\":{\"promptsListChanged\":true}", &sub);
    CHECK(err == NULL && sub.kinds == MM_SUB_PROMPTS_LIST_CHANGED);
    CHECK(mm_subscription_notice(&sub, MM_SUB_TOOLS_LIST_CHANGED) == NULL);
    ack = mm_subscription_ack(&sub);
    char *none = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(ack, "params"), "notifications"));
    CHECK_MSG(strcmp(none, "{\"promptsListChanged\":true}") == 0, "acknowledged %s", none);
    free(none);
    cJSON_Delete(ack);
    mm_subscription_clear(&sub);
    return check_summary();
}
