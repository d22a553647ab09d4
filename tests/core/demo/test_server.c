/*
 * The demo cloud's HTTP side (core/demo/server.c) over a socket, as the Mist client reaches
 * it: no token is Mist's 401; the session is the token (one token's write shows in its own
 * list only); a body arriving in pieces is read whole; a body that is no JSON, or that the
 * request schema refuses, is Mist's 400 with its detail; one of more than 1 MB is a 413; with
 * room for two sessions, a third token's write makes the demo forget the least recently used
 * session's changes.
 */
#define _GNU_SOURCE
#include "check.h"

#include "demo/demo.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int port;

/* Sends method path with token (NULL: no Authorization) and body (NULL: none), the body in
 * two writes a moment apart; returns the status, the response body in *answer (caller
 * frees). */
static int http(const char *method, const char *path, const char *token, const char *body,
                char **answer)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    CHECK(fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0);
    char head[600], auth[200] = "";
    if (token)
        snprintf(auth, sizeof auth, "Authorization: Token %s\r\n", token);
    size_t n = body ? strlen(body) : 0;
    int len = snprintf(head, sizeof head,
                       "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Type: application/json\r\n"
                       "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                       method, path, auth, n);
    CHECK(write(fd, head, (size_t)len) == len);
    for (size_t sent = 0, half = n / 2; sent < n;) {
        size_t part = sent == 0 && half ? half : n - sent;
        ssize_t w = write(fd, body + sent, part);
        if (w <= 0)
            break;
        sent += (size_t)w;
        usleep(sent == half ? 20000 : 0); /* the second half a moment later */
    }
    size_t cap = 1 << 16, got = 0;
    char *buf = malloc(cap);
    for (ssize_t r; (r = read(fd, buf + got, cap - got - 1)) > 0;) {
        got += (size_t)r;
        if (got + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    buf[got] = '\0';
    close(fd);
    int status = 0;
    sscanf(buf, "HTTP/1.1 %d", &status);
    const char *start = strstr(buf, "\r\n\r\n");
    *answer = strdup(start ? start + 4 : "");
    free(buf);
    return status;
}

/* The count of WLANs token's session lists. */
static int wlans(const char *org, const char *token)
{
    char path[200], *answer;
    snprintf(path, sizeof path, "/api/v1/orgs/%s/wlans", org);
    CHECK(http("GET", path, token, NULL, &answer) == 200);
    cJSON *list = cJSON_Parse(answer);
    int n = cJSON_GetArraySize(list);
    cJSON_Delete(list);
    free(answer);
    return n;
}

static void create(const char *org, const char *token, const char *ssid)
{
    char path[200], body[200], *answer;
    snprintf(path, sizeof path, "/api/v1/orgs/%s/wlans", org);
    snprintf(body, sizeof body, "{\"ssid\":\"%s\",\"auth\":{\"type\":\"open\"}}", ssid);
    int status = http("POST", path, token, body, &answer);
    CHECK_MSG(status == 200 && strstr(answer, ssid), "create %s: %d %s", ssid, status, answer);
    free(answer);
}

int main(void)
{
    char url[64], err[300], *answer;
    mm_demo_options options = {.max_sessions = 2};
    mm_demo *d = mm_demo_start(&options, url, sizeof url, err, sizeof err);
    CHECK_MSG(d, "the demo starts: %s", err);
    if (!d)
        return check_summary();
    sscanf(url, "http://127.0.0.1:%d", &port);

    CHECK(http("GET", "/api/v1/self", NULL, NULL, &answer) == 401);
    CHECK_MSG(strstr(answer, "Authentication credentials were not provided"), "%s", answer);
    free(answer);
    CHECK(http("GET", "/api/v1/self", "token-a", NULL, &answer) == 200);
    cJSON *self = cJSON_Parse(answer);
    free(answer);
    char org[40];
    snprintf(org, sizeof org, "%s",
             cJSON_GetStringValue(cJSON_GetObjectItem(
                 cJSON_GetArrayItem(cJSON_GetObjectItem(self, "privileges"), 0), "org_id")));
    cJSON_Delete(self);

    /* The session is the token. */
    create(org, "token-a", "A-lab");
    CHECK(wlans(org, "token-a") == 4);
    CHECK(wlans(org, "token-b") == 3);

    /* Bodies Mist refuses. */
    char path[200];
    snprintf(path, sizeof path, "/api/v1/orgs/%s/wlans", org);
    static const char *const bad[][3] = {
        {"{\"ssid\":", "400", "the request body is not JSON"},
        {"{\"ssid\":\"x\",\"auth\":{\"type\":\"wpa9\"}}", "400",
         "body.auth.type: not one of the enum's values"},
        {"{\"ssid\":true}", "400", "body.ssid: expected string, found boolean"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int status = http("POST", path, "token-a", bad[i][0], &answer);
        cJSON *e = cJSON_Parse(answer);
        const char *detail = cJSON_GetStringValue(cJSON_GetObjectItem(e, "detail"));
        CHECK_MSG(status == atoi(bad[i][1]) && detail && strstr(detail, bad[i][2]), "%s: %d %s",
                  bad[i][0], status, answer);
        cJSON_Delete(e);
        free(answer);
    }
    size_t big = 1024 * 1024 + 10;
    char *huge = malloc(big + 1);
    memset(huge, ' ', big);
    huge[big] = '\0';
    huge[0] = '{';
    huge[big - 1] = '}';
    int status = http("POST", path, "token-a", huge, &answer);
    CHECK_MSG(status == 413 && strstr(answer, "larger than 1 MB"), "%d %s", status, answer);
    free(answer);
    free(huge);
    CHECK(wlans(org, "token-a") == 4);

    /* Room for two sessions: a and b write, a is used again, c's write forgets b. */
    create(org, "token-b", "B-lab");
    CHECK(wlans(org, "token-a") == 4);
    create(org, "token-c", "C-lab");
    CHECK_MSG(wlans(org, "token-b") == 3, "the least recently used session is forgotten");
    CHECK(wlans(org, "token-a") == 4 && wlans(org, "token-c") == 4);

    mm_demo_stop(&d);
    CHECK(d == NULL);
    mm_demo_stop(&d);
    return check_summary();
}
