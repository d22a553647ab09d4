/* The HTTP connections MHD has open: per-address limits, the header deadline and minimum body
 * rate, parking (suspend/resume) and hang-up detection. See http_internal.h for the model. */
#define _GNU_SOURCE /* POLLRDHUP */
#include "transport/http_internal.h"

#include "base/util.h"

#include <malloc.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct mm_http_conn {
    struct MHD_Connection *c;
    int fd;
    char peer[INET6_ADDRSTRLEN];
    char key[INET6_ADDRSTRLEN + 4]; /* its client key (an IPv6 address's /64) */
    int counted;                    /* counted in per_address */
    long long idle_since_ms;        /* connect, or the previous request's end */
    int in_request;                 /* headers arrived; the request has not ended */
    int uploading;                  /* a body is arriving: the minimum rate applies */
    int body_complete;              /* the request is all in: the answer is the server's to give */
    long long body_since_ms;        /* its first byte */
    size_t body_bytes;
    long long close_at_ms; /* after a raw 413: shut down then (0: no) */
    int shut;              /* shut down by the ticker: nothing more to do */
    int parked;            /* suspended (or about to be), one wake owed */
    long long wake_at_ms;  /* parked: the ticker wakes it then (0: never) */
    void (*on_hangup)(void *ctx);
    void *hangup_ctx;
    mm_http_access access; /* the current request's (its MHD thread's alone: no lock) */
    mm_http_conn *prev, *next;
};

static void count_address(mm_http_ctx *h, const char *peer, int delta)
{
    size_t len = strlen(peer);
    uintptr_t n = (uintptr_t)mm_hash_map_get(h->per_address, peer, len);
    n = delta > 0 ? n + 1 : n - 1;
    if (n)
        mm_hash_map_put(h->per_address, peer, len, (void *)n);
    else
        mm_hash_map_remove(h->per_address, peer, len);
}

/* The key that limits count for an address: an IPv4 address itself; for IPv6 its /64, the
 * block one subscriber gets (else any client has 2^64 addresses to spread over). */
static void client_key(const char *addr, char out[INET6_ADDRSTRLEN + 4])
{
    struct in6_addr a6;
    if (!strchr(addr, ':') || inet_pton(AF_INET6, addr, &a6) != 1) {
        snprintf(out, INET6_ADDRSTRLEN + 4, "%s", addr);
        return;
    }
    memset(a6.s6_addr + 8, 0, 8);
    char net[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &a6, net, sizeof net);
    snprintf(out, INET6_ADDRSTRLEN + 4, "%s/64", net);
}

static void peer_text(const struct sockaddr *sa, char out[INET6_ADDRSTRLEN])
{
    out[0] = '\0';
    if (!sa)
        return;
    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, INET6_ADDRSTRLEN);
    } else if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a)) /* one client, one text, whichever socket it came by */
            inet_ntop(AF_INET, &a->s6_addr[12], out, INET6_ADDRSTRLEN);
        else
            inet_ntop(AF_INET6, a, out, INET6_ADDRSTRLEN);
    }
}

void mm_http_conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                         enum MHD_ConnectionNotificationCode code)
{
    mm_http_ctx *h = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        mm_http_conn *k = mm_xcalloc(1, sizeof *k);
        k->c = c;
        const union MHD_ConnectionInfo *fd =
            h->mhd->get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        const union MHD_ConnectionInfo *addr =
            h->mhd->get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        k->fd = fd ? fd->connect_fd : -1;
        peer_text(addr ? addr->client_addr : NULL, k->peer);
        client_key(k->peer, k->key);
        k->idle_since_ms = mm_now_ms();
        pthread_mutex_lock(&h->conns_lock);
        size_t len = strlen(k->key);
        uintptr_t n = (uintptr_t)mm_hash_map_get(h->per_address, k->key, len);
        if (n >= MM_HTTP_PER_ADDRESS && !mm_config_trusted_proxy(h->srv->cfg, k->peer)) {
            /* Over its share: MHD sees the connection end at once (it then reports it closed). */
            if (k->fd >= 0)
                shutdown(k->fd, SHUT_RDWR);
            k->shut = 1;
        } else {
            count_address(h, k->key, +1);
            k->counted = 1;
        }
        k->next = h->conns;
        if (h->conns)
            h->conns->prev = k;
        h->conns = k;
        pthread_mutex_unlock(&h->conns_lock);
        *socket_context = k;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        mm_http_conn *k = *socket_context;
        if (!k)
            return;
        pthread_mutex_lock(&h->conns_lock); /* MHD closes the socket only after this returns */
        if (k->prev)
            k->prev->next = k->next;
        else
            h->conns = k->next;
        if (k->next)
            k->next->prev = k->prev;
        if (k->counted)
            count_address(h, k->key, -1);
        int many = ++h->closed_since_trim >= 64; /* each held a 32 KiB buffer of MHD's */
        pthread_mutex_unlock(&h->conns_lock);
        if (many)
            mm_http_want_trim(h);
        free(k);
        *socket_context = NULL;
    }
}

mm_http_conn *mm_http_conn_of(mm_http_ctx *h, struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *i =
        h->mhd->get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return i ? i->socket_context : NULL;
}

void mm_http_conn_request_began(mm_http_ctx *h, mm_http_conn *k)
{
    pthread_mutex_lock(&h->conns_lock);
    k->in_request = 1;
    k->uploading = 0;
    k->body_complete = 0;
    k->body_since_ms = 0;
    k->body_bytes = 0;
    pthread_mutex_unlock(&h->conns_lock);
}

void mm_http_conn_body_progress(mm_http_ctx *h, mm_http_conn *k, size_t bytes)
{
    long long now = mm_now_ms();
    pthread_mutex_lock(&h->conns_lock);
    if (!k->body_since_ms) {
        k->body_since_ms = now;
        k->uploading = 1;
    }
    k->body_bytes += bytes;
    pthread_mutex_unlock(&h->conns_lock);
}

void mm_http_conn_body_done(mm_http_ctx *h, mm_http_conn *k)
{
    pthread_mutex_lock(&h->conns_lock);
    k->uploading = 0; /* answering now: MHD's idle timeout covers a client that does not read */
    k->body_complete = 1;
    pthread_mutex_unlock(&h->conns_lock);
}

void mm_http_conn_request_ended(mm_http_ctx *h, mm_http_conn *k)
{
    pthread_mutex_lock(&h->conns_lock);
    k->in_request = 0;
    k->idle_since_ms = mm_now_ms();
    pthread_mutex_unlock(&h->conns_lock);
}

const char *mm_http_conn_peer(const mm_http_conn *k)
{
    return k ? k->peer : "";
}

mm_http_access *mm_http_conn_access(mm_http_conn *k)
{
    return &k->access;
}

/* Collects every X-Forwarded-For line, in order (a proxy may add a line of its own after the
 * client's, rather than extend the client's). */
typedef struct xff_lines {
    char text[1024];
    size_t len;
    int overflow;
} xff_lines;

static enum MHD_Result collect_xff(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    xff_lines *x = cls;
    if (strcasecmp(key, "X-Forwarded-For") != 0 || !value)
        return MHD_YES;
    int n = snprintf(x->text + x->len, sizeof x->text - x->len, "%s%s", x->len ? "," : "", value);
    if (n < 0 || (size_t)n >= sizeof x->text - x->len)
        x->overflow = 1;
    else
        x->len += (size_t)n;
    return MHD_YES;
}

void mm_http_client_address(mm_http_ctx *h, struct MHD_Connection *c, const mm_http_conn *k,
                            char out[INET6_ADDRSTRLEN + 4])
{
    char ip[INET6_ADDRSTRLEN];
    mm_http_client_ip(h, c, k, ip);
    client_key(ip, out);
}

void mm_http_client_ip(mm_http_ctx *h, struct MHD_Connection *c, const mm_http_conn *k,
                       char out[INET6_ADDRSTRLEN])
{
    const char *peer = mm_http_conn_peer(k);
    const mm_config *cfg = h->srv->cfg;
    snprintf(out, INET6_ADDRSTRLEN, "%s", peer);
    if (!cfg->trusted_proxies.count || !mm_config_trusted_proxy(cfg, peer))
        return;
    xff_lines x = {.len = 0};
    h->mhd->get_connection_values(c, MHD_HEADER_KIND, collect_xff, &x);
    if (x.overflow || x.len == 0)
        return; /* nothing usable: the proxy itself is the client */
    /* Right to left (RFC 7239 section 5.2's order): each trusted proxy appended the address
     * it got the request from; the first that is not a trusted proxy is the client, whatever
     * the client wrote further left. */
    size_t end = x.len;
    while (end > 0) {
        size_t start = end;
        while (start > 0 && x.text[start - 1] != ',')
            start--;
        size_t a = start, b = end;
        while (a < b && (x.text[a] == ' ' || x.text[a] == '\t'))
            a++;
        while (b > a && (x.text[b - 1] == ' ' || x.text[b - 1] == '\t'))
            b--;
        char addr[INET6_ADDRSTRLEN];
        unsigned char bin[16];
        if (b - a == 0 || b - a >= sizeof addr)
            return; /* not an address: the last trusted hop is the client */
        memcpy(addr, x.text + a, b - a);
        addr[b - a] = '\0';
        int v4 = inet_pton(AF_INET, addr, bin) == 1;
        if (!v4 && inet_pton(AF_INET6, addr, bin) != 1)
            return;
        /* One text per address, however it was written. */
        inet_ntop(v4 ? AF_INET : AF_INET6, bin, out, INET6_ADDRSTRLEN);
        if (!mm_config_trusted_proxy(cfg, out))
            return;
        end = start ? start - 1 : 0;
    }
}

void mm_http_conn_refuse_body(mm_http_ctx *h, mm_http_conn *k, const char *json)
{
    char head[256];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 413 Content Too Large\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     strlen(json));
    pthread_mutex_lock(&h->conns_lock);
    if (k->fd >= 0 && !k->close_at_ms) {
        /* MHD is reading this connection's body on this thread, and writes nothing until the
         * body ends: the answer goes out whole before anything else. */
        mm_buf all = {0}; /* one write: the send buffer of a fresh connection holds it */
        mm_buf_put(&all, head, (size_t)n);
        mm_buf_put(&all, json, strlen(json));
        ssize_t sent = send(k->fd, all.data, all.len, MSG_NOSIGNAL | MSG_DONTWAIT);
        (void)sent; /* a client that cannot take 300 bytes gets the close alone */
        free(all.data);
        shutdown(k->fd, SHUT_WR);
        k->close_at_ms = mm_now_ms() + 2000; /* the client reads the answer, then we close */
    }
    pthread_mutex_unlock(&h->conns_lock);
    mm_http_access_answer(k, 413, strlen(json), NULL);
}

/* Marks k parked (lock held). */
static void arm_locked(mm_http_conn *k, long wake_after_ms, void (*on_hangup)(void *ctx),
                       void *hangup_ctx)
{
    k->parked = 1;
    k->wake_at_ms = wake_after_ms > 0 ? mm_now_ms() + wake_after_ms : 0;
    k->on_hangup = on_hangup;
    k->hangup_ctx = hangup_ctx;
}

int mm_http_park_arm(mm_http_ctx *h, mm_http_conn *k, long wake_after_ms,
                     void (*on_hangup)(void *ctx), void *hangup_ctx)
{
    pthread_mutex_lock(&h->conns_lock);
    int armed = !atomic_load(&h->stopping);
    if (armed)
        arm_locked(k, wake_after_ms, on_hangup, hangup_ctx);
    pthread_mutex_unlock(&h->conns_lock);
    return armed;
}

void mm_http_suspend(mm_http_ctx *h, mm_http_conn *k)
{
    /* A wake may have come since the arm: MHD then cancels this suspension (its "resuming"
     * flag) and serves the connection again at once. Every arm is followed by exactly one
     * suspend and at most one wake, so the two always pair. */
    h->mhd->suspend_connection(k->c);
}

int mm_http_park(mm_http_ctx *h, mm_http_conn *k, int (*cond)(void *ctx), void *cond_ctx,
                 long wake_after_ms, void (*on_hangup)(void *ctx), void *hangup_ctx)
{
    pthread_mutex_lock(&h->conns_lock);
    int ready = (cond && cond(cond_ctx)) || atomic_load(&h->stopping);
    if (!ready)
        arm_locked(k, wake_after_ms, on_hangup, hangup_ctx);
    pthread_mutex_unlock(&h->conns_lock);
    if (ready)
        return 0;
    mm_http_suspend(h, k);
    return 1;
}

/* Takes the owed wake (lock held); 1 if the caller must resume. */
static int take_wake(mm_http_conn *k)
{
    if (!k->parked)
        return 0;
    k->parked = 0;
    k->wake_at_ms = 0;
    k->on_hangup = NULL;
    return 1;
}

void mm_http_wake(mm_http_ctx *h, mm_http_conn *const *kp, void (*update)(void *ctx), void *ctx)
{
    pthread_mutex_lock(&h->conns_lock);
    if (update)
        update(ctx);
    mm_http_conn *k = *kp;
    int resume = k && take_wake(k);
    pthread_mutex_unlock(&h->conns_lock);
    /* Parked means suspended until this resume: MHD cannot close it meanwhile. */
    if (resume)
        h->mhd->resume_connection(k->c);
}

void mm_http_detach(mm_http_ctx *h, mm_http_conn **kp)
{
    pthread_mutex_lock(&h->conns_lock);
    *kp = NULL;
    pthread_mutex_unlock(&h->conns_lock);
}

static void trim_if_wanted(mm_http_ctx *h, long long now);

void mm_http_conn_tick(mm_http_ctx *h, int wake_all)
{
    long long now = mm_now_ms();
    pthread_mutex_lock(&h->conns_lock);
    size_t all = 0;
    for (mm_http_conn *k = h->conns; k; k = k->next)
        all++;
    struct pollfd *watch = mm_xcalloc(all + 1, sizeof *watch);
    mm_http_conn **watched = mm_xcalloc(all + 1, sizeof *watched);
    struct MHD_Connection **resume = mm_xcalloc(all + 1, sizeof *resume);
    size_t nwatch = 0, nresume = 0;
    for (mm_http_conn *k = h->conns; k; k = k->next) {
        if (k->parked) {
            if (wake_all || (k->wake_at_ms && now >= k->wake_at_ms)) {
                take_wake(k);
                resume[nresume++] = k->c;
            } else if (k->on_hangup && k->fd >= 0) {
                watch[nwatch] = (struct pollfd){.fd = k->fd, .events = POLLRDHUP};
                watched[nwatch++] = k;
            }
            continue; /* a parked request is the server's to finish: no deadline */
        }
        if (k->shut || k->fd < 0)
            continue;
        int late_headers = !k->in_request && now - k->idle_since_ms > MM_HTTP_HEADER_DEADLINE_MS;
        long long body_late = k->uploading ? now - k->body_since_ms - MM_HTTP_BODY_GRACE_MS : 0;
        int slow_body =
            body_late > 0 && k->body_bytes < (size_t)(body_late * MM_HTTP_BODY_MIN_RATE / 1000);
        int refused_done = k->close_at_ms && now >= k->close_at_ms;
        if (late_headers || slow_body || refused_done) {
            shutdown(k->fd, SHUT_RDWR); /* MHD sees the end and closes it */
            k->shut = 1;
        } else if (!k->in_request || !k->body_complete) {
            /* Waiting for a request or its body (or a body announced and not begun): a client
             * that ended its side sends nothing more (MHD's edge-triggered epoll misses that
             * end until a timeout). */
            watch[nwatch] = (struct pollfd){.fd = k->fd, .events = POLLRDHUP};
            watched[nwatch++] = k;
        }
    }
    /* Hang-ups among parked connections whose call is running: cancel it. A client that only
     * half-closed after its request is treated as gone too (as nginx does by default). */
    if (nwatch && poll(watch, nwatch, 0) > 0)
        for (size_t i = 0; i < nwatch; i++) {
            mm_http_conn *k = watched[i];
            if (!(watch[i].revents & (POLLRDHUP | POLLHUP | POLLERR)))
                continue;
            if (k->parked && k->on_hangup) {
                void (*fn)(void *) = k->on_hangup;
                k->on_hangup = NULL;
                fn(k->hangup_ctx); /* under the lock: it only sets flags */
            } else if (!k->parked && !k->shut) {
                shutdown(k->fd, SHUT_RDWR);
                k->shut = 1;
            }
        }
    pthread_mutex_unlock(&h->conns_lock);
    for (size_t i = 0; i < nresume; i++)
        h->mhd->resume_connection(resume[i]);
    free(watch);
    free(watched);
    free(resume);
    trim_if_wanted(h, now);
}

void mm_http_want_trim(mm_http_ctx *h)
{
    atomic_store(&h->trim_wanted, 1);
}

/* glibc keeps freed memory in its arenas (a burst of requests would hold its peak for good):
 * once a second at most, after much was freed, it goes back (ticker only). */
static void trim_if_wanted(mm_http_ctx *h, long long now)
{
    if (now - h->last_trim_ms < 1000 || !atomic_exchange(&h->trim_wanted, 0))
        return;
    pthread_mutex_lock(&h->conns_lock);
    h->closed_since_trim = 0;
    pthread_mutex_unlock(&h->conns_lock);
    malloc_trim(0);
    h->last_trim_ms = now;
}

size_t mm_http_parked_count(mm_http_ctx *h)
{
    size_t n = 0;
    pthread_mutex_lock(&h->conns_lock);
    for (mm_http_conn *k = h->conns; k; k = k->next)
        n += (size_t)k->parked;
    pthread_mutex_unlock(&h->conns_lock);
    return n;
}
