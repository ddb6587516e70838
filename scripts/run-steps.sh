#!/usr/bin/env bash
# Run named steps (the Makefile's `step-NAME` targets) in order, timing each one,
# and print a PASS/FAIL/SKIP summary at the end. Exits non-zero if any step failed.
#
#   scripts/run-steps.sh setup fmt clippy clippy-wasm unit build e2e
#
# A failed step does not stop the independent steps after it (you see every
# problem in one run), but steps that need it are skipped: nothing runs after a
# failed setup, and e2e is skipped when the build failed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

MAKE="${MAKE:-make}"
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/zabscope-steps.XXXXXX")"
trap 'rm -rf "$LOG_DIR"' EXIT

describe() {
    case "$1" in
        setup) echo "install missing tools (scripts/bootstrap.sh all)" ;;
        setup-rust) echo "install missing Rust tools (scripts/bootstrap.sh rust)" ;;
        setup-wasm-target) echo "install the wasm32 target if missing" ;;
        setup-e2e) echo "install chromium and tests/e2e/node_modules if missing" ;;
        fmt) echo "cargo fmt --all --check" ;;
        clippy) echo "cargo clippy --workspace --all-targets, and the fuzz crate's generators -- -D warnings" ;;
        clippy-wasm) echo "cargo clippy -p zab-web --target wasm32-unknown-unknown (without and with --features bench) -- -D warnings" ;;
        unit) echo "cargo test --workspace" ;;
        build) echo "trunk build --release" ;;
        e2e) echo "node --test (tests/e2e) against dist/" ;;
        *) echo "make step-$1" ;;
    esac
}

now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

declare -a NAMES=() RESULTS=() TIMES=()
declare -A STATUS=()
failed=0
start_all="$(now)"

for name in "$@"; do
    skip=""
    case "$name" in
        setup*) ;;
        *) for s in setup setup-rust setup-wasm-target setup-e2e; do
               [ "${STATUS[$s]:-}" = FAIL ] && skip="setup failed"
           done ;;
    esac
    if [ "$name" = e2e ] && [ "${STATUS[build]:-}" = FAIL ]; then skip="build failed"; fi
    if [ "$name" = e2e ] && [ "${STATUS[build]:-}" = SKIP ]; then skip="build skipped"; fi

    NAMES+=("$name")
    if [ -n "$skip" ]; then
        printf '\n==> %s: SKIP (%s)\n' "$name" "$skip"
        STATUS[$name]=SKIP
        RESULTS+=("SKIP")
        TIMES+=("-")
        continue
    fi

    printf '\n==> %s: %s\n' "$name" "$(describe "$name")"
    t0="$(now)"
    "$MAKE" --no-print-directory "step-$name" 2>&1 </dev/null | tee "$LOG_DIR/$name.log"
    rc="${PIPESTATUS[0]}"
    t1="$(now)"
    dt="$(elapsed "$t0" "$t1")"
    if [ "$rc" -eq 0 ]; then
        STATUS[$name]=PASS
        printf '==> %s: PASS (%ss)\n' "$name" "$dt"
    else
        STATUS[$name]=FAIL
        failed=1
        printf '==> %s: FAIL (exit %s, %ss); re-run alone with: make step-%s\n' "$name" "$rc" "$dt" "$name"
    fi
    RESULTS+=("${STATUS[$name]}")
    TIMES+=("${dt}s")
done

total="$(elapsed "$start_all" "$(now)")"

# Count the tests that actually ran: cargo's "test result:" lines and node's
# test runner totals ("# pass N" in TAP, "ℹ pass N" in the spec reporter).
tests_passed=0
tests_failed=0
for name in unit e2e; do
    log="$LOG_DIR/$name.log"
    [ -f "$log" ] || continue
    read -r p f < <(awk '
        /^test result: / {
            for (i = 1; i <= NF; i++) {
                if ($(i) ~ /^passed;?$/) p += $(i-1)
                if ($(i) ~ /^failed;?$/) f += $(i-1)
            }
        }
        /^(# |ℹ )pass [0-9]+$/ { p += $NF }
        /^(# |ℹ )fail [0-9]+$/ { f += $NF }
        END { print p + 0, f + 0 }
    ' "$log")
    tests_passed=$((tests_passed + p))
    tests_failed=$((tests_failed + f))
done

printf '\n================ summary ================\n'
for i in "${!NAMES[@]}"; do
    printf '  %-4s  %8s  %-12s %s\n' "${RESULTS[$i]}" "${TIMES[$i]}" "${NAMES[$i]}" "$(describe "${NAMES[$i]}")"
done
printf '  total %ss\n' "$total"
if [ "$failed" -ne 0 ]; then
    printf 'RESULT: FAIL\n'
else
    printf 'RESULT: PASS\n'
fi
if [ -f "$LOG_DIR/unit.log" ] || [ -f "$LOG_DIR/e2e.log" ]; then
    printf 'tests: %d passed, %d failed\n' "$tests_passed" "$tests_failed"
fi
exit "$failed"
