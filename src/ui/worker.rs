//! What runs inside a pool worker: the same WebAssembly module as the page, instantiated again
//! in the worker, reading a `File` with `FileReaderSync` in slices (workers may block), or a
//! batch of small files the worker script has read whole, into a [`Dataset::for_shards`] and
//! handing back the shard; and indexing records' text the page sent (and the text the job
//! left in files, which the worker script read again), handing back the index part. No Leptos
//! runs here.

use std::cell::RefCell;

use js_sys::{Array, ArrayBuffer, Uint8Array};
use wasm_bindgen::JsCast;
use web_sys::{File, FileReaderSync};

use crate::analytics::{index_part, Dataset};
use crate::ui::pool::describe;

/// How much of a file is read at a time: a file of any size is read in slices, never whole.
const SLICE_BYTES: f64 = 8.0 * 1024.0 * 1024.0;

/// Reads `file` (listed as `path`) with the per-file decoded-size limit `limit_bytes` and returns
/// the shard of what it held, for `Dataset::absorb_shard` in the page. A file the browser stops
/// reading keeps what arrived and says where it stopped.
/// Without `keep_text`, records' text that is a slice of the file is left there (the page keeps
/// no more text).
pub fn read_file(file: &File, path: &str, limit_bytes: f64, keep_text: bool) -> Uint8Array {
    let mut dataset = shard_dataset(limit_bytes, keep_text);
    let size = file.size();
    match FileReaderSync::new() {
        Err(error) => unreadable(&mut dataset, path, size as u64, &describe(&error)),
        Ok(reader) => read_slices(&mut dataset, &reader, file, path, size),
    }
    reply(&dataset.take_shard())
}

/// Reads a batch of files the worker has read whole: `contents[i]` is the `ArrayBuffer` of
/// `paths[i]`, or the text of why the browser could not read it. Returns one shard holding
/// every file's report and records, in the order given.
pub fn read_batch(
    paths: &Array,
    contents: &Array,
    limit_bytes: f64,
    keep_text: bool,
) -> Uint8Array {
    let mut dataset = shard_dataset(limit_bytes, keep_text);
    for (index, path) in paths.iter().enumerate() {
        let path = path.as_string().unwrap_or_default();
        let content = contents.get(index as u32);
        if let Some(buffer) = content.dyn_ref::<ArrayBuffer>() {
            dataset.ingest_file(&path, &Uint8Array::new(buffer).to_vec());
        } else {
            unreadable(&mut dataset, &path, 0, &describe(&content));
        }
    }
    reply(&dataset.take_shard())
}

/// Indexes a job of records' text made by `Dataset::index_job`, `given` holding the bytes of
/// each file it reads (an `ArrayBuffer` each, in order, or the text of why the browser could
/// not read it), and returns the part for `Dataset::merge_index_part`, or why it could not be
/// made.
pub fn index(job: &[u8], given: &Array) -> Result<Uint8Array, String> {
    let given: Vec<Vec<u8>> = given
        .iter()
        .map(|content| match content.dyn_ref::<ArrayBuffer>() {
            Some(buffer) => Ok(Uint8Array::new(buffer).to_vec()),
            None => Err(format!(
                "the browser could not read a file again: {}",
                describe(&content)
            )),
        })
        .collect::<Result<_, _>>()?;
    index_part(job, &given).map(|part| reply(&part))
}

/// The most buffers the page has handed back that a worker keeps for its next replies.
const SPARES: usize = 2;

thread_local! {
    /// Buffers of earlier replies the page has copied out and handed back, to be written again.
    static SPARE: RefCell<Vec<ArrayBuffer>> = const { RefCell::new(Vec::new()) };
}

/// Keeps `buffer`, a reply the page has copied out, for a later reply: a fresh buffer costs the
/// browser memory it must map and zero (in a profile of a 100k-event load, 7 ms for each shard
/// of about 5 MB), where writing one again is a copy.
pub fn recycle(buffer: ArrayBuffer) {
    SPARE.with_borrow_mut(|spare| {
        spare.push(buffer);
        if spare.len() > SPARES {
            // The smallest is the least likely to fit the next reply.
            if let Some((smallest, _)) = spare
                .iter()
                .enumerate()
                .min_by_key(|(_, buffer)| buffer.byte_length())
            {
                spare.swap_remove(smallest);
            }
        }
    });
}

/// `bytes` as a view of a buffer the reply can transfer: the smallest spare that holds them, or a
/// new one a quarter larger, so that it can hold a later reply somewhat larger than this one.
fn reply(bytes: &[u8]) -> Uint8Array {
    let len = bytes.len() as u32;
    let buffer = SPARE
        .with_borrow_mut(|spare| {
            let fits = spare
                .iter()
                .enumerate()
                .filter(|(_, buffer)| buffer.byte_length() >= len)
                .min_by_key(|(_, buffer)| buffer.byte_length())
                .map(|(index, _)| index)?;
            Some(spare.swap_remove(fits))
        })
        .unwrap_or_else(|| ArrayBuffer::new(len.saturating_add(len / 4)));
    let view = Uint8Array::new_with_byte_offset_and_length(&buffer, 0, len);
    view.copy_from(bytes);
    view
}

/// A dataset that keeps what it reads for a shard, with the page's per-file limit, sending text
/// that is a slice of its file only while the page keeps text.
fn shard_dataset(limit_bytes: f64, keep_text: bool) -> Dataset {
    let mut dataset = Dataset::for_shards();
    dataset.set_keep_text(keep_text);
    dataset.set_decoded_size_limit(limit_bytes as usize);
    dataset
}

/// Lists a file the browser would not read, saying why.
fn unreadable(dataset: &mut Dataset, path: &str, size_bytes: u64, why: &str) {
    dataset.reject_file(
        path,
        size_bytes,
        &format!("the browser could not read the file: {why}"),
    );
}

/// Reads `file` (of `size` bytes) in slices of [`SLICE_BYTES`].
fn read_slices(dataset: &mut Dataset, reader: &FileReaderSync, file: &File, path: &str, size: f64) {
    let mut offset = 0.0;
    loop {
        let end = (offset + SLICE_BYTES).min(size);
        let slice = file
            .slice_with_f64_and_f64(offset, end)
            .and_then(|blob| reader.read_as_array_buffer(&blob));
        let bytes = match slice {
            Ok(buffer) => Uint8Array::new(&buffer).to_vec(),
            Err(error) if offset == 0.0 => {
                unreadable(dataset, path, size as u64, &describe(&error));
                return;
            }
            Err(error) => {
                dataset.interrupt_file(&format!(
                    "the browser could not read the file past byte {offset}: {}",
                    describe(&error)
                ));
                return;
            }
        };
        if offset == 0.0 {
            dataset.begin_file(path, size as u64);
        }
        dataset.push_file_bytes(&bytes);
        offset = end;
        if offset >= size || bytes.is_empty() {
            dataset.end_file();
            return;
        }
    }
}
