#!/usr/bin/env bash
# The whole test suite, as CI runs it: formatting, lints (analytics alone, native and wasm32),
# the analytics tests (fixtures, public corpus, properties, architecture), a release build, and
# the browser tests that drive the built page in headless Chromium.
# Installs what it needs on first run. Set TRAILVIEW_CORPUS to the public corpus folder to
# include the compatibility tests (../shared/corpus is used when present).
source "$(dirname "$0")/setup.sh"
cd "$ROOT"
ensure_build_tools
ensure_chromium

if [ -z "${TRAILVIEW_CORPUS:-}" ] && [ -d "$ROOT/../shared/corpus" ]; then
  export TRAILVIEW_CORPUS="$ROOT/../shared/corpus"
fi

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy: analytics alone, native"
cargo clippy --no-default-features --all-targets -- -D warnings
step "clippy: the app, wasm32"
cargo clippy --target wasm32-unknown-unknown -- -D warnings
step "clippy: the app, native"
cargo clippy -- -D warnings

step "analytics tests (no web crate in the build)"
cargo test --no-default-features

step "release build (trunk), with the single-file page dist/trailview.html"
trunk build --release
test -s dist/trailview.html

step "release build for a sub-path (/trailview/, as on GitHub Pages)"
trunk build --release --public-url /trailview/ --dist target/dist-subpath

step "browser tests (headless Chromium)"
(cd tests/e2e && TRAILVIEW_E2E_REQUIRED=1 npm test --silent)
