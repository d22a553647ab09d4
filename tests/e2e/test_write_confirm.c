/*
 * Issue 16, end to end over stdio: the real binary against the fake Mist backend, whose log
 * of every request proves what was sent and what was not. Checked:
 *   - token mode (the default): a write tool's first call answers a preview and a token and
 *     sends nothing; the same call with the token sends it exactly once; the token again,
 *     a changed argument, another tool, another session (a second server process) are
 *     refused and send nothing; 1,000 random tokens are all refused;
 *   - callMistWriteTool and a custom plugin's host->mist_request pass the same gate;
 *   - dry_run sends nothing for a POST, a PUT and a DELETE;
 *   - secrets are masked in the preview and in the audit log, and reach Mist unmasked;
 *   - the audit log has one line per attempt with every field, never a confirmation token
 *     nor the Mist token; SIGHUP makes the next line start a new file; an unwritable log
 *     (/dev/full) refuses writes, and nothing is sent;
 *   - --write-confirmation none sends at once; a mode that is not one is refused at start-up.
 * The client here declares no elicitation, so the default is token mode (elicit mode:
 * node/write_elicit.mjs).
 * MM_E2E_VALGRIND=path runs the servers under valgrind.
 *
 * usage: test_write_confirm MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR WRITE_PLUGIN_DIR
 */
#define _GNU_SOURCE
#include "check.h"
#include "mcp_client.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#define MIST_TOKEN "mist-api-token-never-logged"
#define PSK "hunter2-wifi-secret"

static const char *mistmcp, *plugin_dir, *write_plugin_dir, *work;
static char fake_log[600], audit_path[600], base_env[80];

/* Starts mistmcp with the write tools of orgs_wlans and plugin_writes, the given
 * confirmation mode (NULL: the default) and audit log (NULL: none). */
static int start(mm_mcp_client *c, const char *mode, const char *audit)
{
    const char *vg = getenv("MM_E2E_VALGRIND");
    char *args[30] = {0};
    int n = 0;
    if (vg && *vg) {
        args[n++] = (char *)vg;
        args[n++] = "-q";
        args[n++] = "--error-exitcode=99";
        args[n++] = "--leak-check=full";
        args[n++] = "--errors-for-leak-kinds=definite,indirect";
    }
    args[n++] = (char *)mistmcp;
    args[n++] = "--plugin-dir";
    args[n++] = (char *)plugin_dir;
    args[n++] = "--plugin-dir";
    args[n++] = (char *)write_plugin_dir;
    args[n++] = "--categories";
    args[n++] = "orgs_wlans,plugin_writes";
    args[n++] = "--enable-write-tools";
    if (mode) {
        args[n++] = "--write-confirmation";
        args[n++] = (char *)mode;
    }
    if (audit) {
        args[n++] = "--audit-log";
        args[n++] = (char *)audit;
    }
    char *env[] = {base_env, "MIST_API_TOKEN=" MIST_TOKEN, "MIST_ORG_ID=org-1", "HOME=/tmp", NULL};
    *c = (mm_mcp_client){.child.stderr_path = "/dev/null", .timeout_ms = vg && *vg ? 60000 : 0};
    return mm_mcp_start(c, args, env);
}

/* Requests the fake backend received that were not GETs; *last gets the last one's body. */
static int writes_seen(char **last)
{
    FILE *f = fopen(fake_log, "r");
    int n = 0;
    if (last)
        *last = NULL;
    if (!f)
        return 0;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        cJSON *j = cJSON_Parse(line);
        const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(j, "method"));
        if (m && strcmp(m, "GET") != 0) {
            n++;
            if (last) {
                free(*last);
                *last = strdup(line);
            }
        }
        cJSON_Delete(j);
    }
    free(line);
    fclose(f);
    return n;
}

static cJSON *call(mm_mcp_client *c, const char *tool, const char *args_json)
{
    cJSON *args = cJSON_Parse(args_json);
    CHECK_MSG(args, "bad case: %s", args_json);
    cJSON *r = mm_mcp_call(c, tool, args);
    cJSON_Delete(args);
    CHECK_MSG(r, "%s: no answer", tool);
    return r;
}

static int is_error(const cJSON *r)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "isError"));
}

/* The token a preview gave (caller frees), or NULL after a failed check. */
static char *token_of(const cJSON *r)
{
    const char *t =
        mm_mcp_str_at(cJSON_GetObjectItem(r, "structuredContent"), "confirmation", "token");
    CHECK_MSG(strncmp(t, "mmc_", 4) == 0, "no token in %.400s", mm_mcp_result_text(r));
    return strncmp(t, "mmc_", 4) == 0 ? strdup(t) : NULL;
}

/* args_json with "confirm": token added (caller frees). */
static char *with_confirm(const char *args_json, const char *token)
{
    cJSON *a = cJSON_Parse(args_json);
    cJSON_AddStringToObject(a, "confirm", token ? token : "");
    char *s = cJSON_PrintUnformatted(a);
    cJSON_Delete(a);
    return s;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return strdup("");
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    int ch;
    while ((ch = fgetc(f)) != EOF)
        fputc(ch, m);
    fclose(m);
    fclose(f);
    return buf;
}

static const char *UPDATE =
    "{\"org_id\":\"org-1\",\"wlan_id\":\"wlan-1\",\"body\":{\"ssid\":\"Lab\","
    "\"auth\":{\"type\":\"psk\",\"psk\":\"" PSK "\"}}}";

static char **tokens_seen;
static size_t tokens_count;

static void remember(const char *token)
{
    tokens_seen = realloc(tokens_seen, (tokens_count + 1) * sizeof *tokens_seen);
    tokens_seen[tokens_count++] = strdup(token);
}

static void token_flow(void)
{
    mm_mcp_client a, b;
    CHECK(start(&a, NULL, audit_path) == 0);
    int before = writes_seen(NULL);

    /* no token: the preview, nothing sent */
    cJSON *r = call(&a, "updateOrgWlan", UPDATE);
    const char *text = mm_mcp_result_text(r);
    CHECK_MSG(!is_error(r) && strstr(text, "Nothing was sent yet") &&
                  strstr(text, "PUT /api/v1/orgs/org-1/wlans/wlan-1") && strstr(text, "ssid: ") &&
                  strstr(text, "\"Lab\"") &&
                  strstr(text, "auth: (absent) -> {\"type\":\"psk\",\"psk\":\"********\"}") &&
                  !strstr(text, PSK) && strstr(text, "show the preview above to the user"),
              "%.1500s", text);
    char *preview_json = cJSON_PrintUnformatted(r);
    CHECK_MSG(!strstr(preview_json, PSK), "the secret in the preview: %.600s", preview_json);
    free(preview_json);
    char *t1 = token_of(r);
    cJSON_Delete(r);
    CHECK(writes_seen(NULL) == before);

    /* the right token: sent exactly once, the secret as given */
    char *confirmed = with_confirm(UPDATE, t1);
    r = call(&a, "updateOrgWlan", confirmed);
    CHECK_MSG(!is_error(r) && strstr(mm_mcp_result_text(r), "\"method\":\"PUT\""), "%.600s",
              mm_mcp_result_text(r));
    cJSON_Delete(r);
    char *last = NULL;
    CHECK(writes_seen(&last) == before + 1);
    CHECK_MSG(last && strstr(last, "\"method\":\"PUT\"") && strstr(last, PSK) &&
                  strstr(last, "/api/v1/orgs/org-1/wlans/wlan-1") && !strstr(last, "confirm") &&
                  !strstr(last, "dry_run"),
              "%s", last ? last : "(none)");
    free(last);

    /* reused: refused, nothing sent */
    r = call(&a, "updateOrgWlan", confirmed);
    CHECK_MSG(is_error(r) && strstr(mm_mcp_result_text(r), "Nothing was sent") &&
                  strstr(mm_mcp_result_text(r), "not valid in this session"),
              "%.600s", mm_mcp_result_text(r));
    cJSON_Delete(r);
    free(confirmed);
    CHECK(writes_seen(NULL) == before + 1);

    /* changed arguments: refused, and the token is used up */
    r = call(&a, "updateOrgWlan", UPDATE);
    char *t2 = token_of(r);
    cJSON_Delete(r);
    char *changed = with_confirm("{\"org_id\":\"org-1\",\"wlan_id\":\"wlan-1\",\"body\":{\"ssid\":"
                                 "\"Lab2\",\"auth\":{\"type\":\"psk\",\"psk\":\"" PSK "\"}}}",
                                 t2);
    r = call(&a, "updateOrgWlan", changed);
    CHECK_MSG(is_error(r) && strstr(mm_mcp_result_text(r), "arguments differ"), "%.600s",
              mm_mcp_result_text(r));
    cJSON_Delete(r);
    free(changed);
    confirmed = with_confirm(UPDATE, t2);
    r = call(&a, "updateOrgWlan", confirmed);
    CHECK(is_error(r));
    cJSON_Delete(r);
    free(confirmed);
    CHECK(writes_seen(NULL) == before + 1);

    /* another tool: refused */
    r = call(&a, "updateOrgWlan", UPDATE);
    char *t3 = token_of(r);
    cJSON_Delete(r);
    char *other = with_confirm("{\"org_id\":\"org-1\",\"wlan_id\":\"wlan-1\"}", t3);
    r = call(&a, "deleteOrgWlan", other);
    CHECK_MSG(is_error(r) && strstr(mm_mcp_result_text(r), "another tool"), "%.600s",
              mm_mcp_result_text(r));
    cJSON_Delete(r);
    free(other);
    CHECK(writes_seen(NULL) == before + 1);

    /* another session: a second server process does not know the first one's tokens */
    r = call(&a, "updateOrgWlan", UPDATE);
    char *t4 = token_of(r);
    cJSON_Delete(r);
    CHECK(start(&b, NULL, audit_path) == 0);
    confirmed = with_confirm(UPDATE, t4);
    r = call(&b, "updateOrgWlan", confirmed);
    CHECK_MSG(is_error(r) && strstr(mm_mcp_result_text(r), "not valid in this session"), "%.600s",
              mm_mcp_result_text(r));
    cJSON_Delete(r);
    free(confirmed);
    CHECK(writes_seen(NULL) == before + 1);

    /* 1,000 random tokens of the right form: none accepted */
    int accepted = 0;
    for (int i = 0; i < 1000; i++) {
        unsigned char raw[24];
        CHECK(getrandom(raw, sizeof raw, 0) == (ssize_t)sizeof raw);
        char guess[60] = "mmc_";
        for (size_t k = 0; k < sizeof raw; k++)
            snprintf(guess + 4 + 2 * k, 3, "%02x", raw[k]);
        confirmed = with_confirm(UPDATE, guess);
        r = call(&b, "updateOrgWlan", confirmed);
        accepted += !is_error(r);
        cJSON_Delete(r);
        free(confirmed);
    }
    CHECK_MSG(accepted == 0, "%d random tokens accepted", accepted);
    CHECK(writes_seen(NULL) == before + 1);

    /* the dispatcher: the same gate, the token inside the tool's arguments */
    char dispatched[1000];
    snprintf(dispatched, sizeof dispatched, "{\"name\":\"updateOrgWlan\",\"arguments\":%s}",
             UPDATE);
    r = call(&b, "callMistWriteTool", dispatched);
    char *t5 = token_of(r);
    CHECK(!is_error(r) && writes_seen(NULL) == before + 1);
    cJSON_Delete(r);
    confirmed = with_confirm(UPDATE, t5);
    snprintf(dispatched, sizeof dispatched, "{\"name\":\"updateOrgWlan\",\"arguments\":%s}",
             confirmed);
    free(confirmed);
    r = call(&b, "callMistWriteTool", dispatched);
    CHECK_MSG(!is_error(r), "%.600s", mm_mcp_result_text(r));
    cJSON_Delete(r);
    CHECK(writes_seen(NULL) == before + 2);

    /* a custom plugin's host->mist_request write: held back, then sent once confirmed */
    const char *rename = "{\"site_id\":\"site-9\",\"name\":\"Paris HQ\"}";
    r = call(&b, "pluginRenameSite", rename);
    text = mm_mcp_result_text(r);
    CHECK_MSG(!is_error(r) && strstr(text, "PUT /api/v1/sites/site-9") && strstr(text, "Paris HQ"),
              "%.800s", text);
    char *t6 = token_of(r);
    cJSON_Delete(r);
    CHECK(writes_seen(NULL) == before + 2);
    confirmed = with_confirm(rename, t6);
    r = call(&b, "pluginRenameSite", confirmed);
    CHECK_MSG(!is_error(r) && strstr(mm_mcp_result_text(r), "sent: HTTP 200"), "%.600s",
              mm_mcp_result_text(r));
    cJSON_Delete(r);
    free(confirmed);
    CHECK(writes_seen(&last) == before + 3);
    CHECK(last && strstr(last, "/api/v1/sites/site-9") && strstr(last, "Paris HQ"));
    free(last);

    /* dry run, every write method: nothing sent, no token */
    const char *dry[][2] = {
        {"createOrgWlan", "{\"org_id\":\"org-1\",\"dry_run\":true,\"body\":{\"ssid\":\"New\","
                          "\"auth\":{\"type\":\"psk\",\"psk\":\"" PSK "\"}}}"},
        {"updateOrgWlan", "{\"org_id\":\"org-1\",\"wlan_id\":\"wlan-1\",\"dry_run\":true,"
                          "\"body\":{\"ssid\":\"Lab\"}}"},
        {"deleteOrgWlan", "{\"org_id\":\"org-1\",\"wlan_id\":\"wlan-1\",\"dry_run\":true}"}};
    const char *verb[] = {"POST /api/v1/orgs/org-1/wlans", "PUT /api/v1/orgs/org-1/wlans/wlan-1",
                          "DELETE /api/v1/orgs/org-1/wlans/wlan-1"};
    for (int i = 0; i < 3; i++) {
        r = call(&a, dry[i][0], dry[i][1]);
        text = mm_mcp_result_text(r);
        CHECK_MSG(!is_error(r) && strstr(text, "Dry run: nothing was sent") &&
                      strstr(text, verb[i]) && !strstr(text, "mmc_") && !strstr(text, PSK),
                  "%s: %.800s", dry[i][0], text);
        cJSON_Delete(r);
        CHECK_MSG(writes_seen(NULL) == before + 3, "%s sent something", dry[i][0]);
    }
    /* dry_run of the wrong type: named */
    r = call(&a, "deleteOrgWlan", "{\"org_id\":\"org-1\",\"wlan_id\":\"w\",\"dry_run\":\"yes\"}");
    CHECK_MSG(is_error(r) && strstr(mm_mcp_result_text(r), "dry_run must be true or false"),
              "%.400s", mm_mcp_result_text(r));
    cJSON_Delete(r);

    const char *all[] = {t1, t2, t3, t4, t5, t6};
    for (size_t i = 0; i < 6; i++)
        if (all[i])
            remember(all[i]);
    free(t1), free(t2), free(t3), free(t4), free(t5), free(t6);
    CHECK(WEXITSTATUS(mm_mcp_stop(&a)) == 0);
    CHECK(WEXITSTATUS(mm_mcp_stop(&b)) == 0);
}

/* Every line of the audit log: JSON with every field; outcomes counted. */
static void audit_lines(void)
{
    char *all = slurp(audit_path);
    for (size_t i = 0; i < tokens_count; i++)
        CHECK_MSG(!strstr(all, tokens_seen[i]), "a confirmation token in the audit log");
    CHECK_MSG(!strstr(all, PSK), "the PSK in the audit log");
    CHECK_MSG(!strstr(all, MIST_TOKEN), "the Mist token in the audit log");
    static const char *const fields[] = {"time",
                                         "session",
                                         "client",
                                         "token_fingerprint",
                                         "tool",
                                         "method",
                                         "path",
                                         "body_sha256",
                                         "body",
                                         "confirmation",
                                         "confirmation_id",
                                         "outcome",
                                         "mist_status",
                                         "mist_request_id",
                                         "error"};
    int lines = 0, preview = 0, accepted = 0, sent = 0, refused = 0, dry = 0;
    for (char *line = strtok(all, "\n"); line; line = strtok(NULL, "\n"), lines++) {
        cJSON *j = cJSON_Parse(line);
        CHECK_MSG(cJSON_IsObject(j), "not JSON: %s", line);
        for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
            CHECK_MSG(cJSON_GetObjectItemCaseSensitive(j, fields[k]), "no %s in %s", fields[k],
                      line);
        const char *o = cJSON_GetStringValue(cJSON_GetObjectItem(j, "outcome"));
        const char *time = cJSON_GetStringValue(cJSON_GetObjectItem(j, "time"));
        CHECK_MSG(time && strlen(time) == 24 && time[10] == 'T' && time[19] == '.' &&
                      time[23] == 'Z',
                  "%s", line);
        CHECK(strcmp(mm_mcp_str_at(j, "client", "name"), "mistmcp-tests") == 0);
        CHECK(strncmp(mm_mcp_str_at(j, "token_fingerprint", NULL), "token#", 6) == 0);
        CHECK(strlen(mm_mcp_str_at(j, "session", NULL)) == 32);
        o = o ? o : "";
        preview += strcmp(o, "preview") == 0;
        accepted += strcmp(o, "accepted") == 0;
        dry += strcmp(o, "dry-run") == 0;
        refused += strcmp(o, "refused") == 0;
        if (strcmp(o, "sent") == 0) {
            sent++;
            CHECK_MSG(cJSON_GetObjectItem(j, "mist_status")->valueint == 200 &&
                          strncmp(mm_mcp_str_at(j, "mist_request_id", NULL), "fake-", 5) == 0 &&
                          strlen(mm_mcp_str_at(j, "body_sha256", NULL)) == 64 &&
                          strlen(mm_mcp_str_at(j, "confirmation_id", NULL)) == 12,
                      "%s", line);
        }
        cJSON_Delete(j);
    }
    /* previews: t1..t6 and the changed-arguments one is t2's; 3 sent (each accepted first);
     * refused: reused, changed, t2 again, other tool, other session, 1,000 random */
    CHECK_MSG(preview == 6 && accepted == 3 && sent == 3 && dry == 3 && refused == 1005,
              "preview %d accepted %d sent %d dry %d refused %d (of %d lines)", preview, accepted,
              sent, dry, refused, lines);
    free(all);
}

static void rotation_and_failures(void)
{
    mm_mcp_client c;
    CHECK(start(&c, NULL, audit_path) == 0);
    char moved[700];
    snprintf(moved, sizeof moved, "%s.1", audit_path);
    CHECK(rename(audit_path, moved) == 0);
    kill(c.child.pid, SIGHUP);
    usleep(100000);
    cJSON *r =
        call(&c, "deleteOrgWlan", "{\"org_id\":\"org-1\",\"wlan_id\":\"w\",\"dry_run\":true}");
    CHECK(!is_error(r));
    cJSON_Delete(r);
    char *fresh = slurp(audit_path);
    CHECK_MSG(strstr(fresh, "\"outcome\":\"dry-run\"") && strchr(fresh, '\n') &&
                  !strchr(strchr(fresh, '\n') + 1, '\n'),
              "after SIGHUP the new file holds: %s", fresh);
    free(fresh);
    CHECK(WEXITSTATUS(mm_mcp_stop(&c)) == 0);

    /* an unwritable audit log: nothing is sent, in either mode */
    int before = writes_seen(NULL);
    const char *modes[] = {"token", "none"};
    for (int i = 0; i < 2; i++) {
        CHECK(start(&c, modes[i], "/dev/full") == 0);
        r = call(&c, "updateOrgWlan", UPDATE);
        CHECK_MSG(is_error(r) && strstr(mm_mcp_result_text(r), "audit log") &&
                      strstr(mm_mcp_result_text(r), "/dev/full"),
                  "%s: %.600s", modes[i], mm_mcp_result_text(r));
        cJSON_Delete(r);
        CHECK(WEXITSTATUS(mm_mcp_stop(&c)) == 0);
    }
    CHECK(writes_seen(NULL) == before);

    /* none: straight through, audited as accepted then sent */
    char none_log[700];
    snprintf(none_log, sizeof none_log, "%s/none-audit.log", work);
    unlink(none_log);
    CHECK(start(&c, "none", none_log) == 0);
    r = call(&c, "updateOrgWlan", UPDATE);
    CHECK_MSG(!is_error(r) && strstr(mm_mcp_result_text(r), "\"method\":\"PUT\""), "%.600s",
              mm_mcp_result_text(r));
    cJSON_Delete(r);
    CHECK(writes_seen(NULL) == before + 1);
    CHECK(WEXITSTATUS(mm_mcp_stop(&c)) == 0);
    char *lines = slurp(none_log);
    CHECK_MSG(strstr(lines, "\"confirmation\":\"none\"") &&
                  strstr(lines, "\"outcome\":\"accepted\"") &&
                  strstr(lines, "\"outcome\":\"sent\""),
              "%s", lines);
    free(lines);
}

/* A mode that is not one: refused at start-up, naming the value and the three modes. */
static void bad_mode_refused(void)
{
    mm_child ch = {.stderr_path = NULL};
    char err_path[700];
    snprintf(err_path, sizeof err_path, "%s/bad-mode.err", work);
    ch.stderr_path = err_path;
    char *args[] = {(char *)mistmcp, "--write-confirmation", "ask-nicely", NULL};
    char *env[] = {"HOME=/tmp", NULL};
    CHECK(mm_child_spawn(&ch, args, env) == 0);
    int status = mm_child_finish(&ch, 10000);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 2);
    char *err = slurp(err_path);
    CHECK_MSG(strstr(err, "'ask-nicely'") && strstr(err, "elicit, token or none"), "%s", err);
    free(err);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR WRITE_PLUGIN_DIR\n",
                argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    mistmcp = argv[1];
    plugin_dir = argv[3];
    work = argv[4];
    write_plugin_dir = argv[5];
    snprintf(fake_log, sizeof fake_log, "%s/fake-mist-requests.jsonl", work);
    snprintf(audit_path, sizeof audit_path, "%s/audit.log", work);
    unlink(audit_path);
    static mm_child fake;
    int port = mm_child_start_fake_mist(&fake, argv[2], fake_log, 300);
    CHECK_MSG(port > 0, "the fake backend did not start");
    if (port <= 0)
        return check_summary();
    snprintf(base_env, sizeof base_env, "MISTMCP_API_BASE_URL=http://127.0.0.1:%d", port);
    token_flow();
    audit_lines();
    rotation_and_failures();
    bad_mode_refused();
    mm_child_finish(&fake, 5000);
    for (size_t i = 0; i < tokens_count; i++)
        free(tokens_seen[i]);
    free(tokens_seen);
    return check_summary();
}
