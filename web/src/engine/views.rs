//! What the panels read and send: plain data, no simulator inside.
//!
//! [`crate::engine`] builds these views from the simulation and turns [`Command`]s
//! into interventions; the panels only ever see these types.

use std::sync::Arc;
use zab_core::check::Detail;
use zab_core::client::{ClientEvent, ClientState, Request, WatchKind};
use zab_core::packet::PacketPhase;
use zab_core::txn::Op;
use zab_core::{ClientId, SessionId, Time, Zxid};

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
    /// A new session client connects, trying the servers from `first` on.
    Connect {
        /// The first server of its connect string.
        first: u32,
    },
    /// A session client makes a call.
    Call {
        /// The client.
        client: u32,
        /// The call.
        request: Request,
    },
    /// Cut a session client off from every server (`true`) or restore it.
    CutClient(u32, bool),
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

impl From<zab_core::packet::ServerState> for Role {
    /// The role of a running server.
    fn from(state: zab_core::packet::ServerState) -> Role {
        use zab_core::packet::ServerState;
        match state {
            ServerState::Looking => Role::Looking,
            ServerState::Following => Role::Following,
            ServerState::Leading => Role::Leading,
            ServerState::Observing => Role::Observing,
        }
    }
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
    /// The protocol phase it belongs to.
    pub phase: PacketPhase,
    /// A NOTIFICATION's vote: the server it proposes, and the vote as written
    /// (`(e1, 0x100000002, s3)`).
    pub vote: Option<(u32, String)>,
    /// Every field, in words.
    pub summary: String,
    /// The election mesh (true) or a learner/leader connection.
    pub election: bool,
    /// When it left.
    pub sent_at: Time,
    /// When it arrives.
    pub deliver_at: Time,
}

/// A message between a session client and its server, on its way (issue 15 item 4).
#[derive(Clone, Debug, PartialEq)]
pub struct ClientPacketView {
    /// Its id (its own numbering, not a server packet's).
    pub id: u64,
    /// The client.
    pub client: ClientId,
    /// The server.
    pub server: u32,
    /// From the client to the server (else back).
    pub to_server: bool,
    /// The label drawn on it: `CONNECT`, `PING`, a call's OpCode, `REPLY`, `WATCH`…
    pub label: &'static str,
    /// A watch event's type (`NodeDeleted`…), drawn on a second line.
    pub event: Option<&'static str>,
    /// A heartbeat (drawn in the heartbeat colour) rather than a call or a session
    /// message.
    pub ping: bool,
    /// When it left.
    pub sent_at: Time,
    /// When it arrives.
    pub deliver_at: Time,
}

/// The CSS class of a packet's protocol phase, on the ring, the diagram and the legend.
pub fn phase_class(phase: PacketPhase) -> &'static str {
    match phase {
        PacketPhase::Election => "election",
        PacketPhase::Discovery => "discovery",
        PacketPhase::Sync => "sync",
        PacketPhase::Broadcast => "broadcast",
        PacketPhase::Heartbeat => "heartbeat",
        PacketPhase::Connection => "control",
    }
}

impl PacketView {
    /// The protocol phase the packet belongs to (CSS class and legend).
    pub fn phase_class(&self) -> &'static str {
        phase_class(self.phase)
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

/// A session client as the client panel shows it (issue 15).
#[derive(Clone, Debug, PartialEq)]
pub struct SessionView {
    /// The client.
    pub client: ClientId,
    /// Where it is.
    pub state: ClientState,
    /// The server it is connected or connecting to.
    pub server: Option<u32>,
    /// Its session.
    pub session: Option<SessionId>,
    /// The negotiated (or asked) timeout.
    pub timeout_ms: u64,
    /// The newest zxid it has seen.
    pub last_zxid: Zxid,
    /// Its ephemeral znodes, in its server's tree (or the leader's).
    pub ephemerals: Vec<String>,
    /// Its registered watches.
    pub watches: Vec<(WatchKind, String)>,
    /// Whether its network is cut off.
    pub cut: bool,
}

/// ZooKeeper's name for a handle's state (`ZooKeeper.States`, `KeeperState.Expired`).
pub fn state_name(s: ClientState) -> &'static str {
    match s {
        ClientState::Connecting => "CONNECTING",
        ClientState::Connected => "CONNECTED",
        ClientState::Expired => "EXPIRED",
        ClientState::Closed => "CLOSED",
    }
}

/// zkCli's read that leaves a watch of this kind.
pub fn watch_call(k: WatchKind) -> &'static str {
    match k {
        WatchKind::Data => "get -w",
        WatchKind::Exists => "stat -w",
        WatchKind::Child => "ls -w",
    }
}

/// A session client's call and what the client learnt.
#[derive(Clone, Debug, PartialEq)]
pub struct CallView {
    /// The call's id.
    pub req: u64,
    /// The client.
    pub client: ClientId,
    /// The call, as zkCli writes it.
    pub call: String,
    /// What the client learnt (none: no answer yet).
    pub outcome: Option<ClientEvent>,
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

/// Builds a write from the client form's fields.
pub fn make_op(kind: &str, path: &str, data: &str) -> Op {
    let path = path.trim().to_string();
    let data = data.to_string();
    match kind {
        "set" => Op::Set { path, data },
        "delete" => Op::Delete { path },
        _ => Op::create(path, data),
    }
}

/// An invariant violation, as the invariants panel and the halt banner show it.
#[derive(Clone, Debug, PartialEq)]
pub struct ViolationView {
    /// Position in the order the checker found them (0: the first, the one the run
    /// pauses on).
    pub order: usize,
    /// Invariant id as numbered in spec §12, e.g. `I10`.
    pub invariant: String,
    /// Its name, e.g. `LeaderLogCompleteness`.
    pub name: String,
    /// When it broke (simulated ms).
    pub at_ms: Time,
    /// Servers involved.
    pub servers: Vec<u32>,
    /// What broke, as data (worded where it is shown: `text::violation`).
    pub detail: Arc<Detail>,
}

impl ViolationView {
    /// The view of the checker's `order`-th violation.
    pub fn new(order: usize, v: &zab_core::check::Violation) -> ViolationView {
        ViolationView {
            order,
            invariant: v.invariant.clone(),
            name: v.name.clone(),
            at_ms: v.at_ms,
            servers: v.servers.iter().map(|s| s.0).collect(),
            detail: v.detail.clone(),
        }
    }
}
