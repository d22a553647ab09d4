/*
 * What a write will do, in the network's words, before it is sent: the method and path, the
 * target object's name, id and type, and
 *   - PUT/PATCH: the fields that change, from what to what, between the current object (read
 *     with a GET of the same path first) and the object after the change (Mist's PUT: the
 *     fields sent replace theirs, the others stay);
 *   - DELETE: what is deleted (name, type, id, from the GET);
 *   - POST: the object to be created (or the action's body).
 * Secrets are masked (mcp/secret_mask.h) in every value shown.
 *
 * Ownership: the caller owns what is returned. Thread-safety: no state.
 */
#ifndef MISTMCP_CORE_MCP_WRITE_PREVIEW_H
#define MISTMCP_CORE_MCP_WRITE_PREVIEW_H

#include <cjson/cJSON.h>

/* Changes listed at most; the preview counts the rest ("more_changes"). */
#define MM_PREVIEW_MAX_CHANGES 100

/* 1 if method to target reads the current object first (PUT, PATCH, DELETE). */
int mm_write_preview_reads_current(const char *method);

/* The preview as a JSON object:
 *   {"tool", "method", "path", "action": "create"|"update"|"delete"|"action",
 *    "target": {"name"?, "id"?, "type"?},
 *    "changes": [{"field", "from"?, "to"?}]   update: a member absent on one side is left out
 *    "more_changes": N                        changes beyond MM_PREVIEW_MAX_CHANGES
 *    "object": {...}                          create and action: the body sent
 *    "current_unavailable": "why"             the GET failed (update, delete)}
 * body is the request body (NULL: none); current the GET's answer (NULL when none was read
 * or it failed: current_note then says why, e.g. "HTTP 404: ..."). */
cJSON *mm_write_preview(const char *tool, const char *method, const char *target, const cJSON *body,
                        const cJSON *current, const char *current_note);

/* The preview as lines for a person, caller frees. */
char *mm_write_preview_text(const cJSON *preview);

#endif
