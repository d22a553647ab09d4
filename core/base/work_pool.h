/*
 * A small pool of worker threads for requests that may take long (tools/call), so that a
 * slow Mist answer never holds up ping or other calls. Each worker owns a state made by the
 * pool's creator (the stdio transport gives each worker its own Mist connection, reused
 * without a lock). Jobs start in submission order (one queue for all workers); they may end
 * in another order.
 *
 * Ownership: the pool owns queued jobs until they run, and each worker's state (made by
 * state_create on the worker's thread, given to state_destroy when it ends);
 * mm_work_pool_destroy waits for every queued and running job, then frees everything.
 * Thread-safety: submit from any thread.
 */
#ifndef MISTMCP_CORE_BASE_WORK_POOL_H
#define MISTMCP_CORE_BASE_WORK_POOL_H

#include <stddef.h>

typedef struct mm_work_pool mm_work_pool;

/* A job: fn(arg, the worker's state). fn owns arg. */
typedef void (*mm_work_fn)(void *arg, void *worker_state);

/* threads workers (0: one). state_create (may be NULL: no state) runs once on each worker
 * before its first job; state_destroy (may be NULL) gets that state when the worker ends. */
mm_work_pool *mm_work_pool_create(size_t threads, void *(*state_create)(void),
                                  void (*state_destroy)(void *state));
void mm_work_pool_submit(mm_work_pool *pool, mm_work_fn fn, void *arg);
/* Runs every queued job, joins the threads, frees the pool; *pool becomes NULL. */
void mm_work_pool_destroy(mm_work_pool **pool);

#endif
