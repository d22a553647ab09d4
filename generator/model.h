/*
 * The generator's model of the spec: operations grouped by category, in a stable order.
 *
 * Built once from the spec tree by gen_model_build(); the model borrows schema nodes from that
 * tree (the tree must outlive the model) and owns every string it holds. gen_model_free()
 * releases everything the model owns. Single-threaded.
 */
#ifndef MISTMCP_GEN_MODEL_H
#define MISTMCP_GEN_MODEL_H

#include <cjson/cJSON.h>
#include <stddef.h>

typedef struct gen_param {
    char *name;
    int location;  /* mistmcp_param_location */
    int type;      /* mistmcp_value_type */
    int item_type; /* for arrays */
    int style;     /* mistmcp_array_style */
    int required;
    char *description;   /* raw, may be NULL */
    const cJSON *schema; /* resolved parameter schema, may be NULL */
} gen_param;

typedef struct gen_op {
    char *name;     /* operationId */
    char *tag;      /* first tag, as written */
    char *category; /* first tag lower-cased, ' ' and '-' -> '_' */
    char *method;   /* "GET", "POST", ... */
    int method_id;  /* mistmcp_http_method */
    char *path;
    char *summary;     /* one line for the catalog */
    int misleading;    /* the spec's summary contradicted the method or name: replaced */
    int read_only;     /* a GET that does not act (see acting_get in model.c) */
    char *description; /* raw markdown, may be NULL */
    gen_param *params;
    size_t param_count;
    char *body_content_type;  /* NULL when the operation has no body */
    const cJSON *body_schema; /* resolved request body schema, or NULL */
    char *body_description;
    int body_required;
    /* The answer: the first 2xx response that has content, its JSON media type preferred. */
    char *response_content_type;   /* NULL when no 2xx response has content */
    const cJSON *response_schema;  /* that media type's schema (as written), or NULL */
    const cJSON *response_example; /* its "example", else the first of its "examples"
                                      (a value, $refs followed), or NULL */
} gen_op;

typedef struct gen_category {
    char *name;
    char *tag;
    char *description; /* short plain text */
    size_t *ops;       /* indexes into gen_model.ops, sorted by operation name */
    size_t op_count;
} gen_category;

typedef struct gen_exclusion {
    char *name;
    char *reason;
    int matched;
} gen_exclusion;

typedef struct gen_model {
    char *spec_version; /* info.version */
    gen_op *ops;        /* sorted by name */
    size_t op_count;
    gen_category *categories; /* sorted by name */
    size_t category_count;
    gen_exclusion *exclusions;
    size_t exclusion_count;
    size_t excluded_count;  /* operations skipped because of the exclusion list */
    size_t shadowed_params; /* query parameters dropped because a path one has the name */
} gen_model;

/* Reads the exclusion list: one "operationId  reason" per line, '#' comments, blank lines.
 * Every entry needs a reason. Returns 0, or -1 with a message in err. */
int gen_exclusions_load(const char *path, gen_model *model, char *err, size_t err_size);

/* Builds the model. Returns 0, or -1 with a message in err naming the operation at fault. */
int gen_model_build(const cJSON *spec, gen_model *model, char *err, size_t err_size);

/* Category name of a tag: lower-case, ' ' and '-' become '_'. Caller frees. */
char *gen_category_name(const char *tag);

void gen_model_free(gen_model *model);

#endif
