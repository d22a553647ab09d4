/*
 * The keyed hash map (core/base/hash_map.c): keys of any bytes (NUL inside, empty, 30 KB),
 * replace, remove, growth through many keys, and the hash depending on its key (two maps place
 * the same keys differently, so nobody can pick keys that collide).
 */
#include "base/hash_map.h"
#include "base/util.h"
#include "check.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    mm_util_init();
    mm_hash_map *m = mm_hash_map_create();
    int a = 1, b = 2, c = 3;
    CHECK(mm_hash_map_get(m, "x", 1) == NULL && mm_hash_map_count(m) == 0);
    mm_hash_map_put(m, "x", 1, &a);
    mm_hash_map_put(m, "x\0y", 3, &b); /* a NUL inside: another key */
    mm_hash_map_put(m, "", 0, &c);
    CHECK(mm_hash_map_get(m, "x", 1) == &a && mm_hash_map_get(m, "x\0y", 3) == &b);
    CHECK(mm_hash_map_get(m, "", 0) == &c && mm_hash_map_count(m) == 3);
    mm_hash_map_put(m, "x", 1, &c); /* replaced, not added */
    CHECK(mm_hash_map_get(m, "x", 1) == &c && mm_hash_map_count(m) == 3);
    CHECK(mm_hash_map_remove(m, "x", 1) == &c && mm_hash_map_get(m, "x", 1) == NULL);
    CHECK(mm_hash_map_remove(m, "x", 1) == NULL && mm_hash_map_count(m) == 2);

    /* 100,000 keys: all found after the table grew, none after removal. */
    char key[32];
    for (uintptr_t i = 1; i <= 100000; i++) {
        int n = snprintf(key, sizeof key, "client-%lu", (unsigned long)i);
        mm_hash_map_put(m, key, (size_t)n, (void *)i);
    }
    int wrong = 0;
    for (uintptr_t i = 1; i <= 100000; i++) {
        int n = snprintf(key, sizeof key, "client-%lu", (unsigned long)i);
        wrong += mm_hash_map_get(m, key, (size_t)n) != (void *)i;
    }
    CHECK_MSG(wrong == 0 && mm_hash_map_count(m) == 100002, "%d wrong", wrong);
    for (uintptr_t i = 1; i <= 100000; i += 2) {
        int n = snprintf(key, sizeof key, "client-%lu", (unsigned long)i);
        wrong += mm_hash_map_remove(m, key, (size_t)n) != (void *)i;
    }
    for (uintptr_t i = 1; i <= 100000; i++) {
        int n = snprintf(key, sizeof key, "client-%lu", (unsigned long)i);
        wrong += mm_hash_map_get(m, key, (size_t)n) != (i % 2 ? NULL : (void *)i);
    }
    CHECK_MSG(wrong == 0 && mm_hash_map_count(m) == 50002, "%d wrong", wrong);

    /* A 30 KB key (a token as long as a hostile client sends). */
    char *big = mm_xmalloc(30000);
    memset(big, 'k', 30000);
    mm_hash_map_put(m, big, 30000, &a);
    big[29999] = 'j';
    CHECK(mm_hash_map_get(m, big, 30000) == NULL);
    big[29999] = 'k';
    CHECK(mm_hash_map_get(m, big, 30000) == &a && mm_hash_map_get(m, big, 29999) == NULL);
    free(big);
    mm_hash_map_destroy(&m);
    CHECK(m == NULL);

    /* The hash is keyed: the same input under two keys differs, and every input bit counts. */
    unsigned char k1[16] = {0}, k2[16] = {1};
    CHECK(mm_siphash13(k1, "token", 5) != mm_siphash13(k2, "token", 5));
    CHECK(mm_siphash13(k1, "token", 5) == mm_siphash13(k1, "token", 5));
    CHECK(mm_siphash13(k1, "token", 5) != mm_siphash13(k1, "tokem", 5));
    CHECK(mm_siphash13(k1, "12345678", 8) != mm_siphash13(k1, "12345678\0", 9));
    return check_summary();
}
