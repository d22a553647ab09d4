/*
 * The pinned spec, end to end: every operation of the spec is a tool of the right category,
 * method and path (or is on the exclusion list), every category plugin loads through the
 * registry and lists exactly the catalog's tools, and the tools/list context budget holds:
 * no category over 16 KB, all tools together at most 400 KB. The sizes the generator printed
 * must equal what the server renders.
 *
 * usage: test_full_spec SPEC EXCLUSIONS PLUGIN_DIR TOOLS_LIST_BYTES_TSV
 */
#define _POSIX_C_SOURCE 200809L
#include "base/util.h"
#include "check.h"
#include "mcp/host_api.h"
#include "model.h"
#include "registry/catalog.h"
#include "registry/registry.h"
#include "registry/tool_json.h"
#include "spec.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CATEGORY_BUDGET 16384 /* 16 KB */
#define TOTAL_BUDGET 400000   /* 400 KB, counted in decimal to be strict */
#define MIN_CATEGORIES 190

/* The documented rule, written again here so that the test does not check the generator
 * against itself: lower-case, ' ' and '-' become '_'. */
static char *category_of(const char *tag)
{
    char *out = mm_xstrdup(tag);
    for (char *p = out; *p; p++)
        *p = (*p == ' ' || *p == '-') ? '_' : (char)tolower((unsigned char)*p);
    return out;
}

static const mm_catalog_tool *catalog_tool(const char *name, const mm_catalog_category **cat)
{
    const mm_catalog *c = &mm_generated_catalog;
    for (uint32_t i = 0; i < c->category_count; i++)
        for (uint32_t k = 0; k < c->categories[i].tool_count; k++)
            if (strcmp(c->categories[i].tools[k].name, name) == 0) {
                *cat = &c->categories[i];
                return &c->categories[i].tools[k];
            }
    return NULL;
}

static void check_operations(const char *spec_path, const char *exclusions_path)
{
    char err[512];
    gen_model ex = {0};
    CHECK_MSG(gen_exclusions_load(exclusions_path, &ex, err, sizeof err) == 0, "%s", err);
    cJSON *spec = gen_spec_load(spec_path, err, sizeof err);
    CHECK_MSG(spec != NULL, "%s", err);
    if (!spec) {
        gen_model_free(&ex);
        return;
    }
    static const char *const methods[] = {"get", "post", "put", "delete", "patch"};
    size_t ops = 0, excluded = 0, present = 0;
    const cJSON *path;
    cJSON_ArrayForEach(path, cJSON_GetObjectItemCaseSensitive(spec, "paths"))
    {
        for (int m = 0; m < 5; m++) {
            const cJSON *op = cJSON_GetObjectItemCaseSensitive(path, methods[m]);
            if (!op)
                continue;
            ops++;
            const char *id = gen_str(op, "operationId");
            const cJSON *tags = cJSON_GetObjectItemCaseSensitive(op, "tags");
            int is_excluded = 0;
            for (size_t i = 0; i < ex.exclusion_count; i++)
                if (strcmp(ex.exclusions[i].name, id) == 0) {
                    is_excluded = 1;
                    ex.exclusions[i].matched = 1;
                }
            const mm_catalog_category *cat = NULL;
            const mm_catalog_tool *t = catalog_tool(id, &cat);
            if (is_excluded) {
                excluded++;
                CHECK_MSG(t == NULL, "excluded operation %s is a tool", id);
                continue;
            }
            CHECK_MSG(t != NULL, "operation %s (%s %s) is missing", id, methods[m], path->string);
            if (!t)
                continue;
            present++;
            char *want_cat = category_of(tags->child->valuestring);
            CHECK_MSG(strcmp(cat->name, want_cat) == 0, "%s is in %s, expected %s", id, cat->name,
                      want_cat);
            free(want_cat);
            CHECK_MSG(strcmp(t->path, path->string) == 0, "%s path %s", id, t->path);
            CHECK_MSG(t->method == m + 1, "%s method %u", id, t->method);
            /* read-only: the GETs, but for those whose path ends in an action (written again
             * here: the two of the pinned spec, issue 13) */
            size_t pl = strlen(path->string);
            int acting = (pl > 7 && strcmp(path->string + pl - 7, "/cancel") == 0) ||
                         (pl > 9 && strcmp(path->string + pl - 9, "/optimize") == 0);
            CHECK_MSG(t->read_only == (m == 0 && !acting), "%s read-only flag", id);
        }
    }
    for (size_t i = 0; i < ex.exclusion_count; i++)
        CHECK_MSG(ex.exclusions[i].matched, "exclusion %s matches no operation",
                  ex.exclusions[i].name);
    CHECK_MSG(present == mm_generated_catalog.tool_count, "%zu operations present, catalog has %u",
              present, mm_generated_catalog.tool_count);
    CHECK_MSG(ops == 995, "%zu operations in the pinned spec, expected 995", ops);
    printf("spec: %zu operations, %zu tools, %zu excluded\n", ops, present, excluded);
    gen_spec_free(&spec);
    gen_model_free(&ex);
}

/* category -> bytes_all, bytes_read_only as the generator printed them. */
static int tsv_lookup(const char *tsv, const char *category, size_t *all, size_t *ro)
{
    size_t n = strlen(category);
    for (const char *line = tsv; line && *line;
         line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
        if (strncmp(line, category, n) == 0 && line[n] == '\t') {
            unsigned tools, rtools;
            return sscanf(line + n, "\t%u\t%u\t%zu\t%zu", &tools, &rtools, all, ro) == 4 ? 0 : -1;
        }
    }
    return -1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check_plugins(const char *plugin_dir, const char *tsv_path)
{
    char *tsv = NULL;
    FILE *f = fopen(tsv_path, "r");
    if (f) {
        size_t cap = 1 << 20;
        tsv = mm_xcalloc(1, cap);
        size_t got = fread(tsv, 1, cap - 1, f);
        tsv[got] = '\0';
        fclose(f);
    }
    CHECK_MSG(tsv != NULL, "cannot read %s", tsv_path);
    mm_registry *reg = NULL;
    char err[512];
    const char *dirs[1] = {plugin_dir};
    CHECK(mm_registry_create(&mm_generated_catalog, dirs, 1, mm_host_api(), &reg, err,
                             sizeof err) == 0);
    if (!reg) {
        free(tsv);
        return;
    }
    CHECK_MSG(mm_registry_count(reg) >= MIN_CATEGORIES, "%zu categories", mm_registry_count(reg));
    size_t total = 0, total_ro = 0, largest = 0;
    const char *largest_name = "";
    double worst_load = 0, t0 = now();
    const char *worst_name = "";
    for (size_t i = 0; i < mm_registry_count(reg); i++) {
        mm_category *cat = mm_registry_at(reg, i);
        const mm_catalog_category *info = mm_category_catalog(cat);
        mm_plugin_view v;
        double l0 = now();
        if (mm_registry_acquire(reg, cat, &v, err, sizeof err) != 0) {
            CHECK_MSG(0, "%s", err);
            continue;
        }
        double took = now() - l0;
        if (took > worst_load) {
            worst_load = took;
            worst_name = mm_category_name(cat);
        }
        CHECK_MSG(info && v.tool_count == info->tool_count, "%s: plugin has %zu tools",
                  mm_category_name(cat), v.tool_count);
        cJSON *all = cJSON_CreateArray(), *ro = cJSON_CreateArray();
        for (size_t k = 0; k < v.tool_count; k++) {
            const mistmcp_tool *t = &v.tools[k];
            CHECK_MSG(info && k < info->tool_count && strcmp(t->name, info->tools[k].name) == 0,
                      "%s: tool %zu is %s", mm_category_name(cat), k, t->name);
            CHECK(t->kind == MISTMCP_TOOL_DECLARATIVE && t->path && t->method);
            /* Every {placeholder} of the path has a parameter. */
            for (const char *p = strchr(t->path, '{'); p; p = strchr(p + 1, '{')) {
                size_t n = strcspn(p + 1, "}");
                int found = 0;
                for (unsigned q = 0; q < t->param_count; q++)
                    found |= t->params[q].location == MISTMCP_PARAM_PATH &&
                             strlen(t->params[q].name) == n &&
                             strncmp(t->params[q].name, p + 1, n) == 0;
                CHECK_MSG(found, "%s: no parameter for {%.*s}", t->name, (int)n, p + 1);
            }
            cJSON_AddItemToArray(all, mm_tool_json(t));
            if (t->annotations & MISTMCP_ANN_READ_ONLY)
                cJSON_AddItemToArray(ro, mm_tool_json(t));
        }
        char *text = cJSON_PrintUnformatted(all), *rtext = cJSON_PrintUnformatted(ro);
        size_t bytes = strlen(text), rbytes = strlen(rtext), want = 0, want_ro = 0;
        CHECK_MSG(bytes <= CATEGORY_BUDGET, "%s: tools/list is %zu bytes, budget %d",
                  mm_category_name(cat), bytes, CATEGORY_BUDGET);
        CHECK_MSG(tsv && tsv_lookup(tsv, mm_category_name(cat), &want, &want_ro) == 0 &&
                      want == bytes && want_ro == rbytes,
                  "%s: server renders %zu/%zu bytes, generator printed %zu/%zu",
                  mm_category_name(cat), bytes, rbytes, want, want_ro);
        total += bytes;
        total_ro += rbytes;
        if (bytes > largest) {
            largest = bytes;
            largest_name = mm_category_name(cat);
        }
        free(text);
        free(rtext);
        cJSON_Delete(all);
        cJSON_Delete(ro);
        mm_registry_release(reg, cat);
        CHECK(!mm_registry_is_loaded(reg, cat));
    }
    CHECK_MSG(total <= TOTAL_BUDGET, "all tools: %zu bytes, budget %d", total, TOTAL_BUDGET);
    printf("tools/list: all %zu bytes, read-only %zu bytes, largest %s %zu bytes\n", total,
           total_ro, largest_name, largest);
    printf("plugins: %zu loaded and unloaded in %.3f s, slowest load %s %.3f ms\n",
           mm_registry_count(reg), now() - t0, worst_name, worst_load * 1e3);
    mm_registry_destroy(&reg);
    free(tsv);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: test_full_spec SPEC EXCLUSIONS PLUGIN_DIR TSV\n");
        return 2;
    }
    mm_util_init();
    CHECK_MSG(mm_generated_catalog.category_count >= MIN_CATEGORIES, "%u categories",
              mm_generated_catalog.category_count);
    check_operations(argv[1], argv[2]);
    check_plugins(argv[3], argv[4]);
    return check_summary();
}
