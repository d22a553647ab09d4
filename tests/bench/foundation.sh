#!/bin/sh
# Foundation benchmark: generator time, clean build time of all plugins, plugin sizes,
# tools/list bytes, start-up of `mistmcp --list-categories` and loading every plugin.
# Prints a table. usage: tests/bench/foundation.sh [BUILD_DIR]   (default: build)
# Builds a scratch tree under $TMPDIR for the clean-build row; takes about a minute.
set -eu
cd "$(dirname "$0")/../.."
build=${1:-build}
rounds=${ROUNDS:-5}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/mistmcp-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

[ -x "$build/generator/mistmcp-gen" ] || { echo "build $build first (packaging/dev.sh test)" >&2; exit 1; }
spec=$(sed -n 's/^MISTMCP_SPEC_FILE_USED:INTERNAL=//p' "$build/CMakeCache.txt")

now_ms() { date +%s%N | awk '{printf "%.3f", $1 / 1e6}'; }
# median, min, max of a list of numbers on stdin
stats() { sort -n | awk '{v[NR]=$1} END {m=(NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2; printf "%.1f (%.1f-%.1f)", m, v[1], v[NR]}'; }
time_cmd() { # rounds, command...: prints elapsed ms per run
    n=$1; shift
    i=0
    while [ $i -lt "$n" ]; do
        t0=$(now_ms); "$@" >/dev/null 2>&1; t1=$(now_ms)
        echo "$t0 $t1" | awk '{print $2 - $1}'
        i=$((i + 1))
    done
}

gen_ms=$(time_cmd "$rounds" "$build/generator/mistmcp-gen" -q -x generator/excluded-operations.txt \
    --out "$scratch/gen" "$spec" | stats)
list_ms=$(time_cmd 30 "$build/mistmcp" --list-categories | stats)
true_ms=$(time_cmd 30 /bin/true | stats)
check_ms=$(time_cmd "$rounds" "$build/mistmcp" --check-plugins | stats)
rss_list=$( { /usr/bin/time -f %M "$build/mistmcp" --list-categories >/dev/null; } 2>&1 | tail -1)
rss_check=$( { /usr/bin/time -f %M "$build/mistmcp" --check-plugins >/dev/null; } 2>&1 | tail -1)

cmake -S . -B "$scratch/b" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMISTMCP_BUILD_TESTS=OFF >/dev/null
t0=$(now_ms); cmake --build "$scratch/b" -j 2 --target plugins >/dev/null; t1=$(now_ms)
plugins_s=$(echo "$t0 $t1" | awk '{printf "%.1f", ($2 - $1) / 1000}')
t0=$(now_ms); cmake --build "$scratch/b" -j 2 >/dev/null; t1=$(now_ms)
rest_s=$(echo "$t0 $t1" | awk '{printf "%.1f", ($2 - $1) / 1000}')
count=$(find "$scratch/b/plugins" -name '*.so' | wc -l)
size=$(cat "$scratch"/b/plugins/*.so | wc -c)
stripped=0
for f in "$scratch"/b/plugins/*.so; do
    strip -o "$scratch/s.so" "$f"
    stripped=$((stripped + $(wc -c <"$scratch/s.so")))
done
tsv="$build/generated/tools-list-bytes.tsv"
tot_all=$(awk -F'\t' 'NR>1 {s+=$4} END {print s}' "$tsv")
tot_ro=$(awk -F'\t' 'NR>1 {s+=$5} END {print s}' "$tsv")

printf '%-52s %s\n' "measure" "value"
printf '%-52s %s\n' "generator, full spec (ms, median (min-max), $rounds runs)" "$gen_ms"
printf '%-52s %s\n' "clean build of $count plugins, 2 jobs (s)" "$plugins_s"
printf '%-52s %s\n' "rest of the build after the plugins, 2 jobs (s)" "$rest_s"
printf '%-52s %s\n' "plugins total size, bytes (stripped)" "$size ($stripped)"
printf '%-52s %s\n' "tools/list bytes, all tools" "$tot_all"
printf '%-52s %s\n' "tools/list bytes, read-only tools" "$tot_ro"
printf '%-52s %s\n' "mistmcp --list-categories (ms, 30 runs)" "$list_ms"
printf '%-52s %s\n' "  /bin/true for comparison (ms, 30 runs)" "$true_ms"
printf '%-52s %s\n' "mistmcp --check-plugins: load+unload all (ms)" "$check_ms"
printf '%-52s %s\n' "peak RSS --list-categories / --check-plugins (KB)" "$rss_list / $rss_check"
echo
echo "largest categories (tools/list bytes, all tools / read-only tools):"
sort -t"$(printf '\t')" -k4 -n -r "$tsv" | grep -v '^category' | head -10 |
    awk -F'\t' '{printf "  %-32s %3d tools %6d / %6d\n", $1, $2, $4, $5}'
