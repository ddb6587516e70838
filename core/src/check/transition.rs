//! Transition invariants (spec §12.4), checked on the step that performs the action:
//! T1 (a durable committed txn is lost, detected while a server's view is refreshed,
//! see `View::refresh` and `Checker::check_local`), T2 (the committed sequence only
//! grows) and T3 (message legality, from what the servers report when a packet
//! arrives where it must not).

use super::mirror::{lcp, same_prefix, Chain};
use super::{nth, tx, Checker, Complaint, Detail, Inv};
use crate::ids::{ServerId, Time};
use crate::server::{HaltReason, RoleExit, Warning};
use crate::sim::CrashReason;

/// The T3 sub-properties a server's complaint can show.
pub(super) use super::MessageRule as T3;

impl T3 {
    /// The T3 sub-property a server's warning shows, if any.
    pub(super) fn of_warning(w: &Warning) -> Option<T3> {
        match w {
            Warning::SyncCommitUnmatched { .. }
            | Warning::SyncTxnNotPending { .. }
            | Warning::CommitWithoutPending { .. } => Some(T3::CommitConsistent),
            Warning::ProposalGap { .. } => Some(T3::ProposalConsistent),
            Warning::AckUnknownProposal { .. } => Some(T3::AckConsistent),
            Warning::NewLeaderAckZxid { .. } | Warning::UnexpectedFromLearner { .. } => {
                Some(T3::MessageLegal)
            }
            Warning::ConnectTimedOut { .. }
            | Warning::IgnoredInBroadcast { .. }
            | Warning::LearnerClosed { .. }
            | Warning::HandlerReadTimeout { .. }
            | Warning::LearnerAhead { .. }
            | Warning::AckOverdue { .. } => None,
        }
    }

    /// The T3 sub-property a server's role exit shows, if any.
    pub(super) fn of_role_exit(r: &RoleExit) -> Option<T3> {
        match r {
            RoleExit::SyncStreamGap { .. } => Some(T3::ProposalConsistent),
            RoleExit::UnexpectedFromLeader { .. } => Some(T3::MessageLegal),
            RoleExit::ConnectFailed { .. }
            | RoleExit::LeaderClosed { .. }
            | RoleExit::LeaderReadTimeout { .. }
            | RoleExit::EpochOlderThanAccepted { .. }
            | RoleExit::CannotTruncate { .. }
            | RoleExit::LeaderShutdown(_) => None,
        }
    }

    /// The T3 sub-property a crash shows, if any (a process exit on a protocol error).
    pub(super) fn of_crash(c: &CrashReason) -> Option<T3> {
        match c {
            CrashReason::Exit(HaltReason::UnmatchedCommit { .. }) => Some(T3::CommitConsistent),
            CrashReason::ByUser | CrashReason::Point(_) => None,
        }
    }
}

impl Checker {
    /// T2: extends `ghost.committed` with the committed prefix of the newest leader in
    /// BROADCAST (view `i`), or reports that it would have to change.
    pub(super) fn update_committed(&mut self, i: usize) {
        let v = &self.views[i];
        let g = &self.ghost.committed;
        let (c, gl) = (v.lastc, g.len());
        if c >= gl && same_prefix(v, g, gl) {
            // Only a sorted prefix is taken into `committed` (an out-of-order one breaks
            // I8/I15 on that leader and would make `committed` unsearchable).
            let sorted = (gl.max(1)..c).all(|p| v.ent(p - 1).txn.zxid < v.ent(p).txn.zxid);
            if c > gl && sorted {
                let epoch = v.broadcast_leader();
                for p in gl..c {
                    let e = self.views[i].ent(p);
                    let (t, dig) = (e.txn.clone(), e.dig);
                    self.ghost.committed.push_ent(t, dig);
                    self.ghost.committed_in.push(epoch);
                }
                self.ghost.committed_version += 1;
            }
            return;
        }
        if c < gl && same_prefix(v, g, c) {
            // Behind the committed sequence: I10 reports it.
            return;
        }
        if self.fresh(Inv::T2) {
            let p = lcp(v, g, c.min(gl));
            let detail = Detail::CommittedChanged {
                leader: v.id,
                epoch: v.broadcast_leader().unwrap_or_default(),
                txn: tx(&v.ent(p).txn),
                position: nth(p),
                before: tx(&g.ent(p).txn),
            };
            let id = v.id;
            self.report(Inv::T2, vec![id], detail);
        }
    }

    /// T3: a server reported a packet it could not accept (a warning, leaving its role
    /// on an unexpected packet, or exiting on an unmatched COMMIT).
    pub(super) fn t3_signal(
        &mut self,
        s: ServerId,
        kind: Option<T3>,
        complaint: impl FnOnce() -> Complaint,
        at: Time,
    ) {
        if !self.fresh(Inv::T3) {
            return;
        }
        if let Some(rule) = kind {
            let detail = Detail::IllegalPacket {
                server: s,
                rule,
                complaint: complaint(),
            };
            self.report_at(Inv::T3, rule.name(), at, vec![s], detail);
        }
    }
}
