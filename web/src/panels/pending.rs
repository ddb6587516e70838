//! What happens next: the first pending events of the queue; a packet delivery can be
//! pulled forward (DeliverNow) or dropped.

use std::rc::Rc;

use yew::prelude::*;
use zab_core::Time;

use crate::engine::views::{Command, PendingView};
use crate::state::model::{Model, Msg, Selection};

/// How many pending events to list.
const SHOWN: usize = 12;

/// What the pending-events panel shows.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingData {
    /// The first events of the queue.
    list: Vec<PendingView>,
    /// Events queued in all.
    total: usize,
    /// The scenario's next scheduled actions.
    script: Vec<(Time, String)>,
}

impl PendingData {
    /// Read from the model.
    pub fn read(m: &Model) -> PendingData {
        let (list, total) = m.engine.pending(SHOWN);
        PendingData {
            list,
            total,
            script: m.engine.script_ahead(6),
        }
    }
}

/// Props of the pending-events panel.
#[derive(Properties, Clone, PartialEq)]
pub struct PendingProps {
    /// What it shows (renders only when this changed).
    pub data: Rc<PendingData>,
    /// Sends a message to the model.
    pub dispatch: Callback<Msg>,
}

/// The pending-events panel.
#[function_component(PendingPanel)]
pub fn pending_panel(p: &PendingProps) -> Html {
    let PendingData {
        list,
        total,
        script,
    } = &*p.data;
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
