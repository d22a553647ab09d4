/*
 * The alarms' ack and unack in the demo cloud (ackOrgAlarm, ackOrgMultipleAlarms,
 * ackOrgAllAlarms, unackOrgMultipleAlarms, unackOrgAllAlarms and their site twins): the
 * alarms named (by the path's alarm_id, the body's alarm_ids, or all of the org or site) are
 * kept in the session's overlay with "acked" set (and "ack_admin_name", "ack_admin_id",
 * "acked_time" and the body's "note"), or cleared, so that searchOrgAlarms shows them so. The
 * changed alarms are kept under "/api/v1/orgs/{org}/alarms/{id}", listed by
 * "/api/v1/orgs/{org}/alarms" (demo/overlay.h). An alarm id the session does not have is
 * Mist's 404.
 *
 * Thread-safety: changes only the session's overlay, which the caller leases.
 */
#ifndef MISTMCP_DEMO_ALARM_ACK_H
#define MISTMCP_DEMO_ALARM_ACK_H

#include "demo/answer.h"
#include "demo/path.h"
#include "demo/session_world.h"
#include "demo/spec_writes.h"

#include <cjson/cJSON.h>

/* 1 after answering w (an ack or unack operation; body checked already, or NULL) into out,
 * 0 when w is no such operation (out untouched). */
int mm_demo_alarm_ack(const mm_demo_view *v, const mm_demo_spec_write *w, const mm_demo_params *p,
                      const cJSON *body, mm_demo_answer *out);

/* The org's alarms as the session sees them: a new array (the caller's). */
cJSON *mm_demo_seen_alarms(const mm_demo_view *v);

#endif
