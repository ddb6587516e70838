//! The page: layout, the one dispatcher every control uses, keyboard shortcuts and
//! the visibility watcher. The animation loop is in `playback`.
//!
//! The app renders on every message and, while playing, when `playback` refreshes
//! the panels (a few times a second). Each panel gets narrow props: its own data,
//! compared with what it shows (so an unchanged panel does not render), or for the
//! panels that read the model themselves a revision that changes only when their
//! data may have. The ring and the clock follow the frames by themselves.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::engine::views::{Command, PacketView, Role, ServerDetail};
use crate::panels::clients::{ClientData, ClientPanel};
use crate::panels::controls::{Clock, Controls, ControlsData, Setup};
use crate::panels::dock::Dock;
use crate::panels::events::{EventData, EventPanel};
use crate::panels::pending::{PendingData, PendingPanel};
use crate::panels::ring::{Legend, Ring};
use crate::panels::scenario_io::ViolationAlert;
use crate::panels::selection::SelectionPanel;
use crate::panels::tour::Tour;
use crate::playback;
use crate::state::model::{Model, Msg, Selection, Shared};

/// Keyboard shortcuts (ignored while typing in a field).
fn key_msg(e: &web_sys::KeyboardEvent, model: &Model) -> Option<Msg> {
    if e.ctrl_key() || e.meta_key() || e.alt_key() {
        return None;
    }
    let target = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    let tag = target
        .as_ref()
        .map(|t| t.tag_name().to_ascii_lowercase())
        .unwrap_or_default();
    if matches!(tag.as_str(), "input" | "select" | "textarea") {
        return None;
    }
    let key = e.key();
    Some(match key.as_str() {
        " " | "Spacebar" => {
            if tag == "button" {
                return None; // the focused button's own click
            }
            Msg::TogglePlay
        }
        "k" | "K" => Msg::Cmd(Command::KillLeader),
        "h" | "H" => Msg::Cmd(Command::HealAll),
        "w" | "W" => Msg::Cmd(Command::WriteToLeader),
        "r" | "R" => Msg::Reset,
        "n" | "N" | "ArrowRight" => Msg::Step,
        "b" | "B" | "ArrowLeft" => Msg::Back(1000),
        "Escape" => Msg::Select(Selection::None),
        d if d.len() == 1 && d.as_bytes()[0].is_ascii_digit() => {
            let id = (d.as_bytes()[0] - b'0') as u32;
            if id == 0 || id > model.engine.size() {
                return None;
            }
            Msg::ClickServer(id)
        }
        _ => return None,
    })
}

/// The whole app.
#[function_component(App)]
pub fn app() -> Html {
    let model = use_mut_ref(crate::state::persist::initial_model);
    let redraw = use_force_update();
    let shared = Shared(model.clone());

    let dispatch = {
        let model = model.clone();
        let redraw = redraw.clone();
        use_memo((), move |_| {
            Callback::from(move |msg: Msg| {
                let save = crate::state::persist::changes_session(&msg);
                model.borrow_mut().update(msg);
                if save {
                    crate::state::persist::save_session(&model.borrow());
                }
                redraw.force_update();
            })
        })
    };
    let dispatch: Callback<Msg> = (*dispatch).clone();
    crate::state::persist::use_persistence(model.clone(), dispatch.clone());

    // Keyboard shortcuts and tab visibility, attached once.
    {
        let model = model.clone();
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let doc = web_sys::window().and_then(|w| w.document());
            let on_key = {
                let dispatch = dispatch.clone();
                Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(
                    move |e: web_sys::KeyboardEvent| {
                        if e.repeat() {
                            return;
                        }
                        let msg = key_msg(&e, &model.borrow());
                        if let Some(msg) = msg {
                            e.prevent_default();
                            dispatch.emit(msg);
                        }
                    },
                )
            };
            let on_visibility = {
                let dispatch = dispatch.clone();
                Closure::<dyn FnMut()>::new(move || {
                    let hidden = web_sys::window()
                        .and_then(|w| w.document())
                        .is_some_and(|d| d.hidden());
                    dispatch.emit(Msg::Visibility(!hidden));
                })
            };
            if let Some(doc) = &doc {
                let _ = doc
                    .add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
                let _ = doc.add_event_listener_with_callback(
                    "visibilitychange",
                    on_visibility.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(doc) = &doc {
                    let _ = doc.remove_event_listener_with_callback(
                        "keydown",
                        on_key.as_ref().unchecked_ref(),
                    );
                    let _ = doc.remove_event_listener_with_callback(
                        "visibilitychange",
                        on_visibility.as_ref().unchecked_ref(),
                    );
                }
                drop(on_key);
                drop(on_visibility);
            }
        });
    }

    // The animation loop runs only while playing.
    let playing = model.borrow().playing;
    {
        let model = model.clone();
        let redraw = redraw.clone();
        use_effect_with(playing, move |playing| {
            let handle =
                playing.then(|| playback::start(model, redraw, crate::panels::ring::move_packets));
            move || drop(handle)
        });
    }

    // How often the simulation and the selection box's facts changed, as seen by the
    // renders of the app (so: at most a few times a second while playing).
    let sim = use_mut_ref(Generation::<u64>::default);
    let picked = use_mut_ref(Generation::<SelectionFacts>::default);
    let m = model.borrow();
    let rev = m.rev;
    let sim = sim.borrow_mut().of(m.engine.version());
    let selection_rev = rev + picked.borrow_mut().of(SelectionFacts::read(&m));
    let selection = m.selection;
    let controls = Rc::new(ControlsData::read(&m));
    let clients = Rc::new(ClientData::read(&m));
    let events = Rc::new(EventData::read(&m));
    let pending = Rc::new(PendingData::read(&m));
    drop(m);

    html! {
        <main id="app" aria-label="ZabScope">
            <header class="topbar">
                <div class="row">
                    <h1>{"ZabScope"}</h1>
                    <Clock model={shared.clone()} {rev} />
                    <Setup model={shared.clone()} {rev} dispatch={dispatch.clone()} />
                </div>
                <Controls model={shared.clone()} {rev} data={controls} dispatch={dispatch.clone()} />
                <ViolationAlert model={shared.clone()} {rev} dispatch={dispatch.clone()} />
            </header>
            <div class="workspace">
                <aside class="col-left">
                    <Tour />
                    <SelectionPanel model={shared.clone()} rev={selection_rev} dispatch={dispatch.clone()} />
                    <ClientPanel data={clients} dispatch={dispatch.clone()} />
                </aside>
                <section class="ring-panel" aria-label="Cluster ring">
                    <Ring model={shared.clone()} {rev} {selection} dispatch={dispatch.clone()} />
                    <Legend />
                </section>
                <aside class="col-right">
                    <EventPanel data={events} dispatch={dispatch.clone()} />
                    <PendingPanel data={pending} dispatch={dispatch.clone()} />
                </aside>
                <Dock model={shared.clone()} {rev} {sim} dispatch={dispatch.clone()} />
            </div>
        </main>
    }
}

/// Counts the changes of a value: [`Generation::of`] returns a number that changes
/// exactly when the value differs from the one of the previous call.
#[derive(Debug)]
pub struct Generation<T> {
    last: Option<T>,
    count: u64,
}

impl<T> Default for Generation<T> {
    fn default() -> Self {
        Generation {
            last: None,
            count: 0,
        }
    }
}

impl<T: PartialEq> Generation<T> {
    /// The generation of `value`.
    pub fn of(&mut self, value: T) -> u64 {
        if self.last.as_ref() != Some(&value) {
            self.last = Some(value);
            self.count += 1;
        }
        self.count
    }
}

/// What the selection box (`selection.rs`) shows, to tell when it changed: the
/// picker's roles and phases, and the state of what is selected.
#[derive(Debug, PartialEq)]
pub struct SelectionFacts {
    selection: Selection,
    picker: Vec<(u32, Role, &'static str)>,
    server: Option<(bool, bool, Role, ServerDetail)>,
    link: Option<(bool, bool)>,
    packet: Option<PacketView>,
}

impl SelectionFacts {
    /// The facts of the model's selection.
    pub fn read(m: &Model) -> SelectionFacts {
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
        SelectionFacts {
            selection: m.selection,
            picker: servers.iter().map(|s| (s.id, s.role, s.phase)).collect(),
            server,
            link,
            packet,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generation_changes_exactly_when_the_value_does() {
        let mut g = Generation::default();
        assert_eq!(g.of(5), 1);
        assert_eq!(g.of(5), 1);
        assert_eq!(g.of(6), 2);
        assert_eq!(g.of(5), 3);
    }

    #[test]
    fn the_selection_facts_stay_while_a_steady_cluster_only_pings() {
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
            let before = SelectionFacts::read(&m);
            let version = m.engine.version();
            m.update(Msg::Skip(300));
            assert_ne!(m.engine.version(), version, "the simulation ran");
            assert_eq!(SelectionFacts::read(&m), before, "{selection:?}");
        }
    }
}
