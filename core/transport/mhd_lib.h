/*
 * libmicrohttpd, loaded with dlopen when the HTTP transport starts: linked normally it pulls
 * GnuTLS and eight more libraries into every stdio start (start-up time and 2.5 MB of RSS
 * that stdio users never need). The header is used for types and constants only.
 *
 * Thread-safety: mm_mhd_load may be called from any thread (pthread_once); the table it
 * returns is immutable and lives until the process exits.
 */
#ifndef MISTMCP_CORE_TRANSPORT_MHD_LIB_H
#define MISTMCP_CORE_TRANSPORT_MHD_LIB_H

#include <microhttpd.h>
#include <stddef.h>

typedef struct mm_mhd_api {
    struct MHD_Daemon *(*start_daemon)(unsigned int flags, uint16_t port,
                                       MHD_AcceptPolicyCallback apc, void *apc_cls,
                                       MHD_AccessHandlerCallback dh, void *dh_cls, ...);
    void (*stop_daemon)(struct MHD_Daemon *daemon);
    const char *(*lookup_connection_value)(struct MHD_Connection *c, enum MHD_ValueKind kind,
                                           const char *key);
    struct MHD_Response *(*create_response_from_buffer)(size_t size, void *buffer,
                                                        enum MHD_ResponseMemoryMode mode);
    struct MHD_Response *(*create_response_from_callback)(uint64_t size, size_t block_size,
                                                          MHD_ContentReaderCallback crc,
                                                          void *crc_cls,
                                                          MHD_ContentReaderFreeCallback crfc);
    enum MHD_Result (*add_response_header)(struct MHD_Response *r, const char *header,
                                           const char *content);
    enum MHD_Result (*queue_response)(struct MHD_Connection *c, unsigned int status_code,
                                      struct MHD_Response *r);
    void (*destroy_response)(struct MHD_Response *r);
    void (*suspend_connection)(struct MHD_Connection *c);
    void (*resume_connection)(struct MHD_Connection *c);
    const union MHD_ConnectionInfo *(*get_connection_info)(struct MHD_Connection *c,
                                                           enum MHD_ConnectionInfoType type, ...);
    int (*get_connection_values)(struct MHD_Connection *c, enum MHD_ValueKind kind,
                                 MHD_KeyValueIterator iterator, void *iterator_cls);
    int (*get_connection_values_n)(struct MHD_Connection *c, enum MHD_ValueKind kind,
                                   MHD_KeyValueIteratorN iterator, void *iterator_cls);
    enum MHD_Result (*add_connection)(struct MHD_Daemon *d, MHD_socket fd,
                                      const struct sockaddr *addr, socklen_t addrlen);
} mm_mhd_api;

/* The library's functions, or NULL with a message saying what to install. */
const mm_mhd_api *mm_mhd_load(char *err, size_t err_size);

#endif
