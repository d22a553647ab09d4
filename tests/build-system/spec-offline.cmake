# Issue 14, item 3: building offline needs one spec file, in either format. A scratch source
# tree with no ../shared beside it and only openapi/mist.openapi.yaml (then only the .json)
# resolves to that file without trying a download; the YAML's JSON twin is then absent
# (the tests that compare the two report themselves skipped).
# Runs openapi/resolve-spec.cmake in script mode. Inputs: SOURCE_DIR (the real tree),
# SCRATCH, YAML and JSON (the pinned files).
function(resolve_with file)
  file(REMOVE_RECURSE "${SCRATCH}")
  file(MAKE_DIRECTORY "${SCRATCH}/src/openapi" "${SCRATCH}/bin")
  get_filename_component(name "${file}" NAME)
  file(COPY_FILE "${file}" "${SCRATCH}/src/openapi/${name}")
  file(WRITE "${SCRATCH}/run.cmake"
       "set(PROJECT_SOURCE_DIR \"${SCRATCH}/src\")\nset(PROJECT_BINARY_DIR \"${SCRATCH}/bin\")\n"
       "include(\"${SOURCE_DIR}/openapi/resolve-spec.cmake\")\n"
       "message(STATUS \"spec=[\${MISTMCP_SPEC_FILE}] twin=[\${MISTMCP_SPEC_JSON_FILE}]\")\n")
  execute_process(COMMAND ${CMAKE_COMMAND} -P "${SCRATCH}/run.cmake" RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(all "${out}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "only openapi/${name}: configuration failed (${rc}):\n${all}")
  endif()
  if(all MATCHES "Downloading")
    message(FATAL_ERROR "only openapi/${name}: a download was tried:\n${all}")
  endif()
  set(want "spec=[${SCRATCH}/src/openapi/${name}] twin=[]")
  string(FIND "${all}" "${want}" at)
  if(at LESS 0)
    message(FATAL_ERROR "only openapi/${name}: expected '${want}', got:\n${all}")
  endif()
  message(STATUS "only openapi/${name}: used offline")
endfunction()

if(EXISTS "${SCRATCH}/shared")
  message(FATAL_ERROR "${SCRATCH}/shared exists: the scratch tree must have no ../shared")
endif()
resolve_with("${YAML}")
resolve_with("${JSON}")
