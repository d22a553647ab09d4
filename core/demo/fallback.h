/*
 * The demo cloud's answer where no curated route answers: the spec's answer to the operation
 * whose path template matches the request (demo/spec_answers.h, made at build time), fitted to
 * the request and the world:
 *   - the template that matches with the most literal segments wins (.../devices/search
 *     before .../devices/{device_id}); of as many, the one whose literals come later;
 *   - the path's org and site must be the session's, a device_id one of the site's devices
 *     (else 404, as curated routes answer; demo/session_world.h);
 *   - the world's ids are put in (demo/ids.h);
 *   - a list shows the session's changes (demo/overlay.h): objects it created, replaced or
 *     deleted there;
 *   - time: start and end (epoch seconds, "now", or before now: "-1d") and duration (1d, 3h,
 *     30m, 2w or seconds; end defaults to now, or start + duration; start to end - duration;
 *     duration to 1d) set the answer's own start and end and spread its items' timestamps
 *     over the window; a bad value or a window that ends before it starts is a 400;
 *   - a list pages like Mist's (limit, page, X-Page-* headers); a search's results page the
 *     same, with its limit, page and total; the items are filtered by the operation's filter
 *     parameters (spec_answers.h), as curated filters match;
 *   - a file is answered with its content type.
 *
 * Thread-safety: reads the world, the static answers and the session's overlay (leased by the
 * caller); any number of threads at once.
 */
#ifndef MISTMCP_DEMO_FALLBACK_H
#define MISTMCP_DEMO_FALLBACK_H

#include "demo/answer.h"
#include "demo/session_world.h"

/* 1 after answering rq into out (a status and a body always), 0 when no read-only
 * operation has rq's path (out untouched). */
int mm_demo_fallback(const mm_demo_view *v, const mm_demo_request *rq, mm_demo_answer *out);

#endif
