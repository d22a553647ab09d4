/*
 * The demo world as one session sees it: the shared, immutable world (demo/world.h) through
 * the session's overlay of changes (demo/overlay.h). What reads need of it: whether an org,
 * site or device a path names exists for the session (a deleted site is gone, a created one
 * is there), lists with the session's changes, and devices as the session changed them (a
 * device renamed by a PUT of its config shows its new name in stats and searches too; a
 * restarted or upgraded one its uptime and version).
 *
 * Thread-safety: reads the world and the overlay, which the caller leases (demo/store.h).
 */
#ifndef MISTMCP_DEMO_SESSION_WORLD_H
#define MISTMCP_DEMO_SESSION_WORLD_H

#include "demo/answer.h"
#include "demo/body_check.h"
#include "demo/overlay.h"
#include "demo/path.h"
#include "demo/world.h"

#include <cjson/cJSON.h>

/* What one request is answered from. */
typedef struct mm_demo_view {
    const mm_demo_world *world;
    mm_demo_overlay *overlay; /* the session's changes, leased; NULL: it changed nothing */
    mm_demo_bodies *bodies;   /* request body schemas, for writes */
} mm_demo_view;

/* The canonical path of the item id of the list a session's objects of list are kept under
 * (demo/overlay.h): list/id, but /api/v1/sites/{id} for the org's sites. Into out. */
void mm_demo_item_path(const char *list, const char *id, char *out, size_t size);

/* The list path whose GET lists the object at path (canonical): its parent, but
 * /api/v1/orgs/{org}/sites for a site. Into out; "" when path has no parent. */
void mm_demo_list_of(const mm_demo_view *v, const char *path, char *out, size_t size);

/* 1 if site is a site of the session: the world's and not deleted, or created. */
int mm_demo_site_exists(const mm_demo_view *v, const char *site);

/* 0 when the org, site and device p names are the session's (the org must be the world's, a
 * device one of the site's), else -1 after Mist's 404 naming it in out. */
int mm_demo_known(const mm_demo_view *v, const mm_demo_params *p, mm_demo_answer *out);

/* items (device stats, inventory entries: objects with "id" and "site_id") as the session
 * changed their devices: each "name" it gave the device's config, and the members a restart
 * or an upgrade changed (demo/actions.h: uptime, last_seen, version) where the item has them.
 * A new array, or NULL when it changed none. */
cJSON *mm_demo_seen_devices(const mm_demo_view *v, const cJSON *items);

#endif
