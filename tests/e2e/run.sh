#!/usr/bin/env bash
# Browser tests of the web viewer: installs what they need (idempotent), builds the site with
# `cargo xtask dist`, generates a ~100 MB capture, serves dist/ on 127.0.0.1 and runs
# tests/e2e/viewer.mjs in Debian's Chromium through playwright-core. Exits non-zero on failure.
# Screenshots: target/e2e/*.png.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

# Tools: Chromium from Debian (never a downloaded browser), npm's playwright-core and binaryen.
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && apt-get install -y -qq chromium chromium-driver
fi
if [ ! -d node_modules/playwright-core ] || [ ! -x node_modules/.bin/wasm-opt ]; then
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi

# DIST: where the site is built and served from (default dist/; a separate directory lets several
# people test at once).
DIST=${DIST:-$ROOT/dist}
cargo xtask dist --out "$DIST"

# A large capture (about 100 MB), generated once.
BIG=${BIG_CAPTURE:-$ROOT/target/big.pcapng}
if [ "${E2E_SKIP_BIG:-0}" != 1 ] && [ ! -s "$BIG" ]; then
  mkdir -p "$(dirname "$BIG")"
  cargo run --release -q -p mapiscope -- sample --format pcapng --size 100 --out "$BIG"
fi

# Serve dist/ with the xtask server (correct MIME types, first free port from 8400).
LOG=$(mktemp)
cargo run -q -p xtask -- serve --no-build --dir "$DIST" --port "${E2E_PORT:-8400}" >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -f "$LOG"' EXIT
URL=""
for _ in $(seq 1 600); do
  URL=$(grep -o 'http://127.0.0.1:[0-9]*/' "$LOG" | head -1 || true)
  [ -n "$URL" ] && break
  kill -0 $SERVER 2>/dev/null || { cat "$LOG"; exit 1; }
  sleep 0.2
done
[ -n "$URL" ] || { echo "server did not start"; cat "$LOG"; exit 1; }

if [ "${E2E_SKIP_BIG:-0}" = 1 ]; then BIG=""; fi
BASE_URL=$URL BIG_CAPTURE=$BIG node tests/e2e/viewer.mjs
