/*
 * The wireless clients' events of the demo world (searchOrgWirelessClientEvents,
 * countOrgWirelessClientEvents, their site twins, getSiteEventsForClient), made from the
 * world's clients and its alarms, so that they tell the world's story:
 *   - each client connected once: CLIENT_ASSOCIATION, then CLIENT_AUTHENTICATED (Corp and
 *     IoT), then CLIENT_IP_ASSIGNED, a few seconds before it was last seen; one client in 23
 *     waits 6 s for its address (a slow DHCP server);
 *   - the world's auth_failure_surge alarm (New York, Corp) is its count of failed 802.1X
 *     attempts, between the alarm's first and last time: each a CLIENT_ASSOCIATION, then,
 *     5 s later, MARVIS_EVENT_CLIENT_AUTH_FAILURE naming the RADIUS server's reject. They
 *     come from every other client on that SSID at that site, in turn; those clients had
 *     connected before the failures began.
 * Events are kept newest first. Each holds, besides the members
 * Mist's answers have, what the demo uses and never shows: "mac" and "site_id" (whose event),
 * and on a CLIENT_ASSOCIATION "seconds" (time to connect, association to address or to the
 * failure) and, for an attempt that failed, "failure" (the SLE classifier: "authorization").
 *
 * Thread-safety: made once (mm_demo_client_events), then only read; answers are new trees.
 */
#ifndef MISTMCP_DEMO_EVENTS_H
#define MISTMCP_DEMO_EVENTS_H

#include "demo/answer.h"
#include "demo/world.h"

#include <cjson/cJSON.h>

/* Why New York's 802.1X attempts fail, as their events and the SLE's classifier say it. */
#define MM_DEMO_AUTH_REJECT                                                                        \
    "RADIUS server " MM_DEMO_RADIUS_SERVER " sent Access-Reject (EAP-TLS: the server's "           \
    "certificate has expired)"

/* The world's client events (above), an array the world owns: made on the first call (about
 * 1,000 events, 1 MB, a few ms: not at start, where they would delay the first answer of
 * every demo), then the same. Thread-safe: the first callers wait for the one that makes them. */
const cJSON *mm_demo_client_events(const mm_demo_world *w);

/* The world's holder of its events (world.events): made with the world, freed with it. */
struct mm_demo_events *mm_demo_events_create(void);
void mm_demo_events_free(struct mm_demo_events **e);

/* The events of the world in rq's window (demo/window.h) and filters (type, a list with
 * commas; ssid, ap, band, proto, wlan_id, key_mgmt; site_id), of site (NULL: every site) and
 * client (a MAC; NULL: every client), as Mist answers them:
 *   - search: {"start", "end", "limit", "total", "results"}, paged by limit and page;
 *   - count: {"distinct", "start", "end", "limit", "total", "results": [{"<distinct>": value,
 *     "count": n}]}, by the distinct parameter (type when absent), most frequent first.
 * Always answers (a 400 for a bad window, limit or distinct). */
void mm_demo_events_search(const mm_demo_world *w, const mm_demo_request *rq, const char *site,
                           const char *client, mm_demo_answer *out);
void mm_demo_events_count(const mm_demo_world *w, const mm_demo_request *rq, const char *site,
                          mm_demo_answer *out);

#endif
