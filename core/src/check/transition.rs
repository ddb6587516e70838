//! Transition invariants (spec §12.4), checked on the step that performs the action:
//! T1 (a durable committed txn is lost, detected while a server's view is refreshed,
//! see `View::refresh` and `Checker::check_local`), T2 (the committed sequence only
//! grows) and T3 (message legality, from what the servers report when a packet
//! arrives where it must not).

use super::mirror::{lcp, same_prefix, Chain};
use super::{nth, tx, Checker, Inv};
use crate::ids::{ServerId, Time};
use crate::server::{HaltReason, RoleExit, Warning};
use crate::sim::CrashReason;
use std::fmt::Display;

/// The T3 sub-properties a server's complaint can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum T3 {
    /// A COMMIT that does not match the txn the server expects to commit next.
    CommitConsistent,
    /// A PROPOSAL that does not follow the previous one.
    ProposalConsistent,
    /// An ACK for a proposal the leader never made.
    AckConsistent,
    /// A packet that is not legal in the receiver's state.
    MessageLegal,
}

impl T3 {
    /// The sub-property's name and what the server did, in words.
    fn info(self) -> (&'static str, &'static str) {
        match self {
            T3::CommitConsistent => (
                "CommitConsistent",
                "received a COMMIT that does not match the txn it expects to commit next",
            ),
            T3::ProposalConsistent => (
                "ProposalConsistent",
                "received a PROPOSAL that does not follow the previous one",
            ),
            T3::AckConsistent => (
                "AckConsistent",
                "received an ACK for a proposal it never made",
            ),
            T3::MessageLegal => (
                "MessageLegal",
                "received a packet that is not legal in its current state",
            ),
        }
    }

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
            let detail = format!(
                "The committed sequence would change: leader {} (epoch {}) counts {} as committed at position {}, where {} had been committed before",
                v.id,
                v.broadcast_leader().unwrap_or_default(),
                tx(&v.ent(p).txn),
                nth(p),
                tx(&g.ent(p).txn)
            );
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
        text: &dyn Display,
        at: Time,
    ) {
        if !self.fresh(Inv::T3) {
            return;
        }
        if let Some((name, what)) = kind.map(T3::info) {
            let detail = format!("Server {s} {what}: {text}");
            self.report_at(Inv::T3, name, at, vec![s], detail);
        }
    }
}
