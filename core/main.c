/*
 * mistmcp: entry point and composition root. Parses the command line, builds the category
 * registry from the catalog and the plugin directories, and runs the requested action; to
 * serve, it builds what one server owns (mcp/server.h: the default Mist client, the metrics,
 * the rate limiter, the built-in tools) and hands it to the chosen transport, or to the
 * terminal commands (transport/terminal.h), which run the tools on that same server.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "base/audit_log.h"
#include "base/client_setup.h"
#include "base/config.h"
#include "base/metrics.h"
#include "base/redis.h"
#include "base/util.h"
#include "demo/demo.h"
#include "mcp/builtin_tools.h"
#include "mcp/host_api.h"
#include "mcp/prompts.h"
#include "mcp/request_state.h"
#include "mcp/server.h"
#include "mcp/session_shared.h"
#include "mist/client.h"
#include "mist/rate_limit.h"
#include "registry/catalog.h"
#include "registry/plugin_dirs.h"
#include "registry/registry.h"
#include "registry/report.h"
#include "transport/http_server.h"
#include "transport/stdio_server.h"
#include "transport/terminal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MISTMCP_VERSION
#error "MISTMCP_VERSION must be defined by the build"
#endif

/* 1 if name is a tool of the generated catalog or a built-in tool (the built-ins must have
 * been made: mm_builtins_init). */
static int is_catalog_tool(void *ctx, const char *name)
{
    const mm_catalog *c = ctx;
    if (mm_builtin_find(name))
        return 1;
    for (uint32_t i = 0; i < c->category_count; i++) {
        const mm_catalog_category *cat = &c->categories[i];
        size_t lo = 0, hi = cat->tool_count; /* tools are sorted by name */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int d = strcmp(cat->tools[mid].name, name);
            if (d == 0)
                return 1;
            if (d < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    return 0;
}

/* The built-in prompts and --prompts' into *set. With strict (--check-prompts), a tool name
 * that is not in the catalog is an error; serving, a warning for the operator's file (its
 * prompts may name tools of a third-party plugin). 0, or 2 after a message. The built-in
 * tools must have been made. */
static int load_prompts(const mm_config *cfg, int strict, mm_prompts **set)
{
    char err[2048];
    if (mm_prompts_add_builtin(set, err, sizeof err) != 0 ||
        (cfg->prompts_file && mm_prompts_add_file(set, cfg->prompts_file, err, sizeof err) != 0)) {
        char *shown = mm_text_shown(err); /* names the file, the prompt and the field */
        fprintf(stderr, "mistmcp: %s\n", shown);
        free(shown);
        mm_prompts_free(set);
        return 2;
    }
    size_t bad = mm_prompts_check_tools(*set, is_catalog_tool, (void *)&mm_generated_catalog, err,
                                        sizeof err);
    if (bad) {
        char *shown = mm_text_shown(err);
        fprintf(stderr, "mistmcp: %s%s\n", strict ? "" : "warning: ", shown);
        free(shown);
        if (strict) {
            fprintf(stderr,
                    "mistmcp: %zu tool name%s in the prompts are not in the catalog of Mist API "
                    "spec %s (renamed or removed operations?)\n",
                    bad, bad == 1 ? "" : "s", mm_generated_catalog.spec_version);
            mm_prompts_free(set);
            return 1;
        }
    }
    return 0;
}

/* --check-prompts: the built-in prompts and --prompts' are read and every tool they name is
 * looked up in the catalog. Needs no plugin: the build runs it on every link of mistmcp. */
static int check_prompts(const mm_config *cfg)
{
    mm_builtins_init(NULL);
    mm_prompts *set = NULL;
    int rc = load_prompts(cfg, 1, &set);
    if (rc == 0)
        printf("mistmcp: %zu prompts, every tool they name is in the catalog (Mist API spec "
               "%s)\n",
               mm_prompts_count(set), mm_generated_catalog.spec_version);
    mm_prompts_free(&set);
    mm_builtins_free();
    return rc;
}

/* Frees what serve made of srv (each part may be NULL) and libcurl's global state. */
static void release_server(mm_server *srv)
{
    mm_mist_client_destroy(&srv->mist);
    mm_metrics_destroy(&srv->metrics);
    mm_rate_limit_destroy(&srv->rate_limit);
    mm_audit_log_close(&srv->audit);
    mm_request_state_destroy(&srv->request_state);
    mm_shared_sessions_destroy(&srv->shared_sessions);
    mm_redis_close(&srv->redis);
    mm_mist_global_cleanup();
}

/* How long a Redis command may take (connect, send, reply), ms. Store lookups run on the HTTP
 * polling threads: while Redis fails, one of them may wait this long once per backoff (the
 * others fail at once, base/redis.h); a Redis on a LAN answers in well under a millisecond,
 * and a fork for a snapshot stalls it for tens. */
#define MM_STORE_TIMEOUT_MS 500

/* --session-store redis://...: the Redis client, the shared sessions and the shared rate limit
 * (HTTP only: a stdio server has one session). Nothing connects yet: a Redis that is down at
 * start only makes new sessions wait for it (503), as when it goes down later. 0, or -1 after
 * a message. */
static int open_session_store(const mm_config *cfg, mm_server *srv)
{
    if (!cfg->session_store || cfg->action != MM_ACTION_SERVE)
        return 0;
    if (cfg->transport != MM_TRANSPORT_HTTP) {
        fputs("mistmcp: --session-store is for the HTTP transport (replicas sharing sessions); "
              "over stdio the one session stays in this process\n",
              stderr);
        return 0;
    }
    char err[600];
    if (!cfg->session_secret_file) {
        fputs("mistmcp: --session-store needs --session-secret-file (MISTMCP_SESSION_SECRET_FILE): "
              "the same secret file on every replica, e.g. made with: head -c 48 /dev/urandom | "
              "base64 > FILE\n",
              stderr);
        return -1;
    }
    unsigned char key[MM_SHA256_LEN];
    if (mm_key_file_sha256(cfg->session_secret_file, "--session-secret-file", key, err,
                           sizeof err) != 0) {
        fprintf(stderr, "mistmcp: %s\n", err);
        return -1;
    }
    mm_redis_target t;
    if (mm_redis_url_parse(cfg->session_store, &t, err, sizeof err) != 0) {
        fprintf(stderr, "mistmcp: %s\n", err);
        return -1;
    }
    char where[sizeof t.where];
    snprintf(where, sizeof where, "%s", t.where);
    /* Connections: the polling threads, the workers' rate-limit steps and notifications share
     * them; each command holds one for a round trip (tens of microseconds). */
    srv->redis = mm_redis_open(&t, 16, MM_STORE_TIMEOUT_MS, err, sizeof err);
    mm_redis_target_free(&t); /* what the client did not take (on failure) */
    if (!srv->redis) {
        fprintf(stderr, "mistmcp: --session-store: %s\n", err);
        return -1;
    }
    srv->shared_sessions = mm_shared_sessions_create(srv->redis, key, cfg->session_idle_ms);
    /* One rate limit per Mist token across the replicas, its buckets named with the same
     * secret (mist/rate_limit.h). */
    mm_rate_limit_share(srv->rate_limit, srv->redis, key);
    explicit_bzero(key, sizeof key);
    fprintf(stderr,
            "mistmcp: sessions%s are shared through Redis at %s (session secret fingerprint %s: "
            "every replica must print the same)\n",
            srv->rate_limit ? " and the rate limit" : "", where,
            mm_shared_fingerprint(srv->shared_sessions));
    return 0;
}

/* Serves MCP on the configured transport, or runs a terminal command (search, describe,
 * call) on the same server. */
static int serve(const mm_config *cfg, mm_registry *reg, const char *const *category_names)
{
    if (mm_mist_global_init() != 0) {
        fputs("mistmcp: libcurl failed to initialise\n", stderr);
        return 1;
    }
    char base[300];
    if (cfg->api_base_url)
        snprintf(base, sizeof base, "%s", cfg->api_base_url);
    else
        snprintf(base, sizeof base, "https://%s", cfg->cloud);
    mm_mist_options mo = {.base_url = base,
                          .connect_timeout_ms = cfg->connect_timeout_ms,
                          .timeout_ms = cfg->timeout_ms,
                          .max_body_bytes = cfg->max_response_bytes,
                          .user_agent = "mistmcp/" MISTMCP_VERSION};
    mm_server srv = {.cfg = cfg,
                     .registry = reg,
                     .mist = mm_mist_client_create(&mo),
                     .version = MISTMCP_VERSION,
                     .metrics = mm_metrics_create(category_names, mm_registry_count(reg)),
                     .rate_limit = mm_rate_limit_create(cfg->rate_per_hour, cfg->rate_burst)};
    /* What can fail at start, in order; each failure says why (naming the file) and exits 2
     * through the one teardown below. */
    int rc = 2;
    mm_prompts *prompts = NULL;
    char err[600];
    if (cfg->audit_log && !(srv.audit = mm_audit_log_open(cfg->audit_log, err, sizeof err))) {
        fprintf(stderr, "mistmcp: %s\n", err);
        goto out;
    }
    srv.request_state = mm_request_state_create(cfg->request_state_key_file, err, sizeof err);
    if (!srv.request_state) {
        fprintf(stderr, "mistmcp: %s\n", err);
        goto out;
    }
    if (open_session_store(cfg, &srv) != 0)
        goto out;
    mm_builtins_init(reg);
    if (load_prompts(cfg, 0, &prompts) != 0)
        goto out_builtins;
    srv.prompts = prompts;
    rc = cfg->action != MM_ACTION_SERVE        ? mm_terminal_run(&srv, stdout, stderr)
         : cfg->transport == MM_TRANSPORT_HTTP ? mm_http_serve(&srv)
                                               : mm_stdio_serve(&srv, 0, 1);
    mm_prompts_free(&prompts);
out_builtins:
    mm_builtins_free();
out:
    release_server(&srv);
    return rc;
}

/* 2 (after one line) if --categories names a category that would show nothing: one with only
 * write tools while write tools are off, or one without a plugin file. */
static int check_enableable(const mm_config *cfg, mm_registry *reg)
{
    for (size_t i = 0; i < cfg->categories.count; i++) {
        const mm_category *cat = mm_registry_find(reg, cfg->categories.items[i]);
        if (cat && !cfg->enable_write_tools && mm_category_write_only(cat)) {
            fprintf(stderr,
                    "mistmcp: category '%s' in --categories has only write tools (%u), and "
                    "write tools are off: add " MM_WRITE_TOOLS_HINT " to use them\n",
                    mm_category_name(cat), mm_category_catalog(cat)->tool_count);
            return 2;
        }
        if (cat && !mm_category_present(cat)) {
            fprintf(stderr,
                    "mistmcp: category '%s' in --categories has no plugin: no %s.so in the "
                    "plugin directories (mistmcp --check-plugins lists them)\n",
                    mm_category_name(cat), mm_category_name(cat));
            return 2;
        }
    }
    return 0;
}

/* --demo: starts the simulated Mist cloud and makes it the far end (cfg's base URL), with a
 * token for sessions that bring none. NULL, after a message, if it cannot start. */
static mm_demo *start_demo(mm_config *cfg)
{
    char url[64], err[300];
    /* A session's changes to the demo world last as long as an idle HTTP session does; over
     * stdio, as long as the process (its one session never ends while the client runs). */
    mm_demo_options options = {.idle_ms = cfg->transport == MM_TRANSPORT_HTTP
                                              ? cfg->session_idle_ms
                                              : 100L * 365 * 86400 * 1000};
    mm_demo *demo = mm_demo_start(&options, url, sizeof url, err, sizeof err);
    if (!demo) {
        fprintf(stderr, "mistmcp: %s\n", err);
        return NULL;
    }
    cfg->api_base_url = mm_xstrdup(url);
    /* A real token or default org from the environment has no place here: the token would go
     * to the demo, and the org is not the demo's (every call without org_id would miss). */
    if (cfg->tokens.count > 0 || cfg->org_id)
        fputs("mistmcp: demo mode: MIST_API_TOKEN and MIST_ORG_ID are not used\n", stderr);
    mm_strlist_free(&cfg->tokens);
    mm_strlist_add(&cfg->tokens, MM_DEMO_TOKEN);
    free(cfg->org_id);
    cfg->org_id = NULL;
    fputs("mistmcp: demo mode: answers come from the built-in simulated Mist cloud (org \"Demo "
          "Networks\"), not from Mist\n",
          stderr);
    return demo;
}

int main(int argc, char **argv)
{
    mm_util_init();
    mm_config cfg;
    int rc = mm_config_load(argc, argv, &cfg, stderr);
    if (rc != 0)
        return rc;
    switch (cfg.action) {
    case MM_ACTION_HELP:
        mm_config_usage(stdout);
        mm_config_free(&cfg);
        return 0;
    case MM_ACTION_VERSION:
        printf("mistmcp %s (Mist API spec %s, plugin ABI %d.%d)\n", MISTMCP_VERSION,
               mm_generated_catalog.spec_version, MISTMCP_ABI_MAJOR, MISTMCP_ABI_MINOR);
        mm_config_free(&cfg);
        return 0;
    case MM_ACTION_CHECK_PROMPTS:
        rc = check_prompts(&cfg);
        mm_config_free(&cfg);
        return rc;
    default: break;
    }

    mm_strlist dirs = {0};
    mm_registry *reg = NULL;
    char err[512];
    if (mm_plugin_dirs_resolve((const char *const *)cfg.plugin_dirs.items, cfg.plugin_dirs.count,
                               cfg.no_default_plugin_dir, &dirs, err, sizeof err) != 0) {
        fprintf(stderr, "mistmcp: %s\n", err); /* names the directory */
        mm_strlist_free(&dirs);
        mm_config_free(&cfg);
        return 2;
    }
    rc = mm_registry_create(&mm_generated_catalog, (const char *const *)dirs.items, dirs.count,
                            mm_host_api(), &reg, err, sizeof err);
    mm_strlist_free(&dirs);
    if (rc != 0) {
        fprintf(stderr, "mistmcp: %s\n", err);
        mm_config_free(&cfg);
        return 1;
    }
    const char **names = mm_xcalloc(mm_registry_count(reg) + 1, sizeof *names);
    for (size_t i = 0; i < mm_registry_count(reg); i++)
        names[i] = mm_category_name(mm_registry_at(reg, i));
    rc = mm_config_check_categories(&cfg, names, mm_registry_count(reg), stderr);
    if (rc == 0)
        rc = check_enableable(&cfg, reg);
    if (rc != 0) {
        /* the message is out; exit 2 */
    } else if (cfg.action == MM_ACTION_LIST_CATEGORIES) {
        rc = mm_report_categories(reg, mm_generated_catalog.spec_version, stdout);
    } else if (cfg.action == MM_ACTION_CHECK_PLUGINS) {
        rc = mm_report_check_plugins(reg, stdout, stderr);
    } else if (cfg.action == MM_ACTION_CONFIG) {
        /* After the checks above: a set-up whose categories or plugin directories would
         * stop mistmcp is refused now, not when the client starts it. */
        rc = mm_client_setup_print(&cfg, stdout, stderr);
    } else {
        mm_report_missing(reg, stderr); /* a wrong directory shows at once */
        /* An env file given for its token, without one: said at start-up, naming the file
         * (each Mist call says it again). Over HTTP the clients bring the tokens; the demo
         * needs none. Here, not in mm_config_load: loading prints nothing unless it fails. */
        if (cfg.tokens.count == 0 && cfg.env_file && cfg.transport == MM_TRANSPORT_STDIO &&
            !cfg.demo && cfg.action == MM_ACTION_SERVE) {
            char *shown = mm_text_shown(cfg.env_file);
            fprintf(stderr,
                    "mistmcp: warning: the env file %s sets no MIST_API_TOKEN (nor "
                    "MIST_APITOKEN), and neither does the environment: Mist calls will fail "
                    "until one is set\n",
                    shown);
            free(shown);
        }
        mm_demo *demo = cfg.demo ? start_demo(&cfg) : NULL;
        rc = cfg.demo && !demo ? 1 : serve(&cfg, reg, names);
        mm_demo_stop(&demo);
    }
    free(names);
    mm_registry_destroy(&reg);
    mm_config_free(&cfg);
    return rc;
}
