//! The invariant checker (spec §12): an observer of the simulation. Servers never read it.
//!
//! After every simulator step the runner hands it the trace events of that step and
//! the simulation itself; it keeps its own ghost state and returns violations as
//! values, never panics.
//!
//! How it works:
//! * The trace events of a step say which servers may have changed (a delivered
//!   packet other than PING / NOTIFICATION, a server event, a crash or restart) and
//!   feed the ghost state: `Propose` (broadcasts), `Established`, `Commit` (a learner's
//!   `lastC` marker), client replies, faults.
//! * For each changed server it brings its view (`view`) up to date: `hist(s)`, its durable
//!   part, `lastC(s)` and its role (spec §12.2). Histories are kept as chain-hashed
//!   copies extended in place, so comparing prefixes of two histories is O(1) and
//!   finding where they diverge is a binary search.
//! * Invariants are then checked only where something changed: state invariants
//!   I1..I16 (`state`), transition invariants T1..T3 (`transition`), bounded liveness
//!   L1..L4 during good periods (`liveness`).
//! * Each invariant is reported at most once per run (its first occurrence).
//!
//! The checker relies on the simulator recording its trace (`Sim::record`). If the
//! events of a step are missing it notices (via `Sim::trace_count`), re-reads every
//! server on that step and from then on trusts txns it did not see proposed, so that
//! it reports no false Integrity (I4) violation.
//!
//! Where it reads spec §12 more narrowly than its letter (each would otherwise flag
//! correct ZooKeeper behaviour; `view`, `state` and `transition` say why):
//! * `lastC` of a leader before BROADCAST is what it knew before leading (its initial
//!   history counts as committed from `startZkServer` on); after a crash it is what the
//!   server knew before, capped by what survived, not its snapshot's length.
//! * `hist(s)` of a learner between a SNAP/TRUNC header and NEWLEADER starts with its
//!   in-memory tree (what the NEWLEADER snapshot will persist).
//! * I10 holds a stale leader (a newer epoch has been established, even if that
//!   epoch's leader is gone again) only to what was committed before its own epoch;
//!   a stale leader never extends `ghost.committed`.
//! * I14 accepts epoch-base labels (`e << 32`, after `startZkServer`) above the last
//!   applied txn, and looks at the newest snapshot (the one a restart loads).
//! * T1 looks at the durable history (snapshot + fsynced log), judges a sync against
//!   what was committed when the leader planned it, and lets a leader of an older
//!   epoch truncate what only a newer epoch committed.
//! * T3 is read from what servers report (a warning, leaving the role on an unexpected
//!   packet, exiting on an unmatched COMMIT): trace events do not carry packet fields.

mod broadcasts;
mod clients;
pub mod detail;
mod ghost;
mod liveness;
mod mirror;
mod state;
mod transition;
mod view;

use crate::config::Config;
use crate::ids::{Epoch, ServerId, Time, Zxid};
use crate::packet::QuorumPacket;
use crate::server::{RoleExit, ServerEvent, WriteResult};
use crate::sim::{Payload, Sim, TraceEvent, TraceKind};
use crate::txn::Txn;
pub use detail::{Complaint, Detail, MessageRule, Pos, TxnAt};
use ghost::Ghost;
use liveness::Live;
use mirror::Chain;
use serde::Serialize;
use std::sync::Arc;
use transition::T3;
use view::View;

/// A broken invariant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Violation {
    /// Id as numbered in spec §12: `I1`..`I16`, `T1`..`T3`, `L1`..`L4`.
    pub invariant: String,
    /// Readable name, e.g. `LeaderLogCompleteness`.
    pub name: String,
    /// When it broke.
    pub at_ms: Time,
    /// Servers involved.
    pub servers: Vec<ServerId>,
    /// What broke, as data (serialised as its English sentence, [`Detail`]'s `Display`).
    /// Shared, not copied, by the run's clones (time travel), its trace event and the
    /// views that show it: a deep `Clone` of `Detail` is 14 KB of wasm (issue 16).
    pub detail: Arc<Detail>,
}

/// One entry of the invariant catalogue (spec §12.3-§12.5), for menus and reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct InvariantInfo {
    /// Id, e.g. `I10`.
    pub id: &'static str,
    /// Name, e.g. `LeaderLogCompleteness`.
    pub name: &'static str,
    /// What it demands, in one sentence.
    pub summary: &'static str,
}

/// Every invariant the checker knows, in spec order.
pub const INVARIANTS: [InvariantInfo; 29] = [
    InvariantInfo {
        id: "I1",
        name: "Leadership1",
        summary: "No two servers lead (in SYNCHRONIZATION or BROADCAST) with the same currentEpoch.",
    },
    InvariantInfo {
        id: "I2",
        name: "Leadership2",
        summary: "At most one server establishes each epoch, and no server proposes an epoch in two incarnations (spec §14 E2).",
    },
    InvariantInfo {
        id: "I3",
        name: "PrefixConsistency",
        summary: "Any two servers agree on every position both know to be committed.",
    },
    InvariantInfo {
        id: "I4",
        name: "Integrity",
        summary: "Every delivered txn was broadcast by some primary.",
    },
    InvariantInfo {
        id: "I5",
        name: "Agreement",
        summary: "Of two servers, one has delivered everything the other has.",
    },
    InvariantInfo {
        id: "I6",
        name: "TotalOrder",
        summary: "Servers deliver common txns in the same order.",
    },
    InvariantInfo {
        id: "I7",
        name: "LocalPrimaryOrder",
        summary: "A server that delivers a txn has delivered every earlier txn of the same primary and epoch before it.",
    },
    InvariantInfo {
        id: "I8",
        name: "GlobalPrimaryOrder",
        summary: "Txns of older epochs are delivered before txns of newer epochs.",
    },
    InvariantInfo {
        id: "I9",
        name: "PrimaryIntegrity",
        summary: "A follower has delivered no txn of an older epoch that its leader has not delivered.",
    },
    InvariantInfo {
        id: "I9h",
        name: "PrimaryIntegrityHistory",
        summary: "No server delivers an older-epoch txn that a primary had not delivered when it first broadcast.",
    },
    InvariantInfo {
        id: "I10",
        name: "LeaderLogCompleteness",
        summary: "A leader in BROADCAST holds, and counts as committed, every committed txn.",
    },
    InvariantInfo {
        id: "I11",
        name: "HistoryConsistency",
        summary: "A follower that processed NEWLEADER holds a prefix of its leader's history.",
    },
    InvariantInfo {
        id: "I12",
        name: "CommitConsistency",
        summary: "A follower's committed txns are a prefix of its leader's.",
    },
    InvariantInfo {
        id: "I13",
        name: "DurableSanity",
        summary: "acceptedEpoch >= currentEpoch >= the epoch of the last durable zxid (the restart checks).",
    },
    InvariantInfo {
        id: "I14",
        name: "SnapshotIntegrity",
        summary: "A snapshot contains exactly the txns up to its label.",
    },
    InvariantInfo {
        id: "I15",
        name: "ZxidUniqueness",
        summary: "No two different txns share a zxid; a primary only mints zxids of its own epoch.",
    },
    InvariantInfo {
        id: "I16",
        name: "AckedWriteDurability",
        summary: "Every write acknowledged to a client stays committed.",
    },
    InvariantInfo {
        id: "T1",
        name: "CommittedLogDurability",
        summary: "No durable committed txn is removed from a server's history (TRUNC, SNAP, reload).",
    },
    InvariantInfo {
        id: "T2",
        name: "CommittedMonotonicity",
        summary: "The committed sequence only grows.",
    },
    InvariantInfo {
        id: "T3",
        name: "MessageLegal",
        summary: "Every packet is legal where it arrives (NEWLEADER, PROPOSAL, COMMIT and ACK in the right state and order).",
    },
    InvariantInfo {
        id: "L1",
        name: "LeaderElected",
        summary: "In a good period some leader reaches BROADCAST within a bound.",
    },
    InvariantInfo {
        id: "L2",
        name: "JoinEnsemble",
        summary: "In a good period every running server joins the established ensemble within a bound (unless it promised a newer epoch: ZAB lets it join only a later leader).",
    },
    InvariantInfo {
        id: "L3",
        name: "NoSpuriousShutdown",
        summary: "In a good period no leader gives up synchronisation and no server exits on a protocol error.",
    },
    InvariantInfo {
        id: "L4",
        name: "RestartSucceeds",
        summary: "A crashed server can always restart from its disk.",
    },
    InvariantInfo {
        id: "C1",
        name: "EphemeralOwnerLive",
        summary: "An ephemeral znode exists on a server only while its owner's session is live there.",
    },
    InvariantInfo {
        id: "C2",
        name: "WatchOnce",
        summary: "A watch fires at most once per registration, at its own server, after that server applied the change.",
    },
    InvariantInfo {
        id: "C3",
        name: "MonotonicClientView",
        summary: "A client is never answered with a zxid below one it has already seen.",
    },
    InvariantInfo {
        id: "C4",
        name: "SequentialOrder",
        summary: "The sequential znodes a parent names are unique and increasing.",
    },
    InvariantInfo {
        id: "C5",
        name: "CallOrder",
        summary: "A server answers a client's calls on one connection in the order the client made them.",
    },
];

/// Invariant ids, indexing [`INVARIANTS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(dead_code)]
pub(crate) enum Inv {
    I1,
    I2,
    I3,
    I4,
    I5,
    I6,
    I7,
    I8,
    I9,
    I9h,
    I10,
    I11,
    I12,
    I13,
    I14,
    I15,
    I16,
    T1,
    T2,
    T3,
    L1,
    L2,
    L3,
    L4,
    C1,
    C2,
    C3,
    C4,
    C5,
}

impl Inv {
    fn info(self) -> &'static InvariantInfo {
        &INVARIANTS[self as usize]
    }
}

/// The checker with its ghost state.
#[derive(Clone, Debug, Default)]
pub struct Checker {
    cfg: Config,
    started: bool,
    blind: bool,
    last_trace_count: u64,
    views: Vec<View>,
    ghost: Ghost,
    reported: [bool; INVARIANTS.len()],
    live: Live,
    now: Time,
    /// The newest leader in BROADCAST (index into `views`).
    newest: Option<usize>,
    // Per-step scratch, reused.
    dirty: Vec<bool>,
    changed: Vec<bool>,
    force_log: Vec<bool>,
    commit_marks: Vec<Option<Zxid>>,
    new_epochs: Vec<(Epoch, ServerId)>,
    /// Per learner: how long the committed sequence was when its leader planned the
    /// current DIFF/TRUNC/SNAP (T1 judges a sync against what was committed then).
    plan_glen: Vec<Option<usize>>,
    /// Per pair of servers (`i * n + j`): (divergence point, lastC(i), lastC(j)) when
    /// I5/I6 were last evaluated, so a lasting divergence is not re-scanned every step.
    agree_memo: Vec<(usize, usize, usize)>,
    /// Each server's incarnation (`Node::incarnation`) before the step being observed.
    prev_inc: Vec<u64>,
    acked_now: Vec<Zxid>,
    roles_changed: bool,
    /// Treat every refreshed server as changed (after `mark_all`).
    force_changed: bool,
    /// Ghost state of the client invariants C1..C5.
    clients: clients::Clients,
    out: Vec<Violation>,
}

/// A txn as a finding names it.
pub(crate) fn tx(t: &Txn) -> TxnAt {
    TxnAt::of(t)
}

/// Position `i` (0-based).
pub(crate) fn nth(i: usize) -> Pos {
    Pos(i)
}

impl Checker {
    /// A checker for a cluster.
    pub fn new(cfg: &Config) -> Checker {
        Checker {
            cfg: cfg.clone(),
            live: Live::new(cfg),
            ..Checker::default()
        }
    }

    /// Observes one simulator step: the events it produced and the state after it.
    pub fn observe(&mut self, sim: &Sim, events: &[TraceEvent]) -> Vec<Violation> {
        self.now = sim.now;
        let first = !self.started;
        if first || sim.nodes.len() != self.views.len() {
            self.start(sim);
        } else if (events.len() as u64) < sim.trace_count.saturating_sub(self.last_trace_count) {
            // The events of this step were not all handed over (trace recording off?):
            // look at every server, and trust txns whose proposal we may have missed.
            self.blind = true;
            self.mark_all();
        }
        self.last_trace_count = sim.trace_count;
        self.scan(sim, events);
        self.settle(sim);
        for (inv, servers, detail) in self.clients.observe(sim, events) {
            self.report(inv, servers, detail);
        }
        std::mem::take(&mut self.out)
    }

    /// Re-reads every server and re-checks every state invariant, as if everything had
    /// changed: for callers that edited the simulation directly (tests, a restored
    /// checkpoint). Ghost state is kept.
    pub fn recheck(&mut self, sim: &Sim) -> Vec<Violation> {
        self.now = sim.now;
        if !self.started || sim.nodes.len() != self.views.len() {
            self.start(sim);
        }
        self.mark_all();
        for v in &mut self.views {
            v.chk_len = 0;
            v.chk_chain = 0;
            v.i10_gver = u64::MAX;
        }
        self.settle(sim);
        std::mem::take(&mut self.out)
    }

    /// End-of-run checks (bounded liveness).
    pub fn finish(&mut self, sim: &Sim) -> Vec<Violation> {
        self.now = sim.now;
        if self.started {
            self.check_liveness(sim);
        }
        std::mem::take(&mut self.out)
    }

    /// The committed sequence so far (`ghost.committed`, spec §12.2), oldest first.
    pub fn committed(&self) -> Vec<Txn> {
        self.ghost
            .committed
            .ents
            .iter()
            .map(|e| Txn::clone(&e.txn))
            .collect()
    }

    /// `lastC(s)` (spec §12.2) as last computed: how many txns of its history server
    /// `id` knows to be committed.
    pub fn last_committed_count(&self, id: ServerId) -> Option<usize> {
        self.views.get(index(id)?).map(|v| v.lastc)
    }

    /// The ids of the invariants reported so far.
    pub fn reported(&self) -> Vec<&'static str> {
        INVARIANTS
            .iter()
            .zip(self.reported.iter())
            .filter(|(_, r)| **r)
            .map(|(i, _)| i.id)
            .collect()
    }

    fn start(&mut self, sim: &Sim) {
        let n = sim.nodes.len();
        if self.views.len() != n {
            self.views = sim.nodes.iter().map(|node| View::new(node.id)).collect();
        }
        self.dirty = vec![false; n];
        self.changed = vec![false; n];
        self.force_log = vec![false; n];
        self.commit_marks = vec![None; n];
        self.plan_glen.resize(n, None);
        self.agree_memo = vec![(usize::MAX, 0, 0); n * n];
        self.prev_inc = sim.nodes.iter().map(|node| node.incarnation).collect();
        self.live.resize(n, sim.now);
        let fresh = !self.started;
        self.started = true;
        self.mark_all();
        if fresh {
            // Txns that exist before the checker watches are trusted (their proposal
            // was not seen).
            self.settle_views(sim);
            for v in &self.views {
                for i in 0..v.len() {
                    let e = v.ent(i);
                    self.ghost.trust(&e.txn, e.dig);
                }
            }
            self.mark_all();
        }
    }

    fn mark_all(&mut self) {
        for i in 0..self.dirty.len() {
            self.dirty[i] = true;
            self.force_log[i] = true;
        }
        self.roles_changed = true;
        self.force_changed = true;
    }

    /// Reads the step's events: which servers changed, ghost updates, signals.
    fn scan(&mut self, sim: &Sim, events: &[TraceEvent]) {
        for ev in events {
            let at = ev.at_ms;
            match &ev.kind {
                TraceKind::Server { server, event } => {
                    let Some(i) = self.idx(*server) else { continue };
                    match event {
                        ServerEvent::Vote { .. } => continue,
                        ServerEvent::Propose { txn } => self.on_propose(sim, *server, txn, at),
                        ServerEvent::Established { epoch } => {
                            self.on_established(*server, *epoch, at)
                        }
                        ServerEvent::Commit { zxid } => self.commit_marks[i] = Some(*zxid),
                        ServerEvent::SyncChosen { learner, .. } => {
                            if let Some(j) = self.idx(*learner) {
                                self.plan_glen[j] = Some(self.ghost.committed.ents.len());
                            }
                        }
                        ServerEvent::Truncate { .. } | ServerEvent::Recovered { .. } => {
                            self.force_log[i] = true
                        }
                        ServerEvent::Warning { warning } => self.t3_signal(
                            *server,
                            T3::of_warning(warning),
                            || Complaint::Warning(warning.clone()),
                            at,
                        ),
                        ServerEvent::LeftRole { reason } => {
                            self.t3_signal(
                                *server,
                                T3::of_role_exit(reason),
                                || Complaint::LeftRole(reason.clone()),
                                at,
                            );
                            if matches!(reason, RoleExit::CannotTruncate { .. }) {
                                // ZooKeeper's learner exits here; the baseline's goes
                                // back to LOOKING. A failure either way: its leader may
                                // time out waiting for it (not L3's spurious shutdown).
                                self.live.fault(at);
                            }
                            self.l3_left_role(i, reason, at);
                            self.roles_changed = true;
                        }
                        ServerEvent::StateChange { state, .. } => {
                            self.live.on_state(i, *state, at);
                            self.roles_changed = true;
                        }
                        _ => {}
                    }
                    self.dirty[i] = true;
                }
                TraceKind::Crash { server, reason } => {
                    if let Some(i) = self.idx(*server) {
                        self.t3_signal(
                            *server,
                            T3::of_crash(reason),
                            || Complaint::Crash(reason.clone()),
                            at,
                        );
                        self.l3_crash(*server, reason, at);
                        self.live.fault(at);
                        self.live
                            .on_state(i, crate::packet::ServerState::Looking, at);
                        self.dirty[i] = true;
                        self.force_log[i] = true;
                        self.roles_changed = true;
                    }
                }
                TraceKind::Restart { server, failed } => {
                    if let Some(i) = self.idx(*server) {
                        if let Some(reason) = failed {
                            self.l4_failed(*server, reason, at);
                        } else {
                            self.live.restarted(i, at);
                        }
                        self.live.fault(at);
                        self.dirty[i] = true;
                        self.force_log[i] = true;
                        self.roles_changed = true;
                    }
                }
                TraceKind::PacketSent { from, summary, .. } => {
                    if let Payload::Quorum(QuorumPacket::LeaderInfo { new_epoch }) = &*summary.0 {
                        self.on_leader_info(*from, *new_epoch, at)
                    }
                }
                TraceKind::Network { .. } => self.live.fault(at),
                TraceKind::PacketDropped { reason, .. } if reason.by_user() => self.live.fault(at),
                TraceKind::PacketDelivered { to, packet, .. }
                    if *packet != "PING" && *packet != "NOTIFICATION" =>
                {
                    if let Some(i) = self.idx(*to) {
                        self.dirty[i] = true;
                    }
                }
                TraceKind::ClientReply {
                    result: WriteResult::Committed { zxid },
                    ..
                } => self.acked_now.push(*zxid),
                _ => {}
            }
        }
    }

    fn idx(&self, id: ServerId) -> Option<usize> {
        index(id).filter(|i| *i < self.views.len())
    }

    /// Brings dirty views up to date and runs the per-server checks.
    fn settle_views(&mut self, sim: &Sim) {
        for i in 0..self.views.len() {
            self.changed[i] = false;
            if !self.dirty[i] {
                continue;
            }
            let before = signature(&self.views[i]);
            let r = self.views[i].refresh(
                &sim.nodes[i],
                self.force_log[i],
                self.commit_marks[i],
                &self.ghost,
            );
            self.changed[i] =
                self.force_changed || signature(&self.views[i]) != before || r.hist_from < before.0;
            if self.started {
                self.check_local(i, &r);
            }
        }
    }

    /// Everything after the event scan.
    fn settle(&mut self, sim: &Sim) {
        self.settle_views(sim);
        self.check_committed();
        self.check_new_epochs();
        for i in 0..self.views.len() {
            if self.changed[i] {
                self.check_delivered(i);
            }
        }
        self.check_pairs();
        if self.roles_changed {
            self.check_leadership();
        }
        self.check_liveness(sim);
        for i in 0..self.dirty.len() {
            self.dirty[i] = false;
            self.force_log[i] = false;
            self.commit_marks[i] = None;
        }
        self.new_epochs.clear();
        self.acked_now.clear();
        for (p, node) in self.prev_inc.iter_mut().zip(&sim.nodes) {
            *p = node.incarnation;
        }
        self.roles_changed = false;
        self.force_changed = false;
    }

    fn fresh(&self, inv: Inv) -> bool {
        !self.reported[inv as usize]
    }

    fn report(&mut self, inv: Inv, servers: Vec<ServerId>, detail: Detail) {
        self.report_at(inv, inv.info().name, self.now, servers, detail);
    }

    fn report_at(
        &mut self,
        inv: Inv,
        name: &str,
        at_ms: Time,
        mut servers: Vec<ServerId>,
        detail: Detail,
    ) {
        if self.reported[inv as usize] {
            return;
        }
        self.reported[inv as usize] = true;
        servers.sort();
        servers.dedup();
        self.out.push(Violation {
            invariant: inv.info().id.to_string(),
            name: name.to_string(),
            at_ms,
            servers,
            detail: Arc::new(detail),
        });
    }
}

/// `ServerId` → index into `Sim::nodes`.
fn index(id: ServerId) -> Option<usize> {
    (id.0 as usize).checked_sub(1)
}

/// What, if it changes, requires re-checking a server.
type Sig = (usize, u64, usize, u64, view::Role, bool, Epoch, Epoch);

fn signature(v: &View) -> Sig {
    let len = v.len();
    (
        len,
        v.chain(len),
        v.lastc,
        v.chain(v.lastc),
        v.role,
        v.up,
        v.current_epoch,
        v.accepted_epoch,
    )
}
