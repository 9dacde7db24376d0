//! The ingest report: every file with its outcome and the ledger, which always balances:
//! records read = indexed + duplicates + rejected.

use leptos::prelude::*;

use crate::analytics::{FileReport, FileStatus, Ledger};
use crate::ui::format;
use crate::ui::search_box;
use crate::ui::state::use_app_state;

/// The most file rows drawn at once: a folder can hold a hundred thousand files, and the
/// rows shown are the first of the chosen order (problems only, a path search narrow them).
const FILE_ROWS: usize = 200;

/// The report card.
#[component]
pub fn IngestReport() -> impl IntoView {
    let state = use_app_state();
    let problems_only = RwSignal::new(false);
    // The column the table is sorted by, and whether descending; `None` keeps the load order.
    let sort = RwSignal::new(None::<(Column, bool)>);
    let header = move |column: Column, label: &'static str, numeric: bool| {
        let arrow = move || match sort.get() {
            Some((by, descending)) if by == column => {
                if descending {
                    " ▼"
                } else {
                    " ▲"
                }
            }
            _ => "",
        };
        view! {
            <th class:tv-num=numeric class="tv-sortable" data-testid="sort-files" data-column=column.key()
                title="Sort by this column (again to reverse)"
                on:click=move |_| sort.update(|sort| *sort = match *sort {
                    Some((by, descending)) if by == column => Some((column, !descending)),
                    _ => Some((column, numeric)),
                })>
                {label}{arrow}
            </th>
        }
    };
    let needle = RwSignal::new(String::new());
    // The rows to draw, and how many files match: never more than FILE_ROWS cloned or drawn.
    let rows = Memo::new(move |_| {
        state.revision.track();
        let only_problems = problems_only.get();
        let needle = needle.get().to_lowercase();
        let sort = sort.get();
        state
            .engine
            .with_files(|files| visible_files(files, only_problems, &needle, sort))
    });
    let ledger = state.ledger;
    view! {
        <section class="tv-card tv-report" data-testid="ingest-report">
            <header class="tv-card__header">
                <h2>"Files"</h2>
                <span class="tv-card__meta tv-report__ledger" data-testid="ledger"
                    data-read=move || ledger.get().read data-indexed=move || ledger.get().indexed
                    data-duplicates=move || ledger.get().duplicates data-rejected=move || ledger.get().rejected
                    data-not-read=move || ledger.get().not_read>
                    {move || ledger_text(&ledger.get())}
                </span>
                <LoadFacts />
                <label class="tv-toggle" title="A compressed file that inflates past this and past 128 times its own size is a decompression bomb and is read only that far; so is text that cannot be read record by record. Trail files, JSON arrays and JSON lines of any size stream through.">
                    "per-file limit"
                    <input type="number" class="tv-limit" min="1" max="4095" step="1" data-testid="size-limit"
                        data-value=move || { state.revision.track(); state.engine.decoded_size_limit() }
                        prop:value=move || { state.revision.track(); state.engine.decoded_size_limit() >> 20 }
                        on:change=move |ev| {
                            if let Ok(megabytes) = event_target_value(&ev).trim().parse::<usize>() {
                                state.engine.set_decoded_size_limit(megabytes.clamp(1, 4095) << 20);
                                state.revision.update(|revision| *revision += 1);
                            }
                        } />
                    "MB"
                </label>
                <label class="tv-toggle"><input type="checkbox" data-testid="problems-only" on:change=move |ev| problems_only.set(event_target_checked(&ev)) />"problems only"</label>
                {search_box("tv-report__search", "file-search", "Find a file", "Find a file…", needle)}
            </header>
            <div class="tv-report__scroll">
                <table class="tv-report__table">
                    <thead><tr>
                        {header(Column::Path, "File", false)}{header(Column::Status, "Status", false)}{header(Column::Format, "Format", false)}
                        {header(Column::Read, "Read", true)}{header(Column::Events, "Events", true)}{header(Column::Duplicates, "Dup.", true)}
                        {header(Column::Conflicts, "Conflicts", true)}{header(Column::Rejected, "Rejected", true)}{header(Column::Size, "Size", true)}
                        <th>"Message"</th>
                    </tr></thead>
                    <tbody>
                        {move || rows.with(|(files, _)| files.iter().map(file_row).collect::<Vec<_>>())}
                        {move || {
                            let (shown, matching) = rows.with(|(files, matching)| (files.len(), *matching));
                            (matching > shown).then(|| view! {
                                <tr class="tv-report__more" data-testid="files-more" data-shown=shown data-matching=matching>
                                    <td colspan="10">{format!(
                                        "Showing {} of {} files: sort by a column, find a file or tick problems only to see others",
                                        format::count(shown as u64), format::count(matching as u64))}</td>
                                </tr>
                            })
                        }}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// The first [`FILE_ROWS`] files in the chosen order (load order without one) among those
/// passing the filters, and how many pass.
fn visible_files(
    files: &[FileReport],
    only_problems: bool,
    needle: &str,
    sort: Option<(Column, bool)>,
) -> (Vec<FileReport>, usize) {
    let mut shown: Vec<&FileReport> = files
        .iter()
        .filter(|file| !only_problems || is_problem(file))
        .filter(|file| needle.is_empty() || file.path.to_lowercase().contains(needle))
        .collect();
    let matching = shown.len();
    if let Some((column, descending)) = sort {
        let order = |a: &&FileReport, b: &&FileReport| {
            let order = column.compare(a, b);
            if descending {
                order.reverse()
            } else {
                order
            }
        };
        if shown.len() > FILE_ROWS {
            shown.select_nth_unstable_by(FILE_ROWS, order);
        }
        shown.truncate(FILE_ROWS);
        shown.sort_by(order);
    }
    shown.truncate(FILE_ROWS);
    (shown.into_iter().cloned().collect(), matching)
}

/// Whether a file belongs in "problems only": records rejected, cut short, or not read.
fn is_problem(file: &FileReport) -> bool {
    matches!(
        file.status,
        FileStatus::Partial | FileStatus::Rejected | FileStatus::Skipped
    )
}

/// One file's row.
fn file_row(file: &FileReport) -> impl IntoView {
    view! {
        <tr data-testid="file-row" data-file=file.path.clone() data-status=file.status.as_str()
            data-read=file.read data-events=file.indexed data-duplicates=file.duplicates
            data-conflicts=file.conflicts data-rejected=file.rejected data-message=file.message.clone() data-format=file.format
            data-size=file.size_bytes>
            <td class="tv-mono tv-report__path" title=file.path.clone()>{file.path.clone()}</td>
            <td><span class=format!("tv-status tv-status--{}", file.status.as_str())>{file.status.as_str()}</span></td>
            <td class="tv-report__format" data-testid="file-format">{file.format}</td>
            <td class="tv-num">{format::count(file.read)}</td>
            <td class="tv-num">{format::count(file.indexed)}</td>
            <td class="tv-num">{format::count(file.duplicates)}</td>
            <td class="tv-num">{format::count(file.conflicts)}</td>
            <td class="tv-num">{format::count(file.rejected)}</td>
            <td class="tv-num">{format::bytes(file.size_bytes)}</td>
            <td class="tv-report__message" title=file.message.clone()>{file.message.clone()}</td>
        </tr>
    }
}

/// The ledger in words: records read and where they went, conflicts, and files not read.
fn ledger_text(ledger: &Ledger) -> String {
    let not_read = if ledger.not_read > 0 {
        format!(" · {} not read", format::count(ledger.not_read))
    } else {
        String::new()
    };
    format!(
        "{} files · {} records read = {} indexed + {} duplicates + {} rejected · {} eventID conflicts{not_read}",
        format::count(ledger.n_files),
        format::count(ledger.read),
        format::count(ledger.indexed),
        format::count(ledger.duplicates),
        format::count(ledger.rejected),
        format::count(ledger.conflicts)
    )
}

/// A sortable column of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Path,
    Status,
    Format,
    Read,
    Events,
    Duplicates,
    Conflicts,
    Rejected,
    Size,
}

impl Column {
    fn key(self) -> &'static str {
        match self {
            Column::Path => "file",
            Column::Status => "status",
            Column::Format => "format",
            Column::Read => "read",
            Column::Events => "events",
            Column::Duplicates => "duplicates",
            Column::Conflicts => "conflicts",
            Column::Rejected => "rejected",
            Column::Size => "size",
        }
    }

    /// Orders two files by this column, then by path so the order is stable.
    fn compare(self, a: &FileReport, b: &FileReport) -> std::cmp::Ordering {
        let by = match self {
            Column::Path => std::cmp::Ordering::Equal,
            Column::Status => a.status.as_str().cmp(b.status.as_str()),
            Column::Format => a.format.cmp(b.format),
            Column::Read => a.read.cmp(&b.read),
            Column::Events => a.indexed.cmp(&b.indexed),
            Column::Duplicates => a.duplicates.cmp(&b.duplicates),
            Column::Conflicts => a.conflicts.cmp(&b.conflicts),
            Column::Rejected => a.rejected.cmp(&b.rejected),
            Column::Size => a.size_bytes.cmp(&b.size_bytes),
        };
        by.then_with(|| a.path.cmp(&b.path))
    }
}

/// Who read the last batch (the page, or how many background workers) and the memory the page
/// and its workers hold after it.
#[component]
fn LoadFacts() -> impl IntoView {
    let state = use_app_state();
    move || {
        state.last_load.get().map(|last| {
            let readers = match (last.workers, &last.pool_problem) {
                (0, Some(problem)) => format!("read on the page (no background workers: {problem})"),
                (0, None) => "read on the page".to_owned(),
                (1, _) => "read by 1 background worker".to_owned(),
                (n, _) => format!("read by {n} background workers"),
            };
            let memory = move || {
                let (page, workers) = state.memory.get();
                page + workers
            };
            view! {
                <span class="tv-card__meta tv-report__facts" data-testid="load-facts" data-workers=last.workers>
                    {readers}" · "
                    <span data-testid="memory" data-value=memory data-heap=move || state.heap.get()
                        title="WebAssembly memory of the page and its workers, as of the last load or the end of indexing">
                        {move || format!("{} in memory", format::bytes(memory() as u64))}
                    </span>
                </span>
            }
        })
    }
}
