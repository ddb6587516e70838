//! The leader: `Leader.lead()` and one `LearnerHandler` per connected learner
//! (spec §7.1-7.2 discovery, §8.1 sync, §9.1/9.3 broadcast, §10 failure detection).

use super::sessions::SessionWrite;
use super::{
    ConnId, CrashPoint, Effect, LeaderShutdown, LeaderWait, Phase, Queued, Role, RoleExit, Server,
    ServerEvent, SyncMode, SyncReason, Timer, Tracked, Warning,
};
use crate::config::Bug;
use crate::ids::{Epoch, ServerId, SessionId, Time, Zxid};
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

impl LeaderStage {
    /// The ZAB phase of this stage: DISCOVERY until the epoch is established (an
    /// ACKEPOCH quorum), SYNCHRONIZATION until a NEWLEADER-ACK quorum, then BROADCAST.
    pub fn phase(self) -> Phase {
        match self {
            LeaderStage::WaitEpoch | LeaderStage::WaitEpochAck => Phase::Discovery,
            LeaderStage::WaitNewLeaderAck => Phase::Synchronization,
            LeaderStage::Broadcast => Phase::Broadcast,
        }
    }
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

impl HandlerStage {
    /// Its name, as the narration shows it.
    pub fn name(self) -> &'static str {
        match self {
            HandlerStage::WaitInfo => "WaitInfo",
            HandlerStage::WaitEpoch => "WaitEpoch",
            HandlerStage::WaitAckEpoch => "WaitAckEpoch",
            HandlerStage::WaitElection => "WaitElection",
            HandlerStage::WaitNewLeaderAck => "WaitNewLeaderAck",
            HandlerStage::WaitQuorum => "WaitQuorum",
            HandlerStage::Broadcast => "Broadcast",
        }
    }
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

/// One condition of `Leader.tryToCommit` (spec §9.3) that an outstanding proposal
/// does not meet yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommitBlocker {
    /// An earlier proposal is still outstanding: commits go strictly in zxid order.
    Order {
        /// The outstanding proposal just before it (`zxid - 1`).
        earlier: Zxid,
    },
    /// The leader's own ACK (sent by its SyncRequestProcessor once its fsync is done)
    /// is not in: the quorum must include the leader.
    LeaderAck,
    /// Fewer voters ACKed than a quorum holds.
    Quorum {
        /// Voters that ACKed.
        acks: u32,
        /// Voters a quorum needs ([`crate::Config::quorum_size`]).
        needed: u32,
    },
}

/// What stands between an outstanding proposal and its COMMIT, as `Leader.tryToCommit`
/// sees it (spec §9.3): the leader's own commit test ([`Server::commit_check`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommitCheck {
    /// The proposal.
    pub zxid: Zxid,
    /// Voters that ACKed it so far (each after its fsync).
    pub acks: u32,
    /// Voters a quorum needs ([`crate::Config::quorum_size`]).
    pub quorum: u32,
    /// The ACKs form a quorum ([`crate::Config::is_quorum`]).
    pub has_quorum: bool,
    /// The leader's own ACK is in.
    pub leader_acked: bool,
    /// The outstanding proposal just before it (`zxid - 1`), which must commit first.
    pub earlier: Option<Zxid>,
}

impl CommitCheck {
    /// The unmet conditions, in the order `tryToCommit` tests them; none: the
    /// proposal commits when the next ACK is processed.
    pub fn blockers(&self) -> impl Iterator<Item = CommitBlocker> {
        let order = self.earlier.map(|earlier| CommitBlocker::Order { earlier });
        let own = (!self.leader_acked).then_some(CommitBlocker::LeaderAck);
        let quorum = (!self.has_quorum).then_some(CommitBlocker::Quorum {
            acks: self.acks,
            needed: self.quorum,
        });
        order.into_iter().chain(own).chain(quorum)
    }

    /// Whether `tryToCommit` commits it.
    pub fn ready(&self) -> bool {
        self.blockers().next().is_none()
    }
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
    /// The session tracker (`SessionTrackerImpl`), once the leader serves.
    pub sessions: BTreeMap<SessionId, Tracked>,
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
        self.announce(ServerState::Leading, Phase::Discovery);
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
            sessions: BTreeMap::new(),
        };
        self.set_timer(Timer::LeaderWait, self.cfg.timing.init_timeout_ms());
        let (me, accepted) = (self.id, self.accepted_epoch());
        self.get_epoch_to_propose(&mut l, me, accepted);
        if !self.halted {
            self.role = Role::Leading(Box::new(l));
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
        self.announce(ServerState::Leading, Phase::Synchronization);
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
        self.announce(ServerState::Leading, Phase::Broadcast);
        self.cancel_timer(Timer::LeaderWait);
        self.event(ServerEvent::Active {
            epoch,
            quorum: l.new_leader_acks.iter().copied().collect(),
        });
        l.tick_skip = true;
        self.set_timer(Timer::LeaderTick, self.cfg.timing.tick_ms / 2);
        self.start_session_tracker(l);
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
        self.leader_shutdown(l, LeaderShutdown::WaitTimedOut(wait));
    }

    /// `Leader.shutdown`: leaving the role shuts every LearnerHandler with the leader
    /// (Leader.java L884-890; `close_role_connections`).
    fn leader_shutdown(&mut self, l: &LeaderState, reason: LeaderShutdown) {
        self.leave_role(
            l.stage.phase(),
            SyncMode::None,
            RoleExit::LeaderShutdown(reason),
        );
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
            (
                HandlerStage::WaitQuorum | HandlerStage::Broadcast,
                QuorumPacket::Ping { touches, .. },
            ) => {
                // LearnerHandler PING: touch every session the learner reports.
                for (session, _) in touches {
                    self.touch_at_leader(l, session);
                }
            }
            (
                HandlerStage::WaitQuorum | HandlerStage::Broadcast,
                QuorumPacket::Request { tag, op },
            ) => match op {
                Op::CreateSession { session, .. } => {
                    self.leader_session_write(l, tag, session, SessionWrite::Txn(op))
                }
                op if l.stage == LeaderStage::Broadcast => self.propose(l, op, Some(tag)),
                _ => {}
            },
            (
                HandlerStage::WaitQuorum | HandlerStage::Broadcast,
                QuorumPacket::SessionRequest {
                    tag,
                    session,
                    request,
                },
            ) => self.leader_session_write(l, tag, session, SessionWrite::Call(request)),
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

    /// `LearnerHandler.syncFollower` (spec §8.1): the leader's DIFF / TRUNC / SNAP plan
    /// for a learner whose last zxid is `peer`. The branch taken, with the zxids it
    /// compared, is the plan's [`SyncReason`], and the mode is that reason's
    /// [`SyncReason::mode`]: what the trace, the report and the web app show is what
    /// decided the packets.
    fn plan_sync(&self, l: &LeaderState, peer: Zxid) -> SyncPlan {
        let last_processed = self.tree.last_processed;
        let (min, max) = match (self.committed_log.front(), self.committed_log.back()) {
            (Some(a), Some(b)) => (a.zxid, b.zxid),
            _ => (last_processed, last_processed),
        };
        let mut q = Queuer::new(peer, self.bug(Bug::Zk1154));
        let in_sync_mark = if self.bug(Bug::Zk1319) {
            l.last_proposed
        } else {
            last_processed
        };
        let factor = self.cfg.storage.snapshot_size_factor;
        let reason = if in_sync_mark == peer {
            q.push(QuorumPacket::Diff { zxid: peer });
            SyncReason::InSync { peer }
        } else if peer > max && !q.peer_new_epoch {
            q.push(QuorumPacket::Trunc { zxid: max });
            q.queued = max;
            SyncReason::Ahead { peer, max }
        } else if min <= peer && peer <= max {
            q.queue_committed(self.committed_log.iter(), None, max);
            match q.outcome() {
                Ok(queued) => SyncReason::WithinLog {
                    peer,
                    min,
                    max,
                    queued,
                },
                Err(leader_next) => SyncReason::CrossEpoch {
                    peer,
                    min,
                    max,
                    from_disk: false,
                    leader_next,
                },
            }
        } else if peer < min && factor >= 0.0 {
            let limit = self.tree.size() as f64 * factor;
            let log_first = self.disk.log.first().map(|t| t.zxid);
            let size = self.disk.log_size_after(peer);
            match log_first.filter(|first| *first <= peer) {
                Some(log_first) if (size as f64) < limit => {
                    let flushed = &self.disk.log[..self.disk.flushed];
                    q.queue_committed(flushed.iter(), Some(min), max);
                    q.queue_committed(self.committed_log.iter(), None, max);
                    match q.outcome() {
                        Ok(queued) => SyncReason::DiffFromDisk {
                            peer,
                            min,
                            max,
                            log_first,
                            size,
                            limit,
                            factor,
                            queued,
                        },
                        Err(leader_next) => SyncReason::CrossEpoch {
                            peer,
                            min,
                            max,
                            from_disk: true,
                            leader_next,
                        },
                    }
                }
                Some(log_first) => SyncReason::LogTooBig {
                    peer,
                    min,
                    max,
                    log_first,
                    size,
                    limit,
                    factor,
                },
                None => SyncReason::LogGone {
                    peer,
                    min,
                    max,
                    log_first,
                },
            }
        } else if peer > max {
            SyncReason::NewEpochAhead { peer, max }
        } else {
            SyncReason::Older { peer, min, max }
        };
        let mode = reason.mode();
        if mode == SyncMode::Snap {
            return SyncPlan {
                mode,
                packets: Vec::new(),
                current: last_processed,
                reason,
                min_committed: min,
                max_committed: max,
            };
        }
        debug_assert_eq!(
            mode,
            match q.packets.first() {
                Some(QuorumPacket::Trunc { .. }) => SyncMode::Trunc,
                _ => SyncMode::Diff,
            },
            "the reason's mode is the packet the stream opens with"
        );
        SyncPlan {
            mode,
            packets: q.packets,
            current: q.queued,
            reason,
            min_committed: min,
            max_committed: max,
        }
    }

    /// A client write at the leader, or a REQUEST from a learner (spec §9.1).
    pub(crate) fn propose(&mut self, l: &mut LeaderState, op: Op, origin: Option<ClientTag>) {
        let zxid = l.last_proposed.max(l.zxid_base).next();
        if zxid.counter() == Zxid::MAX_COUNTER {
            // ZOOKEEPER-1277: never mint the last counter; force a new epoch instead.
            self.leader_shutdown(l, LeaderShutdown::ZxidRollover);
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

    /// `tryToCommit`'s test for the outstanding proposal `zxid` of this leader's state
    /// `l` (spec §9.3): strictly in zxid order, on a quorum ([`crate::Config::is_quorum`])
    /// that includes the leader's own (fsynced) ACK. `None` if `zxid` is not
    /// outstanding. The leader commits by this test, and the inspector shows it.
    pub fn commit_check(&self, l: &LeaderState, zxid: Zxid) -> Option<CommitCheck> {
        let p = l.outstanding.get(&zxid)?;
        let earlier = Zxid(zxid.0 - 1);
        Some(CommitCheck {
            zxid,
            acks: p.acks.iter().filter(|a| self.cfg.is_voter(**a)).count() as u32,
            quorum: self.cfg.quorum_size(),
            has_quorum: self.cfg.is_quorum(&p.acks),
            leader_acked: p.acks.contains(&self.id),
            earlier: l.outstanding.contains_key(&earlier).then_some(earlier),
        })
    }

    /// `tryToCommit`: commits `zxid` if [`Server::commit_check`] finds nothing in the way.
    fn try_to_commit(&mut self, l: &mut LeaderState, zxid: Zxid) -> bool {
        if !self.commit_check(l, zxid).is_some_and(|c| c.ready()) {
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
        self.apply_committed(p.txn);
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
            self.leader_shutdown(
                l,
                LeaderShutdown::NotSynced {
                    synced: synced.into_iter().collect(),
                },
            );
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
                    touches: Vec::new(),
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
    /// The opening packet, once queued.
    head: Option<Queued>,
    /// Txns queued (PROPOSAL + COMMIT each).
    txns: u32,
    /// The leader's txn that stopped the queueing: after `peer`, in another epoch.
    cross_epoch: Option<Zxid>,
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
            head: None,
            txns: 0,
            cross_epoch: None,
        }
    }

    fn push(&mut self, p: QuorumPacket) {
        self.need_op = false;
        self.packets.push(p);
    }

    /// Queues the opening DIFF or TRUNC and remembers which it was.
    fn open(&mut self, head: Queued, p: QuorumPacket) {
        self.head = Some(head);
        self.push(p);
    }

    /// What was queued, or, if no opening packet could be (`needOpPacket` is still
    /// set: the caller falls back to SNAP), the txn of another epoch that stopped it.
    fn outcome(&self) -> Result<Queued, Option<Zxid>> {
        let txns = self.txns;
        match (self.need_op, self.head) {
            (false, Some(Queued::Diff { .. })) => Ok(Queued::Diff { txns }),
            (false, Some(Queued::NewEpochDiff { .. })) => Ok(Queued::NewEpochDiff { txns }),
            (false, Some(Queued::UnmatchedDiff { .. })) => Ok(Queued::UnmatchedDiff { txns }),
            (false, Some(Queued::Trunc { to, .. })) => Ok(Queued::Trunc { to, txns }),
            _ => Err(self.cross_epoch),
        }
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
                let diff = QuorumPacket::Diff {
                    zxid: last_committed,
                };
                if t.zxid == peer {
                    self.open(Queued::Diff { txns: 0 }, diff);
                    continue;
                }
                if self.peer_new_epoch {
                    self.open(Queued::NewEpochDiff { txns: 0 }, diff);
                } else if self.bug_1154 {
                    // ZK-1154 (bug mode): DIFF even though the learner holds a txn I never had.
                    self.open(Queued::UnmatchedDiff { txns: 0 }, diff);
                } else if t.zxid > peer {
                    if t.zxid.epoch() != peer.epoch() {
                        self.cross_epoch = Some(t.zxid);
                        return; // cannot TRUNC across epochs: SNAP
                    }
                    let trunc = QuorumPacket::Trunc { zxid: prev };
                    self.open(Queued::Trunc { to: prev, txns: 0 }, trunc);
                }
            }
            if t.zxid <= self.queued {
                continue;
            }
            self.packets.push(QuorumPacket::Proposal { txn: t.clone() });
            self.packets.push(QuorumPacket::Commit { zxid: t.zxid });
            self.queued = t.zxid;
            self.txns += 1;
        }
        if self.need_op && self.peer_new_epoch {
            self.open(
                Queued::NewEpochDiff { txns: 0 },
                QuorumPacket::Diff {
                    zxid: last_committed,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::storage::{Disk, Snapshot};

    fn z(e: u32, c: u32) -> Zxid {
        Zxid::new(Epoch(e), c)
    }

    fn txn(e: u32, c: u32) -> Txn {
        Txn {
            zxid: z(e, c),
            op: Op::Set {
                path: format!("/k{c}"),
                data: format!("{e}.{c}"),
            },
            origin: None,
        }
    }

    /// A server of epoch 1 holding `log` (all fsynced), and a leader state for it.
    fn leader(log: Vec<Txn>) -> (Server, LeaderState) {
        let disk = Disk {
            accepted_epoch: Some(Epoch(2)),
            current_epoch: Some(Epoch(2)),
            flushed: log.len(),
            log,
            snapshots: vec![Snapshot::initial()],
            ..Disk::default()
        };
        let (s, _) = Server::recover(ServerId(1), Config::new(3, 0), disk).expect("starts");
        let l = LeaderState {
            stage: LeaderStage::WaitNewLeaderAck,
            epoch: Some(Epoch(3)),
            waiting_for_new_epoch: false,
            connecting: BTreeSet::new(),
            election_finished: true,
            electing: BTreeSet::new(),
            summary: (Epoch(2), s.tree.last_processed),
            new_leader_acks: BTreeSet::new(),
            quorum_formed: false,
            zxid_base: z(3, 0),
            last_proposed: z(3, 0),
            last_committed: Zxid::ZERO,
            outstanding: BTreeMap::new(),
            handlers: BTreeMap::new(),
            tick: 0,
            tick_skip: true,
            initial_history: 0,
            sessions: BTreeMap::new(),
        };
        (s, l)
    }

    fn epoch1(counters: &[u32]) -> Vec<Txn> {
        counters.iter().map(|c| txn(1, *c)).collect()
    }

    fn sent_txns(p: &SyncPlan) -> Vec<Zxid> {
        p.packets
            .iter()
            .filter_map(|p| match p {
                QuorumPacket::Proposal { txn } => Some(txn.zxid),
                _ => None,
            })
            .collect()
    }

    /// `LearnerHandler.syncFollower` (spec §8.1), the branches that keep the learner's
    /// log: `peerLastZxid == lastProcessedZxid` (empty DIFF), inside the committed
    /// log (DIFF and the txns after it, `queueCommittedProposals`), and newer than
    /// `maxCommittedLog` (TRUNC to it). The plan's reason names the branch and the
    /// zxids it compared; its mode is what the packets open with.
    #[test]
    fn sync_follower_diff_and_trunc_branches() {
        let (s, l) = leader(epoch1(&[1, 2, 3, 4, 5]));
        let p = s.plan_sync(&l, z(1, 5));
        assert_eq!(p.reason, SyncReason::InSync { peer: z(1, 5) });
        assert_eq!((p.mode, p.packets.len()), (SyncMode::Diff, 1));

        let p = s.plan_sync(&l, z(1, 3));
        assert_eq!(
            p.reason,
            SyncReason::WithinLog {
                peer: z(1, 3),
                min: z(1, 1),
                max: z(1, 5),
                queued: Queued::Diff { txns: 2 }
            }
        );
        assert_eq!(p.packets[0], QuorumPacket::Diff { zxid: z(1, 5) });
        assert_eq!(sent_txns(&p), vec![z(1, 4), z(1, 5)]);
        assert_eq!((p.mode, p.current), (SyncMode::Diff, z(1, 5)));

        let p = s.plan_sync(&l, z(1, 7));
        assert_eq!(
            p.reason,
            SyncReason::Ahead {
                peer: z(1, 7),
                max: z(1, 5)
            }
        );
        assert_eq!(p.mode, SyncMode::Trunc);
        assert_eq!(p.packets, vec![QuorumPacket::Trunc { zxid: z(1, 5) }]);

        // After startZkServer lastProcessedZxid is `epoch << 32`: a learner at the
        // newest committed txn is inside the window with nothing to resend.
        let (mut s, l) = leader(epoch1(&[1, 2, 3]));
        s.tree.last_processed = z(3, 0);
        let p = s.plan_sync(&l, z(1, 3));
        assert!(
            matches!(
                p.reason,
                SyncReason::WithinLog {
                    queued: Queued::Diff { txns: 0 },
                    ..
                }
            ),
            "{:?}",
            p.reason
        );
        assert_eq!(p.packets, vec![QuorumPacket::Diff { zxid: z(1, 3) }]);
    }

    /// `queueCommittedProposals` (spec §8.1): a learner whose last txn the leader
    /// never had gets TRUNC to the leader's txn before it, in the same epoch; across
    /// an epoch it cannot ("Cannot send TRUNC to peer ... from different epoch"), and
    /// `syncFollower` falls back to SNAP. A new epoch's base zxid gets a DIFF.
    #[test]
    fn queue_committed_proposals_trunc_cross_epoch_and_new_epoch() {
        let (s, l) = leader(epoch1(&[1, 2, 4, 5]));
        let p = s.plan_sync(&l, z(1, 3));
        assert_eq!(
            p.reason,
            SyncReason::WithinLog {
                peer: z(1, 3),
                min: z(1, 1),
                max: z(1, 5),
                queued: Queued::Trunc {
                    to: z(1, 2),
                    txns: 2
                }
            }
        );
        assert_eq!(p.mode, SyncMode::Trunc);
        assert_eq!(p.packets[0], QuorumPacket::Trunc { zxid: z(1, 2) });
        assert_eq!(sent_txns(&p), vec![z(1, 4), z(1, 5)]);

        let mut log = epoch1(&[1, 2]);
        log.extend([txn(2, 1), txn(2, 2)]);
        let (s, l) = leader(log.clone());
        let p = s.plan_sync(&l, z(1, 3));
        assert_eq!(
            p.reason,
            SyncReason::CrossEpoch {
                peer: z(1, 3),
                min: z(1, 1),
                max: z(2, 2),
                from_disk: false,
                leader_next: Some(z(2, 1))
            }
        );
        assert_eq!((p.mode, p.packets.len()), (SyncMode::Snap, 0));

        let p = s.plan_sync(&l, z(2, 0));
        assert_eq!(
            p.reason,
            SyncReason::WithinLog {
                peer: z(2, 0),
                min: z(1, 1),
                max: z(2, 2),
                queued: Queued::NewEpochDiff { txns: 2 }
            }
        );
        assert_eq!(sent_txns(&p), vec![z(2, 1), z(2, 2)]);

        // Newer than the committed log but counter 0: the TRUNC branch excludes it and
        // no other applies.
        let p = s.plan_sync(&l, z(3, 0));
        assert_eq!(
            p.reason,
            SyncReason::NewEpochAhead {
                peer: z(3, 0),
                max: z(2, 2)
            }
        );
        assert_eq!(p.mode, SyncMode::Snap);
    }

    /// `syncFollower` for a learner older than `minCommittedLog` (spec §8.1, §3
    /// snapshotSizeFactor): DIFF from the txn log on disk if it reaches back to the
    /// learner and what follows is smaller than factor x the snapshot; else SNAP, with
    /// the reason saying which test failed and where the log on disk starts.
    #[test]
    fn sync_follower_older_than_the_committed_log() {
        let (mut s, l) = leader(epoch1(&[1, 2, 3, 4, 5]));
        s.committed_log.drain(..3); // the window is [1.4, 1.5]
        s.cfg.storage.snapshot_size_factor = 10.0;
        let p = s.plan_sync(&l, z(1, 2));
        match p.reason {
            SyncReason::DiffFromDisk {
                peer,
                min,
                max,
                log_first,
                size,
                queued,
                ..
            } => {
                assert_eq!(
                    (peer, min, max, log_first),
                    (z(1, 2), z(1, 4), z(1, 5), z(1, 1))
                );
                assert_eq!(size, s.disk.log_size_after(z(1, 2)));
                assert_eq!(queued, Queued::Diff { txns: 3 });
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(sent_txns(&p), vec![z(1, 3), z(1, 4), z(1, 5)]);
        assert_eq!(p.mode, SyncMode::Diff);

        s.cfg.storage.snapshot_size_factor = 0.01;
        let p = s.plan_sync(&l, z(1, 2));
        assert!(
            matches!(p.reason, SyncReason::LogTooBig { log_first, .. } if log_first == z(1, 1)),
            "{:?}",
            p.reason
        );
        assert_eq!(p.mode, SyncMode::Snap);

        s.cfg.storage.snapshot_size_factor = -1.0;
        let p = s.plan_sync(&l, z(1, 2));
        assert_eq!(
            p.reason,
            SyncReason::Older {
                peer: z(1, 2),
                min: z(1, 4),
                max: z(1, 5)
            }
        );

        s.cfg.storage.snapshot_size_factor = 10.0;
        s.disk.log.drain(..2);
        s.disk.flushed -= 2; // the log on disk starts at 1.3 now
        let p = s.plan_sync(&l, z(1, 2));
        assert_eq!(
            p.reason,
            SyncReason::LogGone {
                peer: z(1, 2),
                min: z(1, 4),
                max: z(1, 5),
                log_first: Some(z(1, 3))
            }
        );
        assert_eq!(p.mode, SyncMode::Snap);
        s.disk.log.clear();
        s.disk.flushed = 0;
        let p = s.plan_sync(&l, z(1, 2));
        assert!(
            matches!(
                p.reason,
                SyncReason::LogGone {
                    log_first: None,
                    ..
                }
            ),
            "{:?}",
            p.reason
        );
    }
}

#[cfg(test)]
mod commit_tests {
    use super::*;
    use crate::config::Config;
    use crate::storage::Disk;

    fn z(c: u32) -> Zxid {
        Zxid::new(Epoch(1), c)
    }

    /// Leader 1 of 5 voters with proposals 0x100000001..=`n` outstanding, none ACKed.
    fn leader(n: u32) -> (Server, LeaderState) {
        let (s, _) =
            Server::recover(ServerId(1), Config::new(5, 1), Disk::default()).expect("starts");
        let mut l = LeaderState {
            stage: LeaderStage::Broadcast,
            epoch: Some(Epoch(1)),
            waiting_for_new_epoch: false,
            connecting: BTreeSet::new(),
            election_finished: true,
            electing: BTreeSet::new(),
            summary: (Epoch(0), Zxid::ZERO),
            new_leader_acks: BTreeSet::new(),
            quorum_formed: true,
            zxid_base: z(0),
            last_proposed: z(n),
            last_committed: z(0),
            outstanding: BTreeMap::new(),
            handlers: BTreeMap::new(),
            tick: 0,
            tick_skip: true,
            initial_history: 0,
            sessions: BTreeMap::new(),
        };
        for c in 1..=n {
            let txn = Txn {
                zxid: z(c),
                op: Op::create(format!("/p{c}"), ""),
                origin: None,
            };
            l.outstanding.insert(
                z(c),
                Proposal {
                    txn,
                    acks: BTreeSet::new(),
                },
            );
        }
        (s, l)
    }

    fn ack(l: &mut LeaderState, c: u32, from: &[u32]) {
        let p = l.outstanding.get_mut(&z(c)).expect("outstanding");
        p.acks.extend(from.iter().map(|i| ServerId(*i)));
    }

    /// `Leader.tryToCommit` (spec §9.3, §2.4 QuorumMaj): a proposal commits on a
    /// quorum of voters' ACKs that includes the leader's own, and only once the
    /// proposal before it is committed; the check names each unmet condition in the
    /// order tryToCommit tests them, with the ACK count and Config's quorum.
    #[test]
    fn try_to_commit_needs_order_the_leaders_ack_and_a_quorum() {
        let (s, mut l) = leader(2);
        assert_eq!(s.cfg.quorum_size(), 3, "3 of 5 voters");
        assert_eq!(s.commit_check(&l, z(3)), None, "not outstanding");
        let c = s.commit_check(&l, z(2)).expect("outstanding");
        assert_eq!(
            c.blockers().collect::<Vec<_>>(),
            vec![
                CommitBlocker::Order { earlier: z(1) },
                CommitBlocker::LeaderAck,
                CommitBlocker::Quorum { acks: 0, needed: 3 }
            ]
        );
        // Two followers and the observer (id 6): the observer does not count.
        ack(&mut l, 2, &[2, 3, 6]);
        let c = s.commit_check(&l, z(2)).unwrap();
        assert_eq!((c.acks, c.has_quorum), (2, false));
        // A quorum without the leader does not commit.
        ack(&mut l, 2, &[4]);
        let c = s.commit_check(&l, z(2)).unwrap();
        assert_eq!(
            c.blockers().collect::<Vec<_>>(),
            vec![
                CommitBlocker::Order { earlier: z(1) },
                CommitBlocker::LeaderAck
            ]
        );
        ack(&mut l, 2, &[1]);
        let c = s.commit_check(&l, z(2)).unwrap();
        assert_eq!(c.earlier, Some(z(1)));
        assert!(!c.ready(), "0x100000001 is still outstanding");
        let first = s.commit_check(&l, z(1)).unwrap();
        assert_eq!(first.earlier, None);
        assert!(!first.ready());
        l.outstanding.remove(&z(1));
        assert!(s.commit_check(&l, z(2)).unwrap().ready());
    }

    /// `processAck` → `tryToCommit` (spec §9.3): the leader commits by the same check,
    /// and a later proposal that already has its quorum commits right after the one
    /// before it.
    #[test]
    fn process_ack_commits_in_order_by_the_check() {
        let (mut s, mut l) = leader(2);
        ack(&mut l, 2, &[1, 2, 3]);
        assert!(s.commit_check(&l, z(2)).unwrap().blockers().count() == 1);
        ack(&mut l, 1, &[1, 2]);
        s.process_ack(&mut l, ServerId(3), z(1));
        assert_eq!(l.last_committed, z(2));
        assert!(l.outstanding.is_empty());
    }
}
