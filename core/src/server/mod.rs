//! One ZooKeeper server as a sans-IO state machine (spec §4-§11).
//!
//! [`Server::handle`] takes the simulated time and one [`Input`] and returns
//! [`Effect`]s as data; the simulator interprets them. Nothing here reads a clock,
//! draws randomness (the simulator passes a random `roll` in [`Ctx`]) or does I/O.
//!
//! The threads of a real server (QuorumPeer, LearnerHandlers, SyncRequestProcessor,
//! CommitProcessor) become the role modules below: `election` (FLE), `leader`
//! (Leader + LearnerHandler), `learner` (Follower / Observer) and `sync_thread`
//! (SyncRequestProcessor), whose fsync completions come back as [`Input::FsyncDone`].
//! `io` holds the inputs and effects with the contract the simulator keeps,
//! `recovery` the start from disk, `role_exit` what leaving a role undoes, `events`
//! what a server reports, `crash_point` where a scenario can stop it.

mod crash_point;
mod election;
mod events;
mod io;
mod leader;
mod learner;
mod reasons;
mod recovery;
mod role;
mod role_exit;
mod sessions;
mod sync_thread;

pub use crash_point::CrashPoint;
pub use events::{EpochFile, ServerEvent};
pub use io::{ConnId, Ctx, Effect, Input, Timer, WriteResult};
pub use role::{Phase, Role, SyncMode};
pub use sessions::{Cnxn, Tracked, Watches};
pub use sync_thread::SyncThread;

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

use crate::client::Request;
use crate::config::{Bug, Config};
use crate::ids::{ClientId, Epoch, ServerId, SessionId, Time, Zxid};
use crate::packet::{QuorumPacket, ServerState, Vote};
use crate::storage::Disk;
use crate::tree::DataTree;
use crate::txn::{ClientTag, Op, ReqId, Txn};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

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
    /// The role, with its state (LOOKING, LEADING, FOLLOWING or OBSERVING). While a
    /// role's handler runs, its state is lent to the handler and this reads
    /// [`Role::Looking`]; handlers read their own state instead.
    pub role: Role,
    /// The vote this server last decided on (`currentVote`).
    pub current_vote: Vote,
    /// Fast Leader Election state.
    pub fle: Fle,
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
    /// Session clients connected here.
    pub cnxns: BTreeMap<ClientId, Cnxn>,
    /// Watches registered here.
    pub watches: Watches,
    /// The next session id this server hands out.
    pub next_session: SessionId,
    /// Learner: sessions active since the last PING, with their timeouts.
    pub touches: BTreeMap<SessionId, u64>,
    /// Session calls submitted here and waiting for their txn.
    pub client_pending: BTreeMap<ReqId, ClientId>,
    /// Reads waiting behind an earlier write of their session (CommitProcessor's
    /// per-session queue), in arrival order.
    pub held_reads: Vec<(ReqId, ClientId, Request)>,
    now: Time,
    roll: u64,
    out: Vec<Effect>,
}

impl Server {
    /// Handles one input at simulated time `ctx.now`; returns the effects.
    pub fn handle(&mut self, ctx: Ctx, input: Input) -> Vec<Effect> {
        if self.halted {
            return Vec::new();
        }
        self.now = ctx.now;
        self.roll = ctx.roll;
        match input {
            Input::Boot => {
                self.next_session = SessionId::first_of(self.id, ctx.now);
                self.reset_snap_threshold();
                self.start_looking();
            }
            Input::Notification { from, n } => self.on_notification(from, n),
            Input::Timer(t) => self.on_timer(t),
            Input::FsyncDone { upto } => self.on_fsync_done(upto),
            Input::ClientWrite { req, op } => self.on_client_write(req, op),
            Input::FromClient { client, msg } => self.on_from_client(client, msg),
            Input::Accepted { conn, learner } => {
                self.with_leader(|s, l| s.leader_accept(l, conn, learner))
            }
            Input::Connected { conn } => self.with_learner(|s, l| s.learner_connected(l, conn)),
            Input::ConnectFailed => self.with_learner(|s, l| s.learner_connect_failed(l)),
            Input::Packet { conn, packet } => match self.role {
                Role::Leading(_) => self.with_leader(|s, l| s.leader_packet(l, conn, packet)),
                Role::Following(_) | Role::Observing(_) => {
                    self.with_learner(|s, l| s.learner_packet(l, conn, packet))
                }
                Role::Looking => {}
            },
            Input::Closed { conn } => match self.role {
                Role::Leading(_) => self.with_leader(|s, l| s.leader_closed(l, conn)),
                Role::Following(_) | Role::Observing(_) => {
                    self.with_learner(|s, l| s.learner_closed(l, conn))
                }
                Role::Looking => {}
            },
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
            Timer::SessionExpiry => self.with_leader(|s, l| s.session_expiry(l)),
        }
    }

    /// Runs `f` on the leader state, lent out of [`Server::role`] for the call; puts it
    /// back only if the server did not leave the role (or stop) meanwhile.
    pub(super) fn with_leader(&mut self, f: impl FnOnce(&mut Self, &mut LeaderState)) {
        if !matches!(self.role, Role::Leading(_)) {
            return;
        }
        let Role::Leading(mut l) = std::mem::replace(&mut self.role, Role::Looking) else {
            return;
        };
        let gen = self.role_gen;
        f(self, &mut l);
        if self.role_gen == gen && !self.halted {
            self.role = Role::Leading(l);
        } else if !self.halted {
            self.close_role_connections(Some(l), None);
        }
    }

    /// Runs `f` on the learner state, lent out of [`Server::role`] for the call; puts
    /// it back only if the server did not leave the role (or stop) meanwhile.
    pub(super) fn with_learner(&mut self, f: impl FnOnce(&mut Self, &mut LearnerState)) {
        let observer = match self.role {
            Role::Following(_) => false,
            Role::Observing(_) => true,
            _ => return,
        };
        let (Role::Following(mut l) | Role::Observing(mut l)) =
            std::mem::replace(&mut self.role, Role::Looking)
        else {
            return;
        };
        let gen = self.role_gen;
        f(self, &mut l);
        if self.role_gen == gen && !self.halted {
            self.role = if observer {
                Role::Observing(l)
            } else {
                Role::Following(l)
            };
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
        self.phase() == Phase::Broadcast
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

    /// Reports a new `ServerState` / ZAB phase (the role or its stage changed).
    pub(crate) fn announce(&mut self, state: ServerState, phase: Phase) {
        self.event(ServerEvent::StateChange { state, phase });
    }

    /// `QuorumPeer.ServerState` (see [`Server::role`] for the moment a handler runs).
    pub fn state(&self) -> ServerState {
        self.role.state()
    }

    /// `QuorumPeer.ZabState`.
    pub fn phase(&self) -> Phase {
        self.role.phase()
    }

    /// `QuorumPeer.SyncMode`.
    pub fn sync_mode(&self) -> SyncMode {
        self.role.sync_mode()
    }

    /// The leader's state, while LEADING.
    pub fn leader(&self) -> Option<&LeaderState> {
        self.role.leader()
    }

    /// The learner's state, while FOLLOWING or OBSERVING.
    pub fn learner(&self) -> Option<&LearnerState> {
        self.role.learner()
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
    pub(crate) fn apply_committed(&mut self, txn: Txn) {
        let triggers = match self.watches.is_empty() {
            true => Vec::new(),
            false => self.tree.triggers(&txn.op),
        };
        self.tree.apply(&txn);
        self.event(ServerEvent::Commit { zxid: txn.zxid });
        let session_work = !triggers.is_empty()
            || txn.origin.is_some_and(|t| t.client.is_some())
            || matches!(txn.op, Op::CreateSession { .. } | Op::CloseSession { .. });
        if session_work {
            self.session_applied(&txn, triggers);
        }
        if let Some(ClientTag {
            server,
            req,
            client: None,
        }) = txn.origin
        {
            if server == self.id && self.pending_writes.remove(&req).is_some() {
                self.emit(Effect::ClientReply {
                    req,
                    result: WriteResult::Committed { zxid: txn.zxid },
                });
            }
        }
        // The txn itself ends in committedLog (read only when the leader plans a sync).
        self.committed_log.push_back(txn);
        while self.committed_log.len() as u64 > self.cfg.storage.commit_log_count {
            self.committed_log.pop_front();
        }
    }

    // ---- clients ----

    fn on_client_write(&mut self, req: ReqId, op: Op) {
        let tag = ClientTag {
            server: self.id,
            req,
            client: None,
        };
        if !self.is_serving() {
            let reason = WriteFailure::NotServing {
                server: self.id,
                state: self.state(),
                phase: self.phase(),
            };
            self.emit(Effect::ClientReply {
                req,
                result: WriteResult::Failed { reason },
            });
            return;
        }
        self.pending_writes.insert(req, op.clone());
        if matches!(self.role, Role::Leading(_)) {
            self.with_leader(|s, l| s.propose(l, op, Some(tag)));
        } else {
            self.with_learner(|s, l| s.send_to_leader(l, QuorumPacket::Request { tag, op }));
        }
    }

    /// Reads a znode from this server's in-memory tree (served locally, possibly stale).
    pub fn read(&self, path: &str) -> Option<&String> {
        self.tree.nodes.get(path)
    }
}
