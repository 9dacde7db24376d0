#!/usr/bin/env python3
"""Writes the single self-contained trailview page: the release build's HTML with its wasm
(base64), JS glue, stylesheet and icon inlined, so one file works opened from disk (file://),
where browsers refuse to load module scripts and wasm from separate files.

Run by trunk after every build (Trunk.toml [[hooks]], post_build) on the staging directory;
by hand: scripts/single_html.py DIST_DIR [OUT_FILE]. Standard library only.
"""
import base64
import json
import os
import re
import sys

# The single file fetches nothing, so it may forbid every connection outright.
SINGLE_FILE_CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; "
    "img-src data: blob:; worker-src blob:; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
)


def fail(message):
    sys.exit(f"single_html: {message}")


def asset(dist, url):
    """The file in dist for an asset URL such as /trailview/x-123.js or ./x-123.js."""
    name = url.split("?")[0].rsplit("/", 1)[-1]
    path = os.path.join(dist, name)
    if not os.path.isfile(path):
        fail(f"{url} is not in {dist}")
    return path


def build(dist):
    with open(os.path.join(dist, "index.html"), encoding="utf-8") as f:
        html = f.read()
    if os.path.isdir(os.path.join(dist, "snippets")):
        fail("dist/snippets exists: JS snippets would need inlining too")

    boot = re.search(r'<script type="module">\s*import init, \* as bindings from \'([^\']+)\';(.*?)</script>', html, re.S)
    if not boot:
        fail("trunk's module bootstrap script was not found in index.html")
    js_url, start_up = boot.group(1), boot.group(2)
    wasm_urls = re.findall(r"'([^']+_bg\.wasm)'", start_up)
    if not wasm_urls or "await init(" not in start_up:
        fail("the start-up script names no wasm file to load")
    with open(asset(dist, js_url), encoding="utf-8") as f:
        glue = f.read()
    if re.search(r"^\s*import\s", glue, re.M):
        fail("the JS glue imports other modules")
    glue = re.sub(r"^export \{[^}]*\};?\s*$", "", glue, flags=re.M)
    glue = re.sub(r"^export (class|function|async function|const|let) ", r"\1 ", glue, flags=re.M)
    # The reader pool's workers start from a blob holding the glue's text, there being no glue
    # file to import. A page opened from disk cannot start module workers from a blob, so the
    # text is a classic script: no exports (removed above) and no import.meta (the workers are
    # handed the compiled module, so the glue's own URL is never used). As a JSON string, with
    # "</" escaped so it cannot end the script element.
    worker_glue = glue.replace("import.meta.url", "self.location.href")
    if "import.meta" in worker_glue:
        fail("the JS glue uses import.meta beyond its url")
    glue_text = json.dumps(worker_glue).replace("</", "<\\/")

    # The start-up script as built, with the glue inlined: each wasm file it may load becomes
    # its bytes in base64, decoded only if chosen (the SIMD and the baseline build).
    def inline_wasm(match):
        with open(asset(dist, match.group(1)), "rb") as f:
            return "__trailview_bytes('" + base64.b64encode(f.read()).decode("ascii") + "')"

    start_up = re.sub(r"'([^']+_bg\.wasm)'", inline_wasm, start_up)
    start_up = start_up.replace("window.wasmBindings = bindings;", "")
    # The glue has a `wasm` of its own at the top level.
    start_up = start_up.replace("const wasm = await init(", "const __trailview_wasm = await __wbg_init(")
    start_up = start_up.replace("{detail: {wasm}}", "{detail: {wasm: __trailview_wasm}}")

    script = (
        '<script type="module">\n'
        + "window.__trailview_glue = " + glue_text + ";\n"
        + glue
        + "\nconst __trailview_bytes = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));\n"
        + start_up
        + "\n</script>"
    )
    html = html.replace(boot.group(0), script)

    def inline_css(match):
        with open(asset(dist, match.group(1)), encoding="utf-8") as f:
            return "<style>\n" + f.read() + "\n</style>"

    html = re.sub(r'<link rel="stylesheet" href="([^"]+)"[^>]*/?>', inline_css, html)

    def inline_icon(match):
        path = asset(dist, match.group(1))
        kind = "image/svg+xml" if path.endswith(".svg") else "image/png"
        with open(path, "rb") as f:
            return f'<link rel="icon" href="data:{kind};base64,{base64.b64encode(f.read()).decode()}"/>'

    html = re.sub(r'<link rel="icon" href="([^"]+)"[^>]*/?>', inline_icon, html)
    html = re.sub(r'<link rel="(?:modulepreload|preload)"[^>]*>', "", html)
    # Live reload (trunk serve) and the service worker belong to the hosted page only.
    html = re.sub(r"<script>(?:(?!</script>).)*?(?:__TRUNK_ADDRESS__|serviceWorker)(?:(?!</script>).)*?</script>", "", html, flags=re.S)
    html, n_csp = re.subn(
        r'(<meta http-equiv="Content-Security-Policy"\s+content=")[^"]*(")', lambda m: m.group(1) + SINGLE_FILE_CSP + m.group(2), html
    )
    if n_csp != 1:
        fail("the Content-Security-Policy meta tag was not found")
    leftover = re.findall(r'(?:src|href)="(?!data:|#)([^"]+)"', html)
    if leftover:
        fail(f"references to other files remain: {leftover}")
    return html


def main():
    if len(sys.argv) >= 2:
        dist = sys.argv[1]
        out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(dist, "trailview.html")
    else:
        # As a trunk hook: write into the staging directory, release builds only.
        if os.environ.get("TRUNK_PROFILE") != "release":
            return
        dist = os.environ["TRUNK_STAGING_DIR"]
        out = os.path.join(dist, "trailview.html")
    html = build(dist)
    with open(out, "w", encoding="utf-8") as f:
        f.write(html)
    print(f"single_html: wrote {out} ({len(html.encode()):,} bytes)")


if __name__ == "__main__":
    main()
