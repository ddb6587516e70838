//! Phase 0: Fast Leader Election (spec §6, `FastLeaderElection.java`).

use super::{Phase, Server, ServerEvent, Timer, VoteReason};
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
    pub(crate) fn start_looking(&mut self) {
        self.set_state(ServerState::Looking, Phase::Election);
        self.sync_mode = super::SyncMode::None;
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
            self.reply(from, vote, self.state);
            return;
        }
        if self.state == ServerState::Looking {
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
            self.reply(from, vote, self.state);
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
            if n.vote.beats(&self.proposal()) {
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
            self.fle.proposal = Some(if vote.beats(&init) { vote } else { init });
            self.send_notifications(VoteReason::NewerRound {
                from,
                round: vote.election_epoch,
            });
        } else if vote.election_epoch < clock {
            return; // a stale round: dropped, not recorded
        } else if vote.beats(&self.proposal()) {
            self.fle.proposal = Some(vote);
            self.send_notifications(VoteReason::Beaten { from, vote });
        }
        self.fle.recvset.insert(from, (vote, ServerState::Looking));
        let mut mine = self.proposal();
        mine.election_epoch = self.fle.logicalclock;
        let target = (mine, ServerState::Looking);
        let agreeing = self.agreeing(&self.fle.recvset, &target);
        if self.cfg.is_quorum(&agreeing) {
            // A quorum agrees; wait finalizeWait for a better vote before deciding.
            self.fle.finalizing = true;
            self.cancel_timer(Timer::FleTimeout);
            self.set_timer(Timer::FinalizeWait, self.cfg.timing.finalize_wait_ms);
        }
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
        if self.state != ServerState::Looking || self.fle.finalizing {
            return;
        }
        self.send_notifications(VoteReason::PollTimeout);
        self.fle.not_timeout =
            (self.fle.not_timeout * 2).min(self.cfg.timing.max_notification_interval_ms);
        self.set_timer(Timer::FleTimeout, self.fle.not_timeout);
    }

    /// finalizeWait passed with no better vote: the proposal wins.
    pub(crate) fn fle_finalize(&mut self) {
        if self.state != ServerState::Looking || !self.fle.finalizing {
            return;
        }
        let mut vote = self.proposal();
        vote.election_epoch = self.fle.logicalclock;
        let target = (vote, ServerState::Looking);
        let quorum = self.agreeing(&self.fle.recvset, &target);
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
