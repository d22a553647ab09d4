# mistmcp(1) and `mistmcp --help` never disagree (issue 17, item 5): the same long options,
# the same short ones for them, and every environment variable --help names is in the man
# page. Both are also held to the option parser's own table (core/base/config.c), so an option
# added there and to neither text fails here too; and the man page names no environment
# variable that the core does not read.
# Inputs: MISTMCP (the built binary), MAN (the configured man page), CORE (the core's sources).
cmake_policy(SET CMP0057 NEW) # if(... IN_LIST ...)
cmake_policy(SET CMP0054 NEW) # a quoted "MIST_HOST" is a string, not a variable

execute_process(COMMAND "${MISTMCP}" --help RESULT_VARIABLE rc OUTPUT_VARIABLE help
                ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "mistmcp --help exited ${rc}: ${err}")
endif()
file(READ "${MAN}" man)
file(READ "${CORE}/base/config.c" config_c)

# The man page as text: roff's escaped minus is a minus; the example blocks (.nf ... .fi)
# show other programs' options (pkg-config --cflags) and are left out.
string(REPLACE "\\-" "-" man "${man}")
string(REGEX REPLACE "\n\\.nf\n[^\n]*(\n[^.][^\n]*|\n\\.[^f][^\n]*)*\n\\.fi" "" man_prose "${man}")
# The options the man page documents: the tag lines of its .TP entries.
string(REGEX MATCHALL "\n\\.TP\n[^\n]*" entries "${man}")
string(JOIN "" man_tags ${entries})

function(long_options text out) # the sorted set of --long options in text
  string(REGEX MATCHALL "--[a-z][a-z-]*[a-z]" opts "${text}")
  list(REMOVE_DUPLICATES opts)
  list(SORT opts)
  set(${out} "${opts}" PARENT_SCOPE)
endfunction()
function(same what a b) # two lists must be equal: names what is missing on each side
  set(only_a "${${a}}")
  list(REMOVE_ITEM only_a ${${b}})
  set(only_b "${${b}}")
  list(REMOVE_ITEM only_b ${${a}})
  if(only_a OR only_b)
    message(FATAL_ERROR "${what}: only in ${a}: ${only_a}; only in ${b}: ${only_b}")
  endif()
endfunction()

long_options("${help}" help_options)
long_options("${man_tags}" man_options)
long_options("${man_prose}" man_mentions)
string(REGEX MATCHALL "\\{\"[a-z][a-z-]*\", (no|required)_argument" table "${config_c}")
string(REGEX REPLACE "\\{\"([a-z-]+)\", (no|required)_argument" "--\\1" parser_options "${table}")
list(SORT parser_options)
list(LENGTH parser_options n)
if(n LESS 30)
  message(FATAL_ERROR "found only ${n} options in config.c's table: did its form change?")
endif()
same("long options" help_options man_options)
same("long options" help_options parser_options)
# Any option named in the man page's prose is a real one (no stale name after a rename).
list(REMOVE_ITEM man_mentions ${help_options})
if(man_mentions)
  message(FATAL_ERROR "the man page names options --help does not have: ${man_mentions}")
endif()

# Short options: "-t, --transport" in --help, "-t ", " --transport" in the man page's tag.
string(REGEX MATCHALL "-[a-zA-Z], --[a-z-]+" help_short "${help}")
string(REGEX MATCHALL "-[a-zA-Z] \", \" --[a-z-]+" man_short "${man_tags}")
string(REPLACE " \", \" " ", " man_short "${man_short}")
list(SORT help_short)
list(SORT man_short)
same("short options" help_short man_short)

# Environment variables: all of --help's in the man page; the man page's all read by the core.
string(REGEX MATCHALL "MISTMCP_[A-Z_]*[A-Z]|MIST_[A-Z_]*[A-Z]" help_env "${help}")
string(REGEX MATCHALL "MISTMCP_[A-Z_]*[A-Z]|MIST_[A-Z_]*[A-Z]" man_env "${man}")
list(REMOVE_DUPLICATES help_env)
list(REMOVE_DUPLICATES man_env)
foreach(v IN LISTS help_env)
  if(NOT v IN_LIST man_env)
    message(FATAL_ERROR "--help names ${v}, the man page does not")
  endif()
endforeach()
file(GLOB_RECURSE core_sources "${CORE}/*.c")
set(read_env "")
foreach(f IN LISTS core_sources)
  file(STRINGS "${f}" lines REGEX "\"(MISTMCP|MIST)_[A-Z_]+\"")
  string(REGEX MATCHALL "\"(MISTMCP|MIST)_[A-Z_]+\"" found "${lines}")
  list(APPEND read_env ${found})
endforeach()
string(REPLACE "\"" "" read_env "${read_env}")
foreach(v IN LISTS man_env)
  if(NOT v IN_LIST read_env)
    message(FATAL_ERROR "the man page names ${v}, which mistmcp does not read")
  endif()
endforeach()

list(LENGTH help_options n_opt)
list(LENGTH help_env n_env)
message(STATUS "mistmcp(1) and --help agree: ${n_opt} options, ${n_env} environment variables")
