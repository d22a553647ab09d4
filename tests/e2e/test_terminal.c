/*
 * The tools from a terminal (issue 15, item 5): `mistmcp search`, `describe` and `call`
 * against the fake Mist backend, each compared with what an MCP client gets over stdio for
 * the same call in a fresh session with the same options:
 *   - search finds a known tool, describe prints its schema (and a body field by path);
 *   - call getSelf and calls with key=value arguments reach the backend with the exact request
 *     (path, query, a limit past 2^64 digit for digit, a JSON body), the token from the
 *     environment or from --env-file; the output is the stdio answer's result, byte for byte,
 *     through the dispatcher in managed mode and by name when the session lists the tool;
 *   - --json gives the arguments, a key=value replaces one of them;
 *   - exit status 0 for a result, 1 for an error result and for a JSON-RPC error (printed
 *     as the stdio client gets it), 2 for a usage error, whose one line names the bad word;
 *     nothing reaches Mist then;
 *   - write tools are refused without --enable-write-tools (nothing reaches Mist) and run with it;
 *   - with --demo (and no token) they answer from the simulated cloud;
 *   - on a terminal the answer is indented, numbers kept.
 * MM_E2E_VALGRIND=path runs every mistmcp command under valgrind (a leak or memory error
 * makes it exit 99, which no check accepts).
 *
 * usage: test_terminal MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR
 */
#define _GNU_SOURCE
#include "check.h"
#include "child.h"
#include "json_strict.h"
#include "mcp_client.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *mistmcp, *plugin_dir, *work;
static char log_path[512], base_env[128];
/* writes go straight through from the terminal (the operator at the keyboard chose none) */
static char *env[] = {base_env, "MIST_API_TOKEN=tok-term", "MISTMCP_WRITE_CONFIRMATION=none",
                      "HOME=/tmp", NULL};

typedef struct run_result {
    int status; /* exit status, or -1 */
    char *out;  /* stdout, lines joined by '\n' */
    char *err;  /* stderr */
} run_result;

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

/* argv of mistmcp --plugin-dir DIR args..., under valgrind when asked. */
static int command_line(const char *const *args, char **argv, int max)
{
    const char *vg = getenv("MM_E2E_VALGRIND");
    int n = 0;
    if (vg && *vg) {
        const char *pre[] = {vg, "-q", "--error-exitcode=99", "--leak-check=full",
                             "--errors-for-leak-kinds=definite,indirect"};
        for (int i = 0; i < 5; i++)
            argv[n++] = (char *)pre[i];
    }
    argv[n++] = (char *)mistmcp;
    argv[n++] = "--plugin-dir";
    argv[n++] = (char *)plugin_dir;
    for (int i = 0; args[i] && n < max - 1; i++)
        argv[n++] = (char *)args[i];
    argv[n] = NULL;
    return n;
}

static char *file_text(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    int c;
    while (f && (c = fgetc(f)) != EOF)
        fputc(c, m);
    fclose(m);
    if (f)
        fclose(f);
    return text;
}

/* Runs one command (args NULL-terminated) with envp, stdout and stderr captured. */
static run_result run_env(char *const *envp, const char *const *args)
{
    char *argv[48];
    command_line(args, argv, 48);
    char err_path[600];
    snprintf(err_path, sizeof err_path, "%s/stderr.txt", work);
    mm_child c = {.stderr_path = err_path};
    run_result r = {.status = -1};
    size_t len = 0;
    FILE *m = open_memstream(&r.out, &len);
    if (mm_child_spawn(&c, argv, envp) == 0) {
        char *line;
        for (int i = 0; (line = mm_child_read_line(&c, 60000)) != NULL; i++) {
            fprintf(m, "%s%s", i ? "\n" : "", line);
            free(line);
        }
        int st = mm_child_finish(&c, 60000);
        r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    }
    fclose(m);
    r.err = file_text(err_path);
    return r;
}

static run_result run(const char *const *args)
{
    return run_env(env, args);
}

/* The member key of the answer line (its result or error), as the line carries it. */
static char *member(const char *line, const char *key)
{
    char pattern[32];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *p = line ? strstr(line, pattern) : NULL;
    const char *end = p ? mm_json_strict_value(p + strlen(pattern)) : NULL;
    return end ? strndup(p + strlen(pattern), (size_t)(end - p - strlen(pattern))) : strdup("");
}

/* What an MCP client gets over stdio for tools/call of name with args (JSON text), in a
 * fresh session of mistmcp with opts: the answer's result, or its error. */
static char *stdio_answer(const char *const *opts, const char *name, const char *args)
{
    char *argv[48];
    command_line(opts, argv, 48);
    mm_mcp_client c = {.child.stderr_path = "/dev/null", .timeout_ms = 60000};
    char *answer = NULL;
    if (mm_mcp_start(&c, argv, env) == 0) {
        size_t n = strlen(name) + strlen(args) + 64;
        char *params = malloc(n);
        snprintf(params, n, "{\"name\":\"%s\",\"arguments\":%s}", name, args);
        char *line = mm_mcp_request_raw(&c, "tools/call", params);
        free(params);
        answer = member(line, line && strstr(line, "\"result\":") ? "result" : "error");
        free(line);
    }
    mm_mcp_stop(&c);
    return answer ? answer : strdup("");
}

/* Requests the backend logged whose path contains part; *last (may be NULL) gets the last
 * one, parsed (caller deletes; NULL if none). */
static int logged(const char *part, cJSON **last)
{
    FILE *f = fopen(log_path, "r");
    char *line = NULL;
    size_t cap = 0;
    int count = 0;
    if (last)
        *last = NULL;
    while (f && getline(&line, &cap, f) > 0) {
        cJSON *j = cJSON_Parse(line);
        const cJSON *path = cJSON_GetObjectItemCaseSensitive(j, "path");
        if (cJSON_IsString(path) && strstr(path->valuestring, part)) {
            count++;
            if (last) {
                cJSON_Delete(*last);
                *last = j;
                j = NULL;
            }
        }
        cJSON_Delete(j);
    }
    free(line);
    if (f)
        fclose(f);
    return count;
}

/* The command's output equals the stdio answer, and its exit status is status. */
static void expect_same(const char *const *args, int status, const char *const *opts,
                        const char *name, const char *stdio_args)
{
    run_result r = run(args);
    char *want = stdio_answer(opts, name, stdio_args);
    CHECK_MSG(r.status == status, "%s %s: exit %d, want %d: %s", args[0], args[1], r.status, status,
              r.err);
    CHECK_MSG(*want && strcmp(r.out, want) == 0,
              "%s %s: the output is the MCP answer:\n%.600s\n%.600s", args[0], args[1], r.out,
              want);
    CHECK_MSG(r.err[0] == '\0', "%s %s: nothing on stderr: %s", args[0], args[1], r.err);
    free(want);
    run_free(&r);
}

static void test_search_and_describe(void)
{
    const char *none[] = {NULL};
    const char *search[] = {"search", "list", "the", "sites", "of", "my", "organization", NULL};
    expect_same(search, 0, none, "searchMistTools",
                "{\"query\":\"list the sites of my organization\"}");
    run_result r = run(search);
    CHECK_MSG(strstr(r.out, "{\"name\":\"listOrgSites\",\"category\":\"orgs_sites\""),
              "search finds listOrgSites: %.300s", r.out);
    run_free(&r);

    const char *describe[] = {"describe", "listOrgSites", NULL};
    expect_same(describe, 0, none, "describeMistTool", "{\"name\":\"listOrgSites\"}");
    r = run(describe);
    CHECK_MSG(strstr(r.out, "\"path\":\"/api/v1/orgs/{org_id}/sites\"") &&
                  strstr(r.out, "\"inputSchema\":{\"type\":\"object\",\"properties\":{\"org_id\""),
              "describe prints the schema: %.300s", r.out);
    run_free(&r);
    const char *field_path[] = {"describe", "createOrgWlan", "auth", NULL};
    expect_same(field_path, 0, none, "describeMistTool",
                "{\"name\":\"createOrgWlan\",\"path\":\"auth\"}");
}

static void test_calls(void)
{
    const char *none[] = {NULL};
    const char *self[] = {"call", "getSelf", NULL};
    expect_same(self, 0, none, "getSelf", "{}");
    cJSON *req = NULL;
    CHECK(logged("/api/v1/self", &req) >= 2);
    CHECK_MSG(strcmp(mm_mcp_str_at(req, "method", NULL), "GET") == 0 &&
                  strcmp(mm_mcp_str_at(req, "headers", "Authorization"), "Token tok-term") == 0,
              "getSelf with the environment's token");
    cJSON_Delete(req);

    /* Managed mode: through callMistTool, as a model whose list lacks the tool. */
    const char *sites[] = {
        "call", "listOrgSites", "org_id=term-sites", "limit=12345678901234567890", "page=2", NULL};
    expect_same(sites, 0, none, "callMistTool",
                "{\"name\":\"listOrgSites\",\"arguments\":{\"org_id\":\"term-sites\","
                "\"limit\":12345678901234567890,\"page\":2},\"enable_category\":true}");
    CHECK(logged("/term-sites/", &req) == 2);
    CHECK_MSG(strcmp(mm_mcp_str_at(req, "path", NULL), "/api/v1/orgs/term-sites/sites") == 0 &&
                  strcmp(mm_mcp_str_at(req, "query", "limit"), "12345678901234567890") == 0 &&
                  strcmp(mm_mcp_str_at(req, "query", "page"), "2") == 0,
              "the exact request: %s %s", mm_mcp_str_at(req, "path", NULL),
              mm_mcp_str_at(req, "query", "limit"));
    cJSON_Delete(req);

    /* Custom mode with the category: by name, as a model that lists it. */
    const char *custom[] = {"--categories", "orgs_sites", NULL};
    const char *direct[] = {"--categories", "orgs_sites",         "call",
                            "listOrgSites", "org_id=term-direct", NULL};
    expect_same(direct, 0, custom, "listOrgSites", "{\"org_id\":\"term-direct\"}");

    /* --json, one member replaced by a key=value word. */
    const char *json[] = {"call",
                          "listOrgSites",
                          "--json",
                          "{\"org_id\":\"term-json\",\"limit\":7}",
                          "org_id=term-json2",
                          NULL};
    run_result r = run(json);
    CHECK_MSG(r.status == 0, "--json: exit %d %s", r.status, r.err);
    CHECK(logged("/term-json/", NULL) == 0 && logged("/term-json2/", &req) == 1);
    CHECK(strcmp(mm_mcp_str_at(req, "query", "limit"), "7") == 0);
    cJSON_Delete(req);
    run_free(&r);

    /* The token from --env-file, as stdio reads it. */
    char env_file[600];
    snprintf(env_file, sizeof env_file, "%s/term.env", work);
    FILE *f = fopen(env_file, "w");
    fputs("MIST_API_TOKEN=tok-from-file\n", f);
    fclose(f);
    char *no_token_env[] = {base_env, "HOME=/tmp", NULL};
    const char *from_file[] = {"--env-file", env_file, "call", "getSelf", NULL};
    r = run_env(no_token_env, from_file);
    CHECK_MSG(r.status == 0, "--env-file: exit %d %s", r.status, r.err);
    logged("/api/v1/self", &req);
    CHECK(strcmp(mm_mcp_str_at(req, "headers", "Authorization"), "Token tok-from-file") == 0);
    cJSON_Delete(req);
    run_free(&r);
}

static void test_errors(void)
{
    const char *none[] = {NULL};
    /* An error result: exit 1, printed as the model gets it. */
    const char *missing[] = {"call", "getOrg", "org_id=status-404", NULL};
    expect_same(missing, 1, none, "callMistTool",
                "{\"name\":\"getOrg\",\"arguments\":{\"org_id\":\"status-404\"},"
                "\"enable_category\":true}");
    run_result r = run(missing);
    CHECK_MSG(strstr(r.out, "\"isError\":true") && strstr(r.out, "404"), "%s", r.out);
    run_free(&r);
    /* A JSON-RPC error: exit 1, the error object. */
    const char *unknown[] = {"call", "noSuchTool", NULL};
    expect_same(unknown, 1, none, "noSuchTool", "{}");
    r = run(unknown);
    CHECK_MSG(strcmp(r.out, "{\"code\":-32602,\"message\":\"Unknown tool: noSuchTool\"}") == 0,
              "%s", r.out);
    run_free(&r);
    /* Mode minimal has no dispatcher: the tool is unknown there, naming its category. */
    const char *minimal[] = {"--mode", "minimal", NULL};
    const char *in_minimal[] = {"--mode",       "minimal",         "call",
                                "listOrgSites", "org_id=term-min", NULL};
    expect_same(in_minimal, 1, minimal, "listOrgSites", "{\"org_id\":\"term-min\"}");
    CHECK(logged("/term-min/", NULL) == 0);

    /* Usage errors: exit 2, one line naming the bad word, nothing sent to Mist. */
    static const struct {
        const char *args[8];
        const char *message;
    } usage[] = {
        {{"call", NULL}, "mistmcp: call needs the tool name first: mistmcp call TOOL"},
        {{"call", "org_id=term-usage", NULL},
         "call needs the tool name first, not 'org_id=term-usage'"},
        {{"call", "listOrgSites", "org_id=term-usage", "verbose", NULL},
         "mistmcp: 'verbose' is not an argument: expected key=value"},
        {{"call", "listOrgSites", "org_id=term-usage", "limit=1", "limit=2", NULL},
         "mistmcp: argument 'limit' is given twice"},
        {{"call", "listOrgSites", "=term-usage", NULL}, "'=term-usage' has no key before '='"},
        {{"call", "listOrgSites", "--json", "[\"term-usage\"]", NULL},
         "mistmcp: --json: expected a JSON object such as '{\"org_id\": \"...\"}', got an array"},
        {{"call", "listOrgSites", "--json", "{org_id:term-usage}", NULL},
         "got text that is not JSON"},
        {{"search", NULL}, "mistmcp: search needs a question"},
        {{"describe", NULL}, "mistmcp: describe takes a tool name"},
        {{"describe", "a", "b", "c", NULL}, "mistmcp: describe takes a tool name"},
        {{"search", "term-usage", "--json", "{}", NULL}, "--json goes with the call command"},
        {{"term-usage", NULL}, "unexpected argument 'term-usage': expected an option or a command"},
    };
    for (size_t i = 0; i < sizeof usage / sizeof usage[0]; i++) {
        r = run(usage[i].args);
        CHECK_MSG(r.status == 2, "%s: exit %d, want 2", usage[i].message, r.status);
        CHECK_MSG(strstr(r.err, usage[i].message) &&
                      strchr(r.err, '\n') == r.err + strlen(r.err) - 1,
                  "one line with [%s]: [%s]", usage[i].message, r.err);
        CHECK_MSG(r.out[0] == '\0', "nothing on stdout: %s", r.out);
        run_free(&r);
    }
    CHECK(logged("term-usage", NULL) == 0);
}

static void test_write_tools(void)
{
    const char *none[] = {NULL};
    const char *refused[] = {"call", "createOrgWlan", "org_id=term-write",
                             "body={\"ssid\":\"x\",\"vlan_id\":12345678901234567}", NULL};
    expect_same(refused, 1, none, "callMistTool",
                "{\"name\":\"createOrgWlan\",\"arguments\":{\"org_id\":\"term-write\",\"body\":{"
                "\"ssid\":\"x\",\"vlan_id\":12345678901234567}},\"enable_category\":true}");
    run_result r = run(refused);
    CHECK_MSG(strstr(r.out, "--enable-write-tools") && strstr(r.out, "\"isError\":true"), "%s",
              r.out);
    run_free(&r);
    CHECK(logged("/term-write/", NULL) == 0);

    const char *writes[] = {"--enable-write-tools", NULL};
    const char *allowed[] = {"--enable-write-tools",
                             "call",
                             "createOrgWlan",
                             "org_id=term-write2",
                             "body={\"ssid\":\"x\",\"vlan_id\":12345678901234567}",
                             NULL};
    expect_same(allowed, 0, writes, "callMistWriteTool",
                "{\"name\":\"createOrgWlan\",\"arguments\":{\"org_id\":\"term-write2\",\"body\":{"
                "\"ssid\":\"x\",\"vlan_id\":12345678901234567}},\"enable_category\":true}");
    cJSON *req = NULL;
    CHECK(logged("/term-write2/", &req) == 2);
    CHECK_MSG(strcmp(mm_mcp_str_at(req, "method", NULL), "POST") == 0 &&
                  strcmp(mm_mcp_str_at(req, "path", NULL), "/api/v1/orgs/term-write2/wlans") == 0 &&
                  strcmp(mm_mcp_str_at(req, "body", NULL),
                         "{\"ssid\":\"x\",\"vlan_id\":12345678901234567}") == 0,
              "the write Mist got: %s %s", mm_mcp_str_at(req, "path", NULL),
              mm_mcp_str_at(req, "body", NULL));
    cJSON_Delete(req);
}

/* --demo: the commands reach the simulated cloud through the same set-up, without a token. */
static void test_demo(void)
{
    char *demo_env[] = {"HOME=/tmp", NULL};
    const char *self[] = {"--demo", "call", "getSelf", NULL};
    run_result r = run_env(demo_env, self);
    cJSON *res = cJSON_Parse(r.out);
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(res, "structuredContent");
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sc, "privileges"), 0);
    char org[96];
    snprintf(org, sizeof org, "org_id=%s", mm_mcp_str_at(first, "org_id", NULL));
    CHECK_MSG(r.status == 0 && strlen(org) > 20, "--demo call getSelf: exit %d, %.300s", r.status,
              r.out);
    cJSON_Delete(res);
    run_free(&r);
    const char *sites[] = {"--demo", "call", "listOrgSites", org, NULL};
    r = run_env(demo_env, sites);
    res = cJSON_Parse(r.out);
    sc = cJSON_GetObjectItemCaseSensitive(res, "structuredContent");
    CHECK_MSG(r.status == 0 &&
                  cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(sc, "results")) == 8,
              "--demo call listOrgSites: the demo org's 8 sites: exit %d, %.300s", r.status, r.out);
    cJSON_Delete(res);
    run_free(&r);
}

/* stdout on a terminal: the answer indented, numbers as Mist wrote them. */
static void test_terminal_output(void)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
    if (master < 0)
        return;
    const char *args[] = {"call", "getOrg", "org_id=numbers-object", NULL};
    char *argv[48];
    command_line(args, argv, 48);
    const char *slave = ptsname(master);
    pid_t pid = fork();
    if (pid == 0) {
        setsid();
        int fd = open(slave, O_RDWR);
        dup2(fd, 1);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 2);
        execve(argv[0], argv, env);
        _exit(127);
    }
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    char buf[4096];
    for (;;) { /* until the terminal closes (EIO once the child is gone) */
        struct pollfd p = {.fd = master, .events = POLLIN};
        if (poll(&p, 1, 60000) <= 0)
            break;
        ssize_t n = read(master, buf, sizeof buf);
        if (n <= 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] != '\r') /* the terminal's own line ends */
                fputc(buf[i], m);
    }
    fclose(m);
    close(master);
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "on a terminal: status %d", st);
    CHECK_MSG(
        strncmp(out, "{\n  \"content\": [\n    {\n      \"type\": \"text\",", 40) == 0 &&
            strstr(out, "\n  \"structuredContent\": {\n    \"id\": 1915883588174806058,\n") &&
            strstr(out,
                   "\n    \"list\": [\n      9007199254740993,\n      0.30000000000000004\n") &&
            strstr(out, "\n}\n"),
        "indented, numbers kept:\n%s", out);
    free(out);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fputs("usage: test_terminal MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR\n", stderr);
        return 2;
    }
    mistmcp = argv[1];
    plugin_dir = argv[3];
    work = argv[4];
    snprintf(log_path, sizeof log_path, "%s/terminal-requests.log", work);
    remove(log_path);
    mm_child fake = {0};
    int port = mm_child_start_fake_mist(&fake, argv[2], log_path, 600);
    CHECK_MSG(port > 0, "the fake backend starts");
    if (port <= 0)
        return check_summary();
    snprintf(base_env, sizeof base_env, "MISTMCP_API_BASE_URL=http://127.0.0.1:%d", port);
    test_search_and_describe();
    test_calls();
    test_errors();
    test_write_tools();
    test_demo();
    test_terminal_output();
    mm_child_finish(&fake, 5000);
    return check_summary();
}
