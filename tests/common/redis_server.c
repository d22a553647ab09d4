#define _GNU_SOURCE
#include "redis_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int mm_test_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

int mm_test_port_accepts(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

char *mm_test_redis_find(void)
{
    const char *path = getenv("PATH");
    char *copy = strdup(path ? path : "/usr/bin:/bin");
    char *found = NULL, *save = NULL;
    for (char *dir = copy ? strtok_r(copy, ":", &save) : NULL; dir && !found;
         dir = strtok_r(NULL, ":", &save)) {
        char p[4096];
        snprintf(p, sizeof p, "%s/redis-server", dir);
        if (access(p, X_OK) == 0)
            found = strdup(p);
    }
    free(copy);
    return found;
}

int mm_test_redis_start(const char *exe, const char *dir, int port, const char *password,
                        pid_t *pid)
{
    for (int attempt = 0; attempt < 3; attempt++) {
        int p = port ? port : mm_test_free_port();
        if (p <= 0)
            return -1;
        char port_s[16], log[600];
        snprintf(port_s, sizeof port_s, "%d", p);
        snprintf(log, sizeof log, "%s/redis.log", dir);
        char *argv[] = {(char *)exe,
                        "--port",
                        port_s,
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        (char *)dir,
                        "--logfile",
                        log,
                        "--daemonize",
                        "no",
                        password ? "--requirepass" : NULL,
                        (char *)password,
                        NULL};
        if (posix_spawn(pid, exe, NULL, NULL, argv, environ) != 0)
            return -1;
        for (int i = 0; i < 250; i++) {
            if (mm_test_port_accepts(p))
                return p;
            if (waitpid(*pid, NULL, WNOHANG) == *pid)
                break; /* it exited: the port was taken meanwhile */
            nanosleep(&(struct timespec){.tv_nsec = 20 * 1000000L}, NULL);
        }
        mm_test_redis_stop(pid);
        if (port)
            return -1; /* a port the caller chose: no other to try */
    }
    return -1;
}

void mm_test_redis_stop(pid_t *pid)
{
    if (*pid > 0) {
        kill(*pid, SIGKILL);
        waitpid(*pid, NULL, 0);
    }
    *pid = 0;
}
