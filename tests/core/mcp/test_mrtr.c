/*
 * One 2026-07-28 call's rounds (mcp/mrtr.h) without a server: inputResponses and requestState
 * are checked (-32602 for the wrong shapes); a state issued by mm_mrtr_end opens on the same
 * tool, arguments and token only, once; answers of earlier rounds are carried to later ones;
 * an answer counts as asked only with the verified state that asked it; the capability check
 * follows the request's clientCapabilities (form-mode elicitation only).
 */
#define _GNU_SOURCE
#include "check.h"

#include "mcp/mrtr.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static mm_request_state *rs;
static cJSON *id;

/* Begins a call of params (JSON) for token; returns the error code (0: none). */
static int begin(mm_mrtr *m, const char *params_json, const char *caps_json, const char *token,
                 cJSON **caps_out)
{
    cJSON *params = cJSON_Parse(params_json);
    *caps_out = cJSON_Parse(caps_json);
    cJSON *err = mm_mrtr_begin(m, rs, id, params, *caps_out, token);
    cJSON_Delete(params);
    int code = 0;
    if (err) {
        code = cJSON_GetObjectItem(cJSON_GetObjectItem(err, "error"), "code")->valueint;
        cJSON_Delete(err);
    }
    return code;
}

/* Ends m asking key (if not NULL) and returns the state of its input_required result. */
static char *end_asking(mm_mrtr *m, const char *key)
{
    if (key)
        mm_mrtr_ask(m, key, cJSON_Parse("{\"method\":\"elicitation/create\",\"params\":{}}"));
    cJSON *reply = mm_mrtr_end(m, id, NULL);
    cJSON *r = cJSON_GetObjectItem(reply, "result");
    CHECK(strcmp(cJSON_GetObjectItem(r, "resultType")->valuestring, "input_required") == 0);
    char *state = strdup(cJSON_GetObjectItem(r, "requestState")->valuestring);
    cJSON_Delete(reply);
    mm_mrtr_free(m);
    return state;
}

static void shapes(void)
{
    mm_mrtr m;
    cJSON *caps;
    const char *bad[] = {
        "{\"name\":\"t\",\"inputResponses\":null}",
        "{\"name\":\"t\",\"inputResponses\":[]}",
        "{\"name\":\"t\",\"inputResponses\":{\"k\":12345}}",
        "{\"name\":\"t\",\"requestState\":7}",
        "{\"name\":\"t\",\"requestState\":\"mm1.nothing.ofours\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_MSG(begin(&m, bad[i], "{}", "tok", &caps) == -32602, "%s", bad[i]);
        mm_mrtr_free(&m);
        cJSON_Delete(caps);
    }
    /* answers without a state are read, never counted as asked */
    CHECK(begin(&m, "{\"name\":\"t\",\"inputResponses\":{\"k\":{\"action\":\"accept\"}}}",
                "{\"elicitation\":{}}", "tok", &caps) == 0);
    CHECK(mm_mrtr_response(&m, "k") && !mm_mrtr_answers_asked(&m, "k"));
    CHECK(mm_mrtr_client_can(&m, "elicitation/create") &&
          !mm_mrtr_client_can(&m, "sampling/createMessage") &&
          !mm_mrtr_client_can(&m, "roots/list") && !mm_mrtr_client_can(&m, "other"));
    mm_mrtr_free(&m);
    cJSON_Delete(caps);
    CHECK(begin(&m, "{\"name\":\"t\"}", "{\"elicitation\":{\"url\":{}},\"roots\":{}}", "tok",
                &caps) == 0);
    CHECK(!mm_mrtr_client_can(&m, "elicitation/create") && mm_mrtr_client_can(&m, "roots/list"));
    mm_mrtr_free(&m);
    cJSON_Delete(caps);
}

static void rounds(void)
{
    mm_mrtr m;
    cJSON *caps;
    const char *call = "{\"name\":\"t\",\"arguments\":{\"b\":1,\"a\":[1,2]}}";
    CHECK(begin(&m, call, "{}", "tok", &caps) == 0);
    cJSON_Delete(caps);
    char *s1 = end_asking(&m, "k1");
    char params[4096];
    /* the same arguments in another member order: the same call */
    snprintf(params, sizeof params,
             "{\"name\":\"t\",\"arguments\":{\"a\":[1,2],\"b\":1},\"requestState\":\"%s\","
             "\"inputResponses\":{\"k1\":{\"action\":\"accept\",\"content\":{\"x\":1}}}}",
             s1);
    /* refused: another token, other arguments, another tool; none of them consumes it */
    CHECK(begin(&m, params, "{}", "other", &caps) == -32602);
    mm_mrtr_free(&m);
    cJSON_Delete(caps);
    char other[4096];
    snprintf(other, sizeof other,
             "{\"name\":\"t\",\"arguments\":{\"a\":[2,1],\"b\":1},\"requestState\":\"%s\"}", s1);
    CHECK(begin(&m, other, "{}", "tok", &caps) == -32602);
    mm_mrtr_free(&m);
    cJSON_Delete(caps);
    snprintf(other, sizeof other,
             "{\"name\":\"u\",\"arguments\":{\"a\":[1,2],\"b\":1},"
             "\"requestState\":\"%s\"}",
             s1);
    CHECK(begin(&m, other, "{}", "tok", &caps) == -32602);
    mm_mrtr_free(&m);
    cJSON_Delete(caps);
    /* the right one: verified, k1 asked and answered; ask k2 */
    CHECK(begin(&m, params, "{}", "tok", &caps) == 0);
    cJSON_Delete(caps);
    CHECK(m.verified && mm_mrtr_answers_asked(&m, "k1") && !mm_mrtr_answers_asked(&m, "k2"));
    char *s2 = end_asking(&m, "k2");
    /* used: refused the second time */
    CHECK(begin(&m, params, "{}", "tok", &caps) == -32602);
    mm_mrtr_free(&m);
    cJSON_Delete(caps);
    /* round 3 answers k2 only; k1 comes from the state */
    snprintf(params, sizeof params,
             "{\"name\":\"t\",\"arguments\":{\"b\":1,\"a\":[1,2]},\"requestState\":\"%s\","
             "\"inputResponses\":{\"k2\":{\"action\":\"decline\"}}}",
             s2);
    CHECK(begin(&m, params, "{}", "tok", &caps) == 0);
    cJSON_Delete(caps);
    const cJSON *k1 = mm_mrtr_response(&m, "k1");
    CHECK(k1 && cJSON_GetObjectItem(cJSON_GetObjectItem(k1, "content"), "x"));
    CHECK(mm_mrtr_answers_asked(&m, "k2") && !mm_mrtr_answers_asked(&m, "k1"));
    /* nothing asked: the tool's own result; an error set wins over it */
    cJSON *reply = mm_mrtr_end(&m, id, cJSON_Parse("{\"content\":[]}"));
    CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(reply, "result"), "content") != NULL);
    cJSON_Delete(reply);
    mm_mrtr_fail(&m, MM_MISSING_CAPABILITY, "needs sampling", cJSON_Parse("{\"x\":1}"));
    mm_mrtr_fail(&m, -32602, "second", NULL);
    reply = mm_mrtr_end(&m, id, cJSON_Parse("{\"content\":[]}"));
    cJSON *e = cJSON_GetObjectItem(reply, "error");
    CHECK(e && cJSON_GetObjectItem(e, "code")->valueint == -32021 &&
          cJSON_GetObjectItem(cJSON_GetObjectItem(e, "data"), "x"));
    cJSON_Delete(reply);
    mm_mrtr_free(&m);
    free(s1);
    free(s2);
}

/* A write's confirmation token (write_gate.c seals it with the same key, "k": "confirm", and
 * the same binding) is not a requestState: refused, though its tool, arguments and caller
 * match. */
static void other_kind(void)
{
    mm_mrtr m;
    cJSON *caps;
    const char *call = "{\"name\":\"t\",\"arguments\":{\"b\":1}}";
    CHECK(begin(&m, call, "{}", "tok", &caps) == 0);
    cJSON_Delete(caps);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "k", "confirm");
    cJSON_AddStringToObject(p, "t", m.tool);
    cJSON_AddStringToObject(p, "a", m.args_digest);
    cJSON_AddStringToObject(p, "p", m.principal);
    mm_mrtr_free(&m);
    char err[200], params[4096];
    char *token = mm_request_state_seal(rs, p, mm_state_now_ms(), err, sizeof err);
    CHECK_MSG(token, "%s", err);
    snprintf(params, sizeof params,
             "{\"name\":\"t\",\"arguments\":{\"b\":1},\"requestState\":\"%s\","
             "\"inputResponses\":{\"k1\":{\"action\":\"accept\"}}}",
             token ? token : "");
    CHECK(begin(&m, params, "{}", "tok", &caps) == -32602);
    CHECK(!m.verified);
    mm_mrtr_free(&m);
    cJSON_Delete(caps);
    free(token);
}

/* An answer given before its question (round 1, no state) is read that round but not carried:
 * the retry that presents the state asking it must answer it again, and a client cannot grow
 * the state with answers nobody asked for. */
static void early_answer(void)
{
    mm_mrtr m;
    cJSON *caps;
    CHECK(begin(&m,
                "{\"name\":\"t\",\"inputResponses\":{\"k1\":{\"action\":\"accept\"},"
                "\"junk\":{\"x\":1}}}",
                "{}", "tok", &caps) == 0);
    cJSON_Delete(caps);
    CHECK(mm_mrtr_response(&m, "k1") != NULL);
    char *s1 = end_asking(&m, "k1");
    char params[4096];
    snprintf(params, sizeof params, "{\"name\":\"t\",\"requestState\":\"%s\"}", s1);
    CHECK(begin(&m, params, "{}", "tok", &caps) == 0);
    cJSON_Delete(caps);
    CHECK(m.verified && !mm_mrtr_response(&m, "k1") && !mm_mrtr_answers_asked(&m, "k1"));
    CHECK(!mm_mrtr_response(&m, "junk"));
    mm_mrtr_free(&m);
    free(s1);
}

int main(void)
{
    char err[200];
    rs = mm_request_state_create(NULL, err, sizeof err);
    id = cJSON_CreateNumber(7);
    shapes();
    rounds();
    other_kind();
    early_answer();
    cJSON_Delete(id);
    mm_request_state_destroy(&rs);
    return check_summary();
}
