#define _POSIX_C_SOURCE 200809L
#include "mcp/write_preview.h"

#include "base/action_path.h"
#include "base/json_exact.h"
#include "base/util.h"
#include "mcp/secret_mask.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mm_write_preview_reads_current(const char *method)
{
    return strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0 ||
           strcmp(method, "DELETE") == 0;
}

/* A copy of v to show: masked whole when secret, else with its secret members masked. */
static cJSON *shown(const cJSON *v, int secret)
{
    if (secret && !cJSON_IsNull(v))
        return cJSON_CreateString(MM_SECRET_SHOWN);
    cJSON *c = cJSON_Duplicate(v, 1);
    mm_secret_mask(c);
    return c;
}

typedef struct diff_state {
    cJSON *changes;
    int count;
} diff_state;

static void add_change(diff_state *d, const char *field, const cJSON *from, const cJSON *to,
                       int secret)
{
    if (d->count++ >= MM_PREVIEW_MAX_CHANGES)
        return;
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "field", field);
    if (from)
        cJSON_AddItemToObject(c, "from", shown(from, secret));
    if (to)
        cJSON_AddItemToObject(c, "to", shown(to, secret));
    if (secret)
        cJSON_AddTrueToObject(c, "secret");
    cJSON_AddItemToArray(d->changes, c);
}

/* The changes from `from` to `to` (either may be NULL: absent) under the field name prefix;
 * objects member by member, anything else compared whole. */
static void diff(diff_state *d, const char *prefix, const cJSON *from, const cJSON *to, int secret)
{
    if (cJSON_IsObject(from) && cJSON_IsObject(to)) {
        const cJSON *c;
        char field[512];
        cJSON_ArrayForEach(c, from)
        {
            snprintf(field, sizeof field, "%s%s%s", prefix, *prefix ? "." : "", c->string);
            diff(d, field, c, cJSON_GetObjectItemCaseSensitive(to, c->string),
                 secret || mm_secret_name(c->string));
        }
        cJSON_ArrayForEach(c, to)
        {
            if (cJSON_GetObjectItemCaseSensitive(from, c->string))
                continue;
            snprintf(field, sizeof field, "%s%s%s", prefix, *prefix ? "." : "", c->string);
            diff(d, field, NULL, c, secret || mm_secret_name(c->string));
        }
        return;
    }
    if (from && to && cJSON_Compare(from, to, 1))
        return;
    add_change(d, *prefix ? prefix : "(the object)", from, to, secret);
}

static const char *action_of(const char *method, const char *target)
{
    if (strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0)
        return "update";
    if (strcmp(method, "DELETE") == 0)
        return "delete";
    if (strcmp(method, "POST") == 0) {
        char path[1024];
        snprintf(path, sizeof path, "%.*s", (int)strcspn(target, "?"), target);
        return mm_action_path_word(path) ? "action" : "create";
    }
    return "action"; /* a GET that acts */
}

static void add_target_member(cJSON *t, const char *key, const cJSON *current, const cJSON *body)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(current, key);
    if (!cJSON_IsString(v) && !cJSON_IsNumber(v))
        v = cJSON_GetObjectItemCaseSensitive(body, key);
    if (cJSON_IsString(v) || cJSON_IsNumber(v))
        cJSON_AddItemToObject(t, key, cJSON_Duplicate(v, 1));
}

cJSON *mm_write_preview(const char *tool, const char *method, const char *target, const cJSON *body,
                        const cJSON *current, const char *current_note)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "tool", tool);
    cJSON_AddStringToObject(p, "method", method);
    cJSON_AddStringToObject(p, "path", target);
    const char *action = action_of(method, target);
    cJSON_AddStringToObject(p, "action", action);
    if (!cJSON_IsObject(current))
        current = NULL;
    cJSON *t = cJSON_AddObjectToObject(p, "target");
    add_target_member(t, "name", current, body);
    if (!cJSON_GetObjectItemCaseSensitive(t, "name")) /* a WLAN is named by its SSID */
        add_target_member(t, "ssid", current, body);
    add_target_member(t, "id", current, body);
    add_target_member(t, "type", current, body);
    if (!cJSON_GetObjectItemCaseSensitive(t, "id")) { /* the path's last segment */
        size_t n = strcspn(target, "?");
        const char *last = target;
        for (size_t i = 0; i < n; i++)
            if (target[i] == '/')
                last = target + i + 1;
        if (strcmp(action, "create") != 0 && strcmp(action, "action") != 0 && last < target + n) {
            char id[256];
            snprintf(id, sizeof id, "%.*s", (int)(target + n - last), last);
            cJSON_AddStringToObject(t, "id", id);
        }
    }
    if ((strcmp(action, "update") == 0 || strcmp(action, "delete") == 0) && !current)
        cJSON_AddStringToObject(p, "current_unavailable",
                                current_note ? current_note : "the current object was not read");
    if (strcmp(action, "update") == 0) {
        diff_state d = {.changes = cJSON_AddArrayToObject(p, "changes")};
        if (current) { /* Mist's PUT: the fields sent replace theirs, the others stay */
            cJSON *after = cJSON_Duplicate(current, 1);
            const cJSON *c;
            cJSON_ArrayForEach(c, body)
            {
                cJSON_DeleteItemFromObjectCaseSensitive(after, c->string);
                cJSON_AddItemToObject(after, c->string, cJSON_Duplicate(c, 1));
            }
            diff(&d, "", current, after, 0);
            cJSON_Delete(after);
        } else { /* nothing to compare with: each field sent, as sent */
            const cJSON *c;
            cJSON_ArrayForEach(c, body)
            {
                add_change(&d, c->string, NULL, c, mm_secret_name(c->string));
            }
        }
        if (d.count > MM_PREVIEW_MAX_CHANGES)
            cJSON_AddNumberToObject(p, "more_changes", d.count - MM_PREVIEW_MAX_CHANGES);
    } else if (strcmp(action, "delete") != 0 && body) {
        cJSON_AddItemToObject(p, "object", shown(body, 0));
    }
    return p;
}

/* v as compact JSON, cut to about 160 characters. */
static void put_value(char **buf, size_t *used, size_t *cap, const cJSON *v)
{
    char *text = mm_json_print_exact(v);
    if (text && strlen(text) > 160)
        mm_appendf(buf, used, cap, "%.157s...", text);
    else
        mm_appendf(buf, used, cap, "%s", text ? text : "?");
    free(text);
}

char *mm_write_preview_text(const cJSON *p)
{
    char *buf = NULL;
    size_t used = 0, cap = 0;
    const char *action = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "action"));
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(p, "target");
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "name"));
    if (!name)
        name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "ssid"));
    const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "id"));
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(t, "type"));
    mm_appendf(&buf, &used, &cap, "%s %s (tool %s): %s",
               cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "method")),
               cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "path")),
               cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "tool")), action);
    if (name || id || type) {
        (void)0;
        if (type)
            mm_appendf(&buf, &used, &cap, " %s", type);
        if (name)
            mm_appendf(&buf, &used, &cap, " \"%s\"", name);
        if (id)
            mm_appendf(&buf, &used, &cap, " (id %s)", id);
    }
    mm_appendf(&buf, &used, &cap, "\n");
    const cJSON *why = cJSON_GetObjectItemCaseSensitive(p, "current_unavailable");
    if (cJSON_IsString(why))
        mm_appendf(&buf, &used, &cap, "The current object could not be read (%s).\n",
                   why->valuestring);
    const cJSON *changes = cJSON_GetObjectItemCaseSensitive(p, "changes");
    if (changes) {
        int n = cJSON_GetArraySize(changes);
        if (n == 0)
            mm_appendf(&buf, &used, &cap, "No field changes: the object stays as it is.\n");
        else
            mm_appendf(&buf, &used, &cap,
                       "Fields that change (fields not sent stay as they are):\n");
        const cJSON *c;
        cJSON_ArrayForEach(c, changes)
        {
            const cJSON *from = cJSON_GetObjectItemCaseSensitive(c, "from");
            const cJSON *to = cJSON_GetObjectItemCaseSensitive(c, "to");
            mm_appendf(&buf, &used, &cap, "  %s: ",
                       cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "field")));
            if (from)
                put_value(&buf, &used, &cap, from);
            else
                mm_appendf(&buf, &used, &cap, "(absent)");
            mm_appendf(&buf, &used, &cap, " -> ");
            if (to)
                put_value(&buf, &used, &cap, to);
            else
                mm_appendf(&buf, &used, &cap, "(removed)");
            if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "secret")))
                mm_appendf(&buf, &used, &cap, " (secret, masked)");
            mm_appendf(&buf, &used, &cap, "\n");
        }
        const cJSON *more = cJSON_GetObjectItemCaseSensitive(p, "more_changes");
        if (cJSON_IsNumber(more))
            mm_appendf(&buf, &used, &cap, "  ... and %d more\n", more->valueint);
    }
    if (action && strcmp(action, "delete") == 0)
        mm_appendf(&buf, &used, &cap, "It will be deleted.\n");
    const cJSON *obj = cJSON_GetObjectItemCaseSensitive(p, "object");
    if (obj) {
        char *text = mm_json_print_exact(obj);
        mm_appendf(&buf, &used, &cap, "%s: %.4000s%s\n",
                   strcmp(action, "create") == 0 ? "Object to create" : "Body sent",
                   text ? text : "?", text && strlen(text) > 4000 ? "..." : "");
        free(text);
    }
    return buf ? buf : mm_xstrdup("");
}
