/*
 * The alarms' ack and unack (demo/alarm_ack.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/alarm_ack.h"

#include "demo/answer.h"

#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum which { ONE, LISTED, ALL } which;

static const struct {
    const char *operation;
    int acked;
    which which;
} ops[] = {
    {"ackOrgAlarm", 1, ONE},
    {"ackOrgMultipleAlarms", 1, LISTED},
    {"ackOrgAllAlarms", 1, ALL},
    {"unackOrgMultipleAlarms", 0, LISTED},
    {"unackOrgAllAlarms", 0, ALL},
    {"ackSiteAlarm", 1, ONE},
    {"AckSiteMultipleAlarms", 1, LISTED},
    {"ackSiteAllAlarms", 1, ALL},
    {"unackSiteAlarm", 0, ONE},
    {"unackSiteMultipleAlarms", 0, LISTED},
    {"unackSiteAllAlarms", 0, ALL},
};

static void list_path(const mm_demo_view *v, char *out, size_t size)
{
    snprintf(out, size, "/api/v1/orgs/%s/alarms", v->world->org_id);
}

cJSON *mm_demo_seen_alarms(const mm_demo_view *v)
{
    char list[MM_DEMO_PATH_MAX];
    list_path(v, list, sizeof list);
    cJSON *seen = mm_demo_overlay_list(v->overlay, list, v->world->alarms);
    return seen ? seen : cJSON_Duplicate(v->world->alarms, 1);
}

/* 1 if alarm is one the operation names: its id is the path's or listed in the body, or all
 * (of the path's site, if it names one). */
static int named(const cJSON *alarm, which which, const mm_demo_params *p, const cJSON *body)
{
    const char *site = mm_demo_param(p, "site_id"), *id = mm_demo_str(alarm, "id");
    if (site && strcmp(site, mm_demo_str(alarm, "site_id")) != 0)
        return 0;
    if (which == ALL)
        return 1;
    if (which == ONE)
        return strcmp(id, mm_demo_param(p, "alarm_id")) == 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(body, "alarm_ids"))
    {
        if (cJSON_IsString(it) && strcmp(it->valuestring, id) == 0)
            return 1;
    }
    return 0;
}

/* 1 if the session has alarm id (at site, when not NULL). */
static int have(const cJSON *alarms, const char *id, const char *site)
{
    const cJSON *a = mm_demo_find_id(alarms, id);
    return a && (!site || strcmp(site, mm_demo_str(a, "site_id")) == 0);
}

/* The first alarm the operation names that the session does not have, or NULL. */
static const char *unknown(const cJSON *alarms, which which, const mm_demo_params *p,
                           const cJSON *body)
{
    const char *site = mm_demo_param(p, "site_id"), *id = mm_demo_param(p, "alarm_id");
    if (which == ONE)
        return have(alarms, id, site) ? NULL : id;
    const cJSON *ids = which == LISTED ? cJSON_GetObjectItemCaseSensitive(body, "alarm_ids") : NULL,
                *it;
    cJSON_ArrayForEach(it, ids)
    {
        if (cJSON_IsString(it) && !have(alarms, it->valuestring, site))
            return it->valuestring;
    }
    return NULL;
}

static void set(cJSON *o, const char *key, cJSON *value)
{
    cJSON_DeleteItemFromObjectCaseSensitive(o, key);
    if (value)
        cJSON_AddItemToObject(o, key, value);
}

int mm_demo_alarm_ack(const mm_demo_view *v, const mm_demo_spec_write *w, const mm_demo_params *p,
                      const cJSON *body, mm_demo_answer *out)
{
    size_t k = 0;
    while (k < sizeof ops / sizeof ops[0] && strcmp(ops[k].operation, w->operation) != 0)
        k++;
    if (k == sizeof ops / sizeof ops[0])
        return 0;
    cJSON *alarms = mm_demo_seen_alarms(v);
    const char *missing = unknown(alarms, ops[k].which, p, body);
    if (missing) {
        mm_demo_fail(out, 404, "alarm %s is not in the demo cloud%s", missing,
                     mm_demo_param(p, "site_id") ? " at this site (searchSiteAlarms lists them)"
                                                 : " (searchOrgAlarms lists them)");
        cJSON_Delete(alarms);
        return 1;
    }
    char list[MM_DEMO_PATH_MAX], path[MM_DEMO_PATH_MAX + 64], err[400];
    list_path(v, list, sizeof list);
    const char *note = mm_demo_str(body, "note");
    const cJSON *admin = cJSON_GetObjectItemCaseSensitive(v->world->self, "admin_id");
    for (cJSON *a = alarms->child; a; a = a->next) {
        if (!named(a, ops[k].which, p, body))
            continue;
        int acked = ops[k].acked;
        set(a, "acked", cJSON_CreateBool(acked));
        set(a, "ack_admin_name", acked ? cJSON_CreateString("Demo Admin") : NULL);
        set(a, "ack_admin_id", acked ? cJSON_Duplicate(admin, 0) : NULL);
        set(a, "acked_time", acked ? cJSON_CreateNumber(MM_DEMO_NOW) : NULL);
        set(a, "note", acked && note ? cJSON_CreateString(note) : NULL);
        snprintf(path, sizeof path, "%s/%s", list, mm_demo_str(a, "id"));
        if (mm_demo_overlay_put(v->overlay, path, list, a, err, sizeof err) != 0) {
            mm_demo_fail(out, 413, "%s%s", err, NULL);
            cJSON_Delete(alarms);
            return 1;
        }
    }
    cJSON_Delete(alarms);
    out->status = 200;
    out->body = mm_xstrdup(w->answer ? w->answer : "");
    return 1;
}
