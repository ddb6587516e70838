//! The cluster ring (SVG): links, servers and packets in flight.
//!
//! Servers and links re-render when the simulation changes; the packet layer
//! re-renders every frame, each packet's position a pure function of the display
//! clock: (t - sent_at) / (deliver_at - sent_at) along its link.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::f64::consts::{PI, TAU};
use std::rc::Rc;

use yew::prelude::*;

use crate::model::{Msg, Selection, Shared};
use crate::views::{PacketView, Role, ServerView};

/// Centre of the ellipse the servers sit on (SVG user units).
const CX: f64 = 500.0;
const CY: f64 = 300.0;

/// Ellipse radii and node radius for `n` servers: a wide ellipse fills the wide
/// panel better than a circle; more servers get a bigger ellipse.
fn radii(n: u32) -> (f64, f64, f64) {
    let extra = n.saturating_sub(5) as f64;
    let r = match n {
        0..=5 => 44.0,
        6..=7 => 40.0,
        _ => 36.0,
    };
    (370.0 + 28.0 * extra, 175.0 + 14.0 * extra, r)
}

/// Server centres, by id - 1.
type Layout = Rc<Vec<(f64, f64)>>;

thread_local! {
    static LAYOUTS: RefCell<BTreeMap<u32, Layout>> = const { RefCell::new(BTreeMap::new()) };
}

/// Centres of `n` servers spread evenly by arc length along the ellipse (equal angle
/// steps would crowd the ends of a wide ellipse), the first at the top, clockwise.
fn layout(n: u32) -> Layout {
    LAYOUTS.with(|cache| {
        cache
            .borrow_mut()
            .entry(n)
            .or_insert_with(|| {
                let (rx, ry, _) = radii(n);
                let point = |a: f64| (CX + rx * a.cos(), CY + ry * a.sin());
                const SAMPLES: usize = 1440;
                let angle = |i: usize| -PI / 2.0 + TAU * i as f64 / SAMPLES as f64;
                let mut cumulative = Vec::with_capacity(SAMPLES + 1);
                let mut total = 0.0;
                let mut prev = point(angle(0));
                cumulative.push(0.0);
                for i in 1..=SAMPLES {
                    let p = point(angle(i));
                    total += ((p.0 - prev.0).powi(2) + (p.1 - prev.1).powi(2)).sqrt();
                    cumulative.push(total);
                    prev = p;
                }
                let count = n.max(1) as usize;
                let mut out = Vec::with_capacity(count);
                let mut j = 0;
                for k in 0..count {
                    let want = total * k as f64 / count as f64;
                    while j < SAMPLES && cumulative[j] < want {
                        j += 1;
                    }
                    out.push(point(angle(j)));
                }
                Rc::new(out)
            })
            .clone()
    })
}

/// Centre of server `id` (1-based) among `n`.
fn centre(id: u32, n: u32) -> (f64, f64) {
    let l = layout(n);
    l.get(id.saturating_sub(1) as usize)
        .copied()
        .unwrap_or((CX, CY))
}

/// The viewBox: the servers' bounding box with room for crowns, votes and labels.
fn view_box(n: u32) -> String {
    let (_, _, r) = radii(n);
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for id in 1..=n.max(1) {
        let (x, y) = centre(id, n);
        x0 = x0.min(x - 118.0);
        x1 = x1.max(x + 118.0);
        y0 = y0.min(y - r - 56.0);
        y1 = y1.max(y + r + 84.0);
    }
    format!("{} {} {} {}", f(x0), f(y0), f(x1 - x0), f(y1 - y0))
}

/// Props of the ring.
#[derive(Properties, Clone, PartialEq)]
pub struct RingProps {
    /// The model.
    pub model: Shared,
    /// Engine version: servers and links change.
    pub version: u64,
    /// UI revision: selection changes.
    pub rev: u64,
    /// Display clock (every frame).
    pub clock: f64,
    /// Current selection.
    pub selection: Selection,
    /// Dispatcher.
    pub dispatch: Callback<Msg>,
}

fn m_size(model: &Shared) -> u32 {
    model.0.borrow().engine.size()
}

/// The ring.
#[function_component(Ring)]
pub fn ring(p: &RingProps) -> Html {
    html! {
        <svg data-view="cluster" role="img" aria-label="Cluster" class="ring"
             viewBox={view_box(m_size(&p.model))} preserveAspectRatio="xMidYMid meet">
            <Links model={p.model.clone()} version={p.version} selection={p.selection} dispatch={p.dispatch.clone()} />
            <Packets model={p.model.clone()} clock={p.clock} version={p.version} selection={p.selection} top={false} dispatch={p.dispatch.clone()} />
            <Servers model={p.model.clone()} version={p.version} selection={p.selection} dispatch={p.dispatch.clone()} />
            <Packets model={p.model.clone()} clock={p.clock} version={p.version} selection={p.selection} top={true} dispatch={p.dispatch.clone()} />
        </svg>
    }
}

/// Props of one layer.
#[derive(Properties, Clone, PartialEq)]
pub struct LayerProps {
    /// The model.
    pub model: Shared,
    /// Engine version.
    pub version: u64,
    /// Selection.
    pub selection: Selection,
    /// Dispatcher.
    pub dispatch: Callback<Msg>,
}

fn pair_selected(sel: Selection, a: u32, b: u32) -> bool {
    matches!(sel, Selection::Link(x, y) if (x, y) == (a, b) || (x, y) == (b, a))
}

/// Links between every pair: faint election mesh, solid for an open learner/leader
/// connection, dashed red with a gap when cut, an arrow for a one-way cut.
#[function_component(Links)]
fn links(p: &LayerProps) -> Html {
    let m = p.model.0.borrow();
    let n = m.engine.size();
    let (_, _, nr) = radii(n);
    let cuts = m.engine.cuts();
    let conns: BTreeSet<(u32, u32)> = m
        .engine
        .connections()
        .into_iter()
        .map(|(a, b)| (a.min(b), a.max(b)))
        .collect();
    let mut out = Vec::new();
    for a in 1..=n {
        for b in (a + 1)..=n {
            let (x1, y1) = centre(a, n);
            let (x2, y2) = centre(b, n);
            let (dx, dy) = (x2 - x1, y2 - y1);
            let len = (dx * dx + dy * dy).sqrt().max(1.0);
            let (ux, uy) = (dx / len, dy / len);
            let (sx, sy) = (x1 + ux * nr, y1 + uy * nr);
            let (ex, ey) = (x2 - ux * nr, y2 - uy * nr);
            let at = |f: f64| (sx + (ex - sx) * f, sy + (ey - sy) * f);
            let ab = cuts.contains(&(a, b));
            let ba = cuts.contains(&(b, a));
            let state = match (ab, ba) {
                (true, true) => "both".to_string(),
                (true, false) => format!("{a}->{b}"),
                (false, true) => format!("{b}->{a}"),
                (false, false) => "none".to_string(),
            };
            let selected = pair_selected(p.selection, a, b);
            let on_click = {
                let d = p.dispatch.clone();
                Callback::from(move |_: MouseEvent| d.emit(Msg::Select(Selection::Link(a, b))))
            };
            let body = if ab && ba {
                let (m1x, m1y) = at(0.44);
                let (m2x, m2y) = at(0.56);
                let (mx, my) = at(0.5);
                html! { <>
                    <line class="link cut" x1={f(sx)} y1={f(sy)} x2={f(m1x)} y2={f(m1y)} />
                    <line class="link cut" x1={f(m2x)} y1={f(m2y)} x2={f(ex)} y2={f(ey)} />
                    <path class="cut-mark" d={format!("M{} {} L{} {} M{} {} L{} {}",
                        f(mx - 9.0), f(my - 9.0), f(mx + 9.0), f(my + 9.0),
                        f(mx - 9.0), f(my + 9.0), f(mx + 9.0), f(my - 9.0))} />
                </> }
            } else if ab || ba {
                // Arrow pointing in the blocked direction, with a bar at its tip.
                let dir = if ab { 1.0 } else { -1.0 };
                let (tx, ty) = at(if ab { 0.6 } else { 0.4 });
                let (bx, by) = (tx - ux * dir * 22.0, ty - uy * dir * 22.0);
                let (nx, ny) = (-uy, ux);
                let tri = format!(
                    "{},{} {},{} {},{}",
                    f(tx),
                    f(ty),
                    f(bx + nx * 10.0),
                    f(by + ny * 10.0),
                    f(bx - nx * 10.0),
                    f(by - ny * 10.0)
                );
                let bar = format!(
                    "M{} {} L{} {}",
                    f(tx + nx * 13.0),
                    f(ty + ny * 13.0),
                    f(tx - nx * 13.0),
                    f(ty - ny * 13.0)
                );
                let (lx, ly) = at(0.5);
                let label = if ab {
                    format!("{a}→{b} blocked")
                } else {
                    format!("{b}→{a} blocked")
                };
                html! { <>
                    <line class="link cut oneway" x1={f(sx)} y1={f(sy)} x2={f(ex)} y2={f(ey)} />
                    <polygon class="cut-arrow" points={tri} />
                    <path class="cut-bar" d={bar} />
                    <text class="cut-label" x={f(lx + nx * 22.0)} y={f(ly + ny * 22.0)} text-anchor="middle">{label}</text>
                </> }
            } else {
                let class = if conns.contains(&(a, b)) {
                    "link conn"
                } else {
                    "link"
                };
                html! { <line class={class} x1={f(sx)} y1={f(sy)} x2={f(ex)} y2={f(ey)} /> }
            };
            out.push(html! {
                <g key={format!("{a}-{b}")} data-link={format!("{a}-{b}")} data-cut={state}
                   class={classes!("link-g", selected.then_some("selected"))}>
                    if selected {
                        <line class="link-halo" x1={f(sx)} y1={f(sy)} x2={f(ex)} y2={f(ey)} />
                    }
                    {body}
                    <line class="link-hit" x1={f(sx)} y1={f(sy)} x2={f(ex)} y2={f(ey)} onclick={on_click}>
                        <title>{format!("Link {a} ↔ {b}: click for link controls")}</title>
                    </line>
                </g>
            });
        }
    }
    html! { <g class="links">{ for out }</g> }
}

/// Rounds a coordinate for the DOM.
fn f(v: f64) -> String {
    format!("{v:.1}")
}

fn shape(role: Role, r: f64) -> Html {
    match role {
        Role::Leading => html! { <>
            <circle class="halo" r={f(r + 13.0)} />
            <circle class="body" r={f(r + 2.0)} />
        </> },
        Role::Following => html! { <circle class="body" r={f(r)} /> },
        Role::Looking => {
            let q = r + 8.0;
            html! { <polygon class="body" points={format!("0,{} {},0 0,{} {},0", f(-q), f(q), f(q), f(-q))} /> }
        }
        Role::Observing => {
            let q = r * 0.9;
            html! { <rect class="body" x={f(-q)} y={f(-q)} width={f(2.0 * q)} height={f(2.0 * q)} rx="8" /> }
        }
        Role::Crashed => {
            let q = r * 0.85;
            html! { <>
                <rect class="body" x={f(-q)} y={f(-q)} width={f(2.0 * q)} height={f(2.0 * q)} rx="4" />
                <path class="x" d={format!("M{} {} L{} {} M{} {} L{} {}", f(-q), f(-q), f(q), f(q), f(-q), f(q), f(q), f(-q))} />
            </> }
        }
    }
}

fn crown(r: f64) -> Html {
    let b = -r - 16.0;
    let pts = [
        (-26.0, b),
        (26.0, b),
        (30.0, b - 30.0),
        (14.0, b - 14.0),
        (0.0, b - 34.0),
        (-14.0, b - 14.0),
        (-30.0, b - 30.0),
    ]
    .iter()
    .map(|(x, y)| format!("{},{}", f(*x), f(*y)))
    .collect::<Vec<_>>()
    .join(" ");
    html! { <polygon class="crown" points={pts} /> }
}

/// One server.
fn server(s: &ServerView, n: u32, selected: bool, dispatch: &Callback<Msg>) -> Html {
    let (x, y) = centre(s.id, n);
    let (_, _, r) = radii(n);
    let id = s.id;
    let on_click = {
        let d = dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(Msg::ClickServer(id)))
    };
    let role_label = if s.role == Role::Leading && !s.active_leader {
        "LEADING".to_string()
    } else {
        s.role.label().to_string()
    };
    let phase = if s.up {
        s.phase.to_string()
    } else {
        "down".to_string()
    };
    let facts = format!("epoch {} · {}", s.current_epoch, s.last_zxid);
    let title = format!(
        "Server {}{}: {}{}, currentEpoch {}, acceptedEpoch {}, last zxid {}",
        s.id,
        if s.observer { " (observer)" } else { "" },
        s.role.attr(),
        if s.up {
            format!(" in {}", s.phase)
        } else {
            String::new()
        },
        s.current_epoch,
        s.accepted_epoch,
        s.last_zxid
    );
    let vote = s.vote.clone();
    html! {
        <g key={s.id.to_string()} class={classes!("server", s.role.class(), selected.then_some("selected"), s.observer.then_some("observer"))}
           transform={format!("translate({} {})", f(x), f(y))}
           data-server={s.id.to_string()} data-role={s.role.attr()} data-phase={s.phase}
           data-epoch={s.current_epoch.to_string()} data-accepted-epoch={s.accepted_epoch.to_string()}
           data-up={s.up.to_string()} data-observer={s.observer.to_string()}
           data-leader={s.active_leader.to_string()} data-last-zxid={s.last_zxid.to_string()}
           data-applied-zxid={s.applied_zxid.map(|z| z.to_string()).unwrap_or_default()}
           onclick={on_click}>
            <title>{title}</title>
            if selected {
                <circle class="select-ring" r={f(r + 22.0)} />
            }
            { shape(s.role, r) }
            if s.active_leader { { crown(r) } }
            <text class="sid" y="12" text-anchor="middle">{s.id}</text>
            if let Some(v) = vote {
                <g class="vote" transform={format!("translate(0 {})", f(-r - 22.0))}>
                    <rect x="-78" y="-17" width="156" height="26" rx="13" />
                    <text y="2" text-anchor="middle">{format!("votes {v}")}</text>
                </g>
            }
            <text class="role-label" y={f(r + 28.0)} text-anchor="middle">{role_label}</text>
            <text class="phase-label" y={f(r + 52.0)} text-anchor="middle">{phase}</text>
            <text class="facts-label" y={f(r + 76.0)} text-anchor="middle">{facts}</text>
        </g>
    }
}

/// Every server.
#[function_component(Servers)]
fn servers(p: &LayerProps) -> Html {
    let m = p.model.0.borrow();
    let n = m.engine.size();
    let servers = m.engine.servers();
    let sel = |id: u32| match p.selection {
        Selection::Server(a) => a == id,
        Selection::Link(a, b) => a == id || b == id,
        _ => false,
    };
    html! {
        <g class="servers">
            { for servers.iter().map(|s| server(s, n, sel(s.id), &p.dispatch)) }
        </g>
    }
}

/// Props of the packet layer.
#[derive(Properties, Clone, PartialEq)]
pub struct PacketProps {
    /// The model.
    pub model: Shared,
    /// Display clock.
    pub clock: f64,
    /// Engine version.
    pub version: u64,
    /// Selection.
    pub selection: Selection,
    /// The top layer holds only the selected packet (above the servers); the
    /// other layer, under the servers, every other packet.
    pub top: bool,
    /// Dispatcher.
    pub dispatch: Callback<Msg>,
}

/// Above this many packets in flight, election notifications are drawn as dots (their
/// fields stay in the tooltip and the details box): a 9-server election sends ~100.
const COMPACT_ABOVE: usize = 20;

fn packet(
    pk: &PacketView,
    n: u32,
    t: f64,
    selected: bool,
    compact: bool,
    dispatch: &Callback<Msg>,
) -> Html {
    let (_, _, r) = radii(n);
    let (x1, y1) = centre(pk.from, n);
    let (x2, y2) = centre(pk.to, n);
    let (dx, dy) = (x2 - x1, y2 - y1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    let (nx, ny) = (-uy * 11.0, ux * 11.0);
    let (sx, sy) = (x1 + ux * (r + 6.0) + nx, y1 + uy * (r + 6.0) + ny);
    let (ex, ey) = (x2 - ux * (r + 6.0) + nx, y2 - uy * (r + 6.0) + ny);
    let k = pk.progress(t);
    let (x, y) = (sx + (ex - sx) * k, sy + (ey - sy) * k);
    let (line1, line2) = match pk.label.split_once(' ') {
        Some((a, b)) if pk.kind == "NOTIFICATION" => (a.to_string(), Some(b.to_string())),
        _ => (pk.label.clone(), None),
    };
    let chars = line1
        .len()
        .max(line2.as_ref().map_or(0, |l| l.chars().count()));
    let w = chars as f64 * 7.6 + 12.0;
    let h = if line2.is_some() { 33.0 } else { 20.0 };
    let id = pk.id;
    let on_down = {
        let d = dispatch.clone();
        Callback::from(move |e: PointerEvent| {
            e.stop_propagation();
            d.emit(Msg::Select(Selection::Packet(id)))
        })
    };
    if compact && !selected {
        return html! {
            <g key={pk.id.to_string()} class={classes!("packet", "dot", pk.phase_class())}
               transform={format!("translate({} {})", f(x), f(y))}
               data-packet-id={pk.id.to_string()} data-packet-type={pk.kind}
               data-from={pk.from.to_string()} data-to={pk.to.to_string()}
               onpointerdown={on_down}>
                <title>{format!("{} → {}: {}", pk.from, pk.to, pk.summary)}</title>
                <circle r="7" />
            </g>
        };
    }
    html! {
        <g key={pk.id.to_string()} class={classes!("packet", pk.phase_class(), selected.then_some("selected"))}
           transform={format!("translate({} {})", f(x), f(y))}
           data-packet-id={pk.id.to_string()} data-packet-type={pk.kind}
           data-from={pk.from.to_string()} data-to={pk.to.to_string()}
           onpointerdown={on_down}>
            <title>{format!("{} → {}: {}", pk.from, pk.to, pk.summary)}</title>
            <rect x={f(-w / 2.0)} y={f(-h / 2.0)} width={f(w)} height={f(h)} rx="6" />
            <text y={if line2.is_some() { "-3" } else { "4.5" }} text-anchor="middle">{line1}</text>
            if let Some(l2) = line2 {
                <text class="vote-line" y="11.5" text-anchor="middle">{l2}</text>
            }
        </g>
    }
}

/// Packets in flight.
#[function_component(Packets)]
fn packets(p: &PacketProps) -> Html {
    let m = p.model.0.borrow();
    let n = m.engine.size();
    let list = m.engine.packets();
    let selected = match p.selection {
        Selection::Packet(id) => Some(id),
        _ => None,
    };
    // Packets fly under the servers (roles stay legible); the selected one on top.
    let top = p.top;
    let crowded = list.len() > COMPACT_ABOVE;
    html! {
        <g class={if top { "packets selected-packet" } else { "packets" }}>
            { for list.iter().filter(|pk| (Some(pk.id) == selected) == top).map(|pk| {
                let compact = crowded && pk.election;
                packet(pk, n, p.clock, top, compact, &p.dispatch)
            }) }
        </g>
    }
}

/// The legend under the ring: shapes and colours, each with words.
#[function_component(Legend)]
pub fn legend() -> Html {
    html! {
        <div class="legend" aria-label="Legend">
            <span class="lg role leading">{"◉ LEADER (crown)"}</span>
            <span class="lg role following">{"● FOLLOWER"}</span>
            <span class="lg role looking">{"◆ LOOKING"}</span>
            <span class="lg role observing">{"■ OBSERVER"}</span>
            <span class="lg role crashed">{"☒ CRASHED"}</span>
            <span class="sep" />
            <span class="lg pk election">{"election"}</span>
            <span class="lg dot-key" title="When over 20 packets fly, notifications are drawn as dots; hover or click one for its vote">{"● = notification when crowded"}</span>
            <span class="lg pk discovery">{"discovery"}</span>
            <span class="lg pk sync">{"sync"}</span>
            <span class="lg pk broadcast">{"broadcast"}</span>
            <span class="lg pk heartbeat">{"ping"}</span>
        </div>
    }
}
