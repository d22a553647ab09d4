/*
 * null means absent, for every tool a session can list (issue 12, part 4): hosts send null for
 * optional arguments they leave out. Over stdio against the fake backend, for every tool of
 * all mode with write tools (969 generated tools), of managed mode (the built-in and discovery
 * tools) and of a custom plugin (the example plugin's custom tool), each tool is called
 *   - with its required arguments filled in (values made from its input schema) and every
 *     optional argument null: the call must not be refused for its arguments;
 *   - with each required argument null in turn: the call must be refused, naming it.
 *
 * usage: test_null_args MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR EXAMPLE_PLUGIN_DIR
 */
#define _GNU_SOURCE
#include "check.h"
#include "child.h"
#include "mcp_client.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* A value its schema accepts (the subset the argument checks know: type, enum, const,
 * bounds, lengths, item counts, required properties, oneOf/anyOf), depth-bounded. */
static cJSON *value_for(const cJSON *schema, int depth)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(schema, "enum");
    if (cJSON_IsArray(e) && e->child)
        return cJSON_Duplicate(e->child, 1);
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(schema, "const");
    if (k)
        return cJSON_Duplicate(k, 1);
    const cJSON *alt = cJSON_GetObjectItemCaseSensitive(schema, "oneOf");
    if (!alt)
        alt = cJSON_GetObjectItemCaseSensitive(schema, "anyOf");
    if (cJSON_IsArray(alt) && alt->child)
        return value_for(alt->child, depth + 1);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(schema, "type");
    const char *t = cJSON_IsString(type)                                 ? type->valuestring
                    : cJSON_IsArray(type) && cJSON_IsString(type->child) ? type->child->valuestring
                                                                         : "object";
    if (strcmp(t, "string") == 0) {
        const cJSON *min = cJSON_GetObjectItemCaseSensitive(schema, "minLength");
        int n = cJSON_IsNumber(min) && min->valueint > 1 ? min->valueint : 1;
        char buf[64];
        memset(buf, 'a', sizeof buf);
        buf[n < 63 ? n : 63] = '\0';
        return cJSON_CreateString(buf);
    }
    if (strcmp(t, "integer") == 0 || strcmp(t, "number") == 0) {
        const cJSON *min = cJSON_GetObjectItemCaseSensitive(schema, "minimum");
        const cJSON *max = cJSON_GetObjectItemCaseSensitive(schema, "maximum");
        double v = cJSON_IsNumber(min) ? min->valuedouble : 1;
        if (cJSON_IsNumber(max) && v > max->valuedouble)
            v = max->valuedouble;
        return cJSON_CreateNumber(v);
    }
    if (strcmp(t, "boolean") == 0)
        return cJSON_CreateTrue();
    if (strcmp(t, "null") == 0)
        return cJSON_CreateNull();
    if (strcmp(t, "array") == 0) {
        cJSON *a = cJSON_CreateArray();
        const cJSON *min = cJSON_GetObjectItemCaseSensitive(schema, "minItems");
        if (cJSON_IsNumber(min) && min->valueint > 0 && depth < 8)
            for (int i = 0; i < min->valueint && i < 4; i++)
                cJSON_AddItemToArray(
                    a, value_for(cJSON_GetObjectItemCaseSensitive(schema, "items"), depth + 1));
        return a;
    }
    cJSON *o = cJSON_CreateObject(); /* an object: its required properties */
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(schema, "required"))
    {
        if (cJSON_IsString(r) && depth < 8)
            cJSON_AddItemToObject(
                o, r->valuestring,
                value_for(cJSON_GetObjectItemCaseSensitive(props, r->valuestring), depth + 1));
    }
    return o;
}

static int is_required(const cJSON *schema, const char *name)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(schema, "required"))
    {
        if (cJSON_IsString(r) && strcmp(r->valuestring, name) == 0)
            return 1;
    }
    return 0;
}

/* A call refused for its arguments (not for what Mist or a lookup said afterwards). */
static int refused(const cJSON *result)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(result, "isError")) &&
           strncmp(mm_mcp_result_text(result), "Invalid arguments", 17) == 0;
}

/* Every tool of the session, both ways. Returns how many tools were called. */
static int check_every_tool(mm_mcp_client *c, const char *label)
{
    cJSON *tools = mm_mcp_list_tools(c);
    CHECK_MSG(tools && cJSON_GetArraySize(tools) > 0, "%s: tools/list", label);
    int count = 0, nulls = 0, required = 0;
    const cJSON *tool;
    cJSON_ArrayForEach(tool, tools)
    {
        const char *name = cJSON_GetObjectItemCaseSensitive(tool, "name")->valuestring;
        const cJSON *schema = cJSON_GetObjectItemCaseSensitive(tool, "inputSchema");
        cJSON *args = value_for(schema, 0);
        const cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(schema, "properties"))
        {
            if (!is_required(schema, p->string)) {
                cJSON_AddItemToObject(args, p->string, cJSON_CreateNull());
                nulls++;
            }
        }
        cJSON *res = mm_mcp_call(c, name, args);
        CHECK_MSG(res && !refused(res), "%s: %s with optional arguments null is refused: %.300s",
                  label, name, res ? mm_mcp_result_text(res) : "(no answer)");
        cJSON_Delete(res);
        const cJSON *r;
        cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(schema, "required"))
        {
            cJSON *without = cJSON_Duplicate(args, 1);
            cJSON_ReplaceItemInObjectCaseSensitive(without, r->valuestring, cJSON_CreateNull());
            res = mm_mcp_call(c, name, without);
            const char *text = res ? mm_mcp_result_text(res) : "";
            CHECK_MSG(res && refused(res) && strstr(text, r->valuestring) &&
                          (strstr(text, "required") || strstr(text, "missing")),
                      "%s: %s with required %s null: %.300s", label, name, r->valuestring,
                      res ? text : "(no answer)");
            cJSON_Delete(res);
            cJSON_Delete(without);
            required++;
        }
        cJSON_Delete(args);
        count++;
    }
    printf("%s: %d tools, %d optional arguments null, %d required ones null\n", label, count, nulls,
           required);
    cJSON_Delete(tools);
    return count;
}

/* The two calls of the issue, as hosts sent them. */
static void check_examples(mm_mcp_client *c)
{
    cJSON *args = cJSON_Parse("{\"query\":\"offline aps\",\"limit\":null}");
    cJSON *res = mm_mcp_call(c, "searchMistTools", args);
    CHECK_MSG(res && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "isError")) &&
                  strstr(mm_mcp_result_text(res), "best first"),
              "searchMistTools with limit null: %.300s", res ? mm_mcp_result_text(res) : "");
    cJSON_Delete(res);
    cJSON_Delete(args);
    args = cJSON_Parse("{\"name\":\"getSelf\",\"arguments\":null,\"enable_category\":null}");
    res = mm_mcp_call(c, "callMistTool", args);
    CHECK_MSG(res && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "isError")) &&
                  strstr(mm_mcp_result_text(res), "privileges"),
              "callMistTool getSelf with nulls: %.300s", res ? mm_mcp_result_text(res) : "");
    cJSON_Delete(res);
    cJSON_Delete(args);
}

/* The dispatchers with a tool the catalog does not know (a third-party plugin's): its own
 * annotations decide, once it is loaded. Also getSelf, a built-in read. */
static void check_dispatchers(mm_mcp_client *c)
{
    static const struct {
        const char *dispatcher, *args, *want;
        int error;
    } cases[] = {
        {"callMistTool",
         "{\"name\":\"exampleCountOrgSites\",\"arguments\":{\"org_id\":\"8aa21779-1178-4357-b3e0-"
         "42c02b93b870\"}}",
         "sites", 0},
        {"callMistWriteTool",
         "{\"name\":\"exampleCountOrgSites\",\"arguments\":{\"org_id\":\"o\"}}",
         "exampleCountOrgSites: it only reads: run it with callMistTool", 1},
        {"callMistWriteTool", "{\"name\":\"getSelf\"}", "getSelf: it only reads", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *args = cJSON_Parse(cases[i].args);
        cJSON *res = mm_mcp_call(c, cases[i].dispatcher, args);
        const char *text = res ? mm_mcp_result_text(res) : "";
        CHECK_MSG(res &&
                      cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "isError")) ==
                          cases[i].error &&
                      strstr(text, cases[i].want),
                  "%s %s: %.300s", cases[i].dispatcher, cases[i].args, text);
        cJSON_Delete(res);
        cJSON_Delete(args);
    }
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fputs("usage: test_null_args MISTMCP FAKE_MIST PLUGIN_DIR WORK_DIR EXAMPLE_PLUGIN_DIR\n",
              stderr);
        return 2;
    }
    char base_env[128];
    mm_child fake = {0};
    int port = mm_child_start_fake_mist(&fake, argv[2], "/dev/null", 600); /* no log read */
    CHECK_MSG(port > 0, "the fake backend starts");
    if (port <= 0)
        return check_summary();
    snprintf(base_env, sizeof base_env, "MISTMCP_API_BASE_URL=http://127.0.0.1:%d", port);
    char *env[] = {base_env, "MIST_API_TOKEN=tokN", "HOME=/tmp", NULL};

    struct {
        const char *label;
        char *args[12];
        int at_least;
    } runs[] = {
        {"all mode with write tools",
         {argv[1], "--plugin-dir", argv[3], "--mode", "all", "--enable-write-tools", "--rate-limit",
          "0", NULL},
         900},
        {"managed mode", {argv[1], "--plugin-dir", argv[3], "--mode", "managed", NULL}, 5},
        {"a custom plugin",
         {argv[1], "--plugin-dir", argv[3], "--plugin-dir", argv[5], "--mode", "custom",
          "--categories", "example_site_count", "--enable-write-tools", NULL},
         6},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        mm_mcp_client c = {.child.stderr_path = "/dev/null"};
        CHECK_MSG(mm_mcp_start(&c, runs[i].args, env) == 0, "%s: the server starts", runs[i].label);
        if (i == 1)
            check_examples(&c);
        if (i == 2)
            check_dispatchers(&c);
        int n = check_every_tool(&c, runs[i].label);
        CHECK_MSG(n >= runs[i].at_least, "%s: %d tools (at least %d)", runs[i].label, n,
                  runs[i].at_least);
        int st = mm_mcp_stop(&c);
        CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: exit status %d", runs[i].label, st);
    }
    mm_child_finish(&fake, 5000);
    return check_summary();
}
