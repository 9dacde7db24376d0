//! Totals for a selection: events, files, callers, errors, duplicates, conflicts, time span.

use crate::analytics::model::field::Field;
use crate::analytics::model::time::Millis;
use crate::analytics::query::Selection;
use crate::analytics::store::Store;

/// The headline numbers of a selection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    /// Selected events.
    pub n_events: u64,
    /// Files that contributed at least one selected event.
    pub n_files: u64,
    /// Distinct callers among the selected events.
    pub n_principals: u64,
    /// Selected events with an error code.
    pub n_errors: u64,
    /// `n_errors / n_events`, 0 when nothing is selected.
    pub error_rate: f64,
    /// Identical copies of selected events that were dropped.
    pub n_duplicates: u64,
    /// Selected events that share an `eventID` with a different earlier event.
    pub n_conflicts: u64,
    /// Earliest and latest selected event time.
    pub time_span: Option<(Millis, Millis)>,
    /// Selected events with no usable time (outside the time span and the timeline).
    pub n_undated: u64,
}

/// Computes the totals of `selection`.
pub fn totals(store: &Store, selection: &Selection) -> Totals {
    let ids = selection.ids();
    let mut seen_file = Vec::new();
    let mut seen_caller = vec![false; store.dictionary(Field::Caller).len()];
    let mut totals = Totals {
        n_events: ids.len() as u64,
        ..Totals::default()
    };
    let callers = store.column(Field::Caller);
    let errors = store.column(Field::ErrorCode);
    for &event_idx in ids {
        let at = event_idx as usize;
        let file_idx = store.file_idx(event_idx) as usize;
        if seen_file.len() <= file_idx {
            seen_file.resize(file_idx + 1, false);
        }
        if !seen_file[file_idx] {
            seen_file[file_idx] = true;
            totals.n_files += 1;
        }
        if let Some(&caller) = callers.get(at) {
            if caller != 0 && !seen_caller[caller as usize] {
                seen_caller[caller as usize] = true;
                totals.n_principals += 1;
            }
        }
        if errors.get(at).is_some_and(|&code| code != 0) {
            totals.n_errors += 1;
        }
        totals.n_duplicates += u64::from(store.duplicates(event_idx));
        totals.n_conflicts += u64::from(store.is_conflict(event_idx));
    }
    if totals.n_events > 0 {
        totals.error_rate = totals.n_errors as f64 / totals.n_events as f64;
    }
    let dated = selection.dated(store);
    totals.n_undated = (ids.len() - dated.len()) as u64;
    if let (Some(&first), Some(&last)) = (dated.first(), dated.last()) {
        totals.time_span = Some((store.time(first), store.time(last)));
    }
    totals
}
