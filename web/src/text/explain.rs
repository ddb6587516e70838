//! Explanations in words: why a vote beats another, why the leader chose DIFF, TRUNC
//! or SNAP, why a proposal is not committed yet, why a server refuses to start, how
//! a restart rebuilt a server. Pure functions of the inspector's plain views (every
//! fact comes from core; this module only compares and phrases them).

use zab_core::server::{
    CommitBlocker, Queued, StartRefusal, SyncReason, VoteComparison, VoteDecider,
};
use zab_core::Zxid;

use crate::engine::inspect::{ProposalRow, RecoveryView, SyncChoiceView, VoteView};

/// One sentence: does `a` beat `b`, spelled out step by step from the election's own
/// comparison `c` (`zab_core::server::compare_votes(a, b)`).
pub fn vote_sentence(a: &VoteView, b: &VoteView, c: &VoteComparison) -> String {
    let (la, lb) = (a.label(), b.label());
    let wins = c.beats;
    let verdict = if wins { "beats" } else { "does not beat" };
    let rel = if wins { ">" } else { "<" };
    match c.decided_by {
        VoteDecider::NoWeight => format!("{la} is an observer's empty vote: it never wins."),
        VoteDecider::Equal => format!("{la} and {lb} name the same candidate with the same epoch and zxid: nothing changes."),
        VoteDecider::PeerEpoch { new, current } => format!(
            "{la} {verdict} {lb}: peerEpoch is compared first, and {new} {rel} {current} (zxid and server id do not matter then)."
        ),
        VoteDecider::Zxid { new, current } => format!(
            "{la} {verdict} {lb}: the same peerEpoch {}, so the zxid decides, and {new} is {} than {current}.",
            a.peer_epoch,
            if wins { "newer" } else { "older" },
        ),
        VoteDecider::ServerId { new, current } => format!(
            "{la} {verdict} {lb}: the same peerEpoch {} and zxid {}, so the higher server id wins the tie, and {new} {rel} {current}.",
            a.peer_epoch,
            a.zxid,
        ),
    }
}

/// Why a LOOKING server proposes what it proposes: itself, or a better vote it adopted
/// (`adopted` is the proposal against its own vote, from `compare_votes`).
pub fn proposal_sentence(
    me: u32,
    own: &VoteView,
    proposal: &VoteView,
    adopted: &VoteComparison,
) -> String {
    if proposal.leader == me {
        format!(
            "Server {me} proposes itself, {}: no vote it has received in round {} beats its own.",
            own.label(),
            proposal.round
        )
    } else if proposal.leader == 0 {
        format!("Server {me} is an observer: it proposes nobody and only learns who leads.")
    } else {
        format!(
            "Server {me} adopted server {}'s vote. {}",
            proposal.leader,
            vote_sentence(proposal, own, adopted)
        )
    }
}

fn txns(n: u32) -> String {
    format!("{n} committed txn{}", if n == 1 { "" } else { "s" })
}

/// What a stream queued from a log does, in words.
fn queued_words(q: Queued, peer: Zxid) -> String {
    match q {
        Queued::Diff { txns: 0 } => {
            "so there is nothing to resend: an empty DIFF (only proposals newer than the window follow)".to_string()
        }
        Queued::Diff { txns: n } => format!(
            "so the leader keeps the learner's log and sends DIFF, then a PROPOSAL and COMMIT for each of the {} after {peer}",
            txns(n)
        ),
        Queued::NewEpochDiff { txns: n } => format!(
            "and it is a new epoch's first zxid (counter 0), so the leader sends DIFF and a PROPOSAL and COMMIT for each of the {} from there",
            txns(n)
        ),
        Queued::UnmatchedDiff { txns: n } => format!(
            "but the leader never had that txn; with bug ZK-1154 it sends DIFF anyway (and {} after it), so the learner keeps a txn that was never committed",
            txns(n)
        ),
        Queued::Trunc { to, txns: n } => format!(
            "but the leader never had that txn, so it was never committed: the leader sends TRUNC to {to}, its last txn before it, and the learner cuts its log back there before the {} that follow",
            txns(n)
        ),
    }
}

const SNAP: &str = "it sends SNAP, a full copy of its data tree";

/// Why the leader chose DIFF, TRUNC or SNAP for a learner (spec §8.1): the branch of
/// `syncFollower` it took and the zxids it compared, as the leader's plan says.
pub fn sync_sentence(s: &SyncChoiceView) -> String {
    let peer = s.reason.peer();
    let (pos, consequence) = match s.reason {
        SyncReason::InSync { .. } => (
            "equals the leader's own last zxid".to_string(),
            queued_words(Queued::Diff { txns: 0 }, peer),
        ),
        SyncReason::Ahead { max, .. } => (
            format!("is newer than the leader's last committed txn {max}"),
            format!("so the learner holds txns that were never committed: the leader sends TRUNC to {max}, and the learner cuts its log back there"),
        ),
        SyncReason::WithinLog { min, max, queued, .. } => (
            match queued {
                Queued::Diff { txns: 0 } => {
                    format!("equals the newest txn of the leader's committed log [{min} .. {max}]")
                }
                _ => format!("lies inside the leader's committed log [{min} .. {max}]"),
            },
            queued_words(queued, peer),
        ),
        SyncReason::DiffFromDisk {
            min,
            max,
            log_first,
            queued,
            ..
        } => (
            format!("is older than the leader's committed log [{min} .. {max}]"),
            match queued {
                Queued::Trunc { to, txns: n } => format!(
                    "but the leader's on-disk txn log still reaches back to it (it starts at {log_first}) and what follows is small enough; the leader never had the learner's last txn, so it sends TRUNC to {to} and replays the {} that follow from the log",
                    txns(n)
                ),
                _ => format!(
                    "but the leader's on-disk txn log still reaches back to it (it starts at {log_first}) and what follows is small enough, so it replays the missing txns from the log after a DIFF ({})",
                    txns(queued.txns())
                ),
            },
        ),
        SyncReason::LogTooBig {
            min,
            max,
            log_first,
            size,
            limit,
            factor,
            ..
        } => (
            format!("is older than the leader's committed log [{min} .. {max}]"),
            format!("and although its on-disk txn log reaches back to it (it starts at {log_first}), the {size} bytes after it are not less than {limit:.0} ({factor} x the snapshot), so replaying would cost more than a snapshot: {SNAP}"),
        ),
        SyncReason::LogGone {
            min, max, log_first, ..
        } => (
            format!("is older than the leader's committed log [{min} .. {max}]"),
            format!(
                "and its on-disk txn log no longer reaches back to it ({}), so the leader cannot replay what is missing: {SNAP}",
                match log_first {
                    Some(first) => format!("it starts at {first}"),
                    None => "it is empty".to_string(),
                }
            ),
        ),
        SyncReason::Older { min, max, .. } => (
            format!("is older than the leader's committed log [{min} .. {max}]"),
            format!("and syncing from the txn log on disk is off (snapshotSizeFactor < 0), so the leader cannot replay what is missing: {SNAP}"),
        ),
        SyncReason::NewEpochAhead { max, .. } => (
            format!("is newer than the leader's last committed txn {max}"),
            format!("but it is a new epoch's first zxid (counter 0), which the leader does not TRUNC to: {SNAP}"),
        ),
        SyncReason::CrossEpoch {
            min,
            max,
            from_disk,
            leader_next,
            ..
        } => (
            if from_disk {
                format!("is older than the leader's committed log [{min} .. {max}]")
            } else {
                format!("lies inside the leader's committed log [{min} .. {max}]")
            },
            format!(
                "but the two histories part in different epochs{}, where a TRUNC cannot reach: the leader falls back to SNAP, a full copy of its data tree",
                leader_next.map_or(String::new(), |z| format!(" ({z} follows it at the leader)"))
            ),
        ),
    };
    format!(
        "Leader {} chose {} for server {} at t = {} ms: the learner's last zxid {peer} (from its ACKEPOCH) {pos}, {consequence}. The leader's own words: “{}”.",
        s.leader, s.mode.name(), s.learner, s.at_ms, s.reason
    )
}

/// Why a proposal is not committed yet (spec §9.3), from the leader's own commit test
/// (`p.check`): ACKs against the quorum, the leader's own fsynced ACK, and zxid order.
pub fn commit_sentence(p: &ProposalRow, voters: u32, leader: u32) -> String {
    let c = &p.check;
    let acks = if p.acks.is_empty() {
        "no ACK yet".to_string()
    } else {
        format!(
            "ACKs from {{{}}}",
            p.acks
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let own = if c.leader_acked {
        "the leader's own ACK (sent once its fsync completed) is in".to_string()
    } else {
        format!("the leader's own ACK is not in yet: server {leader} has not fsynced it")
    };
    let head = format!(
        "{} ({}): {acks}, {} of the {} a quorum of {voters} voters needs; {own}.",
        p.zxid, p.op, c.acks, c.quorum
    );
    let (mut quorum, mut leader_ack, mut order) = (None, false, None);
    for b in c.blockers() {
        match b {
            CommitBlocker::Quorum { acks, needed } => quorum = Some(needed.saturating_sub(acks)),
            CommitBlocker::LeaderAck => leader_ack = true,
            CommitBlocker::Order { earlier } => order = Some(earlier),
        }
    }
    let why = match (quorum, leader_ack, order) {
        (None, false, None) => {
            " It has its quorum: the COMMIT goes out with the next ACK processed.".to_string()
        }
        (None, false, Some(z)) => format!(
            " It has its quorum, but commits go strictly in zxid order and {z} is still waiting."
        ),
        (None, true, _) => " A quorum has ACKed, but ZooKeeper commits only on a quorum that includes the leader itself.".to_string(),
        (Some(missing), _, _) => format!(
            " Waiting for {missing} more ACK{}.",
            if missing == 1 { "" } else { "s" }
        ),
    };
    // Zxid order holds it back too: say so when the sentence above did not.
    let also = match (order, quorum.is_some() || leader_ack) {
        (Some(z), true) => {
            format!(" Commits also go strictly in zxid order: {z} is still waiting.")
        }
        _ => String::new(),
    };
    head + &why + &also
}

/// Why a server refuses to start (spec §11: the startup epoch checks).
pub fn refusal_sentence(id: u32, reason: &StartRefusal) -> String {
    let rule = match reason {
        StartRefusal::CurrentEpochBehind { .. } => {
        "At startup a server loads its newest snapshot, replays its log, and requires the epoch of its last zxid to be at most its currentEpoch. Here the log or snapshot already holds a txn of a newer epoch than the currentEpoch file: the server crashed after persisting the new epoch's txns and before writing currentEpoch (the ZOOKEEPER-1653 window), and no updatingEpoch marker says the change was under way (bug mode ZK-1653: ZooKeeper since 3.5, ZOOKEEPER-2354). Starting would let it vote with an epoch older than its own data, so it refuses."
        }
        StartRefusal::AcceptedBehindCurrent { .. } => {
            "At startup acceptedEpoch must be at least currentEpoch (a server accepts an epoch before it adopts it). These files contradict that, so the server refuses to start."
        }
    };
    format!("Server {id} refuses to start: {reason}. {rule}")
}

/// How a restart rebuilt the in-memory state from disk (spec §11).
pub fn recovery_sentence(id: u32, r: &RecoveryView) -> String {
    let from = if r.snapshot == Zxid::ZERO {
        "no snapshot (an empty tree)".to_string()
    } else {
        format!("snapshot {}", r.snapshot)
    };
    format!(
        "At t = {} ms server {id} restarted and rebuilt its data tree from {from}, then replayed {} log entr{} on top, committed or not: last zxid {}.",
        r.at_ms,
        r.replayed,
        if r.replayed == 1 { "y" } else { "ies" },
        r.last_zxid
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use zab_core::packet::Vote;
    use zab_core::server::{compare_votes, CommitCheck};
    use zab_core::{Epoch, ServerId};

    fn v(leader: u32, epoch: u32, counter: u32, peer_epoch: u32) -> VoteView {
        VoteView {
            leader,
            zxid: Zxid::new(Epoch(epoch), counter),
            peer_epoch,
            round: 1,
        }
    }

    /// The sentence for `a` against `b`, from core's comparison of the two votes.
    fn said(a: &VoteView, b: &VoteView) -> String {
        vote_sentence(a, b, &compare_votes(&vote(a), &vote(b)))
    }

    fn vote(v: &VoteView) -> Vote {
        Vote {
            leader: ServerId(v.leader),
            zxid: v.zxid,
            election_epoch: v.round,
            peer_epoch: Epoch(v.peer_epoch),
        }
    }

    #[test]
    fn votes_compare_peer_epoch_then_zxid_then_id() {
        let s = said(&v(1, 1, 1, 2), &v(3, 1, 5, 1));
        assert!(
            s.contains("beats") && s.contains("peerEpoch is compared first") && s.contains("2 > 1"),
            "{s}"
        );
        let s = said(&v(1, 1, 5, 1), &v(3, 1, 4, 1));
        assert!(
            s.contains("beats") && s.contains("0x100000005 is newer than 0x100000004"),
            "{s}"
        );
        let s = said(&v(2, 1, 5, 1), &v(3, 1, 5, 1));
        assert!(s.contains("does not beat") && s.contains("2 < 3"), "{s}");
        let s = said(&v(0, 0, 0, 0), &v(1, 0, 0, 0));
        assert!(s.contains("observer's empty vote"), "{s}");
        let (own, proposal) = (v(2, 1, 1, 1), v(3, 1, 1, 1));
        let adopted = compare_votes(&vote(&proposal), &vote(&own));
        let s = proposal_sentence(2, &own, &proposal, &adopted);
        assert!(
            s.starts_with("Server 2 adopted server 3's vote") && s.contains("higher server id"),
            "{s}"
        );
    }

    fn choice(reason: SyncReason) -> SyncChoiceView {
        SyncChoiceView {
            at_ms: 9000,
            leader: 3,
            learner: 1,
            mode: reason.mode(),
            reason,
        }
    }

    #[test]
    fn sync_choices_name_the_window() {
        let z = |c| Zxid::new(Epoch(1), c);
        let t = sync_sentence(&choice(SyncReason::WithinLog {
            peer: z(2),
            min: z(1),
            max: z(8),
            queued: Queued::Diff { txns: 6 },
        }));
        assert!(
            t.contains("chose DIFF for server 1")
                && t.contains("0x100000002 (from its ACKEPOCH) lies inside the leader's committed log [0x100000001 .. 0x100000008]")
                && t.contains("each of the 6 committed txns after 0x100000002"),
            "{t}"
        );
        let t = sync_sentence(&choice(SyncReason::WithinLog {
            peer: z(8),
            min: z(1),
            max: z(8),
            queued: Queued::Diff { txns: 0 },
        }));
        assert!(
            t.contains("equals the newest txn") && t.contains("empty DIFF"),
            "{t}"
        );
        let t = sync_sentence(&choice(SyncReason::LogGone {
            peer: Zxid::ZERO,
            min: z(1),
            max: z(8),
            log_first: Some(z(3)),
        }));
        assert!(
            t.contains("chose SNAP")
                && t.contains("is older than")
                && t.contains("it starts at 0x100000003")
                && t.contains("full copy"),
            "{t}"
        );
        let t = sync_sentence(&choice(SyncReason::Ahead {
            peer: z(9),
            max: z(8),
        }));
        assert!(
            t.contains("chose TRUNC")
                && t.contains("newer than the leader's last committed txn 0x100000008"),
            "{t}"
        );
        let t = sync_sentence(&choice(SyncReason::WithinLog {
            peer: z(3),
            min: z(1),
            max: z(8),
            queued: Queued::Trunc { to: z(2), txns: 5 },
        }));
        assert!(
            t.contains("chose TRUNC") && t.contains("TRUNC to 0x100000002"),
            "{t}"
        );
        let t = sync_sentence(&choice(SyncReason::CrossEpoch {
            peer: z(3),
            min: z(1),
            max: Zxid::new(Epoch(2), 2),
            from_disk: false,
            leader_next: Some(Zxid::new(Epoch(2), 1)),
        }));
        assert!(
            t.contains("chose SNAP") && t.contains("different epochs (0x200000001 follows it"),
            "{t}"
        );
    }

    #[test]
    fn commits_wait_for_a_quorum_with_the_leader_in_it_and_in_order() {
        let mut p = ProposalRow {
            zxid: Zxid::new(Epoch(2), 3),
            op: "create /a=1".into(),
            acks: vec![2],
            check: CommitCheck {
                zxid: Zxid::new(Epoch(2), 3),
                acks: 1,
                quorum: 3,
                has_quorum: false,
                leader_acked: false,
                earlier: None,
            },
        };
        let t = commit_sentence(&p, 5, 1);
        assert!(
            t.contains("1 of the 3")
                && t.contains("Waiting for 2 more ACKs")
                && t.contains("not fsynced")
                && !t.contains("zxid order"),
            "{t}"
        );
        p.acks = vec![2, 3, 4];
        p.check.acks = 3;
        p.check.has_quorum = true;
        assert!(commit_sentence(&p, 5, 1).contains("includes the leader itself"));
        p.check.earlier = Some(Zxid::new(Epoch(2), 2));
        let t = commit_sentence(&p, 5, 1);
        assert!(
            t.contains("includes the leader itself")
                && t.contains("also go strictly in zxid order: 0x200000002"),
            "{t}"
        );
        p.acks = vec![1, 2, 3];
        p.check.leader_acked = true;
        let t = commit_sentence(&p, 5, 1);
        assert!(
            t.contains("It has its quorum, but commits go strictly in zxid order and 0x200000002"),
            "{t}"
        );
        p.check.earlier = None;
        assert!(commit_sentence(&p, 5, 1).contains("the COMMIT goes out with the next ACK"));
    }

    #[test]
    fn refusals_and_recoveries_read_well() {
        let behind = StartRefusal::CurrentEpochBehind {
            current: Epoch(1),
            last_zxid: Zxid::new(Epoch(2), 1),
        };
        let t = refusal_sentence(2, &behind);
        assert!(t.starts_with("Server 2 refuses to start: The current epoch, 1, is older than the last zxid, 0x200000001 (QuorumPeer.loadDataBase). At startup"), "{t}");
        assert!(t.contains("ZOOKEEPER-1653"), "{t}");
        let accepted = StartRefusal::AcceptedBehindCurrent {
            accepted: Epoch(1),
            current: Epoch(2),
        };
        assert!(
            refusal_sentence(2, &accepted).contains("acceptedEpoch must be at least currentEpoch")
        );
        let r = RecoveryView {
            at_ms: 9000,
            snapshot: Zxid::new(Epoch(1), 4),
            replayed: 1,
            last_zxid: Zxid::new(Epoch(1), 5),
        };
        let t = recovery_sentence(1, &r);
        assert!(
            t.contains("snapshot 0x100000004") && t.contains("1 log entry"),
            "{t}"
        );
    }
}
