//! The page: layout, the one dispatcher every control uses, keyboard shortcuts and
//! the visibility watcher. The animation loop is in `playback`.
//!
//! The app renders on every message and, while playing, when `playback` refreshes
//! the panels (a few times a second). Each panel gets narrow props: its own data,
//! compared with what it shows (so an unchanged panel does not render), or for the
//! panels that read the model themselves a revision that changes only when their
//! data may have. The ring and the clock follow the frames by themselves.

use std::rc::Rc;

use crate::t;
use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::engine::views::Command;
use crate::panels::clients::{ClientData, ClientPanel};
use crate::panels::controls::{Clock, ClockData, Controls, ControlsData, Setup, SetupData};
use crate::panels::dock::{Dock, DockReaders};
use crate::panels::events::{EventData, EventPanel};
use crate::panels::lesson::{LessonCard, LessonData};
use crate::panels::pending::{PendingData, PendingPanel};
use crate::panels::ring::{Legend, Ring, RingData};
use crate::panels::scenario_io::ViolationAlert;
use crate::panels::selection::{SelectionData, SelectionPanel};
use crate::panels::tour::Tour;
use crate::playback::{self, Reader};
use crate::state::model::{Model, Msg, Selection, Shared};
use crate::state::scenario_file::ExportedRun;

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
    // An input method composing (Chinese, Japanese...) owns the keys.
    if e.is_composing() {
        return None;
    }
    let key = e.key();
    // A slider keeps its arrow keys; every other shortcut works while it has focus
    // (after a drag the focus stays on it, and Space must still play).
    let slider = target
        .as_ref()
        .is_some_and(|t| tag == "input" && t.get_attribute("type").as_deref() == Some("range"));
    if slider {
        if key.starts_with("Arrow")
            || matches!(key.as_str(), "Home" | "End" | "PageUp" | "PageDown")
        {
            return None;
        }
    } else if matches!(tag.as_str(), "input" | "select" | "textarea") {
        return None;
    }
    // A presenter's remote blanks the screen with B or "."; any key shows it again.
    if model.blank {
        return Some(Msg::Blank(false));
    }
    if model.presenter && matches!(key.as_str(), "b" | "B" | ".") {
        return Some(Msg::Blank(true));
    }
    // A lesson takes the presenter's keys: PageDown / PageUp (a clicker's) and the
    // arrows step through it.
    if let Some(run) = &model.lesson {
        use crate::state::lesson::{LessonMsg, Stage};
        let next = match run.stage {
            Stage::Done { .. } => Some(LessonMsg::Next),
            Stage::Ask if run.lesson.steps[run.step].question.is_none() => Some(LessonMsg::Go),
            _ => None,
        };
        match key.as_str() {
            "PageDown" | "ArrowRight" => return next.map(Msg::Lesson),
            "PageUp" | "ArrowLeft" => return Some(Msg::Lesson(LessonMsg::Prev)),
            _ => {}
        }
    }
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

/// How the page starts.
#[derive(Properties, Clone, PartialEq)]
pub struct AppProps {
    /// The language it wanted, if its table could not be loaded (it shows the other).
    pub lang_failed: Option<(crate::text::lang::Lang, crate::text::tables::TableError)>,
}

/// The whole app.
#[function_component(App)]
pub fn app(p: &AppProps) -> Html {
    let model = use_mut_ref(|| crate::state::persist::initial_model(p.lang_failed.clone()));
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

    // Keyboard shortcuts and tab visibility, attached once; the listeners go when the
    // effect is cleaned up (gloo-events removes them on drop).
    {
        let model = model.clone();
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            let listeners = web_sys::window().and_then(|w| w.document()).map(|doc| {
                let on_key = {
                    let dispatch = dispatch.clone();
                    EventListener::new_with_options(
                        &doc,
                        "keydown",
                        EventListenerOptions::enable_prevent_default(),
                        move |e| {
                            let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                                return;
                            };
                            if e.repeat() {
                                return;
                            }
                            // (A statement of its own: the borrow ends before the
                            // dispatch, which borrows the model mutably.)
                            let msg = key_msg(e, &model.borrow());
                            if let Some(msg) = msg {
                                e.prevent_default();
                                dispatch.emit(msg);
                            }
                        },
                    )
                };
                let on_visibility = EventListener::new(&doc, "visibilitychange", move |_| {
                    let hidden = web_sys::window()
                        .and_then(|w| w.document())
                        .is_some_and(|d| d.hidden());
                    dispatch.emit(Msg::Visibility(!hidden));
                });
                (on_key, on_visibility)
            });
            move || drop(listeners)
        });
    }

    // The run as a scenario file, for the file menu (read when the user asks).
    let export = {
        let model = model.clone();
        use_memo((), move |_| {
            Callback::from(move |()| {
                let m = model.borrow();
                ExportedRun {
                    scenario: m.engine.export(),
                    interventions: m.engine.intervention_count(),
                }
            })
        })
    };
    let export: Callback<(), ExportedRun> = (*export).clone();

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

    // How often the simulation changed, as seen by the renders of the app (so: at most
    // a few times a second while playing).
    let sim = use_mut_ref(Generation::<u64>::default);
    let m = model.borrow();
    let rev = m.rev;
    let sim = sim.borrow_mut().of(m.engine.version());
    let selection = m.selection;
    let controls = Rc::new(ControlsData::read(&m));
    let setup = Rc::new(SetupData::read(&m));
    let (halt, now) = (m.io.halt.clone(), m.engine.now());
    let picked = Rc::new(SelectionData::read(&m));
    let clients = Rc::new(ClientData::read(&m));
    let events = Rc::new(EventData::read(&m));
    let pending = Rc::new(PendingData::read(&m));
    let lesson = Rc::new(LessonData::read(&m));
    let (presenter, blank) = (m.presenter, m.blank);
    drop(m);
    let unblank = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(Msg::Blank(false)))
    };

    // A new language re-creates the page under a new key, so that every text is made
    // again in it (panels with unchanged data would otherwise keep the old words).
    let lang = crate::text::lang::current();
    use_effect_with(lang, |lang| crate::state::persist::show_lang(*lang));

    html! {
        <main id="app" key={lang.code()} aria-label="ZabScope"
              class={classes!(presenter.then_some("presenter"))} data-presenter={presenter.to_string()}>
            if blank {
                <div class="blank" data-view="blank" role="button" tabindex="0"
                     aria-label={crate::t!("presenter.unblank")} onclick={unblank}></div>
            }
            <header class="topbar">
                <div class="row">
                    <h1>{"ZabScope"}</h1>
                    <Clock data={Reader::new(&shared, ClockData::read).following(ClockData::key)} {rev} />
                    <Setup data={setup} dispatch={dispatch.clone()} />
                </div>
                <Controls data={controls} export={export} dispatch={dispatch.clone()} />
                <ViolationAlert halt={halt} now={now} dispatch={dispatch.clone()} />
            </header>
            <div class="workspace">
                <aside class="col-left">
                    if lesson.run.is_none() {
                        <Tour />
                    }
                    <LessonCard data={lesson} dispatch={dispatch.clone()} />
                    <SelectionPanel data={picked} dispatch={dispatch.clone()} />
                    <ClientPanel data={clients} dispatch={dispatch.clone()} />
                </aside>
                <section class="ring-panel" aria-label={t!("ring.panel")}>
                    <Ring data={Reader::new(&shared, RingData::read).following(RingData::key)} {rev} {selection} dispatch={dispatch.clone()} />
                    <Legend />
                </section>
                <aside class="col-right">
                    <EventPanel data={events} dispatch={dispatch.clone()} />
                    <PendingPanel data={pending} dispatch={dispatch.clone()} />
                </aside>
                <Dock data={DockReaders::new(&shared)} {rev} {sim} dispatch={dispatch.clone()} />
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
}
