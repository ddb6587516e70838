//! What the status line says, as data ([`Said`]): made where a message is handled,
//! worded where it is shown (`text::notice::words`), so that a language switch
//! rewords it.

use std::rc::Rc;
use zab_core::lesson::Until;
use zab_core::scenario::link::LinkError;

use zab_core::scenario::ScenarioError;

use crate::engine::{Done, Idle, Problem};
use crate::state::query::QueryProblem;
use crate::text::lang::Lang;
use crate::text::narrate::Entry;
use crate::text::tables::TableError;

/// A scenario as the status line names it.
#[derive(Clone, Debug, PartialEq)]
pub enum Named {
    /// A built-in scenario by its menu value: a teaching preset's file stem or a
    /// bug-lab entry (`bug:ZK-3911`); its title is translated.
    Preset(String),
    /// A lesson, by id.
    Lesson(String),
    /// Free play with this cluster.
    FreePlay {
        /// Participants.
        participants: u32,
        /// Observers.
        observers: u32,
    },
    /// A scenario with its own name (imported, a bug-lab entry): shown as written.
    Given(String),
}

/// Where a scenario came from.
#[derive(Clone, Debug, PartialEq)]
pub enum From {
    /// A file, by name.
    File(String),
    /// A shared link.
    Link,
    /// The session saved in this browser.
    Session,
}

/// Why a scenario could not be read, as core's typed reason.
#[derive(Clone, Debug, PartialEq)]
pub enum Unread {
    /// The text is not a valid scenario (shared: messages holding it are cloned by
    /// every callback, and a deep copy of the error is 4.7 KB of wasm).
    Scenario(Rc<ScenarioError>),
    /// The scenario in a link could not be decoded, or is not valid (shared: it may
    /// hold a [`ScenarioError`]).
    Link(Rc<LinkError>),
}

/// Something the status line says.
#[derive(Clone, Debug, PartialEq)]
pub enum Said {
    /// A command was applied.
    Done(Done),
    /// A command was refused or did not achieve its aim.
    Problem(Problem),
    /// A step ran; the log entry that says what happened (`None`: nothing to say).
    Stepped(Option<Entry>),
    /// A step found nothing scheduled.
    Idle(Idle),
    /// Jumped ahead `ms` to `now`.
    Jumped {
        /// How far.
        ms: u64,
        /// To when.
        now: u64,
    },
    /// Looking at the past at `t`.
    Viewing {
        /// The time looked at.
        t: u64,
    },
    /// Back at the present, `t`.
    Present {
        /// The time.
        t: u64,
    },
    /// The run started again.
    Reset {
        /// The scenario.
        name: Named,
        /// Its seed.
        seed: u64,
    },
    /// A new run of this scenario with another seed.
    Reseeded {
        /// The scenario.
        name: Named,
        /// The new seed.
        seed: u64,
    },
    /// A free-play cluster started.
    Started {
        /// The cluster.
        name: Named,
        /// Its seed.
        seed: u64,
    },
    /// A cluster size the menu does not offer.
    BadCluster,
    /// A built-in scenario loaded.
    Loaded {
        /// The scenario.
        name: Named,
    },
    /// There is no built-in scenario of this name.
    NoSuchScenario {
        /// The name asked for.
        stem: String,
    },
    /// There is no lesson of this id (or it could not be opened).
    NoSuchLesson {
        /// The id asked for.
        id: String,
    },
    /// This scenario cannot run: core's reason (a validation error), worded where it
    /// is shown (`text::scenario_error`).
    CannotRun {
        /// The reason (shared, as in [`Unread::Scenario`]).
        error: Rc<ScenarioError>,
    },
    /// Playback paused at a "pause at" moment.
    PausedAt(Until),
    /// A scenario was imported or opened and replaced the run.
    Opened {
        /// Where from.
        from: From,
        /// Its name.
        name: String,
        /// How many scheduled steps it has.
        steps: usize,
        /// Its description (may be empty).
        description: String,
    },
    /// A scenario could not be read (core's reason names the field and the place);
    /// `now` is what runs instead.
    Unreadable {
        /// Where from.
        from: From,
        /// Core's reason, worded where it is shown (`text::scenario_error`).
        error: Unread,
        /// What runs now.
        now: Named,
    },
    /// The trace digest of the run so far.
    Digest {
        /// At this time.
        at_ms: u64,
        /// Events hashed.
        events: u64,
        /// FNV-1a, in hex.
        hex: String,
    },
    /// The link's parameters that could not be used, then what else was said.
    Link {
        /// The problems.
        problems: Vec<QueryProblem>,
        /// What was said besides (the loaded session, for example).
        then: Option<Box<Said>>,
    },
    /// The run was exported as a scenario file.
    Exported {
        /// The file's name.
        file: String,
        /// How many of the user's interventions it holds.
        interventions: usize,
    },
    /// The browser refused the download.
    ExportFailed,
    /// A file could not be read (the browser's reason).
    ReadFailed {
        /// The file's name.
        file: String,
        /// The browser's reason.
        error: String,
    },
    /// The link could not be put in the address bar.
    LinkFailed,
    /// The link to the run is in the address bar (of this length), and maybe on the
    /// clipboard.
    LinkReady {
        /// Its length in characters.
        chars: usize,
        /// What became of the copy to the clipboard.
        clipboard: Clipboard,
    },
    /// A language's table could not be loaded; the page stays in the other one.
    LangUnavailable {
        /// The language asked for.
        lang: Lang,
        /// Why it is missing.
        why: TableError,
    },
    /// A sentence the view made when the user acted (a bad field).
    Text(String),
}

/// Whether the link also went to the clipboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clipboard {
    /// It is there.
    Copied,
    /// This browser offers no clipboard here.
    Missing,
    /// The clipboard refused it.
    Refused,
}

/// A message for the status line.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// What it says.
    pub said: Said,
    /// An action that could not be done (shown as an error).
    pub error: bool,
}
