//! Built-in scenarios (`static/scenarios/*.json`), in teaching order.

use super::types::Scenario;

/// The preset files: (file stem, JSON text), in teaching order.
pub const PRESET_FILES: [(&str, &str); 12] = [
    (
        "fresh-election",
        include_str!("../../../static/scenarios/fresh-election.json"),
    ),
    (
        "newer-zxid-wins",
        include_str!("../../../static/scenarios/newer-zxid-wins.json"),
    ),
    (
        "leader-crash",
        include_str!("../../../static/scenarios/leader-crash.json"),
    ),
    (
        "restart-into-ensemble",
        include_str!("../../../static/scenarios/restart-into-ensemble.json"),
    ),
    (
        "follower-lag-diff",
        include_str!("../../../static/scenarios/follower-lag-diff.json"),
    ),
    (
        "long-outage-snap",
        include_str!("../../../static/scenarios/long-outage-snap.json"),
    ),
    (
        "leader-minority-partition",
        include_str!("../../../static/scenarios/leader-minority-partition.json"),
    ),
    (
        "uncommitted-trunc",
        include_str!("../../../static/scenarios/uncommitted-trunc.json"),
    ),
    (
        "observer",
        include_str!("../../../static/scenarios/observer.json"),
    ),
    (
        "config-watch",
        include_str!("../../../static/scenarios/config-watch.json"),
    ),
    (
        "election-recipe",
        include_str!("../../../static/scenarios/election-recipe.json"),
    ),
    (
        "session-expires-in-partition",
        include_str!("../../../static/scenarios/session-expires-in-partition.json"),
    ),
];

/// Every built-in scenario as (file stem, scenario), in teaching order.
///
/// The files are compiled in and checked by the test suite, so parsing them cannot
/// fail in a tested build.
pub fn presets() -> Vec<(&'static str, Scenario)> {
    PRESET_FILES
        .iter()
        .map(|(stem, text)| {
            let scenario = Scenario::from_json(text)
                .unwrap_or_else(|e| panic!("built-in scenario {stem}.json is invalid: {e}"));
            (*stem, scenario)
        })
        .collect()
}

/// The built-in scenario with file stem `stem` (e.g. `"leader-crash"`).
pub fn preset(stem: &str) -> Option<Scenario> {
    PRESET_FILES
        .iter()
        .find(|(s, _)| *s == stem)
        .and_then(|(_, text)| Scenario::from_json(text).ok())
}
