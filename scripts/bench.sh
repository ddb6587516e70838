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
#   scripts/bench.sh browser         6-8. the browser figures (`make bench-browser`): bundle size and
#                                    load time, wasm throughput and its ratio to native (the
#                                    throughput bench is run first, in the same script run),
#                                    frame times and the heap series (tests/e2e/bench-browser.mjs)
#   scripts/bench.sh browser-profile where a frame's time goes (Chromium trace + CPU profile)
#   scripts/bench.sh browser-wasm-opt what binaryen's wasm-opt would change: size, load time,
#                                    wasm throughput (needs wasm-opt on PATH)
#
# `make bench` runs the default set. Environment:
#   ZAB_BENCH_REPEAT=N   repetitions per measurement in the cargo benches (medians reported)
#   ZAB_BENCH_LONG=1     longer variants of the cargo benches
#   SWEEP_SEEDS=N        seeds per timed sweep for the rate (default 3000)
#   SWEEP_REPEAT=N       timed sweeps for the rate (default 3, median reported)
#   LONG_SWEEP_SEEDS=N   seeds of the long sweep (default 100000)
#   BENCH_WAIT_QUIET=S   before each measurement, wait up to S seconds until the cores
#                        are at least 90% idle over 3 s (other builds finished); default 0
#   BENCH_HEAP_MINUTES=M minutes of the browser heap series (default 2; BENCHMARKS.md: 10),
#                        and the other BENCH_* settings listed in tests/e2e/bench-browser.mjs
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

# Percentage of CPU time idle over the next $1 seconds (from /proc/stat).
idle_pct() {
    local a b
    a=($(head -1 /proc/stat))
    sleep "$1"
    b=($(head -1 /proc/stat))
    local total=0 i
    for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
    echo $(( total > 0 ? 100 * (b[4] - a[4]) / total : 0 ))
}

# With BENCH_WAIT_QUIET=S, waits up to S seconds for an idle machine; says what it found.
wait_quiet() {
    local budget="${BENCH_WAIT_QUIET:-0}" waited=0 idle
    [ "$budget" -gt 0 ] || return 0
    while :; do
        idle="$(idle_pct 3)"
        waited=$((waited + 3))
        if [ "$idle" -ge 90 ]; then
            echo "(machine ${idle}% idle over 3 s after waiting ${waited} s)"
            return 0
        fi
        if [ "$waited" -ge "$budget" ]; then
            echo "(machine still busy, ${idle}% idle, after waiting ${waited} s: measuring anyway)"
            return 0
        fi
    done
}

machine() {
    echo "== machine =="
    echo "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "commit:   $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- core zab-sim 2>/dev/null || echo ' (core/ or zab-sim/ modified)')"
    echo "nproc:    $(nproc)"
    echo "cpu:      $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
        "(family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' '), model $(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')," \
        "$(grep -m1 'cpu MHz' /proc/cpuinfo | cut -d: -f2 | tr -d ' ') MHz$(grep -q ' hypervisor' /proc/cpuinfo && echo ', virtual machine'))"
    echo "memory:   $(awk '/MemTotal/ {printf "%.1f GB", $2/1024/1024}' /proc/meminfo)"
    echo "rustc:    $(rustc --version)"
    echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
}

bench() {
    # Build first, so that the wait for a quiet machine is not spent compiling.
    cargo bench -p zab-core --bench "$1" --no-run >/dev/null 2>&1 || true
    wait_quiet
    cargo bench -p zab-core --bench "$1"
}

build_sim() {
    cargo build --release -p zab-sim >&2
}

# Runs one sweep of $1 seeds with its JSON report in $2; prints
# "wall_seconds passed failed events cpu_seconds" (cpu: user + system of both threads).
timed_sweep() {
    local out="$2" tf status=0
    tf="$(mktemp)"
    local TIMEFORMAT='%R %U %S'
    { time "$ZAB_SIM" sweep --seeds "$1" --json >"$out" 2>/dev/null; } 2>"$tf" || status=$?
    if [ "$status" -gt 1 ]; then
        echo "zab-sim sweep exited with $status" >&2
        rm -f "$tf"
        return 1
    fi
    python3 - "$out" "$tf" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
wall, user, sys_ = (float(x) for x in open(sys.argv[2]).read().split()[-3:])
print(f"{wall:.3f} {r['passed']} {r['failed']} {r['events']} {user + sys_:.3f}")
EOF
    rm -f "$tf"
}

sweep_rate() {
    echo "== sweep rate: default settings (3 participants, 30000 ms, 2 threads) =="
    build_sim
    echo "command: cargo run --release -p zab-sim -- sweep --seeds $SWEEP_SEEDS  (timed: $ZAB_SIM)"
    local rates=() cpu_rates=() i secs passed failed events cpu rate cpu_rate l0 json
    json="$(mktemp)"
    for i in $(seq 1 "$SWEEP_REPEAT"); do
        wait_quiet
        l0="$(load)"
        read -r secs passed failed events cpu < <(timed_sweep "$SWEEP_SEEDS" "$json")
        rate="$(python3 -c "print(round($SWEEP_SEEDS / $secs * 60))")"
        cpu_rate="$(python3 -c "print(round($SWEEP_SEEDS / $cpu * 60))")"
        rates+=("$rate")
        cpu_rates+=("$cpu_rate")
        echo "  run $i: $SWEEP_SEEDS seeds in $secs s = $rate seeds/min; $cpu CPU-s = $cpu_rate seeds per CPU-minute ($passed passed, $failed failed, $events events; load at start $l0)"
    done
    rm -f "$json"
    python3 - "$LONG_SWEEP_SEEDS" "${#rates[@]}" "${rates[@]}" "${cpu_rates[@]}" <<'EOF'
import statistics, sys
long_seeds, n = int(sys.argv[1]), int(sys.argv[2])
rates = [float(x) for x in sys.argv[3:3 + n]]
cpu_rates = [float(x) for x in sys.argv[3 + n:]]
m, c = statistics.median(rates), statistics.median(cpu_rates)
print(f"median: {m:.0f} seeds/min on 2 threads (wall); {c:.0f} seeds per CPU-minute, "
      f"so about {2 * c:.0f} seeds/min on 2 idle cores")
print(f"long sweep ({long_seeds} seeds) extrapolated: {long_seeds / m:.1f} min at the measured "
      f"rate, {long_seeds / (2 * c):.1f} min on 2 idle cores")
EOF
}

long_sweep() {
    echo "== long sweep: cargo run --release -p zab-sim -- sweep --seeds $LONG_SWEEP_SEEDS =="
    build_sim
    wait_quiet
    echo "load at start: $(load)"
    local secs passed failed events cpu json
    json="$(mktemp)"
    read -r secs passed failed events cpu < <(timed_sweep "$LONG_SWEEP_SEEDS" "$json")
    echo "$LONG_SWEEP_SEEDS seeds in $secs s ($(python3 -c "print(f'{$secs/60:.1f}')") min; $cpu CPU-s): $passed passed, $failed failed, $events events"
    echo "load at end: $(load)"
    if [ "$failed" -gt 0 ]; then
        python3 - "$json" <<'EOF'
import collections, json, sys
failing = json.load(open(sys.argv[1]))["failing"]
first = collections.Counter()
example = {}
for f in failing:
    v = f["violations"][0] if f["violations"] else {}
    key = v.get("invariant", "?") + " " + v.get("name", "")
    first[key] += 1
    example.setdefault(key, f["command"])
print("failing seeds by first violation (count, invariant, one repro command):")
for key, n in first.most_common():
    print(f"  {n:6d}  {key:<40} {example[key]}")
EOF
    fi
    rm -f "$json"
}

# The browser figures. Builds the shipped app (dist/, for size and load time) and the
# app with the benchmark hooks (--features bench, into target/dist-bench) and the native
# throughput bench, then runs tests/e2e/bench-browser.mjs.
browser() {
    local section="${1:-all}"
    export PATH="$ROOT/scripts/wasm-opt/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true
    echo "== browser benchmarks (tests/e2e/bench-browser.mjs $section) =="
    echo "chromium: $(/usr/bin/chromium --version 2>/dev/null || echo '?'); node $(node --version); trunk $(trunk --version | cut -d' ' -f2)"
    [ -d tests/e2e/node_modules/playwright-core ] || (cd tests/e2e && npm ci --no-audit --no-fund)
    trunk build --release >&2
    trunk build --release --features bench --dist "$TARGET_DIR/dist-bench" >&2
    # The native throughput bench, run by bench-browser.mjs one workload at a time just
    # before the same workload in wasm (ZAB_BENCH_ONLY=I).
    cargo bench -p zab-core --bench throughput --no-run >&2
    wait_quiet
    echo "load at start: $(load)"
    (cd tests/e2e && BENCH_NATIVE_CMD="cd '$ROOT' && cargo bench -q -p zab-core --bench throughput" \
        BENCH_DIST="$TARGET_DIR/dist-bench" ZABSCOPE_DIST="$ROOT/dist" node bench-browser.mjs "$section")
    echo "load at end: $(load)"
}

# What binaryen's wasm-opt would do to the bundle (trunk's wasm-opt is off, Trunk.toml):
# copies of dist/ (wasm-opt -Oz) and of the bench build (wasm-opt -O3), with the
# preload integrity hashes redone, then the size and load time of the first and the
# throughput of the second. Needs a wasm-opt that reads the reference-types opcodes rustc
# emits (binaryen 116 or newer; Debian 12's 108 cannot): WASM_OPT=path, default wasm-opt
# on PATH (e.g. `npm install binaryen` puts one in node_modules/.bin). Level "strip" runs
# no optimization: it only drops the name section, which wasm-opt does unless -g.
WASM_OPT="${WASM_OPT:-wasm-opt}"
wasm_opt_copy() { # $1 source dist, $2 destination, $3 wasm-opt level (-Oz, ... or strip)
    rm -rf "$2"
    cp -r "$1" "$2"
    local wasm sri_old sri_new
    wasm="$(ls "$2"/*.wasm)"
    sri_old="sha384-$(openssl dgst -sha384 -binary "$wasm" | openssl base64 -A)"
    if [ "$3" = strip ]; then
        "$WASM_OPT" "$wasm" -o "$wasm.opt"
    else
        "$WASM_OPT" "$3" "$wasm" -o "$wasm.opt"
    fi
    mv "$wasm.opt" "$wasm"
    sri_new="sha384-$(openssl dgst -sha384 -binary "$wasm" | openssl base64 -A)"
    sed -i "s|$sri_old|$sri_new|" "$2/index.html"
}

browser_wasm_opt() {
    command -v "$WASM_OPT" >/dev/null || { echo "wasm-opt not found: set WASM_OPT (see above)" >&2; return 1; }
    export PATH="$ROOT/scripts/wasm-opt/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH" TRUNK_SKIP_VERSION_CHECK=true
    echo "== wasm-opt: $("$WASM_OPT" --version) =="
    [ -d tests/e2e/node_modules/playwright-core ] || (cd tests/e2e && npm ci --no-audit --no-fund)
    trunk build --release >&2
    trunk build --release --features bench --dist "$TARGET_DIR/dist-bench" >&2
    cargo bench -p zab-core --bench throughput --no-run >&2
    local level
    for level in strip -Os -Oz -O3; do
        wasm_opt_copy "$ROOT/dist" "$TARGET_DIR/dist-wasm-opt$level" "$level"
        echo "wasm-opt $level: $(stat -c %s "$TARGET_DIR/dist-wasm-opt$level"/*.wasm) bytes, gzip -9: $(gzip -9c "$TARGET_DIR/dist-wasm-opt$level"/*.wasm | wc -c) bytes (shipped: $(stat -c %s "$ROOT"/dist/*.wasm) / $(gzip -9c "$ROOT"/dist/*.wasm | wc -c))"
    done
    wasm_opt_copy "$TARGET_DIR/dist-bench" "$TARGET_DIR/dist-bench-wasm-opt-O3" -O3
    wait_quiet
    (cd tests/e2e && ZABSCOPE_DIST="$TARGET_DIR/dist-wasm-opt-Oz" node bench-browser.mjs load)
    (cd tests/e2e && ZABSCOPE_DIST="$ROOT/dist" node bench-browser.mjs load)
    (cd tests/e2e && BENCH_NATIVE_CMD="cd '$ROOT' && cargo bench -q -p zab-core --bench throughput" \
        BENCH_DIST="$TARGET_DIR/dist-bench-wasm-opt-O3" node bench-browser.mjs throughput)
}

what="${1:-all}"
case "$what" in
    machine) machine ;;
    throughput | hour | timeline) bench "$what" ;;
    sweep) sweep_rate ;;
    long-sweep) long_sweep ;;
    browser) machine; echo; browser "${2:-all}" ;;
    browser-profile) machine; echo; browser profile ;;
    browser-wasm-opt) machine; echo; browser_wasm_opt ;;
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
        echo "usage: scripts/bench.sh [all|machine|throughput|hour|timeline|sweep|long-sweep|browser [all|load|throughput|render]|browser-profile|browser-wasm-opt]" >&2
        exit 2
        ;;
esac
