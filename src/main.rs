//! The wasm entry point: install the panic hook and mount the app, plus the functions a
//! reader-pool worker calls (exported from the binary, so the linker keeps them).

use wasm_bindgen::prelude::wasm_bindgen;

fn main() {
    console_error_panic_hook::set_once();
    trailview::ui::mount();
}

/// In a pool worker: reads one file and returns its shard (see `ui::worker`).
#[wasm_bindgen]
pub fn trailview_worker_read(
    file: &web_sys::File,
    path: &str,
    limit: f64,
    keep_text: bool,
) -> js_sys::Uint8Array {
    trailview::ui::worker::read_file(file, path, limit, keep_text)
}

/// In a pool worker: reads a batch of files the worker has read whole (an `ArrayBuffer` each,
/// or the text of why the browser could not read it) and returns one shard holding them all
/// (see `ui::worker`).
#[wasm_bindgen]
pub fn trailview_worker_read_batch(
    paths: &js_sys::Array,
    contents: &js_sys::Array,
    limit: f64,
    keep_text: bool,
) -> js_sys::Uint8Array {
    trailview::ui::worker::read_batch(paths, contents, limit, keep_text)
}

/// In a pool worker: indexes a job of records' text the page sent, with the bytes of the files
/// it reads again, and returns the index part, or throws why it could not be made (see
/// `ui::worker`).
#[wasm_bindgen]
pub fn trailview_worker_index(
    job: &[u8],
    given: &js_sys::Array,
) -> Result<js_sys::Uint8Array, String> {
    trailview::ui::worker::index(job, given)
}

/// In a pool worker: keeps a buffer of an earlier reply, which the page has copied out, for the
/// next one.
#[wasm_bindgen]
pub fn trailview_worker_recycle(buffer: js_sys::ArrayBuffer) {
    trailview::ui::worker::recycle(buffer);
}

/// In a pool worker: the size of its WebAssembly memory, in bytes.
#[wasm_bindgen]
pub fn trailview_worker_memory() -> f64 {
    trailview::ui::pool::wasm_memory_bytes()
}
