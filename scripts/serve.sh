#!/usr/bin/env bash
# Builds trailview (release) and serves it on http://127.0.0.1:8080, rebuilding on change.
# Installs the build tools it needs on first run.
source "$(dirname "$0")/setup.sh"
ensure_build_tools
cd "$ROOT"
step "building and serving on http://127.0.0.1:8080 (Ctrl-C to stop)"
# A separate dist keeps trunk's live-reload script out of dist/, which the tests use.
exec trunk serve --release --dist target/serve-dist "$@"
