//! The reader pool: plain Web Workers (no `SharedArrayBuffer`, which static hosts cannot enable),
//! each running its own instance of the page's WebAssembly module. A worker is handed a `File`
//! (workers can read it themselves), inflates, splits, parses and normalises it, and returns a
//! shard that the page's dataset absorbs: the page only places records, so it stays free for
//! the user while files are read side by side.
//!
//! Workers start from a `blob:` URL (the app never builds a URL of its own): on a hosted page
//! the blob is a module importing the JS glue by its `import.meta.url`; in the single-file
//! build, which has no glue file, the page carries the glue's text as a classic script
//! (`__trailview_glue`, see `scripts/single_html.py`) and the blob is that text.
//! The compiled module itself is posted to each worker, so nothing is fetched or compiled twice.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, File, MessageEvent, Url, Worker, WorkerOptions, WorkerType};

use crate::analytics::IndexJob;

#[wasm_bindgen]
extern "C" {
    /// The URL of the JS glue module, as it knows itself.
    #[wasm_bindgen(thread_local_v2, js_namespace = ["import", "meta"], js_name = url)]
    static GLUE_URL: String;
}

/// The most workers a page starts, whatever the machine.
pub const MAX_WORKERS: u32 = 8;

/// Files larger than this (as given, compressed or not) are read on the page in slices rather
/// than by a worker: a worker's shard holds the whole file's records until the file ends, while
/// the page shows a large file's events and progress as its slices arrive.
pub const MAX_WORKER_FILE_BYTES: u64 = 16 << 20;

/// Files up to this size (as given) are handed to a worker in batches: for small files (a
/// trail writes one every five minutes per region, often a few KB) the browser's per-file read
/// dominates, and a batch's files are read side by side.
pub const SMALL_FILE_BYTES: u64 = 256 << 10;
/// The most files in one batch.
pub const BATCH_FILES: usize = 64;
/// The most bytes (as given) in one batch: its shard is absorbed by the page in one go, which
/// must stay well under a long task (about 1 MB of gzip is 7,000 events).
pub const BATCH_BYTES: u64 = 1 << 20;

/// The worker's message loop, after the glue (text or import) that defines what it calls.
/// Replies leave in the order requests came: a batch's files start reading as it arrives, but
/// each request is answered after the one before it.
const BOOTSTRAP: &str = r"
let previous = Promise.resolve();
const reply = (started, shard, sizes) => {
  const ms = performance.now() - started;
  postMessage({ shard, ms, sizes, memory: trailview_worker_memory() }, [shard.buffer]);
};
const fail = (error) => postMessage({ fatal: String(error) });
onmessage = (event) => {
  const message = event.data;
  if (message.recycle) {
    trailview_worker_recycle(message.recycle);
    return;
  }
  if (message.module) {
    try {
      initSync({ module: message.module });
    } catch (error) {
      fail(error);
    }
    return;
  }
  if (message.batch) {
    // Read whole and side by side; a file's size is its length (asking for it first would cost
    // a round trip to the disk per file).
    const reading = Promise.allSettled(message.batch.map((file) => file.arrayBuffer()));
    previous = previous.then(() => {
      const started = performance.now();
      return reading.then((read) => {
        const contents = read.map((one) => (one.status === 'fulfilled' ? one.value : String(one.reason)));
        const sizes = read.map((one) => (one.status === 'fulfilled' ? one.value.byteLength : 0));
        reply(started, trailview_worker_read_batch(message.paths, contents, message.limit, message.keepText), sizes);
      });
    }).catch(fail);
    return;
  }
  if (message.job) {
    // The text the job left in files, read again (whole, or the range it needs).
    const reading = Promise.allSettled(message.files.map((file, at) => {
      const range = message.ranges[at];
      return (range ? file.slice(range[0], range[1]) : file).arrayBuffer();
    }));
    previous = previous.then(() => {
      const started = performance.now();
      return reading.then((read) => {
        const given = read.map((one) => (one.status === 'fulfilled' ? one.value : String(one.reason)));
        let part;
        try {
          part = trailview_worker_index(message.job, given);
        } catch (error) {
          postMessage({ error: String(error) });
          return;
        }
        reply(started, part, []);
      });
    }).catch(fail);
    return;
  }
  previous = previous.then(() => {
    const started = performance.now();
    const shard = trailview_worker_read(message.file, message.path, message.limit, message.keepText);
    reply(started, shard, [message.file.size]);
  }).catch(fail);
};
";

/// The size of this instance's WebAssembly memory, in bytes.
pub fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map_or(0.0, |memory| {
            memory
                .buffer()
                .dyn_into::<js_sys::ArrayBuffer>()
                .map_or(0.0, |buffer| f64::from(buffer.byte_length()))
        })
}

/// How many workers to start: `?workers=N` in the page's address when given (0 reads on the
/// page itself), else one per logical core the browser reports, at most [`MAX_WORKERS`].
pub fn wanted_workers() -> u32 {
    let Some(window) = web_sys::window() else {
        return 0;
    };
    let asked = crate::ui::address_parameter("workers").and_then(|value| value.parse::<u32>().ok());
    let cores = window.navigator().hardware_concurrency() as u32;
    asked.unwrap_or(cores.max(1)).min(MAX_WORKERS)
}

/// Reads in flight: their promises' resolve and reject.
type Waiting = Rc<RefCell<VecDeque<(js_sys::Function, js_sys::Function)>>>;

/// Rejects every read in flight with `reason`.
fn reject_all(waiting: &Waiting, reason: &str) {
    let pending: Vec<_> = waiting.borrow_mut().drain(..).collect();
    for (_, reject) in pending {
        let _ = reject.call1(&JsValue::NULL, &reason.into());
    }
}

/// One worker and the reads it has been given.
pub struct Lane {
    worker: Worker,
    /// The resolve and reject of each read in flight, oldest first (a worker answers in order).
    waiting: Waiting,
    /// Set once the worker cannot be used: why.
    broken: Rc<RefCell<Option<String>>>,
    /// The worker's WebAssembly memory after its last file, in bytes.
    memory: Cell<f64>,
    /// Milliseconds the worker has spent reading files.
    busy_ms: Cell<f64>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Lane {
    fn start(script: &WorkerScript, module: &JsValue) -> Result<Self, String> {
        let options = WorkerOptions::new();
        options.set_type(if script.is_module {
            WorkerType::Module
        } else {
            WorkerType::Classic
        });
        let url = &script.url;
        let worker = Worker::new_with_options(url, &options).map_err(|error| describe(&error))?;
        let waiting: Waiting = Rc::default();
        let broken: Rc<RefCell<Option<String>>> = Rc::default();
        let on_message = {
            let (waiting, broken) = (waiting.clone(), broken.clone());
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let data = event.data();
                let fatal = Reflect::get(&data, &"fatal".into())
                    .ok()
                    .and_then(|fatal| fatal.as_string());
                if let Some(reason) = fatal {
                    broken.borrow_mut().get_or_insert(reason.clone());
                    reject_all(&waiting, &reason);
                    return;
                }
                let pending = waiting.borrow_mut().pop_front();
                if let Some((resolve, _)) = pending {
                    let _ = resolve.call1(&JsValue::NULL, &data);
                }
            })
        };
        let on_error = {
            let (waiting, broken) = (waiting.clone(), broken.clone());
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                let reason = Reflect::get(&event, &"message".into())
                    .ok()
                    .and_then(|message| message.as_string())
                    .unwrap_or_else(|| "the worker could not start".to_owned());
                broken.borrow_mut().get_or_insert(reason.clone());
                reject_all(&waiting, &reason);
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let init = Object::new();
        let _ = Reflect::set(&init, &"module".into(), module);
        worker
            .post_message(&init)
            .map_err(|error| describe(&error))?;
        Ok(Self {
            worker,
            waiting,
            broken,
            memory: Cell::new(0.0),
            busy_ms: Cell::new(0.0),
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Why this worker can no longer be used, if it cannot.
    pub fn broken(&self) -> Option<String> {
        self.broken.borrow().clone()
    }

    /// The worker's WebAssembly memory after its last file, in bytes.
    pub fn memory_bytes(&self) -> f64 {
        self.memory.get()
    }

    /// Has the worker read `file` and returns the shard, for `Dataset::absorb_shard`, and the
    /// file's size; without `keep_text`, records' text that is a slice of the file stays there.
    /// Reads given while others are in flight queue up in the worker, so it can start the next
    /// file while the page absorbs the last.
    pub async fn read(
        &self,
        file: &File,
        path: &str,
        limit_bytes: usize,
        keep_text: bool,
    ) -> Result<(Vec<u8>, Vec<u64>), String> {
        let message = Object::new();
        let _ = Reflect::set(&message, &"file".into(), file);
        let _ = Reflect::set(&message, &"path".into(), &path.into());
        self.request(&message, limit_bytes, keep_text).await
    }

    /// Has the worker read several small files (`(file, path, _)`, at most [`BATCH_FILES`]), whole
    /// and side by side, and returns one shard holding them all, in the order given, and their
    /// sizes.
    pub async fn read_batch<T>(
        &self,
        files: &[(File, String, T)],
        limit_bytes: usize,
        keep_text: bool,
    ) -> Result<(Vec<u8>, Vec<u64>), String> {
        let message = Object::new();
        let batch: js_sys::Array = files
            .iter()
            .map(|(file, _, _)| JsValue::from(file))
            .collect();
        let paths: js_sys::Array = files
            .iter()
            .map(|(_, path, _)| JsValue::from_str(path))
            .collect();
        let _ = Reflect::set(&message, &"batch".into(), &batch);
        let _ = Reflect::set(&message, &"paths".into(), &paths);
        self.request(&message, limit_bytes, keep_text).await
    }

    /// Has the worker index a job of records' text (`Dataset::index_job`), reading again the
    /// text it left in `files` (one per read of the job, in order); the job is posted at once
    /// and the returned future gives the index part. Jobs queue behind the reads given before
    /// them, and reads behind them.
    pub fn index(
        self: &Rc<Self>,
        job: &IndexJob,
        files: &[File],
    ) -> impl std::future::Future<Output = Result<Vec<u8>, String>> + 'static {
        let message = Object::new();
        let packed = Uint8Array::from(job.job.as_slice());
        let _ = Reflect::set(&message, &"job".into(), &packed);
        let handles: Array = files.iter().map(JsValue::from).collect();
        let ranges: Array = job
            .reads
            .iter()
            .map(|read| match read.bytes() {
                None => JsValue::NULL,
                Some(range) => {
                    Array::of2(&(range.start as f64).into(), &(range.end as f64).into()).into()
                }
            })
            .collect();
        let _ = Reflect::set(&message, &"files".into(), &handles);
        let _ = Reflect::set(&message, &"ranges".into(), &ranges);
        // Transferred, not copied again: the page has no further use for it.
        let posted = self.post(&message, 0, false, &js_sys::Array::of1(&packed.buffer()));
        let lane = Rc::clone(self);
        async move { lane.answer(posted).await.map(|(part, _)| part) }
    }

    /// Posts a request and waits for its reply's buffer (a shard) and sizes.
    async fn request(
        &self,
        message: &Object,
        limit_bytes: usize,
        keep_text: bool,
    ) -> Result<(Vec<u8>, Vec<u64>), String> {
        self.answer(self.post(message, limit_bytes, keep_text, &js_sys::Array::new()))
            .await
    }

    /// Posts a request, moving the buffers in `transfer` to the worker; the promise settles with
    /// the worker's reply.
    fn post(
        &self,
        message: &Object,
        limit_bytes: usize,
        keep_text: bool,
        transfer: &js_sys::Array,
    ) -> Result<js_sys::Promise, String> {
        if let Some(reason) = self.broken() {
            return Err(reason);
        }
        let waiting = self.waiting.clone();
        let promise = js_sys::Promise::new(&mut |resolve, reject| {
            waiting.borrow_mut().push_back((resolve, reject));
        });
        let _ = Reflect::set(message, &"limit".into(), &(limit_bytes as f64).into());
        let _ = Reflect::set(message, &"keepText".into(), &keep_text.into());
        if let Err(error) = self.worker.post_message_with_transfer(message, transfer) {
            self.waiting.borrow_mut().pop_back();
            return Err(describe(&error));
        }
        Ok(promise)
    }

    /// The buffer (a shard or an index part) and sizes of a posted request's reply.
    async fn answer(
        &self,
        posted: Result<js_sys::Promise, String>,
    ) -> Result<(Vec<u8>, Vec<u64>), String> {
        let reply = JsFuture::from(posted?)
            .await
            .map_err(|error| describe(&error))?;
        if let Some(error) = Reflect::get(&reply, &"error".into())
            .ok()
            .and_then(|error| error.as_string())
        {
            return Err(error);
        }
        let shard = Reflect::get(&reply, &"shard".into())
            .ok()
            .and_then(|shard| shard.dyn_into::<Uint8Array>().ok())
            .ok_or_else(|| "the worker's reply held no shard".to_owned())?;
        if let Some(memory) = Reflect::get(&reply, &"memory".into())
            .ok()
            .and_then(|memory| memory.as_f64())
        {
            self.memory.set(memory);
        }
        if let Some(ms) = Reflect::get(&reply, &"ms".into())
            .ok()
            .and_then(|ms| ms.as_f64())
        {
            self.busy_ms.set(self.busy_ms.get() + ms);
        }
        let sizes = Reflect::get(&reply, &"sizes".into())
            .ok()
            .and_then(|sizes| sizes.dyn_into::<js_sys::Array>().ok())
            .map(|sizes| {
                sizes
                    .iter()
                    .map(|size| size.as_f64().unwrap_or(0.0) as u64)
                    .collect()
            })
            .unwrap_or_default();
        let bytes = shard.to_vec();
        self.recycle(&shard.buffer());
        Ok((bytes, sizes))
    }

    /// Hands the buffer of a reply, copied out, back to the worker for its next replies.
    fn recycle(&self, buffer: &js_sys::ArrayBuffer) {
        let message = Object::new();
        let _ = Reflect::set(&message, &"recycle".into(), buffer);
        let _ = self
            .worker
            .post_message_with_transfer(&message, &js_sys::Array::of1(buffer));
    }
}

impl Drop for Lane {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// The started workers.
#[derive(Default)]
pub struct Pool {
    lanes: Vec<Rc<Lane>>,
    /// Why no worker could be started, when none could.
    problem: Option<String>,
}

impl Pool {
    /// Starts `n` workers; with none started, says why (the page then reads files itself).
    pub fn start(n: u32) -> Self {
        if n == 0 {
            return Self::default();
        }
        let script = match worker_script() {
            Ok(script) => script,
            Err(problem) => {
                return Self {
                    lanes: Vec::new(),
                    problem: Some(problem),
                }
            }
        };
        let module = wasm_bindgen::module();
        let mut lanes = Vec::new();
        let mut problem = None;
        for _ in 0..n {
            match Lane::start(&script, &module) {
                Ok(lane) => lanes.push(Rc::new(lane)),
                Err(reason) => problem = Some(reason),
            }
        }
        Self { lanes, problem }
    }

    /// The workers that can still be used.
    pub fn lanes(&self) -> Vec<Rc<Lane>> {
        self.lanes
            .iter()
            .filter(|lane| lane.broken().is_none())
            .cloned()
            .collect()
    }

    /// Why the pool has fewer workers than asked, if it does.
    pub fn problem(&self) -> Option<String> {
        self.problem
            .clone()
            .or_else(|| self.lanes.iter().find_map(|lane| lane.broken()))
    }

    /// Milliseconds the workers have spent reading files and indexing, all together.
    pub fn busy_ms(&self) -> f64 {
        self.lanes.iter().map(|lane| lane.busy_ms.get()).sum()
    }

    /// The workers' WebAssembly memory, in bytes.
    pub fn memory_bytes(&self) -> f64 {
        self.lanes.iter().map(|lane| lane.memory_bytes()).sum()
    }
}

/// The worker script, as a `blob:` URL.
struct WorkerScript {
    url: String,
    /// A module script (importing the glue) or a classic one (holding its text).
    is_module: bool,
}

/// The worker script: on a hosted page a module importing the glue file; in the single-file
/// page, whose glue has no file and which browsers do not let start module workers from a
/// blob when opened from disk, a classic script holding the glue's text.
fn worker_script() -> Result<WorkerScript, String> {
    let glue_text = web_sys::window()
        .and_then(|window| Reflect::get(&window, &"__trailview_glue".into()).ok())
        .and_then(|text| text.as_string());
    let is_module = glue_text.is_none();
    let source = if let Some(text) = glue_text {
        format!("{text}\n{BOOTSTRAP}")
    } else {
        let url = GLUE_URL.with(String::clone);
        let quoted = serde_json::to_string(&url).map_err(|error| error.to_string())?;
        format!("import {{ initSync, trailview_worker_read, trailview_worker_read_batch, trailview_worker_index, trailview_worker_memory, trailview_worker_recycle }} from {quoted};\n{BOOTSTRAP}")
    };
    let options = BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = Blob::new_with_str_sequence_and_options(&Array::of1(&source.into()), &options)
        .map_err(|error| describe(&error))?;
    let url = Url::create_object_url_with_blob(&blob).map_err(|error| describe(&error))?;
    Ok(WorkerScript { url, is_module })
}

pub(crate) fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|error| String::from(error.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".to_owned())
}
