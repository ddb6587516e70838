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
use crate::panels::spacetime::{SpaceTime, SpaceTimeReaders};
use crate::panels::tour::Help;
use crate::playback::Reader;
use crate::state::model::{Msg, Shared};
use crate::widgets::tabs::{self, Tab};

/// What the dock's tabs draw, each read only while its tab is shown.
#[derive(Clone, PartialEq)]
pub struct DockReaders {
    /// The invariant violations so far (the Invariants tab's badge).
    pub violations: Reader<(), usize>,
    /// The Logs tab.
    pub logs: Reader<(), LogsData>,
    /// The Inspector tab.
    pub inspector: Reader<(), InspectorData>,
    /// The Invariants and Bug lab tabs.
    pub check: Reader<(), CheckData>,
    /// The Monitor tab.
    pub monitor: Reader<(), MonitorData>,
    /// The Space-time tab.
    pub spacetime: SpaceTimeReaders,
}

impl DockReaders {
    /// The readers of `model`.
    pub fn new(model: &Shared) -> DockReaders {
        DockReaders {
            violations: Reader::new(model, |m, _| m.engine.violation_count()),
            logs: Reader::new(model, |m, _| LogsData::read(m)),
            inspector: Reader::new(model, |m, _| InspectorData::read(m)),
            check: Reader::new(model, |m, _| CheckData::read(m)),
            monitor: Reader::new(model, |m, _| MonitorData::read(m)),
            spacetime: SpaceTimeReaders::new(model),
        }
    }
}

/// Props of the dock.
#[derive(Properties, Clone, PartialEq)]
pub struct DockProps {
    /// What its tabs draw.
    pub data: DockReaders,
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
    let violations = p.data.violations.read(&());
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
    // space-time diagram re-render when the UI or the simulation changed.
    let (d, data, rev) = (p.dispatch.clone(), &p.data, p.rev + p.sim);
    let body = match current {
        Tab::Logs => html! { <LogsPanel data={Rc::new(data.logs.read(&()))} dispatch={d} /> },
        Tab::Inspector => {
            html! { <Inspector data={Rc::new(data.inspector.read(&()))} dispatch={d} /> }
        }
        Tab::SpaceTime => {
            html! { <SpaceTime data={data.spacetime.clone()} {rev} dispatch={d} /> }
        }
        Tab::Invariants => {
            html! { <Invariants data={Rc::new(data.check.read(&()))} dispatch={d} /> }
        }
        Tab::BugLab => html! { <BugLab data={Rc::new(data.check.read(&()))} dispatch={d} /> },
        Tab::Monitor => html! { <MonitorPanel data={Rc::new(data.monitor.read(&()))} /> },
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
