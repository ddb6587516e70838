//! The one place the web app touches the simulator.
//!
//! Everything else in `web/` reads the plain view structs of [`crate::engine::views`] and
//! sends [`Command`](crate::engine::views::Command)s; nothing outside this module names `zab_core::sim::Sim`. The engine
//! keeps the display clock (fractional simulated milliseconds, for smooth packet
//! animation), takes in every trace event once, and checks that a user's action
//! makes sense right now so that a click at the wrong moment gets a sentence instead
//! of a panic. It contains no protocol logic: it reads the state core exposes.
//!
//! Each trace event goes, in one pass ([`Engine::absorb`]), into the
//! [`TraceStore`](trace_store::TraceStore) of typed facts the space-time diagram and
//! the inspector read, into the event log, and into the client reads. After a seek all
//! three are refilled from one [`Timeline::trace_window`] of the history that leads
//! to the new moment. The event log stays a list of entries narrated once, as they
//! come in: it is bounded by count per kind (chatty packets and timers apart), not by
//! time like the store, and it shows hundreds of sentences at once, so narrating typed
//! events again at every render would redo the same work each frame. Each entry keeps
//! its event, and a language switch words them all again ([`Engine::reword_log`]).
//!
//! [`Timeline::trace_window`]: zab_core::timeline::Timeline::trace_window

use std::collections::VecDeque;

use zab_core::lesson::{Deed, Question, Reveal, Running, Step, Until, Watch, STEP_LIMIT_MS};
use zab_core::run::Run;
use zab_core::scenario::{Scenario, ScenarioError};
use zab_core::sim::{Sim, TraceEvent, TraceKind};
use zab_core::timeline::Timeline;
use zab_core::{ServerId, Time};

mod commands;
pub use commands::{Done, Problem};
pub mod inspect;
mod io;
pub mod phrasing;
mod read;
mod trace_store;
pub mod views;

use inspect::LaneState;
use trace_store::{TraceStore, LOOKBACK_MS};

use crate::engine::views::{ReadView, Role};
use crate::text::narrate::{self, Entry, EventLog};

/// How many client reads the client panel keeps.
const MAX_READS: usize = 20;

/// How much simulated history the event log is rebuilt from after a seek.
const LOG_WINDOW_MS: Time = 3000;

/// How many log entries per server the logs panel shows (the newest).
const MAX_LOG_ENTRIES: usize = 14;

/// A version number no earlier engine used, so that a view keyed on the version
/// redraws when the whole run is replaced (a new cluster, an imported scenario).
fn first_version() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static ENGINES: AtomicU64 = AtomicU64::new(0);
    ENGINES.fetch_add(1, Ordering::Relaxed) << 32
}

/// The simulated cluster plus what the UI keeps about it.
pub struct Engine {
    tl: Timeline,
    clock: f64,
    version: u64,
    log: EventLog,
    store: TraceStore,
    reads: VecDeque<ReadView>,
    next_demo_write: u64,
    /// The trace of the boot at t = 0 (the timeline starts after it), for the digest.
    boot: Vec<TraceEvent>,
    /// The moment playback stops at (a lesson step's or the "pause at" control's).
    waiting: Option<Running>,
    /// What the wait ended with, until [`Engine::take_arrival`] takes it.
    arrival: Option<Arrival>,
}

/// Nothing is scheduled: the cluster is idle (a step has nothing to run).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Idle;

/// How a wait for a moment ([`Engine::wait_for`]) ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Arrival {
    /// The moment came: playback stopped at the event that brought it, with what the
    /// wait saw.
    Reached(Until, Watch),
    /// It did not come within the lesson step limit.
    TimedOut(Until),
}

impl Engine {
    /// A fresh run of `scenario` at time 0, its schedule queued; the scenario's
    /// problem (core's typed reason, naming the field) if it cannot run.
    pub fn new(scenario: &Scenario) -> Result<Engine, ScenarioError> {
        let mut run = Run::new(scenario)?;
        // The boot at t = 0 already happened; the timeline starts after it.
        let boot = run.take_trace();
        let mut engine = Engine {
            tl: Timeline::new(run),
            clock: 0.0,
            version: first_version(),
            log: EventLog::default(),
            store: TraceStore::default(),
            reads: VecDeque::new(),
            next_demo_write: 1,
            boot: Vec::new(),
            waiting: None,
            arrival: None,
        };
        let initial = engine.initial_lanes(0, &[]);
        engine
            .store
            .start(engine.size(), 0, |id| initial[id.0 as usize - 1]);
        for ev in &boot {
            engine.absorb(ev);
        }
        engine.boot = boot;
        engine.absorb_trace();
        Ok(engine)
    }

    fn sim(&self) -> &Sim {
        self.tl.run().sim()
    }

    /// The scenario this run started from.
    pub fn scenario(&self) -> &Scenario {
        self.tl.run().scenario()
    }

    /// Bumped whenever the simulated state changes; never the same for two engines.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The display clock (fractional simulated ms; the simulation is at its floor).
    pub fn clock(&self) -> f64 {
        self.clock
    }

    /// Simulated time in whole ms.
    pub fn now(&self) -> Time {
        self.sim().now
    }

    /// The event log.
    pub fn log(&self) -> &EventLog {
        &self.log
    }

    /// Words the event log again in `lang` (after a language switch).
    pub fn reword_log(&mut self, lang: crate::text::lang::Lang) {
        self.log.reword(lang);
    }

    /// Number of servers (participants and observers).
    pub fn size(&self) -> u32 {
        self.sim().cfg.participants + self.sim().cfg.observers
    }

    /// Advances the display clock by `sim_ms` simulated ms, running at most
    /// `max_events` events. Returns false if the cap was hit (the clock then stops at
    /// the last event run, so the animation slows down instead of skipping).
    pub fn advance(&mut self, sim_ms: f64, max_events: u32) -> bool {
        let target = self.clock + sim_ms.max(0.0);
        let until = target.floor() as Time;
        let mut ran = 0;
        while self.sim().next_time().is_some_and(|t| t <= until) {
            if ran >= max_events {
                self.clock = self.sim().now as f64;
                self.after_change();
                return false;
            }
            self.tl.step();
            ran += 1;
            if self.waiting.is_some() && self.check_wait() {
                self.clock = self.sim().now as f64;
                return true;
            }
        }
        self.tl.advance_to(until);
        self.clock = target.max(self.sim().now as f64);
        if ran > 0 {
            self.after_change();
        }
        true
    }

    /// Plays until `until` holds (checked after every event while playing, stepping or
    /// skipping); the run then stops at that event and [`Engine::take_arrival`] says so.
    /// At t = 0 the boot's events count (a lesson's first step sees the first votes).
    pub fn wait_for(&mut self, until: Until) {
        self.begin_wait(until);
        self.check_wait();
    }

    fn begin_wait(&mut self, until: Until) {
        let mut running = Running::new(until, self.sim());
        if self.sim().now == 0 {
            running.observe(self.sim(), &self.boot);
        }
        self.waiting = Some(running);
        self.arrival = None;
    }

    /// Starts a lesson step as core's `Lesson::run_step` does: the wait begins, the
    /// step's deeds are done (their events are the step's), then playback runs to the
    /// step's moment. False (nothing waits) if a deed had nothing to act on.
    pub fn start_step(&mut self, step: &Step) -> bool {
        self.begin_wait(step.until.clone());
        if !self.do_deeds(&step.deeds) {
            self.waiting = None;
            return false;
        }
        self.judge_wait();
        true
    }

    /// Stops waiting (no arrival).
    pub fn stop_waiting(&mut self) {
        self.waiting = None;
    }

    /// What a wait is on for, if one is.
    #[cfg(test)]
    pub fn waiting(&self) -> Option<&Until> {
        self.waiting.as_ref().map(|r| &r.until)
    }

    /// What the wait ended with, once.
    pub fn take_arrival(&mut self) -> Option<Arrival> {
        self.arrival.take()
    }

    /// Does a lesson step's deeds now, as the student's clicks would; false (and
    /// nothing more done) at the first that has nothing to act on (no leader).
    fn do_deeds(&mut self, deeds: &[Deed]) -> bool {
        for deed in deeds {
            let Some(action) = deed.action(self.sim()) else {
                return false;
            };
            self.tl.intervene(action);
            self.after_change();
        }
        true
    }

    /// Runs a lesson step at once (no animation): its deeds, then up to its moment.
    /// What it saw, or `None` if it did not get there.
    pub fn run_step_now(&mut self, step: &Step) -> Option<Watch> {
        if !self.start_step(step) {
            return None;
        }
        if self.arrival.is_none() {
            self.skip(STEP_LIMIT_MS);
        }
        match self.take_arrival() {
            Some(Arrival::Reached(_, watch)) => Some(watch),
            _ => None,
        }
    }

    /// The servers a lesson step is about, on the state now (its spotlight).
    pub fn focus_of(&self, step: &Step) -> Vec<u32> {
        step.focus(self.sim()).into_iter().map(|s| s.0).collect()
    }

    /// A lesson question's answer on the state now, with what its step saw.
    pub fn reveal(&self, q: &Question, watch: &Watch) -> Reveal {
        q.reveal(self.sim(), watch, self.tl.run().violations())
    }

    /// Takes in the new trace and checks the wait; true if it ended.
    fn check_wait(&mut self) -> bool {
        self.after_change();
        self.judge_wait()
    }

    /// Ends the wait if its moment came or its time ran out; true if it ended.
    fn judge_wait(&mut self) -> bool {
        let Some(running) = self.waiting.as_ref() else {
            return false;
        };
        let ended = if running.until.reached(self.sim(), &running.watch) {
            Some(Arrival::Reached(
                running.until.clone(),
                running.watch.clone(),
            ))
        } else if running.timed_out(self.sim()) {
            Some(Arrival::TimedOut(running.until.clone()))
        } else {
            None
        };
        if ended.is_some() {
            self.waiting = None;
            self.arrival = ended;
        }
        self.arrival.is_some()
    }

    /// Runs events up to and including the next one that shows up in the trace (a
    /// timer voided by a later one shows nothing). Returns the log entry that says
    /// what happened (`None`: nothing worth a sentence), or `Err` if nothing is
    /// scheduled at all.
    pub fn step(&mut self) -> Result<Option<Entry>, Idle> {
        let before = self.sim().trace_count;
        let mut ran = 0;
        while self.sim().trace_count == before && ran < 256 {
            if !self.tl.step() {
                break;
            }
            ran += 1;
        }
        self.clock = self.sim().now as f64;
        if ran == 0 {
            return Err(Idle);
        }
        // The entries this step added, counted as they are absorbed (the trace count
        // of the run being looked at is no measure: it is another run's after a merge).
        let shown = self.after_change();
        self.judge_wait();
        Ok(self.log.latest(shown.max(1)))
    }

    /// Runs `ms` simulated milliseconds at once (no animation); a wait that ends on the
    /// way stops it there.
    pub fn skip(&mut self, ms: Time) {
        let until = self.sim().now.saturating_add(ms);
        if self.waiting.is_some() {
            while self.sim().next_time().is_some_and(|t| t <= until) {
                self.tl.step();
                if self.check_wait() {
                    self.clock = self.sim().now as f64;
                    return;
                }
            }
        }
        self.tl.advance_to(until);
        self.clock = self.sim().now as f64;
        self.after_change();
    }

    /// The furthest simulated time explored.
    pub fn horizon(&self) -> Time {
        self.tl.horizon()
    }

    /// Whether the view is in the past (an action there forks history).
    pub fn in_past(&self) -> bool {
        self.tl.in_past()
    }

    /// Looks at simulated time `t` (rebuilds the past from a checkpoint). The event log
    /// and the trace store are refilled to show what led up to `t` on this history.
    pub fn seek(&mut self, t: Time) {
        self.tl.seek(t);
        self.tl.take_trace();
        self.clock = self.sim().now as f64;
        self.refill(t);
        self.version += 1;
    }

    /// Refills the event log and the trace store with the history up to `t`: one
    /// trace window, the boot included when it reaches back to 0.
    fn refill(&mut self, t: Time) {
        let from = t.saturating_sub(LOOKBACK_MS);
        let log_from = t.saturating_sub(LOG_WINDOW_MS);
        let mut events = if from == 0 {
            self.boot.clone()
        } else {
            Vec::new()
        };
        events.extend(self.tl.trace_window(from, t));
        let initial = self.initial_lanes(from, &events);
        self.store
            .start(self.size(), from, |id| initial[id.0 as usize - 1])
            .count_refill();
        self.log = EventLog::default();
        for ev in &events {
            self.store.absorb(ev);
            if ev.at_ms >= log_from {
                self.log.push(narrate::narrate(ev));
            }
        }
        self.store.prune(t);
    }

    /// Each server's state at `from`, before the trace `events` that follows it.
    fn initial_lanes(&self, from: Time, events: &[TraceEvent]) -> Vec<LaneState> {
        let before = trace_store::state_before(self.size(), events);
        let start_down = &self.scenario().cluster.start_down;
        (1..=self.size())
            .map(ServerId)
            .zip(before)
            .map(|(id, before)| {
                if from == 0 {
                    // The boot: every server starts LOOKING unless the scenario keeps it down.
                    if start_down.contains(&id) {
                        LaneState::Down
                    } else {
                        LaneState::Up(Role::Looking, "ELECTION")
                    }
                } else {
                    before.unwrap_or_else(|| match self.sim().server(id) {
                        Some(s) => LaneState::Up(Role::from(s.state()), s.phase().name()),
                        None => LaneState::Down,
                    })
                }
            })
            .collect()
    }

    /// How many invariant violations the checker found so far.
    pub fn violation_count(&self) -> usize {
        self.tl.run().violations().len()
    }

    /// The first `max` violations as sentences in the page's language: "I10
    /// LeaderLogCompleteness at 812 ms: ...".
    pub fn violations(&self, max: usize) -> Vec<String> {
        self.tl
            .run()
            .violations()
            .iter()
            .take(max)
            .map(|v| {
                crate::t!(
                    "violation.line",
                    id = v.invariant,
                    name = v.name,
                    at = v.at_ms,
                    detail = crate::text::violation::detail(&v.detail)
                )
                .into_owned()
            })
            .collect()
    }

    /// Bumps the version and absorbs the new trace; returns how many events it held.
    fn after_change(&mut self) -> usize {
        self.version += 1;
        self.absorb_trace()
    }

    fn leader_value(&self, path: &str) -> Option<(u32, Option<String>)> {
        let leader = self.sim().leader()?;
        let value = self
            .sim()
            .server(leader)
            .and_then(|s| s.read(path).cloned());
        Some((leader.0, value))
    }

    /// Takes in the trace produced since the last call; returns how many events it held.
    fn absorb_trace(&mut self) -> usize {
        let trace: Vec<TraceEvent> = self.tl.take_trace();
        for ev in &trace {
            self.absorb(ev);
        }
        if let Some(running) = self.waiting.as_mut() {
            running.observe(self.tl.run().sim(), &trace);
        }
        self.store.prune(self.sim().now);
        trace.len()
    }

    /// Takes in one trace event: the client reads, the trace store, the event log.
    fn absorb(&mut self, ev: &TraceEvent) {
        if let TraceKind::ClientRead {
            server,
            path,
            value,
            serving,
        } = &ev.kind
        {
            let leader = self.leader_value(path);
            self.reads.push_front(ReadView {
                at_ms: ev.at_ms,
                server: server.0,
                path: path.clone(),
                value: value.clone(),
                serving: *serving,
                leader,
            });
            self.reads.truncate(MAX_READS);
        }
        self.store.absorb(ev);
        self.log.push(narrate::narrate(ev));
    }
}
