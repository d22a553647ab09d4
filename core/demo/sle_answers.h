/*
 * The SLE endpoints of the demo cloud, answered with the figures of demo/sle.h in the spec's
 * shapes, so that every one tells the same story over the request's window (demo/window.h):
 *   - the org's view of its sites: getOrgSitesSle, getOrgSle worst-sites-by-sle
 *     (demo/sle_sites.h);
 *   - for a site's own scope (/sites/{site}/sle/site/{site}/...): listSiteSlesMetrics,
 *     listSiteSleMetricClassifiers, getSiteSleSummary (the metric's samples, each
 *     classifier's, their impact), getSiteSleClassifierDetails (one classifier, and what
 *     failed: the RADIUS reject, the offline APs), getSiteSleImpactSummary (the degraded
 *     split by AP, band, OS, device type and WLAN), listSiteSleImpactedWirelessClients and
 *     listSiteSleImpactedAps (paged), getSiteSleHistogram (time-to-connect in seconds,
 *     coverage in dBm).
 * A metric the demo does not compute is Mist's 404 naming listSiteSlesMetrics; other scopes
 * (an AP's, a client's) are left to the spec's answers (demo/fallback.h).
 *
 * Thread-safety: reads the world; any number of threads at once.
 */
#ifndef MISTMCP_DEMO_SLE_ANSWERS_H
#define MISTMCP_DEMO_SLE_ANSWERS_H

#include "demo/answer.h"
#include "demo/path.h"
#include "demo/world.h"

/* 1 after answering rq (GET of the canonical path sg, whose org or site is the session's)
 * into out, 0 when it is no SLE endpoint above (out untouched). */
int mm_demo_sle_answer(const mm_demo_world *w, const mm_demo_request *rq,
                       const mm_demo_segments *sg, mm_demo_answer *out);

#endif
