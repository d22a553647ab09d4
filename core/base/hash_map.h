/*
 * A map from byte-string keys to pointers, hashed with SipHash-1-3 under a key drawn from the
 * OS's CSPRNG when the map is made: keys chosen by a client (tokens, addresses) cannot be
 * picked to fall into one bucket, so every operation stays O(1) on average whatever the keys.
 * Keys are compared in constant time (a lookup takes no longer for a key that shares a prefix
 * with a stored one). Chained buckets; the table doubles when it holds more keys than buckets.
 *
 * Ownership: the map copies each key (wiped with explicit_bzero when removed: keys may be
 * secrets) and never owns values. Thread-safety: none; callers lock.
 */
#ifndef MISTMCP_CORE_BASE_HASH_MAP_H
#define MISTMCP_CORE_BASE_HASH_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct mm_hash_map mm_hash_map;

/* A new empty map (aborts on out of memory, as the mm_x allocators). */
mm_hash_map *mm_hash_map_create(void);
/* Frees the map and its key copies, not the values. *map becomes NULL. */
void mm_hash_map_destroy(mm_hash_map **map);

/* The value stored under key[0..len), or NULL. */
void *mm_hash_map_get(const mm_hash_map *m, const void *key, size_t len);
/* Stores value (not NULL) under key[0..len), replacing any value there. */
void mm_hash_map_put(mm_hash_map *m, const void *key, size_t len, void *value);
/* Removes key[0..len); returns its value, or NULL if it was not there. */
void *mm_hash_map_remove(mm_hash_map *m, const void *key, size_t len);
/* Keys stored. */
size_t mm_hash_map_count(const mm_hash_map *m);

/* SipHash-1-3 of data[0..len) under a 16-byte key (for tests and other tables). */
uint64_t mm_siphash13(const unsigned char key[16], const void *data, size_t len);

#endif
