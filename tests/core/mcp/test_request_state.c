/*
 * The signed requestState of 2026-07-28 input_required results (mcp/request_state.h) and the
 * HMAC under it: RFC 4231's HMAC-SHA-256 vectors; a state opens with its payload; a changed
 * byte anywhere, another key, an expired or a malformed state is refused; a state is consumed
 * once; the principal is keyed and never the token; a key file shorter than 32 bytes is
 * refused, and two sealers with the same key file open each other's states.
 */
#define _GNU_SOURCE
#include "check.h"

#include "base/sha256.h"
#include "mcp/request_state.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void hex(const unsigned char *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void hmac_vectors(void)
{
    unsigned char mac[MM_SHA256_LEN], key[131];
    char h[65];
    memset(key, 0x0b, 20); /* RFC 4231 test case 1 */
    mm_hmac_sha256(key, 20, "Hi There", 8, mac);
    hex(mac, sizeof mac, h);
    CHECK_MSG(strcmp(h, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7") == 0,
              "%s", h);
    mm_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, mac); /* test case 2 */
    hex(mac, sizeof mac, h);
    CHECK_MSG(strcmp(h, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843") == 0,
              "%s", h);
    memset(key, 0xaa, sizeof key); /* test case 6: a key longer than a block */
    const char *msg = "Test Using Larger Than Block-Size Key - Hash Key First";
    mm_hmac_sha256(key, sizeof key, msg, strlen(msg), mac);
    hex(mac, sizeof mac, h);
    CHECK_MSG(strcmp(h, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54") == 0,
              "%s", h);
    CHECK(mm_digest_equal("abc", "abc", 3) && !mm_digest_equal("abc", "abd", 3));
}

static char *seal(mm_request_state *rs, const char *tool, long long now)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "t", tool);
    char err[200];
    char *s = mm_request_state_seal(rs, p, now, err, sizeof err);
    CHECK_MSG(s != NULL, "%s", err);
    return s;
}

static void sign_verify(void)
{
    char err[300];
    mm_request_state *rs = mm_request_state_create(NULL, err, sizeof err);
    mm_request_state *other = mm_request_state_create(NULL, err, sizeof err);
    CHECK(rs && other);
    long long now = 1800000000000LL;
    char *s = seal(rs, "updateOrgWlan", now);
    CHECK(strncmp(s, "mm1.", 4) == 0);
    cJSON *p = NULL;
    CHECK(mm_request_state_open(rs, s, now + 1000, &p) == MM_STATE_OK);
    CHECK(p && strcmp(cJSON_GetObjectItem(p, "t")->valuestring, "updateOrgWlan") == 0);
    /* single use */
    CHECK(mm_request_state_consume(rs, p, now + 1000) == MM_STATE_OK);
    CHECK(mm_request_state_consume(rs, p, now + 2000) == MM_STATE_REPLAYED);
    cJSON_Delete(p);
    /* every byte flipped, one at a time, is refused */
    size_t n = strlen(s);
    int refused = 0;
    for (size_t i = 0; i < n; i++) {
        char *t = strdup(s);
        t[i] = t[i] == 'A' ? 'B' : 'A';
        mm_state_verdict v = mm_request_state_open(rs, t, now, &p);
        refused += v == MM_STATE_FORGED || v == MM_STATE_MALFORMED;
        CHECK(p == NULL);
        free(t);
    }
    CHECK_MSG(refused == (int)n, "%d of %zu", refused, n);
    /* the MAC's last character carries 2 unused bits: a spelling with them set is refused
     * (else 1 state in 16 ends in 'A', and 'B' would open it) */
    char *t = strdup(s);
    const char *digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t last = (size_t)(strchr(digits, t[n - 1]) - digits);
    CHECK(last % 4 == 0); /* canonical: the unused bits are zero */
    for (size_t low = 1; low < 4; low++) {
        t[n - 1] = digits[last + low];
        CHECK(mm_request_state_open(rs, t, now, &p) == MM_STATE_MALFORMED);
        CHECK(p == NULL);
    }
    free(t);
    /* another key, expiry (5 minutes), garbage */
    CHECK(mm_request_state_open(other, s, now, &p) == MM_STATE_FORGED);
    CHECK(mm_request_state_open(rs, s, now + MM_STATE_TTL_MS, &p) == MM_STATE_OK);
    cJSON_Delete(p);
    CHECK(mm_request_state_open(rs, s, now + MM_STATE_TTL_MS + 1, &p) == MM_STATE_EXPIRED);
    CHECK(p == NULL);
    char *longer = malloc(n + 2);
    snprintf(longer, n + 2, "%sx", s);
    CHECK(mm_request_state_open(rs, longer, now, &p) == MM_STATE_MALFORMED);
    free(longer);
    CHECK(mm_request_state_open(rs, "", now, &p) == MM_STATE_MALFORMED);
    CHECK(mm_request_state_open(rs, "mm1.e30.", now, &p) == MM_STATE_MALFORMED);
    /* two states of one payload differ (their nonces) and are consumed separately */
    char *s2 = seal(rs, "updateOrgWlan", now);
    CHECK(strcmp(s, s2) != 0);
    CHECK(mm_request_state_open(rs, s2, now, &p) == MM_STATE_OK);
    CHECK(mm_request_state_consume(rs, p, now) == MM_STATE_OK);
    cJSON_Delete(p);
    free(s);
    free(s2);
    /* the principal: keyed, stable, never the token */
    char a[33], b[33], c[33];
    mm_request_state_principal(rs, "token-one", a);
    mm_request_state_principal(rs, "token-one", b);
    mm_request_state_principal(other, "token-one", c);
    CHECK(strlen(a) == 32 && strcmp(a, b) == 0 && strcmp(a, c) != 0 && !strstr(a, "token"));
    mm_request_state_principal(rs, "token-two", b);
    CHECK(strcmp(a, b) != 0);
    mm_request_state_destroy(&rs);
    mm_request_state_destroy(&other);
    CHECK(rs == NULL);
}

static void key_files(void)
{
    char path[] = "/tmp/mm-state-key-XXXXXX", err[300];
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(write(fd, "short\n", 6) == 6);
    /* how short, and that the line ending was not counted (a 32-byte file of 31 characters
     * and a newline is 31 bytes of secret) */
    CHECK_MSG(mm_request_state_create(path, err, sizeof err) == NULL &&
                  strstr(err, "too short: 5 bytes, not counting the line ending"),
              "%s", err);
    CHECK(write(fd, "and now long enough to be a key of replicas\n", 44) == 44);
    close(fd);
    mm_request_state *x = mm_request_state_create(path, err, sizeof err);
    mm_request_state *y = mm_request_state_create(path, err, sizeof err);
    CHECK(x && y);
    char *s = seal(x, "t", 1000);
    cJSON *p = NULL;
    CHECK(mm_request_state_open(y, s, 1000, &p) == MM_STATE_OK);
    cJSON_Delete(p);
    free(s);
    mm_request_state_destroy(&x);
    mm_request_state_destroy(&y);
    unlink(path);
    CHECK(mm_request_state_create("/nonexistent/key", err, sizeof err) == NULL);
    /* a file longer than the bytes read is refused, not keyed by its first part only */
    snprintf(path, sizeof path, "/tmp/mm-state-key-XXXXXX");
    fd = mkstemp(path);
    CHECK(fd >= 0);
    char block[MM_STATE_KEY_MAX_BYTES];
    memset(block, 'k', sizeof block);
    CHECK(write(fd, block, sizeof block) == (ssize_t)sizeof block);
    CHECK(write(fd, "tail", 4) == 4);
    close(fd);
    CHECK(mm_request_state_create(path, err, sizeof err) == NULL && strstr(err, "too long"));
    unlink(path);
}

int main(void)
{
    hmac_vectors();
    sign_verify();
    key_files();
    return check_summary();
}
