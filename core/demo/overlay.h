/*
 * One session's changes to the demo world, copy-on-write: the world (demo/world.h) and the
 * spec's answers are shared by every session and never modified; an overlay holds only what
 * one session (one Mist token) created, replaced or deleted, keyed by the object's canonical
 * path (demo/path.h). A created or replaced object is kept as its JSON text, a deleted one as
 * a mark. Each entry also names the list its object is an item of (the path whose GET lists
 * it: "/api/v1/orgs/O/wlans" for ".../wlans/W", "/api/v1/orgs/O/sites" for "/api/v1/sites/S"),
 * so that lists show the created objects after the others, the replaced ones as they are now,
 * and not the deleted ones.
 *
 * Bounded: at most MM_DEMO_OVERLAY_MAX_ENTRIES entries and MM_DEMO_OVERLAY_MAX_BYTES bytes of
 * memory, counted as allocated (the overlay, its entry table, each path and text, with 16
 * bytes of allocator overhead each); a change that would pass either is refused, and the
 * overlay keeps what it had.
 *
 * Ownership: mm_demo_overlay_create returns an overlay the caller frees with
 * mm_demo_overlay_free; values passed in are copied, values returned are the caller's.
 * Thread-safety: none; the store (demo/store.h) lets one request at a time use an overlay.
 */
#ifndef MISTMCP_DEMO_OVERLAY_H
#define MISTMCP_DEMO_OVERLAY_H

#include <cjson/cJSON.h>
#include <stddef.h>

#define MM_DEMO_OVERLAY_MAX_ENTRIES 1000
#define MM_DEMO_OVERLAY_MAX_BYTES (224 * 1024)

typedef struct mm_demo_overlay mm_demo_overlay;

/* What an overlay holds at a path. */
typedef enum mm_demo_change {
    MM_DEMO_UNCHANGED = 0, /* nothing: the world's answer stands */
    MM_DEMO_SET = 1,       /* created or replaced: the overlay's object */
    MM_DEMO_GONE = -1      /* deleted, or under a deleted path (a deleted site's devices) */
} mm_demo_change;

mm_demo_overlay *mm_demo_overlay_create(void);
/* Frees ov and all it holds; *ov becomes NULL. NULL is fine. */
void mm_demo_overlay_free(mm_demo_overlay **ov);

/* What ov holds at path (canonical); for MM_DEMO_SET a new copy of the object in *value
 * (the caller frees it), else *value is NULL. ov may be NULL (nothing changed). */
mm_demo_change mm_demo_overlay_get(const mm_demo_overlay *ov, const char *path, cJSON **value);

/* The deleted path that path is or lies under (borrowed from ov, valid until its next
 * change), or NULL. ov may be NULL. */
const char *mm_demo_overlay_deleted(const mm_demo_overlay *ov, const char *path);

/* Sets the object at path (canonical) to a copy of value, or deletes it when value is NULL;
 * list is the path whose GET lists it (NULL: none). 0, or -1 with a message in err (Mist's
 * detail: which limit, and what to do) when a limit would be passed. */
int mm_demo_overlay_put(mm_demo_overlay *ov, const char *path, const char *list, const cJSON *value,
                        char *err, size_t err_size);

/* The items of base (an array, the world's or the spec's answer for list) as ov changes them:
 * an item whose "id" is the last segment of an object of list replaced by that object, or
 * left out when deleted; the created objects after them, in the order they were made. A new
 * array (the caller's), or NULL when ov holds nothing of list (base stands). */
cJSON *mm_demo_overlay_list(const mm_demo_overlay *ov, const char *list, const cJSON *base);

/* A new id for an object ov creates: a UUID, different for each call on ov (the same sequence
 * in every session). */
void mm_demo_overlay_new_id(mm_demo_overlay *ov, char id[37]);

/* The memory ov holds, counted as above, and its entries. */
size_t mm_demo_overlay_bytes(const mm_demo_overlay *ov);
size_t mm_demo_overlay_entries(const mm_demo_overlay *ov);

#endif
