/*
 * The catalog: every generated category with its tools, compiled into the server from the
 * generator's catalog.c, so that listing categories or searching tools loads no plugin.
 *
 * All data is static and const; nothing to free, safe to read from any thread.
 * MM_CATALOG_FORMAT changes whenever these structs change; generated code checks it.
 */
#ifndef MISTMCP_CORE_REGISTRY_CATALOG_H
#define MISTMCP_CORE_REGISTRY_CATALOG_H

#include <mistmcp/plugin.h>

#include <stdint.h>

#define MM_CATALOG_FORMAT 1

typedef struct mm_catalog_tool {
    const char *name;    /* operationId, unique */
    const char *summary; /* one line */
    const char *path;    /* HTTP path template */
    uint8_t method;      /* mistmcp_http_method */
    uint8_t read_only;   /* 1 for GET */
} mm_catalog_tool;

typedef struct mm_catalog_category {
    const char *name; /* e.g. "orgs_clients___wireless"; the plugin file is <name>.so */
    const char *tag;  /* the OpenAPI tag it comes from */
    const char *description;
    const mm_catalog_tool *tools; /* sorted by name */
    uint32_t tool_count;
    uint32_t read_only_count;
} mm_catalog_category;

typedef struct mm_catalog {
    uint32_t format;                       /* MM_CATALOG_FORMAT */
    const char *spec_version;              /* info.version of the spec */
    const mm_catalog_category *categories; /* sorted by name */
    uint32_t category_count;
    uint32_t tool_count;
} mm_catalog;

/* The catalog generated from the pinned spec (build tree: generated/catalog.c). */
extern const mm_catalog mm_generated_catalog;

#endif
