# Runs mistmcp-gen at configure time, so the build knows the category list (one plugin target
# each). The generator is bootstrapped in its own build tree first. Changing the spec, the
# exclusion list or any generator source re-runs this step; unchanged outputs keep their
# timestamps (the generator writes only files whose bytes change), so nothing rebuilds needlessly.
set(MISTMCP_GENERATED_DIR "${PROJECT_BINARY_DIR}/generated")
set(MISTMCP_EXCLUSIONS "${PROJECT_SOURCE_DIR}/generator/excluded-operations.txt")
set(_boot "${PROJECT_BINARY_DIR}/generator-bootstrap")

file(GLOB _gen_sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/generator/*.[ch]"
     "${PROJECT_SOURCE_DIR}/generator/CMakeLists.txt")
# The files of core/base/ the generator compiles too (generator/CMakeLists.txt).
foreach(_shared action_path json_schema)
  list(APPEND _gen_sources "${PROJECT_SOURCE_DIR}/core/base/${_shared}.c"
       "${PROJECT_SOURCE_DIR}/core/base/${_shared}.h")
endforeach()
set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${_gen_sources} "${PROJECT_SOURCE_DIR}/include/mistmcp/plugin.h"
             "${MISTMCP_EXCLUSIONS}" "${MISTMCP_SPEC_FILE}")

# Configured once, and again whenever MISTMCP_WERROR changes (the bootstrap follows it).
if(MISTMCP_WERROR)
  set(_werror ON)
else()
  set(_werror OFF)
endif()
set(_boot_werror "")
if(EXISTS "${_boot}/CMakeCache.txt")
  file(STRINGS "${_boot}/CMakeCache.txt" _boot_werror REGEX "^MISTMCP_WERROR:BOOL=")
endif()
if(NOT _boot_werror STREQUAL "MISTMCP_WERROR:BOOL=${_werror}")
  execute_process(COMMAND ${CMAKE_COMMAND} -S "${PROJECT_SOURCE_DIR}/generator" -B "${_boot}"
                          -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}
                          -DMISTMCP_WERROR=${_werror}
                  RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "bootstrapping mistmcp-gen failed:\n${_out}")
  endif()
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build "${_boot}" --target mistmcp-gen
                RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "building mistmcp-gen failed:\n${_out}")
endif()
set(MISTMCP_GEN_BOOTSTRAP "${_boot}/mistmcp-gen")

execute_process(COMMAND "${MISTMCP_GEN_BOOTSTRAP}" --exclude "${MISTMCP_EXCLUSIONS}"
                        --out "${MISTMCP_GENERATED_DIR}" "${MISTMCP_SPEC_FILE}"
                RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
file(WRITE "${PROJECT_BINARY_DIR}/generator-output.txt" "${_out}${_err}")
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "mistmcp-gen failed on ${MISTMCP_SPEC_FILE}:\n${_err}")
endif()
string(REGEX MATCHALL "[^\n]*(spec |tools/list bytes|compaction|demo answers|demo writes)[^\n]*"
       _summary "${_out}")
foreach(_line IN LISTS _summary)
  message(STATUS "mistmcp-gen: ${_line}")
endforeach()
file(STRINGS "${MISTMCP_GENERATED_DIR}/categories.txt" MISTMCP_CATEGORIES)
list(LENGTH MISTMCP_CATEGORIES _n)
message(STATUS "mistmcp-gen: ${_n} category plugins (per-category sizes: generator-output.txt)")
