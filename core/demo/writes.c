/*
 * Writes to the demo cloud (demo/writes.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/writes.h"

#include "base/json_exact.h"
#include "base/util.h"
#include "demo/actions.h"
#include "demo/alarm_ack.h"
#include "demo/ids.h"
#include "demo/routes.h"
#include "demo/spec_writes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct write_ctx {
    const char *method;
} write_ctx;

static const char *write_template(size_t i, void *ctx)
{
    const write_ctx *x = ctx;
    const mm_demo_spec_write *w = &mm_demo_spec_writes[i];
    return w->method && strcmp(w->method, x->method) == 0 ? w->path : NULL;
}

/* The body as a tree (*body NULL when there is none); -1 after Mist's 400 when it is not
 * JSON. */
static int parse_body(const mm_demo_request *rq, cJSON **body, mm_demo_answer *out)
{
    *body = NULL;
    size_t n = rq->body ? rq->body_len : 0;
    while (n > 0 && strchr(" \t\r\n", rq->body[n - 1]))
        n--;
    if (n == 0)
        return 0;
    const char *problem = mm_json_input_problem(rq->body, n), *end = NULL;
    if (!problem) {
        *body = mm_json_parse_exact(rq->body, n, &end);
        while (*body && end < rq->body + n && strchr(" \t\r\n", *end))
            end++;
        if (!*body || end != rq->body + n)
            problem = "it does not parse";
    }
    if (!problem)
        return 0;
    cJSON_Delete(*body);
    *body = NULL;
    mm_demo_fail(out, 400, "the request body is not JSON: %s%s", problem, NULL);
    return -1;
}

static const char *no_query(void *ctx, const char *name)
{
    (void)ctx;
    (void)name;
    return NULL;
}

/* What the session's GET of path answers now, as a tree; NULL after copying a GET that did
 * not answer 200 (a 404...) into out. */
static cJSON *current(const mm_demo_view *v, const char *path, mm_demo_answer *out)
{
    cJSON *value;
    if (mm_demo_overlay_get(v->overlay, path, &value) == MM_DEMO_SET)
        return value;
    mm_demo_request get = {.method = "GET", .path = path, .query = no_query};
    mm_demo_answer a;
    mm_demo_route(v, &get, &a);
    value = a.status == 200 && a.body ? mm_json_parse_exact(a.body, strlen(a.body), NULL) : NULL;
    if (value) {
        free(a.body);
        return value;
    }
    *out = a;
    return NULL;
}

static void set_string(cJSON *o, const char *key, const char *value)
{
    cJSON_DeleteItemFromObjectCaseSensitive(o, key);
    cJSON_AddStringToObject(o, key, value);
}

static void set_number(cJSON *o, const char *key, double value)
{
    cJSON_DeleteItemFromObjectCaseSensitive(o, key);
    cJSON_AddNumberToObject(o, key, value);
}

/* Keeps value at path in the session's overlay (NULL: deleted); -1 after a 413 saying which
 * limit it would pass. */
static int keep(const mm_demo_view *v, const char *path, const char *list, const cJSON *value,
                mm_demo_answer *out)
{
    char err[400];
    if (mm_demo_overlay_put(v->overlay, path, list[0] ? list : NULL, value, err, sizeof err) == 0)
        return 0;
    mm_demo_fail(out, 413, "%s%s", err, NULL);
    return -1;
}

/* One object made from item (with a new id, the org, the path's site and times), kept under
 * list and added to made. -1 after a 413. */
static int create_one(const mm_demo_view *v, const mm_demo_params *p, const char *list,
                      const cJSON *item, cJSON *made, mm_demo_answer *out)
{
    cJSON *o = cJSON_Duplicate(item, 1);
    char id[37], path[MM_DEMO_PATH_MAX];
    mm_demo_overlay_new_id(v->overlay, id);
    set_string(o, "id", id);
    set_string(o, "org_id", v->world->org_id);
    if (mm_demo_param(p, "site_id"))
        set_string(o, "site_id", mm_demo_param(p, "site_id"));
    set_number(o, "created_time", MM_DEMO_NOW);
    set_number(o, "modified_time", MM_DEMO_NOW);
    mm_demo_item_path(list, id, path, sizeof path);
    if (keep(v, path, list, o, out) != 0) {
        cJSON_Delete(o);
        return -1;
    }
    cJSON_AddItemToArray(made, o);
    return 0;
}

/* A POST to a list: the object (or each object of an array body) created. */
static void create_objects(const mm_demo_view *v, const mm_demo_params *p, const char *path,
                           const cJSON *body, mm_demo_answer *out)
{
    cJSON *made = cJSON_CreateArray();
    int each = cJSON_IsArray(body);
    for (const cJSON *it = each ? body->child : body; it; it = each ? it->next : NULL)
        if (cJSON_IsObject(it) && create_one(v, p, path, it, made, out) != 0) {
            cJSON_Delete(made);
            return;
        }
    mm_demo_json(out, each ? made : made->child ? made->child : body);
    cJSON_Delete(made);
}

/* What a PUT makes of the object at path: the body's members (but its id) laid over it; the
 * body itself where either is no object. NULL after copying the GET's error (a 404) into
 * out. */
static cJSON *replaced(const mm_demo_view *v, const char *path, const cJSON *body,
                       mm_demo_answer *out)
{
    cJSON *now = current(v, path, out);
    if (!now || !cJSON_IsObject(now) || !cJSON_IsObject(body)) {
        int found = now != NULL;
        cJSON_Delete(now);
        return found ? cJSON_Duplicate(body, 1) : NULL;
    }
    for (const cJSON *m = body->child; m; m = m->next)
        if (strcmp(m->string, "id") != 0) {
            cJSON_DeleteItemFromObjectCaseSensitive(now, m->string);
            cJSON_AddItemToObject(now, m->string, cJSON_Duplicate(m, 1));
        }
    return now;
}

static void replace_object(const mm_demo_view *v, const char *path, const cJSON *next,
                           mm_demo_answer *out)
{
    char list[MM_DEMO_PATH_MAX];
    mm_demo_list_of(v, path, list, sizeof list);
    if (keep(v, path, list, next, out) == 0)
        mm_demo_json(out, next);
}

static void delete_object(const mm_demo_view *v, const char *path, mm_demo_answer *out)
{
    cJSON *now = current(v, path, out);
    if (!now)
        return;
    cJSON_Delete(now);
    char list[MM_DEMO_PATH_MAX];
    mm_demo_list_of(v, path, list, sizeof list);
    if (keep(v, path, list, NULL, out) == 0) {
        out->status = 200;
        out->body = mm_xstrdup("");
    }
}

/* Any other write: the spec's answer with the world's ids. */
static void action(const mm_demo_view *v, const mm_demo_spec_write *w, const mm_demo_params *p,
                   mm_demo_answer *out)
{
    cJSON *answer = w->answer && *w->answer ? cJSON_Parse(w->answer) : NULL;
    if (!answer) {
        out->status = 200;
        out->body = mm_xstrdup("");
        return;
    }
    mm_demo_put_ids(v->world, p, answer);
    mm_demo_json(out, answer);
    cJSON_Delete(answer);
}

int mm_demo_write(const mm_demo_view *v, const mm_demo_request *rq, mm_demo_answer *out)
{
    mm_demo_segments sg;
    mm_demo_params p;
    write_ctx x = {rq->method};
    long i = mm_demo_path_split(rq->path, &sg) == 0
                 ? mm_demo_path_best(&sg, mm_demo_spec_write_count, write_template, &x, &p)
                 : -1;
    if (i < 0)
        return 0;
    const mm_demo_spec_write *w = &mm_demo_spec_writes[i];
    char path[MM_DEMO_PATH_MAX];
    mm_demo_path_join(&sg, sg.n, path, sizeof path);
    const char *gone = mm_demo_overlay_deleted(v->overlay, path);
    if (gone) {
        mm_demo_fail(out, 404, "%s was deleted in this session%s", gone, NULL);
        return 1;
    }
    cJSON *body, *made = NULL;
    if (mm_demo_known(v, &p, out) != 0 || parse_body(rq, &body, out) != 0)
        return 1;
    /* A create or a replace without a body is one with an empty body: the schema says what
     * it lacks. A replace is checked as the object it makes: Mist takes part of an object
     * (a device's name alone), and what the body leaves out the object has. */
    if (!body && (w->kind == MM_DEMO_WRITE_CREATE || w->kind == MM_DEMO_WRITE_REPLACE))
        body = cJSON_CreateObject();
    if (w->kind == MM_DEMO_WRITE_REPLACE && !(made = replaced(v, path, body, out))) {
        cJSON_Delete(body);
        return 1;
    }
    char detail[600];
    if (mm_demo_body_check(v->bodies, w, made ? made : body, body, detail, sizeof detail) != 0)
        mm_demo_fail(out, 400, "%s%s", detail, NULL);
    else if (!mm_demo_alarm_ack(v, w, &p, body, out) &&
             mm_demo_device_action(v, w, &p, body, out) == 0) {
        switch (w->kind) {
        case MM_DEMO_WRITE_CREATE: create_objects(v, &p, path, body, out); break;
        case MM_DEMO_WRITE_REPLACE: replace_object(v, path, made, out); break;
        case MM_DEMO_WRITE_DELETE: delete_object(v, path, out); break;
        default: action(v, w, &p, out); break;
        }
    }
    cJSON_Delete(made);
    cJSON_Delete(body);
    return 1;
}
