//! The typed trace-event stream every consumer reads: the web app's animation, event
//! log and space-time diagram, the CLI's `--trace` and report, and the tests.

use crate::ids::{ServerId, Time};
use crate::server::{ConnId, ServerEvent, Timer, WriteResult};
use crate::txn::{Op, ReqId};
use serde::Serialize;

/// Which network a packet travels on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "net")]
pub enum Channel {
    /// The FLE mesh (best effort).
    Election,
    /// A learner/leader connection (FIFO, breaks on failure).
    Quorum {
        /// The connection.
        conn: ConnId,
    },
}

/// One thing that happened, at one simulated time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceEvent {
    /// Simulated time.
    pub at_ms: Time,
    /// What happened.
    #[serde(flatten)]
    pub kind: TraceKind,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TraceKind {
    /// A packet left its sender.
    PacketSent {
        /// Packet id (stable within a run).
        id: u64,
        /// Sender.
        from: ServerId,
        /// Receiver.
        to: ServerId,
        /// Network.
        #[serde(flatten)]
        channel: Channel,
        /// ZooKeeper's packet type, e.g. `NOTIFICATION`, `PROPOSAL`.
        packet: String,
        /// The packet with its fields, in words.
        summary: String,
        /// When it will arrive.
        deliver_at_ms: Time,
    },
    /// A packet arrived.
    PacketDelivered {
        /// Packet id.
        id: u64,
        /// Sender.
        from: ServerId,
        /// Receiver.
        to: ServerId,
        /// Packet type.
        packet: String,
    },
    /// A packet was lost.
    PacketDropped {
        /// Packet id.
        id: u64,
        /// Sender.
        from: ServerId,
        /// Receiver.
        to: ServerId,
        /// Packet type.
        packet: String,
        /// Why.
        reason: String,
    },
    /// A timer fired.
    TimerFired {
        /// Server.
        server: ServerId,
        /// Timer.
        timer: Timer,
    },
    /// A server reported something.
    Server {
        /// Server.
        server: ServerId,
        /// What.
        event: ServerEvent,
    },
    /// A server crashed.
    Crash {
        /// Server.
        server: ServerId,
        /// Why (intervention, crash point, exit).
        reason: String,
    },
    /// A server restarted (or refused to).
    Restart {
        /// Server.
        server: ServerId,
        /// `None` if it started; the reason if startup failed.
        failed: Option<String>,
    },
    /// A client submitted a write.
    ClientWrite {
        /// Request.
        req: ReqId,
        /// Server the client is connected to.
        server: ServerId,
        /// The write.
        op: Op,
    },
    /// A client write was answered.
    ClientReply {
        /// Request.
        req: ReqId,
        /// Server.
        server: ServerId,
        /// Outcome.
        result: WriteResult,
    },
    /// A client read, served locally.
    ClientRead {
        /// Server.
        server: ServerId,
        /// Path.
        path: String,
        /// Value read (`None`: no such node, or the server was not serving).
        value: Option<String>,
        /// Whether the server was serving.
        serving: bool,
    },
    /// The network changed (cut, heal, partition).
    Network {
        /// What, in words.
        text: String,
    },
    /// An invariant broke.
    Violation {
        /// Invariant id, e.g. `I10`.
        invariant: String,
        /// Its name.
        name: String,
        /// Servers involved.
        servers: Vec<ServerId>,
        /// A sentence a student can understand.
        detail: String,
    },
}
