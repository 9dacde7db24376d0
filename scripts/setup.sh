# Shared set-up for scripts/serve.sh and scripts/test.sh (sourced, not run).
# Installs what is missing, skips what is present; never downloads a prebuilt binary:
# Rust tools are built with `cargo install`, wasm-opt and Playwright come from npm packages,
# Chromium and chromedriver from Debian.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$ROOT/tests/e2e/node_modules/.bin:$PATH"

TRUNK_VERSION="0.21.14"
# The wasm-bindgen CLI must equal the crate version in Cargo.lock.
WASM_BINDGEN_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/, ""); print; exit}' "$ROOT/Cargo.lock")"

step() { printf '\n== %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root for: $*" >&2; return 1; fi
}

ensure_wasm_target() {
  rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
    || { step "adding the wasm32-unknown-unknown target"; rustup target add wasm32-unknown-unknown; }
}

ensure_trunk() {
  if ! trunk --version 2>/dev/null | grep -qx "trunk $TRUNK_VERSION"; then
    step "installing trunk $TRUNK_VERSION (cargo install; ~12 min on 2 cores)"
    cargo install --locked "trunk@$TRUNK_VERSION"
  fi
}

ensure_wasm_bindgen() {
  if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
    step "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (cargo install; ~5 min)"
    # --locked can fail when the published lock names a crate version the registry lacks.
    cargo install --locked wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" \
      || cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
  fi
}

ensure_node_tools() {
  # binaryen's wasm-opt 132 (Debian's is too old to read today's wasm) and playwright-core.
  if ! command -v npm >/dev/null; then
    step "installing node and npm (Debian)"
    as_root apt-get update -qq && as_root apt-get install -y -qq nodejs npm
  fi
  if [ ! -x "$ROOT/tests/e2e/node_modules/.bin/wasm-opt" ] || [ ! -d "$ROOT/tests/e2e/node_modules/playwright-core" ] \
     || [ "$ROOT/tests/e2e/package-lock.json" -nt "$ROOT/tests/e2e/node_modules/.package-lock.json" ]; then
    step "installing npm packages (binaryen, playwright-core)"
    (cd "$ROOT/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    step "installing chromium and chromium-driver (Debian)"
    as_root apt-get update -qq
    as_root apt-get install -y -qq chromium chromium-driver
  fi
}

ensure_build_tools() {
  ensure_wasm_target
  ensure_node_tools
  ensure_wasm_bindgen
  ensure_trunk
}
