#define _GNU_SOURCE
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int mm_child_spawn(mm_child *c, char *const argv[], char *const envp[])
{
    extern char **environ;
    int a[2], b[2];
    c->len = 0;
    if (!c->buf) {
        c->cap = 1 << 16;
        c->buf = malloc(c->cap);
    }
    if (pipe2(a, O_CLOEXEC) || pipe2(b, O_CLOEXEC))
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(a[0], 0);
        dup2(b[1], 1);
        if (c->stderr_path) {
            int fd = open(c->stderr_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (fd >= 0)
                dup2(fd, 2);
        }
        execve(argv[0], argv, envp ? envp : environ);
        _exit(127);
    }
    close(a[0]);
    close(b[1]);
    c->pid = pid;
    c->in = a[1];
    c->out = b[0];
    return 0;
}

int mm_child_send(mm_child *c, const char *line)
{
    size_t n = strlen(line);
    char *buf = malloc(n + 1);
    memcpy(buf, line, n);
    buf[n] = '\n';
    size_t off = 0;
    while (off < n + 1) {
        ssize_t w = write(c->in, buf + off, n + 1 - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            free(buf);
            return -1;
        }
        off += (size_t)w;
    }
    free(buf);
    return 0;
}

char *mm_child_read_line(mm_child *c, int timeout_ms)
{
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (size_t seen = 0;;) {
        char *nl = memchr(c->buf + seen, '\n', c->len - seen);
        seen = c->len;
        if (nl) {
            size_t n = (size_t)(nl - c->buf);
            char *line = strndup(c->buf, n);
            memmove(c->buf, nl + 1, c->len - n - 1);
            c->len -= n + 1;
            return line;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        long left =
            timeout_ms - ((now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000);
        struct pollfd p = {.fd = c->out, .events = POLLIN};
        if (c->len + 1 >= c->cap) {
            if (c->cap >= MM_CHILD_MAX_LINE)
                return NULL;
            c->buf = realloc(c->buf, c->cap *= 2);
        }
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return NULL;
        ssize_t got = read(c->out, c->buf + c->len, c->cap - c->len - 1);
        if (got <= 0)
            return NULL;
        c->len += (size_t)got;
    }
}

int mm_child_finish(mm_child *c, int timeout_ms)
{
    close(c->in);
    int status = -1;
    for (int waited = 0; waited < timeout_ms; waited += 10) {
        if (waitpid(c->pid, &status, WNOHANG) == c->pid) {
            close(c->out);
            free(c->buf);
            c->buf = NULL;
            return status;
        }
        usleep(10000);
    }
    kill(c->pid, SIGKILL);
    waitpid(c->pid, &status, 0);
    close(c->out);
    free(c->buf);
    c->buf = NULL;
    return status;
}

long mm_child_peak_rss_kib(const mm_child *c)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)c->pid);
    FILE *f = fopen(path, "r");
    long kib = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kib = atol(line + 6);
    if (f)
        fclose(f);
    return kib;
}

int mm_child_start_fake_mist(mm_child *c, const char *fake_mist, const char *log_path,
                             int max_seconds)
{
    char seconds[16];
    snprintf(seconds, sizeof seconds, "%d", max_seconds);
    char *argv[] = {(char *)fake_mist, (char *)log_path, "--max-seconds", seconds, NULL};
    if (mm_child_spawn(c, argv, NULL) != 0)
        return -1;
    char *line = mm_child_read_line(c, 10000); /* "PORT <n>" */
    int port = line && strncmp(line, "PORT ", 5) == 0 ? atoi(line + 5) : 0;
    free(line);
    return port > 0 ? port : -1;
}
