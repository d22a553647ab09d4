/*
 * Issue 14, item 6: env-file mistakes, end to end over stdio. Each case names the file and
 * what is wrong with it:
 *   - a directory given as env file: exit 2, "env file DIR: is a directory ...";
 *   - a file with no MIST_API_TOKEN: a warning at start-up naming the file, and a Mist tool
 *     call answered with an error naming the file (before: "use an env file", when one was);
 *   - no env file and no token: the call's error says where a token can come from.
 * The fake backend must see no request: without a token nothing is sent.
 *
 * usage: test_env_file MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
 */
#define _GNU_SOURCE
#include "check.h"
#include "mcp_client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return strdup("");
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

/* Starts mistmcp with extra (NULL-terminated) and env, calls getSelf, returns the result's
 * text (caller frees) and the server's stderr in *err_text (caller frees). */
static char *get_self(char **args_tail, char **env, const char *stderr_path, char **err_text)
{
    char *args[16] = {0};
    size_t n = 0;
    for (char **a = args_tail; *a && n < 15; a++)
        args[n++] = *a;
    mm_mcp_client c = {.child.stderr_path = stderr_path};
    char *text = NULL;
    if (mm_mcp_start(&c, args, env) == 0) {
        cJSON *r = mm_mcp_call(&c, "getSelf", NULL);
        CHECK_MSG(r && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "isError")),
                  "getSelf without a token is an error result");
        text = strdup(r ? mm_mcp_result_text(r) : "");
        cJSON_Delete(r);
        int st = mm_mcp_stop(&c);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %d", st);
    } else {
        CHECK_MSG(0, "mistmcp did not start");
        text = strdup("");
    }
    *err_text = slurp(stderr_path);
    return text;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fputs("usage: test_env_file MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR\n", stderr);
        return 2;
    }
    const char *work = argv[4];
    char log_path[512], base_env[128], env_path[512], err_path[512], dir[512];
    snprintf(log_path, sizeof log_path, "%s/env-file-requests.log", work);
    snprintf(env_path, sizeof env_path, "%s/no-token.env", work);
    snprintf(err_path, sizeof err_path, "%s/stderr.txt", work);
    snprintf(dir, sizeof dir, "%s/a-directory", work);
    remove(log_path);
    mkdir(dir, 0700);
    FILE *f = fopen(env_path, "w");
    CHECK(f && fputs("# no token here\nMIST_HOST=api.eu.mist.com\n", f) >= 0);
    if (f)
        fclose(f);
    mm_child fake = {0};
    int port = mm_child_start_fake_mist(&fake, argv[2], log_path, 120);
    CHECK_MSG(port > 0, "the fake backend starts");
    if (port <= 0)
        return check_summary();
    snprintf(base_env, sizeof base_env, "MISTMCP_API_BASE_URL=http://127.0.0.1:%d", port);
    char *env[] = {base_env, "HOME=/tmp", NULL};

    /* A directory: refused at start-up, naming it. */
    {
        char cmd[2048];
        snprintf(cmd, sizeof cmd, "'%s' --env-file '%s' --version >/dev/null 2>'%s'", argv[1], dir,
                 err_path);
        int st = system(cmd);
        char *err = slurp(err_path), want[700];
        snprintf(want, sizeof want,
                 "mistmcp: env file %s: is a directory, expected a file of KEY=value lines\n", dir);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 2, "a directory as env file: status %d", st);
        CHECK_MSG(strcmp(err, want) == 0, "a directory as env file said [%s]", err);
        free(err);
    }

    /* A file without a token: warned at start-up, and each call's error names the file. */
    {
        char *args[] = {argv[1], "--plugin-dir", argv[3], "--env-file", env_path, NULL};
        char *err = NULL, *text = get_self(args, env, err_path, &err);
        char want[700];
        snprintf(want, sizeof want, "the env file %s sets no MIST_API_TOKEN", env_path);
        CHECK_MSG(strstr(err, want) && strstr(err, "warning"), "start-up said [%s]", err);
        CHECK_MSG(strstr(text, want) && strstr(text, "MIST_API_TOKEN=<token>"),
                  "the call said [%s]", text);
        CHECK_MSG(!strstr(text, "use an env file"), "the call said [%s]", text);
        free(err);
        free(text);
    }

    /* Neither env file nor token: the call says where a token comes from; nothing at start. */
    {
        char *args[] = {argv[1], "--plugin-dir", argv[3], NULL};
        char *err = NULL, *text = get_self(args, env, err_path, &err);
        CHECK_MSG(strstr(text, "set MIST_API_TOKEN in the environment, or in an env file given "
                               "with --env-file PATH"),
                  "the call said [%s]", text);
        CHECK_MSG(!strstr(err, "warning"), "start-up warned [%s]", err);
        free(err);
        free(text);
    }

    mm_child_finish(&fake, 5000);
    char *log = slurp(log_path);
    CHECK_MSG(log[0] == '\0', "requests reached the backend without a token: %.300s", log);
    free(log);
    return check_summary();
}
