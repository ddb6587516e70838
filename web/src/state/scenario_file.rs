//! Scenario files in and out of the model, as data: where a scenario came from, the
//! messages of importing one (from a file, the link or the saved session), the trace
//! digest that compares the run with `zab-sim run --digest`, and the pause at the first
//! invariant violation. The model handles them (`state::model::io`); the browser side
//! (downloads, file inputs, the clipboard) is in `panels::scenario_io`, which reports
//! back with an [`IoMsg`].

use zab_core::scenario::Scenario;
use zab_core::Time;

use crate::engine::views::ViolationView;

/// Where a scenario comes from (for the status line).
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// A file the user imported (its name).
    File(String),
    /// The link the page was opened with (`#s=`).
    Link,
    /// The last session, from `localStorage`.
    Session,
}

/// Messages of this module.
#[derive(Clone, Debug, PartialEq)]
pub enum IoMsg {
    /// Scenario JSON to run: an imported file or the saved session.
    Load {
        /// The file's text.
        text: String,
        /// Where it comes from.
        origin: Origin,
    },
    /// A URL fragment that may carry a scenario (`#s=`).
    Fragment(String),
    /// Play on after the run paused at a violation.
    Resume,
    /// Hide the violation alert (stay paused).
    Dismiss,
    /// Compute the trace digest of the run so far.
    Digest,
    /// Something for the status line (from a browser action that finished later).
    Note {
        /// What it says.
        said: crate::state::model::notice::Said,
        /// Whether something failed.
        error: bool,
    },
}

/// The run as a scenario file, for an export or a link.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportedRun {
    /// The scenario with the user's interventions in its schedule.
    pub scenario: Scenario,
    /// How many of its steps are the user's interventions.
    pub interventions: usize,
}

/// The trace digest of the run at one moment.
#[derive(Clone, Debug, PartialEq)]
pub struct DigestView {
    /// Simulated time it covers (from 0).
    pub at_ms: Time,
    /// Number of trace events.
    pub events: u64,
    /// FNV-1a 64 of their JSON lines, 16 hex digits.
    pub hex: String,
}

/// What this module keeps in the model.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IoState {
    /// Violations seen at the last look (the run pauses when it leaves 0).
    pub(crate) seen_violations: usize,
    /// The violation the run paused at, while its alert is shown.
    pub halt: Option<ViolationView>,
    /// The last trace digest computed.
    pub digest: Option<DigestView>,
    /// Name of the scenario last loaded from a file, a link or the session.
    pub(crate) loaded_name: Option<String>,
}

impl IoState {
    /// Whether the scenario called `name` came from a file, a link or the session
    /// (then its name and description are shown like a preset's).
    pub fn is_loaded(&self, name: &str) -> bool {
        self.loaded_name.as_deref() == Some(name)
    }
}

/// A file name from a scenario name: `leader-crash-during-broadcast.json`.
pub fn file_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let stem = out.trim_end_matches('-');
    let stem = if stem.is_empty() { "scenario" } else { stem };
    format!("{}.json", &stem[..stem.len().min(60)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_tidy() {
        assert_eq!(
            file_name("Leader crash during broadcast"),
            "leader-crash-during-broadcast.json"
        );
        assert_eq!(
            file_name("Free play: 5 servers"),
            "free-play-5-servers.json"
        );
        assert_eq!(file_name("¿?"), "scenario.json");
    }
}
