//! The invariants panel (every invariant of spec §12 the checker watches, with its
//! status, the first violation highlighted and a button that travels to the moment
//! it broke) and the bug lab (a catalogued historical ZooKeeper bug: what it was, how
//! it was fixed, its preset run with the bug on, and the same run on the fix).

use std::rc::Rc;

use crate::t;
use yew::prelude::*;
use zab_core::Time;

use crate::engine::inspect::{bug_catalogue, BugView, InvariantRow};
use crate::engine::views::ViolationView;
use crate::state::model::{Model, Msg};
use crate::state::presets::{BUG_PREFIX, FIXED_SUFFIX};
use crate::text::catalogue::{self, BugText};
use crate::text::violation;

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
        0 => t!("inv.the_cluster"),
        1 => t!("inv.server", id = list[0]),
        _ => t!(
            "inv.servers",
            list = list
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
    .into_owned()
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
        <button class={class} aria-label={label} title={t!("inv.jump_title", at = at, invariant = v.invariant)}
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
        <section class="panel invariants" aria-label={t!("inv.title")} tabindex="0" data-view="invariants" data-violated={violated.to_string()}>
            <h2>{t!("inv.title")}
                <span class="count">{ if violated == 0 {
                    t!("inv.count_ok", count = rows.len(), now = now)
                } else {
                    t!("inv.count_violated", count = rows.len(), violated = violated, now = now)
                } }</span>
            </h2>
            { match first {
                Some(v) => html! {
                    <div class="first-violation" data-first-violation={v.invariant.clone()} data-at-ms={v.at_ms.to_string()}>
                        <p><strong>{t!("inv.first", invariant = v.invariant, name = v.name, at = v.at_ms)}</strong>
                           {t!("inv.first_servers", servers = servers(&v.servers))}{violation::detail(&v.detail)}</p>
                        { jump(v, t!("inv.jump_first").into(), t!("inv.jump_first").into(), "primary", d) }
                    </div>
                },
                None => html! {
                    <p class="all-clear" data-first-violation="">{t!("inv.all_clear", now = now)}</p>
                },
            } }
            <ul class="inv-list">
                { for rows.iter().map(|r| {
                    let v = r.violations.first();
                    let status = if v.is_some() { "violated" } else { "ok" };
                    let is_first = first.as_ref().is_some_and(|f| f.invariant == r.id);
                    html! {
                        <li class={classes!("inv", status, is_first.then_some("first"))} data-invariant={r.id} data-status={status}
                            data-at-ms={v.map(|v| v.at_ms.to_string()).unwrap_or_default()} title={catalogue::invariant_summary(r.id, r.summary)}>
                            <span class="inv-status">{ match v { Some(v) => t!("inv.violated_at", at = v.at_ms), None => t!("inv.ok") } }</span>
                            <span class="inv-id">{r.id}</span>
                            <span class="inv-name">{r.name}</span>
                            <span class="inv-summary">{ match v {
                                Some(v) => t!("inv.detail_servers", detail = violation::detail(&v.detail), servers = servers(&v.servers)).into_owned(),
                                None => catalogue::invariant_summary(r.id, r.summary),
                            } }</span>
                            if let Some(v) = v {
                                { if is_first { html! {} } else { jump(v, t!("inv.jump").into(), t!("inv.jump_aria", invariant = r.id, at = v.at_ms).into(), "small", d) } }
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
                    title={t!("lab.run_rest_title")}>{t!("lab.run_rest", secs = run_until / 1000)}</button>
        }
    });
    html! {
        <section class="panel bug-lab" aria-label={t!("lab.title")} data-view="bug-lab" data-bug={bug.id}
                 data-expected={bug.invariant}
                 data-fixed={running.map(|f| f.to_string()).unwrap_or_default()}>
            <h2>{t!("lab.title")}
                <label class="lab-pick">{t!("lab.bug")}
                    <select aria-label={t!("lab.bug")} onchange={on_choose}>
                        { for catalogue.iter().map(|b| html! {
                            <option value={b.id} selected={b.id == id}>{t!("lab.option", id = b.id, title = catalogue::bug(b.id, BugText::Title, b.title))}</option>
                        }) }
                    </select>
                </label>
            </h2>
            <div class="lab-grid">
                <div class="lab-text">
                    <h3>{t!("lab.option", id = bug.id, title = catalogue::bug(bug.id, BugText::Title, bug.title))}<span class="tag">{t!("lab.fixed_in", version = catalogue::bug(bug.id, BugText::FixedIn, bug.fixed_in))}</span></h3>
                    <p>{catalogue::bug(bug.id, BugText::Explanation, bug.explanation)}</p>
                    <p class="hint"><strong>{t!("lab.scenario")}</strong>{catalogue::bug(bug.id, BugText::Scenario, &bug.scenario)}</p>
                </div>
                <div class="lab-run">
                    <p class="expect">{t!("lab.expect")}<strong>{format!("{} {}", bug.invariant, bug.invariant_name)}</strong>{t!("lab.expect_end")}</p>
                    <div class="buttons">
                        <button class={classes!("danger", (running == Some(false)).then_some("current"))} onclick={load(false)}
                                aria-pressed={(running == Some(false)).to_string()}>{t!("lab.run_bug")}</button>
                        <button class={classes!("primary", (running == Some(true)).then_some("current"))} onclick={load(true)}
                                aria-pressed={(running == Some(true)).to_string()}>{t!("lab.run_fix")}</button>
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
            <p class="hint" data-run="none">{t!("lab.not_loaded")}</p>
        },
        Some(false) => {
            let verdict = match (expected, first) {
                (Some(v), _) => caught(
                    "ok",
                    &v.invariant,
                    html! { <>
                        <strong>{t!("lab.caught", invariant = v.invariant, name = v.name, at = v.at_ms)}</strong>
                        {t!("lab.caught_rest", detail = violation::detail(&v.detail))}
                    </> },
                ),
                (None, Some(v)) => caught(
                    "other",
                    &v.invariant,
                    html! {
                        {t!("lab.other_first", invariant = v.invariant, name = v.name, at = v.at_ms, expected = bug.invariant)}
                    },
                ),
                (None, None) => caught(
                    "pending",
                    "",
                    html! {
                        {t!("lab.watching", now = now, end = run_until)}
                    },
                ),
            };
            html! { <div class="lab-status" data-run="bug">
                <p>{t!("lab.running_bug", id = bug.id)}</p>
                {verdict}
            </div> }
        }
        Some(true) => {
            let verdict = match first {
                Some(v) => caught(
                    "other",
                    &v.invariant,
                    html! {
                        {t!("lab.fix_broke", invariant = v.invariant, name = v.name, at = v.at_ms, detail = violation::detail(&v.detail))}
                    },
                ),
                None if now >= run_until => caught(
                    "clean",
                    "",
                    html! { <>
                        <strong>{t!("lab.clean")}</strong>{t!("lab.clean_rest", end = run_until)}
                    </> },
                ),
                None => caught(
                    "clean",
                    "",
                    html! {
                        {t!("lab.clean_so_far", now = now, end = run_until)}
                    },
                ),
            };
            html! { <div class="lab-status" data-run="fixed">
                <p>{t!("lab.running_fix", id = bug.id)}</p>
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
