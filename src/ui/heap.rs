//! How much of this instance's heap is in use: the global allocator, wrapped by `cap` to count
//! the bytes it hands out. WebAssembly memory never shrinks once grown, so its size says what
//! the page has held at its peak; the bytes in use say how much a new load may still add (after
//! Clear they fall back).

use std::alloc::System;

use cap::Cap;

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

/// Bytes allocated and not yet freed, in this instance (the page, or one pool worker).
pub fn in_use_bytes() -> f64 {
    ALLOCATOR.allocated() as f64
}

/// What the page may hold before loading stops, unless the address says otherwise: about 2.3M
/// events of typical trail files, leaving room for their index and for one more file in flight
/// under wasm32's 4 GiB.
const LOAD_BUDGET_BYTES: f64 = 2e9;

/// Bytes in use past which loading stops: `?memory-budget=MB` (of 10^6 bytes, as the page
/// shows sizes) in the page's address when given, else [`LOAD_BUDGET_BYTES`].
pub fn load_budget_bytes() -> f64 {
    crate::ui::address_parameter("memory-budget")
        .and_then(|megabytes| megabytes.parse::<u32>().ok())
        .map_or(LOAD_BUDGET_BYTES, |megabytes| {
            f64::from(megabytes.max(1)) * 1e6
        })
}

/// Bytes in use past which indexing stops: half as much again as loading may use (the index
/// takes a little over half what the events it indexes take).
pub fn index_budget_bytes() -> f64 {
    load_budget_bytes() * 1.5
}
