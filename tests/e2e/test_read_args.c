/*
 * Issue 19 end to end: mistmcp over stdio against the fake backend (tests/fake_mist), the
 * host's read arguments on real generated tools. fields and format: what reaches Mist (never
 * they), the projected and tabled answer, a wrong value refused with its name. max_items:
 * a 3-page answer gathered, a bound reached mid-page, a search's next links followed, a
 * cancel mid-way that stops the next request, the client-side rate limit that stops the pages
 * (and sends nothing beyond it). Every wait is bounded.
 *
 * usage: test_read_args MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR GOOD_PLUGIN_DIR
 * (GOOD_PLUGIN_DIR: tests/plugins/test_plugin.c's "good" plugin, a third-party declarative
 * read tool, goodList)
 */
#define _GNU_SOURCE
#include "check.h"
#include "mcp_client.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *mistmcp, *plugin_dir, *good_dir;
static char log_path[512], base_env[128];
static mm_mcp_client client = {.timeout_ms = 30000};

static void start(const char *const *extra)
{
    char *env[] = {base_env, "MIST_API_TOKEN=tok", "HOME=/tmp", NULL};
    char *argv[32] = {0};
    int n = 0;
    argv[n++] = (char *)mistmcp;
    argv[n++] = "--plugin-dir";
    argv[n++] = (char *)plugin_dir;
    argv[n++] = "--plugin-dir";
    argv[n++] = (char *)good_dir;
    argv[n++] = "--mode";
    argv[n++] = "custom";
    argv[n++] = "--categories";
    argv[n++] = "orgs_wlans,orgs_alarms,orgs_stats___devices,good";
    for (int i = 0; extra && extra[i] && n < 30; i++)
        argv[n++] = (char *)extra[i];
    argv[n] = NULL;
    client.child.stderr_path = "/dev/null";
    CHECK_MSG(mm_mcp_start(&client, argv, env) == 0, "initialize answered");
}

static void stop(void)
{
    int st = mm_mcp_stop(&client);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "server exit status %d", st);
}

static int send_call(const char *tool, const char *args)
{
    char params[1024];
    snprintf(params, sizeof params, "{\"name\":\"%s\",\"arguments\":%s}", tool, args);
    return mm_mcp_send(&client, "tools/call", params);
}

/* Calls a tool; returns its result (caller deletes), NULL if none came. */
static cJSON *call(const char *tool, const char *args)
{
    int id = send_call(tool, args);
    cJSON *m = mm_mcp_wait(&client, id, 30000);
    cJSON *res = cJSON_DetachItemFromObjectCaseSensitive(m, "result");
    cJSON_Delete(m);
    return res;
}

/* Text block i of a result ("" if none). */
static const char *text(const cJSON *res, int i)
{
    const cJSON *b = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(res, "content"), i);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(b, "text");
    return cJSON_IsString(t) ? t->valuestring : "";
}

/* All text blocks joined, for searching. */
static char *all_text(const cJSON *res)
{
    size_t cap = 1, len = 0;
    char *out = calloc(1, 1);
    for (int i = 0; *text(res, i); i++) {
        size_t n = strlen(text(res, i));
        out = realloc(out, cap += n + 1);
        memcpy(out + len, text(res, i), n);
        len += n;
        out[len++] = '\n';
        out[len] = '\0';
    }
    return out;
}

static int is_error(const cJSON *res)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "isError"));
}

static const cJSON *sc_get(const cJSON *res, const char *a, const char *b)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(res, "structuredContent"), a);
    return b ? cJSON_GetObjectItemCaseSensitive(v, b) : v;
}

/* The requests that reached the backend with part in their path; the query of the n-th one
 * (1-based) is printed into q_n. */
static int requests_for(const char *part, int n, char *q_n, size_t q_size)
{
    FILE *f = fopen(log_path, "r");
    int count = 0;
    char line[8192];
    while (f && fgets(line, sizeof line, f)) {
        cJSON *j = cJSON_Parse(line);
        const cJSON *path = cJSON_GetObjectItemCaseSensitive(j, "path");
        if (cJSON_IsString(path) && strstr(path->valuestring, part) &&
            !cJSON_GetObjectItemCaseSensitive(j, "event") && ++count == n && q_n) {
            char *q = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(j, "query"));
            snprintf(q_n, q_size, "%s", q ? q : "");
            free(q);
        }
        cJSON_Delete(j);
    }
    if (f)
        fclose(f);
    return count;
}

static void test_fields_and_table(void)
{
    start(NULL);
    char *all;
    cJSON *r = call("listOrgWlans", "{\"org_id\":\"pages-3\",\"fields\":[\"name\",\"nope\"],"
                                    "\"format\":\"table\"}");
    char q[600] = "";
    CHECK_MSG(r && !is_error(r) && strcmp(text(r, 0), "name\nitem-0\nitem-1\nitem-2\n") == 0,
              "projected, as a table: %s", r ? text(r, 0) : "(no answer)");
    all = all_text(r);
    CHECK_MSG(strstr(all, "\"nope\"") && strstr(all, "Not found"), "the unknown path: %s", all);
    free(all);
    const cJSON *results = sc_get(r, "results", NULL);
    CHECK_MSG(cJSON_GetArraySize(results) == 3 &&
                  !cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(results, 0), "note"),
              "structuredContent keeps the projected JSON");
    CHECK(requests_for("pages-3", 1, q, sizeof q) == 1);
    CHECK_MSG(strcmp(q, "{}") == 0, "nothing of ours reaches Mist: %s", q);
    cJSON_Delete(r);

    r = call("listOrgWlans", "{\"org_id\":\"pages-2\",\"format\":\"table\"}");
    CHECK_MSG(r && strcmp(text(r, 0), "id\tname\tnote\n0\titem-0\ta\\tb\n1\titem-1\ta\\tb\n") == 0,
              "a table of every field, the tab escaped: %s", r ? text(r, 0) : "");
    cJSON_Delete(r);

    static const char *const bad[][2] = {
        {"{\"org_id\":\"pages-1\",\"fields\":\"name\"}", "'fields' must be an array"},
        {"{\"org_id\":\"pages-1\",\"fields\":[\"a..b\"]}", "'fields[0]' is \"a..b\""},
        {"{\"org_id\":\"pages-1\",\"fields\":[\"\"]}", "'fields[0]' is empty"},
        {"{\"org_id\":\"pages-1\",\"fields\":[7]}", "'fields[0]' is 7"},
        {"{\"org_id\":\"pages-1\",\"format\":\"csv\"}", "'format' is \"csv\""},
        {"{\"org_id\":\"pages-1\",\"max_items\":0}", "'max_items' is 0"},
        {"{\"org_id\":\"pages-1\",\"max_items\":2.5}", "'max_items' is 2.5"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = call("listOrgWlans", bad[i][0]);
        CHECK_MSG(r && is_error(r) && strstr(text(r, 0), bad[i][1]), "%s: %s", bad[i][0],
                  r ? text(r, 0) : "(no answer)");
        cJSON_Delete(r);
    }
    CHECK_MSG(requests_for("pages-1", 0, NULL, 0) == 0, "refused arguments send nothing");
    r = call("listOrgWlans", "{\"org_id\":\"pages-1\",\"fields\":null,\"max_items\":null}");
    CHECK_MSG(r && !is_error(r), "null means not given: %s", r ? text(r, 0) : "");
    cJSON_Delete(r);

    /* Not in tools/list (the budget), but in describeMistTool's schema, with a description. */
    r = call("describeMistTool", "{\"name\":\"listOrgWlans\"}");
    all = r ? all_text(r) : strdup("");
    CHECK_MSG(
        strstr(all, "\"fields\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},"
                    "\"description\":\"Keep only these dotted paths") &&
            strstr(all, "\"format\":{\"type\":\"string\",\"enum\":[\"json\",\"table\"]") &&
            strstr(all, "\"max_items\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10000"),
        "describeMistTool shows the read arguments: %.3000s", all);
    free(all);
    cJSON_Delete(r);
    r = call("describeMistTool", "{\"name\":\"countOrgAlarms\"}");
    all = r ? all_text(r) : strdup("");
    CHECK_MSG(strstr(all, "\"fields\":") && !strstr(all, "\"max_items\""),
              "a tool without paging has no max_items: %.2000s", all);
    free(all);
    cJSON_Delete(r);
    r = call("describeMistTool", "{\"name\":\"ackOrgAlarm\"}");
    all = r ? all_text(r) : strdup("");
    CHECK_MSG(strstr(all, "ackOrgAlarm") && !strstr(all, "\"fields\":") &&
                  !strstr(all, "\"format\":"),
              "a write tool has none: %.2000s", all);
    free(all);
    cJSON_Delete(r);

    /* A third-party plugin's declarative read tool takes them too (the fake echoes). */
    r = call("goodList", "{\"org_id\":\"third-party\",\"limit\":5,\"fields\":[\"path\","
                         "\"query.limit\"],\"format\":\"table\"}");
    CHECK_MSG(r && !is_error(r) &&
                  strcmp(text(r, 0), "{\"path\":\"/api/v1/orgs/third-party/things\",\"query\":"
                                     "{\"limit\":\"5\"}}") == 0,
              "goodList projected (one object: JSON, and a note): %s", r ? text(r, 0) : "");
    all = r ? all_text(r) : strdup("");
    CHECK_MSG(strstr(all, "not a list"), "%s", all);
    free(all);
    cJSON_Delete(r);

    /* Mist's own fields (additional stats) keeps its name and goes to Mist; ours is select. */
    r = call("listOrgDevicesStats",
             "{\"org_id\":\"own-fields\",\"fields\":\"*\",\"select\":[\"query.fields\"]}");
    CHECK_MSG(r && !is_error(r) && strcmp(text(r, 0), "{\"query\":{\"fields\":\"%2A\"}}") == 0,
              "Mist's fields sent, ours projected the echo: %s", r ? text(r, 0) : "");
    cJSON_Delete(r);
    r = call("listOrgDevicesStats", "{\"org_id\":\"own-fields\",\"fields\":[\"name\"]}");
    CHECK_MSG(r && is_error(r), "an array for Mist's fields is refused: %s", r ? text(r, 0) : "");
    cJSON_Delete(r);
    stop();
}

static void test_pages(void)
{
    start(NULL);
    /* 250 items in pages of 100: 3 requests, all gathered. */
    cJSON *r = call("listOrgWlans", "{\"org_id\":\"pages-250\",\"limit\":100,\"max_items\":1000,"
                                    "\"fields\":[\"id\"]}");
    char q[600] = "";
    CHECK_MSG(r && !is_error(r) && cJSON_GetArraySize(sc_get(r, "results", NULL)) == 250,
              "3 pages gathered: %.200s", r ? text(r, 0) : "");
    CHECK_MSG(requests_for("pages-250", 0, NULL, 0) == 3, "3 requests: %d",
              requests_for("pages-250", 0, NULL, 0));
    requests_for("pages-250", 3, q, sizeof q);
    CHECK_MSG(strstr(q, "\"page\":\"3\"") && strstr(q, "\"limit\":\"100\""), "page 3: %s", q);
    char *all = all_text(r);
    CHECK_MSG(strstr(all, "All 250 items of 250, in 3 pages."), "%s", all);
    free(all);
    const cJSON *last = cJSON_GetArrayItem(sc_get(r, "results", NULL), 249);
    CHECK(cJSON_GetObjectItemCaseSensitive(last, "id") &&
          cJSON_GetObjectItemCaseSensitive(last, "id")->valueint == 249);
    cJSON_Delete(r);

    /* A bound reached mid-page: 150 of 250, page 2 cut in half; the rest from page 2. */
    r = call("listOrgWlans", "{\"org_id\":\"pages-250b\",\"limit\":100,\"max_items\":150}");
    CHECK_MSG(r && cJSON_GetArraySize(sc_get(r, "results", NULL)) == 150, "150 items");
    CHECK(requests_for("pages-250b", 0, NULL, 0) == 2);
    all = all_text(r);
    CHECK_MSG(strstr(all, "150 items of 250 in 2 pages") &&
                  strstr(all, "page=2 and limit=100 (its first 50 items are the last ones here)"),
              "%s", all);
    free(all);
    const cJSON *np = sc_get(r, "pagination", "next_page");
    CHECK(cJSON_IsNumber(np) && np->valueint == 2);
    cJSON_Delete(r);

    /* Without limit: pages as large as asked (at most 1000). */
    r = call("listOrgWlans", "{\"org_id\":\"pages-40\",\"max_items\":30,\"format\":\"table\"}");
    requests_for("pages-40", 1, q, sizeof q);
    CHECK_MSG(strstr(q, "\"limit\":\"30\"") && requests_for("pages-40", 0, NULL, 0) == 1,
              "one page of 30: %s", q);
    CHECK_MSG(r && strncmp(text(r, 0), "id\tname\tnote\n0\titem-0\t", 21) == 0, "a table");
    cJSON_Delete(r);

    /* A search: its next links followed. */
    r = call("searchOrgAlarms", "{\"org_id\":\"searchpages-250\",\"limit\":100,\"max_items\":220,"
                                "\"fields\":[\"name\"]}");
    CHECK_MSG(r && !is_error(r) && cJSON_GetArraySize(sc_get(r, "results", NULL)) == 220,
              "a search gathered: %.300s", r ? text(r, 1) : "");
    CHECK(requests_for("searchpages-250", 0, NULL, 0) == 3);
    requests_for("searchpages-250", 3, q, sizeof q);
    CHECK_MSG(strstr(q, "\"search_after\":\"200\""), "the next link followed: %s", q);
    all = all_text(r);
    CHECK_MSG(strstr(all, "220 items of 250 in 3 pages") &&
                  strstr(all, "call again with a larger max_items"),
              "the last page (no next link) held more than was kept: %s", all);
    free(all);
    cJSON_Delete(r);

    /* The page cap: a limit of 1 and max_items 1000 stops after 50 requests. */
    r = call("listOrgWlans", "{\"org_id\":\"pages-90\",\"limit\":1,\"max_items\":1000}");
    CHECK_MSG(requests_for("pages-90", 0, NULL, 0) == 50, "at most 50 requests: %d",
              requests_for("pages-90", 0, NULL, 0));
    all = r ? all_text(r) : strdup("");
    CHECK_MSG(strstr(all, "50 items of 90 in 50 pages (stopped: at most 50 pages a call)") &&
                  strstr(all, "page=51 and limit=1"),
              "%s", all);
    free(all);
    cJSON_Delete(r);

    /* A cancel while page 2 of 3 is in flight: no request for page 3, and no answer. */
    int id =
        send_call("listOrgWlans", "{\"org_id\":\"pages-300-700\",\"limit\":100,\"max_items\":300}");
    for (int i = 0; i < 150 && requests_for("pages-300-700", 0, NULL, 0) < 2; i++)
        usleep(20000);
    char cancel[200];
    snprintf(cancel, sizeof cancel,
             "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{"
             "\"requestId\":%d,\"reason\":\"test\"}}",
             id);
    mm_child_send(&client.child, cancel);
    cJSON *late =
        mm_mcp_wait(&client, id, 2500); /* past the page's 700 ms: page 3 would be asked */
    CHECK_MSG(!late, "no answer for a cancelled call");
    cJSON_Delete(late);
    CHECK_MSG(requests_for("pages-300-700", 0, NULL, 0) == 2,
              "the cancelled call sent no further request: %d",
              requests_for("pages-300-700", 0, NULL, 0));
    stop();

    /* The rate limit: a burst of 2 and no waiting: page 3 is not sent, the two are kept. */
    const char *limited[] = {
        "--rate-limit", "1", "--rate-burst", "2", "--rate-limit-wait", "0", NULL};
    start(limited);
    r = call("listOrgWlans", "{\"org_id\":\"pages-250r\",\"limit\":100,\"max_items\":250}");
    all = r ? all_text(r) : strdup("");
    CHECK_MSG(r && !is_error(r) && cJSON_GetArraySize(sc_get(r, "results", NULL)) == 200 &&
                  strstr(all, "200 items of 250 in 2 pages (stopped: page 3 could not be read") &&
                  strstr(all, "rate limit") && strstr(all, "page=3 and limit=100"),
              "%s", all);
    free(all);
    CHECK_MSG(requests_for("pages-250r", 0, NULL, 0) == 2, "nothing sent beyond the limit: %d",
              requests_for("pages-250r", 0, NULL, 0));
    cJSON_Delete(r);
    stop();
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr,
                "usage: test_read_args MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR GOOD_PLUGIN_DIR\n");
        return 2;
    }
    mistmcp = argv[1];
    plugin_dir = argv[3];
    good_dir = argv[5];
    snprintf(log_path, sizeof log_path, "%s/fake-mist-read-args.jsonl", argv[4]);
    unlink(log_path);
    static mm_child fake;
    int port = mm_child_start_fake_mist(&fake, argv[2], log_path, 300);
    CHECK_MSG(port > 0, "the fake backend started");
    if (port <= 0)
        return check_summary();
    snprintf(base_env, sizeof base_env, "MISTMCP_API_BASE_URL=http://127.0.0.1:%d", port);
    test_fields_and_table();
    test_pages();
    mm_child_finish(&fake, 5000);
    return check_summary();
}
