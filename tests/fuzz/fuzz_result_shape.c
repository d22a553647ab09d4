/*
 * Fuzz target: a Mist answer (status, headers, body) -> the MCP tool result
 * (core/mist/result_shape.c), then the text that goes on the wire (mm_json_wire_text).
 *
 * Input: two bytes of status (modulo 1000), one byte for the size bound (1024 + 100 * byte:
 * --max-result-bytes is at least 1024), header lines ("Name: value") up to an empty line, then
 * the body bytes (NUL bytes included, as libcurl hands them over).
 *
 * Checked (core/mist/result_shape.h): the wire text is strict JSON and valid UTF-8; the
 * result has a content array of text blocks; the first block holds at most the bound in
 * bytes (an error's, at most the 1200 bytes of its message); a result cut to the bound has no
 * structuredContent; structuredContent, when there, is an object.
 */
#include "base/util.h"
#include "fuzz_check.h"
#include "json_strict.h"
#include "mist/result_shape.h"

#include <stdlib.h>
#include <string.h>

#define MAX_HEADERS 32

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    mm_util_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    mistmcp_response r = {.status = ((long)data[0] << 8 | data[1]) % 1000};
    size_t max_bytes = 1024 + 100 * (size_t)data[2];
    const char *p = (const char *)data + 3, *end = (const char *)data + size;
    char *lines[MAX_HEADERS];
    r.headers = lines;
    while (p < end) { /* header lines, each a C string as client.c keeps them */
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        p += n + (nl != NULL);
        if (n == 0)
            break;
        if (r.header_count < MAX_HEADERS) {
            char *h = mm_xmalloc(n + 1);
            memcpy(h, p - n - (nl != NULL), n);
            h[n] = '\0';
            lines[r.header_count++] = h;
        }
    }
    r.length = (size_t)(end - p);
    r.body = mm_xmalloc(r.length + 1); /* NUL-terminated, as the client keeps a body */
    memcpy(r.body, p, r.length);
    r.body[r.length] = '\0';

    cJSON *res = mm_result_from_response(&r, max_bytes);
    FUZZ_ASSERT(cJSON_IsObject(res), "no result");
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(res, "content");
    FUZZ_ASSERT(cJSON_GetArraySize(content) >= 1, "no content");
    const cJSON *block;
    cJSON_ArrayForEach(block, content)
    {
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(block, "type");
        FUZZ_ASSERT(cJSON_IsString(type) && strcmp(type->valuestring, "text") == 0 &&
                        cJSON_IsString(cJSON_GetObjectItemCaseSensitive(block, "text")),
                    "a content block that is not text");
    }
    const char *text = cJSON_GetObjectItemCaseSensitive(content->child, "text")->valuestring;
    int is_error = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "isError"));
    FUZZ_ASSERT(is_error ? strlen(text) < 1200 : strlen(text) <= max_bytes,
                "%zu bytes of text, the bound is %zu (error: %d)", strlen(text), max_bytes,
                is_error);
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(res, "structuredContent");
    FUZZ_ASSERT(!sc || cJSON_IsObject(sc) || cJSON_IsRaw(sc), "structuredContent is no object");
    const cJSON *second = cJSON_GetArrayItem(content, 1);
    int cut = second && strncmp(cJSON_GetObjectItemCaseSensitive(second, "text")->valuestring,
                                "[Result cut at", 14) == 0;
    FUZZ_ASSERT(!cut || !sc, "a result cut to %zu bytes kept its structuredContent", max_bytes);

    char *wire = mm_json_wire_text(res); /* takes res */
    FUZZ_ASSERT(wire, "the result could not be printed");
    FUZZ_ASSERT(mm_json_strict(wire), "not strict JSON on the wire: %.300s", wire);
    if (sc && !cut) { /* a raw structuredContent must be an object once printed */
        cJSON *back = cJSON_Parse(wire);
        FUZZ_ASSERT(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(back, "structuredContent")),
                    "structuredContent printed as no object: %.300s", wire);
        cJSON_Delete(back);
    }
    free(wire);
    for (size_t i = 0; i < r.header_count; i++)
        free(lines[i]);
    free(r.body);
    return 0;
}
