//! What a lesson step waits for ([`Until`]) and the facts a step gathers while the
//! cluster runs ([`Watch`]), read from the typed trace (design: "check is an observer":
//! the watch only reads).
//!
//! The web app's "pause at" controls use the same [`Until`] values as the lessons
//! ([`Until::PAUSE_POINTS`]), so "pause when a leader is elected" and a lesson step that
//! waits for a leader stop at the same event.

use std::collections::BTreeMap;

use crate::ids::{Epoch, ServerId, Time};
use crate::packet::{ServerState, Vote};
use crate::server::{Phase, ServerEvent, SyncReason, VoteReason};
use crate::sim::{Sim, TraceEvent, TraceKind};

/// A moment a step runs the cluster to: a predicate over the simulator's state and the
/// trace since the step began, never a fixed time (The Secret Lives of Data's habit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Until {
    /// Nothing to wait for: the step is only words (or only a question about now).
    Now,
    /// Any server's ServerState or ZabState changed (a `StateChange` in the trace).
    PhaseChange,
    /// A leader reached BROADCAST: a quorum acknowledged its NEWLEADER (`Active`).
    LeaderActive,
    /// A leader of a newer epoch than the one active when the step began is in
    /// BROADCAST (`Sim::leader` with a higher epoch).
    NewLeader,
    /// A txn was applied as committed somewhere (a `Commit` in the trace).
    Commit,
    /// The newest client write to this path has its answer (committed or failed).
    Answered {
        /// The znode.
        path: String,
    },
    /// Every running server's data tree has this znode.
    Everywhere {
        /// The znode.
        path: String,
    },
    /// Every running server is in BROADCAST with the active leader (synced).
    AllSynced,
    /// This server is no longer LEADING (it crashed or gave up its quorum).
    NotLeading {
        /// The server.
        server: ServerId,
    },
    /// The invariant checker reported a violation.
    Violation,
}

impl Until {
    /// The moments the app's "pause at" control offers, in menu order.
    pub const PAUSE_POINTS: [Until; 3] = [Until::PhaseChange, Until::LeaderActive, Until::Commit];

    /// Whether the moment has come, given the state now and what the step saw.
    pub fn reached(&self, sim: &Sim, watch: &Watch) -> bool {
        match self {
            Until::Now => true,
            Until::PhaseChange => watch.phase_changes > 0,
            Until::LeaderActive => {
                watch.actives > 0 || (watch.epoch_before.is_none() && sim.leader().is_some())
            }
            Until::NewLeader => leader_epoch(sim).is_some_and(|e| Some(e) > watch.epoch_before),
            Until::Commit => watch.commits > 0,
            Until::Answered { path } => newest_write(sim, path).is_some_and(|w| w.result.is_some()),
            Until::Everywhere { path } => sim
                .nodes
                .iter()
                .filter_map(|n| n.server.as_ref())
                .all(|s| s.read(path).is_some()),
            Until::AllSynced => {
                let leader = sim.leader();
                leader.is_some()
                    && sim.nodes.iter().filter_map(|n| n.server.as_ref()).all(|s| {
                        s.phase() == Phase::Broadcast
                            && (s.state() == ServerState::Leading
                                || s.learner().map(|l| l.leader) == leader)
                    })
            }
            Until::NotLeading { server } => sim
                .server(*server)
                .is_none_or(|s| s.state() != ServerState::Leading),
            Until::Violation => watch.violation.is_some(),
        }
    }
}

/// The active leader's epoch (`None`: no leader in BROADCAST).
pub fn leader_epoch(sim: &Sim) -> Option<Epoch> {
    sim.leader()
        .and_then(|id| sim.server(id))
        .map(|s| s.current_epoch())
}

/// The newest client write to `path` (by request id), if any.
pub fn newest_write<'a>(sim: &'a Sim, path: &str) -> Option<&'a crate::sim::WriteRecord> {
    sim.writes
        .values()
        .filter(|w| w.op.path() == Some(path))
        .max_by_key(|w| w.req)
}

/// What a step saw since it began: counts of the moments [`Until`] waits for and the
/// facts a question's answer is explained by.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Watch {
    /// When the step began.
    pub since: Time,
    /// The active leader's epoch when the step began (`None`: no leader then).
    pub epoch_before: Option<Epoch>,
    /// ServerState or ZabState changes seen.
    pub phase_changes: u32,
    /// Leaders that reached BROADCAST.
    pub actives: u32,
    /// Txns applied as committed (on any server).
    pub commits: u32,
    /// Each server's own vote, the first time it (re)started a round in this step
    /// (`Vote` with reason `NewRound`): what it brought to the election.
    pub own_votes: BTreeMap<ServerId, Vote>,
    /// The last winning vote (`Elected`, as the winner reported it) and the servers whose votes formed its quorum.
    pub elected: Option<(Vote, Vec<ServerId>)>,
    /// For each learner synchronised, the last plan: the leader, when, and its reason.
    pub syncs: BTreeMap<ServerId, (ServerId, Time, SyncReason)>,
    /// The first violation: its invariant id and name.
    pub violation: Option<(String, String)>,
}

impl Watch {
    /// A watch starting now.
    pub fn new(sim: &Sim) -> Watch {
        Watch {
            since: sim.now,
            epoch_before: leader_epoch(sim),
            ..Watch::default()
        }
    }

    /// Takes in one trace event.
    pub fn observe(&mut self, ev: &TraceEvent) {
        match &ev.kind {
            TraceKind::Server { server, event } => match event {
                ServerEvent::StateChange { .. } => self.phase_changes += 1,
                ServerEvent::Active { .. } => self.actives += 1,
                ServerEvent::Commit { .. } => self.commits += 1,
                // An observer's vote names nobody (leader 0): it is no candidate.
                ServerEvent::Vote {
                    vote,
                    reason: VoteReason::NewRound,
                    ..
                } if vote.leader.0 != 0 => {
                    self.own_votes.entry(*server).or_insert(*vote);
                }
                // The winner's own report (others, and observers joining later,
                // report the same leader with their own view of it).
                ServerEvent::Elected { vote, quorum } if vote.leader == *server => {
                    self.elected = Some((*vote, quorum.clone()))
                }
                ServerEvent::SyncChosen {
                    learner, reason, ..
                } => {
                    self.syncs.insert(*learner, (*server, ev.at_ms, *reason));
                }
                _ => {}
            },
            TraceKind::Violation {
                invariant, name, ..
            } => {
                self.violation
                    .get_or_insert_with(|| (invariant.clone(), name.clone()));
            }
            _ => {}
        }
    }
}
