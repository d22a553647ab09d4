/*
 * Loading a system shared library by its soname when it is first needed (libcurl on the first
 * Mist request, libmicrohttpd when the HTTP transport starts), so that a start that never needs
 * one maps neither it nor its TLS stack.
 *
 * Only sonames are accepted ("libcurl.so.4": "lib", a name, ".so", no '/'): the dynamic linker
 * looks them up in the system's library path, never in a directory a caller names. Category
 * plugins are files in plugin directories and are opened by the registry alone
 * (core/registry/plugin_loader.c), after the ABI checks; this loader cannot open one.
 *
 * Ownership: a library loaded stays loaded for the life of the process (its functions are
 * kept in the caller's slots). Thread-safety: call once per library (the callers use
 * pthread_once); it writes only the caller's slots and err.
 */
#ifndef MISTMCP_CORE_BASE_SYSTEM_LIB_H
#define MISTMCP_CORE_BASE_SYSTEM_LIB_H

#include <stddef.h>

/* A library to load. All strings are static. */
typedef struct mm_system_lib {
    const char *soname;  /* "libcurl.so.4" */
    const char *name;    /* for messages: "libcurl" */
    const char *package; /* the Debian package that has it: "libcurl4" */
} mm_system_lib;

/* One function to resolve: its name in the library and where to store its address. */
typedef struct mm_system_symbol {
    const char *name;
    void **slot;
} mm_system_symbol;

/* Opens lib->soname (RTLD_NOW | RTLD_LOCAL) and stores the address of every symbol in its
 * slot. Returns 0, or -1 with one sentence in err (may be NULL): "<name> could not be loaded
 * (<the dynamic linker's reason>): install <package>", "<name> has no <symbol>", or that the
 * soname is not one; then every slot is NULL and the library's handle is closed. */
int mm_system_lib_load(const mm_system_lib *lib, const mm_system_symbol *symbols, size_t count,
                       char *err, size_t err_size);

#endif
