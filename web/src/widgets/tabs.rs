//! The dock's tabs, and the way other panels and the keyboard open one.

use std::cell::RefCell;

use crate::t;
use yew::prelude::*;

/// The dock's tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// Every server's log.
    Logs,
    /// The selected server, durable vs volatile, and why.
    Inspector,
    /// The sequence diagram.
    SpaceTime,
    /// The invariant checker.
    Invariants,
    /// Historical bugs.
    BugLab,
    /// Every server's `mntr`, with alerts.
    Monitor,
}

impl Tab {
    /// Every tab, in the order shown.
    pub const ALL: [Tab; 6] = [
        Tab::Logs,
        Tab::Inspector,
        Tab::SpaceTime,
        Tab::Invariants,
        Tab::BugLab,
        Tab::Monitor,
    ];

    /// The tab's title, in the page's language.
    pub fn label(self) -> String {
        match self {
            Tab::Logs => t!("tab.logs"),
            Tab::Inspector => t!("tab.inspector"),
            Tab::SpaceTime => t!("tab.spacetime"),
            Tab::Invariants => t!("tab.invariants"),
            Tab::BugLab => t!("tab.bug_lab"),
            Tab::Monitor => t!("tab.monitor"),
        }
        .into_owned()
    }

    /// `data-tab` value and element id suffix.
    pub fn attr(self) -> &'static str {
        match self {
            Tab::Logs => "logs",
            Tab::Inspector => "inspector",
            Tab::SpaceTime => "spacetime",
            Tab::Invariants => "invariants",
            Tab::BugLab => "bug-lab",
            Tab::Monitor => "monitor",
        }
    }

    /// The letter that opens it with Shift.
    pub fn key(self) -> &'static str {
        match self {
            Tab::Logs => "L",
            Tab::Inspector => "I",
            Tab::SpaceTime => "T",
            Tab::Invariants => "V",
            Tab::BugLab => "G",
            Tab::Monitor => "M",
        }
    }
}

thread_local! {
    static OPEN_TAB: RefCell<Option<Callback<Tab>>> = const { RefCell::new(None) };
    static SHOWN: RefCell<Tab> = const { RefCell::new(Tab::Logs) };
}

/// The tab shown last: a dock created again (the page in a new language) opens it.
pub fn shown() -> Tab {
    SHOWN.with(|s| *s.borrow())
}

/// Records the tab the dock shows.
pub fn set_shown(tab: Tab) {
    SHOWN.with(|s| *s.borrow_mut() = tab);
}

/// Lets `open_tab` reach the mounted dock (`None` when it unmounts).
pub fn set_opener(cb: Option<Callback<Tab>>) {
    OPEN_TAB.with(|c| *c.borrow_mut() = cb);
}

/// Shows a tab of the dock (from a keyboard shortcut or another panel).
pub fn open_tab(tab: Tab) {
    let cb = OPEN_TAB.with(|c| c.borrow().clone());
    if let Some(cb) = cb {
        cb.emit(tab);
    }
}

/// The tab a key opens (Shift + letter, so the plain letters stay the app's).
pub fn tab_for_key(key: &str) -> Option<Tab> {
    Tab::ALL.into_iter().find(|t| t.key() == key)
}
