//! Client sessions, ephemeral and sequential znodes and watches on the simulator.
//! zab-spec.md has no client model: each test names the ZooKeeper 3.8 source it
//! checks (docs/client-model.md lists them).

use zab_core::client::{Answer, ClientEvent, ClientState, Refused, Request, ToClient, ToServer};
use zab_core::server::{Ctx, Effect, Input, ServerEvent};
use zab_core::sim::{Action, Sim, TraceKind};
use zab_core::txn::{ErrorCode, Op};
use zab_core::{ClientId, Config, ServerId, SessionId, Zxid};

const C1: ClientId = ClientId(1);
const C2: ClientId = ClientId(2);

/// A 3-server cluster with a leader in BROADCAST and every follower synced.
fn cluster(seed: u64) -> Sim {
    let mut sim = Sim::new(Config::new(3, 0), seed, &[]);
    sim.run_until(3_000);
    assert!(sim.leader().is_some(), "seed {seed}: no leader by 3 s");
    sim
}

fn leader(sim: &Sim) -> ServerId {
    sim.leader().expect("a leader")
}

fn follower(sim: &Sim) -> ServerId {
    let l = leader(sim);
    (1..=3).map(ServerId).find(|s| *s != l).unwrap()
}

fn connect(sim: &mut Sim, client: ClientId, servers: Vec<ServerId>, timeout_ms: u64) {
    sim.intervene(Action::Connect {
        client,
        servers,
        timeout_ms,
    });
}

fn call(sim: &mut Sim, client: ClientId, request: Request) {
    sim.intervene(Action::Call { client, request });
}

fn run_for(sim: &mut Sim, ms: u64) {
    let t = sim.now + ms;
    sim.run_until(t);
}

fn create(path: &str, ephemeral: bool, sequential: bool) -> Request {
    Request::Create {
        path: path.into(),
        data: "x".into(),
        ephemeral,
        sequential,
    }
}

/// The client's session (it must be connected).
fn session(sim: &Sim, client: ClientId) -> SessionId {
    let c = sim.client(client).expect("client exists");
    assert_eq!(c.state, ClientState::Connected, "{client} not connected");
    c.session.expect("a session")
}

fn last_outcome(sim: &Sim) -> Option<ClientEvent> {
    sim.calls.last().and_then(|c| c.outcome.clone())
}

/// ZooKeeperServer.processConnectRequest + LearnerSessionTracker.createSession: the
/// server the client connects to mints the id (its myid in the top byte,
/// SessionTrackerImpl.initializeNextSessionId) and forwards createSession to the
/// leader; PrepRequestProcessor tracks it there; the txn is committed and applied on
/// every server (ZKDatabase.sessionsWithTimeouts), and the client is answered once its
/// server applied it (FinalRequestProcessor → finishSessionInit).
#[test]
fn a_session_is_a_txn_through_the_leader() {
    let mut sim = cluster(1);
    let f = follower(&sim);
    connect(&mut sim, C1, vec![f], 3_000);
    run_for(&mut sim, 500);
    let s = session(&sim, C1);
    assert_eq!(s.0 >> 56, f.0 as u64, "minted by the client's server");
    for id in 1..=3 {
        let server = sim.server(ServerId(id)).unwrap();
        assert_eq!(
            server.tree.sessions.get(&s),
            Some(&3_000),
            "server {id} knows the session"
        );
        assert!(server
            .tree
            .applied
            .to_vec()
            .iter()
            .any(|t| matches!(t.op, Op::CreateSession { session, .. } if session == s)));
    }
    let l = sim.server(leader(&sim)).unwrap().leader().unwrap();
    assert!(l.sessions.contains_key(&s), "the leader's tracker has it");
}

/// ZooKeeperServer.processConnectRequest: the timeout is clamped to
/// [minSessionTimeout, maxSessionTimeout] = [2, 20] ticks (tickTime 200 ms here).
#[test]
fn the_timeout_is_clamped_to_two_to_twenty_ticks() {
    let mut sim = cluster(2);
    let l = leader(&sim);
    connect(&mut sim, C1, vec![l], 100);
    connect(&mut sim, C2, vec![l], 100_000);
    run_for(&mut sim, 500);
    assert_eq!(sim.client(C1).unwrap().timeout_ms, 400);
    assert_eq!(sim.client(C2).unwrap().timeout_ms, 4_000);
}

/// Learner.ping + LearnerHandler (PING case): a follower's clients touch their
/// sessions there, and the touch table rides on the follower's PING reply, so the
/// leader (which never hears from the client) keeps the session alive.
#[test]
fn pings_through_a_follower_keep_a_session_alive() {
    let mut sim = cluster(3);
    let f = follower(&sim);
    connect(&mut sim, C1, vec![f], 1_000);
    run_for(&mut sim, 300);
    let s = session(&sim, C1);
    run_for(&mut sim, 10_000);
    assert_eq!(session(&sim, C1), s);
    let l = leader(&sim);
    assert!(sim.server(l).unwrap().tree.sessions.contains_key(&s));
}

/// SessionTrackerImpl.run / ExpiryQueue + PrepRequestProcessor closeSession: a session
/// not touched within its timeout is expired by the leader with a closeSession txn
/// whose paths2Delete are its ephemerals (DataTree.killSession), on every server; a
/// client that comes back is told SESSIONEXPIRED and its handle ends.
#[test]
fn a_silent_session_expires_through_the_leader_with_its_ephemerals() {
    let mut sim = cluster(4);
    let f = follower(&sim);
    connect(&mut sim, C1, vec![f], 1_000);
    run_for(&mut sim, 300);
    call(&mut sim, C1, create("/e", true, false));
    run_for(&mut sim, 300);
    let s = session(&sim, C1);
    for id in 1..=3 {
        let tree = &sim.server(ServerId(id)).unwrap().tree;
        assert_eq!(tree.ephemerals_of(s), ["/e"], "server {id}");
    }
    sim.intervene(Action::CutClient { client: C1 });
    run_for(&mut sim, 2_500);
    for id in 1..=3 {
        let tree = &sim.server(ServerId(id)).unwrap().tree;
        assert!(!tree.exists("/e"), "server {id} removed the ephemeral");
        assert!(!tree.sessions.contains_key(&s), "server {id} forgot it");
    }
    let l = leader(&sim);
    let expired = sim.take_trace().iter().any(|e| {
        matches!(&e.kind, TraceKind::Server { server, event: ServerEvent::SessionExpired { session } }
            if *server == l && *session == s)
    });
    assert!(expired, "the leader expired it");
    sim.intervene(Action::HealClient { client: C1 });
    run_for(&mut sim, 2_000);
    assert_eq!(sim.client(C1).unwrap().state, ClientState::Expired);
}

/// ClientCnxn + StaticHostProvider: when its server crashes the client moves to the
/// next server of its connect string within the timeout and resumes the same session
/// (reopenSession), so its ephemeral stays.
#[test]
fn a_crash_moves_the_client_and_keeps_its_session() {
    let mut sim = cluster(5);
    let l = leader(&sim);
    let f = follower(&sim);
    connect(&mut sim, C1, vec![f, l], 3_000);
    run_for(&mut sim, 300);
    call(&mut sim, C1, create("/e", true, false));
    run_for(&mut sim, 300);
    let s = session(&sim, C1);
    sim.intervene(Action::Crash { server: f });
    run_for(&mut sim, 1_000);
    let c = sim.client(C1).unwrap();
    assert_eq!(c.server, Some(l), "moved to the next server");
    assert_eq!(session(&sim, C1), s, "same session");
    assert!(sim.server(l).unwrap().tree.exists("/e"));
}

/// ZooKeeperServer.processConnectRequest: "Refusing session request for client … as
/// it has seen zxid … our last zxid is …": a server behind the client's lastZxidSeen
/// refuses it, so the client's view never goes back in time.
#[test]
fn a_server_behind_the_client_refuses_it() {
    let sim = cluster(6);
    let f = follower(&sim);
    let mut server = sim.server(f).unwrap().clone();
    let ours = server.tree.last_processed;
    let seen = Zxid(ours.0 + 5);
    let effects = server.handle(
        Ctx {
            now: sim.now,
            roll: 0,
        },
        Input::FromClient {
            client: C1,
            msg: ToServer::Connect {
                session: Some(SessionId(1)),
                timeout_ms: 3_000,
                last_zxid_seen: seen,
                watches: Vec::new(),
            },
        },
    );
    let refused = ToClient::Refused {
        why: Refused::Behind { seen, ours },
    };
    assert!(effects.iter().any(
        |e| matches!(e, Effect::ToClient { client, msg } if *client == C1 && *msg == refused)
    ));
}

/// PrepRequestProcessor (create, sequential): the suffix is the parent's cversion at
/// prep time, `%010d`, so two clients' sequential creates get distinct, increasing
/// names; an ephemeral's owner is the creating session.
#[test]
fn sequential_names_come_from_the_parents_cversion() {
    let mut sim = cluster(7);
    let l = leader(&sim);
    let f = follower(&sim);
    connect(&mut sim, C1, vec![l], 3_000);
    connect(&mut sim, C2, vec![f], 3_000);
    run_for(&mut sim, 300);
    call(&mut sim, C1, create("/lock", false, false));
    run_for(&mut sim, 200);
    call(&mut sim, C1, create("/lock/n-", true, true));
    call(&mut sim, C2, create("/lock/n-", true, true));
    run_for(&mut sim, 300);
    let created: Vec<Option<String>> = sim
        .calls
        .iter()
        .skip(1)
        .map(|c| match &c.outcome {
            Some(ClientEvent::Answered {
                result: Ok(Answer::Written { created }),
                ..
            }) => created.clone(),
            other => panic!("call {:?}: {other:?}", c.req),
        })
        .collect();
    assert_eq!(
        created,
        [
            Some("/lock/n-0000000000".to_string()),
            Some("/lock/n-0000000001".to_string())
        ]
    );
    let tree = &sim.server(l).unwrap().tree;
    assert_eq!(tree.children("/lock"), ["n-0000000000", "n-0000000001"]);
    assert_eq!(
        tree.stat("/lock/n-0000000001").unwrap().ephemeral_owner,
        Some(session(&sim, C2))
    );
}

/// PrepRequestProcessor.checkAndIncVersion: a setData with the wrong version fails
/// with BADVERSION, and the failure is an error txn that still takes a zxid (ErrorTxn).
#[test]
fn a_wrong_version_is_an_error_txn() {
    let mut sim = cluster(8);
    let l = leader(&sim);
    connect(&mut sim, C1, vec![l], 3_000);
    run_for(&mut sim, 300);
    call(&mut sim, C1, create("/v", false, false));
    run_for(&mut sim, 200);
    let before = sim.server(l).unwrap().tree.last_processed;
    call(
        &mut sim,
        C1,
        Request::SetData {
            path: "/v".into(),
            data: "y".into(),
            version: Some(7),
        },
    );
    run_for(&mut sim, 200);
    assert!(matches!(
        last_outcome(&sim),
        Some(ClientEvent::Answered { result: Err(ErrorCode::BadVersion), zxid, .. }) if zxid == before.next()
    ));
    let tree = &sim.server(l).unwrap().tree;
    assert_eq!(tree.nodes.get("/v").map(String::as_str), Some("x"));
    assert_eq!(tree.last_processed, before.next());
}

/// DataTree.setData → WatchManager.triggerWatch: a data watch left by getData at a
/// follower fires there, once, when that follower applies the change; a second change
/// fires nothing (watches are one-shot).
#[test]
fn a_watch_fires_once_where_it_was_left() {
    let mut sim = cluster(9);
    let l = leader(&sim);
    let f = follower(&sim);
    connect(&mut sim, C1, vec![f], 3_000);
    connect(&mut sim, C2, vec![l], 3_000);
    run_for(&mut sim, 300);
    call(&mut sim, C2, create("/config", false, false));
    run_for(&mut sim, 200);
    call(
        &mut sim,
        C1,
        Request::GetData {
            path: "/config".into(),
            watch: true,
        },
    );
    run_for(&mut sim, 100);
    assert_eq!(sim.server(f).unwrap().watches.count(), 1);
    sim.take_trace();
    let set = |v: &str| Request::SetData {
        path: "/config".into(),
        data: v.into(),
        version: None,
    };
    call(&mut sim, C2, set("2"));
    run_for(&mut sim, 300);
    call(&mut sim, C2, set("3"));
    run_for(&mut sim, 300);
    let fired: Vec<_> = sim
        .take_trace()
        .into_iter()
        .filter(|e| {
            matches!(&e.kind, TraceKind::Client { client, event: ClientEvent::WatchFired { .. } } if *client == C1)
        })
        .collect();
    assert_eq!(fired.len(), 1, "one-shot: {fired:?}");
    assert_eq!(sim.server(f).unwrap().watches.count(), 0);
    assert!(sim.client(C1).unwrap().watches.is_empty());
}

/// ClientCnxn: a call in flight when the connection drops fails with CONNECTIONLOSS;
/// its txn may still commit (here the leader had it), so the client does not know
/// the outcome until it reads.
#[test]
fn a_write_lost_with_the_connection_has_an_unknown_outcome() {
    let mut sim = cluster(10);
    let l = leader(&sim);
    let f = follower(&sim);
    connect(&mut sim, C1, vec![f, l], 3_000);
    run_for(&mut sim, 300);
    call(&mut sim, C1, create("/w", false, false));
    // Long enough for the REQUEST to reach the leader, too short for the reply.
    let mut reached = false;
    for _ in 0..200 {
        sim.step();
        if sim.server(l).unwrap().tree.exists("/w")
            || sim
                .server(l)
                .unwrap()
                .leader()
                .is_some_and(|ls| !ls.outstanding.is_empty())
        {
            reached = true;
            break;
        }
    }
    assert!(reached, "the leader got the write");
    sim.intervene(Action::Crash { server: f });
    run_for(&mut sim, 1_000);
    assert!(matches!(
        sim.calls.last().unwrap().outcome,
        Some(ClientEvent::ConnectionLoss { .. })
    ));
    assert!(sim.server(l).unwrap().tree.exists("/w"), "it committed");
}

// ---- the client invariants C1..C4 (core/src/check/clients.rs), each broken by a
// ---- mutation of the simulated state ---------------------------------------------

use zab_core::check::{Checker, Violation};

/// Runs `sim` to `t` with the checker watching every step.
fn checked_until(sim: &mut Sim, ck: &mut Checker, t: u64) -> Vec<Violation> {
    let events = sim.take_trace();
    let mut found = ck.observe(sim, &events);
    while sim.next_time().is_some_and(|n| n <= t) {
        sim.step();
        let events = sim.take_trace();
        found.extend(ck.observe(sim, &events));
    }
    found
}

fn act_checked(sim: &mut Sim, ck: &mut Checker, a: Action) -> Vec<Violation> {
    sim.intervene(a);
    let events = sim.take_trace();
    ck.observe(sim, &events)
}

fn ids(found: &[Violation]) -> Vec<&str> {
    found.iter().map(|v| v.invariant.as_str()).collect()
}

/// A checked cluster with client 1 on a follower and client 2 on the leader.
fn checked_cluster(seed: u64) -> (Sim, Checker, ServerId, ServerId) {
    let mut sim = Sim::new(Config::new(3, 0), seed, &[]);
    let mut ck = Checker::new(&sim.cfg);
    assert!(ids(&checked_until(&mut sim, &mut ck, 3_000)).is_empty());
    let (l, f) = (leader(&sim), follower(&sim));
    let mut found = act_checked(
        &mut sim,
        &mut ck,
        Action::Connect {
            client: C1,
            servers: vec![f],
            timeout_ms: 3_000,
        },
    );
    found.extend(act_checked(
        &mut sim,
        &mut ck,
        Action::Connect {
            client: C2,
            servers: vec![l],
            timeout_ms: 3_000,
        },
    ));
    let t = sim.now + 300;
    found.extend(checked_until(&mut sim, &mut ck, t));
    assert!(ids(&found).is_empty(), "clean so far: {found:?}");
    (sim, ck, l, f)
}

fn call_checked(
    sim: &mut Sim,
    ck: &mut Checker,
    client: ClientId,
    request: Request,
) -> Vec<Violation> {
    let mut found = act_checked(sim, ck, Action::Call { client, request });
    let t = sim.now + 300;
    found.extend(checked_until(sim, ck, t));
    found
}

/// C1 EphemeralOwnerLive (DataTree.killSession): a server that forgot a session but
/// kept its ephemeral znode is caught.
#[test]
fn c1_catches_an_ephemeral_without_its_session() {
    let (mut sim, mut ck, _, f) = checked_cluster(11);
    let found = call_checked(&mut sim, &mut ck, C1, create("/e", true, false));
    assert!(ids(&found).is_empty(), "{found:?}");
    let i = (f.0 - 1) as usize;
    sim.nodes[i].server.as_mut().unwrap().tree.sessions.clear();
    let t = sim.now + 50;
    let found = checked_until(&mut sim, &mut ck, t);
    assert_eq!(ids(&found), ["C1"]);
    assert_eq!(found[0].servers, [f]);
}

/// C2 WatchOnce (WatchManager.triggerWatch removes the watchers it fires): a server
/// that keeps a fired watch fires it again on the next change, and is caught.
#[test]
fn c2_catches_a_watch_that_fires_twice() {
    let (mut sim, mut ck, _, f) = checked_cluster(12);
    let mut found = call_checked(&mut sim, &mut ck, C2, create("/config", false, false));
    let get = Request::GetData {
        path: "/config".into(),
        watch: true,
    };
    found.extend(call_checked(&mut sim, &mut ck, C1, get));
    let set = |v: &str| Request::SetData {
        path: "/config".into(),
        data: v.into(),
        version: None,
    };
    found.extend(call_checked(&mut sim, &mut ck, C2, set("2")));
    assert!(ids(&found).is_empty(), "one firing is legal: {found:?}");
    let i = (f.0 - 1) as usize;
    let w = &mut sim.nodes[i].server.as_mut().unwrap().watches;
    w.data.entry("/config".into()).or_default().insert(C1);
    let found = call_checked(&mut sim, &mut ck, C2, set("3"));
    assert_eq!(ids(&found), ["C2"]);
}

/// C3 MonotonicClientView (processConnectRequest's lastZxidSeen check): a server whose
/// tree went back answers a read with an older zxid than the client has seen.
#[test]
fn c3_catches_a_client_view_going_back() {
    let (mut sim, mut ck, _, f) = checked_cluster(13);
    let found = call_checked(&mut sim, &mut ck, C1, create("/a", false, false));
    assert!(ids(&found).is_empty(), "{found:?}");
    let i = (f.0 - 1) as usize;
    sim.nodes[i].server.as_mut().unwrap().tree.last_processed = Zxid::ZERO;
    let read = Request::Exists {
        path: "/a".into(),
        watch: false,
    };
    let found = call_checked(&mut sim, &mut ck, C1, read);
    assert!(ids(&found).contains(&"C3"), "{found:?}");
}

/// C4 SequentialOrder (PrepRequestProcessor names from the parent's cversion): a leader
/// whose parent counter went back hands out a name it gave before.
#[test]
fn c4_catches_a_sequential_name_reused() {
    let (mut sim, mut ck, l, _) = checked_cluster(14);
    let mut found = call_checked(&mut sim, &mut ck, C2, create("/q", false, false));
    found.extend(call_checked(
        &mut sim,
        &mut ck,
        C2,
        create("/q/n-", false, true),
    ));
    let del = Request::Delete {
        path: "/q/n-0000000000".into(),
        version: None,
    };
    found.extend(call_checked(&mut sim, &mut ck, C2, del));
    assert!(ids(&found).is_empty(), "{found:?}");
    let i = (l.0 - 1) as usize;
    let tree = &mut sim.nodes[i].server.as_mut().unwrap().tree;
    tree.stats.get_mut("/q").unwrap().cversion = 0;
    let found = call_checked(&mut sim, &mut ck, C2, create("/q/n-", false, true));
    assert_eq!(ids(&found), ["C4"]);
}

/// Issue 15 item 7, ZAB's recovery (spec §7-§8: a new leader's initial history holds
/// every txn a quorum logged) seen by a client (ClientCnxn: CONNECTIONLOSS): a write
/// whose server crashes after its PROPOSAL reached the followers is unknown to the
/// client, then known committed once the next leader establishes epoch 2 with it.
#[test]
fn a_write_lost_with_its_leader_is_unknown_then_learnt_committed() {
    use zab_core::server::{CrashPoint, WriteFailure, WriteResult};
    let mut sim = cluster(15);
    let l = leader(&sim);
    sim.intervene(Action::CrashAt {
        server: l,
        point: CrashPoint::LeaderAfterPropose,
    });
    sim.intervene(Action::Write {
        server: l,
        op: Op::create("/w1", "1"),
    });
    let w = sim.writes.values().last().unwrap().clone();
    assert_eq!(
        w.result,
        Some(WriteResult::Unknown {
            reason: WriteFailure::Crashed { server: l }
        }),
        "the client only saw its connection drop"
    );
    sim.take_trace();
    run_for(&mut sim, 3_000);
    let learnt = sim.take_trace().into_iter().find_map(|e| match e.kind {
        TraceKind::WriteLearnt { req, result, .. } if req == w.req => Some(result),
        _ => None,
    });
    let Some(WriteResult::Committed { zxid }) = learnt else {
        panic!("not learnt committed: {learnt:?}");
    };
    assert_eq!(zxid.epoch().0, 1, "the epoch-1 txn");
    let new = leader(&sim);
    assert!(sim.server(new).unwrap().current_epoch().0 >= 2);
    assert!(sim.server(new).unwrap().tree.exists("/w1"));
}

/// CommitProcessor (a session's reads wait in its queue behind its pending writes) and
/// C5 CallOrder (ClientCnxn.readResponse: "Xid out of order"): a client on a follower
/// creates /a and at once asks whether /a exists; the answer comes after the create's
/// and sees it. A server that answers the earlier call again after the later one is
/// caught.
#[test]
fn a_read_waits_behind_its_sessions_write_and_c5_catches_answers_out_of_order() {
    use zab_core::sim::ClientMsg;
    let (mut sim, mut ck, _, _) = checked_cluster(16);
    sim.intervene(Action::Call {
        client: C1,
        request: create("/a", false, false),
    });
    let exists = Request::Exists {
        path: "/a".into(),
        watch: false,
    };
    sim.intervene(Action::Call {
        client: C1,
        request: exists,
    });
    let events = sim.take_trace();
    let mut found = ck.observe(&sim, &events);
    let mut replies = Vec::new();
    let t = sim.now + 300;
    while sim.next_time().is_some_and(|n| n <= t) {
        sim.step();
        let events = sim.take_trace();
        replies.extend(events.iter().filter_map(|e| match &e.kind {
            TraceKind::ClientMessage { flight } => match &flight.msg {
                ClientMsg::ToClient(ToClient::Reply { req, zxid, result }) => {
                    Some((e.clone(), *req, *zxid, result.clone()))
                }
                _ => None,
            },
            _ => None,
        }));
        found.extend(ck.observe(&sim, &events));
    }
    assert!(ids(&found).is_empty(), "{found:?}");
    let [(create_reply, first, created_at, _), (_, second, read_at, read)] = &replies[..] else {
        panic!("two replies: {replies:?}");
    };
    assert!(first < second, "answered in call order");
    assert_eq!(
        *read,
        Ok(Answer::Exists { exists: true }),
        "the read sees the write"
    );
    assert!(read_at >= created_at);
    let found = ck.observe(&sim, std::slice::from_ref(create_reply));
    assert_eq!(ids(&found), ["C5"]);
}

/// Steps `sim` for `ms` with the checker watching, collecting what it finds into
/// `found`; returns the trace of those steps.
fn checked_events(
    sim: &mut Sim,
    ck: &mut Checker,
    ms: u64,
    found: &mut Vec<Violation>,
) -> Vec<zab_core::sim::TraceEvent> {
    let mut events = Vec::new();
    let t = sim.now + ms;
    while sim.next_time().is_some_and(|n| n <= t) {
        sim.step();
        let step = sim.take_trace();
        found.extend(ck.observe(sim, &step));
        events.extend(step);
    }
    events
}

/// The watch events `who` received among `events`.
fn fired_to(
    who: ClientId,
    events: &[zab_core::sim::TraceEvent],
) -> Vec<(String, zab_core::tree::EventType)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::Client {
                client,
                event: ClientEvent::WatchFired { path, event },
            } if *client == who => Some((path.clone(), *event)),
            _ => None,
        })
        .collect()
}

/// DataTree.deleteNode fires the path's data watches, then its child watches with the
/// first call's watchers suppressed (WatchManager.triggerWatch's `supress` set): a
/// client that left both a getData and a getChildren watch on a znode gets one
/// NodeDeleted when it goes, and both registrations are used up.
#[test]
fn a_delete_fires_one_node_deleted_for_a_data_and_a_child_watch() {
    let (mut sim, mut ck, _, f) = checked_cluster(13);
    let mut found = call_checked(&mut sim, &mut ck, C2, create("/s", false, false));
    let watch_data = Request::GetData {
        path: "/s".into(),
        watch: true,
    };
    let watch_children = Request::GetChildren {
        path: "/s".into(),
        watch: true,
    };
    found.extend(call_checked(&mut sim, &mut ck, C1, watch_data));
    found.extend(call_checked(&mut sim, &mut ck, C1, watch_children));
    assert_eq!(sim.server(f).unwrap().watches.count(), 2);
    sim.take_trace();
    let delete = Request::Delete {
        path: "/s".into(),
        version: None,
    };
    found.extend(act_checked(
        &mut sim,
        &mut ck,
        Action::Call {
            client: C2,
            request: delete,
        },
    ));
    let events = checked_events(&mut sim, &mut ck, 300, &mut found);
    assert!(ids(&found).is_empty(), "{found:?}");
    use zab_core::tree::EventType::NodeDeleted;
    assert_eq!(fired_to(C1, &events), [("/s".to_string(), NodeDeleted)]);
    assert_eq!(sim.server(f).unwrap().watches.count(), 0);
}

/// DataTree.setWatches: a session resumed at another server re-sends its watches;
/// for a znode deleted meanwhile the child watch fires NodeDeleted at once and the
/// exists watch is registered (it fires NodeCreated when the znode comes back). The
/// checker's C2 counts the NodeDeleted against the child watch, not the exists one
/// (sweep seeds 178457, 568670 and five others of the million-seed sweep).
#[test]
fn a_resumed_session_fires_its_child_watch_and_keeps_its_exists_watch() {
    const C3: ClientId = ClientId(3);
    let (mut sim, mut ck, l, f) = checked_cluster(14);
    let connect = Action::Connect {
        client: C3,
        servers: vec![f, l],
        timeout_ms: 6_000,
    };
    let mut found = act_checked(&mut sim, &mut ck, connect);
    found.extend(call_checked(
        &mut sim,
        &mut ck,
        C2,
        create("/s", false, false),
    ));
    let exists = Request::Exists {
        path: "/s".into(),
        watch: true,
    };
    let children = Request::GetChildren {
        path: "/s".into(),
        watch: true,
    };
    found.extend(call_checked(&mut sim, &mut ck, C3, exists));
    found.extend(call_checked(&mut sim, &mut ck, C3, children));
    assert!(ids(&found).is_empty(), "{found:?}");
    assert_eq!(sim.client(C3).unwrap().server, Some(f));
    // Client 3's server goes; /s is deleted at the leader before client 3 is back.
    found.extend(act_checked(&mut sim, &mut ck, Action::Crash { server: f }));
    let delete = Request::Delete {
        path: "/s".into(),
        version: None,
    };
    found.extend(act_checked(
        &mut sim,
        &mut ck,
        Action::Call {
            client: C2,
            request: delete,
        },
    ));
    let events = checked_events(&mut sim, &mut ck, 3_000, &mut found);
    assert_eq!(
        sim.client(C3).unwrap().server,
        Some(l),
        "client 3 moved to the leader"
    );
    use zab_core::tree::EventType::{NodeCreated, NodeDeleted};
    assert_eq!(fired_to(C3, &events), [("/s".to_string(), NodeDeleted)]);
    let at_leader = &sim.server(l).unwrap().watches;
    assert!(
        at_leader.data.get("/s").is_some_and(|w| w.contains(&C3)),
        "the exists watch is kept"
    );
    found.extend(act_checked(
        &mut sim,
        &mut ck,
        Action::Call {
            client: C2,
            request: create("/s", false, false),
        },
    ));
    let events = checked_events(&mut sim, &mut ck, 300, &mut found);
    assert_eq!(fired_to(C3, &events), [("/s".to_string(), NodeCreated)]);
    assert!(ids(&found).is_empty(), "{found:?}");
}
