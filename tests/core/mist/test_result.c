/* Result shaping: objects, arrays, pagination, the size bound, empty and non-JSON bodies,
 * and errors with Mist's message and a hint. */
#define _POSIX_C_SOURCE 200809L
#include "base/util.h"
#include "check.h"
#include "mist/result_shape.h"

#include <stdlib.h>
#include <string.h>

static cJSON *shape(long status, const char *body, const char *headers, size_t max)
{
    mistmcp_response r = {
        .status = status, .body = (char *)body, .length = body ? strlen(body) : 0};
    char *lines[8];
    char *copy = headers ? mm_xstrdup(headers) : NULL, *save = NULL;
    for (char *h = copy ? strtok_r(copy, "\n", &save) : NULL; h && r.header_count < 8;
         h = strtok_r(NULL, "\n", &save))
        lines[r.header_count++] = h;
    r.headers = lines;
    cJSON *res = mm_result_from_response(&r, max);
    free(copy);
    return res;
}

static const char *text(const cJSON *res, int i)
{
    const cJSON *b = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(res, "content"), i);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(b, "text");
    return cJSON_IsString(t) ? t->valuestring : "";
}

static char *sc(const cJSON *res)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(res, "structuredContent");
    return s ? cJSON_PrintUnformatted(s) : mm_xstrdup("(none)");
}

static int is_error(const cJSON *res)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "isError"));
}

int main(void)
{
    mm_util_init();
    cJSON *r = shape(200, "{\"id\":\"x\",\"name\":\"HQ\"}", NULL, 1000);
    char *s = sc(r);
    CHECK(!is_error(r) && strcmp(text(r, 0), "{\"id\":\"x\",\"name\":\"HQ\"}") == 0);
    CHECK_MSG(strcmp(s, "{\"id\":\"x\",\"name\":\"HQ\"}") == 0, "%s", s);
    free(s);
    cJSON_Delete(r);

    r = shape(200, "[{\"a\":1},{\"a\":2}]", "X-Page-Total: 250\nX-Page-Limit: 100\nx-page-page: 1",
              1000);
    s = sc(r);
    CHECK_MSG(strcmp(s, "{\"results\":[{\"a\":1},{\"a\":2}],\"pagination\":{\"page\":1,"
                        "\"limit\":100,\"total\":250}}") == 0,
              "%s", s);
    CHECK_MSG(strcmp(text(r, 1), "Page 1 of 3 (limit 100, 250 in total): call again with "
                                 "page=2 for more.") == 0,
              "%s", text(r, 1));
    free(s);
    cJSON_Delete(r);

    r = shape(200, "{\"results\":[],\"next\":\"/api/v1/orgs/o/clients/search?search_after=x\"}",
              NULL, 1000);
    s = sc(r);
    CHECK(strstr(s, "\"pagination\":{\"next\":\"/api/v1/orgs/o/clients/search?search_after=x\"}"));
    CHECK(strstr(text(r, 1), "'next' link"));
    free(s);
    cJSON_Delete(r);

    /* The bound: text cut, a note, no structuredContent. */
    char big[5000] = "[";
    for (int i = 0; i < 400; i++)
        strcat(big, i ? ",\"abcdefghi\"" : "\"abcdefghi\"");
    strcat(big, "]");
    r = shape(200, big, NULL, 1024);
    CHECK(strlen(text(r, 0)) == 1024);
    CHECK_MSG(strstr(text(r, 1), "[Result cut at 1024 of 4801 bytes.") != NULL, "%s", text(r, 1));
    CHECK(!cJSON_GetObjectItemCaseSensitive(r, "structuredContent") && !is_error(r));
    cJSON_Delete(r);

    r = shape(204, NULL, NULL, 1000);
    CHECK(strcmp(text(r, 0), "Done: HTTP 204, no content.") == 0 && !is_error(r));
    cJSON_Delete(r);

    /* An escape cJSON reads but JSON does not have ("\u00" and two bytes that are no hex
     * digits: U+0000 to cJSON) went out as it was, and the whole message was no JSON (found
     * by tests/fuzz/fuzz_result_shape): the answer is printed from the parse instead. */
    r = shape(200, "{\"a\":\"x\\u00zz\",\"n\":1}", NULL, 1000);
    s = sc(r);
    CHECK_MSG(!is_error(r) && strcmp(text(r, 0), "{\"a\":\"x\",\"n\":1}") == 0, "%s", text(r, 0));
    CHECK_MSG(strcmp(s, "{\"a\":\"x\",\"n\":1}") == 0, "%s", s);
    free(s);
    cJSON_Delete(r);

    /* A page limit of 0 (or -1, or a negative page) from Mist: no page note, and no division
     * by zero, which killed the server with SIGFPE (found by tests/fuzz/fuzz_result_shape). */
    const char *odd_paging[] = {"X-Page-Total: 250\nX-Page-Limit: 0\nX-Page-Page: 1",
                                "X-Page-Total: 250\nX-Page-Limit: -00\nX-Page-Page: 1",
                                "X-Page-Total: 250\nX-Page-Limit: -1\nX-Page-Page: 1",
                                "X-Page-Total: 250\nX-Page-Limit: 100\nX-Page-Page: -3"};
    for (int k = 0; k < 4; k++) {
        r = shape(200, "[{\"a\":1}]", odd_paging[k], 1000);
        s = sc(r);
        CHECK_MSG(!is_error(r) && strstr(s, "\"pagination\":{\"page\":") &&
                      cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "content")) == 1,
                  "%s: %s", odd_paging[k], s);
        free(s);
        cJSON_Delete(r);
    }

    r = shape(200, "<html>gateway</html>", NULL, 1000);
    CHECK(is_error(r) && strstr(text(r, 0), "not JSON (first bytes: <html>gateway</html>)"));
    cJSON_Delete(r);

    /* Errors. */
    r = shape(403, "{\"detail\":\"You do not have permission\"}", NULL, 1000);
    CHECK(is_error(r));
    CHECK_MSG(strcmp(text(r, 0), "Mist API error: HTTP 403: You do not have permission. The "
                                 "token has no access to this object: call getSelf to see "
                                 "which orgs and sites it can use, and check org_id/site_id.") == 0,
              "%s", text(r, 0));
    s = sc(r);
    CHECK(strcmp(s, "{\"status\":403,\"message\":\"You do not have permission\"}") == 0);
    free(s);
    cJSON_Delete(r);
    r = shape(429, "{\"message\":\"Too Many Requests\"}", "Retry-After: 30", 1000);
    CHECK(strstr(text(r, 0), "HTTP 429: Too Many Requests. Rate limited") &&
          strstr(text(r, 0), "Retry after 30 s."));
    cJSON_Delete(r);
    r = shape(401, "", NULL, 1000);
    CHECK(strstr(text(r, 0), "HTTP 401. The API token is invalid or expired"));
    cJSON_Delete(r);
    r = shape(404, "not found", NULL, 1000);
    CHECK(strstr(text(r, 0), "HTTP 404: not found. An id in the request does not exist"));
    cJSON_Delete(r);
    r = shape(503, "{\"error\":{\"code\":1}}", NULL, 1000);
    CHECK(strstr(text(r, 0), "HTTP 503: {\"code\":1}. Mist had a server error"));
    cJSON_Delete(r);
    /* The wire stays valid UTF-8 however a string was cut. */
    CHECK(mm_utf8_repair("plain ascii") == NULL);
    CHECK(mm_utf8_repair("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == NULL);
    char *fixed = mm_utf8_repair("cut \xc3");
    CHECK(fixed && strcmp(fixed, "cut \xef\xbf\xbd") == 0);
    free(fixed);
    fixed = mm_utf8_repair("\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80");
    CHECK_MSG(fixed && !strchr(fixed, '\xc0') && mm_utf8_repair(fixed) == NULL,
              "overlong, surrogate");
    free(fixed);
    /* ASCII runs are scanned a word at a time: a bad byte or a multi-byte character at every
     * offset and alignment, and the end at every alignment, are still found. */
    char buf[80];
    int word_path_ok = 1;
    for (size_t start = 0; start < 8; start++)
        for (size_t at = 0; at < 40; at++) {
            memset(buf, 'a', sizeof buf);
            buf[start + 48] = '\0';
            buf[start + at] = (char)0xff;
            char *f = mm_utf8_repair(buf + start);
            word_path_ok &= f && strlen(f) == 50 && memcmp(f + at, "\xef\xbf\xbd", 3) == 0;
            free(f);
            memcpy(buf + start + at, "\xc3\xa9", 2); /* valid: é */
            word_path_ok &= mm_utf8_repair(buf + start) == NULL;
            buf[start + at] = 'a';
            buf[start + at + 1] = 'a';
            buf[start + 47 - at % 8] = '\0'; /* shorter strings, every end alignment */
            word_path_ok &= mm_utf8_repair(buf + start) == NULL;
        }
    CHECK_MSG(word_path_ok, "word-at-a-time scan");
    return check_summary();
}
