#include "transport/mhd_lib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static mm_mhd_api api; /* written once, under load_once */
static char load_error[300];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void)
{
    void *h = dlopen("libmicrohttpd.so.12", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(load_error, sizeof load_error,
                 "libmicrohttpd could not be loaded (%s): install libmicrohttpd12",
                 e ? e : "unknown");
        return;
    }
    struct {
        const char *name;
        void **slot;
    } fns[] = {
        {"MHD_start_daemon", (void **)&api.start_daemon},
        {"MHD_stop_daemon", (void **)&api.stop_daemon},
        {"MHD_lookup_connection_value", (void **)&api.lookup_connection_value},
        {"MHD_create_response_from_buffer", (void **)&api.create_response_from_buffer},
        {"MHD_create_response_from_callback", (void **)&api.create_response_from_callback},
        {"MHD_add_response_header", (void **)&api.add_response_header},
        {"MHD_queue_response", (void **)&api.queue_response},
        {"MHD_destroy_response", (void **)&api.destroy_response},
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        *fns[i].slot = dlsym(h, fns[i].name);
        if (!*fns[i].slot) {
            snprintf(load_error, sizeof load_error, "libmicrohttpd has no %s", fns[i].name);
            memset(&api, 0, sizeof api);
            dlclose(h);
            return;
        }
    }
    /* Stays loaded for the life of the process. */
}

const mm_mhd_api *mm_mhd_load(char *err, size_t err_size)
{
    pthread_once(&load_once, load);
    if (api.start_daemon)
        return &api;
    snprintf(err, err_size, "%s", load_error);
    return NULL;
}
