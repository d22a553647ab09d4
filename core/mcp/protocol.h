/*
 * MCP over JSON-RPC 2.0: one parsed message in, the response out (NULL for notifications and
 * for cancelled requests). A session speaks one era: legacy (2024-11-05, 2025-03-26,
 * 2025-06-18, 2025-11-25, after initialize), or, when it is a modern session (s->modern),
 * 2026-07-28, every request checked on its own _meta (mcp/era.h). The transport picks the
 * session by the message's era (mm_era_is_modern). Transport-neutral: stdio and HTTP both
 * call it. Thread-safe: messages of one session may be
 * handled concurrently (tools/call runs on workers).
 */
#ifndef MISTMCP_CORE_MCP_PROTOCOL_H
#define MISTMCP_CORE_MCP_PROTOCOL_H

#include "mcp/session.h"
#include "mist/client.h"

#include <cjson/cJSON.h>
#include <stdatomic.h>

#define MM_PROTOCOL_LATEST "2025-11-25"

/* JSON-RPC error codes. */
#define MM_PARSE_ERROR -32700
#define MM_INVALID_REQUEST -32600
#define MM_METHOD_NOT_FOUND -32601
#define MM_INVALID_PARAMS -32602
#define MM_INTERNAL_ERROR -32603

/* Handles one message (an object). conn is the calling worker's Mist connection. request is
 * the in-flight entry the transport registered when it queued a tools/call (so that a cancel
 * reaches it before it starts), or NULL; the handler ends it either way. */
cJSON *mm_protocol_handle(mm_session *s, mm_mist_conn *conn, const cJSON *msg,
                          mm_inflight *request);

/* A batch (array), for protocol 2025-03-26 only: returns the array of responses (each already
 * printed, as a raw item: its size is counted against --max-response-bytes, and printing the
 * array copies it), NULL when there is none, or an error response when batches are not
 * allowed. Past --max-batch requests, or past --max-response-bytes of answer, the requests
 * left get an error each, with their ids. */
/* abandoned (may be NULL) is set by the transport when the client went away: the messages
 * not yet started are not (and the answer is NULL). */
cJSON *mm_protocol_handle_batch(mm_session *s, mm_mist_conn *conn, const cJSON *batch,
                                const atomic_int *abandoned);

/* 1 if handling msg may take long (tools/call, batches): run it on a worker. */
int mm_protocol_is_slow(const cJSON *msg);

/* 1 if a single tools/call may send notifications before its answer (a progress token, debug
 * logs asked for, a tool that may log or announce list changes): a transport that can stream
 * them with the answer (HTTP POST as an event stream) runs it so. */
int mm_protocol_may_notify(mm_session *s, const cJSON *msg);

/* Why name is not a tool of this session, for the model: which category to enable, or that
 * write tools are off, or that no tool has that name. */
void mm_protocol_unknown_tool(mm_session *s, const char *name, char *out, size_t size);

/* An error response; id may be NULL (then "id": null). */
cJSON *mm_protocol_error(const cJSON *id, int code, const char *message);

/* The MCP method a client most likely meant by method, for names that were never MCP but
 * that older documentation showed ("call_tool" -> "tools/call", "list_tools" ->
 * "tools/list"); NULL for any other name (or NULL). Static strings; thread-safe. */
const char *mm_protocol_method_hint(const char *method);

#endif
