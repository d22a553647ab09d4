/*
 * The world's objects as other endpoints show them: a site's wireless clients as its client
 * stats (stats_wireless_client), devices as a device search finds them (ap_search,
 * switch_search, gateway_search). The shapes are the spec's: only members its schemas have.
 *
 * Returned arrays are new and owned by the caller (cJSON_Delete). Reads the world; thread-safe.
 */
#ifndef MISTMCP_DEMO_VIEWS_H
#define MISTMCP_DEMO_VIEWS_H

#include "demo/world.h"

#include <cjson/cJSON.h>

/* The wireless clients of site (every site's when NULL) as /sites/{id}/stats/clients. */
cJSON *mm_demo_client_stats(const mm_demo_world *w, const char *site);

/* A wireless client's (world.clients item) signal in dBm and channel, as its stats show them:
 * from its MAC, the same every start, different between clients (-42 to -71 dBm). */
int mm_demo_client_rssi(const cJSON *client);
int mm_demo_client_channel(const cJSON *client);

/* The device stats of stats (an array of world.device_stats items) as search results. */
cJSON *mm_demo_device_search(const cJSON *stats);

/* The sites (one site's when site is not NULL) as /orgs/{id}/stats/sites shows them: the site
 * with its UTC offset and its devices and clients counted, connected ones apart. */
cJSON *mm_demo_site_stats(const mm_demo_world *w, const char *site);

#endif
