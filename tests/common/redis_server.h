/*
 * A real redis-server from Debian for tests and benchmarks: started on a loopback port with no
 * persistence and its files in a directory the caller gives, waited for (it accepts
 * connections), stopped. Also a free loopback port and whether a port accepts connections.
 * Ownership: the caller stops what it started. Single-threaded (spawns and waits).
 */
#ifndef MISTMCP_TEST_REDIS_SERVER_H
#define MISTMCP_TEST_REDIS_SERVER_H

#include <sys/types.h>

/* A loopback TCP port nobody listens on now (bound and released), or -1. */
int mm_test_free_port(void);
/* 1 if something accepts connections on 127.0.0.1:port. */
int mm_test_port_accepts(int port);
/* The path of redis-server on PATH (the caller frees it), or NULL. */
char *mm_test_redis_find(void);
/* Starts exe (redis-server) in dir on port, or on a free one when port is 0 (3 tries: another
 * process may take it first), with --requirepass password unless NULL. Returns its port once
 * it accepts connections (5 s at most per try) with *pid set, or -1. */
int mm_test_redis_start(const char *exe, const char *dir, int port, const char *password,
                        pid_t *pid);
/* SIGKILL and reap; *pid becomes 0. A no-op for 0. */
void mm_test_redis_stop(pid_t *pid);

#endif
