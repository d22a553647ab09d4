/*
 * The demo world as one session sees it (demo/session_world.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/session_world.h"

#include "demo/actions.h"

#include <stdio.h>
#include <string.h>

#define SITES_PREFIX "/api/v1/sites/"

/* 1 if list is /api/v1/orgs/{org}/sites. */
static int org_sites(const char *list)
{
    static const char orgs[] = "/api/v1/orgs/";
    const char *rest = strncmp(list, orgs, sizeof orgs - 1) == 0 ? list + sizeof orgs - 1 : "";
    const char *slash = strchr(rest, '/');
    return slash && slash > rest && strcmp(slash, "/sites") == 0;
}

void mm_demo_item_path(const char *list, const char *id, char *out, size_t size)
{
    if (org_sites(list))
        snprintf(out, size, SITES_PREFIX "%s", id);
    else
        snprintf(out, size, "%s/%s", list, id);
}

void mm_demo_list_of(const mm_demo_view *v, const char *path, char *out, size_t size)
{
    const char *rest = path + strlen(SITES_PREFIX);
    if (strncmp(path, SITES_PREFIX, strlen(SITES_PREFIX)) == 0 && *rest && !strchr(rest, '/')) {
        snprintf(out, size, "/api/v1/orgs/%s/sites", v->world->org_id);
        return;
    }
    const char *slash = strrchr(path, '/');
    snprintf(out, size, "%.*s", slash && slash > path ? (int)(slash - path) : 0, path);
}

int mm_demo_site_exists(const mm_demo_view *v, const char *site)
{
    char path[MM_DEMO_PATH_MAX];
    snprintf(path, sizeof path, SITES_PREFIX "%s", site);
    cJSON *o;
    mm_demo_change c = mm_demo_overlay_get(v->overlay, path, &o);
    cJSON_Delete(o);
    return c == MM_DEMO_SET || (c == MM_DEMO_UNCHANGED && mm_demo_find_id(v->world->sites, site));
}

int mm_demo_known(const mm_demo_view *v, const mm_demo_params *p, mm_demo_answer *out)
{
    const mm_demo_world *w = v->world;
    const char *org = mm_demo_param(p, "org_id"), *site = mm_demo_param(p, "site_id"),
               *device = mm_demo_param(p, "device_id");
    if (org && strcmp(org, w->org_id) != 0) {
        mm_demo_fail(out, 404, "org %s is not in the demo cloud: its org is %s", org, w->org_id);
        return -1;
    }
    if (site && !mm_demo_site_exists(v, site)) {
        mm_demo_fail(out, 404, "site %s is not in the demo cloud (listOrgSites lists its %s)", site,
                     "sites");
        return -1;
    }
    const cJSON *d = device ? mm_demo_find_id(w->devices, device) : NULL;
    const char *its_site = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d, "site_id"));
    if (device && (!d || (site && strcmp(its_site, site) != 0))) {
        mm_demo_fail(out, 404, "device %s is not in the demo cloud%s", device,
                     site ? " at this site (listSiteDevices lists its devices)" : "");
        return -1;
    }
    return 0;
}

/* Lays what the session changed of the device of item over it: its config's name, and of
 * its state (demo/actions.h) the members item has. 1 if it changed something. */
static int seen_device(const mm_demo_view *v, cJSON *item, const char *site, const char *id)
{
    char path[MM_DEMO_PATH_MAX];
    snprintf(path, sizeof path, SITES_PREFIX "%s/devices/%s", site, id);
    cJSON *config, *state;
    mm_demo_overlay_get(v->overlay, path, &config);
    mm_demo_device_state_path(site, id, path, sizeof path);
    mm_demo_overlay_get(v->overlay, path, &state);
    int changed = 0;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(config, "name");
    if (cJSON_IsString(name) && item) {
        cJSON_ReplaceItemInObjectCaseSensitive(item, "name", cJSON_CreateString(name->valuestring));
    }
    changed |= cJSON_IsString(name);
    for (const cJSON *m = state ? state->child : NULL; m; m = m->next)
        if (cJSON_GetObjectItemCaseSensitive(item, m->string)) {
            cJSON_ReplaceItemInObjectCaseSensitive(item, m->string, cJSON_Duplicate(m, 1));
            changed = 1;
        }
    cJSON_Delete(config);
    cJSON_Delete(state);
    return changed;
}

cJSON *mm_demo_seen_devices(const mm_demo_view *v, const cJSON *items)
{
    if (!v->overlay || mm_demo_overlay_entries(v->overlay) == 0)
        return NULL;
    cJSON *out = cJSON_Duplicate(items, 1);
    int changed = 0;
    for (cJSON *it = out ? out->child : NULL; it; it = it->next) {
        const char *id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "id"));
        const char *site = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "site_id"));
        if (id && site)
            changed |= seen_device(v, it, site, id);
    }
    if (!changed)
        cJSON_Delete(out);
    return changed ? out : NULL;
}
