/*
 * The demo cloud's HTTP side: libmicrohttpd (loaded as the HTTP transport loads it) on a
 * loopback socket this file binds, one polling thread; each request is routed with
 * demo/routes.c, with the changes of the session its token names (demo/store.h). Mist's own
 * rules at the door: "Authorization: Token <token>" (any token: the demo has no accounts),
 * else 401 as Mist answers it; a body of more than MAX_BODY bytes is refused with 413.
 */
#define _POSIX_C_SOURCE 200809L
#include "demo/demo.h"

#include "base/util.h"
#include "demo/body_check.h"
#include "demo/routes.h"
#include "demo/store.h"
#include "demo/world.h"
#include "transport/mhd_lib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_BODY (1024 * 1024) /* bytes of a request body; Mist's bodies are a few KB */

struct mm_demo {
    const mm_mhd_api *mhd;
    struct MHD_Daemon *daemon;
    mm_demo_world *world;   /* shared by every session, never changed */
    mm_demo_store *store;   /* each session's changes */
    mm_demo_bodies *bodies; /* the request body schemas */
};

/* One request's body, as it arrives. */
typedef struct upload {
    char *data;
    size_t len, cap;
    int too_big;
} upload;

static void append(upload *u, const char *data, size_t n)
{
    if (u->too_big || n > MAX_BODY - u->len) {
        u->too_big = 1;
        return;
    }
    if (u->len + n + 1 > u->cap) {
        u->cap = (u->len + n + 1) * 2;
        u->data = mm_xrealloc(u->data, u->cap);
    }
    memcpy(u->data + u->len, data, n);
    u->len += n;
    u->data[u->len] = '\0';
}

static void request_done(void *cls, struct MHD_Connection *c, void **state,
                         enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)c;
    (void)why;
    upload *u = *state;
    if (u)
        free(u->data);
    free(u);
    *state = NULL;
}

/* 1 for a method that may change the world (POST, PUT, DELETE, PATCH). */
static int changes(const char *method)
{
    return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
           strcmp(method, "DELETE") == 0 || strcmp(method, "PATCH") == 0;
}

static const char *query_value(void *ctx, const char *name)
{
    mm_demo *d = ((void **)ctx)[0];
    struct MHD_Connection *c = ((void **)ctx)[1];
    return d->mhd->lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result reply(mm_demo *d, struct MHD_Connection *c, const mm_demo_answer *a)
{
    size_t n = strlen(a->body);
    struct MHD_Response *r = d->mhd->create_response_from_buffer(n, a->body, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    d->mhd->add_response_header(r, "Content-Type",
                                a->content_type ? a->content_type : "application/json");
    if (a->page_limit > 0) {
        char v[32];
        snprintf(v, sizeof v, "%ld", a->page_total);
        d->mhd->add_response_header(r, "X-Page-Total", v);
        snprintf(v, sizeof v, "%ld", a->page_limit);
        d->mhd->add_response_header(r, "X-Page-Limit", v);
        snprintf(v, sizeof v, "%ld", a->page_page);
        d->mhd->add_response_header(r, "X-Page-Page", v);
    }
    enum MHD_Result rc = d->mhd->queue_response(c, (unsigned)a->status, r);
    d->mhd->destroy_response(r);
    return rc;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_size, void **state)
{
    (void)version;
    mm_demo *d = cls;
    if (!*state) { /* headers only: the body (if any) comes next */
        *state = mm_xcalloc(1, sizeof(upload));
        return MHD_YES;
    }
    upload *u = *state;
    if (*upload_size) {
        append(u, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    mm_demo_answer a = {0};
    const char *auth = d->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (!auth || strncmp(auth, "Token ", 6) != 0 || !auth[6]) {
        a = (mm_demo_answer){
            .status = 401,
            .body = mm_xstrdup("{\"detail\":\"Authentication credentials were not provided.\"}")};
    } else if (u->too_big) {
        mm_demo_fail(&a, 413, "the request body is larger than %s%s", "1 MB", NULL);
    } else {
        void *ctx[2] = {d, c};
        mm_demo_request rq = {.method = method,
                              .path = url,
                              .query = query_value,
                              .query_ctx = ctx,
                              .body = u->data,
                              .body_len = u->len};
        /* The session's changes, locked while this request is answered (no I/O meanwhile). */
        mm_demo_lease *l = mm_demo_store_acquire(d->store, auth + 6, changes(method), mm_now_ms());
        mm_demo_view v = {d->world, l ? mm_demo_lease_overlay(l) : NULL, d->bodies};
        mm_demo_route(&v, &rq, &a);
        mm_demo_store_release(d->store, l);
    }
    enum MHD_Result rc = reply(d, c, &a);
    free(a.body);
    return rc;
}

static void free_parts(mm_demo *d)
{
    mm_demo_bodies_free(&d->bodies);
    mm_demo_store_free(&d->store);
    mm_demo_world_free(&d->world);
    free(d);
}

mm_demo *mm_demo_start(const mm_demo_options *options, char *base_url, size_t size, char *err,
                       size_t err_size)
{
    const mm_mhd_api *mhd = mm_mhd_load(err, err_size);
    if (!mhd)
        return NULL;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 64) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        mm_fail(err, err_size, "the demo cloud cannot listen on 127.0.0.1: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    mm_demo *d = mm_xcalloc(1, sizeof *d);
    d->mhd = mhd;
    d->world = mm_demo_world_create();
    mm_demo_store_limits limits = {.max_overlays = options ? options->max_sessions : 0,
                                   .idle_ms = options ? options->idle_ms : 0};
    d->store = mm_demo_store_create(&limits);
    d->bodies = mm_demo_bodies_create();
    d->daemon = mhd->start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, 0, NULL, NULL,
                                  handle, d, MHD_OPTION_LISTEN_SOCKET, fd,
                                  MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL, MHD_OPTION_END);
    if (!d->daemon) {
        mm_fail(err, err_size, "the demo cloud's HTTP server did not start: %s", strerror(errno));
        close(fd);
        free_parts(d);
        return NULL;
    }
    snprintf(base_url, size, "http://127.0.0.1:%u", (unsigned)ntohs(a.sin_port));
    return d;
}

void mm_demo_stop(mm_demo **dp)
{
    mm_demo *d = *dp;
    if (!d)
        return;
    d->mhd->stop_daemon(d->daemon); /* closes the listening socket too */
    free_parts(d);
    *dp = NULL;
}
