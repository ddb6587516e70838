//! The space-time (sequence) diagram: one lane per server, time to the right, each
//! packet an arrow from (sender, sent time) to (receiver, delivery time), each
//! server's phases as bands, crashes, restarts and violations marked, and a cursor at
//! the current time. The window snaps in fifths of its width around the current time
//! (so arrows stay put while the cursor moves), and only that window is drawn, so long
//! runs stay fast. Clicking an arrow (or Enter on it) travels to the moment it was sent.

use std::rc::Rc;

use crate::t;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::engine::inspect::{Arrow, Fate, LaneState, Mark, MarkKind, SpaceTimeView};
use crate::engine::views::Role;
use crate::playback::{use_reader, Reader};
use crate::state::model::{Msg, Shared};
use crate::text::gloss;
use crate::text::lang;
use crate::text::narrate::reasons;
use crate::text::violation;

/// Window widths offered, simulated ms.
const WINDOWS: [u64; 4] = [200, 1000, 5000, 20_000];
/// Default window.
const DEFAULT_WINDOW: u64 = 1000;

/// Drawing size before the frame is measured (SVG user units = CSS pixels after).
const DEFAULT_SIZE: (u32, u32) = (1000, 240);
/// Left margin for the lane labels.
const LM: f64 = 130.0;
/// Right margin.
const RM: f64 = 8.0;
/// Axis height.
const AXIS: f64 = 20.0;
/// Arrows labelled at most (beyond, the tooltip names them).
const MAX_LABELS: usize = 70;

/// The diagram's window of simulated time, `[from, to]` ms, and whether PINGs are drawn.
pub type Window = (u64, u64, bool);

/// What the diagram draws: the display clock (the cursor follows it frame by frame)
/// and the view of a window (read again when the simulation changed or the window
/// moved).
#[derive(Clone, PartialEq)]
pub struct SpaceTimeReaders {
    /// The display clock (ms).
    pub clock: Reader<(), f64>,
    /// The view of a window.
    pub view: Reader<Window, SpaceTimeView>,
}

impl SpaceTimeReaders {
    /// The readers of `model`.
    pub fn new(model: &Shared) -> SpaceTimeReaders {
        SpaceTimeReaders {
            clock: Reader::new(model, |m, _| m.engine.clock())
                .following(|m| m.engine.clock().max(0.0).floor() as u64),
            view: Reader::new(model, |m, &(from, to, pings)| {
                m.engine.spacetime(from, to, pings)
            }),
        }
    }
}

/// Props of the diagram.
#[derive(Properties, Clone, PartialEq)]
pub struct SpaceTimeProps {
    /// What it draws.
    pub data: SpaceTimeReaders,
    /// Changes when the simulation changed (and panels refresh); the cursor follows
    /// the frames by itself.
    pub rev: u64,
    /// Sends a message to the model.
    pub dispatch: Callback<Msg>,
}

/// The window `[from, to]` of width `w` for time `now`: snapped to fifths of `w`, with
/// `now` in the fourth fifth (the last fifth shows packets still in flight).
pub fn window(now: u64, w: u64) -> (u64, u64) {
    let step = (w / 5).max(1);
    let from = (now / step).saturating_sub(3) * step;
    (from, from + w)
}

fn short_phase(phase: &str) -> &'static str {
    match phase {
        "ELECTION" => "ELECT",
        "DISCOVERY" => "DISC",
        "SYNCHRONIZATION" => "SYNC",
        "BROADCAST" => "BCAST",
        _ => "",
    }
}

fn band_class(s: LaneState) -> (&'static str, String, String) {
    match s {
        LaneState::Up(role, phase) => {
            let class = match (role, phase) {
                (_, "ELECTION") | (Role::Looking, _) => "election",
                (_, "DISCOVERY") => "discovery",
                (_, "SYNCHRONIZATION") => "sync",
                (Role::Leading, _) => "leading",
                (Role::Observing, _) => "observing",
                _ => "following",
            };
            let long = format!("{} · {}", role.attr(), phase);
            let short = match role {
                Role::Looking => "LOOKING".to_string(),
                r => format!("{} {}", &r.attr()[..1], short_phase(phase)),
            };
            (class, long, short)
        }
        LaneState::Down => ("down", "CRASHED".into(), "DOWN".into()),
        LaneState::Unknown => ("unknown", t!("st.not_in_trace").into_owned(), "?".into()),
    }
}

/// The label that fits a band `width` wide: the long form, the short one, or none.
fn band_label(width: f64, long: &str, short: String) -> Option<String> {
    if width > 8.5 * long.chars().count() as f64 {
        Some(long.to_string())
    } else if width > 8.5 * short.chars().count() as f64 + 4.0 {
        Some(short)
    } else {
        None
    }
}

fn f(v: f64) -> String {
    format!("{v:.1}")
}

fn secs(t: u64, step: u64) -> String {
    let s = t as f64 / 1000.0;
    if step >= 1000 {
        t!("st.secs", secs = format!("{s:.0}"))
    } else if step >= 100 {
        t!("st.secs", secs = format!("{s:.1}"))
    } else {
        t!("st.secs", secs = format!("{s:.2}"))
    }
    .into_owned()
}

/// Geometry of a diagram drawn in a `size` (width, height) pixel frame: one SVG unit
/// per pixel, so text keeps its size whatever the window.
#[derive(Clone, Copy, PartialEq)]
struct Geo {
    from: u64,
    to: u64,
    lanes: usize,
    lane_h: f64,
    vw: f64,
}

impl Geo {
    fn new(from: u64, to: u64, lanes: usize, size: (u32, u32)) -> Geo {
        let room = size.1 as f64 - AXIS - 4.0;
        let lane_h = (room / lanes.max(1) as f64).clamp(16.0, 64.0);
        Geo {
            from,
            to,
            lanes,
            lane_h,
            vw: (size.0 as f64).max(LM + RM + 100.0),
        }
    }
    fn height(&self) -> f64 {
        AXIS + self.lanes as f64 * self.lane_h + 4.0
    }
    fn x(&self, t: f64) -> f64 {
        let span = (self.to - self.from).max(1) as f64;
        LM + (t - self.from as f64) / span * (self.vw - LM - RM)
    }
    fn xc(&self, t: u64) -> f64 {
        self.x(t as f64).clamp(LM, self.vw - RM)
    }
    fn top(&self, lane: usize) -> f64 {
        AXIS + lane as f64 * self.lane_h
    }
    fn y(&self, lane: usize) -> f64 {
        self.top(lane) + self.lane_h / 2.0
    }
    fn view_box(&self) -> String {
        format!("0 0 {} {}", f(self.vw), f(self.height()))
    }
}

#[derive(Properties, Clone)]
struct DiagramProps {
    view: Rc<SpaceTimeView>,
    size: (u32, u32),
    dispatch: Callback<Msg>,
}

impl PartialEq for DiagramProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.view, &other.view)
            && self.size == other.size
            && self.dispatch == other.dispatch
    }
}

fn arrow_label(a: &Arrow) -> String {
    let fate = match &a.fate {
        Fate::Delivered => t!("st.delivered", at = a.end),
        Fate::Dropped(why) => t!("st.lost", at = a.end, why = why),
        Fate::InFlight => t!("st.in_flight", at = a.end),
    };
    t!(
        "st.arrow",
        kind = a.kind,
        from = a.from,
        to = a.to,
        sent = a.sent,
        fate = fate,
        summary = a.summary
    )
    .into_owned()
}

/// Moves keyboard focus between arrows (one tab stop for the whole diagram).
fn focus_arrow(current: &web_sys::Element, delta: i64) {
    let Some(idx) = current
        .get_attribute("data-arrow-idx")
        .and_then(|v| v.parse::<i64>().ok())
    else {
        return;
    };
    let Some(svg) = current.closest("svg").ok().flatten() else {
        return;
    };
    let next = svg
        .query_selector(&format!("[data-arrow-idx=\"{}\"]", idx + delta))
        .ok()
        .flatten();
    if let Some(next) = next {
        current.set_attribute("tabindex", "-1").ok();
        next.set_attribute("tabindex", "0").ok();
        // SVG elements have focus() too (HTMLOrSVGElement).
        let _ = next.unchecked_ref::<web_sys::HtmlElement>().focus();
    }
}

#[function_component(Diagram)]
fn diagram(p: &DiagramProps) -> Html {
    let v = &*p.view;
    let geo = Geo::new(v.from, v.to, v.lanes.len(), p.size);
    let w = v.to - v.from;
    let step = (w / 5).max(1);
    let lane_of = |id: u32| v.lanes.iter().position(|l| *l == id);
    let height = geo.height();

    let ticks = (0..=5).map(|k| {
        let t = v.from + k * step;
        let x = geo.x(t as f64);
        html! { <g class="tick">
            <line x1={f(x)} x2={f(x)} y1={f(AXIS - 4.0)} y2={f(height)} />
            <text x={f(x + 2.0)} y={f(AXIS - 7.0)}>{secs(t, step)}</text>
        </g> }
    });

    let lanes = v.lanes.iter().enumerate().map(|(i, id)| {
        let role = v.roles.get(i).copied().unwrap_or(Role::Crashed);
        let bands = v.bands.get(i).map(Vec::as_slice).unwrap_or(&[]);
        let y0 = geo.top(i);
        html! { <g class="lane" data-lane={id.to_string()}>
            <line class="lane-line" x1={f(LM)} x2={f(geo.vw - RM)} y1={f(geo.y(i))} y2={f(geo.y(i))} />
            { for bands.iter().map(|b| {
                let (class, long, short) = band_class(b.state);
                let (x1, x2) = (geo.xc(b.from), geo.xc(b.to));
                let width = (x2 - x1).max(0.0);
                let label = band_label(width, &long, short);
                let (state_attr, phase_attr) = match b.state {
                    LaneState::Up(r, ph) => (r.attr(), ph),
                    LaneState::Down => ("CRASHED", ""),
                    LaneState::Unknown => ("UNKNOWN", ""),
                };
                html! { <g class={classes!("band", class)}>
                    <rect x={f(x1)} y={f(y0 + 2.0)} width={f(width)} height={f(geo.lane_h - 4.0)}
                          data-band-server={id.to_string()} data-band-state={state_attr} data-band-phase={phase_attr}
                          data-from-ms={b.from.to_string()} data-to-ms={b.to.to_string()}>
                        <title>{t!("st.band_title", id = id, state = long, from = b.from, to = b.to)}</title>
                    </rect>
                    if let Some(l) = label {
                        <text class="band-label" x={f(x1 + 3.0)} y={f(y0 + 12.0)}>{l}</text>
                    }
                </g> }
            }) }
            <text class={classes!("lane-name", role.class())} x="6" y={f(geo.y(i) + 4.0)}>
                <title>{gloss::role(role)}</title>
                {format!("S{id} {}", role.label())}
            </text>
        </g> }
    });

    let n_arrows = v.arrows.len();
    // Arrow labels keep clear of the band labels: (x, centre y, width) of each label.
    let mut placed: Vec<(f64, f64, f64)> = Vec::new();
    for (i, bands) in v.bands.iter().enumerate() {
        for b in bands {
            let (_, long, short) = band_class(b.state);
            let (x1, x2) = (geo.xc(b.from), geo.xc(b.to));
            if let Some(l) = band_label((x2 - x1).max(0.0), &long, short) {
                placed.push((x1 + 3.0, geo.top(i) + 8.0, 8.5 * l.chars().count() as f64));
            }
        }
    }
    let band_labels = placed.len();
    let arrows = v.arrows.iter().enumerate().filter_map(|(idx, a)| {
        let (fi, ti) = (lane_of(a.from)?, lane_of(a.to)?);
        let (x1, y1) = (geo.x(a.sent as f64), geo.y(fi));
        let (x2, y2) = (geo.x(a.end as f64), geo.y(ti));
        let class = crate::engine::views::phase_class(a.phase());
        let (dx, dy) = (x2 - x1, y2 - y1);
        let len = (dx * dx + dy * dy).sqrt().max(0.001);
        let (ux, uy) = (dx / len, dy / len);
        let head = 6.0;
        let (bx, by) = (x2 - ux * head, y2 - uy * head);
        let (px, py) = (-uy * head * 0.45, ux * head * 0.45);
        let tip = match &a.fate {
            Fate::Dropped(_) => html! {
                <path class="drop-x" d={format!("M{} {} L{} {} M{} {} L{} {}", f(x2 - 4.0), f(y2 - 4.0), f(x2 + 4.0), f(y2 + 4.0), f(x2 - 4.0), f(y2 + 4.0), f(x2 + 4.0), f(y2 - 4.0))} />
            },
            _ => html! {
                <path class="head" d={format!("M{} {} L{} {} L{} {} Z", f(x2), f(y2), f(bx + px), f(by + py), f(bx - px), f(by - py))} />
            },
        };
        // Label the arrow if it is roomy enough and nothing is there yet.
        let mut label = None;
        if n_arrows <= MAX_LABELS * 3 {
            let text = a.kind;
            let tw = 8.0 * text.len() as f64;
            let (lx, ly) = ((x1 + x2) / 2.0 + 3.0, (y1 + y2) / 2.0);
            let free = placed.len() < MAX_LABELS + band_labels
                && placed.iter().all(|(ox, oy, ow)| (ly - oy).abs() > 11.0 || lx + tw < *ox || lx > ox + ow);
            if free && lx + tw < geo.vw - RM {
                placed.push((lx, ly, tw));
                label = Some(html! { <text class="arrow-label" x={f(lx)} y={f(ly + 3.0)}>{text}</text> });
            }
        }
        let fate = match a.fate {
            Fate::Delivered => "delivered",
            Fate::Dropped(_) => "dropped",
            Fate::InFlight => "in-flight",
        };
        let sent = a.sent;
        let onclick = {
            let d = p.dispatch.clone();
            Callback::from(move |_: MouseEvent| d.emit(Msg::Seek(sent)))
        };
        let onkeydown = {
            let d = p.dispatch.clone();
            Callback::from(move |e: KeyboardEvent| {
                let delta = match e.key().as_str() {
                    "Enter" | " " => {
                        e.prevent_default();
                        e.stop_propagation();
                        d.emit(Msg::Seek(sent));
                        return;
                    }
                    "ArrowRight" | "ArrowDown" => 1,
                    "ArrowLeft" | "ArrowUp" => -1,
                    _ => return,
                };
                // Arrow keys move between packets here, not through time.
                e.prevent_default();
                e.stop_propagation();
                if let Some(el) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                    focus_arrow(&el, delta);
                }
            })
        };
        let name = arrow_label(a);
        Some(html! {
            <g key={a.id.to_string()} class={classes!("arrow", class, fate)} role="button"
               tabindex={if idx + 1 == n_arrows { "0" } else { "-1" }}
               data-arrow-idx={idx.to_string()}
               data-arrow-id={a.id.to_string()} data-packet-type={a.kind}
               data-from={a.from.to_string()} data-to={a.to.to_string()}
               data-sent-ms={a.sent.to_string()} data-end-ms={a.end.to_string()} data-fate={fate}
               aria-label={t!("st.arrow_aria", name = name, at = a.sent)}
               {onclick} {onkeydown}>
                <title>{t!("st.arrow_title", name = name, at = a.sent)}</title>
                <line class="hit" x1={f(x1)} y1={f(y1)} x2={f(x2)} y2={f(y2)} />
                <line class="shaft" x1={f(x1)} y1={f(y1)} x2={f(bx)} y2={f(by)} />
                <circle class="tail" cx={f(x1)} cy={f(y1)} r="2" />
                {tip}
                {label.unwrap_or_default()}
            </g>
        })
    });

    let marks = v.marks.iter().map(|m| {
        let x = geo.x(m.at as f64);
        let class = m.kind.attr();
        let sym = match &m.kind {
            MarkKind::Crash(_) => t!("st.mark_crash"),
            MarkKind::Restart => t!("st.mark_restart"),
            MarkKind::Refused(_) => t!("st.mark_refused"),
            MarkKind::Violation { .. } => "⚠".into(),
        };
        let body = if let MarkKind::Violation { invariant, name, .. } = &m.kind {
            html! { <>
                <line x1={f(x)} x2={f(x)} y1={f(AXIS)} y2={f(height)} />
                <text x={f(x + 3.0)} y={f(AXIS + 10.0)}>{format!("⚠ {invariant} {name}")}</text>
            </> }
        } else {
            let lane = lane_of(m.server).unwrap_or(0);
            let y = geo.y(lane);
            html! { <>
                <line x1={f(x)} x2={f(x)} y1={f(geo.top(lane) + 1.0)} y2={f(geo.top(lane) + geo.lane_h - 1.0)} />
                <text x={f(x + 3.0)} y={f(y + 4.0)}>{sym}</text>
            </> }
        };
        html! {
            <g class={classes!("mark", class)} data-mark={class} data-mark-server={m.server.to_string()} data-at-ms={m.at.to_string()}>
                <title>{mark_title(m)}</title>
                {body}
            </g>
        }
    });

    let unknown = (v.known_from > v.from).then(|| {
        let x2 = geo.xc(v.known_from);
        html! { <g class="no-trace">
            <rect x={f(LM)} y={f(AXIS)} width={f((x2 - LM).max(0.0))} height={f(height - AXIS)} />
            <text x={f(LM + 4.0)} y={f(height - 6.0)}>{t!("st.no_trace")}</text>
        </g> }
    });

    html! {
        <svg class="spacetime" data-view="spacetime" role="group"
             aria-label={t!("st.aria", from = v.from, to = v.to, count = n_arrows)}
             viewBox={geo.view_box()} preserveAspectRatio="xMinYMin meet"
             data-from-ms={v.from.to_string()} data-to-ms={v.to.to_string()} data-time-ms={v.now.to_string()}
             data-arrows={n_arrows.to_string()} data-rebuilds={v.rebuilds.to_string()}>
            <g class="axis">{ for ticks }</g>
            <g class="lanes">{ for lanes }</g>
            {unknown.unwrap_or_default()}
            <g class="marks">{ for marks }</g>
            <g class="arrows">{ for arrows }</g>
        </svg>
    }
}

/// The space-time diagram panel.
#[function_component(SpaceTime)]
pub fn space_time(p: &SpaceTimeProps) -> Html {
    use_reader(&p.data.clock);
    let width = use_state(|| DEFAULT_WINDOW);
    let pings = use_state(|| false);
    let clock = p.data.clock.read(&());
    let now = clock.max(0.0).floor() as u64;
    let (from, to) = window(now, *width);
    let view = {
        let (reader, pings) = (p.data.view.clone(), *pings);
        use_memo((p.rev, from, to, pings), move |(_, from, to, pings)| {
            Rc::new(reader.read(&(*from, *to, *pings)))
        })
    };
    let view: Rc<SpaceTimeView> = (*view).clone();
    // Draw at the frame's size in pixels (measured after each render; a change re-renders).
    let frame = use_node_ref();
    let size = use_state(|| DEFAULT_SIZE);
    {
        let (frame, size) = (frame.clone(), size.clone());
        use_effect(move || {
            if let Some(el) = frame.cast::<web_sys::Element>() {
                let (w, h) = (
                    el.client_width().max(0) as u32,
                    el.client_height().max(0) as u32,
                );
                let (ow, oh) = *size;
                if w > 0 && h > 0 && (w.abs_diff(ow) > 2 || h.abs_diff(oh) > 2) {
                    size.set((w, h));
                }
            }
        });
    }
    let geo = Geo::new(view.from, view.to, view.lanes.len(), *size);
    let cx = geo.x(clock);
    let buttons = WINDOWS.iter().map(|w| {
        let w = *w;
        let on = *width == w;
        let set = {
            let width = width.clone();
            Callback::from(move |_: MouseEvent| width.set(w))
        };
        let label = if w >= 1000 {
            t!("st.secs", secs = w / 1000)
        } else {
            t!("cli.ms", ms = w)
        };
        html! {
            <button class="chip" aria-pressed={on.to_string()} aria-label={t!("st.window", label = label)} onclick={set}>{label}</button>
        }
    });
    let toggle_pings = {
        let pings = pings.clone();
        Callback::from(move |_: MouseEvent| pings.set(!*pings))
    };
    let n = view.arrows.len();
    html! {
        <section class="panel spacetime-panel" aria-label={t!("st.panel_aria")}>
            <h2>{t!("st.title")}
                <span class="st-controls" role="group" aria-label={t!("st.window_group")}>
                    { for buttons }
                    <button class="chip" aria-pressed={pings.to_string()} onclick={toggle_pings}
                            title={t!("st.pings_title")}>{t!("st.pings")}</button>
                </span>
                <span class="count">
                    { if n == 1 { t!("st.packets_one") } else { t!("st.packets_many", count = n) } }
                    { if view.hidden_arrows > 0 { t!("st.older", count = view.hidden_arrows) } else { "".into() } }
                    {t!("st.click_hint")}
                </span>
            </h2>
            <div class="st-legend" aria-hidden="true">
                <span class="lg pk election">{t!("st.lg_election")}</span>
                <span class="lg pk discovery">{t!("st.lg_discovery")}</span>
                <span class="lg pk sync">{t!("st.lg_sync")}</span>
                <span class="lg pk broadcast">{t!("st.lg_broadcast")}</span>
                <span class="lg pk heartbeat">{t!("st.lg_ping")}</span>
                <span class="lg">{t!("st.lg_bands")}</span>
                <span class="lg">{t!("st.lg_marks")}</span>
            </div>
            if n == 0 {
                <p class="hint st-empty">{ if *pings {
                    t!("st.empty")
                } else {
                    t!("st.empty_no_pings")
                } }</p>
            }
            <div class="st-frame" ref={frame}>
                <Diagram view={view.clone()} size={*size} dispatch={p.dispatch.clone()} />
                <svg class="st-cursor" viewBox={geo.view_box()} preserveAspectRatio="xMinYMin meet" aria-hidden="true">
                    <line data-cursor-ms={now.to_string()} x1={f(cx)} x2={f(cx)} y1={f(AXIS - 2.0)} y2={f(geo.height())} />
                    <text x={f(cx + 3.0)} y={f(geo.height() - 4.0)}>{t!("st.cursor", secs = format!("{:.3}", clock / 1000.0))}</text>
                </svg>
            </div>
        </section>
    }
}

/// A mark's tooltip, in the page's language.
fn mark_title(m: &Mark) -> String {
    let (at, server) = (m.at, m.server);
    match &m.kind {
        MarkKind::Crash(r) => t!(
            "st.title_crash",
            at = at,
            server = server,
            reason = reasons::crash_reason(r, lang::current())
        ),
        MarkKind::Restart => t!("st.title_restart", at = at, server = server),
        MarkKind::Refused(r) => t!(
            "st.title_refused",
            at = at,
            server = server,
            reason = reasons::start_refusal(r, lang::current())
        ),
        MarkKind::Violation {
            invariant,
            name,
            detail,
        } => t!(
            "st.title_violation",
            at = at,
            invariant = invariant,
            name = name,
            detail = violation::detail(detail)
        ),
    }
    .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_keeps_now_in_its_fourth_fifth_and_snaps() {
        assert_eq!(window(0, 1000), (0, 1000));
        assert_eq!(window(500, 1000), (0, 1000));
        let (a, b) = window(5_432, 1000);
        assert_eq!((a, b), (4_800, 5_800));
        assert!(a + 600 <= 5_432 && 5_432 < a + 800);
        assert_eq!(window(5_499, 1000), (4_800, 5_800));
        assert_eq!(window(5_600, 1000), (5_000, 6_000));
    }
}
