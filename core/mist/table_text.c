#define _POSIX_C_SOURCE 200809L
#include "mist/table_text.h"

#include "base/json_exact.h"
#include "base/util.h"
#include "mist/projection.h"

#include <stdlib.h>
#include <string.h>

static void put_escaped(mm_buf *b, const char *s)
{
    for (const char *run = s;; s++) {
        const char *esc = *s == '\\'   ? "\\\\"
                          : *s == '\t' ? "\\t"
                          : *s == '\n' ? "\\n"
                          : *s == '\r' ? "\\r"
                                       : NULL;
        if (!esc && *s)
            continue;
        mm_buf_put(b, run, (size_t)(s - run));
        if (!*s)
            return;
        mm_buf_put(b, esc, 2);
        run = s + 1;
    }
}

static void put_cell(mm_buf *b, const cJSON *v)
{
    if (!v || cJSON_IsNull(v))
        return;
    if (cJSON_IsString(v)) {
        put_escaped(b, v->valuestring);
    } else if (cJSON_IsTrue(v) || cJSON_IsFalse(v)) {
        mm_buf_put(b, cJSON_IsTrue(v) ? "true" : "false", cJSON_IsTrue(v) ? 4 : 5);
    } else {
        char *text = mm_json_print_exact(v); /* numbers with their digits, JSON compact */
        if (text)
            put_escaped(b, text);
        free(text);
    }
}

/* The member names of the objects in items, in the order first seen, each once. */
static const char **key_union(const cJSON *items, size_t *n)
{
    size_t cap = 16;
    const char **keys = mm_xmalloc(cap * sizeof *keys);
    *n = 0;
    for (const cJSON *it = items->child; it; it = it->next)
        for (const cJSON *m = it->child; m; m = m->next) {
            size_t k = 0;
            while (k < *n && strcmp(keys[k], m->string) != 0)
                k++;
            if (k < *n)
                continue;
            if (*n == cap)
                keys = mm_xrealloc(keys, (cap *= 2) * sizeof *keys);
            keys[(*n)++] = m->string;
        }
    return keys;
}

char *mm_table_text(const cJSON *items, const char *const *columns, size_t n, size_t *len,
                    const char **why)
{
    const char *dummy;
    why = why ? why : &dummy;
    if (!cJSON_IsArray(items)) {
        *why = "the answer is not a list of items";
        return NULL;
    }
    for (const cJSON *it = items->child; it; it = it->next)
        if (!cJSON_IsObject(it)) {
            *why = "the items of the answer are not all objects";
            return NULL;
        }
    const char **own = NULL;
    if (!columns) {
        own = key_union(items, &n);
        columns = own;
    }
    mm_buf b = {0};
    for (size_t c = 0; c < n; c++) {
        if (c)
            mm_buf_put(&b, "\t", 1);
        put_escaped(&b, columns[c]);
    }
    mm_buf_put(&b, "\n", 1);
    for (const cJSON *it = items->child; it; it = it->next) {
        for (size_t c = 0; c < n; c++) {
            if (c)
                mm_buf_put(&b, "\t", 1);
            put_cell(&b, own ? cJSON_GetObjectItemCaseSensitive(it, columns[c])
                             : mm_path_value(it, columns[c]));
        }
        mm_buf_put(&b, "\n", 1);
    }
    free(own);
    if (len)
        *len = b.len;
    return b.data;
}
