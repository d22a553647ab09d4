/* The generator's model on small specs read from memory: edge cases the fuzzer found
 * (tests/fuzz/fuzz_generator.c), each with the spec that showed it. Run in the sanitizer
 * build too, where undefined behaviour fails the test. */
#include "check.h"
#include "model.h"
#include "spec.h"

#include <string.h>

/* Parses text and builds its model; returns gen_model_build's status (-2 if no parse). */
static int build(const char *text, gen_model *m, char *err, size_t err_size)
{
    memset(m, 0, sizeof *m);
    cJSON *spec = gen_spec_parse(text, strlen(text), "test", err, err_size);
    CHECK_MSG(spec, "no parse: %s", err);
    int rc = spec ? gen_model_build(spec, m, err, err_size) : -2;
    cJSON_Delete(spec);
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
    return check_summary();
}
