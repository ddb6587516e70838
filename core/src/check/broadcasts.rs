//! `ghost.broadcasts` (spec §12.2): the first txn broadcast with each zxid.

use crate::ids::{ServerId, Zxid};
use crate::shared_vec::SharedVec;
use crate::txn::Txn;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One broadcast (`ghost.broadcasts`), keyed by zxid in [`Broadcasts`].
#[derive(Clone, Debug)]
pub(crate) struct Bcast {
    /// The txn as the primary created it (shared with the checker's mirrors).
    pub txn: Arc<Txn>,
    /// `digest(txn)`.
    pub dig: u64,
    /// The primary that proposed it; `None` for txns that existed before the checker
    /// started watching (it then trusts them).
    pub primary: Option<ServerId>,
}

/// `ghost.broadcasts` by zxid. Leaders mint ascending zxids, so almost every new
/// broadcast has the largest zxid yet: those are appended to a sorted [`SharedVec`]
/// (shared by copies of the checker); the rare others (a stale leader proposing in an
/// older epoch) go to a small map.
#[derive(Clone, Debug, Default)]
pub(crate) struct Broadcasts {
    sorted: SharedVec<(Zxid, Bcast)>,
    late: BTreeMap<Zxid, Bcast>,
}

impl Broadcasts {
    /// The broadcast with zxid `z`.
    pub fn get(&self, z: &Zxid) -> Option<&Bcast> {
        let k = self
            .dense_guess(z)
            .unwrap_or_else(|| self.sorted.partition_point(|(x, _)| x < z));
        match self.sorted.get(k) {
            Some((x, b)) if x == z => Some(b),
            _ => self.late.get(z),
        }
    }

    /// Where `z` sits if the zxids from it to the last one of its epoch were all
    /// broadcast (the usual case: a leader's counters are consecutive), checked; the
    /// zxids are strictly ascending, so a match is the only entry with `z`.
    fn dense_guess(&self, z: &Zxid) -> Option<usize> {
        let (last, _) = self.sorted.last()?;
        if last.epoch() != z.epoch() || last.counter() < z.counter() {
            return None;
        }
        let back = (last.counter() - z.counter()) as usize;
        let k = self.sorted.len().checked_sub(back + 1)?;
        matches!(self.sorted.get(k), Some((x, _)) if x == z).then_some(k)
    }

    /// `t` (with digest `dig`) as shared by the broadcast of the same txn, if there is
    /// one (every txn a server holds normally is): the checker's copies of histories
    /// then hold each txn once.
    pub fn share(&self, t: &Txn, dig: u64) -> Arc<Txn> {
        match self.get(&t.zxid) {
            Some(b) if b.dig == dig && *b.txn == *t => b.txn.clone(),
            _ => Arc::new(t.clone()),
        }
    }

    /// Records `b` as the broadcast with zxid `z`, unless there is one already.
    pub fn insert(&mut self, z: Zxid, b: Bcast) {
        if self.get(&z).is_some() {
            return;
        }
        match self.sorted.last() {
            Some((last, _)) if *last >= z => {
                self.late.insert(z, b);
            }
            _ => self.sorted.push((z, b)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::mirror::digest;
    use crate::ids::Epoch;
    use crate::txn::Op;

    fn b(e: u32, c: u32, data: &str) -> Bcast {
        let txn = Txn {
            zxid: Zxid::new(Epoch(e), c),
            op: Op::Set {
                path: "/a".into(),
                data: data.into(),
            },
            origin: None,
        };
        let dig = digest(&txn);
        Bcast {
            txn: Arc::new(txn),
            dig,
            primary: Some(ServerId(1)),
        }
    }

    #[test]
    fn out_of_order_broadcasts_are_found_and_the_first_one_stays() {
        let mut bs = Broadcasts::default();
        for (e, c) in [(1, 1), (1, 2), (2, 1), (1, 3), (2, 2), (1, 3)] {
            let x = b(
                e,
                c,
                if bs.get(&Zxid::new(Epoch(e), c)).is_some() {
                    "again"
                } else {
                    "first"
                },
            );
            bs.insert(x.txn.zxid, x);
        }
        for (e, c) in [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2)] {
            let got = bs.get(&Zxid::new(Epoch(e), c)).expect("recorded");
            assert_eq!(got.txn.op, b(e, c, "first").txn.op);
        }
        assert!(bs.get(&Zxid::new(Epoch(1), 4)).is_none());
        assert_eq!(bs.late.len(), 1, "only 0x100000003 came late");
    }

    #[test]
    fn gaps_in_the_counters_fall_back_to_the_search() {
        let mut bs = Broadcasts::default();
        for (e, c) in [(1, 1), (1, 2), (1, 5), (2, 3), (2, 4)] {
            let x = b(e, c, "v");
            bs.insert(x.txn.zxid, x);
        }
        for (e, c) in [(1, 1), (1, 2), (1, 5), (2, 3), (2, 4)] {
            assert!(bs.get(&Zxid::new(Epoch(e), c)).is_some(), "{e} {c}");
        }
        for (e, c) in [(1, 3), (1, 4), (1, 6), (2, 1), (2, 5), (3, 4)] {
            assert!(bs.get(&Zxid::new(Epoch(e), c)).is_none(), "{e} {c}");
        }
    }

    #[test]
    fn share_reuses_the_broadcast_txn_only_if_it_is_the_same() {
        let mut bs = Broadcasts::default();
        let x = b(1, 1, "v");
        bs.insert(x.txn.zxid, x.clone());
        let same = b(1, 1, "v");
        assert!(Arc::ptr_eq(&bs.share(&same.txn, same.dig), &x.txn));
        let other = b(1, 1, "w");
        let shared = bs.share(&other.txn, other.dig);
        assert!(!Arc::ptr_eq(&shared, &x.txn));
        assert_eq!(*shared, *other.txn);
    }
}
