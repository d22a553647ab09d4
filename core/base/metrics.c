#define _POSIX_C_SOURCE 200809L
#include "base/metrics.h"

#include "base/util.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double buckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define BUCKETS (sizeof buckets / sizeof buckets[0])

struct mm_metrics {
    size_t categories;
    const char **names;         /* categories, borrowed strings */
    atomic_ullong *calls_ok;    /* categories + 1 */
    atomic_ullong *calls_error; /* categories + 1 */
    atomic_ullong status[600];  /* by HTTP status; [0]: no answer */
    atomic_ullong latency_bucket[BUCKETS + 1];
    atomic_ullong latency_count;
    atomic_ullong latency_micros; /* sum, in microseconds */
    atomic_ullong list_changed;
    atomic_ullong retries[3]; /* 429, 5xx, network */
    atomic_ullong rotations;
    atomic_ullong rate_waited, rate_refused;
    atomic_ullong writes[MM_WRITE_OUTCOMES];
};

const char *mm_write_outcome_name(mm_write_outcome o)
{
    static const char *const names[] = {"dry-run",  "preview",   "accepted",
                                        "sent",     "refused",   "expired",
                                        "declined", "cancelled", "audit-failed"};
    return (unsigned)o < MM_WRITE_OUTCOMES ? names[o] : "?";
}

void mm_metrics_write(mm_metrics *m, mm_write_outcome o)
{
    if ((unsigned)o < MM_WRITE_OUTCOMES)
        atomic_fetch_add(&m->writes[o], 1);
}

mm_metrics *mm_metrics_create(const char *const *category_names, size_t category_count)
{
    mm_metrics *m = mm_xcalloc(1, sizeof *m);
    m->categories = category_count;
    m->names = mm_xcalloc(category_count + 1, sizeof *m->names);
    for (size_t i = 0; i < category_count; i++)
        m->names[i] = category_names[i];
    m->calls_ok = mm_xcalloc(category_count + 1, sizeof *m->calls_ok);
    m->calls_error = mm_xcalloc(category_count + 1, sizeof *m->calls_error);
    return m; /* calloc'd atomics read as zero */
}

void mm_metrics_destroy(mm_metrics **mp)
{
    mm_metrics *m = *mp;
    if (!m)
        return;
    free(m->names);
    free(m->calls_ok);
    free(m->calls_error);
    free(m);
    *mp = NULL;
}

void mm_metrics_tool_call(mm_metrics *m, size_t category, int is_error)
{
    if (category > m->categories)
        category = m->categories;
    atomic_fetch_add(is_error ? &m->calls_error[category] : &m->calls_ok[category], 1);
}

void mm_metrics_mist_request(mm_metrics *m, long status, double seconds)
{
    atomic_fetch_add(&m->status[status >= 100 && status < 600 ? status : 0], 1);
    size_t b = 0;
    while (b < BUCKETS && seconds > buckets[b])
        b++;
    atomic_fetch_add(&m->latency_bucket[b], 1);
    atomic_fetch_add(&m->latency_count, 1);
    atomic_fetch_add(&m->latency_micros, (unsigned long long)(seconds * 1e6));
}

void mm_metrics_retry(mm_metrics *m, const char *reason)
{
    if (strcmp(reason, "token_rotation") == 0)
        atomic_fetch_add(&m->rotations, 1);
    else
        atomic_fetch_add(&m->retries[strcmp(reason, "429") == 0   ? 0
                                     : strcmp(reason, "5xx") == 0 ? 1
                                                                  : 2],
                         1);
}

void mm_metrics_rate_limited(mm_metrics *m, int waited)
{
    atomic_fetch_add(waited ? &m->rate_waited : &m->rate_refused, 1);
}

void mm_metrics_list_changed(mm_metrics *m)
{
    atomic_fetch_add(&m->list_changed, 1);
}

char *mm_metrics_render(mm_metrics *m, const mm_metrics_gauges *g)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fprintf(f,
            "# HELP mistmcp_sessions_active Client sessions open now.\n"
            "# TYPE mistmcp_sessions_active gauge\nmistmcp_sessions_active %zu\n",
            g->sessions);
    fputs("# HELP mistmcp_tool_calls_total Tool calls by category and outcome.\n"
          "# TYPE mistmcp_tool_calls_total counter\n",
          f);
    for (size_t i = 0; i <= m->categories; i++) {
        unsigned long long ok = atomic_load(&m->calls_ok[i]), bad = atomic_load(&m->calls_error[i]);
        const char *name = i < m->categories ? m->names[i] : "builtin";
        if (ok)
            fprintf(f, "mistmcp_tool_calls_total{category=\"%s\",outcome=\"ok\"} %llu\n", name, ok);
        if (bad)
            fprintf(f, "mistmcp_tool_calls_total{category=\"%s\",outcome=\"error\"} %llu\n", name,
                    bad);
    }
    fputs("# HELP mistmcp_mist_requests_total Mist API requests by HTTP status (0: no answer).\n"
          "# TYPE mistmcp_mist_requests_total counter\n",
          f);
    for (int s = 0; s < 600; s++) {
        unsigned long long n = atomic_load(&m->status[s]);
        if (n)
            fprintf(f, "mistmcp_mist_requests_total{status=\"%d\"} %llu\n", s, n);
    }
    fputs("# HELP mistmcp_mist_request_duration_seconds Mist API request latency.\n"
          "# TYPE mistmcp_mist_request_duration_seconds histogram\n",
          f);
    unsigned long long cumulative = 0;
    for (size_t b = 0; b <= BUCKETS; b++) {
        cumulative += atomic_load(&m->latency_bucket[b]);
        if (b < BUCKETS)
            fprintf(f, "mistmcp_mist_request_duration_seconds_bucket{le=\"%g\"} %llu\n", buckets[b],
                    cumulative);
        else
            fprintf(f, "mistmcp_mist_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                    cumulative);
    }
    fprintf(f, "mistmcp_mist_request_duration_seconds_sum %.6f\n",
            (double)atomic_load(&m->latency_micros) / 1e6);
    fprintf(f, "mistmcp_mist_request_duration_seconds_count %llu\n",
            atomic_load(&m->latency_count));
    fprintf(f,
            "# HELP mistmcp_plugins_loaded Category plugins mapped now.\n"
            "# TYPE mistmcp_plugins_loaded gauge\nmistmcp_plugins_loaded %zu\n",
            g->plugins_loaded);
    fputs("# HELP mistmcp_plugin_references References held on each mapped plugin.\n"
          "# TYPE mistmcp_plugin_references gauge\n",
          f);
    for (size_t i = 0; g->plugin_refs && i < m->categories; i++)
        if (g->plugin_refs[i])
            fprintf(f, "mistmcp_plugin_references{category=\"%s\"} %u\n", m->names[i],
                    g->plugin_refs[i]);
    fprintf(f,
            "# HELP mistmcp_list_changed_total tools/list_changed notifications sent.\n"
            "# TYPE mistmcp_list_changed_total counter\nmistmcp_list_changed_total %llu\n",
            atomic_load(&m->list_changed));
    fprintf(f,
            "# HELP mistmcp_mist_retries_total Mist requests sent again, by reason.\n"
            "# TYPE mistmcp_mist_retries_total counter\n"
            "mistmcp_mist_retries_total{reason=\"429\"} %llu\n"
            "mistmcp_mist_retries_total{reason=\"5xx\"} %llu\n"
            "mistmcp_mist_retries_total{reason=\"network\"} %llu\n"
            "mistmcp_mist_retries_total{reason=\"token_rotation\"} %llu\n",
            atomic_load(&m->retries[0]), atomic_load(&m->retries[1]), atomic_load(&m->retries[2]),
            atomic_load(&m->rotations));
    fprintf(f,
            "# HELP mistmcp_rate_limited_total Calls held by the client-side rate limit.\n"
            "# TYPE mistmcp_rate_limited_total counter\n"
            "mistmcp_rate_limited_total{outcome=\"waited\"} %llu\n"
            "mistmcp_rate_limited_total{outcome=\"refused\"} %llu\n",
            atomic_load(&m->rate_waited), atomic_load(&m->rate_refused));
    fprintf(f,
            "# HELP mistmcp_rate_limit_local_total Calls whose rate limit, shared through Redis, "
            "this replica decided alone because Redis did not answer.\n"
            "# TYPE mistmcp_rate_limit_local_total counter\nmistmcp_rate_limit_local_total %llu\n",
            g->rate_limit_local);
    fputs("# HELP mistmcp_writes_total Write attempts by outcome (the audit log's outcomes).\n"
          "# TYPE mistmcp_writes_total counter\n",
          f);
    for (int o = 0; o < MM_WRITE_OUTCOMES; o++)
        fprintf(f, "mistmcp_writes_total{outcome=\"%s\"} %llu\n", mm_write_outcome_name(o),
                atomic_load(&m->writes[o]));
    fclose(f);
    return buf;
}
