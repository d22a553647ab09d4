/*
 * The index of a document's references (core/base/json_refs.c) answers exactly as
 * mm_json_pointer does: for every node of a document (each at every depth, so both the
 * indexed ones and the deeper ones it leaves to mm_json_pointer), for names that need the
 * ~0/~1 escapes, duplicate keys, array items, and for references that name nothing or are
 * written in ways only mm_json_pointer reads ("01" for item 1, a bare '~').
 */
#include "base/json_refs.h"
#include "base/json_schema.h"
#include "base/util.h"
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t compared;

static void escape_into(mm_buf *b, const char *name)
{
    mm_buf_put(b, "/", 1);
    for (const char *c = name; *c; c++)
        mm_buf_put(b, *c == '~' ? "~0" : *c == '/' ? "~1" : c, *c == '~' || *c == '/' ? 2 : 1);
}

static void same_everywhere(const mm_json_refs *r, const cJSON *doc, const cJSON *node, mm_buf *ref)
{
    const cJSON *fast = mm_json_refs_resolve(r, doc, ref->data);
    const cJSON *slow = mm_json_pointer(doc, ref->data);
    CHECK_MSG(fast == slow, "%s: the index and mm_json_pointer differ", ref->data);
    compared++;
    int i = 0;
    for (const cJSON *c = node->child; c; c = c->next, i++) {
        size_t at = ref->len;
        char number[24];
        snprintf(number, sizeof number, "%d", i);
        escape_into(ref, cJSON_IsArray(node) ? number : c->string);
        same_everywhere(r, doc, c, ref);
        ref->len = at;
        ref->data[at] = '\0';
    }
}

int main(void)
{
    const char *text =
        "{\"components\":{\"schemas\":{\"wlan\":{\"type\":\"object\",\"properties\":{\"ssid\":{"
        "\"type\":\"string\"},\"vlan\":{\"$ref\":\"#/components/schemas/vlan\"}}},"
        "\"vlan\":{\"type\":\"integer\"},\"a/b\":{\"x\":1},\"t~n\":{\"y\":[1,{\"z\":2}]},"
        "\"dup\":{\"first\":true},\"dup\":{\"second\":true},\"\":{\"empty\":1}}},"
        "\"paths\":{\"/api/v1/orgs/{org_id}/wlans\":{\"get\":{\"responses\":{\"200\":{\"d\":4}}}}},"
        "\"list\":[10,[20,[30,[40,{\"deep\":50}]]]],\"twice\":{\"a\":1},\"twice\":{\"b\":{\"c\":2}}"
        "}";
    cJSON *doc = cJSON_Parse(text);
    mm_json_refs *r = mm_json_refs_create(doc);
    CHECK(mm_json_refs_doc(r) == doc);
    mm_buf ref = {0};
    mm_buf_put(&ref, "#", 1);
    same_everywhere(r, doc, doc, &ref);
    CHECK_MSG(compared == 46, "every node compared: %zu", compared); /* 46 nodes in text */

    const char *odd[] = {"#/components/schemas/wlan",
                         "#/components/schemas/a~1b/x",
                         "#/components/schemas/t~0n/y/1/z",
                         "#/components/schemas/dup/first",
                         "#/components/schemas/dup/second",
                         "#/components/schemas/",
                         "#/components/schemas//empty",
                         "#/list/01",
                         "#/twice/a",
                         "#/twice/b",
                         "#/twice/b/c",
                         "#/list/-1",
                         "#/list/1/1/1/1/deep",
                         "#/components/schemas/t~n",
                         "#/components/schemas/t~2n",
                         "#/components/schemas/missing",
                         "#/paths/~1api~1v1~1orgs~1{org_id}~1wlans/get",
                         "#",
                         "",
                         "#components",
                         "other.yaml#/components/schemas/wlan",
                         NULL};
    for (size_t i = 0; odd[i]; i++)
        CHECK_MSG(mm_json_refs_resolve(r, doc, odd[i]) == mm_json_pointer(doc, odd[i]),
                  "%s: the index and mm_json_pointer differ", odd[i]);
    CHECK(mm_json_refs_resolve(r, doc, "#/components/schemas/dup") ==
          cJSON_GetObjectItemCaseSensitive(
              cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "components"),
                                               "schemas"),
              "dup"));
    CHECK(mm_json_refs_resolve(r, doc, NULL) == NULL);
    /* A name whose escaped form is longer than mm_json_pointer reads: not indexed either. */
    char name[1001], escaped[1200];
    memset(name, 'a', 1000);
    name[1000] = '\0';
    for (int i = 0; i < 1000; i += 40)
        name[i] = '/';
    cJSON *slashes = cJSON_CreateObject();
    cJSON_AddNumberToObject(slashes, name, 1);
    mm_json_refs *rs = mm_json_refs_create(slashes);
    size_t k = 0;
    for (const char *c = name; *c; c++)
        k += (size_t)snprintf(escaped + k, sizeof escaped - k, "%s", *c == '/' ? "~1" : "a");
    char ref_long[1300];
    snprintf(ref_long, sizeof ref_long, "#/%s", escaped);
    CHECK_MSG(mm_json_refs_resolve(rs, slashes, ref_long) == mm_json_pointer(slashes, ref_long),
              "a 1,000-byte name with 25 '/' (1,025 bytes escaped)");
    mm_json_refs_free(&rs);
    cJSON_Delete(slashes);
    /* Another document than the indexed one: resolved in that document, not the index. */
    cJSON *other = cJSON_Parse("{\"components\":{\"schemas\":{\"wlan\":{\"other\":true}}}}");
    const cJSON *w = mm_json_refs_resolve(r, other, "#/components/schemas/wlan");
    CHECK_MSG(w && cJSON_GetObjectItemCaseSensitive(w, "other"), "resolved in the other document");
    CHECK(mm_json_refs_resolve(NULL, doc, "#/components/schemas/vlan") ==
          mm_json_pointer(doc, "#/components/schemas/vlan"));

    /* The schema checker follows references through the index as without it. */
    const cJSON *wlan = mm_json_refs_resolve(r, doc, "#/components/schemas/wlan");
    cJSON *good = cJSON_Parse("{\"ssid\":\"corp\",\"vlan\":10}");
    cJSON *bad = cJSON_Parse("{\"ssid\":\"corp\",\"vlan\":\"ten\"}");
    long steps = MM_SCHEMA_BUDGET;
    mm_schema_error e;
    CHECK(mm_schema_check_indexed(doc, r, wlan, good, &e, &steps) == 0);
    CHECK_MSG(mm_schema_check_indexed(doc, r, wlan, bad, &e, &steps) != 0 &&
                  strcmp(e.where, "#/vlan") == 0,
              "the referenced vlan schema refuses a string: %s %s", e.where, e.why);
    cJSON_Delete(good);
    cJSON_Delete(bad);
    cJSON_Delete(other);
    free(ref.data);
    mm_json_refs_free(&r);
    CHECK(r == NULL);
    mm_json_refs_free(&r);
    cJSON_Delete(doc);
    return check_summary();
}
