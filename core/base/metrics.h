/*
 * Server metrics for GET /metrics (Prometheus text format): tool calls by category and
 * outcome, Mist request latency histogram and status codes, list_changed notifications.
 * Sessions and plugins are read from their owners when rendering.
 *
 * Owned by the server (mm_server.metrics); counters are atomics, so recording is lock-free
 * and thread-safe; rendering reads them without stopping writers.
 */
#ifndef MISTMCP_CORE_BASE_METRICS_H
#define MISTMCP_CORE_BASE_METRICS_H

#include "registry/registry.h"

#include <stddef.h>

typedef struct mm_metrics mm_metrics;

/* category_count: the registry's; calls of built-in tools are counted under index
 * category_count. */
mm_metrics *mm_metrics_create(size_t category_count);
void mm_metrics_destroy(mm_metrics **metrics);

/* A finished tool call of category index (or category_count for built-ins). */
void mm_metrics_tool_call(mm_metrics *m, size_t category, int is_error);
/* A Mist request: HTTP status (0 when no answer arrived) and its duration. */
void mm_metrics_mist_request(mm_metrics *m, long status, double seconds);
void mm_metrics_list_changed(mm_metrics *m);
/* A Mist request sent again: reason "429", "5xx", "network" or "token_rotation". */
void mm_metrics_retry(mm_metrics *m, const char *reason);
/* A call held by the client-side rate limit: it waited (1) or was refused (0). */
void mm_metrics_rate_limited(mm_metrics *m, int waited);

/* The Prometheus text; caller frees. sessions: active sessions now. */
char *mm_metrics_render(mm_metrics *m, mm_registry *registry, size_t sessions);

#endif
