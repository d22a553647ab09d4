#define _POSIX_C_SOURCE 200809L
#include "yaml_json.h"

#include "gen_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Upper bound of nodes created by alias expansion ("billion laughs" guard). */
#define YJ_MAX_ALIAS_NODES 1000000L
#define YJ_MAX_DEPTH 512

typedef struct yj_frame {
    cJSON *node;
    char *key;    /* pending mapping key, or NULL */
    char *anchor; /* anchor of this container, registered when it closes */
} yj_frame;

typedef struct yj_anchor {
    char *name;
    cJSON *node; /* owned copy */
    long nodes;  /* node count of the copy */
} yj_anchor;

typedef struct yj_state {
    yj_frame stack[YJ_MAX_DEPTH];
    int depth;
    cJSON *root;
    yj_anchor *anchors;
    size_t anchor_count, anchor_cap;
    long alias_nodes;
    char *err;
    size_t err_size;
} yj_state;

static int matches(const char *s, size_t n, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == n && memcmp(*words, s, n) == 0)
            return 1;
    return 0;
}

static int all_in(const char *s, size_t n, const char *set)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr(set, s[i]))
            return 0;
    return 1;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static int is_core_float(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    size_t int_digits = 0, frac_digits = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, int_digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, frac_digits++;
    }
    if (int_digits == 0 && frac_digits == 0)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            i++;
        size_t exp_digits = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, exp_digits++;
        if (exp_digits == 0)
            return 0;
    }
    return i == n;
}

static cJSON *typed_number(const char *s, size_t n, int base, size_t skip)
{
    char *tmp = gen_xstrndup(s + skip, n - skip);
    char *end = NULL;
    errno = 0;
    double v = base == 10 ? strtod(tmp, &end) : (double)strtoull(tmp, &end, base);
    int ok = end && *end == '\0' && errno == 0;
    free(tmp);
    return ok ? cJSON_CreateNumber(v) : NULL;
}

cJSON *gen_yaml_plain_scalar(const char *s, size_t n)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const trues[] = {"true", "True", "TRUE", NULL};
    static const char *const falses[] = {"false", "False", "FALSE", NULL};
    if (matches(s, n, nulls))
        return cJSON_CreateNull();
    if (matches(s, n, trues))
        return cJSON_CreateTrue();
    if (matches(s, n, falses))
        return cJSON_CreateFalse();
    cJSON *num = NULL;
    if (n > 2 && s[0] == '0' && s[1] == 'o' && all_in(s + 2, n - 2, "01234567"))
        num = typed_number(s, n, 8, 2);
    else if (n > 2 && s[0] == '0' && s[1] == 'x' && all_in(s + 2, n - 2, "0123456789abcdefABCDEF"))
        num = typed_number(s, n, 16, 2);
    else if (is_core_float(s, n))
        num = typed_number(s, n, 10, 0);
    if (num)
        return num;
    /* .inf/.nan are core-schema floats, but JSON cannot hold them: keep the text. */
    char *str = gen_xstrndup(s, n);
    cJSON *out = cJSON_CreateString(str);
    free(str);
    return out;
}

static cJSON *tagged_scalar(const char *tag, const char *s, size_t n)
{
    if (strcmp(tag, "tag:yaml.org,2002:str") == 0) {
        char *str = gen_xstrndup(s, n);
        cJSON *out = cJSON_CreateString(str);
        free(str);
        return out;
    }
    cJSON *v = gen_yaml_plain_scalar(s, n);
    if (strcmp(tag, "tag:yaml.org,2002:int") == 0 && cJSON_IsNumber(v) &&
        (memchr(s, '.', n) || memchr(s, 'e', n) || memchr(s, 'E', n))) {
        cJSON_Delete(v);
        return NULL; /* "!!int 1.5" */
    }
    int want = strcmp(tag, "tag:yaml.org,2002:int") == 0     ? cJSON_Number
               : strcmp(tag, "tag:yaml.org,2002:float") == 0 ? cJSON_Number
               : strcmp(tag, "tag:yaml.org,2002:bool") == 0  ? (cJSON_True | cJSON_False)
               : strcmp(tag, "tag:yaml.org,2002:null") == 0  ? cJSON_NULL
                                                             : -1;
    if (want == -1 || (v->type & 0xff & want))
        return v; /* unknown tags: the plain typing */
    cJSON_Delete(v);
    return NULL;
}

static int fail(yj_state *st, const yaml_mark_t *mark, const char *what, const char *detail)
{
    snprintf(st->err, st->err_size, "line %lu: %s%s%s", (unsigned long)mark->line + 1, what,
             detail ? ": " : "", detail ? detail : "");
    return -1;
}

static long count_nodes(const cJSON *n)
{
    long c = 1;
    for (const cJSON *ch = n->child; ch; ch = ch->next)
        c += count_nodes(ch);
    return c;
}

static void register_anchor(yj_state *st, const char *name, const cJSON *node)
{
    /* A later anchor with the same name shadows the earlier one, as YAML says. */
    if (st->anchor_count == st->anchor_cap) {
        st->anchor_cap = st->anchor_cap ? st->anchor_cap * 2 : 16;
        st->anchors = gen_xrealloc(st->anchors, st->anchor_cap * sizeof *st->anchors);
    }
    yj_anchor *a = &st->anchors[st->anchor_count++];
    a->name = gen_xstrdup(name);
    a->node = cJSON_Duplicate(node, 1);
    a->nodes = count_nodes(node);
    st->alias_nodes += a->nodes; /* the copy costs memory too */
}

static const yj_anchor *find_anchor(const yj_state *st, const char *name)
{
    for (size_t i = st->anchor_count; i-- > 0;)
        if (strcmp(st->anchors[i].name, name) == 0)
            return &st->anchors[i];
    return NULL;
}

/* Attaches a finished value to the open container (or makes it the root). Takes ownership. */
static int attach(yj_state *st, cJSON *value, const char *scalar_key, const yaml_mark_t *mark)
{
    if (st->depth == 0) {
        if (st->root) {
            cJSON_Delete(value);
            return fail(st, mark, "more than one root node", NULL);
        }
        st->root = value;
        return 0;
    }
    yj_frame *top = &st->stack[st->depth - 1];
    if (cJSON_IsArray(top->node)) {
        cJSON_AddItemToArray(top->node, value);
        return 0;
    }
    if (!top->key) {
        if (!scalar_key) {
            cJSON_Delete(value);
            return fail(st, mark, "complex mapping keys are not supported", NULL);
        }
        /* scalar_key may point into value (an alias used as a key): copy before deleting. */
        char *key = gen_xstrdup(scalar_key);
        cJSON_Delete(value);
        if (cJSON_GetObjectItemCaseSensitive(top->node, key)) {
            int rc = fail(st, mark, "duplicate mapping key", key);
            free(key);
            return rc;
        }
        top->key = key;
        return 0;
    }
    cJSON_AddItemToObject(top->node, top->key, value);
    free(top->key);
    top->key = NULL;
    return 0;
}

static int on_event(yj_state *st, const yaml_event_t *ev)
{
    const yaml_mark_t *mark = &ev->start_mark;
    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        const char *s = (const char *)ev->data.scalar.value;
        size_t n = ev->data.scalar.length;
        const char *tag = (const char *)ev->data.scalar.tag;
        cJSON *v;
        int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        int core_tag = tag && strncmp(tag, "tag:yaml.org,2002:", 18) == 0;
        if (core_tag) {
            v = tagged_scalar(tag, s, n);
            if (!v)
                return fail(st, mark, "scalar does not match its tag", tag);
        } else if (plain && (!tag || strcmp(tag, "!") != 0)) {
            /* Untagged, or with a tag we do not know: a plain scalar is typed as usual. */
            v = gen_yaml_plain_scalar(s, n);
        } else {
            char *str = gen_xstrndup(s, n);
            v = cJSON_CreateString(str);
            free(str);
        }
        if (ev->data.scalar.anchor)
            register_anchor(st, (const char *)ev->data.scalar.anchor, v);
        char *key = gen_xstrndup(s, n);
        int rc = attach(st, v, key, mark);
        free(key);
        return rc;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        if (st->depth > 0) {
            yj_frame *top = &st->stack[st->depth - 1];
            if (cJSON_IsObject(top->node) && !top->key)
                return fail(st, mark, "complex mapping keys are not supported", NULL);
        }
        if (st->depth == YJ_MAX_DEPTH)
            return fail(st, mark, "nesting too deep", NULL);
        int seq = ev->type == YAML_SEQUENCE_START_EVENT;
        const yaml_char_t *anchor =
            seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor;
        yj_frame *f = &st->stack[st->depth++];
        f->node = seq ? cJSON_CreateArray() : cJSON_CreateObject();
        f->key = NULL;
        f->anchor = anchor ? gen_xstrdup((const char *)anchor) : NULL;
        return 0;
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT: {
        yj_frame f = st->stack[--st->depth];
        free(f.key);
        if (f.anchor) {
            register_anchor(st, f.anchor, f.node);
            free(f.anchor);
        }
        return attach(st, f.node, NULL, mark);
    }
    case YAML_ALIAS_EVENT: {
        const yj_anchor *a = find_anchor(st, (const char *)ev->data.alias.anchor);
        if (!a)
            return fail(st, mark, "alias to an undefined or unfinished anchor",
                        (const char *)ev->data.alias.anchor);
        st->alias_nodes += a->nodes;
        if (st->alias_nodes > YJ_MAX_ALIAS_NODES)
            return fail(st, mark, "aliases expand to too many nodes", NULL);
        cJSON *copy = cJSON_Duplicate(a->node, 1);
        const char *key = cJSON_IsString(copy) ? copy->valuestring : NULL;
        return attach(st, copy, key, mark);
    }
    case YAML_DOCUMENT_START_EVENT:
        if (st->root)
            return fail(st, mark, "more than one YAML document", NULL);
        return 0;
    default: return 0;
    }
}

cJSON *gen_yaml_parse(const char *text, size_t len, char *err, size_t err_size)
{
    yaml_parser_t parser;
    yj_state *st = gen_xcalloc(1, sizeof *st);
    st->err = err;
    st->err_size = err_size;
    if (!yaml_parser_initialize(&parser)) {
        snprintf(err, err_size, "cannot initialise the YAML parser");
        free(st);
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    int rc = 0, done = 0;
    while (!done && rc == 0) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            snprintf(err, err_size, "line %lu: %s%s%s", (unsigned long)parser.problem_mark.line + 1,
                     parser.problem ? parser.problem : "YAML syntax error",
                     parser.context ? " " : "", parser.context ? parser.context : "");
            rc = -1;
            break;
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        rc = on_event(st, &ev);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    while (st->depth > 0) {
        yj_frame *f = &st->stack[--st->depth];
        cJSON_Delete(f->node);
        free(f->key);
        free(f->anchor);
    }
    for (size_t i = 0; i < st->anchor_count; i++) {
        free(st->anchors[i].name);
        cJSON_Delete(st->anchors[i].node);
    }
    free(st->anchors);
    cJSON *root = st->root;
    if (rc != 0) {
        cJSON_Delete(root);
        root = NULL;
    } else if (!root) {
        snprintf(err, err_size, "line 1: empty document");
    }
    free(st);
    return root;
}
