#!/usr/bin/env python3
"""Adds the baseline build to a release build, for browsers without WebAssembly SIMD.

trunk builds the page's wasm with SIMD (`.cargo/config.toml`: inflating and scanning text are
faster with it, and every current browser has it). This builds the same binary again without
SIMD, runs it through the same wasm-bindgen and wasm-opt, checks that its JS glue is the one
trunk wrote, stores it beside the other as `trailview-baseline-<hash>_bg.wasm`, and makes the
page's start-up script load it where `WebAssembly.validate` refuses a one-instruction SIMD
module (browsers before 2021, Safari before 16.4). The build that runs names itself on the
page's root element (`data-wasm="simd"` or `"baseline"`, from `ui::mount`).

Run by trunk after a release build (Trunk.toml [[hooks]], post_build, before single_html.py)
on the staging directory; by hand: scripts/baseline_wasm.py DIST_DIR. Standard library only;
cargo, wasm-bindgen and wasm-opt come from PATH (scripts/setup.sh puts the pinned ones there).
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))



def simd_probe():
    """The bytes of the SIMD test module, as the service worker writes them (their one source),
    so the start-up script and the service worker choose the same build."""
    with open(os.path.join(ROOT, "public", "sw.js"), encoding="utf-8") as file:
        found = re.search(r"const SIMD_PROBE = new Uint8Array\(\[([0-9, ]+)\]\);", file.read())
    if not found:
        fail("public/sw.js does not define SIMD_PROBE as a Uint8Array of numbers")
    return found.group(1)


def fail(message):
    sys.exit(f"baseline_wasm: {message}")


def run(command, **env):
    print("baseline_wasm: " + " ".join(command), flush=True)
    result = subprocess.run(command, cwd=ROOT, env={**os.environ, **env})
    if result.returncode != 0:
        fail(f"{command[0]} failed (exit {result.returncode})")


def build_baseline(work):
    """The baseline wasm and its glue, built in `work`: (glue text, wasm path)."""
    target = os.path.join(ROOT, "target", "wasm-baseline")
    # CARGO_ENCODED_RUSTFLAGS wins over .cargo/config.toml's flags (and over RUSTFLAGS).
    run(
        ["cargo", "build", "--release", "--target=wasm32-unknown-unknown", "--bin", "trailview"],
        CARGO_TARGET_DIR=target,
        CARGO_ENCODED_RUSTFLAGS="-Ctarget-feature=-simd128",
    )
    built = os.path.join(target, "wasm32-unknown-unknown", "release", "trailview.wasm")
    # As trunk runs them: wasm-bindgen --target=web --out-name=trailview, then wasm-opt -O3.
    run(["wasm-bindgen", "--target=web", f"--out-dir={work}", "--out-name=trailview", "--no-typescript", built])
    optimised = os.path.join(work, "optimised.wasm")
    run(["wasm-opt", f"--output={optimised}", "-O3", os.path.join(work, "trailview_bg.wasm")])
    with open(os.path.join(work, "trailview.js"), encoding="utf-8") as f:
        return f.read(), optimised


def add_baseline(dist):
    index = os.path.join(dist, "index.html")
    with open(index, encoding="utf-8") as f:
        html = f.read()
    boot = re.search(r"import init, \* as bindings from '([^']+)';\s*const wasm = await init\(\{ module_or_path: '([^']+)' \}\);", html)
    if not boot:
        fail("trunk's start-up script (import init … await init({ module_or_path: … })) was not found in index.html")
    js_url, wasm_url = boot.group(1), boot.group(2)
    with open(os.path.join(dist, js_url.rsplit("/", 1)[-1]), encoding="utf-8") as f:
        glue = f.read()

    with tempfile.TemporaryDirectory() as work:
        baseline_glue, wasm = build_baseline(work)
        if baseline_glue != glue:
            fail("the baseline build's JS glue differs from the SIMD build's; both builds must share one glue")
        with open(wasm, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()[:16]
        name = f"trailview-baseline-{digest}_bg.wasm"
        shutil.copyfile(wasm, os.path.join(dist, name))
    baseline_url = wasm_url.rsplit("/", 1)[0] + "/" + name if "/" in wasm_url else name

    choice = (
        f"import init, * as bindings from '{js_url}';\n"
        "// WebAssembly SIMD where the browser has it; the baseline build where it does not.\n"
        f"const __trailview_simd = WebAssembly.validate(new Uint8Array([{simd_probe()}]));\n"
        f"const wasm = await init({{ module_or_path: __trailview_simd ? '{wasm_url}' : '{baseline_url}' }});"
    )
    html = html.replace(boot.group(0), choice)
    with open(index, "w", encoding="utf-8") as f:
        f.write(html)
    print(f"baseline_wasm: added {name} ({os.path.getsize(os.path.join(dist, name)):,} bytes)")


def main():
    if len(sys.argv) >= 2:
        dist = sys.argv[1]
    else:
        # As a trunk hook: the staging directory, release builds only.
        if os.environ.get("TRUNK_PROFILE") != "release":
            return
        dist = os.environ["TRUNK_STAGING_DIR"]
    add_baseline(dist)


if __name__ == "__main__":
    main()
