/*
 * The arguments the host adds to every read tool (issue 19): a projection ("fields", or
 * "select" where the Mist operation has a "fields" query parameter of its own, whose meaning
 * Mist keeps), "format" ("json" or "table") and, on paged operations, "max_items". A tool's
 * read arguments follow from its method, its path and the names of its parameters alone, so
 * they are the same for generated, demo and third-party declarative tools.
 *
 * They are not in the tools/list schemas: the 485 read tools would pay about 118 bytes each
 * (57,848 bytes in all, measured with them generated in: the all-mode list would grow from
 * 396,159 to 454,007 bytes, past its 400,000-byte budget). The initialize instructions name
 * them once, describeMistTool shows them in a tool's schema (mm_read_args_schema, here), and
 * every read tool takes them.
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
