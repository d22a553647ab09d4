/*
 * The Mist API client (libcurl).
 *
 * An mm_mist_client holds what all requests share (base URL, timeouts, body bound, user
 * agent); an mm_mist_conn is one libcurl handle with its connection cache, owned by one
 * thread at a time (each worker keeps its own, so connections are reused without a lock).
 * TLS verification is always on. The token goes only into the Authorization header.
 *
 * Ownership: responses are allocated here and freed with mm_mist_response_free (the host
 * API's response_free does the same). Thread-safety: the client is read-only after creation
 * and shared; a connection is used by one thread at a time.
 */
#ifndef MISTMCP_CORE_MIST_CLIENT_H
#define MISTMCP_CORE_MIST_CLIENT_H

#include "mist/response.h"

#include <stdatomic.h>
#include <stddef.h>

typedef struct mm_mist_client mm_mist_client;
typedef struct mm_mist_conn mm_mist_conn;

typedef struct mm_mist_options {
    const char *base_url; /* "https://api.mist.com" or the operator's test URL */
    long connect_timeout_ms;
    long timeout_ms;
    size_t max_body_bytes;  /* a larger answer is stopped and reported */
    const char *user_agent; /* "mistmcp/<version>" */
} mm_mist_options;

/* Call once per process before threads start (curl_global_init). */
int mm_mist_global_init(void);
void mm_mist_global_cleanup(void);

mm_mist_client *mm_mist_client_create(const mm_mist_options *options);
void mm_mist_client_destroy(mm_mist_client **client);

mm_mist_conn *mm_mist_conn_create(void);
void mm_mist_conn_destroy(mm_mist_conn **conn);

/* Why a request got no HTTP answer (what decides whether it may be retried). */
typedef enum mm_net_fail {
    MM_NET_OK = 0,    /* an answer arrived */
    MM_NET_CANCELLED, /* the client cancelled */
    MM_NET_TOO_BIG,   /* the body passed max_body_bytes */
    MM_NET_TIMEOUT,
    MM_NET_NOT_SENT, /* name resolution or connect failed: the request never left */
    MM_NET_BROKEN,   /* the connection broke after the request was (maybe) sent */
    MM_NET_TLS,
    MM_NET_OTHER
} mm_net_fail;

/* Sends method target (path and query) with body (JSON or NULL). cancelled (may be NULL) is
 * polled during the transfer: once nonzero, the transfer is aborted. Returns 0 with *out set
 * when an HTTP answer arrived, -1 with a one-sentence reason in err otherwise (the token is
 * never in it); *why (may be NULL) says which kind of failure. One attempt: retries are the
 * caller's (core/mist/call.c). */
int mm_mist_send(const mm_mist_client *client, mm_mist_conn *conn, const char *token,
                 const char *method, const char *target, const char *body,
                 const atomic_int *cancelled, mistmcp_response **out, mm_net_fail *why, char *err,
                 size_t err_size);

void mm_mist_response_free(mistmcp_response **response);

#endif
