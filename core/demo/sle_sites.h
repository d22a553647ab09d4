/*
 * The org's view of its sites' SLEs in the demo cloud, from the figures of demo/sle.h over the
 * request's window (demo/window.h):
 *   - getOrgSitesSle (/orgs/{org}/insights/sites-sle; sle=wifi by default, wired, wan): each
 *     site's wireless SLEs (successful-connect, time-to-connect, coverage...; ap-health is
 *     ap-availability), its switches' (every one healthy) or its gateways' (two WAN links
 *     each; the links of a gw_wan_down alarm down since it was raised), paged;
 *   - getOrgSle with the metric worst-sites-by-sle (/orgs/{org}/insights/worst-sites-by-sle):
 *     the wireless rows, the worst site first by the sle the query names (successful-connect,
 *     coverage...), else by the mean of its wireless SLEs.
 * Sites a session created have no SLEs (they have no devices).
 *
 * Thread-safety: reads the world; any number of threads at once.
 */
#ifndef MISTMCP_DEMO_SLE_SITES_H
#define MISTMCP_DEMO_SLE_SITES_H

#include "demo/answer.h"
#include "demo/world.h"

/* Answer rq into out (a status and a body always: a bad sle, window or paging is a 400). */
void mm_demo_sites_sle(const mm_demo_world *w, const mm_demo_request *rq, mm_demo_answer *out);
void mm_demo_worst_sites(const mm_demo_world *w, const mm_demo_request *rq, mm_demo_answer *out);

#endif
