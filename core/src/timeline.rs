//! Time travel over a [`Run`]: checkpoints, seeking to any past moment, and forking
//! history when the user intervenes in the past (as in RaftScope and DSLabs' debugger).
//!
//! The run is deterministic, so the past never needs storing event by event: the
//! timeline keeps a copy of the run every N events ([`Timeline::CHECKPOINT_EVERY`]) on the
//! path explored so far (the *head*), and seeking to time `t` restores the newest
//! checkpoint at or before `t` and replays to `t` (the *view*). Stepping a view forward
//! replays the same future; when it catches up with the head it becomes the head again.
//!
//! Memory stays bounded on long runs: copies of a run share their histories (see
//! [`crate::shared_vec`]), and when more than [`Timeline::MAX_CHECKPOINTS`] are held,
//! every other one is dropped and the interval doubles, so a seek never replays more
//! than the current interval.
//!
//! An intervention while viewing the past forks: the view becomes the head, and the old
//! future (later checkpoints and later user interventions) is discarded. User
//! interventions are kept in order with their times, both to export them into a
//! scenario file and to re-schedule them into checkpoints taken before them, so a
//! replay reproduces exactly what the user saw (an intervention at time t runs after
//! every protocol event due at t, wherever it was scheduled from: see `sim`).

use crate::ids::Time;
use crate::run::Run;
use crate::sim::{Action, Outcome, TraceEvent};

#[derive(Clone, Debug)]
struct Checkpoint {
    run: Run,
    /// How many of the user's interventions this copy already has in its queue.
    user_count: usize,
}

/// A run with its explored history. See the [module docs](self).
#[derive(Clone, Debug)]
pub struct Timeline {
    checkpoints: Vec<Checkpoint>,
    head: Run,
    view: Option<Run>,
    user: Vec<(Time, Action)>,
    since_checkpoint: u64,
    checkpoint_every: u64,
    max_checkpoints: usize,
    pending: Vec<TraceEvent>,
}

impl Timeline {
    /// Default events between two checkpoints: seeking replays at most this many events
    /// (twice as many each time the checkpoints are thinned).
    pub const CHECKPOINT_EVERY: u64 = 4000;

    /// Default most checkpoints held: one more thins them to every other one.
    pub const MAX_CHECKPOINTS: usize = 128;

    /// A timeline starting at `run`'s present, with a checkpoint every
    /// [`Timeline::CHECKPOINT_EVERY`] events.
    pub fn new(run: Run) -> Timeline {
        Timeline::with_checkpoint_every(run, Self::CHECKPOINT_EVERY)
    }

    /// A timeline with a checkpoint every `every` events (fewer: faster seeks, more memory).
    pub fn with_checkpoint_every(run: Run, every: u64) -> Timeline {
        Timeline::with_checkpoints(run, every, Self::MAX_CHECKPOINTS)
    }

    /// A timeline with a checkpoint every `every` events, holding at most `max` (at
    /// least 2) checkpoints: past that, every other one is dropped (the first and the
    /// newest stay) and `every` doubles.
    pub fn with_checkpoints(mut run: Run, every: u64, max: usize) -> Timeline {
        let mut first = run.clone();
        first.take_trace();
        run.take_trace();
        Timeline {
            checkpoints: vec![Checkpoint {
                run: first,
                user_count: 0,
            }],
            head: run,
            view: None,
            user: Vec::new(),
            since_checkpoint: 0,
            checkpoint_every: every.max(1),
            max_checkpoints: max.max(2),
            pending: Vec::new(),
        }
    }

    /// The run at the moment being looked at.
    pub fn run(&self) -> &Run {
        self.view.as_ref().unwrap_or(&self.head)
    }

    /// The run at the moment being looked at, to change settings such as trace recording.
    pub fn run_mut(&mut self) -> &mut Run {
        self.view.as_mut().unwrap_or(&mut self.head)
    }

    /// The simulated time being looked at.
    pub fn now(&self) -> Time {
        self.run().sim().now
    }

    /// The furthest simulated time explored.
    pub fn horizon(&self) -> Time {
        self.head.sim().now
    }

    /// Whether the view is in the past (before the horizon).
    pub fn in_past(&self) -> bool {
        self.view.is_some()
    }

    /// The user's interventions so far, with their times (for export and sharing).
    pub fn user_interventions(&self) -> &[(Time, Action)] {
        &self.user
    }

    /// Number of checkpoints held.
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// Events between two checkpoints now (the most a seek replays).
    pub fn checkpoint_interval(&self) -> u64 {
        self.checkpoint_every
    }

    /// Takes the trace events produced since the last call at the moment being looked at.
    pub fn take_trace(&mut self) -> Vec<TraceEvent> {
        let mut out = std::mem::take(&mut self.pending);
        out.extend(self.run_mut().take_trace());
        out
    }

    /// Runs forward to simulated time `t` (no-op if `t` is not ahead).
    pub fn advance_to(&mut self, t: Time) {
        if self.view.is_some() && !self.catch_up(t) {
            return;
        }
        self.head_run_until(t);
    }

    /// Processes the next event at the moment being looked at. Returns false if none is left.
    pub fn step(&mut self) -> bool {
        let Some(view) = self.view.as_mut() else {
            let stepped = self.head.step();
            self.after_head_step();
            return stepped;
        };
        let stepped = view.step();
        self.merge_if_caught_up();
        stepped
    }

    /// Replays the view towards `t`; true once it has caught up with the head (then the
    /// head, the same state, carries on).
    fn catch_up(&mut self, t: Time) -> bool {
        let target = self.head.sim().stats.events;
        if let Some(view) = self.view.as_mut() {
            while view.sim().stats.events < target && view.sim().next_time().is_some_and(|n| n <= t)
            {
                view.step();
            }
        }
        if self.merge_if_caught_up() {
            return true;
        }
        if let Some(view) = self.view.as_mut() {
            view.run_until(t);
        }
        false
    }

    /// The view has replayed every event the head has: they are the same state.
    fn merge_if_caught_up(&mut self) -> bool {
        let target = self.head.sim().stats.events;
        match self.view.as_mut() {
            Some(view) if view.sim().stats.events >= target => {
                self.pending.extend(view.take_trace());
                self.view = None;
                true
            }
            _ => false,
        }
    }

    fn head_run_until(&mut self, t: Time) {
        while self.head.sim().next_time().is_some_and(|n| n <= t) {
            self.head.step();
            self.after_head_step();
        }
        self.head.run_until(t);
    }

    fn after_head_step(&mut self) {
        self.since_checkpoint += 1;
        if self.since_checkpoint >= self.checkpoint_every {
            self.since_checkpoint = 0;
            let mut copy = self.head.clone();
            copy.take_trace();
            self.checkpoints.push(Checkpoint {
                run: copy,
                user_count: self.user.len(),
            });
            if self.checkpoints.len() > self.max_checkpoints {
                self.thin();
            }
        }
    }

    /// Drops every other checkpoint, keeping the first and the newest, and doubles the
    /// interval: the checkpoints stay about evenly spaced, one interval apart.
    fn thin(&mut self) {
        let newest = self.checkpoints.len() - 1;
        let mut i = 0;
        self.checkpoints.retain(|_| {
            let keep = i % 2 == 0 || i == newest;
            i += 1;
            keep
        });
        self.checkpoint_every = self.checkpoint_every.saturating_mul(2);
    }

    /// A copy of the newest checkpoint at or before `t`, with the user's later
    /// interventions scheduled into it.
    fn restore(&self, t: Time) -> Run {
        let cp = self
            .checkpoints
            .iter()
            .rev()
            .find(|c| c.run.sim().now <= t)
            .unwrap_or(&self.checkpoints[0]);
        let mut run = cp.run.clone();
        for (at, action) in &self.user[cp.user_count..] {
            run.schedule(*at, action.clone());
        }
        run
    }

    /// Looks at simulated time `t`: the past is rebuilt from a checkpoint; a time past
    /// the horizon runs the head forward. The replay's trace is not reported again.
    pub fn seek(&mut self, t: Time) {
        if t >= self.head.sim().now {
            self.view = None;
            self.head_run_until(t);
            return;
        }
        let mut view = self.restore(t);
        view.run_until(t);
        view.take_trace();
        self.pending.clear();
        self.view = Some(view);
    }

    /// Applies a user intervention at the moment being looked at. In the past this forks
    /// history: the old future is discarded. Returns what the action did.
    pub fn intervene(&mut self, action: Action) -> Outcome {
        if let Some(mut view) = self.view.take() {
            let t = view.sim().now;
            // The view was restored with the user's later interventions queued: they
            // belong to the discarded future, as do the later checkpoints.
            view.discard_interventions_after(t);
            self.head = view;
            self.user.retain(|(at, _)| *at <= t);
            self.checkpoints.retain(|c| c.run.sim().now <= t);
            self.since_checkpoint = 0;
        }
        let t = self.head.sim().now;
        self.user.push((t, action.clone()));
        self.head.intervene(action)
    }

    /// The trace of simulated times `[from, to]` on the current history, rebuilt by
    /// replaying from the checkpoint before `from` (for windowed views of long runs).
    pub fn trace_window(&self, from: Time, to: Time) -> Vec<TraceEvent> {
        let mut run = self.restore(from);
        run.set_record_trace(true);
        run.take_trace();
        let end = to.min(self.now());
        let mut out = Vec::new();
        while run.sim().next_time().is_some_and(|n| n <= end) {
            run.step();
            out.extend(run.take_trace().into_iter().filter(|e| e.at_ms >= from));
        }
        out
    }
}
