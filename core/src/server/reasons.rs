//! Why things happen, as data: the warnings a server reports, why it leaves a role,
//! why its process exits, why it refuses to start and why a client write fails.
//!
//! Every value carries what its rule saw (zxids, epochs, servers); the checker, the
//! liveness checks and the web app match the variants. Text is made only where it is
//! shown: each type's `Display` gives the sentence the trace narrates, and it
//! serialises as that sentence, so the `--trace` lines and the digests are those of
//! plain strings.

use super::{HandlerStage, LearnerStage, Phase, SyncMode};
use crate::ids::{Epoch, ServerId, Time, Zxid};
use crate::packet::{ServerState, Vote};
use std::fmt;

/// Serialises a type as its `Display` text.
macro_rules! serialize_as_text {
    ($($t:ty),*) => {$(
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    )*};
}
pub(crate) use serialize_as_text;

/// A packet ignored or refused, or something unexpected, reported by a server
/// ([`super::ServerEvent::Warning`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// Learner: the connection attempt to the leader got no answer in time.
    ConnectTimedOut {
        /// The leader.
        leader: ServerId,
    },
    /// Learner, during sync before the NEWLEADER snapshot: a COMMIT for another txn
    /// than the first pending one.
    SyncCommitUnmatched {
        /// The COMMIT's zxid.
        zxid: Zxid,
    },
    /// Learner at NEWLEADER: a committed sync txn is not the first pending txn.
    SyncTxnNotPending {
        /// The committed zxid.
        zxid: Zxid,
    },
    /// Follower in BROADCAST: a PROPOSAL that does not follow the previous one.
    ProposalGap {
        /// The PROPOSAL's zxid.
        got: Zxid,
        /// The zxid that would follow the last queued one.
        expected: Zxid,
    },
    /// Learner in BROADCAST: a packet it has nothing to do with.
    IgnoredInBroadcast {
        /// ZooKeeper's packet type.
        packet: &'static str,
    },
    /// Follower in BROADCAST: a COMMIT while no txn is pending.
    CommitWithoutPending {
        /// The COMMIT's zxid.
        zxid: Zxid,
    },
    /// Leader: a NEWLEADER-ACK for another zxid than `epoch << 32` (T3, ZK-4685).
    NewLeaderAckZxid {
        /// The learner.
        from: ServerId,
        /// The ACK's zxid.
        zxid: Zxid,
        /// The NEWLEADER zxid.
        expected: Zxid,
    },
    /// Leader: a learner's connection closed; its handler is gone.
    LearnerClosed {
        /// The learner.
        learner: ServerId,
    },
    /// Leader: a handler's read got nothing within its read timeout; it is dropped.
    HandlerReadTimeout {
        /// The learner.
        learner: ServerId,
        /// Whether the limit was `syncLimit` (in BROADCAST) rather than `initLimit`.
        sync_limit: bool,
        /// The timeout.
        timeout_ms: Time,
        /// Where the handler was.
        stage: HandlerStage,
    },
    /// Leader: a learner's ACKEPOCH is ahead of the leader's own state; its handler
    /// is dropped.
    LearnerAhead {
        /// The learner.
        learner: ServerId,
        /// The learner's currentEpoch (0 if it sent none).
        current_epoch: Epoch,
        /// The learner's last zxid.
        last_zxid: Zxid,
        /// The leader's currentEpoch at `lead()`.
        leader_epoch: Epoch,
        /// The leader's last zxid at `lead()`.
        leader_zxid: Zxid,
    },
    /// Leader: a packet a handler must not receive in its stage; it is dropped.
    UnexpectedFromLearner {
        /// ZooKeeper's packet type.
        packet: &'static str,
        /// The learner.
        learner: ServerId,
        /// Where the handler was.
        stage: HandlerStage,
    },
    /// Leader: a learner has not ACKed a proposal within `syncLimit*tick`; its handler
    /// is dropped.
    AckOverdue {
        /// The learner.
        learner: ServerId,
        /// The oldest unacknowledged proposal.
        zxid: Zxid,
    },
    /// Leader: an ACK for a proposal it does not have.
    AckUnknownProposal {
        /// The ACK's zxid.
        zxid: Zxid,
        /// The sender.
        from: ServerId,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::ConnectTimedOut { leader } => {
                write!(f, "connecting to leader {leader} timed out")
            }
            Warning::SyncCommitUnmatched { zxid } => {
                write!(f, "COMMIT {zxid} does not match the first pending txn")
            }
            Warning::SyncTxnNotPending { zxid } => {
                write!(f, "committed sync txn {zxid} is not the first pending txn")
            }
            Warning::ProposalGap { got, expected } => write!(f, "got zxid {got} expected {expected}"),
            Warning::IgnoredInBroadcast { packet } => {
                write!(f, "ignored {packet} from the leader in BROADCAST")
            }
            Warning::CommitWithoutPending { zxid } => {
                write!(f, "COMMIT {zxid} with no pending txn: ignored")
            }
            Warning::NewLeaderAckZxid {
                from,
                zxid,
                expected,
            } => write!(
                f,
                "NEWLEADER-ACK from {from} has zxid {zxid}, expected {expected}: not counted (T3, ZK-4685)"
            ),
            Warning::LearnerClosed { learner } => write!(f, "connection to learner {learner} closed"),
            Warning::HandlerReadTimeout {
                learner,
                sync_limit,
                timeout_ms,
                stage,
            } => {
                let limit = if *sync_limit { "syncLimit" } else { "initLimit" };
                let stage = stage.name();
                write!(
                    f,
                    "read timeout: nothing from learner {learner} for {limit}*tick ({timeout_ms} ms) while {stage}"
                )
            }
            Warning::LearnerAhead {
                learner,
                current_epoch,
                last_zxid,
                leader_epoch,
                leader_zxid,
            } => write!(
                f,
                "learner {learner} is ahead of the leader: ({current_epoch}, {last_zxid}) > ({leader_epoch}, {leader_zxid})"
            ),
            Warning::UnexpectedFromLearner {
                packet,
                learner,
                stage,
            } => write!(
                f,
                "unexpected {packet} from learner {learner} while {}",
                stage.name()
            ),
            Warning::AckOverdue { learner, zxid } => write!(
                f,
                "learner {learner} has not ACKed {zxid} within syncLimit*tick"
            ),
            Warning::AckUnknownProposal { zxid, from } => {
                write!(f, "ACK {zxid} from {from} for a proposal I do not have")
            }
        }
    }
}

/// Which of the leader's `initLimit*T` waits ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaderWait {
    /// `getEpochToPropose`: a quorum of FOLLOWERINFO.
    Epoch,
    /// `waitForEpochAck`: a quorum of ACKEPOCH.
    EpochAck,
    /// `waitForNewLeaderAck`: a quorum of NEWLEADER-ACKs.
    NewLeaderAck,
}

/// Why a leader shuts down (`Leader.shutdown`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeaderShutdown {
    /// One of its `initLimit*T` waits ran out.
    WaitTimedOut(LeaderWait),
    /// The next zxid would roll the counter over (ZOOKEEPER-1277).
    ZxidRollover,
    /// The quorum check found too few synced followers.
    NotSynced {
        /// The sids that are synced (the leader included).
        synced: Vec<ServerId>,
    },
}

impl fmt::Display for LeaderShutdown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeaderShutdown::WaitTimedOut(wait) => {
                let what = match wait {
                    LeaderWait::Epoch => "a quorum of FOLLOWERINFO (getEpochToPropose)",
                    LeaderWait::EpochAck => "a quorum of ACKEPOCH (waitForEpochAck)",
                    LeaderWait::NewLeaderAck => "a quorum of NEWLEADER-ACKs (waitForNewLeaderAck)",
                };
                write!(f, "timed out after initLimit*tick waiting for {what}")
            }
            LeaderShutdown::ZxidRollover => {
                f.write_str("zxid counter would roll over: forcing a new election")
            }
            LeaderShutdown::NotSynced { synced } => {
                let ids: Vec<String> = synced.iter().map(|s| s.to_string()).collect();
                write!(
                    f,
                    "not sufficient followers synced, only synced with sids: [{}]",
                    ids.join(", ")
                )
            }
        }
    }
}

/// Why a server leaves LEADING / FOLLOWING / OBSERVING
/// ([`super::ServerEvent::LeftRole`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoleExit {
    /// Learner: its connection attempts failed (5 tries, or the `initLimit*tick` budget
    /// of all tries together spent).
    ConnectFailed {
        /// The leader.
        leader: ServerId,
    },
    /// Learner: the connection to the leader closed.
    LeaderClosed {
        /// The leader.
        leader: ServerId,
    },
    /// Learner: nothing from the leader within its read timeout.
    LeaderReadTimeout {
        /// The leader.
        leader: ServerId,
    },
    /// Learner: a packet it must not receive in its stage.
    UnexpectedFromLeader {
        /// ZooKeeper's packet type.
        packet: &'static str,
        /// Where the learner was.
        stage: LearnerStage,
    },
    /// Learner: LEADERINFO proposed an epoch below its acceptedEpoch.
    EpochOlderThanAccepted {
        /// The epoch proposed.
        proposed: Epoch,
        /// The learner's acceptedEpoch.
        accepted: Epoch,
    },
    /// Learner: a TRUNC finds no snapshot at or below the truncation point to
    /// rebuild from; the disk is marked for a full sync (needsFullSync).
    CannotTruncate {
        /// The TRUNC's zxid.
        zxid: Zxid,
    },
    /// Learner: a same-epoch gap in the sync stream's PROPOSALs (ZK-4925 check).
    SyncStreamGap {
        /// The PROPOSAL's zxid.
        zxid: Zxid,
        /// The last queued zxid.
        last: Zxid,
    },
    /// Leader: `Leader.shutdown`.
    LeaderShutdown(LeaderShutdown),
}

impl fmt::Display for RoleExit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RoleExit::ConnectFailed { leader } => {
                write!(
                    f,
                    "could not connect to leader {leader} (5 tries or initLimit*tick spent)"
                )
            }
            RoleExit::LeaderClosed { leader } => write!(f, "connection to leader {leader} closed"),
            RoleExit::LeaderReadTimeout { leader } => {
                write!(f, "read timeout: nothing from leader {leader}")
            }
            RoleExit::UnexpectedFromLeader { packet, stage } => {
                write!(f, "unexpected {packet} from the leader while {}", stage.name())
            }
            RoleExit::EpochOlderThanAccepted { proposed, accepted } => write!(
                f,
                "leader proposed epoch {proposed}, older than my acceptedEpoch {accepted}"
            ),
            RoleExit::CannotTruncate { zxid } => write!(
                f,
                "cannot truncate the log to {zxid}: no snapshot at or below it; the next sync will replace the whole history (needsFullSync)"
            ),
            RoleExit::SyncStreamGap { zxid, last } => write!(
                f,
                "PROPOSAL {zxid} does not follow {last}: a gap in the sync stream"
            ),
            RoleExit::LeaderShutdown(why) => write!(f, "leader shutdown: {why}"),
        }
    }
}

/// Why a server's process exits on a protocol error ([`super::Effect::Halt`];
/// ZooKeeper's `System.exit`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HaltReason {
    /// `FollowerZooKeeperServer.commit`: the COMMIT is not for the first pending txn
    /// (`UNMATCHED_TXN_COMMIT`).
    UnmatchedCommit {
        /// The COMMIT's zxid.
        received: Zxid,
        /// The first pending txn's zxid.
        expected: Zxid,
    },
}

impl fmt::Display for HaltReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HaltReason::UnmatchedCommit { received, expected } => write!(
                f,
                "COMMIT {received} does not match the first pending txn {expected}: exit (UNMATCHED_TXN_COMMIT)"
            ),
        }
    }
}

/// Why a restart refuses to start: `FileTxnSnapLog.restore` and the startup epoch
/// checks of `QuorumPeer.loadDataBase` (spec §11), returned by
/// [`super::Server::recover`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartRefusal {
    /// The disk holds log entries but no snapshot: ZooKeeper refuses, since the data
    /// before the log's first entry may be missing (apache/zookeeper branch-3.8,
    /// FileTxnSnapLog.java L283-290; `zookeeper.snapshot.trust.empty`, off by default,
    /// is not modelled). Every server writes `snapshot.0` the first time it starts,
    /// so only lost snapshot files lead here.
    LogWithoutSnapshot {
        /// The first logged txn.
        first_logged: Zxid,
        /// The last logged txn.
        last_logged: Zxid,
    },
    /// The disk holds a txn of a newer epoch than currentEpoch, and no updatingEpoch
    /// marker covers it (the ZOOKEEPER-1653 window).
    CurrentEpochBehind {
        /// The currentEpoch file.
        current: Epoch,
        /// The last zxid recovered.
        last_zxid: Zxid,
    },
    /// acceptedEpoch is below currentEpoch.
    AcceptedBehindCurrent {
        /// The acceptedEpoch file.
        accepted: Epoch,
        /// The currentEpoch file.
        current: Epoch,
    },
}

impl fmt::Display for StartRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartRefusal::LogWithoutSnapshot {
                first_logged,
                last_logged,
            } => write!(
                f,
                "No snapshot found, but there are log entries ({first_logged} to {last_logged}). Something is broken! (FileTxnSnapLog.restore)"
            ),
            StartRefusal::CurrentEpochBehind { current, last_zxid } => write!(
                f,
                "The current epoch, {current}, is older than the last zxid, {last_zxid} (QuorumPeer.loadDataBase)"
            ),
            StartRefusal::AcceptedBehindCurrent { accepted, current } => write!(
                f,
                "The accepted epoch, {accepted}, is less than the current epoch, {current} (QuorumPeer.loadDataBase)"
            ),
        }
    }
}

/// Why a client write failed ([`super::WriteResult::Failed`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteFailure {
    /// The server is not in BROADCAST.
    NotServing {
        /// The server.
        server: ServerId,
        /// Its state.
        state: ServerState,
        /// Its phase.
        phase: Phase,
    },
    /// The server left its role before the write committed.
    LostLeader {
        /// The server.
        server: ServerId,
    },
    /// The server crashed before the write committed.
    Crashed {
        /// The server.
        server: ServerId,
    },
    /// The server is down.
    Down {
        /// The server.
        server: ServerId,
    },
    /// A new leader established its epoch without the write: it never commits (ZAB:
    /// what the new leader's initial history lacks is truncated everywhere).
    Discarded {
        /// The new leader.
        leader: ServerId,
        /// Its epoch.
        epoch: crate::ids::Epoch,
    },
}

impl fmt::Display for WriteFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteFailure::NotServing {
                server,
                state,
                phase,
            } => write!(
                f,
                "server {server} is not serving ({} / {})",
                state.name(),
                phase.name()
            ),
            WriteFailure::LostLeader { server } => {
                write!(f, "server {server} lost its leader before the commit")
            }
            WriteFailure::Crashed { server } => write!(f, "server {server} crashed"),
            WriteFailure::Down { server } => write!(f, "server {server} is down"),
            WriteFailure::Discarded { leader, epoch } => write!(
                f,
                "leader {leader} established epoch {epoch} without it, so it never commits"
            ),
        }
    }
}

/// Why a server (re)sends its FLE proposal ([`super::ServerEvent::Vote`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteReason {
    /// It starts a new round with its own vote.
    NewRound,
    /// A peer is in a newer round: it joins it.
    NewerRound {
        /// The peer.
        from: ServerId,
        /// The peer's round.
        round: u64,
    },
    /// A peer's vote beats its proposal: it adopts that vote.
    Beaten {
        /// The peer.
        from: ServerId,
        /// The peer's vote.
        vote: Vote,
    },
    /// No notification within the poll timeout: it re-sends.
    PollTimeout,
}

impl fmt::Display for VoteReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VoteReason::NewRound => f.write_str("new round"),
            VoteReason::NewerRound { from, round } => {
                write!(f, "server {from} is in a newer round ({round})")
            }
            VoteReason::Beaten { from, vote } => write!(
                f,
                "server {from}'s vote {} beats mine (peerEpoch, then zxid, then sid)",
                vote.label()
            ),
            VoteReason::PollTimeout => f.write_str("no notification within the poll timeout"),
        }
    }
}

/// How the leader queued a learner's sync stream from a committed log
/// (`LearnerHandler.queueCommittedProposals`, spec §8.1): the packet that opens it and
/// how many txns (a PROPOSAL and a COMMIT each) follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Queued {
    /// The learner's last zxid is a txn the leader has: DIFF, then the txns after it.
    Diff {
        /// Txns sent after the DIFF (0: the learner already has them all).
        txns: u32,
    },
    /// The learner's last zxid is a new epoch's base (counter 0, `isPeerNewEpochZxid`):
    /// DIFF, then every txn from there.
    NewEpochDiff {
        /// Txns sent after the DIFF.
        txns: u32,
    },
    /// Bug mode ZK-1154: DIFF although the leader never had the learner's last txn,
    /// which the learner then keeps.
    UnmatchedDiff {
        /// Txns sent after the DIFF.
        txns: u32,
    },
    /// The learner's last txn is one the leader never had, in the same epoch as the
    /// leader's next one: TRUNC to the leader's txn before it, then the txns after.
    Trunc {
        /// The TRUNC's zxid: the leader's last txn before the learner's last zxid.
        to: Zxid,
        /// Txns sent after the TRUNC.
        txns: u32,
    },
}

impl Queued {
    /// DIFF or TRUNC: what the stream opens with.
    pub fn mode(self) -> SyncMode {
        match self {
            Queued::Trunc { .. } => SyncMode::Trunc,
            Queued::Diff { .. } | Queued::NewEpochDiff { .. } | Queued::UnmatchedDiff { .. } => {
                SyncMode::Diff
            }
        }
    }

    /// How many txns follow the opening packet.
    pub fn txns(self) -> u32 {
        match self {
            Queued::Diff { txns }
            | Queued::NewEpochDiff { txns }
            | Queued::UnmatchedDiff { txns }
            | Queued::Trunc { txns, .. } => txns,
        }
    }
}

/// The leader's sync plan for a learner whose last zxid is `peer`: which branch of
/// `LearnerHandler.syncFollower` (spec §8.1) it took, with the zxids that branch
/// compared (the learner's last zxid, the committed log `[min, max]` kept in memory,
/// the txn log on disk) and, where it queued from a log, what it queued
/// ([`super::ServerEvent::SyncChosen`]). [`SyncReason::mode`] is the mode it chose.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SyncReason {
    /// The learner's last zxid equals the leader's `lastProcessedZxid` (its
    /// `lastProposed` with bug mode ZK-1319): an empty DIFF.
    InSync {
        /// The learner's last zxid.
        peer: Zxid,
    },
    /// The learner is ahead of the leader's last committed txn: TRUNC to it.
    Ahead {
        /// The learner's last zxid.
        peer: Zxid,
        /// `maxCommittedLog`, the TRUNC's zxid.
        max: Zxid,
    },
    /// The learner's last zxid lies within the committed log: queued from it.
    WithinLog {
        /// The learner's last zxid.
        peer: Zxid,
        /// `minCommittedLog`.
        min: Zxid,
        /// `maxCommittedLog`.
        max: Zxid,
        /// What was queued.
        queued: Queued,
    },
    /// Older than the committed log, but the txn log on disk reaches back to it and
    /// what follows it there is small enough: queued from the log on disk, then the
    /// committed log.
    DiffFromDisk {
        /// The learner's last zxid.
        peer: Zxid,
        /// `minCommittedLog`.
        min: Zxid,
        /// `maxCommittedLog`.
        max: Zxid,
        /// The first txn of the log on disk (at or below `peer`).
        log_first: Zxid,
        /// Bytes of log after `peer`.
        size: u64,
        /// The size limit (`factor` x the snapshot's size).
        limit: f64,
        /// `snapshotSizeFactor`.
        factor: f64,
        /// What was queued.
        queued: Queued,
    },
    /// Older than the committed log, and the log after it is too big: SNAP.
    LogTooBig {
        /// The learner's last zxid.
        peer: Zxid,
        /// `minCommittedLog`.
        min: Zxid,
        /// `maxCommittedLog`.
        max: Zxid,
        /// The first txn of the log on disk (at or below `peer`).
        log_first: Zxid,
        /// Bytes of log after `peer`.
        size: u64,
        /// The size limit (`factor` x the snapshot's size).
        limit: f64,
        /// `snapshotSizeFactor`.
        factor: f64,
    },
    /// Older than the committed log, and the log no longer reaches back to it: SNAP.
    LogGone {
        /// The learner's last zxid.
        peer: Zxid,
        /// `minCommittedLog`.
        min: Zxid,
        /// `maxCommittedLog`.
        max: Zxid,
        /// The first txn of the log on disk (newer than `peer`); `None`: the log is
        /// empty.
        log_first: Option<Zxid>,
    },
    /// Older than the committed log, and syncing from the txn log on disk is off
    /// (`snapshotSizeFactor` < 0): SNAP.
    Older {
        /// The learner's last zxid.
        peer: Zxid,
        /// `minCommittedLog`.
        min: Zxid,
        /// `maxCommittedLog`.
        max: Zxid,
    },
    /// Newer than the committed log, but a new epoch's base zxid (counter 0), which
    /// the TRUNC branch excludes: no branch applies, so SNAP.
    NewEpochAhead {
        /// The learner's last zxid.
        peer: Zxid,
        /// `maxCommittedLog`.
        max: Zxid,
    },
    /// Queueing from a log met a txn of the leader after the learner's last zxid in
    /// another epoch (the learner holds txns the leader never had, and a TRUNC cannot
    /// cross an epoch), or found nothing to open the stream with: SNAP ("Unhandled
    /// scenario ... fall back to use snapshot").
    CrossEpoch {
        /// The learner's last zxid.
        peer: Zxid,
        /// `minCommittedLog`.
        min: Zxid,
        /// `maxCommittedLog`.
        max: Zxid,
        /// Whether it was queueing from the log on disk (the learner is older than
        /// the committed log) rather than from the committed log.
        from_disk: bool,
        /// The leader's first txn after `peer`, of another epoch (`None`: none).
        leader_next: Option<Zxid>,
    },
}

impl SyncReason {
    /// The mode this branch chose: DIFF, TRUNC or SNAP.
    pub fn mode(&self) -> SyncMode {
        match self {
            SyncReason::InSync { .. } => SyncMode::Diff,
            SyncReason::Ahead { .. } => SyncMode::Trunc,
            SyncReason::WithinLog { queued, .. } | SyncReason::DiffFromDisk { queued, .. } => {
                queued.mode()
            }
            SyncReason::LogTooBig { .. }
            | SyncReason::LogGone { .. }
            | SyncReason::Older { .. }
            | SyncReason::NewEpochAhead { .. }
            | SyncReason::CrossEpoch { .. } => SyncMode::Snap,
        }
    }

    /// The learner's last zxid (from its ACKEPOCH).
    pub fn peer(&self) -> Zxid {
        match *self {
            SyncReason::InSync { peer }
            | SyncReason::Ahead { peer, .. }
            | SyncReason::WithinLog { peer, .. }
            | SyncReason::DiffFromDisk { peer, .. }
            | SyncReason::LogTooBig { peer, .. }
            | SyncReason::LogGone { peer, .. }
            | SyncReason::Older { peer, .. }
            | SyncReason::NewEpochAhead { peer, .. }
            | SyncReason::CrossEpoch { peer, .. } => peer,
        }
    }
}

impl fmt::Display for SyncReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyncReason::InSync { peer } => {
                write!(f, "the learner's last zxid {peer} equals mine: already in sync")
            }
            SyncReason::Ahead { peer, max } => write!(
                f,
                "the learner's last zxid {peer} is ahead of my last committed {max}: truncate it"
            ),
            SyncReason::WithinLog { peer, min, max, .. } => write!(
                f,
                "{peer} lies within my committed log [{min}, {max}]: send the txns after it"
            ),
            SyncReason::DiffFromDisk {
                peer,
                min,
                max,
                size,
                limit,
                factor,
                ..
            } => write!(
                f,
                "{peer} is older than my committed log [{min}, {max}]; my txn log reaches back to it and holds {size} bytes < {limit:.0} ({factor} x snapshot): DIFF from the log on disk"
            ),
            SyncReason::LogTooBig {
                peer,
                min,
                max,
                size,
                limit,
                factor,
                ..
            } => write!(
                f,
                "{peer} is older than my committed log [{min}, {max}] and my txn log after it ({size} bytes) is not smaller than {limit:.0} ({factor} x snapshot)"
            ),
            SyncReason::LogGone { peer, min, max, .. } => write!(
                f,
                "{peer} is older than my committed log [{min}, {max}] and my txn log no longer reaches back to it"
            ),
            SyncReason::Older { peer, min, max } => {
                write!(f, "{peer} is older than my committed log [{min}, {max}]")
            }
            SyncReason::NewEpochAhead { peer, max } => write!(
                f,
                "{peer} is a new epoch's first zxid, past my last committed {max}: no TRUNC to it, fall back to SNAP"
            ),
            SyncReason::CrossEpoch { peer, .. } => write!(
                f,
                "{peer} holds txns I never had, in an epoch I cannot TRUNC across: fall back to SNAP"
            ),
        }
    }
}

serialize_as_text!(
    Warning,
    LeaderShutdown,
    RoleExit,
    HaltReason,
    StartRefusal,
    WriteFailure,
    VoteReason,
    SyncReason
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::ServerEvent;

    /// A typed reason serialises as its sentence, so the trace keeps its strings.
    #[test]
    fn reasons_serialise_as_their_text() {
        let w = ServerEvent::Warning {
            warning: Warning::CommitWithoutPending {
                zxid: Zxid(0x1_0000_0003),
            },
        };
        assert_eq!(
            serde_json::to_string(&w).unwrap(),
            r#"{"kind":"warning","text":"COMMIT 0x100000003 with no pending txn: ignored"}"#
        );
        let r = ServerEvent::LeftRole {
            reason: RoleExit::LeaderShutdown(LeaderShutdown::NotSynced {
                synced: vec![ServerId(1), ServerId(3)],
            }),
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"kind":"left_role","reason":"leader shutdown: not sufficient followers synced, only synced with sids: [1, 3]"}"#
        );
        let f = super::super::WriteResult::Failed {
            reason: WriteFailure::NotServing {
                server: ServerId(2),
                state: ServerState::Looking,
                phase: Phase::Election,
            },
        };
        assert_eq!(
            serde_json::to_string(&f).unwrap(),
            r#"{"status":"failed","reason":"server 2 is not serving (LOOKING / ELECTION)"}"#
        );
    }
}
