//! The invariant checker (spec §12): an observer of the simulation. Servers never read it.
//!
//! After every simulator step the runner hands it the trace events of that step and
//! the simulation itself; it keeps its own ghost state and returns violations as
//! values, never panics.

use crate::config::Config;
use crate::ids::{ServerId, Time};
use crate::sim::{Sim, TraceEvent};
use serde::Serialize;

/// A broken invariant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Violation {
    /// Id as numbered in spec §12: `I1`..`I16`, `T1`..`T3`, `L1`..`L4`.
    pub invariant: String,
    /// Readable name, e.g. `LeaderLogCompleteness`.
    pub name: String,
    /// When it broke.
    pub at_ms: Time,
    /// Servers involved.
    pub servers: Vec<ServerId>,
    /// A sentence a student can understand.
    pub detail: String,
}

/// The checker with its ghost state.
#[derive(Clone, Debug, Default)]
pub struct Checker {}

impl Checker {
    /// A checker for a cluster.
    pub fn new(_cfg: &Config) -> Checker {
        Checker {}
    }

    /// Observes one simulator step: the events it produced and the state after it.
    pub fn observe(&mut self, _sim: &Sim, _events: &[TraceEvent]) -> Vec<Violation> {
        Vec::new()
    }

    /// End-of-run checks (bounded liveness).
    pub fn finish(&mut self, _sim: &Sim) -> Vec<Violation> {
        Vec::new()
    }
}
