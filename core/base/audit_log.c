#define _GNU_SOURCE /* O_CLOEXEC */
#include "base/audit_log.h"

#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Counts SIGHUPs: a log whose `seen` differs reopens before its next line. Lock-free
 * atomic (C11 7.14.1.1 allows it in a handler): written there, read by worker threads. */
static atomic_int hup_count;

static void on_hup(int sig)
{
    (void)sig;
    atomic_fetch_add(&hup_count, 1);
}

struct mm_audit_log {
    pthread_mutex_t lock;
    char *path;
    int fd;   /* -1 after a failed reopen */
    int owns; /* 1: a file we opened (not stderr) */
    int seen;
};

static int open_file(const char *path)
{
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
}

mm_audit_log *mm_audit_log_open(const char *path, char *err, size_t err_size)
{
    int stderr_log = strcmp(path, "-") == 0;
    int fd = stderr_log ? STDERR_FILENO : open_file(path);
    if (fd < 0) {
        mm_fail(err, err_size, "cannot open the audit log %s: %s", path, strerror(errno));
        return NULL;
    }
    mm_audit_log *log = mm_xcalloc(1, sizeof *log);
    pthread_mutex_init(&log->lock, NULL);
    log->path = mm_xstrdup(path);
    log->fd = fd;
    log->owns = !stderr_log;
    if (log->owns) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_hup;
        sa.sa_flags = SA_RESTART;
        sigaction(SIGHUP, &sa, NULL);
    }
    log->seen = atomic_load(&hup_count);
    return log;
}

void mm_audit_log_close(mm_audit_log **logp)
{
    mm_audit_log *log = *logp;
    if (!log)
        return;
    if (log->owns && log->fd >= 0)
        close(log->fd);
    pthread_mutex_destroy(&log->lock);
    free(log->path);
    free(log);
    *logp = NULL;
}

const char *mm_audit_log_path(const mm_audit_log *log)
{
    return log->path;
}

/* Under the lock: reopens the file if a SIGHUP came since the last line, or if the last
 * reopen failed. */
static int reopen_if_asked(mm_audit_log *log, char *err, size_t err_size)
{
    int now = atomic_load(&hup_count);
    if (!log->owns || (now == log->seen && log->fd >= 0))
        return 0;
    int fd = open_file(log->path);
    if (fd < 0) {
        int e = errno;
        if (log->fd >= 0)
            close(log->fd);
        log->fd = -1;
        return mm_fail(err, err_size, "cannot reopen the audit log %s after SIGHUP: %s", log->path,
                       strerror(e));
    }
    if (log->fd >= 0)
        close(log->fd);
    log->fd = fd;
    log->seen = now;
    return 0;
}

int mm_audit_log_append(mm_audit_log *log, const char *line, char *err, size_t err_size)
{
    size_t n = strlen(line);
    char *buf = mm_xmalloc(n + 1);
    memcpy(buf, line, n);
    buf[n] = '\n';
    pthread_mutex_lock(&log->lock);
    int rc = reopen_if_asked(log, err, err_size);
    if (rc == 0) {
        ssize_t w;
        do
            w = write(log->fd, buf, n + 1);
        while (w < 0 && errno == EINTR);
        if (w != (ssize_t)(n + 1))
            rc = mm_fail(err, err_size, "cannot write to the audit log %s: %s", log->path,
                         w < 0 ? strerror(errno) : "short write");
    }
    pthread_mutex_unlock(&log->lock);
    free(buf);
    return rc;
}
