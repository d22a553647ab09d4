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

/* The alternatives of node that a "[N]" segment picks from: its oneOf, else its anyOf. */
static const cJSON *alternatives(const cJSON *node)
{
    const cJSON *a = member(node, "oneOf");
    return cJSON_IsArray(a) ? a : member(node, "anyOf");
}

/* N of a "[N]" segment, or -1. */
static int selector(const char *seg)
{
    char *end;
    if (seg[0] != '[' || seg[1] < '0' || seg[1] > '9')
        return -1;
    long n = strtol(seg + 1, &end, 10);
    return end[0] == ']' && end[1] == '\0' && n < 1000 ? (int)n : -1;
}

/* The field `name` of node: one of its properties ("*": its map values), else the first
 * alternative's that has it, depth-limited. "[N]" picks alternative N itself. */
static const cJSON *field(const cJSON *node, const char *name, int depth)
{
    node = past_items(node);
    int pick = selector(name);
    if (pick >= 0)
        return cJSON_GetArrayItem(alternatives(node), pick);
    const cJSON *f = strcmp(name, "*") == 0 ? member(node, "additionalProperties")
                                            : member(member(node, "properties"), name);
    if (cJSON_IsObject(f) || depth >= ALTERNATIVES_DEPTH)
        return cJSON_IsObject(f) ? f : NULL;
    static const char *const alts[] = {"allOf", "anyOf", "oneOf"};
    for (int a = 0; a < 3; a++) {
        const cJSON *m;
        cJSON_ArrayForEach(m, member(node, alts[a]))
        {
            if ((f = field(m, name, depth + 1)))
                return f;
        }
    }
    return NULL;
}

/* The field names of node and its allOf members, "*" for a map, "[N]" for each alternative:
 * what a path may say next. */
static void list_fields(const cJSON *node, char **buf, size_t *used, size_t *cap, int depth)
{
    node = past_items(node);
    const cJSON *p;
    cJSON_ArrayForEach(p, member(node, "properties"))
    {
        mm_appendf(buf, used, cap, "%s%s", *used ? ", " : "", p->string);
    }
    if (cJSON_IsObject(member(node, "additionalProperties")))
        mm_appendf(buf, used, cap, "%s*", *used ? ", " : "");
    if (depth >= ALTERNATIVES_DEPTH)
        return;
    cJSON_ArrayForEach(p, member(node, "allOf")) list_fields(p, buf, used, cap, depth + 1);
    for (int i = 0; i < cJSON_GetArraySize(alternatives(node)); i++)
        mm_appendf(buf, used, cap, "%s[%d]", *used ? ", " : "", i);
}

/* The next segment of path at *p into seg (unescaped: "\." is a dot, "\\" a backslash),
 * *p moved past it and its dot; *more: a dot followed. Returns -1 for an empty segment. */
static int next_segment(const char **p, char *seg, size_t size, int *more)
{
    size_t k = 0;
    const char *s = *p;
    for (; *s && *s != '.'; s++) {
        if (*s == '\\' && (s[1] == '.' || s[1] == '\\'))
            s++;
        if (k + 1 < size)
            seg[k++] = *s;
    }
    seg[k] = '\0';
    *more = *s == '.';
    *p = *more ? s + 1 : s;
    return k ? 0 : -1;
}

const cJSON *mm_body_schema_at(const cJSON *schema, const char *path, char **why)
{
    *why = NULL;
    const cJSON *node = schema;
    char seg[256];
    const char *p = path;
    int more = *p != '\0';
    while (more) {
        const char *start = p;
        if (next_segment(&p, seg, sizeof seg, &more) != 0 || (more && !*p)) {
            *why = mm_xstrdup("a path has no empty field names (no two dots, no dot at an end)");
            return NULL;
        }
        const cJSON *next = field(node, seg, 0);
        if (!next) {
            char *list = NULL;
            size_t used = 0, cap = 0, wu = 0, wc = 0;
            list_fields(node, &list, &used, &cap, 0);
            size_t at = (size_t)(start - path);
            if (at)
                mm_appendf(why, &wu, &wc, "no field '%.100s' after '%.*s'", seg, (int)(at - 1),
                           path);
            else
                mm_appendf(why, &wu, &wc, "no field '%.100s' at the top", seg);
            mm_appendf(why, &wu, &wc, "; what may follow there: %s",
                       list ? list : "nothing (not an object)");
            free(list);
            return NULL;
        }
        node = next;
    }
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

/* base.name with '.' and '\' in name escaped, so that the path reads back to this field. */
static char *join(const char *base, const char *name)
{
    size_t nb = strlen(base), escapes = 0, nn = 0;
    for (; name[nn]; nn++)
        escapes += name[nn] == '.' || name[nn] == '\\';
    char *out = mm_xmalloc(nb + 1 + nn + escapes + 1), *o = out;
    memcpy(o, base, nb);
    o += nb;
    if (nb)
        *o++ = '.';
    for (const char *c = name; *c; c++) {
        if (*c == '.' || *c == '\\')
            *o++ = '\\';
        *o++ = *c;
    }
    *o = '\0';
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
    cJSON *pattern = cJSON_GetObjectItemCaseSensitive(node, "patternProperties");
    if ((cJSON_IsObject(props) && props->child) || (cJSON_IsObject(map) && map->child) ||
        (cJSON_IsObject(pattern) && pattern->child)) {
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
        cJSON_ArrayForEach(p, pattern) /* no path reaches them: keep them small */
        {
            cut |= cut_below(p, path, keep, keep);
        }
    }
    cJSON *items = cJSON_GetObjectItemCaseSensitive(node, "items");
    if (cJSON_IsObject(items)) /* items have no path segment of their own: the same depth */
        cut |= cut_below(items, path, depth, keep);
    cJSON *m;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(node, "allOf"))
    {
        cut |= cut_below(m, path, depth, keep); /* one object with the others' fields */
    }
    /* Alternatives: each under its own "[N]" segment, so that a pointer inside one reads back
     * to that one and not to the first alternative with a field of that name. */
    cJSON *alts = (cJSON *)alternatives(node);
    int i = 0;
    cJSON_ArrayForEach(m, alts)
    {
        char sel[16];
        snprintf(sel, sizeof sel, "[%d]", i++);
        char *sub = NULL;
        size_t used = 0, cap = 0;
        mm_appendf(&sub, &used, &cap, "%s%s%s", path, *path ? "." : "", sel);
        cut |= cut_below(m, sub, depth, keep);
        free(sub);
    }
    return cut;
}

/* Only names and types: what is left when even the top fields are over the budget. */
static void names_and_types(cJSON *node)
{
    static const char *const gone[] = {"description", "enum",    "default", "examples",
                                       "minimum",     "maximum", "pattern", "format"};
    cJSON *props = cJSON_GetObjectItemCaseSensitive(node, "properties");
    cJSON *p;
    cJSON_ArrayForEach(p, props)
    {
        for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
            cJSON_DeleteItemFromObjectCaseSensitive(p, gone[i]);
    }
}

static size_t printed_size(const cJSON *node)
{
    char *text = cJSON_PrintUnformatted(node);
    size_t n = text ? strlen(text) : 0;
    free(text);
    return n;
}

cJSON *mm_body_schema_pruned(const cJSON *node, const char *base, size_t max_bytes, int *depth_kept)
{
    *depth_kept = 0;
    if (printed_size(node) <= max_bytes)
        return cJSON_Duplicate(node, 1);
    /* The deepest cut that fits; at depth 1 (the top fields) over the budget, their names and
     * types only. */
    for (int keep = 12;; keep--) {
        cJSON *copy = cJSON_Duplicate(node, 1);
        cut_below(copy, base, 0, keep);
        if (keep == 1 && printed_size(copy) > max_bytes) {
            cJSON_Delete(copy);
            copy = cJSON_Duplicate(node, 1);
            names_and_types(copy); /* before the cut: the pointers stay */
            cut_below(copy, base, 0, keep);
        }
        if (keep == 1 || printed_size(copy) <= max_bytes) {
            *depth_kept = keep;
            return copy;
        }
        cJSON_Delete(copy);
    }
}
