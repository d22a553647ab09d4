/*
 * Tool descriptions (generator/tool_text.c): each says what the tool returns or changes, in
 * whole sentences, within its budget. Crafted operations check each rule; then, given the
 * pinned spec, every operation at every compaction level's budget is checked: at most the
 * budget, never only the tool's name respelled, never a cut sentence, and the one summary that
 * contradicts its method (GetSiteDeviceHaClusterNode, a GET that says "Delete HA Cluster") is
 * flagged and described by its method; and the GETs that act (a path ending in /cancel) are
 * write tools.
 *
 * usage: test_tool_text [SPEC EXCLUSIONS]
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "model.h"
#include "schema.h"
#include "spec.h"
#include "text.h"
#include "tool_text.h"

#include <mistmcp/plugin.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Written again here, not taken from the generator: 1 if every word of text (lower-cased,
 * split at non-letters) is one of the name's camelCase words, a plural 's' aside. */
static int only_the_name(const char *text, const char *name)
{
    char nw[40][32], w[32];
    int nn = 0;
    for (size_t i = 0, k = 0; nn < 40; i++) {
        char c = name[i];
        if (k && (!isalnum((unsigned char)c) || isupper((unsigned char)c))) {
            nw[nn][k] = '\0';
            nn++, k = 0;
        }
        if (!c)
            break;
        if (isalnum((unsigned char)c) && k < 31)
            nw[nn][k++] = (char)tolower((unsigned char)c);
    }
    for (const char *p = text; *p;) {
        size_t k = 0;
        while (*p && !isalnum((unsigned char)*p))
            p++;
        while (isalnum((unsigned char)*p))
            if (k < 31)
                w[k++] = (char)tolower((unsigned char)*p++);
            else
                p++;
        w[k] = '\0';
        if (!k)
            break;
        int found = 0;
        for (int i = 0; i < nn && !found; i++) {
            size_t a = strlen(nw[i]);
            found = strcmp(nw[i], w) == 0 || (k == a + 1 && w[a] == 's' && !strncmp(nw[i], w, a)) ||
                    (a == k + 1 && nw[i][k] == 's' && !strncmp(nw[i], w, k));
        }
        if (!found)
            return 0;
    }
    return 1;
}

static gen_op op_of(const char *name, const char *method, int method_id, const char *path,
                    const char *summary, const char *description)
{
    gen_op op = {0};
    op.name = (char *)name;
    op.method = (char *)method;
    op.method_id = method_id;
    op.path = (char *)path;
    op.summary = (char *)summary;
    op.description = (char *)description;
    return op;
}

static void expect(const cJSON *spec, const gen_op *op, size_t max, const char *want)
{
    char *d = gen_tool_description(spec, op, max);
    CHECK_MSG(strcmp(d, want) == 0, "%s at %zu: \"%s\", expected \"%s\"", op->name, max, d, want);
    free(d);
}

static void crafted(void)
{
    /* GET /api/v1/orgs/{org_id}/nactags answers a list; POST .../wlans the WLAN, with its id */
    cJSON *spec = cJSON_Parse(
        "{\"paths\":{\"/api/v1/orgs/{org_id}/nactags\":{\"get\":{\"responses\":{\"200\":{"
        "\"content\":{\"application/json\":{\"schema\":{\"type\":\"array\"}}}}}}},"
        "\"/api/v1/orgs/{org_id}/wlans\":{\"post\":{\"responses\":{\"200\":{\"content\":{"
        "\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/wlan\"}}}}}}}},"
        "\"components\":{\"schemas\":{\"wlan\":{\"type\":\"object\",\"properties\":{"
        "\"id\":{\"type\":\"string\"}}}}}}");
    CHECK(spec != NULL);
    gen_param page = {.name = "page"};

    /* Only the name respelled: the method and path say what it returns or changes. */
    gen_op op =
        op_of("getOrgNacTag", "GET", MISTMCP_HTTP_GET, "/api/v1/orgs/{org_id}/nactags/{nactag_id}",
              "Get Org NAC Tag", "Get Org NAC Tag");
    expect(spec, &op, 300, "Returns one Org NAC Tag, given by nactag_id.");
    op = op_of("listOrgNacTags", "GET", MISTMCP_HTTP_GET, "/api/v1/orgs/{org_id}/nactags",
               "List Org NAC Tags", NULL);
    op.params = &page, op.param_count = 1;
    expect(spec, &op, 300, "Returns a list of Org NAC Tags, paged.");
    op = op_of("deleteOrgNacTag", "DELETE", MISTMCP_HTTP_DELETE,
               "/api/v1/orgs/{org_id}/nactags/{nactag_id}", "Delete Org NAC Tag", NULL);
    expect(spec, &op, 300, "Deletes Org NAC Tag, given by nactag_id.");
    op = op_of("deleteMspLogo", "DELETE", MISTMCP_HTTP_DELETE, "/api/v1/msps/{msp_id}/logo",
               "Delete MSP Logo", NULL);
    expect(spec, &op, 300, "Deletes MSP Logo of the given msp_id.");
    op = op_of("createOrgWlan", "POST", MISTMCP_HTTP_POST, "/api/v1/orgs/{org_id}/wlans",
               "Create Org Wlan", "Create Org Wlan");
    expect(spec, &op, 300, "Creates Org Wlan of the given org_id; returns its id.");

    /* A summary that contradicts the method: the method wins, and the generator says so. */
    op = op_of("GetSiteDeviceHaClusterNode", "GET", MISTMCP_HTTP_GET,
               "/api/v1/sites/{site_id}/devices/{device_id}/ha", "Delete HA Cluster",
               "Delete HA Cluster");
    CHECK(gen_summary_contradicts(&op));
    expect(spec, &op, 300, "Returns Site Device Ha Cluster Node of the given device_id.");
    op.method = "DELETE", op.method_id = MISTMCP_HTTP_DELETE, op.name = "deleteSiteDeviceHaCluster";
    CHECK(!gen_summary_contradicts(&op));
    op = op_of("searchX", "POST", MISTMCP_HTTP_POST, "/api/v1/x/search", "Get X", NULL);
    CHECK(!gen_summary_contradicts(&op)); /* POST does every kind of action... */
    op = op_of("UploadOrgTicketAttachment", "POST", MISTMCP_HTTP_POST,
               "/api/v1/orgs/{org_id}/tickets/{ticket_id}/attachments", "Get Org ticket Attachment",
               NULL);
    CHECK(gen_summary_contradicts(&op)); /* ...but not the reverse of its own name */
    expect(spec, &op, 300, "Upload Org Ticket Attachment of the given ticket_id.");
    op = op_of("createOrUpdateX", "PUT", MISTMCP_HTTP_PUT, "/api/v1/x", "Create or update X", NULL);
    CHECK(!gen_summary_contradicts(&op)); /* creating and updating go together */

    /* A good spec text leads, in whole sentences only: none is cut. */
    op = op_of("restartSiteDevice", "POST", MISTMCP_HTTP_POST,
               "/api/v1/sites/{site_id}/devices/{device_id}/restart", "Restart a switch or an AP.",
               "Restart a switch or an AP. It is offline for a minute or two while it boots.");
    expect(spec, &op, 300,
           "Restart a switch or an AP. It is offline for a minute or two while it boots.");
    expect(spec, &op, 30, "Restart a switch or an AP.");
    /* A write tool's first sentence may exceed the budget (up to 160 bytes): it says what the
     * write destroys or sets off. */
    op = op_of("deleteMsp", "DELETE", MISTMCP_HTTP_DELETE, "/api/v1/msps/{msp_id}", "Delete MSP",
               "Deleting MSP removes the MSP and OrgGroup under the MSP as well as all the orgs "
               "under it.\n\nMore text.");
    expect(spec, &op, 64,
           "Deleting MSP removes the MSP and OrgGroup under the MSP as well as all the orgs "
           "under it.");
    op.method = "GET", op.method_id = MISTMCP_HTTP_GET, op.name = "getMsp", op.summary = "Get MSP";
    expect(spec, &op, 64, "Returns one MSP, given by msp_id.");
    /* "1." (a list) and "N.B." (an abbreviation) end no sentence; three words are too little
     * to lead with. */
    op = op_of("setupOrgAtpIntegration", "POST", MISTMCP_HTTP_POST,
               "/api/v1/orgs/{org_id}/setting/atp", "Setup ATP",
               "1. Create an ATP integration in the portal first.");
    expect(spec, &op, 300, "1. Create an ATP integration in the portal first.");
    op.description = "N.B. The portal must be set up first.";
    expect(spec, &op, 300, "N.B. The portal must be set up first.");
    op = op_of("listSiteSleImpactedSwitches", "GET", MISTMCP_HTTP_GET,
               "/api/v1/sites/{site_id}/sle/{scope}/{scope_id}/metric/{metric}/impacted-switches",
               "For Wired SLEs.", "For Wired SLEs. Get the list of impacted switches.");
    expect(spec, &op, 300,
           "Returns Site Sle Impacted Switches of the given metric. Get the list of impacted "
           "switches.");
    /* A DELETE or PUT that says its own verb keeps it. */
    op = op_of("unlinkOrgFromJuniperCustomerId", "DELETE", MISTMCP_HTTP_DELETE,
               "/api/v1/orgs/{org_id}/setting/juniper/unlink_accounts", "Unlink Org", NULL);
    expect(spec, &op, 300, "Unlink Org of the given org_id.");
    /* The first sentence does not fit: the lead, and no half sentence. */
    op = op_of("createInstallerVirtualChassis", "POST", MISTMCP_HTTP_POST,
               "/api/v1/installer/orgs/{org_id}/devices/{fpc0_mac}/vc",
               "For models (e.g. EX3400 and up) having dedicated VC ports, it is easier to...",
               "For models (e.g. EX3400 and up) having dedicated VC ports, it is easier to form "
               "a VC by just connecting cables with the dedicated VC ports. Cloud will detect "
               "the new VC.");
    /* a first sentence that does not say the action (create) does not lead: the lead does,
     * then whatever of the spec's fits */
    expect(spec, &op, 80, "Creates Installer Virtual Chassis of the given fpc0_mac.");
    op.method = "GET", op.method_id = MISTMCP_HTTP_GET, op.name = "getInstallerVirtualChassis";
    expect(spec, &op, 80, /* a read tool: the lead, then what else fits */
           "Returns Installer Virtual Chassis of the given fpc0_mac.");
    expect(spec, &op, 95,
           "Returns Installer Virtual Chassis of the given fpc0_mac. Cloud will detect the new "
           "VC.");
    /* A title line, then the text: two sentences; the first only respells the name, so the
     * lead replaces it. */
    op = op_of("createOrgApiToken", "POST", MISTMCP_HTTP_POST, "/api/v1/orgs/{org_id}/apitokens",
               "Create Org API Token",
               "Create Org API Token\nNote that the key is only shown when it is created.");
    expect(spec, &op, 300,
           "Creates Org API Token of the given org_id. Note that the key is only shown when it "
           "is created.");
    expect(spec, &op, 45, "Creates Org API Token of the given org_id.");
    expect(spec, &op, 40, "Creates Org API Token.");
    /* A long name: the lead without the argument rather than half a sentence. */
    op = op_of("clearAllLearnedMacsFromPortOnSwitch", "POST", MISTMCP_HTTP_POST,
               "/api/v1/sites/{site_id}/devices/{device_id}/clear_macs", "Clear all learned MACs",
               NULL);
    expect(spec, &op, 64, "Clear all learned MACs of the given device_id.");
    expect(spec, &op, 40, "Clear all learned MACs.");
    CHECK(gen_text_restates_name("Get Org NAC Tags", "getOrgNacTag"));
    CHECK(!gen_text_restates_name("Get Org NAC Tags by site", "getOrgNacTag"));
    cJSON_Delete(spec);
}

static size_t word_count(const char *s)
{
    size_t words = 0;
    for (size_t i = 0; s[i]; i++)
        words += s[i] != ' ' && (i == 0 || s[i - 1] == ' ');
    return words;
}

/* d is made of whole sentences: a prefix of the spec's text that ends where a sentence or the
 * text ends, or a lead ending in '.' followed by such sentences. */
static int whole_sentences(const char *d, const char *plain)
{
    size_t n = strlen(d);
    if (strncmp(d, plain, n) == 0)
        return plain[n] == '\0' || gen_text_sentence_end(plain, n - 1);
    return n > 0 && d[n - 1] == '.';
}

static void on_spec(const char *spec_path, const char *exclusions)
{
    char err[512];
    gen_model m = {0};
    CHECK_MSG(gen_exclusions_load(exclusions, &m, err, sizeof err) == 0, "%s", err);
    cJSON *spec = gen_spec_load(spec_path, err, sizeof err);
    CHECK_MSG(spec && gen_model_build(spec, &m, err, sizeof err) == 0, "%s", err);
    size_t flagged = 0, checked = 0;
    for (size_t i = 0; i < m.op_count; i++) {
        const gen_op *op = &m.ops[i];
        if (op->misleading) { /* what the pinned spec's summaries get wrong, known by name */
            flagged++;
            CHECK_MSG(strcmp(op->name, "GetSiteDeviceHaClusterNode") == 0 ||
                          strcmp(op->name, "getSdkInviteQrCode") == 0 ||
                          strcmp(op->name, "UploadOrgTicketAttachment") == 0,
                      "%s flagged", op->name);
            CHECK_MSG(!strstr(op->summary, "Delete") && !strstr(op->summary, "Revoke") &&
                          !strstr(op->summary, "Get "),
                      "%s: the catalog's summary \"%s\" still says the wrong action", op->name,
                      op->summary);
        }
        /* GETs that act are write tools (issue 13): exactly these two in the pinned spec */
        int acting = strcmp(op->name, "getOrgSsrUpgrade") == 0 ||
                     strcmp(op->name, "optimizeInstallerRrm") == 0;
        if (op->method_id == MISTMCP_HTTP_GET)
            CHECK_MSG(op->read_only == !acting, "%s (GET %s): read_only %d", op->name, op->path,
                      op->read_only);
        else
            CHECK_MSG(!op->read_only, "%s: a %s is never read-only", op->name, op->method);
        char *plain = gen_text_short(op->description ? op->description : op->summary, 0);
        for (int l = 0; l < gen_level_count; l++) {
            size_t max = (size_t)gen_levels[l].tool_desc_len;
            char *d = gen_tool_description(spec, op, max);
            size_t n = strlen(d);
            checked++;
            /* a write tool's first sentence may take up to 160 bytes whatever the level */
            CHECK_MSG(n > 0 && (n <= max || (op->method_id != MISTMCP_HTTP_GET && n <= 160 &&
                                             strncmp(d, plain, n) == 0)),
                      "%s: %zu bytes, budget %zu", op->name, n, max);
            CHECK_MSG(word_count(d) >= 3, "%s: \"%s\" says too little", op->name, d);
            CHECK_MSG(!only_the_name(d, op->name), "%s: \"%s\" only respells the name", op->name,
                      d);
            CHECK_MSG(n < 3 || (strcmp(d + n - 3, "...") != 0 && strcmp(d + n - 3, "\xe2\x80\xa6")),
                      "%s: \"%s\" is cut", op->name, d);
            CHECK_MSG(whole_sentences(d, plain), "%s: \"%s\" ends mid-sentence", op->name, d);
            if (op->misleading && op->method_id == MISTMCP_HTTP_GET)
                CHECK_MSG(strncmp(d, "Returns ", 8) == 0, "%s: \"%s\"", op->name, d);
            free(d);
        }
        free(plain);
    }
    CHECK_MSG(flagged == 3, "%zu summaries contradict their operation", flagged);
    printf("%zu descriptions of %zu operations checked\n", checked, m.op_count);
    gen_model_free(&m);
    gen_spec_free(&spec);
}

int main(int argc, char **argv)
{
    crafted();
    if (argc == 3)
        on_spec(argv[1], argv[2]);
    return check_summary();
}
