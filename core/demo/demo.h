/*
 * The demo cloud (--demo): a simulated Mist API inside the mistmcp process, served over HTTP on
 * a loopback port so that a demo call takes the same path as a real one (request building,
 * the libcurl client with its retries and rate limit, result shaping); only the far end
 * differs. See docs/DEMO.md.
 *
 * Each Mist token is a session of the demo cloud: its writes change the world for its own
 * later requests only (copy-on-write over one shared world, demo/store.h), within limits, and
 * are forgotten after options->idle_ms without a request.
 *
 * Ownership: mm_demo_start returns a running demo the caller stops with mm_demo_stop (which
 * frees it). Thread-safety: its HTTP thread reads the shared world and each session's own
 * changes under that session's lock; start and stop from one thread.
 */
#ifndef MISTMCP_DEMO_DEMO_H
#define MISTMCP_DEMO_DEMO_H

#include <stddef.h>

typedef struct mm_demo mm_demo;

/* The token a session without one uses against the demo cloud. */
#define MM_DEMO_TOKEN "demo-token"

typedef struct mm_demo_options {
    long long idle_ms;   /* a session's changes are forgotten after this long without a
                            request, in milliseconds; 0: 30 minutes */
    size_t max_sessions; /* sessions whose changes are kept at once (the least recently used
                            is forgotten first); 0: 1000 */
} mm_demo_options;

/* Builds the demo world and serves it on 127.0.0.1 at a port the kernel picks; writes
 * "http://127.0.0.1:PORT" (the Mist API base URL to use) into base_url. options may be NULL
 * (the defaults). Returns NULL with one line in err if libmicrohttpd cannot be loaded or the
 * socket cannot be bound. */
mm_demo *mm_demo_start(const mm_demo_options *options, char *base_url, size_t size, char *err,
                       size_t err_size);

/* Stops serving, waits for the HTTP thread, frees the world. *d becomes NULL; NULL is fine. */
void mm_demo_stop(mm_demo **d);

#endif
