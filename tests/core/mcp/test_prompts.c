/*
 * MCP prompts (core/mcp/prompts.c): reading definitions (each mistake named), prompts/list,
 * prompts/get (arguments filled in every content string, defaults, each bad argument named),
 * the tool-name check, and mistmcp's own prompts (core/mcp/prompts/mist.json).
 */
#include "check.h"
#include "mcp/prompts.h"

#include <stdlib.h>
#include <string.h>

static mm_prompts *read_text(const char *text, char *err, size_t size)
{
    mm_prompts *set = NULL;
    if (mm_prompts_add(&set, text, strlen(text), "test", err, size) != 0)
        return NULL;
    return set;
}

/* A definition is refused with a message containing want. */
static void refused(const char *text, const char *want)
{
    char err[600] = "";
    mm_prompts *set = read_text(text, err, sizeof err);
    CHECK_MSG(!set, "accepted: %s", text);
    CHECK_MSG(strstr(err, want) != NULL, "'%s' not in '%s'", want, err);
    mm_prompts_free(&set);
}

static void test_reading_mistakes(void)
{
    refused("{\"prompts\":", "not valid JSON");
    refused("[]", "expected an object with \"prompts\"");
    refused("{\"prompts\":[{\"messages\":[]}]}", "prompts[0] needs \"name\"");
    refused("{\"prompts\":[{\"name\":\"a b\",\"messages\":[]}]}", "prompts[0] needs \"name\"");
    refused("{\"prompts\":[{\"name\":\"p\",\"messages\":[]}]}", "non-empty array");
    refused("{\"prompts\":[{\"name\":\"p\",\"messages\":[{\"role\":\"system\",\"content\":{"
            "\"type\":\"text\",\"text\":\"x\"}}]}]}",
            "messages[0].role must be user or assistant");
    refused("{\"prompts\":[{\"name\":\"p\",\"messages\":[{\"role\":\"user\",\"content\":{"
            "\"type\":\"video\"}}]}]}",
            "messages[0].content must be an object");
    refused("{\"prompts\":[{\"name\":\"p\",\"messages\":[{\"role\":\"user\",\"content\":{"
            "\"type\":\"text\"}}]}]}",
            "needs \"text\"");
    /* what MCP's schema requires of the other content types, which a client checks */
    refused("{\"prompts\":[{\"name\":\"p\",\"messages\":[{\"role\":\"user\",\"content\":{"
            "\"type\":\"image\",\"data\":\"AAAA\"}}]}]}",
            "(image) needs \"mimeType\"");
    refused("{\"prompts\":[{\"name\":\"p\",\"messages\":[{\"role\":\"user\",\"content\":{"
            "\"type\":\"audio\",\"mimeType\":\"audio/wav\"}}]}]}",
            "(audio) needs \"data\"");
    refused("{\"prompts\":[{\"name\":\"p\",\"messages\":[{\"role\":\"user\",\"content\":{"
            "\"type\":\"resource_link\",\"uri\":\"mist://x\"}}]}]}",
            "(resource_link) needs \"name\"");
    refused("{\"prompts\":[{\"name\":\"p\",\"messages\":[{\"role\":\"user\",\"content\":{"
            "\"type\":\"resource\",\"resource\":{\"uri\":\"mist://x\"}}}]}]}",
            "a \"text\" or \"blob\"");
    refused("{\"prompts\":[{\"name\":\"p\",\"messages\":[{\"role\":\"user\",\"content\":{"
            "\"type\":\"text\",\"text\":\"hi {{who}}\"}}]}]}",
            "placeholder {{who}}");
    refused("{\"prompts\":[{\"name\":\"p\",\"messages\":[{\"role\":\"user\",\"content\":{"
            "\"type\":\"text\",\"text\":\"hi {{who\"}}]}]}",
            "without '}}'");
    refused("{\"prompts\":[{\"name\":\"p\",\"arguments\":[{\"name\":\"a\",\"required\":true,"
            "\"default\":\"x\"}],\"messages\":[{\"role\":\"user\",\"content\":{\"type\":"
            "\"text\",\"text\":\"{{a}}\"}}]}]}",
            "is required and has a default");
    refused("{\"prompts\":[{\"name\":\"p\",\"arguments\":[{\"name\":\"a\"},{\"name\":\"a\"}],"
            "\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":\"x\"}}]}]}",
            "argument 'a' is given twice");
    const char *one = "{\"prompts\":[{\"name\":\"p\",\"messages\":[{\"role\":\"user\",\"content\":"
                      "{\"type\":\"text\",\"text\":\"x\"}}]}]}";
    char twice[400];
    snprintf(twice, sizeof twice,
             "{\"prompts\":[{\"name\":\"p\",\"messages\":[{\"role\":\"user\",\"content\":{"
             "\"type\":\"text\",\"text\":\"x\"}}]},{\"name\":\"p\",\"messages\":[{\"role\":"
             "\"user\",\"content\":{\"type\":\"text\",\"text\":\"y\"}}]}]}");
    refused(twice, "prompt 'p' is defined twice");
    /* across two texts, and the set is unchanged by the refused one */
    char err[300];
    mm_prompts *set = read_text(one, err, sizeof err);
    CHECK(set && mm_prompts_count(set) == 1);
    CHECK(mm_prompts_add(&set, one, strlen(one), "second", err, sizeof err) != 0);
    CHECK_MSG(strstr(err, "second: prompt 'p' is defined twice"), "%s", err);
    CHECK(mm_prompts_count(set) == 1);
    mm_prompts_free(&set);
    CHECK(!set);
}

static const char *fixture =
    "{\"prompts\":[{\"name\":\"site\",\"title\":\"Site\",\"description\":\"Check a site\","
    "\"arguments\":[{\"name\":\"site\",\"description\":\"The site\",\"required\":true},"
    "{\"name\":\"duration\",\"default\":\"1d\"},{\"name\":\"note\"}],"
    "\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":"
    "\"Site {{site}} over {{duration}}; {{note}}. Use `listOrgSites` then `getSiteStats`, "
    "not `noSuchTool` (`org_id` and `x` are no tool names).\"}},"
    "{\"role\":\"assistant\",\"content\":{\"type\":\"resource\",\"resource\":{\"uri\":"
    "\"mist://{{site}}\",\"text\":\"{{site}}{{site}}\",\"n\":3}}}]}]}";

static void test_list(void)
{
    char err[300];
    mm_prompts *set = read_text(fixture, err, sizeof err);
    CHECK_MSG(set, "%s", err);
    const char *why = NULL;
    cJSON *r = mm_prompts_list(set, NULL, &why);
    char *text = cJSON_PrintUnformatted(r);
    CHECK_MSG(text && strcmp(text, "{\"prompts\":[{\"name\":\"site\",\"title\":\"Site\","
                                   "\"description\":\"Check a site\",\"arguments\":[{\"name\":"
                                   "\"site\",\"description\":\"The site\",\"required\":true},"
                                   "{\"name\":\"duration\",\"required\":false},{\"name\":"
                                   "\"note\",\"required\":false}]}]}") == 0,
              "%s", text);
    free(text);
    cJSON_Delete(r);
    cJSON *cursor = cJSON_CreateString("x");
    CHECK(!mm_prompts_list(set, cursor, &why) && strstr(why, "invalid cursor"));
    cJSON_Delete(cursor);
    r = mm_prompts_list(NULL, NULL, &why); /* no set: an empty list */
    CHECK(r && cJSON_GetArraySize(cJSON_GetObjectItem(r, "prompts")) == 0);
    cJSON_Delete(r);
    mm_prompts_free(&set);
}

/* prompts/get with params (JSON); NULL and err on refusal. */
static cJSON *get(const mm_prompts *set, const char *params, char *err, size_t size)
{
    cJSON *p = cJSON_Parse(params);
    cJSON *r = mm_prompts_get(set, p, err, size);
    cJSON_Delete(p);
    return r;
}

static void get_refused(const mm_prompts *set, const char *params, const char *want)
{
    char err[600] = "";
    cJSON *r = get(set, params, err, sizeof err);
    CHECK_MSG(!r, "accepted: %s", params);
    CHECK_MSG(strstr(err, want) != NULL, "'%s' not in '%s'", want, err);
    cJSON_Delete(r);
}

static void test_get(void)
{
    char err[600];
    mm_prompts *set = read_text(fixture, err, sizeof err);
    cJSON *r = get(set, "{\"name\":\"site\",\"arguments\":{\"site\":\"HQ\",\"note\":\"a\\tb\"}}",
                   err, sizeof err);
    char *text = cJSON_PrintUnformatted(r);
    CHECK_MSG(text && strstr(text, "\"description\":\"Check a site\""), "%s", text);
    CHECK_MSG(text && strstr(text, "Site HQ over 1d; a\\tb."), "%s", text);
    CHECK_MSG(text && strstr(text, "\"uri\":\"mist://HQ\",\"text\":\"HQHQ\",\"n\":3"), "%s", text);
    CHECK_MSG(text && strstr(text, "\"role\":\"assistant\""), "%s", text);
    free(text);
    cJSON_Delete(r);
    /* an optional argument without a default, not given: empty */
    r = get(set, "{\"name\":\"site\",\"arguments\":{\"site\":\"B\",\"duration\":\"7d\"}}", err,
            sizeof err);
    text = cJSON_PrintUnformatted(r);
    CHECK_MSG(text && strstr(text, "Site B over 7d; ."), "%s", text);
    free(text);
    cJSON_Delete(r);

    get_refused(set, "{}", "needs params.name");
    get_refused(set, "{\"name\":3}", "needs params.name");
    get_refused(set, "{\"name\":\"nope\"}", "unknown prompt 'nope'; the prompts are: site");
    get_refused(set, "{\"name\":\"site\"}", "needs the argument 'site' (The site)");
    get_refused(set, "{\"name\":\"site\",\"arguments\":{\"site\":\"\"}}",
                "needs the argument 'site'");
    get_refused(set, "{\"name\":\"site\",\"arguments\":[]}", "must be an object of strings");
    get_refused(set, "{\"name\":\"site\",\"arguments\":{\"site\":\"a\",\"sit\":\"b\"}}",
                "no argument 'sit' (its arguments: site, duration, note)");
    get_refused(set, "{\"name\":\"site\",\"arguments\":{\"site\":1}}",
                "argument 'site' must be a string");
    char *big = malloc(MM_PROMPT_ARG_MAX_BYTES + 64);
    int n = snprintf(big, 64, "{\"name\":\"site\",\"arguments\":{\"site\":\"");
    memset(big + n, 'a', MM_PROMPT_ARG_MAX_BYTES + 1);
    strcpy(big + n + MM_PROMPT_ARG_MAX_BYTES + 1, "\"}}");
    get_refused(set, big, "at most 4096 are taken");
    free(big);
    mm_prompts_free(&set);
}

static void test_answer_bound(void)
{
    /* 64 uses of one 4 KiB argument: 256 KiB and more, over the bound */
    char def[2048];
    int n = snprintf(def, sizeof def,
                     "{\"prompts\":[{\"name\":\"big\",\"arguments\":[{\"name\":\"a\","
                     "\"required\":true}],\"messages\":[{\"role\":\"user\",\"content\":{"
                     "\"type\":\"text\",\"text\":\"");
    for (int i = 0; i < 64; i++)
        n += snprintf(def + n, sizeof def - (size_t)n, "{{a}}");
    snprintf(def + n, sizeof def - (size_t)n, "\"}}]}]}");
    char err[600];
    mm_prompts *set = read_text(def, err, sizeof err);
    CHECK_MSG(set, "%s", err);
    char *params = malloc(MM_PROMPT_ARG_MAX_BYTES + 64);
    int k = snprintf(params, 64, "{\"name\":\"big\",\"arguments\":{\"a\":\"");
    memset(params + k, 'x', MM_PROMPT_ARG_MAX_BYTES);
    strcpy(params + k + MM_PROMPT_ARG_MAX_BYTES, "\"}}");
    get_refused(set, params, "at most 262144 are sent");
    free(params);
    mm_prompts_free(&set);
}

static void test_complete(void)
{
    char err[600];
    char def[8192];
    int n = snprintf(def, sizeof def,
                     "{\"prompts\":[{\"name\":\"p\",\"arguments\":[{\"name\":\"kind\","
                     "\"values\":[\"ap\",\"switch\",\"Gateway\",\"all\"]},{\"name\":"
                     "\"free\"},{\"name\":\"many\",\"values\":[");
    for (int i = 0; i < 150; i++)
        n += snprintf(def + n, sizeof def - (size_t)n, "%s\"v%03d\"", i ? "," : "", i);
    snprintf(def + n, sizeof def - (size_t)n,
             "]}],\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\","
             "\"text\":\"{{kind}} {{free}} {{many}}\"}}]}]}");
    mm_prompts *set = read_text(def, err, sizeof err);
    CHECK_MSG(set, "%s", err);
    struct {
        const char *params, *want;
    } cases[] = {
        {"{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"p\"},\"argument\":{\"name\":\"kind\","
         "\"value\":\"\"}}",
         "{\"completion\":{\"values\":[\"ap\",\"switch\",\"Gateway\",\"all\"],\"total\":4,"
         "\"hasMore\":false}}"},
        {"{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"p\"},\"argument\":{\"name\":\"kind\","
         "\"value\":\"a\"}}",
         "{\"completion\":{\"values\":[\"ap\",\"all\"],\"total\":2,\"hasMore\":false}}"},
        {"{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"p\"},\"argument\":{\"name\":\"kind\","
         "\"value\":\"gA\"}}",
         "{\"completion\":{\"values\":[\"Gateway\"],\"total\":1,\"hasMore\":false}}"},
        {"{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"p\"},\"argument\":{\"name\":\"free\","
         "\"value\":\"x\"}}",
         "{\"completion\":{\"values\":[],\"total\":0,\"hasMore\":false}}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *p = cJSON_Parse(cases[i].params);
        cJSON *r = mm_prompts_complete(set, p, err, sizeof err);
        char *text = cJSON_PrintUnformatted(r);
        CHECK_MSG(text && strcmp(text, cases[i].want) == 0, "%s -> %s", cases[i].params,
                  text ? text : err);
        free(text);
        cJSON_Delete(r);
        cJSON_Delete(p);
    }
    /* at most 100 values, the total and hasMore say there are more */
    cJSON *p = cJSON_Parse("{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"p\"},\"argument\":{"
                           "\"name\":\"many\",\"value\":\"v\"}}");
    cJSON *r = mm_prompts_complete(set, p, err, sizeof err);
    const cJSON *c = cJSON_GetObjectItem(r, "completion");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(c, "values")) == 100);
    CHECK(cJSON_GetObjectItem(c, "total")->valueint == 150);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(c, "hasMore")));
    cJSON_Delete(r);
    cJSON_Delete(p);
    const char *bad[][2] = {
        {"{\"ref\":{\"type\":\"ref/resource\",\"uri\":\"x\"},\"argument\":{\"name\":\"a\","
         "\"value\":\"\"}}",
         "it has no resources"},
        {"{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"q\"},\"argument\":{\"name\":\"a\","
         "\"value\":\"\"}}",
         "unknown prompt 'q'"},
        {"{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"p\"},\"argument\":{\"name\":\"kin\","
         "\"value\":\"\"}}",
         "no argument 'kin' (its arguments: kind, free, many)"},
        {"{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"p\"},\"argument\":{\"name\":\"kind\"}}",
         "needs params.argument"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cJSON *q = cJSON_Parse(bad[i][0]);
        err[0] = '\0';
        CHECK_MSG(!mm_prompts_complete(set, q, err, sizeof err) && strstr(err, bad[i][1]), "%s: %s",
                  bad[i][0], err);
        cJSON_Delete(q);
    }
    mm_prompts_free(&set);
    refused("{\"prompts\":[{\"name\":\"p\",\"arguments\":[{\"name\":\"a\",\"values\":[1]}],"
            "\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\",\"text\":"
            "\"x\"}}]}]}",
            "\"values\" must be an array of strings");
}

static int known(void *ctx, const char *name)
{
    (void)ctx;
    return strcmp(name, "listOrgSites") == 0 || strcmp(name, "getSiteStats") == 0;
}

static void test_tool_names(void)
{
    char err[600];
    mm_prompts *set = read_text(fixture, err, sizeof err);
    size_t bad = mm_prompts_check_tools(set, known, NULL, err, sizeof err);
    CHECK_MSG(bad == 1, "%zu: %s", bad, err);
    CHECK_MSG(strcmp(err, "prompt 'site' names `noSuchTool`, which is no tool") == 0, "%s", err);
    char tiny[8]; /* a short buffer: still counted, text cut */
    CHECK(mm_prompts_check_tools(set, known, NULL, tiny, sizeof tiny) == 1);
    CHECK(strlen(tiny) < sizeof tiny);
    mm_prompts_free(&set);
}

/* Every tool the built-in prompts name (core/mcp/prompts/mist.json), to check with a fake
 * catalog that lists exactly these: the build's --check-prompts checks them against the real
 * one. */
static int count_names(void *ctx, const char *name)
{
    (void)name;
    (*(int *)ctx)++;
    return 1;
}

static void test_builtin(void)
{
    char err[600];
    mm_prompts *set = NULL;
    CHECK_MSG(mm_prompts_add_builtin(&set, err, sizeof err) == 0, "%s", err);
    int names = 0;
    CHECK(mm_prompts_check_tools(set, count_names, &names, err, sizeof err) == 0);
    CHECK_MSG(names >= 30, "%d tool names in the built-in prompts", names);
    const char *wanted[] = {"org_overview",    "site_health_check",   "find_client",
                            "offline_devices", "firmware_compliance", "wlan_connection_failures",
                            "recent_changes"};
    CHECK(mm_prompts_count(set) == sizeof wanted / sizeof wanted[0]);
    const char *why = NULL;
    cJSON *list = mm_prompts_list(set, NULL, &why);
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
        const cJSON *def = NULL, *d;
        cJSON_ArrayForEach(d, cJSON_GetObjectItem(list, "prompts"))
        {
            if (strcmp(cJSON_GetObjectItem(d, "name")->valuestring, wanted[i]) == 0)
                def = d;
        }
        CHECK_MSG(def, "built-in prompt %s", wanted[i]);
        if (!def)
            continue;
        CHECK_MSG(cJSON_IsString(cJSON_GetObjectItem(def, "description")) &&
                      cJSON_IsString(cJSON_GetObjectItem(def, "title")),
                  "%s has a title and a description for people", wanted[i]);
        /* its required arguments given, every placeholder is filled */
        cJSON *params = cJSON_CreateObject();
        cJSON_AddStringToObject(params, "name", wanted[i]);
        cJSON *args = cJSON_AddObjectToObject(params, "arguments");
        const cJSON *a;
        cJSON_ArrayForEach(a, cJSON_GetObjectItem(def, "arguments"))
        {
            CHECK_MSG(cJSON_IsString(cJSON_GetObjectItem(a, "description")), "%s: %s", wanted[i],
                      cJSON_GetObjectItem(a, "name")->valuestring);
            if (cJSON_IsTrue(cJSON_GetObjectItem(a, "required")))
                cJSON_AddStringToObject(args, cJSON_GetObjectItem(a, "name")->valuestring, "V");
        }
        cJSON *r = mm_prompts_get(set, params, err, sizeof err);
        char *text = cJSON_PrintUnformatted(r);
        CHECK_MSG(text && !strstr(text, "{{") && strstr(text, "callMistTool"), "%s: %s", wanted[i],
                  text ? text : err);
        free(text);
        cJSON_Delete(r);
        cJSON_Delete(params);
    }
    cJSON_Delete(list);
    mm_prompts_free(&set);
}

int main(void)
{
    test_reading_mistakes();
    test_list();
    test_get();
    test_answer_bound();
    test_complete();
    test_tool_names();
    test_builtin();
    return check_summary();
}
