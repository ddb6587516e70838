//! The logs panel: per server, its txn log (newest at the right), committed vs not
//! yet committed, fsynced vs still volatile, and its snapshots.

use std::rc::Rc;

use crate::t;
use yew::prelude::*;

use crate::engine::views::{LogEntryView, LogRowView};
use crate::state::model::{Model, Msg, Selection};
use crate::text::gloss;

fn entry(e: &LogEntryView, snap_after: bool) -> Html {
    let committed = match e.committed {
        Some(true) => "true",
        Some(false) => "false",
        None => "unknown",
    };
    let title = t!(
        "logs.entry_title",
        zxid = e.zxid,
        op = e.op,
        committed = match e.committed {
            Some(true) => t!("logs.committed"),
            // The server has not learnt of a COMMIT: a quorum may have committed it already.
            Some(false) => t!("logs.not_committed_here"),
            None => t!("logs.on_disk_down"),
        },
        flushed = if e.flushed {
            t!("logs.fsynced")
        } else {
            t!("logs.not_fsynced")
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
            <span class="snap-mark" title={t!("logs.snapshot_at", zxid = e.zxid)} aria-label={t!("logs.snapshot_at", zxid = e.zxid)} />
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
            t!("logs.tree_empty").into_owned()
        } else {
            t!(
                "logs.tree",
                nodes = r
                    .tree
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join("  ")
            )
            .into_owned()
        }
    } else {
        t!("logs.down").into_owned()
    };
    html! {
        <div class={classes!("log-row", r.role.class(), selected.then_some("selected"))} data-log-row={r.id.to_string()}>
            <button class={classes!("row-head", r.role.class())} onclick={on_click}
                    aria-label={t!("logs.row_aria", id = r.id, role = r.role.label())} title={tree.clone()}>
                <span class="sid">{r.id}</span>{" "}
                <span class="role" title={gloss::role(r.role)}>{r.role.label()}</span>
            </button>
            <div class="disk-meta">
                { for r.snapshots.iter().map(|z| html! {
                    <span class="snapshot" data-snapshot={z.to_string()} title={t!("logs.snapshot_on_disk")}>{t!("logs.snapshot", zxid = z)}</span>
                }) }
                if r.hidden > 0 {
                    <span class="more">{t!("logs.older", count = r.hidden)}</span>
                }
                if r.entries.is_empty() {
                    <span class="empty">{t!("logs.empty")}</span>
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
        <section class="panel logs" aria-label={t!("logs.title")}>
            <h2>{t!("logs.title")}
                <span class="legend-inline">
                    <span class="entry committed-true">{t!("logs.legend_committed")}</span>
                    <span class="entry committed-false">{t!("logs.legend_not_committed")}</span>
                    <span class="entry committed-true unflushed">{t!("logs.legend_not_fsynced")}</span>
                    <span class="snapshot">{t!("logs.legend_snapshot")}</span>
                </span>
            </h2>
            <div class="log-rows">
                { for rows.iter().map(|r| row(r, selected == Some(r.id), &p.dispatch)) }
            </div>
        </section>
    }
}
