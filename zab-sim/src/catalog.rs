//! One-line titles of the bug modes, from the bug catalogue of `zab-spec.md` §14.
//!
//! (`zab_core::Bug` has ids but no titles yet; the match is exhaustive, so a new bug
//! mode cannot be added without a title here.)

use zab_core::Bug;

/// The catalogue title of a bug mode.
pub fn bug_title(bug: Bug) -> &'static str {
    match bug {
        Bug::Zk1154 => "no TRUNC before DIFF when the follower holds a txn the leader never had",
        Bug::Zk1156 => "log truncation truncates too much",
        Bug::Zk1264 => "commits received between NEWLEADER and UPTODATE applied but never logged",
        Bug::Zk1282 => "currentEpoch set on UPTODATE instead of NEWLEADER",
        Bug::Zk1291 => "leader did not persist acceptedEpoch before proposing it",
        Bug::Zk1319 => "new leader reports lastProposed = 0 and sends an empty DIFF (missing data after restart)",
        Bug::Zk1732 => "server unable to join an established ensemble",
        Bug::Zk2845 => "data inconsistency due to retaining the database across elections",
        Bug::Zk3642 => "DIFF sync after a partial SNAP sync",
        Bug::Zk3911 => "DIFF-synced txns not persisted before NEWLEADER-ACK",
        Bug::Zk4643 => "committed txns truncated when a follower crashes right after updating currentEpoch",
        Bug::Zk4646 => "NEWLEADER-ACK before the sync txns are fsynced",
        Bug::Zk4712 => "SyncRequestProcessor not shut down when a follower leaves its epoch",
    }
}
