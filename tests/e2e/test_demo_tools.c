/*
 * Every read-only tool in demo mode (issue 15): the real binary started with --demo --mode
 * all, each read-only tool of tools/list that is an operation of the spec called once, with
 * its required arguments filled from the demo world (org, site, device, WLAN, client) or from
 * its input schema. Checked for each:
 *   - the result is not an error (a file download aside: mistmcp hands models JSON only, so
 *     a file is an error saying it is not JSON, against Mist as in the demo; the test requires
 *     exactly the operations whose spec answer is a file to end so);
 *   - the text is JSON that validates against the operation's response schema in the spec
 *     (core/base/json_schema.h; the spec is read as the generator reads it);
 *   - consistency: every org_id is the demo org, and every site_id, device_id, wlan_id and
 *     ap_mac in the answer names an object the world lists (listOrgSites,
 *     listOrgDevicesStats, listOrgWlans).
 * Prints the figures: read-only tools, those with a response schema, those that validate.
 *
 * usage: test_demo_tools MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR SPEC
 */
#define _GNU_SOURCE
#include "check.h"
#include "mcp_client.h"
#include "model.h"
#include "spec.h"

#include "base/json_schema.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static mm_mcp_client c;

/* What the world lists, for the arguments and the consistency checks. */
typedef struct world {
    char org[40], site[40], ap_id[40], ap_mac[16], switch_mac[16], wlan[40], client_mac[16];
    cJSON *sites, *devices, *wlans; /* the answers of the listing tools */
} world;

static cJSON *call_json(const char *tool, const char *args_json)
{
    cJSON *args = cJSON_Parse(args_json);
    cJSON *r = mm_mcp_call(&c, tool, args);
    cJSON_Delete(args);
    int error = !r || cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "isError"));
    CHECK_MSG(!error, "%s %s: %.300s", tool, args_json, r ? mm_mcp_result_text(r) : "no answer");
    cJSON *out = error ? NULL : cJSON_Parse(mm_mcp_result_text(r));
    cJSON_Delete(r);
    return out;
}

static const char *s(const cJSON *o, const char *k)
{
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, k));
    return v ? v : "";
}

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src);
}

static int read_world(world *w)
{
    cJSON *self = call_json("getSelf", "{}");
    copy(w->org, sizeof w->org,
         s(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(self, "privileges"), 0), "org_id"));
    cJSON_Delete(self);
    char a[200];
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"limit\":1000}", w->org);
    w->sites = call_json("listOrgSites", a);
    w->wlans = call_json("listOrgWlans", a);
    snprintf(a, sizeof a, "{\"org_id\":\"%s\",\"type\":\"all\",\"limit\":1000}", w->org);
    w->devices = call_json("listOrgDevicesStats", a);
    copy(w->site, sizeof w->site, s(cJSON_GetArrayItem(w->sites, 0), "id"));
    copy(w->wlan, sizeof w->wlan, s(cJSON_GetArrayItem(w->wlans, 0), "id"));
    for (const cJSON *d = w->devices ? w->devices->child : NULL; d; d = d->next) {
        if (strcmp(s(d, "site_id"), w->site) != 0)
            continue;
        if (!w->ap_id[0] && strcmp(s(d, "type"), "ap") == 0) {
            copy(w->ap_id, sizeof w->ap_id, s(d, "id"));
            copy(w->ap_mac, sizeof w->ap_mac, s(d, "mac"));
        }
        if (!w->switch_mac[0] && strcmp(s(d, "type"), "switch") == 0)
            copy(w->switch_mac, sizeof w->switch_mac, s(d, "mac"));
    }
    snprintf(a, sizeof a, "{\"site_id\":\"%s\"}", w->site);
    cJSON *clients = call_json("listSiteWirelessClientsStats", a);
    copy(w->client_mac, sizeof w->client_mac, s(cJSON_GetArrayItem(clients, 0), "mac"));
    cJSON_Delete(clients);
    return w->org[0] && w->site[0] && w->ap_id[0] && w->switch_mac[0] && w->wlan[0] &&
                   w->client_mac[0]
               ? 0
               : -1;
}

static int ends_with(const char *str, const char *tail)
{
    size_t n = strlen(str), t = strlen(tail);
    return n >= t && strcmp(str + n - t, tail) == 0;
}

/* A value for required argument name (schema: its input schema). */
static cJSON *argument(const world *w, const char *name, const cJSON *schema)
{
    static const char *const from_world[] = {"org_id",  "site_id",    "device_id",  "ap_id",
                                             "wlan_id", "client_mac", "device_mac", "fpc0_mac"};
    const char *values[] = {w->org,  w->site,       w->ap_id,  w->ap_id,
                            w->wlan, w->client_mac, w->ap_mac, w->switch_mac};
    for (size_t i = 0; i < sizeof from_world / sizeof from_world[0]; i++)
        if (strcmp(name, from_world[i]) == 0)
            return cJSON_CreateString(values[i]);
    const cJSON *en = cJSON_GetObjectItemCaseSensitive(schema, "enum");
    if (cJSON_IsArray(en) && en->child)
        return cJSON_Duplicate(en->child, 1);
    const char *type = s(schema, "type");
    const cJSON *min = cJSON_GetObjectItemCaseSensitive(schema, "minimum");
    if (strcmp(type, "integer") == 0 || strcmp(type, "number") == 0)
        return cJSON_CreateNumber(cJSON_IsNumber(min) && min->valuedouble > 1 ? min->valuedouble
                                                                              : 1);
    if (strcmp(type, "boolean") == 0)
        return cJSON_CreateFalse();
    if (strcmp(type, "array") == 0)
        return cJSON_CreateArray();
    if (ends_with(name, "_id"))
        return cJSON_CreateString("de300000-0000-4000-8000-0000000000aa");
    if (ends_with(name, "mac"))
        return cJSON_CreateString(w->client_mac);
    return cJSON_CreateString("demo");
}

static cJSON *arguments(const world *w, const cJSON *tool)
{
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(tool, "inputSchema");
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
    cJSON *args = cJSON_CreateObject();
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(schema, "required"))
    {
        const char *name = cJSON_GetStringValue(r);
        if (name)
            cJSON_AddItemToObject(args, name,
                                  argument(w, name, cJSON_GetObjectItemCaseSensitive(props, name)));
    }
    return args;
}

/* The spec's answer is a file: not JSON, or JSON's string of a file's bytes. */
static int is_file(const cJSON *spec, const gen_op *op)
{
    if (op->response_content_type && !strstr(op->response_content_type, "json"))
        return 1;
    const cJSON *sc = gen_spec_deref(spec, op->response_schema);
    return gen_str(sc, "type") && strcmp(gen_str(sc, "type"), "string") == 0 &&
           (gen_str(sc, "contentMediaType") ||
            (gen_str(sc, "format") && strcmp(gen_str(sc, "format"), "binary") == 0));
}

static int listed(const cJSON *array, const char *key, const char *value)
{
    for (const cJSON *it = array ? array->child : NULL; it; it = it->next)
        if (strcmp(s(it, key), value) == 0)
            return 1;
    return 0;
}

/* A MAC as the world keeps it: lower-case hex digits only. */
static void mac_norm(const char *in, char *out, size_t size)
{
    size_t n = 0;
    for (; *in && n + 1 < size; in++)
        if (isxdigit((unsigned char)*in))
            out[n++] = (char)tolower((unsigned char)*in);
    out[n] = '\0';
}

/* Counts the members of v (recursively) that name no object of the world; the first is
 * described in first. */
static int strangers(const world *w, const cJSON *v, char *first, size_t size)
{
    int n = 0;
    for (const cJSON *m = v ? v->child : NULL; m; m = m->next) {
        if (cJSON_IsObject(m) || cJSON_IsArray(m)) {
            n += strangers(w, m, first, size);
            continue;
        }
        const char *key = m->string, *value = cJSON_GetStringValue(m);
        if (!key || !value)
            continue;
        char mac[32];
        mac_norm(value, mac, sizeof mac);
        int ok = strcmp(key, "org_id") == 0      ? strcmp(value, w->org) == 0
                 : strcmp(key, "site_id") == 0   ? listed(w->sites, "id", value)
                 : strcmp(key, "device_id") == 0 ? listed(w->devices, "id", value)
                 : strcmp(key, "wlan_id") == 0   ? listed(w->wlans, "id", value)
                 : strcmp(key, "ap_mac") == 0    ? listed(w->devices, "mac", mac)
                                                 : 1;
        if (!ok && n++ == 0)
            snprintf(first, size, "%s \"%s\"", key, value);
    }
    return n;
}

/* What the calls checked came to. */
typedef struct tally {
    int with_schema, valid, answered, files, consistent;
} tally;

/* Calls op's tool with arguments a and checks its answer: no error (a file is one), JSON that
 * validates against the operation's response schema, ids the world lists. */
static void check_call(const cJSON *spec, const gen_op *op, const world *w, const cJSON *a,
                       tally *n)
{
    const char *name = op->name;
    cJSON *r = mm_mcp_call(&c, name, a);
    char *a_text = cJSON_PrintUnformatted(a);
    const char *text = r ? mm_mcp_result_text(r) : "";
    int error = !r || cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "isError"));
    if (is_file(spec, op)) {
        n->files++;
        CHECK_MSG(error && strstr(text, "not JSON"), "%s (a file): %.200s", name, text);
    } else {
        CHECK_MSG(!error, "%s %s: %.300s", name, a_text, text);
    }
    cJSON *body = error ? NULL : cJSON_Parse(text);
    n->answered += body != NULL;
    CHECK_MSG(error || body, "%s: the text is not JSON: %.200s", name, text);
    if (body && op->response_schema) {
        n->with_schema++;
        mm_schema_error why;
        int ok = mm_schema_check(spec, op->response_schema, body, &why) == 0;
        n->valid += ok;
        CHECK_MSG(ok, "%s %s: the answer does not validate: at %s: %s", name, a_text, why.where,
                  why.why);
    }
    char first[200] = "";
    int bad = body ? strangers(w, body, first, sizeof first) : 0;
    n->consistent += body && bad == 0;
    CHECK_MSG(bad == 0, "%s: %d ids name nothing the world lists, first %s", name, bad, first);
    cJSON_Delete(body);
    free(a_text);
    cJSON_Delete(r);
}

static const gen_op *op_named(const gen_model *model, const char *name)
{
    for (size_t i = 0; i < model->op_count; i++)
        if (strcmp(model->ops[i].name, name) == 0)
            return &model->ops[i];
    return NULL;
}

/* check_call of tool with the arguments of the JSON text fmt (printf). */
static void check_tool(const cJSON *spec, const gen_model *model, const world *w, tally *n,
                       const char *tool, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    const gen_op *op = op_named(model, tool);
    cJSON *a = cJSON_Parse(text);
    CHECK_MSG(op && a, "%s %s", tool, text);
    if (op && a)
        check_call(spec, op, w, a, n);
    cJSON_Delete(a);
}

/* The answers the demo computes from the world for arguments the pass above does not give
 * (an SLE of a site's own scope, a real metric and classifier; client events with filters),
 * each site's, checked the same way: the generic pass alone would leave them unchecked. */
static void computed_answers(const cJSON *spec, const gen_model *model, const world *w)
{
    tally n = {0};
    static const char *const kinds[] = {"wifi", "wired", "wan"};
    for (size_t k = 0; k < 3; k++)
        check_tool(spec, model, w, &n, "getOrgSitesSle", "{\"org_id\":\"%s\",\"sle\":\"%s\"}",
                   w->org, kinds[k]);
    check_tool(spec, model, w, &n, "getOrgSle",
               "{\"org_id\":\"%s\",\"metric\":\"worst-sites-by-sle\",\"sle\":\"coverage\"}",
               w->org);
    static const char *const distincts[] = {"type", "ssid", "channel", "band", "proto", "wlan_id"};
    for (size_t d = 0; d < 6; d++)
        check_tool(spec, model, w, &n, "countOrgWirelessClientEvents",
                   "{\"org_id\":\"%s\",\"distinct\":\"%s\"}", w->org, distincts[d]);
    check_tool(spec, model, w, &n, "searchOrgWirelessClientEvents",
               "{\"org_id\":\"%s\",\"limit\":1000,\"duration\":\"2d\"}", w->org);
    check_tool(spec, model, w, &n, "getSiteEventsForClient",
               "{\"site_id\":\"%s\",\"client_mac\":\"%s\"}", w->site, w->client_mac);
    for (const cJSON *site = w->sites ? w->sites->child : NULL; site; site = site->next) {
        const char *id = s(site, "id");
        char scope[200];
        snprintf(scope, sizeof scope, "\"site_id\":\"%s\",\"scope\":\"site\",\"scope_id\":\"%s\"",
                 id, id);
        check_tool(spec, model, w, &n, "searchSiteWirelessClientEvents",
                   "{\"site_id\":\"%s\",\"limit\":1000}", id);
        check_tool(spec, model, w, &n, "countSiteWirelessClientEvents", "{\"site_id\":\"%s\"}", id);
        check_tool(spec, model, w, &n, "listSiteSlesMetrics", "{%s}", scope);
        static const char *const metrics[] = {"coverage",          "capacity", "time-to-connect",
                                              "failed-to-connect", "roaming",  "throughput",
                                              "ap-availability"};
        for (size_t m = 0; m < sizeof metrics / sizeof metrics[0]; m++) {
            static const char *const views[] = {
                "listSiteSleMetricClassifiers", "getSiteSleSummary",
                "getSiteSleImpactSummary",      "listSiteSleImpactedWirelessClients",
                "listSiteSleImpactedAps",       "getSiteSleHistogram"};
            for (size_t v = 0; v < sizeof views / sizeof views[0]; v++)
                check_tool(spec, model, w, &n, views[v], "{%s,\"metric\":\"%s\"}", scope,
                           metrics[m]);
            char a[400];
            snprintf(a, sizeof a, "{%s,\"metric\":\"%s\"}", scope, metrics[m]);
            cJSON *names = call_json("listSiteSleMetricClassifiers", a);
            CHECK_MSG(cJSON_GetArraySize(names) > 0, "%s: no classifiers", metrics[m]);
            for (const cJSON *k = names ? names->child : NULL; k; k = k->next)
                check_tool(spec, model, w, &n, "getSiteSleClassifierDetails",
                           "{%s,\"metric\":\"%s\",\"classifier\":\"%s\"}", scope, metrics[m],
                           cJSON_GetStringValue(k));
            cJSON_Delete(names);
        }
    }
    printf("answers computed from the world: %d, valid: %d, consistent ids: %d\n", n.answered,
           n.valid, n.consistent);
    CHECK_MSG(n.answered >= 400 && n.valid == n.answered, "%d valid of %d", n.valid, n.answered);
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fputs("usage: test_demo_tools MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR SPEC\n", stderr);
        return 2;
    }
    char err[512];
    cJSON *spec = gen_spec_load(argv[5], err, sizeof err);
    gen_model model = {0};
    CHECK_MSG(spec && gen_model_build(spec, &model, err, sizeof err) == 0, "the spec: %s", err);

    /* Over a thousand calls: past the client-side rate limit's burst of 500, which would
     * space them out (and is not what this test is about). */
    char *args[] = {argv[1],
                    "--demo",
                    "--mode",
                    "all",
                    "--plugin-dir",
                    argv[3],
                    "--rate-limit",
                    "0",
                    "--max-result-bytes",
                    "4000000",
                    NULL};
    char *env[] = {"HOME=/tmp", NULL};
    c = (mm_mcp_client){.child.stderr_path = "/dev/null", .timeout_ms = 30000};
    CHECK_MSG(mm_mcp_start(&c, args, env) == 0, "mistmcp --demo starts");
    world w = {0};
    CHECK_MSG(read_world(&w) == 0,
              "the world: org %s, site %s, AP %s, switch %s, WLAN %s, client %s", w.org, w.site,
              w.ap_id, w.switch_mac, w.wlan, w.client_mac);

    cJSON *tools = mm_mcp_list_tools(&c);
    int read_only = 0;
    tally all = {0};
    for (const cJSON *t = tools ? tools->child : NULL; t; t = t->next) {
        const cJSON *ann = cJSON_GetObjectItemCaseSensitive(t, "annotations");
        const char *name = s(t, "name");
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ann, "readOnlyHint")))
            continue;
        const gen_op *op = NULL;
        for (size_t i = 0; i < model.op_count && !op; i++)
            if (strcmp(model.ops[i].name, name) == 0)
                op = &model.ops[i];
        if (!op)
            continue; /* a discovery tool: no operation of the spec */
        read_only++;
        CHECK_MSG(strcmp(op->method, "GET") == 0, "%s is read-only but %s", name, op->method);
        cJSON *a = arguments(&w, t);
        check_call(spec, op, &w, a, &all);
        cJSON_Delete(a);
    }
    printf("read-only tools of the spec: %d (%d files); non-error JSON answers: %d; with a "
           "response schema: %d, valid: %d; consistent ids: %d\n",
           read_only, all.files, all.answered, all.with_schema, all.valid, all.consistent);
    /* The figures that make the run mean something: every tool listed was called. */
    CHECK_MSG(read_only >= 480, "only %d read-only tools listed", read_only);
    CHECK_MSG(all.answered + all.files == read_only, "%d answered + %d files of %d", all.answered,
              all.files, read_only);
    computed_answers(spec, &model, &w);

    int st = mm_mcp_stop(&c);
    CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %d", st);
    cJSON_Delete(tools);
    cJSON_Delete(w.sites);
    cJSON_Delete(w.devices);
    cJSON_Delete(w.wlans);
    gen_model_free(&model);
    gen_spec_free(&spec);
    return check_summary();
}
