//! Packets in flight: where each one is, a pure function of the display clock, and
//! the canvas layer that draws them.
//!
//! Every packet on the page registers here ([`add`], [`remove`], from its component's
//! effects). [`set_time`] (after every animation frame, and after every render of the
//! ring) computes each packet's position; the packets drawn on the canvas are redrawn
//! at most once per frame, in a microtask after the frame's renders, and only if one
//! moved, came or went; the one drawn as an SVG element (the selected packet) gets a
//! new `transform`. Nothing else touches the DOM. [`hit`] finds the packet under a
//! point, for the ring's clicks. Why a canvas and not an SVG element per packet:
//! BENCHMARKS.md section 7.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ResizeObserver};

use crate::engine::views::{ClientPacketView, PacketView};

/// What a drawn packet is: a packet between servers or a session client's message
/// (each numbered on its own).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    /// A server packet, by its id.
    Packet(u64),
    /// A client message, by its id.
    Client(u64),
}

/// A packet's path on the ring and its times: at display time t it is
/// (t - sent) / (deliver - sent) of the way from `from` to `to` (user units).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Flight {
    /// Where it starts (the sender's rim).
    pub from: (f64, f64),
    /// Where it lands (the receiver's rim).
    pub to: (f64, f64),
    /// Sent (simulated ms).
    pub sent: f64,
    /// Delivered (simulated ms, not before `sent`).
    pub deliver: f64,
}

impl Flight {
    /// Where it is at display time `t`, in tenths of a user unit.
    pub fn at(&self, t: f64) -> (i64, i64) {
        let span = self.deliver - self.sent;
        let k = if span <= 0.0 {
            1.0
        } else {
            ((t - self.sent) / span).clamp(0.0, 1.0)
        };
        let lerp = |a: f64, b: f64| ((a + (b - a) * k) * 10.0).round() as i64;
        (lerp(self.from.0, self.to.0), lerp(self.from.1, self.to.1))
    }
}

/// A value in tenths as the DOM reads it (`-12.3`), without float formatting.
pub fn tenths(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    format!("{sign}{}.{}", v.unsigned_abs() / 10, v.unsigned_abs() % 10)
}

/// The `transform` attribute of a packet at `(x, y)` tenths.
pub fn translate((x, y): (i64, i64)) -> String {
    format!("translate({} {})", tenths(x), tenths(y))
}

/// How a packet looks: a labelled box (one or two lines) or, in a crowded election,
/// a dot. The same shapes as the selected packet's SVG (`.packet` in style.css).
#[derive(Clone, Debug, PartialEq)]
pub struct Look {
    /// Its phase class (`broadcast`...): the colour.
    pub phase: &'static str,
    /// The label's first line.
    pub line1: String,
    /// A NOTIFICATION's vote, on a second line.
    pub line2: Option<String>,
    /// Box width and height (user units).
    pub size: (f64, f64),
    /// Drawn as a disc (a crowded election's notification), with the id of the
    /// server its vote proposes inside when it carries one.
    pub dot: Option<Option<u32>>,
}

impl Look {
    /// The look of `pk` (`dot`: a crowded election's notification).
    pub fn of(pk: &PacketView, dot: bool) -> Look {
        let line2 = pk.vote.as_ref().map(|(_, v)| v.clone());
        let disc = dot.then(|| pk.vote.as_ref().map(|(leader, _)| *leader));
        Look::boxed(pk.phase_class(), pk.kind.to_string(), line2, disc)
    }

    /// The look of a session client's message: the heartbeat colour for a PING, the
    /// client colour for the rest; a watch event's type on a second line.
    pub fn client(pk: &ClientPacketView) -> Look {
        let phase = if pk.ping { "heartbeat" } else { "client" };
        Look::boxed(
            phase,
            pk.label.to_string(),
            pk.event.map(str::to_string),
            None,
        )
    }

    /// A box sized to its lines.
    fn boxed(
        phase: &'static str,
        line1: String,
        line2: Option<String>,
        dot: Option<Option<u32>>,
    ) -> Look {
        let chars = line1
            .chars()
            .count()
            .max(line2.as_ref().map_or(0, |l| l.chars().count()));
        let w = chars as f64 * 7.6 + 12.0;
        let h = if line2.is_some() { 33.0 } else { 20.0 };
        Look {
            phase,
            line1,
            line2,
            size: (w, h),
            dot,
        }
    }

    /// Whether `(dx, dy)` from its centre (user units) is on it.
    fn contains(&self, dx: f64, dy: f64) -> bool {
        if self.dot.is_some() {
            dx * dx + dy * dy <= (DISC + 2.0) * (DISC + 2.0)
        } else {
            dx.abs() <= self.size.0 / 2.0 + 2.0 && dy.abs() <= self.size.1 / 2.0 + 2.0
        }
    }
}

/// The radius of a crowded election's notification disc (user units).
const DISC: f64 = 9.5;

/// How a registered packet is drawn.
pub enum Drawn {
    /// On the canvas.
    Canvas(Look),
    /// As this SVG element, moved by its `transform`.
    Element(web_sys::Element),
}

struct Entry {
    /// The component instance that registered it (a packet moving between layers
    /// briefly has two).
    token: u64,
    flight: Flight,
    drawn: Drawn,
    /// Where it was last put (tenths), if anywhere yet.
    at: Option<(i64, i64)>,
}

/// Colours and fonts of the canvas, read from the page's CSS variables.
#[derive(Default)]
struct Theme {
    /// `<html>`'s class when read (high contrast), and the dark scheme.
    key: Option<(String, bool)>,
    /// The dark-scheme query, made once.
    dark: Option<web_sys::MediaQueryList>,
    /// `--pk-<phase>` by phase class.
    phase: Vec<(&'static str, String)>,
    /// The dot's outline (`--panel`).
    panel: String,
    /// The label fonts.
    font: String,
    mono: String,
}

const PHASES: [&str; 7] = [
    "election",
    "discovery",
    "sync",
    "broadcast",
    "heartbeat",
    "control",
    "client",
];

impl Theme {
    fn colour(&self, phase: &str) -> &str {
        self.phase
            .iter()
            .find(|(p, _)| *p == phase)
            .map_or("#8a8f96", |(_, c)| c.as_str())
    }

    /// Reads the theme again if `<html>`'s class or the colour scheme changed; true if
    /// it did.
    fn refresh(&mut self) -> bool {
        let Some(window) = web_sys::window() else {
            return false;
        };
        let Some(root) = window.document().and_then(|d| d.document_element()) else {
            return false;
        };
        if self.dark.is_none() {
            self.dark = window
                .match_media("(prefers-color-scheme: dark)")
                .ok()
                .flatten();
        }
        let dark = self.dark.as_ref().is_some_and(|m| m.matches());
        let key = (root.class_name(), dark);
        if self.key.as_ref() == Some(&key) {
            return false;
        }
        self.key = Some(key);
        let Ok(Some(style)) = window.get_computed_style(&root) else {
            return true;
        };
        let var = |name: &str, fallback: &str| {
            let v = style.get_property_value(name).unwrap_or_default();
            let v = v.trim();
            if v.is_empty() {
                fallback.to_string()
            } else {
                v.to_string()
            }
        };
        self.phase = PHASES
            .iter()
            .map(|p| (*p, var(&format!("--pk-{p}"), "#8a8f96")))
            .collect();
        self.panel = var("--panel", "#ffffff");
        self.font = format!("700 12.5px {}", var("--font", "sans-serif"));
        self.mono = format!("500 11.5px {}", var("--mono", "monospace"));
        true
    }
}

/// The canvas and what keeps its size: a ResizeObserver (its callback runs after
/// layout, so reading the size there costs no reflow).
struct Surface {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    observer: Option<(ResizeObserver, Closure<dyn FnMut()>)>,
}

impl Drop for Surface {
    fn drop(&mut self) {
        if let Some((o, _)) = &self.observer {
            o.disconnect();
        }
    }
}

/// The canvas layer and every packet on the page.
#[derive(Default)]
struct Layer {
    surface: Option<Surface>,
    /// The ring's viewBox: x, y, width, height (user units).
    view: (f64, f64, f64, f64),
    /// The canvas's CSS size and device pixel ratio (from the ResizeObserver).
    size: (i32, i32, f64),
    theme: Theme,
    /// The display time last set.
    time: f64,
    /// Something changed since the canvas was drawn.
    dirty: bool,
    entries: BTreeMap<Key, Entry>,
    /// Presenter mode: packets drawn [`PRESENTER_SCALE`] times larger.
    large: bool,
}

/// How much larger packets are in presenter mode (issue 14 item 3: large packets).
const PRESENTER_SCALE: f64 = 1.6;

impl Layer {
    fn scale(&self) -> f64 {
        if self.large {
            PRESENTER_SCALE
        } else {
            1.0
        }
    }
}

/// Draws the packets larger (presenter mode) or at their usual size.
pub fn set_large(large: bool) {
    let changed = LAYER.with(|l| {
        let mut l = l.borrow_mut();
        let changed = l.large != large;
        l.large = large;
        l.dirty |= changed;
        changed
    });
    if changed {
        queue_draw();
    }
}

thread_local! {
    static LAYER: RefCell<Layer> = RefCell::new(Layer::default());
    static DRAW_QUEUED: Cell<bool> = const { Cell::new(false) };
    static TOKENS: Cell<u64> = const { Cell::new(0) };
}

/// A token for a component instance that registers packets.
pub fn token() -> u64 {
    TOKENS.with(|t| {
        let v = t.get() + 1;
        t.set(v);
        v
    })
}

/// The canvas to draw on (None: detach) and the ring's viewBox.
pub fn attach(canvas: Option<HtmlCanvasElement>, view: (f64, f64, f64, f64)) {
    let surface = canvas.and_then(|canvas| {
        let ctx = canvas
            .get_context("2d")
            .ok()
            .flatten()?
            .dyn_into::<CanvasRenderingContext2d>()
            .ok()?;
        let on_resize = Closure::<dyn FnMut()>::new(|| {
            LAYER.with(|l| {
                let mut l = l.borrow_mut();
                l.measure();
                l.draw();
            })
        });
        let observer = ResizeObserver::new(on_resize.as_ref().unchecked_ref())
            .ok()
            .map(|o| {
                o.observe(&canvas);
                (o, on_resize)
            });
        Some(Surface {
            canvas,
            ctx,
            observer,
        })
    });
    // Dropped outside the borrow (it disconnects its observer).
    let old = LAYER.with(|l| {
        let mut l = l.borrow_mut();
        l.view = view;
        l.dirty = true;
        // A new canvas has the default bitmap (300x150) whatever its box: measured
        // afresh even if its box is the old one's size (a remount, a language switch).
        l.size = (0, 0, 0.0);
        std::mem::replace(&mut l.surface, surface)
    });
    drop(old);
    queue_draw();
}

/// Registers packet `id` (for instance `token`), drawn as `drawn`, at display time
/// `time`.
pub fn add(id: Key, token: u64, flight: Flight, drawn: Drawn, time: f64) {
    LAYER.with(|l| {
        let mut l = l.borrow_mut();
        l.time = time;
        l.dirty = true;
        l.entries.insert(
            id,
            Entry {
                token,
                flight,
                drawn,
                at: None,
            },
        );
    });
    queue_draw();
}

/// Forgets packet `id` if instance `token` registered it.
pub fn remove(id: Key, token: u64) {
    LAYER.with(|l| {
        let mut l = l.borrow_mut();
        if l.entries.get(&id).is_some_and(|e| e.token == token) {
            l.entries.remove(&id);
            l.dirty = true;
        }
    });
    queue_draw();
}

/// Moves every packet to display time `t`: a new `transform` for an SVG packet that
/// moved by a tenth of a unit; the canvas is redrawn (once, after this frame's
/// renders) if a packet on it moved.
pub fn set_time(t: f64) {
    let moved = LAYER.with(|l| {
        let mut l = l.borrow_mut();
        l.time = t;
        let mut moved = false;
        for e in l.entries.values_mut() {
            let at = e.flight.at(t);
            if e.at == Some(at) {
                continue;
            }
            e.at = Some(at);
            match &e.drawn {
                Drawn::Element(el) => {
                    let _ = el.set_attribute("transform", &translate(at));
                }
                Drawn::Canvas(_) => moved = true,
            }
        }
        moved || l.dirty
    });
    if moved {
        queue_draw();
    }
}

/// The packet drawn on the canvas at `(x, y)` user units, the one on top first.
pub fn hit(x: f64, y: f64) -> Option<Key> {
    LAYER.with(|l| {
        let l = l.borrow();
        let k = l.scale();
        l.entries.iter().rev().find_map(|(id, e)| {
            let Drawn::Canvas(look) = &e.drawn else {
                return None;
            };
            let (px, py) = e.at?;
            look.contains((x - px as f64 / 10.0) / k, (y - py as f64 / 10.0) / k)
                .then_some(*id)
        })
    })
}

/// The ring's viewBox (for mapping a pointer into user units).
pub fn view() -> (f64, f64, f64, f64) {
    LAYER.with(|l| l.borrow().view)
}

/// Draws the canvas once the current renders are done (a microtask after them).
fn queue_draw() {
    if DRAW_QUEUED.with(|q| q.replace(true)) {
        return;
    }
    yew::platform::spawn_local(async {
        DRAW_QUEUED.with(|q| q.set(false));
        LAYER.with(|l| l.borrow_mut().draw());
    });
}

impl Layer {
    /// Reads the canvas's box and sizes its bitmap to it.
    fn measure(&mut self) {
        let Some(s) = &self.surface else { return };
        let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        let size = (s.canvas.client_width(), s.canvas.client_height(), dpr);
        if size != self.size {
            self.size = size;
            s.canvas
                .set_width((size.0.max(1) as f64 * dpr).round() as u32);
            s.canvas
                .set_height((size.1.max(1) as f64 * dpr).round() as u32);
            self.dirty = true;
        }
    }

    fn draw(&mut self) {
        let Some(s) = &self.surface else { return };
        let (canvas, ctx) = (s.canvas.clone(), s.ctx.clone());
        // Packets added since the last position update are placed now.
        let t = self.time;
        for e in self.entries.values_mut() {
            if e.at.is_none() {
                e.at = Some(e.flight.at(t));
                if let Drawn::Element(el) = &e.drawn {
                    let _ = el.set_attribute("transform", &translate(e.flight.at(t)));
                }
            }
        }
        let size = self.size;
        let dpr = size.2;
        self.theme.refresh();
        self.dirty = false;
        let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
        ctx.clear_rect(0.0, 0.0, canvas.width() as f64, canvas.height() as f64);
        // The SVG's `xMidYMid meet` mapping of the viewBox into its box.
        let (vx, vy, vw, vh) = self.view;
        let (w, h) = (size.0 as f64, size.1 as f64);
        if vw <= 0.0 || vh <= 0.0 || w <= 0.0 || h <= 0.0 {
            return;
        }
        let s = (w / vw).min(h / vh);
        let (ox, oy) = ((w - vw * s) / 2.0 - vx * s, (h - vh * s) / 2.0 - vy * s);
        let _ = ctx.set_transform(dpr * s, 0.0, 0.0, dpr * s, dpr * ox, dpr * oy);
        ctx.set_text_align("center");
        // Style changes only when they differ from the last packet's (few colours).
        let mut pen = Pen::new(&ctx);
        let k = self.scale();
        for e in self.entries.values() {
            let (Drawn::Canvas(look), Some((px, py))) = (&e.drawn, e.at) else {
                continue;
            };
            // Each packet in its own frame, centred on its place and scaled by `k`.
            let (cx, cy) = (px as f64 / 10.0, py as f64 / 10.0);
            let (a, tx, ty) = (dpr * s * k, dpr * (ox + s * cx), dpr * (oy + s * cy));
            let _ = ctx.set_transform(a, 0.0, 0.0, a, tx, ty);
            let (x, y) = (0.0, 0.0);
            let colour = self.theme.colour(look.phase);
            ctx.begin_path();
            if let Some(leader) = look.dot {
                let _ = ctx.arc(x, y, DISC, 0.0, std::f64::consts::TAU);
                pen.fill(colour, 1.0);
                pen.stroke(&self.theme.panel, 2.0);
                if let Some(leader) = leader {
                    pen.text(&self.theme.font, "#ffffff");
                    let _ = ctx.fill_text(&leader.to_string(), x, y + 4.5);
                }
                continue;
            }
            let (bw, bh) = look.size;
            let _ = ctx.round_rect_with_f64(x - bw / 2.0, y - bh / 2.0, bw, bh, 6.0);
            pen.fill(colour, if look.phase == "heartbeat" { 0.85 } else { 1.0 });
            pen.stroke("rgba(0, 0, 0, 0.25)", 1.0);
            pen.text(&self.theme.font, "#ffffff");
            let y1 = if look.line2.is_some() {
                y - 3.0
            } else {
                y + 4.5
            };
            let _ = ctx.fill_text(&look.line1, x, y1);
            if let Some(l2) = &look.line2 {
                pen.text(&self.theme.mono, "#ffffff");
                let _ = ctx.fill_text(l2, x, y + 11.5);
            }
        }
    }
}

/// The canvas's current fill, stroke, alpha and font, set only when they change.
struct Pen<'a> {
    ctx: &'a CanvasRenderingContext2d,
    fill: String,
    stroke: String,
    width: f64,
    alpha: f64,
    font: String,
}

impl<'a> Pen<'a> {
    fn new(ctx: &'a CanvasRenderingContext2d) -> Pen<'a> {
        ctx.set_global_alpha(1.0);
        ctx.set_line_width(1.0);
        Pen {
            ctx,
            fill: String::new(),
            stroke: String::new(),
            width: 1.0,
            alpha: 1.0,
            font: String::new(),
        }
    }

    fn set_fill(&mut self, colour: &str) {
        if self.fill != colour {
            self.fill = colour.to_string();
            self.ctx.set_fill_style_str(colour);
        }
    }

    /// Fills the current path.
    fn fill(&mut self, colour: &str, alpha: f64) {
        self.set_fill(colour);
        if self.alpha != alpha {
            self.alpha = alpha;
            self.ctx.set_global_alpha(alpha);
        }
        self.ctx.fill();
        if alpha != 1.0 {
            self.alpha = 1.0;
            self.ctx.set_global_alpha(1.0);
        }
    }

    /// Outlines the current path.
    fn stroke(&mut self, colour: &str, width: f64) {
        if self.stroke != colour {
            self.stroke = colour.to_string();
            self.ctx.set_stroke_style_str(colour);
        }
        if self.width != width {
            self.width = width;
            self.ctx.set_line_width(width);
        }
        self.ctx.stroke();
    }

    /// Ready for text in `font` and `colour`.
    fn text(&mut self, font: &str, colour: &str) {
        self.set_fill(colour);
        if self.font != font {
            self.font = font.to_string();
            self.ctx.set_font(font);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zab_core::packet::PacketPhase;

    fn packet(kind: &'static str, phase: PacketPhase, vote: Option<(u32, &str)>) -> PacketView {
        PacketView {
            id: 1,
            from: 1,
            to: 2,
            kind,
            phase,
            vote: vote.map(|(l, v)| (l, v.to_string())),
            summary: String::new(),
            election: kind == "NOTIFICATION",
            sent_at: 100,
            deliver_at: 300,
        }
    }

    #[test]
    fn a_packet_is_where_the_clock_says_along_its_flight() {
        let f = Flight {
            from: (0.0, 0.0),
            to: (100.0, -50.0),
            sent: 100.0,
            deliver: 300.0,
        };
        assert_eq!(f.at(0.0), (0, 0), "not sent yet: at the sender");
        assert_eq!(f.at(200.0), (500, -250));
        assert_eq!(f.at(1e9), (1000, -500), "due: at the receiver");
        let instant = Flight {
            deliver: 100.0,
            ..f
        };
        assert_eq!(instant.at(50.0), (1000, -500), "no span: delivered");
    }

    #[test]
    fn transforms_are_written_in_tenths_without_float_formatting() {
        assert_eq!(tenths(0), "0.0");
        assert_eq!(tenths(123), "12.3");
        assert_eq!(tenths(-5), "-0.5");
        assert_eq!(tenths(-1230), "-123.0");
        assert_eq!(translate((4567, -89)), "translate(456.7 -8.9)");
    }

    #[test]
    fn looks_and_hits() {
        let notification = packet(
            "NOTIFICATION",
            PacketPhase::Election,
            Some((3, "(e0, 0x0, s3)")),
        );
        let vote = Look::of(&notification, false);
        assert_eq!(vote.line1, "NOTIFICATION");
        assert_eq!(vote.line2.as_deref(), Some("(e0, 0x0, s3)"));
        assert_eq!(vote.phase, "election");
        let ack = Look::of(&packet("ACK", PacketPhase::Broadcast, None), false);
        assert_eq!((ack.line1.as_str(), ack.line2.is_none()), ("ACK", true));
        assert!(ack.contains(ack.size.0 / 2.0, 0.0) && !ack.contains(ack.size.0, 0.0));
        let dot = Look::of(&notification, true);
        assert_eq!(
            dot.dot,
            Some(Some(3)),
            "a crowded notification still names its vote"
        );
        assert!(dot.contains(7.0, 7.0) && !dot.contains(12.0, 0.0));
    }
}
