//! Followers and observers: `Learner.registerWithLeader`, `syncWithLeader` and the
//! broadcast loops of `Follower` / `Observer` (spec §7.3, §8.2, §9.2, §9.4, §10).

use super::{
    ConnId, CrashPoint, Effect, HaltReason, Phase, Role, RoleExit, Server, SyncMode, Timer, Warning,
};
use crate::config::Bug;
use crate::ids::{Epoch, ServerId, Time, Zxid};
use crate::packet::{QuorumPacket, ServerState};
use crate::tree::DataTree;
use crate::txn::Txn;
use std::collections::VecDeque;

/// Where a learner is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LearnerStage {
    /// Connecting to the leader (up to 5 tries, 100 ms apart).
    Connecting,
    /// FOLLOWERINFO sent; waiting for LEADERINFO.
    WaitLeaderInfo,
    /// ACKEPOCH sent; waiting for DIFF / TRUNC / SNAP.
    WaitSyncHeader,
    /// Receiving the sync stream that began with this header, before NEWLEADER.
    Syncing {
        /// DIFF, TRUNC or SNAP.
        mode: SyncMode,
    },
    /// NEWLEADER handled and ACKed; waiting for UPTODATE.
    WaitUpToDate,
    /// Serving.
    Broadcast,
}

impl LearnerStage {
    /// The ZAB phase of this stage: DISCOVERY until LEADERINFO is answered,
    /// SYNCHRONIZATION until UPTODATE, then BROADCAST.
    pub fn phase(self) -> Phase {
        match self {
            LearnerStage::Connecting | LearnerStage::WaitLeaderInfo => Phase::Discovery,
            LearnerStage::WaitSyncHeader
            | LearnerStage::Syncing { .. }
            | LearnerStage::WaitUpToDate => Phase::Synchronization,
            LearnerStage::Broadcast => Phase::Broadcast,
        }
    }

    /// The sync mode: the header's while the sync stream is read (up to NEWLEADER),
    /// otherwise none.
    pub fn sync_mode(self) -> SyncMode {
        match self {
            LearnerStage::Syncing { mode } => mode,
            _ => SyncMode::None,
        }
    }

    /// Its name, as the narration shows it.
    pub fn name(self) -> &'static str {
        match self {
            LearnerStage::Connecting => "Connecting",
            LearnerStage::WaitLeaderInfo => "WaitLeaderInfo",
            LearnerStage::WaitSyncHeader => "WaitSyncHeader",
            LearnerStage::Syncing { .. } => "Syncing",
            LearnerStage::WaitUpToDate => "WaitUpToDate",
            LearnerStage::Broadcast => "Broadcast",
        }
    }
}

/// A learner's volatile state (spec §4.2).
#[derive(Clone, Debug, PartialEq)]
pub struct LearnerState {
    /// The leader it follows.
    pub leader: ServerId,
    /// Its connection, once up.
    pub conn: Option<ConnId>,
    /// Stage.
    pub stage: LearnerStage,
    /// Connection attempts so far.
    pub connect_tries: u32,
    /// When the first attempt started: all attempts together get `initLimit*tick`.
    pub connect_started: Time,
    /// The last zxid reported in ACKEPOCH (captured when FOLLOWERINFO was sent).
    pub last_logged: Zxid,
    /// The epoch from LEADERINFO.
    pub new_epoch: Epoch,
    /// `lastQueued`: the last PROPOSAL's zxid.
    pub last_queued: Zxid,
    /// `packetsNotLogged` during sync; `pendingTxns` in broadcast.
    pub pending: VecDeque<Txn>,
    /// `packetsCommitted` during sync.
    pub committed: VecDeque<Zxid>,
    /// Whether NEWLEADER must take a snapshot (after SNAP or TRUNC).
    pub snapshot_needed: bool,
    /// `writeToTxnLog`: false before NEWLEADER after SNAP/TRUNC.
    pub write_to_txn_log: bool,
}

impl Server {
    /// `followLeader` / `observeLeader` (spec §7.3): connect to the elected leader.
    pub(crate) fn follow(&mut self, leader: ServerId, state: ServerState) {
        self.announce(state, Phase::Discovery);
        let mut l = LearnerState {
            leader,
            conn: None,
            stage: LearnerStage::Connecting,
            connect_tries: 0,
            connect_started: self.now(),
            last_logged: Zxid::ZERO,
            new_epoch: Epoch(0),
            last_queued: Zxid::ZERO,
            pending: VecDeque::new(),
            committed: VecDeque::new(),
            snapshot_needed: false,
            write_to_txn_log: true,
        };
        self.learner_connect(&mut l);
        self.role = if state == ServerState::Observing {
            Role::Observing(Box::new(l))
        } else {
            Role::Following(Box::new(l))
        };
    }

    /// FOLLOWING or OBSERVING, as this server's role in the configuration says.
    fn learner_state(&self) -> ServerState {
        if self.is_voter() {
            ServerState::Following
        } else {
            ServerState::Observing
        }
    }

    /// Leaves the learner role `l` (spec §10).
    fn leave_learner(&mut self, l: &LearnerState, reason: RoleExit) {
        self.leave_role(l.stage.phase(), l.stage.sync_mode(), reason);
    }

    /// What is left of the connect budget, `initLimit*tick` for all attempts together
    /// (`connectTimeout` of Learner.connectToLeader, spec §7.3: "≤5 tries, 100ms apart,
    /// total ≤ initLimit*T").
    fn connect_budget_left(&self, l: &LearnerState) -> Time {
        let spent = self.now().saturating_sub(l.connect_started);
        self.cfg.timing.init_timeout_ms().saturating_sub(spent)
    }

    pub(crate) fn learner_connect(&mut self, l: &mut LearnerState) {
        if l.stage == LearnerStage::Connecting {
            l.connect_tries += 1;
            self.emit(Effect::Connect { to: l.leader });
            // The socket connect times out like a read, after what is left of the
            // budget (Learner.connectToLeader: min(connectTimeout, remainingTimeout)).
            let left = self.connect_budget_left(l).max(1);
            self.set_timer(Timer::LearnerRead, left);
        }
    }

    /// A connect attempt was refused or timed out. As Learner.connectToLeader: give up
    /// after 5 tries, or when no more than the 100 ms retry delay is left of the budget;
    /// else try again in 100 ms.
    ///
    /// Found by fuzzing (`scenario_run`, core/tests/fuzz_regressions.rs): each try used
    /// to get a whole `initLimit*tick` of its own, and a refusal left that try's timeout
    /// armed, which then counted as a second failure and restarted the retry delay. A
    /// follower that had connected a millisecond before its leader started leading kept
    /// trying that leader for 800 ms, long after the leader had given up on it, and no
    /// leader was elected within the checker's L1 bound on a fault-free run.
    pub(crate) fn learner_connect_failed(&mut self, l: &mut LearnerState) {
        if l.stage != LearnerStage::Connecting {
            return;
        }
        // A refusal ends this attempt: its timeout must not fire as another failure.
        self.cancel_timer(Timer::LearnerRead);
        if l.connect_tries >= 5 || self.connect_budget_left(l) <= 100 {
            self.leave_learner(l, RoleExit::ConnectFailed { leader: l.leader });
        } else {
            self.set_timer(Timer::ConnectRetry, 100);
        }
    }

    /// Connected: send FOLLOWERINFO (or OBSERVERINFO) with acceptedEpoch.
    pub(crate) fn learner_connected(&mut self, l: &mut LearnerState, conn: ConnId) {
        if l.stage != LearnerStage::Connecting {
            self.emit(Effect::Close { conn });
            return;
        }
        l.conn = Some(conn);
        l.stage = LearnerStage::WaitLeaderInfo;
        // With the needsFullSync marker on disk, ACKEPOCH reports zxid 0: the leader
        // sends its whole history, which replaces this one.
        l.last_logged = if self.disk.full_sync_needed {
            Zxid::ZERO
        } else {
            self.last_logged_zxid()
        };
        let accepted_epoch = self.accepted_epoch();
        let packet = if !self.is_voter() {
            QuorumPacket::ObserverInfo { accepted_epoch }
        } else {
            QuorumPacket::FollowerInfo { accepted_epoch }
        };
        self.emit(Effect::Send { conn, packet });
        self.set_timer(Timer::LearnerRead, self.cfg.timing.init_timeout_ms());
    }

    pub(crate) fn send_to_leader(&mut self, l: &mut LearnerState, packet: QuorumPacket) {
        if let Some(conn) = l.conn {
            self.emit(Effect::Send { conn, packet });
        }
    }

    pub(crate) fn learner_closed(&mut self, l: &mut LearnerState, conn: ConnId) {
        if l.conn == Some(conn) {
            self.leave_learner(l, RoleExit::LeaderClosed { leader: l.leader });
        }
    }

    pub(crate) fn learner_read_timeout(&mut self, l: &mut LearnerState) {
        if l.conn.is_some() {
            self.leave_learner(l, RoleExit::LeaderReadTimeout { leader: l.leader });
        } else {
            self.warn(Warning::ConnectTimedOut { leader: l.leader });
            self.learner_connect_failed(l);
        }
    }

    fn read_timeout(&self, l: &LearnerState) -> u64 {
        match l.stage {
            LearnerStage::WaitUpToDate | LearnerStage::Broadcast => {
                self.cfg.timing.sync_timeout_ms()
            }
            _ => self.cfg.timing.init_timeout_ms(),
        }
    }

    /// A packet from the leader.
    pub(crate) fn learner_packet(
        &mut self,
        l: &mut LearnerState,
        conn: ConnId,
        packet: QuorumPacket,
    ) {
        if l.conn != Some(conn) {
            return;
        }
        let timeout = self.read_timeout(l);
        self.set_timer(Timer::LearnerRead, timeout);
        let name = packet.name();
        match (l.stage, packet) {
            (LearnerStage::WaitLeaderInfo, QuorumPacket::LeaderInfo { new_epoch }) => {
                self.on_leader_info(l, new_epoch)
            }
            (LearnerStage::WaitSyncHeader, QuorumPacket::Diff { .. }) => {
                let full_sync = self.disk.full_sync_needed;
                if full_sync {
                    // Reported zxid 0 and the leader has nothing either: the history to
                    // adopt is empty, made durable by the NEWLEADER snapshot.
                    self.on_snap(Zxid::ZERO, DataTree::default());
                }
                self.begin_sync(l, SyncMode::Diff, full_sync);
            }
            (LearnerStage::WaitSyncHeader, QuorumPacket::Snap { zxid, tree }) => {
                self.on_snap(zxid, *tree);
                self.begin_sync(l, SyncMode::Snap, true);
            }
            (LearnerStage::WaitSyncHeader, QuorumPacket::Trunc { zxid }) => {
                if self.on_trunc(l, zxid) {
                    self.begin_sync(l, SyncMode::Trunc, true);
                }
            }
            (
                LearnerStage::Syncing { .. } | LearnerStage::WaitUpToDate,
                QuorumPacket::Proposal { txn },
            ) => {
                if let Some(err) = self.continuity_error(l, &txn) {
                    self.leave_learner(l, err);
                    return;
                }
                l.last_queued = txn.zxid;
                l.pending.push_back(txn);
            }
            (
                LearnerStage::Syncing { .. } | LearnerStage::WaitUpToDate,
                QuorumPacket::Commit { zxid },
            ) => self.sync_commit(l, zxid),
            (
                LearnerStage::Syncing { .. } | LearnerStage::WaitUpToDate,
                QuorumPacket::Inform { txn },
            ) => {
                // An observer's INFORM is a PROPOSAL and its COMMIT in one
                // (Learner.syncWithLeader's INFORM case).
                let zxid = txn.zxid;
                l.last_queued = zxid;
                l.pending.push_back(txn);
                self.sync_commit(l, zxid);
            }
            (LearnerStage::Syncing { .. }, QuorumPacket::NewLeader { zxid }) => {
                self.on_new_leader(l, zxid)
            }
            (LearnerStage::WaitUpToDate, QuorumPacket::UpToDate) => self.on_up_to_date(l),
            (LearnerStage::Broadcast, packet) => self.broadcast_packet(l, packet),
            (stage, _) => self.leave_learner(
                l,
                RoleExit::UnexpectedFromLeader {
                    packet: name,
                    stage,
                },
            ),
        }
    }

    /// LEADERINFO (spec §7.3): accept the new epoch durably, answer ACKEPOCH.
    fn on_leader_info(&mut self, l: &mut LearnerState, new_epoch: Epoch) {
        let accepted = self.accepted_epoch();
        let current_epoch = if new_epoch > accepted {
            let ce = self.current_epoch();
            self.write_accepted_epoch(new_epoch);
            if self.hit(CrashPoint::FollowerAfterAcceptedEpoch) {
                return;
            }
            Some(ce)
        } else if new_epoch == accepted {
            None // already acked this epoch: "-1", not counted again
        } else {
            self.leave_learner(
                l,
                RoleExit::EpochOlderThanAccepted {
                    proposed: new_epoch,
                    accepted,
                },
            );
            return;
        };
        l.new_epoch = new_epoch;
        l.stage = LearnerStage::WaitSyncHeader;
        self.announce(self.learner_state(), Phase::Synchronization);
        self.send_to_leader(
            l,
            QuorumPacket::AckEpoch {
                last_zxid: l.last_logged,
                current_epoch,
            },
        );
    }

    fn begin_sync(&mut self, l: &mut LearnerState, mode: SyncMode, snapshot_needed: bool) {
        l.snapshot_needed = snapshot_needed;
        l.write_to_txn_log = !snapshot_needed;
        l.last_queued = Zxid::ZERO;
        l.stage = LearnerStage::Syncing { mode };
    }

    /// SNAP: replace the in-memory database with the leader's image.
    fn on_snap(&mut self, zxid: Zxid, mut tree: DataTree) {
        tree.last_processed = zxid;
        self.tree = tree;
        self.committed_log.clear();
    }

    /// TRUNC (spec §11): cut the log after `zxid`, reload from the newest snapshot at
    /// or below it plus the remaining log. Returns false if that is impossible.
    fn on_trunc(&mut self, l: &LearnerState, zxid: Zxid) -> bool {
        let cut = if self.bug(Bug::Zk1156) {
            // ZK-1156: the position-tracking stream cut one entry too many.
            self.disk
                .log
                .iter()
                .rev()
                .map(|t| t.zxid)
                .find(|z| *z < zxid)
                .unwrap_or(Zxid::ZERO)
        } else {
            zxid
        };
        if self.bug(Bug::Zk4837) {
            // ZOOKEEPER-4837 (open; ZooKeeper as released): truncateLog cuts the log and
            // reloads from the newest snapshot, even one holding txns past the cut.
            let dropped = self.disk.truncate_after(cut) as u64;
            self.event(super::ServerEvent::Truncate { zxid: cut, dropped });
            self.reload_from_disk(None);
            self.tree.last_processed = zxid;
            return true;
        }
        if !self.disk.can_rebuild_at(cut) {
            // ZooKeeper's FileTxnLog.truncate throws here and the learner exits
            // (Learner.syncWithLeader), at every restart until the leader's history
            // passes this one's. ZabScope's extension: keep the data (it still counts
            // in elections), mark the disk, and ask the next leader for everything.
            self.disk.full_sync_needed = true;
            self.leave_learner(l, RoleExit::CannotTruncate { zxid });
            return false;
        }
        // The proposed fix (apache/zookeeper 432578d3f) reloads from the newest snapshot
        // at or below the cut; the baseline also deletes the snapshots past it, which a
        // restart would otherwise load (spec §14 S17).
        let dropped = self.disk.truncate_after(cut) as u64;
        self.disk.drop_snapshots_after(cut);
        self.event(super::ServerEvent::Truncate { zxid: cut, dropped });
        self.reload_from_disk(Some(cut));
        self.tree.last_processed = zxid;
        true
    }

    /// Spec §8.2: a same-epoch gap in the PROPOSAL stream is an error (ZK-4925 check).
    fn continuity_error(&self, l: &LearnerState, txn: &Txn) -> Option<RoleExit> {
        let last = l.last_queued;
        if last != Zxid::ZERO && txn.zxid.epoch() == last.epoch() && txn.zxid != last.next() {
            Some(RoleExit::SyncStreamGap {
                zxid: txn.zxid,
                last,
            })
        } else {
            None
        }
    }

    /// COMMIT during sync (spec §8.2).
    fn sync_commit(&mut self, l: &mut LearnerState, zxid: Zxid) {
        let after_newleader = l.stage == LearnerStage::WaitUpToDate;
        if !l.write_to_txn_log || (after_newleader && self.bug(Bug::Zk1264)) {
            // Before NEWLEADER after SNAP/TRUNC: apply in memory; the NEWLEADER snapshot
            // will capture it. (ZK-1264 did this after NEWLEADER too: never logged.)
            match l.pending.front() {
                Some(t) if t.zxid == zxid => {
                    if let Some(t) = l.pending.pop_front() {
                        self.apply_committed(t);
                    }
                }
                _ => self.warn(Warning::SyncCommitUnmatched { zxid }),
            }
        } else {
            l.committed.push_back(zxid);
        }
    }

    /// NEWLEADER (spec §8.2), in the fixed order: snapshot if SNAP/TRUNC, append and
    /// fsync the committed sync txns, then currentEpoch, then ACK. Bug modes reorder it.
    fn on_new_leader(&mut self, l: &mut LearnerState, zxid: Zxid) {
        let epoch = zxid.epoch();
        if !self.bug(Bug::Zk1653) && self.current_epoch() < epoch {
            // The snapshot or the sync txns may carry the new epoch's zxids before
            // currentEpoch says so; the marker lets a restart in between finish the
            // change instead of refusing to start (spec §14 E3).
            self.write_updating_epoch(epoch);
        }
        if l.snapshot_needed {
            self.take_snapshot();
            if l.stage.sync_mode() == SyncMode::Snap || self.disk.full_sync_needed {
                // The SNAP image (or a full sync) replaced this server's history: its
                // log entries belong to a superseded history. Purge them so the log
                // never has a hole that a later DIFF from disk could read across.
                // Snapshots past the image go too; the older ones stay, but the log no
                // longer rolls them forward (a TRUNC below this label cannot rebuild
                // from one of them).
                self.disk.supersede_upto(self.tree.last_processed);
                // The adopted history is durable: the marker has done its job.
                self.disk.full_sync_needed = false;
            }
            if self.hit(CrashPoint::NewLeaderAfterSnapshot) {
                return;
            }
        }
        l.write_to_txn_log = true;
        let early_epoch = self.bug(Bug::Zk4643) || self.bug(Bug::Zk3911);
        if early_epoch && !self.bug(Bug::Zk1282) {
            // ZK-4643 / ZK-3911: currentEpoch first, txns after.
            self.write_current_epoch(epoch);
            if self.hit(CrashPoint::NewLeaderAfterEpoch) {
                return;
            }
        }
        if !self.bug(Bug::Zk3911) {
            // Every txn the leader committed and sent becomes durable before the ACK.
            let async_log = self.bug(Bug::Zk4646);
            while let Some(z) = l.committed.pop_front() {
                match l.pending.front() {
                    Some(t) if t.zxid == z => {}
                    _ => {
                        self.warn(Warning::SyncTxnNotPending { zxid: z });
                        continue;
                    }
                }
                let Some(t) = l.pending.pop_front() else {
                    continue;
                };
                if async_log {
                    // ZK-4646: handed to the Sync thread; the ACK does not wait for fsync.
                    self.log_request(t.clone(), false);
                } else {
                    self.disk.append(t.clone());
                    self.event(super::ServerEvent::Append { zxid: t.zxid });
                }
                self.apply_committed(t);
            }
            if !async_log {
                self.disk.flush_all();
                let upto = self.disk.last_flushed_zxid();
                self.event(super::ServerEvent::Fsync { upto });
            }
            if self.hit(CrashPoint::NewLeaderAfterLog) {
                return;
            }
        }
        if !early_epoch && !self.bug(Bug::Zk1282) {
            self.write_current_epoch(epoch);
            if self.hit(CrashPoint::NewLeaderAfterEpoch) {
                return;
            }
        }
        l.stage = LearnerStage::WaitUpToDate;
        self.set_timer(Timer::LearnerRead, self.cfg.timing.sync_timeout_ms());
        self.send_to_leader(l, QuorumPacket::Ack { zxid });
        self.hit(CrashPoint::NewLeaderAfterAck);
    }

    /// UPTODATE (spec §8.2): start serving; log the outstanding proposals, then commit
    /// the commits that arrived after NEWLEADER.
    fn on_up_to_date(&mut self, l: &mut LearnerState) {
        let epoch = l.new_epoch;
        self.send_to_leader(
            l,
            QuorumPacket::Ack {
                zxid: Zxid::new(epoch, 0),
            },
        );
        if self.bug(Bug::Zk1282) {
            // ZK-1282: currentEpoch was written here, at UPTODATE, not at NEWLEADER.
            self.write_current_epoch(epoch);
        }
        self.update_election_vote(epoch);
        self.announce(self.learner_state(), Phase::Broadcast);
        l.stage = LearnerStage::Broadcast;
        let observer = !self.is_voter();
        let pending: Vec<Txn> = l.pending.iter().cloned().collect();
        for t in pending {
            self.log_request(t, !observer);
        }
        let committed: Vec<Zxid> = l.committed.drain(..).collect();
        for z in committed {
            self.follower_commit(l, z);
            if self.halted {
                return;
            }
        }
    }

    /// The broadcast loop (spec §9.2, §9.4).
    fn broadcast_packet(&mut self, l: &mut LearnerState, packet: QuorumPacket) {
        let observer = !self.is_voter();
        match packet {
            QuorumPacket::Proposal { txn } if !observer => {
                if l.last_queued != Zxid::ZERO
                    && txn.zxid != l.last_queued.next()
                    && txn.zxid.counter() != 1
                {
                    self.warn(Warning::ProposalGap {
                        got: txn.zxid,
                        expected: l.last_queued.next(),
                    });
                }
                l.last_queued = txn.zxid;
                l.pending.push_back(txn.clone());
                if self.hit(CrashPoint::FollowerAfterProposal) {
                    return;
                }
                self.log_request(txn, true);
            }
            QuorumPacket::Commit { zxid } if !observer => self.follower_commit(l, zxid),
            QuorumPacket::Inform { txn } if observer => {
                self.log_request(txn.clone(), false);
                self.apply_committed(txn);
            }
            QuorumPacket::Ping { zxid, .. } => {
                let touches = self.take_touches();
                self.send_to_leader(l, QuorumPacket::Ping { zxid, touches })
            }
            other => self.warn(Warning::IgnoredInBroadcast {
                packet: other.name(),
            }),
        }
    }

    /// `FollowerZooKeeperServer.commit`: the COMMIT must match the first pending txn.
    fn follower_commit(&mut self, l: &mut LearnerState, zxid: Zxid) {
        match l.pending.front() {
            None => self.warn(Warning::CommitWithoutPending { zxid }),
            Some(t) if t.zxid != zxid => {
                let reason = HaltReason::UnmatchedCommit {
                    received: zxid,
                    expected: t.zxid,
                };
                self.emit(Effect::Halt { reason });
                self.halted = true;
            }
            Some(_) => {
                if let Some(t) = l.pending.pop_front() {
                    self.apply_committed(t);
                    self.hit(CrashPoint::FollowerAfterCommit);
                }
            }
        }
    }
}
