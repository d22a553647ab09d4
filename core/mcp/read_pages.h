/*
 * max_items (issue 19, item 3): a read tool's call that follows Mist's pages and answers what
 * it gathered as one list. Page/limit operations go page after page (X-Page-Total says how
 * many items exist); searches follow their body "next" link. Without a limit argument a page
 * asks for max_items items, at most 1,000 (Mist's largest). Each request goes through
 * mm_tool_send, so it waits for the per-token rate limit and is retried as any request is.
 *
 * Bounded: it stops once it has max_items items, the pages end, MM_READ_MAX_PAGES requests
 * were made, the items gathered (projected, when fields were given) pass --max-result-bytes,
 * a request fails (the rate limit refusing one, say: the pages read are kept), or the call is
 * cancelled (checked before each request, and a request in flight is abandoned: a cancelled
 * call sends no further one). The result's note and structuredContent.pagination say how many
 * items exist in all (total), how many were returned, and how to get the rest (next_page and
 * limit, or the next link).
 *
 * Thread-safety: runs on the call's worker thread, like mcp/tool_exec.c.
 */
#ifndef MISTMCP_CORE_MCP_READ_PAGES_H
#define MISTMCP_CORE_MCP_READ_PAGES_H

#include "mcp/read_call.h"

#include <cjson/cJSON.h>

/* Runs the call from its first request (method, target: built from args, which it changes to
 * build the next pages' requests); ra->max_items and ra->plan.page_style are set. Returns the
 * CallToolResult. */
cJSON *mm_read_pages(mm_call_ctx *ctx, cJSON *args, const mm_read_args *ra, const char *method,
                     const char *target);

#endif
