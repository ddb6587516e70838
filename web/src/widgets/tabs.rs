//! The dock's tabs, and the way other panels and the keyboard open one.

use std::cell::RefCell;

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
}

impl Tab {
    /// Every tab, in the order shown.
    pub const ALL: [Tab; 5] = [
        Tab::Logs,
        Tab::Inspector,
        Tab::SpaceTime,
        Tab::Invariants,
        Tab::BugLab,
    ];

    /// The tab's title.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Logs => "Logs",
            Tab::Inspector => "Inspector",
            Tab::SpaceTime => "Space-time",
            Tab::Invariants => "Invariants",
            Tab::BugLab => "Bug lab",
        }
    }

    /// `data-tab` value and element id suffix.
    pub fn attr(self) -> &'static str {
        match self {
            Tab::Logs => "logs",
            Tab::Inspector => "inspector",
            Tab::SpaceTime => "spacetime",
            Tab::Invariants => "invariants",
            Tab::BugLab => "bug-lab",
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
        }
    }
}

thread_local! {
    static OPEN_TAB: RefCell<Option<Callback<Tab>>> = const { RefCell::new(None) };
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
