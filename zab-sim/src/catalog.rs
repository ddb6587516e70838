//! One-line titles of the bug modes: the bug lab's (`zab_core::bugs`), or for a bug
//! mode without a lab entry the title of the catalogue in `zab-spec.md` §14.

use zab_core::bugs;
use zab_core::Bug;

/// The title of a bug mode.
pub fn bug_title(bug: Bug) -> &'static str {
    if let Some(info) = bugs::info(bug) {
        return info.title;
    }
    // Exhaustive on purpose: a new bug mode cannot be added without a title.
    match bug {
        Bug::Zk1154 => "No TRUNC before DIFF when the follower holds a txn the leader never had",
        Bug::Zk1156 => "Log truncation truncates too much",
        Bug::Zk1264 => "Commits between NEWLEADER and UPTODATE applied but never logged",
        Bug::Zk1282 => "currentEpoch written at UPTODATE instead of NEWLEADER",
        Bug::Zk1291 => "Leader did not persist acceptedEpoch before proposing it",
        Bug::Zk1319 => "New leader reports lastProposed = 0 and sends an empty DIFF",
        Bug::Zk1653 => {
            "Server fails to start after a crash between snapshot and currentEpoch write"
        }
        Bug::Zk1732 => "Server unable to join an established ensemble",
        Bug::Zk2845 => "In-memory database not fast-forwarded on role exit",
        Bug::Zk3642 => "DIFF sync after a partial SNAP sync",
        Bug::Zk3911 => "DIFF-synced txns not persisted before the NEWLEADER-ACK",
        Bug::Zk4643 => {
            "Committed txns lost when a follower crashes right after updating currentEpoch"
        }
        Bug::Zk4646 => "NEWLEADER-ACK sent before the sync txns are fsynced",
        Bug::Zk4712 => "The Sync thread is not shut down when a follower leaves its epoch",
        Bug::Zk4837 => "A snapshot newer than the TRUNC point resurrects truncated txns",
    }
}
