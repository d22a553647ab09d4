#define _POSIX_C_SOURCE 200809L
#include "mist/projection.h"

#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mm_fields_check(const cJSON *fields, const char *name, char *err, size_t err_size)
{
    if (!cJSON_IsArray(fields))
        return mm_fail(err, err_size,
                       "'%s' must be an array of dotted paths such as [\"name\",\"mac\","
                       "\"radio_stat.band_5.num_clients\"]",
                       name);
    int n = cJSON_GetArraySize(fields);
    if (n < 1 || n > MM_FIELDS_MAX)
        return mm_fail(err, err_size, "'%s' must hold 1 to %d paths, not %d", name, MM_FIELDS_MAX,
                       n);
    int i = 0;
    for (const cJSON *f = fields->child; f; f = f->next, i++) {
        if (!cJSON_IsString(f)) {
            char *s = cJSON_PrintUnformatted(f);
            int rc = mm_fail(err, err_size, "'%s[%d]' is %.60s: each path must be a string", name,
                             i, s ? s : "not a string");
            free(s);
            return rc;
        }
        const char *p = f->valuestring;
        size_t len = strlen(p);
        if (len == 0)
            return mm_fail(err, err_size, "'%s[%d]' is empty: name a field", name, i);
        if (len > MM_FIELD_PATH_MAX)
            return mm_fail(err, err_size, "'%s[%d]' is longer than %d bytes", name, i,
                           MM_FIELD_PATH_MAX);
        if (p[0] == '.' || p[len - 1] == '.' || strstr(p, ".."))
            return mm_fail(err, err_size,
                           "'%s[%d]' is \"%.100s\": a path is member names joined by single "
                           "dots (\"radio_stat.band_5.num_clients\")",
                           name, i, p);
    }
    return 0;
}

cJSON *mm_answer_items(const cJSON *answer)
{
    if (cJSON_IsArray(answer))
        return (cJSON *)answer;
    cJSON *results =
        cJSON_IsObject(answer) ? cJSON_GetObjectItemCaseSensitive(answer, "results") : NULL;
    return cJSON_IsArray(results) ? results : NULL;
}

/* The member of obj named by the first len bytes of name, or NULL. */
static cJSON *member(const cJSON *obj, const char *name, size_t len)
{
    for (cJSON *m = obj ? obj->child : NULL; m; m = m->next)
        if (m->string && strlen(m->string) == len && memcmp(m->string, name, len) == 0)
            return m;
    return NULL;
}

/* Sets dst's member (name, len) to a copy of v, replacing a partial one. */
static void put_whole(cJSON *dst, const char *name, size_t len, const cJSON *v)
{
    cJSON *had = member(dst, name, len);
    cJSON *copy = cJSON_Duplicate(v, 1);
    if (had) {
        cJSON_ReplaceItemViaPointer(dst, had, copy);
    } else {
        char key[MM_FIELD_PATH_MAX + 1];
        snprintf(key, sizeof key, "%.*s", (int)len, name);
        cJSON_AddItemToObject(dst, key, copy);
    }
}

static int pick(cJSON *dst, const cJSON *src, const char *path);

/* path (the rest after an array member) in each element of the array src, into dst, an array
 * of as many elements (objects to fill, other values already copied). */
static int pick_each(cJSON *dst, const cJSON *src, const char *path)
{
    int found = 0;
    const cJSON *s = src->child;
    for (cJSON *d = dst->child; s && d; s = s->next, d = d->next)
        if (cJSON_IsObject(s) && cJSON_IsObject(d))
            found |= pick(d, s, path);
        else if (cJSON_IsArray(s) && cJSON_IsArray(d))
            found |= pick_each(d, s, path);
    return found;
}

/* An array shaped like src for pick_each: an empty object for each object or array element
 * (arrays: an array shaped likewise), a copy of any other. */
static cJSON *shape_of(const cJSON *src)
{
    cJSON *a = cJSON_CreateArray();
    for (const cJSON *s = src->child; s; s = s->next)
        cJSON_AddItemToArray(a, cJSON_IsObject(s)  ? cJSON_CreateObject()
                                : cJSON_IsArray(s) ? shape_of(s)
                                                   : cJSON_Duplicate(s, 1));
    return a;
}

/* Copies into the object dst the part of the object src that path selects; 1 if found. */
static int pick(cJSON *dst, const cJSON *src, const char *path)
{
    const char *dot = strchr(path, '.');
    size_t len = dot ? (size_t)(dot - path) : strlen(path);
    const cJSON *v = member(src, path, len);
    if (!v)
        return 0;
    if (!dot || cJSON_IsNull(v)) {
        put_whole(dst, path, len, v);
        return 1;
    }
    if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
        return 0; /* the path goes on below a value that has no members */
    cJSON *had = member(dst, path, len);
    if (had && cJSON_IsObject(v) != cJSON_IsObject(had))
        return 1; /* cannot happen for one src; kept safe */
    cJSON *child = had ? had : cJSON_IsObject(v) ? cJSON_CreateObject() : shape_of(v);
    int found = cJSON_IsObject(v) ? pick(child, v, dot + 1) : pick_each(child, v, dot + 1);
    if (!had) {
        if (found) {
            char key[MM_FIELD_PATH_MAX + 1];
            snprintf(key, sizeof key, "%.*s", (int)len, path);
            cJSON_AddItemToObject(dst, key, child);
        } else {
            cJSON_Delete(child);
        }
    }
    return found;
}

static cJSON *project_item(const cJSON *item, const char *const *paths, size_t n,
                           unsigned char *found)
{
    if (!cJSON_IsObject(item))
        return cJSON_Duplicate(item, 1);
    cJSON *out = cJSON_CreateObject();
    for (size_t i = 0; i < n; i++)
        if (pick(out, item, paths[i]))
            found[i] = 1;
    return out;
}

cJSON *mm_project(const cJSON *answer, const char *const *paths, size_t n, unsigned char *found)
{
    if (!answer)
        return NULL;
    const cJSON *items = mm_answer_items(answer);
    if (!items)
        return project_item(answer, paths, n, found);
    cJSON *projected = cJSON_CreateArray();
    for (const cJSON *it = items->child; it; it = it->next)
        cJSON_AddItemToArray(projected, project_item(it, paths, n, found));
    if (items == answer)
        return projected;
    cJSON *out = cJSON_CreateObject(); /* the envelope, its results projected, in its order */
    for (const cJSON *m = answer->child; m; m = m->next)
        cJSON_AddItemToObject(out, m->string, m == items ? projected : cJSON_Duplicate(m, 1));
    return out;
}

const cJSON *mm_path_value(const cJSON *item, const char *path)
{
    const cJSON *v = item;
    while (cJSON_IsObject(v)) {
        const char *dot = strchr(path, '.');
        size_t len = dot ? (size_t)(dot - path) : strlen(path);
        v = member(v, path, len);
        if (!dot)
            return v;
        path = dot + 1;
    }
    return cJSON_IsArray(v) || cJSON_IsNull(v) ? v : NULL; /* a scalar has no members */
}
