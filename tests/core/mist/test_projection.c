/* Issue 19, items 1 and 2: field selection ("fields") on Mist answers and the compact table
 * ("format": "table"), alone and through the result shaper: nested paths, arrays of objects,
 * search envelopes, missing paths, null, overlapping paths, numbers past 2^53, the checks of
 * the argument, the table's escaping and ragged objects, and the order projection, cut. */
#define _POSIX_C_SOURCE 200809L
#include "base/json_exact.h"
#include "base/read_args.h"
#include "base/util.h"
#include "check.h"
#include "mist/projection.h"
#include "mist/result_shape.h"
#include "mist/table_text.h"

#include <stdlib.h>
#include <string.h>

/* The projection of json on the n paths, as compact text; found gets the flags. */
static char *project(const char *json, const char *const *paths, size_t n, unsigned char *found)
{
    cJSON *v = mm_json_parse_exact(json, strlen(json), NULL);
    memset(found, 0, n);
    cJSON *p = mm_project(v, paths, n, found);
    cJSON_Delete(v);
    return mm_json_take_text(p);
}

static void test_projection(void)
{
    unsigned char found[8];
    const char *device = "[{\"name\":\"ap1\",\"mac\":\"5c01\",\"uptime\":12345678901234567890,"
                         "\"radio_stat\":{\"band_24\":{\"num_clients\":3},\"band_5\":"
                         "{\"num_clients\":7,\"channel\":36},\"band_6\":null},"
                         "\"port_stat\":[{\"id\":\"eth0\",\"up\":true},{\"id\":\"eth1\",\"up\":"
                         "false},\"odd\"]},"
                         "{\"name\":\"ap2\",\"radio_stat\":null},7]";
    const char *p1[] = {"name", "radio_stat.band_5.num_clients", "uptime", "missing.deep"};
    char *t = project(device, p1, 4, found);
    CHECK_MSG(strcmp(t, "[{\"name\":\"ap1\",\"radio_stat\":{\"band_5\":{\"num_clients\":7}},"
                        "\"uptime\":12345678901234567890},{\"name\":\"ap2\",\"radio_stat\":null},"
                        "7]") == 0,
              "nested path, null parent kept, digits kept, a non-object item whole: %s", t);
    CHECK_MSG(found[0] && found[1] && found[2] && !found[3], "found flags %d%d%d%d", found[0],
              found[1], found[2], found[3]);
    free(t);

    const char *p2[] = {"port_stat.id", "radio_stat.band_6.num_clients"};
    t = project(device, p2, 2, found);
    CHECK_MSG(strcmp(t, "[{\"port_stat\":[{\"id\":\"eth0\"},{\"id\":\"eth1\"},\"odd\"],"
                        "\"radio_stat\":{\"band_6\":null}},{\"radio_stat\":null},7]") == 0,
              "an array of objects projected element-wise; null on the way kept: %s", t);
    CHECK(found[0] && found[1]);
    free(t);

    const char *p3[] = {"radio_stat.band_5.channel", "radio_stat", "name.first"};
    t = project("{\"name\":\"x\",\"radio_stat\":{\"band_5\":{\"channel\":36,\"power\":9}}}", p3, 3,
                found);
    CHECK_MSG(strcmp(t, "{\"radio_stat\":{\"band_5\":{\"channel\":36,\"power\":9}}}") == 0,
              "a single object; overlapping paths give the whole; a path below a string is "
              "not found: %s",
              t);
    CHECK(found[0] && found[1] && !found[2]);
    free(t);

    const char *p4[] = {"mac"};
    t = project("{\"results\":[{\"mac\":\"a\",\"ip\":\"1\"},{\"ip\":\"2\"}],\"total\":2,"
                "\"next\":\"/api/v1/x?search_after=1\"}",
                p4, 1, found);
    CHECK_MSG(strcmp(t, "{\"results\":[{\"mac\":\"a\"},{}],\"total\":2,\"next\":\"/api/v1/x?"
                        "search_after=1\"}") == 0,
              "a search envelope: its results projected, its other members kept: %s", t);
    CHECK(found[0]);
    free(t);

    t = project("[]", p4, 1, found);
    CHECK_MSG(strcmp(t, "[]") == 0 && !found[0], "an empty list: %s", t);
    free(t);
}

static void check_fields(const char *json, const char *expect)
{
    cJSON *v = cJSON_Parse(json);
    char err[400] = "";
    int rc = mm_fields_check(v, "fields", err, sizeof err);
    if (!expect)
        CHECK_MSG(rc == 0, "%s refused: %s", json, err);
    else
        CHECK_MSG(rc != 0 && strstr(err, expect), "%s: got %d '%s', want '%s'", json, rc, err,
                  expect);
    cJSON_Delete(v);
}

static void test_fields_check(void)
{
    check_fields("[\"name\",\"radio_stat.band_5.num_clients\"]", NULL);
    check_fields("\"name\"", "'fields' must be an array");
    check_fields("[]", "1 to 64 paths, not 0");
    check_fields("[\"name\",3]", "'fields[1]' is 3");
    check_fields("[null]", "'fields[0]' is null");
    check_fields("[\"\"]", "'fields[0]' is empty");
    check_fields("[\"a..b\"]", "'fields[0]' is \"a..b\"");
    check_fields("[\".a\"]", "'fields[0]' is \".a\"");
    check_fields("[\"a.\"]", "'fields[0]' is \"a.\"");
}

static char *table(const char *json, const char *const *cols, size_t n, const char **why)
{
    cJSON *v = mm_json_parse_exact(json, strlen(json), NULL);
    char *t = mm_table_text(v, cols, n, NULL, why);
    cJSON_Delete(v);
    return t;
}

static void test_table(void)
{
    const char *why = NULL;
    char *t = table("[{\"name\":\"a\\tb\",\"n\":1.50},{\"note\":\"line1\\nline2\\\\x\\r\","
                    "\"name\":\"caf\xc3\xa9 \xe2\x9c\x93\"},{\"n\":18446744073709551617,\"on\":"
                    "true,\"tags\":[\"x\",\"y\\tz\"],\"none\":null}]",
                    NULL, 0, &why);
    CHECK_MSG(t && strcmp(t, "name\tn\tnote\ton\ttags\tnone\n"
                             "a\\tb\t1.50\t\t\t\t\n"
                             "caf\xc3\xa9 \xe2\x9c\x93\t\tline1\\nline2\\\\x\\r\t\t\t\n"
                             "\t18446744073709551617\t\ttrue\t[\"x\",\"y\\\\tz\"]\t\n") == 0,
              "escaping, ragged objects (union of keys, first seen), unicode kept, digits kept, "
              "nested values as JSON, null empty:\n%s",
              t ? t : why);
    free(t);

    const char *cols[] = {"name", "radio_stat.band_5.num_clients", "ports.id"};
    t = table("[{\"name\":\"ap\",\"radio_stat\":{\"band_5\":{\"num_clients\":7}},\"ports\":"
              "[{\"id\":1}]},{\"name\":\"b\",\"radio_stat\":null}]",
              cols, 3, &why);
    CHECK_MSG(t && strcmp(t, "name\tradio_stat.band_5.num_clients\tports.id\nap\t7\t[{\"id\":1}]\n"
                             "b\t\t\n") == 0,
              "columns named by the fields paths:\n%s", t ? t : why);
    free(t);

    t = table("{\"a\":1}", NULL, 0, &why);
    CHECK_MSG(!t && strstr(why, "not a list"), "an object: %s", why);
    t = table("[{\"a\":1},2]", NULL, 0, &why);
    CHECK_MSG(!t && strstr(why, "not all objects"), "a scalar item: %s", why);
}

static cJSON *shaped(const char *body, const mm_shape_opts *o, size_t max)
{
    mistmcp_response r = {.status = 200, .body = (char *)body, .length = strlen(body)};
    return mm_result_shaped(&r, o, max);
}

static const char *text(const cJSON *res, int i)
{
    const cJSON *b = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(res, "content"), i);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(b, "text");
    return cJSON_IsString(t) ? t->valuestring : "";
}

static void test_shaped(void)
{
    /* 50 devices of about 300 bytes: 15 KB whole, far less projected. */
    mm_buf b = {0};
    mm_buf_put(&b, "[", 1);
    for (int i = 0; i < 50; i++) {
        char item[400];
        snprintf(item, sizeof item,
                 "%s{\"name\":\"ap-%02d\",\"mac\":\"5c5b350000%02d\",\"status\":\"connected\","
                 "\"serial\":\"A0811972%02d\",\"version\":\"0.14.29543\",\"ip\":\"10.0.0.%d\","
                 "\"model\":\"AP45\",\"uptime\":1036800,\"site_id\":\"8963ccde-5176-4470-89dc-"
                 "b045f842d422\",\"org_id\":\"14aefeb5-0f9f-4d2d-8ef5-61e017850725\"}",
                 i ? "," : "", i, i, i, i);
        mm_buf_put(&b, item, strlen(item));
    }
    mm_buf_put(&b, "]", 1);
    const char *fields[] = {"name", "status", "bogus"};
    mm_shape_opts o = {.fields = fields, .field_count = 3, .fields_name = "fields"};
    cJSON *r = shaped(b.data, &o, 4096);
    CHECK_MSG(strncmp(text(r, 0), "[{\"name\":\"ap-00\",\"status\":\"connected\"},", 39) == 0 &&
                  strlen(text(r, 0)) < 4096,
              "projected before the cut, it fits: %.200s", text(r, 0));
    CHECK_MSG(strstr(text(r, 1), "\"bogus\"") && strstr(text(r, 1), "Not found"),
              "the unknown path is reported: %s", text(r, 1));
    CHECK(cJSON_GetObjectItemCaseSensitive(r, "structuredContent") != NULL);
    cJSON_Delete(r);

    cJSON *whole = shaped(b.data, NULL, 4096);
    CHECK_MSG(strstr(text(whole, 1), "Result cut at"), "whole, it is cut: %s", text(whole, 1));
    cJSON_Delete(whole);

    o.table = 1;
    o.field_count = 2;
    r = shaped(b.data, &o, 4096);
    CHECK_MSG(strncmp(text(r, 0), "name\tstatus\nap-00\tconnected\nap-01\tconnected\n", 40) == 0,
              "a table: %.80s", text(r, 0));
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(r, "structuredContent");
    char *s = sc ? cJSON_PrintUnformatted(sc) : NULL;
    CHECK_MSG(s && strncmp(s, "{\"results\":[{\"name\":\"ap-00\",\"status\":\"connected\"}", 48) ==
                       0,
              "structuredContent keeps the JSON: %.100s", s ? s : "(none)");
    free(s);
    cJSON_Delete(r);

    r = shaped(b.data, &o, 300);
    size_t len = strlen(text(r, 0));
    CHECK_MSG(len <= 300 && text(r, 0)[len - 1] == '\n' && strstr(text(r, 1), "Result cut"),
              "a table is cut after a whole row: %zu bytes, note %s", len, text(r, 1));
    CHECK(!cJSON_GetObjectItemCaseSensitive(r, "structuredContent"));
    cJSON_Delete(r);

    mm_shape_opts t_only = {.table = 1};
    r = shaped("{\"id\":\"x\"}", &t_only, 4096);
    CHECK_MSG(strcmp(text(r, 0), "{\"id\":\"x\"}") == 0 && strstr(text(r, 1), "not a list"),
              "format table on an object: JSON and a note: %s", text(r, 1));
    cJSON_Delete(r);

    r = shaped("{\"results\":[{\"mac\":\"a\"}],\"total\":1,\"limit\":100}", &t_only, 4096);
    CHECK_MSG(strcmp(text(r, 0), "mac\na\n") == 0 && strcmp(text(r, 1), "total=1, limit=100") == 0,
              "a search: the results as a table, the envelope in a note: %s | %s", text(r, 0),
              text(r, 1));
    cJSON_Delete(r);
    free(b.data);
}

static void test_plan(void)
{
    const char *lods[] = {"org_id", "fields", "limit", "page", "mac"};
    mm_read_plan p = mm_read_plan_for(1, lods, 5);
    CHECK(p.fields && strcmp(p.fields, "select") == 0 && p.page_style == 1 && p.max_items);
    const char *search[] = {"org_id", "limit", "search_after"};
    p = mm_read_plan_for(1, search, 3);
    CHECK(strcmp(p.fields, "fields") == 0 && p.page_style == 2 && p.format);
    const char *one[] = {"site_id", "limit"};
    p = mm_read_plan_for(1, one, 2);
    CHECK(p.fields && !p.max_items && !p.page_style);
    p = mm_read_plan_for(0, one, 2);
    CHECK(!p.fields && !p.format && !p.max_items);
    cJSON *schema = cJSON_Parse("{\"type\":\"object\",\"properties\":{\"format\":{}}}");
    p = mm_read_plan_for(1, lods, 5);
    CHECK(mm_read_args_schema(schema, &p) == 2); /* format is taken already */
    char *s = cJSON_PrintUnformatted(schema);
    CHECK_MSG(strstr(s, "\"select\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}") &&
                  strstr(s, "\"max_items\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10000}"),
              "%s", s);
    free(s);
    cJSON_Delete(schema);
}

int main(void)
{
    mm_util_init();
    test_projection();
    test_fields_check();
    test_table();
    test_shaped();
    test_plan();
    return check_summary();
}
