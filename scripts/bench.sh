#!/usr/bin/env bash
# ZabScope native benchmarks: every figure of BENCHMARKS.md, printed by code in the repo.
#
#   scripts/bench.sh                 machine info, the three core benches, the sweep rate
#   scripts/bench.sh machine         nproc, CPU model, rustc, date, commit, load
#   scripts/bench.sh throughput      1. events/s, checker off/on (cargo bench --bench throughput)
#   scripts/bench.sh hour            2. one simulated hour, 5 servers, 10 writes/s
#   scripts/bench.sh timeline        4. time travel: seek latency, memory of the history
#   scripts/bench.sh sweep           3. seeds per minute of the default `zab-sim sweep`
#   scripts/bench.sh long-sweep      3. the long sweep (100 000 seeds; minutes, see BENCHMARKS.md)
#
# `make bench` runs the default set. Environment:
#   ZAB_BENCH_REPEAT=N   repetitions per measurement in the cargo benches (medians reported)
#   ZAB_BENCH_LONG=1     longer variants of the cargo benches
#   SWEEP_SEEDS=N        seeds per timed sweep for the rate (default 3000)
#   SWEEP_REPEAT=N       timed sweeps for the rate (default 3, median reported)
#   LONG_SWEEP_SEEDS=N   seeds of the long sweep (default 100000)
#
# The machine is shared with other builds: the script prints the load average beside
# each figure; measure when `uptime` shows a load well under the number of cores.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SWEEP_SEEDS="${SWEEP_SEEDS:-3000}"
SWEEP_REPEAT="${SWEEP_REPEAT:-3}"
LONG_SWEEP_SEEDS="${LONG_SWEEP_SEEDS:-100000}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
ZAB_SIM="$TARGET_DIR/release/zab-sim"

load() { cut -d' ' -f1 /proc/loadavg; }

machine() {
    echo "== machine =="
    echo "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "commit:   $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- core zab-sim 2>/dev/null || echo ' (core/ or zab-sim/ modified)')"
    echo "nproc:    $(nproc)"
    echo "cpu:      $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "memory:   $(awk '/MemTotal/ {printf "%.1f GB", $2/1024/1024}' /proc/meminfo)"
    echo "rustc:    $(rustc --version)"
    echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
}

bench() {
    cargo bench -p zab-core --bench "$1"
}

build_sim() {
    cargo build --release -p zab-sim >&2
}

# Runs one sweep of $1 seeds with its JSON report in $2; prints "seconds passed failed events".
timed_sweep() {
    local out="$2" start end status=0
    start="$(date +%s.%N)"
    "$ZAB_SIM" sweep --seeds "$1" --json >"$out" || status=$?
    end="$(date +%s.%N)"
    if [ "$status" -gt 1 ]; then
        echo "zab-sim sweep exited with $status" >&2
        return 1
    fi
    python3 - "$out" "$start" "$end" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"{float(sys.argv[3]) - float(sys.argv[2]):.3f} {r['passed']} {r['failed']} {r['events']}")
EOF
}

sweep_rate() {
    echo "== sweep rate: default settings (3 participants, 30000 ms, 2 threads) =="
    build_sim
    echo "command: cargo run --release -p zab-sim -- sweep --seeds $SWEEP_SEEDS  (timed: $ZAB_SIM)"
    local rates=() i secs passed failed events rate l0 json
    json="$(mktemp)"
    for i in $(seq 1 "$SWEEP_REPEAT"); do
        l0="$(load)"
        read -r secs passed failed events < <(timed_sweep "$SWEEP_SEEDS" "$json")
        rate="$(python3 -c "print(round($SWEEP_SEEDS / $secs * 60))")"
        rates+=("$rate")
        echo "  run $i: $SWEEP_SEEDS seeds in $secs s = $rate seeds/min ($passed passed, $failed failed, $events events; load at start $l0)"
    done
    rm -f "$json"
    python3 - "$LONG_SWEEP_SEEDS" "${rates[@]}" <<'EOF'
import statistics, sys
long_seeds = int(sys.argv[1])
rates = [float(x) for x in sys.argv[2:]]
m = statistics.median(rates)
print(f"median: {m:.0f} seeds/min on 2 threads")
print(f"long sweep ({long_seeds} seeds) extrapolated: {long_seeds / m:.1f} min")
EOF
}

long_sweep() {
    echo "== long sweep: cargo run --release -p zab-sim -- sweep --seeds $LONG_SWEEP_SEEDS =="
    build_sim
    echo "load at start: $(load)"
    local secs passed failed events json
    json="$(mktemp)"
    read -r secs passed failed events < <(timed_sweep "$LONG_SWEEP_SEEDS" "$json")
    echo "$LONG_SWEEP_SEEDS seeds in $secs s ($(python3 -c "print(f'{$secs/60:.1f}')") min): $passed passed, $failed failed, $events events"
    echo "load at end: $(load)"
    if [ "$failed" -gt 0 ]; then
        echo "failing seeds (each with its repro command):"
        python3 - "$json" <<'EOF'
import json, sys
for f in json.load(open(sys.argv[1]))["failing"]:
    v = f["violations"][0] if f["violations"] else {}
    print("  " + f["command"] + "  # " + v.get("invariant", "?") + " " + v.get("name", ""))
EOF
    fi
    rm -f "$json"
}

what="${1:-all}"
case "$what" in
    machine) machine ;;
    throughput | hour | timeline) bench "$what" ;;
    sweep) sweep_rate ;;
    long-sweep) long_sweep ;;
    all)
        machine
        echo
        bench throughput
        echo
        bench hour
        echo
        bench timeline
        echo
        sweep_rate
        ;;
    *)
        echo "usage: scripts/bench.sh [all|machine|throughput|hour|timeline|sweep|long-sweep]" >&2
        exit 2
        ;;
esac
