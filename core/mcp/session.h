/*
 * One client session: its mode, enabled categories (each holding a registry reference),
 * credentials, negotiated protocol version and log level, and the requests in flight.
 *
 * Outgoing messages go through the session's send callback, which must be thread-safe (the
 * stdio transport writes under a mutex). Thread-safety: every function locks the session;
 * plugin code and network I/O never run under that lock.
 * Ownership: the session owns its strings and references; mm_session_destroy releases them.
 */
#ifndef MISTMCP_CORE_MCP_SESSION_H
#define MISTMCP_CORE_MCP_SESSION_H

#include "mcp/server.h"
#include "registry/registry.h"

#include <cjson/cJSON.h>
#include <mistmcp/plugin.h>
#include <pthread.h>
#include <stdatomic.h>

typedef void (*mm_send_fn)(void *ctx, const char *json_line);

typedef struct mm_inflight {
    cJSON *id; /* the request id (owned copy) */
    atomic_int cancelled;
    /* Where notifications about this request go (an HTTP POST's event stream), set by the
     * transport before the request runs; NULL: the session's send. */
    mm_send_fn send;
    void *send_ctx;
    /* A modern request's log level (MCP 2026-07-28 server/utilities/logging, "Per-request log
     * level"): the mistmcp_log_level of its _meta io.modelcontextprotocol/logLevel, or
     * MM_LOG_NONE (no notifications/message at all). Set before the request runs; unused by a
     * legacy session, whose level is the session's (logging/setLevel). */
    int log_level;
    struct mm_inflight *next;
} mm_inflight;

#define MM_LOG_NONE (-1)

struct mm_write_tokens;
struct mm_client_requests;

typedef struct mm_session {
    const mm_server *srv;
    /* The session's id for the audit log (read it with mm_session_id): the HTTP session id,
     * set by the session store when it adds the session, else "" until first asked for. */
    char id[40];
    /* initialize's clientInfo (under lock; NULL until then), for the audit log. */
    char *client_name, *client_version;
    /* Write confirmation tokens issued to this session (mcp/write_confirm.h) and requests sent
     * to the client awaiting replies (mcp/client_request.h): owned, made on first use (under
     * lock: mm_session_write_tokens, mm_session_asks), NULL until then. */
    struct mm_write_tokens *write_tokens;
    struct mm_client_requests *asks;
    /* initialize declared capabilities.elicitation with form mode (under lock). */
    int client_elicits;
    /* initialize declared capabilities.sampling, capabilities.roots (under lock). */
    int client_samples, client_roots;
    pthread_mutex_t lock;
    mm_mode mode;
    int write_tools;
    unsigned char *enabled; /* per registry index: holds a reference when 1 */
    char *token;            /* secret: as given, one token or a comma-separated list */
    char **tokens;          /* secret: the list, each trimmed; rotated through on 429 */
    size_t token_count;
    atomic_size_t token_at; /* the one in use */
    char *org_id;
    char protocol_version[16];
    int initialized;
    /* Serves modern-era requests (MCP 2026-07-28, mcp/era.h), set once before the session is
     * used: its categories never change (manageMcpTools is not offered, callMistTool reaches
     * every catalog tool without enabling its category), so that tools/list depends only on
     * the settings it was created with; it never sends a message that no request asked for. */
    int modern;
    /* Lives for one request only (a 2026-07-28 request over HTTP), set once before use: what
     * it is given dies with the answer, so a write confirmation it issued could never be
     * redeemed (mcp/write_gate.h refuses to offer one). */
    int per_request;
    int log_level; /* mistmcp_log_level; notifications/message at or above it */
    mm_inflight *inflight;
    atomic_int closing; /* shutting down: new requests start cancelled */
    mm_send_fn send;
    void *send_ctx;
    struct mm_mist_client *mist; /* the session's own cloud (HTTP), owned; NULL: the server's */
    void (*on_destroy)(void *send_ctx); /* frees send_ctx with the session, may be NULL */
    /* Set once Mist accepted the session's token (a 2xx answer); the first time, the session
     * calls on_token_accepted(accepted_ctx) if set (the HTTP session store's budgets). */
    atomic_int token_accepted;
    void (*on_token_accepted)(void *ctx);
    void *accepted_ctx;
    /* A message from the client about a request this process does not hold (a reply to a
     * request another replica sent, a notifications/cancelled for a call another replica
     * runs): handed to forward(forward_ctx, s, msg) when set (a shared session store passes it
     * to the other replicas), else dropped. Set once before the session is used. */
    void (*forward)(void *ctx, struct mm_session *s, const cJSON *msg);
    void *forward_ctx;
} mm_session;

/* Creates a session in the given mode; custom/all enable their categories at once. token may
 * be NULL, one token, or several separated by commas. Returns NULL with a message if a
 * category of the mode cannot be enabled. */
mm_session *mm_session_create(const mm_server *srv, mm_mode mode, const char *const *categories,
                              size_t category_count, const char *token, const char *org_id,
                              mm_send_fn send, void *send_ctx, char *err, size_t err_size);
/* The session of the operator's own settings, as MCP over stdio and the terminal commands
 * have it: srv->cfg's mode, categories, every token (rotated on 429) and org id. NULL with a
 * message as for mm_session_create. Thread-safe as mm_session_create. */
mm_session *mm_session_create_own(const mm_server *srv, mm_send_fn send, void *send_ctx, char *err,
                                  size_t err_size);
void mm_session_destroy(mm_session **session);

/* The token to send now (NULL if none). Valid for the session's life. */
const char *mm_session_token(mm_session *s);
/* Mist refused `used` with 429: the next call uses the next token, if there is another.
 * Returns 1 if it rotated (concurrent callers rotate once for the same refusal). */
int mm_session_rotate_token(mm_session *s, const char *used);

/* Mist answered a call made with the session's token with a 2xx status: the token is real.
 * Thread-safe; calls on_token_accepted once, on the first such answer. */
void mm_session_token_accepted(mm_session *s);
/* Sends a JSON-RPC message (takes ownership of msg). */
void mm_session_send(mm_session *s, cJSON *msg);
/* Sends msg (taken) on req's stream when it has one (an HTTP POST's event stream), else as
 * mm_session_send; req may be NULL. */
void mm_session_send_on(mm_session *s, const mm_inflight *req, cJSON *msg);
/* Sends a notification method with params (takes ownership of params, may be NULL). req is
 * the request it is about (its stream, if it has one, carries it), or NULL. */
void mm_session_notify(mm_session *s, const mm_inflight *req, const char *method, cJSON *params);
/* notifications/message when the client asked for level (mm_session_client_wants_log); req as
 * for mm_session_notify. */
void mm_session_log(mm_session *s, const mm_inflight *req, mistmcp_log_level level,
                    const char *text);
/* 1 if a message at level about req (may be NULL) would go anywhere (client or --debug
 * stderr): lets callers skip formatting it. */
int mm_session_wants_log(mm_session *s, const mm_inflight *req, mistmcp_log_level level);
/* 1 if the client itself asked for messages at level: a legacy session with logging/setLevel
 * (after initialized), a modern one only for a request (req) whose _meta named a level at or
 * below it (MCP 2026-07-28: never for a request without io.modelcontextprotocol/logLevel). */
int mm_session_client_wants_log(mm_session *s, const mm_inflight *req, mistmcp_log_level level);

/* 1 if the category at registry index is enabled in this session. */
int mm_session_enabled(mm_session *s, size_t index);
/* Enables/disables one category by registry index. Returns 1 if the set changed, 0 if not,
 * -1 with a message if the plugin could not be loaded. */
int mm_session_enable(mm_session *s, size_t index, char *err, size_t err_size);
int mm_session_disable(mm_session *s, size_t index);

/* Finds a visible tool by name in the enabled categories and takes a registry reference for
 * the call (released with mm_registry_release on *cat). *schema (if schema is not NULL) gets
 * its parsed input schema, valid while the reference is held. Returns NULL if none. */
const mistmcp_tool *mm_session_find_tool(mm_session *s, const char *name, mm_category **cat,
                                         const cJSON **schema);

/* The visible tool name of the category at registry index, whether the session enabled it or
 * not (the modern era's callMistTool), with a reference as for mm_session_find_tool. NULL if
 * that category has no such tool or cannot be loaded. */
const mistmcp_tool *mm_session_find_tool_at(mm_session *s, size_t index, const char *name,
                                            mm_category **cat, const cJSON **schema);

/* In-flight requests, for notifications/cancelled. */
mm_inflight *mm_session_begin_request(mm_session *s, const cJSON *id);
void mm_session_end_request(mm_session *s, mm_inflight *req);
/* Cancels the request in flight with this id: 1 if one was found, 0 if none. */
int mm_session_cancel(mm_session *s, const cJSON *id);
/* 1 once the client sent notifications/initialized. */
int mm_session_is_initialized(mm_session *s);
/* Cancels every request in flight and every later one: the session is ending. */
void mm_session_cancel_all(mm_session *s);

/* Records initialize's clientInfo name and version (each may be NULL), each cut to
 * MM_CLIENT_INFO_MAX bytes (a client's own words: they go into the audit log and, with a
 * shared store, into Redis for the session's life). */
#define MM_CLIENT_INFO_MAX 128
void mm_session_set_client(mm_session *s, const char *name, const char *version);
/* The session's id for logs: the HTTP session id, else 32 random hex digits drawn on the
 * first call. Thread-safe; valid for the session's life. */
const char *mm_session_id(mm_session *s);
/* The session's write token store, made on first use. Thread-safe; valid for its life. */
struct mm_write_tokens *mm_session_write_tokens(mm_session *s);
/* The session's table of requests to the client: made on first use when create is set, else
 * NULL if none was ever made. Thread-safe; valid for its life. */
struct mm_client_requests *mm_session_asks(mm_session *s, int create);
/* 1 if the client declared form-mode elicitation at initialize. */
int mm_session_client_elicits(mm_session *s);
/* "name/version" of the client (or "unknown"), into buf. */
void mm_session_client(mm_session *s, char *name, size_t name_size, char *version,
                       size_t version_size);

/* What a session's requests change, as one JSON object for a shared session store
 * (mcp/session_shared.h): the enabled categories by name ("*" for an all-mode session whose
 * categories are those all mode enabled), the negotiated protocol version,
 * whether notifications/initialized came, the log level, initialize's clientInfo and the
 * client capabilities the server acts on. Never a token. Returns a string the caller frees.
 * Thread-safe. Two sessions in the same state give the same text. */
char *mm_session_state_json(mm_session *s);
/* Makes s match a state from mm_session_state_json (another replica's): enables and disables
 * categories to match (an unknown or absent category is skipped, named in err), sets the
 * rest. Returns 0, 1 when something could not be applied (err says what; the rest was), or -1
 * when text is not such a state (nothing changed). Thread-safe; loads plugins outside the
 * session lock, as mm_session_enable does. */
int mm_session_state_apply(mm_session *s, const char *text, char *err, size_t err_size);

/* 1 if the tool is visible in this session (write tools only with write_tools). */
int mm_session_tool_visible(const mm_session *s, const mistmcp_tool *tool);

#endif
