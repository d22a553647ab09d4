/*
 * Device actions that change what the demo shows (demo/actions.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/actions.h"

#include "demo/answer.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *operation;
    int upgrade; /* else a restart */
    int listed;  /* the body's device_ids, else the path's device_id */
} ops[] = {
    {"restartSiteDevice", 0, 0},
    {"restartSiteMultipleDevices", 0, 1},
    {"upgradeDevice", 1, 0},
    {"upgradeSiteDevices", 1, 1},
};

void mm_demo_device_state_path(const char *site, const char *id, char *out, size_t size)
{
    snprintf(out, size, "/api/v1/sites/%s/devices/%s/state", site, id);
}

static void set(cJSON *o, const char *key, cJSON *value)
{
    cJSON_DeleteItemFromObjectCaseSensitive(o, key);
    cJSON_AddItemToObject(o, key, value);
}

/* The stats of device id at site, or NULL after Mist's 404 in out. */
static const cJSON *device(const mm_demo_view *v, const char *site, const char *id,
                           mm_demo_answer *out)
{
    const cJSON *stats = mm_demo_find_id(v->world->device_stats, id);
    if (stats && strcmp(mm_demo_str(stats, "site_id"), site) == 0)
        return stats;
    mm_demo_fail(out, 404,
                 "device %s is not in the demo cloud at this site (listSiteDevices lists its "
                 "devices)%s",
                 id, NULL);
    return NULL;
}

/* The action on device id at site; -1 after Mist's error in out. */
static int act(const mm_demo_view *v, const char *site, const char *id, int upgrade,
               const char *version, mm_demo_answer *out)
{
    const cJSON *stats = device(v, site, id, out);
    if (!stats)
        return -1;
    if (strcmp(mm_demo_str(stats, "status"), "connected") != 0)
        return 0; /* the command waits for the device to connect */
    char path[MM_DEMO_PATH_MAX], err[400];
    mm_demo_device_state_path(site, id, path, sizeof path);
    cJSON *state;
    if (mm_demo_overlay_get(v->overlay, path, &state) != MM_DEMO_SET || !cJSON_IsObject(state)) {
        cJSON_Delete(state);
        state = cJSON_CreateObject();
    }
    set(state, "uptime", cJSON_CreateNumber(0));
    set(state, "last_seen", cJSON_CreateNumber(MM_DEMO_NOW));
    if (upgrade && version)
        set(state, "version", cJSON_CreateString(version));
    int rc = mm_demo_overlay_put(v->overlay, path, NULL, state, err, sizeof err);
    cJSON_Delete(state);
    if (rc != 0)
        mm_demo_fail(out, 413, "%s%s", err, NULL);
    return rc;
}

int mm_demo_device_action(const mm_demo_view *v, const mm_demo_spec_write *w,
                          const mm_demo_params *p, const cJSON *body, mm_demo_answer *out)
{
    size_t k = 0;
    while (k < sizeof ops / sizeof ops[0] && strcmp(ops[k].operation, w->operation) != 0)
        k++;
    const char *site = mm_demo_param(p, "site_id");
    if (k == sizeof ops / sizeof ops[0] || !site)
        return 0;
    const char *version = mm_demo_str(body, "version");
    if (!ops[k].listed)
        return act(v, site, mm_demo_param(p, "device_id"), ops[k].upgrade, version, out);
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(body, "device_ids"), *id;
    cJSON_ArrayForEach(id, ids) /* all known, or none acted on */
    {
        if (cJSON_IsString(id) && !device(v, site, id->valuestring, out))
            return -1;
    }
    cJSON_ArrayForEach(id, ids)
    {
        if (cJSON_IsString(id) && act(v, site, id->valuestring, ops[k].upgrade, version, out) != 0)
            return -1;
    }
    return 0;
}
