//! Records' text for the views that show it (the detail panel, the comparison): text the
//! dataset left in its files past its budget is read again, off the view's own update, and the
//! view shows it once it is lent.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::ui::state::AppState;

/// What a view learns of the text it needs: bumped once text is lent, and why it could not be
/// read, if it could not.
#[derive(Clone, Copy)]
pub struct Lending {
    /// Bumped each time text the view asked for has been lent; the view's memo tracks it.
    pub lent: RwSignal<u64>,
    /// Why the text could not be read again (the file is gone, or changed).
    pub problem: RwSignal<Option<String>>,
}

/// Reads again, whenever `events` (tracked) name records whose text is in files not lent now,
/// that text, for the view that shows them.
pub fn lend_for(state: AppState, events: impl Fn() -> Vec<u32> + 'static) -> Lending {
    let lending = Lending {
        lent: RwSignal::new(0),
        problem: RwSignal::new(None),
    };
    Effect::new(move |_| {
        state.revision.track();
        let reads = state.engine.text_reads(&events());
        if reads.is_empty() {
            lending.problem.set(None);
            return;
        }
        spawn_local(async move {
            let outcome = state.engine.lend_texts(reads).await;
            lending.problem.set(outcome.err());
            lending.lent.update(|lent| *lent += 1);
        });
    });
    lending
}
