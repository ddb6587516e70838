//! What the random-fault sweep found, each as a minimal scenario in `tests/issues/`
//! that `zab-sim run` reproduces: `fixed_*` tests are regressions for simulator, model
//! and checker errors and for ZooKeeper behaviour the baseline departs from (with the
//! reason); `accepted_*` tests pin down behaviour that ZAB itself allows, which the
//! checker therefore does not report.

use serde_json::Value;
use std::process::Command;

/// Runs `tests/issues/NAME` with `--json`; returns the exit status and the report.
fn run_issue(name: &str) -> (Option<i32>, Value) {
    run_issue_with(name, None)
}

/// `zab-sim run tests/issues/NAME --json`, with `--trace FILE` if given.
fn run_issue_with(name: &str, trace: Option<&std::path::Path>) -> (Option<i32>, Value) {
    let path = format!("{}/tests/issues/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zab-sim"));
    cmd.args(["run", &path, "--json"]);
    if let Some(trace) = trace {
        cmd.arg("--trace").arg(trace);
    }
    let o = cmd.output().expect("zab-sim runs");
    let report = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{name}: no JSON report ({e}); stderr: {}",
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (o.status.code(), report)
}

/// Runs `tests/issues/NAME` with `--json` and `--trace`; returns the exit status, the
/// report and the trace events.
fn run_issue_traced(name: &str) -> (Option<i32>, Value, Vec<Value>) {
    let trace = std::env::temp_dir().join(format!(
        "zab-sim-issues-{}-{name}.jsonl",
        std::process::id()
    ));
    let (code, report) = run_issue_with(name, Some(&trace));
    let text = std::fs::read_to_string(&trace).expect("the trace file");
    let _ = std::fs::remove_file(&trace);
    let events = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each trace line is JSON"))
        .collect();
    (code, report, events)
}

/// The time of the first trace event of `server` (a `server` event) at or after
/// `from_ms` whose JSON text contains `needle`.
fn first_server_event(events: &[Value], from_ms: u64, server: u64, needle: &str) -> Option<u64> {
    events
        .iter()
        .filter(|e| e["at_ms"].as_u64().unwrap() >= from_ms)
        .filter(|e| e["type"] == "server" && e["server"] == server)
        .find(|e| e.to_string().contains(needle))
        .map(|e| e["at_ms"].as_u64().unwrap())
}

fn server(r: &Value, id: u64) -> &Value {
    r["servers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap()
}

/// Every server in `ids` holds exactly the history of the report's leader.
fn assert_every_server_holds_the_leaders_history(r: &Value, ids: &[u64]) {
    let leader = r["leader"].as_u64().expect("a leader");
    let expected = &server(r, leader)["history"];
    for id in ids {
        assert_eq!(&server(r, *id)["history"], expected, "server {id}");
    }
}

fn invariants(r: &Value) -> Vec<String> {
    r["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["invariant"].as_str().unwrap().to_string())
        .collect()
}

/// Regression (zab-spec.md §14 E3 and the note under it; §11's startup check): a
/// learner that joins a leader already in a newer epoch logs and fsyncs new-epoch txns
/// at NEWLEADER before it writes currentEpoch; a crash in between (crash point
/// `newleader-after-log`) left `epoch(last zxid) > currentEpoch` and every restart was
/// refused, in ~7% of sweep seeds. ZooKeeper since 3.5 has this window
/// (ZOOKEEPER-2354, open); the baseline applies its proposed fix, the updatingEpoch
/// marker of 3.4.6, and the unfixed behaviour is bug mode ZK-1653.
#[test]
fn fixed_crash_between_newleader_fsync_and_epoch_write() {
    let (code, r) = run_issue("e3-newleader-after-log.json");
    assert_eq!(code, Some(0), "no violation: {:?}", invariants(&r));
    let s1 = server(&r, 1);
    assert_eq!(s1["up"], true, "{s1}");
    assert_eq!(s1["current_epoch"], 2);
    assert_eq!(s1["history"], server(&r, 3)["history"]);
}

/// Regression (spec §11 TRUNC, §14 S17; FileTxnSnapLog.save names a snapshot
/// `snapshot.<zxid>`): a server that tries to lead several times at the same last zxid
/// writes the same snapshot file each time (ZooKeeperServer.loadData). The model kept
/// them as separate snapshots, so retention purged the older snapshot that a later
/// TRUNC below that zxid needs, and the server exited ("cannot truncate the log"), in
/// ~50 of 100 000 sweep seeds. Fixed: a snapshot with the same label replaces the file.
#[test]
fn fixed_repeated_lead_snapshots_do_not_purge_the_trunc_base() {
    let (code, r) = run_issue("repeated-lead-snapshots.json");
    assert_eq!(code, Some(0), "no violation: {:?}", invariants(&r));
    let s3 = server(&r, 3);
    assert_eq!(s3["phase"], "BROADCAST", "{s3}");
    assert_eq!(s3["history"], server(&r, 2)["history"]);
    assert!(
        r["syncs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["leader"] == 2 && s["follower"] == 3 && s["mode"] == "TRUNC"),
        "server 3 is TRUNCated: {}",
        r["syncs"]
    );
}

/// Regression in the checker (spec §12.2 lastC, §8.2; Learner.syncWithLeader serves
/// nobody before UPTODATE): a learner applies a DIFF's committed txns in memory at
/// NEWLEADER, but they are delivered only when the leader's epoch is active. Here the
/// epoch-3 leader DIFF-syncs observer 4 with an old txn nobody committed and crashes
/// before UPTODATE; epoch 4 skips the txn. The checker counted it as delivered and
/// reported I9h (8 of 100 000 sweep seeds). Fixed: a learner's lastC moves only in
/// BROADCAST. (Observer 4 crashes and restarts just before the heal so that it follows
/// leader 1 in time, since restarted servers get their peers' newest notifications on
/// reconnect; with the old checker this run still reports I9h, I3 and I5.)
#[test]
fn fixed_txns_applied_during_a_sync_are_not_delivered_before_uptodate() {
    let (code, r) = run_issue("sync-applied-before-uptodate.json");
    assert_eq!(code, Some(0), "no violation: {:?}", invariants(&r));
    let s4 = server(&r, 4);
    // The situation happened: observer 4 holds the txn, applied, and never served it.
    assert_eq!(s4["last_logged_zxid"], "0x200000001", "{s4}");
    assert_eq!(s4["data"]["/d"], "w49");
    assert_ne!(s4["phase"], "BROADCAST");
    let leader = server(&r, 2);
    assert_eq!(leader["phase"], "BROADCAST");
    let skipped = leader["history"].as_array().unwrap();
    assert!(!skipped.iter().any(|z| z == "0x200000001"), "{skipped:?}");
}

/// Regression (spec §8.1, §8.2): after a SNAP sync a learner's older log entries
/// belonged to a superseded history while the SNAP contents were only in its snapshot,
/// so its log had a hole; once leader it DIFFed a lagging follower "from the txn log"
/// across the hole and the follower reached BROADCAST without six committed txns.
/// Fixed: the SNAP-sync NEWLEADER snapshot purges the log (entries of the replaced
/// history), so a DIFF from disk never reads across a hole (it falls back to SNAP).
#[test]
fn fixed_diff_from_a_txn_log_with_a_hole() {
    let (code, r) = run_issue("diff-across-log-hole.json");
    assert_eq!(code, Some(0), "no violation: {:?}", invariants(&r));
    assert_every_server_holds_the_leaders_history(&r, &[1, 2, 3]);
}

/// Regression (spec §8.2, §9.4): an INFORM the leader forwards to an observer between
/// NEWLEADER and UPTODATE was rejected; ZooKeeper's Learner.syncWithLeader takes it as
/// a PROPOSAL plus its COMMIT. Fixed: the observer queues it like one.
#[test]
fn fixed_inform_between_newleader_and_uptodate() {
    let (code, r) = run_issue("inform-before-uptodate.json");
    assert_eq!(code, Some(0), "no violation: {:?}", invariants(&r));
    assert_eq!(server(&r, 4)["state"], "OBSERVING");
    assert_eq!(server(&r, 4)["history"], server(&r, 3)["history"]);
}

/// Accepted (liveness, spec §7.3, §12.5 L2), faithful to ZooKeeper's
/// `Learner.registerWithLeader` and Zab's phase 1 (a follower never takes back the
/// promise of its acceptedEpoch): server 2 twice persists a bumped acceptedEpoch as a
/// leader candidate and crashes before LEADERINFO (crash point
/// `leader-after-accepted-epoch`); servers 1 and 3 then establish epoch 3 without it.
/// Server 2 (acceptedEpoch 4) rejects LEADERINFO(3) every ~200 ms until the leader
/// changes: ZAB promises it can join only a later leader, so L2 exempts a server whose
/// acceptedEpoch is above the leader's epoch (the run is clean). Sweeps reach it
/// without a crash point too (seed 67920): a candidate persists acceptedEpoch at its
/// FOLLOWERINFO quorum, that follower crashes, and the candidate times out in
/// waitForEpochAck; the other two then establish a lower epoch.
#[test]
fn accepted_a_server_whose_accepted_epoch_is_ahead_waits_for_the_next_leader() {
    let (code, r) = run_issue("accepted-epoch-ahead.json");
    assert_eq!(code, Some(0), "L2 exempts it: {:?}", invariants(&r));
    let leader = r["leader"].as_u64().expect("a leader");
    let epoch = server(&r, leader)["current_epoch"].as_u64().unwrap();
    let s2 = server(&r, 2);
    assert_eq!(s2["up"], true);
    assert_ne!(s2["phase"], "BROADCAST", "{s2}");
    assert!(s2["accepted_epoch"].as_u64().unwrap() > epoch, "{s2}");
}

/// Regression (spec §9.2, §10; ZK-4712's fix): a follower may apply a COMMIT for a txn
/// still queued in its Sync thread behind an fsync. Leaving the role used to drop that
/// queue, so the database held a txn the log did not (a permanent hole after the next
/// DIFF). ZooKeeper's SyncRequestProcessor.shutdown flushes what is queued before it
/// stops; so does the simulator now.
#[test]
fn fixed_sync_queue_is_flushed_on_role_exit() {
    let (code, r) = run_issue("sync-queue-on-role-exit.json");
    assert_eq!(code, Some(0), "no violation: {:?}", invariants(&r));
}

/// Regression (design "Dropping a packet on a quorum connection breaks that
/// connection"): a dropped CONNECT left the learner waiting forever; the connect now
/// times out (initLimit ticks) and is retried.
#[test]
fn fixed_a_dropped_connect_times_out_and_is_retried() {
    let (code, r) = run_issue("dropped-connect.json");
    assert_eq!(code, Some(0), "no violation: {:?}", invariants(&r));
    assert_eq!(server(&r, 1)["phase"], "BROADCAST");
}

/// Regression (TCP is FIFO, spec §5.2): after a dropped DIFF the NEWLEADER behind it
/// was still delivered; a drop now breaks the stream so nothing after it gets through.
#[test]
fn fixed_nothing_passes_a_dropped_packet_on_a_connection() {
    let (code, r) = run_issue("dropped-diff.json");
    assert_eq!(code, Some(0), "no violation: {:?}", invariants(&r));
}

/// Regression, checker (spec §12.3 I11 "F.leader == L"; ZooKeeper's
/// FastLeaderElection.checkLeader lets a restarted server that finds its followers
/// still FOLLOWING it in the same election round lead again at once): leader 3
/// crashes right after sending a PROPOSAL (crash point `leader-after-propose`), its
/// CLOSE is lost and it restarts and is elected again within ~30 ms, while servers 1
/// and 2 still follow its previous leadership of epoch 1 until their read timeout. I11
/// compared their logs (holding the PROPOSAL) with the new leadership's, in DISCOVERY,
/// and reported a divergence (4 seeds of 100 000, issue #5). Fixed: a learner is
/// judged against its leader only while the epoch it got in LEADERINFO is the one that
/// leader's role proposes (every leadership proposes an epoch above its acceptedEpoch,
/// Leader.getEpochToPropose).
#[test]
fn fixed_a_learner_is_not_judged_against_a_later_leadership_of_its_leader() {
    let (code, r) = run_issue("learner-of-a-previous-leadership.json");
    assert_eq!(code, Some(0), "no violation: {:?}", invariants(&r));
    assert_every_server_holds_the_leaders_history(&r, &[1, 2, 3]);
}

/// Regression (spec §11's TRUNC caveat and §14 S17, ZOOKEEPER-4837): leader 3 logs
/// `create /b` alone, wins the next election on it and `lead()` snapshots it
/// (ZooKeeperServer.loadData), then crashes before LEADERINFO. Leader 2 TRUNCs it to
/// 0x100000001. The candidate fix (432578d3f) reloads from the newest snapshot at or
/// below that point but left the newer snapshot on disk, and a restart loads the
/// highest-zxid snapshot (FileSnap.deserialize, Util.sortDataDir): server 3 served a
/// `/b` the ensemble never committed (sweep seeds 26175, 27637 of 100 000; ~1.8% of
/// seeds once snapshots are ordered by zxid as ZooKeeper orders them). Fixed in the
/// baseline: TRUNC deletes the snapshots past the cut. Bug mode ZK-4837 is ZooKeeper
/// as released (static/bugs/ZK-4837.json is this scenario).
#[test]
fn fixed_a_snapshot_newer_than_the_trunc_point_is_deleted() {
    let (code, r) = run_issue("snapshot-newer-than-trunc.json");
    assert_eq!(code, Some(0), "no violation: {:?}", invariants(&r));
    let s3 = server(&r, 3);
    assert!(s3["data"]["/b"].is_null(), "{s3}");
    assert_eq!(s3["history"], server(&r, 2)["history"]);
    assert!(
        s3["snapshots"]
            .as_array()
            .unwrap()
            .iter()
            .all(|z| z.as_str().unwrap() != "0x100000002"),
        "{s3}"
    );
}

/// Regression (spec §11 TRUNC semantics, §12.3 I14, §12.4 T1, §12.5 L3; ZooKeeper's
/// `Learner.syncWithLeader` TRUNC case, `ZKDatabase.truncateLog`, `FileTxnLog.truncate`):
/// a learner SNAP-synced at 0x100000010 purges its log (its entries belong to the
/// history the image replaced), crashes before currentEpoch, restarts from the SNAP
/// snapshot and is TRUNCated to 0x10000000f by a leader that never had 0x100000010.
/// The reload once took the older snapshot 0x10000000b, whose following log entries
/// were purged, and labelled the result 0x10000000f: its NEWLEADER snapshot lacked
/// committed 0x10000000c (I14, T1, then I3/I5 in the sweep). Then no snapshot served
/// the TRUNC and the learner exited, as ZooKeeper's does here (its log ends at
/// 0x10000000c, before the truncation point, so `FileTxnLog.truncate` throws and the
/// learner exits with QUORUM_PACKET_ERROR, at every restart until the leader's
/// history passes 0x100000010: L3 in 11 sweep seeds of 100 000). Now it keeps its
/// data, marks its disk (needsFullSync), goes back to LOOKING, reports last zxid 0 at
/// its next sync, is sent a SNAP and ends with the leader's history.
#[test]
fn fixed_a_learner_that_cannot_truncate_asks_for_a_full_sync() {
    let (code, r, trace) = run_issue_traced("trunc-below-snap-sync-snapshot.json");
    assert_eq!(code, Some(0), "no violation: {:?}", invariants(&r));
    let gave_up = trace
        .iter()
        .find(|e| {
            e["server"] == 2
                && e["event"]["kind"] == "left_role"
                && e["event"]["reason"]
                    .as_str()
                    .unwrap()
                    .contains("cannot truncate the log to 0x10000000f")
        })
        .expect("server 2 gives up the TRUNC");
    let at = gave_up["at_ms"].as_u64().unwrap();
    let next_sync = trace
        .iter()
        .find(|e| {
            e["at_ms"].as_u64().unwrap() > at
                && e["event"]["kind"] == "sync_chosen"
                && e["event"]["learner"] == 2
        })
        .expect("server 2 syncs again");
    assert_eq!(next_sync["event"]["peer_last_zxid"], "0x0", "{next_sync}");
    assert_eq!(next_sync["event"]["mode"], "SNAP", "{next_sync}");
    let s2 = server(&r, 2);
    assert_eq!(
        (&s2["up"], &s2["phase"]),
        (&Value::from(true), &Value::from("BROADCAST"))
    );
    assert_every_server_holds_the_leaders_history(&r, &[2]);
}

/// Regression (spec §3 "Sockets on both sides use read timeout initLimit*T until the
/// NEWLEADER-ACK is processed, then syncLimit*T", §7.2, §10). ZooKeeper's
/// `Leader.LearnerCnxAcceptor.LearnerCnxAcceptorHandler.acceptConnections` sets
/// `soTimeout = tickTime * initLimit` on the accepted socket (Leader.java L568-570);
/// `LearnerHandler.run` lowers it to `syncLimit*T` once `waitForNewLeaderAck` returns
/// (LearnerHandler.java L640-641); a read that times out ends `run()`, which closes the
/// socket, and `shutdown()` removes the handler from the leader's learners
/// (LearnerHandler.java L719-738, L1044-1058). Learner 1 connects to leader 3 at
/// 4738 ms and the link is cut before its FOLLOWERINFO. The simulator modelled the read
/// timeout only as the leader's tick deadline, which counts from BROADCAST (5576 ms):
/// the handler counted as synced until ~8600 ms and server 3 stayed LEADING in epoch 2
/// after epoch 3 was established elsewhere. Now the handler's read times out at
/// 6738 ms; learner 2's handler timed out its read already (syncLimit*T after its last
/// packet), so the leader's next quorum check (6776 ms) finds only itself and shuts
/// down; server 3 is then elected again and leads epoch 3 with server 1.
#[test]
fn fixed_a_handler_whose_learner_sends_nothing_times_out_its_read_before_broadcast() {
    let (code, r, events) = run_issue_traced("handler-read-timeout-before-broadcast.json");
    assert_eq!(code, Some(0), "no violation: {:?}", invariants(&r));
    // The scenario's timing: tick 200 ms, initLimit 10.
    let init_timeout = 200 * 10;
    let accepted = events
        .iter()
        .find(|e| {
            e["type"] == "packet_sent"
                && e["from"] == 3
                && e["to"] == 1
                && e["packet"] == "CONNECTED"
                && e["at_ms"].as_u64() > Some(4000)
        })
        .map(|e| e["at_ms"].as_u64().unwrap())
        .expect("leader 3 accepts learner 1's connection");
    assert_eq!(accepted, 4738);
    let broadcast = r["elections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["leader"] == 3 && e["epoch"] == 2)
        .and_then(|e| e["at_ms"].as_u64())
        .expect("leader 3 reaches BROADCAST in epoch 2");
    assert!(broadcast < accepted + init_timeout, "{broadcast}");
    let timed_out =
        first_server_event(&events, accepted, 3, "read timeout: nothing from learner 1")
            .expect("leader 3's handler of learner 1 times out its read");
    assert_eq!(timed_out, accepted + init_timeout);
    let left = first_server_event(
        &events,
        accepted,
        3,
        "leader shutdown: not sufficient followers synced",
    )
    .expect("leader 3 shuts down");
    assert!(timed_out < left && left <= 6900, "left the role at {left}");
    let epoch3 = r["elections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["epoch"] == 3)
        .expect("epoch 3 is established");
    assert!(epoch3["at_ms"].as_u64().unwrap() > left, "{epoch3}");
    let s3 = server(&r, 3);
    assert_eq!(s3["current_epoch"], 3, "{s3}");
    assert_every_server_holds_the_leaders_history(&r, &[1, 2, 3]);
}

/// Regression (spec §5.1 "on (re)connect the last sent message is re-sent", §13.5, §6.1
/// `look_for_leader`; ZooKeeper's `QuorumCnxManager`: `toSend` puts a notification in
/// the peer's send queue, capacity 1, newest wins, and calls `connectOne`;
/// `SendWorker.run` first sends, on every new connection, the queued notification or,
/// if the queue is empty, `lastMessageSent`). Server 3 is LOOKING alone and its
/// notifications to the down servers 1 and 2 are lost. Server 1 restarts at 3100 ms
/// into the same round 1, with a vote that loses to 3's. `FastLeaderElection.lookForLeader`
/// on 3 records a same-round vote that does not beat its own without answering, and
/// every polled notification restarts its poll (`recvqueue.poll(notTimeout)`), so 1's
/// re-sends, at most 3.2 s apart, kept restarting 3's 3.2 s poll timeout: the simulator,
/// which forgot a notification to a down server, had elected nobody by 12 s (sweep seed
/// 900957 failed L1 the same way, a third server's re-sends restarting the timeouts).
/// Now 3's newest notification for 1 goes out when 1 comes up: 1 adopts 3's vote before
/// its own first re-send and 3 leads within a second.
#[test]
fn fixed_a_restarted_server_hears_a_running_peers_vote_on_reconnect() {
    let (code, r, events) = run_issue_traced("restarted-server-hears-peers-vote.json");
    assert_eq!(code, Some(0), "no violation: {:?}", invariants(&r));
    let restart = 3100;
    let adopted = events
        .iter()
        .filter(|e| e["at_ms"].as_u64().unwrap() >= restart)
        .find(|e| {
            e["type"] == "server"
                && e["server"] == 1
                && e["event"]["kind"] == "vote"
                && e["event"]["vote"]["leader"] == 3
        })
        .map(|e| e["at_ms"].as_u64().unwrap())
        .expect("server 1 adopts server 3's vote");
    // minNotificationInterval (200 ms) after its restart 1 would re-send on its own.
    assert!(adopted < restart + 200, "adopted at {adopted}");
    let broadcast = r["elections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["leader"] == 3 && e["epoch"] == 1)
        .and_then(|e| e["at_ms"].as_u64())
        .expect("leader 3 reaches BROADCAST in epoch 1");
    assert!(broadcast < restart + 1000, "BROADCAST at {broadcast}");
    assert_eq!(server(&r, 1)["phase"], "BROADCAST");
}

/// Regression (spec §5.1, §13.5; ZooKeeper's `QuorumCnxManager`: the send queues
/// `queueSendMap` and `lastMessageSent` are fields of the running process, so a crash
/// loses them and a restarted server starts with empty queues). Server 3's
/// notifications to 1 are held on the cut link 3->1; 3 crashes, restarts and the link
/// heals 1 ms after the restart, before the new incarnation's first notifications have
/// arrived. The heal must re-send nothing from 3: its held notification died with the
/// crashed incarnation (the simulator used to send it when the link healed).
#[test]
fn fixed_a_crashed_servers_held_notification_is_not_resent() {
    let (code, r, events) = run_issue_traced("crashed-sender-held-notification.json");
    assert_eq!(code, Some(0), "no violation: {:?}", invariants(&r));
    let (crash, restart, heal) = (1000, 1100, 1101);
    let sent_3_to_1 = |e: &&Value| {
        e["type"] == "packet_sent"
            && e["from"] == 3
            && e["to"] == 1
            && e["packet"] == "NOTIFICATION"
    };
    let held_before_crash = events
        .iter()
        .filter(sent_3_to_1)
        .any(|e| e["at_ms"].as_u64().unwrap() < crash);
    assert!(held_before_crash, "3 addressed 1 over the cut link");
    let resent: Vec<u64> = events
        .iter()
        .filter(sent_3_to_1)
        .map(|e| e["at_ms"].as_u64().unwrap())
        .filter(|at| (crash..=heal).contains(at) && *at != restart)
        .collect();
    assert!(
        resent.is_empty(),
        "sent by no live incarnation at {resent:?}"
    );
    // The new incarnation's own notifications still arrive, and 3 joins the ensemble.
    assert_ne!(server(&r, 3)["phase"], "LOOKING");
}
