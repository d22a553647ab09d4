/*
 * The tools a session has whatever its categories, listed first in this order: in every mode
 * but minimal the discovery tools searchMistTools, describeMistTool, callMistTool (read-only
 * tools) and, with write tools on, callMistWriteTool (write tools, annotated destructive)
 * (core/mcp/builtin_discover.c), answered from the catalog, for hosts that never refresh
 * their tool list after list_changed or keep only its first tools; then getSelf and
 * manageMcpTools, in every mode (DESIGN.md section 4).
 * Thread-safe: they act on the session through its locked functions.
 */
#ifndef MISTMCP_CORE_MCP_BUILTIN_TOOLS_H
#define MISTMCP_CORE_MCP_BUILTIN_TOOLS_H

#include "mcp/tool_exec.h"

#include <cjson/cJSON.h>

typedef struct mm_builtin {
    mistmcp_tool tool; /* custom-kind description for tools/list; handler unused */
    cJSON *(*run)(mm_call_ctx *ctx, cJSON *args);
    unsigned modes; /* bit (1 << mm_mode) for each mode that has it */
    int write;      /* 1: only in sessions with write tools (callMistWriteTool) */
} mm_builtin;

/* Builds the built-in tools for this registry (manageMcpTools lists the valid categories).
 * Call once at start-up; mm_builtins_free at exit. Not thread-safe itself. */
void mm_builtins_init(mm_registry *registry);
void mm_builtins_free(void);

size_t mm_builtin_count(void);
const mm_builtin *mm_builtin_at(size_t index);
const mm_builtin *mm_builtin_find(const char *name);
/* 1 if the session has this built-in: its mode does, and write tools are on where it needs
 * them. */
int mm_builtin_visible(const mm_builtin *b, const mm_session *s);
/* Runs b as the tool of the call in ctx (ctx->tool becomes b's): args (taken; NULL: none) get
 * their top-level nulls dropped first, as every tool's do (mm_args_drop_nulls). Returns the
 * CallToolResult. */
cJSON *mm_builtin_run(const mm_builtin *b, mm_call_ctx *ctx, cJSON *args);

/* The discovery tools' handlers (take ownership of args). */
cJSON *mm_builtin_search(mm_call_ctx *ctx, cJSON *args);
cJSON *mm_builtin_describe(mm_call_ctx *ctx, cJSON *args);
cJSON *mm_builtin_call(mm_call_ctx *ctx, cJSON *args);       /* read-only tools only */
cJSON *mm_builtin_call_write(mm_call_ctx *ctx, cJSON *args); /* write tools only */

/* How a model reaches the tool `name` from session s as it stands: NULL when it calls it by
 * its name (a built-in, a tool of an enabled category, a name the catalog does not know, or
 * any tool in mode minimal, which has no dispatcher: tools/call then answers, or says why
 * not), else the dispatcher that runs it with enable_category: callMistWriteTool for a write
 * tool when the session has write tools, callMistTool otherwise (which refuses a write tool
 * naming --enable-write-tools). The name returned is static. Thread-safe. */
const char *mm_builtin_route(mm_session *s, const char *name);

#endif
