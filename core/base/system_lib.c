#include "base/system_lib.h"

#include "base/util.h"

#include <dlfcn.h>
#include <string.h>

/* "lib<name>.so[.<version>]" and no '/': a name the dynamic linker looks up itself. */
static int is_soname(const char *s)
{
    if (!s || strncmp(s, "lib", 3) != 0 || strchr(s, '/'))
        return 0;
    const char *so = strstr(s + 3, ".so");
    return so && so > s + 3;
}

static void clear(const mm_system_symbol *symbols, size_t count)
{
    for (size_t i = 0; i < count; i++)
        *symbols[i].slot = NULL;
}

int mm_system_lib_load(const mm_system_lib *lib, const mm_system_symbol *symbols, size_t count,
                       char *err, size_t err_size)
{
    clear(symbols, count);
    if (!is_soname(lib->soname))
        return mm_fail(err, err_size, "'%s' is not a library soname (lib<name>.so.<version>)",
                       lib->soname ? lib->soname : "(null)");
    void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        return mm_fail(err, err_size, "%s could not be loaded (%s): install %s", lib->name,
                       e ? e : "unknown", lib->package);
    }
    for (size_t i = 0; i < count; i++) {
        *symbols[i].slot = dlsym(h, symbols[i].name);
        if (!*symbols[i].slot) {
            mm_fail(err, err_size, "%s has no %s", lib->name, symbols[i].name);
            clear(symbols, count);
            dlclose(h);
            return -1;
        }
    }
    return 0; /* stays loaded for the life of the process */
}
