//! What a user or a scenario can do to the cluster, at any moment.

use crate::ids::ServerId;
use crate::server::CrashPoint;
use crate::txn::Op;
use serde::{Deserialize, Serialize};

/// An intervention. Scenario actions map onto these; the web app's controls create them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Intervention {
    /// Crash a server: volatile state and the unflushed log tail are lost.
    Crash {
        /// Server.
        server: ServerId,
    },
    /// Restart a crashed server: recover from snapshot + log.
    Restart {
        /// Server.
        server: ServerId,
    },
    /// Split the servers into groups; links between groups are cut both ways.
    Partition {
        /// Every server in exactly one group.
        groups: Vec<Vec<ServerId>>,
    },
    /// Cut one link, one way or both.
    Cut {
        /// From.
        from: ServerId,
        /// To.
        to: ServerId,
        /// Both directions.
        both: bool,
    },
    /// Heal one link, one way or both.
    HealLink {
        /// From.
        from: ServerId,
        /// To.
        to: ServerId,
        /// Both directions.
        both: bool,
    },
    /// Cut every link of a server.
    Isolate {
        /// Server.
        server: ServerId,
    },
    /// Heal every link.
    Heal,
    /// A client connected to `server` submits a write.
    Write {
        /// Server.
        server: ServerId,
        /// The write.
        op: Op,
    },
    /// A client connected to `server` reads a path (served locally, possibly stale).
    Read {
        /// Server.
        server: ServerId,
        /// Path.
        path: String,
    },
    /// Crash `server` the next time it reaches `point`.
    CrashAt {
        /// Server.
        server: ServerId,
        /// Crash point.
        point: CrashPoint,
    },
    /// Lose one packet in flight (on a quorum connection this breaks the connection, as TCP would).
    DropPacket {
        /// Packet id.
        id: u64,
    },
    /// Deliver one packet in flight now, ahead of the others (FIFO per connection is kept).
    DeliverNow {
        /// Packet id.
        id: u64,
    },
}

impl Intervention {
    /// A sentence for logs and menus.
    pub fn describe(&self) -> String {
        match self {
            Intervention::Crash { server } => format!("crash server {server}"),
            Intervention::Restart { server } => format!("restart server {server}"),
            Intervention::Partition { groups } => format!("partition into {groups:?}"),
            Intervention::Cut {
                from,
                to,
                both: true,
            } => format!("cut link {from} <-> {to}"),
            Intervention::Cut { from, to, .. } => format!("cut link {from} -> {to}"),
            Intervention::HealLink {
                from,
                to,
                both: true,
            } => format!("heal link {from} <-> {to}"),
            Intervention::HealLink { from, to, .. } => format!("heal link {from} -> {to}"),
            Intervention::Isolate { server } => format!("isolate server {server}"),
            Intervention::Heal => "heal every link".into(),
            Intervention::Write { server, op } => {
                format!("client write at server {server}: {}", op.label())
            }
            Intervention::Read { server, path } => {
                format!("client read of {path} at server {server}")
            }
            Intervention::CrashAt { server, point } => {
                format!("crash server {server} at `{}`", point.name())
            }
            Intervention::DropPacket { id } => format!("drop packet {id}"),
            Intervention::DeliverNow { id } => format!("deliver packet {id} now"),
        }
    }
}
