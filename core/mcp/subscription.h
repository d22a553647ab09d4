/*
 * subscriptions/listen (MCP 2026-07-28 basic/patterns/subscriptions): the messages of one
 * subscription, whatever carries it. The transport owns the stream (stdio: the shared
 * channel; HTTP: the POST answered as an event stream) and its life; this file checks the
 * request, and builds the acknowledgement, the change notifications and the graceful end,
 * each tagged with _meta io.modelcontextprotocol/subscriptionId (the listen request's id).
 *
 * The kinds a server can honour are a bit set, so that one more (promptsListChanged, once
 * prompts exist) is one more entry in subscription.c's table. What mistmcp honours today:
 * toolsListChanged. Nothing changes a 2026-07-28 caller's tool list while the server runs
 * (it depends only on the settings and the URL: mcp/era.h, MM_ERA_LIST_TTL_MS), so a
 * subscription is acknowledged, kept alive and ended, and no change notification is built
 * yet; mm_subscription_notice is the one way a future trigger reaches a subscriber.
 *
 * Ownership: an mm_subscription owns a copy of its id (mm_subscription_clear frees it);
 * returned cJSON values are new (the caller owns them). Thread-safety: no shared state; a
 * subscription is used by one thread at a time.
 */
#ifndef MISTMCP_CORE_MCP_SUBSCRIPTION_H
#define MISTMCP_CORE_MCP_SUBSCRIPTION_H

#include <cjson/cJSON.h>

#define MM_META_SUBSCRIPTION_ID "io.modelcontextprotocol/subscriptionId"

/* The notification kinds of a filter (schema SubscriptionFilter). */
enum {
    MM_SUB_TOOLS_LIST_CHANGED = 1u << 0,
    MM_SUB_PROMPTS_LIST_CHANGED = 1u << 1,
};

typedef struct mm_subscription {
    cJSON *id;      /* the listen request's id: the subscription id (owned copy) */
    unsigned kinds; /* what the client asked for and this server honours */
} mm_subscription;

/* 1 if msg is a well-formed subscriptions/listen request for a transport to open a stream
 * for: a JSON-RPC 2.0 object with that method and a string or number id. Anything else is the
 * protocol layer's to refuse (mm_protocol_handle says why). */
int mm_subscription_is_listen(const cJSON *msg);

/* Checks the params of the subscriptions/listen request msg (its _meta was checked already:
 * mm_era_check) and fills out. Returns NULL, or the -32602 error response (with msg's id)
 * naming the field: params.notifications missing or not an object, a known filter field of
 * the wrong type. Unknown filter fields are ignored (a later revision's kinds). */
cJSON *mm_subscription_open(const cJSON *msg, mm_subscription *out);
void mm_subscription_clear(mm_subscription *sub);

/* notifications/subscriptions/acknowledged: the filter this server agreed to honour (the kinds
 * it does not offer omitted), tagged. The first message of every subscription. */
cJSON *mm_subscription_ack(const mm_subscription *sub);

/* The change notification of kind (one MM_SUB_ bit), tagged, or NULL when the subscription
 * did not ask for it (the server MUST NOT send kinds a client did not request). */
cJSON *mm_subscription_notice(const mm_subscription *sub, unsigned kind);

/* The response that ends the subscription gracefully (the server's shutdown): "Graceful
 * Closure", result {resultType: "complete", _meta: {subscriptionId, serverInfo}}. */
cJSON *mm_subscription_end(const mm_subscription *sub, const char *server_version);

#endif
