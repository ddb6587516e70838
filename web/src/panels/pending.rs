//! What happens next: the first pending events of the queue; a packet delivery can be
//! pulled forward (DeliverNow) or dropped.

use std::rc::Rc;

use crate::t;
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
        <section class="panel pending" aria-label={t!("pend.aria")} tabindex="0">
            <h2>{t!("pend.title")}<span class="count">{t!("pend.queued", count = total)}</span></h2>
            <ol class="pending-list">
                { for list.iter().map(|ev| {
                    let actions = ev.packet.map(|id| {
                        let (d1, d2, d3) = (d.clone(), d.clone(), d.clone());
                        html! { <span class="actions">
                            <button class="small" aria-label={t!("pend.show_aria", id = id)}
                                    onclick={Callback::from(move |_: MouseEvent| d3.emit(Msg::Select(Selection::Packet(id))))}>{t!("pend.show")}</button>
                            <button class="small primary" aria-label={t!("pend.next_aria", id = id)}
                                    onclick={Callback::from(move |_: MouseEvent| d1.emit(Msg::Cmd(Command::DeliverNow(id))))}>{t!("pend.next")}</button>
                            <button class="small danger" aria-label={t!("pend.drop_aria", id = id)}
                                    onclick={Callback::from(move |_: MouseEvent| d2.emit(Msg::Cmd(Command::Drop(id))))}>{t!("pend.drop")}</button>
                        </span> }
                    });
                    html! {
                        <li data-pending-packet={ev.packet.map(|i| i.to_string()).unwrap_or_default()}>
                            <span class="at">{t!("cli.ms", ms = ev.at_ms)}</span>
                            <span class="what" title={ev.what.clone()}>{ev.what.clone()}</span>
                            { actions.unwrap_or_default() }
                        </li>
                    }
                }) }
            </ol>
            if !script.is_empty() {
                <h3 class="script-head">{t!("pend.script")}</h3>
                <ul class="script-list">
                    { for script.iter().map(|(at, what)| html! {
                        <li data-script-step={at.to_string()}>
                            <span class="at">{t!("cli.ms", ms = at)}</span>{" "}{what.clone()}
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}
