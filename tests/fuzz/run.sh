#!/bin/sh
# Runs the libFuzzer targets of a -DMISTMCP_FUZZ=ON build tree, each for a bounded time, and
# fails on any finding (crash, sanitizer report, leak, timeout, out-of-memory).
#
#   tests/fuzz/run.sh BUILD_DIR SECONDS_PER_TARGET [TARGET...]
#   tests/fuzz/run.sh --list          the targets it runs when none is named
#
# Each target starts from a scratch copy of its seed corpus (tests/fuzz/corpus/<target>/,
# copied to BUILD_DIR/fuzz-work/<target>/corpus, which keeps what the run added) with its
# dictionaries (tests/fuzz/<name>.dict, joined). A finding is saved under
# BUILD_DIR/fuzz-findings/<target>/ and the exact command that replays it is printed. One
# summary line per target: executions, exec/s, coverage (libFuzzer's cov and ft), corpus
# size, seconds. The log of each run is BUILD_DIR/fuzz-work/<target>/log.
#
# Environment: FUZZ_TIMEOUT (seconds one input may take, default 10), FUZZ_RSS_MB (memory
# bound, default 2048), FUZZ_RUNS (stop after this many executions too; for long runs),
# FUZZ_SEEDS (a directory of <target>/ seed directories instead of tests/fuzz/corpus).
# Exit status: 0 when every target ran clean, 1 on a finding, 2 on a usage or set-up error.
set -u

# The targets: name, dictionaries (tests/fuzz/<name>.dict, '-' for none), longest input.
# Adding a target is one line here and one in tests/fuzz/CMakeLists.txt.
targets_table() {
    cat <<'EOF'
fuzz_jsonrpc            json,jsonrpc    16384
fuzz_request_build      json            4096
fuzz_result_shape       json,http       65536
fuzz_env_file           env             4096
fuzz_config             config          4096
fuzz_generator          openapi,json    16384
fuzz_plugin_descriptor  -               4096
fuzz_http               http,json,jsonrpc 16384
EOF
}

if [ "${1:-}" = --list ]; then
    targets_table | cut -d' ' -f1
    exit 0
fi
if [ $# -lt 2 ]; then
    echo "usage: tests/fuzz/run.sh BUILD_DIR SECONDS_PER_TARGET [TARGET...] | --list" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" 2>/dev/null && pwd) || {
    echo "run.sh: no build tree $1" >&2
    exit 2
}
seconds=$2
shift 2
case "$seconds" in
'' | *[!0-9]*)
    echo "run.sh: SECONDS_PER_TARGET must be a number, not '$seconds'" >&2
    exit 2
    ;;
esac
# shellcheck disable=SC2046 # one word per target name
[ $# -gt 0 ] || set -- $(targets_table | cut -d' ' -f1)
timeout_s=${FUZZ_TIMEOUT:-10}
rss_mb=${FUZZ_RSS_MB:-2048}
runs=${FUZZ_RUNS:+-runs=$FUZZ_RUNS}
# Sanitizer reports stop the run with a stack trace; leaks are libFuzzer's to find per input.
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS ASAN_OPTIONS

failed=""
for target in "$@"; do
    line=$(targets_table | awk -v t="$target" '$1 == t')
    dicts=$(echo "$line" | awk '{print $2}')
    max_len=$(echo "$line" | awk '{print $3}')
    [ -n "$dicts" ] || dicts=-
    [ -n "$max_len" ] || max_len=4096
    bin=$build/tests/fuzz/$target
    work=$build/fuzz-work/$target
    findings=$build/fuzz-findings/$target
    if [ ! -x "$bin" ]; then
        echo "$target: not built ($bin): cmake --build $build --target fuzz" >&2
        exit 2
    fi
    rm -rf "$work" "$findings"
    mkdir -p "$work/corpus" "$findings"
    seeds=${FUZZ_SEEDS:-$here/corpus}/$target
    if [ -d "$seeds" ]; then
        cp "$seeds/"* "$work/corpus/" 2>/dev/null
    fi
    dict_opt=""
    if [ "$dicts" != - ]; then
        for d in $(echo "$dicts" | tr , ' '); do
            if [ ! -f "$here/$d.dict" ]; then
                echo "$target: no dictionary $here/$d.dict" >&2
                exit 2
            fi
            cat "$here/$d.dict"
        done >"$work/dict"
        dict_opt=-dict=$work/dict
    fi
    start=$(date +%s)
    # libFuzzer stops itself after -max_total_time; the outer timeout is for a fuzzer that
    # would not (it kills, and that is a failure too).
    # shellcheck disable=SC2086 # $dict_opt and $runs are one word or none
    timeout -k 10 $((seconds + timeout_s + 120)) "$bin" -max_total_time="$seconds" $runs \
        -timeout="$timeout_s" -rss_limit_mb="$rss_mb" -max_len="$max_len" $dict_opt \
        -artifact_prefix="$findings/" -print_final_stats=1 "$work/corpus" \
        </dev/null >"$work/log" 2>&1
    rc=$?
    took=$(($(date +%s) - start))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$work/log" | tail -n 1)
    files=$(find "$work/corpus" -type f | wc -l)
    kb=$(($(find "$work/corpus" -type f -exec cat {} + | wc -c) / 1024))
    summary="$target: ${execs:-?} execs (${rate:-?}/s), ${cov:-cov: ?}, corpus $files files $kb KB, $took s"
    if [ $rc -eq 0 ] && [ -z "$(ls -A "$findings")" ]; then
        echo "$summary: ok"
        continue
    fi
    failed="$failed $target"
    case $rc in
    124 | 137) why="it did not stop (killed after $((seconds + timeout_s + 120)) s)" ;;
    *) why=$(grep -m 1 -E '^(==[0-9]+== *)?ERROR:|runtime error:|fuzz assertion failed' "$work/log") ;;
    esac
    echo "$summary: FAILED (exit $rc): ${why:-see the log}"
    echo "--- last lines of $work/log:"
    tail -n 30 "$work/log"
    echo "---"
    for f in "$findings"/*; do
        [ -f "$f" ] || continue
        echo "$target: finding saved: $f"
        echo "  replay: $bin -timeout=$timeout_s -rss_limit_mb=$rss_mb $f"
    done
done
if [ -n "$failed" ]; then
    echo "fuzz: FINDINGS in:$failed (see above; the inputs are under $build/fuzz-findings/)"
    exit 1
fi
echo "fuzz: $# targets, $seconds s each: no finding"
exit 0
