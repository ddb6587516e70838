//! The scenario's schedule as the simulator runs it: the steps, shared by every copy
//! of the simulator, and a cursor to the next one due. Keeping the steps out of the
//! event queue means a copy (a time-travel checkpoint) does not copy the future.

use super::Action;
use crate::ids::Time;
use std::sync::Arc;

/// Scheduled interventions in time order and how many of them have run.
#[derive(Clone, Debug, Default)]
pub(super) struct Schedule {
    steps: Arc<[(Time, Action)]>,
    next: usize,
}

impl Schedule {
    /// A schedule of `steps` (in time order), none run yet.
    pub fn new(steps: Arc<[(Time, Action)]>) -> Schedule {
        Schedule { steps, next: 0 }
    }

    /// The steps not run yet, in order.
    pub fn remaining(&self) -> &[(Time, Action)] {
        &self.steps[self.next..]
    }

    /// The time of the next step, if any.
    pub fn next_time(&self) -> Option<Time> {
        self.remaining().first().map(|(at, _)| *at)
    }

    /// Takes the next step.
    pub fn pop(&mut self) -> Option<(Time, Action)> {
        let step = self.remaining().first().cloned()?;
        self.next += 1;
        Some(step)
    }
}
