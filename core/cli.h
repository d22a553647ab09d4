/*
 * Command-line handling of the mistmcp executable.
 *
 * Options follow DESIGN.md §1; every option also reads its MISTMCP_* environment variable
 * (command line wins). Bad input gets a one-line error naming the value, exit status 2.
 * The options struct owns its strings; mm_cli_free releases them. Single-threaded.
 */
#ifndef MISTMCP_CORE_CLI_H
#define MISTMCP_CORE_CLI_H

#include <stdio.h>

typedef enum mm_cli_action {
    MM_CLI_RUN = 0,
    MM_CLI_HELP,
    MM_CLI_VERSION,
    MM_CLI_LIST_CATEGORIES,
    MM_CLI_CHECK_PLUGINS
} mm_cli_action;

typedef struct mm_cli {
    mm_cli_action action;
    char **plugin_dirs; /* in search order */
    size_t plugin_dir_count;
} mm_cli;

/* Parses argv and the environment. Returns 0, or 2 after printing the error to err. */
int mm_cli_parse(int argc, char **argv, mm_cli *cli, FILE *err);
void mm_cli_usage(FILE *out);
void mm_cli_free(mm_cli *cli);

#endif
