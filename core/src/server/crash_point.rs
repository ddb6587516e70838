//! The named places where a scenario can crash a server (`crash_at`).

use serde::{Deserialize, Serialize};

/// A named place in the protocol where a scenario can crash a server
/// (`crash_at`). Each sits between two durable steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum CrashPoint {
    /// Leader: acceptedEpoch written after the FOLLOWERINFO quorum, before LEADERINFO goes out.
    #[serde(rename = "leader-after-accepted-epoch")]
    LeaderAfterAcceptedEpoch,
    /// Leader: currentEpoch written after the ACKEPOCH quorum (epoch established).
    #[serde(rename = "leader-after-current-epoch")]
    LeaderAfterCurrentEpoch,
    /// Leader: a txn proposed (PROPOSAL sent), before its own log append.
    #[serde(rename = "leader-after-propose")]
    LeaderAfterPropose,
    /// Follower: acceptedEpoch written on LEADERINFO, before ACKEPOCH.
    #[serde(rename = "follower-after-accepted-epoch")]
    FollowerAfterAcceptedEpoch,
    /// Follower at NEWLEADER: after the SNAP/TRUNC snapshot, before logging sync txns.
    #[serde(rename = "newleader-after-snapshot")]
    NewLeaderAfterSnapshot,
    /// Follower at NEWLEADER: sync txns logged and fsynced, before writing currentEpoch.
    #[serde(rename = "newleader-after-log")]
    NewLeaderAfterLog,
    /// Follower at NEWLEADER: currentEpoch written, before the NEWLEADER-ACK.
    #[serde(rename = "newleader-after-epoch")]
    NewLeaderAfterEpoch,
    /// Follower: NEWLEADER-ACK sent, before UPTODATE arrives.
    #[serde(rename = "newleader-after-ack")]
    NewLeaderAfterAck,
    /// Leader: a SNAP header and image sent to a learner, before the rest of the sync stream.
    #[serde(rename = "leader-after-snap")]
    LeaderAfterSnap,
    /// Any participant: log fsynced, before the ACKs of the flushed proposals.
    #[serde(rename = "after-fsync")]
    AfterFsync,
    /// Follower: a PROPOSAL received, before its Sync thread appends it.
    #[serde(rename = "follower-after-proposal")]
    FollowerAfterProposal,
    /// Follower: a COMMIT applied.
    #[serde(rename = "follower-after-commit")]
    FollowerAfterCommit,
}

impl CrashPoint {
    /// Every crash point.
    pub const ALL: [CrashPoint; 12] = [
        CrashPoint::LeaderAfterAcceptedEpoch,
        CrashPoint::LeaderAfterCurrentEpoch,
        CrashPoint::LeaderAfterPropose,
        CrashPoint::FollowerAfterAcceptedEpoch,
        CrashPoint::NewLeaderAfterSnapshot,
        CrashPoint::NewLeaderAfterLog,
        CrashPoint::NewLeaderAfterEpoch,
        CrashPoint::NewLeaderAfterAck,
        CrashPoint::LeaderAfterSnap,
        CrashPoint::AfterFsync,
        CrashPoint::FollowerAfterProposal,
        CrashPoint::FollowerAfterCommit,
    ];

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            CrashPoint::LeaderAfterAcceptedEpoch => "leader-after-accepted-epoch",
            CrashPoint::LeaderAfterCurrentEpoch => "leader-after-current-epoch",
            CrashPoint::LeaderAfterPropose => "leader-after-propose",
            CrashPoint::FollowerAfterAcceptedEpoch => "follower-after-accepted-epoch",
            CrashPoint::NewLeaderAfterSnapshot => "newleader-after-snapshot",
            CrashPoint::NewLeaderAfterLog => "newleader-after-log",
            CrashPoint::NewLeaderAfterEpoch => "newleader-after-epoch",
            CrashPoint::NewLeaderAfterAck => "newleader-after-ack",
            CrashPoint::LeaderAfterSnap => "leader-after-snap",
            CrashPoint::AfterFsync => "after-fsync",
            CrashPoint::FollowerAfterProposal => "follower-after-proposal",
            CrashPoint::FollowerAfterCommit => "follower-after-commit",
        }
    }

    /// What happened just before the point, in words.
    pub fn description(self) -> &'static str {
        match self {
            CrashPoint::LeaderAfterAcceptedEpoch => "leader reached a FOLLOWERINFO quorum: between persisting acceptedEpoch and sending LEADERINFO (ZK-1291 reverses the two)",
            CrashPoint::LeaderAfterCurrentEpoch => "leader persisted currentEpoch after an ACKEPOCH quorum; no sync started yet",
            CrashPoint::LeaderAfterPropose => "leader sent a PROPOSAL; its own log does not hold it yet",
            CrashPoint::FollowerAfterAcceptedEpoch => "follower persisted acceptedEpoch on LEADERINFO; no ACKEPOCH sent yet",
            CrashPoint::NewLeaderAfterSnapshot => "follower took the NEWLEADER snapshot (SNAP/TRUNC); sync txns not logged yet",
            CrashPoint::NewLeaderAfterLog => "follower logged and fsynced the sync txns at NEWLEADER; currentEpoch not written yet",
            CrashPoint::NewLeaderAfterEpoch => "follower wrote currentEpoch at NEWLEADER; NEWLEADER-ACK not sent yet",
            CrashPoint::NewLeaderAfterAck => "follower sent its NEWLEADER-ACK; UPTODATE not received yet",
            CrashPoint::LeaderAfterSnap => "leader sent a learner the SNAP image; NEWLEADER not sent yet",
            CrashPoint::AfterFsync => "a participant's log fsync completed; the ACKs for it not sent yet",
            CrashPoint::FollowerAfterProposal => "follower received a PROPOSAL; its Sync thread has not appended it",
            CrashPoint::FollowerAfterCommit => "follower applied a COMMIT",
        }
    }

    /// Parses a scenario name.
    pub fn from_name(name: &str) -> Option<CrashPoint> {
        CrashPoint::ALL.into_iter().find(|p| p.name() == name)
    }
}
