#!/usr/bin/env bash
# How many random-fault seeds `zab-sim sweep` needs to rediscover each historical bug
# with no preset: for each bug mode, sweep seeds 0..N-1 with the bug on and report the
# first seed with a violation beyond what the baseline itself shows (the E3 window:
# I13 / L4, a crash between the NEWLEADER fsync and the currentEpoch write, which real
# ZooKeeper also refuses to restart from), and how many of the N seeds found it.
#
#   scripts/bug-discovery.sh [SEEDS] [PARTICIPANTS]     (defaults 2000 and 3)
#
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
trap 'rm -f "$tmp"' EXIT
for bug in "" $bugs; do
  "$bin" sweep --seeds "$seeds" --participants "$participants" ${bug:+--bugs "$bug"} --json >"$tmp" || true
  python3 -c '
import json, sys
bug, seeds, path = sys.argv[1] or "baseline", sys.argv[2], sys.argv[3]
d = json.load(open(path))
baseline_only = {"I13", "L4"}
found, kinds = [], set()
for f in d["failing"]:
    inv = {v["invariant"] for v in f["violations"]}
    if inv - baseline_only or bug == "baseline":
        found.append(f["seed"])
        kinds |= inv
first = min(found) if found else "not found"
print(f"| {bug} | {first} | {len(found)} | {chr(44).join(sorted(kinds)) or chr(45)} |")
' "$bug" "$seeds" "$tmp"
done
