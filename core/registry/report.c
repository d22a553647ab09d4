#include "registry/report.h"

#include <string.h>

/* Names shown in the start-up warning before "and N more". */
#define MISSING_NAMED 8

static void print_dirs(mm_registry *reg, FILE *out)
{
    for (size_t d = 0; d < mm_registry_dir_count(reg); d++)
        fprintf(out, "%s%s", d ? ", " : "", mm_registry_dir_at(reg, d));
    if (!mm_registry_dir_count(reg))
        fputs("(none)", out);
}

/* 1 for a catalog category without a plugin file (a third-party one is its file). */
static int missing(const mm_category *cat)
{
    return mm_category_catalog(cat) && !mm_category_present(cat);
}

int mm_report_categories(mm_registry *reg, const char *spec_version, FILE *out)
{
    size_t n = mm_registry_count(reg), tools = 0, ro = 0, write_only = 0, absent = 0;
    fprintf(out, "%-44s %5s %9s %5s  %s\n", "CATEGORY", "TOOLS", "READ-ONLY", "WRITE",
            "DESCRIPTION");
    for (size_t i = 0; i < n; i++) {
        const mm_category *cat = mm_registry_at(reg, i);
        const mm_catalog_category *info = mm_category_catalog(cat);
        const char *marks = missing(cat) && mm_category_write_only(cat) ? "(no plugin, write-only) "
                            : missing(cat)                              ? "(no plugin) "
                            : mm_category_write_only(cat)               ? "(write-only) "
                                                                        : "";
        if (info) {
            fprintf(out, "%-44s %5u %9u %5u  %s%s\n", mm_category_name(cat), info->tool_count,
                    info->read_only_count, info->tool_count - info->read_only_count, marks,
                    mm_category_description(cat));
            tools += info->tool_count;
            ro += info->read_only_count;
        } else {
            fprintf(out, "%-44s %5s %9s %5s  %s\n", mm_category_name(cat), "?", "?", "?",
                    mm_category_description(cat));
        }
        write_only += mm_category_write_only(cat) != 0;
        absent += missing(cat);
    }
    fprintf(out, "%zu categories, %zu tools (%zu read-only), Mist API spec %s\n", n, tools, ro,
            spec_version);
    if (write_only)
        fprintf(out,
                "%zu categories are write-only (every tool writes): without "
                "--enable-write-tools they offer none\n",
                write_only);
    if (absent)
        fprintf(out,
                "%zu categories have no plugin in the plugin directories: they cannot be "
                "enabled (mistmcp --check-plugins names them)\n",
                absent);
    fputs("Plugin directories: ", out);
    print_dirs(reg, out);
    fputc('\n', out);
    return 0;
}

int mm_report_check_plugins(mm_registry *reg, FILE *out, FILE *err)
{
    size_t n = mm_registry_count(reg), ok = 0, absent = 0;
    for (size_t i = 0; i < n; i++) {
        mm_category *cat = mm_registry_at(reg, i);
        if (missing(cat)) {
            fprintf(err, "mistmcp: missing plugin: %s.so (category %s) is in none of: ",
                    mm_category_name(cat), mm_category_name(cat));
            print_dirs(reg, err);
            fputc('\n', err);
            absent++;
            continue;
        }
        char why[512];
        if (mm_registry_acquire(reg, cat, NULL, why, sizeof why) != 0) {
            fprintf(err, "mistmcp: %s\n", why);
            continue;
        }
        mm_registry_release(reg, cat);
        ok++;
    }
    fprintf(out,
            "%zu of %zu category plugins load (%zu missing, %zu broken); plugin "
            "directories: ",
            ok, n, absent, n - ok - absent);
    print_dirs(reg, out);
    fputc('\n', out);
    return ok == n ? 0 : 1;
}

size_t mm_report_missing(mm_registry *reg, FILE *err)
{
    size_t absent = 0, n = mm_registry_count(reg);
    for (size_t i = 0; i < n; i++)
        absent += missing(mm_registry_at(reg, i));
    if (!absent)
        return 0;
    fprintf(err, "mistmcp: warning: %zu of the catalog's categories have no plugin in ", absent);
    print_dirs(reg, err);
    fputs(", so they cannot be enabled:", err);
    size_t named = 0;
    for (size_t i = 0; i < n && named < MISSING_NAMED; i++)
        if (missing(mm_registry_at(reg, i)))
            fprintf(err, "%s %s", named++ ? "," : "", mm_category_name(mm_registry_at(reg, i)));
    if (absent > named)
        fprintf(err, " and %zu more", absent - named);
    fputs(" (mistmcp --check-plugins names them all)\n", err);
    return absent;
}
