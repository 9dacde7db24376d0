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

/// The order-free part of [`Totals`] over the events added so far: events can be added in any
/// order and in several steps, so the totals of every event are kept up to date as files land.
/// Duplicates and conflicts are counted as they stand when an event is added (later files can
/// change them: [`duplicates_and_conflicts`] counts them afresh). Left out: the time span, which
/// a selection (in time order) reads from its ends and the timeline's tally keeps for every
/// event, rather than reading every event's time here.
#[derive(Debug, Clone, Default)]
pub struct TotalsTally {
    n_events: u64,
    seen_file: Vec<bool>,
    n_files: u64,
    seen_caller: Vec<bool>,
    n_principals: u64,
    n_errors: u64,
    n_duplicates: u64,
    n_conflicts: u64,
}

impl TotalsTally {
    /// Counts `events` in, a column at a time.
    pub fn add(&mut self, store: &Store, events: impl Iterator<Item = u32> + Clone) {
        let n_callers = store.dictionary(Field::Caller).len();
        if self.seen_caller.len() < n_callers {
            self.seen_caller.resize(n_callers, false);
        }
        let (seen_file, n_files) = (&mut self.seen_file, &mut self.n_files);
        store.file_column().for_each(events.clone(), |_, file_idx| {
            let file_idx = file_idx as usize;
            if seen_file.len() <= file_idx {
                seen_file.resize(file_idx + 1, false);
            }
            if !seen_file[file_idx] {
                seen_file[file_idx] = true;
                *n_files += 1;
            }
        });
        let (seen_caller, n_principals) = (&mut self.seen_caller, &mut self.n_principals);
        store
            .column(Field::Caller)
            .for_each(events.clone(), |_, caller| {
                // Every caller id is below the dictionary's length, which `seen_caller` was
                // sized to.
                if caller != 0 && !seen_caller[caller as usize] {
                    seen_caller[caller as usize] = true;
                    *n_principals += 1;
                }
            });
        let n_errors = &mut self.n_errors;
        store
            .column(Field::ErrorCode)
            .for_each(events.clone(), |_, code| *n_errors += u64::from(code != 0));
        let (n_duplicates, n_conflicts) = duplicates_and_conflicts(store, events.clone());
        self.n_duplicates += n_duplicates;
        self.n_conflicts += n_conflicts;
        self.n_events += events.count() as u64;
    }

    /// The totals, with the earliest and latest dated time among the events counted and how
    /// many are undated.
    pub fn totals(&self, time_span: Option<(Millis, Millis)>, n_undated: u64) -> Totals {
        Totals {
            n_events: self.n_events,
            n_files: self.n_files,
            n_principals: self.n_principals,
            n_errors: self.n_errors,
            error_rate: if self.n_events > 0 {
                self.n_errors as f64 / self.n_events as f64
            } else {
                0.0
            },
            n_duplicates: self.n_duplicates,
            n_conflicts: self.n_conflicts,
            time_span,
            n_undated,
        }
    }
}

/// Identical copies dropped and conflicts flagged among `events`, as they stand now.
pub fn duplicates_and_conflicts(
    store: &Store,
    events: impl Iterator<Item = u32> + Clone,
) -> (u64, u64) {
    let mut duplicates = 0;
    store
        .duplicates_column()
        .for_each(events.clone(), |_, count| duplicates += u64::from(count));
    let conflicts = events
        .filter(|&event_idx| store.is_conflict(event_idx))
        .count();
    (duplicates, conflicts as u64)
}

/// Computes the totals of `selection`.
pub fn totals(store: &Store, selection: &Selection) -> Totals {
    let mut tally = TotalsTally::default();
    tally.add(store, selection.ids().iter().copied());
    let dated = selection.dated(store);
    let span = dated
        .first()
        .zip(dated.last())
        .map(|(&first, &last)| (store.time(first), store.time(last)));
    tally.totals(span, (selection.len() - dated.len()) as u64)
}
