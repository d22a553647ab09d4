/*
 * Request bodies checked as Mist checks them (demo/body_check.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/body_check.h"

#include "base/json_refs.h"
#include "base/json_schema.h"
#include "base/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mm_demo_bodies {
    pthread_mutex_t lock; /* the first parse */
    cJSON *doc;           /* mm_demo_request_schemas, parsed; then only read */
    mm_json_refs *refs;   /* the index of doc's $ref targets (1,421 components), then too */
};

mm_demo_bodies *mm_demo_bodies_create(void)
{
    mm_demo_bodies *b = mm_xcalloc(1, sizeof *b);
    pthread_mutex_init(&b->lock, NULL);
    return b;
}

void mm_demo_bodies_free(mm_demo_bodies **bp)
{
    mm_demo_bodies *b = *bp;
    if (!b)
        return;
    mm_json_refs_free(&b->refs);
    cJSON_Delete(b->doc);
    pthread_mutex_destroy(&b->lock);
    free(b);
    *bp = NULL;
}

/* The request schemas' document and its index, made on first use. */
static const cJSON *document(mm_demo_bodies *b, const mm_json_refs **refs)
{
    pthread_mutex_lock(&b->lock);
    if (!b->doc && (b->doc = cJSON_Parse(mm_demo_request_schemas)) != NULL)
        b->refs = mm_json_refs_create(b->doc);
    const cJSON *doc = b->doc;
    *refs = b->refs;
    pthread_mutex_unlock(&b->lock);
    return doc;
}

/* The pointer token at p (n bytes) unescaped (~1 is '/', ~0 '~') into out, cut to size. */
static void token(const char *p, size_t n, char *out, size_t size)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < size; i++) {
        int escape = p[i] == '~' && i + 1 < n && (p[i + 1] == '0' || p[i + 1] == '1');
        out[k++] = escape ? (p[++i] == '0' ? '~' : '/') : p[i];
    }
    out[k] = '\0';
}

/* A JSON pointer into the body ("#/auth/type", "#/vlans/0") as a field path for a person:
 * "body.auth.type", "body.vlans[0]"; "#" is "body". */
static void field_path(const char *pointer, char *out, size_t size)
{
    size_t used = (size_t)snprintf(out, size, "body");
    for (const char *p = pointer + 1; *p == '/' && used + 1 < size;) {
        p++;
        size_t n = strcspn(p, "/");
        char name[256];
        token(p, n, name, sizeof name);
        int index = n > 0 && strspn(name, "0123456789") == strlen(name);
        int w = snprintf(out + used, size - used, index ? "[%s]" : ".%s", name);
        used = w < 0 || (size_t)w >= size - used ? size - 1 : used + (size_t)w;
        p += n;
    }
}

/* 1 if the failure at pointer lies in a member of sent ("#/name/..." where sent has "name"). */
static int sent_there(const char *pointer, const cJSON *sent)
{
    if (strncmp(pointer, "#/", 2) != 0 || !cJSON_IsObject(sent))
        return 0;
    char name[256];
    token(pointer + 2, strcspn(pointer + 2, "/"), name, sizeof name);
    return cJSON_GetObjectItemCaseSensitive(sent, name) != NULL;
}

int mm_demo_body_check(mm_demo_bodies *b, const mm_demo_spec_write *w, const cJSON *value,
                       const cJSON *sent, char *detail, size_t size)
{
    if (!value) {
        if (!w->body_required)
            return 0;
        return mm_fail(detail, size, "%s takes a request body: none was sent", w->operation);
    }
    if (!w->body_schema)
        return 0; /* not JSON (a file upload): nothing to check */
    cJSON *schema = cJSON_Parse(w->body_schema);
    mm_schema_error e;
    long steps = MM_DEMO_BODY_BUDGET;
    const mm_json_refs *refs;
    const cJSON *doc = document(b, &refs);
    int rc = mm_schema_check_indexed(doc, refs, schema, value, &e, &steps);
    cJSON_Delete(schema);
    if (rc == 0 || (value != sent && !sent_there(e.where, sent)))
        return 0;
    char field[400];
    field_path(e.where, field, sizeof field);
    if (strcmp(e.why, "too complex") == 0)
        return mm_fail(detail, size, "%s: the request body is too complex to check (at %s)",
                       w->operation, field);
    return mm_fail(detail, size, "%s: %s", field, e.why);
}
