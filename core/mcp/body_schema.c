#define _POSIX_C_SOURCE 200809L
#include "mcp/body_schema.h"

#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALTERNATIVES_DEPTH 8 /* how deep anyOf/oneOf/allOf are searched for a field */

static const cJSON *member(const cJSON *node, const char *key)
{
    return cJSON_IsObject(node) ? cJSON_GetObjectItemCaseSensitive(node, key) : NULL;
}

/* An array's items, an array of arrays' items... */
static const cJSON *past_items(const cJSON *node)
{
    for (int i = 0; i < 8 && cJSON_IsObject(member(node, "items")); i++)
        node = member(node, "items");
    return node;
}

/* The field `name` of node: its properties, or an alternative's, depth-limited. */
static const cJSON *field(const cJSON *node, const char *name, int depth)
{
    node = past_items(node);
    if (strcmp(name, "*") == 0)
        return cJSON_IsObject(member(node, "additionalProperties"))
                   ? member(node, "additionalProperties")
                   : NULL;
    const cJSON *f = member(member(node, "properties"), name);
    if (f || depth >= ALTERNATIVES_DEPTH)
        return f;
    static const char *const alts[] = {"allOf", "anyOf", "oneOf"};
    for (int a = 0; a < 3 && !f; a++) {
        const cJSON *m;
        cJSON_ArrayForEach(m, member(node, alts[a]))
        {
            if ((f = field(m, name, depth + 1)))
                break;
        }
    }
    return f;
}

/* The field names of node (and of its alternatives), comma-separated, into buf. */
static void list_fields(const cJSON *node, char *buf, size_t size, size_t *used, int depth)
{
    node = past_items(node);
    const cJSON *p;
    cJSON_ArrayForEach(p, member(node, "properties"))
    {
        if (*used + strlen(p->string) + 3 < size)
            *used +=
                (size_t)snprintf(buf + *used, size - *used, "%s%s", *used ? ", " : "", p->string);
    }
    if (cJSON_IsObject(member(node, "additionalProperties")) && *used + 4 < size)
        *used += (size_t)snprintf(buf + *used, size - *used, "%s*", *used ? ", " : "");
    if (depth >= ALTERNATIVES_DEPTH)
        return;
    static const char *const alts[] = {"allOf", "anyOf", "oneOf"};
    for (int a = 0; a < 3; a++) {
        const cJSON *m;
        cJSON_ArrayForEach(m, member(node, alts[a])) list_fields(m, buf, size, used, depth + 1);
    }
}

const cJSON *mm_body_schema_at(const cJSON *schema, const char *path, char *fields, size_t size)
{
    if (size)
        fields[0] = '\0';
    const cJSON *node = schema;
    char *copy = mm_xstrdup(path), *save = NULL;
    for (char *seg = strtok_r(copy, ".", &save); seg && node; seg = strtok_r(NULL, ".", &save)) {
        const cJSON *next = field(node, seg, 0);
        if (!next) {
            size_t used = 0;
            if (size)
                list_fields(node, fields, size, &used, 0);
        }
        node = next;
    }
    free(copy);
    return node;
}

/* Appends "Fields: describeMistTool with path ..." to node's description. */
static void point(cJSON *node, const char *path)
{
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(node, "description");
    char *text = NULL;
    size_t used = 0, cap = 0;
    const char *was = cJSON_IsString(d) ? d->valuestring : "";
    size_t n = strlen(was);
    mm_appendf(&text, &used, &cap, "%s%sFields: describeMistTool with path \"%s\".", was,
               !n                          ? ""
               : strchr(".!?", was[n - 1]) ? " "
                                           : ". ",
               path);
    cJSON_DeleteItemFromObjectCaseSensitive(node, "description");
    cJSON_AddStringToObject(node, "description", text);
    free(text);
}

static char *join(const char *base, const char *name)
{
    char *out = NULL;
    size_t used = 0, cap = 0;
    mm_appendf(&out, &used, &cap, "%s%s%s", base, *base ? "." : "", name);
    return out;
}

/* Cuts node (a copy, changed in place) below depth keep. Returns 1 if anything was cut. */
static int cut_below(cJSON *node, const char *path, int depth, int keep)
{
    if (!cJSON_IsObject(node))
        return 0;
    int cut = 0;
    cJSON *props = cJSON_GetObjectItemCaseSensitive(node, "properties");
    cJSON *map = cJSON_GetObjectItemCaseSensitive(node, "additionalProperties");
    if ((cJSON_IsObject(props) && props->child) || (cJSON_IsObject(map) && map->child)) {
        if (depth >= keep) {
            static const char *const gone[] = {
                "properties", "required", "additionalProperties", "patternProperties", "anyOf",
                "oneOf",      "allOf"};
            for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
                cJSON_DeleteItemFromObjectCaseSensitive(node, gone[i]);
            point(node, path);
            return 1;
        }
        cJSON *p;
        cJSON_ArrayForEach(p, props)
        {
            char *sub = join(path, p->string);
            cut |= cut_below(p, sub, depth + 1, keep);
            free(sub);
        }
        if (cJSON_IsObject(map)) {
            char *sub = join(path, "*");
            cut |= cut_below(map, sub, depth + 1, keep);
            free(sub);
        }
    }
    cJSON *items = cJSON_GetObjectItemCaseSensitive(node, "items");
    if (cJSON_IsObject(items)) /* items have no path segment of their own: the same depth */
        cut |= cut_below(items, path, depth, keep);
    static const char *const alts[] = {"allOf", "anyOf", "oneOf"};
    for (int a = 0; a < 3; a++) {
        cJSON *m;
        cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(node, alts[a]))
        {
            cut |= cut_below(m, path, depth, keep);
        }
    }
    return cut;
}

cJSON *mm_body_schema_pruned(const cJSON *node, const char *base, size_t max_bytes, int *depth_kept)
{
    *depth_kept = 0;
    cJSON *whole = cJSON_Duplicate(node, 1);
    char *text = cJSON_PrintUnformatted(whole);
    size_t n = text ? strlen(text) : 0;
    free(text);
    if (n <= max_bytes)
        return whole;
    /* The deepest cut that fits; depth 1 (the top fields only) whatever its size. */
    for (int keep = 12; keep >= 1; keep--) {
        cJSON *copy = cJSON_Duplicate(node, 1);
        cut_below(copy, base, 0, keep);
        text = cJSON_PrintUnformatted(copy);
        n = text ? strlen(text) : 0;
        free(text);
        if (n <= max_bytes || keep == 1) {
            cJSON_Delete(whole);
            *depth_kept = keep;
            return copy;
        }
        cJSON_Delete(copy);
    }
    return whole; /* not reached */
}
