#!/usr/bin/env bash
# One file with very many secrets: keyless scans a file of COUNT lines (default 250,000), each holding a
# secret, and writes the JSON report. Every finding carries its own remediation, so this measures what
# findings cost in memory, where the other scripts measure what bytes cost. Prints the median wall time
# and peak RSS of RUNS runs (default 3), the number of findings per rule and the report's size, beside rg
# counting the lines that hold a keyword in the same file.
#
# Usage: bench/many-findings.sh [COUNT]        RUNS=5 bench/many-findings.sh
#        MIX=password bench/many-findings.sh   (only `password_NNN = "..."` lines; default: four kinds)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-250000}
runs=${RUNS:-3}
mix=${MIX:-four}
command -v /usr/bin/time >/dev/null || { echo "needs GNU time at /usr/bin/time" >&2; exit 2; }
command -v rg >/dev/null || { echo "needs rg" >&2; exit 2; }
cargo build --release -q
bin=target/release/keyless
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tree"

# Four kinds of secret that take different remediation routes: a password variable (Key Vault), a
# storage connection string (managed identity, with an SDK snippet), a SQL connection string (managed
# identity, with a server and a database captured) and a GitHub token (a third-party secret). Every line
# names its own setting, so no two findings render the same remediation text. Values are random (seeded),
# never a real credential.
python3 - "$work/tree/settings.env" "$count" "$mix" <<'PY'
import base64, random, string, sys, zlib
path, count, mix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rnd = random.Random(1)
alnum = string.ascii_letters + string.digits
word = lambda n: ''.join(rnd.choice(alnum) for _ in range(n))
def github_token():
    body = word(30)
    n, digits = zlib.crc32(body.encode()), ''
    for _ in range(6):
        n, r = divmod(n, 62)
        digits = (string.digits + string.ascii_letters)[r] + digits
    return 'ghp_' + body + digits
kinds = [
    lambda i: 'password_%06d = "%s"' % (i, word(16)),
    lambda i: 'STORAGE_%06d="DefaultEndpointsProtocol=https;AccountName=acct%06d;AccountKey=%s;EndpointSuffix=core.windows.net"'
        % (i, i, base64.b64encode(rnd.randbytes(64)).decode()),
    lambda i: 'SQL_%06d="Server=tcp:srv%06d.database.windows.net,1433;Database=db%d;User ID=app;Password=%s;"'
        % (i, i, i % 97, word(20)),
    lambda i: 'GITHUB_TOKEN_%06d=%s' % (i, github_token()),
]
if mix == 'password':
    kinds = kinds[:1]
with open(path, 'w') as f:
    for i in range(count):
        f.write(kinds[i % len(kinds)](i) + '\n')
PY
size_mb=$(du -m "$work/tree/settings.env" | cut -f1)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Warm the page cache and check that both tools run.
"$bin" scan "$work/tree" --max-file-size 1G --format json --output "$work/out.json" --fail-on never 2>/dev/null
keywords='password|accountkey|ghp_'
rg -c -i "$keywords" "$work/tree/settings.env" >/dev/null
k=() m=() r=()
for _ in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" -o "$work/t" "$bin" scan "$work/tree" --max-file-size 1G --format json \
    --output "$work/out.json" --fail-on never 2>/dev/null
  read -r secs kib < "$work/t"; k+=("$secs"); m+=("$kib")
  /usr/bin/time -f "%e %M" -o "$work/t" rg -c -i "$keywords" "$work/tree/settings.env" >"$work/rg.txt"
  read -r secs _ < "$work/t"; r+=("$secs")
done
km=$(printf '%s\n' "${k[@]}" | median)
mm=$(printf '%s\n' "${m[@]}" | median)
rm_=$(printf '%s\n' "${r[@]}" | median)
findings=$(grep -c '^    {$' "$work/out.json" || true)
printf 'keyless %s, %d lines (%s), %d MB file, %d runs, %d cores\n' \
  "$("$bin" --version | cut -d' ' -f2)" "$count" "$mix" "$size_mb" "$runs" "$(nproc)"
printf 'keyless: median %6.2f s, peak RSS median %5d MiB (runs: %s s; %s KiB)\n' \
  "$km" $((mm / 1024)) "${k[*]}" "${m[*]}"
printf 'rg -c:   median %6.2f s, %s matching lines\n' "$rm_" "$(cat "$work/rg.txt")"
printf 'findings: %d; JSON report %d MB\n' "$findings" $(($(stat -c %s "$work/out.json") >> 20))
grep -o '^      "rule_id": "[^"]*"' "$work/out.json" | sort | uniq -c | sed 's/"rule_id": //'
