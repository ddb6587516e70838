//! Help: a guided tour for first-time visitors (a few steps that point at the ring,
//! the controls, the time slider and the logs; dismissible, remembered in
//! localStorage, reachable again from the "Tour" button) and the keyboard-shortcuts
//! dialog (`?`, or the "Keys" button; Escape closes it).
//!
//! The tour card sits in the page flow (it never covers a control); the part of the
//! page it talks about gets an outline.

use std::cell::RefCell;

use gloo_events::{EventListener, EventListenerOptions, EventListenerPhase};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::state::storage;
use crate::widgets::tabs::{open_tab, tab_for_key};

/// localStorage key remembering that the tour was finished or dismissed.
pub const TOUR_KEY: &str = "zabscope.tour";
/// Attribute that outlines the tour step's target.
const TARGET_ATTR: &str = "data-tour-target";

/// One step: what it points at (a CSS selector), a title and the text.
struct Step {
    target: &'static str,
    title: &'static str,
    text: &'static str,
}

const STEPS: [Step; 5] = [
    Step {
        target: ".ring-panel",
        title: "The cluster",
        text: "Each shape is a server: dashed diamond LOOKING, circle FOLLOWER, crown LEADER, square OBSERVER. Boxes flying between them are packets. Click a server (or press its number) to select it.",
    },
    Step {
        target: ".controls",
        title: "Drive it",
        text: "Play/pause (Space), step (N), kill the leader (K), write (W), heal links (H), reset (R). A selected server gets Crash, Restart and Isolate buttons.",
    },
    Step {
        target: ".scrub-label",
        title: "Travel in time",
        text: "Drag the Time slider, or press B / ←, to look at any past moment. Acting there forks history.",
    },
    Step {
        target: "[data-view=\"dock\"]",
        title: "Logs, and why",
        text: "Every server's txn log and snapshots. The other tabs answer “why”: Inspector (durable vs volatile state), Space-time (every packet), Invariants, Bug lab.",
    },
    Step {
        target: ".help-buttons",
        title: "Help at any time",
        text: "Press ? for every keyboard shortcut; Tour replays this guide.",
    },
];

fn tour_done() -> bool {
    storage::get(TOUR_KEY).is_some()
}

fn remember_done() {
    storage::set(TOUR_KEY, "done");
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// Outlines `selector`'s element (and only it).
fn outline(selector: Option<&str>) {
    let Some(doc) = document() else { return };
    for _ in 0..8 {
        match doc
            .query_selector(&format!("[{TARGET_ATTR}]"))
            .ok()
            .flatten()
        {
            Some(el) => {
                let _ = el.remove_attribute(TARGET_ATTR);
            }
            None => break,
        }
    }
    if let Some(el) = selector.and_then(|s| doc.query_selector(s).ok().flatten()) {
        let _ = el.set_attribute(TARGET_ATTR, "");
    }
}

thread_local! {
    static OPEN_TOUR: RefCell<Option<Callback<()>>> = const { RefCell::new(None) };
}

/// The tour card (in the left column).
#[function_component(Tour)]
pub fn tour() -> Html {
    let step = use_state(|| (!tour_done()).then_some(0usize));
    let next_ref = use_node_ref();
    {
        let step = step.clone();
        let next_ref = next_ref.clone();
        use_effect_with((), move |_| {
            let open = Callback::from(move |_: ()| {
                step.set(Some(0));
                let next_ref = next_ref.clone();
                // Focus the card once it is drawn (the user asked for it).
                gloo_timers::callback::Timeout::new(0, move || {
                    if let Some(el) = next_ref.cast::<web_sys::HtmlElement>() {
                        let _ = el.focus();
                    }
                })
                .forget();
            });
            OPEN_TOUR.with(|c| *c.borrow_mut() = Some(open));
            || OPEN_TOUR.with(|c| *c.borrow_mut() = None)
        });
    }
    {
        use_effect_with(*step, |s| {
            outline(s.and_then(|i| STEPS.get(i)).map(|st| st.target));
            || outline(None)
        });
    }
    let Some(i) = *step else {
        return html! {};
    };
    let Some(current) = STEPS.get(i) else {
        return html! {};
    };
    let close = {
        let step = step.clone();
        Callback::from(move |_: MouseEvent| {
            remember_done();
            step.set(None);
        })
    };
    let back = {
        let step = step.clone();
        Callback::from(move |_: MouseEvent| step.set(Some(i.saturating_sub(1))))
    };
    let next = {
        let step = step.clone();
        Callback::from(move |_: MouseEvent| {
            if i + 1 < STEPS.len() {
                step.set(Some(i + 1));
            } else {
                remember_done();
                step.set(None);
            }
        })
    };
    let last = i + 1 == STEPS.len();
    html! {
        <section class="panel tour" aria-label="Guided tour" data-view="tour" data-step={(i + 1).to_string()}>
            <h2>{"Guided tour"}<span class="count">{format!("step {} of {}", i + 1, STEPS.len())}</span></h2>
            <h3 aria-live="polite">{current.title}</h3>
            <p>{current.text}</p>
            <div class="buttons">
                if i > 0 {
                    <button onclick={back}>{"‹ Back"}</button>
                }
                <button class="primary" ref={next_ref} onclick={next}>{ if last { "Done" } else { "Next ›" } }</button>
                <button onclick={close} aria-label="Close the tour">{"Close tour"}</button>
            </div>
        </section>
    }
}

/// Every key the app answers, for the dialog.
const SHORTCUTS: [(&str, &str); 14] = [
    ("Space", "play / pause"),
    ("N or →", "step to the next event"),
    ("B or ←", "back 1 simulated second (time travel)"),
    ("K", "kill the active leader"),
    ("W", "a client writes to the leader"),
    ("H", "heal every link"),
    ("R", "reset: the same run from t = 0"),
    ("1 – 9", "select a server; a second number selects the link"),
    ("Esc", "clear the selection (or close this dialog)"),
    ("Shift+L / I / T", "show Logs / Inspector / Space-time"),
    ("Shift+V / G", "show Invariants / Bug lab"),
    ("← → in the tabs", "move between the tabs"),
    (
        "← → on a packet arrow",
        "move between packets; Enter travels to its send time",
    ),
    ("?", "show or hide this list"),
];

/// The help buttons (header) and the keyboard-shortcuts dialog.
#[function_component(Help)]
pub fn help() -> Html {
    let open = use_state(|| false);
    let open_now = use_mut_ref(|| false);
    *open_now.borrow_mut() = *open;
    let close_ref = use_node_ref();
    let opener = use_mut_ref(|| None::<web_sys::HtmlElement>);

    // The set of keys this component answers: `?`, Escape while open, Shift+letter tabs.
    {
        let open = open.clone();
        let open_now = open_now.clone();
        let opener = opener.clone();
        use_effect_with((), move |_| {
            // Capture phase, so that an open dialog can hold the app's shortcuts back.
            let options = EventListenerOptions {
                phase: EventListenerPhase::Capture,
                passive: false,
            };
            let listener = web_sys::window().map(|w| {
                EventListener::new_with_options(&w, "keydown", options, move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else {
                        return;
                    };
                    if e.ctrl_key() || e.meta_key() || e.alt_key() || e.repeat() {
                        return;
                    }
                    let tag = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .map(|t| t.tag_name().to_ascii_lowercase())
                        .unwrap_or_default();
                    if matches!(tag.as_str(), "input" | "select" | "textarea") {
                        return;
                    }
                    let key = e.key();
                    let is_open = *open_now.borrow();
                    if key == "?" || (is_open && key == "Escape") {
                        e.prevent_default();
                        e.stop_propagation();
                        if !is_open {
                            *opener.borrow_mut() = active_element();
                        }
                        open.set(!is_open);
                        if is_open {
                            restore_focus(&opener);
                        }
                        return;
                    }
                    if is_open {
                        // A dialog is up: the app's shortcuts wait (Tab, Enter and Space
                        // still work on the dialog's buttons).
                        if !matches!(key.as_str(), "Tab" | "Enter" | " ") {
                            e.stop_propagation();
                        }
                        return;
                    }
                    if e.shift_key() {
                        if let Some(tab) = tab_for_key(&key) {
                            e.prevent_default();
                            e.stop_propagation();
                            open_tab(tab);
                        }
                    }
                })
            });
            move || drop(listener)
        });
    }
    // Focus the dialog's close button when it opens.
    {
        let close_ref = close_ref.clone();
        use_effect_with(*open, move |o| {
            if *o {
                if let Some(el) = close_ref.cast::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    }
    let toggle = {
        let open = open.clone();
        let opener = opener.clone();
        Callback::from(move |_: MouseEvent| {
            if !*open {
                *opener.borrow_mut() = active_element();
            }
            open.set(!*open);
        })
    };
    let close = {
        let open = open.clone();
        let opener = opener.clone();
        Callback::from(move |_: MouseEvent| {
            open.set(false);
            restore_focus(&opener);
        })
    };
    let tour = Callback::from(|_: MouseEvent| {
        let cb = OPEN_TOUR.with(|c| c.borrow().clone());
        if let Some(cb) = cb {
            cb.emit(());
        }
    });
    html! {
        <span class="help-buttons" role="group" aria-label="Help">
            <button onclick={tour} title="Replay the guided tour">{"Tour"}</button>
            <button onclick={toggle} aria-keyshortcuts="?" aria-haspopup="dialog" aria-expanded={open.to_string()}
                    aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">{"Keys"}<kbd>{"?"}</kbd></button>
            if *open {
                <section class="dialog shortcuts" role="dialog" aria-labelledby="shortcuts-title" data-view="shortcuts">
                    <div class="dialog-head">
                        <h2 id="shortcuts-title">{"Keyboard shortcuts"}</h2>
                        <button ref={close_ref} class="close" aria-label="Close keyboard shortcuts" onclick={close}>{"✕"}</button>
                    </div>
                    <table class="keys">
                        <tbody>
                            { for SHORTCUTS.iter().map(|(k, what)| html! {
                                <tr><th scope="row"><kbd>{*k}</kbd></th><td>{*what}</td></tr>
                            }) }
                        </tbody>
                    </table>
                    <p class="hint">{"Keys are ignored while you type in a field. Esc or ? closes this list."}</p>
                </section>
            }
        </span>
    }
}

fn active_element() -> Option<web_sys::HtmlElement> {
    document()?
        .active_element()?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

fn restore_focus(opener: &std::rc::Rc<RefCell<Option<web_sys::HtmlElement>>>) {
    if let Some(el) = opener.borrow_mut().take() {
        let _ = el.focus();
    }
}
