//! What happens next: the first pending events of the queue; a packet delivery can be
//! pulled forward (DeliverNow) or dropped.

use yew::prelude::*;

use crate::app::PanelProps;
use crate::model::{Msg, Selection};
use crate::views::Command;

/// How many pending events to list.
const SHOWN: usize = 12;

/// The pending-events panel.
#[function_component(PendingPanel)]
pub fn pending_panel(p: &PanelProps) -> Html {
    let m = p.model.0.borrow();
    let (list, total) = m.engine.pending(SHOWN);
    let script = m.engine.script_ahead(6);
    let d = &p.dispatch;
    html! {
        <section class="panel pending" aria-label="Pending events">
            <h2>{"Next events"}<span class="count">{format!("{total} queued")}</span></h2>
            <ol class="pending-list">
                { for list.iter().map(|ev| {
                    let actions = ev.packet.map(|id| {
                        let (d1, d2, d3) = (d.clone(), d.clone(), d.clone());
                        html! { <span class="actions">
                            <button class="small" aria-label={format!("Show packet {id}")}
                                    onclick={Callback::from(move |_: MouseEvent| d3.emit(Msg::Select(Selection::Packet(id))))}>{"Show"}</button>
                            <button class="small primary" aria-label={format!("Deliver packet {id} next")}
                                    onclick={Callback::from(move |_: MouseEvent| d1.emit(Msg::Cmd(Command::DeliverNow(id))))}>{"Next"}</button>
                            <button class="small danger" aria-label={format!("Drop packet {id}")}
                                    onclick={Callback::from(move |_: MouseEvent| d2.emit(Msg::Cmd(Command::Drop(id))))}>{"Drop"}</button>
                        </span> }
                    });
                    html! {
                        <li data-pending-packet={ev.packet.map(|i| i.to_string()).unwrap_or_default()}>
                            <span class="at">{format!("{} ms", ev.at_ms)}</span>
                            <span class="what" title={ev.what.clone()}>{ev.what.clone()}</span>
                            { actions.unwrap_or_default() }
                        </li>
                    }
                }) }
            </ol>
            if !script.is_empty() {
                <h3 class="script-head">{"Script ahead"}</h3>
                <ul class="script-list">
                    { for script.iter().map(|(at, what)| html! {
                        <li data-script-step={at.to_string()}>
                            <span class="at">{format!("{at} ms")}</span>{" "}{what.clone()}
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}
