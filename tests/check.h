/*
 * A minimal check harness for the C tests: CHECK records a failure with file, line and the
 * expression and goes on; CHECK_MSG adds a formatted detail. check_summary() prints the
 * closing "N passed, M failed" line and gives main's exit status.
 * Counters are atomic so checks may run in several threads.
 */
#ifndef MISTMCP_TEST_CHECK_H
#define MISTMCP_TEST_CHECK_H

#include <stdatomic.h>
#include <stdio.h>

static atomic_int check_passed, check_failed;

#define CHECK(cond) CHECK_MSG(cond, "%s", "")
#define CHECK_MSG(cond, ...)                                                                       \
    do {                                                                                           \
        if (cond) {                                                                                \
            atomic_fetch_add(&check_passed, 1);                                                    \
        } else {                                                                                   \
            atomic_fetch_add(&check_failed, 1);                                                    \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);               \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
        }                                                                                          \
    } while (0)

static inline int check_summary(void)
{
    int f = atomic_load(&check_failed);
    printf("%d passed, %d failed\n", atomic_load(&check_passed), f);
    return f == 0 ? 0 : 1;
}

#endif
