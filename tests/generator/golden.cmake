# Golden test of mistmcp-gen: generate from the fixture spec and compare every output file
# with golden/<file>.golden, byte for byte. With -DUPDATE=1 the golden files are rewritten
# instead (review the diff before committing them).
# Inputs: GEN, SPEC, EXCLUDE, GOLDEN_DIR, OUT_DIR, UPDATE.
file(REMOVE_RECURSE "${OUT_DIR}")
execute_process(COMMAND "${GEN}" --exclude "${EXCLUDE}" --out "${OUT_DIR}" "${SPEC}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "mistmcp-gen failed (${rc}):\n${out}${err}")
endif()
# The generator must say what it dropped: the stale exclusion and the shadowed parameter.
foreach(expected "excluded operation notInTheSpec is not in the spec"
                 "searchSiteOspfStats: query parameter 'site_id' dropped")
  string(FIND "${err}" "${expected}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "mistmcp-gen did not report: ${expected}\nstderr:\n${err}")
  endif()
endforeach()
file(GLOB produced RELATIVE "${OUT_DIR}" "${OUT_DIR}/*")
file(GLOB golden RELATIVE "${GOLDEN_DIR}" "${GOLDEN_DIR}/*.golden")
list(TRANSFORM golden REPLACE "\\.golden$" "")
list(SORT produced)
list(SORT golden)
if(UPDATE)
  file(REMOVE ${GOLDEN_DIR}/*.golden)
  foreach(f IN LISTS produced)
    configure_file("${OUT_DIR}/${f}" "${GOLDEN_DIR}/${f}.golden" COPYONLY)
  endforeach()
  message(STATUS "golden files updated in ${GOLDEN_DIR}")
  return()
endif()
if(NOT produced STREQUAL golden)
  message(FATAL_ERROR "output files differ from the golden set:\n  produced: ${produced}\n"
                      "  golden:   ${golden}")
endif()
set(failed "")
foreach(f IN LISTS produced)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${OUT_DIR}/${f}"
                          "${GOLDEN_DIR}/${f}.golden" RESULT_VARIABLE diff)
  if(NOT diff EQUAL 0)
    execute_process(COMMAND diff -u "${GOLDEN_DIR}/${f}.golden" "${OUT_DIR}/${f}")
    list(APPEND failed "${f}")
  endif()
endforeach()
if(failed)
  message(FATAL_ERROR "generated files differ from golden: ${failed}")
endif()
list(LENGTH produced n)
message(STATUS "${n} generated files match their golden copies")
