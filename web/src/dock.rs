//! The bottom dock: tabs that switch between the logs, the server inspector, the
//! space-time diagram, the invariants and the bug lab. The panels read the engine's
//! views (the inspector and the diagram its trace store, see `engine::inspect`).

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::inspector::Inspector;
use crate::invariants::{BugLab, Invariants};
use crate::logs::{LogsData, LogsPanel};
use crate::model::{Msg, Shared};
use crate::spacetime::SpaceTime;
use crate::tour::Help;

/// The dock's tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// Every server's log.
    Logs,
    /// The selected server, durable vs volatile, and why.
    Inspector,
    /// The sequence diagram.
    SpaceTime,
    /// The invariant checker.
    Invariants,
    /// Historical bugs.
    BugLab,
}

impl Tab {
    const ALL: [Tab; 5] = [
        Tab::Logs,
        Tab::Inspector,
        Tab::SpaceTime,
        Tab::Invariants,
        Tab::BugLab,
    ];

    fn label(self) -> &'static str {
        match self {
            Tab::Logs => "Logs",
            Tab::Inspector => "Inspector",
            Tab::SpaceTime => "Space-time",
            Tab::Invariants => "Invariants",
            Tab::BugLab => "Bug lab",
        }
    }

    /// `data-tab` value and element id suffix.
    fn attr(self) -> &'static str {
        match self {
            Tab::Logs => "logs",
            Tab::Inspector => "inspector",
            Tab::SpaceTime => "spacetime",
            Tab::Invariants => "invariants",
            Tab::BugLab => "bug-lab",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Tab::Logs => "L",
            Tab::Inspector => "I",
            Tab::SpaceTime => "T",
            Tab::Invariants => "V",
            Tab::BugLab => "G",
        }
    }
}

/// Props of the dock.
#[derive(Properties, Clone, PartialEq)]
pub struct DockProps {
    /// The model.
    pub model: Shared,
    /// UI revision: a message was handled.
    pub rev: u64,
    /// Generation of the simulated state the app rendered (changes at most a few
    /// times a second while playing).
    pub sim: u64,
    /// Sends a message to the model.
    pub dispatch: Callback<Msg>,
}

thread_local! {
    static OPEN_TAB: RefCell<Option<Callback<Tab>>> = const { RefCell::new(None) };
}

/// Shows a tab of the dock (from a keyboard shortcut or another panel).
pub fn open_tab(tab: Tab) {
    let cb = OPEN_TAB.with(|c| c.borrow().clone());
    if let Some(cb) = cb {
        cb.emit(tab);
    }
}

/// The tab a key opens (Shift + letter, so the plain letters stay the app's).
pub fn tab_for_key(key: &str) -> Option<Tab> {
    Tab::ALL.into_iter().find(|t| t.key() == key)
}

/// The dock.
#[function_component(Dock)]
pub fn dock(p: &DockProps) -> Html {
    let tab = use_state(|| Tab::Logs);
    {
        let tab = tab.clone();
        use_effect_with((), move |_| {
            let set = Callback::from(move |t: Tab| tab.set(t));
            OPEN_TAB.with(|c| *c.borrow_mut() = Some(set));
            || OPEN_TAB.with(|c| *c.borrow_mut() = None)
        });
    }
    let violations = p.model.0.borrow().engine.violation_count();
    let current = *tab;
    let tabs = Tab::ALL.iter().map(|t| {
        let t = *t;
        let selected = t == current;
        let onclick = {
            let tab = tab.clone();
            Callback::from(move |_: MouseEvent| tab.set(t))
        };
        let badge = (t == Tab::Invariants && violations > 0).then(|| {
            html! { <span class="tab-badge" aria-label={format!("{violations} violated")}>{format!("⚠ {violations}")}</span> }
        });
        html! {
            <button role="tab" id={format!("dock-tab-{}", t.attr())} class={classes!("dock-tab", selected.then_some("active"))}
                    aria-selected={selected.to_string()} aria-controls="dock-panel"
                    aria-keyshortcuts={format!("Shift+{}", t.key())}
                    title={format!("{} (Shift+{})", t.label(), t.key())}
                    tabindex={if selected { "0" } else { "-1" }} onclick={onclick}
                    onkeydown={
                        let tab = tab.clone();
                        Callback::from(move |e: KeyboardEvent| {
                            let i = Tab::ALL.iter().position(|x| *x == t).unwrap_or(0);
                            let next = match e.key().as_str() {
                                "ArrowRight" => Tab::ALL[(i + 1) % Tab::ALL.len()],
                                "ArrowLeft" => Tab::ALL[(i + Tab::ALL.len() - 1) % Tab::ALL.len()],
                                "Home" => Tab::ALL[0],
                                "End" => Tab::ALL[Tab::ALL.len() - 1],
                                _ => return,
                            };
                            // Arrows move between tabs here, not through time.
                            e.prevent_default();
                            e.stop_propagation();
                            tab.set(next);
                            focus_tab(next);
                        })
                    }>
                {t.label()}{badge}
            </button>
        }
    });
    // The logs panel compares its data; the others read the model and re-render when
    // the UI or the simulation changed.
    let (d, model, rev) = (p.dispatch.clone(), p.model.clone(), p.rev + p.sim);
    let body = match current {
        Tab::Logs => {
            let data = Rc::new(LogsData::read(&p.model.0.borrow()));
            html! { <LogsPanel {data} dispatch={d} /> }
        }
        Tab::Inspector => html! { <Inspector {model} {rev} dispatch={d} /> },
        Tab::SpaceTime => html! { <SpaceTime {model} {rev} dispatch={d} /> },
        Tab::Invariants => html! { <Invariants {model} {rev} dispatch={d} /> },
        Tab::BugLab => html! { <BugLab {model} {rev} dispatch={d} /> },
    };
    html! {
        <div class={classes!("dock", (current != Tab::Logs).then_some("tall"))} data-view="dock" data-tab={current.attr()}>
            <div class="dock-head">
                <div class="dock-tabs" role="tablist" aria-label="Panels">
                    { for tabs }
                </div>
                <Help />
            </div>
            <div id="dock-panel" class="dock-body" role="tabpanel"
                 aria-labelledby={format!("dock-tab-{}", current.attr())}>
                {body}
            </div>
        </div>
    }
}

fn focus_tab(t: Tab) {
    use wasm_bindgen::JsCast;
    let el = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&format!("dock-tab-{}", t.attr())))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(el) = el {
        let _ = el.focus();
    }
}
