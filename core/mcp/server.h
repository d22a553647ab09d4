/*
 * What every session of one MCP server process shares: the settings, the category registry,
 * the default Mist client, the metrics and the per-token rate limit. Sessions (mcp/session.h)
 * read it; the transports hand it to the sessions they create; main builds it (the
 * composition root) and owns it and everything it points to.
 *
 * The parts are named here, not included: a file that uses one includes that part's own
 * header, so that seeing the server (every session does) does not pull in the Mist client,
 * the metrics or the rate limiter.
 *
 * Read-only once serving (the registry, the metrics and the rate limiter have their own locks
 * or atomics), so any thread may use it.
 */
#ifndef MISTMCP_CORE_MCP_SERVER_H
#define MISTMCP_CORE_MCP_SERVER_H

#include "base/config.h"

struct mm_registry;
struct mm_mist_client;
struct mm_metrics;
struct mm_rate_limit;
struct mm_audit_log;
struct mm_prompts;
struct mm_request_state;
struct mm_redis;
struct mm_shared_sessions;

typedef struct mm_server {
    const mm_config *cfg;
    struct mm_registry *registry;
    struct mm_mist_client *mist; /* the default cloud's client (stdio; HTTP sessions own one) */
    const char *version;         /* mistmcp's version */
    struct mm_metrics *metrics;  /* may be NULL (then nothing is counted) */
    struct mm_rate_limit *rate_limit; /* per-token client-side limit; NULL: off */
    struct mm_audit_log *audit;       /* --audit-log, its own lock; NULL: none */
    const struct mm_prompts *prompts; /* MCP prompts (mcp/prompts.h); NULL: none offered */
    /* Seals and opens 2026-07-28 requestState (mcp/request_state.h), its own lock; NULL: no
     * input_required result can be issued (a write then falls back as in token mode). */
    struct mm_request_state *request_state;
    /* --session-store redis://...: the Redis client (base/redis.h) and the HTTP sessions
     * replicas share through it (mcp/session_shared.h); both NULL with the memory store. */
    struct mm_redis *redis;
    struct mm_shared_sessions *shared_sessions;
} mm_server;

#endif
