# ZabScope: build, serve and test.
#
#   make serve   install what is missing, then trunk serve on http://127.0.0.1:8080/
#   make test    install what is missing, then fmt, clippy (native + wasm32), unit
#                tests, trunk build --release and the browser e2e tests, with a
#                PASS/FAIL summary; exits non-zero on any failure (this is what CI runs)
#
# Single steps (each prints the same summary): make lint | unit | build | e2e
# `make e2e-run` runs only the browser tests against the dist/ you already built.
# `make step-NAME` runs one step's bare command, without setup or summary.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# cargo-installed tools (trunk, wasm-bindgen) live here; trunk finds npm's wasm-opt
# (scripts/wasm-opt, installed by scripts/bootstrap.sh rust) on PATH.
export PATH := $(CURDIR)/scripts/wasm-opt/node_modules/.bin:$(or $(CARGO_HOME),$(HOME)/.cargo)/bin:$(PATH)
# trunk must never reach for the network on its own (no update check).
export TRUNK_SKIP_VERSION_CHECK := true
export DEBIAN_FRONTEND := noninteractive

ADDRESS ?= 127.0.0.1
PORT ?= 8080
DIST ?= $(CURDIR)/dist

RUN_STEPS := scripts/run-steps.sh

.PHONY: help serve test lint unit build e2e e2e-run setup setup-rust setup-e2e clean \
	step-setup step-setup-rust step-setup-wasm-target step-setup-e2e \
	step-fmt step-clippy step-clippy-wasm step-unit step-build step-e2e

help:
	@echo "make serve    install missing tools, then serve the app on http://$(ADDRESS):$(PORT)/"
	@echo "make test     install missing tools, then lint + unit + build + e2e (what CI runs)"
	@echo "make lint     cargo fmt --check, clippy (native and wasm32)"
	@echo "make unit     cargo test --workspace"
	@echo "make build    trunk build --release into dist/"
	@echo "make e2e      build, then the browser tests (node --test in tests/e2e)"
	@echo "make e2e-run  only the browser tests, against the existing dist/"
	@echo "make setup    install everything that is missing, run nothing else"
	@echo "make bench    native benchmarks; make bench-browser: the browser ones (BENCHMARKS.md)"
	@echo "make soak     the browser monkey: SOAK_ACTIONS (100000) actions, SOAK_SEED, SOAK_BATCH"
	@echo "make fuzz     each fuzz target for FUZZ_SECONDS (default 60); installs cargo-fuzz (fuzz/README.md)"
	@echo "make fmt      cargo fmt --all (rewrites files)"
	@echo "make clean    remove dist/ and cargo's target/"

# ---- entry points -------------------------------------------------------------

serve: setup-rust
	trunk serve --address $(ADDRESS) --port $(PORT)

test:
	@$(RUN_STEPS) setup fmt clippy clippy-wasm unit build e2e

lint:
	@$(RUN_STEPS) setup-wasm-target fmt clippy clippy-wasm

unit:
	@$(RUN_STEPS) unit

build:
	@$(RUN_STEPS) setup-rust build

e2e:
	@$(RUN_STEPS) setup-rust setup-e2e build e2e

e2e-run:
	@$(RUN_STEPS) setup-e2e e2e

setup:
	scripts/bootstrap.sh all

setup-rust:
	scripts/bootstrap.sh rust

setup-e2e:
	scripts/bootstrap.sh browser e2e

fmt:
	cargo fmt --all

clean:
	rm -rf dist
	cargo clean

# ---- the steps themselves (no setup, no summary) -------------------------------

step-setup:
	scripts/bootstrap.sh all

step-setup-rust:
	scripts/bootstrap.sh rust

step-setup-wasm-target:
	scripts/bootstrap.sh wasm-target

step-setup-e2e:
	scripts/bootstrap.sh browser e2e

step-fmt:
	cargo fmt --all --check

step-clippy:
	cargo clippy --workspace --all-targets -- -D warnings
	# The fuzz crate is its own workspace (fuzz/Cargo.toml): its input generators must
	# keep compiling as core's types change (make fuzz is run by hand).
	cargo clippy --manifest-path fuzz/Cargo.toml --lib -- -D warnings

step-clippy-wasm:
	cargo clippy -p zab-web --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p zab-web --target wasm32-unknown-unknown --features bench -- -D warnings

step-unit:
	cargo test --workspace

step-build:
	trunk build --release

step-e2e:
	cd tests/e2e && ZABSCOPE_DIST="$(DIST)" node --test

# ---- benchmarks (native; see BENCHMARKS.md) ------------------------------------

.PHONY: bench bench-browser
bench:
	scripts/bench.sh

# The browser soak (tests/e2e/soak.mjs): a seeded monkey, checked every SOAK_BATCH actions.
.PHONY: soak
SOAK_ACTIONS ?= 100000
SOAK_SEED ?= 1
SOAK_BATCH ?= 500
soak: setup-rust setup-e2e
	trunk build --release
	cargo build --release -p zab-sim
	cd tests/e2e && ZABSCOPE_DIST="$(DIST)" ZABSIM_BIN="$(or $(CARGO_TARGET_DIR),$(CURDIR)/target)/release/zab-sim" \
		SOAK_ACTIONS=$(SOAK_ACTIONS) SOAK_SEED=$(SOAK_SEED) SOAK_BATCH=$(SOAK_BATCH) node soak.mjs

# Browser figures (bundle, load time, wasm/native throughput, frame times, heap); see BENCHMARKS.md.
bench-browser:
	scripts/bench.sh browser

# ---- fuzzing (fuzz/README.md; figures in BENCHMARKS.md section 9) ---------------

# Each fuzz target for FUZZ_SECONDS, one after the other. cargo fuzz runs with `-s none`:
# its default AddressSanitizer needs the nightly-only -Zsanitizer, and the only toolchain
# here is stable; the rest of what it passes (libFuzzer's coverage instrumentation, debug
# assertions) is stable, and zab-core has no unsafe code for ASan to watch.
.PHONY: fuzz
FUZZ_SECONDS ?= 60
fuzz:
	scripts/bootstrap.sh fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh
