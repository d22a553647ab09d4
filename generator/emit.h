/*
 * Writing the generator's output into a directory:
 *   <category>.c      one plugin source per category (static const tables, one entry point)
 *   catalog.c         the category index compiled into the server (core/registry/catalog.h)
 *   demo_answers.c    the demo cloud's answer to every read-only operation, compiled into
 *                     the demo layer (core/demo/spec_answers.h; emit_demo.c)
 *   demo_writes.c     what the demo cloud needs to take each write operation, and the schemas
 *                     of their request bodies (core/demo/spec_writes.h; emit_demo_writes.c)
 *   categories.txt    category names, one per line, for the build
 *   tools-list-bytes.tsv  bytes of each category's tools/list, all tools and read-only ones
 * Files are written only when their bytes change. Output is byte-stable: no timestamps,
 * categories and tools sorted by name.
 */
#ifndef MISTMCP_GEN_EMIT_H
#define MISTMCP_GEN_EMIT_H

#include "demo_answer.h"
#include "model.h"

#include <cjson/cJSON.h>
#include <stdio.h>

/* Kinds of writes (core/demo/spec_writes.h), in its order: create, replace, delete, action. */
#define GEN_WRITE_KINDS 4
extern const char *const gen_write_kind_names[GEN_WRITE_KINDS]; /* "creates", ... */

typedef struct gen_sizes {
    size_t *all;       /* per category: tools/list bytes with every tool */
    size_t *read_only; /* per category: with read-only tools only */
    size_t total_all, total_read_only;
    size_t plugin_source_bytes;
    size_t tools_at_level[8];              /* how many tools each compaction level (schema.h) got */
    size_t demo_answers[GEN_ANSWER_KINDS]; /* how the demo answers were made, by kind */
    size_t demo_writes[GEN_WRITE_KINDS];   /* the demo's writes, by kind */
    size_t request_schemas;                /* component schemas the request bodies refer to */
    size_t request_schema_bytes;           /* their document's bytes */
} gen_sizes;

/* Returns 0, or -1 with a message in err. sizes is filled (caller frees its arrays). */
int gen_emit(const cJSON *spec, const gen_model *model, const char *out_dir, gen_sizes *sizes,
             char *err, size_t err_size);

/* demo_answers.c (emit_demo.c): counts the answers by kind into kinds. 0, or -1 with err. */
int gen_emit_demo(const cJSON *spec, const gen_model *m, const char *dir,
                  size_t kinds[GEN_ANSWER_KINDS], char *err, size_t err_size);

/* demo_writes.c (emit_demo_writes.c): counts the writes by kind into kinds, the component
 * schemas of their request bodies into *schemas and their document's bytes into
 * *schema_bytes. 0, or -1 with err. */
int gen_emit_demo_writes(const cJSON *spec, const gen_model *m, const char *dir,
                         size_t kinds[GEN_WRITE_KINDS], size_t *schemas, size_t *schema_bytes,
                         char *err, size_t err_size);

/* A generated file compiled into the server, begun in memory (*buf, *len, as open_memstream;
 * the caller closes the stream and frees *buf): the banner, a comment saying what it is, the
 * include of its core header and an #error guard against another format of it. */
FILE *gen_emit_server_open(char **buf, size_t *len, const char *spec_version, const char *what,
                           const char *header, const char *format_macro, const char *format_name);

/* Writes data into dir/name unless it holds those bytes already. 0, or -1 with err. */
int gen_emit_write(const char *dir, const char *name, const char *data, size_t len, char *err,
                   size_t err_size);

/* Appends s as a C string literal (split over lines, escaped, no trigraphs). */
void gen_emit_cstr(FILE *f, const char *s);

#endif
