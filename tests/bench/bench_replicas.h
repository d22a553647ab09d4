/*
 * The parts of the benchmark's replica rows (issue 20): a redis-server and an HAProxy in front
 * of mistmcp replicas, each started on a free loopback port in a scratch directory, and what
 * the rows read from them (Redis's memory, a replica's /metrics).
 * Ownership: the caller owns the children (stop them with br_stop). Single-threaded.
 */
#ifndef MISTMCP_BENCH_REPLICAS_H
#define MISTMCP_BENCH_REPLICAS_H

#include "child.h"

#include <stddef.h>

/* A free loopback TCP port (bound and released: another process may take it first). */
int br_free_port(void);
/* 1 if the program is on PATH. */
int br_have(const char *program);
/* redis-server on a free port with no persistence, in dir: its port, or -1 when it did not
 * answer PING within 5 s. */
int br_redis_start(mm_child *c, const char *dir);
/* HAProxy (config written into dir) balancing each request round-robin over the n mistmcp
 * replicas on ports: its port, or -1 when it did not start within 5 s. */
int br_haproxy_start(mm_child *c, const char *dir, const int *ports, size_t n);
/* SIGTERM, then up to 5 s, then SIGKILL. */
void br_stop(mm_child *c);
/* Redis's used_memory (INFO memory) in bytes, or -1. */
long long br_redis_used_memory(int port);
/* The sum of a /metrics series' values (the lines starting with name followed by '{' or ' ')
 * at the server whose /mcp URL is mcp_url; -1 if it could not be read. */
double br_metric(const char *mcp_url, const char *name);

#endif
