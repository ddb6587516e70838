#!/usr/bin/env bash
# Runs every fuzz target (fuzz/README.md) for FUZZ_SECONDS each, one after the other.
#
#   scripts/fuzz.sh [TARGET...]     default: scenario_parse scenario_run link_decode
#
# Environment: FUZZ_SECONDS (default 60) per target; FUZZ_WORK (default
# $CARGO_TARGET_DIR/fuzz-corpus, else target/fuzz-corpus) keeps the corpus each run
# grows, and its log, between runs. One libFuzzer process at a time (2 cores).
#
# The committed seeds (fuzz/corpus/<target>/, for scenario_parse also
# core/tests/malformed/) are only read; libFuzzer writes what it finds to the first
# corpus directory, FUZZ_WORK/<target>. A crash, a panic, a timeout (-timeout, seconds
# for one input) or an input that needs more than -rss_limit_mb is a finding: its
# input is saved in fuzz/artifacts/<target>/ and this script exits 1 after the others.
#
# Why `-s none` (--sanitizer=none): cargo fuzz's default AddressSanitizer needs the
# nightly-only `-Zsanitizer=address`, and the one toolchain here is stable. Every other
# flag cargo fuzz passes (libFuzzer's SanitizerCoverage instrumentation via -C passes and
# -C llvm-args, `--cfg fuzzing`, -C debug-assertions with overflow checks) is stable.
# zab-core forbids unsafe code, so ASan would only watch the dependencies' unsafe code.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SECONDS_EACH="${FUZZ_SECONDS:-60}"
WORK="${FUZZ_WORK:-${CARGO_TARGET_DIR:-$ROOT/target}/fuzz-corpus}"
TIMEOUT_S=5
[ "$#" -gt 0 ] || set -- scenario_parse scenario_run link_decode

say() { printf '[fuzz] %s\n' "$*"; }

say "building the fuzz targets (cargo fuzz build -s none: release, debug assertions on)"
nice -n 5 cargo fuzz build -s none

failed=()
for target in "$@"; do
    seeds=("fuzz/corpus/$target")
    flags=(-max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT_S" -print_final_stats=1)
    case "$target" in
        scenario_parse)
            seeds+=(core/tests/malformed)
            flags+=(-dict=fuzz/scenario.dict)
            ;;
        scenario_run) flags+=(-dict=fuzz/scenario.dict) ;;
    esac
    mkdir -p "$WORK/$target"
    log="$WORK/$target.log"
    say "$target for ${SECONDS_EACH} s (log: $log)"
    started=$(date +%s)
    if nice -n 5 cargo fuzz run -s none "$target" "$WORK/$target" "${seeds[@]}" -- "${flags[@]}" >"$log" 2>&1; then
        status=ok
    else
        status=FINDING
        failed+=("$target")
    fi
    took=$(( $(date +%s) - started ))
    # libFuzzer's last status line (cov = edges, ft = features) and its final stats.
    last="$(grep -a -E '^#[0-9]+' "$log" | tail -n1 || true)"
    execs="$(grep -a -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' || true)"
    rate="$(grep -a -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}' || true)"
    say "$target: $status after ${took} s; executions ${execs:-?}, ${rate:-?}/s; $last"
    if [ "$status" = FINDING ]; then
        grep -a -E 'panicked at|SUMMARY|Test unit written' "$log" | head -n 5 | sed 's/^/[fuzz]   /'
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    say "findings in: ${failed[*]} (inputs in fuzz/artifacts/; fuzz/README.md says how to triage)"
    exit 1
fi
say "no findings"
