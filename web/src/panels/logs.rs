//! The logs panel: per server, its txn log (newest at the right), committed vs not
//! yet committed, fsynced vs still volatile, and its snapshots.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::views::{LogEntryView, LogRowView};
use crate::state::model::{Model, Msg, Selection};

fn entry(e: &LogEntryView, snap_after: bool) -> Html {
    let committed = match e.committed {
        Some(true) => "true",
        Some(false) => "false",
        None => "unknown",
    };
    let title = format!(
        "{} {}: {}, {}",
        e.zxid,
        e.op,
        match e.committed {
            Some(true) => "committed",
            // The server has not learnt of a COMMIT: a quorum may have committed it already.
            Some(false) => "logged, not known to be committed here",
            None => "on disk (server down)",
        },
        if e.flushed {
            "fsynced (survives a crash)"
        } else {
            "not fsynced (lost on a crash)"
        }
    );
    html! { <key={e.zxid.to_string()}>
        <span class={classes!("entry", format!("committed-{committed}"), (!e.flushed).then_some("unflushed"))}
              data-zxid={e.zxid.to_string()} data-committed={committed} data-flushed={e.flushed.to_string()}
              title={title}>
            <span class="zxid">{e.zxid.to_string()}</span>
            <span class="op">{e.op.clone()}</span>
        </span>
        if snap_after {
            <span class="snap-mark" title={format!("snapshot at {}", e.zxid)} aria-label={format!("snapshot at {}", e.zxid)} />
        }
    </> }
}

fn row(r: &LogRowView, selected: bool, d: &Callback<Msg>) -> Html {
    let id = r.id;
    let on_click = {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(Msg::Select(Selection::Server(id))))
    };
    let tree = if r.up {
        if r.tree.is_empty() {
            "data tree: empty".to_string()
        } else {
            format!(
                "data tree: {}",
                r.tree
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join("  ")
            )
        }
    } else {
        "down: only the disk remains".to_string()
    };
    html! {
        <div class={classes!("log-row", r.role.class(), selected.then_some("selected"))} data-log-row={r.id.to_string()}>
            <button class={classes!("row-head", r.role.class())} onclick={on_click}
                    aria-label={format!("Server {} log", r.id)} title={tree.clone()}>
                <span class="sid">{r.id}</span>
                <span class="role">{r.role.label()}</span>
            </button>
            <div class="disk-meta">
                { for r.snapshots.iter().map(|z| html! {
                    <span class="snapshot" data-snapshot={z.to_string()} title="snapshot on disk">{format!("snapshot {z}")}</span>
                }) }
                if r.hidden > 0 {
                    <span class="more">{format!("+{} older", r.hidden)}</span>
                }
                if r.entries.is_empty() {
                    <span class="empty">{"log empty"}</span>
                }
            </div>
            <div class="entries">
                // A list even of one entry (yew 0.21 would unwrap a `for` of one).
                { r.entries.iter().map(|e| entry(e, r.snapshots.contains(&e.zxid))).collect::<Html>() }
            </div>
            <div class="tree" title={tree.clone()}>{tree}</div>
        </div>
    }
}

/// What the logs panel shows.
#[derive(Clone, Debug, PartialEq)]
pub struct LogsData {
    /// One row per server.
    rows: Vec<LogRowView>,
    /// The selected server, highlighted.
    selected: Option<u32>,
}

impl LogsData {
    /// Read from the model.
    pub fn read(m: &Model) -> LogsData {
        LogsData {
            rows: m.engine.log_rows(),
            selected: match m.selection {
                Selection::Server(a) => Some(a),
                _ => None,
            },
        }
    }
}

/// Props of the logs panel.
#[derive(Properties, Clone, PartialEq)]
pub struct LogsProps {
    /// What it shows (renders only when this changed).
    pub data: Rc<LogsData>,
    /// Sends a message to the model.
    pub dispatch: Callback<Msg>,
}

/// The logs panel.
#[function_component(LogsPanel)]
pub fn logs_panel(p: &LogsProps) -> Html {
    let LogsData { rows, selected } = &*p.data;
    let selected = *selected;
    html! {
        <section class="panel logs" aria-label="Logs">
            <h2>{"Logs"}
                <span class="legend-inline">
                    <span class="entry committed-true">{"committed"}</span>
                    <span class="entry committed-false">{"not committed"}</span>
                    <span class="entry committed-true unflushed">{"not fsynced"}</span>
                    <span class="snapshot">{"snapshot"}</span>
                </span>
            </h2>
            <div class="log-rows">
                { for rows.iter().map(|r| row(r, selected == Some(r.id), &p.dispatch)) }
            </div>
        </section>
    }
}
