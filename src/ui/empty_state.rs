//! What a first visitor sees: how to load files, what is accepted, the privacy promise, and
//! the demo.

use leptos::prelude::*;

use crate::ui::loader::{load_demo, LoadQueue};
use crate::ui::state::use_app_state;

/// The welcome panel.
#[component]
pub fn EmptyState() -> impl IntoView {
    let state = use_app_state();
    let queue = expect_context::<LoadQueue>();
    view! {
        <section class="tv-welcome">
            <div class="tv-welcome__drop">
                <h1>"Drop CloudTrail files or a whole AWSLogs folder here"</h1>
                <p>"Trail files (" <code>".json.gz"</code> ", " <code>".json"</code> ") are decompressed and indexed in this tab. Nothing is uploaded; no AWS account is needed."</p>
                <p class="tv-welcome__actions">
                    <button class="tv-button tv-button--primary" on:click=move |_| load_demo(state, queue)>"Explore the demo trail"</button>
                    <span>"or use Open files / Open folder above"</span>
                </p>
                <ul class="tv-welcome__list">
                    <li>"Digest files are recognised and listed; files that are not CloudTrail are listed with the reason."</li>
                    <li>"Duplicate deliveries are counted once; eventID conflicts are flagged; every record is accounted for."</li>
                    <li>"Click any value to filter, Alt- or Ctrl-click to exclude, drag across the timeline to zoom."</li>
                </ul>
            </div>
        </section>
    }
}
