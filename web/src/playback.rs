//! The animation loop: one `requestAnimationFrame` callback that advances simulated
//! time by wall time × speed (capped per frame in [`Model::frame`]) and redraws what
//! moved. It exists only while playing: paused, nothing runs at all.
//!
//! A frame redraws only the parts that follow the clock: the packets in flight (one
//! canvas pass, `panels::ring::move_packets`, which the app hands to [`start`]), and
//! the components whose [`Reader`] follows the frames (the ring, the clock, the
//! space-time cursor), each only when its key changed. The rest of the page (the panels) renders
//! when the app does: on every message, and while playing at most every
//! [`PANEL_PERIOD_MS`] and never sooner than [`PANEL_MIN_FRAMES`] frames after the
//! last time ([`Pacer`]), so a slow frame brings no extra panel work. Each panel then
//! compares its own data with what it shows and skips the render when nothing changed.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_render::{request_animation_frame, AnimationFrame};
use yew::functional::UseForceUpdateHandle;
use yew::prelude::*;

use crate::state::model::{Model, Shared};

/// While playing, the panels refresh at most this often (wall ms)...
pub const PANEL_PERIOD_MS: f64 = 250.0;
/// ... and at most once in this many animation frames.
pub const PANEL_MIN_FRAMES: u32 = 4;

/// Decides, frame by frame, whether the panels refresh.
#[derive(Debug)]
pub struct Pacer {
    /// Wall time of the last refresh.
    last_ms: Option<f64>,
    /// Frames since the last refresh.
    frames: u32,
    /// Engine version the panels last saw.
    version: Option<u64>,
}

impl Default for Pacer {
    /// Refreshes on the first frame that finds the engine changed.
    fn default() -> Pacer {
        Pacer {
            last_ms: None,
            frames: PANEL_MIN_FRAMES,
            version: None,
        }
    }
}

impl Pacer {
    /// Called once per frame at wall time `now_ms` with the engine's version: whether
    /// the panels refresh on this frame. `urgent` (a change of the UI state during the
    /// frame: a halt, a dropped selection, playback stopped) refreshes at once.
    pub fn due(&mut self, now_ms: f64, version: u64, urgent: bool) -> bool {
        self.frames = self.frames.saturating_add(1);
        let waited = self.last_ms.is_none_or(|t| now_ms - t >= PANEL_PERIOD_MS)
            && self.frames >= PANEL_MIN_FRAMES;
        let changed = self.version != Some(version);
        if urgent || (waited && changed) {
            self.last_ms = Some(now_ms);
            self.frames = 0;
            self.version = Some(version);
            true
        } else {
            false
        }
    }
}

// ---- frame subscribers ---------------------------------------------------------

type Subscriber = Rc<dyn Fn(&Model)>;

thread_local! {
    static SUBSCRIBERS: RefCell<Vec<(u64, Subscriber)>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u64> = const { Cell::new(0) };
}

fn subscribe(f: Subscriber) -> u64 {
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    });
    SUBSCRIBERS.with(|s| s.borrow_mut().push((id, f)));
    id
}

fn unsubscribe(id: u64) {
    SUBSCRIBERS.with(|s| s.borrow_mut().retain(|(i, _)| *i != id));
}

fn notify(m: &Model) {
    // A copy: a subscriber's redraw never (un)subscribes now, but it may later.
    let list: Vec<Subscriber> =
        SUBSCRIBERS.with(|s| s.borrow().iter().map(|(_, f)| f.clone()).collect());
    for f in list {
        f(m);
    }
}

/// What a panel draws from the model, and when it follows the frames: the panel holds
/// this instead of the model and sees only the `T` that [`Reader::read`] gives it.
/// Made by the app with one read function per panel. Readers compare equal when they
/// read the same model: each panel's props type fixes its functions.
pub struct Reader<A, T> {
    model: Shared,
    read: fn(&Model, &A) -> T,
    frames: Option<fn(&Model) -> u64>,
}

impl<A, T> Reader<A, T> {
    /// Reads `read(model, args)` when the panel renders.
    pub fn new(model: &Shared, read: fn(&Model, &A) -> T) -> Reader<A, T> {
        Reader {
            model: model.clone(),
            read,
            frames: None,
        }
    }

    /// ... and re-renders the panel after every animation frame that changed `key`
    /// ([`use_reader`]).
    pub fn following(self, key: fn(&Model) -> u64) -> Reader<A, T> {
        Reader {
            frames: Some(key),
            ..self
        }
    }

    /// What the panel draws, now.
    pub fn read(&self, args: &A) -> T {
        (self.read)(&self.model.0.borrow(), args)
    }
}

impl<A, T> Clone for Reader<A, T> {
    fn clone(&self) -> Self {
        Reader {
            model: self.model.clone(),
            read: self.read,
            frames: self.frames,
        }
    }
}

impl<A, T> PartialEq for Reader<A, T> {
    fn eq(&self, other: &Self) -> bool {
        self.model == other.model
    }
}

/// Re-renders the calling component after each animation frame that changed the key
/// its reader follows (e.g. the clock's whole milliseconds, or the engine version),
/// for as long as it is mounted; nothing for a reader that follows no key. Its other
/// renders come from its props, as usual.
#[hook]
pub fn use_reader<A, T>(reader: &Reader<A, T>) {
    let redraw = use_force_update();
    let key = reader.frames;
    use_effect_with((), move |_| {
        let id = key.map(|key| {
            let last = Cell::new(None);
            subscribe(Rc::new(move |m: &Model| {
                let k = Some(key(m));
                if last.get() != k {
                    last.set(k);
                    redraw.force_update();
                }
            }))
        });
        move || {
            if let Some(id) = id {
                unsubscribe(id);
            }
        }
    });
}

// ---- the loop --------------------------------------------------------------------

/// What one running loop keeps between frames.
struct Loop {
    model: Rc<RefCell<Model>>,
    redraw_app: UseForceUpdateHandle,
    move_to: fn(f64),
    last: Cell<Option<f64>>,
    pacer: RefCell<Pacer>,
    /// The next frame asked for; dropping it cancels it (gloo-render).
    next: RefCell<Option<AnimationFrame>>,
}

/// The running loop; dropping it cancels the next frame.
pub struct Handle {
    _running: Rc<Loop>,
}

impl Loop {
    /// Asks for the next frame. The frame holds only a weak reference, so that dropping
    /// the [`Handle`] frees the loop, and with it the frame it asked for.
    fn ask(this: &Rc<Loop>) {
        let weak = Rc::downgrade(this);
        let frame = request_animation_frame(move |ts| {
            if let Some(this) = weak.upgrade() {
                Loop::frame(&this, ts);
            }
        });
        *this.next.borrow_mut() = Some(frame);
    }

    fn frame(this: &Rc<Loop>, ts: f64) {
        let wall = this.last.replace(Some(ts)).map_or(0.0, |prev| ts - prev);
        let rev = this.model.borrow().rev;
        this.model.borrow_mut().frame(wall);
        let m = this.model.borrow();
        // Renders first (they run in a microtask after this callback), so that the
        // packets sent on this frame are drawn in the same canvas pass as the others.
        notify(&m);
        (this.move_to)(m.engine.clock());
        let urgent = m.rev != rev || !m.playing;
        if this.pacer.borrow_mut().due(ts, m.engine.version(), urgent) {
            this.redraw_app.force_update();
        }
        let playing = m.playing;
        drop(m);
        if playing {
            Loop::ask(this);
        } else {
            this.next.borrow_mut().take();
        }
    }
}

/// Starts the loop; `redraw_app` renders the whole app (the panels' refresh) and
/// `move_to` moves what is drawn outside the components to each frame's display time
/// (the packets' canvas).
pub fn start(
    model: Rc<RefCell<Model>>,
    redraw_app: UseForceUpdateHandle,
    move_to: fn(f64),
) -> Handle {
    let this = Rc::new(Loop {
        model,
        redraw_app,
        move_to,
        last: Cell::new(None),
        pacer: RefCell::new(Pacer::default()),
        next: RefCell::new(None),
    });
    Loop::ask(&this);
    Handle { _running: this }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frames of `ms` each from t = 0; the frames (1-based) on which the panels refresh,
    /// the engine changing on every frame.
    fn refreshes(ms: f64, frames: u32) -> Vec<u32> {
        let mut p = Pacer::default();
        (1..=frames)
            .filter(|&i| p.due(i as f64 * ms, i as u64, false))
            .collect()
    }

    #[test]
    fn panels_refresh_a_few_times_a_second_and_never_on_every_frame() {
        // 60 fps: the first frame, then every 250 ms (15 or 16 frames).
        let fast = refreshes(1000.0 / 60.0, 120);
        assert_eq!(fast[0], 1);
        assert!(
            fast.windows(2).all(|w| (15..=16).contains(&(w[1] - w[0]))),
            "{fast:?}"
        );
        assert!((7..=8).contains(&fast.len()), "{fast:?}");
        // Slow frames (200 ms, then 1 s) refresh less often per frame, never more:
        // at most one frame in PANEL_MIN_FRAMES, whatever the frame time.
        for ms in [100.0, 200.0, 1000.0] {
            let slow = refreshes(ms, 40);
            assert!(
                slow.windows(2).all(|w| w[1] - w[0] >= PANEL_MIN_FRAMES),
                "{ms} ms: {slow:?}"
            );
            assert!(
                slow.len() as u32 <= 40 / PANEL_MIN_FRAMES + 1,
                "{ms} ms: {slow:?}"
            );
        }
    }

    #[test]
    fn panels_stay_still_while_the_simulation_does_and_a_ui_change_refreshes_at_once() {
        let mut p = Pacer::default();
        assert!(p.due(0.0, 7, false), "the first frame shows the state");
        // The engine does not change: no refresh, however long.
        assert!((1..100).all(|i| !p.due(i as f64 * 100.0, 7, false)));
        // It changes: the next frame refreshes (the wait is long over).
        assert!(p.due(10_000.0, 8, false));
        // A UI change during a frame refreshes at once, even right after a refresh.
        assert!(p.due(10_016.0, 8, true));
        assert!(!p.due(10_032.0, 9, false), "then the wait starts again");
    }
}
