#!/bin/sh
# Instructions mistmcp executes per tool call, counted by valgrind's callgrind: unlike a rate,
# the count does not move with the machine's load, so two builds compare to a fraction of a
# percent. Serves N calls over stdio against the fake backend, then one (which also pays for
# loading libcurl and the first connection), and prints the difference divided by N - 1.
#
# usage: tests/bench/instructions.sh [BUILD_DIR] [N] [CALL_JSON] [MODE]
#   defaults: build, 1000, getSelf, managed
#   e.g. tests/bench/instructions.sh build 100 '{"name":"getOrg","arguments":{"org_id":"sized-64"}}' all
# FAKE_MIST: another fake backend binary (default: the build's).
set -eu
build=$(cd "${1:-build}" && pwd)
n=${2:-1000}
call=${3:-'{"name":"getSelf","arguments":{}}'}
mode=${4:-managed}
command -v valgrind >/dev/null || { echo "instructions.sh: needs valgrind" >&2; exit 1; }
work=$(mktemp -d)
fake=""
trap '[ -n "$fake" ] && kill "$fake" 2>/dev/null; rm -rf "$work"' EXIT INT TERM
mkfifo "$work/port" "$work/hold"
exec 3<>"$work/hold" # the fake backend runs while its stdin stays open
"${FAKE_MIST:-$build/tests/fake_mist}" /dev/null --max-seconds 600 >"$work/port" <&3 &
fake=$!
read -r line <"$work/port"
port=${line#PORT }

count() { # count CALLS: total instructions of one server run answering CALLS calls
    {
        echo '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}'
        echo '{"jsonrpc":"2.0","method":"notifications/initialized"}'
        i=1
        while [ "$i" -le "$1" ]; do
            echo "{\"jsonrpc\":\"2.0\",\"id\":$i,\"method\":\"tools/call\",\"params\":$call}"
            i=$((i + 1))
        done
    } >"$work/in"
    MIST_API_TOKEN=bench MISTMCP_API_BASE_URL="http://127.0.0.1:$port" \
        valgrind --tool=callgrind --callgrind-out-file="$work/cg" \
        "$build/mistmcp" --rate-limit 0 --mode "$mode" <"$work/in" >"$work/out" 2>/dev/null
    # Every call must have succeeded: an error path would be measured instead.
    answers=$(grep '"result"' "$work/out" | grep -vc '"isError":true' || true)
    [ "$answers" -eq $(($1 + 1)) ] || { echo "instructions.sh: $answers good answers for $1 calls" >&2; exit 1; }
    sed -n 's/^summary: //p' "$work/cg"
}
[ "$n" -ge 2 ] || { echo "instructions.sh: N must be at least 2" >&2; exit 2; }
base=$(count 1)
total=$(count "$n")
echo "$(( (total - base) / (n - 1) )) instructions per call ($n calls: $total; one call: $base)"
