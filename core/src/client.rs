//! A ZooKeeper client with a session, as a sans-IO state machine (ZooKeeper's
//! `ClientCnxn` and its `SendThread`), and what it says to servers and hears back.
//!
//! zab-spec.md has no client model; this one follows ZooKeeper's source, as
//! docs/client-model.md records:
//! - the handle connects to one server of its connect string at a time, trying the
//!   next one when a connection fails, is refused or goes silent (`StaticHostProvider`);
//! - `readTimeout` is 2/3 of the negotiated session timeout and `connectTimeout` the
//!   timeout divided by the number of servers (`ClientCnxn.SendThread.onConnected`,
//!   `ClientCnxn` constructor); it PINGs after `readTimeout / 2` without sending
//!   (`SendThread.run`);
//! - every reply's zxid advances `lastZxid`, sent with every reconnect so that no
//!   server behind it accepts the client (`ConnectRequest.lastZxidSeen`);
//! - requests in flight when the connection drops fail with `CONNECTIONLOSS`: a write's
//!   outcome is then unknown to the client until it reads;
//! - watches are one-shot and re-sent on reconnect (`SetWatches`, with `lastZxid` as
//!   the relative zxid); a reconnect to a session the ensemble expired ends the
//!   handle (`SESSIONEXPIRED`, `States.CLOSED`).

use crate::ids::{ClientId, ServerId, SessionId, Time, Zxid};
use crate::sim::rng::Rng;
use crate::tree::EventType;
use crate::txn::{ErrorCode, ReqId};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What a session client asks for (the ZooKeeper API calls the simulator offers).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "call", rename_all = "snake_case")]
pub enum Request {
    /// `create(path, data, acl, mode)`.
    Create {
        /// Path (a sequential znode gets a ten-digit suffix from its parent's cversion).
        path: String,
        /// Data.
        data: String,
        /// Owned by the session, removed when it ends.
        ephemeral: bool,
        /// Name it with the parent's child counter.
        sequential: bool,
    },
    /// `delete(path, version)`.
    Delete {
        /// Path.
        path: String,
        /// The expected data version, or any (`-1`).
        version: Option<i32>,
    },
    /// `setData(path, data, version)`.
    SetData {
        /// Path.
        path: String,
        /// Data.
        data: String,
        /// The expected data version, or any (`-1`).
        version: Option<i32>,
    },
    /// `getData(path, watch)`: served by the client's server from its own tree.
    #[serde(rename = "get")]
    GetData {
        /// Path.
        path: String,
        /// Leave a data watch.
        watch: bool,
    },
    /// `exists(path, watch)`.
    Exists {
        /// Path.
        path: String,
        /// Leave an exists watch (set even when the znode is missing).
        watch: bool,
    },
    /// `getChildren(path, watch)`.
    #[serde(rename = "children")]
    GetChildren {
        /// Path.
        path: String,
        /// Leave a child watch.
        watch: bool,
    },
    /// `close()`: ends the session through the leader.
    Close,
}

impl Request {
    /// The call's name, as a scenario's `"do"` writes it.
    pub fn name(&self) -> &'static str {
        match self {
            Request::Create { .. } => "create",
            Request::Delete { .. } => "delete",
            Request::SetData { .. } => "set_data",
            Request::GetData { .. } => "get",
            Request::Exists { .. } => "exists",
            Request::GetChildren { .. } => "children",
            Request::Close => "close",
        }
    }

    /// ZooKeeper's `OpCode` name for it (`ZooDefs.OpCode`): `create`, `getData`…
    pub fn op_code(&self) -> &'static str {
        match self {
            Request::Create { .. } => "create",
            Request::Delete { .. } => "delete",
            Request::SetData { .. } => "setData",
            Request::GetData { .. } => "getData",
            Request::Exists { .. } => "exists",
            Request::GetChildren { .. } => "getChildren",
            Request::Close => "closeSession",
        }
    }

    /// Short form for logs, e.g. `create -e -s /lock/n- ""` as zkCli writes it.
    pub fn label(&self) -> String {
        let flags = |e: bool, s: bool| match (e, s) {
            (true, true) => "-e -s ",
            (true, false) => "-e ",
            (false, true) => "-s ",
            (false, false) => "",
        };
        let w = |watch: bool| if watch { " -w" } else { "" };
        let v = |version: &Option<i32>| version.map_or(String::new(), |v| format!(" -v {v}"));
        match self {
            Request::Create {
                path,
                data,
                ephemeral,
                sequential,
            } => format!("create {}{path}={data}", flags(*ephemeral, *sequential)),
            Request::Delete { path, version } => format!("delete{} {path}", v(version)),
            Request::SetData {
                path,
                data,
                version,
            } => format!("set{} {path}={data}", v(version)),
            Request::GetData { path, watch } => format!("get{} {path}", w(*watch)),
            Request::Exists { path, watch } => format!("stat{} {path}", w(*watch)),
            Request::GetChildren { path, watch } => format!("ls{} {path}", w(*watch)),
            Request::Close => "close".into(),
        }
    }

    /// The znode path it names (none for `close`).
    pub fn path(&self) -> Option<&str> {
        match self {
            Request::Create { path, .. }
            | Request::Delete { path, .. }
            | Request::SetData { path, .. }
            | Request::GetData { path, .. }
            | Request::Exists { path, .. }
            | Request::GetChildren { path, .. } => Some(path),
            Request::Close => None,
        }
    }

    /// The data it writes, if any.
    pub fn data(&self) -> Option<&str> {
        match self {
            Request::Create { data, .. } | Request::SetData { data, .. } => Some(data),
            _ => None,
        }
    }

    /// Whether it goes through the leader as a txn (reads are served locally).
    pub fn is_write(&self) -> bool {
        !matches!(
            self,
            Request::GetData { .. } | Request::Exists { .. } | Request::GetChildren { .. }
        )
    }

    /// The watch this read leaves, if it asks for one.
    pub fn watch(&self) -> Option<(WatchKind, &str)> {
        match self {
            Request::GetData { path, watch: true } => Some((WatchKind::Data, path)),
            Request::Exists { path, watch: true } => Some((WatchKind::Exists, path)),
            Request::GetChildren { path, watch: true } => Some((WatchKind::Child, path)),
            _ => None,
        }
    }
}

/// The three kinds of watch (`ZooKeeper.getDataWatches`, `getExistWatches`,
/// `getChildWatches`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum WatchKind {
    /// Left by getData: fires on a change or deletion.
    Data,
    /// Left by exists: fires on creation, change or deletion.
    Exists,
    /// Left by getChildren: fires when a child comes or goes, or the znode goes.
    Child,
}

/// A message from a client to its server.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToServer {
    /// `ConnectRequest`, followed on a reconnect by `SetWatches`.
    Connect {
        /// The session to resume, if any.
        session: Option<SessionId>,
        /// The timeout asked for.
        timeout_ms: u64,
        /// The newest zxid the client has seen.
        last_zxid_seen: Zxid,
        /// Watches to re-register, relative to `last_zxid_seen`.
        watches: Vec<(WatchKind, String)>,
    },
    /// A heartbeat.
    Ping,
    /// A call.
    Request {
        /// Its id.
        req: ReqId,
        /// The call.
        request: Request,
    },
}

impl ToServer {
    /// A short name for a drawing of the message: `CONNECT`, `PING`, or the call's
    /// [`Request::op_code`].
    pub fn label(&self) -> &'static str {
        match self {
            ToServer::Connect { .. } => "CONNECT",
            ToServer::Ping => "PING",
            ToServer::Request { request, .. } => request.op_code(),
        }
    }
}

/// Why a server did not take a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Refused {
    /// It is not serving (not in BROADCAST): `ZooKeeperServer not running`.
    NotServing,
    /// It is behind the client: "Refusing session request for client as it has seen
    /// zxid … our last zxid is …" (ZooKeeperServer.processConnectRequest).
    Behind {
        /// What the client has seen.
        seen: Zxid,
        /// The server's last processed zxid.
        ours: Zxid,
    },
    /// The session is no longer valid (`SESSIONEXPIRED`).
    SessionExpired,
}

/// What a call returned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// The write was applied; a create returns the created path.
    Written {
        /// The path created, for a create.
        created: Option<String>,
    },
    /// getData: the data and its version.
    Data {
        /// Data.
        data: String,
        /// Data version.
        version: i32,
    },
    /// exists: whether the znode is there.
    Exists {
        /// Whether it exists.
        exists: bool,
    },
    /// getChildren: the children's names.
    Children {
        /// Sorted names.
        names: Vec<String>,
    },
    /// close() completed.
    Closed,
}

/// A message from a server to one of its clients.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ToClient {
    /// The session is established (`ConnectResponse`).
    Connected {
        /// The session.
        session: SessionId,
        /// The negotiated timeout.
        timeout_ms: u64,
    },
    /// The connection was refused and closed.
    Refused {
        /// Why.
        why: Refused,
    },
    /// The reply to a PING.
    Pong,
    /// The reply to a call.
    Reply {
        /// The call.
        req: ReqId,
        /// The zxid in the reply header: the txn's for a write, the server's last
        /// processed for a read.
        zxid: Zxid,
        /// What it returned.
        result: Result<Answer, ErrorCode>,
    },
    /// A watch fired (`WatcherEvent`).
    Watch {
        /// The watched path.
        path: String,
        /// What happened.
        event: EventType,
    },
    /// The server closed the connection (it left BROADCAST, or the session ended).
    Closed,
}

impl ToClient {
    /// A short name for a drawing of the message. A PING's reply is a `PING` too
    /// (ZooKeeper answers with the ping's own xid, -2); a watch event is `WATCH`.
    pub fn label(&self) -> &'static str {
        match self {
            ToClient::Connected { .. } => "CONNECTED",
            ToClient::Refused { .. } => "REFUSED",
            ToClient::Pong => "PING",
            ToClient::Reply { result: Ok(_), .. } => "REPLY",
            ToClient::Reply { result: Err(_), .. } => "ERROR",
            ToClient::Watch { .. } => "WATCH",
            ToClient::Closed => "CLOSED",
        }
    }
}

/// Where a client is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ClientState {
    /// Trying a server (`CONNECTING`).
    Connecting,
    /// Connected with a session (`CONNECTED`).
    Connected,
    /// The ensemble expired its session; the handle is dead (`CLOSED` after
    /// `SESSIONEXPIRED`).
    Expired,
    /// The client closed its session (`CLOSED`).
    Closed,
}

/// What a client reports to the simulator (traced and shown).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum ClientEvent {
    /// A new handle starts (the `connect` action).
    Started {
        /// Its connect string.
        servers: Vec<ServerId>,
    },
    /// A call got its answer.
    Answered {
        /// The call.
        req: ReqId,
        /// The zxid of the reply.
        zxid: Zxid,
        /// The answer or the error.
        result: Result<Answer, ErrorCode>,
    },
    /// A call in flight was lost with the connection (`CONNECTIONLOSS`): for a write,
    /// the outcome is unknown.
    ConnectionLoss {
        /// The call.
        req: ReqId,
    },
    /// A session was established or resumed at a server.
    Connected {
        /// The server.
        server: ServerId,
        /// The session.
        session: SessionId,
    },
    /// The connection to a server ended; the client tries another.
    Disconnected {
        /// The server.
        server: ServerId,
        /// Why.
        why: Disconnect,
    },
    /// A watch fired.
    WatchFired {
        /// The path.
        path: String,
        /// What happened.
        event: EventType,
    },
    /// The session is gone: the handle is dead.
    Expired,
}

/// Why a client left a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Disconnect {
    /// The server closed the connection (or crashed: the connection was reset).
    ClosedByServer,
    /// Nothing heard for `readTimeout` (or no answer to a connect in `connectTimeout`).
    Timeout,
    /// The server refused the connection.
    Refused(Refused),
}

/// What a client asks the simulator to do.
#[derive(Clone, Debug, PartialEq)]
pub enum ClientEffect {
    /// Send to a server.
    Send {
        /// The server.
        to: ServerId,
        /// The message.
        msg: ToServer,
    },
    /// (Re)arm the client's one timer to fire after this long.
    Wake {
        /// Delay.
        after: Time,
    },
    /// Report.
    Event(ClientEvent),
}

/// One client process with its ZooKeeper handle.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Client {
    /// Its id.
    pub id: ClientId,
    /// The connect string, in the order it tries the servers.
    pub servers: Vec<ServerId>,
    /// Where it is.
    pub state: ClientState,
    /// The server it is connected (or connecting) to.
    pub server: Option<ServerId>,
    /// Its session, once the ensemble created it.
    pub session: Option<SessionId>,
    /// The timeout it asks for; once connected, the negotiated one.
    pub timeout_ms: u64,
    /// The newest zxid it has seen (`lastZxid`).
    pub last_zxid: Zxid,
    /// Its registered watches.
    pub watches: BTreeSet<(WatchKind, String)>,
    /// Calls sent and not answered.
    pub pending: BTreeMap<ReqId, Request>,
    /// Calls made while connecting, sent once connected.
    pub queued: Vec<(ReqId, Request)>,
    next: usize,
    last_sent: Time,
    last_heard: Time,
    #[serde(skip)]
    rng: Rng,
}

impl Client {
    /// A new handle that starts connecting to the first server of `servers`.
    /// `seed` drives its reconnect delays (a run's seed gives the same delays).
    pub fn new(id: ClientId, servers: Vec<ServerId>, timeout_ms: u64, seed: u64) -> Client {
        Client {
            id,
            servers,
            state: ClientState::Connecting,
            server: None,
            session: None,
            timeout_ms,
            last_zxid: Zxid::ZERO,
            watches: BTreeSet::new(),
            pending: BTreeMap::new(),
            queued: Vec::new(),
            next: 0,
            last_sent: 0,
            last_heard: 0,
            rng: Rng::new(seed, 0x5e55_1000 + id.0 as u64),
        }
    }

    /// `readTimeout`: 2/3 of the session timeout.
    pub fn read_timeout(&self) -> Time {
        self.timeout_ms * 2 / 3
    }

    /// `connectTimeout`: the session timeout over the number of servers.
    pub fn connect_timeout(&self) -> Time {
        self.timeout_ms / self.servers.len().max(1) as u64
    }

    /// Whether the handle can still be used.
    pub fn is_alive(&self) -> bool {
        matches!(self.state, ClientState::Connecting | ClientState::Connected)
    }

    /// Starts (or restarts) connecting to the next server of the connect string.
    pub fn connect(&mut self, now: Time) -> Vec<ClientEffect> {
        let mut out = Vec::new();
        if !self.is_alive() || self.servers.is_empty() {
            return out;
        }
        let to = self.servers[self.next % self.servers.len()];
        self.next += 1;
        self.state = ClientState::Connecting;
        self.server = Some(to);
        self.last_sent = now;
        self.last_heard = now;
        out.push(ClientEffect::Send {
            to,
            msg: ToServer::Connect {
                session: self.session,
                timeout_ms: self.timeout_ms,
                last_zxid_seen: self.last_zxid,
                watches: self.watches.iter().cloned().collect(),
            },
        });
        out.push(ClientEffect::Wake {
            after: self.connect_timeout().max(1),
        });
        out
    }

    /// A call from the application.
    pub fn call(&mut self, now: Time, req: ReqId, request: Request) -> Vec<ClientEffect> {
        let mut out = Vec::new();
        match (self.state, self.server) {
            (ClientState::Connected, Some(to)) => {
                self.last_sent = now;
                self.pending.insert(req, request.clone());
                out.push(ClientEffect::Send {
                    to,
                    msg: ToServer::Request { req, request },
                });
            }
            (ClientState::Connecting, _) => self.queued.push((req, request)),
            _ => out.push(ClientEffect::Event(ClientEvent::Answered {
                req,
                zxid: self.last_zxid,
                result: Err(ErrorCode::SessionExpired),
            })),
        }
        out
    }

    /// A message from `from`. Messages from a server it has left are ignored.
    pub fn receive(&mut self, now: Time, from: ServerId, msg: ToClient) -> Vec<ClientEffect> {
        let mut out = Vec::new();
        if self.server != Some(from) || !self.is_alive() {
            return out;
        }
        self.last_heard = now;
        match msg {
            ToClient::Connected {
                session,
                timeout_ms,
            } => {
                self.state = ClientState::Connected;
                self.session = Some(session);
                self.timeout_ms = timeout_ms;
                out.push(ClientEffect::Event(ClientEvent::Connected {
                    server: from,
                    session,
                }));
                for (req, request) in std::mem::take(&mut self.queued) {
                    out.extend(self.call(now, req, request));
                }
                out.push(self.wake(now));
            }
            ToClient::Refused {
                why: Refused::SessionExpired,
            } => {
                self.lose_calls(&mut out);
                self.state = ClientState::Expired;
                self.server = None;
                self.watches.clear();
                out.push(ClientEffect::Event(ClientEvent::Expired));
            }
            ToClient::Refused { why } => {
                out.extend(self.drop_connection(from, Disconnect::Refused(why)))
            }
            ToClient::Pong => {}
            ToClient::Reply { req, zxid, result } => {
                let Some(request) = self.pending.remove(&req) else {
                    return out;
                };
                self.last_zxid = self.last_zxid.max(zxid);
                if result.is_ok() {
                    if let Some((kind, path)) = request.watch() {
                        self.watches.insert((kind, path.to_string()));
                    }
                }
                let closed = request == Request::Close && result.is_ok();
                out.push(ClientEffect::Event(ClientEvent::Answered {
                    req,
                    zxid,
                    result,
                }));
                if closed {
                    self.state = ClientState::Closed;
                    self.server = None;
                    self.watches.clear();
                }
            }
            ToClient::Watch { path, event } => {
                self.watches.retain(|(kind, p)| {
                    p != &path
                        || !match event {
                            EventType::NodeChildrenChanged => *kind == WatchKind::Child,
                            EventType::NodeDeleted => true,
                            _ => *kind != WatchKind::Child,
                        }
                });
                out.push(ClientEffect::Event(ClientEvent::WatchFired { path, event }));
            }
            ToClient::Closed => out.extend(self.drop_connection(from, Disconnect::ClosedByServer)),
        }
        out
    }

    /// The client's timer: ping when idle, give up on a silent server.
    pub fn wake_up(&mut self, now: Time) -> Vec<ClientEffect> {
        let mut out = Vec::new();
        let Some(server) = self.server else {
            // Between servers: the reconnect delay is over.
            if self.state == ClientState::Connecting {
                out.extend(self.connect(now));
            }
            return out;
        };
        match self.state {
            ClientState::Connecting if now >= self.last_sent + self.connect_timeout() => {
                out.extend(self.drop_connection(server, Disconnect::Timeout));
            }
            ClientState::Connected if now >= self.last_heard + self.read_timeout() => {
                out.extend(self.drop_connection(server, Disconnect::Timeout));
            }
            ClientState::Connected => {
                if now >= self.last_sent + self.read_timeout() / 2 {
                    self.last_sent = now;
                    out.push(ClientEffect::Send {
                        to: server,
                        msg: ToServer::Ping,
                    });
                }
                out.push(self.wake(now));
            }
            _ => {}
        }
        out
    }

    /// The next wake-up while connected: the next ping or the read deadline.
    fn wake(&self, now: Time) -> ClientEffect {
        let ping = self.last_sent + (self.read_timeout() / 2).max(1);
        let deadline = self.last_heard + self.read_timeout().max(1);
        ClientEffect::Wake {
            after: ping.min(deadline).saturating_sub(now).max(1),
        }
    }

    fn lose_calls(&mut self, out: &mut Vec<ClientEffect>) {
        for req in std::mem::take(&mut self.pending).into_keys() {
            out.push(ClientEffect::Event(ClientEvent::ConnectionLoss { req }));
        }
    }

    /// Leaves `server`: calls in flight are lost, and the next server is tried after
    /// a random delay below a second (`ClientCnxn.SendThread.startConnect` sleeps
    /// `r.nextInt(1000)` before every attempt but the first).
    fn drop_connection(&mut self, server: ServerId, why: Disconnect) -> Vec<ClientEffect> {
        let mut out = Vec::new();
        self.lose_calls(&mut out);
        out.push(ClientEffect::Event(ClientEvent::Disconnected {
            server,
            why,
        }));
        self.state = ClientState::Connecting;
        self.server = None;
        out.push(ClientEffect::Wake {
            after: self.rng.range(1, 999),
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(effects: &[ClientEffect]) -> Vec<(ServerId, ToServer)> {
        effects
            .iter()
            .filter_map(|e| match e {
                ClientEffect::Send { to, msg } => Some((*to, msg.clone())),
                _ => None,
            })
            .collect()
    }

    /// ClientCnxn: readTimeout = 2/3 of the session timeout, a PING after half of it
    /// without sending, and the next server of the connect string after a read timeout.
    #[test]
    fn pings_at_half_the_read_timeout_and_moves_on_after_silence() {
        let mut c = Client::new(ClientId(1), vec![ServerId(1), ServerId(2)], 3000, 1);
        c.connect(0);
        let session = SessionId(9);
        c.receive(
            10,
            ServerId(1),
            ToClient::Connected {
                session,
                timeout_ms: 3000,
            },
        );
        assert_eq!(c.read_timeout(), 2000);
        assert!(sent(&c.wake_up(500)).is_empty(), "not idle long enough");
        assert_eq!(sent(&c.wake_up(1000)), [(ServerId(1), ToServer::Ping)]);
        let dropped = c.wake_up(2010);
        assert_eq!(c.server, None, "waits before the next attempt");
        let Some(ClientEffect::Wake { after }) = dropped.last().cloned() else {
            panic!("no reconnect delay: {dropped:?}");
        };
        assert!((1..1000).contains(&after));
        let moved = c.wake_up(2010 + after);
        assert_eq!(c.server, Some(ServerId(2)));
        assert!(matches!(
            &sent(&moved)[..],
            [(ServerId(2), ToServer::Connect { session: Some(s), .. })] if *s == session
        ));
    }

    /// A call in flight when the connection drops fails with CONNECTIONLOSS, and a
    /// reconnect refused with SESSIONEXPIRED ends the handle.
    #[test]
    fn connection_loss_then_session_expired() {
        let mut c = Client::new(ClientId(1), vec![ServerId(1), ServerId(2)], 3000, 1);
        c.connect(0);
        c.receive(
            5,
            ServerId(1),
            ToClient::Connected {
                session: SessionId(9),
                timeout_ms: 3000,
            },
        );
        let create = Request::Create {
            path: "/e".into(),
            data: String::new(),
            ephemeral: true,
            sequential: false,
        };
        c.call(6, ReqId(1), create);
        let out = c.receive(7, ServerId(1), ToClient::Closed);
        assert!(
            out.contains(&ClientEffect::Event(ClientEvent::ConnectionLoss {
                req: ReqId(1)
            }))
        );
        c.wake_up(1_000);
        assert_eq!(c.server, Some(ServerId(2)), "the next server");
        let out = c.receive(
            1_009,
            ServerId(2),
            ToClient::Refused {
                why: Refused::SessionExpired,
            },
        );
        assert_eq!(c.state, ClientState::Expired);
        assert!(out.contains(&ClientEffect::Event(ClientEvent::Expired)));
        assert!(!c.is_alive());
    }
}
