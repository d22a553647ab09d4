/*
 * Writes to the demo cloud: every write operation of the spec (demo/spec_writes.h) is taken,
 * its body checked against the operation's request schema (demo/body_check.h: 400 naming the
 * field), and its effect kept in the session's overlay (demo/overlay.h), so that the session's
 * next reads show it and no other session's do:
 *   - create (a POST to a path whose GET lists objects): the body becomes an object with a new
 *     id (and the path's org_id and site_id, created_time and modified_time), listed after
 *     the others and fetched by its id; answered with the object;
 *   - replace (a PUT to a path that has a GET): the object the GET answers with the body's
 *     members laid over it (a body that is not an object, or a GET that answers no object:
 *     the body itself) is what the next GET answers, in its list too; answered with it;
 *   - delete (a DELETE of a path that has a GET): the path and every path under it answer 404,
 *     and its list leaves it out; answered with 200 and no content;
 *   - the alarms' ack and unack (one, several, all; of the org or a site): the alarms'
 *     "acked" as searchOrgAlarms shows them;
 *   - a device's restart or firmware upgrade (demo/actions.h): its uptime, last seen time
 *     and version as its stats and the device search show them; answered as the spec does;
 *   - any other action (a packet capture, a GET that acts...): the spec's answer with the
 *     world's ids, and nothing changes.
 * A path naming another org, or a site or device the session does not have, is Mist's 404; a
 * replace or delete of what the session deleted too. A change past the overlay's limits is
 * refused with 413 saying which.
 *
 * Thread-safety: changes only the session's overlay, which the caller leases (demo/store.h).
 */
#ifndef MISTMCP_DEMO_WRITES_H
#define MISTMCP_DEMO_WRITES_H

#include "demo/answer.h"
#include "demo/session_world.h"

/* 1 after answering rq into out (a status and a body always), 0 when no write operation of
 * the spec has rq's method and path (out untouched). v->overlay must be the session's (not
 * NULL) and v->bodies set. */
int mm_demo_write(const mm_demo_view *v, const mm_demo_request *rq, mm_demo_answer *out);

#endif
