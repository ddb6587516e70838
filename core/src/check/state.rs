//! State invariants I1..I16 (spec §12.3), each checked only where something changed:
//! per server (I13, I14, I15 on new txns), per delivered txn (I4, I7, I8, I9h), per pair
//! of servers whose committed prefixes moved (I3, I5, I6), per leader/learner pair (I9,
//! I11, I12), per BROADCAST leader (I10), and on role changes (I1).

use super::ghost::BcastIssue;
use super::mirror::{count_below, find, find_sorted, lcp, same_prefix, Chain, Mirror};
use super::view::{Refresh, Role, View};
use super::{nth, tx, Checker, Detail, Inv, TxnAt};
use crate::ids::{Epoch, ServerId, Time, Zxid};
use crate::packet::ServerState;
use crate::server::{LearnerStage, Phase};
use crate::sim::Sim;
use crate::txn::Txn;
use std::collections::BTreeMap;

/// Whether `f` holds exactly the txn `e` (same zxid, same content).
fn holds<A: Chain + ?Sized>(f: &A, n: usize, zxid: Zxid, dig: u64) -> bool {
    find(f, n, zxid).is_some_and(|i| f.ent(i).dig == dig)
}

/// What a history holds at position `p` (none: nothing).
fn at_pos<A: Chain + ?Sized>(h: &A, p: usize) -> Option<TxnAt> {
    (p < h.len()).then(|| tx(&h.ent(p).txn))
}

impl Checker {
    /// I2 (Leadership2), at an `Established` event.
    pub(super) fn on_established(&mut self, s: ServerId, e: Epoch, at: Time) {
        let set = self.ghost.established.entry(e).or_default();
        set.insert(s);
        let who: Vec<ServerId> = set.iter().copied().collect();
        if who.len() > 1 && self.fresh(Inv::I2) {
            let detail = Detail::EpochEstablishedTwice {
                epoch: e,
                servers: who.clone(),
            };
            self.report_at(Inv::I2, Inv::I2.info().name, at, who, detail);
        }
    }

    /// I2, second half (spec §14 E2, "epoch proposed once"): a server proposes an epoch
    /// (sends LEADERINFO) in one incarnation only. The baseline persists acceptedEpoch
    /// before any LEADERINFO leaves, so a restarted server proposes a higher epoch;
    /// different servers may propose the same epoch (only one can establish it).
    pub(super) fn on_leader_info(&mut self, s: ServerId, e: Epoch, at: Time) {
        let Some(inc) = self.idx(s).and_then(|i| self.prev_inc.get(i).copied()) else {
            return;
        };
        let first = *self.ghost.proposed.entry((s, e)).or_insert(inc);
        if first != inc && self.fresh(Inv::I2) {
            let detail = Detail::EpochProposedTwice {
                server: s,
                epoch: e,
            };
            self.report_at(Inv::I2, Inv::I2.info().name, at, vec![s], detail);
        }
    }

    /// I15 (ZxidUniqueness), at a `Propose` event; records the broadcast (spec §12.2).
    pub(super) fn on_propose(&mut self, sim: &Sim, s: ServerId, txn: &Txn, at: Time) {
        let epoch = sim
            .server(s)
            .and_then(|srv| srv.leader().and_then(|l| l.epoch))
            .or_else(|| sim.node(s).and_then(|n| n.disk().current_epoch))
            .unwrap_or_default();
        if txn.zxid.epoch() != epoch && self.fresh(Inv::I15) {
            let detail = Detail::ZxidOfOtherEpoch {
                server: s,
                epoch,
                txn: tx(txn),
            };
            self.report_at(Inv::I15, Inv::I15.info().name, at, vec![s], detail);
        }
        if let Some(BcastIssue::Duplicate(first)) = self.ghost.broadcast(s, txn) {
            if self.fresh(Inv::I15) {
                let detail = Detail::ZxidBroadcastTwice {
                    server: s,
                    first: tx(&first),
                    second: tx(txn),
                };
                self.report_at(Inv::I15, Inv::I15.info().name, at, vec![s], detail);
            }
        }
        if !self.ghost.first_bcast_delivered.contains_key(&epoch)
            && !self.new_epochs.iter().any(|(e, _)| *e == epoch)
        {
            self.new_epochs.push((epoch, s));
        }
    }

    /// Per-server checks after a refresh: I13, I14, I15 on the new part of the
    /// history, and T1 (a durable committed txn lost).
    pub(super) fn check_local(&mut self, i: usize, r: &Refresh) {
        let v = &self.views[i];
        let id = v.id;
        let mut found: Vec<(Inv, Detail)> = Vec::new();
        if self.fresh(Inv::I13) {
            if v.accepted_epoch < v.current_epoch {
                found.push((
                    Inv::I13,
                    Detail::AcceptedBelowCurrent {
                        server: id,
                        accepted: v.accepted_epoch,
                        current: v.current_epoch,
                    },
                ));
            } else if v.last_flushed.epoch() > v.current_epoch
                && v.updating_epoch.is_none_or(|e| e < v.last_flushed.epoch())
            {
                found.push((
                    Inv::I13,
                    Detail::DurableAheadOfEpoch {
                        server: id,
                        last: v.last_flushed,
                        current: v.current_epoch,
                    },
                ));
            }
        }
        if r.base_changed && self.fresh(Inv::I14) {
            let label = v.label;
            let last = (v.base_len > 0).then(|| v.disk.ent(v.base_len - 1).txn.zxid);
            let bad = match last {
                Some(z) => z > label || (label.counter() != 0 && z != label),
                None => label.counter() != 0,
            };
            if bad {
                found.push((
                    Inv::I14,
                    Detail::SnapshotMislabelled {
                        server: id,
                        label,
                        last,
                    },
                ));
            }
        }
        if self.fresh(Inv::I15) {
            for p in r.hist_from..v.len() {
                let e = v.ent(p);
                if p > 0 && v.ent(p - 1).txn.zxid == e.txn.zxid {
                    let detail = if v.ent(p - 1).dig == e.dig {
                        Detail::HistoryRepeatsTxn {
                            server: id,
                            txn: tx(&e.txn),
                            first: nth(p - 1),
                        }
                    } else {
                        Detail::HistoryZxidClash {
                            server: id,
                            earlier: tx(&v.ent(p - 1).txn),
                            later: tx(&e.txn),
                            first: nth(p - 1),
                        }
                    };
                    found.push((Inv::I15, detail));
                    break;
                }
                if let Some(b) = self.ghost.broadcasts.get(&e.txn.zxid) {
                    if b.dig != e.dig {
                        found.push((
                            Inv::I15,
                            Detail::HeldOtherThanBroadcast {
                                server: id,
                                held: tx(&e.txn),
                                broadcast: tx(&b.txn),
                            },
                        ));
                        break;
                    }
                }
            }
        }
        if let Some((p, t)) = &r.lost {
            // A leader of an older epoch than the one that committed the txn may
            // legitimately truncate it from a learner that follows it (it never saw
            // the txn committed; it cannot commit anything any more either): ZAB only
            // promises that newer epochs keep what older ones committed.
            let committed_in = self.ghost.committed_in.get(*p).copied().flatten();
            let stale_leader = match (v.role, committed_in) {
                (Role::Learner { epoch, .. }, Some(c)) => epoch < c,
                _ => false,
            };
            // A sync is judged against what was committed when the leader planned it:
            // a proposal outstanding then (sent again after the TRUNC) may commit
            // before the TRUNC arrives, and is not lost.
            let syncing = matches!(
                v.role,
                Role::Learner {
                    stage: LearnerStage::WaitSyncHeader
                        | LearnerStage::Syncing { .. }
                        | LearnerStage::WaitUpToDate,
                    ..
                }
            );
            let planned = if syncing {
                self.plan_glen
                    .get(i)
                    .copied()
                    .flatten()
                    .unwrap_or(usize::MAX)
            } else {
                usize::MAX
            };
            if self.fresh(Inv::T1) && !stale_leader && *p < planned {
                found.push((
                    Inv::T1,
                    Detail::CommittedTxnLost {
                        server: id,
                        txn: tx(t),
                        position: nth(*p),
                    },
                ));
            }
        }
        for (inv, detail) in found {
            self.report(inv, vec![id], detail);
        }
    }

    /// I10 (LeaderLogCompleteness) for every leader in BROADCAST, then the update of
    /// `ghost.committed` (T2) from the newest one, then I16.
    pub(super) fn check_committed(&mut self) {
        let mut newest: Option<(Epoch, ServerId, usize)> = None;
        for (i, v) in self.views.iter().enumerate() {
            if let Some(e) = v.broadcast_leader() {
                if newest.is_none_or(|(ne, nid, _)| (e, v.id) > (ne, nid)) {
                    newest = Some((e, v.id, i));
                }
            }
        }
        let newest_i = newest.map(|n| n.2);
        let newest_changed = newest_i != self.newest;
        self.newest = newest_i;
        // A leader is stale once a newer epoch has been established (a quorum sent
        // ACKEPOCH for it, so none of them follows the old leader any more). It may
        // still be in BROADCAST until its syncLimit check fails (`Leader.lead`), also
        // after the newer leader is gone again: it is never the one that defines the
        // committed sequence.
        let max_est = self.ghost.established.keys().next_back().copied();
        let stale = |e: Epoch| max_est.is_some_and(|m| m > e);
        let current_i = newest.filter(|n| !stale(n.0)).map(|n| n.2);

        let gver = self.ghost.committed_version;
        for i in 0..self.views.len() {
            let Some(epoch) = self.views[i].broadcast_leader() else {
                continue;
            };
            if !self.changed[i] && !newest_changed && self.views[i].i10_gver == gver {
                continue;
            }
            self.views[i].i10_gver = gver;
            if !self.fresh(Inv::I10) {
                continue;
            }
            let (v, g) = (&self.views[i], &self.ghost.committed);
            let is_newest = Some(i) == current_i;
            // A stale leader (a newer epoch is established) must hold what was
            // committed before its own epoch; the current one everything.
            let k = if is_newest {
                g.len()
            } else {
                count_below(g, g.len(), Zxid::new(epoch, 0))
            };
            let detail = if !same_prefix(v, g, k) {
                let p = lcp(v, g, k);
                Some(Detail::LeaderLacksCommitted {
                    server: v.id,
                    epoch,
                    txn: tx(&g.ent(p).txn),
                    committed_in: self.ghost.committed_in.get(p).copied().flatten(),
                    position: nth(p),
                    holds: at_pos(v, p),
                })
            } else if is_newest && v.lastc < k {
                Some(Detail::LeaderCountsTooFew {
                    server: v.id,
                    epoch,
                    counted: v.lastc,
                    committed: k,
                    last: tx(&g.ent(k - 1).txn),
                })
            } else {
                None
            };
            if let Some(d) = detail {
                let id = self.views[i].id;
                self.report(Inv::I10, vec![id], d);
            }
        }

        if let Some(i) = current_i {
            if self.changed[i] || newest_changed {
                self.update_committed(i);
            }
        }
        let g_grew = self.ghost.committed_version != gver;

        // I16: acknowledged writes stay committed. (`committed` is sorted by zxid:
        // a leader whose committed prefix is out of order is not taken into it, T2.)
        let mut new_pending = false;
        for k in 0..self.acked_now.len() {
            let z = self.acked_now[k];
            let g = &self.ghost.committed;
            if find_sorted(g, g.len(), z).is_none() {
                self.ghost.acked_pending.insert(z);
                new_pending = true;
            }
        }
        if !self.ghost.acked_pending.is_empty() && (g_grew || new_pending) {
            let g = &self.ghost.committed;
            let last = self.ghost.last_committed();
            let mut lost = None;
            let mut settled = Vec::new();
            for z in &self.ghost.acked_pending {
                if find_sorted(g, g.len(), *z).is_some() {
                    settled.push(*z);
                } else if last.is_some_and(|l| l > *z) {
                    lost = lost.or(Some((*z, last.unwrap_or_default())));
                    settled.push(*z);
                }
            }
            for z in settled {
                self.ghost.acked_pending.remove(&z);
            }
            if let Some((z, l)) = lost {
                if self.fresh(Inv::I16) {
                    let detail = Detail::AckedWriteLost {
                        zxid: z,
                        moved_to: l,
                    };
                    self.report(Inv::I16, Vec::new(), detail);
                }
            }
        }
    }

    /// Records `first_bcast_delivered` for epochs whose primary broadcast for the first
    /// time in this step and checks every server against it (I9h).
    pub(super) fn check_new_epochs(&mut self) {
        if self.new_epochs.is_empty() {
            return;
        }
        let epochs = std::mem::take(&mut self.new_epochs);
        for &(e, s) in &epochs {
            if self.ghost.first_bcast_delivered.contains_key(&e) {
                continue;
            }
            let Some(i) = self.idx(s) else { continue };
            let v = &self.views[i];
            let k = count_below(v, v.lastc, Zxid::new(e, 0));
            let mut m = Mirror::default();
            for p in 0..k {
                m.push(v.ent(p).txn.clone());
            }
            self.ghost.first_bcast_delivered.insert(e, (s, m));
            for j in 0..self.views.len() {
                self.check_fbd(j, e);
            }
        }
        self.new_epochs = epochs;
    }

    /// I9h for one server against one epoch's `first_bcast_delivered`.
    fn check_fbd(&mut self, j: usize, e: Epoch) {
        if !self.fresh(Inv::I9h) {
            return;
        }
        let Some((primary, f)) = self.ghost.first_bcast_delivered.get(&e) else {
            return;
        };
        let v = &self.views[j];
        let k = count_below(v, v.lastc, Zxid::new(e, 0));
        if same_prefix(v, f, k) {
            return;
        }
        let p = lcp(v, f, k);
        let missing = (p..k).find(|&q| {
            let x = v.ent(q);
            !holds(f, f.len(), x.txn.zxid, x.dig)
        });
        if let Some(q) = missing {
            let detail = Detail::SkippedByNewPrimary {
                server: v.id,
                txn: tx(&v.ent(q).txn),
                primary: *primary,
                epoch: e,
            };
            let ids = vec![v.id, *primary];
            self.report(Inv::I9h, ids, detail);
        }
    }

    /// Per delivered txn, incrementally: I4, I7, I8, I9h.
    pub(super) fn check_delivered(&mut self, i: usize) {
        let v = &self.views[i];
        let start = if v.chk_len <= v.len() && v.chain(v.chk_len) == v.chk_chain {
            v.chk_len.min(v.lastc)
        } else {
            0
        };
        let end = v.lastc;
        for p in start..end {
            self.check_delivered_txn(i, p);
        }
        let v = &mut self.views[i];
        v.chk_len = end;
        v.chk_chain = v.chain(end);
    }

    fn check_delivered_txn(&mut self, i: usize, p: usize) {
        let v = &self.views[i];
        let id = v.id;
        let e = v.ent(p);
        let z = e.txn.zxid;
        let mut found: Vec<(Inv, Vec<ServerId>, Detail)> = Vec::new();
        // I4 Integrity.
        match self.ghost.broadcasts.get(&z) {
            Some(b) if b.dig == e.dig => {}
            Some(b) => {
                if self.fresh(Inv::I4) {
                    found.push((
                        Inv::I4,
                        vec![id],
                        Detail::DeliveredOtherThanBroadcast {
                            server: id,
                            delivered: tx(&e.txn),
                            broadcast: tx(&b.txn),
                        },
                    ));
                }
            }
            None => {
                if self.blind {
                    let (t, d) = (e.txn.clone(), e.dig);
                    self.ghost.trust(&t, d);
                } else if self.fresh(Inv::I4) {
                    found.push((
                        Inv::I4,
                        vec![id],
                        Detail::DeliveredUnbroadcast {
                            server: id,
                            txn: tx(&e.txn),
                        },
                    ));
                }
            }
        }
        let v = &self.views[i];
        let e = v.ent(p);
        // I8 GlobalPrimaryOrder.
        if p > 0 && self.fresh(Inv::I8) {
            let prev = &v.ent(p - 1).txn;
            if prev.zxid.epoch() > z.epoch() {
                found.push((
                    Inv::I8,
                    vec![id],
                    Detail::DeliveredEpochsOutOfOrder {
                        server: id,
                        newer: tx(prev),
                        older: tx(&e.txn),
                    },
                ));
            }
        }
        // I7 LocalPrimaryOrder: the same primary's previous txn of this epoch first.
        if z.counter() > 1 && self.fresh(Inv::I7) {
            let a = Zxid(z.0 - 1);
            let same_primary = match (self.ghost.broadcasts.get(&a), self.ghost.broadcasts.get(&z))
            {
                (Some(ba), Some(bb)) => ba.primary.is_some() && ba.primary == bb.primary,
                _ => false,
            };
            if let (true, Some(ba)) = (same_primary, self.ghost.broadcasts.get(&a)) {
                let before = (p > 0 && v.ent(p - 1).txn.zxid == a && v.ent(p - 1).dig == ba.dig)
                    || holds(v, p, a, ba.dig);
                if !before {
                    let primary = ba.primary.unwrap_or_default();
                    found.push((
                        Inv::I7,
                        vec![id, primary],
                        Detail::DeliveredWithoutPrevious {
                            server: id,
                            txn: tx(&e.txn),
                            previous: tx(&ba.txn),
                            primary,
                        },
                    ));
                }
            }
        }
        // I9h: every later epoch's primary had delivered it when it first broadcast.
        if self.fresh(Inv::I9h) {
            let later = Epoch(z.epoch().0.saturating_add(1));
            if z.epoch().0 < u32::MAX {
                for (e2, (primary, f)) in self.ghost.first_bcast_delivered.range(later..) {
                    if !holds(f, f.len(), z, e.dig) {
                        found.push((
                            Inv::I9h,
                            vec![id, *primary],
                            Detail::DeliveredSkipped {
                                server: id,
                                txn: tx(&e.txn),
                                primary: *primary,
                                epoch: *e2,
                            },
                        ));
                        break;
                    }
                }
            }
        }
        for (inv, ids, detail) in found {
            self.report(inv, ids, detail);
        }
    }

    /// Pairs of servers: I3 (and I5, I6 when two committed prefixes diverge) for pairs
    /// with a changed server; I9, I11, I12 for each learner and its leader.
    pub(super) fn check_pairs(&mut self) {
        let n = self.views.len();
        if !self.changed.iter().any(|c| *c) {
            return;
        }
        if self.fresh(Inv::I3) || self.fresh(Inv::I5) || self.fresh(Inv::I6) {
            for i in 0..n {
                for j in i + 1..n {
                    if self.changed[i] || self.changed[j] {
                        self.check_prefix_pair(i, j);
                    }
                }
            }
        }
        for f in 0..n {
            let Some((leader, _)) = self.views[f].learner_of() else {
                continue;
            };
            let Some(l) = self.idx(leader) else { continue };
            if l != f && (self.changed[f] || self.changed[l]) {
                self.check_follower(l, f);
            }
        }
    }

    /// I3 PrefixConsistency for one pair; on divergence also I5 and I6.
    fn check_prefix_pair(&mut self, i: usize, j: usize) {
        let (a, b) = (&self.views[i], &self.views[j]);
        let m = a.lastc.min(b.lastc);
        if same_prefix(a, b, m) {
            return;
        }
        let p = lcp(a, b, m);
        let ids = vec![a.id, b.id];
        if self.fresh(Inv::I3) {
            let detail = Detail::CommittedDisagree {
                a: a.id,
                b: b.id,
                position: nth(p),
                a_txn: tx(&a.ent(p).txn),
                b_txn: tx(&b.ent(p).txn),
            };
            self.report(Inv::I3, ids.clone(), detail);
        }
        if self.fresh(Inv::I5) || self.fresh(Inv::I6) {
            // Re-scan a lasting divergence only when it moved or the committed
            // prefixes grew by a good step (the scan is linear in the divergent tails).
            let (li, lj) = (self.views[i].lastc, self.views[j].lastc);
            let n = self.views.len();
            let memo = self.agree_memo.get(i * n + j).copied();
            let rescan = memo.is_none_or(|(mp, mi, mj)| {
                mp != p || li >= mi + 16 || lj >= mj + 16 || li < mi || lj < mj
            });
            if rescan {
                if let Some(m) = self.agree_memo.get_mut(i * n + j) {
                    *m = (p, li, lj);
                }
                self.check_agreement_order(i, j, p);
            }
        }
    }

    /// I5 Agreement and I6 TotalOrder for two servers whose delivered sequences first
    /// differ at position `p` (before it they are equal).
    fn check_agreement_order(&mut self, i: usize, j: usize, p: usize) {
        let (a, b) = (&self.views[i], &self.views[j]);
        let pos = |v: &View| -> BTreeMap<(Zxid, u64), usize> {
            (p..v.lastc)
                .map(|q| ((v.ent(q).txn.zxid, v.ent(q).dig), q))
                .collect()
        };
        let (pa, pb) = (pos(a), pos(b));
        let mut found: Vec<(Inv, Detail)> = Vec::new();
        if self.fresh(Inv::I5) {
            let only_a =
                (p..a.lastc).find(|&q| !pb.contains_key(&(a.ent(q).txn.zxid, a.ent(q).dig)));
            let only_b =
                (p..b.lastc).find(|&q| !pa.contains_key(&(b.ent(q).txn.zxid, b.ent(q).dig)));
            if let (Some(x), Some(y)) = (only_a, only_b) {
                found.push((
                    Inv::I5,
                    Detail::DeliveredApart {
                        a: a.id,
                        b: b.id,
                        only_a: tx(&a.ent(x).txn),
                        only_b: tx(&b.ent(y).txn),
                    },
                ));
            }
        }
        if self.fresh(Inv::I6) {
            for (x, y, px) in [(a, b, &pb), (b, a, &pa)] {
                // Walk x's delivered txns in order; for each one y also delivered, every
                // txn x delivered before it must come before it in y too.
                let mut all_prev_in_y = true;
                let mut max_prev: Option<(usize, usize)> = None; // (pos in y, pos in x)
                let mut bad = None;
                for q in p..x.lastc {
                    let key = (x.ent(q).txn.zxid, x.ent(q).dig);
                    let in_y = px.get(&key).copied();
                    if let Some(qy) = in_y {
                        if !all_prev_in_y || max_prev.is_some_and(|(m, _)| m > qy) {
                            bad = Some((q, qy, max_prev.map(|(_, qx)| qx)));
                            break;
                        }
                    }
                    all_prev_in_y &= in_y.is_some();
                    if let Some(qy) = in_y {
                        if max_prev.is_none_or(|(m, _)| qy > m) {
                            max_prev = Some((qy, q));
                        }
                    }
                }
                if let Some((q, _qy, _)) = bad {
                    found.push((
                        Inv::I6,
                        Detail::DeliveredInOtherOrder {
                            x: x.id,
                            y: y.id,
                            txn: tx(&x.ent(q).txn),
                        },
                    ));
                    break;
                }
            }
        }
        let ids = vec![a.id, b.id];
        for (inv, detail) in found {
            self.report(inv, ids.clone(), detail);
        }
    }

    /// I11, I12 and I9 for learner `f` and the leader `l` it follows.
    fn check_follower(&mut self, l: usize, f: usize) {
        let (lv, fv) = (&self.views[l], &self.views[f]);
        if !lv.up || !matches!(lv.role, Role::Leader { .. }) {
            return;
        }
        let Some((_, stage)) = fv.learner_of() else {
            return;
        };
        // "F.leader == L" means this leadership of L. A learner may still hold its
        // connection to an earlier one: L crashed (or left its role) and was elected
        // again before the learner's read timeout fired. Every leadership proposes an
        // epoch above the acceptedEpoch L had persisted before (Leader.getEpochToPropose),
        // so the epoch the learner got in LEADERINFO names the leadership it follows.
        if fv.role_epoch() != lv.role_epoch() {
            return;
        }
        let ids = [fv.id, lv.id];
        let mut found: Vec<(Inv, Detail)> = Vec::new();
        // I11: a learner that processed NEWLEADER holds a prefix of its leader's history.
        if self.fresh(Inv::I11)
            && matches!(stage, LearnerStage::WaitUpToDate | LearnerStage::Broadcast)
            && fv.current_epoch == fv.accepted_epoch
            && fv.current_epoch == lv.current_epoch
        {
            let k = fv.len();
            if !same_prefix(fv, lv, k) {
                let p = lcp(fv, lv, k);
                found.push((
                    Inv::I11,
                    Detail::HistoryNotLeaderPrefix {
                        follower: fv.id,
                        leader: lv.id,
                        epoch: lv.current_epoch,
                        position: nth(p),
                        holds: tx(&fv.ent(p).txn),
                        leader_holds: at_pos(lv, p),
                    },
                ));
            }
        }
        let both_broadcast = lv.phase == Phase::Broadcast
            && fv.phase == Phase::Broadcast
            && stage == LearnerStage::Broadcast
            && lv.broadcast_leader().is_some();
        if both_broadcast && self.fresh(Inv::I12) && fv.current_epoch == lv.current_epoch {
            if lv.lastc < fv.lastc {
                found.push((
                    Inv::I12,
                    Detail::FollowerCountsMore {
                        follower: fv.id,
                        counted: fv.lastc,
                        leader: lv.id,
                        leader_counted: lv.lastc,
                    },
                ));
            } else if !same_prefix(fv, lv, fv.lastc) {
                let p = lcp(fv, lv, fv.lastc);
                found.push((
                    Inv::I12,
                    Detail::CommittedNotLeaderPrefix {
                        follower: fv.id,
                        leader: lv.id,
                        position: nth(p),
                        committed: tx(&fv.ent(p).txn),
                        leader_holds: at_pos(lv, p),
                    },
                ));
            }
        }
        // Usual case: the follower's committed txns are a prefix of the leader's, so
        // the leader has delivered its older-epoch ones too (no need to count them).
        let prefix_of_leader = || fv.lastc <= lv.lastc && same_prefix(fv, lv, fv.lastc);
        if both_broadcast && self.fresh(Inv::I9) && !prefix_of_leader() {
            let e = lv.current_epoch;
            let k = count_below(fv, fv.lastc, Zxid::new(e, 0));
            if !(k <= lv.lastc && same_prefix(fv, lv, k)) {
                let p = lcp(fv, lv, k.min(lv.lastc));
                let missing = (p..k).find(|&q| {
                    let x = fv.ent(q);
                    !holds(lv, lv.lastc, x.txn.zxid, x.dig)
                });
                if let Some(q) = missing {
                    found.push((
                        Inv::I9,
                        Detail::LeaderLacksDelivered {
                            follower: fv.id,
                            txn: tx(&fv.ent(q).txn),
                            leader: lv.id,
                            epoch: e,
                        },
                    ));
                }
            }
        }
        for (inv, detail) in found {
            self.report(inv, ids.to_vec(), detail);
        }
    }

    /// I1 Leadership1: no two leaders in SYNCHRONIZATION/BROADCAST with the same currentEpoch.
    pub(super) fn check_leadership(&mut self) {
        if !self.fresh(Inv::I1) {
            return;
        }
        let leading = |v: &View| {
            v.up && v.state == ServerState::Leading
                && matches!(v.phase, Phase::Synchronization | Phase::Broadcast)
        };
        let n = self.views.len();
        for i in 0..n {
            for j in i + 1..n {
                let (a, b) = (&self.views[i], &self.views[j]);
                if leading(a) && leading(b) && a.current_epoch == b.current_epoch {
                    let detail = Detail::TwoLeaders {
                        a: a.id,
                        b: b.id,
                        epoch: a.current_epoch,
                    };
                    let ids = vec![a.id, b.id];
                    self.report(Inv::I1, ids, detail);
                    return;
                }
            }
        }
    }
}
