//! Where a server stands: its ZAB [`Phase`] and, as a learner, its [`SyncMode`].

use serde::{Deserialize, Serialize};

/// `QuorumPeer.ZabState`: the ZAB phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Phase {
    /// Phase 0: Fast Leader Election.
    Election,
    /// Phase 1: epoch establishment.
    Discovery,
    /// Phase 2: DIFF / TRUNC / SNAP and NEWLEADER.
    Synchronization,
    /// Phase 3: PROPOSAL / ACK / COMMIT.
    Broadcast,
}

impl Phase {
    /// ZooKeeper's upper-case name.
    pub fn name(self) -> &'static str {
        match self {
            Phase::Election => "ELECTION",
            Phase::Discovery => "DISCOVERY",
            Phase::Synchronization => "SYNCHRONIZATION",
            Phase::Broadcast => "BROADCAST",
        }
    }
}

/// `QuorumPeer.SyncMode`: how a learner is being synchronised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SyncMode {
    /// Not syncing.
    None,
    /// Keep the log, apply the txns that follow.
    Diff,
    /// Truncate the log first.
    Trunc,
    /// Replace the state with the leader's snapshot.
    Snap,
}

impl SyncMode {
    /// ZooKeeper's upper-case name.
    pub fn name(self) -> &'static str {
        match self {
            SyncMode::None => "NONE",
            SyncMode::Diff => "DIFF",
            SyncMode::Trunc => "TRUNC",
            SyncMode::Snap => "SNAP",
        }
    }
}
