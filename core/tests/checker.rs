//! The invariant checker (spec §12): clean runs of the baseline report nothing, and
//! every invariant fires when the state really breaks it. Each test names the spec
//! section it checks.
//!
//! Breaking tests build a real simulation, run it to a steady state, then corrupt
//! server fields (the servers' state is public) to create exactly the broken situation,
//! and call [`Checker::recheck`], the entry point for callers that edit a simulation
//! directly. Ghost-only invariants (I2, I16) are fed the trace event that breaks them.

use zab_core::check::{Checker, Complaint, Detail, TxnAt, Violation, INVARIANTS};
use zab_core::server::{CrashPoint, HaltReason, Phase, Server, ServerEvent, WriteResult};
use zab_core::sim::{Action, CrashReason, Sim, TraceEvent, TraceKind};
use zab_core::storage::Snapshot;
use zab_core::tree::DataTree;
use zab_core::txn::{Op, Txn};
use zab_core::{Bug, Config, Epoch, ServerId, Time, Zxid};

/// A simulation with a checker watching every step.
struct Harness {
    sim: Sim,
    ck: Checker,
    found: Vec<Violation>,
}

impl Harness {
    fn new(cfg: Config, seed: u64) -> Harness {
        let sim = Sim::new(cfg.clone(), seed, &[]);
        let ck = Checker::new(&cfg);
        let mut h = Harness {
            sim,
            ck,
            found: Vec::new(),
        };
        h.observe();
        h
    }

    fn observe(&mut self) {
        let events = self.sim.take_trace();
        let v = self.ck.observe(&self.sim, &events);
        self.found.extend(v);
    }

    /// Runs every event up to `t`, showing each step to the checker.
    fn run_until(&mut self, t: Time) {
        while self.sim.next_time().is_some_and(|n| n <= t) {
            self.sim.step();
            self.observe();
        }
        self.sim.run_until(t);
    }

    fn at(&mut self, t: Time, action: Action) {
        self.sim.schedule(t, action);
    }

    fn write(&mut self, t: Time, server: u32, path: &str, data: &str) {
        self.at(
            t,
            Action::Write {
                server: ServerId(server),
                op: Op::Set {
                    path: path.into(),
                    data: data.into(),
                },
            },
        );
    }

    fn finish(&mut self) {
        let v = self.ck.finish(&self.sim);
        self.found.extend(v);
    }

    /// Re-checks after a direct edit; returns (and records) what it found.
    fn recheck(&mut self) -> Vec<Violation> {
        let v = self.ck.recheck(&self.sim);
        self.found.extend(v.clone());
        v
    }

    fn feed(&mut self, kind: TraceKind) -> Vec<Violation> {
        let ev = TraceEvent {
            at_ms: self.sim.now,
            kind,
        };
        let v = self.ck.observe(&self.sim, &[ev]);
        self.found.extend(v.clone());
        v
    }

    fn srv(&mut self, id: ServerId) -> &mut Server {
        self.sim.nodes[id.0 as usize - 1]
            .server
            .as_mut()
            .expect("server up")
    }

    fn leader(&self) -> ServerId {
        self.sim.leader().expect("a leader in BROADCAST")
    }

    /// A follower in BROADCAST.
    fn follower(&self) -> ServerId {
        self.sim
            .nodes
            .iter()
            .filter_map(|n| n.server.as_ref())
            .find(|s| s.learner().is_some() && s.phase() == Phase::Broadcast)
            .map(|s| s.id)
            .expect("a follower in BROADCAST")
    }
}

fn ids(v: &[Violation]) -> Vec<&str> {
    v.iter().map(|x| x.invariant.as_str()).collect()
}

/// The violation of invariant `id`, or a failure listing what was found.
fn get<'a>(v: &'a [Violation], id: &str) -> &'a Violation {
    v.iter().find(|x| x.invariant == id).unwrap_or_else(|| {
        panic!(
            "{id} did not fire; found {:#?}",
            v.iter()
                .map(|x| format!("{} {}: {}", x.invariant, x.name, x.detail))
                .collect::<Vec<_>>()
        )
    })
}

fn assert_clean(v: &[Violation], what: &str) {
    assert!(
        v.is_empty(),
        "{what}: {:#?}",
        v.iter()
            .map(|x| format!(
                "{} {} at {} ms {:?}: {}",
                x.invariant, x.name, x.at_ms, x.servers, x.detail
            ))
            .collect::<Vec<_>>()
    );
}

/// Logs keep every txn (no periodic snapshot), so corrupting them is easy to reason about.
fn cfg(n: u32) -> Config {
    let mut c = Config::new(n, 0);
    c.storage.snap_count = 100_000;
    c
}

/// A cluster in BROADCAST with five committed writes `0x100000001..0x100000005` on every
/// server, and nothing reported.
fn steady(n: u32) -> Harness {
    let mut h = Harness::new(cfg(n), 1);
    for k in 0..5u32 {
        h.write(
            2000 + 100 * k as Time,
            1 + k % n,
            &format!("/k{k}"),
            &k.to_string(),
        );
    }
    h.run_until(3500);
    assert_clean(&h.found, "steady state");
    assert_eq!(h.ck.committed().len(), 5);
    h
}

/// `steady(3)`, then the leader crashes and a new one (epoch 2) commits two more writes;
/// the old leader stays down.
fn two_epochs() -> Harness {
    let mut h = steady(3);
    let old = h.leader();
    h.at(3600, Action::Crash { server: old });
    h.run_until(5000);
    let l = h.leader();
    assert_ne!(l, old);
    h.write(5000, l.0, "/e2", "a");
    h.write(5100, l.0, "/e2", "b");
    h.run_until(6500);
    assert_clean(&h.found, "two epochs");
    assert_eq!(h.ck.committed().len(), 7);
    h
}

fn set(path: &str, data: &str, zxid: Zxid) -> Txn {
    Txn {
        zxid,
        op: Op::Set {
            path: path.into(),
            data: data.into(),
        },
        origin: None,
    }
}

fn z(e: u32, c: u32) -> Zxid {
    Zxid::new(Epoch(e), c)
}

/// Position of `zxid` in a server's log.
fn log_pos(s: &Server, zxid: Zxid) -> usize {
    s.disk
        .log
        .iter()
        .position(|t| t.zxid == zxid)
        .unwrap_or_else(|| panic!("{zxid} not in the log of server {}", s.id))
}

// ---- (a) clean runs of the baseline ---------------------------------------------

/// Spec §12.3-§12.5: 3- and 5-server clusters with writes, a leader crash and restart, a
/// minority partition with the leader in it and its heal: no invariant breaks, and the
/// end-of-run liveness checks pass.
#[test]
fn clean_runs_report_nothing() {
    for n in [3u32, 5] {
        for seed in 1..=3u64 {
            let mut h = Harness::new(Config::new(n, 0), seed);
            for k in 0..150u32 {
                let t = 1000 + 100 * k as Time;
                h.write(t, 1 + k % n, &format!("/k{}", k % 7), &k.to_string());
            }
            h.run_until(4000);
            let leader = h.leader();
            h.at(4000, Action::Crash { server: leader });
            h.at(7000, Action::Restart { server: leader });
            h.run_until(9000);
            // The current leader plus a minority-1 of followers on one side.
            let leader = h.leader();
            let mut small = vec![leader];
            small.extend(
                (1..=n)
                    .map(ServerId)
                    .filter(|s| *s != leader)
                    .take((n as usize - 1) / 2 - 1),
            );
            let big: Vec<ServerId> = (1..=n)
                .map(ServerId)
                .filter(|s| !small.contains(s))
                .collect();
            h.at(
                9000,
                Action::Partition {
                    groups: vec![small, big],
                },
            );
            h.at(13000, Action::Heal);
            h.run_until(30000);
            h.finish();
            assert_clean(&h.found, &format!("{n} servers, seed {seed}"));
            assert!(
                h.sim.elections.len() >= 3,
                "{n}/{seed}: {:?}",
                h.sim.elections
            );
            let committed = h.ck.committed().len();
            assert!(committed >= 100, "{n}/{seed}: only {committed} committed");
        }
    }
}

/// Tiny xorshift for the fault sweep (the test's own randomness, seeded).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Spec §12.3-§12.5: random crashes, restarts, isolations, partitions, one-way cuts and
/// crash points (all but the two NEWLEADER ones, see `e3_...` below) under a steady write
/// load, then heal and restart everything: nothing is reported. Observers and user packet
/// drops are left out: both expose simulator issues the checker reports (see the report).
#[test]
fn random_fault_sweep_reports_nothing() {
    let points: Vec<CrashPoint> = CrashPoint::ALL
        .into_iter()
        .filter(|p| {
            !matches!(
                p,
                CrashPoint::NewLeaderAfterSnapshot | CrashPoint::NewLeaderAfterLog
            )
        })
        .collect();
    let mut elections = 0;
    for seed in 1..=6u64 {
        for n in [3u32, 5] {
            let mut h = Harness::new(Config::new(n, 0), seed);
            let mut r = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
            let mut t: Time = 1000;
            let mut k = 0u32;
            while t < 25_000 {
                let s = ServerId(1 + r.below(n as u64) as u32);
                k += 1;
                h.write(t, s.0, &format!("/k{}", k % 5), &k.to_string());
                if r.below(4) == 0 {
                    let action = match r.below(8) {
                        0 => Action::Crash { server: s },
                        1 | 2 => Action::Restart { server: s },
                        3 => Action::Isolate { server: s },
                        4 => Action::Heal,
                        5 => Action::CrashAt {
                            server: s,
                            point: points[r.below(points.len() as u64) as usize],
                        },
                        6 => Action::Partition {
                            groups: vec![
                                vec![s],
                                (1..=n).map(ServerId).filter(|x| *x != s).collect(),
                            ],
                        },
                        _ => Action::Cut {
                            from: s,
                            to: ServerId(1 + (s.0 % n)),
                            both: r.below(2) == 0,
                        },
                    };
                    h.at(t, action);
                }
                t += 50 + r.below(250);
            }
            h.at(25_000, Action::Heal);
            for i in 1..=n {
                h.at(
                    25_000,
                    Action::Restart {
                        server: ServerId(i),
                    },
                );
            }
            h.run_until(40_000);
            h.finish();
            assert_clean(&h.found, &format!("sweep seed {seed}, {n} servers"));
            assert!(!h.ck.committed().is_empty());
            elections += h.sim.elections.len();
        }
    }
    assert!(elections >= 30, "the faults forced elections: {elections}");
}

/// The checker also copes with steps whose events it does not get (trace recording off
/// for a while): it re-reads every server and reports no false violation.
#[test]
fn missing_trace_events_cause_no_false_report() {
    let mut h = Harness::new(Config::new(3, 0), 4);
    for k in 0..40u32 {
        h.write(1000 + 100 * k as Time, 1 + k % 3, "/a", &k.to_string());
    }
    h.run_until(2000);
    h.sim.record = false;
    h.run_until(3500);
    h.sim.record = true;
    h.run_until(8000);
    h.finish();
    assert_clean(&h.found, "recording off for 1.5 s");
    assert!(h.ck.committed().len() >= 30);
}

/// The catalogue lists every id the checker reports, in spec order.
#[test]
fn catalogue_lists_every_invariant() {
    let ids: Vec<&str> = INVARIANTS.iter().map(|i| i.id).collect();
    assert_eq!(
        ids,
        [
            "I1", "I2", "I3", "I4", "I5", "I6", "I7", "I8", "I9", "I9h", "I10", "I11", "I12",
            "I13", "I14", "I15", "I16", "T1", "T2", "T3", "L1", "L2", "L3", "L4", "C1", "C2", "C3",
            "C4", "C5"
        ]
    );
    assert_eq!(INVARIANTS[10].name, "LeaderLogCompleteness");
}

// ---- (b) each state invariant fires when the state breaks it (spec §12.3) ----------

/// I1 Leadership1: a follower turned into a second leader of the same epoch.
#[test]
fn i1_two_leaders_in_one_epoch() {
    let mut h = steady(3);
    let (l, f) = (h.leader(), h.follower());
    let role = h.srv(l).role.clone();
    h.srv(f).role = role;
    let v = h.recheck();
    let x = get(&v, "I1");
    let mut both = vec![l, f];
    both.sort();
    assert_eq!(x.servers, both);
    assert_eq!(x.name, "Leadership1");
}

/// I2 Leadership2: a second server establishes the epoch the leader established.
#[test]
fn i2_epoch_established_twice() {
    let mut h = steady(3);
    let (l, f) = (h.leader(), h.follower());
    let v = h.feed(TraceKind::Server {
        server: f,
        event: ServerEvent::Established { epoch: Epoch(1) },
    });
    let x = get(&v, "I2");
    let mut both = vec![l, f];
    both.sort();
    assert_eq!(x.servers, both);
}

/// I3 PrefixConsistency, I4 Integrity, I5 Agreement, I15 ZxidUniqueness: a follower's
/// committed txn 0x100000003 is replaced by another txn with the same zxid.
#[test]
fn i3_i4_i5_i15_a_committed_txn_replaced_on_a_follower() {
    let mut h = steady(3);
    let f = h.follower();
    let s = h.srv(f);
    let p = log_pos(s, z(1, 3));
    s.disk.log[p] = set("/evil", "x", z(1, 3));
    let v = h.recheck();
    assert!(get(&v, "I3").servers.contains(&f));
    let evil = TxnAt::of(&set("/evil", "x", z(1, 3)));
    assert!(
        matches!(&*get(&v, "I3").detail, Detail::CommittedDisagree { a_txn, b_txn, .. } if *a_txn == evil || *b_txn == evil),
        "{:?}",
        get(&v, "I3").detail
    );
    assert_eq!(get(&v, "I4").servers, vec![f]);
    assert!(get(&v, "I5").servers.contains(&f));
    assert_eq!(get(&v, "I15").servers, vec![f]);
}

/// I6 TotalOrder and I7 LocalPrimaryOrder: a follower holds two committed txns swapped.
#[test]
fn i6_i7_two_committed_txns_swapped_on_a_follower() {
    let mut h = steady(3);
    let f = h.follower();
    let s = h.srv(f);
    let p = log_pos(s, z(1, 2));
    s.disk.log.swap(p, p + 1);
    let v = h.recheck();
    assert!(get(&v, "I6").servers.contains(&f));
    let i7 = get(&v, "I7");
    assert!(i7.servers.contains(&f));
    assert!(
        matches!(&*i7.detail, Detail::DeliveredWithoutPrevious { previous, .. } if previous.zxid == z(1, 2)),
        "{:?}",
        i7.detail
    );
    assert!(
        !ids(&v).contains(&"I5"),
        "the same txns, only reordered: {:?}",
        ids(&v)
    );
}

/// I8 GlobalPrimaryOrder: a follower delivers an epoch-2 txn before an epoch-1 one.
#[test]
fn i8_newer_epoch_delivered_first() {
    let mut h = two_epochs();
    let f = h.follower();
    let s = h.srv(f);
    let p = log_pos(s, z(2, 1));
    s.disk.log.swap(p - 1, p);
    let v = h.recheck();
    let x = get(&v, "I8");
    assert_eq!(x.servers, vec![f]);
    assert!(
        matches!(&*x.detail, Detail::DeliveredEpochsOutOfOrder { newer, .. } if newer.zxid == z(2, 1)),
        "{:?}",
        x.detail
    );
}

/// I9 PrimaryIntegrity (state form) and I9h (history form): a follower of the epoch-2
/// leader delivered an epoch-1 txn that the leader never delivered.
#[test]
fn i9_i9h_old_epoch_txn_the_leader_skipped() {
    let mut h = two_epochs();
    let (l, f) = (h.leader(), h.follower());
    let s = h.srv(f);
    let p = log_pos(s, z(1, 4));
    s.disk.log[p] = set("/ghost", "1", z(1, 4));
    let v = h.recheck();
    let mut both = vec![l, f];
    both.sort();
    assert_eq!(get(&v, "I9").servers, both);
    assert_eq!(get(&v, "I9h").servers, both);
}

/// I10 LeaderLogCompleteness: the leader's log loses committed txn 0x100000002.
#[test]
fn i10_leader_log_lacks_a_committed_txn() {
    let mut h = steady(3);
    let l = h.leader();
    let s = h.srv(l);
    let p = log_pos(s, z(1, 2));
    s.disk.log.remove(p);
    s.disk.flushed -= 1;
    let v = h.recheck();
    let x = get(&v, "I10");
    assert_eq!(x.servers, vec![l]);
    assert_eq!(x.name, "LeaderLogCompleteness");
    let k1 = TxnAt::of(&set("/k1", "1", z(1, 2)));
    assert!(
        matches!(&*x.detail, Detail::LeaderLacksCommitted { txn, .. } if *txn == k1),
        "{:?}",
        x.detail
    );
}

/// I11 HistoryConsistency: a follower's log grows a txn its leader never had (nothing
/// committed differs, so only I11 fires).
#[test]
fn i11_follower_log_diverges_from_its_leader() {
    let mut h = steady(3);
    let (l, f) = (h.leader(), h.follower());
    h.srv(f).disk.append(set("/stray", "1", z(1, 6)));
    let v = h.recheck();
    let mut both = vec![l, f];
    both.sort();
    assert_eq!(get(&v, "I11").servers, both);
    assert_eq!(ids(&v), ["I11"]);
}

/// I12 CommitConsistency: the leader counts fewer txns as committed than its follower.
#[test]
fn i12_follower_committed_more_than_its_leader() {
    let mut h = steady(3);
    let (l, f) = (h.leader(), h.follower());
    if let zab_core::server::Role::Leading(state) = &mut h.srv(l).role {
        state.last_committed = z(1, 3);
    }
    let v = h.recheck();
    let x = get(&v, "I12");
    let mut both = vec![l, f];
    both.sort();
    assert_eq!(x.servers, both);
    assert!(
        matches!(*x.detail, Detail::FollowerCountsMore { follower, leader, .. } if follower == f && leader == l),
        "{:?}",
        x.detail
    );
}

/// I13 DurableSanity: a durable zxid of an epoch newer than currentEpoch; and
/// acceptedEpoch below currentEpoch.
#[test]
fn i13_durable_state_a_restart_would_refuse() {
    let mut h = steady(3);
    let f = h.follower();
    h.srv(f).disk.current_epoch = Some(Epoch(0));
    let v = h.recheck();
    let x = get(&v, "I13");
    assert_eq!(x.servers, vec![f]);
    assert!(
        matches!(
            *x.detail,
            Detail::DurableAheadOfEpoch {
                current: Epoch(0),
                ..
            }
        ),
        "{:?}",
        x.detail
    );

    let mut h = steady(3);
    let f = h.follower();
    h.srv(f).disk.accepted_epoch = Some(Epoch(0));
    let v = h.recheck();
    assert!(matches!(
        *get(&v, "I13").detail,
        Detail::AcceptedBelowCurrent {
            accepted: Epoch(0),
            current: Epoch(1),
            ..
        }
    ));
}

/// I14 SnapshotIntegrity: a snapshot labelled 0x100000005 that holds only the txns up to
/// 0x100000003.
#[test]
fn i14_snapshot_label_does_not_match_its_content() {
    let mut h = steady(3);
    let f = h.follower();
    let s = h.srv(f);
    let mut tree = DataTree::default();
    for t in s.disk.log.iter().take(3) {
        tree.apply(t);
    }
    s.disk.snapshots.push(Snapshot {
        zxid: z(1, 5),
        tree,
    });
    let v = h.recheck();
    let x = get(&v, "I14");
    assert_eq!(x.servers, vec![f]);
    assert!(
        matches!(*x.detail, Detail::SnapshotMislabelled { label, .. } if label == z(1, 5)),
        "{:?}",
        x.detail
    );
}

/// I15 ZxidUniqueness: two different txns with zxid 0x100000005 in one log.
#[test]
fn i15_two_txns_share_a_zxid() {
    let mut h = steady(3);
    let f = h.follower();
    h.srv(f).disk.append(set("/dup", "1", z(1, 5)));
    let v = h.recheck();
    let x = get(&v, "I15");
    assert_eq!(x.servers, vec![f]);
    assert!(
        matches!(&*x.detail, Detail::HistoryZxidClash { later, .. } | Detail::HeldOtherThanBroadcast { held: later, .. } if later.zxid == z(1, 5)),
        "{:?}",
        x.detail
    );
}

/// I15 ZxidUniqueness at proposal time: a primary of epoch 1 mints an epoch-2 zxid
/// (what a counter roll-over would do, ZK-1277).
#[test]
fn i15_a_primary_mints_another_epochs_zxid() {
    let mut h = steady(3);
    let l = h.leader();
    let v = h.feed(TraceKind::Server {
        server: l,
        event: ServerEvent::Propose {
            txn: set("/roll", "1", z(2, 1)),
        },
    });
    assert!(matches!(
        &*get(&v, "I15").detail,
        Detail::ZxidOfOtherEpoch { epoch: Epoch(1), txn, .. } if txn.zxid.epoch() == Epoch(2)
    ));
}

/// I16 AckedWriteDurability: a client was told a write committed that the committed
/// sequence passed by.
#[test]
fn i16_acked_write_not_committed() {
    let mut h = steady(3);
    let v = h.feed(TraceKind::ClientReply {
        req: zab_core::txn::ReqId(999),
        server: ServerId(1),
        result: WriteResult::Committed { zxid: z(0, 7) },
    });
    assert!(matches!(
        *get(&v, "I16").detail,
        Detail::AckedWriteLost { zxid, .. } if zxid == z(0, 7)
    ));
}

// ---- (c) transition invariants (spec §12.4) -----------------------------------------

/// T1 CommittedLogDurability: committed txns truncated away from a follower's log.
#[test]
fn t1_committed_txns_truncated_from_a_follower() {
    let mut h = steady(3);
    let f = h.follower();
    h.srv(f).disk.truncate_after(z(1, 2));
    let v = h.recheck();
    let x = get(&v, "T1");
    assert_eq!(x.servers, vec![f]);
    assert!(
        matches!(&*x.detail, Detail::CommittedTxnLost { txn, .. } if txn.zxid == z(1, 3)),
        "{:?}",
        x.detail
    );
}

/// T1 on a real TRUNC (spec §14 S2, ZOOKEEPER-1156): server 1 holds an uncommitted
/// 0x100000003 when a new leader TRUNCs it to 0x100000002. The baseline removes only
/// the uncommitted txn; with ZK-1156 the TRUNC also cuts the committed 0x100000002.
#[test]
fn t1_trunc_too_much_zk1156() {
    for bug in [false, true] {
        let mut c = cfg(3);
        if bug {
            c.bugs.push(Bug::Zk1156);
        }
        let mut h = Harness::new(c, 1);
        h.run_until(1500);
        assert_eq!(h.leader(), ServerId(3));
        h.write(1500, 3, "/a", "1");
        h.write(1600, 3, "/a", "2");
        h.at(
            2000,
            Action::Crash {
                server: ServerId(2),
            },
        );
        h.at(
            2100,
            Action::CrashAt {
                server: ServerId(3),
                point: CrashPoint::LeaderAfterPropose,
            },
        );
        // Proposed to server 1 only; the leader crashes before logging it itself.
        h.write(2200, 3, "/a", "3");
        h.at(
            2600,
            Action::Crash {
                server: ServerId(1),
            },
        );
        h.at(
            2700,
            Action::Restart {
                server: ServerId(2),
            },
        );
        h.at(
            2700,
            Action::Restart {
                server: ServerId(3),
            },
        );
        h.run_until(5000);
        assert!(h.sim.leader().is_some());
        let held = h.sim.nodes[0].disk.log.iter().any(|t| t.zxid == z(1, 3));
        assert!(held, "server 1 logged the uncommitted 0x100000003");
        h.at(
            5000,
            Action::Restart {
                server: ServerId(1),
            },
        );
        h.run_until(8000);
        let trunc = h
            .sim
            .syncs
            .iter()
            .any(|s| s.follower == ServerId(1) && s.mode == zab_core::server::SyncMode::Trunc);
        assert!(trunc, "server 1 was TRUNCated: {:?}", h.sim.syncs);
        if bug {
            let x = get(&h.found, "T1");
            assert_eq!(x.servers, vec![ServerId(1)]);
            assert!(
                matches!(&*x.detail, Detail::CommittedTxnLost { txn, .. } if txn.zxid == z(1, 2)),
                "{:?}",
                x.detail
            );
        } else {
            assert_clean(&h.found, "baseline TRUNC of an uncommitted txn");
        }
    }
}

/// T2 committed sequence monotonicity: the leader's log rewrites committed 0x100000003.
#[test]
fn t2_committed_sequence_changes() {
    let mut h = steady(3);
    let l = h.leader();
    let s = h.srv(l);
    let p = log_pos(s, z(1, 3));
    s.disk.log[p] = set("/other", "1", z(1, 3));
    let v = h.recheck();
    assert_eq!(get(&v, "T2").servers, vec![l]);
    assert!(get(&v, "I10").servers.contains(&l));
}

/// T3 MessageLegal: what a server reports about an illegal packet becomes a violation
/// named after the broken sub-property.
#[test]
fn t3_unmatched_commit() {
    let mut h = steady(3);
    let f = h.follower();
    let v = h.feed(TraceKind::Crash {
        server: f,
        reason: CrashReason::Exit(HaltReason::UnmatchedCommit {
            received: z(1, 7),
            expected: z(1, 6),
        }),
    });
    let x = get(&v, "T3");
    assert_eq!(x.name, "CommitConsistent");
    let exit = CrashReason::Exit(HaltReason::UnmatchedCommit {
        received: z(1, 7),
        expected: z(1, 6),
    });
    assert!(
        matches!(&*x.detail, Detail::IllegalPacket { complaint: Complaint::Crash(c), .. } if *c == exit),
        "{:?}",
        x.detail
    );
    assert_eq!(x.servers, vec![f]);
}

/// Each invariant is reported once per run, at its first occurrence, however long the
/// broken state lasts.
#[test]
fn each_invariant_reported_once() {
    let mut h = steady(3);
    let f = h.follower();
    let s = h.srv(f);
    let p = log_pos(s, z(1, 3));
    s.disk.log[p] = set("/evil", "x", z(1, 3));
    h.recheck();
    for k in 0..20u32 {
        h.write(4000 + 100 * k as Time, 1 + k % 3, "/more", &k.to_string());
    }
    h.run_until(8000);
    for id in ["I3", "I4", "I15"] {
        assert_eq!(
            ids(&h.found).iter().filter(|x| **x == id).count(),
            1,
            "{id}"
        );
    }
}

// ---- bounded liveness (spec §12.5) ------------------------------------------------------

/// L1 LeaderElected: every server hangs from the start (up, but ignoring everything): no
/// leader within the bound of the good period that starts at time 0.
#[test]
fn l1_no_leader_in_a_good_period() {
    let mut h = Harness::new(Config::new(3, 0), 1);
    for i in 1..=3 {
        h.srv(ServerId(i)).halted = true;
    }
    h.run_until(12_000);
    h.finish();
    let x = get(&h.found, "L1");
    assert_eq!(x.at_ms, 9_600);
    assert_eq!(x.servers, vec![ServerId(1), ServerId(2), ServerId(3)]);
}

/// L2 JoinEnsemble: a server restarted into an established ensemble hangs and never
/// reaches BROADCAST.
#[test]
fn l2_restarted_server_never_joins() {
    let mut h = steady(3);
    let f = h.follower();
    h.at(3600, Action::Crash { server: f });
    h.at(3700, Action::Restart { server: f });
    h.run_until(3700);
    h.srv(f).halted = true;
    h.run_until(15_000);
    h.finish();
    let x = get(&h.found, "L2");
    assert!(x.servers.contains(&f));
    assert_eq!(x.at_ms, 3700 + 9_600);
    assert!(!ids(&h.found).contains(&"L1"));
}

/// L3 NoSpuriousShutdown: both followers hang right after acknowledging the new epoch,
/// so the leader times out waiting for NEWLEADER-ACKs although nothing failed.
#[test]
fn l3_leader_gives_up_synchronisation() {
    let mut h = Harness::new(Config::new(3, 0), 1);
    let mut leader = None;
    while leader.is_none() && h.sim.now < 2000 {
        h.sim.step();
        let events = h.sim.take_trace();
        for e in &events {
            if let TraceKind::Server {
                server,
                event: ServerEvent::Established { .. },
            } = e.kind
            {
                leader = Some(server);
            }
        }
        let v = h.ck.observe(&h.sim, &events);
        h.found.extend(v);
    }
    let leader = leader.expect("an epoch established");
    for i in (1..=3).map(ServerId).filter(|s| *s != leader) {
        h.srv(i).halted = true;
    }
    h.run_until(5000);
    let x = get(&h.found, "L3");
    assert_eq!(x.servers, vec![leader]);
    let gave_up = zab_core::server::RoleExit::LeaderShutdown(
        zab_core::server::LeaderShutdown::WaitTimedOut(zab_core::server::LeaderWait::NewLeaderAck),
    );
    assert!(
        matches!(&*x.detail, Detail::LeaderGaveUp { reason, .. } if *reason == gave_up),
        "{:?}",
        x.detail
    );
}

/// L4 RestartSucceeds (and I13 on the crashed server's disk): a crashed server whose
/// currentEpoch file is older than its log cannot restart.
#[test]
fn l4_restart_refused() {
    let mut h = steady(3);
    let f = h.follower();
    h.at(3600, Action::Crash { server: f });
    h.run_until(3600);
    h.sim.nodes[f.0 as usize - 1].disk.current_epoch = Some(Epoch(0));
    let v = h.recheck();
    assert_eq!(get(&v, "I13").servers, vec![f]);
    h.at(3700, Action::Restart { server: f });
    h.run_until(3700);
    let x = get(&h.found, "L4");
    assert_eq!(x.servers, vec![f]);
    assert!(
        matches!(
            *x.detail,
            Detail::RestartRefused {
                reason: zab_core::server::StartRefusal::CurrentEpochBehind { .. },
                ..
            }
        ),
        "{:?}",
        x.detail
    );
}

/// Spec §14 E3 and its note (ZOOKEEPER-1653, open again as ZOOKEEPER-2354): a follower
/// that joins a leader of a newer epoch and crashes after logging the DIFF txns of that
/// epoch but before writing currentEpoch (crash point `newleader-after-log`) holds a
/// durable zxid newer than its currentEpoch. With bug mode ZK-1653 (no updatingEpoch
/// marker) that is I13, and the restart is refused (L4); the baseline's marker lets the
/// restart finish the epoch change, and nothing is reported.
#[test]
fn e3_crash_between_newleader_log_and_epoch_write() {
    for bug in [true, false] {
        let mut h = steady(3);
        if bug {
            // Server 1 restarts below with the simulator's config.
            h.sim.cfg.bugs.push(Bug::Zk1653);
        }
        // Server 1 goes down; the others move to epoch 2 and commit there.
        h.at(
            3600,
            Action::Crash {
                server: ServerId(1),
            },
        );
        let old = h.leader();
        h.at(3700, Action::Crash { server: old });
        h.at(3800, Action::Restart { server: old });
        h.run_until(6000);
        let l = h.leader();
        h.write(6000, l.0, "/e2", "1");
        h.run_until(6500);
        assert_clean(&h.found, "before server 1 returns");
        h.at(
            6500,
            Action::CrashAt {
                server: ServerId(1),
                point: CrashPoint::NewLeaderAfterLog,
            },
        );
        h.at(
            6600,
            Action::Restart {
                server: ServerId(1),
            },
        );
        h.at(
            8000,
            Action::Restart {
                server: ServerId(1),
            },
        );
        h.run_until(9000);
        if bug {
            let x = get(&h.found, "I13");
            assert_eq!(x.servers, vec![ServerId(1)]);
            assert!(
                matches!(*x.detail, Detail::DurableAheadOfEpoch { last, .. } if last.epoch() == Epoch(2)),
                "{:?}",
                x.detail
            );
            assert_eq!(get(&h.found, "L4").servers, vec![ServerId(1)]);
        } else {
            assert_clean(&h.found, "the updatingEpoch marker");
            assert_eq!(h.srv(ServerId(1)).current_epoch(), Epoch(2));
        }
    }
}

/// I10 and T1 on a real loss of a committed txn (spec §14 S10, ZOOKEEPER-3911): server
/// 1 lags at 0x100000001; the epoch-2 leader DIFF-syncs it with the committed
/// 0x100000002; server 1 writes currentEpoch 2, ACKs NEWLEADER and crashes before the
/// txn reaches its log. Later it wins the election on its higher epoch, leads epoch 3
/// without 0x100000002 (I10) and TRUNCates server 3, which held it (T1). The baseline
/// logs the txn before the ACK: same schedule, nothing reported.
#[test]
fn i10_t1_diff_txns_not_logged_before_ack_zk3911() {
    for bug in [false, true] {
        let mut c = cfg(3);
        if bug {
            c.bugs.push(Bug::Zk3911);
        }
        let mut h = Harness::new(c, 1);
        h.run_until(1500);
        assert_eq!(h.leader(), ServerId(3));
        h.write(1500, 3, "/a", "1");
        h.at(
            2000,
            Action::Crash {
                server: ServerId(1),
            },
        );
        h.write(2100, 3, "/a", "2");
        h.at(
            2500,
            Action::Crash {
                server: ServerId(3),
            },
        );
        h.at(
            2600,
            Action::CrashAt {
                server: ServerId(1),
                point: CrashPoint::NewLeaderAfterAck,
            },
        );
        h.at(
            2700,
            Action::Restart {
                server: ServerId(1),
            },
        );
        h.run_until(5000);
        let e2 = h.sim.elections.iter().find(|e| e.epoch == 2);
        assert_eq!(
            e2.map(|e| e.leader),
            Some(ServerId(2)),
            "server 2 led epoch 2"
        );
        assert!(
            h.sim.server(ServerId(1)).is_none(),
            "server 1 hit its crash point"
        );
        h.at(
            5000,
            Action::Crash {
                server: ServerId(2),
            },
        );
        h.at(
            5100,
            Action::Restart {
                server: ServerId(3),
            },
        );
        h.at(
            5100,
            Action::Restart {
                server: ServerId(1),
            },
        );
        h.run_until(9000);
        assert_eq!(h.leader(), ServerId(1), "server 1 wins on currentEpoch 2");
        if bug {
            let i10 = get(&h.found, "I10");
            assert_eq!(i10.servers, vec![ServerId(1)]);
            assert!(
                matches!(&*i10.detail, Detail::LeaderLacksCommitted { txn, .. } if txn.zxid == z(1, 2)),
                "{:?}",
                i10.detail
            );
            assert_eq!(get(&h.found, "T1").servers, vec![ServerId(3)]);
        } else {
            assert_clean(&h.found, "baseline: the DIFF txn is logged before the ACK");
        }
    }
}

/// I2, second half (spec §14 E2, ZOOKEEPER-1291): a leader that sent LEADERINFO for an
/// epoch without having persisted acceptedEpoch crashes, restarts and proposes the same
/// epoch again; on the baseline the restarted server proposes a higher epoch.
#[test]
fn i2_epoch_proposed_in_two_incarnations_zk1291() {
    for bug in [false, true] {
        let mut c = cfg(3);
        if bug {
            c.bugs.push(Bug::Zk1291);
        }
        let mut h = Harness::new(c, 1291);
        h.at(
            0,
            Action::CrashAt {
                server: ServerId(3),
                point: CrashPoint::LeaderAfterAcceptedEpoch,
            },
        );
        h.at(
            290,
            Action::Crash {
                server: ServerId(1),
            },
        );
        h.at(
            290,
            Action::Crash {
                server: ServerId(2),
            },
        );
        h.at(
            300,
            Action::Restart {
                server: ServerId(3),
            },
        );
        h.at(
            300,
            Action::Restart {
                server: ServerId(2),
            },
        );
        h.at(
            3000,
            Action::Restart {
                server: ServerId(1),
            },
        );
        h.run_until(6000);
        if bug {
            let x = get(&h.found, "I2");
            assert_eq!(x.servers, vec![ServerId(3)]);
            assert!(
                matches!(
                    *x.detail,
                    Detail::EpochProposedTwice {
                        epoch: Epoch(1),
                        ..
                    } | Detail::EpochEstablishedTwice {
                        epoch: Epoch(1),
                        ..
                    }
                ),
                "{:?}",
                x.detail
            );
        } else {
            assert_clean(&h.found, "baseline: the restarted leader proposes epoch 2");
        }
    }
}

/// Spec §12.3 I10: a leader of an older epoch that is still in BROADCAST after a newer
/// epoch was established is held only to what was committed before its own epoch, also
/// once the newer leader is gone again (it does not become "the newest leader").
/// Server 3 leads epoch 1; a learner it accepted at 1144 ms is cut off before its
/// FOLLOWERINFO, and that handler's `initLimit*T` read timeout (Leader.java L568-570)
/// keeps it counted as synced until 3144 ms. Servers 1 and 2 establish epoch 2 and
/// commit 0x200000001, then server 2 crashes at 2900 ms while server 3 is still
/// LEADING/BROADCAST in epoch 1. (The earlier version of this scenario, from
/// random-fault seed 3137, relied on the handler read timeout being missing before
/// BROADCAST: zab-sim/tests/issues/handler-read-timeout-before-broadcast.json.)
#[test]
fn i10_stale_leader_outliving_the_newer_leader_is_not_held_to_its_commits() {
    use zab_core::run::Run;
    use zab_core::scenario::Scenario;
    let s = Scenario::from_json(include_str!(
        "scenarios/stale-leader-outlives-newer-leader.json"
    ))
    .unwrap();
    let mut run = Run::new(&s).unwrap();
    run.run_until(2901);
    // The situation really arises: server 3 is the only leader in BROADCAST, in epoch
    // 1, while epoch 2 has committed a txn.
    assert_eq!(run.sim().leader(), Some(ServerId(3)));
    let s3 = run.sim().nodes[2].server.as_ref().expect("server 3 up");
    assert_eq!(s3.current_epoch(), Epoch(1));
    assert!(s3.is_serving());
    let s1 = run.sim().nodes[0].server.as_ref().expect("server 1 up");
    assert_eq!(s1.current_epoch(), Epoch(2));
    assert!(s1.disk.log.iter().any(|t| t.zxid == z(2, 1)));
    run.run_to_end();
    assert_clean(
        run.violations(),
        "stale leader after the newer leader crashed",
    );
}
