//! The one place the web app touches the simulator.
//!
//! Everything else in `web/` reads the plain view structs below and sends
//! [`Command`]s; nothing outside this module names `zab_core::sim::Sim`. The engine
//! keeps the display clock (fractional simulated milliseconds, for smooth packet
//! animation), turns the trace into the event log, and checks that a user's action
//! makes sense right now so that a click at the wrong moment gets a sentence instead
//! of a panic. It contains no protocol logic: it reads the state core exposes.

use std::collections::{BTreeSet, VecDeque};

use zab_core::packet::ServerState;
use zab_core::run::{intervention_for, Run};
use zab_core::scenario::Scenario;
use zab_core::server::{Phase, Server, WriteResult};
use zab_core::sim::{Channel, Intervention, Payload, Sim, TraceEvent, TraceKind};
use zab_core::storage::Disk;
use zab_core::timeline::Timeline;
use zab_core::txn::Op;
use zab_core::{ServerId, Time, Zxid};

use crate::narrate::{self, EventLog};

/// How many client reads the client panel keeps.
const MAX_READS: usize = 20;

/// How much simulated history the event log is rebuilt from after a seek.
const LOG_WINDOW_MS: Time = 3000;

/// How many log entries per server the logs panel shows (the newest).
const MAX_LOG_ENTRIES: usize = 14;

/// A user's request, checked by the engine before it becomes an intervention.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Crash a running server.
    Crash(u32),
    /// Restart a crashed server.
    Restart(u32),
    /// Cut every link of a server.
    Isolate(u32),
    /// Cut one link (one way when `both` is false: `from` can no longer reach `to`).
    Cut {
        /// Sender side.
        from: u32,
        /// Receiver side.
        to: u32,
        /// Both directions.
        both: bool,
    },
    /// Heal one link in both directions.
    HealLink(u32, u32),
    /// Heal every link of a server.
    Reconnect(u32),
    /// Heal every link.
    HealAll,
    /// Crash the active leader.
    KillLeader,
    /// A client connected to `server` writes.
    Write {
        /// The server the client is connected to.
        server: u32,
        /// The write.
        op: Op,
    },
    /// A client connected to the active leader writes the next demo value.
    WriteToLeader,
    /// A client connected to `server` writes the next demo value.
    DemoWrite(u32),
    /// A client connected to `server` reads `path`.
    Read {
        /// The server the client is connected to.
        server: u32,
        /// The znode.
        path: String,
    },
    /// Deliver a packet in flight ahead of the others.
    DeliverNow(u64),
    /// Lose a packet in flight.
    Drop(u64),
}

/// A role as the ring shows it (a crashed server has none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Running Fast Leader Election.
    Looking,
    /// Following a leader.
    Following,
    /// Leading (crown once its epoch is active).
    Leading,
    /// Observing a leader.
    Observing,
    /// The process is down.
    Crashed,
}

impl Role {
    /// The value of `data-role`: ZooKeeper's state name, or `CRASHED`.
    pub fn attr(self) -> &'static str {
        match self {
            Role::Looking => "LOOKING",
            Role::Following => "FOLLOWING",
            Role::Leading => "LEADING",
            Role::Observing => "OBSERVING",
            Role::Crashed => "CRASHED",
        }
    }

    /// The big label under a server.
    pub fn label(self) -> &'static str {
        match self {
            Role::Looking => "LOOKING",
            Role::Following => "FOLLOWER",
            Role::Leading => "LEADER",
            Role::Observing => "OBSERVER",
            Role::Crashed => "CRASHED",
        }
    }

    /// CSS class suffix.
    pub fn class(self) -> &'static str {
        match self {
            Role::Looking => "looking",
            Role::Following => "following",
            Role::Leading => "leading",
            Role::Observing => "observing",
            Role::Crashed => "crashed",
        }
    }
}

/// One server as the ring shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerView {
    /// `myid`.
    pub id: u32,
    /// The process runs.
    pub up: bool,
    /// Non-voting observer.
    pub observer: bool,
    /// Role.
    pub role: Role,
    /// ZAB phase name (`ELECTION`...), empty when down.
    pub phase: &'static str,
    /// `currentEpoch` (from disk, also while down).
    pub current_epoch: u32,
    /// `acceptedEpoch`.
    pub accepted_epoch: u32,
    /// Last logged zxid (durable log or snapshot; while up, including the unflushed tail).
    pub last_zxid: Zxid,
    /// `lastProcessedZxid` of the in-memory tree (up only).
    pub applied_zxid: Option<Zxid>,
    /// LEADING in BROADCAST: the cluster's active leader.
    pub active_leader: bool,
    /// While LOOKING: its current vote `(leader, zxid, peerEpoch)` and round.
    pub vote: Option<String>,
}

/// A packet in flight.
#[derive(Clone, Debug, PartialEq)]
pub struct PacketView {
    /// Packet id.
    pub id: u64,
    /// Sender.
    pub from: u32,
    /// Receiver.
    pub to: u32,
    /// ZooKeeper's type name (`PROPOSAL`, `NOTIFICATION`...).
    pub kind: &'static str,
    /// The label drawn on the packet.
    pub label: String,
    /// Every field, in words.
    pub summary: String,
    /// The election mesh (true) or a learner/leader connection.
    pub election: bool,
    /// When it left.
    pub sent_at: Time,
    /// When it arrives.
    pub deliver_at: Time,
}

impl PacketView {
    /// The protocol phase the packet belongs to (CSS class and legend).
    pub fn phase_class(&self) -> &'static str {
        match self.kind {
            "NOTIFICATION" => "election",
            "FOLLOWERINFO" | "OBSERVERINFO" | "LEADERINFO" | "ACKEPOCH" => "discovery",
            "DIFF" | "TRUNC" | "SNAP" | "NEWLEADER" | "UPTODATE" => "sync",
            "PROPOSAL" | "ACK" | "COMMIT" | "INFORM" | "REQUEST" => "broadcast",
            "PING" => "heartbeat",
            _ => "control",
        }
    }

    /// Fraction of the way from sender to receiver at display time `t` (0..=1).
    pub fn progress(&self, t: f64) -> f64 {
        let span = self.deliver_at.saturating_sub(self.sent_at) as f64;
        if span <= 0.0 {
            return 1.0;
        }
        ((t - self.sent_at as f64) / span).clamp(0.0, 1.0)
    }
}

/// One entry of a server's txn log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntryView {
    /// Its zxid.
    pub zxid: Zxid,
    /// The write, e.g. `create /a=1`.
    pub op: String,
    /// Known committed (`Some(true)`), known not yet (`Some(false)`), unknown (down).
    pub committed: Option<bool>,
    /// fsynced (survives a crash).
    pub flushed: bool,
}

/// One server's durable state and data tree.
#[derive(Clone, Debug, PartialEq)]
pub struct LogRowView {
    /// `myid`.
    pub id: u32,
    /// Running.
    pub up: bool,
    /// Role (for the row's marker).
    pub role: Role,
    /// Older entries not shown.
    pub hidden: usize,
    /// The newest entries.
    pub entries: Vec<LogEntryView>,
    /// Snapshot labels on disk, oldest first.
    pub snapshots: Vec<Zxid>,
    /// The in-memory data tree (up only).
    pub tree: Vec<(String, String)>,
}

/// A client write and its fate.
#[derive(Clone, Debug, PartialEq)]
pub struct WriteView {
    /// Request number.
    pub req: u64,
    /// When submitted.
    pub at_ms: Time,
    /// The server the client talks to.
    pub server: u32,
    /// The write.
    pub op: String,
    /// `pending`, `committed` or `failed`.
    pub status: &'static str,
    /// The zxid once committed.
    pub zxid: Option<Zxid>,
    /// Why it failed.
    pub reason: Option<String>,
}

/// A client read and what came back.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadView {
    /// When.
    pub at_ms: Time,
    /// The server that answered.
    pub server: u32,
    /// The znode.
    pub path: String,
    /// The value (`None`: no such node, or not serving).
    pub value: Option<String>,
    /// Whether the server was serving (in BROADCAST).
    pub serving: bool,
    /// The active leader and its value at that moment, to expose stale reads.
    pub leader: Option<(u32, Option<String>)>,
}

impl ReadView {
    /// The server answered with something other than what the leader holds.
    pub fn stale(&self) -> bool {
        self.serving
            && self
                .leader
                .as_ref()
                .is_some_and(|(l, v)| *l != self.server && *v != self.value)
    }
}

/// A pending event of the queue.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingView {
    /// When due.
    pub at_ms: Time,
    /// What, in words.
    pub what: String,
    /// The packet, for deliveries.
    pub packet: Option<u64>,
}

/// Facts about one server for the details box.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ServerDetail {
    /// (label, value) pairs.
    pub facts: Vec<(String, String)>,
    /// Extra lines (votes received, learners, outstanding proposals).
    pub lines: Vec<String>,
}

/// The simulated cluster plus what the UI keeps about it.
pub struct Engine {
    tl: Timeline,
    clock: f64,
    version: u64,
    log: EventLog,
    reads: VecDeque<ReadView>,
    next_demo_write: u64,
}

impl Engine {
    /// A fresh run of `scenario` at time 0, its schedule queued; the scenario's
    /// problem in words if it cannot run.
    pub fn new(scenario: &Scenario) -> Result<Engine, String> {
        let mut run = Run::new(scenario).map_err(|e| format!("This scenario cannot run: {e}"))?;
        // The boot at t = 0 already happened; the timeline starts after it.
        let boot = run.take_trace();
        let mut engine = Engine {
            tl: Timeline::new(run),
            clock: 0.0,
            version: 0,
            log: EventLog::default(),
            reads: VecDeque::new(),
            next_demo_write: 1,
        };
        for ev in &boot {
            engine.log.push(narrate::narrate(ev));
        }
        engine.absorb_trace();
        Ok(engine)
    }

    fn sim(&self) -> &Sim {
        self.tl.run().sim()
    }

    /// The scenario this run started from.
    pub fn scenario(&self) -> &Scenario {
        self.tl.run().scenario()
    }

    /// Bumped whenever the simulated state changes.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The display clock (fractional simulated ms; the simulation is at its floor).
    pub fn clock(&self) -> f64 {
        self.clock
    }

    /// Simulated time in whole ms.
    pub fn now(&self) -> Time {
        self.sim().now
    }

    /// The event log.
    pub fn log(&self) -> &EventLog {
        &self.log
    }

    /// Number of servers (participants and observers).
    pub fn size(&self) -> u32 {
        self.sim().cfg.participants + self.sim().cfg.observers
    }

    /// Advances the display clock by `sim_ms` simulated ms, running at most
    /// `max_events` events. Returns false if the cap was hit (the clock then stops at
    /// the last event run, so the animation slows down instead of skipping).
    pub fn advance(&mut self, sim_ms: f64, max_events: u32) -> bool {
        let target = self.clock + sim_ms.max(0.0);
        let until = target.floor() as Time;
        let mut ran = 0;
        while self.sim().next_time().is_some_and(|t| t <= until) {
            if ran >= max_events {
                self.clock = self.sim().now as f64;
                self.after_change();
                return false;
            }
            self.tl.step();
            ran += 1;
        }
        self.tl.advance_to(until);
        self.clock = target.max(self.sim().now as f64);
        if ran > 0 {
            self.after_change();
        }
        true
    }

    /// Runs events up to and including the next one that shows up in the trace (a
    /// timer voided by a later one shows nothing). Returns what happened, in words.
    pub fn step(&mut self) -> Result<String, String> {
        let before = self.sim().trace_count;
        let mut ran = 0;
        while self.sim().trace_count == before && ran < 256 {
            if !self.tl.step() {
                break;
            }
            ran += 1;
        }
        self.clock = self.sim().now as f64;
        if ran == 0 {
            return Err("Nothing is scheduled: the cluster is idle. Restart a server, write, or press Play.".into());
        }
        let shown = (self.sim().trace_count - before) as usize;
        self.after_change();
        let last = self.log.latest(shown.max(1));
        Ok(last.unwrap_or_else(|| "Stepped.".into()))
    }

    /// Runs `ms` simulated milliseconds at once (no animation).
    pub fn skip(&mut self, ms: Time) {
        let until = self.sim().now + ms;
        self.tl.advance_to(until);
        self.clock = self.sim().now as f64;
        self.after_change();
    }

    /// The furthest simulated time explored.
    pub fn horizon(&self) -> Time {
        self.tl.horizon()
    }

    /// Whether the view is in the past (an action there forks history).
    pub fn in_past(&self) -> bool {
        self.tl.in_past()
    }

    /// Looks at simulated time `t` (rebuilds the past from a checkpoint). The event log
    /// is rebuilt to show what led up to `t` on this history.
    pub fn seek(&mut self, t: Time) {
        self.tl.seek(t);
        self.tl.take_trace();
        self.clock = self.sim().now as f64;
        self.log = EventLog::default();
        let from = t.saturating_sub(LOG_WINDOW_MS);
        for ev in self.tl.trace_window(from, t) {
            self.log.push(narrate::narrate(&ev));
        }
        self.version += 1;
    }

    /// How many invariant violations the checker found so far.
    pub fn violation_count(&self) -> usize {
        self.tl.run().violations().len()
    }

    /// The first `max` violations as sentences: "I10 LeaderLogCompleteness at 812 ms: ...".
    pub fn violations(&self, max: usize) -> Vec<String> {
        self.tl
            .run()
            .violations()
            .iter()
            .take(max)
            .map(|v| format!("{} {} at {} ms: {}", v.invariant, v.name, v.at_ms, v.detail))
            .collect()
    }

    /// Checks and applies a user's command. `Ok` holds a confirmation, `Err` a sentence
    /// saying why it cannot be done now.
    pub fn run(&mut self, cmd: Command) -> Result<String, String> {
        if let Command::Reconnect(id) = cmd {
            return self.reconnect(id);
        }
        let action = self.check(&cmd)?;
        let mut text = self.confirmation(&action);
        if self.tl.in_past() {
            text += &format!(
                " History forked at t = {} ms: the old future is discarded.",
                self.sim().now
            );
        }
        let writes_before = self.sim().writes.len();
        self.tl.intervene(action.clone());
        self.after_change();
        self.outcome(&action, writes_before)?;
        Ok(text)
    }

    /// What an applied action could not achieve at once, in words.
    fn outcome(&self, action: &Intervention, writes_before: usize) -> Result<(), String> {
        match action {
            Intervention::Restart { server } if !self.is_up(*server) => {
                let why = self
                    .sim()
                    .node(*server)
                    .and_then(|n| n.down_reason.clone())
                    .unwrap_or_default();
                Err(format!("Server {server} did not start: {why}"))
            }
            Intervention::Write { server, .. } if self.sim().writes.len() > writes_before => {
                match self.sim().writes.values().next_back().and_then(|w| w.result.as_ref()) {
                    Some(WriteResult::Failed { reason }) => Err(format!(
                        "Server {server} refused the write at once: {reason}."
                    )),
                    _ => Ok(()),
                }
            }
            Intervention::Read { server, .. } => match self.reads.front() {
                Some(r) if !r.serving => Err(format!(
                    "Server {server} is not serving (it is not in BROADCAST), so it refuses the read."
                )),
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }

    fn reconnect(&mut self, id: u32) -> Result<String, String> {
        let server = self.check_server(id)?;
        let links: BTreeSet<(ServerId, ServerId)> = self
            .sim()
            .net
            .cut
            .iter()
            .filter(|(a, b)| *a == server || *b == server)
            .map(|(a, b)| (*a.min(b), *a.max(b)))
            .collect();
        if links.is_empty() {
            return Err(format!("No link of server {id} is cut."));
        }
        for (from, to) in links {
            self.tl.intervene(Intervention::HealLink {
                from,
                to,
                both: true,
            });
        }
        self.after_change();
        Ok(format!("Healed every link of server {id}."))
    }

    fn check_server(&self, id: u32) -> Result<ServerId, String> {
        if id >= 1 && id <= self.size() {
            Ok(ServerId(id))
        } else {
            Err(format!(
                "There is no server {id}: this cluster has servers 1 to {}.",
                self.size()
            ))
        }
    }

    fn is_up(&self, id: ServerId) -> bool {
        self.sim().server(id).is_some()
    }

    fn all_cut(&self, id: ServerId) -> bool {
        self.ids()
            .filter(|o| *o != id)
            .all(|o| self.sim().net.cut.contains(&(id, o)) && self.sim().net.cut.contains(&(o, id)))
    }

    fn ids(&self) -> impl Iterator<Item = ServerId> {
        (1..=self.size()).map(ServerId)
    }

    /// Turns a command into an intervention, or says why not now.
    fn check(&mut self, cmd: &Command) -> Result<Intervention, String> {
        Ok(match cmd {
            Command::Crash(id) => {
                let server = self.check_server(*id)?;
                if !self.is_up(server) {
                    return Err(format!("Server {id} is already down."));
                }
                Intervention::Crash { server }
            }
            Command::Restart(id) => {
                let server = self.check_server(*id)?;
                if self.is_up(server) {
                    return Err(format!(
                        "Server {id} is running; crash it first to restart it."
                    ));
                }
                Intervention::Restart { server }
            }
            Command::Isolate(id) => {
                let server = self.check_server(*id)?;
                if self.size() < 2 {
                    return Err("A single server has no links to cut.".into());
                }
                if self.all_cut(server) {
                    return Err(format!(
                        "Server {id} is already isolated; heal its links to reconnect it."
                    ));
                }
                Intervention::Isolate { server }
            }
            Command::Cut { from, to, both } => {
                let (a, b) = (self.check_server(*from)?, self.check_server(*to)?);
                if a == b {
                    return Err("Pick two different servers to cut the link between them.".into());
                }
                let cut = &self.sim().net.cut;
                let done = cut.contains(&(a, b)) && (!both || cut.contains(&(b, a)));
                if done {
                    return Err(if *both {
                        format!("The link {from} ↔ {to} is already cut both ways.")
                    } else {
                        format!("The direction {from} → {to} is already cut.")
                    });
                }
                Intervention::Cut {
                    from: a,
                    to: b,
                    both: *both,
                }
            }
            Command::HealLink(from, to) => {
                let (a, b) = (self.check_server(*from)?, self.check_server(*to)?);
                let cut = &self.sim().net.cut;
                if !cut.contains(&(a, b)) && !cut.contains(&(b, a)) {
                    return Err(format!("The link {from} ↔ {to} is not cut."));
                }
                Intervention::HealLink {
                    from: a,
                    to: b,
                    both: true,
                }
            }
            Command::HealAll => {
                if self.sim().net.cut.is_empty() {
                    return Err("No link is cut: there is nothing to heal.".into());
                }
                Intervention::Heal
            }
            Command::KillLeader => {
                match self.sim().leader() {
                    Some(server) => Intervention::Crash { server },
                    None => return Err(
                        "There is no active leader right now (an election or sync is under way)."
                            .into(),
                    ),
                }
            }
            Command::Write { server, op } => {
                let server = self.check_server(*server)?;
                check_op(op)?;
                Intervention::Write {
                    server,
                    op: op.clone(),
                }
            }
            Command::WriteToLeader => {
                match self.sim().leader() {
                    Some(server) => self.demo_write(server),
                    None => return Err(
                        "There is no active leader to write to; wait until a server shows LEADER."
                            .into(),
                    ),
                }
            }
            Command::DemoWrite(id) => {
                let server = self.check_server(*id)?;
                self.demo_write(server)
            }
            Command::Reconnect(_) => {
                return Err("internal: reconnect is handled by run".into());
            }
            Command::Read { server, path } => {
                let server = self.check_server(*server)?;
                check_path(path)?;
                Intervention::Read {
                    server,
                    path: path.clone(),
                }
            }
            Command::DeliverNow(id) => {
                if !self.sim().packets.contains_key(id) {
                    return Err(format!(
                        "Packet {id} is no longer in flight (it arrived or was lost)."
                    ));
                }
                Intervention::DeliverNow { id: *id }
            }
            Command::Drop(id) => {
                if !self.sim().packets.contains_key(id) {
                    return Err(format!(
                        "Packet {id} is no longer in flight (it arrived or was lost)."
                    ));
                }
                Intervention::DropPacket { id: *id }
            }
        })
    }

    fn demo_write(&mut self, server: ServerId) -> Intervention {
        let n = self.next_demo_write;
        self.next_demo_write += 1;
        Intervention::Write {
            server,
            op: Op::Create {
                path: format!("/w{n}"),
                data: n.to_string(),
            },
        }
    }

    fn confirmation(&self, action: &Intervention) -> String {
        match action {
            Intervention::DropPacket { id } => match self.sim().packets.get(id) {
                Some(p) if matches!(p.channel, Channel::Quorum { .. }) => format!(
                    "Dropped {} from {} to {}. On a learner/leader connection a lost packet breaks the TCP connection, so both ends will notice and give up the connection.",
                    p.payload.name(),
                    p.from,
                    p.to
                ),
                Some(p) => format!(
                    "Dropped {} from {} to {} (the election mesh is best effort: a later notification replaces it).",
                    p.payload.name(),
                    p.from,
                    p.to
                ),
                None => action.describe(),
            },
            Intervention::DeliverNow { id } => match self.sim().packets.get(id) {
                Some(p) => format!(
                    "Delivered {} from {} to {} now (packets before it on the same connection go first).",
                    p.payload.name(),
                    p.from,
                    p.to
                ),
                None => action.describe(),
            },
            other => {
                let mut text = other.describe();
                if let Some(first) = text.get(..1) {
                    text = first.to_uppercase() + &text[1..];
                }
                text + "."
            }
        }
    }

    fn after_change(&mut self) {
        self.version += 1;
        self.absorb_trace();
    }

    fn leader_value(&self, path: &str) -> Option<(u32, Option<String>)> {
        let leader = self.sim().leader()?;
        let value = self
            .sim()
            .server(leader)
            .and_then(|s| s.read(path).cloned());
        Some((leader.0, value))
    }

    fn absorb_trace(&mut self) {
        let trace: Vec<TraceEvent> = self.tl.take_trace();
        for ev in &trace {
            if let TraceKind::ClientRead {
                server,
                path,
                value,
                serving,
            } = &ev.kind
            {
                let leader = self.leader_value(path);
                self.reads.push_front(ReadView {
                    at_ms: ev.at_ms,
                    server: server.0,
                    path: path.clone(),
                    value: value.clone(),
                    serving: *serving,
                    leader,
                });
                self.reads.truncate(MAX_READS);
            }
            self.log.push(narrate::narrate(ev));
        }
    }

    // ---- views ----

    /// The active leader (LEADING in BROADCAST, newest epoch).
    pub fn leader(&self) -> Option<u32> {
        self.sim().leader().map(|s| s.0)
    }

    /// The active leader's epoch.
    pub fn leader_epoch(&self) -> Option<u32> {
        let id = self.sim().leader()?;
        self.sim().server(id).map(|s| s.current_epoch().0)
    }

    /// Every server, in id order.
    pub fn servers(&self) -> Vec<ServerView> {
        let leader = self.sim().leader();
        self.sim()
            .nodes
            .iter()
            .map(|n| {
                let observer = !self.sim().cfg.is_voter(n.id);
                let disk = n.disk();
                match &n.server {
                    Some(s) => ServerView {
                        id: n.id.0,
                        up: true,
                        observer,
                        role: role_of(s.state),
                        phase: s.phase.name(),
                        current_epoch: s.current_epoch().0,
                        accepted_epoch: s.accepted_epoch().0,
                        last_zxid: newest_zxid(disk),
                        applied_zxid: Some(s.tree.last_processed),
                        active_leader: leader == Some(n.id),
                        // An observer proposes nobody (leader 0): no bubble for it.
                        vote: (s.state == ServerState::Looking)
                            .then_some(s.fle.proposal)
                            .flatten()
                            .filter(|v| v.leader.0 != 0)
                            .map(|v| v.label()),
                    },
                    None => ServerView {
                        id: n.id.0,
                        up: false,
                        observer,
                        role: Role::Crashed,
                        phase: "",
                        current_epoch: disk.current_epoch.unwrap_or_default().0,
                        accepted_epoch: disk.accepted_epoch.unwrap_or_default().0,
                        last_zxid: newest_zxid(disk),
                        applied_zxid: None,
                        active_leader: false,
                        vote: None,
                    },
                }
            })
            .collect()
    }

    /// Packets in flight between two different servers, by id.
    pub fn packets(&self) -> Vec<PacketView> {
        self.sim()
            .packets
            .values()
            .filter(|p| p.from != p.to)
            .map(|p| PacketView {
                id: p.id,
                from: p.from.0,
                to: p.to.0,
                kind: p.payload.name(),
                label: packet_label(&p.payload),
                summary: p.payload.summary(),
                election: matches!(p.channel, Channel::Election),
                sent_at: p.sent_at,
                deliver_at: p.deliver_at,
            })
            .collect()
    }

    /// One packet in flight.
    pub fn packet(&self, id: u64) -> Option<PacketView> {
        self.packets().into_iter().find(|p| p.id == id)
    }

    /// Cut directed links (from, to).
    pub fn cuts(&self) -> BTreeSet<(u32, u32)> {
        self.sim().net.cut.iter().map(|(a, b)| (a.0, b.0)).collect()
    }

    /// Open learner/leader connections as (learner, leader).
    pub fn connections(&self) -> BTreeSet<(u32, u32)> {
        self.sim()
            .net
            .conns
            .values()
            .filter(|c| c.open)
            .map(|c| (c.learner.0, c.leader.0))
            .collect()
    }

    /// Every server's log, snapshots and data tree.
    pub fn log_rows(&self) -> Vec<LogRowView> {
        self.sim()
            .nodes
            .iter()
            .map(|n| {
                let disk = n.disk();
                let committed_upto: Option<Zxid> = n.server.as_ref().map(committed_upto);
                let skip = disk.log.len().saturating_sub(MAX_LOG_ENTRIES);
                let entries = disk
                    .log
                    .iter()
                    .enumerate()
                    .skip(skip)
                    .map(|(i, t)| LogEntryView {
                        zxid: t.zxid,
                        op: t.op.label(),
                        committed: committed_upto.map(|c| t.zxid <= c),
                        flushed: i < disk.flushed,
                    })
                    .collect();
                LogRowView {
                    id: n.id.0,
                    up: n.server.is_some(),
                    role: n
                        .server
                        .as_ref()
                        .map_or(Role::Crashed, |s| role_of(s.state)),
                    hidden: skip,
                    entries,
                    snapshots: disk.snapshots.iter().map(|s| s.zxid).collect(),
                    tree: n
                        .server
                        .as_ref()
                        .map(|s| {
                            s.tree
                                .nodes
                                .iter()
                                .map(|(k, v)| (k.clone(), v.clone()))
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            })
            .collect()
    }

    /// Client writes, newest first (at most `max`).
    pub fn writes(&self, max: usize) -> Vec<WriteView> {
        self.sim()
            .writes
            .values()
            .rev()
            .take(max)
            .map(|w| {
                let (status, zxid, reason) = match &w.result {
                    None => ("pending", None, None),
                    Some(WriteResult::Committed { zxid }) => ("committed", Some(*zxid), None),
                    Some(WriteResult::Failed { reason }) => ("failed", None, Some(reason.clone())),
                };
                WriteView {
                    req: w.req.0,
                    at_ms: w.at_ms,
                    server: w.server.0,
                    op: w.op.label(),
                    status,
                    zxid,
                    reason,
                }
            })
            .collect()
    }

    /// Client reads, newest first.
    pub fn reads(&self) -> Vec<ReadView> {
        self.reads.iter().cloned().collect()
    }

    /// The next `max` pending events, in the order they will run, and how many in all.
    pub fn pending(&self, max: usize) -> (Vec<PendingView>, usize) {
        let all = self.sim().pending();
        let total = all.len();
        let packets = &self.sim().packets;
        let list = all
            .into_iter()
            .take(max)
            .map(|p| {
                let (what, packet) = match p.packet.and_then(|id| packets.get(&id)) {
                    Some(pk) if pk.from == pk.to => (
                        format!("{} loops back to itself: {}", pk.from, pk.payload.summary()),
                        None,
                    ),
                    Some(pk) => (
                        format!("{} → {}: {}", pk.from, pk.to, pk.payload.summary()),
                        Some(pk.id),
                    ),
                    None => (p.what, None),
                };
                PendingView {
                    at_ms: p.at_ms,
                    what,
                    packet,
                }
            })
            .collect();
        (list, total)
    }

    /// The scenario's scripted steps still to come: (time, what), at most `max`.
    pub fn script_ahead(&self, max: usize) -> Vec<(Time, String)> {
        let now = self.sim().now;
        self.scenario()
            .schedule
            .iter()
            .filter(|s| s.at_ms > now || (s.at_ms == now && now == 0))
            .take(max)
            .map(|s| {
                let what = intervention_for(&s.action)
                    .map_or_else(|| s.action.name().to_string(), |a| a.describe());
                (s.at_ms, what)
            })
            .collect()
    }

    /// What the details box shows about a server.
    pub fn server_detail(&self, id: u32) -> ServerDetail {
        let mut d = ServerDetail::default();
        let Some(node) = self.sim().node(ServerId(id)) else {
            return d;
        };
        let disk = node.disk();
        let mut fact = |k: &str, v: String| d.facts.push((k.to_string(), v));
        fact(
            "kind",
            if self.sim().cfg.is_voter(node.id) {
                "participant".into()
            } else {
                "observer (no vote)".into()
            },
        );
        fact(
            "epochs accepted / current",
            format!(
                "{} / {}",
                opt_epoch(disk.accepted_epoch),
                opt_epoch(disk.current_epoch)
            ),
        );
        fact("last logged", newest_zxid(disk).to_string());
        fact(
            "log",
            format!(
                "{} entries, {} fsynced",
                disk.log.len(),
                disk.flushed.min(disk.log.len())
            ),
        );
        fact(
            "snapshots",
            if disk.snapshots.is_empty() {
                "none".into()
            } else {
                disk.snapshots
                    .iter()
                    .map(|s| s.zxid.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        );
        let Some(s) = &node.server else {
            let reason = node.down_reason.clone().unwrap_or_default();
            d.facts.push(("down".into(), reason));
            return d;
        };
        d.facts.push((
            "state / phase".into(),
            format!("{} / {}", s.state.name(), s.phase.name()),
        ));
        d.facts.push((
            "applied (lastProcessed)".into(),
            s.tree.last_processed.to_string(),
        ));
        d.facts
            .push(("current vote".into(), s.current_vote.label()));
        if s.state == ServerState::Looking {
            if let Some(p) = s.fle.proposal {
                d.facts.push((
                    "proposes".into(),
                    format!("{} in round {}", p.label(), s.fle.logicalclock),
                ));
            }
            for (from, (vote, state)) in &s.fle.recvset {
                d.lines.push(format!(
                    "vote from {from}: {} ({})",
                    vote.label(),
                    state.name()
                ));
            }
            for (from, (vote, state)) in &s.fle.outofelection {
                d.lines
                    .push(format!("{from} is {} for {}", state.name(), vote.label()));
            }
        }
        if let Some(l) = &s.leader {
            d.facts.push((
                "epoch / lastCommitted".into(),
                format!(
                    "{} / {}",
                    l.epoch.map_or("-1".to_string(), |e| e.to_string()),
                    l.last_committed
                ),
            ));
            for h in l.handlers.values() {
                d.lines.push(format!(
                    "learner {}{}: {:?}, sync {}",
                    h.sid,
                    if h.observer { " (observer)" } else { "" },
                    h.stage,
                    h.sync_mode.name()
                ));
            }
            for (z, p) in &l.outstanding {
                let acks: Vec<String> = p.acks.iter().map(|a| a.to_string()).collect();
                d.lines.push(format!(
                    "outstanding {z} {}: ACKs from {{{}}}",
                    p.txn.op.label(),
                    acks.join(", ")
                ));
            }
        }
        if let Some(l) = &s.learner {
            d.facts.push((
                "leader / stage".into(),
                format!("{} / {:?}", l.leader, l.stage),
            ));
            if s.sync_mode.name() != "NONE" {
                d.facts
                    .push(("sync mode".into(), s.sync_mode.name().into()));
            }
        }
        d
    }
}

/// The newest zxid the durable state holds: the last logged txn or the newest snapshot's
/// label, whichever is newer (after a SNAP sync the snapshot is newer); the same as
/// `last_logged_zxid` in `zab-sim run --json`.
fn newest_zxid(disk: &Disk) -> Zxid {
    disk.last_logged_zxid()
        .max(disk.snapshots.last().map_or(Zxid::ZERO, |s| s.zxid))
}

fn opt_epoch(e: Option<zab_core::Epoch>) -> String {
    e.map_or("none".to_string(), |e| e.to_string())
}

fn role_of(state: ServerState) -> Role {
    match state {
        ServerState::Looking => Role::Looking,
        ServerState::Following => Role::Following,
        ServerState::Leading => Role::Leading,
        ServerState::Observing => Role::Observing,
    }
}

/// The last zxid known committed at a running server: a leader's `lastCommitted`,
/// else what it applied to its data tree.
fn committed_upto(s: &Server) -> Zxid {
    match &s.leader {
        Some(l) if s.phase == Phase::Broadcast => l.last_committed.max(s.tree.last_processed),
        _ => s.tree.last_processed,
    }
}

fn packet_label(p: &Payload) -> String {
    match p {
        Payload::Notification(n) => format!("NOTIFICATION {}", n.vote.label()),
        other => other.name().to_string(),
    }
}

fn check_path(path: &str) -> Result<(), String> {
    if !path.starts_with('/') || path.len() < 2 {
        return Err(format!(
            "“{path}” is not a znode path: write an absolute path such as /a."
        ));
    }
    if path.ends_with('/') || path.contains("//") || path.chars().any(char::is_whitespace) {
        return Err(format!(
            "“{path}” is not a valid znode path (no spaces, no empty segments)."
        ));
    }
    Ok(())
}

fn check_op(op: &Op) -> Result<(), String> {
    check_path(op.path())
}

/// Builds a write from the client form's fields.
pub fn make_op(kind: &str, path: &str, data: &str) -> Op {
    let path = path.trim().to_string();
    let data = data.to_string();
    match kind {
        "set" => Op::Set { path, data },
        "delete" => Op::Delete { path },
        _ => Op::Create { path, data },
    }
}
