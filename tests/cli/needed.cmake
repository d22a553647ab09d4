# A stdio start must not map libcurl, libmicrohttpd, hiredis or their TLS stacks: they are loaded
# with dlopen when first needed (core/mist/client.c, core/transport/mhd_lib.c, core/base/redis.c). Linking either one again
# costs every stdio start milliseconds and megabytes; this check says so at once.
# Inputs: READELF, MISTMCP.
execute_process(COMMAND "${READELF}" -d "${MISTMCP}" RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "readelf -d ${MISTMCP} failed")
endif()
string(REGEX MATCHALL "\\(NEEDED\\)[^\n]*" needed "${out}")
if(NOT needed MATCHES "libc\\.so")
  message(FATAL_ERROR "no NEEDED entries found in:\n${out}")
endif()
foreach(lib libcurl libmicrohttpd libhiredis libgnutls libssl libcrypto)
  if(needed MATCHES "${lib}")
    message(FATAL_ERROR "mistmcp links ${lib} directly; load it lazily instead:\n${needed}")
  endif()
endforeach()
