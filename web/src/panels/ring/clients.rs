//! Session clients beside the ring (issue 15 item 4): a column of boxes to the right
//! of the servers, one per client with its session (state, server, session id,
//! timeout, newest zxid seen, ephemerals, watches), each joined by a line to the
//! server it is connected or connecting to; the messages between them (connects,
//! calls, PINGs, replies, watch events) fly along that line on the packet canvas.
//! When a client's server crashes or is cut off, its line jumps to the next server
//! it tries; an expired or closed session keeps its box, greyed, without a line.

use std::rc::Rc;

use yew::prelude::*;
use zab_core::client::{ClientState, WatchKind};

use super::f;
use super::flight::{self, Flight, Key, Look};
use crate::engine::views::{state_name, watch_call, ClientPacketView, SessionView};
use crate::t;

/// Sizes of a client's box, in the ring's units (its fonts are in static/style.css,
/// `.client-box`, larger in presenter mode).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Metrics {
    /// Box width.
    pub width: f64,
    /// Height of one line of text.
    pub line: f64,
}

impl Metrics {
    /// The sizes for the usual or the presenter's (larger) labels.
    pub fn new(presenter: bool) -> Metrics {
        if presenter {
            Metrics {
                width: 420.0,
                line: 31.0,
            }
        } else {
            Metrics {
                width: 280.0,
                line: 20.0,
            }
        }
    }

    fn height(&self, rows: usize) -> f64 {
        rows as f64 * self.line + PAD
    }
}

/// Space above the first line and below the last.
const PAD: f64 = 12.0;
/// Space between two boxes.
const GAP: f64 = 12.0;
/// Space between the servers' labels and the column.
pub const MARGIN: f64 = 24.0;
/// Ephemerals or watches listed by path before the rest are counted.
const LISTED: usize = 2;

/// One line of a client's box.
#[derive(Clone, Debug, PartialEq)]
enum Row {
    /// Its name and state.
    Head,
    /// The server it is on or trying.
    Server(u32),
    /// Its network is cut off.
    Cut,
    /// Its session id.
    Session(String),
    /// The negotiated timeout.
    Timeout,
    /// The newest zxid seen.
    Seen,
    /// One of its ephemeral znodes.
    Ephemeral(String),
    /// One of its watches.
    Watch(WatchKind, String),
    /// So many more ephemerals and watches.
    More(usize),
}

/// What a client's box shows, line by line; `compact` (a crowded column): only who,
/// where and whether it is cut off.
fn rows(s: &SessionView, compact: bool) -> Vec<Row> {
    let mut out = vec![Row::Head];
    let live = matches!(s.state, ClientState::Connecting | ClientState::Connected);
    if let Some(id) = s.server.filter(|_| live) {
        out.push(Row::Server(id));
    }
    if s.cut {
        out.push(Row::Cut);
    }
    if compact {
        return out;
    }
    if let Some(id) = s.session {
        out.push(Row::Session(id.to_string()));
    }
    out.extend([Row::Timeout, Row::Seen]);
    let more = s.ephemerals.len().saturating_sub(LISTED) + s.watches.len().saturating_sub(LISTED);
    out.extend(
        s.ephemerals
            .iter()
            .take(LISTED)
            .cloned()
            .map(Row::Ephemeral),
    );
    out.extend(
        s.watches
            .iter()
            .take(LISTED)
            .map(|(k, p)| Row::Watch(*k, p.clone())),
    );
    if more > 0 {
        out.push(Row::More(more));
    }
    out
}

/// Where the column's boxes go: their tops, and the bottom of the last.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The boxes' left edge.
    pub x: f64,
    /// Each client's box: its top and height, in the order of `sessions`.
    pub boxes: Vec<(f64, f64)>,
    /// Every box drawn compact (the column would not fit otherwise).
    pub compact: bool,
}

impl Column {
    /// Lays out boxes for `sessions` at `x`, stacked and centred on `mid` between
    /// `top` and `bottom`; compact if the full boxes would not fit (then they may
    /// still run below `bottom`: [`Column::bottom`] says where they end).
    pub fn new(
        sessions: &[SessionView],
        m: Metrics,
        x: f64,
        (top, mid, bottom): (f64, f64, f64),
    ) -> Column {
        let heights = |compact: bool| -> Vec<f64> {
            sessions
                .iter()
                .map(|s| m.height(rows(s, compact).len()))
                .collect()
        };
        let total = |h: &[f64]| h.iter().sum::<f64>() + GAP * h.len().saturating_sub(1) as f64;
        let full = heights(false);
        let (compact, heights) = if total(&full) <= bottom - top {
            (false, full)
        } else {
            (true, heights(true))
        };
        let mut y = (mid - total(&heights) / 2.0).max(top);
        let boxes = heights
            .into_iter()
            .map(|h| {
                let b = (y, h);
                y += h + GAP;
                b
            })
            .collect();
        Column { x, boxes, compact }
    }

    /// Where the last box ends (`None`: no box).
    pub fn bottom(&self) -> Option<f64> {
        self.boxes.last().map(|(y, h)| y + h)
    }

    /// The point on box `i`'s left edge its line leaves from.
    pub fn anchor(&self, i: usize) -> Option<(f64, f64)> {
        self.boxes.get(i).map(|(y, h)| (self.x, y + h / 2.0))
    }
}

/// The line from a box's anchor to a server's rim (`centre`, `radius`): its ends.
fn line_to(anchor: (f64, f64), centre: (f64, f64), radius: f64) -> ((f64, f64), (f64, f64)) {
    let (dx, dy) = (centre.0 - anchor.0, centre.1 - anchor.1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let (ux, uy) = (dx / len, dy / len);
    (anchor, (centre.0 - ux * radius, centre.1 - uy * radius))
}

/// How far from the box a client message starts (or lands): clear of the box, which
/// is drawn above the packets.
const OFF_BOX: f64 = 40.0;

/// The flight of a client message: along its client's line, beside it (each way on
/// its own side), from just off the box to the server's rim or back.
pub fn flight_of(
    pk: &ClientPacketView,
    anchor: (f64, f64),
    centre: (f64, f64),
    radius: f64,
) -> Flight {
    let (a, b) = line_to(anchor, centre, radius + 6.0);
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    let off = OFF_BOX.min(len / 2.0);
    let a = (a.0 + dx / len * off, a.1 + dy / len * off);
    let side = if pk.to_server { 8.0 } else { -8.0 };
    let (nx, ny) = (-dy / len * side, dx / len * side);
    let (a, b) = ((a.0 + nx, a.1 + ny), (b.0 + nx, b.1 + ny));
    let (from, to) = if pk.to_server { (a, b) } else { (b, a) };
    Flight {
        from,
        to,
        sent: pk.sent_at as f64,
        deliver: pk.deliver_at.max(pk.sent_at) as f64,
    }
}

/// One client's line, as the lines layer draws it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientLine {
    /// Its ends: the box's anchor and the server's rim.
    pub ends: ((f64, f64), (f64, f64)),
    /// Connected (solid) or still trying (dashed).
    pub connected: bool,
    /// Cut off (red, crossed).
    pub cut: bool,
}

impl ClientLine {
    /// The line of `s` (placed at `anchor`) to its server, if it is on or trying one.
    pub fn of(
        s: &SessionView,
        anchor: (f64, f64),
        centre: impl Fn(u32) -> (f64, f64),
        radius: f64,
    ) -> Option<ClientLine> {
        let live = matches!(s.state, ClientState::Connecting | ClientState::Connected);
        let server = s.server.filter(|_| live)?;
        Some(ClientLine {
            ends: line_to(anchor, centre(server), radius + 4.0),
            connected: s.state == ClientState::Connected,
            cut: s.cut,
        })
    }
}

/// Props of the client lines.
#[derive(Properties, Clone, PartialEq)]
pub struct LinesProps {
    /// Every client's line, by client.
    pub lines: Rc<Vec<(u32, ClientLine)>>,
}

/// The lines from the clients to their servers (drawn under the packets).
#[function_component(ClientLines)]
pub fn client_lines(p: &LinesProps) -> Html {
    html! {
        <g class="client-lines">
            { for p.lines.iter().map(|(id, l)| {
                let ((x1, y1), (x2, y2)) = l.ends;
                let class = classes!("client-link", (!l.connected).then_some("connecting"), l.cut.then_some("cut"));
                let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
                html! {
                    // Keyed by client and server: a move to another server draws a new
                    // line (its CSS animation shows the jump).
                    <g key={format!("{id}-{}-{}", f(x2), f(y2))}>
                        <line {class} x1={f(x1)} y1={f(y1)} x2={f(x2)} y2={f(y2)} />
                        if l.cut {
                            <path class="cut-mark" d={format!("M{} {} L{} {} M{} {} L{} {}",
                                f(mx - 8.0), f(my - 8.0), f(mx + 8.0), f(my + 8.0),
                                f(mx - 8.0), f(my + 8.0), f(mx + 8.0), f(my - 8.0))} />
                        }
                    </g>
                }
            }) }
        </g>
    }
}

/// Props of one client's box.
#[derive(Properties, Clone, PartialEq)]
pub struct ClientProps {
    /// Its session.
    pub view: SessionView,
    /// Its box's left edge, top and height.
    pub at: (f64, f64, f64),
    /// Drawn compact.
    pub compact: bool,
    /// Sizes.
    pub metrics: Metrics,
}

/// One client's box: re-rendered only when its session or its place changed.
#[function_component(ClientNode)]
pub fn client_node(p: &ClientProps) -> Html {
    let s = &p.view;
    let (x, y, h) = p.at;
    let m = p.metrics;
    let state = state_name(s.state);
    let ended = matches!(s.state, ClientState::Expired | ClientState::Closed);
    let text = |i: usize, class: &'static str, body: String| {
        let ty = y + PAD / 2.0 + m.line * (i as f64 + 0.75);
        html! { <text {class} x={f(x + 12.0)} y={f(ty)}>{body}</text> }
    };
    let lines = rows(s, p.compact).into_iter().enumerate().map(|(i, row)| match row {
        Row::Head => {
            let ty = y + PAD / 2.0 + m.line * 0.75;
            html! { <>
                <text class="cl-id" x={f(x + 12.0)} y={f(ty)}>{s.client.to_string()}</text>
                <text class={classes!("cl-state", state.to_lowercase())} x={f(x + m.width - 12.0)} y={f(ty)} text-anchor="end">{state}</text>
            </> }
        }
        Row::Server(id) if s.state == ClientState::Connected => {
            text(i, "cl-where", t!("cli.session_at", id = id).into_owned())
        }
        Row::Server(id) => text(i, "cl-where", t!("ring.client_trying", id = id).into_owned()),
        Row::Cut => text(i, "cl-cut", t!("cli.session_cut").into_owned()),
        Row::Session(id) => text(i, "cl-fact", t!("ring.client_session", id = id).into_owned()),
        Row::Timeout => text(i, "cl-fact", t!("ring.client_timeout", timeout = s.timeout_ms).into_owned()),
        Row::Seen => text(i, "cl-fact", t!("cli.session_seen", zxid = s.last_zxid).into_owned()),
        Row::Ephemeral(path) => text(i, "cl-eph", t!("ring.client_ephemeral", path = path).into_owned()),
        Row::Watch(k, path) => text(
            i,
            "cl-watch",
            t!("ring.client_watch", watch = format!("{} {path}", watch_call(k))).into_owned(),
        ),
        Row::More(n) => text(i, "cl-fact", t!("ring.client_more", count = n).into_owned()),
    });
    let watches: Vec<String> = s
        .watches
        .iter()
        .map(|(k, p)| format!("{} {p}", watch_call(*k)))
        .collect();
    let title = t!(
        "ring.client_title",
        client = s.client.to_string(),
        state = state,
        session = s
            .session
            .map(|i| i.to_string())
            .unwrap_or_else(|| "-".into()),
        timeout = s.timeout_ms,
        zxid = s.last_zxid,
        ephemerals = s.ephemerals.len(),
        watches = watches.len()
    );
    let title = [title.into_owned()]
        .into_iter()
        .chain(s.ephemerals.iter().cloned())
        .chain(watches)
        .collect::<Vec<_>>()
        .join("\n");
    html! {
        <g class={classes!("client-box", ended.then_some("ended"), s.cut.then_some("cut"))}
           data-ring-client={s.client.0.to_string()} data-client-state={state}
           data-client-server={s.server.filter(|_| !ended).map(|i| i.to_string()).unwrap_or_default()}>
            <title>{title}</title>
            <rect x={f(x)} y={f(y)} width={f(m.width)} height={f(h)} rx="10" />
            { for lines }
        </g>
    }
}

/// Props of one client message in flight.
#[derive(Properties, Clone)]
pub struct ClientPacketProps {
    /// What it is.
    pub view: Rc<ClientPacketView>,
    /// Its path and times.
    pub flight: Flight,
    /// The display clock when the ring rendered (not compared, as for a packet).
    pub clock: f64,
}

impl PartialEq for ClientPacketProps {
    fn eq(&self, o: &Self) -> bool {
        self.view == o.view && self.flight == o.flight
    }
}

/// One client message in flight: drawn on the packet canvas, with an empty `<g>` for
/// the data-* contract, created when it is sent and removed when it lands.
#[function_component(ClientPacketNode)]
pub fn client_packet_node(p: &ClientPacketProps) -> Html {
    let token = *use_memo((), |_| flight::token());
    {
        let (key, flight, clock) = (Key::Client(p.view.id), p.flight, p.clock);
        let look = Look::client(&p.view);
        use_effect(move || {
            flight::add(key, token, flight, flight::Drawn::Canvas(look), clock);
            move || flight::remove(key, token)
        });
    }
    let pk = &p.view;
    html! {
        <g class="client-packet" data-client-packet={pk.id.to_string()} data-client-packet-type={pk.label}
           data-client-packet-client={pk.client.0.to_string()} data-client-packet-server={pk.server.to_string()}
           data-client-packet-dir={if pk.to_server { "to-server" } else { "to-client" }} />
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zab_core::{ClientId, SessionId, Zxid};

    fn session(id: u32, state: ClientState, ephemerals: usize, watches: usize) -> SessionView {
        SessionView {
            client: ClientId(id),
            state,
            server: Some(1),
            session: Some(SessionId(0x100 + u64::from(id))),
            timeout_ms: 2000,
            last_zxid: Zxid(0x100000003),
            ephemerals: (0..ephemerals).map(|i| format!("/e/n-{i:010}")).collect(),
            watches: (0..watches)
                .map(|i| (WatchKind::Exists, format!("/e/n-{i:010}")))
                .collect(),
            cut: false,
        }
    }

    #[test]
    fn a_box_lists_a_few_ephemerals_and_watches_then_counts_the_rest() {
        let r = rows(&session(1, ClientState::Connected, 3, 1), false);
        let eph = r.iter().filter(|r| matches!(r, Row::Ephemeral(_))).count();
        assert_eq!(eph, LISTED, "two paths listed");
        assert_eq!(
            r.last(),
            Some(&Row::More(1)),
            "the third ephemeral is counted"
        );
        assert!(r.contains(&Row::Server(1)) && r.contains(&Row::Seen));
        let ended = rows(&session(1, ClientState::Expired, 0, 0), false);
        assert!(
            !ended.iter().any(|r| matches!(r, Row::Server(_))),
            "an expired session is on no server"
        );
    }

    #[test]
    fn boxes_do_not_overlap_and_a_crowded_column_turns_compact() {
        let m = Metrics::new(false);
        let few: Vec<_> = (1..=3)
            .map(|i| session(i, ClientState::Connected, 1, 1))
            .collect();
        let c = Column::new(&few, m, 900.0, (0.0, 300.0, 600.0));
        assert!(!c.compact);
        for w in c.boxes.windows(2) {
            assert!(w[0].0 + w[0].1 < w[1].0, "box {w:?} overlaps the next");
        }
        let (first, last) = (c.boxes[0].0, c.bottom().unwrap());
        assert!(
            (300.0 - (first + last) / 2.0).abs() < 0.01,
            "centred on the middle"
        );
        let many: Vec<_> = (1..=16)
            .map(|i| session(i, ClientState::Connected, 2, 2))
            .collect();
        let c = Column::new(&many, m, 900.0, (0.0, 300.0, 600.0));
        assert!(c.compact, "sixteen full boxes do not fit in 600 units");
        assert!(c.boxes[0].0 >= 0.0, "the column starts below the top");
    }

    #[test]
    fn a_client_message_flies_beside_its_line_from_the_box_to_the_server() {
        let pk = ClientPacketView {
            id: 1,
            client: ClientId(1),
            server: 2,
            to_server: true,
            label: "PING",
            event: None,
            ping: true,
            sent_at: 0,
            deliver_at: 10,
        };
        let (anchor, centre) = ((900.0, 300.0), (500.0, 300.0));
        let up = flight_of(&pk, anchor, centre, 40.0);
        assert!(
            up.from.0 > up.to.0,
            "leaves the box (right) for the server (left)"
        );
        assert!(up.from.0 < 900.0 - 30.0, "starts clear of the box");
        assert!((up.to.0 - 546.0).abs() < 0.01, "lands at the server's rim");
        let down = flight_of(
            &ClientPacketView {
                to_server: false,
                ..pk
            },
            anchor,
            centre,
            40.0,
        );
        assert!(down.from.0 < down.to.0, "the reply flies back");
        assert!(
            (up.from.1 - down.to.1).abs() >= 16.0,
            "each way on its own side"
        );
    }
}
