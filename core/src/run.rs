//! A scenario being run: the simulator, the invariant checker watching it, and the
//! violations and trace events found so far.
//!
//! [`Run`] is what the CLI (`zab-sim run`, `zab-sim sweep`), the web app and the tests
//! drive. It is the one place where a [`Scenario`] becomes a [`Sim`] with its schedule,
//! and where every simulator step is shown to the [`Checker`] (design: "check is an
//! observer"). It is [`Clone`], so a time-travel timeline can keep copies of it.
//!
//! ```
//! use zab_core::run::Run;
//! use zab_core::scenario::preset;
//!
//! let scenario = preset("fresh-election").unwrap();
//! let mut run = Run::new(&scenario).unwrap();
//! run.run_to_end();
//! assert_eq!(run.sim().now, scenario.run_until_ms);
//! assert!(run.first_violation().is_none());
//! ```
//!
//! Determinism: the same scenario gives the same trace, event for event (the simulator
//! draws every random choice from the scenario's seed; the checker only reads).

use crate::action::Action;
use crate::check::{Checker, Violation};
use crate::ids::Time;
use crate::scenario::{Scenario, ScenarioError, Step};
use crate::server::CrashPoint;
use crate::sim::{Outcome, Sim, TraceEvent, TraceKind};
use std::sync::Arc;

/// At most this many violations of one invariant are kept (and put in the trace); a
/// broken invariant that the checker reports again on every step must not flood the
/// report. Later ones are only counted ([`Run::violations_dropped`]).
pub const MAX_VIOLATIONS_PER_INVARIANT: usize = 20;

/// A scenario being run, with its checker. See the [module docs](self).
///
/// Clones share the scenario and its schedule (they never change), so a clone costs
/// the run's state, not its script.
#[derive(Clone, Debug)]
pub struct Run {
    scenario: Arc<Scenario>,
    sim: Sim,
    checker: Checker,
    violations: Vec<Violation>,
    violations_dropped: u64,
    checking: bool,
    record_trace: bool,
    trace: Vec<TraceEvent>,
    finished: bool,
}

/// The names of every crash point the simulator knows (`zab-sim points`), the ones a
/// `crash_at` step may name.
pub fn crash_point_names() -> Vec<&'static str> {
    CrashPoint::ALL.iter().map(|p| p.name()).collect()
}

/// `base` with the user's interventions added to its schedule, in time order (at equal
/// times the scenario's own steps first, as they run first), so that running the
/// result reproduces the session: what the web app exports and shares.
pub fn with_interventions(base: &Scenario, user: &[(Time, Action)], now: Time) -> Scenario {
    let mut s = base.clone();
    let mut steps: Vec<(Time, usize, Step)> = s
        .schedule
        .drain(..)
        .enumerate()
        .map(|(i, st)| (st.at_ms, i, st))
        .collect();
    let n = steps.len();
    for (k, (at, i)) in user.iter().enumerate() {
        steps.push((
            *at,
            n + k,
            Step {
                at_ms: *at,
                action: i.clone(),
            },
        ));
    }
    steps.sort_by_key(|(at, i, _)| (*at, *i));
    s.schedule = steps.into_iter().map(|(_, _, st)| st).collect();
    s.run_until_ms = s.run_until_ms.max(now);
    s
}

impl Run {
    /// Builds the simulator for a scenario: validates it,
    /// maps its cluster, constants, bugs, seed and `start_down`, and schedules every
    /// step. Nothing runs yet except the boot of the servers that start up (their
    /// events at time 0 are already shown to the checker and in the trace).
    pub fn new(scenario: &Scenario) -> Result<Run, ScenarioError> {
        scenario.validate()?;
        let mut sim = Sim::new(
            scenario.config(),
            scenario.seed,
            &scenario.cluster.start_down,
        );
        let steps: Vec<(Time, Action)> = scenario
            .schedule
            .iter()
            .map(|step| (step.at_ms, step.action.clone()))
            .collect();
        // Validated: the steps are in time order.
        sim.load_schedule(steps.into());
        let checker = Checker::new(&sim.cfg);
        let mut run = Run {
            scenario: Arc::new(scenario.clone()),
            sim,
            checker,
            violations: Vec::new(),
            violations_dropped: 0,
            checking: true,
            record_trace: true,
            trace: Vec::new(),
            finished: false,
        };
        // The boot at time 0 already produced events (restarts, first votes).
        run.observe();
        Ok(run)
    }

    /// The scenario being run.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The simulator (read-only: change it through [`Run::intervene`] or
    /// [`Run::schedule`], so that the checker sees every step).
    pub fn sim(&self) -> &Sim {
        &self.sim
    }

    /// The checker and its ghost state.
    pub fn checker(&self) -> &Checker {
        &self.checker
    }

    /// Every violation found so far, in the order found (at most
    /// [`MAX_VIOLATIONS_PER_INVARIANT`] per invariant).
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The first violation found, if any.
    pub fn first_violation(&self) -> Option<&Violation> {
        self.violations.first()
    }

    /// Violations not kept because their invariant already had
    /// [`MAX_VIOLATIONS_PER_INVARIANT`] of them.
    pub fn violations_dropped(&self) -> u64 {
        self.violations_dropped
    }

    /// Whether the checker watches the steps (default: yes).
    pub fn checking(&self) -> bool {
        self.checking
    }

    /// Switches the checker on or off. While it is off it sees nothing, so invariants
    /// over history (ghost state) may miss what happened meanwhile.
    pub fn set_checking(&mut self, on: bool) {
        self.checking = on;
        self.sim.record = self.checking || self.record_trace;
    }

    /// Whether trace events are kept for [`Run::take_trace`] (default: yes).
    pub fn recording_trace(&self) -> bool {
        self.record_trace
    }

    /// Keep trace events for [`Run::take_trace`] or not. Switching it off also drops
    /// the events kept so far; callers that never drain the trace (sweeps, plain
    /// reports) should switch it off so that it does not grow.
    pub fn set_record_trace(&mut self, on: bool) {
        self.record_trace = on;
        if !on {
            self.trace.clear();
        }
        // The simulator need not build events that nobody reads.
        self.sim.record = self.checking || self.record_trace;
    }

    /// Takes the trace events kept since the last call (simulator events, with a
    /// [`TraceKind::Violation`] after the step that broke an invariant).
    pub fn take_trace(&mut self) -> Vec<TraceEvent> {
        std::mem::take(&mut self.trace)
    }

    /// Whether [`Run::run_to_end`] has run (the end-of-run checks are done).
    pub fn finished(&self) -> bool {
        self.finished
    }

    /// Processes one simulator event and shows it to the checker. Returns false if no
    /// event is left (the simulator's clock does not move then).
    pub fn step(&mut self) -> bool {
        if !self.sim.step() {
            return false;
        }
        self.observe();
        true
    }

    /// Runs every event due at or before `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: Time) {
        while self.sim.next_time().is_some_and(|n| n <= t) {
            self.step();
        }
        // No event is due by `t` any more: this only moves the clock.
        self.sim.run_until(t);
    }

    /// Runs to the scenario's `run_until_ms`, then the checker's end-of-run
    /// (liveness) checks, once.
    pub fn run_to_end(&mut self) {
        self.run_until(self.scenario.run_until_ms);
        if !self.finished {
            self.finished = true;
            if self.checking {
                let found = self.checker.finish(&self.sim);
                self.record_violations(found);
            }
        }
    }

    /// Schedules an intervention at simulated time `at` (not before now), e.g. a
    /// user's action planned ahead.
    pub fn schedule(&mut self, at: Time, action: Action) {
        self.sim.schedule(at, action);
    }

    /// Forgets the interventions [`Run::schedule`] queued for after time `t` (the
    /// scenario's schedule stays): see [`Sim::discard_interventions_after`].
    pub fn discard_interventions_after(&mut self, t: Time) {
        self.sim.discard_interventions_after(t);
    }

    /// Applies an intervention now, as a user's click does, with the checker watching,
    /// and says what it did (see [`Sim::intervene`]).
    pub fn intervene(&mut self, action: Action) -> Outcome {
        let now = self.sim.now;
        self.sim.schedule(now, action);
        self.run_until(now);
        self.sim.take_outcome()
    }

    /// Takes the simulator's new trace events, shows them to the checker, keeps them
    /// (if recording) and records new violations.
    fn observe(&mut self) {
        let mut events = self.sim.take_trace();
        let found = if self.checking {
            self.checker.observe(&self.sim, &events)
        } else {
            Vec::new()
        };
        if self.record_trace {
            self.trace.append(&mut events);
        }
        // The simulator records the next step's events in the same buffer.
        events.clear();
        self.sim.trace = events;
        self.record_violations(found);
    }

    fn record_violations(&mut self, found: Vec<Violation>) {
        for v in found {
            let seen = self
                .violations
                .iter()
                .filter(|old| old.invariant == v.invariant)
                .count();
            if seen >= MAX_VIOLATIONS_PER_INVARIANT {
                self.violations_dropped += 1;
                continue;
            }
            if self.record_trace {
                self.trace.push(TraceEvent {
                    at_ms: v.at_ms,
                    kind: TraceKind::Violation {
                        invariant: v.invariant.clone(),
                        name: v.name.clone(),
                        servers: v.servers.clone(),
                        detail: v.detail.clone(),
                    },
                });
            }
            self.violations.push(v);
        }
    }
}
