/* The HTTP access log: one line per request on stderr, written when the request ends (so its
 * duration and the bytes of an event stream are known), in one write(2) with no lock held.
 * See http_internal.h for what the record holds and who touches it. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "transport/http_internal.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Copies at most max_in bytes of what a client sent (value may be NULL) into a log field of
 * out_size bytes: printable ASCII other than '%' as it is, any other byte as %XX (a newline or
 * an escape sequence would forge or hide lines), cut where the field is full; "-" for
 * nothing. */
static void field(char *out, size_t out_size, const char *value, size_t max_in)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (size_t i = 0; value && value[i] && i < max_in; i++) {
        unsigned char b = (unsigned char)value[i];
        int plain = b > 0x20 && b < 0x7f && b != '%';
        if (o + (plain ? 1 : 3) >= out_size)
            break;
        if (plain) {
            out[o++] = (char)b;
        } else {
            out[o++] = '%';
            out[o++] = hex[b >> 4];
            out[o++] = hex[b & 15];
        }
    }
    if (o == 0 && out_size > 1)
        out[o++] = '-';
    out[o] = '\0';
}

void mm_http_access_begin(mm_http_ctx *h, struct MHD_Connection *c, mm_http_conn *k,
                          const char *method, const char *url)
{
    mm_http_access *a = mm_http_conn_access(k);
    a->on = h->srv->cfg->access_log;
    if (!a->on)
        return;
    a->start_us = now_us();
    a->status = 0;
    a->bytes = 0;
    a->rpc[0] = a->tool[0] = '\0';
    field(a->method, sizeof a->method, method, sizeof a->method);
    field(a->path, sizeof a->path, url, sizeof a->path);
    const char *peer = mm_http_conn_peer(k);
    size_t n = strnlen(peer, sizeof a->peer - 1);
    memcpy(a->peer, peer, n);
    a->peer[n] = '\0';
    mm_http_client_ip(h, c, k, a->client);
    /* Eight characters say which session; the rest of the id stays out of logs. */
    const char *sid = h->mhd->lookup_connection_value(c, MHD_HEADER_KIND, "Mcp-Session-Id");
    field(a->session, sizeof a->session, sid, 8);
}

void mm_http_access_answer(mm_http_conn *k, unsigned status, size_t body_bytes, const char *session)
{
    if (!k)
        return;
    mm_http_access *a = mm_http_conn_access(k);
    a->status = status;
    a->bytes = body_bytes;
    if (session)
        field(a->session, sizeof a->session, session, 8);
}

void mm_http_access_sent(mm_http_conn *k, size_t bytes)
{
    if (k)
        mm_http_conn_access(k)->bytes += bytes;
}

void mm_http_access_rpc(mm_http_conn *k, const cJSON *msg)
{
    mm_http_access *a = mm_http_conn_access(k);
    if (!a->on)
        return;
    if (cJSON_IsArray(msg)) {
        field(a->rpc, sizeof a->rpc, "batch", sizeof a->rpc);
        return;
    }
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(msg, "method");
    if (!cJSON_IsString(m))
        return; /* a response to a server request: no method */
    field(a->rpc, sizeof a->rpc, m->valuestring, sizeof a->rpc);
    const cJSON *name =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(msg, "params"), "name");
    if (strcmp(m->valuestring, "tools/call") == 0 && cJSON_IsString(name))
        field(a->tool, sizeof a->tool, name->valuestring, sizeof a->tool);
}

/* How a request ended, when not by its answer going out whole. */
static const char *ending(enum MHD_RequestTerminationCode code)
{
    switch (code) {
    case MHD_REQUEST_TERMINATED_COMPLETED_OK: return NULL;
    case MHD_REQUEST_TERMINATED_TIMEOUT_REACHED: return "timeout";
    case MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN: return "shutdown";
    case MHD_REQUEST_TERMINATED_READ_ERROR: return "read-error";
    case MHD_REQUEST_TERMINATED_CLIENT_ABORT: return "client-abort";
    default: return "closed";
    }
}

/* The line is put together by hand: snprintf and strftime cost 8,000 instructions a line,
 * and gmtime_r takes glibc's time zone lock; this is a tenth of that, and takes no lock. */
typedef struct line {
    char *p, *end;
} line;

static void put(line *l, const char *s, size_t n)
{
    if (n > (size_t)(l->end - l->p))
        n = (size_t)(l->end - l->p);
    memcpy(l->p, s, n);
    l->p += n;
}

static void put_str(line *l, const char *s)
{
    put(l, s, strlen(s));
}

/* v in decimal, at least width digits (zeros before). */
static void put_num(line *l, unsigned long long v, int width)
{
    char digits[24];
    int i = (int)sizeof digits;
    do {
        digits[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v || (int)sizeof digits - i < width);
    put(l, digits + i, sizeof digits - (size_t)i);
}

/* Seconds since the epoch as 2026-06-01T09:12:44 (UTC), by the days-to-civil-date algorithm
 * of H. Hinnant ("chrono-Compatible Low-Level Date Algorithms"). */
static void put_utc(line *l, long long secs)
{
    long long days = secs / 86400, rem = secs % 86400;
    if (rem < 0)
        rem += 86400, days--;
    days += 719468;
    long long era = (days >= 0 ? days : days - 146096) / 146097;
    unsigned doe = (unsigned)(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned day = doy - (153 * mp + 2) / 5 + 1, month = mp < 10 ? mp + 3 : mp - 9;
    long long year = (long long)yoe + era * 400 + (month <= 2);
    put_num(l, (unsigned long long)(year > 0 ? year : 0), 4);
    put(l, "-", 1);
    put_num(l, month, 2);
    put(l, "-", 1);
    put_num(l, day, 2);
    put(l, "T", 1);
    put_num(l, (unsigned long long)rem / 3600, 2);
    put(l, ":", 1);
    put_num(l, (unsigned long long)rem / 60 % 60, 2);
    put(l, ":", 1);
    put_num(l, (unsigned long long)rem % 60, 2);
}

static void put_field(line *l, const char *name, const char *value)
{
    put_str(l, name);
    put_str(l, value[0] ? value : "-");
}

void mm_http_access_end(mm_http_conn *k, enum MHD_RequestTerminationCode code)
{
    mm_http_access *a = mm_http_conn_access(k);
    if (!a->on)
        return;
    a->on = 0; /* one line per request */
    long long us = now_us() - a->start_us;
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    char text[768];
    line l = {text, text + sizeof text - 1}; /* room for the newline */
    put_str(&l, "mistmcp: info: access time=");
    put_utc(&l, (long long)wall.tv_sec);
    put(&l, ".", 1);
    put_num(&l, (unsigned long long)wall.tv_nsec / 1000000, 3);
    put_field(&l, "Z addr=", a->client);
    if (strcmp(a->client, a->peer) != 0)
        put_field(&l, " via=", a->peer);
    put_field(&l, " method=", a->method);
    put_field(&l, " path=", a->path);
    put_str(&l, " status=");
    if (a->status)
        put_num(&l, a->status, 1);
    else
        put(&l, "-", 1);
    put_str(&l, " bytes=");
    put_num(&l, a->bytes, 1);
    put_str(&l, " ms=");
    put_num(&l, (unsigned long long)(us > 0 ? us : 0) / 1000, 1);
    put(&l, ".", 1);
    put_num(&l, (unsigned long long)(us > 0 ? us : 0) % 1000, 3);
    put_field(&l, " session=", a->session);
    put_field(&l, " rpc=", a->rpc);
    put_field(&l, " tool=", a->tool);
    const char *end = ending(code);
    if (end)
        put_field(&l, " end=", end);
    *l.p++ = '\n';
    size_t len = (size_t)(l.p - text);
    /* One write: lines from the polling threads never interleave (stderr is unbuffered, and
     * write(2) of a short line is atomic on a pipe), and no stdio lock is held meanwhile. */
    for (size_t off = 0; off < len;) {
        ssize_t w = write(STDERR_FILENO, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break; /* stderr closed or full: the line is lost, the request is not */
        off += (size_t)w;
    }
}
