# The walls between the server core's layers (core/README.md), checked on the sources as the
# preprocessor sees them and on the compiled layer libraries:
#   1. core/ holds the layer folders and main.c as C sources: no other .c/.h, no other folder;
#   2. every #include of a core header names its layer ("mist/call.h", not "call.h" or
#      "../mist/call.h"), the form a reader can follow;
#   3. what each core file includes, as the preprocessor opens it (so macros, comments and
#      "../" tricks count too), is of its own layer or one its layer may use (LAYER_USES below);
#      base does not see the plugin ABI either; nothing includes a file of the tree outside
#      core/ and include/;
#   4. only registry/ (plugins) and base/system_lib.c (system libraries by soname) call dlopen;
#   5. plugins see include/mistmcp/plugin.h and nothing else of ours: include/mistmcp/ holds
#      only plugin.h, which includes only system headers, and plugin sources (plugins/, the
#      test plugins, the generated categories) include nothing of the tree but plugin.h; the
#      three generated sources compiled into the server are held to rule 3 as files of their
#      layers (catalog.c: registry, demo_answers.c and demo_writes.c: demo);
#   6. the layer libraries' undefined symbols (what they call) are defined in their own layer
#      or one it may use, and dlopen is called from nowhere else than in rule 4.
#
# cmake -DROOT=<checkout> -DCC=<C compiler> -DCOMPILE_COMMANDS=<build>/compile_commands.json
#       [-DGENERATED=<dir>] [-DNM=<nm> -DLIB_base=<libmistmcp_base.a> ... -DLIB_transport=...]
#       [-DSELF_TEST=<scratch dir>] -P walls.cmake
# Each file is preprocessed with the -D, -U, -I, -isystem and -std flags the build compiles it
# with (a header: those of its layer's first source; plugin.h: those of the example plugin).
# SELF_TEST: also shows that the check catches what it is meant to: it copies the tree, breaks
# the rules in every form above, and fails unless each break is reported, and nothing else;
# then it checks the real libraries against a stricter table that the real code does not meet.
cmake_minimum_required(VERSION 3.25)

set(LAYERS base mist registry mcp transport demo)
set(LAYER_USES_base base)
set(LAYER_USES_mist base mist)
set(LAYER_USES_registry base registry)
set(LAYER_USES_mcp base mist registry mcp)
set(LAYER_USES_transport base mist registry mcp transport)
set(LAYER_USES_demo base transport demo)
set(LAYER_USES_main ${LAYERS})
set(SEES_PLUGIN_ABI mist registry mcp transport main) # include/mistmcp/plugin.h
set(DLOPEN_ALLOWED "registry/" "base/system_lib.c") # prefixes of paths under core/
# flag(<parts>...): one violation, its parts joined, appended to the list v of the caller.
function(flag)
  string(CONCAT msg ${ARGN})
  set(v ${v} "${msg}" PARENT_SCOPE)
endfunction()

function(join out list)
  string(REPLACE ";" ", " text "${list}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Reads COMPILE_COMMANDS: for each source file (real path) the flags that matter to the
# preprocessor, in FLAGS_<md5 of the path>; a layer's first source's also in
# LAYER_FLAGS_<layer>, the example plugin's in PLUGIN_FLAGS. Sets them in the caller's scope.
macro(load_compile_commands)
  file(READ "${COMPILE_COMMANDS}" _json)
  string(JSON _n LENGTH "${_json}")
  math(EXPR _last "${_n} - 1")
  foreach(_i RANGE ${_last})
    string(JSON _file GET "${_json}" ${_i} file)
    string(JSON _cmd GET "${_json}" ${_i} command)
    get_filename_component(_file "${_file}" REALPATH)
    string(MD5 _key "${_file}")
    if(DEFINED FLAGS_${_key})
      continue() # a source built more than once (the test plugins): the first will do
    endif()
    separate_arguments(_args UNIX_COMMAND "${_cmd}")
    set(_flags "")
    set(_take_next FALSE)
    foreach(_a IN LISTS _args)
      if(_take_next)
        list(APPEND _flags "${_a}")
        set(_take_next FALSE)
      elseif(_a MATCHES "^-(isystem|iquote|include|I|D|U)$")
        list(APPEND _flags "${_a}")
        set(_take_next TRUE)
      elseif(_a MATCHES "^-(I|D|U|isystem|iquote|std=).")
        list(APPEND _flags "${_a}")
      endif()
    endforeach()
    set(FLAGS_${_key} "${_flags}")
    file(RELATIVE_PATH _rel "${ROOT}" "${_file}")
    if(_rel MATCHES "^core/([a-z]+)/[^/]+\\.c$" AND NOT DEFINED LAYER_FLAGS_${CMAKE_MATCH_1})
      set(LAYER_FLAGS_${CMAKE_MATCH_1} "${_flags}")
    elseif(_rel STREQUAL "plugins/examples/site_count.c")
      set(PLUGIN_FLAGS "${_flags}")
    endif()
  endforeach()
  if(NOT LAYER_FLAGS_mist OR NOT PLUGIN_FLAGS)
    message(FATAL_ERROR "${COMPILE_COMMANDS} lacks the core or the example plugin: build first")
  endif()
endmacro()

# The flags to preprocess a file of the tree being checked (ROOT_REAL) with: its own (looked up
# by its path in the checkout) or fallback's. Paths of the checkout in them become paths of the
# tree being checked.
function(flags_for file fallback out)
  file(RELATIVE_PATH rel "${ROOT_REAL}" "${file}")
  string(MD5 key "${ROOT}/${rel}")
  if(DEFINED FLAGS_${key})
    set(flags "${FLAGS_${key}}")
  else()
    set(flags "${fallback}")
  endif()
  string(REPLACE "${ROOT}/" "${ROOT_REAL}/" flags "${flags}")
  set(${out} "${flags}" PARENT_SCOPE)
endfunction()

# The files file opens itself (not through another header), as the preprocessor resolves them
# with flags, made absolute and real; a failure is reported in the list named by out.
function(direct_includes file shown flags result out)
  set(v "${${out}}")
  execute_process(COMMAND "${CC}" -E -H -w -x c ${flags} "${file}" -o /dev/null
                  WORKING_DIRECTORY "${ROOT_REAL}" RESULT_VARIABLE rc ERROR_VARIABLE err
                  OUTPUT_QUIET)
  set(found "")
  if(NOT rc EQUAL 0)
    string(REGEX MATCH "[^\n]*error:[^\n]*" first "${err}")
    list(APPEND v "${shown}: the preprocessor failed: ${first}")
  else()
    string(REPLACE "\n" ";" lines "${err}")
    foreach(line IN LISTS lines)
      if(line MATCHES "^\\. (.+)$")
        get_filename_component(path "${CMAKE_MATCH_1}" REALPATH BASE_DIR "${ROOT_REAL}")
        list(APPEND found "${path}")
      endif()
    endforeach()
  endif()
  set(${result} "${found}" PARENT_SCOPE)
  set(${out} "${v}" PARENT_SCOPE)
endfunction()

# Rule 2 on one file of core/ (rel: its path under core/).
function(check_include_form root rel out)
  set(v "${${out}}")
  file(STRINGS "${root}/core/${rel}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]")
  foreach(line IN LISTS lines)
    set(target "")
    if(line MATCHES "#[ \t]*include[ \t]*\"([^\"]*)\"")
      set(target "${CMAKE_MATCH_1}")
    elseif(line MATCHES "#[ \t]*include[ \t]*<((base|mist|registry|mcp|transport|demo)/[^>]*)>")
      set(target "${CMAKE_MATCH_1}")
    endif()
    if(target AND (NOT target MATCHES "^([a-z]+)/[A-Za-z0-9_]+\\.h$" OR
                   NOT CMAKE_MATCH_1 IN_LIST LAYERS))
      flag("core/${rel}: #include \"${target}\" does not name its layer "
           "(write \"<layer>/<file>.h\")")
    endif()
  endforeach()
  set(${out} "${v}" PARENT_SCOPE)
endfunction()

# Rule 3 on one file of core/ in layer (or "main").
function(check_walls root rel layer out)
  set(v "${${out}}")
  check_layer_file("${root}" "${ROOT_REAL}/core/${rel}" "core/${rel}" ${layer} v)
  set(${out} "${v}" PARENT_SCOPE)
endfunction()

# Rule 3 on a file (a whole path; shown: how to name it) that belongs to layer.
function(check_layer_file root file shown layer out)
  set(v "${${out}}")
  if(layer STREQUAL "main")
    set(fallback "${LAYER_FLAGS_transport}")
  else()
    set(fallback "${LAYER_FLAGS_${layer}}")
  endif()
  flags_for("${file}" "${fallback}" flags)
  direct_includes("${file}" "${shown}" "${flags}" deps v)
  get_filename_component(core "${root}/core" REALPATH)
  get_filename_component(public "${root}/include" REALPATH)
  join(uses "${LAYER_USES_${layer}}")
  foreach(dep IN LISTS deps)
    string(FIND "${dep}" "${core}/" at_core)
    string(FIND "${dep}" "${public}/" at_public)
    string(FIND "${dep}" "${ROOT_REAL}/" at_root)
    if(at_core EQUAL 0)
      file(RELATIVE_PATH to "${core}" "${dep}")
      string(REGEX REPLACE "/.*" "" to_layer "${to}")
      if(NOT to_layer IN_LIST LAYER_USES_${layer})
        flag("${shown} includes core/${to} across a wall: "
             "${layer} may include only ${uses}")
      endif()
    elseif(at_public EQUAL 0)
      if(NOT layer IN_LIST SEES_PLUGIN_ABI)
        file(RELATIVE_PATH to "${ROOT_REAL}" "${dep}")
        list(APPEND v "${shown} includes ${to}: ${layer} knows no plugins")
      endif()
    elseif(at_root EQUAL 0)
      file(RELATIVE_PATH to "${ROOT_REAL}" "${dep}")
      list(APPEND v "${shown} includes ${to}, which is outside core/ and include/")
    endif()
  endforeach()
  set(${out} "${v}" PARENT_SCOPE)
endfunction()

# Rule 4 on one file of core/: a call of dlopen outside comments.
function(check_dlopen root rel out)
  set(v "${${out}}")
  foreach(allowed IN LISTS DLOPEN_ALLOWED)
    string(FIND "${rel}" "${allowed}" at)
    if(at EQUAL 0)
      return()
    endif()
  endforeach()
  file(READ "${root}/core/${rel}" text)
  # Comments out: /* ... */ blocks, then // to the end of the line.
  foreach(guard RANGE 100000)
    string(FIND "${text}" "/*" open)
    if(open LESS 0)
      break()
    endif()
    string(SUBSTRING "${text}" ${open} -1 rest)
    string(FIND "${rest}" "*/" close)
    string(SUBSTRING "${text}" 0 ${open} before)
    if(close LESS 0)
      set(text "${before}")
    else()
      math(EXPR after "${close} + 2")
      string(SUBSTRING "${rest}" ${after} -1 rest)
      set(text "${before} ${rest}")
    endif()
  endforeach()
  string(REGEX REPLACE "//[^\n]*" "" text "${text}")
  if(text MATCHES "(^|[^A-Za-z0-9_])dl(m)?open[ \t\n]*\\(")
    flag("core/${rel} calls dlopen: only registry/ opens plugins, "
         "and base/system_lib.c system libraries")
  endif()
  set(${out} "${v}" PARENT_SCOPE)
endfunction()

# Rule 5 on one plugin source (a whole path; shown: how to name it).
function(check_plugin_source root file shown out)
  set(v "${${out}}")
  get_filename_component(file "${file}" REALPATH)
  flags_for("${file}" "${PLUGIN_FLAGS}" flags)
  direct_includes("${file}" "${shown}" "${flags}" deps v)
  get_filename_component(abi "${root}/include/mistmcp/plugin.h" REALPATH)
  foreach(dep IN LISTS deps)
    string(FIND "${dep}" "${ROOT_REAL}/" at_root)
    if(at_root EQUAL 0 AND NOT dep STREQUAL abi)
      file(RELATIVE_PATH to "${ROOT_REAL}" "${dep}")
      flag("${shown} includes ${to}: a plugin sees only <mistmcp/plugin.h> and system headers")
    endif()
  endforeach()
  set(${out} "${v}" PARENT_SCOPE)
endfunction()

# Rules 1 to 5 on the tree at root; generated: a directory of generated plugin sources, or "".
# Sets out to the list of violations.
function(check_tree root generated out)
  set(v "")
  # The tree being checked, as the functions called from here read it (CMake's dynamic scope).
  get_filename_component(ROOT_REAL "${root}" REALPATH)
  file(GLOB entries RELATIVE "${root}/core" "${root}/core/*")
  foreach(e IN LISTS entries)
    if(e MATCHES "^\\.")
      continue() # an editor's or a tool's
    elseif(IS_DIRECTORY "${root}/core/${e}")
      if(NOT e IN_LIST LAYERS)
        join(layers "${LAYERS}")
        list(APPEND v "core/${e}/ is not a layer folder (the layers: ${layers})")
      endif()
    elseif(e MATCHES "\\.[ch]$" AND NOT e STREQUAL "main.c")
      list(APPEND v "core/${e} stands outside every layer folder: move it into one")
    endif()
  endforeach()
  foreach(layer IN LISTS LAYERS)
    file(GLOB_RECURSE files RELATIVE "${root}/core" "${root}/core/${layer}/*.[ch]")
    foreach(rel IN LISTS files)
      check_include_form("${root}" "${rel}" v)
      check_walls("${root}" "${rel}" ${layer} v)
      check_dlopen("${root}" "${rel}" v)
    endforeach()
  endforeach()
  if(EXISTS "${root}/core/main.c")
    check_include_form("${root}" "main.c" v)
    check_walls("${root}" "main.c" main v)
    check_dlopen("${root}" "main.c" v)
  endif()

  file(GLOB public RELATIVE "${root}/include/mistmcp" "${root}/include/mistmcp/*")
  foreach(h IN LISTS public)
    if(NOT h STREQUAL "plugin.h")
      list(APPEND v "include/mistmcp/${h}: plugin.h is the only header plugins see")
    endif()
  endforeach()
  check_plugin_source("${root}" "${root}/include/mistmcp/plugin.h" "include/mistmcp/plugin.h" v)
  file(GLOB_RECURSE plugin_sources "${root}/plugins/*.c" "${root}/tests/plugins/*.c")
  foreach(f IN LISTS plugin_sources)
    file(RELATIVE_PATH shown "${root}" "${f}")
    check_plugin_source("${root}" "${f}" "${shown}" v)
  endforeach()
  if(generated)
    file(GLOB gen_sources "${generated}/*.c")
    list(LENGTH gen_sources n)
    if(n EQUAL 0)
      list(APPEND v "${generated} holds no generated plugin source")
    endif()
    foreach(f IN LISTS gen_sources)
      get_filename_component(name "${f}" NAME)
      # Three are compiled into the server, each as a file of its layer: the catalog of
      # categories and the demo cloud's answers and writes. The others are plugins.
      if(name STREQUAL "catalog.c")
        check_layer_file("${root}" "${f}" "generated/${name}" registry v)
      elseif(name STREQUAL "demo_answers.c" OR name STREQUAL "demo_writes.c")
        check_layer_file("${root}" "${f}" "generated/${name}" demo v)
      else()
        check_plugin_source("${root}" "${f}" "generated/${name}" v)
      endif()
    endforeach()
  endif()
  set(${out} "${v}" PARENT_SCOPE)
endfunction()

# Rule 6 on the layer libraries LIB_<layer>, with LAYER_USES_<layer> as the caller sets it.
# Sets out to the list of violations.
function(check_symbols out)
  set(v "")
  set(defined 0)
  foreach(layer IN LISTS LAYERS)
    if(NOT LIB_${layer} OR NOT EXISTS "${LIB_${layer}}")
      list(APPEND v "the ${layer} library was not given (-DLIB_${layer}=...) or does not exist")
      continue()
    endif()
    execute_process(COMMAND "${NM}" -A -g "${LIB_${layer}}" OUTPUT_VARIABLE text
                    RESULT_VARIABLE rc ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      list(APPEND v "${NM} failed on ${LIB_${layer}}: ${err}")
      continue()
    endif()
    string(REPLACE "\n" ";" text_lines "${text}")
    set(nm_${layer} "${text_lines}")
    foreach(line IN LISTS text_lines)
      if(line MATCHES ": *[0-9a-f]+ [TDBRVW] ([A-Za-z_][A-Za-z0-9_]*)$")
        set(owner_${CMAKE_MATCH_1} ${layer})
        math(EXPR defined "${defined} + 1")
      endif()
    endforeach()
  endforeach()
  if(defined EQUAL 0)
    list(APPEND v "${NM} listed no defined symbol in the layer libraries (a GNU nm is expected)")
  endif()
  foreach(layer IN LISTS LAYERS)
    join(uses "${LAYER_USES_${layer}}")
    foreach(line IN LISTS nm_${layer})
      if(NOT line MATCHES "([^:/]+\\.c)\\.o: +U ([A-Za-z_][A-Za-z0-9_]*)$")
        continue()
      endif()
      set(object "${CMAKE_MATCH_1}")
      set(symbol "${CMAKE_MATCH_2}")
      if(symbol MATCHES "^dl(m)?open$" AND NOT layer STREQUAL "registry" AND
         NOT "${layer}/${object}" STREQUAL "base/system_lib.c")
        flag("${layer}/${object} calls ${symbol}: only registry/ and base/system_lib.c may")
      endif()
      if(DEFINED owner_${symbol} AND NOT owner_${symbol} IN_LIST LAYER_USES_${layer})
        flag("${layer}/${object} calls ${symbol} of ${owner_${symbol}}: "
             "${layer} may use only ${uses}")
      endif()
    endforeach()
  endforeach()
  list(REMOVE_DUPLICATES v)
  set(${out} "${v}" PARENT_SCOPE)
endfunction()

function(report what violations)
  list(LENGTH violations n)
  if(n GREATER 0)
    string(REPLACE ";" "\n  " text "${violations}")
    message(FATAL_ERROR "${what}: ${n} wall(s) crossed:\n  ${text}")
  endif()
endfunction()

if(NOT ROOT OR NOT CC OR NOT COMPILE_COMMANDS)
  message(FATAL_ERROR "usage: cmake -DROOT=<checkout> -DCC=<compiler> -DCOMPILE_COMMANDS=<json> "
                      "[-DGENERATED=dir] [-DNM=nm -DLIB_<layer>=...] [-DSELF_TEST=dir] "
                      "-P walls.cmake")
endif()
get_filename_component(ROOT "${ROOT}" REALPATH)
load_compile_commands()

# The real tree and, when given, the real libraries (core.layer_walls).
if(NOT SELF_TEST)
  check_tree("${ROOT}" "${GENERATED}" found)
  report("the sources" "${found}")
  if(NM)
    check_symbols(found)
    report("the layer libraries" "${found}")
  endif()
  message(STATUS "the walls hold between ${LAYERS}")
  return()
endif()

# The self-test: the rules broken in a copy of the tree, in every form above; each break must
# be reported, and nothing else. Only <SELF_TEST>/tree is written and removed.
get_filename_component(S "${SELF_TEST}/tree" ABSOLUTE)
string(FIND "${ROOT}/" "${S}/" inside)
if(inside EQUAL 0)
  message(FATAL_ERROR "self-test: ${S} holds the checkout: give a scratch directory")
endif()
file(REMOVE_RECURSE "${S}")
file(MAKE_DIRECTORY "${S}/tests" "${S}/generated")
file(COPY "${ROOT}/core" "${ROOT}/include" "${ROOT}/plugins" DESTINATION "${S}")
file(COPY "${ROOT}/tests/plugins" DESTINATION "${S}/tests")
file(COPY "${ROOT}/tests/check.h" DESTINATION "${S}/tests")
set(expected "")
function(break_rule file text) # then what must be reported for it, if anything
  file(APPEND "${S}/${file}" "${text}\n")
  set(expected ${expected} ${ARGN} PARENT_SCOPE)
endfunction()
string(CONCAT e "core/base/metrics.h includes core/registry/registry.h across a wall: "
               "base may include only base")
break_rule(core/base/metrics.h "#include \"registry/registry.h\"" "${e}")
break_rule(core/base/util.c "#include <mcp/session.h>"
           "core/base/util.c includes core/mcp/session.h across a wall")
break_rule(core/base/config.c "#include <mistmcp/plugin.h>"
           "core/base/config.c includes include/mistmcp/plugin.h: base knows no plugins")
string(CONCAT e "core/mist/call.c includes core/mcp/session.h across a wall: "
               "mist may include only base, mist")
break_rule(core/mist/call.c "/* hidden behind a comment */ #include \"mcp/session.h\"" "${e}")
break_rule(core/registry/registry.c "#include \"transport/outbox.h\""
           "core/registry/registry.c includes core/transport/outbox.h across a wall")
break_rule(core/registry/tool_json.c "#include \"mist/client.h\""
           "core/registry/tool_json.c includes core/mist/client.h across a wall")
break_rule(core/registry/plugin_dirs.c "#define WALL_H \"mcp/session.h\"\n#include WALL_H"
           "core/registry/plugin_dirs.c includes core/mcp/session.h across a wall")
string(CONCAT e "core/mcp/protocol.c includes core/transport/http_server.h across a wall: "
               "mcp may include only base, mist, registry, mcp")
break_rule(core/mcp/protocol.c "#include \"transport/http_server.h\"" "${e}")
break_rule(core/mcp/tool_search.c "#include \\\n  \"transport/outbox.h\""
           "core/mcp/tool_search.c includes core/transport/outbox.h across a wall")
break_rule(core/mcp/session.c "#include \"../transport/outbox.h\""
           "core/mcp/session.c: #include \"../transport/outbox.h\" does not name its layer"
           "core/mcp/session.c includes core/transport/outbox.h across a wall")
break_rule(core/mcp/args_check.c "#include <./transport/outbox.h>"
           "core/mcp/args_check.c includes core/transport/outbox.h across a wall")
break_rule(core/transport/outbox.c "#include \"outbox.h\""
           "core/transport/outbox.c: #include \"outbox.h\" does not name its layer")
break_rule(core/mcp/tool_exec.c "#include \"mist/no_such_header.h\""
           "core/mcp/tool_exec.c: the preprocessor failed")
break_rule(core/main.c "#include \"../tests/check.h\""
           "core/main.c: #include \"../tests/check.h\" does not name its layer"
           "core/main.c includes tests/check.h, which is outside core/ and include/")
break_rule(core/mcp/builtin_tools.c "static void *open_it(void) { return dlopen(\"x.so\", 0); }"
           "core/mcp/builtin_tools.c calls dlopen")
string(CONCAT code "void *g(void);\nvoid *g(void)\n{\n    void *h =\n"
                  "        dlopen(\"libx.so\", 0);\n    return h;\n}")
break_rule(core/mist/rate_limit.c "${code}" "core/mist/rate_limit.c calls dlopen")
break_rule(core/mcp/host_api.c "/* never dlopen(path) here */\n// nor dlopen (x)") # not a call
break_rule(core/stray.c "int stray;" "core/stray.c stands outside every layer folder")
break_rule(core/misc/thing.h "/* a folder that is no layer */" "core/misc/ is not a layer folder")
break_rule(core/.main.c.swp "editor state")
break_rule(include/mistmcp/extra.h "/* more for plugins */"
           "include/mistmcp/extra.h: plugin.h is the only header plugins see")
break_rule(include/mistmcp/plugin.h "#include <mistmcp/extra.h>"
           "include/mistmcp/plugin.h includes include/mistmcp/extra.h: a plugin sees only")
break_rule(plugins/examples/site_count.c "#include <mistmcp/../../core/registry/catalog.h>"
           "plugins/examples/site_count.c includes core/registry/catalog.h: a plugin sees only")
break_rule(tests/plugins/test_plugin.c "#include \"../../core/mcp/host_api.h\""
           "tests/plugins/test_plugin.c includes core/mcp/host_api.h: a plugin sees only")
if(GENERATED)
  file(GLOB gen_sources "${GENERATED}/*.c")
  list(FILTER gen_sources EXCLUDE REGEX "/(catalog|demo_answers|demo_writes)\\.c$")
  list(GET gen_sources 0 one)
  get_filename_component(name "${one}" NAME)
  file(COPY "${one}" "${GENERATED}/demo_answers.c" DESTINATION "${S}/generated")
  break_rule(generated/${name} "#include \"${S}/core/base/util.h\""
             "generated/${name} includes core/base/util.h: a plugin sees only")
  string(CONCAT e "generated/demo_answers.c includes core/mcp/session.h across a wall: "
                 "demo may include only base, transport, demo")
  break_rule(generated/demo_answers.c "#include \"mcp/session.h\"" "${e}")
endif()
check_tree("${S}" "${S}/generated" found)
set(missing "")
foreach(e IN LISTS expected)
  set(hit FALSE)
  foreach(f IN LISTS found)
    string(FIND "${f}" "${e}" at)
    if(at GREATER_EQUAL 0)
      set(hit TRUE)
    endif()
  endforeach()
  if(NOT hit)
    list(APPEND missing "${e}")
  endif()
endforeach()
list(LENGTH expected n_expected)
list(LENGTH found n_found)
if(missing OR NOT n_found EQUAL n_expected)
  string(REPLACE ";" "\n  " m "${missing}")
  string(REPLACE ";" "\n  " f "${found}")
  message(FATAL_ERROR "self-test: ${n_expected} breaks expected, ${n_found} reported.\n"
                      "not reported:\n  ${m}\nreported:\n  ${f}")
endif()
file(REMOVE_RECURSE "${S}")

# The symbol rule against a table the code does not meet: mcp calls into mist (a tool call
# sends a Mist request), so forbidding that must be reported, naming a mist function; and
# the registry's own dlopen, seen as mcp's, must be reported too.
if(NM)
  set(LAYER_USES_mcp base registry mcp)
  check_symbols(found)
  set(LAYER_USES_mcp base mist registry mcp)
  if(NOT found MATCHES "mcp/[a-z_]+\\.c calls mm_[a-z_]+ of mist")
    message(FATAL_ERROR "self-test: mcp's calls into mist went unreported: ${found}")
  endif()
  set(registry_lib "${LIB_registry}")
  set(LIB_registry "${LIB_mcp}")
  set(LIB_mcp "${registry_lib}")
  check_symbols(found)
  if(NOT found MATCHES "mcp/plugin_loader\\.c calls dlopen")
    message(FATAL_ERROR "self-test: a dlopen outside registry/ went unreported: ${found}")
  endif()
endif()
message(STATUS "self-test: all ${n_expected} breaks reported; the symbol rule fails when it should")
