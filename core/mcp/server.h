/*
 * What every session of one server process shares: settings, the category registry and the
 * Mist client. Created in main, read-only afterwards (the registry, the metrics and the rate
 * limiter have their own locks or atomics), so any thread may use it. Owned by main.
 */
#ifndef MISTMCP_CORE_MCP_SERVER_H
#define MISTMCP_CORE_MCP_SERVER_H

#include "base/config.h"
#include "base/metrics.h"
#include "mist/client.h"
#include "mist/rate_limit.h"
#include "registry/registry.h"

typedef struct mm_server {
    const mm_config *cfg;
    mm_registry *registry;
    mm_mist_client *mist;
    const char *version;       /* mistmcp's version */
    mm_metrics *metrics;       /* may be NULL (then nothing is counted) */
    mm_rate_limit *rate_limit; /* per-token client-side limit; NULL: off */
} mm_server;

#endif
