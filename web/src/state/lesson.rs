//! A lesson being followed: which step, whether its question is answered, what the
//! simulator revealed, and the student's progress (remembered in `localStorage`).
//!
//! The lesson itself (its cluster, deeds, moments and questions) is core's
//! [`zab_core::lesson`]; its words are in `web/locales/lessons.yml`. Steps run on the
//! model's engine: a step's deeds are applied as the student's actions would be, and
//! playback runs until the step's moment ([`crate::engine::Engine::wait_for`]).

use zab_core::lesson::{Answer, Lesson, Reveal};

use crate::state::storage;

/// Where the student is in a step.
#[derive(Clone, Debug, PartialEq)]
pub enum Stage {
    /// Reading the step (and its question, if it has one); nothing ran yet.
    Ask,
    /// The step's deeds are done and the cluster plays until the step's moment.
    Running {
        /// The answer chosen (if the step asks).
        chosen: Option<Answer>,
    },
    /// The moment came: the answer is revealed.
    Done {
        /// The answer chosen.
        chosen: Option<Answer>,
        /// The simulator's answer and why (if the step asks).
        reveal: Option<Reveal>,
    },
    /// The moment did not come within the step limit (the student changed the run).
    Stuck,
}

/// The lesson open in the page.
#[derive(Clone, Debug, PartialEq)]
pub struct LessonRun {
    /// The lesson.
    pub lesson: Lesson,
    /// The step shown (0-based).
    pub step: usize,
    /// Where the student is in it.
    pub stage: Stage,
    /// The student acted on the cluster outside the script (the lesson waits for
    /// "back to the lesson", which replays the step).
    pub off_script: bool,
    /// The servers the step is about (the ring's spotlight), as they were when it began.
    pub focus: Vec<u32>,
}

impl LessonRun {
    /// The lesson at `step`, nothing run yet, on the simulator as it is now.
    pub fn at(
        lesson: Lesson,
        step: usize,
        sim_focus: impl Fn(&zab_core::lesson::Step) -> Vec<u32>,
    ) -> LessonRun {
        let step = step.min(lesson.steps.len().saturating_sub(1));
        LessonRun {
            focus: sim_focus(&lesson.steps[step]),
            lesson,
            step,
            stage: Stage::Ask,
            off_script: false,
        }
    }

    /// Whether this is the last step.
    pub fn is_last(&self) -> bool {
        self.step + 1 >= self.lesson.steps.len()
    }
}

/// A message about the lesson.
#[derive(Clone, Debug, PartialEq)]
pub enum LessonMsg {
    /// Open a lesson at a step (0-based).
    Open(String, usize),
    /// Choose an answer: the step runs.
    Choose(Answer),
    /// Run a step that asks nothing.
    Go,
    /// The next step (or the end).
    Next,
    /// The step before.
    Prev,
    /// Play this step again from its start (also: back to the lesson after leaving it).
    Replay,
    /// Close the lesson (the cluster stays).
    Close,
}

/// `localStorage` key of the progress: `id:steps-done` pairs, comma-separated.
pub const PROGRESS_KEY: &str = "zabscope.lessons";

/// Steps done per lesson id, as remembered.
pub fn progress() -> Vec<(String, usize)> {
    parse_progress(&storage::get(PROGRESS_KEY).unwrap_or_default())
}

fn parse_progress(text: &str) -> Vec<(String, usize)> {
    text.split(',')
        .filter_map(|pair| {
            let (id, n) = pair.split_once(':')?;
            Some((id.to_string(), n.parse().ok()?))
        })
        .collect()
}

fn format_progress(list: &[(String, usize)]) -> String {
    list.iter()
        .map(|(id, n)| format!("{id}:{n}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Remembers that `done` steps of lesson `id` are done (never fewer than before).
pub fn remember(id: &str, done: usize) {
    let mut list = progress();
    match list.iter_mut().find(|(i, _)| i == id) {
        Some((_, n)) => *n = (*n).max(done),
        None => list.push((id.to_string(), done)),
    }
    storage::set(PROGRESS_KEY, &format_progress(&list));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_reads_back_what_it_wrote_and_skips_garbage() {
        let list = vec![("quorum".to_string(), 4), ("sync".to_string(), 2)];
        assert_eq!(parse_progress(&format_progress(&list)), list);
        assert_eq!(
            parse_progress("quorum:x,,sync:3,nonsense"),
            vec![("sync".to_string(), 3)]
        );
    }
}
