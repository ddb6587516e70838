//! Scenario tests of the ZAB protocol on the simulator. Each names the part of
//! `zab-spec.md` (and ZooKeeper source) it checks.

use zab_core::packet::ServerState;
use zab_core::server::{
    EpochFile, LeaderShutdown, Phase, RoleExit, Server, ServerEvent, StartRefusal, SyncMode, Timer,
};
use zab_core::sim::{Action, Sim, TraceEvent, TraceKind};
use zab_core::storage::{Disk, Snapshot};
use zab_core::tree::DataTree;
use zab_core::txn::{Op, Txn};
use zab_core::{Config, Epoch, ServerId, Zxid};

fn sid(i: u32) -> ServerId {
    ServerId(i)
}

fn z(epoch: u32, counter: u32) -> Zxid {
    Zxid::new(Epoch(epoch), counter)
}

fn create(path: &str, data: &str) -> Op {
    Op::create(path, data)
}

/// Runs a simulation and keeps its whole trace.
struct Harness {
    sim: Sim,
    trace: Vec<TraceEvent>,
}

impl Harness {
    fn new(cfg: Config, seed: u64) -> Harness {
        Harness {
            sim: Sim::new(cfg, seed, &[]),
            trace: Vec::new(),
        }
    }

    fn run_until(&mut self, t: u64) -> &mut Self {
        self.sim.run_until(t);
        self.trace.extend(self.sim.take_trace());
        self
    }

    fn act(&mut self, a: Action) -> &mut Self {
        self.sim.intervene(a);
        self.trace.extend(self.sim.take_trace());
        self
    }

    fn write(&mut self, at: u32, path: &str, data: &str) -> &mut Self {
        self.act(Action::Write {
            server: sid(at),
            op: create(path, data),
        })
    }

    fn server(&self, i: u32) -> &Server {
        self.sim.server(sid(i)).expect("server is up")
    }

    fn server_events(&self, who: u32) -> Vec<(u64, &ServerEvent)> {
        self.trace
            .iter()
            .filter_map(|e| match &e.kind {
                TraceKind::Server { server, event } if server.0 == who => Some((e.at_ms, event)),
                _ => None,
            })
            .collect()
    }

    fn syncs_for(&self, learner: u32) -> Vec<SyncMode> {
        self.sim
            .syncs
            .iter()
            .filter(|s| s.follower == sid(learner))
            .map(|s| s.mode)
            .collect()
    }

    /// The zxids the server's durable state holds: snapshot contents, then the log.
    fn history(&self, i: u32) -> Vec<Zxid> {
        let disk = self.sim.node(sid(i)).unwrap().disk();
        disk.history().iter().map(|t| t.zxid).collect()
    }

    fn log_zxids(&self, i: u32) -> Vec<Zxid> {
        self.sim
            .node(sid(i))
            .unwrap()
            .disk()
            .log
            .iter()
            .map(|t| t.zxid)
            .collect()
    }

    fn assert_all_serving_with(&self, leader: u32, epoch: u32) {
        assert_eq!(self.sim.leader(), Some(sid(leader)), "leader");
        for n in &self.sim.nodes {
            let Some(s) = &n.server else { continue };
            assert_eq!(s.phase(), Phase::Broadcast, "server {} phase", s.id);
            assert_eq!(
                s.current_epoch(),
                Epoch(epoch),
                "server {} currentEpoch",
                s.id
            );
        }
    }
}

/// Spec §6 (FLE: equal zxids and epochs, the highest sid wins), §7 (new epoch =
/// 1 + max acceptedEpoch = 1), §8.1 (peers already in sync get an empty DIFF).
#[test]
fn fresh_three_server_cluster_elects_server_3_in_epoch_1() {
    let mut h = Harness::new(Config::new(3, 0), 1);
    h.run_until(2000);
    h.assert_all_serving_with(3, 1);
    assert_eq!(h.server(3).state(), ServerState::Leading);
    for f in [1, 2] {
        assert_eq!(h.server(f).state(), ServerState::Following);
        assert_eq!(h.server(f).accepted_epoch(), Epoch(1));
        assert_eq!(h.syncs_for(f), vec![SyncMode::Diff]);
    }
    assert_eq!(h.sim.elections.len(), 1);
}

/// Spec §6 and §7 for five servers: server 5 wins, epoch 1, four followers synced.
#[test]
fn fresh_five_server_cluster_elects_server_5() {
    let mut h = Harness::new(Config::new(5, 0), 7);
    h.run_until(2000);
    h.assert_all_serving_with(5, 1);
    assert_eq!(h.sim.syncs.len(), 4);
}

/// Spec §9.1-9.3: a write at a follower is forwarded (REQUEST), proposed, ACKed after
/// fsync, committed on a quorum and applied everywhere in zxid order.
#[test]
fn write_at_a_follower_commits_everywhere() {
    let mut h = Harness::new(Config::new(3, 0), 2);
    h.run_until(1500);
    h.write(1, "/a", "1").write(2, "/b", "2").run_until(2500);
    for w in h.sim.writes.values() {
        assert!(
            matches!(
                w.result,
                Some(zab_core::server::WriteResult::Committed { .. })
            ),
            "{w:?}"
        );
    }
    for i in 1..=3 {
        assert_eq!(h.history(i), vec![z(1, 1), z(1, 2)], "history of {i}");
        assert_eq!(
            h.server(i).tree.nodes.get("/a").map(String::as_str),
            Some("1")
        );
    }
    let names: Vec<&str> = h
        .trace
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::PacketSent { packet, from, .. } if from.0 == 1 => Some(*packet),
            _ => None,
        })
        .collect();
    assert!(
        names.contains(&"REQUEST"),
        "follower forwards the write: {names:?}"
    );
}

/// Spec §9.3 and §0: the leader's own ACK comes only after its fsync, and a COMMIT
/// is sent only once a quorum including the leader has ACKed.
#[test]
fn commit_waits_for_the_leaders_fsynced_ack() {
    let mut h = Harness::new(Config::new(3, 0), 3);
    h.run_until(1500);
    h.write(3, "/a", "1").run_until(2500);
    let ev = h.server_events(3);
    let fsync = ev
        .iter()
        .find(|(_, e)| matches!(e, ServerEvent::Fsync { upto } if *upto == z(1, 1)))
        .expect("leader fsynced");
    let commit = ev
        .iter()
        .find(|(_, e)| matches!(e, ServerEvent::Commit { zxid } if *zxid == z(1, 1)))
        .expect("leader committed");
    assert!(fsync.0 <= commit.0);
    let pos = |pred: &dyn Fn(&ServerEvent) -> bool| ev.iter().position(|(_, e)| pred(e)).unwrap();
    assert!(
        pos(&|e| matches!(e, ServerEvent::Fsync { upto } if *upto == z(1, 1)))
            < pos(&|e| matches!(e, ServerEvent::Commit { .. }))
    );
}

/// Spec §6.1 (peerEpoch beats zxid beats sid), §7.1 (new epoch = 1 + max acceptedEpoch)
/// and §10 (followers notice the dead leader by connection loss): after the leader
/// crashes, server 2 (highest remaining sid, same zxid) leads epoch 2 and no
/// committed write is lost.
#[test]
fn leader_crash_elects_a_new_leader_with_a_higher_epoch() {
    let mut h = Harness::new(Config::new(3, 0), 4);
    h.run_until(1500);
    h.write(1, "/a", "1").run_until(2000);
    h.act(Action::Crash { server: sid(3) }).run_until(5000);
    h.assert_all_serving_with(2, 2);
    h.write(1, "/b", "2").run_until(6000);
    for i in [1, 2] {
        assert_eq!(h.history(i), vec![z(1, 1), z(2, 1)]);
    }
    // The old leader restarts and joins epoch 2 as a follower, synced by DIFF.
    h.act(Action::Restart { server: sid(3) }).run_until(8000);
    h.assert_all_serving_with(2, 2);
    assert_eq!(h.server(3).state(), ServerState::Following);
    assert_eq!(h.syncs_for(3), vec![SyncMode::Diff]);
    assert_eq!(h.history(3), vec![z(1, 1), z(2, 1)]);
}

/// Spec §8.1 (`minCommittedLog <= peerLastZxid <= maxCommittedLog` ⇒ DIFF with
/// PROPOSAL+COMMIT pairs) and §8.2 (NEWLEADER: append and fsync the committed txns,
/// then write currentEpoch, then ACK).
#[test]
fn lagging_follower_is_synced_by_diff_in_the_fixed_newleader_order() {
    let mut h = Harness::new(Config::new(3, 0), 5);
    h.run_until(1500);
    h.write(2, "/first", "v").run_until(1700);
    h.act(Action::Crash { server: sid(1) });
    for i in 0..4 {
        h.write(2, &format!("/k{i}"), "v");
    }
    h.run_until(3000);
    h.act(Action::Restart { server: sid(1) }).run_until(6000);
    // Server 1 restarts and rejoins the established ensemble (epoch unchanged).
    h.assert_all_serving_with(3, 1);
    assert_eq!(h.syncs_for(1).last(), Some(&SyncMode::Diff));
    assert_eq!(h.history(1), (1..=5).map(|c| z(1, c)).collect::<Vec<_>>());
    // Order at NEWLEADER on server 1: appends, fsync, then currentEpoch, then the ACK.
    let ev = h.server_events(1);
    let restart_at = ev
        .iter()
        .rposition(|(_, e)| matches!(e, ServerEvent::Recovered { .. }))
        .unwrap();
    let after = &ev[restart_at..];
    let last_append = after
        .iter()
        .rposition(|(_, e)| matches!(e, ServerEvent::Append { .. }))
        .unwrap();
    let fsync = after
        .iter()
        .position(|(_, e)| matches!(e, ServerEvent::Fsync { upto } if *upto == z(1, 5)))
        .unwrap();
    let epoch_write = after.iter().position(|(_, e)| {
        matches!(
            e,
            ServerEvent::EpochWrite {
                file: EpochFile::Current,
                ..
            }
        )
    });
    // A rejoining follower of the same epoch rewrites currentEpoch = 1 at NEWLEADER.
    let epoch_write = epoch_write.expect("currentEpoch written at NEWLEADER");
    assert!(last_append < fsync && fsync < epoch_write);
}

/// Spec §8.1: a follower older than the committed-log window, whose gap the leader's
/// log on disk no longer covers (logs rolled and purged after snapshots), gets a SNAP.
#[test]
fn follower_far_behind_gets_a_snap_once_logs_have_rolled() {
    let mut cfg = Config::new(3, 0);
    cfg.storage.commit_log_count = 4;
    cfg.storage.snap_count = 4;
    cfg.storage.snap_retain_count = 1;
    let mut h = Harness::new(cfg, 6);
    h.run_until(1500);
    h.act(Action::Crash { server: sid(1) });
    for i in 0..30 {
        h.write(2, &format!("/k{i}"), "v");
        h.run_until(1500 + 50 * (i + 1));
    }
    h.run_until(4000);
    h.act(Action::Restart { server: sid(1) }).run_until(7000);
    h.assert_all_serving_with(3, 1);
    assert_eq!(h.syncs_for(1).last(), Some(&SyncMode::Snap));
    assert_eq!(h.server(1).tree.nodes, h.server(3).tree.nodes);
    // SNAP ⇒ the follower snapshots at NEWLEADER (spec §8.2), after its restart (its
    // snapshot.0 came at its first start).
    let ev = h.server_events(1);
    let restart_at = ev
        .iter()
        .rposition(|(_, e)| matches!(e, ServerEvent::Recovered { .. }))
        .unwrap();
    assert!(ev[restart_at..]
        .iter()
        .any(|(_, e)| matches!(e, ServerEvent::Snapshot { zxid } if *zxid > z(1, 0))));
}

/// Spec §8.1 (`snapshotSizeFactor`): a follower just older than the committed-log
/// window is served by DIFF from the leader's txn log on disk when that log is
/// smaller than 0.33 x the snapshot; with the factor negative it gets a SNAP.
#[test]
fn diff_from_the_on_disk_log_when_it_is_small_against_the_snapshot() {
    for (factor, expected) in [(0.33, SyncMode::Diff), (-1.0, SyncMode::Snap)] {
        let mut cfg = Config::new(3, 0);
        cfg.storage.commit_log_count = 4;
        cfg.storage.snap_count = 100_000;
        cfg.storage.snapshot_size_factor = factor;
        let mut h = Harness::new(cfg, 8);
        h.run_until(1500);
        let big = "x".repeat(200);
        for i in 0..30 {
            h.write(3, &format!("/big{i}"), &big);
        }
        h.run_until(3000);
        h.act(Action::Crash { server: sid(1) });
        for i in 0..6 {
            h.write(3, &format!("/s{i}"), "v");
        }
        h.run_until(4000);
        h.act(Action::Restart { server: sid(1) }).run_until(7000);
        h.assert_all_serving_with(3, 1);
        assert_eq!(h.syncs_for(1).last(), Some(&expected), "factor {factor}");
        assert_eq!(h.server(1).tree.nodes, h.server(3).tree.nodes);
    }
}

/// Spec §8.1 (`peerLastZxid > maxCommittedLog` ⇒ TRUNC) and §11 (TRUNC cuts the log
/// and reloads): an isolated leader logs a proposal nobody else has; the majority
/// elects a new leader; when the old leader rejoins it is truncated.
#[test]
fn uncommitted_proposal_of_a_dead_leader_is_truncated() {
    let mut h = Harness::new(Config::new(3, 0), 9);
    h.run_until(1500);
    h.write(3, "/a", "1").run_until(2000);
    h.act(Action::Isolate { server: sid(3) });
    h.write(3, "/lost", "x").run_until(2100);
    assert_eq!(
        h.log_zxids(3),
        vec![z(1, 1), z(1, 2)],
        "old leader logged its proposal"
    );
    h.run_until(6000);
    assert_eq!(h.sim.leader(), Some(sid(2)));
    assert_ne!(
        h.server(3).state(),
        ServerState::Leading,
        "the isolated leader stepped down"
    );
    h.act(Action::Heal).run_until(9000);
    h.assert_all_serving_with(2, 2);
    assert_eq!(h.syncs_for(3).last(), Some(&SyncMode::Trunc));
    assert_eq!(h.history(3), vec![z(1, 1)]);
    assert!(!h.server(3).tree.nodes.contains_key("/lost"));
    let failed = h
        .sim
        .writes
        .values()
        .filter(|w| w.op.path() == Some("/lost"))
        .all(|w| matches!(w.result, Some(zab_core::server::WriteResult::Failed { .. })));
    assert!(failed, "the client of the lost write was told it failed");
}

/// Spec §9.4: observers sync like followers but receive committed txns as INFORM,
/// never count toward a quorum, and never become leader.
#[test]
fn observer_receives_inform_and_never_votes() {
    let mut h = Harness::new(Config::new(3, 1), 10);
    h.run_until(2000);
    assert_eq!(h.server(4).state(), ServerState::Observing);
    assert_eq!(h.server(4).phase(), Phase::Broadcast);
    h.write(4, "/o", "1").run_until(3000);
    let informs = h
        .trace
        .iter()
        .filter(|e| matches!(&e.kind, TraceKind::PacketSent { packet, to, .. } if *packet == "INFORM" && to.0 == 4))
        .count();
    assert_eq!(informs, 1);
    assert_eq!(
        h.server(4).tree.nodes.get("/o").map(String::as_str),
        Some("1")
    );
    let proposals_to_observer = h.trace.iter().any(
        |e| matches!(&e.kind, TraceKind::PacketSent { packet, to, .. } if *packet == "PROPOSAL" && to.0 == 4),
    );
    assert!(!proposals_to_observer);
}

/// Spec §6.1 (`handle_established`: a quorum of FOLLOWING/LEADING notifications that
/// agree on (leader, peerEpoch), with the leader itself saying LEADING) and §6.3
/// (`updateElectionVote`): a restarted server joins without a new election.
#[test]
fn restarted_server_joins_the_established_ensemble() {
    let mut h = Harness::new(Config::new(5, 0), 11);
    h.run_until(1500);
    h.act(Action::Crash { server: sid(2) }).run_until(2000);
    h.act(Action::Restart { server: sid(2) }).run_until(4000);
    h.assert_all_serving_with(5, 1);
    assert_eq!(h.sim.elections.len(), 1, "no new leader was elected");
    let elected = h
        .server_events(2)
        .into_iter()
        .rev()
        .find_map(|(_, e)| match e {
            ServerEvent::Elected { vote, .. } => Some(vote.leader),
            _ => None,
        });
    assert_eq!(elected, Some(sid(5)));
}

/// Spec §10: a leader that loses its quorum steps down ("Not sufficient followers
/// synced"); the majority side elects a leader of a higher epoch and keeps serving.
#[test]
fn minority_partition_of_the_leader() {
    let mut h = Harness::new(Config::new(5, 0), 12);
    h.run_until(1500);
    h.act(Action::Partition {
        groups: vec![vec![sid(4), sid(5)], vec![sid(1), sid(2), sid(3)]],
    });
    h.run_until(6000);
    assert_eq!(h.sim.leader(), Some(sid(3)));
    assert_eq!(h.server(3).current_epoch(), Epoch(2));
    let stepped_down = h.server_events(5).iter().any(|(_, e)| {
        matches!(
            e,
            ServerEvent::LeftRole {
                reason: RoleExit::LeaderShutdown(LeaderShutdown::NotSynced { .. })
            }
        )
    });
    assert!(stepped_down);
    h.write(1, "/m", "1").run_until(7000);
    assert_eq!(
        h.server(3).tree.nodes.get("/m").map(String::as_str),
        Some("1")
    );
    h.act(Action::Heal).run_until(12000);
    h.assert_all_serving_with(3, 2);
}

/// Spec §6.1: with no notification, the poll timeout doubles from
/// minNotificationInterval up to maxNotificationInterval.
#[test]
fn notification_interval_doubles_up_to_the_cap() {
    let mut h = Harness::new(Config::new(3, 0), 13);
    h.act(Action::Isolate { server: sid(1) }).run_until(12_000);
    let fires: Vec<u64> = h
        .trace
        .iter()
        .filter(|e| matches!(e.kind, TraceKind::TimerFired { server, timer: Timer::FleTimeout } if server.0 == 1))
        .map(|e| e.at_ms)
        .collect();
    let gaps: Vec<u64> = fires.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.len() >= 5, "{fires:?}");
    assert_eq!(&gaps[..5], &[400, 800, 1600, 3200, 3200]);
}

/// Spec §11: restart recovers snapshot + log, and the startup check refuses a disk
/// whose last zxid is newer than its currentEpoch (QuorumPeer.loadDataBase).
#[test]
fn restart_refuses_when_current_epoch_is_older_than_the_last_zxid() {
    let txn = Txn {
        zxid: z(2, 1),
        op: create("/a", "1"),
        origin: None,
    };
    let disk = Disk {
        accepted_epoch: Some(Epoch(2)),
        current_epoch: Some(Epoch(1)),
        log: vec![txn.clone()],
        flushed: 1,
        snapshots: vec![Snapshot::initial()],
        ..Disk::default()
    };
    let err = Server::recover(sid(1), Config::new(3, 0), disk.clone()).unwrap_err();
    assert_eq!(
        err,
        StartRefusal::CurrentEpochBehind {
            current: Epoch(1),
            last_zxid: txn.zxid
        }
    );
    assert!(
        err.to_string().contains("older than the last zxid"),
        "{err}"
    );
    // With the updatingEpoch marker of the epoch being synced (ZK-1653's fix), the same
    // disk starts, finishing the epoch change: currentEpoch becomes the last zxid's.
    let marked = Disk {
        updating_epoch: Some(Epoch(2)),
        ..disk.clone()
    };
    let (s, _) = Server::recover(sid(1), Config::new(3, 0), marked).unwrap();
    assert_eq!(s.current_epoch(), Epoch(2));
    assert_eq!(
        s.disk.updating_epoch, None,
        "the marker is removed at startup"
    );
    // A marker of an older epoch says nothing about this zxid: still refused.
    let stale = Disk {
        updating_epoch: Some(Epoch(1)),
        ..disk
    };
    assert!(Server::recover(sid(1), Config::new(3, 0), stale).is_err());
    let ok = Disk {
        accepted_epoch: Some(Epoch(2)),
        current_epoch: Some(Epoch(2)),
        log: vec![txn],
        flushed: 1,
        snapshots: vec![Snapshot::initial()],
        ..Disk::default()
    };
    let (s, _) = Server::recover(sid(1), Config::new(3, 0), ok).unwrap();
    assert_eq!(s.last_logged_zxid(), z(2, 1));
    assert_eq!(s.tree.nodes.get("/a").map(String::as_str), Some("1"));
}

/// The events of a server's start: those between its `Restart` and its `Recovered`
/// (inclusive), for the restart at `nth` (0 = its first start).
fn start_events(trace: &[TraceEvent], who: u32, nth: usize) -> Vec<ServerEvent> {
    let at = trace
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e.kind, TraceKind::Restart { server, .. } if server.0 == who))
        .map(|(i, _)| i)
        .nth(nth)
        .expect("that restart");
    let mut out = Vec::new();
    for e in &trace[at + 1..] {
        if let TraceKind::Server { server, event } = &e.kind {
            if server.0 == who {
                out.push(event.clone());
                if matches!(event, ServerEvent::Recovered { .. }) {
                    break;
                }
            }
        }
    }
    out
}

/// Not in spec §11; ZooKeeper's source decides (apache/zookeeper branch-3.8):
/// `QuorumPeer.start` runs `loadDataBase` before leader election (QuorumPeer.java
/// L1128-1146), whose `FileTxnSnapLog.restore` finds no snapshot and no log on an
/// empty data directory and saves an empty `snapshot.0` at once (FileTxnSnapLog.java
/// L283-303, `zookeeper.db.autocreate` true by default). So every server of a fresh
/// cluster writes it, not only the first leader, and a server started later writes
/// its own when it starts. A restart that finds `snapshot.0` and an empty log loads
/// it and replays nothing (FileSnap.java L76-119, `fastForwardFromEdits` L326-331):
/// no second `snapshot.0`.
#[test]
fn every_server_writes_snapshot_0_the_first_time_it_starts() {
    let mut h = Harness {
        sim: Sim::new(Config::new(3, 0), 1, &[sid(3)]),
        trace: Vec::new(),
    };
    h.run_until(0);
    let boot = vec![
        ServerEvent::Snapshot { zxid: Zxid::ZERO },
        ServerEvent::Recovered {
            snapshot: Zxid::ZERO,
            replayed: 0,
            last_zxid: Zxid::ZERO,
        },
    ];
    for i in [1, 2] {
        assert_eq!(start_events(&h.trace, i, 0), boot, "server {i}");
        let disk = h.sim.node(sid(i)).unwrap().disk();
        assert_eq!(disk.snapshots, vec![Snapshot::initial()], "server {i}");
        assert!(disk.log.is_empty() && disk.current_epoch == Some(Epoch(0)));
    }
    assert!(
        h.sim.node(sid(3)).unwrap().disk().snapshots.is_empty(),
        "a server not started yet has written nothing"
    );
    h.run_until(3000);
    assert!(h.sim.leader().is_some(), "servers 1 and 2 elect a leader");
    h.act(Action::Restart { server: sid(3) });
    assert_eq!(start_events(&h.trace, 3, 0), boot, "server 3 starts later");
    assert_eq!(
        h.sim.node(sid(3)).unwrap().disk().snapshots,
        vec![Snapshot::initial()]
    );
    // Crashed before it logged anything: snapshot.0 is loaded, not written again.
    h.act(Action::Crash { server: sid(3) });
    h.act(Action::Restart { server: sid(3) });
    assert_eq!(start_events(&h.trace, 3, 1), boot[1..].to_vec());
    assert_eq!(
        h.sim.node(sid(3)).unwrap().disk().snapshots,
        vec![Snapshot::initial()]
    );
}

/// Not in spec §11; ZooKeeper's source decides (apache/zookeeper branch-3.8,
/// FileTxnSnapLog.java L283-290): a disk with log entries and no snapshot refuses to
/// start, "No snapshot found, but there are log entries. Something is broken!"
/// (`zookeeper.snapshot.trust.empty` is off by default), and `restore` runs before
/// the epoch checks (QuorumPeer.java L1146 then L1148-1198). The same log after a
/// `snapshot.0` starts and is replayed.
#[test]
fn a_log_without_a_snapshot_refuses_to_start() {
    let t = |c: u32| Txn {
        zxid: z(1, c),
        op: create(&format!("/k{c}"), "v"),
        origin: None,
    };
    let disk = Disk {
        accepted_epoch: Some(Epoch(1)),
        current_epoch: Some(Epoch(1)),
        log: vec![t(1), t(2)],
        flushed: 2,
        ..Disk::default()
    };
    let refusal = StartRefusal::LogWithoutSnapshot {
        first_logged: z(1, 1),
        last_logged: z(1, 2),
    };
    let err = Server::recover(sid(1), Config::new(3, 0), disk.clone()).unwrap_err();
    assert_eq!(err, refusal);
    assert!(
        err.to_string()
            .starts_with("No snapshot found, but there are log entries"),
        "{err}"
    );
    // Refused before the epoch checks: a currentEpoch behind the log changes nothing.
    let behind = Disk {
        current_epoch: Some(Epoch(0)),
        ..disk.clone()
    };
    assert_eq!(
        Server::recover(sid(1), Config::new(3, 0), behind).unwrap_err(),
        refusal
    );
    let with_snapshot_0 = Disk {
        snapshots: vec![Snapshot::initial()],
        ..disk
    };
    let (s, events) = Server::recover(sid(1), Config::new(3, 0), with_snapshot_0).unwrap();
    assert_eq!(
        events,
        vec![ServerEvent::Recovered {
            snapshot: Zxid::ZERO,
            replayed: 2,
            last_zxid: z(1, 2),
        }]
    );
    assert_eq!(s.tree.nodes.len(), 2);
}

/// Spec §4.1, §11: a crash loses the unflushed log tail.
#[test]
fn crash_loses_the_unflushed_tail() {
    let mut h = Harness::new(Config::new(3, 0), 14);
    h.run_until(1500);
    h.act(Action::CrashAt {
        server: sid(1),
        point: zab_core::server::CrashPoint::AfterFsync,
    });
    h.write(3, "/a", "1").run_until(1600);
    // Crashed right after its fsync: the txn is durable on server 1.
    assert!(!h.sim.node(sid(1)).unwrap().is_up());
    assert_eq!(h.log_zxids(1), vec![z(1, 1)]);
    let mut disk = h.sim.node(sid(1)).unwrap().disk().clone();
    disk.append(Txn {
        zxid: z(1, 2),
        op: create("/b", "2"),
        origin: None,
    });
    disk.crash();
    assert_eq!(disk.log.len(), 1, "the unflushed entry is gone");
}

/// Spec §2.1 / ZOOKEEPER-1277: a leader never mints counter 0xffffffff; it shuts
/// down and a new epoch follows.
#[test]
fn zxid_counter_rollover_forces_a_new_epoch() {
    let mut h = Harness::new(Config::new(3, 0), 15);
    h.run_until(1500);
    let node = h.sim.nodes.iter_mut().find(|n| n.id == sid(3)).unwrap();
    let zab_core::server::Role::Leading(leader) = &mut node.server.as_mut().unwrap().role else {
        panic!("server 3 leads at 1.5 s");
    };
    leader.last_proposed = Zxid::new(Epoch(1), Zxid::MAX_COUNTER - 1);
    h.write(3, "/a", "1").run_until(6000);
    assert!(h.server_events(3).iter().any(|(_, e)| {
        matches!(
            e,
            ServerEvent::LeftRole {
                reason: RoleExit::LeaderShutdown(LeaderShutdown::ZxidRollover)
            }
        )
    }));
    let leader = h.sim.leader().expect("a new leader");
    assert_eq!(h.server(leader.0).current_epoch(), Epoch(2));
}

/// Design "determinism": the same configuration, seed and interventions give the
/// same trace, byte for byte; another seed gives another.
#[test]
fn same_seed_same_trace() {
    let run = |seed: u64| {
        let mut h = Harness::new(Config::new(5, 1), seed);
        h.run_until(1000);
        h.write(1, "/a", "1");
        h.act(Action::Crash { server: sid(5) });
        h.run_until(5000);
        h.act(Action::Restart { server: sid(5) });
        h.run_until(8000);
        serde_json::to_string(&h.trace).unwrap()
    };
    assert_eq!(run(21), run(21));
    assert_ne!(run(21), run(22));
}

/// Spec §9 (reads are served locally): a follower the leader cannot reach keeps serving
/// its old state until its read timeout, so a client reading there sees stale data.
#[test]
fn a_cut_off_follower_serves_stale_reads_until_its_timeout() {
    let mut h = Harness::new(Config::new(3, 0), 16);
    h.run_until(1500);
    h.act(Action::Cut {
        from: sid(3),
        to: sid(1),
        both: false,
    });
    h.write(2, "/a", "1").run_until(1700);
    h.act(Action::Read {
        server: sid(1),
        path: "/a".into(),
    });
    h.act(Action::Read {
        server: sid(2),
        path: "/a".into(),
    });
    let reads: Vec<(u32, Option<String>, bool)> = h
        .trace
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::ClientRead {
                server,
                value,
                serving,
                ..
            } => Some((server.0, value.clone(), *serving)),
            _ => None,
        })
        .collect();
    assert_eq!(reads, vec![(1, None, true), (2, Some("1".into()), true)]);
    // After syncLimit*tick without a packet, server 1 gives up and stops serving.
    h.run_until(1500 + h.sim.cfg.timing.sync_timeout_ms() + 300);
    assert!(!h.server(1).is_serving());
}

/// Spec §3 (`snapCount`) and §11 (retention): snapshots every snapCount/2..snapCount
/// logged txns, only `snap_retain_count` kept, the log before the oldest kept snapshot
/// purged, and restart rebuilds the same tree from snapshot + log.
#[test]
fn snapshots_retention_and_recovery() {
    let mut cfg = Config::new(3, 0);
    cfg.storage.snap_count = 6;
    cfg.storage.snap_retain_count = 2;
    let mut h = Harness::new(cfg, 17);
    h.run_until(1500);
    for i in 0..40 {
        h.write(3, &format!("/k{}", i % 7), &i.to_string());
        h.run_until(1500 + 20 * (i + 1));
    }
    h.run_until(3000);
    for i in 1..=3 {
        let disk = h.sim.node(sid(i)).unwrap().disk();
        assert_eq!(disk.snapshots.len(), 2, "server {i} keeps 2 snapshots");
        let oldest = disk.snapshots[0].zxid;
        assert!(
            disk.log.iter().all(|t| t.zxid > oldest),
            "log purged before {oldest}"
        );
        assert_eq!(
            h.history(i).len(),
            40,
            "no txn lost from the durable history of {i}"
        );
        // Snapshots come every 3..6 logged txns (snapCount/2 + rand[0, snapCount/2)):
        // those past 0 (snapshot.0 came at the first start, and the leader's lead()
        // snapshot at 0 replaced it).
        let snaps = h
            .server_events(i)
            .iter()
            .filter(|(_, e)| matches!(e, ServerEvent::Snapshot { zxid } if *zxid > Zxid::ZERO))
            .count();
        assert!(
            (40 / 6..=40 / 3 + 1).contains(&snaps),
            "server {i}: {snaps} snapshots"
        );
    }
    let before = h.server(1).tree.nodes.clone();
    h.act(Action::Crash { server: sid(1) });
    h.act(Action::Restart { server: sid(1) });
    assert_eq!(h.server(1).tree.nodes, before);
}

/// Spec §11 (TRUNC) and §12.3 I14: a SNAP sync's NEWLEADER snapshot purges the log at
/// or below its label, so an older snapshot can no longer be rolled forward by the log.
/// A TRUNC below the label then finds no snapshot (the learner exits, as ZooKeeper's
/// does when its log ends before the truncation point) unless one holds exactly the
/// state at the cut; after that TRUNC, a snapshot at the cut rolls forward again.
#[test]
fn a_snapshot_older_than_a_snap_sync_purge_serves_no_trunc_past_its_label() {
    let t = |c: u32| Txn {
        zxid: z(1, c),
        op: create(&format!("/k{c}"), "v"),
        origin: None,
    };
    let mut disk = Disk::default();
    let mut tree = DataTree::default();
    for c in 1..=4 {
        disk.append(t(c));
        tree.apply(&t(c));
        if c == 2 {
            disk.save_snapshot(&tree, 3);
        }
    }
    disk.flush_all();
    assert!(disk.can_rebuild_at(z(1, 3)), "snapshot 0x100000002 + log");
    // The SNAP image at 0x100000008 replaces the history; its NEWLEADER snapshot
    // purges the log at or below its label.
    for c in 5..=8 {
        tree.apply(&t(c));
    }
    disk.save_snapshot(&tree, 3);
    disk.supersede_upto(z(1, 8));
    assert!(disk.log.is_empty());
    for cut in [3, 4, 7] {
        assert!(disk.snapshot_at_or_below(z(1, cut)).is_none(), "cut {cut}");
        assert!(!disk.can_rebuild_at(z(1, cut)), "cut {cut}");
    }
    // A snapshot holding exactly the state at the cut needs no log.
    assert_eq!(
        disk.snapshot_at_or_below(z(1, 2)).map(|s| s.zxid),
        Some(z(1, 2))
    );
    assert_eq!(
        disk.snapshot_at_or_below(z(1, 8)).map(|s| s.zxid),
        Some(z(1, 8))
    );
    // After a TRUNC to 0x100000002 the log after it is whatever comes next.
    disk.truncate_after(z(1, 2));
    assert_eq!(disk.superseded_upto, z(1, 2));
    disk.append(Txn {
        zxid: z(2, 1),
        op: create("/n", "v"),
        origin: None,
    });
    assert!(disk.can_rebuild_at(z(2, 1)));
}
