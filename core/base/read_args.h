/*
 * The arguments the host adds to every read tool (issue 19): a projection ("fields", or
 * "select" where the Mist operation has a "fields" query parameter of its own, whose meaning
 * Mist keeps), "format" ("json" or "table") and, on paged operations, "max_items". One rule,
 * shared by mistmcp-gen (which writes them into the generated schemas, so that its tools/list
 * byte counts are the server's) and the plugin loader (which adds what a third-party
 * declarative read tool's schema lacks): a tool's read arguments follow from its method, its
 * path and the names of its parameters alone.
 *
 * A read tool is a GET that does not act (base/action_path.h). It is paged when it has a
 * "limit" query parameter and a "page" or a "search_after" one (Mist's two paging styles:
 * X-Page-* headers, and a body "next" link). An argument whose name a parameter of the tool
 * already has is not offered.
 *
 * Ownership: the plan points at static strings. Thread-safety: no state.
 */
#ifndef MISTMCP_CORE_BASE_READ_ARGS_H
#define MISTMCP_CORE_BASE_READ_ARGS_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* The most items max_items may ask for, and the most Mist requests one call may make for it. */
#define MM_READ_MAX_ITEMS 10000
#define MM_READ_MAX_PAGES 50

typedef struct mm_read_plan {
    const char *fields;    /* "fields" or "select", or NULL: no projection offered */
    const char *format;    /* "format", or NULL */
    const char *max_items; /* "max_items", or NULL: not paged (or the name is taken) */
    int page_style;        /* 1: page/limit; 2: search_after and a body "next"; 0: none */
} mm_read_plan;

/* The plan of a tool: read is nonzero for a GET that does not act; names[0..n) are the names
 * of its path and query parameters. A tool that is not a read tool gets an empty plan. */
mm_read_plan mm_read_plan_for(int read, const char *const *names, size_t n);

/* Adds the plan's properties to the input schema (a JSON Schema object with "properties",
 * created if missing), each only where the schema has no property of that name. Returns the
 * number of properties added. */
int mm_read_args_schema(cJSON *schema, const mm_read_plan *plan);

#endif
