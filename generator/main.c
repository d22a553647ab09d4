/*
 * mistmcp-gen: the Mist OpenAPI spec -> one C source per tool category plus a catalog.
 *
 *   mistmcp-gen [--exclude FILE] [--quiet] --out DIR SPEC
 *
 * Prints the tools/list size of every category and the totals. Exit status 0 on success,
 * 1 on a spec or I/O error, 2 on a usage error.
 */
#define _POSIX_C_SOURCE 200809L
#include "emit.h"
#include "gen_util.h"
#include "model.h"
#include "spec.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#ifndef MISTMCP_VERSION
#define MISTMCP_VERSION "0.0.0"
#endif

static void usage(FILE *f)
{
    fputs("usage: mistmcp-gen [--exclude FILE] [--quiet] --out DIR SPEC\n"
          "  SPEC           OpenAPI 3.x document, YAML or JSON\n"
          "  --out DIR      where to write <category>.c, catalog.c, categories.txt\n"
          "  --exclude FILE operations to leave out: 'operationId reason' per line\n"
          "  --quiet        print only the totals\n",
          f);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* mkdir -p */
static int make_dirs(const char *path)
{
    if (!*path)
        return -1;
    char *p = gen_xstrdup(path);
    int rc = 0;
    for (char *s = p + 1; rc == 0; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char saved = *s;
        *s = '\0';
        struct stat st;
        if (mkdir(p, 0777) != 0 && (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)))
            rc = -1;
        *s = saved;
        if (saved == '\0')
            break;
    }
    free(p);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'}, {"exclude", required_argument, NULL, 'x'},
        {"quiet", no_argument, NULL, 'q'},     {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},   {NULL, 0, NULL, 0}};
    const char *out = NULL, *exclude = NULL;
    int quiet = 0, c;
    while ((c = getopt_long(argc, argv, "o:x:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'x': exclude = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return 0;
        case 'V': puts("mistmcp-gen " MISTMCP_VERSION); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!out || optind != argc - 1) {
        fputs(!out ? "mistmcp-gen: --out DIR is required\n"
                   : "mistmcp-gen: exactly one SPEC file is expected\n",
              stderr);
        usage(stderr);
        return 2;
    }
    const char *spec_path = argv[optind];
    double t0 = now_seconds();
    char err[512];
    gen_model model = {0};
    if (exclude && gen_exclusions_load(exclude, &model, err, sizeof err) != 0) {
        fprintf(stderr, "mistmcp-gen: %s\n", err);
        gen_model_free(&model);
        return 1;
    }
    cJSON *spec = gen_spec_load(spec_path, err, sizeof err);
    if (!spec) {
        fprintf(stderr, "mistmcp-gen: %s\n", err);
        gen_model_free(&model);
        return 1;
    }
    int rc = 1;
    gen_sizes sizes = {0};
    if (gen_model_build(spec, &model, err, sizeof err) != 0) {
        fprintf(stderr, "mistmcp-gen: %s: %s\n", spec_path, err);
        goto done;
    }
    if (make_dirs(out) != 0) {
        fprintf(stderr, "mistmcp-gen: %s: cannot create the output directory: %s\n", out,
                strerror(errno));
        goto done;
    }
    if (gen_emit(spec, &model, out, &sizes, err, sizeof err) != 0) {
        fprintf(stderr, "mistmcp-gen: %s\n", err);
        goto done;
    }
    for (size_t i = 0; i < model.exclusion_count; i++)
        if (!model.exclusions[i].matched)
            fprintf(stderr, "mistmcp-gen: warning: excluded operation %s is not in the spec\n",
                    model.exclusions[i].name);
    size_t largest = 0;
    for (size_t i = 0; i < model.category_count; i++) {
        if (!quiet)
            printf("%-48s %4zu tools %7zu bytes (read-only %7zu)\n", model.categories[i].name,
                   model.categories[i].op_count, sizes.all[i], sizes.read_only[i]);
        if (sizes.all[i] > largest)
            largest = sizes.all[i];
    }
    printf("spec %s: %zu operations -> %zu tools in %zu categories (%zu excluded, %zu "
           "shadowed query parameters dropped)\n",
           model.spec_version, model.op_count + model.excluded_count, model.op_count,
           model.category_count, model.excluded_count, model.shadowed_params);
    printf("tools/list bytes: all tools %zu, read-only tools %zu, largest category %zu; "
           "plugin sources %zu bytes; %.2f s\n",
           sizes.total_all, sizes.total_read_only, largest, sizes.plugin_source_bytes,
           now_seconds() - t0);
    printf("compaction levels (0 = richest):");
    for (int i = 0; i < 8; i++)
        if (sizes.tools_at_level[i])
            printf(" %d: %zu tools", i, sizes.tools_at_level[i]);
    putchar('\n');
    printf("demo answers:");
    for (int k = 0, first = 1; k < GEN_ANSWER_KINDS; k++)
        if (sizes.demo_answers[k] || k == GEN_ANSWER_INVALID) {
            printf("%s %zu %s", first ? "" : ",", sizes.demo_answers[k], gen_answer_kind_names[k]);
            first = 0;
        }
    putchar('\n');
    printf("demo writes:");
    for (int k = 0; k < GEN_WRITE_KINDS; k++)
        printf("%s %zu %s", k ? "," : "", sizes.demo_writes[k], gen_write_kind_names[k]);
    printf(" (request body schemas: %zu components, %zu bytes)\n", sizes.request_schemas,
           sizes.request_schema_bytes);
    rc = 0;
done:
    free(sizes.all);
    free(sizes.read_only);
    gen_model_free(&model);
    gen_spec_free(&spec);
    return rc;
}
