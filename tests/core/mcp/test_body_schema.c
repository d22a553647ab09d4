/* The body schema describeMistTool gives: a field path finds a part (through array items, map
 * values "*", alternatives and "[N]" selectors, escaped dots), a wrong path names the segment
 * and what may follow, and a schema too big for the budget is cut by depth with pointers that
 * read back to the very field they stand for, even inside alternatives. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "mcp/body_schema.h"

#include <stdlib.h>
#include <string.h>

static const char *body_text =
    "{\"type\":\"object\",\"properties\":{"
    "\"name\":{\"type\":\"string\"},"
    "\"radius\":{\"type\":\"object\",\"description\":\"RADIUS\",\"required\":[\"servers\"],"
    "\"properties\":{\"servers\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
    "\"properties\":{\"host\":{\"type\":\"string\"},\"port\":{\"type\":\"integer\"}}}}}},"
    "\"vars\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"object\","
    "\"properties\":{\"value\":{\"type\":\"string\"}}}},"
    "\"mode\":{\"oneOf\":[{\"type\":\"object\",\"properties\":{\"ap\":{\"type\":\"object\","
    "\"description\":\"AP\",\"properties\":{\"band\":{\"type\":\"string\"}}}}},"
    "{\"type\":\"object\",\"properties\":{\"ap\":{\"type\":\"object\",\"description\":\"switch\","
    "\"properties\":{\"poe\":{\"type\":\"boolean\"}}}}}]},"
    "\"dotted.name\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"}}}}}";

static char *text_of(const cJSON *n)
{
    return n ? cJSON_PrintUnformatted(n) : strdup("(none)");
}

static void expect_at(const cJSON *body, const char *path, const char *want)
{
    char *why = NULL;
    const cJSON *n = mm_body_schema_at(body, path, &why);
    char *t = text_of(n);
    CHECK_MSG(strcmp(t, want) == 0, "%s: %s (%s), expected %s", path, t, why ? why : "", want);
    free(t);
    free(why);
}

static void expect_wrong(const cJSON *body, const char *path, const char *want)
{
    char *why = NULL;
    const cJSON *n = mm_body_schema_at(body, path, &why);
    CHECK_MSG(!n && why && strcmp(why, want) == 0, "%s: %s, expected %s", path, why ? why : "found",
              want);
    free(why);
}

/* Every pointer in the cut copy reads back, in the whole schema, to a node with the same
 * description (the cut keeps it, before the pointer text). */
static void pointers_read_back(const cJSON *body, const char *text)
{
    int seen = 0;
    for (const char *p = strstr(text, "with path \\\""); p; p = strstr(p + 1, "with path \\\"")) {
        const char *start = p + strlen("with path \\\"");
        const char *end = strstr(start, "\\\"");
        char path[200];
        size_t k = 0;
        for (const char *c = start; c < end && k + 1 < sizeof path; c++) {
            if (c[0] == '\\' && c[1] == '\\') /* JSON's escape of a backslash */
                c++;
            path[k++] = *c;
        }
        path[k] = '\0';
        char *why = NULL;
        const cJSON *n = mm_body_schema_at(body, path, &why);
        CHECK_MSG(n != NULL, "pointer %s does not read back: %s", path, why ? why : "");
        free(why);
        seen++;
    }
    CHECK_MSG(seen > 0, "no pointer in %s", text);
}

int main(void)
{
    cJSON *body = cJSON_Parse(body_text);
    char *why = NULL;
    CHECK(mm_body_schema_at(body, "", &why) == body && !why);
    expect_at(body, "radius.servers.port", "{\"type\":\"integer\"}");
    expect_at(body, "vars.*.value", "{\"type\":\"string\"}");
    expect_at(body, "mode.ap.band", "{\"type\":\"string\"}"); /* the first alternative's */
    expect_at(body, "mode.[1].ap.poe", "{\"type\":\"boolean\"}");
    expect_at(body, "dotted\\.name.x", "{\"type\":\"integer\"}");
    expect_wrong(body, "radius.servrs",
                 "no field 'servrs' after 'radius'; what may follow there: servers");
    expect_wrong(body, "mode.x", "no field 'x' after 'mode'; what may follow there: [0], [1]");
    expect_wrong(body, "nme",
                 "no field 'nme' at the top; what may follow there: name, radius, vars, mode, "
                 "dotted.name");
    expect_wrong(body, "name.x",
                 "no field 'x' after 'name'; what may follow there: nothing (not an object)");
    static const char *const empty[] = {"radius..servers", ".", "radius.", ".radius"};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++)
        expect_wrong(body, empty[i],
                     "a path has no empty field names (no two dots, no dot at an end)");

    int kept = -1;
    cJSON *whole = mm_body_schema_pruned(body, "", 100000, &kept);
    CHECK(kept == 0 && cJSON_Compare(whole, body, 1));
    cJSON_Delete(whole);
    cJSON *cut = mm_body_schema_pruned(body, "", 600, &kept);
    char *t = text_of(cut);
    CHECK_MSG(kept == 1, "depth kept: %d", kept);
    CHECK_MSG(strstr(t, "\"radius\":{\"type\":\"object\",\"description\":\"RADIUS. Fields: "
                        "describeMistTool with path \\\"radius\\\".\"}") &&
                  strstr(t, "with path \\\"vars\\\"") && !strstr(t, "servers") &&
                  strstr(t, "with path \\\"mode.[0]\\\"") &&
                  strstr(t, "with path \\\"mode.[1]\\\"") &&
                  strstr(t, "with path \\\"dotted\\\\.name\\\"") &&
                  strstr(t, "\"name\":{\"type\":\"string\"}"),
              "cut at depth 1: %s", t);
    pointers_read_back(body, t);
    free(t);
    cJSON_Delete(cut);
    /* inside alternatives, each pointer names its alternative: the switch's "ap" is not the
     * AP's */
    const cJSON *n = mm_body_schema_at(body, "mode", &why);
    cut = mm_body_schema_pruned(n, "mode", 150, &kept);
    t = text_of(cut);
    CHECK_MSG(strstr(t, "with path \\\"mode.[0].ap\\\"") &&
                  strstr(t, "with path \\\"mode.[1].ap\\\""),
              "pointers in alternatives: %s", t);
    pointers_read_back(body, t);
    free(t);
    cJSON_Delete(cut);
    expect_at(body, "mode.[1].ap",
              "{\"type\":\"object\",\"description\":\"switch\",\"properties\":{\"poe\":{"
              "\"type\":\"boolean\"}}}");
    /* a part, cut under its own path */
    n = mm_body_schema_at(body, "radius", &why);
    cut = mm_body_schema_pruned(n, "radius", 60, &kept);
    t = text_of(cut);
    CHECK_MSG(kept == 1 && strstr(t, "with path \\\"radius.servers\\\""), "%d %s", kept, t);
    pointers_read_back(body, t);
    free(t);
    cJSON_Delete(cut);
    /* over the budget even at depth 1: names and types only */
    cut = mm_body_schema_pruned(body, "", 10, &kept);
    t = text_of(cut);
    CHECK_MSG(kept == 1 && !strstr(t, "RADIUS") && strstr(t, "with path \\\"radius\\\""), "%s", t);
    free(t);
    cJSON_Delete(cut);
    cJSON_Delete(body);
    return check_summary();
}
