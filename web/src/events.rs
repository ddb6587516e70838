//! The event log: the trace in plain sentences, newest first, filterable by kind and
//! by server, bounded (see `narrate`).

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::app::PanelProps;
use crate::model::Msg;
use crate::narrate::Kind;

/// Entries rendered at most.
const SHOWN: usize = 150;

/// The event log panel.
#[function_component(EventPanel)]
pub fn event_panel(p: &PanelProps) -> Html {
    let m = p.model.0.borrow();
    let filter = m.filter.clone();
    let n = m.engine.size();
    let entries = m.engine.log().newest(SHOWN, |e| {
        filter.kinds.contains(&e.kind) && filter.server.is_none_or(|s| e.servers.contains(&s))
    });
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
        <section class="panel events" aria-label="Event log">
            <h2>{"Event log"}</h2>
            <div class="filters" role="group" aria-label="Event filter">
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
                <select aria-label="Event server filter" onchange={on_server}>
                    <option value="" selected={filter.server.is_none()}>{"all servers"}</option>
                    { for (1..=n).map(|i| html! {
                        <option value={i.to_string()} selected={filter.server == Some(i)}>{format!("server {i}")}</option>
                    }) }
                </select>
            </div>
            <ol class="event-list" aria-live="off">
                if entries.is_empty() {
                    <li class="hint">{"Nothing yet for this filter."}</li>
                }
                { for entries.iter().map(|e| html! {
                    <li key={e.seq.to_string()} class={e.kind.attr()} data-kind={e.kind.attr()}>
                        <span class="at">{format!("{} ms", e.at_ms)}</span>
                        <span class="text">{e.text.clone()}</span>
                    </li>
                }) }
            </ol>
        </section>
    }
}
