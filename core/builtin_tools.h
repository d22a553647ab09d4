/*
 * The tools every session has whatever its categories: getSelf and manageMcpTools.
 * Thread-safe: they act on the session through its locked functions.
 */
#ifndef MISTMCP_CORE_BUILTIN_TOOLS_H
#define MISTMCP_CORE_BUILTIN_TOOLS_H

#include "tool_exec.h"

#include <cjson/cJSON.h>

typedef struct mm_builtin {
    mistmcp_tool tool; /* custom-kind description for tools/list; handler unused */
    cJSON *(*run)(mm_call_ctx *ctx, cJSON *args);
} mm_builtin;

/* Builds the built-in tools for this registry (manageMcpTools lists the valid categories).
 * Call once at start-up; mm_builtins_free at exit. Not thread-safe itself. */
void mm_builtins_init(mm_registry *registry);
void mm_builtins_free(void);

size_t mm_builtin_count(void);
const mm_builtin *mm_builtin_at(size_t index);
const mm_builtin *mm_builtin_find(const char *name);

#endif
