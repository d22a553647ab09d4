# Warnings are errors only when asked for: a build with the defaults (a packager's, a user's,
# another compiler's) passes no -Werror to any compilation, the generator's bootstrap included,
# while -DMISTMCP_WERROR=ON (the test command and CI) passes it to every one, the bootstrap's
# too when the same tree is switched.
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
# The bootstrap is configured by the build itself, with CMake's default generator: the lines
# of its build files that carry -Werror, and how many of its compile-flag lines there are.
function(bootstrap_werror with_out total_out)
  file(GLOB_RECURSE files "${SCRATCH}/generator-bootstrap/flags.make"
       "${SCRATCH}/generator-bootstrap/build.ninja")
  if(NOT files)
    message(FATAL_ERROR "no build file of the generator's bootstrap to read in ${SCRATCH}")
  endif()
  set(with 0)
  set(total 0)
  foreach(f IN LISTS files)
    file(STRINGS "${f}" flags REGEX "^ *(C_FLAGS|FLAGS) =")
    foreach(line IN LISTS flags)
      math(EXPR total "${total} + 1")
      if(line MATCHES "-Werror")
        math(EXPR with "${with} + 1")
      endif()
    endforeach()
  endforeach()
  set(${with_out} ${with} PARENT_SCOPE)
  set(${total_out} ${total} PARENT_SCOPE)
endfunction()

bootstrap_werror(boot_with boot_total)
if(NOT with EQUAL 0 OR NOT boot_with EQUAL 0 OR boot_total EQUAL 0)
  message(FATAL_ERROR "the default build makes warnings errors: ${with} of ${total} compile "
                      "commands, ${boot_with} of ${boot_total} of the generator's bootstrap")
endif()

# Then on, in the same tree (as a developer would switch): the bootstrap follows.
configure(-DMISTMCP_WERROR=ON)
count_werror(with total)
bootstrap_werror(boot_with boot_total)
if(NOT with EQUAL total OR total LESS 200 OR NOT boot_with EQUAL boot_total)
  message(FATAL_ERROR "-DMISTMCP_WERROR=ON: -Werror in ${with} of ${total} compile commands, "
                      "${boot_with} of ${boot_total} of the generator's bootstrap")
endif()
file(REMOVE_RECURSE "${SCRATCH}")
message(STATUS "-Werror: none of ${total} compilations by default, all with MISTMCP_WERROR=ON")
