//! Error-rate insights: which calls fail and how, who fails most, and the access-denied family
//! (AccessDenied, UnauthorizedOperation and kin) that signals probing or broken permissions.

use rustc_hash::FxHashMap;

use crate::analytics::aggregate::timeline::Timeline;
use crate::analytics::model::field::Field;
use crate::analytics::query::Selection;
use crate::analytics::store::Store;

/// An (eventName, errorCode) pair.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorPair {
    /// The API.
    pub event_name: String,
    /// The error it returned.
    pub error_code: String,
    /// Selected calls of this API that failed with this code.
    pub count: u64,
    /// Selected calls of this API.
    pub calls: u64,
    /// `count / calls`.
    pub rate: f64,
}

/// A caller and its failures.
#[derive(Debug, Clone, PartialEq)]
pub struct CallerErrors {
    /// The caller.
    pub caller: String,
    /// Selected calls by this caller that failed.
    pub errors: u64,
    /// Denied calls among them.
    pub denied: u64,
    /// Selected calls by this caller.
    pub calls: u64,
    /// `errors / calls`.
    pub rate: f64,
}

/// A count of one error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeCount {
    /// The code.
    pub code: String,
    /// How many selected events carry it.
    pub count: u64,
}

/// Error insights for a selection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ErrorInsights {
    /// Selected events with an error code.
    pub n_errors: u64,
    /// Selected events denied for lack of permission.
    pub n_denied: u64,
    /// The most frequent (API, error) pairs.
    pub pairs: Vec<ErrorPair>,
    /// The callers with the most errors.
    pub callers: Vec<CallerErrors>,
    /// The denied family's codes, most frequent first.
    pub denied_codes: Vec<CodeCount>,
}

/// Whether an error code says the caller lacked permission: `AccessDenied*`,
/// `UnauthorizedOperation`, `Unauthorized*`, `NotAuthorized*`, `Forbidden*`,
/// `AuthorizationError*`, with or without EC2's `Client.` prefix.
pub fn is_denied(code: &str) -> bool {
    let code = code.strip_prefix("Client.").unwrap_or(code);
    [
        "AccessDenied",
        "UnauthorizedOperation",
        "Unauthorized",
        "NotAuthorized",
        "Forbidden",
        "AuthorizationError",
    ]
    .iter()
    .any(|prefix| code.starts_with(prefix))
}

/// The counts behind [`ErrorInsights`] over the events added so far, in any order and in
/// several steps; [`ErrorTally::insights`] ranks them.
#[derive(Debug, Clone, Default)]
pub struct ErrorTally {
    /// Per error code id: whether it is of the denied family.
    denied_code: Vec<bool>,
    calls_by_name: Vec<u64>,
    calls_by_caller: Vec<u64>,
    /// Per caller: (errors, denied).
    errors_by_caller: Vec<(u64, u64)>,
    count_by_code: Vec<u64>,
    pairs: FxHashMap<(u32, u32), u64>,
    n_errors: u64,
    n_denied: u64,
}

impl ErrorTally {
    /// Counts `events` in.
    pub fn add(&mut self, store: &Store, events: impl Iterator<Item = u32> + Clone) {
        let names = store.column(Field::EventName);
        let callers = store.column(Field::Caller);
        let codes = store.column(Field::ErrorCode);
        let code_dictionary = store.dictionary(Field::ErrorCode);
        for id in self.denied_code.len() as u32..code_dictionary.len() as u32 {
            self.denied_code.push(is_denied(code_dictionary.text(id)));
        }
        let n_names = store.dictionary(Field::EventName).len();
        let n_callers = store.dictionary(Field::Caller).len();
        self.calls_by_name
            .resize(self.calls_by_name.len().max(n_names), 0);
        self.calls_by_caller
            .resize(self.calls_by_caller.len().max(n_callers), 0);
        self.errors_by_caller
            .resize(self.errors_by_caller.len().max(n_callers), (0, 0));
        self.count_by_code
            .resize(self.count_by_code.len().max(code_dictionary.len()), 0);
        names.count_into(&mut self.calls_by_name, events.clone());
        callers.count_into(&mut self.calls_by_caller, events.clone());
        // Only the failed calls (a few in a hundred) read their name and caller again.
        codes.for_each(events, |event_idx, code| {
            let at = event_idx as usize;
            let (Some(name), Some(caller)) = (names.get(at), callers.get(at)) else {
                return;
            };
            if code == 0 {
                return;
            }
            // Every id is below its dictionary's length, which the tables were sized to above.
            let denied = self.denied_code[code as usize];
            self.n_errors += 1;
            self.n_denied += u64::from(denied);
            self.count_by_code[code as usize] += 1;
            let caller_errors = &mut self.errors_by_caller[caller as usize];
            caller_errors.0 += 1;
            caller_errors.1 += u64::from(denied);
            *self.pairs.entry((name, code)).or_default() += 1;
        });
    }

    /// The insights, keeping `limit` items per list.
    pub fn insights(&self, store: &Store, limit: usize) -> ErrorInsights {
        let code_dictionary = store.dictionary(Field::ErrorCode);
        let denied_code = &self.denied_code;
        let calls_by_name = &self.calls_by_name;
        let calls_by_caller = &self.calls_by_caller;
        let errors_by_caller = &self.errors_by_caller;
        let count_by_code = &self.count_by_code;
        let mut insights = ErrorInsights {
            n_errors: self.n_errors,
            n_denied: self.n_denied,
            ..ErrorInsights::default()
        };
        let name_text = |id: u32| store.dictionary(Field::EventName).text(id);
        let caller_text = |id: u32| store.dictionary(Field::Caller).text(id);
        let mut ranked_pairs: Vec<((u32, u32), u64)> = self
            .pairs
            .iter()
            .map(|(&pair, &count)| (pair, count))
            .collect();
        ranked_pairs.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| name_text(a.0 .0).cmp(name_text(b.0 .0)))
                .then_with(|| {
                    code_dictionary
                        .text(a.0 .1)
                        .cmp(code_dictionary.text(b.0 .1))
                })
        });
        insights.pairs = ranked_pairs
            .into_iter()
            .take(limit)
            .map(|((name, code), count)| {
                let calls = calls_by_name
                    .get(name as usize)
                    .copied()
                    .unwrap_or_default();
                ErrorPair {
                    event_name: name_text(name).to_owned(),
                    error_code: code_dictionary.text(code).to_owned(),
                    count,
                    calls,
                    rate: count as f64 / calls.max(1) as f64,
                }
            })
            .collect();

        let mut ranked_callers: Vec<(u32, (u64, u64))> = errors_by_caller
            .iter()
            .enumerate()
            .filter(|(_, &(errors, _))| errors > 0)
            .map(|(caller, &counts)| (caller as u32, counts))
            .collect();
        ranked_callers.sort_by(|a, b| {
            b.1 .0
                .cmp(&a.1 .0)
                .then_with(|| caller_text(a.0).cmp(caller_text(b.0)))
        });
        insights.callers = ranked_callers
            .into_iter()
            .take(limit)
            .map(|(caller, (errors, denied))| {
                let calls = calls_by_caller
                    .get(caller as usize)
                    .copied()
                    .unwrap_or_default();
                CallerErrors {
                    caller: caller_text(caller).to_owned(),
                    errors,
                    denied,
                    calls,
                    rate: errors as f64 / calls.max(1) as f64,
                }
            })
            .collect();

        let mut denied_codes: Vec<CodeCount> = count_by_code
            .iter()
            .enumerate()
            .filter(|&(code, &count)| count > 0 && denied_code.get(code).copied().unwrap_or(false))
            .map(|(code, &count)| CodeCount {
                code: code_dictionary.text(code as u32).to_owned(),
                count,
            })
            .collect();
        denied_codes.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
        insights.denied_codes = denied_codes;
        insights
    }
}

/// Computes the error insights of `selection`, keeping `limit` items per list.
pub fn error_insights(store: &Store, selection: &Selection, limit: usize) -> ErrorInsights {
    let mut tally = ErrorTally::default();
    tally.add(store, selection.ids().iter().copied());
    tally.insights(store, limit)
}

/// Tops of scale the error-rate chart chooses from.
const RATE_CEILINGS: [f64; 8] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0];

/// The top of the error-rate chart's scale: the least of 1, 2, 5, 10, 20, 25, 50 and 100% that
/// the busiest bucket's error rate does not pass, so that a rate of 7% fills most of the chart
/// rather than a fourteenth of it (1% when nothing failed).
pub fn rate_ceiling(timeline: &Timeline) -> f64 {
    let peak = timeline
        .buckets
        .iter()
        .filter(|bucket| bucket.count > 0)
        .map(|bucket| bucket.errors as f64 / bucket.count as f64)
        .fold(0.0, f64::max);
    RATE_CEILINGS
        .into_iter()
        .find(|&ceiling| peak <= ceiling)
        .unwrap_or(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::aggregate::timeline::Bucket;

    fn timeline_of(buckets: &[(u64, u64)]) -> Timeline {
        Timeline {
            bucket_ms: 60_000,
            buckets: (0i64..)
                .zip(buckets)
                .map(|(position, &(count, errors))| Bucket {
                    start: position * 60_000,
                    count,
                    errors,
                })
                .collect(),
            domain: (
                0,
                (1i64..).zip(buckets).last().map_or(0, |(n, _)| n * 60_000),
            ),
        }
    }

    #[test]
    #[allow(clippy::float_cmp)] // the ceilings are returned as written in the table
    fn the_rate_scale_tops_the_busiest_bucket_with_a_round_rate() {
        assert_eq!(rate_ceiling(&timeline_of(&[])), 0.01);
        assert_eq!(rate_ceiling(&timeline_of(&[(0, 0), (50, 0)])), 0.01);
        assert_eq!(rate_ceiling(&timeline_of(&[(1000, 4)])), 0.01);
        assert_eq!(rate_ceiling(&timeline_of(&[(100, 1)])), 0.01);
        assert_eq!(rate_ceiling(&timeline_of(&[(100, 2), (1000, 71)])), 0.1);
        assert_eq!(rate_ceiling(&timeline_of(&[(100, 11)])), 0.2);
        assert_eq!(rate_ceiling(&timeline_of(&[(4, 1)])), 0.25);
        assert_eq!(rate_ceiling(&timeline_of(&[(3, 1), (900, 30)])), 0.5);
        assert_eq!(rate_ceiling(&timeline_of(&[(7, 7)])), 1.0);
        // Empty buckets have no rate, whatever else they hold.
        assert_eq!(rate_ceiling(&timeline_of(&[(0, 0), (10, 1)])), 0.1);
    }

    #[test]
    fn the_denied_family_is_recognised() {
        for code in [
            "AccessDenied",
            "AccessDeniedException",
            "Client.UnauthorizedOperation",
            "UnauthorizedException",
            "Forbidden",
        ] {
            assert!(is_denied(code), "{code}");
        }
        for code in [
            "ThrottlingException",
            "NoSuchBucket",
            "Client.InvalidParameterValue",
            "",
        ] {
            assert!(!is_denied(code), "{code}");
        }
    }
}
