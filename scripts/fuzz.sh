#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 900), seeded from the test fixtures.
# Needs cargo-fuzz (cargo install cargo-fuzz); on stable Rust it runs with RUSTC_BOOTSTRAP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-900}"
export RUSTC_BOOTSTRAP=1
for target in ingest record; do
  corpus="target/fuzz-corpus/$target"
  mkdir -p "$corpus"
  find tests/fixtures -type f ! -name '*.py' ! -name '*.md' -size -512k -exec cp -n {} "$corpus/" \; 2>/dev/null || true
  echo "== fuzzing $target for $seconds s"
  cargo fuzz run --fuzz-dir fuzz --sanitizer none "$target" "$corpus" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=262144 -print_final_stats=1
done
