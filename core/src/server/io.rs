//! What goes into a server and what comes out: [`Input`], [`Effect`], the [`Timer`]s
//! and the per-call [`Ctx`].
//!
//! # The effects contract
//!
//! [`Server::handle`](super::Server::handle) returns its effects as a list; whoever
//! runs the server (the simulator) must carry them out in that order, item by item:
//!
//! 1. **Order is meaning.** Effects are listed in the order the real server would do
//!    them. [`Effect::Event`]s are trace entries: they go into the trace in list order,
//!    between the sends and disk work around them.
//! 2. **Sends.** [`Effect::Send`] is FIFO and reliable on its connection while it is
//!    open; [`Effect::Notify`] is best effort on the election mesh. Nothing is sent on
//!    a connection after its [`Effect::Close`]; the peer learns of the close as
//!    [`Input::Closed`].
//! 3. **Durability.** A log append (the [`ServerEvent::Append`](super::ServerEvent)
//!    before an [`Effect::Fsync`]) is not durable until the matching
//!    [`Input::FsyncDone`] comes back; a crash before then loses it. The server keeps
//!    one fsync in flight at a time, and nothing it sends on the strength of the fsync
//!    (an ACK) is emitted before that input. Epoch files and snapshots are durable at
//!    once (atomic file writes).
//! 4. **Timers.** [`Effect::SetTimer`] replaces the pending timer of the same name;
//!    [`Effect::CancelTimer`] voids it. A timer set and then cancelled, or re-set, never
//!    fires with its old deadline.
//! 5. **Client replies.** Each [`ReqId`] is answered at most once, by
//!    [`Effect::ClientReply`] (or by the simulator, if the server crashes first).
//! 6. **Stops.** [`Effect::CrashPoint`] and [`Effect::Halt`] mean the server has
//!    stopped: it ignores every later input, and the simulator crashes it when it comes
//!    to that effect, so volatile state and the unflushed log tail are lost.
//! 7. **Buffers.** The returned `Vec` may be handed back with
//!    [`Server::recycle`](super::Server::recycle) once carried out, to reuse its
//!    allocation; that changes nothing else.

use super::{CrashPoint, HaltReason, ServerEvent, WriteFailure};
use crate::client::{ToClient, ToServer};
use crate::ids::{ClientId, ServerId, Time, Zxid};
use crate::packet::{Notification, QuorumPacket};
use crate::txn::{Op, ReqId};
use serde::{Deserialize, Serialize};

/// A learner/leader connection, allocated by the simulator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ConnId(pub u64);

/// A named timer of one server. Setting a timer replaces the pending one of the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Timer {
    /// FLE: no notification within the poll timeout (doubles up to the max interval).
    FleTimeout,
    /// FLE: `finalizeWait` after a quorum agreed.
    FinalizeWait,
    /// Leader: the T/2 ping and quorum-check loop.
    LeaderTick,
    /// Leader: one of its three `initLimit*T` waits (epoch, ACKEPOCH, NEWLEADER-ACK quorums).
    LeaderWait,
    /// Learner: socket read timeout (`initLimit*T` until NEWLEADER, `syncLimit*T` after).
    LearnerRead,
    /// Leader: one LearnerHandler's socket read timeout (`initLimit*T` until its
    /// NEWLEADER-ACK quorum, `syncLimit*T` after).
    HandlerRead {
        /// The handler's connection.
        conn: ConnId,
    },
    /// Learner: retry connecting to the leader (100 ms apart, at most 5 tries).
    ConnectRetry,
    /// Leader: the session tracker's next expiry bucket (every tickTime, while it
    /// tracks sessions; SessionTrackerImpl.run).
    SessionExpiry,
}

/// One input to a server.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// The process starts (fresh or after recovery): it goes LOOKING.
    Boot,
    /// An FLE notification arrived on the election mesh.
    Notification {
        /// Sender.
        from: ServerId,
        /// The notification.
        n: Notification,
    },
    /// Learner: the connection to the leader is up.
    Connected {
        /// The connection.
        conn: ConnId,
    },
    /// Learner: the connection attempt failed.
    ConnectFailed,
    /// Leader: a learner connected.
    Accepted {
        /// The connection.
        conn: ConnId,
        /// The learner.
        learner: ServerId,
    },
    /// A packet arrived on a connection.
    Packet {
        /// The connection.
        conn: ConnId,
        /// The packet.
        packet: QuorumPacket,
    },
    /// A connection broke (the peer closed it, or a read failed).
    Closed {
        /// The connection.
        conn: ConnId,
    },
    /// A timer fired.
    Timer(Timer),
    /// The log fsync requested by [`Effect::Fsync`] completed.
    FsyncDone {
        /// Entries up to this zxid are durable.
        upto: Zxid,
    },
    /// A message from a session client (see [`crate::client`]).
    FromClient {
        /// The client.
        client: ClientId,
        /// The message.
        msg: ToServer,
    },
    /// A client connected to this server submits a write.
    ClientWrite {
        /// Request id.
        req: ReqId,
        /// The write.
        op: Op,
    },
}

/// The outcome of a client write.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum WriteResult {
    /// Committed with this zxid.
    Committed {
        /// Its zxid.
        zxid: Zxid,
    },
    /// Not committed: the server was not serving, or lost its leader first.
    Failed {
        /// Why (serialised as its sentence).
        reason: WriteFailure,
    },
    /// The connection was lost before an answer (the server crashed): the client does
    /// not know whether the write commits (ZooKeeper's CONNECTIONLOSS). The simulator
    /// replaces it by the truth once the ensemble has decided (see
    /// [`crate::sim::TraceKind::WriteLearnt`]).
    Unknown {
        /// Why the answer never came (serialised as its sentence).
        reason: WriteFailure,
    },
}

/// What a server asks the world to do, or reports (returned by [`Server::handle`](super::Server::handle)).
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Send an FLE notification (best effort, latest wins per peer).
    Notify {
        /// Receiver.
        to: ServerId,
        /// Notification.
        n: Notification,
    },
    /// Learner: open a connection to the leader.
    Connect {
        /// The leader.
        to: ServerId,
    },
    /// Send a packet on a connection (FIFO, reliable while open).
    Send {
        /// Connection.
        conn: ConnId,
        /// Packet.
        packet: QuorumPacket,
    },
    /// Close a connection (the peer notices).
    Close {
        /// Connection.
        conn: ConnId,
    },
    /// Start or restart a timer.
    SetTimer {
        /// Which.
        timer: Timer,
        /// Fires this many ms from now.
        after: Time,
    },
    /// Cancel a timer.
    CancelTimer {
        /// Which.
        timer: Timer,
    },
    /// Flush the log; answer with [`Input::FsyncDone`] once durable.
    Fsync {
        /// The last appended zxid to make durable.
        upto: Zxid,
    },
    /// Send to a session client on its connection to this server.
    ToClient {
        /// The client.
        client: ClientId,
        /// The message.
        msg: ToClient,
    },
    /// Answer a client write.
    ClientReply {
        /// Request.
        req: ReqId,
        /// Outcome.
        result: WriteResult,
    },
    /// The server reached an armed crash point: the simulator crashes it now.
    CrashPoint(CrashPoint),
    /// The process exits (ZooKeeper's `System.exit`, e.g. UNMATCHED_TXN_COMMIT).
    Halt {
        /// Why.
        reason: HaltReason,
    },
    /// Something worth showing happened.
    Event(ServerEvent),
}

/// Per-call context: the simulated time and one random draw (for `snapCount` jitter).
#[derive(Clone, Copy, Debug)]
pub struct Ctx {
    /// Simulated time.
    pub now: Time,
    /// A uniformly random number from the simulator's disk stream.
    pub roll: u64,
}
