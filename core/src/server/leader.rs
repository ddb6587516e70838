//! The leader: `Leader.lead()` and one `LearnerHandler` per connected learner
//! (spec §7.1-7.2 discovery, §8.1 sync, §9.1/9.3 broadcast, §10 failure detection).

use super::{
    ConnId, CrashPoint, Effect, LeaderShutdown, LeaderWait, Phase, RoleExit, Server, ServerEvent,
    SyncMode, SyncReason, Timer, Warning,
};
use crate::config::Bug;
use crate::ids::{Epoch, ServerId, Time, Zxid};
use crate::packet::{QuorumPacket, ServerState};
use crate::txn::{ClientTag, Op, Txn};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Where the leader thread is in `lead()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaderStage {
    /// `getEpochToPropose`: waiting for a quorum of FOLLOWERINFO (self included).
    WaitEpoch,
    /// `waitForEpochAck`: waiting for a quorum of ACKEPOCH.
    WaitEpochAck,
    /// `waitForNewLeaderAck`: waiting for a quorum of NEWLEADER-ACKs.
    WaitNewLeaderAck,
    /// Serving: proposals, pings, quorum checks.
    Broadcast,
}

/// Where one LearnerHandler is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandlerStage {
    /// Waiting for FOLLOWERINFO / OBSERVERINFO.
    WaitInfo,
    /// Blocked in `getEpochToPropose`.
    WaitEpoch,
    /// LEADERINFO sent; waiting for ACKEPOCH.
    WaitAckEpoch,
    /// Blocked in `waitForEpochAck`.
    WaitElection,
    /// Sync packets and NEWLEADER sent; waiting for the NEWLEADER-ACK.
    WaitNewLeaderAck,
    /// Blocked until the leader's quorum is formed, then UPTODATE.
    WaitQuorum,
    /// UPTODATE sent: broadcasting.
    Broadcast,
}

/// The leader's view of one connected learner.
#[derive(Clone, Debug, PartialEq)]
pub struct Handler {
    /// The learner (known from the connection).
    pub sid: ServerId,
    /// Whether it is an observer.
    pub observer: bool,
    /// Stage.
    pub stage: HandlerStage,
    /// `tickOfNextAckDeadline`.
    pub deadline: u64,
    /// The learner's last zxid from ACKEPOCH.
    pub peer_last_zxid: Zxid,
    /// How it was synchronised.
    pub sync_mode: SyncMode,
    /// In `forwardingFollowers` / `observingLearners` (receives broadcasts).
    pub forwarding: bool,
    /// PROPOSALs sent and not ACKed, with send time (`SyncLimitCheck`).
    pub unacked: VecDeque<(Zxid, Time)>,
}

/// A proposal awaiting its quorum.
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    /// The txn.
    pub txn: Txn,
    /// Voters that ACKed it after fsync.
    pub acks: BTreeSet<ServerId>,
}

/// The leader's volatile state (spec §4.2).
#[derive(Clone, Debug, PartialEq)]
pub struct LeaderState {
    /// Where `lead()` is.
    pub stage: LeaderStage,
    /// The epoch being proposed (`-1` in ZooKeeper until the first FOLLOWERINFO).
    pub epoch: Option<Epoch>,
    /// `waitingForNewEpoch`.
    pub waiting_for_new_epoch: bool,
    /// `connectingFollowers`.
    pub connecting: BTreeSet<ServerId>,
    /// `electionFinished`.
    pub election_finished: bool,
    /// `electingFollowers`.
    pub electing: BTreeSet<ServerId>,
    /// `leaderStateSummary`: (currentEpoch, lastZxid) at `lead()`.
    pub summary: (Epoch, Zxid),
    /// `newLeaderProposal.ackSet`.
    pub new_leader_acks: BTreeSet<ServerId>,
    /// `quorumFormed`.
    pub quorum_formed: bool,
    /// `epoch << 32`.
    pub zxid_base: Zxid,
    /// `lastProposed`.
    pub last_proposed: Zxid,
    /// `lastCommitted`.
    pub last_committed: Zxid,
    /// `outstandingProposals`.
    pub outstanding: BTreeMap<Zxid, Proposal>,
    /// One handler per learner connection.
    pub handlers: BTreeMap<ConnId, Handler>,
    /// The leader's tick counter.
    pub tick: u64,
    /// Every other half-tick skips the quorum check.
    pub tick_skip: bool,
    /// Length of the applied history when `lead()` began (its initial history, spec §1).
    pub initial_history: u64,
}

impl LeaderState {
    /// The handlers blocked at `stage` (woken together when the leader gets past it).
    fn waiting_at(&self, stage: HandlerStage) -> Vec<ConnId> {
        self.handlers
            .iter()
            .filter(|(_, h)| h.stage == stage)
            .map(|(c, _)| *c)
            .collect()
    }
}

impl Server {
    /// `Leader.lead()` (spec §7.1): snapshot, then wait for an epoch quorum.
    pub(crate) fn lead(&mut self) {
        self.set_state(ServerState::Leading, Phase::Discovery);
        // zk.loadData(): the database is already fast-forwarded; it takes a snapshot.
        self.take_snapshot();
        let summary = (self.current_epoch(), self.last_logged_zxid());
        let mut l = LeaderState {
            stage: LeaderStage::WaitEpoch,
            epoch: None,
            waiting_for_new_epoch: true,
            connecting: BTreeSet::new(),
            election_finished: false,
            electing: BTreeSet::new(),
            summary,
            new_leader_acks: BTreeSet::new(),
            quorum_formed: false,
            zxid_base: Zxid::ZERO,
            last_proposed: Zxid::ZERO,
            last_committed: Zxid::ZERO,
            outstanding: BTreeMap::new(),
            handlers: BTreeMap::new(),
            tick: 0,
            tick_skip: true,
            initial_history: self.tree.applied.len(),
        };
        self.set_timer(Timer::LeaderWait, self.cfg.timing.init_timeout_ms());
        let (me, accepted) = (self.id, self.accepted_epoch());
        self.get_epoch_to_propose(&mut l, me, accepted);
        if !self.halted {
            self.leader = Some(Box::new(l));
        }
    }

    /// `getEpochToPropose` (spec §7.1): e' = 1 + max acceptedEpoch over a quorum that
    /// includes the leader; the leader persists acceptedEpoch before anyone proceeds.
    fn get_epoch_to_propose(&mut self, l: &mut LeaderState, sid: ServerId, last_accepted: Epoch) {
        if !l.waiting_for_new_epoch {
            return;
        }
        if l.epoch.is_none_or(|e| last_accepted >= e) {
            l.epoch = Some(Epoch(last_accepted.0 + 1));
        }
        if self.cfg.is_voter(sid) {
            l.connecting.insert(sid);
        }
        if !(l.connecting.contains(&self.id) && self.cfg.is_quorum(&l.connecting)) {
            return;
        }
        l.waiting_for_new_epoch = false;
        let epoch = l.epoch.unwrap_or_default();
        if !self.bug(Bug::Zk1291) {
            self.write_accepted_epoch(epoch);
            if self.hit(CrashPoint::LeaderAfterAcceptedEpoch) {
                return;
            }
        }
        // Wake everyone: handlers send LEADERINFO, the leader thread moves on.
        let waiting = l.waiting_at(HandlerStage::WaitEpoch);
        for conn in waiting {
            self.send_leader_info(l, conn);
        }
        if self.bug(Bug::Zk1291) {
            // ZK-1291: the leader thread persisted acceptedEpoch only after the handlers ran.
            if self.hit(CrashPoint::LeaderAfterAcceptedEpoch) {
                return;
            }
            self.write_accepted_epoch(epoch);
        }
        l.zxid_base = Zxid::new(epoch, 0);
        l.last_proposed = if self.bug(Bug::Zk1319) {
            Zxid::ZERO
        } else {
            l.zxid_base
        };
        l.stage = LeaderStage::WaitEpochAck;
        self.set_timer(Timer::LeaderWait, self.cfg.timing.init_timeout_ms());
        let summary = l.summary;
        let me = self.id;
        self.wait_for_epoch_ack(l, me, Some(summary.0), summary.1);
    }

    fn send_leader_info(&mut self, l: &mut LeaderState, conn: ConnId) {
        let new_epoch = l.epoch.unwrap_or_default();
        if let Some(h) = l.handlers.get_mut(&conn) {
            h.stage = HandlerStage::WaitAckEpoch;
        }
        self.emit(Effect::Send {
            conn,
            packet: QuorumPacket::LeaderInfo { new_epoch },
        });
        self.handler_reads(l, conn); // the ACKEPOCH
    }

    /// `waitForEpochAck` (spec §7.1). Returns false if the learner is ahead of the leader.
    fn wait_for_epoch_ack(
        &mut self,
        l: &mut LeaderState,
        sid: ServerId,
        current_epoch: Option<Epoch>,
        last_zxid: Zxid,
    ) -> bool {
        if l.election_finished {
            return true;
        }
        if let Some(ce) = current_epoch {
            if (ce, last_zxid) > l.summary {
                return false; // "Follower is ahead of the leader"
            }
            if last_zxid != Zxid::NONE && self.cfg.is_voter(sid) {
                l.electing.insert(sid);
            }
        }
        if l.electing.contains(&self.id) && self.cfg.is_quorum(&l.electing) {
            l.election_finished = true;
            self.epoch_established(l);
        }
        true
    }

    /// The ACKEPOCH quorum is in: persist currentEpoch (the epoch is established), then
    /// every waiting handler synchronises its learner.
    fn epoch_established(&mut self, l: &mut LeaderState) {
        let epoch = l.epoch.unwrap_or_default();
        self.write_current_epoch(epoch);
        self.event(ServerEvent::Established { epoch });
        if self.hit(CrashPoint::LeaderAfterCurrentEpoch) {
            return;
        }
        self.set_phase(Phase::Synchronization);
        l.stage = LeaderStage::WaitNewLeaderAck;
        self.set_timer(Timer::LeaderWait, self.cfg.timing.init_timeout_ms());
        let me = self.id;
        let base = l.zxid_base;
        self.wait_for_new_leader_ack(l, me, base);
        let waiting = l.waiting_at(HandlerStage::WaitElection);
        for conn in waiting {
            self.sync_learner(l, conn);
        }
    }

    /// `waitForNewLeaderAck` (spec §8.1): only an ACK of `epoch << 32` counts.
    fn wait_for_new_leader_ack(&mut self, l: &mut LeaderState, sid: ServerId, zxid: Zxid) {
        if l.quorum_formed {
            return;
        }
        if zxid != l.zxid_base {
            self.warn(Warning::NewLeaderAckZxid {
                from: sid,
                zxid,
                expected: l.zxid_base,
            });
            return;
        }
        if self.cfg.is_voter(sid) {
            l.new_leader_acks.insert(sid);
        }
        if l.new_leader_acks.contains(&self.id) && self.cfg.is_quorum(&l.new_leader_acks) {
            l.quorum_formed = true;
            self.start_zk_server(l);
        }
    }

    /// `startZkServer` (spec §8.1): the leader is active; waiting handlers send UPTODATE.
    fn start_zk_server(&mut self, l: &mut LeaderState) {
        let epoch = l.epoch.unwrap_or_default();
        l.last_committed = l.zxid_base;
        self.tree.last_processed = l.zxid_base;
        self.update_election_vote(epoch);
        l.stage = LeaderStage::Broadcast;
        self.set_phase(Phase::Broadcast);
        self.cancel_timer(Timer::LeaderWait);
        self.event(ServerEvent::Active {
            epoch,
            quorum: l.new_leader_acks.iter().copied().collect(),
        });
        l.tick_skip = true;
        self.set_timer(Timer::LeaderTick, self.cfg.timing.tick_ms / 2);
        let waiting = l.waiting_at(HandlerStage::WaitQuorum);
        for conn in waiting {
            self.send_up_to_date(l, conn);
        }
    }

    fn send_up_to_date(&mut self, l: &mut LeaderState, conn: ConnId) {
        if let Some(h) = l.handlers.get_mut(&conn) {
            h.stage = HandlerStage::Broadcast;
        }
        self.emit(Effect::Send {
            conn,
            packet: QuorumPacket::UpToDate,
        });
        self.handler_reads(l, conn); // the read loop, now with syncLimit*T
    }

    /// One of the leader's `initLimit*T` waits ran out: give up leading.
    pub(crate) fn leader_wait_timeout(&mut self, l: &mut LeaderState) {
        let wait = match l.stage {
            LeaderStage::WaitEpoch => LeaderWait::Epoch,
            LeaderStage::WaitEpochAck => LeaderWait::EpochAck,
            LeaderStage::WaitNewLeaderAck => LeaderWait::NewLeaderAck,
            LeaderStage::Broadcast => return,
        };
        self.leader_shutdown(LeaderShutdown::WaitTimedOut(wait));
    }

    /// `Leader.shutdown`: leaving the role shuts every LearnerHandler with the leader
    /// (Leader.java L884-890; `close_role_connections`).
    fn leader_shutdown(&mut self, reason: LeaderShutdown) {
        self.leave_role(RoleExit::LeaderShutdown(reason));
    }

    /// A learner connected: a new LearnerHandler (spec §7.2), which starts reading its
    /// FOLLOWERINFO at once.
    pub(crate) fn leader_accept(&mut self, l: &mut LeaderState, conn: ConnId, learner: ServerId) {
        l.handlers.insert(
            conn,
            Handler {
                sid: learner,
                observer: !self.cfg.is_voter(learner),
                stage: HandlerStage::WaitInfo,
                deadline: l.tick + self.cfg.timing.init_limit + self.cfg.timing.sync_limit,
                peer_last_zxid: Zxid::NONE,
                sync_mode: SyncMode::None,
                forwarding: false,
                unacked: VecDeque::new(),
            },
        );
        self.handler_reads(l, conn);
    }

    /// The LearnerHandler's socket read timeout in `stage` (spec §3, §10), or `None`
    /// while it is not reading.
    ///
    /// ZooKeeper: `LearnerCnxAcceptorHandler.acceptConnections` sets
    /// `soTimeout = tickTime * initLimit` on the accepted socket (Leader.java L568-570);
    /// `LearnerHandler.run` lowers it to `syncTimeout() = tickTime * syncLimit` once
    /// `waitForNewLeaderAck` returns, before UPTODATE and its read loop
    /// (LearnerHandler.java L640-641, Leader.java L1726-1728). While the handler is
    /// blocked in `getEpochToPropose`, `waitForEpochAck` or `waitForNewLeaderAck` it does
    /// not read (what the learner sends waits in the socket); the leader thread's own
    /// `initLimit*T` waits, which began no later, bound those blocks.
    fn handler_read_limit(&self, stage: HandlerStage) -> Option<Time> {
        match stage {
            HandlerStage::WaitInfo
            | HandlerStage::WaitAckEpoch
            | HandlerStage::WaitNewLeaderAck => Some(self.cfg.timing.init_timeout_ms()),
            HandlerStage::Broadcast => Some(self.cfg.timing.sync_timeout_ms()),
            HandlerStage::WaitEpoch | HandlerStage::WaitElection | HandlerStage::WaitQuorum => None,
        }
    }

    /// The handler (re)starts its socket read, or blocks: called when it is accepted,
    /// after each packet it reads and when the leader wakes it. A read's timeout counts
    /// from its start; a blocked handler has none.
    fn handler_reads(&mut self, l: &mut LeaderState, conn: ConnId) {
        if self.halted {
            return;
        }
        let Some(h) = l.handlers.get(&conn) else {
            return;
        };
        let timer = Timer::HandlerRead { conn };
        match self.handler_read_limit(h.stage) {
            Some(timeout) => self.set_timer(timer, timeout),
            None => self.cancel_timer(timer),
        }
    }

    /// `Timer::HandlerRead` fired: the handler's read got nothing for its read timeout
    /// (`initLimit*T` before its NEWLEADER-ACK quorum, `syncLimit*T` after), so the read
    /// throws `SocketTimeoutException`; `run()` catches it and closes the socket, and
    /// `shutdown()` removes the handler from the leader's learners (LearnerHandler.java
    /// L719-721, L730-738, L1044-1058; Leader.removeLearnerHandler L293-303).
    pub(crate) fn handler_read_timeout(&mut self, l: &mut LeaderState, conn: ConnId) {
        let Some(h) = l.handlers.get(&conn) else {
            return;
        };
        let Some(timeout) = self.handler_read_limit(h.stage) else {
            return; // blocked, not reading (its timer is cancelled when it blocks)
        };
        let (sid, stage) = (h.sid, h.stage);
        self.drop_handler(
            l,
            conn,
            Warning::HandlerReadTimeout {
                learner: sid,
                sync_limit: stage == HandlerStage::Broadcast,
                timeout_ms: timeout,
                stage,
            },
        );
    }

    /// A learner's connection broke: its handler dies.
    pub(crate) fn leader_closed(&mut self, l: &mut LeaderState, conn: ConnId) {
        if let Some(h) = self.remove_handler(l, conn) {
            self.warn(Warning::LearnerClosed { learner: h.sid });
        }
    }

    fn drop_handler(&mut self, l: &mut LeaderState, conn: ConnId, why: Warning) {
        if self.remove_handler(l, conn).is_some() {
            self.warn(why);
            self.emit(Effect::Close { conn });
        }
    }

    /// `LearnerHandler.shutdown`: the handler leaves the leader's learners and stops
    /// reading.
    fn remove_handler(&mut self, l: &mut LeaderState, conn: ConnId) -> Option<Handler> {
        let h = l.handlers.remove(&conn)?;
        self.cancel_timer(Timer::HandlerRead { conn });
        Some(h)
    }

    /// A packet from a learner: the handler processes it, then reads again (or blocks).
    pub(crate) fn leader_packet(
        &mut self,
        l: &mut LeaderState,
        conn: ConnId,
        packet: QuorumPacket,
    ) {
        self.handler_packet(l, conn, packet);
        self.handler_reads(l, conn);
    }

    /// One packet read by a LearnerHandler (`LearnerHandler.run`, spec §7.2, §8.1, §9.3).
    fn handler_packet(&mut self, l: &mut LeaderState, conn: ConnId, packet: QuorumPacket) {
        let Some(h) = l.handlers.get_mut(&conn) else {
            return;
        };
        let (sid, stage) = (h.sid, h.stage);
        if stage != HandlerStage::WaitInfo {
            h.deadline = l.tick + self.cfg.timing.sync_limit;
        }
        match (stage, packet) {
            (HandlerStage::WaitInfo, QuorumPacket::FollowerInfo { accepted_epoch })
            | (HandlerStage::WaitInfo, QuorumPacket::ObserverInfo { accepted_epoch }) => {
                h.stage = HandlerStage::WaitEpoch;
                self.get_epoch_to_propose(l, sid, accepted_epoch);
                let waiting = l
                    .handlers
                    .get(&conn)
                    .is_some_and(|h| h.stage == HandlerStage::WaitEpoch);
                if !self.halted && !l.waiting_for_new_epoch && waiting {
                    self.send_leader_info(l, conn);
                }
            }
            (
                HandlerStage::WaitAckEpoch,
                QuorumPacket::AckEpoch {
                    last_zxid,
                    current_epoch,
                },
            ) => {
                h.peer_last_zxid = last_zxid;
                h.stage = HandlerStage::WaitElection;
                if !self.wait_for_epoch_ack(l, sid, current_epoch, last_zxid) {
                    self.drop_handler(
                        l,
                        conn,
                        Warning::LearnerAhead {
                            learner: sid,
                            current_epoch: current_epoch.unwrap_or_default(),
                            last_zxid,
                            leader_epoch: l.summary.0,
                            leader_zxid: l.summary.1,
                        },
                    );
                    return;
                }
                if !self.halted
                    && l.election_finished
                    && l.handlers
                        .get(&conn)
                        .is_some_and(|h| h.stage == HandlerStage::WaitElection)
                {
                    self.sync_learner(l, conn);
                }
            }
            (HandlerStage::WaitNewLeaderAck, QuorumPacket::Ack { zxid }) => {
                h.stage = HandlerStage::WaitQuorum;
                self.wait_for_new_leader_ack(l, sid, zxid);
                if l.quorum_formed
                    && l.handlers
                        .get(&conn)
                        .is_some_and(|h| h.stage == HandlerStage::WaitQuorum)
                {
                    self.send_up_to_date(l, conn);
                }
            }
            (HandlerStage::WaitQuorum | HandlerStage::Broadcast, QuorumPacket::Ack { zxid }) => {
                while h.unacked.front().is_some_and(|(z, _)| *z <= zxid) {
                    h.unacked.pop_front();
                }
                self.process_ack(l, sid, zxid);
            }
            (HandlerStage::WaitQuorum | HandlerStage::Broadcast, QuorumPacket::Ping { .. }) => {}
            (
                HandlerStage::WaitQuorum | HandlerStage::Broadcast,
                QuorumPacket::Request { tag, op },
            ) => {
                if l.stage == LeaderStage::Broadcast {
                    self.propose(l, op, Some(tag));
                }
            }
            (stage, packet) => {
                self.drop_handler(
                    l,
                    conn,
                    Warning::UnexpectedFromLearner {
                        packet: packet.name(),
                        learner: sid,
                        stage,
                    },
                );
            }
        }
    }

    /// `syncFollower` + `startForwarding` + NEWLEADER (spec §8.1): choose DIFF, TRUNC
    /// or SNAP from the learner's last zxid against the committed-log window.
    fn sync_learner(&mut self, l: &mut LeaderState, conn: ConnId) {
        let Some(h) = l.handlers.get(&conn) else {
            return;
        };
        let (sid, observer, peer) = (h.sid, h.observer, h.peer_last_zxid);
        let plan = self.plan_sync(l, peer);
        let (mode, packets, current, reason) = (plan.mode, plan.packets, plan.current, plan.reason);
        self.event(ServerEvent::SyncChosen {
            learner: sid,
            mode,
            peer_last_zxid: peer,
            min_committed: plan.min_committed,
            max_committed: plan.max_committed,
            reason,
        });
        if mode == SyncMode::Snap {
            // The SNAP header and image go straight on the socket, before anything queued.
            self.emit(Effect::Send {
                conn,
                packet: QuorumPacket::Snap {
                    zxid: self.tree.last_processed,
                    tree: Box::new(self.tree.clone()),
                },
            });
            if self.hit(CrashPoint::LeaderAfterSnap) {
                return;
            }
        }
        for packet in packets {
            self.emit(Effect::Send { conn, packet });
        }
        // startForwarding: outstanding proposals newer than what was sent, no COMMIT.
        let last_proposed = l.last_proposed;
        if last_proposed > current && !observer {
            let newer: Vec<Txn> = l
                .outstanding
                .range(current.next()..)
                .map(|(_, p)| p.txn.clone())
                .collect();
            for txn in newer {
                if let Some(h) = l.handlers.get_mut(&conn) {
                    h.unacked.push_back((txn.zxid, self.now()));
                }
                self.emit(Effect::Send {
                    conn,
                    packet: QuorumPacket::Proposal { txn },
                });
            }
        }
        if let Some(h) = l.handlers.get_mut(&conn) {
            h.forwarding = true;
            h.sync_mode = mode;
            h.stage = HandlerStage::WaitNewLeaderAck;
        }
        self.emit(Effect::Send {
            conn,
            packet: QuorumPacket::NewLeader { zxid: l.zxid_base },
        });
        self.handler_reads(l, conn); // the NEWLEADER-ACK
    }

    /// The leader's DIFF / TRUNC / SNAP decision for a learner whose last zxid is `peer`.
    fn plan_sync(&self, l: &LeaderState, peer: Zxid) -> SyncPlan {
        let last_processed = self.tree.last_processed;
        let (min_c, max_c) = match (self.committed_log.front(), self.committed_log.back()) {
            (Some(a), Some(b)) => (a.zxid, b.zxid),
            _ => (last_processed, last_processed),
        };
        let mut q = Queuer::new(peer, self.bug(Bug::Zk1154));
        let in_sync_mark = if self.bug(Bug::Zk1319) {
            l.last_proposed
        } else {
            last_processed
        };
        let mut reason;
        let mut need_snap = false;
        if in_sync_mark == peer {
            q.push(QuorumPacket::Diff { zxid: peer });
            reason = SyncReason::InSync { peer };
        } else if peer > max_c && !q.peer_new_epoch {
            q.push(QuorumPacket::Trunc { zxid: max_c });
            q.queued = max_c;
            reason = SyncReason::Ahead { peer, max: max_c };
        } else if min_c <= peer && peer <= max_c {
            q.queue_committed(self.committed_log.iter(), None, max_c);
            reason = SyncReason::WithinLog {
                peer,
                min: min_c,
                max: max_c,
            };
        } else if peer < min_c && self.cfg.storage.snapshot_size_factor >= 0.0 {
            let limit = self.tree.size() as f64 * self.cfg.storage.snapshot_size_factor;
            let reaches_back = self.disk.log.first().is_some_and(|t| t.zxid <= peer);
            let size = self.disk.log_size_after(peer);
            if reaches_back && (size as f64) < limit {
                let flushed = &self.disk.log[..self.disk.flushed];
                q.queue_committed(flushed.iter(), Some(min_c), max_c);
                q.queue_committed(self.committed_log.iter(), None, max_c);
                reason = SyncReason::DiffFromDisk {
                    peer,
                    min: min_c,
                    max: max_c,
                    size,
                    limit,
                    factor: self.cfg.storage.snapshot_size_factor,
                };
            } else {
                need_snap = true;
                reason = if reaches_back {
                    SyncReason::LogTooBig {
                        peer,
                        min: min_c,
                        max: max_c,
                        size,
                        limit,
                        factor: self.cfg.storage.snapshot_size_factor,
                    }
                } else {
                    SyncReason::LogGone {
                        peer,
                        min: min_c,
                        max: max_c,
                    }
                };
            }
        } else {
            need_snap = true;
            reason = SyncReason::Older {
                peer,
                min: min_c,
                max: max_c,
            };
        }
        if !need_snap && q.need_op {
            // e.g. the learner's txns belong to another epoch than the leader's next one:
            // TRUNC cannot cross epochs, so ZooKeeper falls back to SNAP.
            need_snap = true;
            reason = SyncReason::CrossEpoch { peer };
        }
        if need_snap {
            return SyncPlan {
                mode: SyncMode::Snap,
                packets: Vec::new(),
                current: last_processed,
                reason,
                min_committed: min_c,
                max_committed: max_c,
            };
        }
        let mode = match q.packets.first() {
            Some(QuorumPacket::Trunc { .. }) => SyncMode::Trunc,
            _ => SyncMode::Diff,
        };
        SyncPlan {
            mode,
            packets: q.packets,
            current: q.queued,
            reason,
            min_committed: min_c,
            max_committed: max_c,
        }
    }

    /// A client write at the leader, or a REQUEST from a learner (spec §9.1).
    pub(crate) fn propose(&mut self, l: &mut LeaderState, op: Op, origin: Option<ClientTag>) {
        let zxid = l.last_proposed.max(l.zxid_base).next();
        if zxid.counter() == Zxid::MAX_COUNTER {
            // ZOOKEEPER-1277: never mint the last counter; force a new epoch instead.
            self.leader_shutdown(LeaderShutdown::ZxidRollover);
            return;
        }
        let txn = Txn { zxid, op, origin };
        l.last_proposed = zxid;
        l.outstanding.insert(
            zxid,
            Proposal {
                txn: txn.clone(),
                acks: BTreeSet::new(),
            },
        );
        self.event(ServerEvent::Propose { txn: txn.clone() });
        let now = self.now();
        let conns: Vec<ConnId> = l
            .handlers
            .iter()
            .filter(|(_, h)| h.forwarding && !h.observer)
            .map(|(c, _)| *c)
            .collect();
        for conn in conns {
            if let Some(h) = l.handlers.get_mut(&conn) {
                h.unacked.push_back((zxid, now));
            }
            self.emit(Effect::Send {
                conn,
                packet: QuorumPacket::Proposal { txn: txn.clone() },
            });
        }
        if self.hit(CrashPoint::LeaderAfterPropose) {
            return;
        }
        // The leader's own SyncRequestProcessor: append, fsync, then processAck(me).
        self.log_request(txn, true);
    }

    /// `processAck` (spec §9.3).
    pub(crate) fn process_ack(&mut self, l: &mut LeaderState, sid: ServerId, zxid: Zxid) {
        if zxid.counter() == 0 || l.outstanding.is_empty() || zxid <= l.last_committed {
            return;
        }
        let Some(p) = l.outstanding.get_mut(&zxid) else {
            self.warn(Warning::AckUnknownProposal { zxid, from: sid });
            return;
        };
        if self.cfg.is_voter(sid) {
            p.acks.insert(sid);
        }
        let mut z = zxid;
        while self.try_to_commit(l, z) {
            z = z.next();
            if !l.outstanding.contains_key(&z) {
                break;
            }
        }
    }

    /// `tryToCommit`: strictly in zxid order, on a quorum that includes the leader's
    /// own (fsynced) ACK.
    fn try_to_commit(&mut self, l: &mut LeaderState, zxid: Zxid) -> bool {
        if l.outstanding.contains_key(&Zxid(zxid.0 - 1)) {
            return false;
        }
        let Some(p) = l.outstanding.get(&zxid) else {
            return false;
        };
        if !p.acks.contains(&self.id) || !self.cfg.is_quorum(&p.acks) {
            return false;
        }
        let Some(p) = l.outstanding.remove(&zxid) else {
            return false;
        };
        l.last_committed = zxid;
        let conns: Vec<(ConnId, bool)> = l
            .handlers
            .iter()
            .filter(|(_, h)| h.forwarding)
            .map(|(c, h)| (*c, h.observer))
            .collect();
        for (conn, observer) in conns {
            let packet = if observer {
                QuorumPacket::Inform { txn: p.txn.clone() }
            } else {
                QuorumPacket::Commit { zxid }
            };
            self.emit(Effect::Send { conn, packet });
        }
        self.apply_committed(&p.txn);
        true
    }

    /// Every T/2: ping learners, and every T check that a quorum is still synced (spec §10).
    pub(crate) fn leader_tick(&mut self, l: &mut LeaderState) {
        if l.stage != LeaderStage::Broadcast {
            return;
        }
        if !l.tick_skip {
            l.tick += 1;
        }
        let tick = l.tick;
        let timeout = self.cfg.timing.sync_timeout_ms();
        let now = self.now();
        // A learner past its tick deadline is not synced; its handler is closed only by
        // its own read timeout (handler_read_timeout).
        let mut synced: BTreeSet<ServerId> = l
            .handlers
            .values()
            .filter(|h| !h.observer && tick <= h.deadline)
            .map(|h| h.sid)
            .collect();
        synced.insert(self.id);
        if !l.tick_skip && !self.cfg.is_quorum(&synced) {
            self.leader_shutdown(LeaderShutdown::NotSynced {
                synced: synced.into_iter().collect(),
            });
            return;
        }
        l.tick_skip = !l.tick_skip;
        let conns: Vec<ConnId> = l.handlers.keys().copied().collect();
        for conn in conns {
            let Some(h) = l.handlers.get(&conn) else {
                continue;
            };
            if h.stage != HandlerStage::Broadcast {
                continue;
            }
            if let Some((z, sent)) = h.unacked.front() {
                if now.saturating_sub(*sent) > timeout {
                    let why = Warning::AckOverdue {
                        learner: h.sid,
                        zxid: *z,
                    };
                    self.drop_handler(l, conn, why);
                    continue;
                }
            }
            self.emit(Effect::Send {
                conn,
                packet: QuorumPacket::Ping {
                    zxid: l.last_proposed,
                },
            });
        }
        self.set_timer(Timer::LeaderTick, self.cfg.timing.tick_ms / 2);
    }
}

/// The outcome of `plan_sync`.
struct SyncPlan {
    mode: SyncMode,
    packets: Vec<QuorumPacket>,
    current: Zxid,
    reason: SyncReason,
    min_committed: Zxid,
    max_committed: Zxid,
}

/// `queueCommittedProposals` (spec §8.1) with its `needOpPacket` state.
struct Queuer {
    peer: Zxid,
    peer_new_epoch: bool,
    need_op: bool,
    queued: Zxid,
    packets: Vec<QuorumPacket>,
    bug_1154: bool,
}

impl Queuer {
    fn new(peer: Zxid, bug_1154: bool) -> Queuer {
        Queuer {
            peer,
            peer_new_epoch: peer.counter() == 0,
            need_op: true,
            queued: peer,
            packets: Vec::new(),
            bug_1154,
        }
    }

    fn push(&mut self, p: QuorumPacket) {
        self.need_op = false;
        self.packets.push(p);
    }

    fn queue_committed<'a>(
        &mut self,
        txns: impl Iterator<Item = &'a Txn>,
        max: Option<Zxid>,
        last_committed: Zxid,
    ) {
        let peer = self.peer;
        let mut prev = Zxid::NONE;
        for t in txns {
            if max.is_some_and(|m| t.zxid > m) {
                break;
            }
            if t.zxid < peer {
                prev = t.zxid;
                continue;
            }
            if self.need_op {
                if t.zxid == peer {
                    self.push(QuorumPacket::Diff {
                        zxid: last_committed,
                    });
                    continue;
                }
                if self.peer_new_epoch || self.bug_1154 {
                    // ZK-1154 (bug mode): DIFF even though the learner holds a txn I never had.
                    self.push(QuorumPacket::Diff {
                        zxid: last_committed,
                    });
                } else if t.zxid > peer {
                    if t.zxid.epoch() != peer.epoch() {
                        return; // cannot TRUNC across epochs: SNAP
                    }
                    self.push(QuorumPacket::Trunc { zxid: prev });
                }
            }
            if t.zxid <= self.queued {
                continue;
            }
            self.packets.push(QuorumPacket::Proposal { txn: t.clone() });
            self.packets.push(QuorumPacket::Commit { zxid: t.zxid });
            self.queued = t.zxid;
        }
        if self.need_op && self.peer_new_epoch {
            self.push(QuorumPacket::Diff {
                zxid: last_committed,
            });
        }
    }
}
