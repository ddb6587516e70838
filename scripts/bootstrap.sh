#!/usr/bin/env bash
# Install whatever ZabScope's build and tests need, skipping each piece that is
# already present at the right version. Safe to run again and again; never asks
# anything (CI runs it as root with no standard input).
#
#   scripts/bootstrap.sh rust      wasm32 target, trunk, wasm-bindgen-cli, wasm-opt (npm), cargo fetch
#   scripts/bootstrap.sh wasm-target   only the wasm32 target (enough for clippy)
#   scripts/bootstrap.sh browser   Debian chromium + chromium-driver
#   scripts/bootstrap.sh e2e       npm ci in tests/e2e (from the committed lockfile)
#   scripts/bootstrap.sh all       all of the above (what `make test` needs)
#   scripts/bootstrap.sh fuzz      cargo-fuzz, pinned (for `make fuzz`; not part of all)
#
# Versions: trunk is pinned below (0.22 needs a newer rustc); wasm-bindgen-cli is
# whatever version of the `wasm-bindgen` crate Cargo.lock holds, never hard-coded.
set -euo pipefail

TRUNK_VERSION="0.21.14"
CARGO_FUZZ_VERSION="0.13.1"
WASM_TARGET="wasm32-unknown-unknown"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export DEBIAN_FRONTEND=noninteractive

say() { printf '[bootstrap] %s\n' "$*"; }
die() { printf '[bootstrap] ERROR: %s\n' "$*" >&2; exit 1; }

# Run as root, or through sudo when there is one (never prompts: -n).
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        die "need root to run: $*"
    fi
}

# If someone (another shell, a provisioning script) is already running the same
# `cargo install`, wait for it instead of compiling the same thing twice.
# Only cargo processes count (the command line starts with the cargo binary), not
# shells that merely mention the command; and never wait more than 30 minutes.
wait_for_cargo_install() {
    local crate="$1" waited=0
    while pgrep -f "^[^ ]*/?cargo install ${crate}( |$)" >/dev/null 2>&1; do
        if [ "$waited" -eq 0 ]; then
            say "another 'cargo install ${crate}' is running; waiting for it to finish"
        elif [ "$waited" -ge 360 ]; then
            say "still running after 30 minutes; installing anyway"
            return
        fi
        waited=$((waited + 1))
        sleep 5
    done
}

# The wasm-bindgen version that Cargo.lock pins.
lock_wasm_bindgen_version() {
    "$ROOT/scripts/wasm-bindgen-version.sh"
}

ensure_cargo() {
    command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust (rustup) first"
    command -v rustup >/dev/null 2>&1 || die "rustup not found: it is needed to add the $WASM_TARGET target"
}

ensure_wasm_target() {
    if rustup target list --installed | grep -qx "$WASM_TARGET"; then
        say "ok: rust target $WASM_TARGET"
    else
        say "installing rust target $WASM_TARGET"
        rustup target add "$WASM_TARGET"
    fi
}

installed_version() {
    # "trunk 0.21.14" / "wasm-bindgen 0.2.130" -> second word; empty if missing.
    local bin="$1"
    if command -v "$bin" >/dev/null 2>&1; then
        "$bin" --version 2>/dev/null | awk 'NR==1 {print $2}'
    fi
}

ensure_trunk() {
    local have
    have="$(installed_version trunk)"
    if [ "$have" = "$TRUNK_VERSION" ]; then
        say "ok: trunk $have"
        return
    fi
    wait_for_cargo_install trunk
    have="$(installed_version trunk)"
    if [ "$have" = "$TRUNK_VERSION" ]; then
        say "ok: trunk $have"
        return
    fi
    say "installing trunk $TRUNK_VERSION (found: ${have:-none}); about 8 minutes on 2 cores"
    cargo install trunk --version "$TRUNK_VERSION" --locked --force
}

ensure_wasm_bindgen() {
    local want have
    want="$(lock_wasm_bindgen_version)"
    [ -n "$want" ] || die "could not find the wasm-bindgen version in Cargo.lock"
    have="$(installed_version wasm-bindgen)"
    if [ "$have" = "$want" ]; then
        say "ok: wasm-bindgen $have (matches Cargo.lock)"
        return
    fi
    wait_for_cargo_install wasm-bindgen-cli
    have="$(installed_version wasm-bindgen)"
    if [ "$have" = "$want" ]; then
        say "ok: wasm-bindgen $have (matches Cargo.lock)"
        return
    fi
    # No --locked: wasm-bindgen-cli's own lockfile names a crate version that the
    # registry does not serve, so a locked install fails.
    say "installing wasm-bindgen-cli $want (found: ${have:-none}); about 3-5 minutes"
    cargo install wasm-bindgen-cli --version "$want" --force
}

# trunk runs cargo with --offline (Trunk.toml), so the crates must be in the
# local cache before it starts.
fetch_crates() {
    say "cargo fetch (downloads only crates that are missing)"
    cargo fetch --quiet
}

# Chromium, and a font with Chinese glyphs (WenQuanYi Micro Hei) so that the page in
# Chinese renders in headless runs and screenshots (the e2e tests read the DOM, not
# pixels, but a human checking a screenshot needs the glyphs).
ensure_browser() {
    local want=()
    [ -x /usr/bin/chromium ] || want+=(chromium chromium-driver)
    [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || want+=(fonts-wqy-microhei)
    if [ ${#want[@]} -eq 0 ]; then
        say "ok: $(/usr/bin/chromium --version 2>/dev/null | tail -n1), fonts-wqy-microhei"
        return
    fi
    say "installing Debian ${want[*]}"
    as_root apt-get update
    as_root apt-get install -y "${want[@]}"
    [ -x /usr/bin/chromium ] || die "/usr/bin/chromium still missing after apt-get install"
}

ensure_node() {
    command -v node >/dev/null 2>&1 || die "node not found: Node.js 20+ is needed for the e2e tests"
    command -v npm >/dev/null 2>&1 || die "npm not found: it is needed for the e2e tests"
    local major
    major="$(node -p 'process.versions.node.split(".")[0]')"
    [ "$major" -ge 20 ] || die "Node.js 20+ is needed for the e2e tests (found $(node --version))"
}

# npm ci in DIR from its committed lockfile, skipped when DIR/node_modules was
# installed from this very lockfile (a stamp holds the lockfile's hash) and holds PKG.
ensure_npm_modules() {
    ensure_node
    local dir="$1" pkg="$2" stamp want have=""
    stamp="$dir/node_modules/.zabscope-lock.sha256"
    want="$(sha256sum "$dir/package-lock.json" | awk '{print $1}')"
    [ -f "$stamp" ] && have="$(cat "$stamp")"
    if [ "$have" = "$want" ] && [ -d "$dir/node_modules/$pkg" ]; then
        say "ok: ${dir#"$ROOT"/}/node_modules is current"
        return
    fi
    say "npm ci in ${dir#"$ROOT"/}"
    # playwright-core never downloads a browser; say so anyway, in case.
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    printf '%s\n' "$want" >"$stamp"
}

ensure_e2e_modules() {
    ensure_npm_modules "$ROOT/tests/e2e" playwright-core
}

# wasm-opt for trunk (web/index.html asks for data-wasm-opt="z"): npm's binaryen, a
# build that runs under node offline (Debian's binaryen 108 cannot read this wasm).
# The Makefile puts scripts/wasm-opt/node_modules/.bin on PATH.
ensure_wasm_opt() {
    ensure_npm_modules "$ROOT/scripts/wasm-opt" binaryen
}

# cargo-fuzz for `make fuzz` (fuzz/README.md); it builds libFuzzer with the system C++
# compiler. `cargo fuzz --version` prints "cargo-fuzz 0.13.1".
ensure_cargo_fuzz() {
    local have
    have="$(cargo fuzz --version 2>/dev/null | awk 'NR==1 {print $2}')"
    if [ "$have" = "$CARGO_FUZZ_VERSION" ]; then
        say "ok: cargo-fuzz $have"
        return
    fi
    wait_for_cargo_install cargo-fuzz
    say "installing cargo-fuzz $CARGO_FUZZ_VERSION (found: ${have:-none}); about 2 minutes"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --force
}

main() {
    [ "$#" -gt 0 ] || set -- all
    for what in "$@"; do
        case "$what" in
            rust)
                ensure_cargo
                ensure_wasm_target
                ensure_trunk
                ensure_wasm_bindgen
                ensure_wasm_opt
                fetch_crates
                ;;
            wasm-target)
                ensure_cargo
                ensure_wasm_target
                ;;
            browser) ensure_browser ;;
            e2e) ensure_e2e_modules ;;
            all)
                main rust browser e2e
                ;;
            fuzz)
                ensure_cargo
                ensure_cargo_fuzz
                ;;
            *) die "unknown part '$what' (expected: rust, wasm-target, browser, e2e, all, fuzz)" ;;
        esac
    done
}

main "$@"
