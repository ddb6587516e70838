//! Phase 0: Fast Leader Election (spec §6, `FastLeaderElection.java`).

use super::{Server, ServerEvent, Timer, VoteReason};
use crate::config::Bug;
use crate::ids::{Epoch, ServerId, Zxid};
use crate::packet::{Notification, ServerState, Vote};
use std::collections::BTreeMap;

/// FLE's volatile state (spec §4.2).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fle {
    /// `logicalclock`: the election round.
    pub logicalclock: u64,
    /// The vote this server currently proposes (`proposedLeader/Zxid/Epoch`).
    pub proposal: Option<Vote>,
    /// `recvset`: votes of this round, by sender.
    pub recvset: BTreeMap<ServerId, (Vote, ServerState)>,
    /// `outofelection`: FOLLOWING/LEADING notifications, by sender.
    pub outofelection: BTreeMap<ServerId, (Vote, ServerState)>,
    /// The current poll timeout (doubles up to the max notification interval).
    pub not_timeout: u64,
    /// Whether a quorum agreed and the server is in its `finalizeWait`.
    pub finalizing: bool,
}

/// Which field of FLE's total order decided between a new vote and the current one
/// (spec §2.2, `FastLeaderElection.totalOrderPredicate`), with both values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteDecider {
    /// The new vote names no voter (an observer's empty vote, leader id 0, whose
    /// weight is 0): it never wins, whatever its fields.
    NoWeight,
    /// The peerEpochs differ: the higher one wins (compared first).
    PeerEpoch {
        /// The new vote's peerEpoch.
        new: Epoch,
        /// The current vote's peerEpoch.
        current: Epoch,
    },
    /// The same peerEpoch; the zxids differ: the newer one wins.
    Zxid {
        /// The new vote's zxid.
        new: Zxid,
        /// The current vote's zxid.
        current: Zxid,
    },
    /// The same peerEpoch and zxid; the proposed server ids differ: the higher wins.
    ServerId {
        /// The new vote's proposed leader.
        new: ServerId,
        /// The current vote's proposed leader.
        current: ServerId,
    },
    /// The same candidate, peerEpoch and zxid: the new vote is not better.
    Equal,
}

/// The outcome of comparing a new vote with the current one: the decision FLE acts on
/// and the field that made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VoteComparison {
    /// Whether the new vote beats the current one (a LOOKING server then adopts it).
    pub beats: bool,
    /// What decided it.
    pub decided_by: VoteDecider,
}

/// `FastLeaderElection.totalOrderPredicate(newId, newZxid, newEpoch, curId, curZxid,
/// curEpoch)` (spec §2.2, §6.1): whether `new` beats `current`, comparing peerEpoch,
/// then zxid, then server id, and which of them decided. A vote for server 0 (an
/// observer's, `getWeight(newId) == 0`) never wins. The round (`electionEpoch`) is not
/// compared: `lookForLeader` handles rounds before it asks.
///
/// This is the election's only comparison of votes: every "better vote" decision in
/// this module asks it, and the web app's explanation phrases its result.
pub fn compare_votes(new: &Vote, current: &Vote) -> VoteComparison {
    let decided_by = if new.leader.0 == 0 {
        VoteDecider::NoWeight
    } else if new.peer_epoch != current.peer_epoch {
        VoteDecider::PeerEpoch {
            new: new.peer_epoch,
            current: current.peer_epoch,
        }
    } else if new.zxid != current.zxid {
        VoteDecider::Zxid {
            new: new.zxid,
            current: current.zxid,
        }
    } else if new.leader != current.leader {
        VoteDecider::ServerId {
            new: new.leader,
            current: current.leader,
        }
    } else {
        VoteDecider::Equal
    };
    let beats = match decided_by {
        VoteDecider::NoWeight | VoteDecider::Equal => false,
        VoteDecider::PeerEpoch { new, current } => new > current,
        VoteDecider::Zxid { new, current } => new > current,
        VoteDecider::ServerId { new, current } => new > current,
    };
    VoteComparison { beats, decided_by }
}

/// Whether `new` beats `current` ([`compare_votes`]).
fn beats(new: &Vote, current: &Vote) -> bool {
    compare_votes(new, current).beats
}

/// `Vote.equals` (spec §6.1): votes where either side is LOOKING must match in full;
/// two non-LOOKING votes agree on (leader, peerEpoch) alone, since established members
/// keep the zxid and round of their own election (ZK-1732 fix).
fn agree(a: &(Vote, ServerState), b: &(Vote, ServerState), full: bool) -> bool {
    if full || a.1 == ServerState::Looking || b.1 == ServerState::Looking {
        a.0 == b.0
    } else {
        a.0.leader == b.0.leader && a.0.peer_epoch == b.0.peer_epoch
    }
}

impl Server {
    /// `getInitId / getInitLastLoggedZxid / getPeerEpoch`: a voter proposes itself; an
    /// observer proposes nobody (Long.MIN_VALUE in ZooKeeper) and can never win.
    fn init_vote(&self) -> Vote {
        if self.is_voter() {
            Vote {
                leader: self.id,
                zxid: self.last_logged_zxid(),
                election_epoch: self.fle.logicalclock,
                peer_epoch: self.current_epoch(),
            }
        } else {
            Vote {
                leader: ServerId(0),
                zxid: Zxid(i64::MIN),
                election_epoch: self.fle.logicalclock,
                peer_epoch: Epoch(0),
            }
        }
    }

    fn proposal(&self) -> Vote {
        self.fle.proposal.unwrap_or_else(|| self.init_vote())
    }

    /// `lookForLeader` entry (spec §6.1): new round, propose myself, tell every voter.
    /// The caller has put the server in [`super::Role::Looking`] (and announced it).
    pub(crate) fn start_looking(&mut self) {
        self.fle.recvset.clear();
        self.fle.outofelection.clear();
        self.fle.finalizing = false;
        self.fle.not_timeout = self.cfg.timing.min_notification_interval_ms();
        self.fle.logicalclock += 1;
        self.fle.proposal = Some(self.init_vote());
        self.send_notifications(VoteReason::NewRound);
        self.set_timer(Timer::FleTimeout, self.fle.not_timeout);
    }

    /// `sendNotifications`: my proposal to every voter, myself included.
    fn send_notifications(&mut self, reason: VoteReason) {
        let mut vote = self.proposal();
        vote.election_epoch = self.fle.logicalclock;
        self.fle.proposal = Some(vote);
        self.event(ServerEvent::Vote {
            vote,
            round: self.fle.logicalclock,
            reason,
        });
        let n = Notification {
            vote,
            state: ServerState::Looking,
        };
        for to in (1..=self.cfg.participants).map(ServerId) {
            self.emit(super::Effect::Notify { to, n });
        }
    }

    /// A notification arrives: `WorkerReceiver`'s automatic replies (spec §6.2), then,
    /// if LOOKING, the `lookForLeader` loop processes it.
    pub(crate) fn on_notification(&mut self, from: ServerId, n: Notification) {
        let voter = self.cfg.is_voter(from);
        if !voter {
            // An observer asks: answer with my current vote.
            let mut vote = self.current_vote;
            vote.election_epoch = self.fle.logicalclock;
            self.reply(from, vote, self.state());
            return;
        }
        if self.state() == ServerState::Looking {
            if n.state == ServerState::Looking && n.vote.election_epoch < self.fle.logicalclock {
                // Help a laggard catch up with my round.
                let mut vote = self.proposal();
                vote.election_epoch = self.fle.logicalclock;
                self.reply(from, vote, ServerState::Looking);
            }
            self.fle_receive(from, n);
        } else if n.state == ServerState::Looking {
            // Tell a LOOKING peer who leads; with the ZK-1732 fix the vote carries the
            // round of my own election, not my logicalclock.
            let mut vote = self.current_vote;
            if self.bug(Bug::Zk1732) {
                vote.election_epoch = self.fle.logicalclock;
            }
            self.reply(from, vote, self.state());
        }
    }

    fn reply(&mut self, to: ServerId, vote: Vote, state: ServerState) {
        if to != self.id {
            self.emit(super::Effect::Notify {
                to,
                n: Notification { vote, state },
            });
        }
    }

    /// The `lookForLeader` loop body for one polled notification.
    fn fle_receive(&mut self, from: ServerId, n: Notification) {
        if self.fle.finalizing {
            // finalizeWait drains the queue: a strictly better vote aborts the decision,
            // anything else is discarded and the quiet period starts over.
            if beats(&n.vote, &self.proposal()) {
                self.fle.finalizing = false;
                self.cancel_timer(Timer::FinalizeWait);
            } else {
                self.set_timer(Timer::FinalizeWait, self.cfg.timing.finalize_wait_ms);
                return;
            }
        }
        // Each polled notification restarts the poll timeout.
        self.set_timer(Timer::FleTimeout, self.fle.not_timeout);
        if !self.cfg.is_voter(n.vote.leader) {
            return; // validVoter(n.leader)
        }
        match n.state {
            ServerState::Looking => self.handle_looking(from, n.vote),
            ServerState::Observing => {}
            ServerState::Following | ServerState::Leading => self.handle_established(from, n),
        }
    }

    /// A LOOKING peer's vote (spec §6.1 `handle_looking`).
    fn handle_looking(&mut self, from: ServerId, vote: Vote) {
        let clock = self.fle.logicalclock;
        if vote.election_epoch > clock {
            self.fle.logicalclock = vote.election_epoch;
            self.fle.recvset.clear();
            let init = self.init_vote();
            self.fle.proposal = Some(if beats(&vote, &init) { vote } else { init });
            self.send_notifications(VoteReason::NewerRound {
                from,
                round: vote.election_epoch,
            });
        } else if vote.election_epoch < clock {
            return; // a stale round: dropped, not recorded
        } else if beats(&vote, &self.proposal()) {
            self.fle.proposal = Some(vote);
            self.send_notifications(VoteReason::Beaten { from, vote });
        }
        self.fle.recvset.insert(from, (vote, ServerState::Looking));
        let agreeing = self.agreeing_with_proposal();
        if self.cfg.is_quorum(&agreeing) {
            // A quorum agrees; wait finalizeWait for a better vote before deciding.
            self.fle.finalizing = true;
            self.cancel_timer(Timer::FleTimeout);
            self.set_timer(Timer::FinalizeWait, self.cfg.timing.finalize_wait_ms);
        }
    }

    /// The notification a LOOKING server counts agreement with: its own proposal, in
    /// its current round.
    fn looking_target(&self) -> (Vote, ServerState) {
        let mut mine = self.proposal();
        mine.election_epoch = self.fle.logicalclock;
        (mine, ServerState::Looking)
    }

    /// Whether a vote received in this round (`recvset`) counts for this server's own
    /// proposal: the test `lookForLeader` applies to a LOOKING notification before it
    /// asks for a quorum (spec §6.1 `handle_looking`; `Vote.equals` against the
    /// proposal in the current round, so every field must match, the round included).
    pub fn agrees_with_proposal(&self, vote: &Vote, state: ServerState) -> bool {
        agree(
            &(*vote, state),
            &self.looking_target(),
            self.bug(Bug::Zk1732),
        )
    }

    /// The senders in `recvset` whose votes agree with my proposal.
    fn agreeing_with_proposal(&self) -> Vec<ServerId> {
        self.fle
            .recvset
            .iter()
            .filter(|(_, (v, st))| self.agrees_with_proposal(v, *st))
            .map(|(s, _)| *s)
            .collect()
    }

    fn agreeing(
        &self,
        votes: &BTreeMap<ServerId, (Vote, ServerState)>,
        target: &(Vote, ServerState),
    ) -> Vec<ServerId> {
        let full = self.bug(Bug::Zk1732);
        votes
            .iter()
            .filter(|(_, v)| agree(v, target, full))
            .map(|(s, _)| *s)
            .collect()
    }

    /// `checkLeader`: the proposed leader must itself say it is LEADING (or be me,
    /// in this very round).
    fn check_leader(
        &self,
        votes: &BTreeMap<ServerId, (Vote, ServerState)>,
        leader: ServerId,
        election_epoch: u64,
    ) -> bool {
        if leader != self.id {
            votes
                .get(&leader)
                .is_some_and(|(_, s)| *s == ServerState::Leading)
        } else {
            self.fle.logicalclock == election_epoch
        }
    }

    /// A FOLLOWING or LEADING peer's vote: join an established ensemble (spec §6.1
    /// `handle_established`, `receivedFollowingNotification`).
    fn handle_established(&mut self, from: ServerId, n: Notification) {
        let target = (n.vote, n.state);
        if n.vote.election_epoch == self.fle.logicalclock {
            self.fle.recvset.insert(from, target);
            let agreeing = self.agreeing(&self.fle.recvset, &target);
            if self.cfg.is_quorum(&agreeing)
                && self.check_leader(&self.fle.recvset, n.vote.leader, n.vote.election_epoch)
            {
                self.decide(n.vote, agreeing);
                return;
            }
        }
        self.fle.outofelection.insert(from, target);
        let agreeing = self.agreeing(&self.fle.outofelection, &target);
        if self.cfg.is_quorum(&agreeing)
            && self.check_leader(
                &self.fle.outofelection,
                n.vote.leader,
                n.vote.election_epoch,
            )
        {
            self.fle.logicalclock = n.vote.election_epoch;
            self.decide(n.vote, agreeing);
        }
    }

    /// Poll timeout: resend the proposal and double the interval (spec §6.1).
    pub(crate) fn fle_timeout(&mut self) {
        if self.state() != ServerState::Looking || self.fle.finalizing {
            return;
        }
        self.send_notifications(VoteReason::PollTimeout);
        self.fle.not_timeout =
            (self.fle.not_timeout * 2).min(self.cfg.timing.max_notification_interval_ms);
        self.set_timer(Timer::FleTimeout, self.fle.not_timeout);
    }

    /// finalizeWait passed with no better vote: the proposal wins.
    pub(crate) fn fle_finalize(&mut self) {
        if self.state() != ServerState::Looking || !self.fle.finalizing {
            return;
        }
        let (vote, _) = self.looking_target();
        let quorum = self.agreeing_with_proposal();
        self.decide(vote, quorum);
    }

    /// The election is over: become LEADING, FOLLOWING or OBSERVING (spec §6.3).
    fn decide(&mut self, vote: Vote, quorum: Vec<ServerId>) {
        self.fle.finalizing = false;
        self.fle.recvset.clear();
        self.fle.outofelection.clear();
        self.cancel_timer(Timer::FleTimeout);
        self.cancel_timer(Timer::FinalizeWait);
        self.current_vote = vote;
        self.event(ServerEvent::Elected { vote, quorum });
        if vote.leader == self.id {
            self.lead();
        } else if self.is_voter() {
            self.follow(vote.leader, ServerState::Following);
        } else {
            self.follow(vote.leader, ServerState::Observing);
        }
    }

    /// `updateElectionVote`: after syncing, report the new epoch to late joiners (ZK-1732 fix).
    pub(crate) fn update_election_vote(&mut self, epoch: Epoch) {
        if !self.bug(Bug::Zk1732) {
            self.current_vote.peer_epoch = epoch;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::server::{Ctx, Input};
    use crate::storage::Disk;

    fn v(leader: u32, zxid: i64, peer_epoch: u32) -> Vote {
        Vote {
            leader: ServerId(leader),
            zxid: Zxid(zxid),
            election_epoch: 1,
            peer_epoch: Epoch(peer_epoch),
        }
    }

    /// `FastLeaderElection.totalOrderPredicate` (spec §2.2): peerEpoch first, then
    /// zxid, then server id; the decider names the field and carries both values.
    #[test]
    fn votes_compare_peer_epoch_then_zxid_then_sid() {
        let c = compare_votes(&v(1, 5, 2), &v(3, 9, 1));
        assert_eq!(
            c,
            VoteComparison {
                beats: true,
                decided_by: VoteDecider::PeerEpoch {
                    new: Epoch(2),
                    current: Epoch(1)
                }
            },
            "a higher peerEpoch wins over a newer zxid and a higher sid"
        );
        let c = compare_votes(&v(1, 9, 1), &v(3, 5, 1));
        assert!(c.beats);
        assert_eq!(
            c.decided_by,
            VoteDecider::Zxid {
                new: Zxid(9),
                current: Zxid(5)
            }
        );
        let c = compare_votes(&v(2, 5, 1), &v(3, 5, 1));
        assert!(!c.beats, "the lower sid loses the tie");
        assert_eq!(
            c.decided_by,
            VoteDecider::ServerId {
                new: ServerId(2),
                current: ServerId(3)
            }
        );
        let c = compare_votes(&v(2, 5, 1), &v(2, 5, 1));
        assert_eq!((c.beats, c.decided_by), (false, VoteDecider::Equal));
        // getWeight(newId) == 0: an observer's empty vote never wins, even with a
        // higher peerEpoch.
        let c = compare_votes(&v(0, 99, 9), &v(1, 0, 0));
        assert_eq!((c.beats, c.decided_by), (false, VoteDecider::NoWeight));
        // The round is not compared.
        let mut newer_round = v(2, 5, 1);
        newer_round.election_epoch = 7;
        assert!(!compare_votes(&newer_round, &v(3, 5, 1)).beats);
    }

    /// totalOrderPredicate restated as one tuple comparison (a weightless observer vote
    /// never wins; otherwise (peerEpoch, zxid, sid) in lexicographic order): the two
    /// agree on every combination of a small domain.
    #[test]
    fn compare_votes_agrees_with_vote_beats() {
        let votes: Vec<Vote> = (0..3u32)
            .flat_map(|l| (0..3i64).flat_map(move |z| (0..3u32).map(move |e| v(l, z, e))))
            .collect();
        assert_eq!(votes.len(), 27);
        for a in &votes {
            for b in &votes {
                let tuple = a.leader.0 != 0
                    && (a.peer_epoch, a.zxid, a.leader) > (b.peer_epoch, b.zxid, b.leader);
                assert_eq!(compare_votes(a, b).beats, tuple, "{a:?} vs {b:?}");
            }
        }
    }

    fn looking(id: u32) -> Server {
        let (mut s, _) = Server::recover(ServerId(id), Config::new(3, 0), Disk::default())
            .expect("an empty disk starts");
        s.handle(Ctx { now: 1, roll: 0 }, Input::Boot);
        s
    }

    fn notify(s: &mut Server, from: u32, vote: Vote) {
        let n = crate::packet::Notification {
            vote,
            state: ServerState::Looking,
        };
        s.handle(
            Ctx { now: 2, roll: 0 },
            Input::Notification {
                from: ServerId(from),
                n,
            },
        );
    }

    /// Spec §6.1 `handle_looking` (`FastLeaderElection.lookForLeader`, `Vote.equals`):
    /// a LOOKING vote counts for my proposal only if it equals it in full, the round
    /// included; a quorum of such votes starts finalizeWait.
    #[test]
    fn looking_agreement_is_the_quorum_test_of_handle_looking() {
        let mut s = looking(3);
        let mine = s.fle.proposal.expect("proposes itself");
        assert_eq!(mine.leader, ServerId(3));
        assert!(s.agrees_with_proposal(&mine, ServerState::Looking));
        let mut other_round = mine;
        other_round.election_epoch += 1;
        assert!(
            !s.agrees_with_proposal(&other_round, ServerState::Looking),
            "same (leader, zxid, peerEpoch) in another round does not agree"
        );
        let mut other = mine;
        other.leader = ServerId(2);
        assert!(!s.agrees_with_proposal(&other, ServerState::Looking));
        // Server 2 proposes itself: it loses to 3 on the sid, so nothing agrees yet
        // beyond my own vote.
        notify(&mut s, 3, mine);
        notify(&mut s, 2, other);
        assert!(!s.fle.finalizing);
        let agreeing: Vec<u32> = s
            .fle
            .recvset
            .iter()
            .filter(|(_, (v, st))| s.agrees_with_proposal(v, *st))
            .map(|(id, _)| id.0)
            .collect();
        assert_eq!(agreeing, vec![3]);
        // Server 1 votes for 3: a quorum {1, 3} agrees, finalizeWait begins.
        notify(&mut s, 1, mine);
        assert!(s.fle.finalizing);
        assert!(s
            .fle
            .recvset
            .get(&ServerId(1))
            .is_some_and(|(v, st)| s.agrees_with_proposal(v, *st)));
    }
}
