//! The deterministic discrete-event simulator (spec §13, design "sim").
//!
//! It owns everything nondeterministic: simulated time (integer ms), an event queue
//! ordered by (time, class, sequence), the network, the disks, clients and faults, all
//! driven by one seed with a separate random stream per subsystem. It runs the
//! [`Server`] state machines by feeding them inputs and
//! interpreting the effects they return. The same configuration, seed and schedule
//! give the same trace, byte for byte, natively and in wasm.

mod check;
mod clients;
mod network;
mod outcome;
mod queue;
pub mod rng;
mod schedule;
mod server_stats;
pub mod trace;
mod writes;

pub use crate::action::Action;
pub use clients::{CallRecord, ClientFlight, ClientMsg};
pub use network::{Conn, DropReason, InFlight, NetChange, Network, Payload};
pub use outcome::{check_path, Outcome, PathProblem, Refusal};
pub use server_stats::{CnxnCounts, ServerStats};
pub use trace::{Channel, TraceEvent, TraceKind};
pub use writes::{WriteRecord, Writes};

use crate::client::Client;
use crate::config::Config;
use crate::ids::{ClientId, ServerId, Time, Zxid};
use crate::packet::ServerState;
use crate::server::{
    CrashPoint, Ctx, Effect, HaltReason, Input, Phase, Server, ServerEvent, StartRefusal, SyncMode,
    Timer, WriteFailure, WriteResult,
};
use crate::storage::Disk;
use crate::txn::{Op, ReqId};
use queue::{Key, Queue};
use rng::Streams;
use schedule::Schedule;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

/// One machine: a running server, or the disk of a crashed one.
#[derive(Clone, Debug)]
pub struct Node {
    /// `myid`.
    pub id: ServerId,
    /// The running process, if up.
    pub server: Option<Server>,
    /// The disk while the server is down (while up, the server holds it).
    pub disk: Disk,
    /// Bumped on every crash and restart; stale events of an old process are dropped.
    pub incarnation: u64,
    /// Crash points armed while the server was down.
    pub armed: BTreeSet<CrashPoint>,
    /// The disk is busy flushing until then (fsyncs complete in order).
    pub fsync_free_at: Time,
    /// Why the server is down (crash, refused start), if it is.
    pub down_reason: Option<DownReason>,
    /// The running process's client counters (zero again after a restart).
    pub stats: ServerStats,
}

/// Why a server crashed ([`TraceKind::Crash`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CrashReason {
    /// The user (or the scenario) crashed it.
    ByUser,
    /// It reached an armed crash point.
    Point(CrashPoint),
    /// Its process exited on a protocol error.
    Exit(HaltReason),
}

impl fmt::Display for CrashReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CrashReason::ByUser => f.write_str("crashed by the user"),
            CrashReason::Point(p) => write!(f, "crash point `{}`: {}", p.name(), p.description()),
            CrashReason::Exit(why) => write!(f, "process exit: {why}"),
        }
    }
}

/// Why a server is down ([`Node::down_reason`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DownReason {
    /// It has not been started yet (`start_down`, or time 0).
    NotStarted,
    /// It crashed.
    Crashed(CrashReason),
    /// Its last restart failed the startup checks.
    Refused(StartRefusal),
}

impl fmt::Display for DownReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DownReason::NotStarted => f.write_str("not started"),
            DownReason::Crashed(why) => why.fmt(f),
            DownReason::Refused(why) => write!(f, "refused to start: {why}"),
        }
    }
}

crate::server::serialize_as_text!(CrashReason, DownReason);

impl Node {
    /// The durable state, whether the server is up or down.
    pub fn disk(&self) -> &Disk {
        self.server.as_ref().map_or(&self.disk, |s| &s.disk)
    }

    /// Whether the process runs.
    pub fn is_up(&self) -> bool {
        self.server.is_some()
    }
}

/// A leader reaching BROADCAST.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ElectionRecord {
    /// When.
    pub at_ms: Time,
    /// Leader.
    pub leader: ServerId,
    /// Its epoch.
    pub epoch: u32,
}

/// A synchronisation the leader chose for a learner.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SyncRecord {
    /// When.
    pub at_ms: Time,
    /// Leader.
    pub leader: ServerId,
    /// Learner.
    pub follower: ServerId,
    /// The leader's epoch.
    pub epoch: u32,
    /// DIFF, TRUNC or SNAP.
    pub mode: SyncMode,
}

/// Counters.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Events processed.
    pub events: u64,
    /// Packets sent.
    pub packets: u64,
}

#[derive(Clone, Debug, PartialEq)]
enum Event {
    Deliver(u64),
    Timer {
        server: ServerId,
        timer: Timer,
        token: u64,
    },
    FsyncDone {
        server: ServerId,
        incarnation: u64,
        upto: Zxid,
    },
    Action(Box<Action>),
    ClientDeliver(u64),
    ClientWake {
        client: ClientId,
        token: u64,
    },
}

/// Ordering class at equal times: protocol events first, then scheduled interventions,
/// so an intervention at time t sees the state after everything else at t (the same
/// moment a user pausing at t acts in).
const CLASS_PROTOCOL: u8 = 0;
const CLASS_ACTION: u8 = 1;

/// Whether a step of the loaded schedule due at `at` runs before the queued event
/// with key `queued`: at equal times it comes after protocol events and before every
/// intervention queued by [`Sim::schedule`] (those were scheduled after it was loaded).
fn schedule_first(at: Time, queued: &Key) -> bool {
    (at, CLASS_ACTION) <= (queued.0, queued.1)
}

/// A pending event, for stepping UIs: when it is due and what it is, as data (the UI
/// words it).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pending {
    /// When it is due.
    pub at_ms: Time,
    /// What will happen.
    pub event: PendingEvent,
}

/// What a [`Pending`] event will do.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum PendingEvent {
    /// A packet in flight arrives (its id works with [`Action::DeliverNow`] and
    /// [`Action::DropPacket`]; it is in [`Sim::packets`] unless already gone).
    Deliver {
        /// The packet's id.
        packet: u64,
    },
    /// A server's timer fires.
    Timer {
        /// The server.
        server: ServerId,
        /// Which timer.
        timer: Timer,
    },
    /// A server's log fsync completes.
    FsyncDone {
        /// The server.
        server: ServerId,
        /// The last zxid it makes durable.
        upto: Zxid,
    },
    /// A scheduled intervention (a scenario step or a user's action) runs.
    Action(Action),
    /// A message between a session client and a server arrives (in
    /// [`Sim::client_flights`]).
    ClientMessage {
        /// Its id.
        id: u64,
    },
    /// A session client's timer fires (ping or timeout check).
    ClientTimer {
        /// The client.
        client: ClientId,
    },
}

impl Pending {
    /// The packet a delivery carries, if this is one.
    pub fn packet(&self) -> Option<u64> {
        match self.event {
            PendingEvent::Deliver { packet } => Some(packet),
            _ => None,
        }
    }
}

/// A set timer: the latest set (`token`, `due`) and the one queue entry that stands for
/// it (`queued`, at `queued_at`), which is older when the timer was re-set for later.
#[derive(Clone, Debug)]
struct TimerSlot {
    token: u64,
    due: Time,
    queued: u64,
    queued_at: Time,
}

/// The whole simulated cluster.
#[derive(Clone, Debug)]
pub struct Sim {
    /// Configuration.
    pub cfg: Config,
    /// The run's seed.
    pub seed: u64,
    /// Simulated time.
    pub now: Time,
    /// Machines, index `id - 1`.
    pub nodes: Vec<Node>,
    /// Links and connections.
    pub net: Network,
    /// Packets in flight, by id.
    pub packets: BTreeMap<u64, InFlight>,
    /// Every client write, by request id.
    pub writes: Writes,
    /// Leaders that reached BROADCAST.
    pub elections: Vec<ElectionRecord>,
    /// Sync modes chosen.
    pub syncs: Vec<SyncRecord>,
    /// Counters.
    pub stats: Stats,
    /// Trace events not yet taken by [`Sim::take_trace`] (if recording).
    pub trace: Vec<TraceEvent>,
    /// Whether to record the trace.
    pub record: bool,
    /// Number of trace events produced so far (recorded or not).
    pub trace_count: u64,
    seq: u64,
    queue: Queue<Event>,
    schedule: Schedule,
    streams: Streams,
    timers: BTreeMap<(ServerId, Timer), TimerSlot>,
    next_packet: u64,
    next_req: u64,
    /// Writes whose answer was lost and whose fate is not decided yet.
    unknown_writes: BTreeSet<ReqId>,
    /// Session clients.
    pub clients: BTreeMap<ClientId, Client>,
    /// Clients whose network is cut off from every server.
    pub client_cut: BTreeSet<ClientId>,
    /// Client messages in flight, by id.
    pub client_flights: BTreeMap<u64, ClientFlight>,
    /// Every session client's call, in order: call `n` at index `n - 1`, in a
    /// [`SharedVec`](crate::shared_vec::SharedVec) so that copies of the simulator (time
    /// travel checkpoints) share the records that did not change, as [`Writes`] do.
    pub calls: crate::shared_vec::SharedVec<CallRecord>,
    client_wakes: BTreeMap<ClientId, u64>,
    /// When the last message on each client connection direction arrives (FIFO).
    client_fifo: BTreeMap<(ClientId, ServerId, bool), Time>,
    next_call: u64,
    next_client_msg: u64,
    /// What the last action applied achieved (taken by [`Sim::intervene`]).
    last_outcome: Option<Outcome>,
}

impl Sim {
    /// A cluster at time 0: every server not in `start_down` boots from an empty disk.
    pub fn new(cfg: Config, seed: u64, start_down: &[ServerId]) -> Sim {
        let nodes = cfg
            .server_ids()
            .map(|id| Node {
                id,
                server: None,
                disk: Disk::default(),
                incarnation: 0,
                armed: BTreeSet::new(),
                fsync_free_at: 0,
                down_reason: Some(DownReason::NotStarted),
                stats: ServerStats::default(),
            })
            .collect();
        let mut sim = Sim {
            cfg,
            seed,
            now: 0,
            nodes,
            net: Network::default(),
            packets: BTreeMap::new(),
            writes: Writes::default(),
            elections: Vec::new(),
            syncs: Vec::new(),
            stats: Stats::default(),
            trace: Vec::new(),
            record: true,
            trace_count: 0,
            last_outcome: None,
            seq: 0,
            queue: Queue::default(),
            schedule: Schedule::default(),
            streams: Streams::new(seed),
            timers: BTreeMap::new(),
            next_packet: 1,
            next_req: 1,
            unknown_writes: BTreeSet::new(),
            clients: BTreeMap::new(),
            client_cut: BTreeSet::new(),
            client_flights: BTreeMap::new(),
            calls: crate::shared_vec::SharedVec::new(),
            client_wakes: BTreeMap::new(),
            client_fifo: BTreeMap::new(),
            next_call: 1,
            next_client_msg: 1,
        };
        let ids: Vec<ServerId> = sim.cfg.server_ids().collect();
        for id in ids {
            if !start_down.contains(&id) {
                sim.restart(id);
            }
        }
        sim
    }

    /// The node with this id.
    pub fn node(&self, id: ServerId) -> Option<&Node> {
        self.nodes.get((id.0 as usize).wrapping_sub(1))
    }

    fn node_mut(&mut self, id: ServerId) -> Option<&mut Node> {
        self.nodes.get_mut((id.0 as usize).wrapping_sub(1))
    }

    /// The running server with this id.
    pub fn server(&self, id: ServerId) -> Option<&Server> {
        self.node(id).and_then(|n| n.server.as_ref())
    }

    /// The server that is LEADING in BROADCAST (the newest epoch's, if an old leader
    /// has not noticed yet that it lost its quorum).
    pub fn leader(&self) -> Option<ServerId> {
        self.nodes
            .iter()
            .filter_map(|n| n.server.as_ref())
            .filter(|s| s.state() == ServerState::Leading && s.phase() == Phase::Broadcast)
            .max_by_key(|s| (s.current_epoch(), s.id))
            .map(|s| s.id)
    }

    /// Takes the trace events recorded since the last call.
    pub fn take_trace(&mut self) -> Vec<TraceEvent> {
        std::mem::take(&mut self.trace)
    }

    fn emit(&mut self, kind: TraceKind) {
        self.trace_count += 1;
        if self.record {
            self.trace.push(TraceEvent {
                at_ms: self.now,
                kind,
            });
        }
    }

    fn push(&mut self, at: Time, class: u8, ev: Event) -> u64 {
        self.seq += 1;
        self.queue.insert((at, class, self.seq), ev);
        self.seq
    }

    /// Schedules an intervention at simulated time `at` (not before now).
    pub fn schedule(&mut self, at: Time, action: Action) {
        let at = at.max(self.now);
        self.push(at, CLASS_ACTION, Event::Action(Box::new(action)));
    }

    /// Loads a scenario's schedule: interventions in time order (none before now),
    /// replacing any loaded before. They run as if each had been given to
    /// [`Sim::schedule`] now, in order, before anything else is: at equal times after
    /// protocol events, before other scheduled interventions. The steps are shared, not
    /// copied, by copies of the simulator.
    pub fn load_schedule(&mut self, steps: Arc<[(Time, Action)]>) {
        self.schedule = Schedule::new(steps);
    }

    /// Forgets the interventions queued by [`Sim::schedule`] for after time `t` (the
    /// scenario's own schedule stays). A fork of history needs this: a copy restored
    /// from a checkpoint has the user's later interventions queued, and the forked
    /// future must not carry them (see [`crate::timeline`]).
    pub fn discard_interventions_after(&mut self, t: Time) {
        self.queue
            .retain(|key, ev| !(matches!(ev, Event::Action(_)) && key.0 > t));
    }

    /// Applies an intervention now, as a user's click does, and says what it did.
    ///
    /// It runs after everything else due now (as [`Sim::schedule`] at now would), so it
    /// is the last action applied by the `run_until(now)` here: its outcome is the one
    /// left in `last_outcome`.
    pub fn intervene(&mut self, action: Action) -> Outcome {
        self.schedule(self.now, action);
        self.run_until(self.now);
        self.take_outcome()
    }

    /// The outcome of the last action applied, once (for [`crate::run::Run::intervene`],
    /// which steps the simulator itself).
    pub(crate) fn take_outcome(&mut self) -> Outcome {
        self.last_outcome.take().unwrap_or(Outcome::Done)
    }

    /// The time of the next event, if any.
    pub fn next_time(&self) -> Option<Time> {
        let queued = self.queue.first_key().map(|k| k.0);
        match (self.schedule.next_time(), queued) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Takes the next event: the loaded schedule's next step or the queue's first.
    fn next_event(&mut self) -> Option<(Time, Event)> {
        let from_schedule = match (self.schedule.next_time(), self.queue.first_key()) {
            (Some(at), Some(queued)) => schedule_first(at, queued),
            (at, _) => at.is_some(),
        };
        if from_schedule {
            let (at, a) = self.schedule.pop()?;
            return Some((at, Event::Action(Box::new(a))));
        }
        self.queue.pop_first().map(|((at, _, _), ev)| (at, ev))
    }

    /// Processes the next event. Returns false if there is none.
    pub fn step(&mut self) -> bool {
        let Some((at, ev)) = self.next_event() else {
            return false;
        };
        self.now = self.now.max(at);
        self.stats.events += 1;
        match ev {
            Event::Deliver(id) => self.deliver(id),
            Event::Timer {
                server,
                timer,
                token,
            } => match self.timers.get_mut(&(server, timer)) {
                Some(slot) if slot.queued == token && slot.token == token => {
                    self.timers.remove(&(server, timer));
                    self.emit(TraceKind::TimerFired { server, timer });
                    self.feed(server, Input::Timer(timer));
                }
                Some(slot) if slot.queued == token => {
                    // Set again since, for later: queue it under the key a fresh entry
                    // for that set would have had, so timers fire in the same order.
                    slot.queued = slot.token;
                    let (due, token) = (slot.due, slot.token);
                    let ev = Event::Timer {
                        server,
                        timer,
                        token,
                    };
                    self.queue.insert((due, CLASS_PROTOCOL, token), ev);
                }
                _ => {} // cancelled, or a server's timers voided by a crash
            },
            Event::FsyncDone {
                server,
                incarnation,
                upto,
            } => {
                if self
                    .node(server)
                    .is_some_and(|n| n.incarnation == incarnation)
                {
                    self.feed(server, Input::FsyncDone { upto });
                }
            }
            Event::Action(a) => self.last_outcome = Some(self.apply(*a)),
            Event::ClientDeliver(id) => self.client_deliver(id),
            Event::ClientWake { client, token } => self.client_wake(client, token),
        }
        true
    }

    /// Runs every event due at or before `t`, then sets the clock to `t`.
    pub fn run_until(&mut self, t: Time) {
        while self.next_time().is_some_and(|n| n <= t) {
            self.step();
        }
        self.now = self.now.max(t);
    }

    /// Pending events in the order they will run.
    pub fn pending(&self) -> Vec<Pending> {
        let mut queued = self.queue.sorted().into_iter().peekable();
        let mut steps = self.schedule.remaining().iter().peekable();
        let mut out = Vec::with_capacity(self.queue.len() + self.schedule.remaining().len());
        loop {
            let from_schedule = match (steps.peek(), queued.peek()) {
                (Some((at, _)), Some((key, _))) => schedule_first(*at, key),
                (step, _) => step.is_some(),
            };
            let next = if from_schedule {
                steps.next().map(|(at, a)| Pending {
                    at_ms: *at,
                    event: PendingEvent::Action(a.clone()),
                })
            } else {
                queued.next().map(|((at, _, _), ev)| Pending {
                    at_ms: *at,
                    event: match ev {
                        Event::Deliver(id) => PendingEvent::Deliver { packet: *id },
                        Event::Timer { server, timer, .. } => PendingEvent::Timer {
                            server: *server,
                            timer: *timer,
                        },
                        Event::FsyncDone { server, upto, .. } => PendingEvent::FsyncDone {
                            server: *server,
                            upto: *upto,
                        },
                        Event::Action(a) => PendingEvent::Action((**a).clone()),
                        Event::ClientDeliver(id) => PendingEvent::ClientMessage { id: *id },
                        Event::ClientWake { client, .. } => {
                            PendingEvent::ClientTimer { client: *client }
                        }
                    },
                })
            };
            match next {
                Some(p) => out.push(p),
                None => return out,
            }
        }
    }

    /// Feeds one input to a running server and carries out its effects.
    fn feed(&mut self, id: ServerId, input: Input) {
        let roll = self.streams.disk.next_u64();
        let now = self.now;
        let Some(server) = self.node_mut(id).and_then(|n| n.server.as_mut()) else {
            return;
        };
        let mut effects = server.handle(Ctx { now, roll }, input);
        for e in effects.drain(..) {
            self.effect(id, e);
        }
        if let Some(server) = self.node_mut(id).and_then(|n| n.server.as_mut()) {
            server.recycle(effects);
        }
    }

    fn effect(&mut self, id: ServerId, e: Effect) {
        match e {
            Effect::Notify { to, n } => self.notify(id, to, n),
            Effect::Connect { to } => self.connect(id, to),
            Effect::Send { conn, packet } => self.send_on(id, conn, Payload::Quorum(packet)),
            Effect::Close { conn } => self.close(id, conn),
            Effect::SetTimer { timer, after } => {
                // The token is the sequence number of this set: a later set or a cancel
                // voids it. A timer re-set for later than its queued entry (a read
                // timeout re-armed at every packet) keeps that entry, which moves to the
                // new time when it comes up, instead of queueing one entry per set.
                let due = self.now + after;
                match self.timers.get_mut(&(id, timer)) {
                    Some(slot) if slot.queued_at <= due => {
                        self.seq += 1;
                        slot.token = self.seq;
                        slot.due = due;
                    }
                    _ => {
                        let token = self.seq + 1;
                        let ev = Event::Timer {
                            server: id,
                            timer,
                            token,
                        };
                        self.push(due, CLASS_PROTOCOL, ev);
                        let slot = TimerSlot {
                            token,
                            due,
                            queued: token,
                            queued_at: due,
                        };
                        self.timers.insert((id, timer), slot);
                    }
                }
            }
            Effect::CancelTimer { timer } => {
                self.timers.remove(&(id, timer));
            }
            Effect::Fsync { upto } => {
                let [lo, hi] = self.cfg.timing.fsync_ms;
                let lat = self.streams.disk.range(lo, hi);
                let now = self.now;
                let Some(node) = self.node_mut(id) else {
                    return;
                };
                let at = (now + lat).max(node.fsync_free_at);
                node.fsync_free_at = at;
                let incarnation = node.incarnation;
                self.push(
                    at,
                    CLASS_PROTOCOL,
                    Event::FsyncDone {
                        server: id,
                        incarnation,
                        upto,
                    },
                );
            }
            Effect::ClientReply { req, result } => self.reply(req, id, result),
            Effect::ToClient { client, msg } => {
                let now = self.now;
                if let Some(node) = self.node_mut(id) {
                    node.stats.sent(client, &msg, now);
                }
                self.client_send(client, id, ClientMsg::ToClient(msg));
            }
            Effect::CrashPoint(p) => {
                self.crash(id, CrashReason::Point(p));
            }
            Effect::Halt { reason } => {
                self.crash(id, CrashReason::Exit(reason));
            }
            Effect::Event(ev) => self.server_event(id, ev),
        }
    }

    /// Writes whose answer was lost learn their fate from leader `id`: committed if its
    /// history has the txn; discarded if it has just established `epoch` without it.
    /// On a commit (`epoch` None) only the txn just applied is looked at.
    fn learn_writes(&mut self, id: ServerId, established: Option<crate::ids::Epoch>) {
        let Some(server) = self.server(id) else {
            return;
        };
        if server.state() != ServerState::Leading {
            return;
        }
        let history = &server.tree.applied;
        let mut learnt = Vec::new();
        for req in &self.unknown_writes {
            let Some(w) = self.writes.get(req) else {
                continue;
            };
            let mine = |t: &&crate::txn::Txn| {
                t.origin
                    .is_some_and(|o| o.client.is_none() && o.req == *req && o.server == w.server)
            };
            let found = match established {
                Some(_) => history.newest(usize::MAX).find(mine),
                None => history.last().filter(|t| mine(t)),
            };
            let result = match (found, established) {
                (Some(t), _) => WriteResult::Committed { zxid: t.zxid },
                (None, Some(epoch)) => WriteResult::Failed {
                    reason: WriteFailure::Discarded { leader: id, epoch },
                },
                (None, None) => continue,
            };
            learnt.push((*req, w.server, result));
        }
        for (req, server, result) in learnt {
            self.unknown_writes.remove(&req);
            self.writes.set_result(req, result.clone());
            self.emit(TraceKind::WriteLearnt {
                req,
                server,
                result,
            });
        }
    }

    /// Records a client write's outcome and traces the reply.
    fn reply(&mut self, req: ReqId, server: ServerId, result: WriteResult) {
        self.writes.set_result(req, result.clone());
        self.emit(TraceKind::ClientReply {
            req,
            server,
            result,
        });
    }

    fn server_event(&mut self, id: ServerId, ev: ServerEvent) {
        if !self.unknown_writes.is_empty() {
            match &ev {
                ServerEvent::Active { epoch, .. } => self.learn_writes(id, Some(*epoch)),
                ServerEvent::Commit { .. } => self.learn_writes(id, None),
                _ => {}
            }
        }
        match &ev {
            ServerEvent::Active { epoch, .. } => self.elections.push(ElectionRecord {
                at_ms: self.now,
                leader: id,
                epoch: epoch.0,
            }),
            ServerEvent::SyncChosen { learner, mode, .. } => {
                let epoch = self.server(id).map_or(0, |s| {
                    s.leader()
                        .as_ref()
                        .and_then(|l| l.epoch)
                        .unwrap_or_default()
                        .0
                });
                self.syncs.push(SyncRecord {
                    at_ms: self.now,
                    leader: id,
                    follower: *learner,
                    epoch,
                    mode: *mode,
                });
            }
            _ => {}
        }
        self.emit(TraceKind::Server {
            server: id,
            event: ev,
        });
    }

    // ---- processes ----

    /// Crashes a server: volatile state and the unflushed log tail are lost; its
    /// connections close (peers notice), its timers and pending fsyncs are void.
    pub fn crash(&mut self, id: ServerId, reason: CrashReason) -> Outcome {
        if let Some(not) = self.no_such_server(id) {
            return not;
        }
        let Some(node) = self.node_mut(id) else {
            return Outcome::Done;
        };
        let Some(server) = node.server.take() else {
            let why = Refusal::AlreadyDown { server: id };
            return Outcome::NotApplied { why };
        };
        node.disk = server.disk;
        node.disk.crash();
        node.armed = server.armed;
        node.incarnation += 1;
        node.down_reason = Some(DownReason::Crashed(reason.clone()));
        self.timers.retain(|(s, _), _| *s != id);
        for (req, _) in server.pending_writes {
            // The client only sees its connection drop: whether the write commits is
            // decided later by the ensemble (`learn_writes`).
            let reason = WriteFailure::Crashed { server: id };
            self.reply(req, id, WriteResult::Unknown { reason });
            self.unknown_writes.insert(req);
        }
        self.emit(TraceKind::Crash { server: id, reason });
        self.clients_lose(id);
        self.forget_sender(id);
        let conns: Vec<u64> = self.net.conns_of(id);
        for c in conns {
            self.close(id, crate::server::ConnId(c));
        }
        Outcome::Done
    }

    /// Restarts a crashed server: recovery from snapshot + log, startup epoch checks,
    /// then LOOKING (spec §11).
    pub fn restart(&mut self, id: ServerId) -> Outcome {
        if let Some(not) = self.no_such_server(id) {
            return not;
        }
        let cfg = self.cfg.clone();
        let Some(node) = self.node_mut(id) else {
            return Outcome::Done;
        };
        if node.server.is_some() {
            let why = Refusal::AlreadyRunning { server: id };
            return Outcome::NotApplied { why };
        }
        let disk = std::mem::take(&mut node.disk);
        match Server::recover(id, cfg, disk.clone()) {
            Ok((mut server, events)) => {
                server.armed = std::mem::take(&mut node.armed);
                node.server = Some(server);
                node.incarnation += 1;
                node.fsync_free_at = 0;
                node.down_reason = None;
                node.stats = ServerStats::default();
                self.emit(TraceKind::Restart {
                    server: id,
                    failed: None,
                });
                for event in events {
                    self.server_event(id, event);
                }
                self.feed(id, Input::Boot);
                self.resend_on_reconnect(id);
                Outcome::Done
            }
            Err(reason) => {
                node.disk = disk;
                node.down_reason = Some(DownReason::Refused(reason.clone()));
                self.emit(TraceKind::Restart {
                    server: id,
                    failed: Some(reason.clone()),
                });
                Outcome::RestartFailed { reason }
            }
        }
    }

    fn apply(&mut self, a: Action) -> Outcome {
        match a {
            Action::Crash { server } => return self.crash(server, CrashReason::ByUser),
            Action::Restart { server } => return self.restart(server),
            Action::CrashAt { server, point } => {
                if let Some(node) = self.node_mut(server) {
                    match node.server.as_mut() {
                        Some(s) => s.armed.insert(point),
                        None => node.armed.insert(point),
                    };
                }
                return self.no_such_server(server).unwrap_or(Outcome::Done);
            }
            Action::Write { server, op } => return self.client_write(server, op),
            Action::Read { server, path } => {
                let s = self.server(server);
                let serving = s.is_some_and(|s| s.is_serving());
                let value = s
                    .filter(|s| s.is_serving())
                    .and_then(|s| s.read(&path).cloned());
                let outcome = match serving {
                    true => Outcome::ReadAnswered {
                        value: value.clone(),
                    },
                    false => Outcome::ReadRefused,
                };
                self.emit(TraceKind::ClientRead {
                    server,
                    path,
                    value,
                    serving,
                });
                return outcome;
            }
            Action::Partition { groups } => {
                let all: Vec<ServerId> = self.cfg.server_ids().collect();
                let group_of = |id: ServerId| groups.iter().position(|g| g.contains(&id));
                self.net.cut.clear();
                for a in &all {
                    for b in &all {
                        if a != b && group_of(*a) != group_of(*b) {
                            self.net.cut.insert((*a, *b));
                        }
                    }
                }
                let change = NetChange::Partition { groups };
                self.emit(TraceKind::Network { change });
            }
            Action::Cut { from, to, both } => {
                self.net.cut.insert((from, to));
                if both {
                    self.net.cut.insert((to, from));
                }
                self.emit(TraceKind::Network {
                    change: NetChange::Cut { from, to, both },
                });
            }
            Action::HealLink { from, to, both } => {
                self.net.cut.remove(&(from, to));
                if both {
                    self.net.cut.remove(&(to, from));
                }
                self.emit(TraceKind::Network {
                    change: NetChange::HealLink { from, to, both },
                });
                self.resend_held();
            }
            Action::Isolate { server } => {
                for other in self
                    .cfg
                    .server_ids()
                    .filter(|o| *o != server)
                    .collect::<Vec<_>>()
                {
                    self.net.cut.insert((server, other));
                    self.net.cut.insert((other, server));
                }
                self.emit(TraceKind::Network {
                    change: NetChange::Isolate { server },
                });
            }
            Action::Heal => {
                self.net.cut.clear();
                self.emit(TraceKind::Network {
                    change: NetChange::HealAll,
                });
                self.resend_held();
            }
            Action::DropPacket { packet } => return self.drop_packet(packet),
            Action::DeliverNow { packet } => return self.deliver_now(packet),
            Action::Connect {
                client,
                servers,
                timeout_ms,
            } => {
                if self.client(client).is_some_and(|c| c.is_alive()) {
                    let why = Refusal::ClientRunning { client };
                    return Outcome::NotApplied { why };
                }
                self.client_connect(client, servers, timeout_ms);
            }
            Action::Call { client, request } => self.client_call(client, request),
            Action::CutClient { client } => {
                self.client_cut.insert(client);
                self.emit(TraceKind::Network {
                    change: NetChange::CutClient { client },
                });
            }
            Action::HealClient { client } => {
                self.client_cut.remove(&client);
                self.emit(TraceKind::Network {
                    change: NetChange::HealClient { client },
                });
            }
        }
        Outcome::Done
    }

    /// [`Outcome::NotApplied`] if no server has this id.
    fn no_such_server(&self, server: ServerId) -> Option<Outcome> {
        self.check_server(server)
            .err()
            .map(|why| Outcome::NotApplied { why })
    }

    fn client_write(&mut self, server: ServerId, op: Op) -> Outcome {
        let req = ReqId(self.next_req);
        self.next_req += 1;
        self.writes.push(WriteRecord {
            req,
            at_ms: self.now,
            server,
            op: op.clone(),
            result: None,
        });
        self.emit(TraceKind::ClientWrite {
            req,
            server,
            op: op.clone(),
        });
        if self.server(server).is_none() {
            let reason = WriteFailure::Down { server };
            self.reply(req, server, WriteResult::Failed { reason });
        } else {
            self.feed(server, Input::ClientWrite { req, op });
        }
        match self.writes.get(&req).and_then(|w| w.result.as_ref()) {
            Some(WriteResult::Failed { reason }) => Outcome::WriteRefused {
                req,
                reason: reason.clone(),
            },
            _ => Outcome::WriteSubmitted { req },
        }
    }
}
