#include "mcp/subscription.h"

#include "mcp/era.h"
#include "mcp/protocol.h"

#include <stdio.h>
#include <string.h>

/* The kinds this server honours: filter field, bit, the notification it stands for. One line
 * per kind. Both lists are fixed while the server runs (prompts are read at start), so neither
 * notification is sent yet; a subscriber that asked is told the server agreed. */
static const struct kind {
    const char *field;
    unsigned bit;
    const char *method;
} kinds[] = {
    {"toolsListChanged", MM_SUB_TOOLS_LIST_CHANGED, "notifications/tools/list_changed"},
    {"promptsListChanged", MM_SUB_PROMPTS_LIST_CHANGED, "notifications/prompts/list_changed"},
};

/* The filter fields a client may send (schema SubscriptionFilter): booleans, and
 * resourceSubscriptions, an array of URIs. */
static const char *const boolean_fields[] = {"toolsListChanged", "promptsListChanged",
                                             "resourcesListChanged"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int mm_subscription_is_listen(const cJSON *msg)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(msg, "method");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(msg, "jsonrpc");
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
    return cJSON_IsObject(msg) && cJSON_IsString(m) &&
           strcmp(m->valuestring, "subscriptions/listen") == 0 && cJSON_IsString(v) &&
           strcmp(v->valuestring, "2.0") == 0 && (cJSON_IsString(id) || cJSON_IsNumber(id));
}

cJSON *mm_subscription_open(const cJSON *msg, mm_subscription *out)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "id");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
    const cJSON *filter = cJSON_GetObjectItemCaseSensitive(params, "notifications");
    *out = (mm_subscription){0};
    if (!cJSON_IsObject(filter))
        return mm_protocol_error(id, MM_INVALID_PARAMS,
                                 filter ? "params.notifications must be an object, e.g. "
                                          "{\"toolsListChanged\": true}"
                                        : "params.notifications is missing: the notifications "
                                          "to receive, e.g. {\"toolsListChanged\": true}");
    char text[200];
    for (size_t i = 0; i < COUNT(boolean_fields); i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(filter, boolean_fields[i]);
        if (v && !cJSON_IsBool(v)) {
            snprintf(text, sizeof text, "params.notifications.%s must be true or false",
                     boolean_fields[i]);
            return mm_protocol_error(id, MM_INVALID_PARAMS, text);
        }
    }
    const cJSON *uris = cJSON_GetObjectItemCaseSensitive(filter, "resourceSubscriptions");
    if (uris && !cJSON_IsArray(uris))
        return mm_protocol_error(id, MM_INVALID_PARAMS,
                                 "params.notifications.resourceSubscriptions must be an array of "
                                 "resource URIs");
    for (size_t i = 0; i < COUNT(kinds); i++)
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(filter, kinds[i].field)))
            out->kinds |= kinds[i].bit;
    out->id = cJSON_Duplicate(id, 1);
    return NULL;
}

void mm_subscription_clear(mm_subscription *sub)
{
    cJSON_Delete(sub->id);
    *sub = (mm_subscription){0};
}

/* params {_meta: {subscriptionId}}: a new object. */
static cJSON *tagged_params(const mm_subscription *sub)
{
    cJSON *p = cJSON_CreateObject();
    cJSON *meta = cJSON_AddObjectToObject(p, "_meta");
    cJSON_AddItemToObject(meta, MM_META_SUBSCRIPTION_ID, cJSON_Duplicate(sub->id, 1));
    return p;
}

static cJSON *notification(const char *method, cJSON *params)
{
    cJSON *n = cJSON_CreateObject();
    cJSON_AddStringToObject(n, "jsonrpc", "2.0");
    cJSON_AddStringToObject(n, "method", method);
    cJSON_AddItemToObject(n, "params", params);
    return n;
}

cJSON *mm_subscription_ack(const mm_subscription *sub)
{
    cJSON *p = tagged_params(sub);
    cJSON *agreed = cJSON_AddObjectToObject(p, "notifications");
    for (size_t i = 0; i < COUNT(kinds); i++)
        if (sub->kinds & kinds[i].bit)
            cJSON_AddTrueToObject(agreed, kinds[i].field);
    return notification("notifications/subscriptions/acknowledged", p);
}

cJSON *mm_subscription_notice(const mm_subscription *sub, unsigned kind)
{
    for (size_t i = 0; i < COUNT(kinds); i++)
        if (kinds[i].bit == kind && (sub->kinds & kind))
            return notification(kinds[i].method, tagged_params(sub));
    return NULL;
}

cJSON *mm_subscription_end(const mm_subscription *sub, const char *server_version)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "jsonrpc", "2.0");
    cJSON_AddItemToObject(r, "id", cJSON_Duplicate(sub->id, 1));
    cJSON *res = cJSON_AddObjectToObject(r, "result");
    cJSON *meta = cJSON_AddObjectToObject(res, "_meta");
    cJSON_AddItemToObject(meta, MM_META_SUBSCRIPTION_ID, cJSON_Duplicate(sub->id, 1));
    mm_era_stamp_result(res, server_version);
    return r;
}
