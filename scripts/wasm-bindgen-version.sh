#!/usr/bin/env bash
# Print the version of the `wasm-bindgen` crate that Cargo.lock pins (e.g. 0.2.130).
# wasm-bindgen-cli must be exactly this version. Fails if Cargo.lock has none, or
# more than one.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCK="${1:-$ROOT/Cargo.lock}"
versions="$(awk '
    /^\[\[package\]\]/ { name = "" }
    /^name = /         { name = $3; gsub(/"/, "", name) }
    /^version = / && name == "wasm-bindgen" { v = $3; gsub(/"/, "", v); print v; name = "" }
' "$LOCK" | sort -u)"
count="$(printf '%s' "$versions" | grep -c . || true)"
if [ "$count" -ne 1 ]; then
    echo "expected exactly one wasm-bindgen in $LOCK, found ${count}: ${versions//$'\n'/ }" >&2
    exit 1
fi
printf '%s\n' "$versions"
