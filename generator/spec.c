#define _POSIX_C_SOURCE 200809L
#include "spec.h"

#include "gen_util.h"
#include "yaml_json.h"

#include "base/json_refs.h"
#include "base/json_schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cJSON keeps duplicate keys, where the YAML reader refuses them: refuse them here too, so
 * both inputs mean the same. Returns the first duplicate key found, or NULL. */
static const char *duplicate_key(const cJSON *node)
{
    for (const cJSON *a = node->child; a; a = a->next) {
        if (cJSON_IsObject(node))
            for (const cJSON *b = a->next; b; b = b->next)
                if (strcmp(a->string, b->string) == 0)
                    return a->string;
        const char *d = duplicate_key(a);
        if (d)
            return d;
    }
    return NULL;
}

/* The index of the document gen_spec_parse made last, until gen_spec_free frees it: the
 * generator is one thread and holds one document at a time (spec.h). */
static struct {
    const cJSON *root;
    const cJSON *first; /* root->child when indexed: a root at a reused address differs */
    mm_json_refs *refs;
} indexed;

cJSON *gen_spec_load(const char *path, char *err, size_t err_size)
{
    size_t len = 0;
    char *text = gen_read_file(path, &len);
    if (!text) {
        snprintf(err, err_size, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    cJSON *root = gen_spec_parse(text, len, path, err, err_size);
    free(text);
    return root;
}

cJSON *gen_spec_parse(const char *text, size_t len, const char *path, char *err, size_t err_size)
{
    const char *p = text;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    cJSON *root;
    if (*p == '{') {
        const char *end = NULL;
        root = cJSON_ParseWithLengthOpts(text, len + 1, &end, 1); /* nothing after the value */
        const char *dup = root ? duplicate_key(root) : NULL;
        if (!root) {
            snprintf(err, err_size, "%s: invalid JSON near byte %ld", path,
                     end ? (long)(end - text) : -1L);
        } else if (dup) {
            snprintf(err, err_size, "%s: duplicate object key: %s", path, dup);
            cJSON_Delete(root);
            root = NULL;
        }
    } else {
        char why[256];
        root = gen_yaml_parse(text, len, why, sizeof why);
        if (!root)
            snprintf(err, err_size, "%s: %s", path, why);
    }
    if (root && !cJSON_IsObject(root)) {
        snprintf(err, err_size, "%s: the document is not an object", path);
        cJSON_Delete(root);
        root = NULL;
    }
    if (root) {
        mm_json_refs_free(&indexed.refs);
        indexed.root = root;
        indexed.first = root->child;
        indexed.refs = mm_json_refs_create(root);
    }
    return root;
}

void gen_spec_free(cJSON **root)
{
    if (!root || !*root)
        return;
    if (*root == indexed.root) {
        mm_json_refs_free(&indexed.refs);
        indexed.root = NULL;
    }
    cJSON_Delete(*root);
    *root = NULL;
}

const struct mm_json_refs *gen_spec_refs(const cJSON *root)
{
    return root && root == indexed.root && root->child == indexed.first ? indexed.refs : NULL;
}

const cJSON *gen_obj(const cJSON *obj, const char *key)
{
    return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

const char *gen_str(const cJSON *obj, const char *key)
{
    const cJSON *v = gen_obj(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

const cJSON *gen_spec_pointer(const cJSON *root, const char *ref)
{
    return mm_json_refs_resolve(gen_spec_refs(root), root, ref);
}

const cJSON *gen_spec_deref(const cJSON *root, const cJSON *node)
{
    for (int hops = 0; hops < 32; hops++) {
        const char *ref = gen_str(node, "$ref");
        if (!ref)
            return node;
        node = gen_spec_pointer(root, ref);
        if (!node)
            return NULL;
    }
    return NULL;
}
