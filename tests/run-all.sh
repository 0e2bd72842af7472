#!/usr/bin/env bash
# Runs every test of mapiscope. Installs what it needs first (idempotent: fast when present).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain: targets and components"
installed=$(rustup target list --installed)
for t in thumbv7em-none-eabi wasm32-unknown-unknown; do
  grep -qx "$t" <<<"$installed" || rustup target add "$t"
done
rustup component list --installed | grep -q '^clippy' || rustup component add clippy

step "clippy (warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "codec is no_std: build for thumbv7em-none-eabi and wasm32-unknown-unknown"
cargo build -p mapiscope-codec --no-default-features --locked --target thumbv7em-none-eabi
cargo build -p mapiscope-codec --no-default-features --locked --target wasm32-unknown-unknown

step "tests"
cargo test --workspace --locked

step "display-filter crate builds for wasm32 (the web worker uses it)"
cargo check -p mapiscope-filter --locked --target wasm32-unknown-unknown

step "wasm package (crates/wasm) and its Node test"
cargo xtask wasm
node --test crates/wasm/tests/node/

step "web viewer: build dist/ and drive it in Chromium (Playwright)"
# The 100 MB capture's list must appear within E2E_BIG_LIMIT_MS. The aim is 3 s, met here (1.8 s on
# this 2-core machine); the gate allows 5 s so that a busier CI machine does not fail on timing alone.
# The measured time is printed by the test.
E2E_BIG_LIMIT_MS="${E2E_BIG_LIMIT_MS:-5000}" tests/e2e/run.sh

step "fuzz smoke pass: every cargo-fuzz target for a few seconds (needs the nightly toolchain)"
if rustup toolchain list | grep -q '^nightly'; then
  FUZZ_SECONDS="${FUZZ_SECONDS:-2}" tests/fuzz-smoke.sh
else
  echo "skipped: no nightly toolchain on this machine (cargo-fuzz needs it; it cannot be fetched here)"
fi
