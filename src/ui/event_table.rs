//! The event table: virtualised (only the rows in view are in the DOM, so a million rows scroll
//! smoothly), sortable by any column (click a heading; again to reverse), with a column chooser
//! offering every field, nested ones included, and keyboard navigation: ↑ ↓ move, Enter opens,
//! Esc closes. Clicking a row opens its detail; the box at a row's start picks it for comparison.

use leptos::prelude::*;

use crate::analytics::{column_label, Selection, Sort, TableRow, DEFAULT_COLUMNS, MAX_COMPARED};
use crate::ui::export::ExportMenu;
use crate::ui::format;
use crate::ui::input_hint;
use crate::ui::state::{use_app_state, AppState};

/// Row height in pixels; the CSS uses the same figure.
const ROW_HEIGHT: f64 = 26.0;
/// Height of the scrolling viewport in pixels.
const VIEWPORT_HEIGHT: f64 = 416.0;
/// Rows rendered above and below the viewport.
const OVERSCAN: usize = 8;
/// Rows visible at once.
const VISIBLE_ROWS: usize = (VIEWPORT_HEIGHT / ROW_HEIGHT) as usize;

/// The grid template of a set of columns: a fixed time column, a narrow compare box, the rest
/// shared.
fn grid_template(columns: &[String]) -> String {
    let mut template = String::from("grid-template-columns: 22px");
    for column in columns {
        template.push_str(match column.as_str() {
            "time" => " 150px",
            "awsRegion" => " 96px",
            _ => " minmax(0, 1fr)",
        });
    }
    template
}

/// The table.
#[component]
pub fn EventTable() -> impl IntoView {
    let state = use_app_state();
    let scroll_top = RwSignal::new(0.0f64);
    let cursor = RwSignal::new(None::<usize>);
    let choosing = RwSignal::new(false);
    let viewport = NodeRef::<leptos::html::Div>::new();
    let n_rows = Memo::new(move |_| state.ordered.with(Selection::len));
    // A new selection or order starts at the top. The position is known from the scroll events,
    // so an unscrolled table is not touched: setting scrollTop forces a layout of the page.
    Effect::new(move |_| {
        state.ordered.track();
        if scroll_top.get_untracked() != 0.0 {
            if let Some(element) = viewport.get_untracked() {
                element.set_scroll_top(0);
            }
            scroll_top.set(0.0);
        }
        cursor.set(None);
    });
    let window = Memo::new(move |_| {
        let first = (scroll_top.get() / ROW_HEIGHT) as usize;
        let start = first.saturating_sub(OVERSCAN);
        (start, VISIBLE_ROWS + 2 * OVERSCAN)
    });
    let rows = Memo::new(move |_| {
        let (start, count) = window.get();
        let columns = state.columns.get();
        // Cells of nested fields of events not yet indexed whose text is in their files fill in
        // as indexing goes on.
        state.index_epoch.track();
        state
            .ordered
            .with(|ordered| state.engine.table_rows(ordered, &columns, start, count))
    });
    let template = Memo::new(move |_| state.columns.with(|columns| grid_template(columns)));
    let move_cursor = move |to: usize| move_cursor_to(state, cursor, viewport, to);
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let n = n_rows.get_untracked();
        if n == 0 {
            return;
        }
        let at = cursor.get_untracked();
        let key = ev.key();
        if let Some(to) = step(&key, at, n) {
            ev.prevent_default();
            move_cursor(to);
        } else if key == "Enter" {
            if let Some(event_idx) = at.and_then(|at| {
                state
                    .ordered
                    .with_untracked(|ordered| ordered.ids().get(at).copied())
            }) {
                state.open_event.set(Some(event_idx));
            }
        }
    };
    view! {
        <section class="tv-card tv-table" data-testid="event-table" data-rows=move || n_rows.get()>
            <header class="tv-card__header tv-table__header">
                <h2>"Events"</h2>
                <span class="tv-card__meta" data-testid="table-count" data-value=move || n_rows.get()>
                    {move || format!("{} selected · {}", format::count(n_rows.get() as u64), state.sort.with(sort_note))}
                </span>
                <span class="tv-table__tools">
                    <CompareTray />
                    <button class="tv-button tv-button--small" data-testid="columns-button" aria-expanded=move || choosing.get().to_string()
                        on:click=move |_| choosing.update(|open| *open = !*open)>"Columns"</button>
                    <ExportMenu />
                </span>
            </header>
            <Show when=move || choosing.get()>
                <ColumnChooser />
            </Show>
            <TableHead template=template />
            <div class="tv-table__viewport" node_ref=viewport tabindex="0" data-testid="table-viewport"
                aria-label="Events: arrow keys move, Enter opens, Esc closes"
                on:keydown=on_key
                on:scroll=move |ev| { let element: web_sys::Element = event_target(&ev); scroll_top.set(f64::from(element.scroll_top())); }>
                <div class="tv-table__spacer" style=move || format!("height: {}px", n_rows.get() as f64 * ROW_HEIGHT)>
                    {move || {
                        let (start, _) = window.get();
                        let open = state.open_event.get();
                        let at = cursor.get();
                        let local = state.local_time.get();
                        let columns = state.columns.get();
                        let template = template.get();
                        let picked = state.compare.get();
                        rows.get().into_iter().enumerate().map(|(offset, row)| {
                            let look = RowLook {
                                position: start + offset,
                                open: open == Some(row.event_idx),
                                cursor: at == Some(start + offset),
                                local,
                            };
                            row_view(state, cursor, row, (&columns, &picked), &template, look)
                        }).collect::<Vec<_>>()
                    }}
                </div>
            </div>
        </section>
    }
}

/// `sorted by Caller ↑`.
fn sort_note(sort: &Sort) -> String {
    let arrow = if sort.descending { "↓" } else { "↑" };
    format!("sorted by {} {arrow}", column_label(&sort.column))
}

/// Moves the cursor to row `to`, keeps it in view, and lets an open detail follow it.
fn move_cursor_to(
    state: AppState,
    cursor: RwSignal<Option<usize>>,
    viewport: NodeRef<leptos::html::Div>,
    to: usize,
) {
    cursor.set(Some(to));
    let top = to as f64 * ROW_HEIGHT;
    if let Some(element) = viewport.get_untracked() {
        let scrolled = f64::from(element.scroll_top());
        if top < scrolled {
            element.set_scroll_top(top as i32);
        } else if top + ROW_HEIGHT > scrolled + VIEWPORT_HEIGHT {
            element.set_scroll_top((top + ROW_HEIGHT - VIEWPORT_HEIGHT) as i32);
        }
    }
    if state.open_event.get_untracked().is_some() {
        if let Some(event_idx) = state
            .ordered
            .with_untracked(|ordered| ordered.ids().get(to).copied())
        {
            state.open_event.set(Some(event_idx));
        }
    }
}

/// Where a navigation key moves the cursor from `at` among `n` rows (`n > 0`); `None` for
/// other keys.
fn step(key: &str, at: Option<usize>, n: usize) -> Option<usize> {
    let last = n.saturating_sub(1);
    Some(match (key, at) {
        ("ArrowDown" | "ArrowUp" | "PageDown" | "PageUp", None) | ("Home", _) => 0,
        ("ArrowDown", Some(at)) => (at + 1).min(last),
        ("ArrowUp", Some(at)) => at.saturating_sub(1),
        ("PageDown", Some(at)) => (at + VISIBLE_ROWS).min(last),
        ("PageUp", Some(at)) => at.saturating_sub(VISIBLE_ROWS),
        ("End", _) => last,
        _ => return None,
    })
}

/// The headings: a click sorts by a column, again reverses.
#[component]
fn TableHead(template: Memo<String>) -> impl IntoView {
    let state = use_app_state();
    let sort_by = move |column: String| {
        state.sort.update(|sort| {
            if sort.column == column {
                sort.descending = !sort.descending;
            } else {
                // Times read newest first; text reads A to Z.
                *sort = Sort {
                    descending: column == "time",
                    column,
                };
            }
        });
    };
    view! {
        <div class="tv-table__head tv-row" style=move || template.get() data-testid="table-head">
            <span></span>
            {move || state.columns.get().into_iter().map(|column| {
                let key = column.clone();
                let label = if column == "time" {
                    format!("Time ({})", if state.local_time.get() { "local" } else { "UTC" })
                } else {
                    column_label(&column)
                };
                let mark = move || state.sort.with(|sort| (sort.column == key).then_some(if sort.descending { " ↓" } else { " ↑" }));
                let key_for_click = column.clone();
                let key_for_aria = column.clone();
                view! {
                    <button class="tv-table__sort" data-testid="sort-header" data-column=column.clone() title=format!("Sort by {label}")
                        aria-sort=move || state.sort.with(|sort| if sort.column == key_for_aria { if sort.descending { "descending" } else { "ascending" } } else { "none" })
                        on:click=move |_| sort_by(key_for_click.clone())>
                        {label.clone()}{mark}
                    </button>
                }
            }).collect_view()}
        </div>
    }
}

/// How one row is drawn.
#[derive(Clone, Copy)]
struct RowLook {
    position: usize,
    open: bool,
    cursor: bool,
    local: bool,
}

/// One row: the compare box, then a cell per column.
fn row_view(
    state: AppState,
    cursor: RwSignal<Option<usize>>,
    row: TableRow,
    (columns, picked): (&[String], &[u32]),
    template: &str,
    look: RowLook,
) -> impl IntoView {
    let event_idx = row.event_idx;
    let is_picked = picked.contains(&event_idx);
    let can_pick = is_picked || picked.len() < MAX_COMPARED;
    let position = look.position;
    let top = position as f64 * ROW_HEIGHT;
    let cells = columns
        .iter()
        .zip(row.cells)
        .map(|(column, cell)| {
            if column == "time" {
                let text = row.time.map_or_else(|| "— undated —".to_owned(), |time| format::time_in(time, look.local));
                view! { <span class="tv-mono" title=if row.time.is_none() { "undated: no usable eventTime" } else { "" }>{text}</span> }.into_any()
            } else {
                let title = cell.clone();
                let text = if column == "eventSource" { cell.trim_end_matches(".amazonaws.com").to_owned() } else { cell };
                view! { <span class:tv-error-code=column == "errorCode" title=title>{text}</span> }.into_any()
            }
        })
        .collect_view();
    view! {
        <div class="tv-row tv-table__row" class:tv-row--open=look.open class:tv-row--cursor=look.cursor
            class:tv-row--error=row.is_error
            data-testid="event-row" data-event-id=row.event_id.clone() data-position=position
            style=format!("top: {top}px; {template}")
            on:click=move |_| { cursor.set(Some(position)); state.open_event.set(Some(event_idx)); }>
            <span class="tv-table__pick">
                <input type="checkbox" data-testid="compare-pick" title="Pick for comparison (up to 5)"
                    prop:checked=is_picked disabled=!can_pick
                    on:click=move |ev| ev.stop_propagation()
                    on:change=move |_| state.compare.update(|picked| {
                        if let Some(at) = picked.iter().position(|&known| known == event_idx) { picked.remove(at); }
                        else if picked.len() < MAX_COMPARED { picked.push(event_idx); }
                    }) />
            </span>
            {cells}
        </div>
    }
}

/// The events picked for comparison, and the button that shows them side by side.
#[component]
fn CompareTray() -> impl IntoView {
    let state = use_app_state();
    let n = move || state.compare.with(Vec::len);
    view! {
        <Show when=move || { n() > 0 }>
            <span class="tv-compare-tray">
                <button class="tv-button tv-button--small tv-button--primary" data-testid="compare-open"
                    disabled=move || n() < 2 title="Show the picked events side by side"
                    on:click=move |_| state.compare_open.set(true)>
                    {move || format!("Compare {n} of {MAX_COMPARED}", n = n())}
                </button>
                <button class="tv-button tv-button--small tv-button--quiet" title="Forget the picked events"
                    on:click=move |_| { state.compare.set(Vec::new()); state.compare_open.set(false); }>"×"</button>
            </span>
        </Show>
    }
}

/// Shows and hides columns: the usual fields as boxes, and any field by its path.
#[component]
fn ColumnChooser() -> impl IntoView {
    let state = use_app_state();
    let typed = RwSignal::new(String::new());
    let usual: Vec<&'static str> = ["time"]
        .into_iter()
        .chain(crate::analytics::Field::ALL.iter().map(|field| field.key()))
        .collect();
    let toggle = move |column: String| {
        state.columns.update(|columns| {
            if let Some(at) = columns.iter().position(|known| *known == column) {
                if columns.len() > 1 {
                    columns.remove(at);
                }
            } else {
                columns.push(column);
            }
        });
    };
    let add_typed = move || {
        let column = typed.get_untracked().trim().to_owned();
        if column.is_empty() {
            return;
        }
        state.columns.update(|columns| {
            if !columns.contains(&column) {
                columns.push(column);
            }
        });
        typed.set(String::new());
    };
    view! {
        <div class="tv-columns" data-testid="column-chooser">
            <div class="tv-columns__usual">
                {usual.into_iter().map(|column| {
                    let key = column.to_owned();
                    let key_for_check = key.clone();
                    view! {
                        <label class="tv-toggle" class:tv-toggle--on=move || state.columns.with(|columns| columns.contains(&key_for_check))>
                            <input type="checkbox" data-testid="column-toggle" data-column=column
                                prop:checked=move || state.columns.with(|columns| columns.iter().any(|known| known == column))
                                on:change=move |_| toggle(key.clone()) />
                            {column_label(column)}
                        </label>
                    }
                }).collect_view()}
            </div>
            <div class="tv-columns__any">
                <span class="tv-hinted">
                    <input type="text" class="tv-input tv-mono" list="tv-field-paths" data-testid="column-path" spellcheck="false" autocomplete="off"
                        aria-label="Add a column by field path"
                        prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))
                        on:keydown=move |ev: web_sys::KeyboardEvent| if ev.key() == "Enter" { add_typed(); } />
                    {input_hint("any field: requestParameters.bucketName", move || typed.with(String::is_empty))}
                </span>
                <datalist id="tv-field-paths">
                    {move || state.facet_fields.get().into_iter().map(|field| view! { <option value=field.path /> }).collect_view()}
                </datalist>
                <button class="tv-button tv-button--small" data-testid="column-add" on:click=move |_| add_typed()>"Add column"</button>
                <span class="tv-columns__current">
                    {move || state.columns.get().into_iter().filter(|column| !usual_column(column)).map(|column| {
                        let key = column.clone();
                        view! {
                            <span class="tv-chip">
                                <span class="tv-chip__value tv-mono">{column.clone()}</span>
                                <button class="tv-chip__remove" title="Remove column" on:click=move |_| toggle(key.clone())>"×"</button>
                            </span>
                        }
                    }).collect_view()}
                </span>
                <button class="tv-button tv-button--quiet tv-button--small" data-testid="columns-reset"
                    on:click=move |_| state.columns.set(DEFAULT_COLUMNS.map(str::to_owned).to_vec())>"Default columns"</button>
            </div>
        </div>
    }
}

/// Whether a column is one of the boxes (time or an indexed field).
fn usual_column(column: &str) -> bool {
    column == "time" || crate::analytics::Field::from_key(column).is_some()
}
