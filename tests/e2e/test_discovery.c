/*
 * The discovery tools (issue 7) over stdio against the fake backend: the context budget of
 * managed mode, search quality on a fixed set of questions (tests/e2e/search-questions.txt),
 * describe's complete body schema, callMistTool with and without enabling, and its errors
 * being as clear as a direct call's; minimal mode has none of them.
 *
 * usage: test_discovery MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR QUESTIONS_FILE README_QUESTIONS
 *        README
 */
#define _GNU_SOURCE
#include "check.h"
#include "child.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *mistmcp, *plugin_dir;
static char base_env[128];
static mm_child server;
static int next_id = 10;

/* Starts mistmcp in mode; only_dir (may be NULL): its only plugin directory. */
static void start_in(const char *mode, int write_tools, const char *only_dir)
{
    char *env[] = {base_env, "MIST_API_TOKEN=tokD", "HOME=/tmp", NULL};
    char *argv[12] = {(char *)mistmcp, "--plugin-dir", (char *)plugin_dir,
                      "--mode",        (char *)mode,   NULL};
    int n = 5;
    if (write_tools)
        argv[n++] = "--enable-write-tools";
    if (only_dir) {
        argv[2] = (char *)only_dir;
        argv[n++] = "--no-default-plugin-dir";
    }
    server.stderr_path = "/dev/null";
    CHECK(mm_child_spawn(&server, argv, env) == 0);
    mm_child_send(&server, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                           "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                           "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
    char *l = mm_child_read_line(&server, 10000);
    CHECK_MSG(l && (strcmp(mode, "managed") != 0 ||
                    (strstr(l, "searchMistTools") && strstr(l, "callMistTool"))),
              "the instructions explain the workflow: %.300s", l ? l : "(nothing)");
    free(l);
    mm_child_send(&server, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
}

static void start(const char *mode, int write_tools)
{
    start_in(mode, write_tools, NULL);
}

static void stop(void)
{
    int st = mm_child_finish(&server, 10000);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %d", st);
}

/* Sends a request (method, params JSON) and returns the raw answer line (caller frees). */
static char *request(const char *method, const char *params)
{
    size_t n = strlen(method) + strlen(params) + 64;
    char *req = malloc(n);
    int id = next_id++;
    snprintf(req, n, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"%s\",\"params\":%s}", id, method,
             params);
    mm_child_send(&server, req);
    free(req);
    char key[32];
    snprintf(key, sizeof key, "\"id\":%d", id);
    for (int i = 0; i < 100; i++) {
        char *l = mm_child_read_line(&server, 10000);
        if (!l)
            return strdup("");
        if (strstr(l, key))
            return l;
        free(l); /* a notification */
    }
    return strdup("");
}

/* tools/call; returns the result object (caller deletes) and its first text. */
static cJSON *call(const char *tool, const char *args, const char **text, int *is_error)
{
    size_t n = strlen(tool) + strlen(args) + 32;
    char *params = malloc(n);
    snprintf(params, n, "{\"name\":\"%s\",\"arguments\":%s}", tool, args);
    char *l = request("tools/call", params);
    free(params);
    cJSON *m = cJSON_Parse(l);
    free(l);
    cJSON *res = cJSON_DetachItemFromObjectCaseSensitive(m, "result");
    cJSON_Delete(m);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(res, "content"), 0), "text");
    *text = cJSON_IsString(t) ? t->valuestring : "(no text)";
    *is_error = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "isError"));
    return res;
}

static void test_budget(void)
{
    char *l = request("tools/list", "{}");
    size_t bytes = strlen(l);
    cJSON *m = cJSON_Parse(l);
    free(l);
    const cJSON *tools =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(m, "result"), "tools");
    CHECK_MSG(cJSON_GetArraySize(tools) == 5, "managed mode: 5 built-in tools, got %d",
              cJSON_GetArraySize(tools));
    CHECK_MSG(bytes <= 3072, "managed tools/list is %zu bytes (budget 3 KB)", bytes);
    printf("managed-mode tools/list: %zu bytes\n", bytes);
    const cJSON *t;
    cJSON_ArrayForEach(t, tools)
    {
        const char *name = cJSON_GetObjectItemCaseSensitive(t, "name")->valuestring;
        const char *d = cJSON_GetObjectItemCaseSensitive(t, "description")->valuestring;
        char *schema = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(t, "inputSchema"));
        CHECK_MSG(strlen(d) <= 600, "%s: description %zu bytes (max 600)", name, strlen(d));
        CHECK_MSG(strlen(schema) <= 400, "%s: schema %zu bytes", name, strlen(schema));
        printf("  %-16s description %3zu B, schema %3zu B\n", name, strlen(d), strlen(schema));
        free(schema);
    }
    cJSON_Delete(m);
}

/* The rank (1..5) of the first expected tool in searchMistTools' answer to question, 0 if
 * none is in the top 5. want: comma-separated tool names. */
static int rank_of(const char *question, const char *want)
{
    cJSON *q = cJSON_CreateObject();
    cJSON_AddStringToObject(q, "query", question);
    cJSON_AddNumberToObject(q, "limit", 5);
    char *args = cJSON_PrintUnformatted(q);
    cJSON_Delete(q);
    const char *text;
    int err;
    cJSON *res = call("searchMistTools", args, &text, &err);
    free(args);
    const cJSON *hits = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(res, "structuredContent"), "results");
    int rank = 0, at = 0;
    const cJSON *h;
    cJSON_ArrayForEach(h, hits)
    {
        const char *name = cJSON_GetObjectItemCaseSensitive(h, "name")->valuestring;
        char *copy = strdup(want);
        at++;
        for (char *w = strtok(copy, ","); w && !rank; w = strtok(NULL, ","))
            if (strcmp(w, name) == 0)
                rank = at;
        free(copy);
    }
    cJSON_Delete(res);
    return rank;
}

/* Asks every question of file ("question | tool,tool", '#' comments); returns how many there
 * are, and in top[k] how many have an expected tool in the top k (k = 1..5). Each question
 * missing from the top `shown` is printed. */
static int ask_questions(const char *file, int top[6], int shown)
{
    FILE *f = fopen(file, "r");
    CHECK_MSG(f != NULL, "open %s", file);
    char line[512];
    int asked = 0;
    memset(top, 0, 6 * sizeof *top);
    while (f && fgets(line, sizeof line, f)) {
        char *bar = strstr(line, " | ");
        if (line[0] == '#' || !bar)
            continue;
        *bar = '\0';
        char *want = bar + 3;
        want[strcspn(want, "\r\n")] = '\0';
        int rank = rank_of(line, want);
        asked++;
        for (int k = 1; k <= 5; k++)
            top[k] += rank && rank <= k;
        if (!rank || rank > shown)
            printf("  not in the top %d: \"%s\" (wanted %s; rank %d)\n", shown, line, want, rank);
    }
    if (f)
        fclose(f);
    return asked;
}

static void test_search_quality(const char *file)
{
    int top[6];
    int asked = ask_questions(file, top, 5);
    printf("search quality: %d of %d questions have the expected tool in the top 5, %d in the "
           "top 3, %d first\n",
           top[5], asked, top[3], top[1]);
    CHECK_MSG(asked >= 30, "at least 30 questions (%d)", asked);
    CHECK_MSG(top[5] * 10 >= asked * 9, "%d of %d in the top 5 (need 90%%)", top[5], asked);
}

/* Issue 14: the example questions of the README (and the Python server's) each find their
 * tool in the top 3; and every *"question"* of README.md is in that file, so a new example
 * is tested too. */
static void test_readme_questions(const char *file, const char *readme)
{
    int top[6];
    int asked = ask_questions(file, top, 3);
    printf("README questions: %d of %d have the expected tool in the top 3, %d first\n", top[3],
           asked, top[1]);
    CHECK_MSG(asked >= 10 && top[3] == asked, "%d of %d README questions in the top 3", top[3],
              asked);
    FILE *f = fopen(readme, "r"), *q = fopen(file, "r");
    CHECK_MSG(f && q, "open %s and %s", readme, file);
    static char text[1 << 18], questions[1 << 16];
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    text[n] = '\0';
    n = q ? fread(questions, 1, sizeof questions - 1, q) : 0;
    questions[n] = '\0';
    if (f)
        fclose(f);
    if (q)
        fclose(q);
    int examples = 0;
    for (char *p = strstr(text, "*\""); p; p = strstr(p + 1, "*\"")) {
        char *end = strstr(p + 2, "\"*");
        if (!end || end - p > 200)
            continue;
        char quoted[256];
        size_t k = 0;
        for (char *c = p + 2; c < end && k < sizeof quoted - 1; c++)
            if (!(isspace((unsigned char)*c) && (k == 0 || quoted[k - 1] == ' ')))
                quoted[k++] = isspace((unsigned char)*c) ? ' ' : *c; /* one line */
        quoted[k] = '\0';
        char needle[300];
        snprintf(needle, sizeof needle, "\n%s | ", quoted);
        examples++;
        CHECK_MSG(strstr(questions, needle), "README's example \"%s\" is not in %s", quoted, file);
    }
    CHECK_MSG(examples >= 4, "%d examples found in %s", examples, readme);
}

/* {"enable_mcp_tools_categories":"a0,a1,...,a1999"} */
static void junk_names(char **buf, size_t *len, size_t *cap)
{
    *cap = 32 + 2000 * 8;
    *buf = malloc(*cap);
    *len = (size_t)snprintf(*buf, *cap, "{\"enable_mcp_tools_categories\":\"");
    for (int i = 0; i < 2000; i++)
        *len += (size_t)snprintf(*buf + *len, *cap - *len, "%sa%d", i ? "," : "", i);
    *len += (size_t)snprintf(*buf + *len, *cap - *len, "\"}");
}

static void test_describe_and_call(void)
{
    const char *text;
    int err;
    /* The complete body of a write tool, where tools/list shows only its required fields. */
    cJSON *r = call("describeMistTool", "{\"name\":\"createOrgWlan\"}", &text, &err);
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(r, "structuredContent");
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(d, "bodySchema");
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(body, "properties");
    CHECK_MSG(!err && cJSON_GetArraySize(props) > 50 &&
                  cJSON_GetObjectItemCaseSensitive(props, "ssid") &&
                  cJSON_GetObjectItemCaseSensitive(props, "auth"),
              "describe gives the whole WLAN body (%d properties)", cJSON_GetArraySize(props));
    CHECK(strcmp(cJSON_GetObjectItemCaseSensitive(d, "method")->valuestring, "POST") == 0);
    CHECK(strcmp(cJSON_GetObjectItemCaseSensitive(d, "path")->valuestring,
                 "/api/v1/orgs/{org_id}/wlans") == 0);
    CHECK_MSG(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(d, "callable")),
              "a write tool of a read-only server is described but not callable");
    cJSON_Delete(r);
    r = call("describeMistTool", "{\"name\":\"noSuchTool\"}", &text, &err);
    CHECK_MSG(err && strstr(text, "Unknown tool") && strstr(text, "searchMistTools"), "%s", text);
    cJSON_Delete(r);
    /* A misspelt name gets the names spelt nearly the same (issue 14). */
    r = call("describeMistTool", "{\"name\":\"listOrgWlan\"}", &text, &err);
    CHECK_MSG(err && strstr(text, "Unknown tool: listOrgWlan; did you mean: listOrgWlans"), "%s",
              text);
    cJSON_Delete(r);
    r = call("callMistTool", "{\"name\":\"listSiteDeviceStats\"}", &text, &err);
    CHECK_MSG(err && strstr(text, "Unknown tool: listSiteDeviceStats; did you mean: "
                                  "listSiteDevicesStats"),
              "%s", text);
    cJSON_Delete(r);
    char *raw = request("tools/call", "{\"name\":\"searchMistTool\",\"arguments\":{}}");
    CHECK_MSG(strstr(raw, "-32602") && strstr(raw, "did you mean: searchMistTools"), "%s", raw);
    free(raw);

    /* Calling by name: a category not enabled is named, then enabled on the fly. */
    r = call("callMistTool", "{\"name\":\"listOrgWlans\",\"arguments\":{\"org_id\":\"o1\"}}", &text,
             &err);
    CHECK_MSG(err && strstr(text, "orgs_wlans") && strstr(text, "enable_category"), "%s", text);
    cJSON_Delete(r);
    r = call(
        "callMistTool",
        "{\"name\":\"listOrgWlans\",\"arguments\":{\"org_id\":\"o1\"},\"enable_category\":true}",
        &text, &err);
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(r, "structuredContent");
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(sc, "path");
    CHECK_MSG(!err && cJSON_IsString(path) &&
                  strcmp(path->valuestring, "/api/v1/orgs/o1/wlans") == 0,
              "called through callMistTool: %.200s", text);
    cJSON_Delete(r);
    /* The same checks as a direct call. */
    r = call("callMistTool", "{\"name\":\"listOrgWlans\",\"arguments\":{}}", &text, &err);
    CHECK_MSG(err && strstr(text, "Invalid arguments for listOrgWlans") && strstr(text, "org_id"),
              "missing argument: %s", text);
    cJSON_Delete(r);
    r = call("callMistTool", "{\"name\":\"listOrgWlans\",\"arguments\":{\"org_id\":5}}", &text,
             &err);
    CHECK_MSG(err && strstr(text, "org_id") && strstr(text, "string"), "wrong type: %s", text);
    cJSON_Delete(r);
    r = call("callMistTool",
             "{\"name\":\"listOrgWlans\",\"arguments\":{\"org_id\":\"o\",\"page\":0}}", &text,
             &err);
    CHECK_MSG(err && strstr(text, "'page' must be at least 1"), "below the minimum: %s", text);
    cJSON_Delete(r);
    r = call(
        "callMistTool",
        "{\"name\":\"createOrgWlan\",\"arguments\":{\"org_id\":\"o\",\"body\":{\"ssid\":\"x\"}},"
        "\"enable_category\":true}",
        &text, &err);
    CHECK_MSG(err && strstr(text, "write tool") && strstr(text, "--enable-write-tools"),
              "write tools stay off: %s", text);
    cJSON_Delete(r);
    r = call("callMistTool", "{\"name\":\"noSuchTool\"}", &text, &err);
    CHECK_MSG(err && strstr(text, "Unknown tool: noSuchTool"), "%s", text);
    cJSON_Delete(r);
    r = call("callMistTool", "{\"name\":\"getSelf\"}", &text, &err);
    CHECK_MSG(!err && strstr(text, "privileges"), "getSelf is a Mist call like the others: %s",
              text);
    cJSON_Delete(r);
    r = call("callMistTool", "{\"name\":\"searchMistTools\",\"arguments\":{\"query\":\"x\"}}",
             &text, &err);
    CHECK_MSG(err && strstr(text, "directly"), "the discovery tools are called directly: %s", text);
    cJSON_Delete(r);
    r = call("searchMistTools",
             "{\"query\":\"alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo "
             "lima mike november oscar papa quebec romeo sierra tango wireless clients ap ssid\"}",
             &text, &err);
    CHECK_MSG(!err, "a long question is cut, not overflowed: %.200s", text);
    cJSON_Delete(r);
    r = call("searchMistTools", "{}", &text, &err);
    CHECK_MSG(err && strstr(text, "query"), "search without a query: %s", text);
    cJSON_Delete(r);

    /* Its schema no longer lists the 195 names: a wrong one gets the close ones. */
    r = call("manageMcpTools", "{\"enable_mcp_tools_categories\":[\"org_wlan\"]}", &text, &err);
    CHECK_MSG(strstr(text, "Unknown categories") && strstr(text, "did you mean: orgs_wlans"),
              "%.400s", text);
    cJSON_Delete(r);
    r = call("manageMcpTools", "{\"enable_mcp_tools_categories\":[\"orgs_devics\"]}", &text, &err);
    CHECK_MSG(strstr(text, "For 'orgs_devics' did you mean: orgs_devices"), "a typo: %.400s", text);
    cJSON_Delete(r);
    r = call("manageMcpTools", "{\"enable_mcp_tools_categories\":\"orgs__wlans,_x_,__,-\"}", &text,
             &err);
    CHECK_MSG(strstr(text, "For 'orgs__wlans' did you mean: orgs_wlans"), "doubled '_': %.400s",
              text);
    cJSON_Delete(r);
    /* Thousands of junk names: suggestions for a few, the answer stays small. */
    size_t junk_len = 0, junk_cap = 0;
    char *junk = NULL;
    junk_names(&junk, &junk_len, &junk_cap);
    r = call("manageMcpTools", junk, &text, &err);
    CHECK_MSG(strlen(text) < 40000 && strstr(text, "Unknown categories"), "junk answer: %zu bytes",
              strlen(text));
    cJSON_Delete(r);
    free(junk);
    /* manageMcpTools tells the new tools and their required arguments. */
    r = call("manageMcpTools", "{\"enable_mcp_tools_categories\":[\"sites_wlans\"]}", &text, &err);
    CHECK_MSG(!err && strstr(text, "listSiteWlans(site_id)"), "%.400s", text);
    cJSON_Delete(r);
}

/* Issue 14: a write-only category on a read-only server is not enabled and the answer says
 * why and how to allow it; search names it; with write tools it works. */
static void test_write_only(int write_tools)
{
    static const char *const names[] = {"utilities_lan", "utilities_wi_fi", "utilities_wan"};
    const char *text;
    int err;
    for (size_t i = 0; i < 3; i++) {
        char args[128];
        snprintf(args, sizeof args, "{\"enable_mcp_tools_categories\":[\"%s\"]}", names[i]);
        cJSON *r = call("manageMcpTools", args, &text, &err);
        const cJSON *sc = cJSON_GetObjectItemCaseSensitive(r, "structuredContent");
        const cJSON *enabled = cJSON_GetObjectItemCaseSensitive(sc, "enabled");
        const cJSON *tools = cJSON_GetObjectItemCaseSensitive(enabled, names[i]);
        char want[128];
        snprintf(want, sizeof want,
                 "only write tools (POST, PUT, DELETE), while this server is "
                 "read-only: %s (",
                 names[i]);
        if (write_tools)
            CHECK_MSG(!err && cJSON_GetArraySize(tools) > 0, "%s with write tools: %.300s",
                      names[i], text);
        else
            CHECK_MSG(err && !tools && strstr(text, want) &&
                          strstr(text, "--enable-write-tools (or MISTMCP_ENABLE_WRITE_TOOLS=1)") &&
                          cJSON_IsString(cJSON_GetArrayItem(
                              cJSON_GetObjectItemCaseSensitive(sc, "write_only"), 0)),
                      "%s read-only: %.500s", names[i], text);
        cJSON_Delete(r);
    }
    cJSON *r = call("searchMistTools", "{\"query\":\"cable test from a switch\"}", &text, &err);
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(r, "structuredContent");
    const cJSON *hidden = cJSON_GetObjectItemCaseSensitive(sc, "writeToolsNotShown");
    if (write_tools)
        CHECK_MSG(
            strstr(text,
                   "cableTestFromSwitch [utilities_lan, write-only category; write; enabled]") &&
                !hidden,
            "%.600s", text);
    else
        CHECK_MSG(strstr(text, "Write tools also match, but this server is read-only") &&
                      strstr(text, "cableTestFromSwitch [utilities_lan, write-only category]") &&
                      cJSON_GetArraySize(hidden) > 0,
                  "%.900s", text);
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(sc, "results"), 0);
    CHECK_MSG(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(first, "categoryReadOnlyTools")) &&
                  cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(first, "categoryWriteTools")),
              "each result gives its category's tool counts");
    cJSON_Delete(r);
}

/* Issue 14: with --no-default-plugin-dir and a directory holding only orgs_wlans.so, the other
 * categories are not offered: search leaves them out, enabling one says its plugin is
 * missing, all mode starts with what is there. */
static void test_missing_plugins(const char *work)
{
    char dir[512], link[600], target[600];
    snprintf(dir, sizeof dir, "%s/only-orgs-wlans", work);
    mkdir(dir, 0755);
    snprintf(link, sizeof link, "%s/orgs_wlans.so", dir);
    snprintf(target, sizeof target, "%s/orgs_wlans.so", plugin_dir);
    unlink(link);
    CHECK(symlink(target, link) == 0);
    start_in("managed", 0, dir);
    const char *text;
    int err;
    cJSON *r = call("searchMistTools", "{\"query\":\"wlans\",\"limit\":25}", &text, &err);
    CHECK_MSG(!err && strstr(text, "[orgs_wlans") && !strstr(text, "[sites_wlans"),
              "only categories with a plugin: %.600s", text);
    cJSON_Delete(r);
    r = call("manageMcpTools", "{\"enable_mcp_tools_categories\":[\"sites_wlans\"]}", &text, &err);
    CHECK_MSG(err && strstr(text, "no sites_wlans.so in ") &&
                  strstr(text, "mistmcp --check-plugins names every missing plugin"),
              "%.500s", text);
    cJSON_Delete(r);
    stop();
    start_in("all", 0, dir);
    char *list = request("tools/list", "{}");
    CHECK_MSG(strstr(list, "\"listOrgWlans\"") && !strstr(list, "\"listSiteWlans\""),
              "all mode: the categories that have a plugin: %.300s", list);
    free(list);
    stop();
}

int main(int argc, char **argv)
{
    if (argc < 8) {
        fprintf(stderr, "usage: test_discovery MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR QUESTIONS "
                        "README_QUESTIONS README\n");
        return 2;
    }
    mistmcp = argv[1];
    plugin_dir = argv[3];
    char log[512];
    snprintf(log, sizeof log, "%s/fake-mist-discovery.jsonl", argv[4]);
    static mm_child fake;
    int port = mm_child_start_fake_mist(&fake, argv[2], log, 300);
    CHECK_MSG(port > 0, "the fake backend started");
    if (port <= 0)
        return check_summary();
    snprintf(base_env, sizeof base_env, "MISTMCP_API_BASE_URL=http://127.0.0.1:%d", port);

    start("managed", 0);
    test_budget();
    test_search_quality(argv[5]);
    test_readme_questions(argv[6], argv[7]);
    test_describe_and_call();
    test_write_only(0);
    stop();

    start("managed", 1);
    test_write_only(1);
    stop();

    test_missing_plugins(argv[4]);

    start("minimal", 0);
    char *list = request("tools/list", "{}");
    CHECK_MSG(!strstr(list, "\"name\":\"searchMistTools\"") &&
                  !strstr(list, "\"name\":\"callMistTool\"") &&
                  strstr(list, "\"name\":\"manageMcpTools\""),
              "minimal mode: no discovery tools");
    free(list);
    const char *text;
    int err;
    cJSON *r = call("callMistTool", "{\"name\":\"listOrgWlans\"}", &text, &err);
    char *raw = cJSON_PrintUnformatted(r);
    CHECK_MSG(!r || strstr(raw, "Unknown tool"), "minimal mode refuses callMistTool: %s", raw);
    free(raw);
    cJSON_Delete(r);
    stop();
    mm_child_finish(&fake, 5000);
    return check_summary();
}
