//! The bug lab (spec §14, issue "historical-bug lab"): each historical bug's preset
//! breaks the invariant the spec names for it with the bug switched on, and the same
//! scenario on the fixed baseline breaks nothing.

use zab_core::bugs::{BugInfo, CATALOGUE};
use zab_core::run::Run;
use zab_core::Bug;

fn violations(scenario: &zab_core::scenario::Scenario) -> Vec<String> {
    let mut run = Run::new(scenario).expect("preset is valid");
    run.run_to_end();
    run.violations()
        .iter()
        .map(|v| format!("{} {}: {}", v.invariant, v.name, v.detail))
        .collect()
}

fn check(info: &BugInfo) {
    let id = info.bug.id();
    let with_bug = violations(&info.scenario());
    assert!(
        with_bug
            .iter()
            .any(|v| v.starts_with(&format!("{} ", info.invariant))),
        "{id}: expected a violation of {} with the bug on, got {with_bug:#?}",
        info.invariant
    );
    let fixed = violations(&info.baseline());
    assert!(
        fixed.is_empty(),
        "{id}: the fixed baseline must be clean, got {fixed:#?}"
    );
}

macro_rules! bug_tests {
    ($($name:ident => $bug:expr),* $(,)?) => {$(
        #[test]
        fn $name() {
            let info = zab_core::bugs::info($bug).expect("catalogued");
            check(&info);
        }
    )*};
}

bug_tests! {
    zk_1154_diff_without_trunc => Bug::Zk1154,
    zk_1156_trunc_removes_too_much => Bug::Zk1156,
    zk_1264_commits_before_uptodate_never_logged => Bug::Zk1264,
    zk_1282_current_epoch_at_uptodate => Bug::Zk1282,
    zk_1291_accepted_epoch_persisted_late => Bug::Zk1291,
    zk_1319_empty_diff_for_an_empty_follower => Bug::Zk1319,
    zk_1653_restart_refused_after_crash_before_epoch_write => Bug::Zk1653,
    zk_1732_late_joiner_cannot_join => Bug::Zk1732,
    zk_2845_no_fast_forward_on_role_exit => Bug::Zk2845,
    zk_3642_partial_snap_kept_in_memory => Bug::Zk3642,
    zk_3911_diff_txns_not_persisted_before_ack => Bug::Zk3911,
    zk_4643_epoch_before_log => Bug::Zk4643,
    zk_4646_ack_before_fsync => Bug::Zk4646,
    zk_4712_sync_thread_outlives_role => Bug::Zk4712,
    zk_4837_snapshot_past_trunc_resurrects_txns => Bug::Zk4837,
}

/// Every catalogue entry is tested above, and each preset switches its own bug on.
#[test]
fn catalogue_presets_switch_on_their_bug() {
    assert_eq!(CATALOGUE.len(), Bug::ALL.len());
    for info in CATALOGUE {
        assert_eq!(info.scenario().bugs, vec![info.bug], "{}", info.bug.id());
        assert!(info.baseline().bugs.is_empty());
        assert!(!info.explanation.is_empty() && !info.fixed_in.is_empty());
    }
}
