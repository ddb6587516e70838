//! Read-only views for the "seeing why" panels: the server inspector (durable vs
//! volatile state), the space-time diagram, the invariants panel and the bug lab.
//!
//! Like the rest of the engine this only reads what core exposes. The space-time
//! diagram and the explanations also need the recent trace (packets, state changes,
//! votes with their reasons, sync choices, recoveries). The engine hands its trace to
//! the event log as sentences, so these panels keep their own [`TraceCache`]: a copy
//! of the run that replays the same events (the simulation is deterministic, and the
//! user's interventions are scheduled into it at their times, as the timeline does
//! for its checkpoints), rebuilt from [`Timeline::trace_window`] after a seek or
//! anything else it cannot follow.
//!
//! [`Timeline::trace_window`]: zab_core::timeline::Timeline::trace_window

use std::collections::{BTreeMap, VecDeque};

use zab_core::bugs::CATALOGUE;
use zab_core::check::INVARIANTS;
use zab_core::packet::{ServerState, Vote};
use zab_core::run::Run;
use zab_core::server::{
    compare_votes, CommitCheck, HandlerStage, LeaderStage, LearnerStage, ServerEvent, StartRefusal,
    SyncMode, SyncReason, VoteComparison, VoteReason,
};
use zab_core::sim::{Action, DownReason, TraceEvent, TraceKind};
use zab_core::storage::Disk;
use zab_core::{ServerId, Time, Zxid};

use super::Engine;
use crate::views::Role;
use crate::views::ViolationView;

/// How much history a rebuild of the cache replays (explanations look this far back).
const LOOKBACK_MS: Time = 30_000;
/// Packets older than this (before the current time) are forgotten.
const KEEP_PACKETS_MS: Time = 25_000;
/// Votes remembered per server.
const KEEP_VOTES: usize = 12;
/// Crash and restart marks, and lane segments, older than this are forgotten.
const KEEP_MARKS_MS: Time = 60_000;
/// Following the engine by more events than this rebuilds instead (bounded work).
const MAX_CATCH_UP_EVENTS: u64 = 20_000;
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
    /// ZooKeeper's print form `(leader, zxid, peerEpoch)`.
    pub fn label(&self) -> String {
        format!("({}, {}, {})", self.leader, self.zxid, self.peer_epoch)
    }
}

fn vote_view(v: &Vote) -> VoteView {
    VoteView {
        leader: v.leader.0,
        zxid: v.zxid,
        peer_epoch: v.peer_epoch.0,
        round: v.election_epoch,
    }
}

/// The vote a view shows (every field of it is in the view).
fn vote_of(v: &VoteView) -> Vote {
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
    pub stage: &'static str,
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
    pub stage: &'static str,
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
    pub stage: &'static str,
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
    pub kind: String,
    /// Its fields in words.
    pub summary: String,
    /// When sent.
    pub sent: Time,
    /// When it arrived, was lost, or will arrive.
    pub end: Time,
    /// What happened to it.
    pub fate: Fate,
}

/// What happened to a packet.
#[derive(Clone, Debug, PartialEq)]
pub enum Fate {
    /// Delivered at `end`.
    Delivered,
    /// Lost at `end`, and why.
    Dropped(String),
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
    /// `crash`, `restart`, `refused`, `violation`.
    pub kind: &'static str,
    /// In words.
    pub text: String,
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
    /// How many times the trace cache was rebuilt (diagnostics: following the run
    /// should not rebuild it).
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

// ---------------------------------------------------------------------------
// The trace cache
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct PacketSpan {
    from: u32,
    to: u32,
    kind: String,
    summary: String,
    sent: Time,
    deliver_at: Time,
    delivered: Option<Time>,
    dropped: Option<(Time, String)>,
}

/// The recent trace, kept for the space-time diagram and the explanations. Opaque:
/// create it with `TraceCache::default()`, bring it up to date with
/// [`Engine::sync_trace`], and read it through the engine's views.
#[derive(Default)]
pub struct TraceCache {
    shadow: Option<Run>,
    /// The user's interventions the shadow already has.
    user: Vec<(Time, Action)>,
    scenario: String,
    seed: u64,
    /// The trace is complete from here on.
    known_from: Time,
    packets: BTreeMap<u64, PacketSpan>,
    /// Per server (index id - 1): state changes, oldest first.
    lanes: Vec<Vec<(Time, LaneState)>>,
    marks: VecDeque<Mark>,
    recovered: BTreeMap<u32, RecoveryView>,
    refused: BTreeMap<u32, RefusalView>,
    /// Latest choice per (leader, learner).
    syncs: BTreeMap<(u32, u32), SyncChoiceView>,
    votes: BTreeMap<u32, VecDeque<VoteEventView>>,
    /// How many times the cache was rebuilt (diagnostics).
    rebuilds: u64,
}

impl TraceCache {
    fn reset(&mut self, n: usize) {
        self.packets.clear();
        self.lanes = vec![Vec::new(); n];
        self.marks.clear();
        self.recovered.clear();
        self.refused.clear();
        self.syncs.clear();
        self.votes.clear();
    }

    fn push_lane(&mut self, server: u32, at: Time, state: LaneState) {
        let Some(lane) = self.lanes.get_mut(server as usize - 1) else {
            return;
        };
        if lane.last().is_some_and(|(t, s)| *s == state && *t <= at) {
            return;
        }
        // A replayed event may repeat the last one: keep time order.
        while lane.last().is_some_and(|(t, _)| *t > at) {
            lane.pop();
        }
        lane.push((at, state));
    }

    fn push_mark(&mut self, mark: Mark) {
        if self
            .marks
            .iter()
            .rev()
            .take(16)
            .any(|m| m.at == mark.at && m.server == mark.server && m.kind == mark.kind)
        {
            return;
        }
        self.marks.push_back(mark);
    }

    fn absorb(&mut self, ev: &TraceEvent) {
        let at = ev.at_ms;
        match &ev.kind {
            TraceKind::PacketSent {
                id,
                from,
                to,
                packet,
                summary,
                deliver_at_ms,
                ..
            } if from != to => {
                self.packets.entry(*id).or_insert_with(|| PacketSpan {
                    from: from.0,
                    to: to.0,
                    kind: packet.to_string(),
                    summary: summary.to_string(),
                    sent: at,
                    deliver_at: *deliver_at_ms,
                    delivered: None,
                    dropped: None,
                });
            }
            TraceKind::PacketDelivered { id, .. } => {
                if let Some(p) = self.packets.get_mut(id) {
                    p.delivered = Some(at);
                }
            }
            TraceKind::PacketDropped { id, reason, .. } => {
                if let Some(p) = self.packets.get_mut(id) {
                    p.dropped = Some((at, reason.to_string()));
                }
            }
            TraceKind::Crash { server, reason } => {
                self.push_lane(server.0, at, LaneState::Down);
                self.refused.remove(&server.0);
                self.push_mark(Mark {
                    at,
                    server: server.0,
                    kind: "crash",
                    text: format!("server {server} crashes: {reason}"),
                });
            }
            TraceKind::Restart { server, failed } => match failed {
                None => {
                    self.push_lane(server.0, at, LaneState::Up(Role::Looking, "ELECTION"));
                    self.refused.remove(&server.0);
                    self.push_mark(Mark {
                        at,
                        server: server.0,
                        kind: "restart",
                        text: format!("server {server} restarts"),
                    });
                }
                Some(reason) => {
                    self.push_lane(server.0, at, LaneState::Down);
                    self.refused.insert(
                        server.0,
                        RefusalView {
                            at_ms: Some(at),
                            refusal: reason.clone(),
                        },
                    );
                    self.push_mark(Mark {
                        at,
                        server: server.0,
                        kind: "refused",
                        text: format!("server {server} refuses to start: {reason}"),
                    });
                }
            },
            TraceKind::Server { server, event } => self.absorb_server(server.0, at, event),
            _ => {}
        }
    }

    fn absorb_server(&mut self, id: u32, at: Time, event: &ServerEvent) {
        match event {
            ServerEvent::StateChange { state, phase } => {
                self.push_lane(id, at, LaneState::Up(Role::from(*state), phase.name()));
            }
            ServerEvent::Recovered {
                snapshot,
                replayed,
                last_zxid,
            } => {
                self.recovered.insert(
                    id,
                    RecoveryView {
                        at_ms: at,
                        snapshot: *snapshot,
                        replayed: *replayed,
                        last_zxid: *last_zxid,
                    },
                );
            }
            ServerEvent::SyncChosen {
                learner,
                mode,
                reason,
                ..
            } => {
                self.syncs.insert(
                    (id, learner.0),
                    SyncChoiceView {
                        at_ms: at,
                        leader: id,
                        learner: learner.0,
                        mode: *mode,
                        reason: *reason,
                    },
                );
            }
            ServerEvent::Vote {
                vote,
                round,
                reason,
            } => {
                let mut v = vote_view(vote);
                v.round = *round;
                let list = self.votes.entry(id).or_default();
                if list
                    .iter()
                    .rev()
                    .take(4)
                    .any(|e| e.at_ms == at && e.vote == v && e.reason == *reason)
                {
                    return;
                }
                let previous = list
                    .back()
                    .filter(|p| p.vote.round == v.round && p.vote != v)
                    .map(|p| (p.vote, compare_votes(&vote_of(&v), &vote_of(&p.vote))));
                list.push_back(VoteEventView {
                    at_ms: at,
                    vote: v,
                    reason: *reason,
                    previous,
                });
                while list.len() > KEEP_VOTES {
                    list.pop_front();
                }
            }
            _ => {}
        }
    }

    fn prune(&mut self, now: Time) {
        let old = now.saturating_sub(KEEP_PACKETS_MS);
        self.packets.retain(|_, p| {
            let end = p
                .dropped
                .as_ref()
                .map(|d| d.0)
                .or(p.delivered)
                .unwrap_or(p.deliver_at);
            end >= old || (p.delivered.is_none() && p.dropped.is_none() && end >= now)
        });
        let old_marks = now.saturating_sub(KEEP_MARKS_MS);
        while self.marks.front().is_some_and(|m| m.at < old_marks) {
            self.marks.pop_front();
        }
        for lane in &mut self.lanes {
            // Keep the last change before the horizon: it is the state there.
            let first_kept = lane.iter().rposition(|(t, _)| *t <= old_marks).unwrap_or(0);
            if first_kept > 0 {
                lane.drain(..first_kept);
            }
        }
        self.known_from = self.known_from.max(old);
    }
}

fn handler_stage(s: HandlerStage) -> &'static str {
    match s {
        HandlerStage::WaitInfo => "waiting for FOLLOWERINFO",
        HandlerStage::WaitEpoch => "waiting for an epoch quorum",
        HandlerStage::WaitAckEpoch => "LEADERINFO sent, waiting for ACKEPOCH",
        HandlerStage::WaitElection => "waiting for an ACKEPOCH quorum",
        HandlerStage::WaitNewLeaderAck => "synced, waiting for its NEWLEADER-ACK",
        HandlerStage::WaitQuorum => "acked NEWLEADER, waiting for the leader's quorum",
        HandlerStage::Broadcast => "BROADCAST (UPTODATE sent)",
    }
}

fn leader_stage(s: LeaderStage) -> &'static str {
    match s {
        LeaderStage::WaitEpoch => "DISCOVERY: waiting for a quorum of FOLLOWERINFO",
        LeaderStage::WaitEpochAck => "DISCOVERY: waiting for a quorum of ACKEPOCH",
        LeaderStage::WaitNewLeaderAck => "SYNCHRONIZATION: waiting for a quorum of NEWLEADER-ACKs",
        LeaderStage::Broadcast => "BROADCAST: proposing and committing",
    }
}

fn learner_stage(s: LearnerStage) -> &'static str {
    match s {
        LearnerStage::Connecting => "connecting to the leader",
        LearnerStage::WaitLeaderInfo => "FOLLOWERINFO sent, waiting for LEADERINFO",
        LearnerStage::WaitSyncHeader => "ACKEPOCH sent, waiting for DIFF / TRUNC / SNAP",
        LearnerStage::Syncing { .. } => "receiving the sync stream, before NEWLEADER",
        LearnerStage::WaitUpToDate => "NEWLEADER acknowledged, waiting for UPTODATE",
        LearnerStage::Broadcast => "BROADCAST: serving",
    }
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
    /// Brings `cache` up to the moment the engine shows: replays the new events on its
    /// copy of the run, or rebuilds it from the timeline after a seek, a new run, or
    /// anything it cannot follow.
    pub fn sync_trace(&self, cache: &mut TraceCache) {
        let run = self.tl.run();
        let target = run.sim().stats.events;
        let user = self.tl.user_interventions();
        let scenario = self.scenario();
        let same_run = cache.scenario == scenario.name && cache.seed == scenario.seed;
        let followable = same_run
            && user.len() >= cache.user.len()
            && user[..cache.user.len()] == cache.user[..]
            && cache.shadow.as_ref().is_some_and(|s| {
                let ev = s.sim().stats.events;
                ev <= target && target - ev <= MAX_CATCH_UP_EVENTS
            });
        if followable {
            let known = cache.user.len();
            let Some(mut shadow) = cache.shadow.take() else {
                return;
            };
            for (at, action) in &user[known..] {
                shadow.schedule(*at, action.clone());
            }
            cache.user = user.to_vec();
            while shadow.sim().stats.events < target && shadow.step() {
                for ev in shadow.take_trace() {
                    cache.absorb(&ev);
                }
            }
            if shadow.sim().stats.events == target
                && shadow.sim().trace_count == run.sim().trace_count
            {
                cache.shadow = Some(shadow);
                cache.prune(run.sim().now);
                return;
            }
        }
        self.rebuild_trace(cache);
    }

    fn rebuild_trace(&self, cache: &mut TraceCache) {
        let run = self.tl.run();
        let now = run.sim().now;
        let n = self.size() as usize;
        let from = now.saturating_sub(LOOKBACK_MS);
        cache.reset(n);
        cache.rebuilds += 1;
        cache.scenario = self.scenario().name.clone();
        cache.seed = self.scenario().seed;
        cache.known_from = from;
        let events = self.tl.trace_window(from, now);
        // Which state each server was in before the first change the trace shows.
        let mut before: Vec<Option<LaneState>> = vec![None; n];
        for ev in &events {
            let first = |id: ServerId, before: &mut Vec<Option<LaneState>>, s: LaneState| {
                if let Some(b) = before.get_mut(id.0 as usize - 1) {
                    b.get_or_insert(s);
                }
            };
            match &ev.kind {
                TraceKind::Restart { server, .. } => first(*server, &mut before, LaneState::Down),
                TraceKind::Crash { server, .. } => first(*server, &mut before, LaneState::Unknown),
                TraceKind::Server {
                    server,
                    event: ServerEvent::StateChange { .. },
                } => first(*server, &mut before, LaneState::Unknown),
                _ => {}
            }
            cache.absorb(ev);
        }
        let start_down = &self.scenario().cluster.start_down;
        for (i, lane) in cache.lanes.iter_mut().enumerate() {
            let id = i as u32 + 1;
            let initial = if from == 0 {
                // The boot: every server starts LOOKING unless the scenario keeps it down.
                if start_down.contains(&ServerId(id)) {
                    LaneState::Down
                } else {
                    LaneState::Up(Role::Looking, "ELECTION")
                }
            } else {
                match before[i] {
                    Some(s) => s,
                    None => match self.sim().server(ServerId(id)) {
                        Some(s) => LaneState::Up(Role::from(s.state()), s.phase().name()),
                        None => LaneState::Down,
                    },
                }
            };
            if lane.first().is_none_or(|(t, _)| *t > from) {
                lane.insert(0, (from, initial));
            }
        }
        let mut shadow = run.clone();
        shadow.set_checking(false);
        shadow.take_trace();
        cache.shadow = Some(shadow);
        cache.user = self.tl.user_interventions().to_vec();
    }

    /// The inspector's view of server `id` (`None` if there is no such server).
    pub fn inspect(&self, id: u32, cache: &TraceCache) -> Option<InspectView> {
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
        // The sync that brought this server in: the newest choice made for it.
        let synced = cache
            .syncs
            .values()
            .filter(|c| c.learner == id)
            .max_by_key(|c| c.at_ms)
            .cloned();
        let learner_syncs = cache
            .syncs
            .values()
            .filter(|c| c.leader == id)
            .map(|c| (c.learner, c.clone()))
            .collect();
        let refusal = if up {
            None
        } else {
            cache
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
                let reason = node.down_reason.as_ref().map(|r| r.to_string());
                reason.unwrap_or_default()
            }),
            recovery: cache.recovered.get(&id).cloned(),
            refusal,
            synced,
            learner_syncs,
            votes: cache
                .votes
                .get(&id)
                .map(|v| v.iter().cloned().collect())
                .unwrap_or_default(),
        })
    }

    /// The space-time diagram of `[from, to]`: bands, packets (PINGs only if
    /// `pings`), crashes, restarts and violations.
    pub fn spacetime(
        &self,
        cache: &TraceCache,
        from: Time,
        to: Time,
        pings: bool,
    ) -> SpaceTimeView {
        let now = self.sim().now;
        let n = self.size();
        let lanes: Vec<u32> = (1..=n).collect();
        let roles = self.servers().iter().map(|s| s.role).collect();
        let end = to.min(now);
        let bands = (0..n as usize)
            .map(|i| {
                let changes = cache.lanes.get(i).map(Vec::as_slice).unwrap_or(&[]);
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
        let mut arrows: Vec<Arrow> = cache
            .packets
            .iter()
            .filter(|(_, p)| pings || p.kind != "PING")
            .filter_map(|(id, p)| {
                let (end_t, fate) = match (&p.dropped, p.delivered) {
                    (Some((t, why)), _) => (*t, Fate::Dropped(why.clone())),
                    (None, Some(t)) => (t, Fate::Delivered),
                    (None, None) if p.deliver_at >= now => (p.deliver_at, Fate::InFlight),
                    // Neither delivered nor dropped, and overdue: the cache missed it.
                    (None, None) => return None,
                };
                (p.sent <= to && end_t >= from).then(|| Arrow {
                    id: *id,
                    from: p.from,
                    to: p.to,
                    kind: p.kind.clone(),
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
        let mut marks: Vec<Mark> = cache
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
                    kind: "violation",
                    text: format!("{} {}: {}", v.invariant, v.name, v.detail),
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
            known_from: cache.known_from,
            rebuilds: cache.rebuilds,
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
    use crate::views::Command;
    use zab_core::scenario::Scenario;

    fn engine(n: u32) -> Engine {
        Engine::new(&Scenario::new(n)).expect("runs")
    }

    #[test]
    fn the_cache_follows_the_engine_and_survives_interventions_and_seeks() {
        let mut e = engine(3);
        let mut cache = TraceCache::default();
        e.sync_trace(&mut cache);
        assert_eq!(cache.rebuilds, 1);
        e.skip(2000);
        e.sync_trace(&mut cache);
        assert_eq!(cache.rebuilds, 1, "plain progress is followed, not rebuilt");
        let leader = e.leader().expect("a leader after 2 s");
        e.run(Command::WriteToLeader).expect("write");
        e.skip(500);
        e.run(Command::Crash(leader)).expect("crash");
        e.skip(3000);
        e.sync_trace(&mut cache);
        assert_eq!(cache.rebuilds, 1, "interventions are replayed on the copy");
        let view = e.spacetime(&cache, 0, e.now(), true);
        assert!(view.arrows.iter().any(|a| a.kind == "PROPOSAL"));
        assert!(view
            .marks
            .iter()
            .any(|m| m.kind == "crash" && m.server == leader));
        // A rebuilt cache sees the same packets.
        let mut fresh = TraceCache::default();
        e.sync_trace(&mut fresh);
        let again = e.spacetime(&fresh, 0, e.now(), true);
        assert_eq!(view.arrows, again.arrows);
        // Seeking back rebuilds.
        e.seek(1000);
        e.sync_trace(&mut cache);
        assert_eq!(cache.rebuilds, 2);
        let past = e.spacetime(&cache, 0, 1000, true);
        assert!(past.arrows.iter().all(|a| a.sent <= 1000));
    }

    /// The inspector's FLE view reads the election's own rules (spec §6.1
    /// `handle_looking`, `FastLeaderElection.totalOrderPredicate`): while LOOKING, no
    /// vote in recvset beats the proposal (a better one is adopted at once), and a
    /// server in finalizeWait holds a quorum of votes that agree with its proposal.
    #[test]
    fn the_fle_view_agrees_and_compares_as_the_election_does() {
        let mut e = engine(5);
        let cache = TraceCache::default();
        let (mut looked, mut finalizing) = (0, 0);
        while e.now() < 2_000 {
            e.step().expect("steps");
            for id in 1..=5 {
                let Some(f) = e
                    .inspect(id, &cache)
                    .and_then(|v| v.volatile)
                    .and_then(|v| v.fle)
                else {
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
        let mut cache = TraceCache::default();
        e.skip(sc.run_until_ms);
        e.sync_trace(&mut cache);
        let sync = e.inspect(1, &cache).unwrap().synced.expect("synced");
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
        let mut cache = TraceCache::default();
        e.skip(2000);
        let leader = e.leader().expect("a leader after 2 s");
        for f in (1..=3).filter(|i| *i != leader) {
            e.run(Command::Crash(f)).expect("crash");
        }
        e.run(Command::WriteToLeader).expect("write");
        e.run(Command::WriteToLeader).expect("write");
        e.skip(50);
        e.sync_trace(&mut cache);
        let v = e.inspect(leader, &cache).unwrap();
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
        let mut cache = TraceCache::default();
        e.skip(2000);
        let leader = e.leader().expect("leader");
        let follower = (1..=3).find(|i| *i != leader).unwrap();
        e.run(Command::WriteToLeader).expect("write");
        e.skip(500);
        e.run(Command::Crash(follower)).expect("crash");
        e.sync_trace(&mut cache);
        let v = e.inspect(follower, &cache).unwrap();
        assert!(!v.up && v.volatile.is_none());
        assert_eq!(v.durable.log_len, 1);
        assert!(v.durable.current_epoch.is_some());
        e.run(Command::Restart(follower)).expect("restart");
        e.skip(1000);
        e.sync_trace(&mut cache);
        let v = e.inspect(follower, &cache).unwrap();
        let r = v.recovery.expect("recovered");
        assert_eq!(r.last_zxid, v.durable.log[0].zxid);
        assert!(v.synced.is_some(), "the leader synced it");
        let l = e.inspect(leader, &cache).unwrap();
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
        let mut cache = TraceCache::default();
        e.skip(10_000);
        e.sync_trace(&mut cache);
        let v = e.inspect(1, &cache).unwrap();
        assert!(!v.up);
        assert_eq!(v.durable.current_epoch, Some(1));
        assert_eq!(v.durable.updating_epoch, Some(2));
        e.skip(2_000);
        e.sync_trace(&mut cache);
        let v = e.inspect(1, &cache).unwrap();
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
        let mut cache = TraceCache::default();
        e.skip(16_900);
        e.sync_trace(&mut cache);
        let v = e.inspect(2, &cache).unwrap();
        assert!(v.up && v.durable.full_sync_needed);
        e.skip(1_000);
        e.sync_trace(&mut cache);
        let v = e.inspect(2, &cache).unwrap();
        assert!(!v.durable.full_sync_needed);
    }

    #[test]
    fn a_refused_start_is_explained_and_marked() {
        let mut e = Engine::new(&Scenario::from_json(E3).expect("valid")).expect("runs");
        let mut cache = TraceCache::default();
        e.skip(8_000);
        e.sync_trace(&mut cache);
        e.skip(4_000);
        e.sync_trace(&mut cache);
        let v = e.inspect(1, &cache).unwrap();
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
        let view = e.spacetime(&cache, 10_000, 12_000, false);
        assert!(view
            .marks
            .iter()
            .any(|m| m.kind == "refused" && m.server == 1 && m.at == 11_000));
        // A rebuilt cache knows it too.
        let mut fresh = TraceCache::default();
        e.sync_trace(&mut fresh);
        assert_eq!(
            e.inspect(1, &fresh).unwrap().refusal.unwrap().at_ms,
            Some(11_000)
        );
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
