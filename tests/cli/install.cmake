# Installs the build into a scratch prefix and runs the installed binary: it must find the
# installed plugins (<libdir>/mistmcp/plugins, located relative to the binary) with no flag,
# and the header, pkg-config file and man page must be in place.
# Inputs: BUILD_DIR, PREFIX.
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "install failed: ${err}")
endif()
file(GLOB_RECURSE pcs "${PREFIX}/*/mistmcp-plugin.pc")
file(GLOB_RECURSE plugins "${PREFIX}/*/mistmcp/plugins/*.so")
list(LENGTH plugins n)
if(NOT EXISTS "${PREFIX}/include/mistmcp/plugin.h" OR NOT pcs OR n LESS 190
   OR NOT EXISTS "${PREFIX}/share/man/man1/mistmcp.1")
  message(FATAL_ERROR "incomplete install: header, pkg-config file, man page or ${n} plugins")
endif()
execute_process(COMMAND "${PREFIX}/bin/mistmcp" --check-plugins
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "^${n} of ${n} category plugins load")
  message(FATAL_ERROR "installed mistmcp --check-plugins: ${rc}\n${out}${err}")
endif()
message(STATUS "installed tree works: ${n} plugins")
