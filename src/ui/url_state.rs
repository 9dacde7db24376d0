//! The view in the URL fragment: every change of query, filters, time range, columns, order,
//! open event, compared events or time zone replaces the fragment (no history entry per
//! keystroke); opening a URL with a fragment restores that view, and the events it names open
//! as soon as files holding them are loaded. The fragment never holds data.

use leptos::prelude::*;

use crate::analytics::ViewState;
use crate::ui::state::AppState;

/// Restores the view from the page's fragment now, keeps the fragment in step with the view,
/// and follows a fragment the user edits or pastes.
pub fn sync(state: AppState) {
    // eventIDs named by the fragment and not yet loaded.
    let pending_open = RwSignal::new(None::<String>);
    let pending_compare = RwSignal::new(Vec::<String>::new());
    let apply = move |fragment: &str| {
        let (view, _skipped) = ViewState::from_fragment(fragment);
        state.query.set(view.query);
        if !view.columns.is_empty() {
            state.columns.set(view.columns);
        }
        state.sort.set(view.sort);
        state.local_time.set(view.local_time);
        pending_open.set(view.open_event);
        pending_compare.set(view.compare);
    };
    apply(&current_fragment());

    // Once the named events are loaded, open and pick them.
    Effect::new(move |_| {
        state.revision.track();
        if let Some(event_id) = pending_open.get() {
            if let Some(event_idx) = state.engine.find_event(&event_id) {
                state.open_event.set(Some(event_idx));
                pending_open.set(None);
            }
        }
        let wanted = pending_compare.get();
        if !wanted.is_empty() {
            let found: Vec<u32> = wanted
                .iter()
                .filter_map(|event_id| state.engine.find_event(event_id))
                .collect();
            if found.len() == wanted.len() {
                state.compare.set(found);
                pending_compare.set(Vec::new());
            }
        }
    });

    // The view → the fragment.
    Effect::new(move |_| {
        let open_event = state
            .open_event
            .get()
            .and_then(|event_idx| state.engine.event_id_of(event_idx))
            .or_else(|| pending_open.get());
        let compare = {
            let picked = state.compare.get();
            if picked.is_empty() {
                pending_compare.get()
            } else {
                picked
                    .iter()
                    .filter_map(|&event_idx| state.engine.event_id_of(event_idx))
                    .collect()
            }
        };
        let view = ViewState {
            query: state.query.get(),
            columns: state.columns.with(|columns| {
                if columns
                    .iter()
                    .map(String::as_str)
                    .eq(crate::analytics::DEFAULT_COLUMNS)
                {
                    Vec::new()
                } else {
                    columns.clone()
                }
            }),
            sort: state.sort.get(),
            open_event,
            compare,
            local_time: state.local_time.get(),
        };
        let fragment = view.to_fragment();
        if fragment != current_fragment() {
            replace_fragment(&fragment);
        }
    });

    // A fragment typed or pasted into the address bar.
    let listener = window_event_listener(leptos::ev::hashchange, move |_| {
        apply(&current_fragment());
    });
    on_cleanup(move || listener.remove());
}

/// The page's fragment, without `#`.
fn current_fragment() -> String {
    web_sys::window()
        .and_then(|window| window.location().hash().ok())
        .map(|hash| hash.trim_start_matches('#').to_owned())
        .unwrap_or_default()
}

/// Replaces the fragment without adding a history entry or firing `hashchange`.
fn replace_fragment(fragment: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let base = location.href().unwrap_or_default();
    let base = base.split('#').next().unwrap_or_default();
    let target = if fragment.is_empty() {
        base.to_owned()
    } else {
        format!("{base}#{fragment}")
    };
    let replaced = window.history().is_ok_and(|history| {
        history
            .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&target))
            .is_ok()
    });
    if !replaced {
        let _ = location.set_hash(fragment);
    }
}
