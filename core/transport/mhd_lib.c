#include "transport/mhd_lib.h"

#include "base/system_lib.h"

#include <pthread.h>
#include <stdio.h>

static mm_mhd_api api; /* written once, under load_once */
static char load_error[300];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void)
{
    const mm_system_symbol fns[] = {
        {"MHD_start_daemon", (void **)&api.start_daemon},
        {"MHD_stop_daemon", (void **)&api.stop_daemon},
        {"MHD_lookup_connection_value", (void **)&api.lookup_connection_value},
        {"MHD_create_response_from_buffer", (void **)&api.create_response_from_buffer},
        {"MHD_create_response_from_callback", (void **)&api.create_response_from_callback},
        {"MHD_add_response_header", (void **)&api.add_response_header},
        {"MHD_queue_response", (void **)&api.queue_response},
        {"MHD_destroy_response", (void **)&api.destroy_response},
        {"MHD_suspend_connection", (void **)&api.suspend_connection},
        {"MHD_resume_connection", (void **)&api.resume_connection},
        {"MHD_get_connection_info", (void **)&api.get_connection_info},
        {"MHD_get_connection_values", (void **)&api.get_connection_values},
        {"MHD_get_connection_values_n", (void **)&api.get_connection_values_n},
        {"MHD_add_connection", (void **)&api.add_connection},
    };
    const mm_system_lib lib = {"libmicrohttpd.so.12", "libmicrohttpd", "libmicrohttpd12"};
    mm_system_lib_load(&lib, fns, sizeof fns / sizeof fns[0], load_error, sizeof load_error);
}

const mm_mhd_api *mm_mhd_load(char *err, size_t err_size)
{
    pthread_once(&load_once, load);
    if (api.start_daemon)
        return &api;
    snprintf(err, err_size, "%s", load_error);
    return NULL;
}
