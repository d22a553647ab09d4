# mistmcp-gen refuses bad input with one clear message and a non-zero status, never a crash.
# Inputs: GEN, BAD (folder of bad inputs), OUT_DIR.
function(expect_failure rc_expected pattern)
  execute_process(COMMAND "${GEN}" ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc STREQUAL rc_expected OR NOT err MATCHES "${pattern}")
    message(FATAL_ERROR "`mistmcp-gen ${ARGN}`: status ${rc} (expected ${rc_expected}), "
                        "stderr:\n${err}\nexpected /${pattern}/")
  endif()
endfunction()
set(o --out "${OUT_DIR}")
expect_failure(1 "duplicate-key.json: duplicate object key: operationId" ${o} "${BAD}/duplicate-key.json")
expect_failure(1 "trailing.json: invalid JSON near byte" ${o} "${BAD}/trailing.json")
expect_failure(1 "syntax.yaml: line [0-9]+: " ${o} "${BAD}/syntax.yaml")
expect_failure(1 "GET /api/v1/things has no operationId" ${o} "${BAD}/no-operation-id.yaml")
expect_failure(1 "operation getThing: path /api/v1/things/\\{thing_id\\} names \\{thing_id\\}, which no parameter defines"
               ${o} "${BAD}/undefined-placeholder.yaml")
expect_failure(1 "tags 'Orgs Things' and 'orgs-things' both make category orgs_things" ${o}
               "${BAD}/category-collision.yaml")
# The category names <category>.c: neither empty nor the catalog's own catalog.c (both found
# by tests/fuzz/fuzz_generator: the output lacked the plugin, without an error).
expect_failure(1 "operation getA: tag '' makes category '', an empty name" ${o}
               "${BAD}/empty-tag.yaml")
expect_failure(1 "operation getA: tag 'Catalog' makes category 'catalog', the name of the generator's catalog.c"
               ${o} "${BAD}/catalog-tag.yaml")
expect_failure(1 "no-reason-exclusions.txt:1: exclusion 'login' has no reason" ${o}
               --exclude "${BAD}/no-reason-exclusions.txt" "${BAD}/syntax.yaml")
expect_failure(1 "no-such-spec.yaml: cannot read: No such file" ${o} "${BAD}/no-such-spec.yaml")
expect_failure(2 "--out DIR is required" "${BAD}/syntax.yaml")
expect_failure(2 "exactly one SPEC file is expected" ${o})
message(STATUS "every bad input refused with its message")
