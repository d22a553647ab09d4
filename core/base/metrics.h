/*
 * Server metrics for GET /metrics (Prometheus text format): tool calls by category and
 * outcome, Mist request latency histogram and status codes, list_changed notifications,
 * retries and rate limiting. Gauges that other parts own (sessions, mapped plugins and their
 * references) are read from their owners by the caller and handed to the rendering.
 *
 * Owned by the server (mm_server.metrics); counters are atomics, so recording is lock-free
 * and thread-safe; rendering reads them without stopping writers.
 */
#ifndef MISTMCP_CORE_BASE_METRICS_H
#define MISTMCP_CORE_BASE_METRICS_H

#include <stddef.h>

typedef struct mm_metrics mm_metrics;

/* One category name per index of the category registry (category_count of them, used as
 * labels); calls of built-in tools are counted under index category_count, labelled
 * "builtin". The array is copied; the strings are borrowed and must outlive the metrics (the
 * registry's do). */
mm_metrics *mm_metrics_create(const char *const *category_names, size_t category_count);
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

/* What became of one write attempt (mcp/write_gate.h); the audit log's outcomes, plus
 * MM_WRITE_AUDIT_FAILED (refused because its audit line could not be written). */
typedef enum mm_write_outcome {
    MM_WRITE_DRY_RUN = 0, /* dry_run: previewed, nothing sent */
    MM_WRITE_PREVIEW,     /* token mode: previewed and a token issued, nothing sent */
    MM_WRITE_ACCEPTED,    /* confirmed (or mode none): about to be sent */
    MM_WRITE_SENT,        /* sent: Mist's answer (or none) recorded */
    MM_WRITE_REFUSED,     /* a confirmation token unknown, used, or for another call */
    MM_WRITE_EXPIRED,     /* a confirmation token past its 5 minutes */
    MM_WRITE_DECLINED,    /* elicitation: the user declined */
    MM_WRITE_CANCELLED,   /* elicitation: dismissed, no answer in time, or the call cancelled */
    MM_WRITE_AUDIT_FAILED,
    MM_WRITE_OUTCOMES
} mm_write_outcome;
/* "dry-run", "preview", "accepted", "sent", "refused", "expired", "declined", "cancelled",
 * "audit-failed". */
const char *mm_write_outcome_name(mm_write_outcome outcome);
void mm_metrics_write(mm_metrics *m, mm_write_outcome outcome);

/* Gauges read from their owners at rendering time. */
typedef struct mm_metrics_gauges {
    size_t sessions;             /* client sessions open now */
    size_t plugins_loaded;       /* category plugins mapped now */
    const unsigned *plugin_refs; /* references held per category index (category_count of
                                    them), or NULL */
    /* Calls a shared rate limit decided alone since the start (its Redis did not answer). */
    unsigned long long rate_limit_local;
} mm_metrics_gauges;

/* The Prometheus text; caller frees. */
char *mm_metrics_render(mm_metrics *m, const mm_metrics_gauges *gauges);

#endif
