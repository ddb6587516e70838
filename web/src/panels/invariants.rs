//! The invariants panel (every invariant of spec §12 the checker watches, with its
//! status, the first violation highlighted and a button that travels to the moment
//! it broke) and the bug lab (a catalogued historical ZooKeeper bug: what it was, how
//! it was fixed, its preset run with the bug on, and the same run on the fix).

use std::rc::Rc;

use yew::prelude::*;
use zab_core::Time;

use crate::engine::inspect::{bug_catalogue, BugView, InvariantRow};
use crate::engine::views::ViolationView;
use crate::state::model::{Model, Msg};
use crate::state::presets::{BUG_PREFIX, FIXED_SUFFIX};

/// What the invariants panel and the bug lab show.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckData {
    /// Every invariant with its violations so far.
    rows: Vec<InvariantRow>,
    /// Simulated time now.
    now: Time,
    /// The scenario's end.
    run_until: Time,
    /// The built-in scenario's menu value, if one is running.
    preset: Option<String>,
    playing: bool,
}

impl CheckData {
    /// Read from the model.
    pub fn read(m: &Model) -> CheckData {
        CheckData {
            rows: m.engine.invariant_rows(),
            now: m.engine.now(),
            run_until: m.engine.scenario().run_until_ms,
            preset: m.preset.clone(),
            playing: m.playing,
        }
    }

    /// The earliest violation of the run.
    fn first(&self) -> Option<&ViolationView> {
        self.rows
            .iter()
            .flat_map(|r| r.violations.iter())
            .min_by_key(|v| v.order)
    }
}

/// Props of the invariants panel and the bug lab.
#[derive(Properties, Clone, PartialEq)]
pub struct CheckProps {
    /// What they show (they render only when this changed).
    pub data: Rc<CheckData>,
    /// Sends a message to the model.
    pub dispatch: Callback<Msg>,
}

fn servers(list: &[u32]) -> String {
    match list.len() {
        0 => "the cluster".into(),
        1 => format!("server {}", list[0]),
        _ => format!(
            "servers {}",
            list.iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn jump(
    v: &ViolationView,
    text: String,
    label: String,
    class: &'static str,
    d: &Callback<Msg>,
) -> Html {
    let at = v.at_ms;
    let d = d.clone();
    html! {
        <button class={class} aria-label={label} title={format!("Travel to t = {at} ms, right after the step that broke {}", v.invariant)}
                onclick={Callback::from(move |_: MouseEvent| d.emit(Msg::Seek(at)))}>{text}</button>
    }
}

/// The invariants panel.
#[function_component(Invariants)]
pub fn invariants(p: &CheckProps) -> Html {
    let rows = &p.data.rows;
    let first = p.data.first();
    let violated = rows.iter().filter(|r| !r.violations.is_empty()).count();
    let now = p.data.now;
    let d = &p.dispatch;
    html! {
        <section class="panel invariants" aria-label="Invariants" data-view="invariants" data-violated={violated.to_string()}>
            <h2>{"Invariants"}
                <span class="count">{format!("{} checked after every step · {} · t = {now} ms", rows.len(),
                    if violated == 0 { "all hold".to_string() } else { format!("{violated} violated") })}</span>
            </h2>
            { match first {
                Some(v) => html! {
                    <div class="first-violation" data-first-violation={v.invariant.clone()} data-at-ms={v.at_ms.to_string()}>
                        <p><strong>{format!("⚠ First violation: {} {} at t = {} ms", v.invariant, v.name, v.at_ms)}</strong>
                           {format!(" ({}). ", servers(&v.servers))}{v.detail.clone()}</p>
                        { jump(v, "Jump to the moment it broke".into(), "Jump to the moment it broke".into(), "primary", d) }
                    </div>
                },
                None => html! {
                    <p class="all-clear" data-first-violation="">{format!("✓ No invariant has broken in this run so far (t = {now} ms).")}</p>
                },
            } }
            <ul class="inv-list">
                { for rows.iter().map(|r| {
                    let v = r.violations.first();
                    let status = if v.is_some() { "violated" } else { "ok" };
                    let is_first = first.as_ref().is_some_and(|f| f.invariant == r.id);
                    html! {
                        <li class={classes!("inv", status, is_first.then_some("first"))} data-invariant={r.id} data-status={status}
                            data-at-ms={v.map(|v| v.at_ms.to_string()).unwrap_or_default()} title={r.summary}>
                            <span class="inv-status">{ match v { Some(v) => format!("✗ violated at {} ms", v.at_ms), None => "✓ OK".into() } }</span>
                            <span class="inv-id">{r.id}</span>
                            <span class="inv-name">{r.name}</span>
                            <span class="inv-summary">{ match v {
                                Some(v) => format!("{} ({})", v.detail, servers(&v.servers)),
                                None => r.summary.to_string(),
                            } }</span>
                            if let Some(v) = v {
                                { if is_first { html! {} } else { jump(v, "Jump".into(), format!("Jump to {} at {} ms", r.id, v.at_ms), "small", d) } }
                            }
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

/// Which bug (and whether its fix) a scenario menu value loads.
fn loaded_bug(preset: Option<&str>) -> Option<(String, bool)> {
    let rest = preset?.strip_prefix(BUG_PREFIX)?;
    Some(match rest.strip_suffix(FIXED_SUFFIX) {
        Some(id) => (id.to_string(), true),
        None => (rest.to_string(), false),
    })
}

/// The bug lab.
#[function_component(BugLab)]
pub fn bug_lab(p: &CheckProps) -> Html {
    let catalogue = use_memo((), |_| bug_catalogue());
    let chosen = use_state(|| None::<String>);
    let data = &p.data;
    let loaded = loaded_bug(data.preset.as_deref());
    let id = (*chosen)
        .clone()
        .or_else(|| loaded.as_ref().map(|(id, _)| id.clone()))
        .unwrap_or_else(|| {
            catalogue
                .first()
                .map_or(String::new(), |b| b.id.to_string())
        });
    let Some(bug): Option<&BugView> = catalogue.iter().find(|b| b.id == id) else {
        return html! {};
    };
    let running = loaded
        .as_ref()
        .filter(|(l, _)| *l == id)
        .map(|(_, fixed)| *fixed);
    let d = &p.dispatch;
    let playing = data.playing;
    let load = |fixed: bool| {
        let d = d.clone();
        let value = format!(
            "{BUG_PREFIX}{}{}",
            bug.id,
            if fixed { FIXED_SUFFIX } else { "" }
        );
        Callback::from(move |_: MouseEvent| {
            d.emit(Msg::Preset(value.clone()));
            if !playing {
                d.emit(Msg::TogglePlay);
            }
        })
    };
    let on_choose = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            use wasm_bindgen::JsCast;
            if let Some(s) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
            {
                chosen.set(Some(s.value()));
            }
        })
    };
    let (now, run_until) = (data.now, data.run_until);
    let expected = data
        .rows
        .iter()
        .find(|r| r.id == bug.invariant)
        .and_then(|r| r.violations.first());
    let status = lab_status(bug, running, data.first(), expected, now, run_until);
    let skip = (running.is_some() && now < run_until).then(|| {
        let d = d.clone();
        let ms = run_until - now;
        html! {
            <button onclick={Callback::from(move |_: MouseEvent| d.emit(Msg::Skip(ms)))}
                    title="Run the rest of the scenario at once">{format!("Run to the end (t = {} s)", run_until / 1000)}</button>
        }
    });
    html! {
        <section class="panel bug-lab" aria-label="Bug lab" data-view="bug-lab" data-bug={bug.id}
                 data-expected={bug.invariant}
                 data-fixed={running.map(|f| f.to_string()).unwrap_or_default()}>
            <h2>{"Bug lab"}
                <label class="lab-pick">{"Bug"}
                    <select aria-label="Bug" onchange={on_choose}>
                        { for catalogue.iter().map(|b| html! {
                            <option value={b.id} selected={b.id == id}>{format!("{}: {}", b.id, b.title)}</option>
                        }) }
                    </select>
                </label>
            </h2>
            <div class="lab-grid">
                <div class="lab-text">
                    <h3>{format!("{}: {}", bug.id, bug.title)}<span class="tag">{format!("fixed in {}", bug.fixed_in)}</span></h3>
                    <p>{bug.explanation}</p>
                    <p class="hint"><strong>{"Scenario: "}</strong>{bug.scenario.clone()}</p>
                </div>
                <div class="lab-run">
                    <p class="expect">{"The checker should catch it with "}<strong>{format!("{} {}", bug.invariant, bug.invariant_name)}</strong>{"."}</p>
                    <div class="buttons">
                        <button class={classes!("danger", (running == Some(false)).then_some("current"))} onclick={load(false)}
                                aria-pressed={(running == Some(false)).to_string()}>{"Run with the bug"}</button>
                        <button class={classes!("primary", (running == Some(true)).then_some("current"))} onclick={load(true)}
                                aria-pressed={(running == Some(true)).to_string()}>{"Compare with the fix"}</button>
                        {skip.unwrap_or_default()}
                    </div>
                    {status}
                </div>
            </div>
        </section>
    }
}

/// One line of the lab's verdict: `kind` is `ok`, `other`, `pending` or `clean`;
/// `data-caught` names the invariant that broke (empty: none).
fn caught(kind: &'static str, invariant: &str, body: Html) -> Html {
    html! { <p class={classes!("caught", kind)} data-caught={invariant.to_string()}>{body}</p> }
}

/// What the loaded run shows: with the bug, whether the catalogued invariant broke;
/// with the fix, whether anything broke.
fn lab_status(
    bug: &BugView,
    running: Option<bool>,
    first: Option<&ViolationView>,
    expected: Option<&ViolationView>,
    now: Time,
    run_until: Time,
) -> Html {
    match running {
        None => html! {
            <p class="hint" data-run="none">{"Not loaded: press “Run with the bug” to load its scenario and play it."}</p>
        },
        Some(false) => {
            let verdict = match (expected, first) {
                (Some(v), _) => caught(
                    "ok",
                    &v.invariant,
                    html! { <>
                        <strong>{format!("✓ Caught: {} {} broke at t = {} ms", v.invariant, v.name, v.at_ms)}</strong>
                        {format!(", the invariant the catalogue names. {}", v.detail)}
                    </> },
                ),
                (None, Some(v)) => caught(
                    "other",
                    &v.invariant,
                    html! {
                        {format!("⚠ {} {} broke first (t = {} ms); {} has not broken yet.", v.invariant, v.name, v.at_ms, bug.invariant)}
                    },
                ),
                (None, None) => caught(
                    "pending",
                    "",
                    html! {
                        {format!("Watching: no violation yet (t = {now} of {run_until} ms). Keep playing; the checker runs after every step.")}
                    },
                ),
            };
            html! { <div class="lab-status" data-run="bug">
                <p>{format!("Running with {} switched back on.", bug.id)}</p>
                {verdict}
            </div> }
        }
        Some(true) => {
            let verdict = match first {
                Some(v) => caught(
                    "other",
                    &v.invariant,
                    html! {
                        {format!("⚠ Even with the fix, {} {} broke at t = {} ms: {}", v.invariant, v.name, v.at_ms, v.detail)}
                    },
                ),
                None if now >= run_until => caught(
                    "clean",
                    "",
                    html! { <>
                        <strong>{"✓ Clean: "}</strong>{format!("the whole run (to t = {run_until} ms) broke no invariant with the fix.")}
                    </> },
                ),
                None => caught(
                    "clean",
                    "",
                    html! {
                        {format!("✓ No violation so far (t = {now} of {run_until} ms) with the fix.")}
                    },
                ),
            };
            html! { <div class="lab-status" data-run="fixed">
                <p>{format!("Running the same scenario on the fixed baseline ({} off).", bug.id)}</p>
                {verdict}
            </div> }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_values_name_the_bug_and_the_fix() {
        assert_eq!(
            loaded_bug(Some("bug:ZK-3911")),
            Some(("ZK-3911".into(), false))
        );
        assert_eq!(
            loaded_bug(Some("bug:ZK-3911:fixed")),
            Some(("ZK-3911".into(), true))
        );
        assert_eq!(loaded_bug(Some("leader-crash")), None);
        assert_eq!(loaded_bug(None), None);
    }
}
