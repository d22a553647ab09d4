# The compiler flags of a fuzzing build (-DMISTMCP_FUZZ=ON), included by the top-level
# CMakeLists.txt before any target exists: every object of the tree gets libFuzzer's coverage
# instrumentation (-fsanitize=fuzzer-no-link) and the address and undefined-behaviour
# sanitizers; only the fuzz targets link libFuzzer's main (tests/fuzz/CMakeLists.txt).
# libFuzzer is clang's: any other compiler, or a clang without its runtime, stops the
# configuration with what to do.
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR
          "MISTMCP_FUZZ=ON needs clang (libFuzzer is part of clang), not ${CMAKE_C_COMPILER_ID}: "
          "configure a tree of its own with -DCMAKE_C_COMPILER=clang, e.g.\n"
          "  cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DMISTMCP_FUZZ=ON")
endif()

include(CheckCSourceCompiles)
set(CMAKE_REQUIRED_FLAGS "-fsanitize=fuzzer,address,undefined")
set(CMAKE_REQUIRED_LINK_OPTIONS "-fsanitize=fuzzer,address,undefined")
check_c_source_compiles([[
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return (int)(data && size) * 0; }
]] MISTMCP_HAVE_LIBFUZZER)
unset(CMAKE_REQUIRED_FLAGS)
unset(CMAKE_REQUIRED_LINK_OPTIONS)
if(NOT MISTMCP_HAVE_LIBFUZZER)
  message(FATAL_ERROR
          "MISTMCP_FUZZ=ON: ${CMAKE_C_COMPILER} cannot link -fsanitize=fuzzer,address,undefined: "
          "the libFuzzer runtime is missing (Debian: apt-get install libclang-rt-14-dev)")
endif()

add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                    -fno-omit-frame-pointer -g
                    -fsanitize-coverage-ignorelist=${CMAKE_CURRENT_LIST_DIR}/coverage_ignore.txt)
add_link_options(-fsanitize=address,undefined)
