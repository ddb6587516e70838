//! The bottom dock: tabs that switch between the logs, the server inspector, the
//! space-time diagram, the invariants, the bug lab and the monitor. The panels read the engine's
//! views (the inspector and the diagram its trace store, see `engine::inspect`).

use std::rc::Rc;

use crate::t;
use yew::prelude::*;

use crate::panels::inspector::{Inspector, InspectorData};
use crate::panels::invariants::{BugLab, CheckData, Invariants};
use crate::panels::logs::{LogsData, LogsPanel};
use crate::panels::monitor::{MonitorData, MonitorPanel};
use crate::panels::spacetime::SpaceTime;
use crate::panels::tour::Help;
use crate::state::model::{Msg, Shared};
use crate::widgets::tabs::{self, Tab};

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

/// The dock.
#[function_component(Dock)]
pub fn dock(p: &DockProps) -> Html {
    let tab = use_state(tabs::shown);
    use_effect_with(*tab, |t| tabs::set_shown(*t));
    {
        let tab = tab.clone();
        use_effect_with((), move |_| {
            let set = Callback::from(move |t: Tab| tab.set(t));
            tabs::set_opener(Some(set));
            || tabs::set_opener(None)
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
            html! { <span class="tab-badge" aria-label={t!("tab.violated", count = violations)}>{format!("⚠ {violations}")}</span> }
        });
        html! {
            <button role="tab" id={format!("dock-tab-{}", t.attr())} class={classes!("dock-tab", selected.then_some("active"))}
                    aria-selected={selected.to_string()} aria-controls="dock-panel"
                    aria-keyshortcuts={format!("Shift+{}", t.key())}
                    title={t!("dock.tab_title", tab = t.label(), key = t.key())}
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
    // The logs, invariants, bug lab and monitor compare their data; the inspector and the
    // space-time diagram read the model and re-render when the UI or the simulation
    // changed.
    let (d, model, rev) = (p.dispatch.clone(), p.model.clone(), p.rev + p.sim);
    let body = match current {
        Tab::Logs => {
            let data = Rc::new(LogsData::read(&p.model.0.borrow()));
            html! { <LogsPanel {data} dispatch={d} /> }
        }
        Tab::Inspector => {
            let data = Rc::new(InspectorData::read(&p.model.0.borrow()));
            html! { <Inspector {data} dispatch={d} /> }
        }
        Tab::SpaceTime => {
            html! { <SpaceTime {model} {rev} dispatch={d} /> }
        }
        Tab::Invariants => {
            let data = Rc::new(CheckData::read(&p.model.0.borrow()));
            html! { <Invariants {data} dispatch={d} /> }
        }
        Tab::BugLab => {
            let data = Rc::new(CheckData::read(&p.model.0.borrow()));
            html! { <BugLab {data} dispatch={d} /> }
        }
        Tab::Monitor => {
            let data = Rc::new(MonitorData::read(&p.model.0.borrow()));
            html! { <MonitorPanel {data} /> }
        }
    };
    html! {
        <div class={classes!("dock", (current != Tab::Logs).then_some("tall"))} data-view="dock" data-tab={current.attr()}>
            <div class="dock-head">
                <div class="dock-tabs" role="tablist" aria-label={t!("dock.tabs")}>
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
