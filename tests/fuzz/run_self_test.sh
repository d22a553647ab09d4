#!/bin/sh
# The runner's self-test (ctest fuzz.runner_catches_findings): tests/fuzz/run.sh must fail on
# each kind of finding fuzz_selftest makes on purpose (crash, leak, timeout, out-of-memory,
# undefined behaviour), save the input under BUILD_DIR/fuzz-findings/fuzz_selftest/ and print
# a replay command that fails again with it; and it must pass when there is no finding.
#   tests/fuzz/run_self_test.sh BUILD_DIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$1
failures=0
fail() {
    echo "FAILED: $*"
    failures=$((failures + 1))
}

for kind in crash leak timeout oom ubsan; do
    out=$(FUZZ_SELFTEST=$kind FUZZ_TIMEOUT=2 FUZZ_RSS_MB=512 "$here/run.sh" "$build" 60 fuzz_selftest 2>&1)
    rc=$?
    echo "$out" | grep -E '^fuzz_selftest: |replay:'
    [ $rc -eq 1 ] || fail "$kind: the runner exited $rc, not 1"
    echo "$out" | grep -q "^fuzz_selftest: .*FAILED" || fail "$kind: no FAILED summary line"
    replay=$(echo "$out" | sed -n 's/^  replay: //p' | head -n 1)
    if [ -z "$replay" ]; then
        fail "$kind: no replay command"
        continue
    fi
    input=${replay##* }
    case "$input" in
    "$build/fuzz-findings/fuzz_selftest/"*) ;;
    *) fail "$kind: the finding $input is not under $build/fuzz-findings/fuzz_selftest/" ;;
    esac
    [ -s "$input" ] || fail "$kind: the finding $input was not saved"
    # The replay command, run as printed, meets the finding again.
    # shellcheck disable=SC2086 # the command is words
    FUZZ_SELFTEST=$kind timeout 60 $replay >/dev/null 2>&1 && fail "$kind: the replay passed"
done

out=$("$here/run.sh" "$build" 2 fuzz_selftest 2>&1)
rc=$?
echo "$out" | grep '^fuzz_selftest: '
[ $rc -eq 0 ] || fail "no finding: the runner exited $rc, not 0"
echo "$out" | grep -qE '^fuzz_selftest: [0-9]+ execs \([0-9]+/s\), cov: [0-9]+ ft: [0-9]+, corpus [0-9]+ files [0-9]+ KB, [0-9]+ s: ok$' ||
    fail "no finding: no summary line"

if [ $failures -ne 0 ]; then
    echo "run_self_test: $failures failures"
    exit 1
fi
echo "run_self_test: the runner fails on every kind of finding and passes without one"
