# `mistmcp config CLIENT [--http URL]` (issue 17, item 6): each client's set-up in that
# client's format, read back as JSON (or as the command line for Claude Code) and checked
# member by member: this binary's absolute path, the options that shape a session, the env
# file made absolute, never the token; then the mistakes, each refused with exit status 2.
# Inputs: MISTMCP, PLUGIN_DIR (the build's plugins), SCRATCH.
cmake_policy(SET CMP0054 NEW)

function(run expect_rc)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc STREQUAL expect_rc)
    message(FATAL_ERROR "`${ARGN}` exited ${rc}, expected ${expect_rc}\n${out}${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()
function(member expected) # member EXPECTED PATH...: the JSON member at PATH of ${out}
  string(JSON got ERROR_VARIABLE e GET "${out}" ${ARGN})
  if(e OR NOT got STREQUAL expected)
    message(FATAL_ERROR "at ${ARGN}: expected '${expected}', got '${got}' ${e} in:\n${out}")
  endif()
endfunction()
function(absent) # absent PATH...: no member at PATH of ${out}
  string(JSON got ERROR_VARIABLE e GET "${out}" ${ARGN})
  if(NOT e)
    message(FATAL_ERROR "at ${ARGN}: expected nothing, got '${got}' in:\n${out}")
  endif()
endfunction()
function(length expected) # length N PATH...
  string(JSON got LENGTH "${out}" ${ARGN})
  if(NOT got EQUAL expected)
    message(FATAL_ERROR "at ${ARGN}: expected ${expected} items, got ${got} in:\n${out}")
  endif()
endfunction()
function(expect text pattern)
  if(NOT text MATCHES "${pattern}")
    message(FATAL_ERROR "expected /${pattern}/ in:\n${text}")
  endif()
endfunction()

get_filename_component(exe "${MISTMCP}" REALPATH)
file(REMOVE_RECURSE "${SCRATCH}")
set(secret "tok3n-that-is-never-printed-0123456789")
file(WRITE "${SCRATCH}/mist.env" "MIST_API_TOKEN=${secret}\nMIST_HOST=api.eu.mist.com\n")
file(MAKE_DIRECTORY "${SCRATCH}/more plugins")
file(COPY "${PLUGIN_DIR}/orgs_wlans.so" DESTINATION "${SCRATCH}/more plugins")

# Claude Desktop on the demo cloud: no env file needed, none given.
run(0 "${MISTMCP}" --demo config claude-desktop)
member("${exe}" mcpServers mist command)
length(1 mcpServers mist args)
member("--demo" mcpServers mist args 0)
absent(mcpServers mist env)

# VS Code with an env file (given relative: made absolute) and a mode: the token stays in it.
execute_process(COMMAND "${MISTMCP}" --env-file mist.env --mode all config vscode
                WORKING_DIRECTORY "${SCRATCH}" RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "config vscode with an env file: ${rc} ${err}")
endif()
member("stdio" servers mist type)
member("${exe}" servers mist command)
member("--mode" servers mist args 0)
member("all" servers mist args 1)
member("${SCRATCH}/mist.env" servers mist env MIST_ENV_FILE)
if(out MATCHES "${secret}")
  message(FATAL_ERROR "the token was printed:\n${out}")
endif()

# Cursor with categories and a plugin directory (absolute); without an env file, a path to
# edit.
run(0 "${MISTMCP}" --categories orgs_wlans,sites_wlans --plugin-dir "${SCRATCH}/more plugins"
    --enable-write-tools config cursor)
member("${exe}" mcpServers mist command)
member("--categories" mcpServers mist args 0)
member("orgs_wlans,sites_wlans" mcpServers mist args 1)
member("--enable-write-tools" mcpServers mist args 2)
member("--plugin-dir" mcpServers mist args 3)
member("${SCRATCH}/more plugins" mcpServers mist args 4)
member("/path/to/mist.env" mcpServers mist env MIST_ENV_FILE)

# Over HTTP: the URL and a header whose token comes from the client, never from here.
set(url "http://127.0.0.1:8000/mcp")
run(0 "${MISTMCP}" config vscode --http ${url})
member("http" servers mist type)
member("${url}" servers mist url)
member("\${input:mist-api-token}" servers mist headers X-Authorization)
member("mist-api-token" inputs 0 id)
member("promptString" inputs 0 type)
member("ON" inputs 0 password)
absent(servers mist command)
run(0 "${MISTMCP}" config cursor --http ${url})
member("${url}" mcpServers mist url)
member("\${env:MIST_API_TOKEN}" mcpServers mist headers X-Authorization)
run(0 "${MISTMCP}" config claude-desktop --http ${url})
member("npx" mcpServers mist command)
member("mcp-remote" mcpServers mist args 1)
member("${url}" mcpServers mist args 2)

# Claude Code: a command line, words with a space quoted for the shell.
run(0 "${MISTMCP}" --demo --plugin-dir "${SCRATCH}/more plugins" config claude-code)
string(REPLACE "." "\\." exe_re "${exe}")
string(REPLACE "+" "\\+" exe_re "${exe_re}")
string(REPLACE "." "\\." scratch_re "${SCRATCH}")
expect("${out}" "^claude mcp add mist -- ${exe_re} --demo --plugin-dir '${scratch_re}/more plugins'\n$")
run(0 "${MISTMCP}" --env-file "${SCRATCH}/mist.env" config claude-code)
expect("${out}" "^claude mcp add mist --env MIST_ENV_FILE=${scratch_re}/mist\\.env -- ${exe_re}\n$")
run(0 "${MISTMCP}" config claude-code --http ${url})
expect("${out}" "^claude mcp add --transport http mist http://127\\.0\\.0\\.1:8000/mcp --header \"X-Authorization: \\\${MIST_API_TOKEN}\"\n$")

# Mistakes: one line each, exit 2.
run(2 "${MISTMCP}" config)
expect("${err}" "^mistmcp: config takes one client: claude-desktop, claude-code, vscode, cursor")
run(2 "${MISTMCP}" config emacs)
expect("${err}" "^mistmcp: unknown client 'emacs': expected claude-desktop, claude-code, vscode, cursor\n$")
run(2 "${MISTMCP}" config vscode cursor)
run(2 "${MISTMCP}" config vscode --http ftp://example.com/mcp)
expect("${err}" "^mistmcp: --http 'ftp://example.com/mcp': expected an http:// or https:// URL")
run(2 "${MISTMCP}" config vscode --http "http://a b/mcp")
run(2 "${MISTMCP}" --http ${url})
expect("${err}" "^mistmcp: --http goes with the config command")
run(2 "${MISTMCP}" --categories no_such_category config vscode)
expect("${err}" "unknown category 'no_such_category'")
message(STATUS "config: 4 clients, stdio and HTTP, and 7 mistakes refused")
