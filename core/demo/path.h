/*
 * Request paths as the demo cloud reads them: split into %-decoded segments, matched against
 * the spec's path templates ("/api/v1/orgs/{org_id}/wlans/{wlan_id}"), and written back in
 * one canonical form, the key under which a session's changes are kept (demo/overlay.h).
 *
 * Pure functions of their arguments; thread-safe.
 */
#ifndef MISTMCP_DEMO_PATH_H
#define MISTMCP_DEMO_PATH_H

#include <stddef.h>

#define MM_DEMO_MAX_SEGMENTS 16
#define MM_DEMO_SEGMENT_MAX 128
#define MM_DEMO_MAX_PARAMS 8
#define MM_DEMO_PATH_MAX (MM_DEMO_MAX_SEGMENTS * MM_DEMO_SEGMENT_MAX)

typedef struct mm_demo_segments {
    char s[MM_DEMO_MAX_SEGMENTS][MM_DEMO_SEGMENT_MAX]; /* %-decoded */
    int n;
} mm_demo_segments;

/* The path parameters a template names, in the order of the path. */
typedef struct mm_demo_params {
    char names[MM_DEMO_MAX_PARAMS][48];   /* as the template names them */
    char values[MM_DEMO_MAX_PARAMS][128]; /* %-decoded */
    size_t count;
    int fetched; /* the path ends with a parameter: the last one names the object fetched */
} mm_demo_params;

/* path's segments, %-decoded (empty segments dropped: "//a/" is "a"); -1 if it has more than
 * MM_DEMO_MAX_SEGMENTS or one of MM_DEMO_SEGMENT_MAX bytes or more. */
int mm_demo_path_split(const char *path, mm_demo_segments *out);

/* The first n segments of sg as "/a/b" into out (cut to size; n <= 0: "/"). Decoded: two
 * spellings of one path ("%2D", "-") give one string. */
void mm_demo_path_join(const mm_demo_segments *sg, int n, char *out, size_t size);

/* path in the canonical form of mm_demo_path_join; -1 (out "") if mm_demo_path_split refuses
 * it. */
int mm_demo_path_canon(const char *path, char *out, size_t size);

/* Whether template matches the segments: its score (the more literal segments the better; of
 * as many, the one whose literals come later: .../{zone_type}/count beats
 * .../rssizones/{zone_id} for .../rssizones/count), or -1; the parameters it names in *p. A
 * segment of the template may hold a parameter between literal text ("image{n}"). */
long mm_demo_path_match(const char *template, const mm_demo_segments *sg, mm_demo_params *p);

/* The template at index i of a table, or NULL to pass it over. */
typedef const char *(*mm_demo_template_at)(size_t i, void *ctx);

/* The index of the template among count that matches sg best (mm_demo_path_match), with its
 * parameters in *p; -1 when none matches. */
long mm_demo_path_best(const mm_demo_segments *sg, size_t count, mm_demo_template_at at, void *ctx,
                       mm_demo_params *p);

/* The value of path parameter name, or NULL. */
const char *mm_demo_param(const mm_demo_params *p, const char *name);

#endif
