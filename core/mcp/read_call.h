/*
 * The host's read arguments of a declarative read tool (issue 19; the names each tool gets:
 * base/read_args.h): "fields" (or "select") and "format" on every read tool, "max_items" on
 * paged ones. They are taken out of the arguments before these are checked against the
 * tool's schema and turned into a request, so they never reach Mist; the tool's own
 * parameters (Mist's own "fields" query parameter of listOrgDevicesStats, say) keep their
 * names and meaning.
 *
 * max_items follows Mist's pages (mcp/read_pages.h).
 *
 * Ownership: mm_read_args owns what it took from args; mm_read_args_free releases it.
 * Thread-safety: runs on the call's worker thread, like mcp/tool_exec.c.
 */
#ifndef MISTMCP_CORE_MCP_READ_CALL_H
#define MISTMCP_CORE_MCP_READ_CALL_H

#include "base/read_args.h"
#include "mcp/tool_exec.h"
#include "mist/result_shape.h"

#include <cjson/cJSON.h>

typedef struct mm_read_args {
    mm_read_plan plan;
    cJSON *fields;      /* the projection argument, taken from args, or NULL */
    const char **paths; /* its strings, borrowed from fields */
    size_t path_count;
    int table;      /* format "table" */
    long max_items; /* 0: one request, as without it */
} mm_read_args;

/* The plan of tool t (base/read_args.h): a GET that does not act, by its parameters' names. */
mm_read_plan mm_read_plan_of(const mistmcp_tool *t);

/* Adds tool t's read arguments, with a description each, to its input schema: what
 * describeMistTool shows. The tools/list schemas leave them out (base/read_args.h says why). */
void mm_read_args_describe(cJSON *schema, const mistmcp_tool *t);

/* Takes the read arguments out of args (an argument given as null counts as absent) and
 * checks them. Returns NULL, or an isError result whose text names the bad value (MCP
 * 2025-11-25 server/tools "Error Handling": input validation errors are tool execution
 * errors, so that the model can correct itself). out is always initialised. */
cJSON *mm_read_args_take(const mistmcp_tool *t, cJSON *args, mm_read_args *out);

/* 1 if the call asked for anything of these (then mm_read_call answers it). */
int mm_read_args_any(const mm_read_args *ra);

/* The shaping options of these arguments (mist/result_shape.h); found as there. */
mm_shape_opts mm_read_shape_opts(const mm_read_args *ra, const unsigned char *found);

/* Runs the call: req (built from args, which must still be the call's checked arguments) and,
 * for max_items, the requests of the next pages. Returns the CallToolResult. */
cJSON *mm_read_call(mm_call_ctx *ctx, cJSON *args, const mm_read_args *ra, const char *method,
                    const char *target);

void mm_read_args_free(mm_read_args *ra);

#endif
