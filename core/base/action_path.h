/*
 * GET requests that act: Mist performs some actions on a GET ("/ssr/upgrade/{id}/cancel",
 * "/rrm/optimize"), so such a request is a write whatever its method says. One list, used by
 * the generator (the tools it makes of such operations are write tools) and by the server
 * (a third-party plugin may not mark such a tool read-only, and a read-only tool's GET to
 * such a path is refused).
 *
 * Self-contained (no other part of mistmcp): the generator compiles this file too.
 * Thread-safe: no state.
 */
#ifndef MISTMCP_CORE_BASE_ACTION_PATH_H
#define MISTMCP_CORE_BASE_ACTION_PATH_H

#include <stddef.h>

/* The action word that path's last literal segment is ("cancel", "reboot", ...), or NULL.
 * path is a template or a request path without query ("/api/v1/orgs/{org_id}/x/cancel");
 * segments in braces are placeholders and are skipped; a literal segment is compared whole
 * and case-sensitively (Mist's paths are lower case). The words are actions only, never
 * nouns ("upgrade" names a list). Returns a static string. */
const char *mm_action_path_word(const char *path);

#endif
