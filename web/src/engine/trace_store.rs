//! The engine's one store of recent trace facts: packet spans, each server's lane of
//! states, crash / restart / refusal marks, recoveries, refused starts, sync choices and
//! votes. The space-time diagram and the inspector read it through the engine's views.
//!
//! The engine feeds it every trace event exactly once, from the same absorb path that
//! fills the event log, and refills it from [`Timeline::trace_window`] when the moment
//! it shows is replaced (a seek; a fork continues from the moment looked at, so the
//! store is already right; a new run is a new engine). It holds typed values only: the
//! words are made where the panels show them. Absorbing is O(1) per event (amortised;
//! pruning drops from the front), and it is bounded by time ([`KEEP_PACKETS_MS`],
//! [`KEEP_MARKS_MS`]) and size ([`KEEP_VOTES`]).
//!
//! [`Timeline::trace_window`]: zab_core::timeline::Timeline::trace_window

use std::collections::{BTreeMap, VecDeque};

use zab_core::packet::QuorumPacket;
use zab_core::server::{compare_votes, ServerEvent};
use zab_core::sim::trace::PacketSummary;
use zab_core::sim::{DropReason, Payload, TraceEvent, TraceKind};
use zab_core::{ServerId, Time};

use super::inspect::{
    vote_of, vote_view, LaneState, Mark, MarkKind, RecoveryView, RefusalView, SyncChoiceView,
    VoteEventView,
};
use crate::engine::views::Role;

/// How much history a refill replays (explanations look this far back).
pub const LOOKBACK_MS: Time = 30_000;
/// Packets that ended longer ago than this are forgotten.
pub const KEEP_PACKETS_MS: Time = 25_000;
/// Votes remembered per server.
pub const KEEP_VOTES: usize = 12;
/// Crash and restart marks, and lane segments, older than this are forgotten.
pub const KEEP_MARKS_MS: Time = 60_000;

/// One packet between two servers, from its send to its delivery or loss.
#[derive(Clone, Debug)]
pub struct PacketSpan {
    /// Sender.
    pub from: u32,
    /// Receiver.
    pub to: u32,
    /// ZooKeeper's packet type.
    pub kind: &'static str,
    /// Its contents (put in words when shown).
    pub summary: PacketSummary,
    /// A PING (hidden from the diagram unless asked for).
    pub ping: bool,
    /// When sent.
    pub sent: Time,
    /// When it is due.
    pub deliver_at: Time,
    /// When it arrived.
    pub delivered: Option<Time>,
    /// When it was lost, and why.
    pub dropped: Option<(Time, DropReason)>,
}

impl PacketSpan {
    /// When it arrived, was lost, or is due.
    fn end(&self) -> Time {
        self.dropped
            .as_ref()
            .map(|d| d.0)
            .or(self.delivered)
            .unwrap_or(self.deliver_at)
    }
}

/// The recent trace as typed facts (see the module doc).
#[derive(Debug, Default)]
pub struct TraceStore {
    /// The trace is complete from here on.
    pub known_from: Time,
    /// Packets by id, in sending order.
    pub packets: BTreeMap<u64, PacketSpan>,
    /// Per server (index id - 1): state changes, oldest first.
    pub lanes: Vec<Vec<(Time, LaneState)>>,
    /// Crashes, restarts and refused starts, oldest first.
    pub marks: VecDeque<Mark>,
    /// Each server's last recovery.
    pub recovered: BTreeMap<u32, RecoveryView>,
    /// Each server's refused start, while its latest restart stays refused.
    pub refused: BTreeMap<u32, RefusalView>,
    /// Latest choice per (leader, learner).
    pub syncs: BTreeMap<(u32, u32), SyncChoiceView>,
    /// Each server's recent votes, oldest first.
    pub votes: BTreeMap<u32, VecDeque<VoteEventView>>,
    /// How many times the store was refilled from the timeline (diagnostics: following
    /// the run should not refill it).
    pub refills: u64,
}

impl TraceStore {
    /// An empty store for `n` servers whose trace is complete from `from`, each lane
    /// starting in `initial(id)`.
    pub fn start(
        &mut self,
        n: u32,
        from: Time,
        initial: impl Fn(ServerId) -> LaneState,
    ) -> &mut Self {
        let refills = self.refills;
        *self = TraceStore {
            known_from: from,
            lanes: (1..=n)
                .map(|id| vec![(from, initial(ServerId(id)))])
                .collect(),
            refills,
            ..TraceStore::default()
        };
        self
    }

    /// Counts a refill from the timeline.
    pub fn count_refill(&mut self) {
        self.refills += 1;
    }

    fn push_lane(&mut self, server: u32, at: Time, state: LaneState) {
        let Some(lane) = self.lanes.get_mut(server as usize - 1) else {
            return;
        };
        if lane.last().is_some_and(|(_, s)| *s == state) {
            return;
        }
        // The first change at the start time replaces the assumed initial state.
        if lane.len() == 1 && lane[0].0 == at {
            lane.clear();
        }
        lane.push((at, state));
    }

    /// Takes one trace event in.
    pub fn absorb(&mut self, ev: &TraceEvent) {
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
                let ping = matches!(&*summary.0, Payload::Quorum(QuorumPacket::Ping { .. }));
                self.packets.insert(
                    *id,
                    PacketSpan {
                        from: from.0,
                        to: to.0,
                        kind: packet,
                        summary: summary.clone(),
                        ping,
                        sent: at,
                        deliver_at: *deliver_at_ms,
                        delivered: None,
                        dropped: None,
                    },
                );
            }
            TraceKind::PacketDelivered { id, .. } => {
                if let Some(p) = self.packets.get_mut(id) {
                    p.delivered = Some(at);
                }
            }
            TraceKind::PacketDropped { id, reason, .. } => {
                if let Some(p) = self.packets.get_mut(id) {
                    p.dropped = Some((at, *reason));
                }
            }
            TraceKind::Crash { server, reason } => {
                self.push_lane(server.0, at, LaneState::Down);
                self.refused.remove(&server.0);
                self.marks.push_back(Mark {
                    at,
                    server: server.0,
                    kind: MarkKind::Crash(reason.clone()),
                });
            }
            TraceKind::Restart { server, failed } => match failed {
                None => {
                    self.push_lane(server.0, at, LaneState::Up(Role::Looking, "ELECTION"));
                    self.refused.remove(&server.0);
                    self.marks.push_back(Mark {
                        at,
                        server: server.0,
                        kind: MarkKind::Restart,
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
                    self.marks.push_back(Mark {
                        at,
                        server: server.0,
                        kind: MarkKind::Refused(reason.clone()),
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

    /// Forgets what is older than the bounds, as seen from `now`.
    pub fn prune(&mut self, now: Time) {
        let old = now.saturating_sub(KEEP_PACKETS_MS);
        // Packets are in id (sending) order: drop from the oldest until one ended
        // recently or is still in flight.
        while let Some(entry) = self.packets.first_entry() {
            let p = entry.get();
            let in_flight = p.delivered.is_none() && p.dropped.is_none() && p.deliver_at >= now;
            if in_flight || p.end() >= old {
                break;
            }
            entry.remove();
        }
        let old_marks = now.saturating_sub(KEEP_MARKS_MS);
        while self.marks.front().is_some_and(|m| m.at < old_marks) {
            self.marks.pop_front();
        }
        for lane in &mut self.lanes {
            // Keep the last change before the horizon: it is the state there.
            if lane.len() > 1 && lane[1].0 <= old_marks {
                let first_kept = lane.iter().rposition(|(t, _)| *t <= old_marks).unwrap_or(0);
                lane.drain(..first_kept);
            }
        }
        self.known_from = self.known_from.max(old);
    }
}

/// For each of `n` servers, the state it was in before the first event of `events`
/// that changes it, where that event tells (a restart comes after down; a crash or
/// state change after a state the trace does not say).
pub fn state_before(n: u32, events: &[TraceEvent]) -> Vec<Option<LaneState>> {
    let mut before: Vec<Option<LaneState>> = vec![None; n as usize];
    for ev in events {
        let (server, state) = match &ev.kind {
            TraceKind::Restart { server, .. } => (server, LaneState::Down),
            TraceKind::Crash { server, .. }
            | TraceKind::Server {
                server,
                event: ServerEvent::StateChange { .. },
            } => (server, LaneState::Unknown),
            _ => continue,
        };
        if let Some(b) = before.get_mut(server.0 as usize - 1) {
            b.get_or_insert(state);
        }
    }
    before
}
