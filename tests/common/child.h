/*
 * A child process behind pipes, for tests and benchmarks that drive a server over stdio:
 * spawn it, write lines to its stdin, read lines from its stdout with a time bound.
 * Ownership: the caller owns the child struct and the lines read_line returns (free()).
 * Single-threaded.
 */
#ifndef MISTMCP_TEST_CHILD_H
#define MISTMCP_TEST_CHILD_H

#include <stddef.h>
#include <sys/types.h>

typedef struct mm_child {
    pid_t pid;
    int in;                  /* write end of the child's stdin */
    int out;                 /* read end of the child's stdout */
    const char *stderr_path; /* set before spawning to send stderr to a file; NULL: inherit */
    char *buf;               /* what was read and not yet returned; grows up to MM_CHILD_MAX_LINE */
    size_t len, cap;
} mm_child;

#define MM_CHILD_MAX_LINE (64u << 20)

/* Starts argv[0] with envp (NULL: this process's environment). Returns 0 or -1. */
int mm_child_spawn(mm_child *c, char *const argv[], char *const envp[]);
/* Writes line and a newline. Returns 0 or -1. */
int mm_child_send(mm_child *c, const char *line);
/* The next line, or NULL after timeout_ms, at end of output or past MM_CHILD_MAX_LINE.
 * Caller frees. Uses a memchr from where the last read stopped (long lines are fine). */
char *mm_child_read_line(mm_child *c, int timeout_ms);
/* Closes stdin, waits up to timeout_ms for exit (then SIGKILL). Returns the wait status. */
int mm_child_finish(mm_child *c, int timeout_ms);
/* Starts the fake Mist backend (tests/fake_mist) logging to log_path, bounded to
 * max_seconds. Returns its port, or -1 if it did not start. */
int mm_child_start_fake_mist(mm_child *c, const char *fake_mist, const char *log_path,
                             int max_seconds);
/* Peak resident set of a running child, in KiB (VmHWM), or -1. */
long mm_child_peak_rss_kib(const mm_child *c);

#endif
