# The spec pin: a spec found in openapi/ (or ../shared) that does not match the pinned
# sha256 stops configuration with a message naming both hashes; a matching one is used.
# Runs openapi/resolve-spec.cmake in script mode against a scratch source tree.
# Inputs: SOURCE_DIR (the real tree), SCRATCH, GOOD_SPEC (the pinned YAML).
file(REMOVE_RECURSE "${SCRATCH}")
file(MAKE_DIRECTORY "${SCRATCH}/src/openapi" "${SCRATCH}/bin")
file(WRITE "${SCRATCH}/src/openapi/mist.openapi.yaml" "openapi: 3.1.0\npaths: {}\n")
file(WRITE "${SCRATCH}/run.cmake"
     "set(PROJECT_SOURCE_DIR \"${SCRATCH}/src\")\nset(PROJECT_BINARY_DIR \"${SCRATCH}/bin\")\n"
     "include(\"${SOURCE_DIR}/openapi/resolve-spec.cmake\")\n")
execute_process(COMMAND ${CMAKE_COMMAND} -P "${SCRATCH}/run.cmake" RESULT_VARIABLE rc
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(SHA256 "${SCRATCH}/src/openapi/mist.openapi.yaml" actual)
include("${SOURCE_DIR}/openapi/pin.cmake")
if(rc EQUAL 0 OR NOT err MATCHES "expected sha256 ${MISTMCP_SPEC_YAML_SHA256}"
   OR NOT err MATCHES "actual   sha256 ${actual}")
  message(FATAL_ERROR "a mismatching spec was not refused with both hashes (${rc}):\n${out}${err}")
endif()
# The pinned file in openapi/ is accepted and chosen before ../shared.
file(COPY_FILE "${GOOD_SPEC}" "${SCRATCH}/src/openapi/mist.openapi.yaml")
get_filename_component(json "${GOOD_SPEC}" DIRECTORY)
file(COPY_FILE "${json}/mist.openapi.json" "${SCRATCH}/src/openapi/mist.openapi.json")
execute_process(COMMAND ${CMAKE_COMMAND} -P "${SCRATCH}/run.cmake" RESULT_VARIABLE rc
                OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT "${out}${err}" MATCHES "OpenAPI spec: ${SCRATCH}/src/openapi/mist.openapi.yaml")
  message(FATAL_ERROR "the pinned spec in openapi/ was not used (${rc}):\n${out}${err}")
endif()
message(STATUS "spec pin enforced")
