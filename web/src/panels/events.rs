//! The event log: the trace in plain sentences, newest first, filterable by kind and
//! by server, bounded (see `narrate`).

use std::rc::Rc;

use crate::t;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::state::model::{Filter, Model, Msg};
use crate::text::narrate::{Entry, Kind};

/// Entries rendered at most.
const SHOWN: usize = 150;

/// What the event log shows.
#[derive(Clone, Debug, PartialEq)]
pub struct EventData {
    filter: Filter,
    /// Servers (for the server filter).
    n: u32,
    /// The newest entries the filter keeps, newest first, each with how many lines
    /// alike (routine losses) it stands for.
    entries: Vec<(Entry, usize)>,
}

/// Folds each run of alike lines into its newest, with the run's length.
fn fold(entries: Vec<Entry>) -> Vec<(Entry, usize)> {
    let mut out: Vec<(Entry, usize)> = Vec::with_capacity(entries.len());
    for e in entries {
        match out.last_mut() {
            Some((last, n)) if last.folds_with(&e) => *n += 1,
            _ => out.push((e, 1)),
        }
    }
    out
}

impl EventData {
    /// Read from the model.
    pub fn read(m: &Model) -> EventData {
        let filter = m.filter.clone();
        // Read enough for the folded runs to leave SHOWN lines.
        let entries = m.engine.log().newest(SHOWN * 4, |e| {
            filter.kinds.contains(&e.kind) && filter.server.is_none_or(|s| e.servers.contains(&s))
        });
        let mut entries = fold(entries);
        entries.truncate(SHOWN);
        EventData {
            filter,
            n: m.engine.size(),
            entries,
        }
    }
}

/// Props of the event log.
#[derive(Properties, Clone, PartialEq)]
pub struct EventProps {
    /// What it shows (renders only when this changed).
    pub data: Rc<EventData>,
    /// Sends a message to the model.
    pub dispatch: Callback<Msg>,
}

/// The event log panel.
#[function_component(EventPanel)]
pub fn event_panel(p: &EventProps) -> Html {
    let EventData { filter, n, entries } = &*p.data;
    let n = *n;
    let on_server = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let v = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                .map(|s| s.value())
                .unwrap_or_default();
            d.emit(Msg::FilterServer(v.parse().ok()));
        })
    };
    html! {
        <section class="panel events" aria-label={t!("ev.title")}>
            <h2>{t!("ev.title")}</h2>
            <div class="filters" role="group" aria-label={t!("ev.filter")}>
                { for Kind::ALL.iter().map(|k| {
                    let k = *k;
                    let on = filter.kinds.contains(&k);
                    let d = p.dispatch.clone();
                    html! {
                        <button class={classes!("chip", k.attr())} aria-pressed={on.to_string()}
                                onclick={Callback::from(move |_: MouseEvent| d.emit(Msg::ToggleKind(k)))}>
                            {k.label()}
                        </button>
                    }
                }) }
                <select aria-label={t!("ev.server_filter")} onchange={on_server}>
                    <option value="" selected={filter.server.is_none()}>{t!("ev.all_servers")}</option>
                    { for (1..=n).map(|i| html! {
                        <option value={i.to_string()} selected={filter.server == Some(i)}>{t!("cli.server_option", id = i)}</option>
                    }) }
                </select>
            </div>
            <ol class="event-list" aria-live="off" tabindex="0" aria-label={t!("ev.list_aria")}>
                { lines(entries) }
            </ol>
        </section>
    }
}

/// The log's lines, or a hint when there are none. The lines are the list's only child,
/// one keyed list: as new lines arrive at the top, Yew keeps the DOM of the lines still
/// shown (a sibling without a key, such as the hint's `if`, would make the list unkeyed
/// and re-create every line at every refresh: 150 lines, 3.6 times a second).
fn lines(entries: &[(Entry, usize)]) -> Html {
    if entries.is_empty() {
        return html! { <li class="hint">{t!("ev.nothing")}</li> };
    }
    entries
        .iter()
        .map(|(e, n)| {
            html! {
                <li key={e.seq.to_string()} class={e.kind.attr()} data-kind={e.kind.attr()}
                    data-folded={(*n > 1).then(|| n.to_string())}>
                    <span class="at">{t!("cli.ms", ms = e.at_ms)}</span>
                    <span class="text">{e.text.clone()}</span>
                    if *n > 1 {
                        <span class="folded">{t!("ev.folded", count = n - 1)}</span>
                    }
                </li>
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::narrate::{narrate, EventLog, MAX_CHATTY, MAX_LOSSES, MAX_MAIN};
    use zab_core::sim::{DropReason, TraceEvent, TraceKind};
    use zab_core::ServerId;

    fn lost(from: u32, to: u32, reason: DropReason) -> Entry {
        narrate(&TraceEvent {
            at_ms: 10,
            kind: TraceKind::PacketDropped {
                id: u64::from(from),
                from: ServerId(from),
                to: ServerId(to),
                packet: "NOTIFICATION",
                reason,
            },
        })
    }

    /// Issue 16 item 7: after a crash, every sender's notification to the dead server
    /// is one line, not eight; a packet the user dropped is never folded away.
    #[test]
    fn a_run_of_alike_losses_is_one_line_with_its_count() {
        let mut log = EventLog::default();
        for from in 1..=8 {
            log.push(lost(from, 9, DropReason::ReceiverDown));
        }
        log.push(lost(1, 2, DropReason::ByUser));
        log.push(lost(3, 2, DropReason::ByUser));
        let folded = fold(log.newest(100, |_| true));
        let counts: Vec<usize> = folded.iter().map(|(_, n)| *n).collect();
        assert_eq!(
            counts,
            [1, 1, 8],
            "two user drops, then the eight losses as one"
        );
    }

    /// Routine losses never push the votes out of the log, and the packets and timers
    /// (hidden by default) never push the losses out.
    #[test]
    fn routine_losses_push_out_nothing_and_chatter_does_not_push_them_out() {
        let mut log = EventLog::default();
        log.push(lost(1, 2, DropReason::ByUser));
        for i in 0..(MAX_MAIN as u32 * 2) {
            log.push(lost(i % 8 + 1, 9, DropReason::ReceiverDown));
        }
        let routine = lost(1, 9, DropReason::ReceiverDown);
        let kept = log.newest(usize::MAX, |e| !e.folds_with(&routine));
        assert_eq!(kept.len(), 1, "the user's drop is still there");
        let timer = narrate(&TraceEvent {
            at_ms: 20,
            kind: TraceKind::TimerFired {
                server: ServerId(1),
                timer: zab_core::server::Timer::LeaderTick,
            },
        });
        for _ in 0..(MAX_CHATTY * 2) {
            log.push(timer.clone());
        }
        let losses = log.newest(usize::MAX, |e| e.folds_with(&routine)).len();
        assert_eq!(losses, MAX_LOSSES, "the newest losses are all still there");
    }
}
