/*
 * The demo world's ids in an answer built from the spec (demo/fallback.h), so that its ids
 * refer to objects other endpoints list:
 *   - a member named like a parameter of the request's path takes the path's value (a site's
 *     answers name that site; a map fetched by id has that id);
 *   - the object a path fetches (its last segment is a parameter: .../maps/{map_id}) has that
 *     value as its "id" for a *_id parameter, as its "mac" for a *_mac one;
 *   - org_id is the world's org; site_id (site_ids) a site of the world; device_id and ap_id a
 *     device (an AP) of the world; wlan_id (last_wlan_id, wlan_ids) a WLAN of the world;
 *     ap_mac, last_ap and ap an AP's MAC, device_mac a device's, switch_mac and gateway_mac
 *     those of a switch and a gateway. Devices are taken from the request's site when it
 *     names one. Successive members take successive objects (the first site, the second...),
 *     so a list's items differ.
 * Only strings are replaced (and "ap" only where it holds a MAC): types never change.
 *
 * Thread-safety: reads the world; modifies only answer, which the caller owns.
 */
#ifndef MISTMCP_DEMO_IDS_H
#define MISTMCP_DEMO_IDS_H

#include "demo/path.h"
#include "demo/world.h"

#include <cjson/cJSON.h>

/* Puts the world's ids into answer, as above. */
void mm_demo_put_ids(const mm_demo_world *w, const mm_demo_params *p, cJSON *answer);

#endif
