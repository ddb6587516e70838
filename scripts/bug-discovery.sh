#!/usr/bin/env bash
# How many random-fault seeds `zab-sim sweep` needs to rediscover each historical bug
# with no preset: for each bug mode, sweep seeds 0..N-1 with the bug on and report the
# first seed with a violation, and how many of the N seeds found it.
#
#   scripts/bug-discovery.sh [SEEDS] [PARTICIPANTS]     (defaults 2000 and 3)
#
# A seed counts for a bug only if the same seed on the baseline is clean; the baseline
# row counts the baseline's own failing seeds.
# Prints a markdown table (the one in BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seeds=${1:-2000}
participants=${2:-3}
cargo build --release -q -p zab-sim
bin=target/release/zab-sim
bugs=$("$bin" bugs | awk '{print $1}')
echo "| bug | first seed that finds it | seeds that find it (of $seeds, $participants servers) | invariants seen |"
echo "|---|---|---|---|"
tmp=$(mktemp)
base=$(mktemp)
trap 'rm -f "$tmp" "$base"' EXIT
"$bin" sweep --seeds "$seeds" --participants "$participants" --json >"$base" || true
for bug in "" $bugs; do
  if [ -n "$bug" ]; then
    "$bin" sweep --seeds "$seeds" --participants "$participants" --bugs "$bug" --json >"$tmp" || true
  else
    cp "$base" "$tmp"
  fi
  python3 -c '
import json, sys
bug, path, base_path = sys.argv[1] or "baseline", sys.argv[2], sys.argv[3]
def beyond(path):
    return {f["seed"]: {v["invariant"] for v in f["violations"]}
            for f in json.load(open(path))["failing"]}
base = beyond(base_path)
found = beyond(path) if bug != "baseline" else base
if bug != "baseline":
    found = {s: inv for s, inv in found.items() if s not in base}
kinds = sorted(set().union(*found.values())) if found else []
first = min(found) if found else "not found"
print(f"| {bug} | {first} | {len(found)} | {chr(44).join(kinds) or chr(45)} |")
' "$bug" "$tmp" "$base"
done
