//! The four-letter words and alerts of `zab_core::monitor` on the simulator. Each test
//! names the ZooKeeper 3.8 source whose output it checks (apache/zookeeper,
//! zookeeper-server/src/main/java/org/apache/zookeeper/server/...).

use zab_core::client::Request;
use zab_core::monitor::{alerts, ask, Alert, Answer, Mntr, Mode, Word, DEFAULT_MAX_LAG};
use zab_core::sim::{Action, CrashReason, Sim};
use zab_core::{ClientId, Config, ServerId};

const C1: ClientId = ClientId(1);

/// A 3-server cluster where one client, connected to a follower, made an ephemeral
/// znode and left a data watch on a missing one.
fn cluster_with_client() -> (Sim, ServerId, ServerId) {
    let mut sim = Sim::new(Config::new(3, 0), 1, &[]);
    sim.run_until(3_000);
    let leader = sim.leader().expect("a leader by 3 s");
    let follower = (1..=3).map(ServerId).find(|s| *s != leader).unwrap();
    sim.intervene(Action::Connect {
        client: C1,
        servers: vec![follower],
        timeout_ms: 6_000,
    });
    sim.run_until(3_500);
    let request = Request::Create {
        path: "/lock".into(),
        data: "me".into(),
        ephemeral: true,
        sequential: false,
    };
    sim.intervene(Action::Call {
        client: C1,
        request,
    });
    let request = Request::Exists {
        path: "/config".into(),
        watch: true,
    };
    sim.intervene(Action::Call {
        client: C1,
        request,
    });
    sim.run_until(4_500);
    (sim, leader, follower)
}

fn mntr(sim: &Sim, id: ServerId) -> Mntr {
    match ask(sim, id, Word::Mntr) {
        Some(Answer::Mntr(m)) => m,
        other => panic!("server {id}: {other:?}"),
    }
}

/// MonitorCommand + ZooKeeperServer.dumpMonitorValues (`server_state`),
/// DataTree.getEphemeralsCount / getWatchCount, LeaderZooKeeperServer.registerMetrics
/// (`learners`, `synced_followers` on the leader only).
#[test]
fn mntr_reports_each_servers_state_ephemerals_and_watches() {
    let (sim, leader, follower) = cluster_with_client();
    for id in (1..=3).map(ServerId) {
        let m = mntr(&sim, id);
        let want = if id == leader {
            Mode::Leader
        } else {
            Mode::Follower
        };
        assert_eq!(m.server_state, want, "server {id}");
        assert_eq!(
            m.ephemerals_count, 1,
            "server {id}: the txn reached everyone"
        );
        assert_eq!(m.global_sessions, 1, "server {id}");
        // The watch lives at the client's server only (WatchManager is per server).
        let watches = u64::from(id == follower);
        assert_eq!(m.watch_count, watches, "server {id}");
        assert_eq!(m.num_alive_connections, watches, "server {id}");
        // root and /lock
        assert_eq!(m.znode_count, 2, "server {id}");
        assert_eq!(m.approximate_data_size, ("/lock".len() + "me".len()) as u64);
        match m.leader {
            Some(g) => {
                assert_eq!(id, leader);
                assert_eq!((g.learners, g.synced_followers), (2, 2));
            }
            None => assert_ne!(id, leader, "the leader's gauges are missing"),
        }
    }
    let f = mntr(&sim, follower);
    // connect, create, exists and pings arrived; each answered.
    assert!(f.packets_received >= 3 && f.packets_sent >= 3, "{f:?}");
    assert!(
        f.max_latency > 0,
        "the create went to the leader and back: {f:?}"
    );
    let text = f.to_string();
    assert!(text.starts_with("zk_version\t"), "{text}");
    assert!(text.contains("zk_server_state\tfollower\n"), "{text}");
    assert!(
        text.contains("zk_peer_state\tfollowing - broadcast\n"),
        "{text}"
    );
    assert!(text.contains("zk_ephemerals_count\t1\n"), "{text}");
    assert!(!text.contains("zk_learners"), "{text}");
    assert!(mntr(&sim, leader)
        .to_string()
        .contains("zk_synced_followers\t2\n"));
}

/// RuokCommand (`imok`), StatCommand + ServerStats.toString (srvr's lines and
/// `Zxid: 0x…` from Long.toHexString), `stat`'s `Clients:` (dumpConnectionInfo).
#[test]
fn ruok_srvr_and_stat_answer_as_zookeeper_prints() {
    let (sim, leader, follower) = cluster_with_client();
    assert_eq!(ask(&sim, leader, Word::Ruok).unwrap().to_string(), "imok");
    let srvr = ask(&sim, leader, Word::Srvr).unwrap().to_string();
    let lines: Vec<&str> = srvr.lines().collect();
    assert!(lines[0].starts_with("Zookeeper version: "), "{srvr}");
    assert!(lines[1].starts_with("Latency min/avg/max: "), "{srvr}");
    let zxid = sim.server(leader).unwrap().tree.last_processed;
    assert_eq!(lines[6], format!("Zxid: 0x{:x}", zxid.0));
    assert_eq!(lines[7], "Mode: leader");
    assert_eq!(lines[8], "Node count: 2");
    let stat = ask(&sim, follower, Word::Stat).unwrap().to_string();
    assert!(
        stat.contains("Clients:\n /c1[1](queued=0,recved="),
        "{stat}"
    );
    assert!(stat.contains("Mode: follower\n"), "{stat}");
}

/// A crashed process answers nothing (its port is closed); a LOOKING one answers
/// `ruok` (RuokCommand) but not `mntr` (MonitorCommand: ZK_NOT_SERVING).
#[test]
fn a_down_server_does_not_answer_and_a_looking_one_is_not_serving() {
    let (mut sim, leader, follower) = cluster_with_client();
    sim.crash(leader, CrashReason::ByUser);
    for word in Word::ALL {
        assert_eq!(ask(&sim, leader, word), None, "{word:?}");
    }
    // The follower hears the connection close and goes LOOKING.
    while sim.server(follower).unwrap().is_serving() {
        assert!(sim.step(), "the follower never noticed");
    }
    assert_eq!(ask(&sim, follower, Word::Ruok), Some(Answer::Imok));
    assert_eq!(ask(&sim, follower, Word::Mntr), Some(Answer::NotServing));
    assert_eq!(
        ask(&sim, follower, Word::Srvr).unwrap().to_string(),
        "This ZooKeeper instance is not currently serving requests\n"
    );
}

/// The alerts: a server down and the quorum lost at once, then the leader changed
/// once the survivors elect a new one.
#[test]
fn crashing_the_leader_raises_server_down_then_leader_changed() {
    let (mut sim, leader, _) = cluster_with_client();
    assert_eq!(alerts(&sim, DEFAULT_MAX_LAG), vec![]);
    sim.crash(leader, CrashReason::ByUser);
    let now = alerts(&sim, DEFAULT_MAX_LAG);
    assert!(now.contains(&Alert::QuorumLost), "{now:?}");
    assert!(
        now.contains(&Alert::ServerDown { server: leader }),
        "{now:?}"
    );
    let t = sim.now + 5_000;
    sim.run_until(t);
    let new = sim.leader().expect("a new leader");
    let now = alerts(&sim, DEFAULT_MAX_LAG);
    assert!(!now.contains(&Alert::QuorumLost), "{now:?}");
    let changed = now.iter().any(
        |a| matches!(a, Alert::LeaderChanged { from, to, .. } if *from == leader && *to == new),
    );
    assert!(changed, "{now:?}");
}
