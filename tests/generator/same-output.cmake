# Runs mistmcp-gen on SPEC_A and on SPEC_B into two directories and requires identical
# output, file for file and byte for byte. Used for determinism (the same spec twice) and
# for the YAML reader (the YAML spec against its JSON twin). The second run gets another
# locale, time zone and malloc fill pattern, so output depending on any of them shows.
# Inputs: GEN, EXCLUDE, SPEC_A, SPEC_B, OUT_DIR.
set(env_A "")
set(env_B LC_ALL=C.UTF-8 TZ=Pacific/Chatham MALLOC_PERTURB_=165)
foreach(side A B)
  file(REMOVE_RECURSE "${OUT_DIR}/${side}")
  execute_process(COMMAND ${CMAKE_COMMAND} -E env ${env_${side}}
                          "${GEN}" --quiet --exclude "${EXCLUDE}" --out "${OUT_DIR}/${side}"
                          "${SPEC_${side}}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "mistmcp-gen failed on ${SPEC_${side}}:\n${out}${err}")
  endif()
  file(GLOB files_${side} RELATIVE "${OUT_DIR}/${side}" "${OUT_DIR}/${side}/*")
  list(SORT files_${side})
endforeach()
if(NOT files_A STREQUAL files_B)
  message(FATAL_ERROR "the two runs wrote different file sets")
endif()
list(LENGTH files_A n)
if(n LESS 3)
  message(FATAL_ERROR "only ${n} files generated")
endif()
foreach(f IN LISTS files_A)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${OUT_DIR}/A/${f}"
                          "${OUT_DIR}/B/${f}" RESULT_VARIABLE diff)
  if(NOT diff EQUAL 0)
    message(FATAL_ERROR "${f} differs between ${SPEC_A} and ${SPEC_B}")
  endif()
endforeach()
message(STATUS "${n} files identical")
