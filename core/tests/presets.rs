//! Every built-in scenario (`static/scenarios/*.json`) run to its end: the phenomenon
//! its description promises is asserted from the end-of-run report, the simulator
//! state and the trace. Each test names the spec section (`zab-spec.md`) it checks.
//!
//! Common to all (spec §12): no invariant violation, a leader in BROADCAST at the end,
//! every committed write in the history of every server in BROADCAST, and the same data
//! tree on all of them.

use std::collections::BTreeSet;
use zab_core::report::{Report, ServerReport};
use zab_core::run::Run;
use zab_core::scenario::{preset, PRESET_FILES};
use zab_core::sim::{TraceEvent, TraceKind};
use zab_core::Zxid;

/// The presets this file covers; a new preset must get a test here.
const TESTED: [&str; 12] = [
    "fresh-election",
    "newer-zxid-wins",
    "leader-crash",
    "restart-into-ensemble",
    "follower-lag-diff",
    "long-outage-snap",
    "leader-minority-partition",
    "uncommitted-trunc",
    "observer",
    "config-watch",
    "election-recipe",
    "session-expires-in-partition",
];

struct Outcome {
    run: Run,
    report: Report,
    trace: Vec<TraceEvent>,
}

fn run_preset(stem: &str) -> Outcome {
    let scenario = preset(stem).unwrap_or_else(|| panic!("no preset {stem}"));
    let mut run = Run::new(&scenario).unwrap_or_else(|e| panic!("{stem}: {e}"));
    run.run_to_end();
    let trace = run.take_trace();
    let report = Report::of(&run);
    Outcome { run, report, trace }
}

fn z(s: &str) -> Zxid {
    s.parse().unwrap()
}

fn server(r: &Report, id: u32) -> &ServerReport {
    r.server(id).unwrap_or_else(|| panic!("no server {id}"))
}

/// The checker found nothing (spec §12, and C1..C4 of docs/client-model.md).
fn assert_no_violation(r: &Report) {
    assert!(
        r.violations.is_empty(),
        "{}: violations {:#?}",
        r.scenario,
        r.violations
    );
}

/// Spec §12 (I3 PrefixConsistency, I10 on the committed prefix, I16 acked writes):
/// no violation; a leader in BROADCAST; every committed write is in the history of
/// every server in BROADCAST, whose data trees all equal the leader's.
fn assert_converged(o: &Outcome) {
    let r = &o.report;
    assert_no_violation(r);
    let leader = r.leader.expect("a leader in BROADCAST at the end");
    let l = server(r, leader.0);
    assert_eq!(l.state.as_deref(), Some("LEADING"));
    assert_eq!(l.phase.as_deref(), Some("BROADCAST"));
    let committed: Vec<Zxid> = r.writes.iter().filter_map(|w| w.zxid).collect();
    assert!(!committed.is_empty(), "{}: nothing committed", r.scenario);
    for s in r
        .servers
        .iter()
        .filter(|s| s.phase.as_deref() == Some("BROADCAST"))
    {
        for zx in &committed {
            assert!(
                s.history.contains(zx),
                "{}: committed {zx} missing on server {}: {:?}",
                r.scenario,
                s.id,
                s.history
            );
        }
        assert_eq!(s.data, l.data, "{}: server {} data", r.scenario, s.id);
        assert_eq!(
            s.last_committed_zxid, l.last_committed_zxid,
            "{}: server {}",
            r.scenario, s.id
        );
        // The history is in zxid order without duplicates (spec §12.3 I6/I8).
        assert!(s.history.windows(2).all(|w| w[0] < w[1]), "{:?}", s.history);
    }
}

/// The sync modes chosen for `follower`, in order.
fn modes_for(r: &Report, follower: u32) -> Vec<(u32, u32, String)> {
    r.syncs
        .iter()
        .filter(|s| s.follower.0 == follower)
        .map(|s| (s.leader.0, s.epoch, s.mode.clone()))
        .collect()
}

fn all_up_in_broadcast(r: &Report) {
    for s in &r.servers {
        assert!(s.up, "server {} down: {:?}", s.id, s.down_reason);
        assert_eq!(s.phase.as_deref(), Some("BROADCAST"), "server {}", s.id);
    }
}

/// Packets of type `packet` delivered to server `to`.
fn delivered(trace: &[TraceEvent], packet: &str, to: u32) -> usize {
    trace
        .iter()
        .filter(|e| {
            matches!(&e.kind, TraceKind::PacketDelivered { packet: p, to: t, .. }
                if *p == packet && t.0 == to)
        })
        .count()
}

#[test]
fn every_preset_has_a_test() {
    let stems: Vec<&str> = PRESET_FILES.iter().map(|(s, _)| *s).collect();
    assert_eq!(stems, TESTED);
}

/// Spec §6 (FLE: ties on epoch and zxid go to the highest sid, §2.2), §7 (epoch 1
/// established), §8.1 (empty DIFF for equal zxids), §9.1-9.3 (forwarded writes
/// proposed and committed with zxids of epoch 1).
#[test]
fn fresh_election() {
    let o = run_preset("fresh-election");
    assert_converged(&o);
    let r = &o.report;
    assert_eq!(r.leader.map(|l| l.0), Some(3));
    assert_eq!(r.elections.len(), 1);
    assert_eq!((r.elections[0].leader.0, r.elections[0].epoch), (3, 1));
    for f in [1, 2] {
        assert_eq!(modes_for(r, f), [(3, 1, "DIFF".to_string())]);
    }
    let zxids: Vec<Option<Zxid>> = r.writes.iter().map(|w| w.zxid).collect();
    assert_eq!(zxids, [Some(z("0x100000001")), Some(z("0x100000002"))]);
    all_up_in_broadcast(r);
    for s in &r.servers {
        assert_eq!((s.accepted_epoch, s.current_epoch), (1, 1));
        let data = s.data.as_ref().unwrap();
        assert_eq!(
            data.get("/greeting").map(String::as_str),
            Some("hello, class")
        );
    }
}

/// Spec §2.2 (FLE's total order: peerEpoch, then zxid, then sid): server 3 wins the
/// first election on the id tie-break; after server 2 missed /x, servers 1 and 2 elect
/// server 1, the lower id with the newer zxid, in epoch 2 (issue 14: the preset where a
/// newer zxid beats a higher id). The write of 7 s commits in epoch 2 everywhere.
#[test]
fn newer_zxid_wins() {
    let o = run_preset("newer-zxid-wins");
    assert_converged(&o);
    let r = &o.report;
    let elected: Vec<(u32, u32)> = r.elections.iter().map(|e| (e.leader.0, e.epoch)).collect();
    assert_eq!(elected, [(3, 1), (1, 2)]);
    assert_eq!(r.writes[0].zxid, Some(z("0x100000001")));
    assert_eq!(r.writes[1].zxid, Some(z("0x200000001")));
    assert_eq!(server(r, 2).state.as_deref(), Some("FOLLOWING"));
}

/// Spec §10 (followers notice the lost leader), §6 (re-election: the highest sid
/// among equal zxids), §7 (epoch 2), §11 (the old leader recovers and rejoins),
/// §8.1 (it is DIFF-synced by the new leader).
#[test]
fn leader_crash() {
    let o = run_preset("leader-crash");
    assert_converged(&o);
    let r = &o.report;
    let elected: Vec<(u32, u32)> = r.elections.iter().map(|e| (e.leader.0, e.epoch)).collect();
    assert_eq!(elected, [(5, 1), (4, 2)]);
    assert_eq!(r.leader.map(|l| l.0), Some(4));
    let after: Vec<Option<Zxid>> = r.writes[2..].iter().map(|w| w.zxid).collect();
    assert_eq!(after, [Some(z("0x200000001")), Some(z("0x200000002"))]);
    assert_eq!(modes_for(r, 5).last(), Some(&(4, 2, "DIFF".to_string())));
    all_up_in_broadcast(r);
    assert_eq!(server(r, 5).state.as_deref(), Some("FOLLOWING"));
    assert_eq!(server(r, 5).current_epoch, 2);
}

/// Spec §6.2 (out-of-election notifications: a LOOKING server follows an established
/// leader reported by a quorum of FOLLOWING/LEADING replies, ZOOKEEPER-1732's fix):
/// no new election and no new epoch; the rejoined server then serves a write.
#[test]
fn restart_into_ensemble() {
    let o = run_preset("restart-into-ensemble");
    assert_converged(&o);
    let r = &o.report;
    assert_eq!(
        r.elections.len(),
        1,
        "no second election: {:?}",
        r.elections
    );
    assert_eq!(r.leader.map(|l| l.0), Some(3));
    assert_eq!(
        modes_for(r, 1).len(),
        2,
        "server 1 synced again after its restart"
    );
    assert_eq!(modes_for(r, 1)[1].1, 1, "in the same epoch 1");
    let last = r.writes.last().unwrap();
    assert_eq!((last.server.0, last.status.as_str()), (1, "committed"));
    all_up_in_broadcast(r);
    for s in &r.servers {
        assert_eq!(s.current_epoch, 1);
    }
}

/// Spec §8.1 (DIFF: the follower's last zxid lies inside the leader's committed log,
/// so the leader sends the missing txns), §8.2 (logged before the NEWLEADER-ACK).
#[test]
fn follower_lag_diff() {
    let o = run_preset("follower-lag-diff");
    assert_converged(&o);
    let r = &o.report;
    assert_eq!(r.leader.map(|l| l.0), Some(3));
    let m = modes_for(r, 1);
    assert_eq!(m.len(), 2);
    assert_eq!(m[1], (3, 1, "DIFF".to_string()));
    let reason = o
        .trace
        .iter()
        .find_map(|e| match &e.kind {
            TraceKind::Server {
                event:
                    zab_core::server::ServerEvent::SyncChosen {
                        learner,
                        peer_last_zxid,
                        ..
                    },
                ..
            } if learner.0 == 1 && e.at_ms > 9_000 => Some(*peer_last_zxid),
            _ => None,
        })
        .expect("a sync of server 1 after its restart");
    assert_eq!(reason, z("0x100000002"), "ACKEPOCH reported its last zxid");
    assert_eq!(server(r, 1).history.len(), 8);
    all_up_in_broadcast(r);
}

/// Spec §8.1 (SNAP: the follower is older than the committed log and than the on-disk
/// log the leader keeps, §3 snapCount/commitLogCount/snapRetainCount), §8.2 (the
/// follower snapshots the received state at NEWLEADER).
#[test]
fn long_outage_snap() {
    let o = run_preset("long-outage-snap");
    assert_converged(&o);
    let r = &o.report;
    assert_eq!(r.leader.map(|l| l.0), Some(3));
    let m = modes_for(r, 1);
    assert_eq!(m.last(), Some(&(3, 1, "SNAP".to_string())));
    let s1 = server(r, 1);
    assert_eq!(
        s1.snapshots.last(),
        Some(&z("0x100000029")),
        "server 1 snapshotted the SNAP state"
    );
    assert_eq!(s1.history.len(), 41);
    assert_eq!(
        s1.data
            .as_ref()
            .unwrap()
            .get("/counter")
            .map(String::as_str),
        Some("40")
    );
    // The leader purged old logs: its log no longer reaches back to 0x100000001.
    let leader = &o.run.sim().nodes[2];
    assert!(leader.disk().log.first().unwrap().zxid > z("0x100000001"));
    all_up_in_broadcast(r);
}

/// Spec §2.4 (quorums), §10 (a leader that cannot keep a quorum of synced followers
/// gives up; a minority cannot serve writes), §6-7 (the majority elects a new leader
/// in epoch 2), §6.2/§8.1 (after the heal the minority follows it, DIFF-synced).
#[test]
fn leader_minority_partition() {
    let o = run_preset("leader-minority-partition");
    assert_converged(&o);
    let r = &o.report;
    let elected: Vec<(u32, u32)> = r.elections.iter().map(|e| (e.leader.0, e.epoch)).collect();
    assert_eq!(elected, [(5, 1), (3, 2)]);
    assert_eq!(r.leader.map(|l| l.0), Some(3));
    let minority_write = r.writes.iter().find(|w| w.path == "/z").unwrap();
    assert_eq!(minority_write.status, "failed");
    for f in [4, 5] {
        assert_eq!(modes_for(r, f).last(), Some(&(3, 2, "DIFF".to_string())));
        assert_eq!(server(r, f).state.as_deref(), Some("FOLLOWING"));
        assert!(!server(r, f).data.as_ref().unwrap().contains_key("/z"));
    }
    all_up_in_broadcast(r);
}

/// Spec §8.1 (TRUNC: the rejoining server's last zxid is ahead of the new leader's
/// history, so it truncates), §11 (the uncommitted txn leaves its log), §9.3 (the
/// txn never had a quorum, so its client is told it failed).
#[test]
fn uncommitted_trunc() {
    let scenario = preset("uncommitted-trunc").unwrap();
    let orphan = z("0x100000003");
    // Before the heal, server 3 has logged the orphaned proposal.
    let mut run = Run::new(&scenario).unwrap();
    run.set_record_trace(false);
    run.run_until(8_500);
    let s3 = run.sim().nodes[2].disk();
    assert!(s3.log.iter().any(|t| t.zxid == orphan), "{:?}", s3.log);

    let o = run_preset("uncommitted-trunc");
    assert_converged(&o);
    let r = &o.report;
    let elected: Vec<(u32, u32)> = r.elections.iter().map(|e| (e.leader.0, e.epoch)).collect();
    assert_eq!(elected, [(3, 1), (2, 2)]);
    assert_eq!(modes_for(r, 3).last(), Some(&(2, 2, "TRUNC".to_string())));
    for s in &r.servers {
        assert!(
            !s.history.contains(&orphan),
            "server {}: {:?}",
            s.id,
            s.history
        );
    }
    let w = r.writes.iter().find(|w| w.at_ms == 4_000).unwrap();
    assert_eq!(w.status, "failed");
    let data = server(r, 3).data.as_ref().unwrap();
    assert_eq!(data.get("/balance").map(String::as_str), Some("80"));
    all_up_in_broadcast(r);
}

/// Spec §9.4 (observers receive INFORM with committed txns, never PROPOSAL or COMMIT,
/// and are not counted in quorums, §2.4), §10 (the leader gives up when only the
/// observer is left), §6 (the observer finds the epoch-2 leader).
#[test]
fn observer() {
    let o = run_preset("observer");
    assert_converged(&o);
    let r = &o.report;
    let elected: Vec<(u32, u32)> = r.elections.iter().map(|e| (e.leader.0, e.epoch)).collect();
    assert_eq!(elected, [(3, 1), (3, 2)]);
    let obs = server(r, 4);
    assert_eq!(obs.state.as_deref(), Some("OBSERVING"));
    assert_eq!(obs.phase.as_deref(), Some("BROADCAST"));
    assert_eq!(
        obs.data.as_ref().unwrap().get("/feed").map(String::as_str),
        Some("d")
    );
    assert!(
        delivered(&o.trace, "INFORM", 4) >= 3,
        "INFORMs to the observer"
    );
    assert_eq!(delivered(&o.trace, "PROPOSAL", 4), 0);
    assert_eq!(delivered(&o.trace, "COMMIT", 4), 0);
    // Writes sent to the observer commit (forwarded to the leader).
    let from_obs: BTreeSet<&str> = r
        .writes
        .iter()
        .filter(|w| w.server.0 == 4)
        .map(|w| w.status.as_str())
        .collect();
    assert_eq!(from_obs, BTreeSet::from(["committed"]));
    // With servers 1 and 2 down the leader lost its quorum: it left LEADING.
    let left = o.trace.iter().any(|e| {
        e.at_ms > 8_000
            && e.at_ms < 11_000
            && matches!(&e.kind, TraceKind::Server { server, event: zab_core::server::ServerEvent::LeftRole { .. } } if server.0 == 3)
    });
    assert!(left, "leader 3 gave up without a quorum");
    all_up_in_broadcast(r);
}

/// Design: same scenario, same trace (every preset, twice).
#[test]
fn presets_are_deterministic() {
    for (stem, scenario) in zab_core::scenario::presets() {
        let trace = |_: ()| {
            let mut run = Run::new(&scenario).unwrap();
            run.run_to_end();
            run.take_trace()
        };
        assert_eq!(trace(()), trace(()), "{stem}");
    }
}

/// The session presets (issue 15; docs/client-model.md): no violation, a leader in
/// BROADCAST, and every server up in BROADCAST with the same data tree.
fn assert_sessions_converged(o: &Outcome) {
    let r = &o.report;
    assert_no_violation(r);
    let sim = o.run.sim();
    let leader = sim.leader().expect("a leader in BROADCAST");
    let tree = &sim.server(leader).unwrap().tree;
    for s in sim.nodes.iter().filter_map(|n| n.server.as_ref()) {
        assert_eq!(s.tree.nodes, tree.nodes, "{}: server {}", r.scenario, s.id);
        assert_eq!(
            s.tree.sessions, tree.sessions,
            "{}: server {}",
            r.scenario, s.id
        );
    }
}

/// The client events of one client, in order.
fn client_events(o: &Outcome, client: u32) -> Vec<zab_core::client::ClientEvent> {
    o.trace
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::Client { client: c, event } if c.0 == client => Some(event.clone()),
            _ => None,
        })
        .collect()
}

fn watch_fired(o: &Outcome, client: u32) -> Vec<(String, &'static str)> {
    client_events(o, client)
        .into_iter()
        .filter_map(|e| match e {
            zab_core::client::ClientEvent::WatchFired { path, event } => Some((path, event.name())),
            _ => None,
        })
        .collect()
}

/// WatchManager.triggerWatch (one-shot, fired by each client's own server as it
/// applies setData) and DataTree.setWatches (re-registered on reconnect): every client
/// hears of v2 once and, after the leader crash and the reconnects, of v3 once.
#[test]
fn config_watch() {
    let o = run_preset("config-watch");
    assert_sessions_converged(&o);
    for c in 1..=3 {
        let fired = watch_fired(&o, c);
        assert_eq!(
            fired,
            [
                ("/config".to_string(), "NodeDataChanged"),
                ("/config".to_string(), "NodeDataChanged")
            ],
            "client {c}"
        );
    }
    let sim = o.run.sim();
    let leader = sim.leader().unwrap();
    assert_eq!(
        sim.server(leader)
            .unwrap()
            .tree
            .nodes
            .get("/config")
            .map(String::as_str),
        Some("v3")
    );
    assert_eq!(
        o.report.elections.len(),
        2,
        "server 3 led, then a new leader"
    );
}

/// The election recipe on ZooKeeper's rules: sequential names from the parent's
/// cversion (PrepRequestProcessor), the leading process's session expired by the
/// leader (SessionTrackerImpl) with its ephemeral (CloseSessionTxn.paths2Delete), the
/// next process's exists watch fired by the deletion (DataTree.deleteNode), and its
/// children call showing it is now the lowest.
#[test]
fn election_recipe() {
    use zab_core::client::{Answer, ClientEvent};
    let o = run_preset("election-recipe");
    assert_sessions_converged(&o);
    assert_eq!(
        watch_fired(&o, 2),
        [("/election/n-0000000000".to_string(), "NodeDeleted")]
    );
    assert!(watch_fired(&o, 3).is_empty(), "only the successor wakes up");
    let last = client_events(&o, 2)
        .into_iter()
        .rev()
        .find_map(|e| match e {
            ClientEvent::Answered {
                result: Ok(Answer::Children { names }),
                ..
            } => Some(names),
            _ => None,
        });
    assert_eq!(
        last.as_deref(),
        Some(&["n-0000000001".to_string(), "n-0000000002".to_string()][..]),
        "client 2's znode is now the lowest"
    );
}

/// A session expires in a partition: minority servers stop serving (spec §10) and
/// close their client connections; the majority's leader expires the silent session
/// (SessionTrackerImpl) and its closeSession deletes /worker everywhere; the client
/// that comes back is told SESSIONEXPIRED (ZooKeeperServer.reopenSession).
#[test]
fn session_expires_in_partition() {
    use zab_core::client::{ClientEvent, ClientState};
    let o = run_preset("session-expires-in-partition");
    assert_sessions_converged(&o);
    let sim = o.run.sim();
    for s in sim.nodes.iter().filter_map(|n| n.server.as_ref()) {
        assert!(
            !s.tree.exists("/worker"),
            "server {} still has /worker",
            s.id
        );
        assert!(s.tree.sessions.is_empty());
    }
    let expired_by = o.trace.iter().find_map(|e| match &e.kind {
        TraceKind::Server {
            server,
            event: zab_core::server::ServerEvent::SessionExpired { .. },
        } => Some(server.0),
        _ => None,
    });
    assert!(
        matches!(expired_by, Some(1..=3)),
        "a majority-side leader expired it"
    );
    let c = sim.client(zab_core::ClientId(1)).unwrap();
    assert_eq!(c.state, ClientState::Expired);
    assert!(client_events(&o, 1).contains(&ClientEvent::Expired));
}
