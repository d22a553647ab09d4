/*
 * The demo cloud (--demo): a simulated Mist API inside the mistmcp process, served over HTTP on
 * a loopback port so that a demo call takes the same path as a real one (request building,
 * the libcurl client with its retries and rate limit, result shaping); only the far end
 * differs. See docs/DEMO.md.
 *
 * Ownership: mm_demo_start returns a running demo the caller stops with mm_demo_stop (which
 * frees it). Thread-safety: its HTTP thread reads an immutable world; start and stop from one
 * thread.
 */
#ifndef MISTMCP_DEMO_DEMO_H
#define MISTMCP_DEMO_DEMO_H

#include <stddef.h>

typedef struct mm_demo mm_demo;

/* The token a session without one uses against the demo cloud. */
#define MM_DEMO_TOKEN "demo-token"

/* Builds the demo world and serves it on 127.0.0.1 at a port the kernel picks; writes
 * "http://127.0.0.1:PORT" (the Mist API base URL to use) into base_url. Returns NULL with one
 * line in err if libmicrohttpd cannot be loaded or the socket cannot be bound. */
mm_demo *mm_demo_start(char *base_url, size_t size, char *err, size_t err_size);

/* Stops serving, waits for the HTTP thread, frees the world. *d becomes NULL; NULL is fine. */
void mm_demo_stop(mm_demo **d);

#endif
