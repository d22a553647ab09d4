/*
 * An answer from the Mist API as plugins see it (opaque in plugin.h, read through the host
 * API accessors). Ownership: the response owns its body and header lines; it is freed with
 * the host API's response_free, which frees the struct itself too. Not shared between threads.
 */
#ifndef MISTMCP_CORE_MIST_RESPONSE_H
#define MISTMCP_CORE_MIST_RESPONSE_H

#include <mistmcp/plugin.h>

#include <stddef.h>

struct mistmcp_response {
    long status; /* HTTP status */
    char *body;  /* NUL-terminated; length excludes the NUL */
    size_t length;
    char **headers; /* "Name: value" lines */
    size_t header_count;
};

#endif
