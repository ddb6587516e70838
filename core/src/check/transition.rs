//! Transition invariants (spec §12.4), checked on the step that performs the action:
//! T1 (a durable committed txn is lost, detected while a server's view is refreshed,
//! see `View::refresh` and `Checker::check_local`), T2 (the committed sequence only
//! grows) and T3 (message legality, from what the servers report when a packet
//! arrives where it must not).

use super::mirror::{lcp, same_prefix, Chain};
use super::{nth, tx, Checker, Inv};
use crate::ids::{ServerId, Time};

/// The T3 sub-property a server's complaint belongs to, if any.
fn t3_kind(text: &str) -> Option<(&'static str, &'static str)> {
    if text.contains("UNMATCHED_TXN_COMMIT")
        || text.contains("does not match the first pending txn")
        || text.contains("is not the first pending txn")
        || text.contains("with no pending txn")
    {
        Some((
            "CommitConsistent",
            "received a COMMIT that does not match the txn it expects to commit next",
        ))
    } else if text.starts_with("got zxid") || text.contains("a gap in the sync stream") {
        Some((
            "ProposalConsistent",
            "received a PROPOSAL that does not follow the previous one",
        ))
    } else if text.contains("for a proposal I do not have") {
        Some((
            "AckConsistent",
            "received an ACK for a proposal it never made",
        ))
    } else if text.contains("(T3") || text.starts_with("unexpected ") {
        Some((
            "MessageLegal",
            "received a packet that is not legal in its current state",
        ))
    } else {
        None
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
    pub(super) fn t3_signal(&mut self, s: ServerId, text: &str, at: Time) {
        if !self.fresh(Inv::T3) {
            return;
        }
        if let Some((name, what)) = t3_kind(text) {
            let detail = format!("Server {s} {what}: {text}");
            self.report_at(Inv::T3, name, at, vec![s], detail);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::t3_kind;

    #[test]
    fn server_complaints_map_to_t3_kinds() {
        let kind = |t: &str| t3_kind(t).map(|k| k.0);
        assert_eq!(
            kind("NEWLEADER-ACK from 2 has zxid 0x200000001, expected 0x200000000: not counted (T3, ZK-4685)"),
            Some("MessageLegal")
        );
        assert_eq!(
            kind("COMMIT 0x100000003 does not match the first pending txn 0x100000002: exit (UNMATCHED_TXN_COMMIT)"),
            Some("CommitConsistent")
        );
        assert_eq!(
            kind("got zxid 0x100000005 expected 0x100000004"),
            Some("ProposalConsistent")
        );
        assert_eq!(
            kind("ACK 0x100000009 from 3 for a proposal I do not have"),
            Some("AckConsistent")
        );
        assert_eq!(kind("connection to learner 2 closed"), None);
    }
}
