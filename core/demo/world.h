/*
 * The demo cloud's organisation: one deterministic Mist org (the same bytes at every start),
 * coherent across endpoints, with the problems people ask about. See docs/DEMO.md.
 *
 * The world is built once and then only read: every field below is an immutable cJSON tree
 * owned by the world (callers never modify or free them), but the clients' events, made on
 * first use under their own lock (demo/events.h). Thread-safe to read from any number of
 * threads once mm_demo_world_create returned.
 */
#ifndef MISTMCP_DEMO_WORLD_H
#define MISTMCP_DEMO_WORLD_H

#include <cjson/cJSON.h>

#define MM_DEMO_NOW 1764547200 /* the world's "now", seconds since 1970 (2025-12-01 00:00 UTC) */
#define MM_DEMO_RADIUS_SERVER "10.3.0.5" /* New York's, whose rejects fail 802.1X on Corp */

typedef struct mm_demo_world {
    char org_id[37];
    cJSON *self;          /* GET /api/v1/self */
    cJSON *org;           /* GET /api/v1/orgs/{org_id} */
    cJSON *sites;         /* array of site objects */
    cJSON *devices;       /* array of device configs (APs, switches, gateways), with "type" */
    cJSON *device_stats;  /* array of device stats, same order as devices */
    cJSON *inventory;     /* array of inventory entries, same order as devices */
    cJSON *wlans;         /* array of org WLANs */
    cJSON *clients;       /* array of wireless client search results */
    cJSON *wired_clients; /* array of wired client search results */
    cJSON *alarms;        /* array of alarms */
    struct mm_demo_events *events; /* the clients' events, made on first use (demo/events.h) */
} mm_demo_world;

/* Builds the world. Never fails (allocation failure aborts, as everywhere in mistmcp). The
 * caller owns it: mm_demo_world_free. About 2 MB of cJSON trees (1 MB more once its events
 * are made); a few ms. */
mm_demo_world *mm_demo_world_create(void);
void mm_demo_world_free(mm_demo_world **w);

/* The object of array whose "id" is id, or NULL. */
const cJSON *mm_demo_find_id(const cJSON *array, const char *id);

#endif
