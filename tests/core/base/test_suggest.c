/*
 * "Did you mean" (core/base/edit_distance.c, core/base/suggest.c): the bounded edit distance
 * (insertions, deletions, substitutions, swapped neighbours, case ignored, the bound honoured
 * and early answers exact), and the suggestions for wrong category and tool names: a typo
 * finds its name first, shared words find the rest, junk finds nothing.
 */
#include "base/edit_distance.h"
#include "base/suggest.h"
#include "check.h"

#include <stdio.h>
#include <string.h>

static const char *const categories[] = {"orgs",
                                         "orgs_devices",
                                         "orgs_stats___devices",
                                         "orgs_wlans",
                                         "sites_devices",
                                         "sites_wlans",
                                         "orgs_sites",
                                         "utilities_lan",
                                         "sites",
                                         "orgs_clients___wireless",
                                         "orgs_alarms",
                                         "sites_psks",
                                         "orgs_psks",
                                         "msps",
                                         "orgs_devices_other",
                                         "constants_events"};
#define N_CATEGORIES (sizeof categories / sizeof categories[0])

static const char *const tools[] = {"listOrgWlans",        "listSiteWlans",  "getOrgWlan",
                                    "searchOrgDevices",    "listOrgDevices", "listSiteDevicesStats",
                                    "listOrgDevicesStats", "getSiteDevice",  "searchMistTools"};
#define N_TOOLS (sizeof tools / sizeof tools[0])

/* The suggestions for wrong among names, as mm_suggest_list writes them: "a, b, c". */
static const char *suggest(const char *wrong, const char *const *names, size_t n, char *buf,
                           size_t size)
{
    mm_suggest s;
    mm_suggest_init(&s, wrong, 3);
    for (size_t i = 0; i < n; i++)
        mm_suggest_consider(&s, names[i], i);
    size_t count = mm_suggest_list(&s, buf, size);
    CHECK(count == s.count && (count == 0) == (buf[0] == '\0'));
    for (size_t i = 0; i < s.count; i++)
        CHECK(s.names[i] == names[s.ids[i]]);
    return buf;
}

/* 1 if the first suggestion in list is name ("" for none). */
static int first_is(const char *list, const char *name)
{
    size_t n = strlen(name);
    return strncmp(list, name, n) == 0 && (list[n] == '\0' || (n && list[n] == ','));
}

static void test_distance(void)
{
    CHECK(mm_edit_distance("", "", 3) == 0);
    CHECK(mm_edit_distance("abc", "", 5) == 3 && mm_edit_distance("", "abc", 5) == 3);
    CHECK(mm_edit_distance("orgs_devices", "orgs_devices", 2) == 0);
    CHECK(mm_edit_distance("orgs_devics", "orgs_devices", 2) == 1);   /* a letter left out */
    CHECK(mm_edit_distance("orgs_devicess", "orgs_devices", 2) == 1); /* one too many */
    CHECK(mm_edit_distance("orgs_devixes", "orgs_devices", 2) == 1);  /* one wrong */
    CHECK(mm_edit_distance("orgs_deivces", "orgs_devices", 2) == 1);  /* two swapped */
    CHECK(mm_edit_distance("ORGS_Devices", "orgs_devices", 2) == 0);  /* case ignored */
    CHECK(mm_edit_distance("kitten", "sitting", 5) == 3);
    CHECK(mm_edit_distance("ca", "abc", 5) == 3); /* optimal string alignment: not 2 */
    /* Beyond the bound: bound + 1, whether the lengths tell it at once or the rows do. */
    CHECK(mm_edit_distance("orgs", "sites_wlans_derived", 3) == 4);
    CHECK(mm_edit_distance("abcdef", "uvwxyz", 2) == 3);
    CHECK(mm_edit_distance("abcdef", "uvwxyz", 6) == 6);
    CHECK(mm_edit_distance("abcdef", "abcxyz", 0) == 1);
    char longer[MM_EDIT_DISTANCE_MAX_LEN + 2];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    CHECK_MSG(mm_edit_distance(longer, longer, 3) == 4, "past the longest name: never close");
    longer[MM_EDIT_DISTANCE_MAX_LEN] = '\0';
    CHECK(mm_edit_distance(longer, longer, 3) == 0);
}

static void test_suggestions(void)
{
    static const struct {
        const char *wrong;
        int tool;          /* among the tools, else the categories */
        const char *first; /* "": no suggestion */
        const char *why;
    } cases[] = {
        {"orgs_devics", 0, "orgs_devices", "a letter left out"},
        {"orgs_deivces", 0, "orgs_devices", "two letters swapped"},
        {"sites_wlan", 0, "sites_wlans", "singular"},
        {"org_wlan", 0, "orgs_wlans", "shared words"},
        {"orgs__wlans", 0, "orgs_wlans", "a doubled '_'"},
        {"wireless_clients_orgs", 0, "orgs_clients___wireless", "words in another order"},
        {"Orgs Devices", 0, "orgs_devices", "the OpenAPI tag"},
        {"zz", 0, "", "junk"},
        {"banana_split", 0, "", "junk"},
        {"listOrgWlan", 1, "listOrgWlans", "a tool, singular"},
        {"listorgwlans", 1, "listOrgWlans", "a tool, lower case"},
        {"list_org_wlans", 1, "listOrgWlans", "a tool in snake_case"},
        {"searchMistTool", 1, "searchMistTools", "a built-in tool"},
        {"listSiteDeviceStats", 1, "listSiteDevicesStats", "a plural left out"},
    };
    char buf[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = suggest(cases[i].wrong, cases[i].tool ? tools : categories,
                                  cases[i].tool ? N_TOOLS : N_CATEGORIES, buf, sizeof buf);
        CHECK_MSG(first_is(got, cases[i].first), "%s: '%s' -> [%s], wanted %s first", cases[i].why,
                  cases[i].wrong, got, cases[i].first);
    }
    CHECK_MSG(strcmp(suggest("wireless_clients_orgs", categories, N_CATEGORIES, buf, sizeof buf),
                     "orgs_clients___wireless") == 0,
              "only the name with all the words: %s", buf);

    /* Limits: at most `limit`, best first, and never more than MM_SUGGEST_MAX. */
    mm_suggest s;
    mm_suggest_init(&s, "orgs", 99);
    CHECK(s.limit == MM_SUGGEST_MAX);
    for (size_t i = 0; i < N_CATEGORIES; i++)
        mm_suggest_consider(&s, categories[i], i);
    CHECK_MSG(s.count == MM_SUGGEST_MAX && strcmp(categories[s.ids[0]], "orgs") == 0,
              "%zu suggestions, first %s", s.count, categories[s.ids[0]]);
    for (size_t i = 1; i < s.count; i++)
        CHECK(s.scores[i - 1] >= s.scores[i]);
    mm_suggest_init(&s, "orgs", 0);
    mm_suggest_consider(&s, "orgs", 0);
    CHECK(s.count == 0);
    char huge[300];
    memset(huge, 'o', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    mm_suggest_init(&s, huge, 3);
    mm_suggest_consider(&s, huge, 0);
    CHECK_MSG(s.count == 0, "a wrong name of 299 bytes gets no suggestion");
}

int main(void)
{
    test_distance();
    test_suggestions();
    return check_summary();
}
