#!/usr/bin/env bash
# How keyless's wall time grows with the input and with threads.
#
# Usage: bench/scaling.sh TREE
#   Builds 1x, 2x and 4x copies of TREE (hard links in a temporary folder, so no extra disk), then times
#   `keyless scan` on each with -j1 and -j2: RUNS timed runs (default 5) after a warm-up, medians.
#   Prints seconds, MB/s and, per size, the speed-up of two threads over one.
#
# See bench/README.md for what the figures mean.

set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$script_dir/.." && pwd)
runs=${RUNS:-5}
tree=${1:-}
if [[ -z $tree || ! -d $tree ]]; then
    echo "usage: bench/scaling.sh TREE (a directory)" >&2
    exit 2
fi
tree=$(cd -- "$tree" && pwd)

workdir=$(mktemp -d "${TMPDIR:-/tmp}/keyless-scaling.XXXXXX")
trap 'rm -rf -- "$workdir"' EXIT

(cd -- "$repo_root" && cargo build --release --quiet)
keyless=$repo_root/target/release/keyless

for n in 1 2 4; do
    mkdir -p "$workdir/x$n"
    for ((c = 1; c <= n; c++)); do
        # Hard links where the filesystem allows them, else a copy.
        cp -al "$tree" "$workdir/x$n/copy$c" 2>/dev/null || cp -a "$tree" "$workdir/x$n/copy$c"
    done
done

median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

time_scan() {
    local dir=$1 threads=$2 i start end
    "$keyless" scan "$dir" -j "$threads" --format json --output "$workdir/out.json" --fail-on never 2>/dev/null || true
    for ((i = 1; i <= runs; i++)); do
        start=$(date +%s.%N)
        "$keyless" scan "$dir" -j "$threads" --format json --output "$workdir/out.json" --fail-on never 2>/dev/null || true
        end=$(date +%s.%N)
        awk -v s="$start" -v e="$end" 'BEGIN { printf "%.6f\n", e - s }'
    done | median
}

printf '%-5s %9s %10s %10s %10s %10s %9s\n' size MB "j1 s" "j1 MB/s" "j2 s" "j2 MB/s" "j2 gain"
for n in 1 2 4; do
    mb=$(find "$workdir/x$n" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.1f", s / 1e6 }')
    one=$(time_scan "$workdir/x$n" 1)
    two=$(time_scan "$workdir/x$n" 2)
    awk -v n="$n" -v mb="$mb" -v a="$one" -v b="$two" \
        'BEGIN { printf "%-5s %9.1f %10.3f %10.1f %10.3f %10.1f %8.2fx\n", n "x", mb, a, mb / a, b, mb / b, a / b }'
done
