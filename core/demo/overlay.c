/*
 * One session's changes to the demo world (demo/overlay.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/overlay.h"

#include "base/json_exact.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALLOC_OVERHEAD 16 /* bytes the allocator adds to each block, as counted */

typedef struct entry {
    char *path; /* canonical */
    char *list; /* the path that lists it, or NULL */
    char *json; /* the object's text; NULL: deleted */
} entry;

struct mm_demo_overlay {
    entry *e;
    size_t n, cap;
    size_t bytes;           /* strings held, counted as allocated */
    unsigned long long ids; /* ids handed out */
};

static size_t counted(const char *s)
{
    return s ? strlen(s) + 1 + ALLOC_OVERHEAD : 0;
}

static size_t entry_bytes(const entry *e)
{
    return counted(e->path) + counted(e->list) + counted(e->json);
}

/* An object's text back as a tree, its numbers as they were written (base/json_exact.h). */
static cJSON *parsed(const char *json)
{
    return mm_json_parse_exact(json, strlen(json), NULL);
}

mm_demo_overlay *mm_demo_overlay_create(void)
{
    return mm_xcalloc(1, sizeof(mm_demo_overlay));
}

static void entry_free(entry *e)
{
    free(e->path);
    free(e->list);
    free(e->json);
}

void mm_demo_overlay_free(mm_demo_overlay **ovp)
{
    mm_demo_overlay *ov = *ovp;
    if (!ov)
        return;
    for (size_t i = 0; i < ov->n; i++)
        entry_free(&ov->e[i]);
    free(ov->e);
    free(ov);
    *ovp = NULL;
}

size_t mm_demo_overlay_bytes(const mm_demo_overlay *ov)
{
    return sizeof *ov + ALLOC_OVERHEAD + ov->bytes +
           (ov->cap ? ov->cap * sizeof(entry) + ALLOC_OVERHEAD : 0);
}

size_t mm_demo_overlay_entries(const mm_demo_overlay *ov)
{
    return ov->n;
}

static entry *find(const mm_demo_overlay *ov, const char *path)
{
    for (size_t i = 0; ov && i < ov->n; i++)
        if (strcmp(ov->e[i].path, path) == 0)
            return &ov->e[i];
    return NULL;
}

const char *mm_demo_overlay_deleted(const mm_demo_overlay *ov, const char *path)
{
    for (size_t i = 0; ov && i < ov->n; i++) {
        const entry *e = &ov->e[i];
        size_t n = strlen(e->path);
        if (!e->json && strncmp(path, e->path, n) == 0 && (path[n] == '\0' || path[n] == '/'))
            return e->path;
    }
    return NULL;
}

mm_demo_change mm_demo_overlay_get(const mm_demo_overlay *ov, const char *path, cJSON **value)
{
    *value = NULL;
    if (mm_demo_overlay_deleted(ov, path))
        return MM_DEMO_GONE;
    const entry *e = find(ov, path);
    if (!e)
        return MM_DEMO_UNCHANGED;
    *value = parsed(e->json);
    return MM_DEMO_SET;
}

int mm_demo_overlay_put(mm_demo_overlay *ov, const char *path, const char *list, const cJSON *value,
                        char *err, size_t err_size)
{
    entry fresh = {.path = mm_xstrdup(path),
                   .list = list ? mm_xstrdup(list) : NULL,
                   .json = value ? mm_json_print_exact(value) : NULL};
    entry *old = find(ov, path);
    size_t cap = !old && ov->n == ov->cap ? (ov->cap ? 2 * ov->cap : 8) : ov->cap;
    if (cap > MM_DEMO_OVERLAY_MAX_ENTRIES)
        cap = MM_DEMO_OVERLAY_MAX_ENTRIES;
    size_t bytes = ov->bytes - (old ? entry_bytes(old) : 0) + entry_bytes(&fresh);
    size_t total = sizeof *ov + ALLOC_OVERHEAD + bytes + cap * sizeof(entry) + ALLOC_OVERHEAD;
    if ((!old && ov->n == MM_DEMO_OVERLAY_MAX_ENTRIES) || total > MM_DEMO_OVERLAY_MAX_BYTES) {
        mm_fail(err, err_size,
                "the demo cloud keeps at most %d changed objects and %d KB of them per session "
                "(this one: %zu objects, %zu KB, and this change needs %zu KB more): delete "
                "objects this session created, or start a new session",
                MM_DEMO_OVERLAY_MAX_ENTRIES, MM_DEMO_OVERLAY_MAX_BYTES / 1024, ov->n,
                mm_demo_overlay_bytes(ov) / 1024, (total - mm_demo_overlay_bytes(ov)) / 1024 + 1);
        entry_free(&fresh);
        return -1;
    }
    if (old) { /* in its place: a created object stays where it was in its list */
        entry_free(old);
        *old = fresh;
    } else {
        if (cap != ov->cap) {
            ov->e = mm_xrealloc(ov->e, cap * sizeof *ov->e);
            ov->cap = cap;
        }
        ov->e[ov->n++] = fresh;
    }
    ov->bytes = bytes;
    return 0;
}

static const char *last_segment(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

cJSON *mm_demo_overlay_list(const mm_demo_overlay *ov, const char *list, const cJSON *base)
{
    size_t mine = 0;
    for (size_t i = 0; ov && i < ov->n; i++)
        mine += ov->e[i].list && strcmp(ov->e[i].list, list) == 0;
    if (mine == 0)
        return NULL;
    const entry **of = mm_xcalloc(mine, sizeof *of);
    char *shown = mm_xcalloc(mine, 1); /* matched an item of base */
    for (size_t i = 0, k = 0; i < ov->n; i++)
        if (ov->e[i].list && strcmp(ov->e[i].list, list) == 0)
            of[k++] = &ov->e[i];
    cJSON *out = cJSON_CreateArray();
    for (const cJSON *it = base ? base->child : NULL; it; it = it->next) {
        const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "id"));
        size_t k = 0;
        while (id && k < mine && strcmp(last_segment(of[k]->path), id) != 0)
            k++;
        if (!id || k == mine) {
            cJSON_AddItemToArray(out, cJSON_Duplicate(it, 1));
            continue;
        }
        shown[k] = 1;
        if (of[k]->json)
            cJSON_AddItemToArray(out, parsed(of[k]->json));
    }
    for (size_t k = 0; k < mine; k++)
        if (!shown[k] && of[k]->json)
            cJSON_AddItemToArray(out, parsed(of[k]->json));
    free(of);
    free(shown);
    return out;
}

void mm_demo_overlay_new_id(mm_demo_overlay *ov, char id[37])
{
    snprintf(id, 37, "5e550000-0000-4000-8000-%012llx", ++ov->ids & 0xffffffffffffull);
}
