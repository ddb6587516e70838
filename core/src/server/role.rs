//! Where a server stands: its [`Role`], with the ZAB [`Phase`] and, as a learner,
//! the [`SyncMode`] that follow from it.

use super::{LeaderState, LearnerState};
use crate::packet::ServerState;
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

/// The server's role: its `ServerState` together with the state that role holds, so
/// that a leader's state without LEADING, a learner's with LOOKING, or a phase or a
/// sync mode outside the role they belong to cannot be written down. The ZAB phase
/// and the sync mode are read off the role's stage ([`LeaderStage::phase`](super::LeaderStage::phase),
/// [`LearnerStage::phase`](super::LearnerStage::phase), [`LearnerStage::sync_mode`](super::LearnerStage::sync_mode)).
#[derive(Clone, Debug, PartialEq)]
pub enum Role {
    /// LOOKING: in Fast Leader Election (phase ELECTION).
    Looking,
    /// LEADING, with the leader's state.
    Leading(Box<LeaderState>),
    /// FOLLOWING, with the learner's state.
    Following(Box<LearnerState>),
    /// OBSERVING, with the learner's state.
    Observing(Box<LearnerState>),
}

impl Role {
    /// `QuorumPeer.ServerState`.
    pub fn state(&self) -> ServerState {
        match self {
            Role::Looking => ServerState::Looking,
            Role::Leading(_) => ServerState::Leading,
            Role::Following(_) => ServerState::Following,
            Role::Observing(_) => ServerState::Observing,
        }
    }

    /// `QuorumPeer.ZabState`.
    pub fn phase(&self) -> Phase {
        match self {
            Role::Looking => Phase::Election,
            Role::Leading(l) => l.stage.phase(),
            Role::Following(l) | Role::Observing(l) => l.stage.phase(),
        }
    }

    /// `QuorumPeer.SyncMode`: how a learner is being synchronised right now.
    pub fn sync_mode(&self) -> SyncMode {
        match self {
            Role::Following(l) | Role::Observing(l) => l.stage.sync_mode(),
            Role::Looking | Role::Leading(_) => SyncMode::None,
        }
    }

    /// The leader's state, while LEADING.
    pub fn leader(&self) -> Option<&LeaderState> {
        match self {
            Role::Leading(l) => Some(l),
            _ => None,
        }
    }

    /// The learner's state, while FOLLOWING or OBSERVING.
    pub fn learner(&self) -> Option<&LearnerState> {
        match self {
            Role::Following(l) | Role::Observing(l) => Some(l),
            _ => None,
        }
    }
}
