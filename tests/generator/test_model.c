/* The generator's model and schemas on small specs read from memory: edge cases the fuzzer
 * found (tests/fuzz/fuzz_generator.c), each with the spec that showed it. Run under valgrind
 * and in the sanitizer build too, where a leak or undefined behaviour fails the test. */
#include "check.h"
#include "model.h"
#include "schema.h"
#include "spec.h"

#include <stdlib.h>
#include <string.h>

/* Parses text and builds its model; returns gen_model_build's status (-2 if no parse). */
static int build(const char *text, gen_model *m, char *err, size_t err_size)
{
    memset(m, 0, sizeof *m);
    cJSON *spec = gen_spec_parse(text, strlen(text), "test", err, err_size);
    CHECK_MSG(spec, "no parse: %s", err);
    int rc = spec ? gen_model_build(spec, m, err, err_size) : -2;
    gen_spec_free(&spec);
    return rc;
}

int main(void)
{
    gen_model m;
    char err[512] = "";
    /* Paths without one operation: an empty model (qsort was given no array: undefined
     * behaviour that UBSan reports). */
    const char *no_operation = "openapi: 3.1.0\npaths:\n  /a:\n    summary: no operation\n";
    CHECK_MSG(build(no_operation, &m, err, sizeof err) == 0, "%s", err);
    CHECK(m.op_count == 0 && m.category_count == 0);
    gen_model_free(&m);
    CHECK(build("{\"openapi\":\"3.1.0\",\"paths\":{}}", &m, err, sizeof err) == 0 &&
          m.op_count == 0);
    gen_model_free(&m);

    /* A body schema whose $defs or properties is a list, not a map: its members had no name
     * to be added under, and leaked. Such a keyword is copied as it is. */
    const char *list_map = "openapi: 3.1.0\npaths:\n  /a:\n    post:\n      operationId: postA\n"
                           "      requestBody:\n        content:\n          application/json:\n"
                           "            schema:\n              type: object\n"
                           "              $defs:\n              - type: string\n"
                           "              properties: [x]\n";
    cJSON *spec = gen_spec_parse(list_map, strlen(list_map), "test", err, sizeof err);
    CHECK_MSG(spec && gen_model_build(spec, &m, err, sizeof err) == 0 && m.op_count == 1, "%s",
              err);
    cJSON *full = m.op_count == 1 ? gen_full_body_schema(spec, &m.ops[0]) : NULL;
    char *text = full ? cJSON_PrintUnformatted(full) : NULL;
    CHECK_MSG(text && strcmp(text, "{\"type\":\"object\",\"$defs\":[{\"type\":\"string\"}],"
                                   "\"properties\":[\"x\"]}") == 0,
              "%s", text ? text : "(none)");
    free(text);
    cJSON_Delete(full);
    gen_model_free(&m);
    gen_spec_free(&spec);

    /* A requestBody whose content is a list, not a map of media types: the first member's
     * name was taken as the content type, and it has none (strdup(NULL): a crash). There is
     * no body to send then, as when content is missing. */
    const char *list_content =
        "openapi: 3.1.0\npaths:\n  /a:\n    post:\n      operationId: postA\n"
        "      requestBody:\n        content:\n        - x\n";
    CHECK_MSG(build(list_content, &m, err, sizeof err) == 0 && m.op_count == 1 &&
                  !m.ops[0].body_content_type && !m.ops[0].body_schema,
              "%s", err);
    gen_model_free(&m);
    return check_summary();
}
