/*
 * Tool search, piece by piece (core/mcp/search_text.c, search_index.c, tool_search.c): the
 * word tables (sorted, stemmed, so a lookup cannot miss), cutting and stemming words, the
 * inverted index of a small catalog, and the ranking rules on it: synonyms (offline -> stats,
 * locate -> search), phrases ("access points"), hints (client -> wireless), a count tool only
 * for "how many", a tool for one object behind the list for a plural question, write tools
 * only when asked, and the category filter. The whole catalog's quality is measured by
 * tests/e2e/test_discovery.c on real questions.
 */
#include "base/util.h"
#include "check.h"
#include "mcp/search_index.h"
#include "mcp/search_text.h"
#include "mcp/tool_search.h"

#include <stdio.h>
#include <string.h>

static void test_tables(void)
{
    size_t n;
    const mm_search_synonym *s = mm_search_synonyms(&n);
    CHECK(n > 20);
    for (size_t i = 0; i < n; i++) {
        char w[MM_SEARCH_WORD_MAX];
        snprintf(w, sizeof w, "%s", s[i].word);
        CHECK_MSG(!mm_search_stem(w), "synonym '%s' is not stemmed: lookups would miss it",
                  s[i].word);
        CHECK_MSG(i == 0 || strcmp(s[i - 1].word, s[i].word) < 0, "synonyms unsorted at '%s'",
                  s[i].word);
        CHECK_MSG(mm_search_synonym_of(s[i].word) == &s[i], "lookup of '%s'", s[i].word);
        CHECK_MSG(!mm_search_stopword(s[i].word), "'%s' is a stop word and a synonym", s[i].word);
        for (int list = 0; list < 2; list++) {
            const char *p = list ? s[i].hints : s[i].also;
            while (p && mm_search_next_word(&p, 0, w)) {
                char stem[MM_SEARCH_WORD_MAX];
                snprintf(stem, sizeof stem, "%s", w);
                CHECK_MSG(!mm_search_stem(stem), "'%s' of '%s' is not stemmed", w, s[i].word);
            }
        }
    }
    CHECK(mm_search_synonym_of("device") == NULL);
    /* Every stop word found (the table is searched by bisection: unsorted, some would not be). */
    static const char *const stop[] = {"a",    "behind", "configured", "doe",   "how",
                                       "many", "the",    "which",      "within"};
    for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
        CHECK_MSG(mm_search_stopword(stop[i]), "'%s'", stop[i]);
    CHECK(!mm_search_stopword("status") && !mm_search_stopword("device"));
    CHECK(strcmp(mm_search_phrase("access", "point"), "ap") == 0);
    CHECK(strcmp(mm_search_phrase("how", "many"), "count") == 0);
    CHECK(mm_search_phrase("point", "access") == NULL);
}

static void test_words(void)
{
    const char *p = "listOrgWlans {org_id}/stats_x-y";
    char w[MM_SEARCH_WORD_MAX];
    const char *want[] = {"list", "org", "wlans", "org", "id", "stats", "x", "y"};
    for (size_t i = 0; i < 8; i++)
        CHECK_MSG(mm_search_next_word(&p, 0, w) && strcmp(w, want[i]) == 0, "word %zu: %s", i, w);
    CHECK(!mm_search_next_word(&p, 0, w));
    p = "/api/v1/orgs/{org_id}/devices/{device_id}";
    const char *path[] = {"api", "v1", "orgs", "devices"};
    for (size_t i = 0; i < 4; i++)
        CHECK_MSG(mm_search_next_word(&p, 1, w) && strcmp(w, path[i]) == 0, "path %zu: %s", i, w);
    CHECK_MSG(!mm_search_next_word(&p, 1, w), "placeholders are no words: %s", w);
    char long_word[100];
    memset(long_word, 'a', sizeof long_word - 1);
    long_word[sizeof long_word - 1] = '\0';
    p = long_word;
    CHECK(mm_search_next_word(&p, 0, w) && strlen(w) == MM_SEARCH_WORD_MAX - 1 && !*p);

    static const char *const stems[][2] = {
        {"devices", "device"}, {"switches", "switch"}, {"policies", "policy"}, {"aps", "ap"},
        {"status", "status"},  {"class", "class"},     {"stats", "stat"},      {"bus", "bus"}};
    for (size_t i = 0; i < sizeof stems / sizeof stems[0]; i++) {
        char s[MM_SEARCH_WORD_MAX];
        snprintf(s, sizeof s, "%s", stems[i][0]);
        int changed = mm_search_stem(s);
        CHECK_MSG(strcmp(s, stems[i][1]) == 0 && changed == (strcmp(stems[i][0], s) != 0),
                  "%s -> %s", stems[i][0], s);
    }
}

/* A small catalog: names, summaries and paths like Mist's. */
static const mm_catalog_tool dev_tools[] = {
    {"countOrgDevices", "Count Org Devices", "/api/v1/orgs/{org_id}/devices/count", 1, 1},
    {"getSiteDeviceStats", "Get Site Device Stats",
     "/api/v1/sites/{site_id}/stats/devices/{device_id}", 1, 1},
    {"listOrgApsMacs", "Get List of Org APs by MAC", "/api/v1/orgs/{org_id}/devices/radio_macs", 1,
     1},
    {"listSiteDevicesStats", "Get List of Site Devices Stats",
     "/api/v1/sites/{site_id}/stats/devices", 1, 1},
    {"restartSiteDevice", "Restart Device", "/api/v1/sites/{site_id}/devices/{device_id}/restart",
     2, 0}};
static const mm_catalog_tool client_tools[] = {
    {"searchOrgNacClients", "Search Org NAC Clients", "/api/v1/orgs/{org_id}/nac_clients/search", 1,
     1},
    {"searchOrgWirelessClients", "Search Org Wireless Clients",
     "/api/v1/orgs/{org_id}/clients/search", 1, 1},
    {"getOrg", "Get Organization information", "/api/v1/orgs/{org_id}", 1, 1}};
static const mm_catalog_category cats[] = {
    {"orgs_clients", "Orgs Clients", "Clients.", client_tools, 3, 3},
    {"sites_devices", "Sites Devices", "Devices.", dev_tools, 5, 4}};
static const mm_catalog catalog = {MM_CATALOG_FORMAT, "test", cats, 2, 8};

static void test_index(void)
{
    mm_search_index *ix = mm_search_index_build(&catalog);
    CHECK(ix->entry_count == 8);
    size_t first, n = mm_search_index_find(ix, "device", &first);
    CHECK_MSG(n >= 1 && strcmp(ix->words[first].text, "device") == 0, "device: %zu", n);
    /* getSiteDeviceStats has "device" in its name: one posting, several fields. */
    int found = 0;
    for (uint32_t p = 0; p < ix->words[first].count; p++) {
        const mm_search_entry *e = &ix->entries[ix->words[first].postings[p].entry];
        if (strcmp(e->tool->name, "getSiteDeviceStats") == 0)
            found = (ix->words[first].postings[p].fields & (1u << MM_FIELD_NAME)) &&
                    (ix->words[first].postings[p].fields & (1u << MM_FIELD_PATH));
        CHECK(p == 0 ||
              ix->words[first].postings[p - 1].entry < ix->words[first].postings[p].entry);
    }
    CHECK(found);
    n = mm_search_index_find(ix, "wire", &first); /* a prefix: "wireless" */
    CHECK(n == 1 && strcmp(ix->words[first].text, "wireless") == 0);
    CHECK(mm_search_index_find(ix, "zzz", &first) == 0);
    CHECK(mm_search_index_find(ix, "the", &first) == 0); /* stop words are not indexed */
    for (size_t i = 0; i < ix->entry_count; i++) {
        const mm_search_entry *e = &ix->entries[i];
        CHECK_MSG(e->counts == (strncmp(e->tool->name, "count", 5) == 0), "%s", e->tool->name);
        int one = strcmp(e->tool->name, "getSiteDeviceStats") == 0;
        CHECK_MSG(e->single == one, "%s: one object by its id (not getOrg)", e->tool->name);
    }
    mm_search_index_free(&ix);
    CHECK(ix == NULL);
}

static const char *first_hit(const char *query, int include_write)
{
    mm_search_hit hits[8];
    size_t n = mm_tool_search(&catalog, query, include_write, NULL, NULL, hits, 8);
    return n ? hits[0].tool->name : "(none)";
}

static int no_clients(const mm_catalog_category *category, void *ctx)
{
    (void)ctx;
    return strcmp(category->name, "orgs_clients") != 0;
}

static void test_ranking(void)
{
    CHECK_MSG(strcmp(first_hit("APs that are offline", 0), "listSiteDevicesStats") == 0,
              "offline means stats, several APs a list: %s", first_hit("APs that are offline", 0));
    CHECK_MSG(strcmp(first_hit("which access points are offline", 0), "listSiteDevicesStats") == 0,
              "%s", first_hit("which access points are offline", 0));
    CHECK_MSG(strcmp(first_hit("statistic of a device", 0), "getSiteDeviceStats") == 0,
              "one device: %s", first_hit("statistic of a device", 0));
    CHECK_MSG(strcmp(first_hit("how many devices", 0), "countOrgDevices") == 0, "%s",
              first_hit("how many devices", 0));
    CHECK_MSG(strcmp(first_hit("devices", 0), "countOrgDevices") != 0, "%s",
              first_hit("devices", 0));
    CHECK_MSG(strcmp(first_hit("locate the client xyz", 0), "searchOrgWirelessClients") == 0,
              "locate means search, a client mostly a wireless one: %s",
              first_hit("locate the client xyz", 0));
    CHECK_MSG(strcmp(first_hit("my organization details", 0), "getOrg") == 0, "%s",
              first_hit("my organization details", 0));
    CHECK(strcmp(first_hit("restart a device", 0), "restartSiteDevice") != 0);
    CHECK(strcmp(first_hit("restart a device", 1), "restartSiteDevice") == 0);
    mm_search_hit hits[8];
    size_t n = mm_tool_search(&catalog, "clients", 0, no_clients, NULL, hits, 8);
    for (size_t i = 0; i < n; i++)
        CHECK_MSG(strcmp(hits[i].category->name, "orgs_clients") != 0, "%s", hits[i].tool->name);
    CHECK(mm_tool_search(&catalog, "the of a", 0, NULL, NULL, hits, 8) == 0);
    CHECK(mm_tool_search(&catalog, "", 0, NULL, NULL, hits, 8) == 0);
    /* A question of 100 words is cut, not overflowed. */
    char many[1200] = "";
    for (int i = 0; i < 100; i++)
        strcat(many, i % 2 ? "wireless " : "devices ");
    CHECK(mm_tool_search(&catalog, many, 0, NULL, NULL, hits, 8) > 0);
    /* One catalog per process: another finds nothing. */
    mm_catalog other = catalog;
    CHECK(mm_tool_search(&other, "devices", 0, NULL, NULL, hits, 8) == 0);
}

int main(void)
{
    mm_util_init();
    test_tables();
    test_words();
    test_index();
    test_ranking();
    return check_summary();
}
