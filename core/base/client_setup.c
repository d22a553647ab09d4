#define _DEFAULT_SOURCE /* realpath */
#include "base/client_setup.h"

#include "base/util.h"

#include <cJSON.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef enum { CLAUDE_DESKTOP, CLAUDE_CODE, VSCODE, CURSOR } client;

static const char *const client_names[] = {"claude-desktop", "claude-code", "vscode", "cursor"};

/* The name the server gets in each client's configuration. */
#define SERVER_NAME "mist"
/* Where the env file goes when none is in use: the user edits this path. */
#define ENV_FILE_TO_EDIT "/path/to/mist.env"

/* NULL if url can be given to a client as the server's address, else what is expected. */
static const char *url_problem(const char *url)
{
    if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
        return "an http:// or https:// URL, e.g. http://127.0.0.1:8000/mcp";
    for (const char *p = url; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '"' || *p == '\'' || *p == '\\' || *p == 0x7f)
            return "a URL without spaces, quotes, backslashes or control characters";
    return strlen(url) > 2000 ? "a URL of at most 2000 bytes" : NULL;
}

/* path made absolute (the client starts mistmcp from a directory of its own); a path that
 * cannot be resolved stays as given. Caller frees. */
static char *absolute(const char *path)
{
    char buf[PATH_MAX];
    return mm_xstrdup(realpath(path, buf) ? buf : path);
}

/* The options that shape the sessions the client will get, as arguments. */
static cJSON *session_args(const mm_config *cfg)
{
    cJSON *args = cJSON_CreateArray();
    if (cfg->categories.count > 0) {
        size_t n = 1;
        for (size_t i = 0; i < cfg->categories.count; i++)
            n += strlen(cfg->categories.items[i]) + 1;
        char *list = mm_xmalloc(n);
        list[0] = '\0';
        for (size_t i = 0; i < cfg->categories.count; i++) {
            if (i > 0)
                strcat(list, ",");
            strcat(list, cfg->categories.items[i]);
        }
        cJSON_AddItemToArray(args, cJSON_CreateString("--categories"));
        cJSON_AddItemToArray(args, cJSON_CreateString(list));
        free(list);
    } else if (cfg->mode != MM_MODE_MANAGED) {
        cJSON_AddItemToArray(args, cJSON_CreateString("--mode"));
        cJSON_AddItemToArray(args, cJSON_CreateString(mm_mode_name(cfg->mode)));
    }
    if (cfg->demo)
        cJSON_AddItemToArray(args, cJSON_CreateString("--demo"));
    if (cfg->enable_write_tools)
        cJSON_AddItemToArray(args, cJSON_CreateString("--enable-write-tools"));
    for (size_t i = 0; i < cfg->plugin_dirs.count; i++) {
        char *dir = absolute(cfg->plugin_dirs.items[i]);
        cJSON_AddItemToArray(args, cJSON_CreateString("--plugin-dir"));
        cJSON_AddItemToArray(args, cJSON_CreateString(dir));
        free(dir);
    }
    if (cfg->no_default_plugin_dir)
        cJSON_AddItemToArray(args, cJSON_CreateString("--no-default-plugin-dir"));
    return args;
}

/* The env file the started mistmcp reads its token from; NULL with --demo (none needed). */
static char *env_file(const mm_config *cfg)
{
    if (cfg->env_file)
        return absolute(cfg->env_file);
    return cfg->demo ? NULL : mm_xstrdup(ENV_FILE_TO_EDIT);
}

/* The server entry of a JSON configuration: stdio (command, args, env) or HTTP. */
static cJSON *server_entry(const mm_config *cfg, client c, const char *exe, const char *url)
{
    cJSON *s = cJSON_CreateObject();
    if (url && c == CLAUDE_DESKTOP) {
        /* Claude Desktop's configuration file starts local servers only: mcp-remote (npm)
         * carries stdio to the HTTP server, the token from the environment it is given. */
        cJSON_AddStringToObject(s, "command", "npx");
        cJSON *args = cJSON_AddArrayToObject(s, "args");
        const char *words[] = {
            "-y",          "mcp-remote", url, "--header", "X-Authorization:${MIST_API_TOKEN}",
            "--transport", "http-only"};
        for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
            cJSON_AddItemToArray(args, cJSON_CreateString(words[i]));
        cJSON_AddStringToObject(cJSON_AddObjectToObject(s, "env"), "MIST_API_TOKEN",
                                "your-mist-api-token");
        return s;
    }
    if (url) {
        if (c == VSCODE)
            cJSON_AddStringToObject(s, "type", "http");
        cJSON_AddStringToObject(s, "url", url);
        /* VS Code asks for the token once and stores it as a secret; Cursor reads it from
         * the environment it was started in. */
        cJSON_AddStringToObject(cJSON_AddObjectToObject(s, "headers"), "X-Authorization",
                                c == VSCODE ? "${input:mist-api-token}" : "${env:MIST_API_TOKEN}");
        return s;
    }
    if (c == VSCODE)
        cJSON_AddStringToObject(s, "type", "stdio");
    cJSON_AddStringToObject(s, "command", exe);
    cJSON_AddItemToObject(s, "args", session_args(cfg));
    char *env = env_file(cfg);
    if (env)
        cJSON_AddStringToObject(cJSON_AddObjectToObject(s, "env"), "MIST_ENV_FILE", env);
    free(env);
    return s;
}

static void print_json(const mm_config *cfg, client c, const char *exe, const char *url, FILE *out)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *servers = cJSON_AddObjectToObject(root, c == VSCODE ? "servers" : "mcpServers");
    cJSON_AddItemToObject(servers, SERVER_NAME, server_entry(cfg, c, exe, url));
    if (url && c == VSCODE) {
        cJSON *input = cJSON_CreateObject();
        cJSON_AddStringToObject(input, "type", "promptString");
        cJSON_AddStringToObject(input, "id", "mist-api-token");
        cJSON_AddStringToObject(input, "description", "Mist API token");
        cJSON_AddBoolToObject(input, "password", 1);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(root, "inputs"), input);
    }
    char *text = cJSON_Print(root);
    fprintf(out, "%s\n", text);
    free(text);
    cJSON_Delete(root);
}

/* word quoted for a POSIX shell: as it is when it is safe, else in single quotes. */
static void print_shell_word(const char *word, FILE *out)
{
    if (*word && strspn(word, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                              "_-./,:=@%+") == strlen(word)) {
        fputs(word, out);
        return;
    }
    fputc('\'', out);
    for (const char *p = word; *p; p++) {
        if (*p == '\'')
            fputs("'\\''", out); /* end the quotes, an escaped quote, quotes again */
        else
            fputc(*p, out);
    }
    fputc('\'', out);
}

/* Claude Code is set up by its command line: `claude mcp add`. */
static void print_claude_code(const mm_config *cfg, const char *exe, const char *url, FILE *out)
{
    if (url) {
        /* The shell puts the token in when the command runs: it is not in what is printed. */
        fputs("claude mcp add --transport http " SERVER_NAME " ", out);
        print_shell_word(url, out);
        fputs(" --header \"X-Authorization: ${MIST_API_TOKEN}\"\n", out);
        return;
    }
    fputs("claude mcp add " SERVER_NAME, out);
    char *env = env_file(cfg);
    if (env) {
        fputs(" --env ", out);
        char *assignment = mm_xmalloc(strlen(env) + sizeof "MIST_ENV_FILE=");
        strcpy(assignment, "MIST_ENV_FILE=");
        strcat(assignment, env);
        print_shell_word(assignment, out);
        free(assignment);
        free(env);
    }
    fputs(" -- ", out);
    print_shell_word(exe, out);
    cJSON *args = session_args(cfg);
    const cJSON *a;
    cJSON_ArrayForEach(a, args)
    {
        fputc(' ', out);
        print_shell_word(a->valuestring, out);
    }
    cJSON_Delete(args);
    fputc('\n', out);
}

int mm_client_setup_print(const mm_config *cfg, FILE *out, FILE *err)
{
    if (cfg->operands.count != 1) {
        fprintf(err, "mistmcp: config takes one client: %s (see --help)\n", MM_CLIENT_SETUP_NAMES);
        return 2;
    }
    const char *name = cfg->operands.items[0];
    int c = -1;
    for (int i = 0; i < (int)(sizeof client_names / sizeof client_names[0]); i++)
        if (strcmp(name, client_names[i]) == 0)
            c = i;
    if (c < 0) {
        char *shown = mm_text_shown(name);
        fprintf(err, "mistmcp: unknown client '%s': expected %s\n", shown, MM_CLIENT_SETUP_NAMES);
        free(shown);
        return 2;
    }
    const char *url = cfg->config_http;
    const char *why = url ? url_problem(url) : NULL;
    if (why) {
        char *shown = mm_text_shown(url);
        fprintf(err, "mistmcp: --http '%s': expected %s\n", shown, why);
        free(shown);
        return 2;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        fputs("mistmcp: cannot find this binary's path (/proc/self/exe): is /proc mounted?\n", err);
        return 1;
    }
    exe[n] = '\0';
    if (c == CLAUDE_CODE)
        print_claude_code(cfg, exe, url, out);
    else
        print_json(cfg, (client)c, exe, url, out);
    return 0;
}
