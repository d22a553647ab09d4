#include "base/json_refs.h"

#include "base/hash_map.h"
#include "base/json_schema.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INDEX_DEPTH 3
#define NAME_MAX_LEN                                                                               \
    1023 /* mm_json_pointer's longest token as written in a reference (escaped):                   \
            a longer one names nothing */

struct mm_json_refs {
    const cJSON *doc;
    mm_hash_map *map; /* reference text -> node */
};

/* Appends "/" and name escaped as a JSON Pointer token (~ as ~0, / as ~1) to b. */
static void append_token(mm_buf *b, const char *name)
{
    mm_buf_put(b, "/", 1);
    for (const char *c = name; *c; c++) {
        if (*c == '~')
            mm_buf_put(b, "~0", 2);
        else if (*c == '/')
            mm_buf_put(b, "~1", 2);
        else
            mm_buf_put(b, c, 1);
    }
}

static void index_below(mm_hash_map *map, const cJSON *node, mm_buf *ref, int depth)
{
    if (depth > INDEX_DEPTH || !(cJSON_IsObject(node) || cJSON_IsArray(node)))
        return;
    int i = 0;
    for (const cJSON *c = node->child; c; c = c->next, i++) {
        if (cJSON_IsObject(node) && (!c->string || strlen(c->string) > NAME_MAX_LEN))
            continue; /* no reference reaches it or what is under it */
        size_t at = ref->len;
        char number[24];
        if (cJSON_IsArray(node))
            snprintf(number, sizeof number, "%d", i);
        append_token(ref, cJSON_IsArray(node) ? number : c->string);
        if (ref->len - at - 1 > NAME_MAX_LEN) { /* escaped, past what mm_json_pointer reads */
            ref->len = at;
            ref->data[at] = '\0';
            continue;
        }
        /* The first of duplicate keys wins, as cJSON's lookups find it; nothing under a later
         * one can be named. */
        if (!mm_hash_map_get(map, ref->data, ref->len)) {
            mm_hash_map_put(map, ref->data, ref->len, (void *)c);
            index_below(map, c, ref, depth + 1);
        }
        ref->len = at;
        ref->data[at] = '\0';
    }
}

mm_json_refs *mm_json_refs_create(const cJSON *doc)
{
    mm_json_refs *r = mm_xcalloc(1, sizeof *r);
    r->doc = doc;
    r->map = mm_hash_map_create();
    mm_buf ref = {0};
    mm_buf_put(&ref, "#", 1);
    index_below(r->map, doc, &ref, 1);
    free(ref.data);
    return r;
}

const cJSON *mm_json_refs_resolve(const mm_json_refs *refs, const cJSON *doc, const char *ref)
{
    if (refs && ref && refs->doc == doc) {
        const cJSON *hit = mm_hash_map_get(refs->map, ref, strlen(ref));
        if (hit)
            return hit;
    }
    return mm_json_pointer(doc, ref);
}

const cJSON *mm_json_refs_doc(const mm_json_refs *refs)
{
    return refs ? refs->doc : NULL;
}

void mm_json_refs_free(mm_json_refs **refs)
{
    if (!refs || !*refs)
        return;
    mm_hash_map_destroy(&(*refs)->map);
    free(*refs);
    *refs = NULL;
}
