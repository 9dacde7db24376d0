//! The ingest report: every file with its outcome and the ledger, which always balances:
//! records read = indexed + duplicates + rejected.

use leptos::prelude::*;

use crate::analytics::FileStatus;
use crate::ui::format;
use crate::ui::state::use_app_state;

/// The report card.
#[component]
pub fn IngestReport() -> impl IntoView {
    let state = use_app_state();
    let problems_only = RwSignal::new(false);
    let ledger = state.ledger;
    view! {
        <section class="tv-card tv-report" data-testid="ingest-report">
            <header class="tv-card__header">
                <h2>"Files"</h2>
                <span class="tv-card__meta" data-testid="ledger"
                    data-read=move || ledger.get().read data-indexed=move || ledger.get().indexed
                    data-duplicates=move || ledger.get().duplicates data-rejected=move || ledger.get().rejected>
                    {move || {
                        let ledger = ledger.get();
                        format!("{} files · {} records read = {} indexed + {} duplicates + {} rejected · {} eventID conflicts",
                            format::count(ledger.n_files), format::count(ledger.read), format::count(ledger.indexed),
                            format::count(ledger.duplicates), format::count(ledger.rejected), format::count(ledger.conflicts))
                    }}
                </span>
                <label class="tv-toggle"><input type="checkbox" on:change=move |ev| problems_only.set(event_target_checked(&ev)) />"problems only"</label>
            </header>
            <div class="tv-report__scroll">
                <table class="tv-report__table">
                    <thead><tr>
                        <th>"File"</th><th>"Status"</th><th>"Format"</th><th class="tv-num">"Read"</th><th class="tv-num">"Events"</th>
                        <th class="tv-num">"Dup."</th><th class="tv-num">"Conflicts"</th><th class="tv-num">"Rejected"</th>
                        <th class="tv-num">"Size"</th><th>"Message"</th>
                    </tr></thead>
                    <tbody>
                        {move || {
                            let only_problems = problems_only.get();
                            state.files.get().into_iter()
                                .filter(|file| !only_problems || matches!(file.status, FileStatus::Partial | FileStatus::Rejected))
                                .map(|file| view! {
                                    <tr data-testid="file-row" data-file=file.path.clone() data-status=file.status.as_str()
                                        data-read=file.read data-events=file.indexed data-duplicates=file.duplicates
                                        data-conflicts=file.conflicts data-rejected=file.rejected data-message=file.message.clone()>
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
                                })
                                .collect::<Vec<_>>()
                        }}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
