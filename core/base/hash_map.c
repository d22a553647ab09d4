#define _GNU_SOURCE /* getrandom, explicit_bzero */
#include "base/hash_map.h"

#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

typedef struct node {
    struct node *next;
    uint64_t hash;
    size_t len;
    void *value;
    unsigned char key[]; /* len bytes */
} node;

struct mm_hash_map {
    unsigned char seed[16];
    node **buckets;
    size_t mask; /* buckets - 1, a power of two minus one */
    size_t count;
};

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                   \
    do {                                                                                           \
        v0 += v1;                                                                                  \
        v1 = ROTL(v1, 13);                                                                         \
        v1 ^= v0;                                                                                  \
        v0 = ROTL(v0, 32);                                                                         \
        v2 += v3;                                                                                  \
        v3 = ROTL(v3, 16);                                                                         \
        v3 ^= v2;                                                                                  \
        v0 += v3;                                                                                  \
        v3 = ROTL(v3, 21);                                                                         \
        v3 ^= v0;                                                                                  \
        v2 += v1;                                                                                  \
        v1 = ROTL(v1, 17);                                                                         \
        v1 ^= v2;                                                                                  \
        v2 = ROTL(v2, 32);                                                                         \
    } while (0)

static uint64_t load64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* The reference algorithm (Aumasson and Bernstein) with one compression and three
 * finalization rounds, as Rust's and Redis's tables use it. */
uint64_t mm_siphash13(const unsigned char key[16], const void *data, size_t len)
{
    const unsigned char *in = data;
    uint64_t k0 = load64(key), k1 = load64(key + 8);
    uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
    uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
    size_t whole = len - len % 8;
    for (size_t i = 0; i < whole; i += 8) {
        uint64_t m = load64(in + i);
        v3 ^= m;
        SIPROUND;
        v0 ^= m;
    }
    uint64_t last = (uint64_t)len << 56;
    for (size_t i = 0; i < len % 8; i++)
        last |= (uint64_t)in[whole + i] << (8 * i);
    v3 ^= last;
    SIPROUND;
    v0 ^= last;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

mm_hash_map *mm_hash_map_create(void)
{
    mm_hash_map *m = mm_xcalloc(1, sizeof *m);
    if (getrandom(m->seed, sizeof m->seed, 0) != (ssize_t)sizeof m->seed) {
        /* No CSPRNG (a very old kernel): a fixed seed still hashes well, only predictably. */
        for (size_t i = 0; i < sizeof m->seed; i++)
            m->seed[i] = (unsigned char)(i * 37 + 11);
    }
    m->mask = 15;
    m->buckets = mm_xcalloc(m->mask + 1, sizeof *m->buckets);
    return m;
}

void mm_hash_map_destroy(mm_hash_map **mp)
{
    mm_hash_map *m = *mp;
    if (!m)
        return;
    for (size_t i = 0; i <= m->mask; i++)
        for (node *n = m->buckets[i], *next; n; n = next) {
            next = n->next;
            explicit_bzero(n->key, n->len);
            free(n);
        }
    free(m->buckets);
    free(m);
    *mp = NULL;
}

/* Equal keys, in a time that depends only on the lengths. */
static int same_key(const node *n, const void *key, size_t len)
{
    if (n->len != len)
        return 0;
    const unsigned char *k = key;
    unsigned char diff = 0;
    for (size_t i = 0; i < len; i++)
        diff |= (unsigned char)(n->key[i] ^ k[i]);
    return diff == 0;
}

static node **find(const mm_hash_map *m, const void *key, size_t len, uint64_t hash)
{
    node **p = &m->buckets[hash & m->mask];
    while (*p && !((*p)->hash == hash && same_key(*p, key, len)))
        p = &(*p)->next;
    return p;
}

void *mm_hash_map_get(const mm_hash_map *m, const void *key, size_t len)
{
    node *n = *find(m, key, len, mm_siphash13(m->seed, key, len));
    return n ? n->value : NULL;
}

static void grow(mm_hash_map *m)
{
    size_t mask = m->mask * 2 + 1;
    node **buckets = mm_xcalloc(mask + 1, sizeof *buckets);
    for (size_t i = 0; i <= m->mask; i++)
        for (node *n = m->buckets[i], *next; n; n = next) {
            next = n->next;
            n->next = buckets[n->hash & mask];
            buckets[n->hash & mask] = n;
        }
    free(m->buckets);
    m->buckets = buckets;
    m->mask = mask;
}

void mm_hash_map_put(mm_hash_map *m, const void *key, size_t len, void *value)
{
    uint64_t hash = mm_siphash13(m->seed, key, len);
    node **p = find(m, key, len, hash);
    if (*p) {
        (*p)->value = value;
        return;
    }
    node *n = mm_xmalloc(sizeof *n + len);
    n->next = NULL;
    n->hash = hash;
    n->len = len;
    n->value = value;
    memcpy(n->key, key, len);
    *p = n;
    if (++m->count > m->mask + 1)
        grow(m);
}

void *mm_hash_map_remove(mm_hash_map *m, const void *key, size_t len)
{
    node **p = find(m, key, len, mm_siphash13(m->seed, key, len));
    node *n = *p;
    if (!n)
        return NULL;
    *p = n->next;
    void *value = n->value;
    explicit_bzero(n->key, n->len);
    free(n);
    m->count--;
    return value;
}

size_t mm_hash_map_count(const mm_hash_map *m)
{
    return m->count;
}
