//! The control box for what is selected: a server (crash, restart, isolate, write,
//! reconnect, and its state), a link (cut both ways, one way, heal) or a packet (its
//! fields; deliver next or drop).

use crate::t;
use yew::prelude::*;

use std::rc::Rc;

use crate::engine::views::{Command, PacketView, Role, ServerDetail};
use crate::state::model::{Model, Msg, Selection};
use crate::text::gloss;

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
        <div class="picker" role="group" aria-label={t!("sel.picker")}>
            { for data.picker.iter().map(|&(id, role, phase)| {
                let pressed = match data.selection {
                    Selection::Server(a) => a == id,
                    Selection::Link(a, b) => a == id || b == id,
                    _ => false,
                };
                let d = d.clone();
                html! {
                    <button class={classes!("pick", role.class())} aria-pressed={pressed.to_string()}
                            aria-label={t!("sel.pick_aria", id = id)} title={t!("sel.pick_title", id = id)}
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
            <p class="hint">{t!("sel.hint")}</p>
        },
        Selection::Server(id) => {
            let Some((up, observer, role, detail)) = &data.server else {
                return html! {};
            };
            let label = if *observer && *role == Role::Crashed {
                t!("sel.observer_crashed").into_owned()
            } else {
                role.label().to_string()
            };
            html! { <>
                <h3>{t!("sel.server", id = id)}<span class={classes!("tag", role.class())} title={gloss::role(*role)}>{label}</span></h3>
                <div class="buttons">
                    if *up {
                        { button(t!("sel.crash", id = id).into(), "danger", Msg::Cmd(Command::Crash(id)), d) }
                    } else {
                        { button(t!("sel.restart", id = id).into(), "primary", Msg::Cmd(Command::Restart(id)), d) }
                    }
                    { button(t!("sel.isolate", id = id).into(), "", Msg::Cmd(Command::Isolate(id)), d) }
                    { button(t!("sel.reconnect", id = id).into(), "", Msg::Cmd(Command::Reconnect(id)), d) }
                    { button(t!("sel.write", id = id).into(), "", Msg::Cmd(Command::DemoWrite(id)), d) }
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
                (true, true) => t!("sel.cut_both_state").into_owned(),
                (true, false) => t!("sel.cut_one_state", from = a, to = b).into_owned(),
                (false, true) => t!("sel.cut_one_state", from = b, to = a).into_owned(),
                (false, false) => t!("sel.open_state").into_owned(),
            };
            html! { <>
                <h3>{t!("sel.link", a = a, b = b)}<span class="tag">{state}</span></h3>
                <div class="buttons">
                    { button(t!("sel.cut_both").into(), "danger", Msg::Cmd(Command::Cut { from: a, to: b, both: true }), d) }
                    { button(t!("sel.cut_one", from = a, to = b).into(), "", Msg::Cmd(Command::Cut { from: a, to: b, both: false }), d) }
                    { button(t!("sel.cut_one", from = b, to = a).into(), "", Msg::Cmd(Command::Cut { from: b, to: a, both: false }), d) }
                    { button(t!("sel.heal_link").into(), "primary", Msg::Cmd(Command::HealLink(a, b)), d) }
                </div>
                <p class="hint">{t!("sel.cut_hint")}</p>
            </> }
        }
        Selection::Packet(id) => match &data.packet {
            Some(pk) => html! { <>
                <h3><abbr title={gloss::packet(pk.kind)}>{pk.kind}</abbr>{format!(" {} → {}", pk.from, pk.to)}<span class={classes!("tag", "pk", pk.phase_class())}>{pk.phase_class()}</span></h3>
                <p class="summary" data-view="packet-summary">{pk.summary.clone()}</p>
                <dl class="facts">
                    <dt>{t!("sel.packet_id")}</dt><dd>{pk.id}</dd>
                    <dt>{t!("sel.network")}</dt><dd>{ if pk.election { t!("sel.election_mesh") } else { t!("sel.quorum_conn") } }</dd>
                    <dt>{t!("sel.sent_arrives")}</dt><dd>{t!("sel.sent_arrives_value", sent = pk.sent_at, arrives = pk.deliver_at)}</dd>
                </dl>
                <div class="buttons">
                    { button(t!("sel.deliver_next").into(), "primary", Msg::Cmd(Command::DeliverNow(id)), d) }
                    { button(t!("sel.drop").into(), "danger", Msg::Cmd(Command::Drop(id)), d) }
                </div>
            </> },
            None => html! { <p class="hint">{t!("sel.arrived")}</p> },
        },
    };
    html! {
        <section class="panel selection" aria-label={t!("sel.title")}>
            <h2>{t!("sel.title")}</h2>
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
