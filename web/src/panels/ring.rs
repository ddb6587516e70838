//! The cluster ring (SVG): links, servers and packets in flight.
//!
//! The ring reads the simulation again after each frame that changed it; the links,
//! each server and each packet are components that re-render only when what they show
//! changed. The packets in flight are drawn on a canvas between the link lines and
//! the servers ([`flight`]); each also has an empty `<g>` for the data-* contract,
//! created when it is sent and removed when it lands, never touched in between. A
//! packet's position is a pure function of the display clock: (t - sent_at) /
//! (deliver_at - sent_at) along its link. (Why a canvas: BENCHMARKS.md section 7.)

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::f64::consts::{PI, TAU};
use std::rc::Rc;

use crate::t;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::engine::views::{ClientPacketView, PacketView, Role, ServerView, SessionView};
use crate::playback::{use_reader, Reader};
use crate::state::model::{Model, Msg, Selection};
use crate::text::gloss;

pub mod clients;
pub mod contract;
pub mod fit;
pub mod flight;

use clients::{ClientLine, ClientLines, ClientNode, ClientPacketNode, Column, Metrics};
use flight::translate;
use flight::{Drawn, Flight, Key, Look};

/// Centre of the ellipse the servers sit on (SVG user units).
const CX: f64 = 500.0;
const CY: f64 = 300.0;

/// The ring's shape: how many servers, and how much wider than its usual width the
/// ellipse is drawn to fill a box wider than the ring ([`fitted`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Shape {
    /// Servers in the ring.
    n: u32,
    /// Tenths of the usual width added (0 to [`MAX_WIDER`]).
    wider: u8,
}

/// The most the ellipse is widened, in tenths: beyond it the ring looks like a line.
const MAX_WIDER: u8 = 6;

impl Shape {
    /// The usual ellipse for `n` servers.
    fn of(n: u32) -> Shape {
        Shape { n, wider: 0 }
    }
}

/// Ellipse radii and node radius for a shape: a wide ellipse fills the wide panel
/// better than a circle; more servers get a bigger ellipse.
fn radii(shape: Shape) -> (f64, f64, f64) {
    let n = shape.n;
    let extra = n.saturating_sub(5) as f64;
    let r = match n {
        0..=5 => 44.0,
        6..=7 => 40.0,
        _ => 36.0,
    };
    let wider = 1.0 + f64::from(shape.wider) / 10.0;
    ((370.0 + 28.0 * extra) * wider, 175.0 + 14.0 * extra, r)
}

/// Server centres, by id - 1.
type Layout = Rc<Vec<(f64, f64)>>;

thread_local! {
    static LAYOUTS: RefCell<BTreeMap<Shape, Layout>> = const { RefCell::new(BTreeMap::new()) };
}

/// Centres of `n` servers spread evenly by arc length along the ellipse (equal angle
/// steps would crowd the ends of a wide ellipse), the first at the top, clockwise.
fn layout(shape: Shape) -> Layout {
    LAYOUTS.with(|cache| {
        cache
            .borrow_mut()
            .entry(shape)
            .or_insert_with(|| {
                let (rx, ry, _) = radii(shape);
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
                let count = shape.n.max(1) as usize;
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

/// Centre of server `id` (1-based) in a ring of `shape`.
fn centre(id: u32, shape: Shape) -> (f64, f64) {
    let l = layout(shape);
    l.get(id.saturating_sub(1) as usize)
        .copied()
        .unwrap_or((CX, CY))
}

/// Room beside a server for its labels, in viewBox units: presenter mode's labels are
/// larger (static/style.css).
const LABEL_ROOM: f64 = 118.0;
const LABEL_ROOM_PRESENTER: f64 = 165.0;

/// The viewBox (x, y, width, height): the servers' bounding box with room for crowns,
/// votes and labels (`room` on each side, and below the servers for labels drawn
/// `labels` times their size: [`fit`]).
fn view_box(shape: Shape, room: f64, labels: f64) -> (f64, f64, f64, f64) {
    let (_, _, r) = radii(shape);
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for id in 1..=shape.n.max(1) {
        let (x, y) = centre(id, shape);
        x0 = x0.min(x - room);
        x1 = x1.max(x + room);
        y0 = y0.min(y - r - 56.0 * labels);
        y1 = y1.max(y + r + 84.0 * labels);
    }
    (x0, y0, x1 - x0, y1 - y0)
}

/// The viewBox widened for a column of session clients on the right of the servers
/// (unchanged without clients), and where the column's boxes go.
fn with_clients(
    (x, y, w, h): (f64, f64, f64, f64),
    sessions: &[SessionView],
    m: Metrics,
) -> ((f64, f64, f64, f64), Column) {
    let column = Column::new(
        sessions,
        m,
        x + w + clients::MARGIN,
        (y + 8.0, CY, y + h - 8.0),
    );
    let Some(bottom) = column.bottom() else {
        return ((x, y, w, h), column);
    };
    let width = w + clients::MARGIN + m.width + 12.0;
    ((x, y, width, h.max(bottom + 8.0 - y)), column)
}

/// Outside presenter mode, the ring's shape and its labels' boost ([`fit::boost`]) for
/// a box of `size` CSS px, when the viewBox of a shape and boost is `view(shape, b)`:
/// the usual ellipse if its labels reach [`fit::MIN_LABEL_PX`], else the ellipse
/// widened (a tenth at a time) that shows them largest. The box is often much wider
/// than the ring (656x296 px at 1280x720 with a dock tab open), so that the ring is
/// sized by its height and a wider ellipse gives its servers room to grow.
fn fitted(n: u32, size: (f64, f64), view: impl Fn(Shape, f64) -> (f64, f64)) -> (Shape, f64) {
    let mut best = (Shape::of(n), 1.0, 0.0);
    for wider in 0..=MAX_WIDER {
        let shape = Shape { n, wider };
        let b = fit::boost(&layout(shape), radii(shape).2, size, |b| view(shape, b));
        let px = fit::label_px(b, size, view(shape, b));
        if px >= fit::MIN_LABEL_PX - 1e-9 && wider == 0 {
            return (shape, b);
        }
        // A wider ring only for a visible gain (a tenth of a pixel).
        if px > best.2 + 0.1 {
            best = (shape, b, px);
        }
    }
    (best.0, best.1)
}

/// A viewBox as the attribute reads it.
fn view_box_attr((x, y, w, h): (f64, f64, f64, f64)) -> String {
    format!("{} {} {} {}", f(x), f(y), f(w), f(h))
}

/// What the ring draws, read from the model after each frame that changed the
/// simulation and at each app render.
pub struct RingData {
    /// Servers in the ring.
    pub n: u32,
    /// The display clock (ms).
    pub clock: f64,
    /// Cut directed links (from, to).
    pub cuts: BTreeSet<(u32, u32)>,
    /// Open learner/leader connections, as (smaller id, larger id).
    pub conns: BTreeSet<(u32, u32)>,
    /// Every server.
    pub servers: Vec<ServerView>,
    /// Packets in flight between servers.
    pub packets: Vec<PacketView>,
    /// Session clients.
    pub sessions: Vec<SessionView>,
    /// Client messages in flight.
    pub client_packets: Vec<ClientPacketView>,
    /// Presenter mode.
    pub presenter: bool,
    /// A lesson step's spotlight: the servers it acts on and asks about (`None`: no
    /// spotlight).
    pub focus: Option<Vec<u32>>,
}

impl RingData {
    /// Reads it from the model.
    pub fn read(m: &Model, _: &()) -> RingData {
        let e = &m.engine;
        RingData {
            n: e.size(),
            clock: e.clock(),
            cuts: e.cuts(),
            conns: e
                .connections()
                .into_iter()
                .map(|(a, b)| (a.min(b), a.max(b)))
                .collect(),
            servers: e.servers(),
            packets: e.packets(),
            sessions: e.sessions(),
            client_packets: e.client_packets(),
            presenter: m.presenter,
            focus: m
                .lesson
                .as_ref()
                .map(|l| l.focus.clone())
                .filter(|f| !f.is_empty()),
        }
    }

    /// Re-read after every frame that changed the simulation.
    pub fn key(m: &Model) -> u64 {
        m.engine.version()
    }
}

/// Props of the ring.
#[derive(Properties, Clone, PartialEq)]
pub struct RingProps {
    /// What it draws.
    pub data: Reader<(), RingData>,
    /// UI revision: a message was handled (between messages the ring redraws itself
    /// after every frame that changed the simulation).
    pub rev: u64,
    /// Current selection.
    pub selection: Selection,
    /// Dispatcher.
    pub dispatch: Callback<Msg>,
}

/// The ring. After each frame that changed the simulation it reads the servers, links
/// and packets again; each is a component that re-renders only when its own view
/// changed. Three layers share one viewBox: the link lines (SVG), the packets in
/// flight (a canvas, [`flight`]), and on top the SVG of the data-* contract (servers,
/// link marks and click targets, one empty `<g>` per packet, the selected packet).
#[function_component(Ring)]
pub fn ring(p: &RingProps) -> Html {
    use_reader(&p.data);
    let canvas = use_node_ref();
    let stack = use_node_ref();
    let size = fit::use_box_size(stack.clone());
    let RingData {
        n,
        clock,
        cuts,
        conns,
        servers,
        packets,
        sessions,
        client_packets,
        presenter,
        focus,
    } = p.data.read(&());
    let cuts = Rc::new(cuts);
    let room = if presenter {
        LABEL_ROOM_PRESENTER
    } else {
        LABEL_ROOM
    };
    let metrics = Metrics::new(presenter);
    let frame = |shape: Shape, labels: f64| {
        with_clients(view_box(shape, room * labels, labels), &sessions, metrics)
    };
    // Presenter mode's labels are large already (static/style.css). The fit depends on
    // the box and on what the frame holds (the clients' column), not on the packets.
    let (shape, labels) =
        *use_memo(
            (n, size, presenter, frame(Shape::of(n), 1.0).0),
            |_| match presenter {
                true => (Shape::of(n), 1.0),
                false => fitted(n, size, |shape, b| {
                    let (_, _, w, h) = frame(shape, b).0;
                    (w, h)
                }),
            },
        );
    let (vb, column) = frame(shape, labels);
    {
        let canvas = canvas.clone();
        use_effect_with(view_box_attr(vb), move |_| {
            flight::attach(canvas.cast::<web_sys::HtmlCanvasElement>(), vb);
            move || flight::attach(None, vb)
        });
    }
    use_effect_with(presenter, |large| flight::set_large(*large));
    // Packets that stayed across a render (a step, a seek) move to the new time.
    use_effect(move || flight::set_time(clock));
    let sel = p.selection;
    let selected_link = match sel {
        Selection::Link(a, b) => Some((a.min(b), a.max(b))),
        _ => None,
    };
    let server_selected = |id: u32| match sel {
        Selection::Server(a) => a == id,
        Selection::Link(a, b) => a == id || b == id,
        _ => false,
    };
    let crowded = packets.len() > COMPACT_ABOVE;
    let (top, under): (Vec<_>, Vec<_>) = packets
        .into_iter()
        .partition(|pk| sel == Selection::Packet(pk.id));
    // The packets on the canvas: their `<g>`s are made and removed by `contract`, not
    // by Yew, after each render.
    let layer = use_node_ref();
    {
        let layer = layer.clone();
        let on_canvas: Vec<contract::OnCanvas> = under
            .into_iter()
            .map(|pk| contract::OnCanvas {
                compact: crowded && pk.election,
                flight: flight_of(&pk, shape),
                view: pk,
            })
            .collect();
        use_effect(move || contract::sync(layer.cast::<web_sys::Element>(), on_canvas, clock));
    }
    use_effect_with((), |_| contract::clear);
    // The selected packet, drawn as SVG by its component. Collected into a list: yew
    // 0.21 unwraps a `{ for }` of one child into a bare node.
    let top: Html = top
        .into_iter()
        .map(|pk| {
            let (id, flight) = (pk.id, flight_of(&pk, shape));
            html! {
                <PacketNode key={id} view={Rc::new(pk)} {flight} {clock} dispatch={p.dispatch.clone()} />
            }
        })
        .collect();
    let on_down = {
        let d = p.dispatch.clone();
        Callback::from(move |e: PointerEvent| pick_packet(&e, &d))
    };
    let links = |drawn: bool| {
        html! {
            <Links {shape} {drawn} cuts={cuts.clone()} conns={Rc::new(conns.clone())} selected={selected_link} dispatch={p.dispatch.clone()} />
        }
    };
    // Session clients: their lines, their messages in flight and their boxes.
    let (_, _, nr) = radii(shape);
    let at = |i: usize| column.anchor(i).unwrap_or((CX, CY));
    let client_lines: Vec<(u32, ClientLine)> = sessions
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            Some((
                s.client.0,
                ClientLine::of(s, at(i), |id| centre(id, shape), nr)?,
            ))
        })
        .collect();
    let client_packets: Html = client_packets
        .into_iter()
        .map(|pk| {
            let i = sessions
                .iter()
                .position(|s| s.client == pk.client)
                .unwrap_or(0);
            let flight = clients::flight_of(&pk, at(i), centre(pk.server, shape), nr);
            let id = pk.id;
            html! { <ClientPacketNode key={id} view={Rc::new(pk)} {flight} {clock} /> }
        })
        .collect();
    let client_boxes: Html = sessions
        .into_iter()
        .zip(column.boxes.iter())
        .map(|(s, &(y, h))| {
            let id = s.client.0;
            html! { <ClientNode key={id} view={s} at={(column.x, y, h)} compact={column.compact} {metrics} /> }
        })
        .collect();
    html! {
        <div class="ring-stack" ref={stack}>
            <svg class="ring ring-lines" aria-hidden="true" viewBox={view_box_attr(vb)} preserveAspectRatio="xMidYMid meet">
                { links(true) }
                <ClientLines lines={Rc::new(client_lines)} />
            </svg>
            <canvas class="ring-packets" ref={canvas} aria-hidden="true" />
            <svg data-view="cluster" role="img" aria-label={t!("ring.aria")} class="ring"
                 style={format!("--labels: {labels:.2}")}
                 viewBox={view_box_attr(vb)} preserveAspectRatio="xMidYMid meet" onpointerdown={on_down}>
                { links(false) }
                <g class="packets" ref={layer}></g>
                <g class="client-packets">{client_packets}</g>
                <g class="clients">{client_boxes}</g>
                <g class="servers">
                    { for servers.into_iter().map(|s| {
                        let (id, selected) = (s.id, server_selected(s.id));
                        let spot = focus.as_ref().map(|f| f.contains(&id));
                        html! { <ServerNode key={id} {selected} {spot} view={s} {shape} {labels} dispatch={p.dispatch.clone()} /> }
                    }) }
                </g>
                <g class="packets selected-packet">{top}</g>
            </svg>
        </div>
    }
}

thread_local! {
    /// A pointer press just picked a packet on the canvas: the click that follows is
    /// not for the link under it.
    static PICKED: Cell<bool> = const { Cell::new(false) };
}

/// A press on the ring selects the packet drawn under it, unless a server or the
/// selected packet (drawn above the packets) is there.
fn pick_packet(e: &PointerEvent, d: &Callback<Msg>) {
    PICKED.with(|p| p.set(false));
    // (Yew delegates events: the current target is not the ring's SVG.)
    let Some(target) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let Some(svg) = target.closest("svg[data-view=\"cluster\"]").ok().flatten() else {
        return;
    };
    if target
        .closest("g[data-server], .selected-packet, .client-box")
        .ok()
        .flatten()
        .is_some()
    {
        return;
    }
    // The pointer in viewBox units (`xMidYMid meet`).
    let r = svg.get_bounding_client_rect();
    let (vx, vy, vw, vh) = flight::view();
    let s = (r.width() / vw).min(r.height() / vh);
    if s <= 0.0 {
        return;
    }
    let x = vx + (e.client_x() as f64 - r.left() - (r.width() - vw * s) / 2.0) / s;
    let y = vy + (e.client_y() as f64 - r.top() - (r.height() - vh * s) / 2.0) / s;
    if let Some(Key::Packet(id)) = flight::hit(x, y) {
        PICKED.with(|p| p.set(true));
        d.emit(Msg::Select(Selection::Packet(id)));
    }
}

/// Props of the links layer.
#[derive(Properties, Clone, PartialEq)]
pub struct LinksProps {
    /// The ring's shape.
    pub shape: Shape,
    /// The drawn lines (under the packets), or the marks of the data-* contract, the
    /// cut marks and the click targets (above them).
    pub drawn: bool,
    /// Cut directed links (from, to).
    pub cuts: Rc<BTreeSet<(u32, u32)>>,
    /// Open learner/leader connections, as (smaller id, larger id).
    pub conns: Rc<BTreeSet<(u32, u32)>>,
    /// The selected link, as (smaller id, larger id).
    pub selected: Option<(u32, u32)>,
    /// Dispatcher.
    pub dispatch: Callback<Msg>,
}

/// Links between every pair: faint election mesh, solid for an open learner/leader
/// connection, dashed red with a gap when cut, an arrow for a one-way cut.
#[function_component(Links)]
fn links(p: &LinksProps) -> Html {
    let (shape, n) = (p.shape, p.shape.n);
    let (_, _, nr) = radii(shape);
    let (cuts, conns) = (&p.cuts, &p.conns);
    let mut out = Vec::new();
    for a in 1..=n {
        for b in (a + 1)..=n {
            let (x1, y1) = centre(a, shape);
            let (x2, y2) = centre(b, shape);
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
            let selected = p.selected == Some((a, b));
            let line = |class: &'static str, (x1, y1): (f64, f64), (x2, y2): (f64, f64)| {
                html! { <line class={class} x1={f(x1)} y1={f(y1)} x2={f(x2)} y2={f(y2)} /> }
            };
            if p.drawn {
                // The lines, under the packets.
                let body = if ab && ba {
                    html! { <>
                        { line("link cut", (sx, sy), at(0.44)) }
                        { line("link cut", at(0.56), (ex, ey)) }
                    </> }
                } else if ab || ba {
                    line("link cut oneway", (sx, sy), (ex, ey))
                } else if conns.contains(&(a, b)) {
                    line("link conn", (sx, sy), (ex, ey))
                } else {
                    line("link", (sx, sy), (ex, ey))
                };
                out.push(html! {
                    <g key={format!("{a}-{b}")} class={classes!("link-g", selected.then_some("selected"))}>
                        if selected { { line("link-halo", (sx, sy), (ex, ey)) } }
                        {body}
                    </g>
                });
                continue;
            }
            // The contract's marks, what a cut blocks, and the click target, above.
            let on_click = {
                let d = p.dispatch.clone();
                Callback::from(move |_: MouseEvent| {
                    if !PICKED.with(|p| p.replace(false)) {
                        d.emit(Msg::Select(Selection::Link(a, b)))
                    }
                })
            };
            let marks = if ab && ba {
                let (mx, my) = at(0.5);
                html! {
                    <path class="cut-mark" d={format!("M{} {} L{} {} M{} {} L{} {}",
                        f(mx - 9.0), f(my - 9.0), f(mx + 9.0), f(my + 9.0),
                        f(mx - 9.0), f(my + 9.0), f(mx + 9.0), f(my - 9.0))} />
                }
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
                    t!("ring.blocked", from = a, to = b)
                } else {
                    t!("ring.blocked", from = b, to = a)
                };
                html! { <>
                    <polygon class="cut-arrow" points={tri} />
                    <path class="cut-bar" d={bar} />
                    <text class="cut-label" x={f(lx + nx * 22.0)} y={f(ly + ny * 22.0)} text-anchor="middle">{label}</text>
                </> }
            } else {
                html! {}
            };
            out.push(html! {
                <g key={format!("{a}-{b}")} data-link={format!("{a}-{b}")} data-cut={state}
                   class={classes!("link-g", selected.then_some("selected"))}>
                    {marks}
                    <line class="link-hit" x1={f(sx)} y1={f(sy)} x2={f(ex)} y2={f(ey)} onclick={on_click}>
                        <title>{t!("ring.link_title", a = a, b = b)}</title>
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

/// A server's body: its shape says its role (diamond LOOKING, circle FOLLOWER...).
fn body(role: Role, r: f64) -> Html {
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
fn server(
    s: &ServerView,
    shape: Shape,
    labels: f64,
    selected: bool,
    spot: Option<bool>,
    dispatch: &Callback<Msg>,
) -> Html {
    let (x, y) = centre(s.id, shape);
    let (_, _, r) = radii(shape);
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
        t!("ring.down").into_owned()
    };
    let facts = t!("ring.facts", epoch = s.current_epoch, zxid = s.last_zxid);
    let role = if s.up {
        t!("ring.role_in", role = s.role.attr(), phase = s.phase)
    } else {
        s.role.attr().into()
    };
    let (current, accepted, zxid) = (s.current_epoch, s.accepted_epoch, s.last_zxid);
    let title = if s.observer {
        t!(
            "ring.title_observer",
            id = s.id,
            role = role,
            current = current,
            accepted = accepted,
            zxid = zxid
        )
    } else {
        t!(
            "ring.title",
            id = s.id,
            role = role,
            current = current,
            accepted = accepted,
            zxid = zxid
        )
    };
    let title = format!(
        "{title}\n{}\n{}",
        gloss::role(s.role),
        crate::text::lessons::zxid_layout(s.last_zxid)
    );
    let vote = s.vote.clone();
    html! {
        <g class={classes!("server", s.role.class(), selected.then_some("selected"), s.observer.then_some("observer"))}
           data-spotlight={spot.map(|b| b.to_string())}
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
            { body(s.role, r) }
            if s.active_leader { { crown(r) } }
            <text class="sid" y="12" text-anchor="middle">{s.id}</text>
            if let Some(v) = vote {
                <g class="vote" transform={format!("translate(0 {}) scale({labels:.2})", f(-r - 22.0 * labels))}>
                    <rect x="-78" y="-17" width="156" height="26" rx="13" />
                    <text y="2" text-anchor="middle">{t!("ring.votes", vote = v)}</text>
                </g>
            }
            <text class="role-label" y={f(r + 28.0 * labels)} text-anchor="middle">{role_label}</text>
            <text class="phase-label" y={f(r + 52.0 * labels)} text-anchor="middle">{phase}</text>
            <text class="facts-label" y={f(r + 76.0 * labels)} text-anchor="middle">{facts}</text>
        </g>
    }
}

/// Props of one server.
#[derive(Properties, Clone, PartialEq)]
pub struct ServerProps {
    /// What it shows.
    pub view: ServerView,
    /// The ring's shape.
    pub shape: Shape,
    /// Selected (or one end of the selected link).
    pub selected: bool,
    /// In a lesson step's spotlight (`None`: no spotlight).
    pub spot: Option<bool>,
    /// How many times their size the labels are drawn ([`fit`]).
    pub labels: f64,
    /// Dispatcher.
    pub dispatch: Callback<Msg>,
}

/// One server: re-rendered only when its view changed.
#[function_component(ServerNode)]
fn server_node(p: &ServerProps) -> Html {
    server(&p.view, p.shape, p.labels, p.selected, p.spot, &p.dispatch)
}

/// Above this many packets in flight, election notifications are drawn as dots (their
/// fields stay in the tooltip and the details box): a 9-server election sends ~100.
const COMPACT_ABOVE: usize = 20;

/// The flight of `pk` in a ring of `shape`: from the sender's rim to the receiver's,
/// offset to the right of the link so that the two directions do not overlap.
fn flight_of(pk: &PacketView, shape: Shape) -> Flight {
    let (_, _, r) = radii(shape);
    let (x1, y1) = centre(pk.from, shape);
    let (x2, y2) = centre(pk.to, shape);
    let (dx, dy) = (x2 - x1, y2 - y1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    let (nx, ny) = (-uy * 11.0, ux * 11.0);
    Flight {
        from: (x1 + ux * (r + 6.0) + nx, y1 + uy * (r + 6.0) + ny),
        to: (x2 - ux * (r + 6.0) + nx, y2 - uy * (r + 6.0) + ny),
        sent: pk.sent_at as f64,
        deliver: pk.deliver_at.max(pk.sent_at) as f64,
    }
}

/// Moves every packet to display time `t` (after each animation frame): see
/// [`flight::set_time`].
pub fn move_packets(t: f64) {
    flight::set_time(t);
}

/// Props of the selected packet.
#[derive(Properties, Clone)]
pub struct PacketProps {
    /// What it is.
    pub view: Rc<PacketView>,
    /// Its path and times.
    pub flight: Flight,
    /// The display clock when the ring rendered: where to draw it if it renders now.
    /// Not compared: between renders the packet is moved by [`flight::set_time`].
    pub clock: f64,
    /// Dispatcher.
    pub dispatch: Callback<Msg>,
}

impl PartialEq for PacketProps {
    fn eq(&self, o: &Self) -> bool {
        self.view == o.view && self.flight == o.flight && self.dispatch == o.dispatch
    }
}

/// The selected packet: a full SVG drawing above the servers, outlined, with the
/// data-* attributes of every packet (the others are on the canvas, [`contract`]). It
/// renders again only if what it shows changes; between renders [`flight`] moves it.
#[function_component(PacketNode)]
fn packet_node(p: &PacketProps) -> Html {
    let node = use_node_ref();
    let token = *use_memo((), |_| flight::token());
    {
        let (node, id, flight, clock) = (node.clone(), p.view.id, p.flight, p.clock);
        use_effect(move || {
            if let Some(el) = node.cast::<web_sys::Element>() {
                flight::add(Key::Packet(id), token, flight, Drawn::Element(el), clock);
            }
            move || flight::remove(Key::Packet(id), token)
        });
    }
    let pk = &p.view;
    let class = classes!("packet", pk.phase_class(), "selected");
    let id = pk.id;
    let on_down = {
        let d = p.dispatch.clone();
        Callback::from(move |e: PointerEvent| {
            e.stop_propagation();
            d.emit(Msg::Select(Selection::Packet(id)))
        })
    };
    let look = Look::of(pk, false);
    let (w, h) = look.size;
    html! {
        <g ref={node} {class} transform={translate(p.flight.at(p.clock))}
           data-packet-id={pk.id.to_string()} data-packet-type={pk.kind}
           data-from={pk.from.to_string()} data-to={pk.to.to_string()}
           onpointerdown={on_down}>
            <title>{format!("{} → {}: {}\n{}", pk.from, pk.to, pk.summary, gloss::packet(pk.kind))}</title>
            <rect x={f(-w / 2.0)} y={f(-h / 2.0)} width={f(w)} height={f(h)} rx="6" />
            <text y={if look.line2.is_some() { "-3" } else { "4.5" }} text-anchor="middle">{look.line1}</text>
            if let Some(l2) = look.line2 {
                <text class="vote-line" y="11.5" text-anchor="middle">{l2}</text>
            }
        </g>
    }
}

/// The legend under the ring: shapes and colours, each with words.
#[function_component(Legend)]
pub fn legend() -> Html {
    html! {
        <div class="legend" aria-label={t!("ring.legend")}>
            <span class="lg role leading" title={gloss::role(Role::Leading)}>{t!("ring.lg_leader")}</span>
            <span class="lg role following" title={gloss::role(Role::Following)}>{"● FOLLOWER"}</span>
            <span class="lg role looking" title={gloss::role(Role::Looking)}>{"◆ LOOKING"}</span>
            <span class="lg role observing" title={gloss::role(Role::Observing)}>{"■ OBSERVER"}</span>
            <span class="lg role crashed" title={gloss::role(Role::Crashed)}>{"☒ CRASHED"}</span>
            <span class="sep" />
            <span class="lg pk election">{t!("st.lg_election")}</span>
            <span class="lg dot-key" title={t!("ring.lg_dot_title")}>{t!("ring.lg_dot")}</span>
            <span class="lg pk discovery">{t!("st.lg_discovery")}</span>
            <span class="lg pk sync">{t!("st.lg_sync")}</span>
            <span class="lg pk broadcast">{t!("st.lg_broadcast")}</span>
            <span class="lg pk heartbeat">{t!("st.lg_ping")}</span>
            <span class="lg pk client" title={t!("ring.lg_client_title")}>{t!("ring.lg_client")}</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The viewBox's size for a shape and boost, without clients.
    fn plain(shape: Shape, b: f64) -> (f64, f64) {
        let (_, _, w, h) = view_box(shape, LABEL_ROOM * b, b);
        (w, h)
    }

    #[test]
    fn a_box_wider_than_the_ring_gets_a_wider_ring_with_larger_labels() {
        // 1280x720 with a dock tab open: the ring's box is 656x296 px.
        let size = (656.0, 296.0);
        for n in [7, 11] {
            let usual = Shape::of(n);
            let b0 = fit::boost(&layout(usual), radii(usual).2, size, |b| plain(usual, b));
            let px0 = fit::label_px(b0, size, plain(usual, b0));
            let (shape, b) = fitted(n, size, plain);
            assert!(shape.wider > 0, "{n} servers: {shape:?}");
            assert!(
                fit::label_px(b, size, plain(shape, b)) > px0 + 0.1,
                "{n} servers"
            );
        }
    }

    #[test]
    fn the_usual_ring_is_kept_where_its_labels_are_large_enough() {
        // 1920x1080: labels of 3 servers reach the minimum in the usual ellipse.
        let size = (1100.0, 560.0);
        let (shape, b) = fitted(3, size, plain);
        assert_eq!(shape, Shape::of(3));
        assert!(fit::label_px(b, size, plain(shape, b)) >= fit::MIN_LABEL_PX - 1e-9);
        // Unmeasured (first render): the usual ring, labels at their size.
        assert_eq!(fitted(5, (0.0, 0.0), plain), (Shape::of(5), 1.0));
    }

    #[test]
    fn a_wider_ring_is_wider_and_no_taller() {
        let (w0, h0) = plain(Shape::of(9), 1.0);
        let (w1, h1) = plain(Shape { n: 9, wider: 3 }, 1.0);
        // (The servers sit on sampled points of the ellipse: a unit either way.)
        assert!(
            w1 > w0 + 200.0 && (h1 - h0).abs() < 1.0,
            "{w0}x{h0} -> {w1}x{h1}"
        );
    }

    #[test]
    fn a_packet_flies_from_rim_to_rim_beside_its_link() {
        let pk = PacketView {
            id: 1,
            from: 1,
            to: 3,
            kind: "PING",
            phase: zab_core::packet::PacketPhase::Heartbeat,
            vote: None,
            summary: String::new(),
            election: false,
            sent_at: 100,
            deliver_at: 300,
        };
        let f = flight_of(&pk, Shape::of(5));
        let (r, (cx, cy)) = (radii(Shape::of(5)).2, centre(1, Shape::of(5)));
        let d = ((f.from.0 - cx).powi(2) + (f.from.1 - cy).powi(2)).sqrt();
        assert!(d > r, "it starts outside the sender's shape ({d} > {r})");
        let back = flight_of(
            &PacketView {
                from: 3,
                to: 1,
                ..pk
            },
            Shape::of(5),
        );
        assert!(
            (back.to.0 - f.from.0).abs() > 10.0 || (back.to.1 - f.from.1).abs() > 10.0,
            "the two directions of a link do not overlap"
        );
    }
}
