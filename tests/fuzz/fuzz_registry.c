/* The registry of the build's category plugins, every one held (fuzz_registry.h). */
#include "fuzz_registry.h"

#include "base/util.h"
#include "mcp/builtin_tools.h"
#include "mcp/host_api.h"
#include "registry/catalog.h"

#include <stdio.h>
#include <stdlib.h>

#ifndef MM_FUZZ_PLUGIN_DIR
#error "MM_FUZZ_PLUGIN_DIR must name the build's plugin directory"
#endif

static mm_registry *reg;
static mm_plugin_view *views;

mm_registry *fuzz_registry(void)
{
    if (reg)
        return reg;
    mm_util_init();
    const char *dirs[] = {MM_FUZZ_PLUGIN_DIR};
    char err[512];
    if (mm_registry_create(&mm_generated_catalog, dirs, 1, mm_host_api(), &reg, err, sizeof err) !=
        0) {
        fprintf(stderr, "fuzz: cannot create the registry: %s\n", err);
        abort();
    }
    size_t n = mm_registry_count(reg);
    views = mm_xcalloc(n + 1, sizeof *views);
    for (size_t i = 0; i < n; i++)
        if (mm_registry_acquire(reg, mm_registry_at(reg, i), &views[i], err, sizeof err) != 0) {
            fprintf(stderr, "fuzz: %s (build the plugins first)\n", err);
            abort();
        }
    mm_builtins_init(reg);
    return reg;
}

const mm_plugin_view *fuzz_registry_view(size_t index)
{
    return &views[index];
}
