/*
 * Device actions that change what the demo shows (with --enable-write-tools; one session's
 * overlay, never the shared world):
 *   - a restart (restartSiteDevice; restartSiteMultipleDevices, the body's device_ids): the
 *     device's stats show it up since now, "uptime" 0 and "last_seen" now;
 *   - a firmware upgrade (upgradeDevice; upgradeSiteDevices, the body's device_ids): the
 *     device runs the body's "version" and restarted into it ("uptime" 0, "last_seen" now).
 * A disconnected device takes neither (the command waits for it to connect): nothing changes.
 * A device id the site does not have is Mist's 404, and then none of the body's is acted on.
 * What changed is kept as the device's state, {"uptime", "last_seen", "version"} as far as
 * set, under "/api/v1/sites/{site}/devices/{id}/state" (under the device's config, so that a
 * deleted device takes it along); demo/session_world.h lays it over the device's stats, so
 * the org's and site's device stats and the device search show it. (Inventory entries have
 * none of these members in Mist's schema.) The answer stays the spec's (demo/writes.h).
 *
 * Thread-safety: changes only the session's overlay, which the caller leases.
 */
#ifndef MISTMCP_DEMO_ACTIONS_H
#define MISTMCP_DEMO_ACTIONS_H

#include "demo/answer.h"
#include "demo/path.h"
#include "demo/session_world.h"
#include "demo/spec_writes.h"

#include <cjson/cJSON.h>

/* Keeps the effect of w (body checked already, or NULL) when it is one of the actions above;
 * 0 then and for any other write (the caller answers it), -1 after Mist's error in out (a
 * device the site does not have: 404; past the overlay's limits: 413). */
int mm_demo_device_action(const mm_demo_view *v, const mm_demo_spec_write *w,
                          const mm_demo_params *p, const cJSON *body, mm_demo_answer *out);

/* The path a device's state is kept under, into out. */
void mm_demo_device_state_path(const char *site, const char *id, char *out, size_t size);

#endif
