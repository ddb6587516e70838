//! The control box for what is selected: a server (crash, restart, isolate, write,
//! reconnect, and its state), a link (cut both ways, one way, heal) or a packet (its
//! fields; deliver next or drop).

use yew::prelude::*;

use std::rc::Rc;

use crate::engine::views::{Command, PacketView, Role, ServerDetail};
use crate::state::model::{Model, Msg, Selection};

/// What the selection box shows: the picker's roles and phases, and the state of what
/// is selected (compared with what it shows, so a steady cluster does not redraw it).
#[derive(Debug, PartialEq)]
pub struct SelectionData {
    selection: Selection,
    picker: Vec<(u32, Role, &'static str)>,
    server: Option<(bool, bool, Role, ServerDetail)>,
    link: Option<(bool, bool)>,
    packet: Option<PacketView>,
}

impl SelectionData {
    /// Read from the model.
    pub fn read(m: &Model) -> SelectionData {
        let servers = m.engine.servers();
        let (mut server, mut link, mut packet) = (None, None, None);
        match m.selection {
            Selection::None => {}
            Selection::Server(id) => {
                server = servers
                    .iter()
                    .find(|s| s.id == id)
                    .map(|s| (s.up, s.observer, s.role, m.engine.server_detail(id)));
            }
            Selection::Link(a, b) => {
                let cuts = m.engine.cuts();
                link = Some((cuts.contains(&(a, b)), cuts.contains(&(b, a))));
            }
            Selection::Packet(id) => packet = m.engine.packet(id),
        }
        SelectionData {
            selection: m.selection,
            picker: servers.iter().map(|s| (s.id, s.role, s.phase)).collect(),
            server,
            link,
            packet,
        }
    }
}

/// Props of the selection box.
#[derive(Properties, Clone, PartialEq)]
pub struct SelectionProps {
    /// What it shows (renders only when this changed).
    pub data: Rc<SelectionData>,
    /// Sends a message to the model.
    pub dispatch: Callback<Msg>,
}

fn button(label: String, class: &'static str, msg: Msg, d: &Callback<Msg>) -> Html {
    let d = d.clone();
    html! {
        <button class={class} onclick={Callback::from(move |_: MouseEvent| d.emit(msg.clone()))}>{label}</button>
    }
}

/// The selection box.
#[function_component(SelectionPanel)]
pub fn selection_panel(p: &SelectionProps) -> Html {
    let data = &p.data;
    let d = &p.dispatch;
    let picker = html! {
        <div class="picker" role="group" aria-label="Select a server">
            { for data.picker.iter().map(|&(id, role, phase)| {
                let pressed = match data.selection {
                    Selection::Server(a) => a == id,
                    Selection::Link(a, b) => a == id || b == id,
                    _ => false,
                };
                let d = d.clone();
                html! {
                    <button class={classes!("pick", role.class())} aria-pressed={pressed.to_string()}
                            aria-label={format!("Select server {id}")} title={format!("Select server {id} (key {id})")}
                            aria-description={format!("{} {}", role.label(), phase)}
                            onclick={Callback::from(move |_: MouseEvent| d.emit(Msg::ClickServer(id)))}>
                        {id}
                    </button>
                }
            }) }
        </div>
    };
    let body = match data.selection {
        Selection::None => html! {
            <p class="hint">{"Click a server (or press its number) for its controls; pick a second server, or click a line, for the link between them; click a packet to read its fields."}</p>
        },
        Selection::Server(id) => {
            let Some((up, observer, role, detail)) = &data.server else {
                return html! {};
            };
            let label = if *observer && *role == Role::Crashed {
                "observer, CRASHED".to_string()
            } else {
                role.label().to_string()
            };
            html! { <>
                <h3>{format!("Server {id}")}<span class={classes!("tag", role.class())}>{label}</span></h3>
                <div class="buttons">
                    if *up {
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
            let (ab, ba) = data.link.unwrap_or_default();
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
        Selection::Packet(id) => match &data.packet {
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
    };
    html! {
        <section class="panel selection" aria-label="Selection">
            <h2>{"Selection"}</h2>
            {picker}
            {body}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selection_data_stays_while_a_steady_cluster_only_pings() {
        use crate::state::model::Start;
        let mut m = Model::new(Start {
            play: false,
            ..Start::default()
        });
        m.update(Msg::Skip(5000));
        let leader = m.engine.leader().expect("a leader after 5 s");
        for selection in [
            Selection::None,
            Selection::Server(leader),
            Selection::Link(1, 2),
        ] {
            m.update(Msg::Select(selection));
            let before = SelectionData::read(&m);
            let version = m.engine.version();
            m.update(Msg::Skip(300));
            assert_ne!(m.engine.version(), version, "the simulation ran");
            assert_eq!(SelectionData::read(&m), before, "{selection:?}");
        }
    }
}
