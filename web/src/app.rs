//! The page: layout, the one dispatcher every control uses, keyboard shortcuts and
//! the visibility watcher. The animation loop is in `playback`.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::clients::ClientPanel;
use crate::controls::{Clock, Controls, Setup};
use crate::dock::Dock;
use crate::events::EventPanel;
use crate::model::{Model, Msg, Selection, Shared};
use crate::pending::PendingPanel;
use crate::playback;
use crate::ring::{Legend, Ring};
use crate::scenario_io::ViolationAlert;
use crate::selection::SelectionPanel;
use crate::tour::Tour;
use crate::views::Command;

/// Props every panel gets: the shared model, a revision that changes whenever the
/// panel has something new to show, and the dispatcher.
#[derive(Properties, Clone, PartialEq)]
pub struct PanelProps {
    /// The model (compared by identity).
    pub model: Shared,
    /// Changes when the panel must re-render.
    pub rev: u64,
    /// Sends a message to the model.
    pub dispatch: Callback<Msg>,
}

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
    let model = use_mut_ref(crate::persist::initial_model);
    let redraw = use_force_update();
    let shared = Shared(model.clone());

    let dispatch = {
        let model = model.clone();
        let redraw = redraw.clone();
        use_memo((), move |_| {
            Callback::from(move |msg: Msg| {
                let save = crate::persist::changes_session(&msg);
                model.borrow_mut().update(msg);
                if save {
                    crate::persist::save_session(&model.borrow());
                }
                redraw.force_update();
            })
        })
    };
    let dispatch: Callback<Msg> = (*dispatch).clone();
    crate::persist::use_persistence(model.clone(), dispatch.clone());

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
            let handle = playing.then(|| playback::start(model, redraw));
            move || drop(handle)
        });
    }

    let m = model.borrow();
    let rev = m.rev;
    let version = m.engine.version();
    let clock = m.engine.clock();
    let selection = m.selection;
    drop(m);

    html! {
        <main id="app" aria-label="ZabScope">
            <header class="topbar">
                <div class="row">
                    <h1>{"ZabScope"}</h1>
                    <Clock model={shared.clone()} clock_ms={clock.floor() as u64} {version} />
                    <Setup model={shared.clone()} {rev} dispatch={dispatch.clone()} />
                </div>
                <Controls model={shared.clone()} {rev} dispatch={dispatch.clone()} />
                <ViolationAlert model={shared.clone()} {rev} dispatch={dispatch.clone()} />
            </header>
            <div class="workspace">
                <aside class="col-left">
                    <Tour />
                    <SelectionPanel model={shared.clone()} {rev} dispatch={dispatch.clone()} />
                    <ClientPanel model={shared.clone()} {rev} dispatch={dispatch.clone()} />
                </aside>
                <section class="ring-panel" aria-label="Cluster ring">
                    <Ring model={shared.clone()} {version} {rev} {clock} {selection} dispatch={dispatch.clone()} />
                    <Legend />
                </section>
                <aside class="col-right">
                    <EventPanel model={shared.clone()} {rev} dispatch={dispatch.clone()} />
                    <PendingPanel model={shared.clone()} {rev} dispatch={dispatch.clone()} />
                </aside>
                <Dock model={shared.clone()} {rev} {clock} dispatch={dispatch.clone()} />
            </div>
        </main>
    }
}
