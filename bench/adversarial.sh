#!/usr/bin/env bash
# Inputs built to make the rules' regexes work hard: a 5 MB line of `password=` repeated, 5 MB of
# `AccountKey=` repeated, and a 50 MB minified JSON line with a password in every thousandth object.
# Prints keyless's median wall time of RUNS runs (default 3) and peak RSS for each, beside rg searching
# the same file for the same keyword, so the ratio shows whether anything went superlinear.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
command -v rg >/dev/null || { echo "needs rg" >&2; exit 2; }
cargo build --release -q
bin=target/release/keyless
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import os, sys
w = sys.argv[1]
for name in ('passwords', 'keys', 'minified'):
    os.makedirs(f'{w}/{name}')
open(f'{w}/passwords/a.env', 'w').write('password=' * ((5 << 20) // 9))
open(f'{w}/keys/a.env', 'w').write('AccountKey=' * ((5 << 20) // 11))
open(f'{w}/minified/a.json', 'w').write('{"k":[' + ','.join(
    '{"name":"item%d","password":"%s"}' % (i, '' if i % 1000 else 'Xk9#pq7Lm2vB8') for i in range(1_400_000)) + ']}')
PY
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for case in passwords:password keys:AccountKey minified:password; do
  dir=${case%%:*} kw=${case##*:}
  k=() r=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/t" "$bin" scan "$work/$dir" --max-file-size 1G --format json \
      --output "$work/out.json" --fail-on never 2>/dev/null
    read -r secs kib < "$work/t"; k+=("$secs")
    /usr/bin/time -f "%e" -o "$work/t" rg -c -i -F "$kw" "$work/$dir" >/dev/null || true
    r+=("$(cat "$work/t")")
  done
  km=$(printf '%s\n' "${k[@]}" | median) rm_=$(printf '%s\n' "${r[@]}" | median)
  n=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['findings']))" "$work/out.json")
  printf '%-10s %5.1f MB: keyless %6.2f s (peak %3d MiB, %d findings), rg %5.2f s\n' "$dir" \
    "$(du -m "$work/$dir" | cut -f1)" "$km" $((kib / 1024)) "$n" "$rm_"
done
