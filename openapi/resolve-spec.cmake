# Finds the pinned Mist OpenAPI spec, in this order:
#   1. the cache option MISTMCP_OPENAPI_SPEC (any spec you choose; a differing hash is a warning)
#   2. openapi/mist.openapi.yaml or openapi/mist.openapi.json in the source tree (git-ignored)
#   3. the same names in ../shared/openapi/ beside the checkout
#   4. a download of the pinned YAML (and its JSON twin) into the build tree
# One file in either format is enough: the generator reads both. Found files of 2-4 must match
# the pinned sha256, or configuration stops naming both hashes.
# Sets MISTMCP_SPEC_FILE (what the generator reads) and MISTMCP_SPEC_JSON_FILE (the JSON twin
# used by the tests as an independent reading of the YAML; empty when not found beside it,
# and those tests then report themselves skipped).
include(${CMAKE_CURRENT_LIST_DIR}/pin.cmake)

set(MISTMCP_OPENAPI_SPEC "" CACHE FILEPATH "OpenAPI spec to generate tools from (YAML or JSON)")

function(_mistmcp_check_hash file expected)
  file(SHA256 "${file}" actual)
  if(NOT actual STREQUAL expected)
    message(FATAL_ERROR "OpenAPI spec ${file} does not match the pin in openapi/pin.cmake:\n"
                        "  expected sha256 ${expected}\n  actual   sha256 ${actual}\n"
                        "Use the pinned file, or point MISTMCP_OPENAPI_SPEC at a spec you choose.")
  endif()
endfunction()

# The pinned file `name` in openapi/ or ../shared/openapi/ (checked against `sha`), or "".
function(_mistmcp_find_local name sha out)
  set(${out} "" PARENT_SCOPE)
  foreach(dir "${PROJECT_SOURCE_DIR}/openapi" "${PROJECT_SOURCE_DIR}/../shared/openapi")
    if(EXISTS "${dir}/${name}")
      get_filename_component(found "${dir}/${name}" REALPATH)
      _mistmcp_check_hash("${found}" "${sha}")
      set(${out} "${found}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
endfunction()

# The pinned file `name`, downloaded into the build tree once and checked against `sha`.
function(_mistmcp_download name sha out)
  set(dest "${PROJECT_BINARY_DIR}/openapi/${name}")
  if(NOT EXISTS "${dest}")
    message(STATUS "Downloading ${MISTMCP_SPEC_RAW_URL}/${name}")
    file(DOWNLOAD "${MISTMCP_SPEC_RAW_URL}/${name}" "${dest}.part" STATUS st TLS_VERIFY ON)
    list(GET st 0 code)
    if(NOT code EQUAL 0)
      file(REMOVE "${dest}.part")
      message(FATAL_ERROR "cannot find ${MISTMCP_SPEC_YAML_NAME} or ${MISTMCP_SPEC_JSON_NAME} "
                          "(looked in openapi/ and ../shared/openapi/) and cannot download "
                          "${name}: ${st}\nTo build offline, copy the pinned spec into openapi/.")
    endif()
    _mistmcp_check_hash("${dest}.part" "${sha}")
    file(RENAME "${dest}.part" "${dest}")
  endif()
  _mistmcp_check_hash("${dest}" "${sha}")
  set(${out} "${dest}" PARENT_SCOPE)
endfunction()

if(MISTMCP_OPENAPI_SPEC)
  if(NOT EXISTS "${MISTMCP_OPENAPI_SPEC}")
    message(FATAL_ERROR "MISTMCP_OPENAPI_SPEC=${MISTMCP_OPENAPI_SPEC}: no such file")
  endif()
  file(SHA256 "${MISTMCP_OPENAPI_SPEC}" _sha)
  if(NOT _sha STREQUAL MISTMCP_SPEC_YAML_SHA256 AND NOT _sha STREQUAL MISTMCP_SPEC_JSON_SHA256)
    message(WARNING "MISTMCP_OPENAPI_SPEC is not the pinned spec ${MISTMCP_SPEC_VERSION} "
                    "(sha256 ${_sha}); the full-spec tests expect the pinned one.")
  endif()
  set(MISTMCP_SPEC_FILE "${MISTMCP_OPENAPI_SPEC}")
  set(MISTMCP_SPEC_JSON_FILE "")
else()
  _mistmcp_find_local("${MISTMCP_SPEC_YAML_NAME}" "${MISTMCP_SPEC_YAML_SHA256}" _yaml)
  _mistmcp_find_local("${MISTMCP_SPEC_JSON_NAME}" "${MISTMCP_SPEC_JSON_SHA256}" _json)
  if(_yaml)
    set(MISTMCP_SPEC_FILE "${_yaml}")
    set(MISTMCP_SPEC_JSON_FILE "${_json}")
  elseif(_json) # the JSON alone: generated from, so no independent second reading
    set(MISTMCP_SPEC_FILE "${_json}")
    set(MISTMCP_SPEC_JSON_FILE "")
  else()
    _mistmcp_download("${MISTMCP_SPEC_YAML_NAME}" "${MISTMCP_SPEC_YAML_SHA256}" MISTMCP_SPEC_FILE)
    _mistmcp_download("${MISTMCP_SPEC_JSON_NAME}" "${MISTMCP_SPEC_JSON_SHA256}"
                      MISTMCP_SPEC_JSON_FILE)
  endif()
endif()
message(STATUS "OpenAPI spec: ${MISTMCP_SPEC_FILE}")
set(MISTMCP_SPEC_FILE_USED "${MISTMCP_SPEC_FILE}" CACHE INTERNAL "the spec this tree was generated from")
set(MISTMCP_SPEC_JSON_FILE_USED "${MISTMCP_SPEC_JSON_FILE}" CACHE INTERNAL
    "its JSON twin, if found (the benchmark's peer reads it)")
