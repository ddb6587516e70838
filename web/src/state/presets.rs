//! The built-in scenarios the setup menu offers: the cluster sizes, the teaching presets
//! and the bug lab's scenarios (with the bug on, and on the fixed baseline), and free play.

use zab_core::bugs::{self, CATALOGUE};
use zab_core::scenario::{presets, Scenario};
use zab_core::Bug;

/// Cluster sizes offered.
pub const SIZES: [u32; 4] = [3, 5, 7, 9];
/// Observer counts offered.
pub const OBSERVERS: [u32; 3] = [0, 1, 2];

/// The menu value of a bug's preset on the fixed baseline.
pub const FIXED_SUFFIX: &str = ":fixed";

thread_local! {
    static PRESETS: Vec<(String, String, String)> = presets()
        .into_iter()
        .map(|(stem, s)| (stem.to_string(), s.name, s.description))
        .chain(CATALOGUE.iter().map(|b| {
            (
                format!("{BUG_PREFIX}{}", b.bug.id()),
                format!("Bug lab: {} {}", b.bug.id(), b.title),
                format!(
                    "{} Fixed in {}; invariant {} catches it. {}",
                    b.explanation,
                    b.fixed_in,
                    b.invariant,
                    b.scenario().description
                ),
            )
        }))
        .collect();
}

/// Menu values of the bug lab's scenarios start with this, then the bug id.
pub const BUG_PREFIX: &str = "bug:";

/// The built-in scenarios as (menu value, title, description), parsed once: the
/// teaching presets (by file stem), then the bug lab (`bug:ZK-3911`).
pub fn preset_list() -> Vec<(String, String, String)> {
    PRESETS.with(|p| p.clone())
}

/// The scenario behind a menu value.
pub fn scenario_for(value: &str) -> Option<Scenario> {
    match value.strip_prefix(BUG_PREFIX) {
        // `bug:ZK-3911:fixed`: the same scenario on the fixed baseline (the bug lab's comparison).
        Some(id) => match id.strip_suffix(FIXED_SUFFIX) {
            Some(id) => Bug::from_id(id).and_then(bugs::info).map(|b| b.baseline()),
            None => Bug::from_id(id).and_then(bugs::info).map(|b| b.scenario()),
        },
        None => zab_core::scenario::preset(value),
    }
}

/// The description shown for a menu value.
pub fn description_of(value: &str) -> Option<String> {
    preset_list()
        .into_iter()
        .find(|(v, _, _)| v == value)
        .map(|(_, _, d)| d)
}

/// A free-play scenario: an empty schedule.
pub fn free_play(participants: u32, observers: u32, seed: u64) -> Scenario {
    let mut s = Scenario::new(participants);
    s.cluster.observers = observers;
    s.seed = seed;
    s.name = format!("Free play: {participants} servers");
    if observers > 0 {
        s.name += &format!(
            " + {observers} observer{}",
            if observers > 1 { "s" } else { "" }
        );
    }
    s.description = String::new();
    s
}
