/*
 * The audit trail of writes: one JSON line per write attempt, through the server's audit log
 * (base/audit_log.h), and the attempt counted in the metrics by outcome. A line holds:
 *   time (UTC, milliseconds), session (its id), client {name, version} (initialize's
 *   clientInfo), token_fingerprint (of the Mist API token, never the token), tool, method,
 *   path, body_sha256 (of the body as sent) and body (secrets masked), confirmation (the
 *   mode in effect: elicit, token or none), confirmation_id (12 hex digits of the confirmation
 * token's SHA-256, linking a preview to its confirmation; never the token), outcome (metrics.h:
 *   dry-run, preview, accepted, sent, refused, expired, declined, cancelled), mist_status and
 * mist_request_id (outcome sent: Mist's answer; status 0 when none came), error (why, when there is
 * one). A write that is sent has two lines: "accepted" before it leaves (nothing unaudited is sent)
 * and "sent" with Mist's answer.
 *
 * Thread-safety: any thread (the log has its own lock; the metrics are atomics).
 */
#ifndef MISTMCP_CORE_MCP_WRITE_AUDIT_H
#define MISTMCP_CORE_MCP_WRITE_AUDIT_H

#include "base/metrics.h"
#include "mcp/session.h"

typedef struct mm_write_record {
    const char *tool;
    const char *method; /* NULL when not known (a refused token before a plugin ran) */
    const char *target; /* path and query */
    const char *body;   /* JSON text sent, or NULL */
    mm_write_outcome outcome;
    const char *confirmation_id; /* or NULL */
    long mist_status;            /* outcome sent: the HTTP status, 0 when no answer */
    const char *mist_request_id; /* or NULL */
    const char *error;           /* or NULL */
    const char *confirmation;    /* the mode in effect: "elicit", "token" or "none" */
} mm_write_record;

/* Counts r's outcome and appends its line to the server's audit log, if it has one.
 * Returns 0, or -1 with err (naming the log and the reason) when the line could not be
 * written: the caller must then not send the write. */
int mm_write_audit(mm_session *s, const mm_write_record *r, char *err, size_t err_size);

/* The line for r, as mm_write_audit writes it (caller frees); for tests. */
char *mm_write_audit_line(mm_session *s, const mm_write_record *r);

#endif
