/*
 * A fuzz target that fails on purpose, for tests/fuzz/run_self_test.sh: it proves that the
 * runner fails on each kind of finding and keeps its reproducer. FUZZ_SELFTEST names the kind:
 * "crash" (abort), "leak" (memory never freed), "timeout" (an endless loop), "oom" (one allocation
 * past the runner's memory bound), "ubsan" (signed overflow); unset or "none": no finding.
 * Every input of two bytes or more triggers it, so libFuzzer meets one at once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Volatile, so that the compiler keeps the allocations (it may drop one nothing reads). */
static volatile int sink;
static void *volatile held;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *kind = getenv("FUZZ_SELFTEST");
    if (size < 2 || !kind)
        return 0;
    if (strcmp(kind, "crash") == 0) {
        abort();
    } else if (strcmp(kind, "leak") == 0) {
        held = malloc(64); /* the last input's block is lost */
    } else if (strcmp(kind, "timeout") == 0) {
        for (;;)
            sink++;
    } else if (strcmp(kind, "oom") == 0) {
        held = malloc((size_t)8 << 30); /* past the malloc bound, which is the RSS bound */
        free(held);
    } else if (strcmp(kind, "ubsan") == 0) {
        int big = INT32_MAX - data[0] % 2;
        sink = big + 2; /* signed overflow */
    }
    return 0;
}
