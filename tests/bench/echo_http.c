/*
 * The floor for HTTP benchmarks: a Streamable HTTP MCP server on libmicrohttpd (the same
 * library and threading as mistmcp) that answers every POST at once without any work:
 * initialize with a fixed session id, notifications with 202, any other request with a
 * canned result carrying the request's id.
 *
 * usage: echo_http PORT   (prints "PORT <n>" once listening; stops when stdin closes)
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct body {
    char *data;
    size_t len;
} body;

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *text,
                              int session)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    if (session)
        MHD_add_response_header(r, "Mcp-Session-Id", "0123456789abcdef0123456789abcdef");
    enum MHD_Result rc = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *size, void **state)
{
    (void)cls, (void)url, (void)method, (void)version;
    body *b = *state;
    if (!b) {
        *state = calloc(1, sizeof *b);
        return MHD_YES;
    }
    if (*size) {
        b->data = realloc(b->data, b->len + *size + 1);
        memcpy(b->data + b->len, data, *size);
        b->len += *size;
        b->data[b->len] = '\0';
        *size = 0;
        return MHD_YES;
    }
    const char *p = b->data ? strstr(b->data, "\"id\":") : NULL;
    if (!p)
        return answer(c, 202, "", 0);
    char id[64], text[512];
    size_t n = strcspn(p + 5, ",}");
    snprintf(id, sizeof id, "%.*s", (int)(n < 60 ? n : 60), p + 5);
    if (strstr(b->data, "\"initialize\"")) {
        snprintf(text, sizeof text,
                 "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"protocolVersion\":\"2025-06-18\","
                 "\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"echo\",\"version\":"
                 "\"1\"}}}",
                 id);
        return answer(c, 200, text, 1);
    }
    snprintf(text, sizeof text,
             "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"content\":[{\"type\":\"text\","
             "\"text\":\"ok\"}]}}",
             id);
    return answer(c, 200, text, 0);
}

static void completed(void *cls, struct MHD_Connection *c, void **state,
                      enum MHD_RequestTerminationCode code)
{
    (void)cls, (void)c, (void)code;
    body *b = *state;
    if (b)
        free(b->data);
    free(b);
    *state = NULL;
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 0;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* loopback only */
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_AUTO,
        (uint16_t)port, NULL, NULL, handle, NULL, MHD_OPTION_SOCK_ADDR, &addr,
        MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
    if (!d)
        return 1;
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("PORT %u\n", info ? info->port : 0);
    fflush(stdout);
    char buf[64];
    while (read(0, buf, sizeof buf) > 0)
        ;
    MHD_stop_daemon(d);
    return 0;
}
