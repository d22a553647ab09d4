/*
 * Fuzz target: raw bytes on a connection to the real HTTP transport: request lines, targets
 * and query strings, headers, bodies (Content-Length or chunked), several requests pipelined,
 * sessions made by one request and used by the next. The server is mm_http_instance
 * (core/transport/http_server.h): libmicrohttpd and every handler, limit and session of
 * `mistmcp --transport http`, with no listening socket; each input is one connection, a
 * socketpair handed in with MHD_add_connection. Tool calls go to a real Mist client whose
 * base URL is a loopback port this process holds bound and never listens on (refused at
 * once: nothing leaves the machine).
 *
 * Input: the bytes the client sends, then it ends its side (so that a cut request ends at
 * once instead of at the header deadline). Checked: within 3 s the server answers or closes;
 * whatever it sends starts with an HTTP/1.x status line; the process stays up (ASan, UBSan,
 * leaks). One server for the whole run: sessions made by inputs stay, bounded by the store.
 */
#define _GNU_SOURCE /* memmem */
#include "base/config.h"
#include "base/util.h"
#include "fuzz_check.h"
#include "fuzz_registry.h"
#include "refusing_port.h"
#include "mcp/server.h"
#include "mist/client.h"
#include "transport/http_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static mm_config cfg;
static mm_server srv;
static mm_http_instance *server;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    static const char *const env[] = {"MIST_API_TOKEN", "MIST_APITOKEN",     "MIST_HOST",
                                      "MIST_CLOUD",     "MIST_ORG_ID",       "MIST_ENV_FILE",
                                      "MISTMCP_MODE",   "MISTMCP_CATEGORIES"};
    for (size_t i = 0; i < sizeof env / sizeof env[0]; i++)
        unsetenv(env[i]);
    char base[64];
    snprintf(base, sizeof base, "http://127.0.0.1:%d", mm_test_refusing_port());
    setenv("MISTMCP_API_BASE_URL", base, 1);
    /* No access log: a line per input would fill the run's log (gigabytes in a long run). */
    char *args[] = {"mistmcp",
                    "--transport",
                    "http",
                    "--max-retries",
                    "0",
                    "--rate-limit",
                    "0",
                    "--connect-timeout",
                    "1",
                    "--timeout",
                    "2",
                    "--enable-write-tools",
                    "--no-access-log",
                    NULL};
    if (mm_config_load(13, args, &cfg, stderr) != 0)
        abort();
    if (mm_mist_global_init() != 0)
        abort();
    srv = (mm_server){.cfg = &cfg, .registry = fuzz_registry(), .version = "0"};
    char err[300];
    server = mm_http_instance_start(&srv, err, sizeof err);
    if (!server) {
        fprintf(stderr, "fuzz_http: %s\n", err);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        abort();
    int big = 1 << 20; /* the whole input fits: one write, then the end of our side */
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    if (mm_http_instance_add(server, sv[1]) != 0) { /* refused: MHD closed it */
        close(sv[0]);
        return 0;
    }
    size_t off = 0;
    long long start = mm_now_ms();
    while (off < size && mm_now_ms() - start < 1000) {
        ssize_t n = send(sv[0], data + off, size - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0)
            off += (size_t)n;
        else if (n < 0 && errno != EAGAIN && errno != EINTR)
            break; /* the server closed already */
        else
            poll(&(struct pollfd){.fd = sv[0], .events = POLLOUT}, 1, 10);
    }
    shutdown(sv[0], SHUT_WR);
    char head[16];
    size_t got = 0, total = 0;
    char buf[65536];
    while (mm_now_ms() - start < 3000) {
        struct pollfd p = {.fd = sv[0], .events = POLLIN};
        if (poll(&p, 1, 5) <= 0) { /* the ticker ends a keep-alive the client left */
            mm_http_instance_tick(server);
            continue;
        }
        ssize_t n = recv(sv[0], buf, sizeof buf, 0);
        if (n <= 0)
            break; /* closed: done */
        for (ssize_t i = 0; i < n && got < sizeof head; i++)
            head[got++] = buf[i];
        total += (size_t)n;
    }
    FUZZ_ASSERT(mm_now_ms() - start < 3000 || total > 0,
                "no answer and no close within 3 s (%zu bytes sent)", size);
    FUZZ_ASSERT(total == 0 || (got >= 7 && memcmp(head, "HTTP/1.", 7) == 0),
                "the answer does not start with an HTTP status line: %.*s", (int)got, head);
    close(sv[0]);
    mm_http_instance_tick(server);
    return 0;
}
