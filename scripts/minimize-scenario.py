#!/usr/bin/env python3
"""Shrink a failing scenario to a minimal schedule (delta debugging over its steps).

    scripts/minimize-scenario.py IN.json OUT.json --invariant L2 [--baseline-clean]

Keeps removing schedule steps while `zab-sim run` of the result still reports the
invariant, and (with --baseline-clean) the same schedule with "bugs" emptied still
reports nothing. Uses target/release/zab-sim (build it with
`cargo build --release -p zab-sim`).
"""
import argparse, json, subprocess, sys

BIN = "target/release/zab-sim"

def violations(scenario):
    out = subprocess.run([BIN, "run", "/dev/stdin", "--json"], input=json.dumps(scenario),
                         capture_output=True, text=True)
    if out.returncode == 2:
        return None  # invalid (e.g. a partition left without its crash): not a candidate
    return {v["invariant"] for v in json.loads(out.stdout)["violations"]}

def interesting(base, steps, invariant, baseline_clean):
    s = dict(base, schedule=steps)
    found = violations(s)
    if found is None or invariant not in found:
        return False
    if baseline_clean:
        fixed = violations(dict(s, bugs=[]))
        return fixed is not None and not fixed
    return True

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input"); ap.add_argument("output")
    ap.add_argument("--invariant", required=True)
    ap.add_argument("--baseline-clean", action="store_true")
    a = ap.parse_args()
    base = json.load(open(a.input))
    steps = base["schedule"]
    if not interesting(base, steps, a.invariant, a.baseline_clean):
        sys.exit("the input does not show the invariant (or its baseline is not clean)")
    n = 2
    while len(steps) >= 2:
        chunk = max(1, len(steps) // n)
        reduced = False
        for i in range(0, len(steps), chunk):
            candidate = steps[:i] + steps[i + chunk:]
            if interesting(base, candidate, a.invariant, a.baseline_clean):
                steps, n, reduced = candidate, max(n - 1, 2), True
                break
        if not reduced:
            if chunk == 1:
                break
            n = min(len(steps), n * 2)
    out = dict(base, schedule=steps)
    json.dump(out, open(a.output, "w"), indent=1)
    print(f"{len(base['schedule'])} steps -> {len(steps)}", file=sys.stderr)

if __name__ == "__main__":
    main()
