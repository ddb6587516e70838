//! Help: a guided tour for first-time visitors (a few steps that point at the ring,
//! the controls, the time slider and the logs; dismissible, remembered in
//! localStorage, reachable again from the "Tour" button) and the keyboard-shortcuts
//! dialog (`?`, or the "Keys" button; Escape closes it).
//!
//! The tour card sits in the page flow (it never covers a control); the part of the
//! page it talks about gets an outline.

use std::borrow::Cow;
use std::cell::RefCell;

use crate::t;
use gloo_events::{EventListener, EventListenerOptions, EventListenerPhase};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::state::storage;
use crate::widgets::tabs::{open_tab, tab_for_key};

/// localStorage key remembering that the tour was finished or dismissed.
pub const TOUR_KEY: &str = "zabscope.tour";
/// Attribute that outlines the tour step's target.
const TARGET_ATTR: &str = "data-tour-target";

/// What each step points at (a CSS selector), in order.
const TARGETS: [&str; 5] = [
    ".ring-panel",
    ".controls",
    ".scrub-label",
    "[data-view=\"dock\"]",
    ".help-buttons",
];

/// Step `i`'s title and text, in the page's language.
fn step_words(i: usize) -> (Cow<'static, str>, Cow<'static, str>) {
    match i {
        0 => (t!("tour.1.title"), t!("tour.1.text")),
        1 => (t!("tour.2.title"), t!("tour.2.text")),
        2 => (t!("tour.3.title"), t!("tour.3.text")),
        3 => (t!("tour.4.title"), t!("tour.4.text")),
        _ => (t!("tour.5.title"), t!("tour.5.text")),
    }
}

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
    let card_ref = use_node_ref();
    // What had focus when the tour was opened: it gets it back when the tour closes.
    let opener = use_mut_ref(|| None::<web_sys::HtmlElement>);
    {
        let step = step.clone();
        let next_ref = next_ref.clone();
        let opener = opener.clone();
        use_effect_with((), move |_| {
            let open = Callback::from(move |_: ()| {
                *opener.borrow_mut() = active_element();
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
            outline(s.and_then(|i| TARGETS.get(i).copied()));
            || outline(None)
        });
    }
    let Some(i) = *step else {
        return html! {};
    };
    if i >= TARGETS.len() {
        return html! {};
    }
    let (title, text) = step_words(i);
    let finish = {
        let step = step.clone();
        let opener = opener.clone();
        move || {
            remember_done();
            step.set(None);
            restore_focus(&opener);
        }
    };
    let close = {
        let finish = finish.clone();
        Callback::from(move |_: MouseEvent| finish())
    };
    // Escape closes the tour; Tab and Shift+Tab go round its buttons.
    let on_key = {
        let finish = finish.clone();
        let card_ref = card_ref.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                e.stop_propagation();
                finish();
            } else if let Some(card) = card_ref.cast::<web_sys::Element>() {
                trap_tab(&e, &card);
            }
        })
    };
    let back = {
        let step = step.clone();
        Callback::from(move |_: MouseEvent| step.set(Some(i.saturating_sub(1))))
    };
    let next = {
        let step = step.clone();
        Callback::from(move |_: MouseEvent| {
            if i + 1 < TARGETS.len() {
                step.set(Some(i + 1));
            } else {
                finish();
            }
        })
    };
    let last = i + 1 == TARGETS.len();
    html! {
        <section class="panel tour" aria-label={t!("tour.aria")} data-view="tour" data-step={(i + 1).to_string()}
                 ref={card_ref} onkeydown={on_key}>
            <h2>{t!("tour.title")}<span class="count">{t!("tour.step", n = i + 1, total = TARGETS.len())}</span></h2>
            <h3 aria-live="polite">{title}</h3>
            <p>{text}</p>
            <div class="buttons">
                if i > 0 {
                    <button onclick={back}>{t!("tour.back")}</button>
                }
                <button class="primary" ref={next_ref} onclick={next}>{ if last { t!("tour.done") } else { t!("tour.next") } }</button>
                <button onclick={close} aria-label={t!("tour.close_aria")}>{t!("tour.close")}</button>
            </div>
        </section>
    }
}

/// Every key the app answers, for the dialog: (key, what it does).
fn shortcuts() -> [(Cow<'static, str>, Cow<'static, str>); 14] {
    [
        (t!("keys.space"), t!("keys.play")),
        (t!("keys.n_or_right"), t!("keys.step")),
        (t!("keys.b_or_left"), t!("keys.back")),
        ("K".into(), t!("keys.kill")),
        ("W".into(), t!("keys.write")),
        ("H".into(), t!("keys.heal")),
        ("R".into(), t!("keys.reset")),
        ("1 – 9".into(), t!("keys.select")),
        ("Esc".into(), t!("keys.escape")),
        ("Shift+L / I / T".into(), t!("keys.tabs1")),
        ("Shift+V / G / M".into(), t!("keys.tabs2")),
        (t!("keys.in_tabs"), t!("keys.move_tabs")),
        (t!("keys.on_arrow"), t!("keys.move_packets")),
        ("?".into(), t!("keys.toggle")),
    ]
}

/// The help buttons (header) and the keyboard-shortcuts dialog.
#[function_component(Help)]
pub fn help() -> Html {
    let open = use_state(|| false);
    let open_now = use_mut_ref(|| false);
    *open_now.borrow_mut() = *open;
    let close_ref = use_node_ref();
    let dialog_ref = use_node_ref();
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
    // Tab and Shift+Tab stay in the dialog while it is open.
    let trap_dialog = {
        let dialog_ref = dialog_ref.clone();
        Callback::from(move |e: KeyboardEvent| {
            if let Some(d) = dialog_ref.cast::<web_sys::Element>() {
                trap_tab(&e, &d);
            }
        })
    };
    let tour = Callback::from(|_: MouseEvent| {
        let cb = OPEN_TOUR.with(|c| c.borrow().clone());
        if let Some(cb) = cb {
            cb.emit(());
        }
    });
    html! {
        <span class="help-buttons" role="group" aria-label={t!("help.aria")}>
            <button onclick={tour} title={t!("help.tour_title")}>{t!("help.tour")}</button>
            <button onclick={toggle} aria-keyshortcuts="?" aria-haspopup="dialog" aria-expanded={open.to_string()}
                    aria-label={t!("help.keys_aria")} title={t!("help.keys_title")}>{t!("help.keys")}<kbd>{"?"}</kbd></button>
            if *open {
                <section class="dialog shortcuts" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title" data-view="shortcuts"
                         ref={dialog_ref.clone()} onkeydown={trap_dialog}>
                    <div class="dialog-head">
                        <h2 id="shortcuts-title">{t!("help.dialog_title")}</h2>
                        <button ref={close_ref} class="close" aria-label={t!("help.close_aria")} onclick={close}>{"✕"}</button>
                    </div>
                    <table class="keys">
                        <tbody>
                            { for shortcuts().into_iter().map(|(k, what)| html! {
                                <tr><th scope="row"><kbd>{k}</kbd></th><td>{what}</td></tr>
                            }) }
                        </tbody>
                    </table>
                    <p class="hint">{t!("help.hint")}</p>
                </section>
            }
        </span>
    }
}

/// Keeps Tab and Shift+Tab among `container`'s buttons and links: from the last the
/// focus goes round to the first, and back.
fn trap_tab(e: &KeyboardEvent, container: &web_sys::Element) {
    if e.key() != "Tab" {
        return;
    }
    let Ok(list) = container.query_selector_all("button, a[href], input, select") else {
        return;
    };
    let items: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        return;
    };
    let active = active_element();
    let at = |el: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == el);
    let inside = active
        .as_ref()
        .is_some_and(|a| container.contains(Some(a.as_ref())));
    let to = if e.shift_key() && (at(first) || !inside) {
        last
    } else if !e.shift_key() && (at(last) || !inside) {
        first
    } else {
        return;
    };
    e.prevent_default();
    let _ = to.focus();
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
