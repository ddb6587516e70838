//! What a server reports about itself: the [`ServerEvent`]s of the trace.

use super::{Phase, RoleExit, SyncMode, SyncReason, VoteReason, Warning};
use crate::ids::{Epoch, ServerId, Zxid};
use crate::packet::{ServerState, Vote};
use crate::txn::Txn;
use serde::{Deserialize, Serialize};

/// Which epoch file was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EpochFile {
    /// `acceptedEpoch`.
    Accepted,
    /// `currentEpoch`.
    Current,
    /// The `updatingEpoch` marker: a learner is about to make the new epoch's txns
    /// durable before its `currentEpoch` write (ZK-1653's fix; see [`crate::Bug::Zk1653`]).
    Updating,
}

/// Observable happenings inside a server (part of the trace).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ServerEvent {
    /// ServerState or ZabState changed.
    StateChange {
        /// New state.
        state: ServerState,
        /// New phase.
        phase: Phase,
    },
    /// FLE: the server (re)sent its proposal.
    Vote {
        /// Its proposal.
        vote: Vote,
        /// Its logical clock.
        round: u64,
        /// Why it changed, if it did (serialised as its sentence).
        reason: VoteReason,
    },
    /// FLE finished: this vote won.
    Elected {
        /// The winning vote.
        vote: Vote,
        /// Sids whose votes formed the quorum.
        quorum: Vec<ServerId>,
    },
    /// An epoch file was written (atomically, durably).
    EpochWrite {
        /// Which file.
        file: EpochFile,
        /// New value.
        epoch: Epoch,
    },
    /// The leader persisted currentEpoch after an ACKEPOCH quorum: epoch established.
    Established {
        /// Epoch.
        epoch: Epoch,
    },
    /// The leader reached BROADCAST (NEWLEADER-ACK quorum).
    Active {
        /// Epoch.
        epoch: Epoch,
        /// Its learners that are synced.
        quorum: Vec<ServerId>,
    },
    /// The leader chose how to synchronise a learner.
    SyncChosen {
        /// Learner.
        learner: ServerId,
        /// DIFF, TRUNC or SNAP.
        mode: SyncMode,
        /// The learner's last zxid (from ACKEPOCH).
        peer_last_zxid: Zxid,
        /// `minCommittedLog`.
        min_committed: Zxid,
        /// `maxCommittedLog`.
        max_committed: Zxid,
        /// The plan: the branch of `syncFollower` taken, the zxids it compared and what
        /// it queued; `mode` is its [`SyncReason::mode`] (serialised as its sentence).
        reason: SyncReason,
    },
    /// A txn was appended to the log (not yet durable).
    Append {
        /// Its zxid.
        zxid: Zxid,
    },
    /// The log was fsynced.
    Fsync {
        /// Durable up to here.
        upto: Zxid,
    },
    /// A snapshot was written: periodically by the Sync thread, at `lead()`, at a
    /// learner's NEWLEADER, or the empty `snapshot.0` a server writes the first time
    /// it starts on an empty disk (FileTxnSnapLog.restore, see
    /// [`super::Server::recover`]).
    Snapshot {
        /// Its label.
        zxid: Zxid,
    },
    /// The log was truncated (TRUNC).
    Truncate {
        /// Kept up to here.
        zxid: Zxid,
        /// Entries removed.
        dropped: u64,
    },
    /// The leader proposed a txn.
    Propose {
        /// The txn.
        txn: Txn,
    },
    /// A txn was applied to the data tree as committed.
    Commit {
        /// Its zxid.
        zxid: Zxid,
    },
    /// Leader: a session was not touched within its timeout; a closeSession follows
    /// (SessionTrackerImpl: "Expiring session …, timeout of …ms exceeded").
    SessionExpired {
        /// The session.
        session: crate::ids::SessionId,
    },
    /// The server left LEADING/FOLLOWING/OBSERVING.
    LeftRole {
        /// Why (serialised as its sentence).
        reason: RoleExit,
    },
    /// Restart recovered state from disk.
    Recovered {
        /// Label of the snapshot loaded (0: `snapshot.0`, the empty tree every server
        /// writes when it first starts).
        snapshot: Zxid,
        /// Log entries replayed on top.
        replayed: u64,
        /// Resulting last zxid.
        last_zxid: Zxid,
    },
    /// A packet was ignored or refused, or something unexpected happened.
    Warning {
        /// What (serialised as its sentence, under `text`).
        #[serde(rename = "text")]
        warning: Warning,
    },
}
