# Writes IN (a text file) into OUT as a C array, for the server to carry its built-in prompts
# (core/mcp/prompts.c: mm_builtin_prompts_json, mm_builtin_prompts_json_len).
#   cmake -DIN=mist.json -DOUT=builtin_prompts.c -P embed.cmake
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR len "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n" bytes "${bytes}")
file(WRITE "${OUT}.tmp"
  "/* Generated from ${IN} by core/mcp/prompts/embed.cmake: do not edit. */\n"
  "#include <stddef.h>\n"
  "const char mm_builtin_prompts_json[] = {\n${bytes}0x00};\n"
  "const size_t mm_builtin_prompts_json_len = ${len};\n")
file(RENAME "${OUT}.tmp" "${OUT}")
