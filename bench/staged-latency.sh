#!/usr/bin/env bash
# Hook latency: `keyless scan --staged` on a commit of 5 changed files in a repository of N files
# (default 10,000), end to end (process start, rule loading, git plumbing, scan, report).
# Prints the median of RUNS runs (default 20) and, for reference, `git diff --cached --name-only` in the
# same repository, since the hook cannot be faster than asking git what is staged.
set -euo pipefail

FILES="${FILES:-10000}"
RUNS="${RUNS:-20}"
here="$(cd "$(dirname "$0")/.." && pwd)"
(cd "$here" && cargo build --release --quiet)
keyless="$here/target/release/keyless"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.com \
  GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@example.com
cd "$work"
git init -q -b main
python3 - "$FILES" <<'PY'
import os, sys
n = int(sys.argv[1])
for i in range(n):
    d = f"src/m{i % 100:02d}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/f{i}.json", "w") as f:
        f.write('{\n  "name": "service-%d",\n  "port": %d,\n  "logLevel": "Information"\n}\n' % (i, 8000 + i % 1000))
PY
git add -A && git commit -qm base
for i in 1 2 3 4 5; do
  printf '{\n  "name": "changed-%d",\n  "port": 9%03d,\n  "timeoutSeconds": 30\n}\n' "$i" "$i" > "src/m0$i/f$i.json"
done
git add -A

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_runs() {
  for _ in $(seq "$RUNS"); do
    python3 - "$@" <<'PY'
import subprocess, sys, time
t = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(f"{(time.perf_counter() - t) * 1000:.1f}")
PY
  done
}
"$keyless" scan --staged >/dev/null 2>&1 || true
k=$(time_runs "$keyless" scan --staged | median)
g=$(time_runs git diff --cached --name-only | median)
echo "repository: $FILES files, 5 staged changes; $RUNS runs each"
echo "keyless scan --staged: median ${k} ms"
echo "git diff --cached --name-only: median ${g} ms"
