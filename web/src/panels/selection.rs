//! The control box for what is selected: a server (crash, restart, isolate, write,
//! reconnect, and its state), a link (cut both ways, one way, heal) or a packet (its
//! fields; deliver next or drop).

use yew::prelude::*;

use crate::engine::views::{Command, Role};
use crate::state::model::{Msg, Selection};
use crate::widgets::PanelProps;

fn button(label: String, class: &'static str, msg: Msg, d: &Callback<Msg>) -> Html {
    let d = d.clone();
    html! {
        <button class={class} onclick={Callback::from(move |_: MouseEvent| d.emit(msg.clone()))}>{label}</button>
    }
}

/// The selection box.
#[function_component(SelectionPanel)]
pub fn selection_panel(p: &PanelProps) -> Html {
    let m = p.model.0.borrow();
    let d = &p.dispatch;
    let n = m.engine.size();
    let servers = m.engine.servers();
    let picker = html! {
        <div class="picker" role="group" aria-label="Select a server">
            { for servers.iter().map(|s| {
                let pressed = match m.selection {
                    Selection::Server(a) => a == s.id,
                    Selection::Link(a, b) => a == s.id || b == s.id,
                    _ => false,
                };
                let id = s.id;
                let d = d.clone();
                html! {
                    <button class={classes!("pick", s.role.class())} aria-pressed={pressed.to_string()}
                            aria-label={format!("Select server {id}")} title={format!("Select server {id} (key {id})")}
                            aria-description={format!("{} {}", s.role.label(), s.phase)}
                            onclick={Callback::from(move |_: MouseEvent| d.emit(Msg::ClickServer(id)))}>
                        {id}
                    </button>
                }
            }) }
        </div>
    };
    let body = match m.selection {
        Selection::None => html! {
            <p class="hint">{"Click a server (or press its number) for its controls; pick a second server, or click a line, for the link between them; click a packet to read its fields."}</p>
        },
        Selection::Server(id) if id <= n => {
            let s = servers.iter().find(|s| s.id == id).cloned();
            let detail = m.engine.server_detail(id);
            let Some(s) = s else { return html! {} };
            let role = if s.observer && s.role == Role::Crashed {
                "observer, CRASHED".to_string()
            } else {
                s.role.label().to_string()
            };
            html! { <>
                <h3>{format!("Server {id}")}<span class={classes!("tag", s.role.class())}>{role}</span></h3>
                <div class="buttons">
                    if s.up {
                        { button(format!("Crash server {id}"), "danger", Msg::Cmd(Command::Crash(id)), d) }
                    } else {
                        { button(format!("Restart server {id}"), "primary", Msg::Cmd(Command::Restart(id)), d) }
                    }
                    { button(format!("Isolate server {id}"), "", Msg::Cmd(Command::Isolate(id)), d) }
                    { button(format!("Reconnect server {id}"), "", Msg::Cmd(Command::Reconnect(id)), d) }
                    { button(format!("Write to server {id}"), "", Msg::Cmd(Command::DemoWrite(id)), d) }
                </div>
                <dl class="facts">
                    { for detail.facts.iter().map(|(k, v)| html! { <><dt>{k}</dt><dd>{v}</dd></> }) }
                </dl>
                if !detail.lines.is_empty() {
                    <ul class="detail-lines">
                        { for detail.lines.iter().map(|l| html! { <li>{l}</li> }) }
                    </ul>
                }
            </> }
        }
        Selection::Link(a, b) => {
            let cuts = m.engine.cuts();
            let ab = cuts.contains(&(a, b));
            let ba = cuts.contains(&(b, a));
            let state = match (ab, ba) {
                (true, true) => "cut both ways".to_string(),
                (true, false) => format!("{a} → {b} cut: {b} hears nothing from {a}"),
                (false, true) => format!("{b} → {a} cut: {a} hears nothing from {b}"),
                (false, false) => "open both ways".to_string(),
            };
            html! { <>
                <h3>{format!("Link {a} ↔ {b}")}<span class="tag">{state}</span></h3>
                <div class="buttons">
                    { button("Cut both ways".into(), "danger", Msg::Cmd(Command::Cut { from: a, to: b, both: true }), d) }
                    { button(format!("Cut {a} → {b} only"), "", Msg::Cmd(Command::Cut { from: a, to: b, both: false }), d) }
                    { button(format!("Cut {b} → {a} only"), "", Msg::Cmd(Command::Cut { from: b, to: a, both: false }), d) }
                    { button("Heal link".into(), "primary", Msg::Cmd(Command::HealLink(a, b)), d) }
                </div>
                <p class="hint">{"A cut blocks both networks: election notifications and the learner/leader connection (which breaks)."}</p>
            </> }
        }
        Selection::Packet(id) => match m.engine.packet(id) {
            Some(pk) => html! { <>
                <h3>{format!("{} {} → {}", pk.kind, pk.from, pk.to)}<span class={classes!("tag", "pk", pk.phase_class())}>{pk.phase_class()}</span></h3>
                <p class="summary" data-view="packet-summary">{pk.summary.clone()}</p>
                <dl class="facts">
                    <dt>{"packet id"}</dt><dd>{pk.id}</dd>
                    <dt>{"network"}</dt><dd>{ if pk.election { "election mesh (best effort)" } else { "learner/leader connection (FIFO TCP)" } }</dd>
                    <dt>{"sent / arrives"}</dt><dd>{format!("t = {} ms / t = {} ms", pk.sent_at, pk.deliver_at)}</dd>
                </dl>
                <div class="buttons">
                    { button("Deliver next".into(), "primary", Msg::Cmd(Command::DeliverNow(id)), d) }
                    { button("Drop packet".into(), "danger", Msg::Cmd(Command::Drop(id)), d) }
                </div>
            </> },
            None => html! { <p class="hint">{"That packet has arrived."}</p> },
        },
        Selection::Server(_) => html! {},
    };
    html! {
        <section class="panel selection" aria-label="Selection">
            <h2>{"Selection"}</h2>
            {picker}
            {body}
        </section>
    }
}
