//! Explanations in words, in either language: why a vote beats another, why the
//! leader chose DIFF, TRUNC or SNAP, why a proposal is not committed yet, why a server
//! refuses to start, how a restart rebuilt a server. Pure functions of the inspector's
//! plain views (every fact comes from core; this module only compares and phrases
//! them). Each has an `_in` twin that takes the language; the plain one uses the
//! page's.

use crate::t;
use zab_core::server::{
    CommitBlocker, Queued, StartRefusal, SyncReason, VoteComparison, VoteDecider,
};
use zab_core::Zxid;

use crate::engine::inspect::{ProposalRow, RecoveryView, SyncChoiceView, VoteView};
use crate::text::lang::{self, Lang};
use crate::text::narrate::reasons;

/// One sentence: does `a` beat `b`, spelled out step by step from the election's own
/// comparison `c` (`zab_core::server::compare_votes(a, b)`).
pub fn vote_sentence(a: &VoteView, b: &VoteView, c: &VoteComparison) -> String {
    vote_sentence_in(a, b, c, lang::current())
}

/// [`vote_sentence`] in `lang`.
pub fn vote_sentence_in(a: &VoteView, b: &VoteView, c: &VoteComparison, lang: Lang) -> String {
    let l = lang.code();
    let (la, lb) = (a.label(), b.label());
    let wins = c.beats;
    match c.decided_by {
        VoteDecider::NoWeight => t!("explain.vote.no_weight", locale = l, a = la),
        VoteDecider::Equal => t!("explain.vote.equal", locale = l, a = la, b = lb),
        VoteDecider::PeerEpoch { new, current } if wins => t!(
            "explain.vote.peer_epoch_beats",
            locale = l,
            a = la,
            b = lb,
            new = new,
            current = current
        ),
        VoteDecider::PeerEpoch { new, current } => t!(
            "explain.vote.peer_epoch_loses",
            locale = l,
            a = la,
            b = lb,
            new = new,
            current = current
        ),
        VoteDecider::Zxid { new, current } if wins => t!(
            "explain.vote.zxid_beats",
            locale = l,
            a = la,
            b = lb,
            epoch = a.peer_epoch,
            new = new,
            current = current
        ),
        VoteDecider::Zxid { new, current } => t!(
            "explain.vote.zxid_loses",
            locale = l,
            a = la,
            b = lb,
            epoch = a.peer_epoch,
            new = new,
            current = current
        ),
        VoteDecider::ServerId { new, current } if wins => t!(
            "explain.vote.id_beats",
            locale = l,
            a = la,
            b = lb,
            epoch = a.peer_epoch,
            zxid = a.zxid,
            new = new,
            current = current
        ),
        VoteDecider::ServerId { new, current } => t!(
            "explain.vote.id_loses",
            locale = l,
            a = la,
            b = lb,
            epoch = a.peer_epoch,
            zxid = a.zxid,
            new = new,
            current = current
        ),
    }
    .into_owned()
}

/// Why a LOOKING server proposes what it proposes: itself, or a better vote it adopted
/// (`adopted` is the proposal against its own vote, from `compare_votes`).
pub fn proposal_sentence(
    me: u32,
    own: &VoteView,
    proposal: &VoteView,
    adopted: &VoteComparison,
) -> String {
    proposal_sentence_in(me, own, proposal, adopted, lang::current())
}

/// [`proposal_sentence`] in `lang`.
pub fn proposal_sentence_in(
    me: u32,
    own: &VoteView,
    proposal: &VoteView,
    adopted: &VoteComparison,
    lang: Lang,
) -> String {
    let l = lang.code();
    if proposal.leader == me {
        t!(
            "explain.proposal.itself",
            locale = l,
            me = me,
            vote = own.label(),
            round = proposal.round
        )
    } else if proposal.leader == 0 {
        t!("explain.proposal.observer", locale = l, me = me)
    } else {
        t!(
            "explain.proposal.adopted",
            locale = l,
            me = me,
            leader = proposal.leader,
            why = vote_sentence_in(proposal, own, adopted, lang)
        )
    }
    .into_owned()
}

/// `n committed txns`, in `lang`.
fn txns(n: u32, lang: Lang) -> String {
    let l = lang.code();
    if n == 1 {
        t!("explain.txns_one", locale = l, n = n)
    } else {
        t!("explain.txns_many", locale = l, n = n)
    }
    .into_owned()
}

/// What a stream queued from a log does, in words.
fn queued_words(q: Queued, peer: Zxid, lang: Lang) -> String {
    let l = lang.code();
    match q {
        Queued::Diff { txns: 0 } => t!("explain.queued.diff_empty", locale = l),
        Queued::Diff { txns: n } => t!(
            "explain.queued.diff",
            locale = l,
            txns = txns(n, lang),
            peer = peer
        ),
        Queued::NewEpochDiff { txns: n } => {
            t!(
                "explain.queued.new_epoch_diff",
                locale = l,
                txns = txns(n, lang)
            )
        }
        Queued::UnmatchedDiff { txns: n } => {
            t!(
                "explain.queued.unmatched_diff",
                locale = l,
                txns = txns(n, lang)
            )
        }
        Queued::Trunc { to, txns: n } => t!(
            "explain.queued.trunc",
            locale = l,
            to = to,
            txns = txns(n, lang)
        ),
    }
    .into_owned()
}

/// Why the leader chose DIFF, TRUNC or SNAP for a learner (spec §8.1): the branch of
/// `syncFollower` it took and the zxids it compared, as the leader's plan says.
pub fn sync_sentence(s: &SyncChoiceView) -> String {
    sync_sentence_in(s, lang::current())
}

/// [`sync_sentence`] in `lang`.
pub fn sync_sentence_in(s: &SyncChoiceView, lang: Lang) -> String {
    let l = lang.code();
    let peer = s.reason.peer();
    let snap = t!("explain.sync.snap", locale = l);
    let older =
        |min: Zxid, max: Zxid| t!("explain.sync.pos_older", locale = l, min = min, max = max);
    let inside =
        |min: Zxid, max: Zxid| t!("explain.sync.pos_inside", locale = l, min = min, max = max);
    let (pos, consequence) = match s.reason {
        SyncReason::InSync { .. } => (
            t!("explain.sync.pos_equals_own", locale = l),
            queued_words(Queued::Diff { txns: 0 }, peer, lang).into(),
        ),
        SyncReason::Ahead { max, .. } => (
            t!("explain.sync.pos_newer", locale = l, max = max),
            t!("explain.sync.ahead", locale = l, max = max),
        ),
        SyncReason::WithinLog {
            min, max, queued, ..
        } => (
            match queued {
                Queued::Diff { txns: 0 } => {
                    t!("explain.sync.pos_newest", locale = l, min = min, max = max)
                }
                _ => inside(min, max),
            },
            queued_words(queued, peer, lang).into(),
        ),
        SyncReason::DiffFromDisk {
            min,
            max,
            log_first,
            queued,
            ..
        } => (
            older(min, max),
            match queued {
                Queued::Trunc { to, txns: n } => t!(
                    "explain.sync.disk_trunc",
                    locale = l,
                    first = log_first,
                    to = to,
                    txns = txns(n, lang)
                ),
                _ => t!(
                    "explain.sync.disk_diff",
                    locale = l,
                    first = log_first,
                    txns = txns(queued.txns(), lang)
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
            older(min, max),
            t!(
                "explain.sync.too_big",
                locale = l,
                first = log_first,
                size = size,
                limit = format!("{limit:.0}"),
                factor = factor,
                snap = snap
            ),
        ),
        SyncReason::LogGone {
            min,
            max,
            log_first,
            ..
        } => (
            older(min, max),
            t!(
                "explain.sync.gone",
                locale = l,
                start = match log_first {
                    Some(first) => t!("explain.sync.log_starts", locale = l, first = first),
                    None => t!("explain.sync.log_empty", locale = l),
                },
                snap = snap
            ),
        ),
        SyncReason::Older { min, max, .. } => (
            older(min, max),
            t!("explain.sync.older_off", locale = l, snap = snap),
        ),
        SyncReason::NewEpochAhead { max, .. } => (
            t!("explain.sync.pos_newer", locale = l, max = max),
            t!("explain.sync.new_epoch_ahead", locale = l, snap = snap),
        ),
        SyncReason::CrossEpoch {
            min,
            max,
            from_disk,
            leader_next,
            ..
        } => (
            if from_disk {
                older(min, max)
            } else {
                inside(min, max)
            },
            t!(
                "explain.sync.cross_epoch",
                locale = l,
                next = leader_next.map_or(String::new(), |z| {
                    t!("explain.sync.next", locale = l, z = z).into_owned()
                })
            ),
        ),
    };
    t!(
        "explain.sync.sentence",
        locale = l,
        leader = s.leader,
        mode = s.mode.name(),
        learner = s.learner,
        ms = s.at_ms,
        peer = peer,
        pos = pos,
        consequence = consequence,
        words = reasons::sync_reason(&s.reason, lang)
    )
    .into_owned()
}

/// Why a proposal is not committed yet (spec §9.3), from the leader's own commit test
/// (`p.check`): ACKs against the quorum, the leader's own fsynced ACK, and zxid order.
pub fn commit_sentence(p: &ProposalRow, voters: u32, leader: u32) -> String {
    commit_sentence_in(p, voters, leader, lang::current())
}

/// [`commit_sentence`] in `lang`.
pub fn commit_sentence_in(p: &ProposalRow, voters: u32, leader: u32, lang: Lang) -> String {
    let l = lang.code();
    let c = &p.check;
    let acks = if p.acks.is_empty() {
        t!("explain.commit.no_ack", locale = l)
    } else {
        let ids = p
            .acks
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        t!("explain.commit.acks", locale = l, ids = ids)
    };
    let own = if c.leader_acked {
        t!("explain.commit.own_in", locale = l)
    } else {
        t!("explain.commit.own_missing", locale = l, leader = leader)
    };
    let head = t!(
        "explain.commit.head",
        locale = l,
        zxid = p.zxid,
        op = p.op,
        acks = acks,
        count = c.acks,
        quorum = c.quorum,
        voters = voters,
        own = own
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
        (None, false, None) => t!("explain.commit.has_quorum", locale = l),
        (None, false, Some(z)) => t!("explain.commit.quorum_order", locale = l, z = z),
        (None, true, _) => t!("explain.commit.needs_leader", locale = l),
        (Some(1), _, _) => t!("explain.commit.waiting_one", locale = l, missing = 1),
        (Some(missing), _, _) => t!("explain.commit.waiting_many", locale = l, missing = missing),
    };
    // Zxid order holds it back too: say so when the sentence above did not.
    let also = match (order, quorum.is_some() || leader_ack) {
        (Some(z), true) => t!("explain.commit.also_order", locale = l, z = z).into_owned(),
        _ => String::new(),
    };
    format!("{head}{why}{also}")
}

/// Why a server refuses to start (spec §11: a log without a snapshot, the startup
/// epoch checks).
pub fn refusal_sentence(id: u32, reason: &StartRefusal) -> String {
    refusal_sentence_in(id, reason, lang::current())
}

/// [`refusal_sentence`] in `lang`.
pub fn refusal_sentence_in(id: u32, reason: &StartRefusal, lang: Lang) -> String {
    let l = lang.code();
    let rule = match reason {
        StartRefusal::LogWithoutSnapshot { .. } => {
            t!("explain.refusal.log_without_snapshot", locale = l)
        }
        StartRefusal::CurrentEpochBehind { .. } => t!("explain.refusal.current_behind", locale = l),
        StartRefusal::AcceptedBehindCurrent { .. } => {
            t!("explain.refusal.accepted_behind", locale = l)
        }
    };
    t!(
        "explain.refusal.sentence",
        locale = l,
        id = id,
        reason = reasons::start_refusal(reason, lang),
        rule = rule
    )
    .into_owned()
}

/// How a restart rebuilt the in-memory state from disk (spec §11).
pub fn recovery_sentence(id: u32, r: &RecoveryView) -> String {
    recovery_sentence_in(id, r, lang::current())
}

/// [`recovery_sentence`] in `lang`.
pub fn recovery_sentence_in(id: u32, r: &RecoveryView, lang: Lang) -> String {
    let l = lang.code();
    let from = if r.snapshot == Zxid::ZERO {
        t!("explain.recovery.empty_snapshot", locale = l)
    } else {
        t!("explain.recovery.snapshot", locale = l, zxid = r.snapshot)
    };
    if r.replayed == 1 {
        t!(
            "explain.recovery.one",
            locale = l,
            ms = r.at_ms,
            id = id,
            from = from,
            n = r.replayed,
            last = r.last_zxid
        )
    } else {
        t!(
            "explain.recovery.many",
            locale = l,
            ms = r.at_ms,
            id = id,
            from = from,
            n = r.replayed,
            last = r.last_zxid
        )
    }
    .into_owned()
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

    fn no_snapshot() -> StartRefusal {
        StartRefusal::LogWithoutSnapshot {
            first_logged: Zxid::new(Epoch(1), 1),
            last_logged: Zxid::new(Epoch(1), 4),
        }
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
        let t = refusal_sentence(3, &no_snapshot());
        assert!(t.starts_with("Server 3 refuses to start: No snapshot found, but there are log entries (0x100000001 to 0x100000004). Something is broken! (FileTxnSnapLog.restore). At startup"), "{t}");
        assert!(t.contains("writes an empty snapshot.0"), "{t}");
        let first = RecoveryView {
            at_ms: 0,
            snapshot: Zxid::ZERO,
            replayed: 0,
            last_zxid: Zxid::ZERO,
        };
        let t = recovery_sentence(1, &first);
        assert!(t.contains("from snapshot 0x0 (the empty tree"), "{t}");
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

    /// The same explanations in Chinese: the facts (zxids, ids, counts) are there and
    /// no English sentence is left.
    #[test]
    fn explanations_read_in_chinese() {
        use crate::text::narrate::check::english_run;
        let zh = Lang::Zh;
        let (a, b) = (v(1, 1, 5, 1), v(3, 1, 4, 1));
        let beats = vote_sentence_in(&a, &b, &compare_votes(&vote(&a), &vote(&b)), zh);
        assert_eq!(
            beats,
            "(e1, 0x100000005, s1) 胜过 (e1, 0x100000004, s3)：两者的 peerEpoch 都是 1，于是由 zxid 决定，而 0x100000005 比 0x100000004 更新。"
        );
        let (own, proposal) = (v(2, 1, 1, 1), v(3, 1, 1, 1));
        let adopted = compare_votes(&vote(&proposal), &vote(&own));
        let z = |c| Zxid::new(Epoch(1), c);
        let sync = sync_sentence_in(
            &choice(SyncReason::WithinLog {
                peer: z(2),
                min: z(1),
                max: z(8),
                queued: Queued::Diff { txns: 6 },
            }),
            zh,
        );
        assert!(
            sync.starts_with("领导者 3 在 t = 9000 毫秒为服务器 1 选择了 DIFF")
                && sync.contains("0x100000002 之后的 6 个已提交事务"),
            "{sync}"
        );
        let p = ProposalRow {
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
        let commit = commit_sentence_in(&p, 5, 1, zh);
        assert!(
            commit.contains("需要 3 个，现有 1 个") && commit.contains("还在等待 2 个 ACK"),
            "{commit}"
        );
        let behind = StartRefusal::CurrentEpochBehind {
            current: Epoch(1),
            last_zxid: Zxid::new(Epoch(2), 1),
        };
        let r = RecoveryView {
            at_ms: 9000,
            snapshot: Zxid::ZERO,
            replayed: 3,
            last_zxid: Zxid::new(Epoch(1), 3),
        };
        for text in [
            beats,
            proposal_sentence_in(2, &own, &proposal, &adopted, zh),
            proposal_sentence_in(2, &own, &own, &adopted, zh),
            sync,
            sync_sentence_in(
                &choice(SyncReason::LogGone {
                    peer: Zxid::ZERO,
                    min: z(1),
                    max: z(8),
                    log_first: None,
                }),
                zh,
            ),
            commit,
            refusal_sentence_in(2, &behind, zh),
            refusal_sentence_in(3, &no_snapshot(), zh),
            recovery_sentence_in(1, &r, zh),
        ] {
            assert_eq!(english_run(&text), None, "{text}");
        }
    }
}
