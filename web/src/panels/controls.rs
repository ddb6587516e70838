//! The header: clock and leader indicator, playback, global faults, cluster setup,
//! presets, and the status line that answers every action.

use crate::t;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use std::rc::Rc;

use crate::engine::views::Command;
use crate::panels::lang_switch::LangSwitch;
use crate::panels::scenario_io::ScenarioIo;
use crate::playback::{use_reader, Reader};
use crate::state::lesson::LessonMsg;
use crate::state::model::{Model, Msg, Notice};
use crate::state::presets::{
    description_of, preset_list, BUG_PREFIX, FIXED_SUFFIX, OBSERVERS, SIZES,
};
use crate::state::scenario_file::{DigestView, ExportedRun};
use crate::state::speed::{speed_of, speed_words};
use crate::text::lessons::{self as lesson_words, moment, moment_short};
use crate::text::presets as preset_words;
use zab_core::lesson::{lessons, Until};

/// Menu values of the lessons start with this, then the lesson id.
pub const LESSON_PREFIX: &str = "lesson:";

/// What the clock shows, read from the model on every frame that moves it by a
/// millisecond and at each app render.
pub struct ClockData {
    /// The clock in whole simulated ms.
    pub now_ms: u64,
    /// The active leader and its epoch.
    pub leader: Option<u32>,
    /// The leader's epoch.
    pub epoch: Option<u32>,
    /// Where the history ends (ms), when the display is in the past.
    pub past_of: Option<u64>,
    /// How many invariant violations the run has.
    pub violations: usize,
    /// The first few, as the engine words them.
    pub first_violations: Vec<String>,
}

impl ClockData {
    /// Reads it from the model.
    pub fn read(m: &Model, _: &()) -> ClockData {
        let e = &m.engine;
        let violations = e.violation_count();
        ClockData {
            now_ms: ClockData::key(m),
            leader: e.leader(),
            epoch: e.leader_epoch(),
            past_of: e.in_past().then(|| e.horizon()),
            violations,
            first_violations: if violations > 0 {
                e.violations(8)
            } else {
                Vec::new()
            },
        }
    }

    /// The clock in whole simulated ms: the clock re-renders when it moves.
    pub fn key(m: &Model) -> u64 {
        m.engine.clock().max(0.0).floor() as u64
    }
}

/// Props of the clock.
#[derive(Properties, Clone, PartialEq)]
pub struct ClockProps {
    /// What it shows.
    pub data: Reader<(), ClockData>,
    /// UI revision (a message was handled; while playing the clock follows the frames).
    pub rev: u64,
}

/// Simulated time and who leads (re-rendered on every frame that moves the clock by a
/// millisecond, so kept tiny).
#[function_component(Clock)]
pub fn clock(p: &ClockProps) -> Html {
    use_reader(&p.data);
    let ClockData {
        now_ms,
        leader,
        epoch,
        past_of,
        violations,
        first_violations,
    } = p.data.read(&());
    let secs = now_ms as f64 / 1000.0;
    let leader_text = match (leader, epoch) {
        (Some(l), Some(e)) => t!("clock.leader", id = l, epoch = e),
        _ => t!("clock.no_leader"),
    };
    let secs_text = format!("{secs:.3}");
    html! {
        <div class="clock-block">
            <span class="clock" data-view="clock" data-now-ms={now_ms.to_string()}
                  aria-label={t!("clock.aria", secs = secs_text)}>
                {t!("clock.text", secs = secs_text)}
            </span>
            <span class={classes!("leader-badge", leader.is_none().then_some("none"))}
                  data-view="leader" data-leader={leader.map(|l| l.to_string()).unwrap_or_default()}
                  data-epoch={epoch.map(|e| e.to_string()).unwrap_or_default()}
                  role="status" aria-live="polite">
                { if leader.is_some() { "♛ " } else { "" } }{leader_text}
            </span>
            if let Some(horizon) = past_of {
                <span class="past-badge" data-view="in-past">{t!("clock.in_past", secs = format!("{:.1}", horizon as f64 / 1000.0))}</span>
            }
            if violations > 0 {
                <span class="violation-badge" data-view="violations" data-violations={violations.to_string()}
                      title={first_violations.join("\n")}>
                    { {
                        let first = first_violations.first().cloned().unwrap_or_default();
                        if violations > 1 { t!("clock.violations", count = violations, first = first) } else { t!("clock.violation", first = first) }
                    } }
                </span>
            }
        </div>
    }
}

fn select_value(e: &Event) -> Option<String> {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        .map(|s| s.value())
}

fn input_value(e: &Event) -> Option<String> {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .map(|s| s.value())
}

/// What the header controls show.
#[derive(Clone, Debug, PartialEq)]
pub struct ControlsData {
    playing: bool,
    speed_pos: f64,
    now: u64,
    horizon: u64,
    /// Shows the scenario's name and description (a built-in or imported scenario).
    named: bool,
    name: String,
    description: String,
    notice: Option<Notice>,
    digest: Option<DigestView>,
    /// Index of the "pause at" moment in `Until::PAUSE_POINTS`.
    pause_at: Option<usize>,
    /// Presenter mode is on.
    presenter: bool,
}

impl ControlsData {
    /// Read from the model.
    pub fn read(m: &Model) -> ControlsData {
        let scenario = m.engine.scenario();
        let named =
            m.preset.as_deref().is_some_and(|p| !p.is_empty()) || m.io.is_loaded(&scenario.name);
        let entry = m.preset.as_deref().and_then(preset_words::menu_entry);
        let name = entry
            .as_ref()
            .map_or_else(|| scenario.name.clone(), |(t, _)| t.clone());
        ControlsData {
            playing: m.playing,
            speed_pos: m.speed_pos,
            now: m.engine.now(),
            horizon: m.engine.horizon(),
            named,
            description: if named {
                entry
                    .map(|(_, d)| d)
                    .or_else(|| m.preset.as_deref().and_then(description_of))
                    .unwrap_or_else(|| scenario.description.clone())
            } else {
                String::new()
            },
            name,
            notice: m.notice.clone(),
            digest: m.io.digest.clone(),
            pause_at: m
                .pause_at
                .as_ref()
                .and_then(|u| Until::PAUSE_POINTS.iter().position(|p| p == u)),
            presenter: m.presenter,
        }
    }
}

/// Props of the header controls.
#[derive(Properties, Clone, PartialEq)]
pub struct ControlsProps {
    /// What they show.
    pub data: Rc<ControlsData>,
    /// The run as a scenario file (for the file menu's export and link).
    pub export: Callback<(), ExportedRun>,
    /// Sends a message to the model.
    pub dispatch: Callback<Msg>,
}

/// Header controls.
#[function_component(Controls)]
pub fn controls(p: &ControlsProps) -> Html {
    let c = &*p.data;
    let d = &p.dispatch;
    let send = |msg: Msg| {
        let d = d.clone();
        Callback::from(move |_: MouseEvent| d.emit(msg.clone()))
    };
    let speed = speed_of(c.speed_pos);

    let on_pause_at = {
        let d = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let v = select_value(&e).and_then(|v| v.parse::<usize>().ok());
            d.emit(Msg::PauseAt(
                v.and_then(|i| Until::PAUSE_POINTS.get(i).cloned()),
            ));
        })
    };
    let on_speed = {
        let d = d.clone();
        Callback::from(move |e: InputEvent| {
            let v = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|i| i.value().parse::<f64>().ok());
            if let Some(v) = v {
                d.emit(Msg::Speed(v));
            }
        })
    };
    let (now, horizon) = (c.now, c.horizon);
    let on_seek = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            if let Some(t) = input_value(&e).and_then(|v| v.parse::<u64>().ok()) {
                d.emit(Msg::Seek(t));
            }
        })
    };
    let error = c.notice.as_ref().is_some_and(|n| n.error);
    let notice = c
        .notice
        .as_ref()
        .map(|n| crate::text::notice::words(&n.said));

    html! {
        <>
        <div class="controls" role="toolbar" aria-label={t!("controls.aria")}>
            <div class="group" role="group" aria-label={t!("controls.playback")}>
                <button class="primary play" aria-keyshortcuts="Space"
                        aria-label={if c.playing { t!("controls.pause_aria") } else { t!("controls.play_aria") }}
                        onclick={send(Msg::TogglePlay)}>
                    { if c.playing { t!("controls.pause") } else { t!("controls.play") } }
                </button>
                <button aria-keyshortcuts="N ArrowRight" title={t!("controls.step_title")} aria-label={t!("controls.step_aria")}
                        onclick={send(Msg::Step)}>{t!("controls.step")}</button>
                <button title={t!("controls.skip_title")} aria-label={t!("controls.skip_aria")}
                        onclick={send(Msg::Skip(1000))}>{t!("controls.skip")}</button>
                <button title={t!("controls.back_title")} aria-label={t!("controls.back_aria")} aria-keyshortcuts="ArrowLeft B"
                        onclick={send(Msg::Back(1000))}>{t!("controls.back")}</button>
                <label class="scrub-label" title={t!("controls.time_title")}>
                    <span>{t!("controls.time")}</span>
                    <input type="range" class="scrub" aria-label={t!("controls.timeline_aria")} min="0" max={horizon.to_string()} step="1"
                           value={now.to_string()} onchange={on_seek}
                           aria-valuetext={t!("controls.timeline_value", now = now, horizon = horizon)} />
                </label>
                <label class="speed">
                    <span>{t!("controls.speed")}</span>
                    <input type="range" min="0" max="100" step="1" aria-label={t!("controls.speed")}
                           aria-valuetext={speed_words(speed)}
                           value={format!("{:.1}", c.speed_pos)} oninput={on_speed} />
                    <span class="speed-words">{speed_words(speed)}</span>
                </label>

            </div>
            <div class="group" role="group" aria-label={t!("controls.faults")}>
                <button class="danger" aria-keyshortcuts="K" title={t!("controls.kill_leader_title")}
                        onclick={send(Msg::Cmd(Command::KillLeader))}>{t!("controls.kill_leader")}<kbd>{"K"}</kbd></button>
                <button aria-keyshortcuts="H" title={t!("controls.heal_all_title")}
                        onclick={send(Msg::Cmd(Command::HealAll))}>{t!("controls.heal_all")}<kbd>{"H"}</kbd></button>
                <button aria-keyshortcuts="W" title={t!("controls.write_leader_title")}
                        onclick={send(Msg::Cmd(Command::WriteToLeader))}>{t!("controls.write_leader")}<kbd>{"W"}</kbd></button>
                <button aria-keyshortcuts="R" title={t!("controls.reset_title")}
                        onclick={send(Msg::Reset)}>{t!("controls.reset")}<kbd>{"R"}</kbd></button>
            </div>
        </div>
        <div class="statusline">
            { if c.named {
                html! { <details class="scenario-text">
                    <summary><strong>{c.name.clone()}</strong></summary>
                    <p>{c.description.clone()}</p>
                </details> }
            } else { html! {} } }
            <p role="status" aria-live="polite" data-view="message"
               title={notice.clone().unwrap_or_default()}
               class={classes!("message", error.then_some("error"))}>
                { notice.unwrap_or_else(|| t!("controls.hint").into_owned()) }
            </p>
            <label class="pause-at">
                <span>{t!("lessons.pause_at")}</span>
                <select data-view="pause-at" aria-label={t!("lessons.pause_at")} onchange={on_pause_at}>
                    <option value="" selected={c.pause_at.is_none()}>{t!("lessons.pause_never")}</option>
                    { for Until::PAUSE_POINTS.iter().enumerate().map(|(i, u)| html! {
                        <option value={i.to_string()} selected={c.pause_at == Some(i)} title={moment(u)}>{moment_short(u)}</option>
                    }) }
                </select>
            </label>
            <button class="presenter-toggle" data-view="presenter" aria-pressed={c.presenter.to_string()}
                    title={t!("presenter.title")} onclick={send(Msg::Presenter(!c.presenter))}>
                {t!("presenter.button")}
            </button>
            <ScenarioIo digest={c.digest.clone()} export={p.export.clone()} dispatch={p.dispatch.clone()} />
            <LangSwitch dispatch={p.dispatch.clone()} />
        </div>
        </>
    }
}

/// What the cluster setup shows.
#[derive(Clone, Debug, PartialEq)]
pub struct SetupData {
    participants: u32,
    observers: u32,
    seed: u64,
    /// The menu value of the built-in scenario running ("" for none).
    preset: String,
    /// The scenario's name.
    name: String,
    /// The scenario came from a file, a link or the session.
    loaded: bool,
    /// The lesson open, if any.
    lesson: Option<&'static str>,
    /// Steps done per lesson.
    progress: Vec<(String, usize)>,
}

impl SetupData {
    /// Read from the model.
    pub fn read(m: &Model) -> SetupData {
        let scenario = m.engine.scenario();
        let preset = m.preset.clone().unwrap_or_default();
        SetupData {
            participants: scenario.cluster.participants,
            observers: scenario.cluster.observers,
            seed: scenario.seed,
            loaded: preset.is_empty() && m.io.is_loaded(&scenario.name),
            preset,
            name: scenario.name.clone(),
            lesson: m.lesson.as_ref().map(|l| l.lesson.id),
            progress: m.progress.clone(),
        }
    }
}

/// Props of the cluster setup.
#[derive(Properties, Clone, PartialEq)]
pub struct SetupProps {
    /// What it shows (renders only when this changed).
    pub data: Rc<SetupData>,
    /// Sends a message to the model.
    pub dispatch: Callback<Msg>,
}

/// Cluster size, observers, seed and the built-in scenarios.
#[function_component(Setup)]
pub fn setup(p: &SetupProps) -> Html {
    let d = &p.dispatch;
    let SetupData {
        participants,
        observers,
        seed,
        ref preset,
        ref name,
        loaded,
        lesson,
        ref progress,
    } = *p.data;
    let on_size = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            if let Some(n) = select_value(&e).and_then(|v| v.parse().ok()) {
                d.emit(Msg::NewCluster {
                    participants: n,
                    observers,
                    seed,
                });
            }
        })
    };
    let on_observers = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            if let Some(n) = select_value(&e).and_then(|v| v.parse().ok()) {
                d.emit(Msg::NewCluster {
                    participants,
                    observers: n,
                    seed,
                });
            }
        })
    };
    let on_seed = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let Some(v) = input_value(&e) else { return };
            match v.trim().parse::<u64>() {
                Ok(seed) => d.emit(Msg::Seed(seed)),
                Err(_) => d.emit(Msg::Say(t!("setup.bad_seed", value = v).into_owned())),
            }
        })
    };
    let on_preset = {
        let d = d.clone();
        Callback::from(move |e: Event| {
            if let Some(v) = select_value(&e) {
                match v.strip_prefix(LESSON_PREFIX) {
                    Some(id) => d.emit(Msg::Lesson(LessonMsg::Open(id.to_string(), 0))),
                    None => d.emit(Msg::Preset(v)),
                }
            }
        })
    };
    html! {
            <div class="group setup" role="group" aria-label={t!("setup.aria")}>
            <label>{t!("setup.servers")}
                <select aria-label={t!("setup.servers")} onchange={on_size}>
                    { for SIZES.iter().map(|n| html! {
                        <option value={n.to_string()} selected={*n == participants}>{n}</option>
                    }) }
                </select>
            </label>
            <label>{t!("setup.observers")}
                <select aria-label={t!("setup.observers")} onchange={on_observers}>
                    { for OBSERVERS.iter().map(|n| html! {
                        <option value={n.to_string()} selected={*n == observers}>{n}</option>
                    }) }
                </select>
            </label>
            <label>{t!("setup.seed")}
                <input type="number" min="0" class="seed" aria-label={t!("setup.seed")}
                       value={seed.to_string()} onchange={on_seed} />
            </label>
            <label>{t!("setup.scenario")}
                <select class="scenario" aria-label={t!("setup.scenario")} onchange={on_preset}>
                    if loaded {
                        <option value="" disabled=true selected=true>{t!("setup.loaded", name = name)}</option>
                    }
                    if preset.ends_with(FIXED_SUFFIX) {
                        <option value="" disabled=true selected=true>{t!("setup.on_fix", name = name)}</option>
                    }
                    <option value="" selected={preset.is_empty() && !loaded && lesson.is_none()}>{t!("setup.free_play")}</option>
                    <optgroup label={t!("lessons.menu")}>
                        { for lessons().iter().map(|l| {
                            let done = progress.iter().find(|(id, _)| id == l.id).map_or(0, |(_, n)| *n);
                            let mark = if done >= l.steps.len() { format!(" ✓ {}", t!("lessons.done")) } else { String::new() };
                            html! {
                                <option value={format!("{LESSON_PREFIX}{}", l.id)} selected={lesson == Some(l.id)}
                                        title={t!("lessons.progress", done = done.min(l.steps.len()), total = l.steps.len())}>
                                    {format!("{}{mark}", lesson_words::title(l))}
                                </option>
                            }
                        }) }
                    </optgroup>
                    { for [false, true].iter().map(|bug_lab| {
                        let items: Vec<_> = preset_list()
                            .into_iter()
                            .filter(|(v, _, _)| v.starts_with(BUG_PREFIX) == *bug_lab)
                            .collect();
                        html! {
                            <optgroup label={if *bug_lab { t!("setup.bug_lab_group") } else { t!("setup.teaching_group") }}>
                                { for items.into_iter().map(|(stem, title, desc)| {
                                    let (title, desc) = preset_words::menu_entry(&stem).unwrap_or((title, desc));
                                    html! {
                                        <option value={stem.clone()} selected={stem == *preset} title={desc}>{title}</option>
                                    }
                                }) }
                            </optgroup>
                        }
                    }) }
                </select>
            </label>
        </div>
    }
}
