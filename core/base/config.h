/*
 * The server's settings: command line, environment, env file and defaults, with the
 * precedence command line > environment > env file > default (DESIGN.md §1).
 *
 * mm_config_load fills an mm_config or returns 2 after printing one line that names the bad
 * value (the exit status for usage errors). Category names are checked later, against the
 * registry (mm_config_check_categories). Tokens are kept in memory only; nothing here prints
 * them (mm_token_fingerprint gives a loggable stand-in).
 *
 * Ownership: the config owns every string; mm_config_free releases them. Read-only after
 * loading, so any thread may read it.
 */
#ifndef MISTMCP_CORE_BASE_CONFIG_H
#define MISTMCP_CORE_BASE_CONFIG_H

#include <stddef.h>
#include <stdio.h>

typedef enum mm_action {
    MM_ACTION_SERVE = 0,
    MM_ACTION_HELP,
    MM_ACTION_VERSION,
    MM_ACTION_LIST_CATEGORIES,
    MM_ACTION_CHECK_PLUGINS,
    MM_ACTION_CHECK_PROMPTS, /* --check-prompts */
    /* The tools from a terminal (transport/terminal.h): the command word and its operands. */
    MM_ACTION_SEARCH,   /* mistmcp search QUESTION... */
    MM_ACTION_DESCRIBE, /* mistmcp describe TOOL [FIELD] */
    MM_ACTION_CALL,     /* mistmcp call TOOL [key=value...] [--json ARGS] */
    MM_ACTION_CONFIG    /* mistmcp config CLIENT [--http URL] (base/client_setup.h) */
} mm_action;

typedef enum mm_transport { MM_TRANSPORT_STDIO = 0, MM_TRANSPORT_HTTP } mm_transport;

typedef enum mm_mode {
    MM_MODE_MINIMAL = 0, /* getSelf and manageMcpTools only */
    MM_MODE_MANAGED,     /* plus discovery; categories enabled per session */
    MM_MODE_ALL,         /* every category from the start */
    MM_MODE_CUSTOM       /* the categories named by --categories, more can be enabled */
} mm_mode;

/* How a write is confirmed before it reaches Mist (--write-confirmation). */
typedef enum mm_write_confirmation {
    MM_CONFIRM_DEFAULT = 0, /* not chosen: elicit when the client can, else token */
    MM_CONFIRM_TOKEN,       /* a preview and a one-time token; the same call with confirm sends */
    MM_CONFIRM_NONE,        /* straight through: the operator chose it (automation) */
    MM_CONFIRM_ELICIT       /* the user is asked through the client (elicitation/create); a
                               client that cannot elicit cannot write */
} mm_write_confirmation;

typedef struct mm_strlist {
    char **items;
    size_t count;
} mm_strlist;

typedef struct mm_config {
    mm_action action;
    mm_strlist operands; /* search, describe, call: the words after the command, in order */
    char *call_json;     /* call: --json's text as given (checked by the command), or NULL */
    char *config_http;   /* config: --http's URL as given (checked by the command), or NULL */
    mm_transport transport;
    mm_mode mode;
    mm_strlist categories; /* custom mode */
    int debug;
    char *host; /* HTTP bind address */
    int port;
    char *env_file; /* the file read, or NULL */
    int enable_write_tools;
    mm_write_confirmation write_confirmation;
    char *audit_log;    /* --audit-log: a path, "-" for stderr, or NULL (none) */
    char *prompts_file; /* --prompts: the operator's prompt definitions, or NULL */
    /* --request-state-key-file: the file whose SHA-256 signs requestState, or NULL (a random
     * key per process) */
    char *request_state_key_file;
    /* --session-store: a redis:// or unix:// URL (secret: may hold a password), or NULL for
     * the in-memory store; --session-secret-file: the file whose SHA-256 keys the token
     * binding of shared sessions, or NULL. */
    char *session_store;
    char *session_secret_file;
    int demo; /* --demo, MISTMCP_DEMO: the built-in simulated Mist cloud is the far end */
    mm_strlist plugin_dirs;     /* searched before the default directory */
    int no_default_plugin_dir;  /* 1: only plugin_dirs (then never empty) */
    mm_strlist headers;         /* "Name: value", HTTP responses */
    mm_strlist clouds;          /* the allow-list: Mist's clouds plus --allow-cloud */
    mm_strlist origins;         /* --allow-origin: browser origins allowed besides loopback ones */
    mm_strlist trusted_proxies; /* --trusted-proxy: addresses or ADDR/PREFIX networks whose
                                   X-Forwarded-For names the client (HTTP budgets, access log) */
    mm_strlist allowed_hosts;   /* --allow-host: Host names answered besides loopback ones,
                                   lower case, without port or trailing dot */
    char *base_path;            /* --base-path: "" (the root) or "/prefix", no trailing '/' */
    int access_log;             /* HTTP: one line per request on stderr (default on) */
    char *metrics_token;        /* secret: the bearer token GET /metrics demands; NULL: open */
    size_t max_result_bytes;
    size_t max_sessions;  /* HTTP */
    size_t max_batch;     /* messages in one JSON-RPC batch (2025-03-26) */
    long session_idle_ms; /* HTTP: idle sessions end after this */
    long connect_timeout_ms;
    long timeout_ms;
    /* The Mist client's resilience (core/mist/call.c). */
    long max_retries;          /* retries after the first attempt */
    long retry_max_ms;         /* one call's attempts and waits together */
    long rate_per_hour;        /* per token; 0: no client-side limit */
    long rate_burst;           /* bucket size */
    long rate_wait_ms;         /* longest wait for the bucket before refusing */
    size_t max_response_bytes; /* a larger Mist answer is stopped */
    /* Credentials (stdio; HTTP sessions bring their own). */
    mm_strlist tokens;  /* secret: never printed */
    char *cloud;        /* e.g. "api.mist.com" */
    char *org_id;       /* default org, or NULL */
    char *api_base_url; /* MISTMCP_API_BASE_URL: operator-only override, tests */
    int http_anonymous; /* MISTMCP_HTTP_ANONYMOUS=1: HTTP requests may come without a token
                           (the official conformance suite sends none); tests only */
} mm_config;

/* How an operator allows write tools, for messages that say why a tool or a category is off:
 * "... start mistmcp with " MM_WRITE_TOOLS_HINT. */
#define MM_WRITE_TOOLS_HINT "--enable-write-tools (or MISTMCP_ENABLE_WRITE_TOOLS=1)"

/* Parses argv and the environment (getenv). Returns 0, or 2 after writing one line to err.
 * The first word that is not an option may name a command (search, describe, call, config):
 * the words after it are its operands, options may come before or after it, and "--" ends the
 * options (for an operand that starts with '-'). Any other word is refused. */
int mm_config_load(int argc, char **argv, mm_config *cfg, FILE *err);

/* 2 (after one line to err) if a configured category is not in the valid list, else 0. */
int mm_config_check_categories(const mm_config *cfg, const char *const *valid, size_t count,
                               FILE *err);

void mm_config_usage(FILE *out);
void mm_config_free(mm_config *cfg);

/* 1 if host is in the cloud allow-list. */
int mm_config_cloud_allowed(const mm_config *cfg, const char *host);

/* 1 if "host[:port]", "[v6]:port" or a bare IPv6 address names this machine's loopback:
 * "localhost", an IPv4 address in 127.0.0.0/8 or ::1 (parsed as addresses:
 * "127.0.0.1.example.com" is a DNS name). Thread-safe. */
int mm_host_is_loopback(const char *hostport);
/* 1 if the host part of a Host header ("name", "name:port", "[v6]:port", a bare IPv6
 * address) is a loopback name (mm_host_is_loopback) or one of the --allow-host names:
 * case-insensitive, the port ignored, one trailing dot ignored. Writes the host part (cut to
 * size) to name when name is not NULL, for messages. Thread-safe. */
int mm_config_host_allowed(const mm_config *cfg, const char *hostport, char *name, size_t size);
/* 1 if addr (an IPv4 or IPv6 address as text) is one of the --trusted-proxy entries (an
 * address, or a network ADDR/PREFIX); 0 if not, or if addr is not an address. */
int mm_config_trusted_proxy(const mm_config *cfg, const char *addr);
/* NULL if entry is an IPv4 or IPv6 address, optionally /PREFIX (0-32, 0-128), else what is
 * expected. */
const char *mm_network_problem(const char *entry);

/* Longest Mist API token accepted, in bytes: Mist's are 64 characters. */
#define MM_TOKEN_MAX 512
/* NULL if token can be a Mist API token, else why not (a static string that never quotes the
 * token): empty, longer than MM_TOKEN_MAX, or holding a space or control byte, which would
 * go raw into the Authorization header sent to Mist. Thread-safe. */
const char *mm_token_problem(const char *token);

const char *mm_mode_name(mm_mode mode);
/* "elicit", "token" or "none"; the default as "default". */
const char *mm_write_confirmation_name(mm_write_confirmation c);

/* The mode and categories a session asks for, by one set of rules wherever they are given
 * (the command line, environment and env file, or an HTTP initialize's query parameters
 * mode= and categories=): mode_text and categories_text are the raw values, NULL when not
 * given. Categories given without a mode mean mode custom; mode custom needs categories;
 * categories with another mode are refused. With neither given, *mode is default_mode and
 * nothing is added. On success sets *mode and appends the (trimmed, non-empty) category
 * names to *categories (caller owns them; they are checked against the registry later).
 * Returns 0, or -1 with one line in err (without a "mistmcp: " prefix) naming the value and
 * what was expected. Thread-safe: touches no shared state. */
int mm_config_session_choice(const char *mode_text, const char *categories_text,
                             mm_mode default_mode, mm_mode *mode, mm_strlist *categories, char *err,
                             size_t err_size);

/* A loggable stand-in for a token: "token#" and 8 hex digits of a hash, never the token. */
void mm_token_fingerprint(const char *token, char *buf, size_t size);

/* Splits "a,b , c" into trimmed non-empty items appended to list. */
void mm_strlist_split(mm_strlist *list, const char *text, char sep);
void mm_strlist_add(mm_strlist *list, const char *item);
void mm_strlist_free(mm_strlist *list);

#endif
