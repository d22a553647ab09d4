#define _GNU_SOURCE /* pipe2 */
#include "base/stop_signal.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t wake_fd = -1;
static int pipe_fds[2] = {-1, -1};

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
    if (wake_fd >= 0) {
        ssize_t ignored = write(wake_fd, "x", 1);
        (void)ignored;
    }
}

int mm_stop_signal_install(void)
{
    if (pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0)
        return -1;
    wake_fd = pipe_fds[1];
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* systemctl reload (mistmcp.service's ExecReload) sends SIGHUP, whose default would stop
     * the server. An audit log file (base/audit_log.c, opened before this) reopens on it;
     * without one there is nothing to reopen, and it is ignored. */
    struct sigaction hup;
    if (sigaction(SIGHUP, NULL, &hup) == 0 && hup.sa_handler == SIG_DFL)
        signal(SIGHUP, SIG_IGN);
    return pipe_fds[0];
}

int mm_stop_signal_requested(void)
{
    return stop_requested;
}

void mm_stop_signal_release(void)
{
    wake_fd = -1;
    for (int i = 0; i < 2; i++)
        if (pipe_fds[i] >= 0) {
            close(pipe_fds[i]);
            pipe_fds[i] = -1;
        }
}
