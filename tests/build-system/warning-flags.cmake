# Warnings are errors only when asked for: a build with the defaults (a packager's, a user's,
# another compiler's) passes no -Werror to any compilation, the generator's bootstrap included,
# while -DMISTMCP_WERROR=ON (the test command and CI) passes it to every one.
# Configures the real source tree into a scratch build tree (no compilation but the
# generator's bootstrap). Inputs: SOURCE_DIR, SCRATCH, SPEC (the spec the build uses),
# GENERATOR (CMake generator).
file(REMOVE_RECURSE "${SCRATCH}")

function(configure)
  execute_process(COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${SCRATCH}" -G "${GENERATOR}"
                          -DMISTMCP_BUILD_TESTS=OFF "-DMISTMCP_OPENAPI_SPEC=${SPEC}" ${ARGN}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "configuring ${SOURCE_DIR} failed:\n${out}${err}")
  endif()
endfunction()

# How many of the compile commands carry -Werror, and how many there are.
function(count_werror werror_out total_out)
  file(READ "${SCRATCH}/compile_commands.json" json)
  string(JSON n LENGTH "${json}")
  math(EXPR last "${n} - 1")
  set(with 0)
  foreach(i RANGE ${last})
    string(JSON cmd GET "${json}" ${i} command)
    if(cmd MATCHES "(^| )-Werror( |$)")
      math(EXPR with "${with} + 1")
    endif()
  endforeach()
  set(${werror_out} ${with} PARENT_SCOPE)
  set(${total_out} ${n} PARENT_SCOPE)
endfunction()

configure()
count_werror(with total)
# The bootstrap is configured by the build itself, with CMake's default generator.
file(GLOB_RECURSE boot_files "${SCRATCH}/generator-bootstrap/flags.make"
     "${SCRATCH}/generator-bootstrap/build.ninja")
set(boot_werror "")
foreach(f IN LISTS boot_files)
  file(STRINGS "${f}" lines REGEX "-Werror")
  list(APPEND boot_werror ${lines})
endforeach()
if(NOT boot_files)
  message(FATAL_ERROR "no build file of the generator's bootstrap to read in ${SCRATCH}")
endif()
if(NOT with EQUAL 0 OR boot_werror)
  message(FATAL_ERROR "the default build makes warnings errors: ${with} of ${total} compile "
                      "commands, and the generator's bootstrap: ${boot_werror}")
endif()

configure(-DMISTMCP_WERROR=ON)
count_werror(with total)
if(NOT with EQUAL total OR total LESS 200)
  message(FATAL_ERROR "-DMISTMCP_WERROR=ON: -Werror in ${with} of ${total} compile commands")
endif()
file(REMOVE_RECURSE "${SCRATCH}")
message(STATUS "-Werror: none of ${total} compilations by default, all with MISTMCP_WERROR=ON")
