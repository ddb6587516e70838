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
    /// The newest entries the filter keeps, newest first.
    entries: Vec<Entry>,
}

impl EventData {
    /// Read from the model.
    pub fn read(m: &Model) -> EventData {
        let filter = m.filter.clone();
        let entries = m.engine.log().newest(SHOWN, |e| {
            filter.kinds.contains(&e.kind) && filter.server.is_none_or(|s| e.servers.contains(&s))
        });
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
                if entries.is_empty() {
                    <li class="hint">{t!("ev.nothing")}</li>
                }
                { for entries.iter().map(|e| html! {
                    <li key={e.seq.to_string()} class={e.kind.attr()} data-kind={e.kind.attr()}>
                        <span class="at">{t!("cli.ms", ms = e.at_ms)}</span>
                        <span class="text">{e.text.clone()}</span>
                    </li>
                }) }
            </ol>
        </section>
    }
}
