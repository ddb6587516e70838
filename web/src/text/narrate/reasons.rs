//! Core's typed reasons in words, in either language: why a packet was lost, a vote
//! changed, a server crashed, left its role, warned, refused to start, or a write
//! failed. The English is the sentence core's `Display` gives (the golden traces and
//! `--trace` lines keep it); the Chinese says the same facts.

use crate::t;
use zab_core::server::{
    CrashPoint, HaltReason, LeaderShutdown, LeaderWait, RoleExit, StartRefusal, SyncReason,
    VoteReason, Warning, WriteFailure,
};
use zab_core::sim::{CrashReason, DownReason, DropReason};

use crate::text::lang::Lang;

/// Why a server (re)sends its FLE proposal.
pub fn vote_reason(r: &VoteReason, lang: Lang) -> String {
    let l = lang.code();
    match r {
        VoteReason::NewRound => t!("reason.vote.new_round", locale = l),
        VoteReason::NewerRound { from, round } => {
            t!(
                "reason.vote.newer_round",
                locale = l,
                from = from,
                round = round
            )
        }
        VoteReason::Beaten { from, vote } => t!(
            "reason.vote.beaten",
            locale = l,
            from = from,
            vote = crate::text::vote::of(vote)
        ),
        VoteReason::PollTimeout => t!("reason.vote.poll_timeout", locale = l),
    }
    .into_owned()
}

/// Why a packet was lost.
pub fn drop_reason(r: DropReason, lang: Lang) -> String {
    let l = lang.code();
    match r {
        DropReason::ConnectionClosed => t!("reason.drop.connection_closed", locale = l),
        DropReason::ReceiverDown => t!("reason.drop.receiver_down", locale = l),
        DropReason::LinkCutHeld => t!("reason.drop.link_cut_held", locale = l),
        DropReason::LinkCut => t!("reason.drop.link_cut", locale = l),
        DropReason::NobodyLeading => t!("reason.drop.nobody_leading", locale = l),
        DropReason::LearnerGone => t!("reason.drop.learner_gone", locale = l),
        DropReason::PeerNoticesByTimeout => t!("reason.drop.peer_notices", locale = l),
        DropReason::LinkCutBroken => t!("reason.drop.link_cut_broken", locale = l),
        DropReason::ByUserBreaksConnection => t!("reason.drop.by_user_breaks", locale = l),
        DropReason::ByUser => t!("reason.drop.by_user", locale = l),
    }
    .into_owned()
}

/// What happened just before a crash point.
pub fn crash_point(p: CrashPoint, lang: Lang) -> String {
    let l = lang.code();
    match p {
        CrashPoint::LeaderAfterAcceptedEpoch => {
            t!("reason.point.leader_after_accepted", locale = l)
        }
        CrashPoint::LeaderAfterCurrentEpoch => t!("reason.point.leader_after_current", locale = l),
        CrashPoint::LeaderAfterPropose => t!("reason.point.leader_after_propose", locale = l),
        CrashPoint::FollowerAfterAcceptedEpoch => {
            t!("reason.point.follower_after_accepted", locale = l)
        }
        CrashPoint::NewLeaderAfterSnapshot => {
            t!("reason.point.newleader_after_snapshot", locale = l)
        }
        CrashPoint::NewLeaderAfterLog => t!("reason.point.newleader_after_log", locale = l),
        CrashPoint::NewLeaderAfterEpoch => t!("reason.point.newleader_after_epoch", locale = l),
        CrashPoint::NewLeaderAfterAck => t!("reason.point.newleader_after_ack", locale = l),
        CrashPoint::LeaderAfterSnap => t!("reason.point.leader_after_snap", locale = l),
        CrashPoint::AfterFsync => t!("reason.point.after_fsync", locale = l),
        CrashPoint::FollowerAfterProposal => t!("reason.point.follower_after_proposal", locale = l),
        CrashPoint::FollowerAfterCommit => t!("reason.point.follower_after_commit", locale = l),
    }
    .into_owned()
}

/// Why a server's process exits on a protocol error.
pub fn halt_reason(r: &HaltReason, lang: Lang) -> String {
    let l = lang.code();
    match r {
        HaltReason::UnmatchedCommit { received, expected } => t!(
            "reason.halt.unmatched_commit",
            locale = l,
            received = received,
            expected = expected
        ),
    }
    .into_owned()
}

/// Why a server crashed.
pub fn crash_reason(r: &CrashReason, lang: Lang) -> String {
    let l = lang.code();
    match r {
        CrashReason::ByUser => t!("reason.crash.by_user", locale = l),
        CrashReason::Point(p) => t!(
            "reason.crash.point",
            locale = l,
            name = p.name(),
            description = crash_point(*p, lang)
        ),
        CrashReason::Exit(why) => t!(
            "reason.crash.exit",
            locale = l,
            why = halt_reason(why, lang)
        ),
    }
    .into_owned()
}

/// Why a server is down.
pub fn down_reason(r: &DownReason, lang: Lang) -> String {
    let l = lang.code();
    match r {
        DownReason::NotStarted => t!("reason.down.not_started", locale = l).into_owned(),
        DownReason::Crashed(why) => crash_reason(why, lang),
        DownReason::Refused(why) => t!(
            "reason.down.refused",
            locale = l,
            why = start_refusal(why, lang)
        )
        .into_owned(),
    }
}

/// Why a restart refuses to start (a log without a snapshot, the startup epoch checks).
pub fn start_refusal(r: &StartRefusal, lang: Lang) -> String {
    let l = lang.code();
    match r {
        StartRefusal::LogWithoutSnapshot {
            first_logged,
            last_logged,
        } => t!(
            "reason.start.log_without_snapshot",
            locale = l,
            first = first_logged,
            last = last_logged
        ),
        StartRefusal::CurrentEpochBehind { current, last_zxid } => t!(
            "reason.start.current_behind",
            locale = l,
            current = current,
            last_zxid = last_zxid
        ),
        StartRefusal::AcceptedBehindCurrent { accepted, current } => t!(
            "reason.start.accepted_behind",
            locale = l,
            accepted = accepted,
            current = current
        ),
    }
    .into_owned()
}

/// Why a client write failed.
pub fn write_failure(r: &WriteFailure, lang: Lang) -> String {
    let l = lang.code();
    match r {
        WriteFailure::NotServing {
            server,
            state,
            phase,
        } => t!(
            "reason.write.not_serving",
            locale = l,
            server = server,
            state = state.name(),
            phase = phase.name()
        ),
        WriteFailure::LostLeader { server } => {
            t!("reason.write.lost_leader", locale = l, server = server)
        }
        WriteFailure::Crashed { server } => t!("reason.write.crashed", locale = l, server = server),
        WriteFailure::Down { server } => t!("reason.write.down", locale = l, server = server),
        WriteFailure::Discarded { leader, epoch } => t!(
            "reason.write.discarded",
            locale = l,
            leader = leader,
            epoch = epoch
        ),
    }
    .into_owned()
}

/// Why a leader shuts down.
fn leader_shutdown(r: &LeaderShutdown, lang: Lang) -> String {
    let l = lang.code();
    match r {
        LeaderShutdown::WaitTimedOut(wait) => {
            let what = match wait {
                LeaderWait::Epoch => t!("reason.shutdown.wait_epoch", locale = l),
                LeaderWait::EpochAck => t!("reason.shutdown.wait_epoch_ack", locale = l),
                LeaderWait::NewLeaderAck => t!("reason.shutdown.wait_newleader_ack", locale = l),
            };
            t!("reason.shutdown.timed_out", locale = l, what = what)
        }
        LeaderShutdown::ZxidRollover => t!("reason.shutdown.rollover", locale = l),
        LeaderShutdown::NotSynced { synced } => t!(
            "reason.shutdown.not_synced",
            locale = l,
            synced = super::join(synced)
        ),
    }
    .into_owned()
}

/// Why a server leaves LEADING / FOLLOWING / OBSERVING.
pub fn role_exit(r: &RoleExit, lang: Lang) -> String {
    let l = lang.code();
    match r {
        RoleExit::ConnectFailed { leader } => {
            t!("reason.exit.connect_failed", locale = l, leader = leader)
        }
        RoleExit::LeaderClosed { leader } => {
            t!("reason.exit.leader_closed", locale = l, leader = leader)
        }
        RoleExit::LeaderReadTimeout { leader } => {
            t!("reason.exit.read_timeout", locale = l, leader = leader)
        }
        RoleExit::UnexpectedFromLeader { packet, stage } => t!(
            "reason.exit.unexpected",
            locale = l,
            packet = packet,
            stage = stage.name()
        ),
        RoleExit::EpochOlderThanAccepted { proposed, accepted } => t!(
            "reason.exit.epoch_older",
            locale = l,
            proposed = proposed,
            accepted = accepted
        ),
        RoleExit::CannotTruncate { zxid } => {
            t!("reason.exit.cannot_truncate", locale = l, zxid = zxid)
        }
        RoleExit::SyncStreamGap { zxid, last } => {
            t!(
                "reason.exit.stream_gap",
                locale = l,
                zxid = zxid,
                last = last
            )
        }
        RoleExit::LeaderShutdown(why) => t!(
            "reason.exit.leader_shutdown",
            locale = l,
            why = leader_shutdown(why, lang)
        ),
    }
    .into_owned()
}

/// A packet ignored or refused, or something unexpected, reported by a server.
pub fn warning(w: &Warning, lang: Lang) -> String {
    let l = lang.code();
    match w {
        Warning::ConnectTimedOut { leader } => {
            t!("reason.warn.connect_timed_out", locale = l, leader = leader)
        }
        Warning::SyncCommitUnmatched { zxid } => {
            t!("reason.warn.sync_commit_unmatched", locale = l, zxid = zxid)
        }
        Warning::SyncTxnNotPending { zxid } => {
            t!("reason.warn.sync_txn_not_pending", locale = l, zxid = zxid)
        }
        Warning::ProposalGap { got, expected } => t!(
            "reason.warn.proposal_gap",
            locale = l,
            got = got,
            expected = expected
        ),
        Warning::IgnoredInBroadcast { packet } => {
            t!(
                "reason.warn.ignored_in_broadcast",
                locale = l,
                packet = packet
            )
        }
        Warning::CommitWithoutPending { zxid } => {
            t!(
                "reason.warn.commit_without_pending",
                locale = l,
                zxid = zxid
            )
        }
        Warning::NewLeaderAckZxid {
            from,
            zxid,
            expected,
        } => t!(
            "reason.warn.newleader_ack_zxid",
            locale = l,
            from = from,
            zxid = zxid,
            expected = expected
        ),
        Warning::LearnerClosed { learner } => {
            t!("reason.warn.learner_closed", locale = l, learner = learner)
        }
        Warning::HandlerReadTimeout {
            learner,
            sync_limit,
            timeout_ms,
            stage,
        } => t!(
            "reason.warn.handler_read_timeout",
            locale = l,
            learner = learner,
            limit = if *sync_limit {
                "syncLimit"
            } else {
                "initLimit"
            },
            ms = timeout_ms,
            stage = stage.name()
        ),
        Warning::LearnerAhead {
            learner,
            current_epoch,
            last_zxid,
            leader_epoch,
            leader_zxid,
        } => t!(
            "reason.warn.learner_ahead",
            locale = l,
            learner = learner,
            epoch = current_epoch,
            zxid = last_zxid,
            leader_epoch = leader_epoch,
            leader_zxid = leader_zxid
        ),
        Warning::UnexpectedFromLearner {
            packet,
            learner,
            stage,
        } => t!(
            "reason.warn.unexpected_from_learner",
            locale = l,
            packet = packet,
            learner = learner,
            stage = stage.name()
        ),
        Warning::AckOverdue { learner, zxid } => {
            t!(
                "reason.warn.ack_overdue",
                locale = l,
                learner = learner,
                zxid = zxid
            )
        }
        Warning::AckUnknownProposal { zxid, from } => {
            t!(
                "reason.warn.ack_unknown",
                locale = l,
                zxid = zxid,
                from = from
            )
        }
    }
    .into_owned()
}

/// The leader's own summary of why it chose DIFF, TRUNC or SNAP for a learner.
pub fn sync_reason(r: &SyncReason, lang: Lang) -> String {
    let l = lang.code();
    match r {
        SyncReason::InSync { peer } => t!("reason.sync.in_sync", locale = l, peer = peer),
        SyncReason::Ahead { peer, max } => {
            t!("reason.sync.ahead", locale = l, peer = peer, max = max)
        }
        SyncReason::WithinLog { peer, min, max, .. } => t!(
            "reason.sync.within_log",
            locale = l,
            peer = peer,
            min = min,
            max = max
        ),
        SyncReason::DiffFromDisk {
            peer,
            min,
            max,
            size,
            limit,
            factor,
            ..
        } => t!(
            "reason.sync.diff_from_disk",
            locale = l,
            peer = peer,
            min = min,
            max = max,
            size = size,
            limit = format!("{limit:.0}"),
            factor = factor
        ),
        SyncReason::LogTooBig {
            peer,
            min,
            max,
            size,
            limit,
            factor,
            ..
        } => t!(
            "reason.sync.log_too_big",
            locale = l,
            peer = peer,
            min = min,
            max = max,
            size = size,
            limit = format!("{limit:.0}"),
            factor = factor
        ),
        SyncReason::LogGone { peer, min, max, .. } => t!(
            "reason.sync.log_gone",
            locale = l,
            peer = peer,
            min = min,
            max = max
        ),
        SyncReason::Older { peer, min, max } => t!(
            "reason.sync.older",
            locale = l,
            peer = peer,
            min = min,
            max = max
        ),
        SyncReason::NewEpochAhead { peer, max } => {
            t!(
                "reason.sync.new_epoch_ahead",
                locale = l,
                peer = peer,
                max = max
            )
        }
        SyncReason::CrossEpoch { peer, .. } => {
            t!("reason.sync.cross_epoch", locale = l, peer = peer)
        }
    }
    .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use zab_core::{Epoch, ServerId, Zxid};

    /// The English is core's own sentence (the golden traces and `--trace` keep it).
    #[test]
    fn english_reasons_are_cores_sentences() {
        let z = Zxid::new(Epoch(1), 3);
        let w = Warning::NewLeaderAckZxid {
            from: ServerId(2),
            zxid: z,
            expected: Zxid::new(Epoch(1), 0),
        };
        assert_eq!(warning(&w, Lang::En), w.to_string());
        let r = RoleExit::LeaderShutdown(LeaderShutdown::NotSynced {
            synced: vec![ServerId(1), ServerId(3)],
        });
        assert_eq!(role_exit(&r, Lang::En), r.to_string());
        let c = CrashReason::Point(CrashPoint::AfterFsync);
        assert_eq!(crash_reason(&c, Lang::En), c.to_string());
        for d in [DropReason::LinkCutHeld, DropReason::ByUserBreaksConnection] {
            assert_eq!(drop_reason(d, Lang::En), d.to_string());
        }
        let s = SyncReason::LogTooBig {
            peer: z,
            min: z,
            max: z,
            log_first: z,
            size: 1200,
            limit: 999.6,
            factor: 0.33,
        };
        assert_eq!(sync_reason(&s, Lang::En), s.to_string());
    }
}
