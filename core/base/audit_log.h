/*
 * The audit log's file: one line per write attempt (the lines are composed by
 * mcp/write_audit.c), appended with O_APPEND in a single write() each, so that the lines of
 * concurrent sessions (and of other processes appending to the same file) never interleave.
 * "-" is stderr. After SIGHUP (log rotation: the file was moved away) the next line goes to a
 * newly opened file at the same path.
 *
 * Errors: a line that cannot be written whole (the disk is full, the file cannot be reopened)
 * is an error the caller must act on: the write it records is then not sent (nothing
 * unaudited reaches Mist). A failed reopen is tried again at the next line.
 *
 * Ownership: one log per server, owned by whoever opened it (main, through mm_server.audit).
 * Thread-safety: mm_audit_log_append may be called from any thread (the log has its own
 * lock). The SIGHUP flag is the one piece of process-wide state: a signal handler can reach
 * nothing else.
 */
#ifndef MISTMCP_CORE_BASE_AUDIT_LOG_H
#define MISTMCP_CORE_BASE_AUDIT_LOG_H

#include <stddef.h>

typedef struct mm_audit_log mm_audit_log;

/* Opens path for appending (created 0600 if absent), or stderr for "-", and, for a file,
 * installs the SIGHUP handler that makes the next line reopen it. NULL with one line in err
 * naming the path and the system's reason. */
mm_audit_log *mm_audit_log_open(const char *path, char *err, size_t err_size);
void mm_audit_log_close(mm_audit_log **log);

/* Appends line and a newline in one write() (line holds no newline: JSON text). Returns 0, or
 * -1 with err naming the path and the reason (short write, ENOSPC, reopen failed). */
int mm_audit_log_append(mm_audit_log *log, const char *line, char *err, size_t err_size);

/* The path given to mm_audit_log_open ("-" for stderr). */
const char *mm_audit_log_path(const mm_audit_log *log);

#endif
