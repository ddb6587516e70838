//! Sans-IO tests of one server: inputs in, effects out, no simulator. Each names the
//! part of `zab-spec.md` or ZooKeeper source it checks.

use zab_core::packet::{Notification, QuorumPacket, ServerState, Vote};
use zab_core::server::{
    ConnId, Ctx, Effect, HaltReason, Input, Phase, Server, ServerEvent, Timer, Warning,
};
use zab_core::storage::{Disk, Snapshot};
use zab_core::tree::DataTree;
use zab_core::txn::{Op, Txn};
use zab_core::{Config, Epoch, ServerId, Zxid};

fn sid(i: u32) -> ServerId {
    ServerId(i)
}

fn z(e: u32, c: u32) -> Zxid {
    Zxid::new(Epoch(e), c)
}

fn txn(e: u32, c: u32) -> Txn {
    Txn {
        zxid: z(e, c),
        op: Op::Set {
            path: format!("/k{c}"),
            data: format!("{e}.{c}"),
        },
        origin: None,
    }
}

fn disk(accepted: u32, current: u32, log: Vec<Txn>) -> Disk {
    let flushed = log.len();
    Disk {
        accepted_epoch: Some(Epoch(accepted)),
        current_epoch: Some(Epoch(current)),
        log,
        flushed,
        snapshots: vec![Snapshot::initial()],
        ..Disk::default()
    }
}

struct One {
    s: Server,
    now: u64,
}

impl One {
    fn new(id: u32, d: Disk) -> One {
        let (s, _) = Server::recover(sid(id), Config::new(3, 0), d).expect("starts");
        let mut one = One { s, now: 0 };
        one.feed(Input::Boot);
        one
    }

    fn feed(&mut self, input: Input) -> Vec<Effect> {
        self.now += 1;
        self.s.handle(
            Ctx {
                now: self.now,
                roll: 7,
            },
            input,
        )
    }

    fn vote_from(
        &mut self,
        from: u32,
        leader: u32,
        zxid: Zxid,
        peer_epoch: u32,
        state: ServerState,
    ) -> Vec<Effect> {
        let round = self.s.fle.logicalclock;
        self.feed(Input::Notification {
            from: sid(from),
            n: Notification {
                vote: Vote {
                    leader: sid(leader),
                    zxid,
                    election_epoch: round,
                    peer_epoch: Epoch(peer_epoch),
                },
                state,
            },
        })
    }

    /// Elects `leader`, connects to it on `conn` and takes its LEADERINFO(`epoch`);
    /// returns what that LEADERINFO produced.
    fn follow(&mut self, leader: u32, conn: ConnId, epoch: u32) -> Vec<Effect> {
        self.elect(leader);
        self.feed(Input::Connected { conn });
        self.feed(Input::Packet {
            conn,
            packet: QuorumPacket::LeaderInfo {
                new_epoch: Epoch(epoch),
            },
        })
    }

    /// Makes this server win (or accept) an election for `leader` with server 2's vote.
    fn elect(&mut self, leader: u32) {
        // A vote equal to mine in epoch and zxid: the higher sid wins the tie (spec §2.2).
        let me = self.s.id.0;
        let v = self.s.fle.proposal.unwrap();
        let (zxid, pe) = (v.zxid, v.peer_epoch.0);
        self.vote_from(me, leader, zxid, pe, ServerState::Looking);
        self.vote_from(2, leader, zxid, pe, ServerState::Looking);
        self.feed(Input::Timer(Timer::FinalizeWait));
    }
}

fn sent(effects: &[Effect]) -> Vec<&QuorumPacket> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send { packet, .. } => Some(packet),
            _ => None,
        })
        .collect()
}

/// Spec §7.1 (`waitForEpochAck`: "Follower is ahead of the leader"): a learner whose
/// (currentEpoch, lastZxid) is more recent than the leader's is refused during discovery.
#[test]
fn leader_refuses_a_follower_that_is_ahead() {
    let mut l = One::new(3, disk(1, 1, vec![txn(1, 1)]));
    l.elect(3);
    assert_eq!(l.s.state(), ServerState::Leading);
    let conn = ConnId(1);
    l.feed(Input::Accepted {
        conn,
        learner: sid(2),
    });
    let out = l.feed(Input::Packet {
        conn,
        packet: QuorumPacket::FollowerInfo {
            accepted_epoch: Epoch(1),
        },
    });
    assert!(matches!(
        sent(&out)[..],
        [QuorumPacket::LeaderInfo {
            new_epoch: Epoch(2)
        }]
    ));
    let out = l.feed(Input::Packet {
        conn,
        packet: QuorumPacket::AckEpoch {
            last_zxid: z(1, 5),
            current_epoch: Some(Epoch(1)),
        },
    });
    assert!(out
        .iter()
        .any(|e| matches!(e, Effect::Close { conn: c } if *c == conn)));
    assert!(out.iter().any(|e| matches!(
        e,
        Effect::Event(ServerEvent::Warning {
            warning: Warning::LearnerAhead { last_zxid, .. }
        }) if *last_zxid == z(1, 5)
    )));
    assert!(l.s.leader().unwrap().handlers.is_empty());
}

/// Spec §7.3 (`registerWithLeader`): a LEADERINFO with an epoch below the learner's
/// acceptedEpoch sends it back to LOOKING; an equal one is acked with -1.
#[test]
fn follower_with_a_higher_accepted_epoch_goes_back_to_looking() {
    for (leader_epoch, expect_looking) in [(1u32, true), (2, false)] {
        let mut f = One::new(1, disk(2, 1, vec![txn(1, 1)]));
        f.elect(3);
        assert_eq!(f.s.state(), ServerState::Following);
        let conn = ConnId(9);
        f.feed(Input::Connected { conn });
        let out = f.feed(Input::Packet {
            conn,
            packet: QuorumPacket::LeaderInfo {
                new_epoch: Epoch(leader_epoch),
            },
        });
        if expect_looking {
            assert_eq!(f.s.state(), ServerState::Looking);
            // Learner.shutdown closes the socket: the leader's handler sees it at once.
            assert!(out
                .iter()
                .any(|e| matches!(e, Effect::Close { conn: c } if *c == conn)));
        } else {
            assert!(matches!(
                sent(&out)[..],
                [QuorumPacket::AckEpoch {
                    current_epoch: None,
                    ..
                }]
            ));
            assert_eq!(f.s.phase(), Phase::Synchronization);
        }
    }
}

/// Spec §10 (`Leader.shutdown` shuts every LearnerHandler): a leader that gives up
/// waiting for its epoch quorum closes the connections of the learners it had.
#[test]
fn a_leader_leaving_its_role_closes_its_learners_connections() {
    let mut l = One::new(3, disk(1, 1, vec![txn(1, 1)]));
    l.elect(3);
    let conn = ConnId(1);
    l.feed(Input::Accepted {
        conn,
        learner: sid(2),
    });
    let out = l.feed(Input::Timer(Timer::LeaderWait));
    assert_eq!(l.s.state(), ServerState::Looking);
    assert!(out
        .iter()
        .any(|e| matches!(e, Effect::Close { conn: c } if *c == conn)));
}

/// Spec §11 TRUNC semantics (ZooKeeper: `Learner.syncWithLeader` TRUNC case,
/// `FileTxnLog.truncate`, which throws when no log file holds the truncation point, and
/// the learner exits). The baseline's extension: a learner whose disk cannot rebuild
/// the truncation point keeps its data (it votes with it), writes the needsFullSync
/// marker and goes back to LOOKING; its next ACKEPOCH reports last zxid 0, and the SNAP
/// that follows replaces its whole history, after which the marker goes.
#[test]
fn a_learner_that_cannot_truncate_takes_a_full_sync_next() {
    let mut tree = DataTree::default();
    for c in 1..=5 {
        tree.apply(&txn(1, c));
    }
    let mut d = disk(1, 1, Vec::new());
    d.save_snapshot(&tree, 3);
    // A SNAP sync at 0x100000005 superseded the log that rolled older snapshots forward.
    d.supersede_upto(z(1, 5));
    let mut f = One::new(1, d);
    let out = f.follow(3, ConnId(9), 2);
    assert!(
        matches!(sent(&out)[..], [QuorumPacket::AckEpoch { last_zxid, .. }] if *last_zxid == z(1, 5))
    );
    let out = f.feed(Input::Packet {
        conn: ConnId(9),
        packet: QuorumPacket::Trunc { zxid: z(1, 3) },
    });
    assert_eq!(f.s.state(), ServerState::Looking);
    assert!(
        !out.iter().any(|e| matches!(e, Effect::Halt { .. })),
        "{out:?}"
    );
    assert!(f.s.disk.full_sync_needed);
    assert_eq!(f.s.last_logged_zxid(), z(1, 5), "votes with its data");

    let conn = ConnId(10);
    let out = f.follow(3, conn, 3);
    assert!(
        matches!(sent(&out)[..], [QuorumPacket::AckEpoch { last_zxid, .. }] if *last_zxid == Zxid::ZERO)
    );
    let mut leaders = DataTree::default();
    for c in 1..=3 {
        leaders.apply(&txn(1, c));
    }
    f.feed(Input::Packet {
        conn,
        packet: QuorumPacket::Snap {
            zxid: z(1, 3),
            tree: Box::new(leaders.clone()),
        },
    });
    assert!(f.s.disk.full_sync_needed, "not durable before NEWLEADER");
    let out = f.feed(Input::Packet {
        conn,
        packet: QuorumPacket::NewLeader { zxid: z(3, 0) },
    });
    assert!(matches!(sent(&out)[..], [QuorumPacket::Ack { .. }]));
    assert!(!f.s.disk.full_sync_needed);
    let labels: Vec<Zxid> = f.s.disk.snapshots.iter().map(|s| s.zxid).collect();
    assert_eq!(
        labels,
        vec![Zxid::ZERO, z(1, 3)],
        "the superseded snapshot 0x100000005 went; snapshot.0 holds no txn past the cut"
    );
    assert_eq!(f.s.disk.history(), leaders.applied.to_vec());
}

/// Spec §7.3: a new epoch is persisted as acceptedEpoch before ACKEPOCH carries the
/// old currentEpoch.
#[test]
fn follower_persists_accepted_epoch_before_ackepoch() {
    let mut f = One::new(1, disk(1, 1, vec![txn(1, 1)]));
    f.elect(3);
    let conn = ConnId(9);
    f.feed(Input::Connected { conn });
    let out = f.feed(Input::Packet {
        conn,
        packet: QuorumPacket::LeaderInfo {
            new_epoch: Epoch(2),
        },
    });
    assert_eq!(f.s.disk.accepted_epoch, Some(Epoch(2)));
    let write = out
        .iter()
        .position(|e| matches!(e, Effect::Event(ServerEvent::EpochWrite { .. })));
    let ack = out.iter().position(|e| {
        matches!(
            e,
            Effect::Send {
                packet: QuorumPacket::AckEpoch { .. },
                ..
            }
        )
    });
    assert!(write.unwrap() < ack.unwrap());
    assert!(matches!(
        sent(&out)[..],
        [QuorumPacket::AckEpoch { last_zxid, current_epoch: Some(Epoch(1)) }] if *last_zxid == z(1, 1)
    ));
}

/// Spec §9.2 (`FollowerZooKeeperServer.commit`): a COMMIT that does not match the first
/// pending txn makes ZooKeeper exit (UNMATCHED_TXN_COMMIT); one with nothing pending is
/// ignored with a warning.
#[test]
fn unmatched_commit_halts_the_follower() {
    let mut f = follower_in_broadcast();
    let conn = ConnId(9);
    let out = f.feed(Input::Packet {
        conn,
        packet: QuorumPacket::Commit { zxid: z(2, 1) },
    });
    assert!(out
        .iter()
        .any(|e| matches!(e, Effect::Event(ServerEvent::Warning { .. }))));
    assert!(!f.s.halted);
    f.feed(Input::Packet {
        conn,
        packet: QuorumPacket::Proposal { txn: txn(2, 1) },
    });
    let out = f.feed(Input::Packet {
        conn,
        packet: QuorumPacket::Commit { zxid: z(2, 7) },
    });
    assert!(out
        .iter()
        .any(|e| matches!(e, Effect::Halt { reason: HaltReason::UnmatchedCommit { received, .. } } if *received == z(2, 7))));
}

fn follower_in_broadcast() -> One {
    let mut f = One::new(1, disk(1, 1, vec![txn(1, 1)]));
    f.elect(3);
    let conn = ConnId(9);
    f.feed(Input::Connected { conn });
    for packet in [
        QuorumPacket::LeaderInfo {
            new_epoch: Epoch(2),
        },
        QuorumPacket::Diff { zxid: z(1, 1) },
        QuorumPacket::NewLeader { zxid: z(2, 0) },
        QuorumPacket::UpToDate,
    ] {
        f.feed(Input::Packet { conn, packet });
    }
    assert_eq!(f.s.phase(), Phase::Broadcast);
    f
}

/// Spec §9.2 / §11: a follower ACKs a PROPOSAL only after its fsync completes.
#[test]
fn proposal_ack_only_after_fsync() {
    let mut f = follower_in_broadcast();
    let conn = ConnId(9);
    let out = f.feed(Input::Packet {
        conn,
        packet: QuorumPacket::Proposal { txn: txn(2, 1) },
    });
    assert!(sent(&out).is_empty(), "no ACK before the fsync: {out:?}");
    assert!(out
        .iter()
        .any(|e| matches!(e, Effect::Fsync { upto } if *upto == z(2, 1))));
    let out = f.feed(Input::FsyncDone { upto: z(2, 1) });
    assert!(matches!(sent(&out)[..], [QuorumPacket::Ack { zxid }] if *zxid == z(2, 1)));
}

/// Issue "bad input never panics" (spec §9.2, §12.4 T3): every packet type, in every
/// stage a learner and a leader go through, on known and unknown connections, is
/// ignored, warned about or makes the server leave its role — never a panic.
#[test]
fn every_packet_in_every_stage_is_handled_without_panic() {
    let packets = || {
        vec![
            QuorumPacket::FollowerInfo {
                accepted_epoch: Epoch(9),
            },
            QuorumPacket::ObserverInfo {
                accepted_epoch: Epoch(0),
            },
            QuorumPacket::LeaderInfo {
                new_epoch: Epoch(0),
            },
            QuorumPacket::AckEpoch {
                last_zxid: Zxid::NONE,
                current_epoch: None,
            },
            QuorumPacket::Diff { zxid: z(5, 5) },
            QuorumPacket::Trunc { zxid: z(0, 0) },
            QuorumPacket::Snap {
                zxid: z(1, 1),
                tree: Box::new(DataTree::default()),
            },
            QuorumPacket::Proposal { txn: txn(1, 1) },
            QuorumPacket::Proposal { txn: txn(1, 1) },
            QuorumPacket::Commit { zxid: z(1, 1) },
            QuorumPacket::NewLeader { zxid: z(3, 0) },
            QuorumPacket::Ack { zxid: z(7, 7) },
            QuorumPacket::UpToDate,
            QuorumPacket::Ping {
                zxid: Zxid::NONE,
                touches: Vec::new(),
            },
            QuorumPacket::Inform { txn: txn(1, 2) },
        ]
    };
    for leader_side in [false, true] {
        for prefix in 0..packets().len() {
            let mut s = if leader_side {
                let mut l = One::new(3, disk(1, 1, vec![txn(1, 1)]));
                l.elect(3);
                l.feed(Input::Accepted {
                    conn: ConnId(1),
                    learner: sid(2),
                });
                l
            } else {
                let mut f = One::new(1, disk(1, 1, vec![txn(1, 1)]));
                f.elect(3);
                f.feed(Input::Connected { conn: ConnId(1) });
                f
            };
            for (i, p) in packets().into_iter().enumerate() {
                let conn = ConnId(if i == prefix { 77 } else { 1 });
                s.feed(Input::Packet { conn, packet: p });
                for t in [
                    Timer::LearnerRead,
                    Timer::LeaderTick,
                    Timer::LeaderWait,
                    Timer::ConnectRetry,
                    Timer::HandlerRead { conn: ConnId(1) },
                ] {
                    if i == prefix {
                        s.feed(Input::Timer(t));
                    }
                }
            }
            s.feed(Input::Closed { conn: ConnId(1) });
            s.feed(Input::FsyncDone { upto: z(9, 9) });
        }
    }
}
