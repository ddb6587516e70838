//! One ZooKeeper server as a sans-IO state machine (spec §4-§11).
//!
//! [`Server::handle`] takes the simulated time and one [`Input`] and returns
//! [`Effect`]s as data; the simulator interprets them. Nothing here reads a clock,
//! draws randomness (the simulator passes a random `roll` in [`Ctx`]) or does I/O.
//!
//! The threads of a real server (QuorumPeer, LearnerHandlers, SyncRequestProcessor,
//! CommitProcessor) become the role modules below: `election` (FLE), `leader`
//! (Leader + LearnerHandler), `learner` (Follower / Observer), and the Sync thread
//! here, whose fsync completions come back as [`Input::FsyncDone`].

mod election;
mod leader;
mod learner;
mod reasons;

pub use election::{compare_votes, Fle, VoteComparison, VoteDecider};
pub use leader::{
    CommitBlocker, CommitCheck, Handler, HandlerStage, LeaderStage, LeaderState, Proposal,
};
pub use learner::{LearnerStage, LearnerState};
pub(crate) use reasons::serialize_as_text;
pub use reasons::{
    HaltReason, LeaderShutdown, LeaderWait, Queued, RoleExit, StartRefusal, SyncReason, VoteReason,
    Warning, WriteFailure,
};

use crate::config::{Bug, Config};
use crate::ids::{Epoch, ServerId, Time, Zxid};
use crate::packet::{Notification, QuorumPacket, ServerState, Vote};
use crate::storage::Disk;
use crate::txn::{ClientTag, DataTree, Op, ReqId, Txn};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// A learner/leader connection, allocated by the simulator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ConnId(pub u64);

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

/// A named timer of one server. Setting a timer replaces the pending one of the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Timer {
    /// FLE: no notification within the poll timeout (doubles up to the max interval).
    FleTimeout,
    /// FLE: `finalizeWait` after a quorum agreed.
    FinalizeWait,
    /// Leader: the T/2 ping and quorum-check loop.
    LeaderTick,
    /// Leader: one of its three `initLimit*T` waits (epoch, ACKEPOCH, NEWLEADER-ACK quorums).
    LeaderWait,
    /// Learner: socket read timeout (`initLimit*T` until NEWLEADER, `syncLimit*T` after).
    LearnerRead,
    /// Leader: one LearnerHandler's socket read timeout (`initLimit*T` until its
    /// NEWLEADER-ACK quorum, `syncLimit*T` after).
    HandlerRead {
        /// The handler's connection.
        conn: ConnId,
    },
    /// Learner: retry connecting to the leader (100 ms apart, at most 5 tries).
    ConnectRetry,
}

/// One input to a server.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// The process starts (fresh or after recovery): it goes LOOKING.
    Boot,
    /// An FLE notification arrived on the election mesh.
    Notification {
        /// Sender.
        from: ServerId,
        /// The notification.
        n: Notification,
    },
    /// Learner: the connection to the leader is up.
    Connected {
        /// The connection.
        conn: ConnId,
    },
    /// Learner: the connection attempt failed.
    ConnectFailed,
    /// Leader: a learner connected.
    Accepted {
        /// The connection.
        conn: ConnId,
        /// The learner.
        learner: ServerId,
    },
    /// A packet arrived on a connection.
    Packet {
        /// The connection.
        conn: ConnId,
        /// The packet.
        packet: QuorumPacket,
    },
    /// A connection broke (the peer closed it, or a read failed).
    Closed {
        /// The connection.
        conn: ConnId,
    },
    /// A timer fired.
    Timer(Timer),
    /// The log fsync requested by [`Effect::Fsync`] completed.
    FsyncDone {
        /// Entries up to this zxid are durable.
        upto: Zxid,
    },
    /// A client connected to this server submits a write.
    ClientWrite {
        /// Request id.
        req: ReqId,
        /// The write.
        op: Op,
    },
}

/// The outcome of a client write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum WriteResult {
    /// Committed with this zxid.
    Committed {
        /// Its zxid.
        zxid: Zxid,
    },
    /// Not committed: the server was not serving, or lost its leader first.
    Failed {
        /// Why (serialised as its sentence).
        reason: WriteFailure,
    },
}

/// What a server asks the world to do, or reports (returned by [`Server::handle`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Send an FLE notification (best effort, latest wins per peer).
    Notify {
        /// Receiver.
        to: ServerId,
        /// Notification.
        n: Notification,
    },
    /// Learner: open a connection to the leader.
    Connect {
        /// The leader.
        to: ServerId,
    },
    /// Send a packet on a connection (FIFO, reliable while open).
    Send {
        /// Connection.
        conn: ConnId,
        /// Packet.
        packet: QuorumPacket,
    },
    /// Close a connection (the peer notices).
    Close {
        /// Connection.
        conn: ConnId,
    },
    /// Start or restart a timer.
    SetTimer {
        /// Which.
        timer: Timer,
        /// Fires this many ms from now.
        after: Time,
    },
    /// Cancel a timer.
    CancelTimer {
        /// Which.
        timer: Timer,
    },
    /// Flush the log; answer with [`Input::FsyncDone`] once durable.
    Fsync {
        /// The last appended zxid to make durable.
        upto: Zxid,
    },
    /// Answer a client write.
    ClientReply {
        /// Request.
        req: ReqId,
        /// Outcome.
        result: WriteResult,
    },
    /// The server reached an armed crash point: the simulator crashes it now.
    CrashPoint(CrashPoint),
    /// The process exits (ZooKeeper's `System.exit`, e.g. UNMATCHED_TXN_COMMIT).
    Halt {
        /// Why.
        reason: HaltReason,
    },
    /// Something worth showing happened.
    Event(ServerEvent),
}

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
    /// A snapshot was written.
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
    /// The server left LEADING/FOLLOWING/OBSERVING.
    LeftRole {
        /// Why (serialised as its sentence).
        reason: RoleExit,
    },
    /// Restart recovered state from disk.
    Recovered {
        /// Label of the snapshot loaded (0 if none).
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

/// Per-call context: the simulated time and one random draw (for `snapCount` jitter).
#[derive(Clone, Copy, Debug)]
pub struct Ctx {
    /// Simulated time.
    pub now: Time,
    /// A uniformly random number from the simulator's disk stream.
    pub roll: u64,
}

/// The SyncRequestProcessor ("Sync thread"): queues txns, appends them, fsyncs in
/// batches, then ACKs (spec §9.2, §11). One fsync is in flight at a time; txns that
/// arrive meanwhile wait for the next batch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncThread {
    /// Queued, not yet appended: (txn, whether to ACK it once durable).
    pub queue: VecDeque<(Txn, bool)>,
    /// Appended, fsync in flight: (zxid, ack?, role generation that asked).
    pub flushing: Vec<(Zxid, bool, u64)>,
    /// Whether an fsync is in flight.
    pub in_flight: bool,
    /// Txns logged since the last snapshot.
    pub since_snapshot: u64,
    /// `snapCount/2 + randRoll`: snapshot once `since_snapshot` passes this.
    pub snap_threshold: u64,
}

/// One server: durable state, volatile state and the current role.
#[derive(Clone, Debug)]
pub struct Server {
    /// `myid`.
    pub id: ServerId,
    /// Cluster configuration.
    pub cfg: Config,
    /// Durable state.
    pub disk: Disk,
    /// In-memory database.
    pub tree: DataTree,
    /// Committed txns kept for DIFF (`committedLog`, at most `commit_log_count`).
    pub committed_log: VecDeque<Txn>,
    /// Election role.
    pub state: ServerState,
    /// ZAB phase.
    pub phase: Phase,
    /// Learner sync mode.
    pub sync_mode: SyncMode,
    /// The vote this server last decided on (`currentVote`).
    pub current_vote: Vote,
    /// Fast Leader Election state.
    pub fle: Fle,
    /// Leader state while LEADING.
    pub leader: Option<Box<LeaderState>>,
    /// Learner state while FOLLOWING or OBSERVING.
    pub learner: Option<Box<LearnerState>>,
    /// The Sync thread.
    pub sync: SyncThread,
    /// Client writes submitted here and not yet answered.
    pub pending_writes: BTreeMap<ReqId, Op>,
    /// Crash points armed by the scenario.
    pub armed: BTreeSet<CrashPoint>,
    /// Bumped whenever the server leaves a role; stale work of an old role is dropped.
    pub role_gen: u64,
    /// Set once a crash point or exit was hit: the server ignores further input.
    pub halted: bool,
    now: Time,
    roll: u64,
    out: Vec<Effect>,
}

impl Server {
    /// Recovers a server from its disk (spec §11): newest snapshot, then every log
    /// entry after it (uncommitted ones too), then the startup epoch checks.
    /// A fresh server is recovered from an empty disk. Returns why startup refuses.
    pub fn recover(
        id: ServerId,
        cfg: Config,
        mut disk: Disk,
    ) -> Result<(Server, ServerEvent), StartRefusal> {
        let tree = Self::load_tree(&disk, None);
        let snapshot = disk.snapshots.last().map_or(Zxid::ZERO, |s| s.zxid);
        let replayed = disk.log.iter().filter(|t| t.zxid > snapshot).count() as u64;
        let last = tree.last_processed;
        let mut current = *disk.current_epoch.get_or_insert(last.epoch());
        if last.epoch() > current && disk.updating_epoch.is_some_and(|e| e >= last.epoch()) {
            // Crashed between the NEWLEADER snapshot or log fsync and the currentEpoch
            // write: the marker says the new epoch's history is complete up to `last`
            // (ZK-1653's fix in 3.4.6; apache/zookeeper PR #1110 for ZOOKEEPER-2354).
            current = last.epoch();
            disk.current_epoch = Some(current);
        }
        disk.updating_epoch = None;
        if last.epoch() > current {
            return Err(StartRefusal::CurrentEpochBehind {
                current,
                last_zxid: last,
            });
        }
        let accepted = *disk.accepted_epoch.get_or_insert(last.epoch());
        if accepted < current {
            return Err(StartRefusal::AcceptedBehindCurrent { accepted, current });
        }
        let committed_log = Self::committed_tail(&tree, cfg.storage.commit_log_count);
        let vote = Vote {
            leader: id,
            zxid: last,
            election_epoch: 0,
            peer_epoch: current,
        };
        let event = ServerEvent::Recovered {
            snapshot,
            replayed,
            last_zxid: last,
        };
        let server = Server {
            id,
            cfg,
            disk,
            tree,
            committed_log,
            state: ServerState::Looking,
            phase: Phase::Election,
            sync_mode: SyncMode::None,
            current_vote: vote,
            fle: Fle::default(),
            leader: None,
            learner: None,
            sync: SyncThread::default(),
            pending_writes: BTreeMap::new(),
            armed: BTreeSet::new(),
            role_gen: 0,
            halted: false,
            now: 0,
            roll: 0,
            out: Vec::new(),
        };
        Ok((server, event))
    }

    /// Handles one input at simulated time `ctx.now`; returns the effects.
    pub fn handle(&mut self, ctx: Ctx, input: Input) -> Vec<Effect> {
        if self.halted {
            return Vec::new();
        }
        self.now = ctx.now;
        self.roll = ctx.roll;
        match input {
            Input::Boot => {
                self.reset_snap_threshold();
                self.start_looking();
            }
            Input::Notification { from, n } => self.on_notification(from, n),
            Input::Timer(t) => self.on_timer(t),
            Input::FsyncDone { upto } => self.on_fsync_done(upto),
            Input::ClientWrite { req, op } => self.on_client_write(req, op),
            Input::Accepted { conn, learner } => {
                self.with_leader(|s, l| s.leader_accept(l, conn, learner))
            }
            Input::Connected { conn } => self.with_learner(|s, l| s.learner_connected(l, conn)),
            Input::ConnectFailed => self.with_learner(|s, l| s.learner_connect_failed(l)),
            Input::Packet { conn, packet } => {
                if self.leader.is_some() {
                    self.with_leader(|s, l| s.leader_packet(l, conn, packet));
                } else if self.learner.is_some() {
                    self.with_learner(|s, l| s.learner_packet(l, conn, packet));
                }
            }
            Input::Closed { conn } => {
                if self.leader.is_some() {
                    self.with_leader(|s, l| s.leader_closed(l, conn));
                } else if self.learner.is_some() {
                    self.with_learner(|s, l| s.learner_closed(l, conn));
                }
            }
        }
        std::mem::take(&mut self.out)
    }

    /// Gives back a buffer [`Server::handle`] returned, once its effects are carried
    /// out, so that the next call reuses its allocation.
    pub fn recycle(&mut self, mut buf: Vec<Effect>) {
        if self.out.capacity() == 0 {
            buf.clear();
            self.out = buf;
        }
    }

    fn on_timer(&mut self, t: Timer) {
        match t {
            Timer::FleTimeout => self.fle_timeout(),
            Timer::FinalizeWait => self.fle_finalize(),
            Timer::LeaderTick => self.with_leader(|s, l| s.leader_tick(l)),
            Timer::LeaderWait => self.with_leader(|s, l| s.leader_wait_timeout(l)),
            Timer::LearnerRead => self.with_learner(|s, l| s.learner_read_timeout(l)),
            Timer::HandlerRead { conn } => self.with_leader(|s, l| s.handler_read_timeout(l, conn)),
            Timer::ConnectRetry => self.with_learner(|s, l| s.learner_connect(l)),
        }
    }

    /// Runs `f` on the leader state; keeps it only if the server did not leave the role.
    fn with_leader(&mut self, f: impl FnOnce(&mut Self, &mut LeaderState)) {
        let Some(mut l) = self.leader.take() else {
            return;
        };
        let gen = self.role_gen;
        f(self, &mut l);
        if self.role_gen == gen && !self.halted {
            self.leader = Some(l);
        } else if !self.halted {
            self.close_role_connections(Some(l), None);
        }
    }

    /// Runs `f` on the learner state; keeps it only if the server did not leave the role.
    fn with_learner(&mut self, f: impl FnOnce(&mut Self, &mut LearnerState)) {
        let Some(mut l) = self.learner.take() else {
            return;
        };
        let gen = self.role_gen;
        f(self, &mut l);
        if self.role_gen == gen && !self.halted {
            self.learner = Some(l);
        } else if !self.halted {
            self.close_role_connections(None, Some(l));
        }
    }

    // ---- small helpers shared by the roles ----

    pub(crate) fn emit(&mut self, e: Effect) {
        self.out.push(e);
    }

    pub(crate) fn event(&mut self, e: ServerEvent) {
        self.out.push(Effect::Event(e));
    }

    pub(crate) fn warn(&mut self, warning: Warning) {
        self.event(ServerEvent::Warning { warning });
    }

    pub(crate) fn set_timer(&mut self, timer: Timer, after: Time) {
        self.out.push(Effect::SetTimer { timer, after });
    }

    pub(crate) fn cancel_timer(&mut self, timer: Timer) {
        self.out.push(Effect::CancelTimer { timer });
    }

    pub(crate) fn bug(&self, bug: Bug) -> bool {
        self.cfg.bug(bug)
    }

    pub(crate) fn now(&self) -> Time {
        self.now
    }

    /// Whether this server votes (observers do not).
    pub fn is_voter(&self) -> bool {
        self.cfg.is_voter(self.id)
    }

    /// `acceptedEpoch` (0 before the file exists).
    pub fn accepted_epoch(&self) -> Epoch {
        self.disk.accepted_epoch.unwrap_or_default()
    }

    /// `currentEpoch` (0 before the file exists).
    pub fn current_epoch(&self) -> Epoch {
        self.disk.current_epoch.unwrap_or_default()
    }

    /// `getLastLoggedZxid`: the in-memory database's lastProcessedZxid, which after a
    /// role exit's fast-forward is the last logged txn (spec §6.1).
    pub fn last_logged_zxid(&self) -> Zxid {
        self.tree.last_processed
    }

    /// Whether the server answers client requests (reads and writes): it is in BROADCAST.
    pub fn is_serving(&self) -> bool {
        self.phase == Phase::Broadcast
    }

    /// The crash point is armed: report it and stop. Callers return at once when true.
    pub(crate) fn hit(&mut self, point: CrashPoint) -> bool {
        if self.armed.remove(&point) {
            self.out.push(Effect::CrashPoint(point));
            self.halted = true;
            true
        } else {
            false
        }
    }

    pub(crate) fn set_state(&mut self, state: ServerState, phase: Phase) {
        if self.state != state || self.phase != phase {
            self.state = state;
            self.phase = phase;
            self.event(ServerEvent::StateChange { state, phase });
        }
    }

    pub(crate) fn set_phase(&mut self, phase: Phase) {
        self.set_state(self.state, phase);
    }

    /// Creates the `updatingEpoch` marker (removed by the next currentEpoch write).
    pub(crate) fn write_updating_epoch(&mut self, epoch: Epoch) {
        self.disk.updating_epoch = Some(epoch);
        self.event(ServerEvent::EpochWrite {
            file: EpochFile::Updating,
            epoch,
        });
    }

    pub(crate) fn write_accepted_epoch(&mut self, epoch: Epoch) {
        self.disk.accepted_epoch = Some(epoch);
        self.event(ServerEvent::EpochWrite {
            file: EpochFile::Accepted,
            epoch,
        });
    }

    pub(crate) fn write_current_epoch(&mut self, epoch: Epoch) {
        self.disk.current_epoch = Some(epoch);
        self.disk.updating_epoch = None;
        self.event(ServerEvent::EpochWrite {
            file: EpochFile::Current,
            epoch,
        });
    }

    /// Applies a committed txn (`ZooKeeperServer.processTxn`): data tree, committedLog,
    /// and the client's answer if the client is connected here.
    pub(crate) fn apply_committed(&mut self, txn: &Txn) {
        self.tree.apply(txn);
        self.committed_log.push_back(txn.clone());
        while self.committed_log.len() as u64 > self.cfg.storage.commit_log_count {
            self.committed_log.pop_front();
        }
        self.event(ServerEvent::Commit { zxid: txn.zxid });
        if let Some(ClientTag { server, req }) = txn.origin {
            if server == self.id && self.pending_writes.remove(&req).is_some() {
                self.emit(Effect::ClientReply {
                    req,
                    result: WriteResult::Committed { zxid: txn.zxid },
                });
            }
        }
    }

    /// Takes a snapshot of the data tree and purges what retention allows.
    pub(crate) fn take_snapshot(&mut self) {
        let retain = self.cfg.storage.snap_retain_count as usize;
        self.disk.save_snapshot(&self.tree, retain);
        self.sync.since_snapshot = 0;
        self.reset_snap_threshold();
        self.event(ServerEvent::Snapshot {
            zxid: self.tree.last_processed,
        });
    }

    fn reset_snap_threshold(&mut self) {
        let half = (self.cfg.storage.snap_count / 2).max(1);
        self.sync.snap_threshold = half + self.roll % half;
    }

    /// The data tree the disk holds: the newest snapshot (at or below `upto`, if
    /// given) plus every later log entry (up to `upto`).
    pub(crate) fn load_tree(disk: &Disk, upto: Option<Zxid>) -> DataTree {
        let snap = match upto {
            Some(z) => disk.snapshot_at_or_below(z),
            None => disk.snapshots.last(),
        };
        let mut tree = snap.map(|s| s.tree.clone()).unwrap_or_default();
        // Rebuilding the state as of `upto`: replay from the snapshot's last txn (its
        // label may be a later epoch's base zxid).
        let base = match (upto, snap) {
            (Some(_), Some(s)) => s.content_upto(),
            _ => tree.last_processed,
        };
        for t in &disk.log {
            if t.zxid > base && upto.is_none_or(|u| t.zxid <= u) {
                tree.apply(t);
            }
        }
        tree
    }

    fn committed_tail(tree: &DataTree, count: u64) -> VecDeque<Txn> {
        let all = tree.applied.to_vec();
        let skip = all.len().saturating_sub(count as usize);
        all.into_iter().skip(skip).collect()
    }

    /// Reloads the in-memory database from disk (full shutdown, TRUNC).
    pub(crate) fn reload_from_disk(&mut self, upto: Option<Zxid>) {
        self.tree = Self::load_tree(&self.disk, upto);
        self.committed_log = Self::committed_tail(&self.tree, self.cfg.storage.commit_log_count);
    }

    // ---- the Sync thread ----

    /// Hands a txn to the Sync thread: append, fsync (batched), then ACK if `ack`.
    pub(crate) fn log_request(&mut self, txn: Txn, ack: bool) {
        self.sync.queue.push_back((txn, ack));
        if !self.sync.in_flight {
            self.sync_flush();
        }
    }

    fn sync_flush(&mut self) {
        let batch: Vec<(Txn, bool)> = self.sync.queue.drain(..).collect();
        let Some(last) = batch.last().map(|(t, _)| t.zxid) else {
            return;
        };
        for (txn, ack) in batch {
            let zxid = txn.zxid;
            self.disk.append(txn);
            self.event(ServerEvent::Append { zxid });
            self.sync.flushing.push((zxid, ack, self.role_gen));
            self.sync.since_snapshot += 1;
            if self.sync.since_snapshot > self.sync.snap_threshold {
                // SyncRequestProcessor rolls the log and snapshots the in-memory tree.
                self.take_snapshot();
            }
        }
        self.sync.in_flight = true;
        self.emit(Effect::Fsync { upto: last });
    }

    fn on_fsync_done(&mut self, upto: Zxid) {
        self.disk.flush_upto(upto);
        self.event(ServerEvent::Fsync { upto });
        self.sync.in_flight = false;
        if self.hit(CrashPoint::AfterFsync) {
            return;
        }
        let flushed: Vec<(Zxid, bool, u64)> = std::mem::take(&mut self.sync.flushing);
        for (zxid, ack, gen) in flushed {
            if !ack || gen != self.role_gen {
                continue; // the role that asked for this ACK is gone
            }
            if self.leader.is_some() {
                let me = self.id;
                self.with_leader(|s, l| s.process_ack(l, me, zxid));
            } else if self.learner.is_some() {
                self.with_learner(|s, l| s.send_to_leader(l, QuorumPacket::Ack { zxid }));
            }
        }
        if !self.sync.queue.is_empty() {
            self.sync_flush();
        }
    }

    // ---- clients ----

    fn on_client_write(&mut self, req: ReqId, op: Op) {
        let tag = ClientTag {
            server: self.id,
            req,
        };
        if !self.is_serving() {
            let reason = WriteFailure::NotServing {
                server: self.id,
                state: self.state,
                phase: self.phase,
            };
            self.emit(Effect::ClientReply {
                req,
                result: WriteResult::Failed { reason },
            });
            return;
        }
        self.pending_writes.insert(req, op.clone());
        if self.leader.is_some() {
            self.with_leader(|s, l| s.propose(l, op, Some(tag)));
        } else {
            self.with_learner(|s, l| s.send_to_leader(l, QuorumPacket::Request { tag, op }));
        }
    }

    /// Reads a znode from this server's in-memory tree (served locally, possibly stale).
    pub fn read(&self, path: &str) -> Option<&String> {
        self.tree.nodes.get(path)
    }

    // ---- leaving a role (spec §10) ----

    /// Leaves LEADING / FOLLOWING / OBSERVING and goes back to LOOKING.
    pub(crate) fn leave_role(&mut self, reason: RoleExit) {
        self.event(ServerEvent::LeftRole { reason });
        self.role_gen += 1;
        for t in [
            Timer::LeaderTick,
            Timer::LeaderWait,
            Timer::LearnerRead,
            Timer::ConnectRetry,
        ] {
            self.cancel_timer(t);
        }
        // Inside with_leader / with_learner the role's state is out of `self`; those
        // close its connections when `f` returns.
        let (leader, learner) = (self.leader.take(), self.learner.take());
        self.close_role_connections(leader, learner);
        // A SNAP sync (or a full sync after a failed TRUNC) has replaced the in-memory
        // database with a partial image of another history.
        let was_snap_sync = self.phase == Phase::Synchronization
            && (self.sync_mode == SyncMode::Snap || self.disk.full_sync_needed);
        for (req, _) in std::mem::take(&mut self.pending_writes) {
            self.emit(Effect::ClientReply {
                req,
                result: WriteResult::Failed {
                    reason: WriteFailure::LostLeader { server: self.id },
                },
            });
        }
        if !self.bug(Bug::Zk4712) {
            // ZK-4712 fix: the Sync thread is shut down before the database is
            // fast-forwarded. SyncRequestProcessor.shutdown queues its request of death
            // behind the waiting txns, so they are appended and flushed first; no ACK
            // goes out for them (the role that asked is gone). With the bug the thread
            // lives on and appends them after the fast-forward.
            let queued: Vec<Txn> = self.sync.queue.drain(..).map(|(t, _)| t).collect();
            for txn in queued {
                let zxid = txn.zxid;
                self.disk.append(txn);
                self.event(ServerEvent::Append { zxid });
            }
            self.disk.flush_all();
        }
        if was_snap_sync && !self.bug(Bug::Zk3642) {
            // ZK-3642 fix: leaving during a SNAP sync reloads fully from disk.
            self.reload_from_disk(None);
        } else if !self.bug(Bug::Zk2845) {
            // ZK-2845 fix: fast-forward the in-memory database from the log.
            self.fast_forward();
        }
        self.start_looking();
    }

    /// Closes the connections of a role left: Leader.shutdown shuts every
    /// LearnerHandler (its socket and its read), Learner.shutdown closes its own socket
    /// (spec §10), so the other side finds out at once rather than by a read timeout.
    fn close_role_connections(
        &mut self,
        leader: Option<Box<LeaderState>>,
        learner: Option<Box<LearnerState>>,
    ) {
        for conn in leader.iter().flat_map(|l| l.handlers.keys()) {
            self.cancel_timer(Timer::HandlerRead { conn: *conn });
            self.emit(Effect::Close { conn: *conn });
        }
        if let Some(conn) = learner.and_then(|l| l.conn) {
            self.emit(Effect::Close { conn });
        }
    }

    /// Applies every logged txn that the in-memory database has not seen.
    fn fast_forward(&mut self) {
        let last = self.tree.last_processed;
        let newer: Vec<Txn> = self
            .disk
            .log
            .iter()
            .filter(|t| t.zxid > last)
            .cloned()
            .collect();
        for t in &newer {
            self.tree.apply(t);
            self.committed_log.push_back(t.clone());
        }
        while self.committed_log.len() as u64 > self.cfg.storage.commit_log_count {
            self.committed_log.pop_front();
        }
    }
}
