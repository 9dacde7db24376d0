//! The dashboard of a selection: totals, timeline, top lists and error insights. The dashboard
//! of every event is kept until the store changes, and a selection holding most events has its
//! top lists counted from the events it leaves out.

use std::sync::Arc;

use crate::analytics::aggregate::totals::Totals;
use crate::analytics::model::time::Millis;
use crate::analytics::query::{Query, Selection};
use crate::analytics::search::Bitset;
use crate::analytics::store::Store;
use crate::analytics::{aggregate, Dashboard, Dataset, DASHBOARD_FIELDS, TOP_N};

/// The dashboard of every committed event, as of the store's
/// [`changes`](crate::analytics::store::Store::changes) `changes`, and the tallies it was made
/// from. A return to the unfiltered view is drawn from it, the top lists of a selection holding
/// most events are counted from the events it leaves out, and when the store changes only the
/// events committed since are counted in.
#[derive(Debug, Clone)]
pub(super) struct Everything {
    changes: u64,
    dashboard: Dashboard,
    tally: Tally,
}

/// Everything the dashboard counts, over the store's first `n_counted` events: each
/// [`DASHBOARD_FIELDS`] value's count, the totals, events per minute and the error insights'
/// counts. Each adds events in any order, so the committed events (the store's first ones,
/// whose values never change) are counted once as they are committed.
#[derive(Debug, Clone, Default)]
struct Tally {
    counts: Vec<Vec<u64>>,
    totals: aggregate::totals::TotalsTally,
    minutes: aggregate::timeline::MinuteCounts,
    errors: aggregate::errors::ErrorTally,
    n_counted: u32,
}

impl Tally {
    /// Counts the store's events from `n_counted` up to `n` in.
    fn count_up_to(&mut self, store: &Store, n: u32) {
        let events = self.n_counted..n;
        self.counts.resize(DASHBOARD_FIELDS.len(), Vec::new());
        for (field, counts) in DASHBOARD_FIELDS.into_iter().zip(&mut self.counts) {
            aggregate::top::count_into(counts, store, events.clone(), field);
        }
        self.totals.add(store, events.clone());
        self.minutes.add(store, events.clone());
        self.errors.add(store, events);
        self.n_counted = self.n_counted.max(n);
    }

    /// The dashboard of the events counted.
    fn dashboard(&self, store: &Store) -> Dashboard {
        Dashboard {
            totals: {
                // Later files can have counted duplicates of, or conflicts with, events counted
                // before: those two are summed as they stand now.
                let (n_duplicates, n_conflicts) =
                    aggregate::totals::duplicates_and_conflicts(store, 0..self.n_counted);
                Totals {
                    n_duplicates,
                    n_conflicts,
                    ..self
                        .totals
                        .totals(self.minutes.span(), self.minutes.n_undated())
                }
            },
            timeline: self.minutes.timeline(),
            tops: DASHBOARD_FIELDS
                .into_iter()
                .zip(&self.counts)
                .map(|(field, counts)| {
                    aggregate::top::rank(store, field, counts, u64::from(self.n_counted), TOP_N)
                })
                .collect(),
            errors: self.errors.insights(store, TOP_N),
        }
    }
}

impl Dataset {
    /// The dashboard of `selection`; the timeline spans the query's time range when it has one.
    pub fn dashboard(&self, selection: &Selection, query: &Query) -> Dashboard {
        let n_committed = self.store.by_time().len();
        if query.is_empty() && selection.len() == n_committed {
            return self.everything().dashboard.clone();
        }
        // A selection of most events: its values are counted from the events it leaves out.
        let counts = (selection.len() > n_committed / 2)
            .then(|| self.counts_from_rest(selection))
            .flatten()
            .unwrap_or_else(|| self.counts(selection.ids()));
        let domain = query.time_range.map(|range| (range.start, range.end));
        self.assemble(selection, domain, &counts)
    }

    /// The dashboard of `selection`, its top lists ranked from each dashboard field's `counts`.
    fn assemble(
        &self,
        selection: &Selection,
        domain: Option<(Millis, Millis)>,
        counts: &[Vec<u64>],
    ) -> Dashboard {
        let store = &self.store;
        Dashboard {
            totals: aggregate::totals::totals(store, selection),
            timeline: aggregate::timeline::timeline(store, selection, domain),
            tops: DASHBOARD_FIELDS
                .into_iter()
                .zip(counts)
                .map(|(field, counts)| {
                    aggregate::top::rank(store, field, counts, selection.len() as u64, TOP_N)
                })
                .collect(),
            errors: aggregate::errors::error_insights(store, selection, TOP_N),
        }
    }

    /// Each dashboard field's value counts over `events`.
    fn counts(&self, events: &[u32]) -> Vec<Vec<u64>> {
        DASHBOARD_FIELDS
            .into_iter()
            .map(|field| aggregate::top::count(&self.store, events.iter().copied(), field))
            .collect()
    }

    /// The dashboard of every committed event and its tallies, made once per change of the
    /// store.
    fn everything(&self) -> Arc<Everything> {
        let changes = self.store.changes();
        let mut kept = self
            .everything
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(everything) = kept.as_ref().filter(|kept| kept.changes == changes) {
            return Arc::clone(everything);
        }
        let n_committed = self.store.by_time().len() as u32;
        // The committed events are the store's first ones, and an event's values never
        // change: what was counted stands, and only the events committed since are counted in
        // (while files load, the dashboard of every event is redrawn as they land). The tally
        // is taken over, not copied, unless a caller still holds it.
        let mut tally = kept
            .take()
            .filter(|kept| kept.tally.n_counted <= n_committed)
            .map(|kept| Arc::unwrap_or_clone(kept).tally)
            .unwrap_or_default();
        tally.count_up_to(&self.store, n_committed);
        let everything = Arc::new(Everything {
            changes,
            dashboard: tally.dashboard(&self.store),
            tally,
        });
        *kept = Some(Arc::clone(&everything));
        everything
    }

    /// Each dashboard field's value counts over `selection`, as every committed event's counts
    /// less those of the committed events `selection` leaves out; `None` if `selection` holds an
    /// event that is not committed.
    fn counts_from_rest(&self, selection: &Selection) -> Option<Vec<Vec<u64>>> {
        let n_committed = self.store.by_time().len() as u32;
        if selection
            .ids()
            .iter()
            .any(|&event_idx| event_idx >= n_committed)
        {
            return None;
        }
        let chosen = Bitset::from_ids(n_committed, selection.ids().iter().copied());
        let everything = self.everything();
        let rest: Vec<u32> = (0..n_committed)
            .filter(|&event_idx| !chosen.contains(event_idx))
            .collect();
        let mut counts = everything.tally.counts.clone();
        for (counts, left_out) in counts.iter_mut().zip(self.counts(&rest)) {
            for (count, left_out) in counts.iter_mut().zip(left_out) {
                *count = count.saturating_sub(left_out);
            }
        }
        Some(counts)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::analytics::generate::{generate, GenSpec};
    use crate::analytics::{TopItem, TopList};

    /// A top list counted the plain way: values by name, every one sorted.
    fn plain_top(
        dataset: &Dataset,
        selection: &Selection,
        field: crate::analytics::Field,
    ) -> TopList {
        let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
        for &event_idx in selection.ids() {
            let value = dataset.store.value(field, event_idx);
            if !value.is_empty() {
                *counts.entry(value).or_default() += 1;
            }
        }
        let mut ranked: Vec<(&str, u64)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        TopList {
            field,
            n_distinct: ranked.len() as u64,
            items: ranked
                .iter()
                .take(TOP_N)
                .map(|&(key, count)| TopItem {
                    key: key.to_owned(),
                    count,
                    share: count as f64 / selection.len().max(1) as f64,
                })
                .collect(),
        }
    }

    /// The dashboard computed over the selection itself, nothing kept.
    fn plain_dashboard(dataset: &Dataset, selection: &Selection, query: &Query) -> Dashboard {
        let store = &dataset.store;
        let domain = query.time_range.map(|range| (range.start, range.end));
        Dashboard {
            totals: aggregate::totals::totals(store, selection),
            timeline: aggregate::timeline::timeline(store, selection, domain),
            tops: DASHBOARD_FIELDS
                .into_iter()
                .map(|field| plain_top(dataset, selection, field))
                .collect(),
            errors: aggregate::errors::error_insights(store, selection, TOP_N),
        }
    }

    fn load(dataset: &mut Dataset, events: u64, seed: u64) -> Vec<(String, Vec<u8>)> {
        let files: Vec<(String, Vec<u8>)> = generate(&GenSpec::new(events, seed))
            .map(|file| (file.path, file.bytes))
            .collect();
        for (path, bytes) in &files {
            dataset.ingest_file(path, bytes);
        }
        dataset.commit();
        files
    }

    fn text(text: &str) -> Query {
        Query {
            text: text.to_owned(),
            ..Query::default()
        }
    }

    #[test]
    fn kept_and_counted_from_the_rest_the_dashboards_equal_those_counted_plainly() {
        let mut dataset = Dataset::default();
        let files = load(&mut dataset, 12_000, 5);
        dataset.prepare_search();
        let queries = [
            Query::default(),
            Query {
                errors_only: true,
                ..Query::default()
            },
            text("-errorCode:*"),
            text("-eventName:AssumeRole"),
            text("eventVersion:*"),
            text("eventName:Describe*"),
        ];
        let n_events = dataset.store.by_time().len();
        let mut sizes = Vec::new();
        for query in &queries {
            let selection = dataset.select(query);
            sizes.push(selection.len());
            // Twice: computed, then from what was kept.
            for _ in 0..2 {
                assert_eq!(
                    dataset.dashboard(&selection, query),
                    plain_dashboard(&dataset, &selection, query),
                    "{query:?}"
                );
            }
        }
        // The queries cover every path: all events, most of them, and few.
        assert_eq!(sizes[0], n_events);
        assert_eq!(sizes[4], n_events);
        assert!(
            sizes[2] > n_events / 2 && sizes[3] > n_events / 2,
            "{sizes:?}"
        );
        assert!(
            sizes[1] < n_events / 2 && sizes[5] < n_events / 2,
            "{sizes:?}"
        );

        // What is kept follows the store: duplicates read again, then new events.
        let everything = |dataset: &Dataset| {
            let selection = dataset.select(&Query::default());
            let shown = dataset.dashboard(&selection, &Query::default());
            assert_eq!(
                shown,
                plain_dashboard(dataset, &selection, &Query::default())
            );
            shown
        };
        let before = everything(&dataset);
        let (path, bytes) = &files[0];
        // Duplicates change no committed event, only their counts: no commit is needed.
        dataset.ingest_file(&format!("again/{path}"), bytes);
        let after_duplicates = everything(&dataset);
        assert!(after_duplicates.totals.n_duplicates > before.totals.n_duplicates);
        load(&mut dataset, 3_000, 6);
        let after_more = everything(&dataset);
        assert_eq!(after_more.totals.n_events, before.totals.n_events + 3_000);
        // As files land one by one: events placed but not committed are not counted, and the
        // counts kept grow by the events committed since (with values never seen before).
        for file in generate(&GenSpec::new(4_000, 7)).take(2) {
            let committed = everything(&dataset).totals.n_events;
            dataset.ingest_file(&file.path, &file.bytes);
            assert_eq!(everything(&dataset).totals.n_events, committed);
            dataset.commit();
            assert!(everything(&dataset).totals.n_events > committed);
        }
    }
}
