/*
 * Where the HTTP server listens: --host as an IPv4 or IPv6 address, or a host name standing
 * for every address it resolves to (localhost: 127.0.0.1 and ::1).
 */
#define _POSIX_C_SOURCE 200809L
#include "base/util.h"
#include "transport/http_internal.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int mm_http_listen_is_loopback(const struct sockaddr_storage *a)
{
    if (a->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)a)->sin_addr.s_addr) >> 24) == 127;
    const struct in6_addr *v6 = &((const struct sockaddr_in6 *)a)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(v6))
        return v6->s6_addr[12] == 127;
    return IN6_IS_ADDR_LOOPBACK(v6);
}

static int same(const struct sockaddr_storage *a, const struct addrinfo *ai)
{
    return a->ss_family == ai->ai_family && memcmp(a, ai->ai_addr, ai->ai_addrlen) == 0;
}

int mm_http_listen_resolve(const char *host, int port, mm_http_listen *out, char *err,
                           size_t err_size)
{
    memset(out, 0, sizeof *out);
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo *list = NULL;
    int rc = *host ? getaddrinfo(host, service, &hints, &list) : EAI_NONAME;
    if (rc != 0)
        return mm_fail(err, err_size,
                       "--host '%.200s' is not an IP address, and as a host name it does not "
                       "resolve (%s)",
                       host, rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
    struct in6_addr scratch;
    unsigned char scratch4[4];
    out->literal = inet_pton(AF_INET, host, scratch4) == 1 || inet_pton(AF_INET6, host, &scratch);
    out->loopback_only = 1;
    for (const struct addrinfo *ai = list; ai && out->count < MM_HTTP_MAX_LISTEN;
         ai = ai->ai_next) {
        if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
            ai->ai_addrlen > sizeof out->addr[0])
            continue;
        int dup = 0;
        for (size_t i = 0; i < out->count && !dup; i++)
            dup = same(&out->addr[i], ai);
        if (dup)
            continue;
        memcpy(&out->addr[out->count], ai->ai_addr, ai->ai_addrlen);
        int lo = mm_http_listen_is_loopback(&out->addr[out->count]);
        out->loopback_only &= lo;
        out->some_loopback |= lo;
        out->count++;
    }
    size_t all = 0;
    for (const struct addrinfo *ai = list; ai; ai = ai->ai_next)
        all += ai->ai_family == AF_INET || ai->ai_family == AF_INET6;
    freeaddrinfo(list);
    if (all > MM_HTTP_MAX_LISTEN && out->count == MM_HTTP_MAX_LISTEN)
        fprintf(stderr, "mistmcp: --host '%.200s': listening on its first %d addresses only\n",
                host, MM_HTTP_MAX_LISTEN);
    if (out->count == 0)
        return mm_fail(err, err_size, "--host '%.200s' has no IPv4 or IPv6 address", host);
    return 0;
}

void mm_http_listen_name(const struct sockaddr_storage *a, char *buf, size_t size)
{
    char text[INET6_ADDRSTRLEN] = "?";
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)a;
        inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
        snprintf(buf, size, "%s:%u", text, ntohs(v4->sin_port));
    } else {
        const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)a;
        inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
        snprintf(buf, size, "[%s]:%u", text, ntohs(v6->sin6_port));
    }
}

int mm_http_listen_any6(const struct sockaddr_storage *a)
{
    return a->ss_family == AF_INET6 &&
           IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)a)->sin6_addr);
}
