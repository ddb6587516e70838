//! Guided lessons: short scripts that run on the real simulator (issue 14 item 2).
//!
//! A [`Lesson`] is a scenario to start from and a list of [`Step`]s. A step does its
//! [`Deed`]s at the moment it begins (crash the leader, write, cut a link), then runs
//! the cluster until its [`Until`] holds, never for a fixed time. A step may first ask
//! a [`Question`]; its answer is judged on the simulator's state when the step is over
//! ([`Question::reveal`]), with the typed reason ([`Why`]) the web app words. The
//! lessons' words live with the web app (`web/locales/lessons.yml`, by lesson id and
//! step number); this module holds only what happens.
//!
//! [`Lesson::run_step`] runs a step natively, stopping at the event that brings its
//! moment, as the web app's playback does; so a lesson opened at step N (`?lesson=`)
//! or a step replayed runs the steps before it at once and is exactly the run the
//! lesson had: same scenario, same seed, the same actions at the same events.

mod catalogue;
mod question;
mod watch;

pub use catalogue::{lesson, lessons};
pub use question::{Answer, Question, Reveal, Why};
pub use watch::{leader_epoch, newest_write, Until, Watch};

use crate::action::Action;
use crate::ids::{ServerId, Time};
use crate::run::Run;
use crate::scenario::Scenario;
use crate::sim::Sim;
use crate::txn::Op;

/// How long a step may run before the lesson says it did not get there.
pub const STEP_LIMIT_MS: Time = 30_000;

/// What a step does when it begins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Deed {
    /// An action as it stands.
    Act(Action),
    /// Crash the active leader (whoever it is then).
    CrashLeader,
    /// Cut every link of the active leader.
    IsolateLeader,
    /// Arm a crash point on the active leader (it crashes when it gets there).
    CrashLeaderAt {
        /// Where it crashes.
        point: crate::server::CrashPoint,
    },
    /// A client of the active leader writes.
    WriteToLeader {
        /// The write.
        op: Op,
    },
}

impl Deed {
    /// The action this deed is at this moment (`None`: no leader to act on).
    pub fn action(&self, sim: &Sim) -> Option<Action> {
        match self {
            Deed::Act(a) => Some(a.clone()),
            Deed::CrashLeader => sim.leader().map(|server| Action::Crash { server }),
            Deed::IsolateLeader => sim.leader().map(|server| Action::Isolate { server }),
            Deed::CrashLeaderAt { point } => sim.leader().map(|server| Action::CrashAt {
                server,
                point: *point,
            }),
            Deed::WriteToLeader { op } => sim.leader().map(|server| Action::Write {
                server,
                op: op.clone(),
            }),
        }
    }
}

/// One step of a lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// Done when the step runs (after the question is answered).
    pub deeds: Vec<Deed>,
    /// What the step runs the cluster to.
    pub until: Until,
    /// Asked before the step runs.
    pub question: Option<Question>,
}

impl Step {
    /// A step that only runs to `until`.
    pub fn run(until: Until) -> Step {
        Step {
            deeds: Vec::new(),
            until,
            question: None,
        }
    }

    /// The step with these deeds.
    pub fn doing(mut self, deeds: impl IntoIterator<Item = Deed>) -> Step {
        self.deeds.extend(deeds);
        self
    }

    /// The servers the step is about, for a spotlight: those its deeds act on (as
    /// resolved now) and those its question names.
    pub fn focus(&self, sim: &Sim) -> Vec<ServerId> {
        let mut out: Vec<ServerId> = self
            .deeds
            .iter()
            .filter_map(|d| d.action(sim))
            .flat_map(|a| a.servers())
            .collect();
        if let Some(q) = &self.question {
            out.extend(q.servers());
        }
        out.sort();
        out.dedup();
        out
    }

    /// The step with this question.
    pub fn asking(mut self, q: Question) -> Step {
        self.question = Some(q);
        self
    }
}

/// A lesson: where it starts and what it does.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    /// Stable id (`?lesson=ID`; the key of its words).
    pub id: &'static str,
    /// The cluster it starts from (an empty schedule unless the lesson is a bug
    /// scenario that runs on its own).
    pub scenario: Scenario,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// A step that did not reach its moment within [`STEP_LIMIT_MS`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stuck {
    /// The step (0-based).
    pub step: usize,
    /// What it waited for.
    pub until: Until,
}

/// A step being run: its watch and how long it may still go.
#[derive(Clone, Debug, PartialEq)]
pub struct Running {
    /// What it waits for.
    pub until: Until,
    /// What it saw so far.
    pub watch: Watch,
    /// It gives up at this time.
    pub deadline: Time,
}

impl Running {
    /// Starts waiting now.
    pub fn new(until: Until, sim: &Sim) -> Running {
        Running {
            until,
            watch: Watch::new(sim),
            deadline: sim.now.saturating_add(STEP_LIMIT_MS),
        }
    }

    /// Takes in events; whether the moment has come.
    pub fn observe<'a>(
        &mut self,
        sim: &Sim,
        events: impl IntoIterator<Item = &'a crate::sim::TraceEvent>,
    ) -> bool {
        for ev in events {
            self.watch.observe(ev);
        }
        self.until.reached(sim, &self.watch)
    }

    /// Whether it ran out of time.
    pub fn timed_out(&self, sim: &Sim) -> bool {
        sim.now >= self.deadline
    }
}

impl Lesson {
    /// Runs `step` natively: does its deeds, then runs until its moment. Returns the
    /// actions done (with their time) and the watch, or where it got stuck.
    pub fn run_step(
        &self,
        run: &mut Run,
        step: usize,
    ) -> Result<(Vec<(Time, Action)>, Watch), Stuck> {
        let s = &self.steps[step];
        let stuck = || Stuck {
            step,
            until: s.until.clone(),
        };
        let mut done = Vec::new();
        // What the run did before (the boot's first votes, at step 0) is this step's
        // too: the previous step took in everything up to its own moment.
        let mut running = Running::new(s.until.clone(), run.sim());
        for deed in &s.deeds {
            let action = deed.action(run.sim()).ok_or_else(stuck)?;
            done.push((run.sim().now, action.clone()));
            run.intervene(action);
        }
        loop {
            let events = run.take_trace();
            if running.observe(run.sim(), &events) {
                break;
            }
            if running.timed_out(run.sim()) || !run.step() {
                return Err(stuck());
            }
        }
        Ok((done, running.watch))
    }
}
