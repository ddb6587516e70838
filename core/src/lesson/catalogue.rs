//! The lessons, in the order the lesson menu lists them. Each one's claims are checked
//! by `core/tests/lessons.rs`, which walks every step and reasons out every answer.

use crate::action::Action;
use crate::bugs;
use crate::config::Bug;
use crate::ids::{Epoch, ServerId};
use crate::scenario::Scenario;
use crate::server::CrashPoint;
use crate::txn::Op;

use super::{Deed, Lesson, Question, Step, Until};

fn s(id: u32) -> ServerId {
    ServerId(id)
}

fn servers(ids: &[u32]) -> Vec<ServerId> {
    ids.iter().copied().map(ServerId).collect()
}

fn create(path: &str, data: &str) -> Op {
    Op::create(path, data)
}

fn set(path: &str, data: &str) -> Op {
    Op::Set {
        path: path.into(),
        data: data.into(),
    }
}

fn act(a: Action) -> Deed {
    Deed::Act(a)
}

fn crash(id: u32) -> Deed {
    act(Action::Crash { server: s(id) })
}

fn restart(id: u32) -> Deed {
    act(Action::Restart { server: s(id) })
}

fn write_to(id: u32, op: Op) -> Deed {
    act(Action::Write { server: s(id), op })
}

fn to_leader(op: Op) -> Deed {
    Deed::WriteToLeader { op }
}

fn answered(path: &str) -> Until {
    Until::Answered { path: path.into() }
}

/// A fresh cluster for a lesson: `participants` voters and `observers`, seed 1, an
/// empty schedule and a horizon far beyond any lesson.
fn cluster(id: &'static str, participants: u32, observers: u32) -> Scenario {
    let mut sc = Scenario::new(participants);
    sc.cluster.observers = observers;
    sc.name = id.to_string();
    sc.description = String::new();
    sc.seed = 1;
    sc.run_until_ms = 3_600_000;
    sc
}

/// Every lesson, in menu order.
pub fn lessons() -> Vec<Lesson> {
    vec![
        quorum(),
        election(),
        epochs(),
        sync(),
        broadcast(),
        leader_crash(),
        partition(),
        observers(),
        myths(),
        bug(),
    ]
}

/// The lesson with this id.
pub fn lesson(id: &str) -> Option<Lesson> {
    lessons().into_iter().find(|l| l.id == id)
}

/// An ensemble and its quorums: five servers elect a leader; a write commits with two
/// servers down (three of five are a majority) and not with three down.
fn quorum() -> Lesson {
    Lesson {
        id: "quorum",
        scenario: cluster("quorum", 5, 0),
        steps: vec![
            Step::run(Until::AllSynced),
            Step::run(answered("/a"))
                .doing([crash(1), crash(2), to_leader(create("/a", "1"))])
                .asking(Question::Commits { path: "/a".into() }),
            Step::run(answered("/b"))
                .doing([crash(3), to_leader(create("/b", "2"))])
                .asking(Question::Commits { path: "/b".into() }),
            Step::run(Until::AllSynced).doing([restart(1), restart(2), restart(3)]),
        ],
    }
}

/// Fast Leader Election: votes are (peerEpoch, zxid, server id), compared in that
/// order; the id decides only a tie, and a newer zxid beats a higher id.
fn election() -> Lesson {
    Lesson {
        id: "election",
        scenario: cluster("election", 3, 0),
        steps: vec![
            Step::run(Until::AllSynced).asking(Question::WhoLeads {
                choices: servers(&[1, 2, 3]),
            }),
            Step::run(answered("/x")).doing([crash(2), to_leader(create("/x", "1"))]),
            Step::run(Until::NewLeader)
                .doing([Deed::CrashLeader, restart(2)])
                .asking(Question::WhoLeads {
                    choices: servers(&[1, 2]),
                }),
        ],
    }
}

/// Discovery and epochs: each new leader establishes a newer epoch, and the epoch is
/// the high 32 bits of every zxid it assigns.
fn epochs() -> Lesson {
    Lesson {
        id: "epochs",
        scenario: cluster("epochs", 3, 0),
        steps: vec![
            Step::run(Until::AllSynced),
            Step::run(answered("/a")).doing([to_leader(create("/a", "1"))]),
            Step::run(Until::NewLeader)
                .doing([Deed::CrashLeader])
                .asking(Question::NewEpoch {
                    choices: [1, 2, 3].map(Epoch).to_vec(),
                }),
            Step::run(answered("/b")).doing([to_leader(create("/b", "2"))]),
        ],
    }
}

/// Synchronisation: DIFF for a short absence, TRUNC for a txn only the old leader
/// logged, SNAP for an absence longer than the leader's logs reach back.
fn sync() -> Lesson {
    let mut sc = cluster("sync", 3, 0);
    // As the long-outage-snap preset: a snapshot every 2 or 3 txns, 4 committed txns
    // kept in memory, only the newest snapshot and the log after it on disk.
    sc.storage.snap_count = 4;
    sc.storage.commit_log_count = 4;
    sc.storage.snap_retain_count = 1;
    let many: Vec<Deed> = (1..=12)
        .map(|i| to_leader(set("/n", &i.to_string())))
        .collect();
    Lesson {
        id: "sync",
        scenario: sc,
        steps: vec![
            Step::run(Until::AllSynced),
            Step::run(Until::Everywhere { path: "/n".into() })
                .doing([to_leader(create("/n", "0"))]),
            Step::run(answered("/n")).doing([crash(1), to_leader(set("/n", "1"))]),
            Step::run(Until::AllSynced)
                .doing([restart(1)])
                .asking(Question::SyncMode { learner: s(1) }),
            Step::run(Until::NewLeader).doing([
                act(Action::Partition {
                    groups: vec![servers(&[3]), servers(&[1, 2])],
                }),
                write_to(3, set("/n", "orphan")),
            ]),
            Step::run(Until::AllSynced)
                .doing([act(Action::Heal)])
                .asking(Question::SyncMode { learner: s(3) }),
            Step::run(answered("/n")).doing(std::iter::once(crash(1)).chain(many)),
            Step::run(Until::AllSynced)
                .doing([restart(1)])
                .asking(Question::SyncMode { learner: s(1) }),
        ],
    }
}

/// Broadcast: PROPOSAL, ACK after the fsync, COMMIT once a quorum acknowledged; two
/// followers down do not stop it.
fn broadcast() -> Lesson {
    Lesson {
        id: "broadcast",
        scenario: cluster("broadcast", 5, 0),
        steps: vec![
            Step::run(Until::AllSynced),
            Step::run(Until::Commit).doing([to_leader(create("/a", "1"))]),
            Step::run(answered("/b"))
                .doing([crash(1), crash(2), to_leader(create("/b", "2"))])
                .asking(Question::Commits { path: "/b".into() }),
            Step::run(Until::AllSynced)
                .doing([restart(1), restart(2)])
                .asking(Question::Holds {
                    server: s(1),
                    path: "/b".into(),
                }),
        ],
    }
}

/// A leader crash: a committed write survives; a write only the old leader had is
/// lost; a write whose PROPOSAL reached the followers survives although it was never
/// committed before the crash: its client, which only saw its connection drop, learns
/// that it committed (issue 15 item 7).
fn leader_crash() -> Lesson {
    Lesson {
        id: "leader-crash",
        scenario: cluster("leader-crash", 3, 0),
        steps: vec![
            Step::run(Until::AllSynced),
            Step::run(answered("/a")).doing([to_leader(create("/a", "1"))]),
            Step::run(Until::NewLeader)
                .doing([Deed::CrashLeader])
                .asking(Question::Survives { path: "/a".into() }),
            Step::run(Until::AllSynced).doing([restart(3)]),
            Step::run(Until::NewLeader)
                .doing([Deed::IsolateLeader, to_leader(create("/b", "2"))])
                .asking(Question::Survives { path: "/b".into() }),
            Step::run(Until::AllSynced).doing([act(Action::Heal)]),
            Step::run(Until::NewLeader)
                .doing([
                    Deed::CrashLeaderAt {
                        point: CrashPoint::LeaderAfterPropose,
                    },
                    to_leader(create("/c", "3")),
                ])
                .asking(Question::Commits { path: "/c".into() }),
        ],
    }
}

/// A partition that leaves the leader in the minority: the majority elects a new
/// leader; the old one cannot commit and gives up.
fn partition() -> Lesson {
    Lesson {
        id: "partition",
        scenario: cluster("partition", 5, 0),
        steps: vec![
            Step::run(Until::AllSynced),
            Step::run(Until::Everywhere { path: "/x".into() })
                .doing([to_leader(create("/x", "1"))]),
            Step::run(Until::NewLeader)
                .doing([
                    act(Action::Partition {
                        groups: vec![servers(&[4, 5]), servers(&[1, 2, 3])],
                    }),
                    write_to(5, create("/z", "minority")),
                ])
                .asking(Question::WhoLeads {
                    choices: servers(&[1, 2, 3, 5]),
                }),
            Step::run(Until::NotLeading { server: s(5) })
                .asking(Question::Commits { path: "/z".into() }),
            Step::run(Until::AllSynced)
                .doing([act(Action::Heal)])
                .asking(Question::Holds {
                    server: s(5),
                    path: "/z".into(),
                }),
        ],
    }
}

/// Observers: they learn every commit but neither vote nor ACK, so they never lead
/// and do not count towards a quorum.
fn observers() -> Lesson {
    Lesson {
        id: "observers",
        scenario: cluster("observers", 3, 2),
        steps: vec![
            Step::run(Until::AllSynced).asking(Question::WhoLeads {
                choices: servers(&[3, 5]),
            }),
            Step::run(answered("/a"))
                .doing([write_to(4, create("/a", "1"))])
                .asking(Question::Commits { path: "/a".into() }),
            Step::run(answered("/b"))
                .doing([crash(1), write_to(4, create("/b", "2"))])
                .asking(Question::Commits { path: "/b".into() }),
            Step::run(answered("/c"))
                .doing([crash(2), write_to(4, create("/c", "3"))])
                .asking(Question::Commits { path: "/c".into() }),
        ],
    }
}

/// What popular articles get wrong: every server holds every znode (no consistent
/// hashing); the highest id does not simply win; a commit needs a quorum, not every
/// server (not three-phase commit).
fn myths() -> Lesson {
    Lesson {
        id: "myths",
        scenario: cluster("myths", 5, 0),
        steps: vec![
            Step::run(Until::AllSynced),
            Step::run(Until::Everywhere {
                path: "/user/42".into(),
            })
            .doing([write_to(1, create("/user/42", "alice"))])
            .asking(Question::Holds {
                server: s(4),
                path: "/user/42".into(),
            }),
            Step::run(answered("/m")).doing([crash(4), to_leader(create("/m", "1"))]),
            Step::run(Until::NewLeader)
                .doing([Deed::CrashLeader, restart(4)])
                .asking(Question::WhoLeads {
                    choices: servers(&[1, 2, 3, 4]),
                }),
            Step::run(answered("/t"))
                .doing([crash(1), to_leader(create("/t", "1"))])
                .asking(Question::Commits { path: "/t".into() }),
        ],
    }
}

/// A historical bug found by the checker: ZK-3911 switched back on.
fn bug() -> Lesson {
    let info = bugs::info(Bug::Zk3911).expect("ZK-3911 is in the catalogue");
    let mut sc = info.scenario();
    sc.name = "bug-zk-3911".into();
    Lesson {
        id: "bug-zk-3911",
        scenario: sc,
        steps: vec![
            Step::run(Until::AllSynced),
            Step::run(Until::Violation).asking(Question::Caught),
        ],
    }
}
