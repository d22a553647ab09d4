/*
 * base/sha256.c against FIPS 180-4's vectors, and base/audit_log.c: one line per append in
 * one write, concurrent appenders never interleave, SIGHUP makes the next line go to a new
 * file at the path (rotation), an unwritable log (/dev/full) is an error, "-" is stderr.
 *
 * usage: test_audit_log WORK_DIR
 */
#define _GNU_SOURCE
#include "check.h"

#include "base/audit_log.h"
#include "base/sha256.h"
#include "base/util.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void sha256_vectors(void)
{
    char hex[65];
    mm_sha256_hex("", 0, hex);
    CHECK(strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0);
    mm_sha256_hex("abc", 3, hex);
    CHECK(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    mm_sha256_hex(two, strlen(two), hex);
    CHECK(strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1") == 0);
    /* mm_hex: high nibble first, an odd count stops inside a byte, NUL after */
    memset(hex, 'x', sizeof hex);
    mm_hex((const unsigned char[]){0x0f, 0xa5, 0x70}, 5, hex);
    CHECK(strcmp(hex, "0fa57") == 0);
    char *million = malloc(1000000);
    memset(million, 'a', 1000000);
    mm_sha256_ctx c; /* fed in uneven pieces: the block buffering */
    mm_sha256_init(&c);
    for (size_t at = 0; at < 1000000; at += 997)
        mm_sha256_update(&c, million + at, at + 997 <= 1000000 ? 997 : 1000000 - at);
    unsigned char d[32];
    mm_sha256_final(&c, d);
    CHECK(d[0] == 0xcd && d[1] == 0xc7 && d[31] == 0xd0);
    free(million);
}

static size_t count_lines(const char *path, int *all_json)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char *line = NULL;
    size_t cap = 0, n = 0;
    *all_json = 1;
    while (getline(&line, &cap, f) > 0) {
        cJSON *j = cJSON_Parse(line);
        *all_json &= cJSON_IsObject(j);
        cJSON_Delete(j);
        n++;
    }
    free(line);
    fclose(f);
    return n;
}

typedef struct writer {
    mm_audit_log *log;
    int id;
} writer;

static void *write_many(void *p)
{
    writer *w = p;
    char line[3000], err[300];
    char pad[2000];
    memset(pad, 'x', sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    for (int i = 0; i < 500; i++) {
        snprintf(line, sizeof line, "{\"writer\":%d,\"i\":%d,\"pad\":\"%s\"}", w->id, i, pad);
        CHECK(mm_audit_log_append(w->log, line, err, sizeof err) == 0);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s WORK_DIR\n", argv[0]);
        return 2;
    }
    sha256_vectors();
    char path[1024], moved[1100], err[600];
    snprintf(path, sizeof path, "%s/audit.log", argv[1]);
    snprintf(moved, sizeof moved, "%s.1", path);
    unlink(path);
    unlink(moved);

    /* Concurrent appenders: 8 threads x 500 lines of 2 KB, every line whole. */
    mm_audit_log *log = mm_audit_log_open(path, err, sizeof err);
    CHECK_MSG(log, "%s", err);
    pthread_t t[8];
    writer w[8];
    for (int i = 0; i < 8; i++) {
        w[i] = (writer){log, i};
        pthread_create(&t[i], NULL, write_many, &w[i]);
    }
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    int json;
    CHECK(count_lines(path, &json) == 4000);
    CHECK(json);

    /* Rotation: the file moved away, SIGHUP, the next line starts a new file. */
    CHECK(rename(path, moved) == 0);
    CHECK(mm_audit_log_append(log, "{\"before\":1}", err, sizeof err) == 0); /* no HUP yet */
    CHECK(count_lines(moved, &json) == 4001);
    raise(SIGHUP); /* the handler the log installed: the process must survive it */
    CHECK(mm_audit_log_append(log, "{\"after\":1}", err, sizeof err) == 0);
    CHECK(count_lines(path, &json) == 1 && json);
    CHECK(count_lines(moved, &json) == 4001);
    mm_audit_log_close(&log);
    CHECK(!log);

    /* A full disk: the append fails, naming the log. */
    log = mm_audit_log_open("/dev/full", err, sizeof err);
    CHECK_MSG(log, "%s", err);
    CHECK(mm_audit_log_append(log, "{}", err, sizeof err) == -1);
    CHECK_MSG(strstr(err, "/dev/full") && strstr(err, "No space"), "%s", err);
    mm_audit_log_close(&log);

    /* A path that cannot be opened: refused at open, naming it. */
    CHECK(mm_audit_log_open("/nonexistent-dir/audit.log", err, sizeof err) == NULL);
    CHECK_MSG(strstr(err, "/nonexistent-dir/audit.log"), "%s", err);
    return check_summary();
}
