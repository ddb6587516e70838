//! Read-only views for the "seeing why" panels: the server inspector (durable vs
//! volatile state), the space-time diagram, the invariants panel and the bug lab.
//!
//! Like the rest of the engine this only reads what core exposes: the servers' state,
//! and for the space-time diagram and the explanations (packets, state changes, votes
//! with their reasons, sync choices, recoveries) the engine's
//! [`TraceStore`](super::trace_store::TraceStore). Reading a view never steps a
//! simulator.

use crate::t;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::text::lang;
use crate::text::narrate::reasons;
use zab_core::bugs::CATALOGUE;
use zab_core::check::{Detail, INVARIANTS};
use zab_core::packet::{PacketPhase, ServerState, Vote};
use zab_core::server::{
    compare_votes, CommitCheck, HandlerStage, LeaderStage, LearnerStage, StartRefusal, SyncMode,
    SyncReason, VoteComparison, VoteReason,
};
use zab_core::sim::trace::PacketSummary;
use zab_core::sim::{CrashReason, DownReason, DropReason};
use zab_core::storage::Disk;
use zab_core::{ServerId, Time, Zxid};

use super::Engine;
use crate::engine::views::Role;
use crate::engine::views::ViolationView;

/// Log entries the inspector lists (the newest).
const INSPECT_LOG_ENTRIES: usize = 40;
/// Arrows the space-time diagram draws at most (the newest).
pub const MAX_ARROWS: usize = 400;

// ---------------------------------------------------------------------------
// Plain view types
// ---------------------------------------------------------------------------

/// A vote `(leader, zxid, peerEpoch)` and the round it belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VoteView {
    /// Proposed leader (0: an observer's empty vote).
    pub leader: u32,
    /// The proposed leader's last zxid.
    pub zxid: Zxid,
    /// The proposed leader's currentEpoch.
    pub peer_epoch: u32,
    /// The election round (`logicalclock`).
    pub round: u64,
}

impl VoteView {
    /// The vote as the page writes it, in comparison order (`text::vote`).
    pub fn label(&self) -> String {
        crate::text::vote::text(self.leader, self.zxid, self.peer_epoch)
    }
}

pub(super) fn vote_view(v: &Vote) -> VoteView {
    VoteView {
        leader: v.leader.0,
        zxid: v.zxid,
        peer_epoch: v.peer_epoch.0,
        round: v.election_epoch,
    }
}

/// The vote a view shows (every field of it is in the view).
pub(super) fn vote_of(v: &VoteView) -> Vote {
    Vote {
        leader: ServerId(v.leader),
        zxid: v.zxid,
        election_epoch: v.round,
        peer_epoch: zab_core::Epoch(v.peer_epoch),
    }
}

/// One txn of the durable log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    /// Its zxid.
    pub zxid: Zxid,
    /// The write.
    pub op: String,
    /// fsynced (survives a crash).
    pub flushed: bool,
}

/// A snapshot file.
#[derive(Clone, Debug, PartialEq)]
pub struct SnapshotLine {
    /// Its label (the tree's lastProcessedZxid when taken).
    pub zxid: Zxid,
    /// Znodes in it.
    pub nodes: usize,
    /// Txns it contains (applied history length).
    pub txns: u64,
}

/// What survives a crash (spec §4.1).
#[derive(Clone, Debug, PartialEq)]
pub struct DurableView {
    /// The `acceptedEpoch` file (`None`: not written yet).
    pub accepted_epoch: Option<u32>,
    /// The `currentEpoch` file.
    pub current_epoch: Option<u32>,
    /// The `updatingEpoch` marker, present only between a learner's NEWLEADER and its
    /// currentEpoch write.
    pub updating_epoch: Option<u32>,
    /// The `needsFullSync` marker: a TRUNC could not be carried out, so the next sync
    /// replaces the whole history.
    pub full_sync_needed: bool,
    /// The newest log entries.
    pub log: Vec<LogLine>,
    /// Older entries not listed.
    pub hidden: usize,
    /// Entries in the log.
    pub log_len: usize,
    /// How many are fsynced.
    pub flushed: usize,
    /// Snapshots, oldest first.
    pub snapshots: Vec<SnapshotLine>,
    /// The log holds nothing at or below this any more (purged).
    pub purged_upto: Zxid,
    /// Last fsynced zxid (or newest snapshot label).
    pub last_flushed: Zxid,
}

/// A vote received during FLE.
#[derive(Clone, Debug, PartialEq)]
pub struct ReceivedVote {
    /// Sender.
    pub from: u32,
    /// The vote.
    pub vote: VoteView,
    /// The sender's state (`LOOKING`, `FOLLOWING`...).
    pub state: &'static str,
    /// It counts for the receiver's proposal (the election's own agreement rule,
    /// `Server::agrees_with_proposal`).
    pub agrees: bool,
    /// The vote against the receiver's proposal (`compare_votes`).
    pub against_proposal: VoteComparison,
}

/// A FOLLOWING or LEADING server's answer during FLE (`outofelection`).
#[derive(Clone, Debug, PartialEq)]
pub struct EstablishedVote {
    /// Sender.
    pub from: u32,
    /// The vote it follows or leads with.
    pub vote: VoteView,
    /// The sender's state (`FOLLOWING`, `LEADING`).
    pub state: &'static str,
}

/// FLE state while LOOKING.
#[derive(Clone, Debug, PartialEq)]
pub struct FleView {
    /// `logicalclock`.
    pub round: u64,
    /// The current proposal (its own vote if it has none yet).
    pub proposal: VoteView,
    /// The proposal against its own vote (`compare_votes`): why it adopted another.
    pub proposal_vs_own: VoteComparison,
    /// A quorum agreed: waiting finalizeWait for a better vote.
    pub finalizing: bool,
    /// `recvset`: votes of this round.
    pub received: Vec<ReceivedVote>,
    /// `outofelection`: FOLLOWING/LEADING notifications.
    pub out_of_election: Vec<EstablishedVote>,
}

/// A leader's view of one learner.
#[derive(Clone, Debug, PartialEq)]
pub struct LearnerRow {
    /// The learner.
    pub sid: u32,
    /// An observer.
    pub observer: bool,
    /// Where its LearnerHandler is, in words.
    pub stage: String,
    /// `NONE`, `DIFF`, `TRUNC`, `SNAP`.
    pub sync_mode: &'static str,
    /// Its last zxid from ACKEPOCH.
    pub peer_last_zxid: Zxid,
    /// Receives broadcasts.
    pub forwarding: bool,
    /// PROPOSALs sent and not ACKed yet.
    pub unacked: usize,
}

/// A proposal waiting for its quorum.
#[derive(Clone, Debug, PartialEq)]
pub struct ProposalRow {
    /// Its zxid.
    pub zxid: Zxid,
    /// The write.
    pub op: String,
    /// Voters that ACKed (after their fsync), the leader included once its own fsync is done.
    pub acks: Vec<u32>,
    /// The leader's own commit test (`Server::commit_check`, `tryToCommit`): the ACK
    /// count, the quorum from the cluster's Config, the leader's own ACK and zxid order.
    pub check: CommitCheck,
}

/// A leader's volatile state.
#[derive(Clone, Debug, PartialEq)]
pub struct LeaderView {
    /// Where `lead()` is, in words.
    pub stage: String,
    /// The epoch it proposes or leads.
    pub epoch: Option<u32>,
    /// `lastProposed`.
    pub last_proposed: Zxid,
    /// `lastCommitted`.
    pub last_committed: Zxid,
    /// NEWLEADER-ACKs counted so far.
    pub new_leader_acks: Vec<u32>,
    /// One row per connected learner.
    pub learners: Vec<LearnerRow>,
    /// Outstanding proposals, oldest first.
    pub outstanding: Vec<ProposalRow>,
}

/// A follower's or observer's volatile state.
#[derive(Clone, Debug, PartialEq)]
pub struct LearnerView {
    /// The leader it follows.
    pub leader: u32,
    /// Where it is, in words.
    pub stage: String,
    /// `lastQueued`.
    pub last_queued: Zxid,
    /// Txns received and not yet committed (or, while syncing, not yet logged).
    pub pending: usize,
}

/// What a crash wipes (spec §4.2).
#[derive(Clone, Debug, PartialEq)]
pub struct VolatileView {
    /// Role.
    pub role: Role,
    /// ServerState name.
    pub state: &'static str,
    /// ZabState name.
    pub phase: &'static str,
    /// `NONE`, `DIFF`, `TRUNC`, `SNAP`.
    pub sync_mode: &'static str,
    /// `lastProcessedZxid`.
    pub applied: Zxid,
    /// The in-memory data tree.
    pub tree: Vec<(String, String)>,
    /// The committed log kept for DIFF: (min, max, count).
    pub committed_log: Option<(Zxid, Zxid, usize)>,
    /// The vote it last decided on (`currentVote`).
    pub current_vote: VoteView,
    /// Its own vote: itself, its last zxid, its currentEpoch.
    pub own_vote: VoteView,
    /// FLE, while LOOKING.
    pub fle: Option<FleView>,
    /// While LEADING.
    pub leader: Option<LeaderView>,
    /// While FOLLOWING or OBSERVING.
    pub learner: Option<LearnerView>,
    /// Txns queued for the Sync thread, not appended yet.
    pub sync_queue: usize,
    /// A log fsync is in flight.
    pub fsync_in_flight: bool,
}

/// How a restart rebuilt the in-memory state (ServerEvent::Recovered).
#[derive(Clone, Debug, PartialEq)]
pub struct RecoveryView {
    /// When.
    pub at_ms: Time,
    /// The snapshot loaded (0 if none).
    pub snapshot: Zxid,
    /// Log entries replayed on top.
    pub replayed: u64,
    /// Resulting last zxid.
    pub last_zxid: Zxid,
}

/// A leader's DIFF / TRUNC / SNAP choice for a learner (ServerEvent::SyncChosen).
#[derive(Clone, Debug, PartialEq)]
pub struct SyncChoiceView {
    /// When.
    pub at_ms: Time,
    /// The leader.
    pub leader: u32,
    /// The learner.
    pub learner: u32,
    /// DIFF, TRUNC or SNAP.
    pub mode: SyncMode,
    /// The leader's plan: the branch of `syncFollower` it took, with the zxids it
    /// compared (the learner's last zxid, the committed-log window, the log on disk)
    /// and what it queued; its words are its `Display`.
    pub reason: SyncReason,
}

/// A vote a server sent, with why it changed (ServerEvent::Vote).
#[derive(Clone, Debug, PartialEq)]
pub struct VoteEventView {
    /// When.
    pub at_ms: Time,
    /// The vote.
    pub vote: VoteView,
    /// Why it was (re)sent.
    pub reason: VoteReason,
    /// The vote it replaced in the same round, if it changed, and how the new one
    /// compares with it (`compare_votes`).
    pub previous: Option<(VoteView, VoteComparison)>,
}

/// A refused start.
#[derive(Clone, Debug, PartialEq)]
pub struct RefusalView {
    /// When (`None`: known only from the down reason).
    pub at_ms: Option<Time>,
    /// The startup check that failed.
    pub refusal: StartRefusal,
}

/// Everything the inspector shows about one server.
#[derive(Clone, Debug, PartialEq)]
pub struct InspectView {
    /// `myid`.
    pub id: u32,
    /// Non-voting observer.
    pub observer: bool,
    /// The process runs.
    pub up: bool,
    /// Simulated time.
    pub now: Time,
    /// Voters in the cluster.
    pub participants: u32,
    /// Votes a quorum needs (`Config::quorum_size`).
    pub quorum: u32,
    /// Durable state.
    pub durable: DurableView,
    /// Volatile state (`None` while down: wiped).
    pub volatile: Option<VolatileView>,
    /// Why it is down.
    pub down_reason: Option<String>,
    /// How its last restart rebuilt its state.
    pub recovery: Option<RecoveryView>,
    /// Its last refused start, if its latest restart was refused.
    pub refusal: Option<RefusalView>,
    /// How its current (or last) leader synchronised it.
    pub synced: Option<SyncChoiceView>,
    /// While leading: the sync choice of each learner, by learner id.
    pub learner_syncs: BTreeMap<u32, SyncChoiceView>,
    /// Its recent votes, oldest first.
    pub votes: Vec<VoteEventView>,
}

/// A server's state on the space-time diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaneState {
    /// Running, with its role and phase.
    Up(Role, &'static str),
    /// Down.
    Down,
    /// Not known (before the trace the diagram holds).
    Unknown,
}

/// One band of a lane: a state from `from` to `to`.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// Start.
    pub from: Time,
    /// End.
    pub to: Time,
    /// The state.
    pub state: LaneState,
}

/// A packet on the space-time diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    /// Packet id.
    pub id: u64,
    /// Sender.
    pub from: u32,
    /// Receiver.
    pub to: u32,
    /// ZooKeeper's packet type.
    pub kind: &'static str,
    /// Its fields (in words through its `Display`).
    pub summary: PacketSummary,
    /// When sent.
    pub sent: Time,
    /// When it arrived, was lost, or will arrive.
    pub end: Time,
    /// What happened to it.
    pub fate: Fate,
}

impl Arrow {
    /// The protocol phase of its packet.
    pub fn phase(&self) -> PacketPhase {
        self.summary.0.phase()
    }
}

/// What happened to a packet.
#[derive(Clone, Debug, PartialEq)]
pub enum Fate {
    /// Delivered at `end`.
    Delivered,
    /// Lost at `end`, and why.
    Dropped(DropReason),
    /// Still in flight; due at `end`.
    InFlight,
}

/// A crash, a restart or a violation on the diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// When.
    pub at: Time,
    /// Server (0: the cluster, for violations involving several).
    pub server: u32,
    /// What happened.
    pub kind: MarkKind,
}

/// What a [`Mark`] marks.
#[derive(Clone, Debug, PartialEq)]
pub enum MarkKind {
    /// The server crashed.
    Crash(CrashReason),
    /// The server restarted.
    Restart,
    /// The server refused to start.
    Refused(StartRefusal),
    /// An invariant broke.
    Violation {
        /// Its id, e.g. `I10`.
        invariant: String,
        /// Its name.
        name: String,
        /// What broke, as data (worded where it is shown: `text::violation`).
        detail: Arc<Detail>,
    },
}

impl MarkKind {
    /// The `data-mark` value: `crash`, `restart`, `refused`, `violation`.
    pub fn attr(&self) -> &'static str {
        match self {
            MarkKind::Crash(_) => "crash",
            MarkKind::Restart => "restart",
            MarkKind::Refused(_) => "refused",
            MarkKind::Violation { .. } => "violation",
        }
    }
}

/// The space-time diagram of a time window.
#[derive(Clone, Debug, PartialEq)]
pub struct SpaceTimeView {
    /// Window start.
    pub from: Time,
    /// Window end.
    pub to: Time,
    /// The simulation's time (the diagram knows nothing after it but packets in flight).
    pub now: Time,
    /// Server ids, in lane order.
    pub lanes: Vec<u32>,
    /// Current role of each lane's server (for the label).
    pub roles: Vec<Role>,
    /// Bands, per lane.
    pub bands: Vec<Vec<Band>>,
    /// Packets, oldest first.
    pub arrows: Vec<Arrow>,
    /// Arrows in the window not drawn (over [`MAX_ARROWS`]).
    pub hidden_arrows: usize,
    /// Crashes, restarts, violations.
    pub marks: Vec<Mark>,
    /// The diagram's trace starts here (nothing is known before).
    pub known_from: Time,
    /// How many times the engine's trace store was refilled from the timeline
    /// (diagnostics: following the run should not refill it).
    pub rebuilds: u64,
}

/// One invariant and its status.
#[derive(Clone, Debug, PartialEq)]
pub struct InvariantRow {
    /// Id, e.g. `I10`.
    pub id: &'static str,
    /// Name.
    pub name: &'static str,
    /// What it demands.
    pub summary: &'static str,
    /// Violations found (the checker keeps a few per invariant).
    pub violations: Vec<ViolationView>,
}

/// One catalogued historical bug.
#[derive(Clone, Debug, PartialEq)]
pub struct BugView {
    /// `ZK-3911`.
    pub id: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// Releases that fixed it.
    pub fixed_in: &'static str,
    /// What it was and what breaks.
    pub explanation: &'static str,
    /// The invariant that catches it, e.g. `I10`.
    pub invariant: &'static str,
    /// That invariant's name.
    pub invariant_name: &'static str,
    /// The preset scenario's description.
    pub scenario: String,
    /// The preset's run length.
    pub run_until_ms: Time,
}

/// Every catalogued bug, in catalogue order.
pub fn bug_catalogue() -> Vec<BugView> {
    CATALOGUE
        .iter()
        .map(|b| {
            let s = b.scenario();
            BugView {
                id: b.bug.id(),
                title: b.title,
                fixed_in: b.fixed_in,
                explanation: b.explanation,
                invariant: b.invariant,
                invariant_name: INVARIANTS
                    .iter()
                    .find(|i| i.id == b.invariant)
                    .map_or("", |i| i.name),
                scenario: s.description,
                run_until_ms: s.run_until_ms,
            }
        })
        .collect()
}

fn handler_stage(s: HandlerStage) -> String {
    match s {
        HandlerStage::WaitInfo => t!("stage.handler.wait_info"),
        HandlerStage::WaitEpoch => t!("stage.handler.wait_epoch"),
        HandlerStage::WaitAckEpoch => t!("stage.handler.wait_ack_epoch"),
        HandlerStage::WaitElection => t!("stage.handler.wait_election"),
        HandlerStage::WaitNewLeaderAck => t!("stage.handler.wait_new_leader_ack"),
        HandlerStage::WaitQuorum => t!("stage.handler.wait_quorum"),
        HandlerStage::Broadcast => t!("stage.handler.broadcast"),
    }
    .into_owned()
}

fn leader_stage(s: LeaderStage) -> String {
    match s {
        LeaderStage::WaitEpoch => t!("stage.leader.wait_epoch"),
        LeaderStage::WaitEpochAck => t!("stage.leader.wait_epoch_ack"),
        LeaderStage::WaitNewLeaderAck => t!("stage.leader.wait_new_leader_ack"),
        LeaderStage::Broadcast => t!("stage.leader.broadcast"),
    }
    .into_owned()
}

fn learner_stage(s: LearnerStage) -> String {
    match s {
        LearnerStage::Connecting => t!("stage.learner.connecting"),
        LearnerStage::WaitLeaderInfo => t!("stage.learner.wait_leader_info"),
        LearnerStage::WaitSyncHeader => t!("stage.learner.wait_sync_header"),
        LearnerStage::Syncing { .. } => t!("stage.learner.syncing"),
        LearnerStage::WaitUpToDate => t!("stage.learner.wait_up_to_date"),
        LearnerStage::Broadcast => t!("stage.learner.broadcast"),
    }
    .into_owned()
}

fn durable(disk: &Disk) -> DurableView {
    let skip = disk.log.len().saturating_sub(INSPECT_LOG_ENTRIES);
    DurableView {
        accepted_epoch: disk.accepted_epoch.map(|e| e.0),
        current_epoch: disk.current_epoch.map(|e| e.0),
        updating_epoch: disk.updating_epoch.map(|e| e.0),
        full_sync_needed: disk.full_sync_needed,
        log: disk
            .log
            .iter()
            .enumerate()
            .skip(skip)
            .map(|(i, t)| LogLine {
                zxid: t.zxid,
                op: t.op.label(),
                flushed: i < disk.flushed,
            })
            .collect(),
        hidden: skip,
        log_len: disk.log.len(),
        flushed: disk.flushed.min(disk.log.len()),
        snapshots: disk
            .snapshots
            .iter()
            .map(|s| SnapshotLine {
                zxid: s.zxid,
                nodes: s.tree.nodes.len(),
                txns: s.tree.applied.len(),
            })
            .collect(),
        purged_upto: disk.purged_upto,
        last_flushed: disk.last_flushed_zxid(),
    }
}

impl Engine {
    /// The inspector's view of server `id` (`None` if there is no such server).
    pub fn inspect(&self, id: u32) -> Option<InspectView> {
        let node = self.sim().node(ServerId(id))?;
        let cfg = &self.sim().cfg;
        let disk = node.disk();
        let volatile = node.server.as_ref().map(|s| {
            let own = VoteView {
                leader: s.id.0,
                zxid: s.last_logged_zxid(),
                peer_epoch: s.current_epoch().0,
                round: s.fle.logicalclock,
            };
            let proposal = s.fle.proposal.unwrap_or_else(|| vote_of(&own));
            let received = s
                .fle
                .recvset
                .iter()
                .map(|(from, (v, st))| ReceivedVote {
                    from: from.0,
                    vote: vote_view(v),
                    state: st.name(),
                    agrees: s.agrees_with_proposal(v, *st),
                    against_proposal: compare_votes(v, &proposal),
                })
                .collect();
            let out_of_election = s
                .fle
                .outofelection
                .iter()
                .map(|(from, (v, st))| EstablishedVote {
                    from: from.0,
                    vote: vote_view(v),
                    state: st.name(),
                })
                .collect();
            let fle = (s.state() == ServerState::Looking).then(|| FleView {
                round: s.fle.logicalclock,
                proposal: vote_view(&proposal),
                proposal_vs_own: compare_votes(&proposal, &vote_of(&own)),
                finalizing: s.fle.finalizing,
                received,
                out_of_election,
            });
            let leader = s.leader().map(|l| {
                let outstanding = l
                    .outstanding
                    .iter()
                    .filter_map(|(z, p)| {
                        Some(ProposalRow {
                            zxid: *z,
                            op: p.txn.op.label(),
                            acks: p.acks.iter().map(|a| a.0).collect(),
                            check: s.commit_check(l, *z)?,
                        })
                    })
                    .collect();
                LeaderView {
                    stage: leader_stage(l.stage),
                    epoch: l.epoch.map(|e| e.0),
                    last_proposed: l.last_proposed,
                    last_committed: l.last_committed,
                    new_leader_acks: l.new_leader_acks.iter().map(|a| a.0).collect(),
                    learners: l
                        .handlers
                        .values()
                        .map(|h| LearnerRow {
                            sid: h.sid.0,
                            observer: h.observer,
                            stage: handler_stage(h.stage),
                            sync_mode: h.sync_mode.name(),
                            peer_last_zxid: h.peer_last_zxid,
                            forwarding: h.forwarding,
                            unacked: h.unacked.len(),
                        })
                        .collect(),
                    outstanding,
                }
            });
            let learner = s.learner().map(|l| LearnerView {
                leader: l.leader.0,
                stage: learner_stage(l.stage),
                last_queued: l.last_queued,
                pending: l.pending.len(),
            });
            VolatileView {
                role: Role::from(s.state()),
                state: s.state().name(),
                phase: s.phase().name(),
                sync_mode: s.sync_mode().name(),
                applied: s.tree.last_processed,
                tree: s
                    .tree
                    .nodes
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                committed_log: match (s.committed_log.front(), s.committed_log.back()) {
                    (Some(a), Some(b)) => Some((a.zxid, b.zxid, s.committed_log.len())),
                    _ => None,
                },
                current_vote: vote_view(&s.current_vote),
                own_vote: own,
                fle,
                leader,
                learner,
                sync_queue: s.sync.queue.len(),
                fsync_in_flight: s.sync.in_flight,
            }
        });
        let up = volatile.is_some();
        let store = &self.store;
        // The sync that brought this server in: the newest choice made for it.
        let synced = store
            .syncs
            .values()
            .filter(|c| c.learner == id)
            .max_by_key(|c| c.at_ms)
            .cloned();
        let learner_syncs = store
            .syncs
            .values()
            .filter(|c| c.leader == id)
            .map(|c| (c.learner, c.clone()))
            .collect();
        let refusal = if up {
            None
        } else {
            store
                .refused
                .get(&id)
                .cloned()
                .or_else(|| match &node.down_reason {
                    Some(DownReason::Refused(r)) => Some(RefusalView {
                        at_ms: None,
                        refusal: r.clone(),
                    }),
                    _ => None,
                })
        };
        Some(InspectView {
            id,
            observer: !cfg.is_voter(node.id),
            up,
            now: self.sim().now,
            participants: cfg.participants,
            quorum: cfg.quorum_size(),
            durable: durable(disk),
            volatile,
            down_reason: (!up).then(|| {
                let reason = node
                    .down_reason
                    .as_ref()
                    .map(|r| reasons::down_reason(r, lang::current()));
                reason.unwrap_or_default()
            }),
            recovery: store.recovered.get(&id).cloned(),
            refusal,
            synced,
            learner_syncs,
            votes: store
                .votes
                .get(&id)
                .map(|v| v.iter().cloned().collect())
                .unwrap_or_default(),
        })
    }

    /// The space-time diagram of `[from, to]`: bands, packets (PINGs only if
    /// `pings`), crashes, restarts and violations.
    pub fn spacetime(&self, from: Time, to: Time, pings: bool) -> SpaceTimeView {
        let store = &self.store;
        let now = self.sim().now;
        let n = self.size();
        let lanes: Vec<u32> = (1..=n).collect();
        let roles = self.servers().iter().map(|s| s.role).collect();
        let end = to.min(now);
        let bands = (0..n as usize)
            .map(|i| {
                let changes = store.lanes.get(i).map(Vec::as_slice).unwrap_or(&[]);
                let mut out = Vec::new();
                for (k, (t, state)) in changes.iter().enumerate() {
                    let next = changes.get(k + 1).map_or(end, |(t2, _)| *t2);
                    let (a, b) = ((*t).max(from), next.min(end));
                    if a < b {
                        out.push(Band {
                            from: a,
                            to: b,
                            state: *state,
                        });
                    }
                }
                if let Some((t, _)) = changes.first() {
                    if *t > from && from < end {
                        out.insert(
                            0,
                            Band {
                                from,
                                to: (*t).min(end),
                                state: LaneState::Unknown,
                            },
                        );
                    }
                }
                out
            })
            .collect();
        let mut arrows: Vec<Arrow> = store
            .packets
            .iter()
            .filter(|(_, p)| pings || !p.ping)
            .filter_map(|(id, p)| {
                let (end_t, fate) = match (&p.dropped, p.delivered) {
                    (Some((t, why)), _) => (*t, Fate::Dropped(*why)),
                    (None, Some(t)) => (t, Fate::Delivered),
                    (None, None) if p.deliver_at >= now => (p.deliver_at, Fate::InFlight),
                    // Neither delivered nor dropped, and overdue: the store missed it.
                    (None, None) => return None,
                };
                (p.sent <= to && end_t >= from).then(|| Arrow {
                    id: *id,
                    from: p.from,
                    to: p.to,
                    kind: p.kind,
                    summary: p.summary.clone(),
                    sent: p.sent,
                    end: end_t,
                    fate,
                })
            })
            .collect();
        arrows.sort_by_key(|a| (a.sent, a.id));
        let hidden_arrows = arrows.len().saturating_sub(MAX_ARROWS);
        if hidden_arrows > 0 {
            arrows.drain(..hidden_arrows);
        }
        let mut marks: Vec<Mark> = store
            .marks
            .iter()
            .filter(|m| m.at >= from && m.at <= to)
            .cloned()
            .collect();
        for v in self.tl.run().violations() {
            if v.at_ms >= from && v.at_ms <= to {
                marks.push(Mark {
                    at: v.at_ms,
                    server: v.servers.first().map_or(0, |s| s.0),
                    kind: MarkKind::Violation {
                        invariant: v.invariant.clone(),
                        name: v.name.clone(),
                        detail: v.detail.clone(),
                    },
                });
            }
        }
        SpaceTimeView {
            from,
            to,
            now,
            lanes,
            roles,
            bands,
            arrows,
            hidden_arrows,
            marks,
            known_from: store.known_from,
            rebuilds: store.refills,
        }
    }

    /// Every invariant of the checker's catalogue with the violations found so far.
    pub fn invariant_rows(&self) -> Vec<InvariantRow> {
        let found = self.tl.run().violations();
        INVARIANTS
            .iter()
            .map(|i| InvariantRow {
                id: i.id,
                name: i.name,
                summary: i.summary,
                violations: found
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v.invariant == i.id)
                    .map(|(k, v)| ViolationView::new(k, v))
                    .collect(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::views::Command;
    use zab_core::scenario::Scenario;

    fn engine(n: u32) -> Engine {
        Engine::new(&Scenario::new(n)).expect("runs")
    }

    /// The spacetime view without its diagnostics counter (which a refill bumps).
    fn picture(e: &Engine, from: Time, to: Time) -> SpaceTimeView {
        SpaceTimeView {
            rebuilds: 0,
            ..e.spacetime(from, to, true)
        }
    }

    /// Every server's inspector view.
    fn inspected(e: &Engine) -> Vec<InspectView> {
        (1..=e.size()).filter_map(|id| e.inspect(id)).collect()
    }

    /// The engine's store follows its run through plain progress, interventions and a
    /// fork without a refill; a seek refills it, and then the views are those of a
    /// fresh engine brought to the same moment by the same commands.
    #[test]
    fn the_store_follows_the_engine_and_a_seek_refills_it_as_a_fresh_run_has_it() {
        let mut e = engine(3);
        e.skip(2000);
        let leader = e.leader().expect("a leader after 2 s");
        e.command(Command::WriteToLeader).expect("write");
        e.skip(500);
        e.command(Command::Crash(leader)).expect("crash");
        e.skip(3000);
        let view = e.spacetime(0, e.now(), true);
        assert_eq!(view.rebuilds, 0, "following the run does not refill");
        assert!(view.arrows.iter().any(|a| a.kind == "PROPOSAL"));
        assert!(view
            .marks
            .iter()
            .any(|m| m.server == leader && m.kind == MarkKind::Crash(CrashReason::ByUser)));
        // A seek to the present refills from the timeline: the same picture.
        let now = e.now();
        e.seek(now);
        assert_eq!(e.spacetime(0, now, true).rebuilds, 1);
        assert_eq!(
            picture(&e, 0, now),
            SpaceTimeView {
                rebuilds: 0,
                ..view
            }
        );
        // Back in the past, the views are those of a fresh engine at that moment.
        e.seek(1000);
        let mut fresh = engine(3);
        fresh.skip(1000);
        assert_eq!(picture(&e, 0, 1000), picture(&fresh, 0, 1000));
        assert!(picture(&e, 0, 1000).arrows.iter().all(|a| a.sent <= 1000));
        assert_eq!(inspected(&e), inspected(&fresh));
        // A fork there is followed like the present.
        for x in [&mut e, &mut fresh] {
            x.command(Command::Crash(2)).expect("crash");
            x.skip(2000);
        }
        assert_eq!(e.spacetime(0, 3000, true).rebuilds, 2);
        assert_eq!(picture(&e, 0, 3000), picture(&fresh, 0, 3000));
        assert_eq!(inspected(&e), inspected(&fresh));
    }

    /// Rendering reads: calling every view leaves the run's event and trace counts and
    /// the store as they were (no view steps a simulator or refills the store).
    #[test]
    fn reading_every_view_steps_no_simulator() {
        let mut e = engine(3);
        e.skip(3000);
        let leader = e.leader().expect("a leader after 3 s");
        e.command(Command::WriteToLeader).expect("write");
        e.skip(20);
        let counts = |e: &Engine| {
            let sim = e.tl.run().sim();
            (sim.stats.events, sim.trace_count, sim.now, e.store.refills)
        };
        let before = counts(&e);
        let version = e.version();
        for id in 1..=e.size() {
            e.inspect(id).expect("a server");
            e.server_detail(id);
        }
        e.spacetime(0, e.now() + 1000, true);
        e.spacetime(0, e.now(), false);
        e.invariant_rows();
        e.servers();
        e.packets();
        e.log_rows();
        e.writes(10);
        e.reads();
        e.pending(10);
        e.script_ahead(10);
        e.log().newest(100, |_| true);
        assert!(e.inspect(leader).is_some());
        assert_eq!(counts(&e), before);
        assert_eq!(e.version(), version);
    }
    /// The inspector's FLE view reads the election's own rules (spec §6.1
    /// `handle_looking`, `FastLeaderElection.totalOrderPredicate`): while LOOKING, no
    /// vote in recvset beats the proposal (a better one is adopted at once), and a
    /// server in finalizeWait holds a quorum of votes that agree with its proposal.
    #[test]
    fn the_fle_view_agrees_and_compares_as_the_election_does() {
        let mut e = engine(5);
        let (mut looked, mut finalizing) = (0, 0);
        while e.now() < 2_000 {
            e.step().expect("steps");
            for id in 1..=5 {
                let Some(f) = e.inspect(id).and_then(|v| v.volatile).and_then(|v| v.fle) else {
                    continue;
                };
                looked += 1;
                for r in &f.received {
                    assert!(!r.against_proposal.beats, "server {id}: {r:?} beats {f:?}");
                }
                if f.finalizing {
                    finalizing += 1;
                    let agreeing = f.received.iter().filter(|r| r.agrees).count();
                    assert!(
                        agreeing >= 3,
                        "server {id} finalizes with {agreeing}: {f:?}"
                    );
                }
            }
        }
        assert!(looked > 0 && finalizing > 0, "{looked} {finalizing}");
    }

    /// The inspector's sync card reads the leader's own plan (spec §8.1,
    /// `LearnerHandler.syncFollower`): in follower-lag-diff server 1 comes back at
    /// 0x100000002, inside leader 3's committed log, and gets a DIFF with the txns after it.
    #[test]
    fn the_sync_card_is_the_leaders_plan() {
        let sc = zab_core::scenario::preset("follower-lag-diff").expect("a preset");
        let mut e = Engine::new(&sc).expect("runs");
        e.skip(sc.run_until_ms);
        let sync = e.inspect(1).unwrap().synced.expect("synced");
        assert_eq!((sync.leader, sync.mode), (3, SyncMode::Diff));
        assert_eq!(sync.mode, sync.reason.mode());
        match sync.reason {
            SyncReason::WithinLog {
                peer, min, queued, ..
            } => {
                assert_eq!(peer, "0x100000002".parse().unwrap());
                assert!(min <= peer);
                assert!(
                    matches!(queued, zab_core::server::Queued::Diff { txns } if txns > 0),
                    "{queued:?}"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    /// The inspector's commit card is the leader's own tryToCommit test (spec §9.3):
    /// with both followers down, two writes stay outstanding; each lacks a quorum
    /// (Config's 2 of 3) and the second also waits for the first (zxid order).
    #[test]
    fn outstanding_proposals_show_the_leaders_commit_test() {
        let mut e = engine(3);
        e.skip(2000);
        let leader = e.leader().expect("a leader after 2 s");
        for f in (1..=3).filter(|i| *i != leader) {
            e.command(Command::Crash(f)).expect("crash");
        }
        e.command(Command::WriteToLeader).expect("write");
        e.command(Command::WriteToLeader).expect("write");
        e.skip(50);
        let v = e.inspect(leader).unwrap();
        assert_eq!(v.quorum, 2);
        let rows = v.volatile.unwrap().leader.unwrap().outstanding;
        assert_eq!(rows.len(), 2, "{rows:?}");
        let (first, second) = (&rows[0], &rows[1]);
        assert_eq!(first.check.earlier, None);
        assert_eq!(second.check.earlier, Some(first.zxid));
        for r in &rows {
            assert!(r.check.leader_acked, "the leader fsynced its own: {r:?}");
            assert_eq!((r.check.acks, r.check.quorum), (1, 2));
            assert!(!r.check.ready());
        }
        assert_eq!(
            second.check.blockers().collect::<Vec<_>>(),
            vec![
                zab_core::server::CommitBlocker::Order {
                    earlier: first.zxid
                },
                zab_core::server::CommitBlocker::Quorum { acks: 1, needed: 2 }
            ]
        );
    }

    #[test]
    fn a_crashed_server_keeps_its_disk_and_a_restart_says_how_it_recovered() {
        let mut e = engine(3);
        e.skip(2000);
        let leader = e.leader().expect("leader");
        let follower = (1..=3).find(|i| *i != leader).unwrap();
        e.command(Command::WriteToLeader).expect("write");
        e.skip(500);
        e.command(Command::Crash(follower)).expect("crash");
        let v = e.inspect(follower).unwrap();
        assert!(!v.up && v.volatile.is_none());
        assert_eq!(v.durable.log_len, 1);
        assert!(v.durable.current_epoch.is_some());
        e.command(Command::Restart(follower)).expect("restart");
        e.skip(1000);
        let v = e.inspect(follower).unwrap();
        let r = v.recovery.expect("recovered");
        assert_eq!(r.last_zxid, v.durable.log[0].zxid);
        assert!(v.synced.is_some(), "the leader synced it");
        let l = e.inspect(leader).unwrap();
        assert!(l.learner_syncs.contains_key(&follower));
        assert!(l.volatile.unwrap().leader.is_some());
    }

    /// The E3 window (zab-spec §14, ZOOKEEPER-1653): server 1 logs a txn of epoch 2 at
    /// NEWLEADER and crashes before writing currentEpoch. With bug mode ZK-1653 (no
    /// updatingEpoch marker) every restart is refused.
    const E3: &str = r#"{"format": "zab-scenario", "version": 1, "seed": 1,
        "cluster": {"participants": 3}, "bugs": ["ZK-1653"],
        "schedule": [
          {"at_ms": 2000, "do": "write", "server": 2, "op": "create", "path": "/a", "data": "1"},
          {"at_ms": 2500, "do": "crash", "server": 1},
          {"at_ms": 3000, "do": "crash", "server": 3},
          {"at_ms": 3200, "do": "restart", "server": 3},
          {"at_ms": 8000, "do": "write", "server": 2, "op": "set", "path": "/a", "data": "2"},
          {"at_ms": 9000, "do": "crash_at", "server": 1, "point": "newleader-after-log"},
          {"at_ms": 9000, "do": "restart", "server": 1},
          {"at_ms": 11000, "do": "restart", "server": 1}
        ],
        "run_until_ms": 16000}"#;

    /// The same window on the baseline: the crashed disk shows the updatingEpoch
    /// marker, and the restart finishes the change to epoch 2.
    #[test]
    fn the_updating_epoch_marker_is_shown_and_lets_the_restart_succeed() {
        let mut sc = Scenario::from_json(E3).expect("valid");
        sc.bugs.clear();
        let mut e = Engine::new(&sc).expect("runs");
        e.skip(10_000);
        let v = e.inspect(1).unwrap();
        assert!(!v.up);
        assert_eq!(v.durable.current_epoch, Some(1));
        assert_eq!(v.durable.updating_epoch, Some(2));
        e.skip(2_000);
        let v = e.inspect(1).unwrap();
        assert!(v.up && v.refusal.is_none());
        assert_eq!(v.durable.current_epoch, Some(2));
        assert_eq!(v.durable.updating_epoch, None);
    }

    /// A learner whose TRUNC finds no snapshot to rebuild from shows the needsFullSync
    /// marker until its next sync has made the leader's whole history durable
    /// (zab-sim/tests/issues.rs explains the scenario).
    #[test]
    fn the_full_sync_marker_is_shown_until_the_next_sync() {
        let sc = Scenario::from_json(include_str!(
            "../../../zab-sim/tests/issues/trunc-below-snap-sync-snapshot.json"
        ))
        .expect("valid");
        let mut e = Engine::new(&sc).expect("runs");
        e.skip(16_900);
        let v = e.inspect(2).unwrap();
        assert!(v.up && v.durable.full_sync_needed);
        e.skip(1_000);
        let v = e.inspect(2).unwrap();
        assert!(!v.durable.full_sync_needed);
    }

    #[test]
    fn a_refused_start_is_explained_and_marked() {
        let mut e = Engine::new(&Scenario::from_json(E3).expect("valid")).expect("runs");
        e.skip(8_000);
        e.skip(4_000);
        let v = e.inspect(1).unwrap();
        assert!(!v.up && v.volatile.is_none());
        let r = v.refusal.expect("refused");
        assert_eq!(r.at_ms, Some(11_000));
        assert!(
            matches!(r.refusal, StartRefusal::CurrentEpochBehind { current, .. } if current.0 == 1),
            "{:?}",
            r.refusal
        );
        assert_eq!(v.durable.current_epoch, Some(1));
        assert!(v.durable.log.iter().any(|l| l.zxid.epoch().0 == 2));
        let view = e.spacetime(10_000, 12_000, false);
        assert!(view
            .marks
            .iter()
            .any(|m| m.kind.attr() == "refused" && m.server == 1 && m.at == 11_000));
        // A refilled store knows it too.
        e.seek(e.now());
        assert_eq!(e.inspect(1).unwrap().refusal.unwrap().at_ms, Some(11_000));
    }

    #[test]
    fn invariants_are_listed_with_their_violations() {
        let e = engine(3);
        let rows = e.invariant_rows();
        assert_eq!(rows.len(), INVARIANTS.len());
        assert!(rows.iter().all(|r| r.violations.is_empty()));
        assert_eq!(bug_catalogue().len(), CATALOGUE.len());
        assert!(bug_catalogue().iter().all(|b| !b.invariant_name.is_empty()));
    }
}
