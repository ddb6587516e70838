//! Predict-then-reveal questions: asked before a step runs, answered from the
//! simulator's state after it ([`Question::reveal`]), with the typed reason the web app
//! words (core decides; the text is made where it is shown).

use crate::check::Violation;
use crate::ids::{Epoch, ServerId, Time, Zxid};
use crate::packet::Vote;
use crate::server::{compare_votes, VoteComparison};
use crate::server::{SyncMode, SyncReason, WriteResult};
use crate::sim::Sim;

use super::watch::{leader_epoch, newest_write, Watch};

/// A question put to the student before the step runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Question {
    /// Which of these servers will lead when the step is over?
    WhoLeads {
        /// The servers offered.
        choices: Vec<ServerId>,
    },
    /// Which epoch will the leader establish?
    NewEpoch {
        /// The epochs offered.
        choices: Vec<Epoch>,
    },
    /// How will the leader synchronise this learner: DIFF, TRUNC or SNAP?
    SyncMode {
        /// The learner.
        learner: ServerId,
    },
    /// Will the newest write to this path commit?
    Commits {
        /// The znode.
        path: String,
    },
    /// Will the newest write to this path be in the (new) leader's data?
    Survives {
        /// The znode.
        path: String,
    },
    /// Will this server hold the znode?
    Holds {
        /// The server.
        server: ServerId,
        /// The znode.
        path: String,
    },
    /// Will the invariant checker find a violation?
    Caught,
}

/// A possible answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A server.
    Server(ServerId),
    /// No server (nobody leads).
    Nobody,
    /// An epoch.
    Epoch(Epoch),
    /// A sync mode.
    Mode(SyncMode),
    /// Yes.
    Yes,
    /// No.
    No,
}

impl Answer {
    fn yes(b: bool) -> Answer {
        if b {
            Answer::Yes
        } else {
            Answer::No
        }
    }
}

/// Why the answer is what it is: the facts of the run, for the web app to word.
#[derive(Clone, Debug, PartialEq)]
pub enum Why {
    /// The winner's vote against each other candidate's own vote, compared as FLE
    /// compares them (`totalOrderPredicate`: peerEpoch, then zxid, then server id).
    Election {
        /// The winning vote.
        winner: Vote,
        /// Each other server of the winning quorum and each whose vote the winner's
        /// beats: its own vote (the one it started its round with) and how the
        /// winner's compares with it.
        over: Vec<(ServerId, Vote, VoteComparison)>,
    },
    /// No leader is active.
    NoLeader,
    /// The leader's epoch, one more than the highest acceptedEpoch its quorum reported
    /// (`Leader.getEpochToPropose`), and the epoch before it.
    Epoch {
        /// The leader.
        leader: ServerId,
        /// Its epoch.
        epoch: Epoch,
        /// The epoch active when the step began.
        before: Option<Epoch>,
    },
    /// The leader's sync plan for the learner (`LearnerHandler.syncFollower`).
    Sync {
        /// The leader.
        leader: ServerId,
        /// The learner.
        learner: ServerId,
        /// When the leader chose.
        at_ms: Time,
        /// The branch taken, with the zxids it compared.
        reason: SyncReason,
    },
    /// The learner was not synchronised in this step.
    NotSynced {
        /// The learner.
        learner: ServerId,
    },
    /// What happened to the write.
    Write {
        /// The znode.
        path: String,
        /// Its answer (`None`: still pending).
        result: Option<WriteResult>,
    },
    /// What the leader holds at the path, and the newest zxid in its data.
    Survival {
        /// The znode.
        path: String,
        /// The leader (`None`: no leader).
        leader: Option<ServerId>,
        /// Whether the leader's data has the write's effect.
        kept: bool,
        /// The leader's last committed zxid.
        last: Zxid,
    },
    /// Which running servers hold the znode and which do not.
    Replicas {
        /// The znode.
        path: String,
        /// Servers whose data tree has it.
        with: Vec<ServerId>,
        /// Running servers whose data tree does not.
        without: Vec<ServerId>,
    },
    /// The first violation the checker reported (invariant id and name), if any.
    Checker {
        /// `(id, name)` of the invariant.
        first: Option<(String, String)>,
    },
}

/// The answer the simulator gives and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Reveal {
    /// The right answer.
    pub truth: Answer,
    /// Why.
    pub why: Why,
}

impl Question {
    /// The servers the question names.
    pub fn servers(&self) -> Vec<ServerId> {
        match self {
            Question::WhoLeads { choices } => choices.clone(),
            Question::SyncMode { learner } => vec![*learner],
            Question::Holds { server, .. } => vec![*server],
            Question::NewEpoch { .. }
            | Question::Commits { .. }
            | Question::Survives { .. }
            | Question::Caught => Vec::new(),
        }
    }

    /// The answers offered, in the order shown.
    pub fn choices(&self) -> Vec<Answer> {
        match self {
            Question::WhoLeads { choices } => choices.iter().map(|s| Answer::Server(*s)).collect(),
            Question::NewEpoch { choices } => choices.iter().map(|e| Answer::Epoch(*e)).collect(),
            Question::SyncMode { .. } => [SyncMode::Diff, SyncMode::Trunc, SyncMode::Snap]
                .map(Answer::Mode)
                .to_vec(),
            Question::Commits { .. }
            | Question::Survives { .. }
            | Question::Holds { .. }
            | Question::Caught => vec![Answer::Yes, Answer::No],
        }
    }

    /// The answer judged on the simulator's state after the step, with its reason.
    pub fn reveal(&self, sim: &Sim, watch: &Watch, violations: &[Violation]) -> Reveal {
        match self {
            Question::WhoLeads { .. } => match sim.leader() {
                Some(leader) => {
                    let elected = watch.elected.as_ref().filter(|(v, _)| v.leader == leader);
                    let winner = elected.map(|(v, _)| *v).unwrap_or(Vote {
                        leader,
                        zxid: sim
                            .server(leader)
                            .map_or(Zxid::ZERO, |s| s.last_logged_zxid()),
                        election_epoch: 0,
                        peer_epoch: leader_epoch(sim).unwrap_or_default(),
                    });
                    let over = watch
                        .own_votes
                        .iter()
                        .filter(|(id, _)| **id != leader)
                        .map(|(id, v)| (*id, *v, compare_votes(&winner, v)))
                        // Its quorum, and every server whose vote it beats (one cut
                        // off with a better vote took no part).
                        .filter(|(id, _, c)| c.beats || elected.is_none_or(|(_, q)| q.contains(id)))
                        .collect();
                    Reveal {
                        truth: Answer::Server(leader),
                        why: Why::Election { winner, over },
                    }
                }
                None => Reveal {
                    truth: Answer::Nobody,
                    why: Why::NoLeader,
                },
            },
            Question::NewEpoch { .. } => match (sim.leader(), leader_epoch(sim)) {
                (Some(leader), Some(epoch)) => Reveal {
                    truth: Answer::Epoch(epoch),
                    why: Why::Epoch {
                        leader,
                        epoch,
                        before: watch.epoch_before,
                    },
                },
                _ => Reveal {
                    truth: Answer::Nobody,
                    why: Why::NoLeader,
                },
            },
            Question::SyncMode { learner } => match watch.syncs.get(learner) {
                Some((leader, at_ms, reason)) => Reveal {
                    truth: Answer::Mode(reason.mode()),
                    why: Why::Sync {
                        leader: *leader,
                        learner: *learner,
                        at_ms: *at_ms,
                        reason: *reason,
                    },
                },
                None => Reveal {
                    truth: Answer::Mode(SyncMode::None),
                    why: Why::NotSynced { learner: *learner },
                },
            },
            Question::Commits { path } => {
                let result = newest_write(sim, path).and_then(|w| w.result.clone());
                Reveal {
                    truth: Answer::yes(matches!(result, Some(WriteResult::Committed { .. }))),
                    why: Why::Write {
                        path: path.clone(),
                        result,
                    },
                }
            }
            Question::Survives { path } => {
                let leader = sim.leader();
                let server = leader.and_then(|id| sim.server(id));
                let kept = match (server, newest_write(sim, path)) {
                    // A write's data is there, or a delete's znode is gone.
                    (Some(s), Some(w)) => s.read(path).map(String::as_str) == w.op.data(),
                    _ => false,
                };
                let last = leader
                    .and_then(|id| sim.node(id))
                    .map_or(Zxid::ZERO, crate::report::last_committed_zxid);
                Reveal {
                    truth: Answer::yes(kept),
                    why: Why::Survival {
                        path: path.clone(),
                        leader,
                        kept,
                        last,
                    },
                }
            }
            Question::Holds { server, path } => {
                let (with, without): (Vec<_>, Vec<_>) = sim
                    .nodes
                    .iter()
                    .filter_map(|n| n.server.as_ref())
                    .map(|s| (s.id, s.read(path).is_some()))
                    .partition(|(_, has)| *has);
                let with: Vec<ServerId> = with.into_iter().map(|(id, _)| id).collect();
                Reveal {
                    truth: Answer::yes(with.contains(server)),
                    why: Why::Replicas {
                        path: path.clone(),
                        with,
                        without: without.into_iter().map(|(id, _)| id).collect(),
                    },
                }
            }
            Question::Caught => {
                let first = watch.violation.clone().or_else(|| {
                    violations
                        .iter()
                        .find(|v| v.at_ms >= watch.since)
                        .map(|v| (v.invariant.clone(), v.name.clone()))
                });
                Reveal {
                    truth: Answer::yes(first.is_some()),
                    why: Why::Checker { first },
                }
            }
        }
    }
}
