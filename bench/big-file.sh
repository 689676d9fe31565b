#!/usr/bin/env bash
# One huge file: keyless scans a 1 GiB minified JSON line and a 1 GiB multi-line file, each with one
# secret near its end, and reports wall time, peak RSS, and peak RSS above the binary's baseline (a scan
# of an empty folder), and whether the secret was found at the right line.
#
# Usage: bench/big-file.sh [SIZE_MIB]   (default 1024)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
command -v /usr/bin/time >/dev/null || { echo "needs GNU time at /usr/bin/time" >&2; exit 2; }
cargo build --release -q
bin=target/release/keyless
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/empty" "$work/line" "$work/lines"

python3 - "$work" "$size_mib" <<'PY'
import sys
work, size = sys.argv[1], int(sys.argv[2]) << 20
obj = ','.join('{"name":"item%d","value":"%s"}' % (i, 'v' * 20) for i in range(20000))
with open(f'{work}/line/huge.json', 'w') as f:
    f.write('{"k":[')
    n = 0
    while n < size - 1_000_000:
        f.write(obj + ','); n += len(obj) + 1
    f.write('{"password":"Xk9#pq7Lm2vB8zT"}]}')
block = ''.join('  {"name": "item%d", "value": "%s"},\n' % (i, 'v' * 20) for i in range(20000))
lines = 0
with open(f'{work}/lines/huge.json', 'w') as f:
    n = 0
    while n < size - 1_000_000:
        f.write(block); n += len(block); lines += 20000
    f.write('  {"password": "Xk9#pq7Lm2vB8zT"}\n')
open(f'{work}/expected-line', 'w').write(str(lines + 1))
PY

measure() { # folder -> "seconds kib"
  /usr/bin/time -f "%e %M" -o "$work/time" "$bin" scan "$1" --max-file-size 4G --format json \
    --output "$work/out.json" --fail-on never 2>/dev/null
  cat "$work/time"
}
read -r _ base_kib < <(measure "$work/empty")
printf 'baseline (empty folder): peak RSS %d MiB\n' $((base_kib / 1024))
for case in line lines; do
  read -r secs kib < <(measure "$work/$case")
  found=$(python3 -c "import json,sys; print(';'.join('%s:%s' % (f['line'], f['column']) for f in json.load(open(sys.argv[1]))['findings']))" "$work/out.json")
  want_line=1; [ "$case" = lines ] && want_line=$(cat "$work/expected-line")
  ok=no; [[ "$found" == "$want_line:"* ]] && ok=yes
  printf '%-6s %5d MiB file: %6.2f s, peak RSS %4d MiB (%4d MiB above baseline), secret at %s, found where expected: %s\n' \
    "$case" "$size_mib" "$secs" $((kib / 1024)) $(((kib - base_kib) / 1024)) "$found" "$ok"
  [ "$ok" = yes ] || exit 1
done
