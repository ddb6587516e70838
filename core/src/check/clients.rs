//! The client-side invariants C1..C5 (docs/client-model.md; zab-spec.md has none):
//! what ZooKeeper promises the sessions, znodes and watches of its clients.
//!
//! * C1 EphemeralOwnerLive: on every server, an ephemeral znode exists only while its
//!   owner's session is live in that server's database (DataTree.killSession removes
//!   them in the same closeSession txn).
//! * C2 WatchOnce: a watch fires at most once per registration, only at the server it
//!   was left at, and only once that server's own tree shows the change
//!   (WatchManager.triggerWatch from DataTree's apply; DataTree.setWatches).
//! * C3 MonotonicClientView: a client never receives a reply with a zxid below one it
//!   has already seen (ZooKeeperServer.processConnectRequest refuses a server behind it).
//! * C4 SequentialOrder: the names a parent gives sequential znodes are unique and
//!   increasing (PrepRequestProcessor: the parent's cversion, `%010d`).
//! * C5 CallOrder: on one connection, a server answers a client's calls in the order
//!   the client made them (CommitProcessor queues a session's reads behind its
//!   writes; ClientCnxn.readResponse fails with "Xid out of order" otherwise).
//!
//! Its ghost state is built from the trace only: the calls made, the replies and watch
//! events servers sent, connections opened and closed.

use super::{Detail, Inv};
use crate::client::{Answer, ClientEvent, Request, ToClient, ToServer, WatchKind};
use crate::ids::{ClientId, ServerId, Zxid};
use crate::server::ServerEvent;
use crate::sim::{ClientMsg, Sim, TraceEvent, TraceKind};
use crate::tree::{parent_of, EventType, WatchTable};
use crate::txn::{Op, ReqId};
use std::collections::BTreeMap;

/// A watch registration the ghost knows of: (server, client, table, path).
type Reg = (ServerId, ClientId, WatchTable, String);

/// Ghost state of the client invariants.
#[derive(Clone, Debug, Default)]
pub(super) struct Clients {
    /// Every call made, by id (its request decides what a reply means).
    calls: BTreeMap<ReqId, Request>,
    /// Registrations not yet fired, with how many times each was made.
    regs: BTreeMap<Reg, u32>,
    /// The watches each client last asked to re-register on connect.
    resend: BTreeMap<ClientId, Vec<(WatchKind, String)>>,
    /// The newest zxid each client has been told.
    seen: BTreeMap<ClientId, Zxid>,
    /// Watch events sent in this step, checked once the step is over.
    fired: Vec<(ServerId, ClientId, String, EventType)>,
    /// Per server, the txns it applied in this step.
    applied: BTreeMap<ServerId, usize>,
    /// (server, client) sessions resumed in this step (SetWatches may fire at once).
    resumed: Vec<(ServerId, ClientId)>,
    /// Per parent incarnation (path, czxid): the sequential names by zxid.
    seq: BTreeMap<(String, Zxid), BTreeMap<Zxid, String>>,
    /// Per connection (server, client), the newest call answered on it.
    answered: BTreeMap<(ServerId, ClientId), ReqId>,
}

/// A violation found: which invariant, the servers, what broke.
pub(super) type Found = (Inv, Vec<ServerId>, Detail);

fn table_of(kind: WatchKind) -> WatchTable {
    match kind {
        WatchKind::Child => WatchTable::Child,
        WatchKind::Data | WatchKind::Exists => WatchTable::Data,
    }
}

impl Clients {
    /// Feeds one step's events; returns what broke.
    pub(super) fn observe(&mut self, sim: &Sim, events: &[TraceEvent]) -> Vec<Found> {
        let mut out = Vec::new();
        if sim.clients.is_empty() {
            return out;
        }
        for ev in events {
            match &ev.kind {
                TraceKind::ClientCall { req, request, .. } => {
                    self.calls.insert(*req, request.clone());
                }
                TraceKind::ClientMessage { flight } => {
                    let (s, c) = (flight.server, flight.client);
                    match &flight.msg {
                        ClientMsg::ToServer(ToServer::Connect { watches, .. }) => {
                            self.resend.insert(c, watches.clone());
                            // A new connection: its answers are counted afresh.
                            self.answered.remove(&(s, c));
                        }
                        ClientMsg::ToClient(msg) => self.server_sent(sim, s, c, msg, &mut out),
                        ClientMsg::ToServer(_) => {}
                    }
                }
                TraceKind::Client {
                    client,
                    event: ClientEvent::Started { .. },
                } => {
                    // A new handle: its view starts from nothing.
                    self.seen.remove(client);
                }
                TraceKind::Client {
                    client,
                    event: ClientEvent::Answered { zxid, .. },
                } => {
                    let seen = self.seen.entry(*client).or_insert(Zxid::ZERO);
                    if *zxid < *seen {
                        out.push((
                            Inv::C3,
                            Vec::new(),
                            Detail::ViewWentBack {
                                client: *client,
                                zxid: *zxid,
                                seen: *seen,
                            },
                        ));
                    }
                    *seen = (*seen).max(*zxid);
                }
                TraceKind::Crash { server, .. } => self.regs.retain(|(s, ..), _| s != server),
                TraceKind::Server {
                    server,
                    event: ServerEvent::Commit { .. },
                } => *self.applied.entry(*server).or_default() += 1,
                _ => {}
            }
        }
        self.check_fired(sim, &mut out);
        self.check_ephemerals(sim, &mut out);
        out
    }

    fn server_sent(
        &mut self,
        sim: &Sim,
        s: ServerId,
        c: ClientId,
        msg: &ToClient,
        out: &mut Vec<Found>,
    ) {
        match msg {
            ToClient::Reply { req, result, zxid } => {
                let newest = self.answered.entry((s, c)).or_insert(*req);
                if *req < *newest {
                    out.push((
                        Inv::C5,
                        vec![s],
                        Detail::AnsweredOutOfOrder {
                            server: s,
                            client: c,
                            call: *req,
                            later: *newest,
                        },
                    ));
                }
                *newest = (*newest).max(*req);
                // A call is answered once: its request is not needed after this.
                let Some(request) = self.calls.remove(req) else {
                    return;
                };
                let request = &request;
                if let (Some((kind, path)), Ok(_)) = (request.watch(), result) {
                    let reg = (s, c, table_of(kind), path.to_string());
                    *self.regs.entry(reg).or_default() += 1;
                }
                if let (
                    Request::Create {
                        sequential: true, ..
                    },
                    Ok(Answer::Written {
                        created: Some(path),
                    }),
                ) = (request, result)
                {
                    // The reply leaves as the server applies the create, so the
                    // parent it names is the one in that server's tree now.
                    let parent = parent_of(path);
                    let born = sim
                        .server(s)
                        .and_then(|srv| srv.tree.stat(parent))
                        .map_or(Zxid::NONE, |st| st.czxid);
                    self.sequential(s, path, (parent.to_string(), born), *zxid, out);
                }
                if matches!(result, Ok(Answer::Closed)) {
                    self.regs.retain(|(rs, rc, ..), _| !(*rs == s && *rc == c));
                }
            }
            ToClient::Connected { .. } => {
                self.resumed.push((s, c));
                // A resumed session re-registers what the client sent (SetWatches); a
                // watch whose event happened meanwhile fires in the same step.
                for (kind, path) in self.resend.remove(&c).unwrap_or_default() {
                    *self.regs.entry((s, c, table_of(kind), path)).or_default() += 1;
                }
            }
            ToClient::Watch { path, event } => {
                // Which registrations the event uses up. A change's NodeDeleted fires
                // the path's data and child watches as one event (DataTree.deleteNode,
                // WatchManager.triggerWatch's `supress` set). On a resumed session each
                // re-sent watch fires on its own (DataTree.setWatches): NodeDeleted for
                // a child watch or a getData watch of a gone node, never for an exists
                // watch, which is registered instead; so the child one is used first.
                let resumed = self.resumed.contains(&(s, c));
                let (tables, all): (&[WatchTable], bool) = match event {
                    EventType::NodeChildrenChanged => (&[WatchTable::Child], false),
                    EventType::NodeDeleted if resumed => {
                        (&[WatchTable::Child, WatchTable::Data], false)
                    }
                    EventType::NodeDeleted => (&[WatchTable::Data, WatchTable::Child], true),
                    EventType::NodeCreated | EventType::NodeDataChanged => {
                        (&[WatchTable::Data], false)
                    }
                };
                let mut hits = tables.iter().filter_map(|t| {
                    let key = (s, c, *t, path.clone());
                    self.regs.get(&key).filter(|n| **n > 0).map(|_| key)
                });
                let used: Vec<_> = match all {
                    true => hits.collect(),
                    false => hits.next().into_iter().collect(),
                };
                if used.is_empty() {
                    out.push((
                        Inv::C2,
                        vec![s],
                        Detail::WatchNotPending {
                            server: s,
                            client: c,
                            event: *event,
                            path: path.clone(),
                        },
                    ));
                } else {
                    for key in used {
                        if let Some(n) = self.regs.get_mut(&key) {
                            *n -= 1;
                            if *n == 0 {
                                self.regs.remove(&key);
                            }
                        }
                    }
                    self.fired.push((s, c, path.clone(), *event));
                }
            }
            ToClient::Closed | ToClient::Refused { .. } => {
                self.regs.retain(|(rs, rc, ..), _| !(*rs == s && *rc == c));
            }
            ToClient::Pong => {}
        }
    }

    /// C2's second half: a watch fires on a change its server applied in that very
    /// step (a txn on the path, or on a child for NodeChildrenChanged), or when the
    /// session is resumed there (SetWatches).
    fn check_fired(&mut self, sim: &Sim, out: &mut Vec<Found>) {
        let applied = std::mem::take(&mut self.applied);
        let resumed = std::mem::take(&mut self.resumed);
        for (s, c, path, event) in std::mem::take(&mut self.fired) {
            let Some(server) = sim.server(s) else {
                continue;
            };
            let n = applied.get(&s).copied().unwrap_or(0);
            let touches = |op: &Op| {
                let paths: Vec<&str> = match op {
                    Op::CloseSession { deletes, .. } => {
                        deletes.iter().map(String::as_str).collect()
                    }
                    op => op.path().into_iter().collect(),
                };
                paths.iter().any(|p| match event {
                    EventType::NodeChildrenChanged => parent_of(p) == path || *p == path,
                    _ => *p == path,
                })
            };
            let agrees =
                resumed.contains(&(s, c)) || server.tree.applied.newest(n).any(|t| touches(&t.op));
            if !agrees {
                out.push((
                    Inv::C2,
                    vec![s],
                    Detail::WatchWithoutChange {
                        server: s,
                        client: c,
                        event,
                        path,
                    },
                ));
            }
        }
    }

    /// C4: each parent's sequential suffixes only grow (fixed-width, so compared as text).
    fn sequential(
        &mut self,
        s: ServerId,
        path: &str,
        parent: (String, Zxid),
        zxid: Zxid,
        out: &mut Vec<Found>,
    ) {
        // Replies leave as each server applies, so they are seen out of zxid order:
        // compare with the neighbours in zxid order.
        let suffix = path[path.len().saturating_sub(10)..].to_string();
        let names = self.seq.entry(parent.clone()).or_default();
        let before = names.range(..zxid).next_back().map(|(_, s)| s.clone());
        let after = names.range(zxid.next()..).next().map(|(_, s)| s.clone());
        let wrong = before
            .filter(|b| *b >= suffix)
            .or(after.filter(|a| *a <= suffix));
        if let Some(other) = wrong {
            out.push((
                Inv::C4,
                vec![s],
                Detail::SequentialOutOfOrder {
                    path: path.to_string(),
                    zxid,
                    other,
                    parent: parent.0.clone(),
                },
            ));
        }
        names.insert(zxid, suffix);
    }

    /// C1 on every running server.
    fn check_ephemerals(&self, sim: &Sim, out: &mut Vec<Found>) {
        for server in sim.nodes.iter().filter_map(|n| n.server.as_ref()) {
            let orphan = server.tree.stats.iter().find(|(_, st)| {
                st.ephemeral_owner
                    .is_some_and(|o| !server.tree.sessions.contains_key(&o))
            });
            if let Some((path, st)) = orphan {
                let owner = st.ephemeral_owner.unwrap_or_default();
                out.push((
                    Inv::C1,
                    vec![server.id],
                    Detail::EphemeralOrphan {
                        server: server.id,
                        path: path.clone(),
                        owner,
                    },
                ));
            }
        }
    }
}
