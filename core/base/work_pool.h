/*
 * A small pool of worker threads for requests that may take long (tools/call), so that a
 * slow Mist answer never holds up ping or other calls. Each worker owns a Mist connection
 * (connections are reused without a lock). Jobs run in submission order per worker, answers
 * may come out of order.
 *
 * Ownership: the pool owns queued jobs until they run; mm_work_pool_destroy waits for every
 * queued and running job, then frees everything. Thread-safe: submit from any thread.
 */
#ifndef MISTMCP_CORE_BASE_WORK_POOL_H
#define MISTMCP_CORE_BASE_WORK_POOL_H

#include "mist/client.h"

#include <stddef.h>

typedef struct mm_work_pool mm_work_pool;

/* A job: fn(arg, the worker's connection). fn owns arg. */
typedef void (*mm_work_fn)(void *arg, mm_mist_conn *conn);

mm_work_pool *mm_work_pool_create(size_t threads);
void mm_work_pool_submit(mm_work_pool *pool, mm_work_fn fn, void *arg);
/* Runs every queued job, joins the threads, frees the pool; *pool becomes NULL. */
void mm_work_pool_destroy(mm_work_pool **pool);

#endif
