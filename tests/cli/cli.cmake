# The mistmcp executable's command line: --version, --help, --list-categories (loads no
# plugin: works with an empty plugin directory), --check-plugins from the build tree without
# any flag (finds the build tree's plugins), and bad input (one line naming the value, exit 2).
# Inputs: MISTMCP, EMPTY_DIR, SPEC_VERSION.
function(run expect_rc)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc STREQUAL expect_rc)
    message(FATAL_ERROR "`${ARGN}` exited ${rc}, expected ${expect_rc}\n${out}${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()
function(expect text pattern)
  if(NOT text MATCHES "${pattern}")
    message(FATAL_ERROR "expected /${pattern}/ in:\n${text}")
  endif()
  set(match1 "${CMAKE_MATCH_1}" PARENT_SCOPE)
  set(match2 "${CMAKE_MATCH_2}" PARENT_SCOPE)
endfunction()

run(0 "${MISTMCP}" --version)
expect("${out}" "^mistmcp [0-9]+\\.[0-9]+\\.[0-9]+ \\(Mist API spec ${SPEC_VERSION}, plugin ABI 1\\.0\\)\n$")
run(0 "${MISTMCP}" --help)
expect("${out}" "--list-categories")

file(MAKE_DIRECTORY "${EMPTY_DIR}")
run(0 "${MISTMCP}" --list-categories --plugin-dir "${EMPTY_DIR}")
string(REGEX MATCHALL "\n[a-z0-9_]+ +[0-9]+ +[0-9]+  [^\n]+" rows "${out}")
list(LENGTH rows n)
if(n LESS 190)
  message(FATAL_ERROR "--list-categories printed ${n} categories:\n${out}")
endif()
expect("${out}" "\norgs_wlans +[0-9]+ +[0-9]+  ")
expect("${out}" "\n${n} categories, [0-9]+ tools \\([0-9]+ read-only\\), Mist API spec ${SPEC_VERSION}\n")

# Same through the environment variable.
run(0 ${CMAKE_COMMAND} -E env "MISTMCP_PLUGIN_DIR=${EMPTY_DIR}" "${MISTMCP}" --list-categories)

run(0 "${MISTMCP}" --check-plugins)
expect("${out}" "([0-9]+) of ([0-9]+) category plugins load")
if(NOT match1 EQUAL match2 OR match1 LESS 190)
  message(FATAL_ERROR "--check-plugins: ${out}${err}")
endif()
run(1 "${MISTMCP}" --check-plugins --plugin-dir "${EMPTY_DIR}")
expect("${err}" "plugin for category orgs_wlans not found: no orgs_wlans.so in ")

run(2 "${MISTMCP}" --bogus)
expect("${err}" "^mistmcp: unknown option '--bogus' \\(see --help\\)\n$")
run(2 "${MISTMCP}" --plugin-dir)
expect("${err}" "option --plugin-dir needs a value")
run(2 "${MISTMCP}" extra)
expect("${err}" "unexpected argument 'extra'")
message(STATUS "command line OK (${n} categories)")
