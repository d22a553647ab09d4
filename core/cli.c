#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include "util.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

void mm_cli_usage(FILE *out)
{
    fputs("usage: mistmcp [OPTIONS]\n"
          "\n"
          "MCP server for the Juniper Mist API: every Mist API operation is a tool, grouped in\n"
          "categories that are loaded when a client session enables them.\n"
          "\n"
          "  --list-categories   print every tool category with its tool counts and exit\n"
          "  --check-plugins     load and unload every category plugin once; exit 1 if one\n"
          "                      cannot be loaded (each failure is named)\n"
          "  --plugin-dir DIR    where category plugins live (repeatable; env MISTMCP_PLUGIN_DIR,\n"
          "                      ':'-separated); default: the build tree's plugins when run\n"
          "                      from it, else the install directory\n"
          "  -h, --help          this text\n"
          "  --version           version, spec version and plugin ABI\n",
          out);
}

static void add_dir(mm_cli *cli, const char *dir, size_t len)
{
    if (len == 0)
        return;
    cli->plugin_dirs =
        mm_xrealloc(cli->plugin_dirs, (cli->plugin_dir_count + 1) * sizeof *cli->plugin_dirs);
    char *copy = mm_xmalloc(len + 1);
    memcpy(copy, dir, len);
    copy[len] = '\0';
    cli->plugin_dirs[cli->plugin_dir_count++] = copy;
}

int mm_cli_parse(int argc, char **argv, mm_cli *cli, FILE *err)
{
    enum { OPT_VERSION = 256, OPT_LIST, OPT_CHECK, OPT_PLUGIN_DIR };
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
                                         {"version", no_argument, NULL, OPT_VERSION},
                                         {"list-categories", no_argument, NULL, OPT_LIST},
                                         {"check-plugins", no_argument, NULL, OPT_CHECK},
                                         {"plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR},
                                         {NULL, 0, NULL, 0}};
    memset(cli, 0, sizeof *cli);
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': cli->action = MM_CLI_HELP; break;
        case OPT_VERSION: cli->action = MM_CLI_VERSION; break;
        case OPT_LIST: cli->action = MM_CLI_LIST_CATEGORIES; break;
        case OPT_CHECK: cli->action = MM_CLI_CHECK_PLUGINS; break;
        case OPT_PLUGIN_DIR: add_dir(cli, optarg, strlen(optarg)); break;
        case ':':
            fprintf(err, "mistmcp: option %s needs a value (see --help)\n", argv[optind - 1]);
            mm_cli_free(cli);
            return 2;
        default:
            fprintf(err, "mistmcp: unknown option '%s' (see --help)\n", argv[optind - 1]);
            mm_cli_free(cli);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(err, "mistmcp: unexpected argument '%s' (see --help)\n", argv[optind]);
        mm_cli_free(cli);
        return 2;
    }
    const char *env = getenv("MISTMCP_PLUGIN_DIR");
    if (cli->plugin_dir_count == 0 && env) {
        for (const char *p = env; *p;) {
            size_t n = strcspn(p, ":");
            add_dir(cli, p, n);
            p += n + (p[n] == ':');
        }
    }
    return 0;
}

void mm_cli_free(mm_cli *cli)
{
    for (size_t i = 0; i < cli->plugin_dir_count; i++)
        free(cli->plugin_dirs[i]);
    free(cli->plugin_dirs);
    cli->plugin_dirs = NULL;
    cli->plugin_dir_count = 0;
}
