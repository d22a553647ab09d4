/*
 * The live detail of a demo AP's stats object, as Mist's listSiteDevicesStats and
 * listOrgDevicesStats answer it (schema stats_ap): radios (radio_stat, radio_config), the
 * Ethernet port, the LLDP neighbour and its PoE budget, IP settings, environment sensors,
 * CPU, memory and traffic counters. A real AP's object is several KB; with these the demo's is
 * too (about 3 KB), so what a model pays for a whole answer, and saves with `fields`, is what
 * it would on Mist.
 *
 * The values are a function of the AP's MAC alone (their own generator, seeded from it), so
 * adding them changes nothing else of the demo world, and every run answers the same.
 *
 * Ownership: adds members to st (the caller's). Thread-safety: no state.
 */
#ifndef MISTMCP_CORE_DEMO_AP_DETAIL_H
#define MISTMCP_CORE_DEMO_AP_DETAIL_H

#include <cjson/cJSON.h>

/* Adds the detail to st, the stats object of a connected AP: mac (12 hex digits), model,
 * the number of clients it serves, uplink the name of the switch it hangs off and port that
 * switch's port. */
void mm_demo_ap_detail(cJSON *st, const char *mac, const char *model, int clients,
                       const char *uplink, int port);

#endif
