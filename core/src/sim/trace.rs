//! The typed trace-event stream every consumer reads: the web app's animation, event
//! log and space-time diagram, the CLI's `--trace` and report, and the tests.

use super::clients::ClientFlight;
use super::network::{DropReason, NetChange, Payload};
use super::CrashReason;
use crate::check::Detail;
use crate::client::{ClientEvent, Request};
use crate::ids::{ClientId, ServerId, Time};
use crate::server::{ConnId, ServerEvent, StartRefusal, Timer, WriteResult};
use crate::txn::{Op, ReqId};
use serde::{Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

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
        packet: &'static str,
        /// The packet with its fields, in words (built when shown or serialised).
        summary: PacketSummary,
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
        packet: &'static str,
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
        packet: &'static str,
        /// Why (serialised as its sentence).
        reason: DropReason,
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
        /// Why (intervention, crash point, exit; serialised as its sentence).
        reason: CrashReason,
    },
    /// A server restarted (or refused to).
    Restart {
        /// Server.
        server: ServerId,
        /// `None` if it started; the reason if startup failed (serialised as its
        /// sentence).
        failed: Option<StartRefusal>,
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
    /// The truth about a write whose answer was lost (`WriteResult::Unknown`) is
    /// decided: it committed, or a new leader established its epoch without it.
    WriteLearnt {
        /// Request.
        req: ReqId,
        /// The server the client had sent it to.
        server: ServerId,
        /// The outcome (committed or failed).
        result: WriteResult,
    },
    /// A session client made a call.
    ClientCall {
        /// The client.
        client: ClientId,
        /// The call's id.
        req: ReqId,
        /// The call.
        request: Request,
    },
    /// A message between a session client and a server left.
    ClientMessage {
        /// The message.
        flight: ClientFlight,
    },
    /// A session client reported something (an answer, a connection, a watch...).
    Client {
        /// The client.
        client: ClientId,
        /// What.
        event: ClientEvent,
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
        /// What (serialised as its sentence, under `text`).
        #[serde(rename = "text")]
        change: NetChange,
    },
    /// An invariant broke.
    Violation {
        /// Invariant id, e.g. `I10`.
        invariant: String,
        /// Its name.
        name: String,
        /// Servers involved.
        servers: Vec<ServerId>,
        /// What broke (serialised as its English sentence), shared with the violation.
        detail: Arc<Detail>,
    },
}

/// A sent packet's contents as a trace event holds them: shared with the packet in
/// flight, not copied, and put in words ([`Payload::summary`]) only when displayed or
/// serialised (as that string), so that a run nobody watches does not build the text.
#[derive(Clone, Debug, PartialEq)]
pub struct PacketSummary(pub Arc<Payload>);

impl fmt::Display for PacketSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.summary())
    }
}

impl Serialize for PacketSummary {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.summary())
    }
}

/// A fingerprint of a trace, to compare two runs without shipping the events: the
/// number of events and the FNV-1a 64-bit hash (16 lower-case hex digits) of their
/// `--trace` form, each event's `serde_json` line followed by `'\n'`. The same scenario
/// gives the same digest natively (`zab-sim run --digest`) and in the web app.
pub fn trace_digest(events: &[TraceEvent]) -> (u64, String) {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash ^= u64::from(*b);
            hash = hash.wrapping_mul(PRIME);
        }
    };
    for ev in events {
        feed(serde_json::to_string(ev).unwrap_or_default().as_bytes());
        feed(b"\n");
    }
    (events.len() as u64, format!("{hash:016x}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_digest_is_fnv1a_of_the_json_lines() {
        // FNV-1a 64 of the empty input is the offset basis.
        assert_eq!(trace_digest(&[]), (0, "cbf29ce484222325".to_string()));
        let a = TraceEvent {
            at_ms: 5,
            kind: TraceKind::Network {
                change: NetChange::HealAll,
            },
        };
        let b = TraceEvent {
            at_ms: 7,
            kind: TraceKind::Network {
                change: NetChange::Isolate {
                    server: ServerId(2),
                },
            },
        };
        // The same bytes as the `--trace` file: one JSON line per event.
        let text = format!(
            "{}\n{}\n",
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
        let mut h: u64 = 0xcbf29ce484222325;
        for byte in text.bytes() {
            h = (h ^ u64::from(byte)).wrapping_mul(0x100000001b3);
        }
        let (n, hex) = trace_digest(&[a.clone(), b.clone()]);
        assert_eq!((n, hex), (2, format!("{h:016x}")));
        // Order matters.
        assert_ne!(trace_digest(&[b, a]).1, format!("{h:016x}"));
        // A known value: FNV-1a 64 of "a" is af63dc4c8601ec8c.
        let mut h: u64 = 0xcbf29ce484222325;
        h = (h ^ u64::from(b'a')).wrapping_mul(0x100000001b3);
        assert_eq!(format!("{h:016x}"), "af63dc4c8601ec8c");
    }
}
