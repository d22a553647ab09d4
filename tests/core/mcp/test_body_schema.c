/* The body schema describeMistTool gives: a field path finds a part (through array items, map
 * values "*" and alternatives), a missing field lists those that exist, and a schema too big
 * for the budget is cut by depth with pointers to the paths that show the rest. */
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
    "\"properties\":{\"band\":{\"type\":\"string\"}}}}},{\"type\":\"string\"}]}}}";

static char *text_of(const cJSON *n)
{
    return n ? cJSON_PrintUnformatted(n) : strdup("(none)");
}

int main(void)
{
    cJSON *body = cJSON_Parse(body_text);
    char fields[200];
    const cJSON *n = mm_body_schema_at(body, "", fields, sizeof fields);
    CHECK(n == body);
    n = mm_body_schema_at(body, "radius.servers.port", fields, sizeof fields);
    char *t = text_of(n);
    CHECK_MSG(strcmp(t, "{\"type\":\"integer\"}") == 0, "through array items: %s", t);
    free(t);
    n = mm_body_schema_at(body, "vars.*.value", fields, sizeof fields);
    t = text_of(n);
    CHECK_MSG(strcmp(t, "{\"type\":\"string\"}") == 0, "through map values: %s", t);
    free(t);
    n = mm_body_schema_at(body, "mode.ap.band", fields, sizeof fields);
    CHECK_MSG(n != NULL, "through an alternative");
    n = mm_body_schema_at(body, "radius.servrs", fields, sizeof fields);
    CHECK_MSG(!n && strcmp(fields, "servers") == 0, "a missing field lists the others: %s", fields);

    int kept = -1;
    cJSON *whole = mm_body_schema_pruned(body, "", 100000, &kept);
    CHECK(kept == 0 && cJSON_Compare(whole, body, 1));
    cJSON_Delete(whole);
    cJSON *cut = mm_body_schema_pruned(body, "", 200, &kept);
    t = text_of(cut);
    CHECK_MSG(kept == 1, "depth kept: %d", kept);
    CHECK_MSG(strstr(t, "\"radius\":{\"type\":\"object\",\"description\":\"RADIUS. Fields: "
                        "describeMistTool with path \\\"radius\\\".\"}") &&
                  strstr(t, "with path \\\"vars\\\"") && !strstr(t, "servers") &&
                  strstr(t, "\"name\":{\"type\":\"string\"}"),
              "cut at depth 1: %s", t);
    free(t);
    cJSON_Delete(cut);
    /* a part, cut under its own path */
    n = mm_body_schema_at(body, "radius", fields, sizeof fields);
    cut = mm_body_schema_pruned(n, "radius", 60, &kept);
    t = text_of(cut);
    CHECK_MSG(kept == 1 && strstr(t, "with path \\\"radius.servers\\\""), "%d %s", kept, t);
    free(t);
    cJSON_Delete(cut);
    cJSON_Delete(body);
    return check_summary();
}
