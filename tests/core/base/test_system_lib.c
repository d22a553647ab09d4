/*
 * Loading a system library by soname (core/base/system_lib.c): every symbol resolved or none,
 * errors that name the library, the symbol and the package to install, and nothing but a
 * soname accepted, so that the loader cannot open a plugin file (only the registry opens those)
 * nor, with "", the program itself.
 */
#include "base/system_lib.h"
#include "check.h"

#include <stddef.h>
#include <string.h>

static const mm_system_lib libc = {"libc.so.6", "the C library", "libc6"};

int main(void)
{
    char err[300];
    size_t (*len)(const char *) = NULL;
    int (*cmp)(const char *, const char *) = NULL;
    mm_system_symbol both[] = {{"strlen", (void **)&len}, {"strcmp", (void **)&cmp}};
    CHECK_MSG(mm_system_lib_load(&libc, both, 2, err, sizeof err) == 0, "%s", err);
    CHECK_MSG(len && cmp && len("mist") == 4 && cmp("ap", "ap") == 0,
              "the slots hold the library's functions");

    /* A missing symbol: -1, the library and the symbol named, and no slot left set. */
    mm_system_symbol one_missing[] = {{"strlen", (void **)&len},
                                      {"mistmcp_no_such_symbol", (void **)&cmp}};
    CHECK(mm_system_lib_load(&libc, one_missing, 2, err, sizeof err) == -1);
    CHECK_MSG(strcmp(err, "the C library has no mistmcp_no_such_symbol") == 0, "%s", err);
    CHECK_MSG(!len && !cmp, "all or nothing: no slot stays set after a failure");

    /* A missing library: its name, the linker's reason and the package to install. */
    const mm_system_lib none = {"libmistmcp-none.so.9", "libmistmcp-none", "mistmcp-none"};
    mm_system_symbol first[] = {{"strlen", (void **)&len}};
    CHECK(mm_system_lib_load(&none, first, 1, err, sizeof err) == -1);
    CHECK_MSG(strncmp(err, "libmistmcp-none could not be loaded (", 37) == 0 &&
                  strstr(err, "libmistmcp-none.so.9") && strstr(err, "): install mistmcp-none"),
              "%s", err);
    CHECK(!len);

    /* Anything but a soname is refused before anything is opened: a path (a plugin file is
     * one), "" (which dlopen takes for the program itself), a name without lib or .so. */
    const char *refused[] = {"/lib/x86_64-linux-gnu/libc.so.6",
                             "./libc.so.6",
                             "plugins/orgs.so",
                             "libc.so.6/",
                             "",
                             "lib",
                             "lib.so",
                             "libc",
                             "c.so.6",
                             NULL};
    for (int i = 0; refused[i]; i++) {
        const mm_system_lib bad = {refused[i], "bad", "bad"};
        len = (size_t(*)(const char *))strlen; /* must be cleared */
        CHECK_MSG(mm_system_lib_load(&bad, first, 1, err, sizeof err) == -1 && !len,
                  "'%s' is refused", refused[i]);
        CHECK_MSG(strstr(err, "is not a library soname"), "%s", err);
    }
    const mm_system_lib null_name = {NULL, "bad", "bad"};
    CHECK(mm_system_lib_load(&null_name, first, 1, err, sizeof err) == -1);
    CHECK_MSG(mm_system_lib_load(&libc, first, 1, NULL, 0) == 0, "err may be NULL");
    return check_summary();
}
