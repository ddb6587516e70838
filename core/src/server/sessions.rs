//! A server's side of client sessions: connections, calls, watches, and the leader's
//! session tracker (zab-spec.md has none; ZooKeeper's source decides, as
//! docs/client-model.md records):
//! - connect (ZooKeeperServer.processConnectRequest): refused when not serving or
//!   behind the client's `lastZxidSeen`; a new session is minted here
//!   (`LearnerSessionTracker.createSession` / `SessionTrackerImpl`) and made a
//!   `createSession` txn through the leader, answered once it commits here
//!   (FinalRequestProcessor → `finishSessionInit`); a resumed session is accepted if the
//!   ensemble still has it, its watches re-registered (DataTree.setWatches);
//! - the timeout is clamped to [2, 20] ticks (`minSessionTimeout`, `maxSessionTimeout`);
//! - reads are served from this server's own tree and may leave a watch, once the
//!   session's earlier writes are answered here (CommitProcessor queues a session's
//!   requests behind its pending writes: a session's calls are answered in order);
//!   writes and `close` go to the leader, whose PrepRequestProcessor checks them
//!   ([`Server::prep`]);
//! - activity touches the session: at the leader directly, at a learner in its touch
//!   table, which rides on the next PING to the leader (Learner.ping,
//!   LearnerHandler's PING case);
//! - the leader expires a session not touched within its timeout, in buckets of
//!   tickTime (SessionTrackerImpl with its ExpiryQueue), by a `closeSession` txn that
//!   deletes its ephemerals (PrepRequestProcessor closeSession → CloseSessionTxn);
//! - a server fires a watch when it applies the change (DataTree's WatchManagers,
//!   one-shot), and closes its client connections when it leaves its role.

use super::{Effect, LeaderState, Role, Server, Timer};
use crate::client::{Answer, Refused, Request, ToClient, ToServer, WatchKind};
use crate::ids::{ClientId, SessionId, Time, Zxid};
use crate::packet::QuorumPacket;
use crate::tree::{parent_of, DataTree, EventType, Trigger, WatchTable};
use crate::txn::{ClientTag, ErrorCode, Op, ReqId, Txn};
use std::collections::{BTreeMap, BTreeSet};

/// A client connection at this server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cnxn {
    /// Its session.
    pub session: SessionId,
    /// Whether the session is established (false while its createSession is on its way).
    pub established: bool,
}

/// The watches registered at one server (DataTree's `dataWatches` and `childWatches`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Watches {
    /// Data and exists watches, by path.
    pub data: BTreeMap<String, BTreeSet<ClientId>>,
    /// Child watches, by path.
    pub child: BTreeMap<String, BTreeSet<ClientId>>,
}

impl Watches {
    fn table(&mut self, table: WatchTable) -> &mut BTreeMap<String, BTreeSet<ClientId>> {
        match table {
            WatchTable::Data => &mut self.data,
            WatchTable::Child => &mut self.child,
        }
    }

    fn add(&mut self, table: WatchTable, path: &str, client: ClientId) {
        self.table(table)
            .entry(path.to_string())
            .or_default()
            .insert(client);
    }

    /// Removes and returns the watchers a trigger fires (`triggerWatch`: one-shot).
    fn fire(&mut self, t: &Trigger) -> BTreeSet<ClientId> {
        self.table(t.table).remove(&t.path).unwrap_or_default()
    }

    /// Forgets a client's watches (its connection closed).
    fn remove_client(&mut self, client: ClientId) {
        for table in [&mut self.data, &mut self.child] {
            table.retain(|_, who| {
                who.remove(&client);
                !who.is_empty()
            });
        }
    }

    /// How many (path, client) watches are registered (`zk_watch_count`).
    pub fn count(&self) -> usize {
        self.data
            .values()
            .chain(self.child.values())
            .map(BTreeSet::len)
            .sum()
    }

    /// Whether none is registered.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty() && self.child.is_empty()
    }
}

/// A session the leader tracks (`SessionTrackerImpl.SessionImpl`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tracked {
    /// Its timeout.
    pub timeout_ms: u64,
    /// The expiry bucket it is in.
    pub expires_at: Time,
    /// A closeSession for it is on its way (`isClosing`).
    pub closing: bool,
}

/// `ExpiryQueue.roundToNextInterval`.
fn round_to_next(t: Time, interval: Time) -> Time {
    (t / interval.max(1) + 1) * interval.max(1)
}

impl Server {
    /// The session timeout a server grants: clamped to `[2, 20]` ticks.
    pub fn negotiate_timeout(&self, asked: u64) -> u64 {
        let tick = self.cfg.timing.tick_ms;
        asked.clamp(2 * tick, 20 * tick)
    }

    fn tell_client(&mut self, client: ClientId, msg: ToClient) {
        self.emit(Effect::ToClient { client, msg });
    }

    /// A message from a session client.
    pub(crate) fn on_from_client(&mut self, client: ClientId, msg: ToServer) {
        match msg {
            ToServer::Connect {
                session,
                timeout_ms,
                last_zxid_seen,
                watches,
            } => self.on_connect(client, session, timeout_ms, last_zxid_seen, watches),
            ToServer::Ping => match self.cnxns.get(&client) {
                Some(c) if c.established => {
                    let session = c.session;
                    self.touch(session);
                    self.tell_client(client, ToClient::Pong);
                }
                Some(_) => {}
                None => self.tell_client(client, ToClient::Closed),
            },
            ToServer::Request { req, request } => self.on_call(client, req, request),
        }
    }

    fn on_connect(
        &mut self,
        client: ClientId,
        session: Option<SessionId>,
        asked: u64,
        seen: Zxid,
        watches: Vec<(WatchKind, String)>,
    ) {
        self.drop_cnxn(client);
        let ours = self.tree.last_processed;
        let refused = if !self.is_serving() {
            Some(Refused::NotServing)
        } else if seen > ours {
            Some(Refused::Behind { seen, ours })
        } else {
            None
        };
        if let Some(why) = refused {
            self.tell_client(client, ToClient::Refused { why });
            return;
        }
        match session {
            Some(session) => {
                // reopenSession: the session must still be live in the ensemble.
                let live = self.tree.sessions.get(&session).copied();
                let closing = self
                    .leader()
                    .and_then(|l| l.sessions.get(&session))
                    .is_some_and(|t| t.closing);
                match live {
                    Some(timeout_ms) if !closing => {
                        let cnxn = Cnxn {
                            session,
                            established: true,
                        };
                        self.cnxns.insert(client, cnxn);
                        self.touch(session);
                        let msg = ToClient::Connected {
                            session,
                            timeout_ms,
                        };
                        self.tell_client(client, msg);
                        self.set_watches(client, seen, watches);
                    }
                    _ => {
                        let why = Refused::SessionExpired;
                        self.tell_client(client, ToClient::Refused { why });
                    }
                }
            }
            None => {
                let session = self.next_session;
                self.next_session = SessionId(session.0 + 1);
                let cnxn = Cnxn {
                    session,
                    established: false,
                };
                self.cnxns.insert(client, cnxn);
                let timeout_ms = self.negotiate_timeout(asked);
                let tag = ClientTag {
                    server: self.id,
                    req: ReqId(0),
                    client: Some(client),
                };
                let op = Op::CreateSession {
                    session,
                    timeout_ms,
                };
                self.submit(tag, session, SessionWrite::Txn(op));
            }
        }
    }

    /// DataTree.setWatches: a watch whose event happened since `rel` fires at once,
    /// the others are registered.
    fn set_watches(&mut self, client: ClientId, rel: Zxid, watches: Vec<(WatchKind, String)>) {
        for (kind, path) in watches {
            let stat = self.tree.stat(&path);
            let fired = match (kind, stat) {
                (WatchKind::Data | WatchKind::Child, None) => Some(EventType::NodeDeleted),
                (WatchKind::Data, Some(s)) if s.mzxid > rel => Some(EventType::NodeDataChanged),
                (WatchKind::Child, Some(s)) if s.pzxid > rel => {
                    Some(EventType::NodeChildrenChanged)
                }
                (WatchKind::Exists, Some(_)) => Some(EventType::NodeCreated),
                _ => None,
            };
            match fired {
                Some(event) => self.tell_client(client, ToClient::Watch { path, event }),
                None => {
                    let table = match kind {
                        WatchKind::Child => WatchTable::Child,
                        WatchKind::Data | WatchKind::Exists => WatchTable::Data,
                    };
                    self.watches.add(table, &path, client);
                }
            }
        }
    }

    fn on_call(&mut self, client: ClientId, req: ReqId, request: Request) {
        let Some(cnxn) = self.cnxns.get(&client).copied().filter(|c| c.established) else {
            self.tell_client(client, ToClient::Closed);
            return;
        };
        self.touch(cnxn.session);
        if request.is_write() {
            let tag = ClientTag {
                server: self.id,
                req,
                client: Some(client),
            };
            self.client_pending.insert(req, client);
            self.submit(tag, cnxn.session, SessionWrite::Call(request));
            return;
        }
        // CommitProcessor: a read waits behind the session's earlier writes, so that
        // a session's calls are answered in the order it made them.
        if self.waits_for_a_write(client, req) {
            self.held_reads.push((req, client, request));
            return;
        }
        self.answer_read(client, req, request);
    }

    /// Whether `client` has a write made before call `req` still waiting for its txn
    /// here (calls are numbered in the order they are made).
    fn waits_for_a_write(&self, client: ClientId, req: ReqId) -> bool {
        self.client_pending
            .iter()
            .any(|(r, c)| *c == client && *r < req)
    }

    /// Answers `client`'s held reads that no longer wait for a write, in call order
    /// (CommitProcessor hands a session's queued reads on once its write committed).
    fn release_reads(&mut self, client: ClientId) {
        let held = std::mem::take(&mut self.held_reads);
        for (req, c, request) in held {
            if c == client && !self.waits_for_a_write(c, req) {
                self.answer_read(c, req, request);
            } else {
                self.held_reads.push((req, c, request));
            }
        }
    }

    /// FinalRequestProcessor: a read is answered from this server's tree, and may
    /// leave a watch.
    fn answer_read(&mut self, client: ClientId, req: ReqId, request: Request) {
        let tree = &self.tree;
        let result = match &request {
            Request::GetData { path, .. } => match (tree.nodes.get(path), tree.stat(path)) {
                (Some(data), Some(stat)) => Ok(Answer::Data {
                    data: data.clone(),
                    version: stat.version,
                }),
                _ => Err(ErrorCode::NoNode),
            },
            Request::Exists { path, .. } => Ok(Answer::Exists {
                exists: tree.exists(path),
            }),
            Request::GetChildren { path, .. } if tree.exists(path) => Ok(Answer::Children {
                names: tree.children(path),
            }),
            _ => Err(ErrorCode::NoNode),
        };
        if let Some((kind, path)) = request.watch() {
            // getData and getChildren leave no watch on a missing znode; exists does.
            if result.is_ok() {
                let table = match kind {
                    WatchKind::Child => WatchTable::Child,
                    _ => WatchTable::Data,
                };
                self.watches.add(table, path, client);
            }
        }
        let zxid = self.tree.last_processed;
        self.tell_client(client, ToClient::Reply { req, zxid, result });
    }

    /// Sends a session write to the leader's pipeline (here, if this is the leader).
    fn submit(&mut self, tag: ClientTag, session: SessionId, write: SessionWrite) {
        if matches!(self.role, Role::Leading(_)) {
            self.with_leader(|s, l| s.leader_session_write(l, tag, session, write));
            return;
        }
        let packet = match write {
            SessionWrite::Call(request) => QuorumPacket::SessionRequest {
                tag,
                session,
                request,
            },
            // createSession travels as the txn the client's server prepared.
            SessionWrite::Txn(op) => QuorumPacket::Request { tag, op },
        };
        self.with_learner(|s, l| s.send_to_leader(l, packet));
    }

    /// The leader takes a session write: it checks it and proposes its txn.
    pub(crate) fn leader_session_write(
        &mut self,
        l: &mut LeaderState,
        tag: ClientTag,
        session: SessionId,
        write: SessionWrite,
    ) {
        if l.stage != super::LeaderStage::Broadcast {
            return;
        }
        let op = match write {
            SessionWrite::Txn(op) => op,
            SessionWrite::Call(request) => self.prep(l, session, &request),
        };
        if let Op::CreateSession {
            session,
            timeout_ms,
        } = op
        {
            // PrepRequestProcessor createSession: trackSession.
            let expires_at = round_to_next(self.now() + timeout_ms, self.cfg.timing.tick_ms);
            let t = Tracked {
                timeout_ms,
                expires_at,
                closing: false,
            };
            l.sessions.insert(session, t);
            self.arm_expiry(l);
        }
        if let Op::CloseSession { session, .. } = &op {
            if let Some(t) = l.sessions.get_mut(session) {
                t.closing = true;
            }
        }
        self.propose(l, op, Some(tag));
    }

    /// PrepRequestProcessor: the checks a session call passes before it becomes a txn,
    /// made against the tree with every outstanding proposal applied
    /// (`outstandingChanges`); a failed check is an error txn.
    pub(crate) fn prep(&self, l: &LeaderState, session: SessionId, request: &Request) -> Op {
        let live = l.sessions.get(&session).is_some_and(|t| !t.closing);
        if !live {
            return Op::Error {
                code: ErrorCode::SessionExpired,
            };
        }
        let mut view: DataTree = self.tree.clone();
        for p in l.outstanding.values() {
            view.apply(&p.txn);
        }
        let check = |request: &Request| -> Result<Op, ErrorCode> {
            match request {
                Request::Create {
                    path,
                    data,
                    ephemeral,
                    sequential,
                } => {
                    let parent = view.stat(parent_of(path)).ok_or(ErrorCode::NoNode)?;
                    if parent.ephemeral_owner.is_some() {
                        return Err(ErrorCode::NoChildrenForEphemerals);
                    }
                    let path = match sequential {
                        true => format!("{path}{:010}", parent.cversion),
                        false => path.clone(),
                    };
                    if view.exists(&path) {
                        return Err(ErrorCode::NodeExists);
                    }
                    Ok(Op::Create {
                        path,
                        data: data.clone(),
                        ephemeral_owner: ephemeral.then_some(session),
                    })
                }
                Request::Delete { path, version } => {
                    let stat = view.stat(path).ok_or(ErrorCode::NoNode)?;
                    if version.is_some_and(|v| v != stat.version) {
                        return Err(ErrorCode::BadVersion);
                    }
                    if !view.children(path).is_empty() {
                        return Err(ErrorCode::NotEmpty);
                    }
                    Ok(Op::Delete { path: path.clone() })
                }
                Request::SetData {
                    path,
                    data,
                    version,
                } => {
                    let stat = view.stat(path).ok_or(ErrorCode::NoNode)?;
                    if version.is_some_and(|v| v != stat.version) {
                        return Err(ErrorCode::BadVersion);
                    }
                    Ok(Op::Set {
                        path: path.clone(),
                        data: data.clone(),
                    })
                }
                Request::Close => Ok(Op::CloseSession {
                    session,
                    deletes: view.ephemerals_of(session),
                }),
                Request::GetData { .. } | Request::Exists { .. } | Request::GetChildren { .. } => {
                    Err(ErrorCode::NoNode)
                }
            }
        };
        check(request).unwrap_or_else(|code| Op::Error { code })
    }

    /// Activity in a session: the leader moves its expiry, a learner notes it for the
    /// next PING.
    fn touch(&mut self, session: SessionId) {
        if matches!(self.role, Role::Leading(_)) {
            self.with_leader(|s, l| s.touch_at_leader(l, session));
        } else if let Some(timeout) = self.tree.sessions.get(&session).copied() {
            self.touches.insert(session, timeout);
        }
    }

    /// `SessionTrackerImpl.touchSession`: a live, not closing session moves to the
    /// bucket after now + its timeout.
    pub(crate) fn touch_at_leader(&mut self, l: &mut LeaderState, session: SessionId) {
        let now = self.now();
        let tick = self.cfg.timing.tick_ms;
        if let Some(t) = l.sessions.get_mut(&session).filter(|t| !t.closing) {
            t.expires_at = round_to_next(now + t.timeout_ms, tick);
        }
    }

    /// The learner's touch table, emptied into the PING it answers with.
    pub(crate) fn take_touches(&mut self) -> Vec<(SessionId, u64)> {
        std::mem::take(&mut self.touches).into_iter().collect()
    }

    /// The leader starts tracking every session its database holds, each with a fresh
    /// timeout (LeaderZooKeeperServer.createSessionTracker).
    pub(crate) fn start_session_tracker(&mut self, l: &mut LeaderState) {
        let now = self.now();
        let tick = self.cfg.timing.tick_ms;
        l.sessions = self
            .tree
            .sessions
            .iter()
            .map(|(s, t)| {
                let tracked = Tracked {
                    timeout_ms: *t,
                    expires_at: round_to_next(now + t, tick),
                    closing: false,
                };
                (*s, tracked)
            })
            .collect();
        self.arm_expiry(l);
    }

    /// Sets the expiry timer for the earliest bucket, if any session is tracked.
    fn arm_expiry(&mut self, l: &LeaderState) {
        let next = l
            .sessions
            .values()
            .filter(|t| !t.closing)
            .map(|t| t.expires_at)
            .min();
        if let Some(at) = next {
            self.set_timer(Timer::SessionExpiry, at.saturating_sub(self.now()).max(1));
        }
    }

    /// The expiry bucket is due: every session in it is closed by the leader.
    pub(crate) fn session_expiry(&mut self, l: &mut LeaderState) {
        let now = self.now();
        let due: Vec<SessionId> = l
            .sessions
            .iter()
            .filter(|(_, t)| !t.closing && t.expires_at <= now)
            .map(|(s, _)| *s)
            .collect();
        for session in due {
            self.event(super::ServerEvent::SessionExpired { session });
            let tag = ClientTag {
                server: self.id,
                req: ReqId(0),
                client: None,
            };
            let op = self.prep(l, session, &Request::Close);
            self.leader_session_write(l, tag, session, SessionWrite::Txn(op));
        }
        self.arm_expiry(l);
    }

    /// After a committed txn is applied here: session bookkeeping, the answer to a
    /// session client connected here, and the watches it fires (`triggers` were
    /// computed on the tree before the txn).
    pub(crate) fn session_applied(&mut self, txn: &Txn, triggers: Vec<Trigger>) {
        // DataTree.deleteNode fires the path's data watches, then its child watches
        // with the first call's watchers suppressed (WatchManager.triggerWatch's
        // `supress` set): a client watching both gets one NodeDeleted.
        let mut deleted_for: BTreeSet<(ClientId, &str)> = BTreeSet::new();
        for t in &triggers {
            for client in self.watches.fire(t) {
                if t.event == EventType::NodeDeleted && !deleted_for.insert((client, &t.path)) {
                    continue;
                }
                let msg = ToClient::Watch {
                    path: t.path.clone(),
                    event: t.event,
                };
                self.tell_client(client, msg);
            }
        }
        let mine = txn
            .origin
            .filter(|tag| tag.server == self.id)
            .and_then(|tag| tag.client.map(|c| (c, tag.req)));
        match &txn.op {
            Op::CreateSession {
                session,
                timeout_ms,
            } => {
                let waiting = self
                    .cnxns
                    .iter_mut()
                    .find(|(_, c)| c.session == *session && !c.established);
                if let Some((client, cnxn)) = waiting {
                    cnxn.established = true;
                    let client = *client;
                    let msg = ToClient::Connected {
                        session: *session,
                        timeout_ms: *timeout_ms,
                    };
                    self.tell_client(client, msg);
                }
            }
            Op::CloseSession { session, .. } => {
                if let Role::Leading(l) = &mut self.role {
                    l.sessions.remove(session);
                }
                let asked =
                    mine.and_then(|(c, req)| self.client_pending.remove(&req).map(|_| (c, req)));
                if let Some((client, req)) = asked {
                    let msg = ToClient::Reply {
                        req,
                        zxid: txn.zxid,
                        result: Ok(Answer::Closed),
                    };
                    self.tell_client(client, msg);
                    self.release_reads(client);
                }
                let gone: Vec<ClientId> = self
                    .cnxns
                    .iter()
                    .filter(|(_, c)| c.session == *session)
                    .map(|(c, _)| *c)
                    .collect();
                for client in gone {
                    self.drop_cnxn(client);
                    if asked.map(|(c, _)| c) != Some(client) {
                        self.tell_client(client, ToClient::Closed);
                    }
                }
            }
            op => {
                if let Some((client, req)) = mine {
                    if self.client_pending.remove(&req).is_some() {
                        let result = match op {
                            Op::Error { code } => Err(*code),
                            Op::Create { path, .. } => Ok(Answer::Written {
                                created: Some(path.clone()),
                            }),
                            _ => Ok(Answer::Written { created: None }),
                        };
                        let msg = ToClient::Reply {
                            req,
                            zxid: txn.zxid,
                            result,
                        };
                        self.tell_client(client, msg);
                        self.release_reads(client);
                    }
                }
            }
        }
    }

    fn drop_cnxn(&mut self, client: ClientId) {
        if self.cnxns.remove(&client).is_some() {
            self.watches.remove_client(client);
        }
        // Its answers would have gone on this connection: they go with it.
        self.held_reads.retain(|(_, c, _)| *c != client);
        self.client_pending.retain(|_, c| *c != client);
    }

    /// The server stops serving (it left its role): every client connection closes,
    /// with its watches and waiting calls; the clients will reconnect.
    pub(crate) fn close_client_connections(&mut self) {
        let clients: Vec<ClientId> = self.cnxns.keys().copied().collect();
        for client in clients {
            self.tell_client(client, ToClient::Closed);
        }
        self.cnxns.clear();
        self.watches = Watches::default();
        self.touches.clear();
        self.client_pending.clear();
        self.held_reads.clear();
    }
}

/// A write on its way to the leader from a session client.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SessionWrite {
    /// A call the leader checks (PrepRequestProcessor).
    Call(Request),
    /// A txn already made: createSession from the server the client connected to,
    /// closeSession from the leader's expiry.
    Txn(Op),
}
