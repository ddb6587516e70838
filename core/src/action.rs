//! What a scenario step, a user or a test can do to the cluster: one [`Action`] type,
//! which the scenario file holds, the simulator applies and the web app's controls make.
//!
//! Its serialised form is the scenario file's (contract: `scenario-format.md`, version
//! 1): `{"do": "crash_at", "server": 2, "point": "after-fsync"}`, with the step's
//! `at_ms` beside it. It is read back only by the scenario parser
//! ([`crate::scenario::Scenario::from_json`]), which names the field of every mistake.

use std::fmt;

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::client::Request;
use crate::ids::{ClientId, ServerId};
use crate::server::CrashPoint;
use crate::txn::Op;

/// One intervention, tagged by `"do"` in JSON.
///
/// `read`, `drop_packet` and `deliver_now` are compatible extensions of the version-1
/// contract (a web session exported as a scenario needs them); every other action is
/// listed in `scenario-format.md`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// A client connected to `server` submits a write (a follower or observer forwards
    /// it to the leader). In JSON: `op` (`create`, `set` or `delete`), `path` and, for
    /// `create` and `set`, `data` (absent: empty).
    Write {
        /// The server the client is connected to.
        server: ServerId,
        /// The write.
        op: Op,
    },
    /// Extension: a client connected to `server` reads `path`; the server answers from
    /// its own data tree, without asking the leader (so the answer may be stale).
    Read {
        /// The server the client is connected to.
        server: ServerId,
        /// The znode.
        path: String,
    },
    /// Crash `server`: it loses its volatile state and the unflushed log tail.
    Crash {
        /// The server.
        server: ServerId,
    },
    /// Restart a crashed `server`: it recovers from snapshot + log (spec §11).
    Restart {
        /// The server.
        server: ServerId,
    },
    /// Cut every link between different groups, both ways. Each server is in exactly
    /// one group; a file may leave out a server that is down at that time (per the
    /// schedule), and parsing then adds it as a group of its own (see
    /// [`crate::scenario::Scenario::complete_partitions`]).
    Partition {
        /// The sides of the partition.
        groups: Vec<Vec<ServerId>>,
    },
    /// Cut the link `from` → `to` (and `to` → `from` when `both`).
    Cut {
        /// One end.
        from: ServerId,
        /// The other end.
        to: ServerId,
        /// Both directions (default `true`).
        both: bool,
    },
    /// Restore the link `from` → `to` (and `to` → `from` when `both`).
    HealLink {
        /// One end.
        from: ServerId,
        /// The other end.
        to: ServerId,
        /// Both directions (default `true`).
        both: bool,
    },
    /// Cut every link of `server`.
    Isolate {
        /// The server.
        server: ServerId,
    },
    /// Restore every link.
    Heal,
    /// Crash `server` the next time it reaches the crash point `point` (see
    /// `zab-sim points`; in JSON the point's name).
    CrashAt {
        /// The server.
        server: ServerId,
        /// The crash point.
        point: CrashPoint,
    },
    /// Extension: lose the packet in flight with this id (ids are numbered from 1 in
    /// sending order, so they are the same on every run of the same scenario). On a
    /// learner/leader connection this breaks the connection, as TCP would.
    DropPacket {
        /// The packet id.
        packet: u64,
    },
    /// Extension: deliver the packet in flight with this id now, ahead of the others
    /// (never ahead of an earlier packet on the same connection: TCP is FIFO).
    DeliverNow {
        /// The packet id.
        packet: u64,
    },
    /// Extension (sessions): a client process starts with a ZooKeeper handle on
    /// `servers` (its connect string, tried in order) asking for `timeout_ms`.
    Connect {
        /// The client.
        client: ClientId,
        /// Its connect string.
        servers: Vec<ServerId>,
        /// The session timeout it asks for (the server clamps it to 2..20 ticks).
        timeout_ms: u64,
    },
    /// Extension (sessions): a session client makes a call. In JSON the call is the
    /// `"do"`: `create` (`ephemeral`, `sequential`), `delete` and `set_data`
    /// (`version`), `get`, `exists` and `children` (`watch`), `close`.
    Call {
        /// The client.
        client: ClientId,
        /// The call.
        request: Request,
    },
    /// Extension (sessions): cut a client off from every server.
    CutClient {
        /// The client.
        client: ClientId,
    },
    /// Extension (sessions): restore a client's network.
    HealClient {
        /// The client.
        client: ClientId,
    },
}

impl Action {
    /// The servers this action names, in order (none for one that names no server:
    /// a partition or heal of everything, a packet's drop or early delivery).
    pub fn servers(&self) -> Vec<ServerId> {
        match self {
            Action::Write { server, .. }
            | Action::Read { server, .. }
            | Action::Crash { server }
            | Action::Restart { server }
            | Action::Isolate { server }
            | Action::CrashAt { server, .. } => vec![*server],
            Action::Cut { from, to, .. } | Action::HealLink { from, to, .. } => vec![*from, *to],
            Action::Connect { servers, .. } => servers.clone(),
            Action::Partition { .. }
            | Action::Heal
            | Action::DropPacket { .. }
            | Action::DeliverNow { .. }
            | Action::Call { .. }
            | Action::CutClient { .. }
            | Action::HealClient { .. } => Vec::new(),
        }
    }

    /// The action's name, as written after `"do"`.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Write { .. } => "write",
            Action::Read { .. } => "read",
            Action::Crash { .. } => "crash",
            Action::Restart { .. } => "restart",
            Action::Partition { .. } => "partition",
            Action::Cut { .. } => "cut",
            Action::HealLink { .. } => "heal_link",
            Action::Isolate { .. } => "isolate",
            Action::Heal => "heal",
            Action::CrashAt { .. } => "crash_at",
            Action::DropPacket { .. } => "drop_packet",
            Action::DeliverNow { .. } => "deliver_now",
            Action::Connect { .. } => "connect",
            Action::Call { request, .. } => request.name(),
            Action::CutClient { .. } => "cut_client",
            Action::HealClient { .. } => "heal_client",
        }
    }
}

impl Serialize for Action {
    /// The scenario file's form: `"do"` first, then the fields in the order
    /// `scenario-format.md` lists them. A write's empty `data` is left out (it is the
    /// default), so a file read and written back keeps its shape.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("do", self.name())?;
        match self {
            Action::Write { server, op } => {
                m.serialize_entry("server", server)?;
                m.serialize_entry("op", op.name())?;
                m.serialize_entry("path", op.path().unwrap_or_default())?;
                match op {
                    Op::Create { data, .. } | Op::Set { data, .. } if !data.is_empty() => {
                        m.serialize_entry("data", data)?
                    }
                    _ => {}
                }
            }
            Action::Read { server, path } => {
                m.serialize_entry("server", server)?;
                m.serialize_entry("path", path)?;
            }
            Action::Crash { server } | Action::Restart { server } | Action::Isolate { server } => {
                m.serialize_entry("server", server)?
            }
            Action::Partition { groups } => m.serialize_entry("groups", groups)?,
            Action::Cut { from, to, both } | Action::HealLink { from, to, both } => {
                m.serialize_entry("from", from)?;
                m.serialize_entry("to", to)?;
                m.serialize_entry("both", both)?;
            }
            Action::Heal => {}
            Action::CrashAt { server, point } => {
                m.serialize_entry("server", server)?;
                m.serialize_entry("point", point.name())?;
            }
            Action::DropPacket { packet } | Action::DeliverNow { packet } => {
                m.serialize_entry("packet", packet)?
            }
            Action::Connect {
                client,
                servers,
                timeout_ms,
            } => {
                m.serialize_entry("client", client)?;
                m.serialize_entry("servers", servers)?;
                m.serialize_entry("timeout_ms", timeout_ms)?;
            }
            Action::Call { client, request } => {
                m.serialize_entry("client", client)?;
                serialize_call(&mut m, request)?;
            }
            Action::CutClient { client } | Action::HealClient { client } => {
                m.serialize_entry("client", client)?
            }
        }
        m.end()
    }
}

/// A call's fields after `"client"`: only those that differ from their defaults
/// (`data` empty, flags and `watch` false, `version` any).
fn serialize_call<M: SerializeMap>(m: &mut M, request: &Request) -> Result<(), M::Error> {
    let data = |m: &mut M, d: &String| match d.is_empty() {
        true => Ok(()),
        false => m.serialize_entry("data", d),
    };
    let flag = |m: &mut M, k: &str, on: bool| match on {
        true => m.serialize_entry(k, &true),
        false => Ok(()),
    };
    match request {
        Request::Create {
            path,
            data: d,
            ephemeral,
            sequential,
        } => {
            m.serialize_entry("path", path)?;
            data(m, d)?;
            flag(m, "ephemeral", *ephemeral)?;
            flag(m, "sequential", *sequential)
        }
        Request::Delete { path, version } => {
            m.serialize_entry("path", path)?;
            version.map_or(Ok(()), |v| m.serialize_entry("version", &v))
        }
        Request::SetData {
            path,
            data: d,
            version,
        } => {
            m.serialize_entry("path", path)?;
            data(m, d)?;
            version.map_or(Ok(()), |v| m.serialize_entry("version", &v))
        }
        Request::GetData { path, watch }
        | Request::Exists { path, watch }
        | Request::GetChildren { path, watch } => {
            m.serialize_entry("path", path)?;
            flag(m, "watch", *watch)
        }
        Request::Close => Ok(()),
    }
}

/// Partition groups as people read them: `{1, 2} | {3}`.
pub fn groups_text(groups: &[Vec<ServerId>]) -> String {
    groups
        .iter()
        .map(|g| {
            let ids: Vec<String> = g.iter().map(ServerId::to_string).collect();
            format!("{{{}}}", ids.join(", "))
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

impl fmt::Display for Action {
    /// A short English phrase for logs and the CLI, e.g. `crash server 2` or
    /// `partition into {1, 2} | {3}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let arrow = |both: bool| if both { "<->" } else { "->" };
        match self {
            Action::Crash { server } => write!(f, "crash server {server}"),
            Action::Restart { server } => write!(f, "restart server {server}"),
            Action::Partition { groups } => write!(f, "partition into {}", groups_text(groups)),
            Action::Cut { from, to, both } => write!(f, "cut link {from} {} {to}", arrow(*both)),
            Action::HealLink { from, to, both } => {
                write!(f, "heal link {from} {} {to}", arrow(*both))
            }
            Action::Isolate { server } => write!(f, "isolate server {server}"),
            Action::Heal => write!(f, "heal every link"),
            Action::Write { server, op } => {
                write!(f, "client write at server {server}: {}", op.label())
            }
            Action::Read { server, path } => write!(f, "client read of {path} at server {server}"),
            Action::CrashAt { server, point } => {
                write!(f, "crash server {server} at `{}`", point.name())
            }
            Action::DropPacket { packet } => write!(f, "drop packet {packet}"),
            Action::DeliverNow { packet } => write!(f, "deliver packet {packet} now"),
            Action::Connect {
                client, servers, ..
            } => {
                let ids: Vec<String> = servers.iter().map(ServerId::to_string).collect();
                write!(f, "client {client} connects to {}", ids.join(","))
            }
            Action::Call { client, request } => {
                write!(f, "client {client}: {}", request.label())
            }
            Action::CutClient { client } => write!(f, "cut client {client} off"),
            Action::HealClient { client } => write!(f, "reconnect client {client}'s network"),
        }
    }
}
