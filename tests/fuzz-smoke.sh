#!/usr/bin/env bash
# A short smoke pass of every cargo-fuzz target (fuzz/): builds them with nightly (installing the
# nightly toolchain and cargo-fuzz when missing) and runs each for FUZZ_SECONDS seconds (default 3)
# on its committed seeds (fuzz/seeds/<target>) plus the local working corpus. Exits non-zero when a
# target crashes, times out or runs out of memory; the input is then in fuzz/artifacts/<target>/.
#
# Cost on a 2-core machine: the nightly build of the fuzz crate (the codec and capture crates with
# sanitizer coverage) dominates — see the measured figures in the fuzz section of the README.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-3}"
start=$(date +%s)
cargo run -q -p xtask -- fuzz --seconds "$seconds" "$@"
echo "fuzz smoke pass: $(( $(date +%s) - start )) s in total"
