//! Chain-hashed copies of txn sequences: the checker's representation of the
//! histories of spec §12.2.
//!
//! Every entry carries a chained hash of the whole prefix ending at it, so "do these two
//! histories agree on their first k txns?" is one comparison, and "where do they first
//! differ?" is a binary search. Sequences are appended to incrementally as the servers'
//! logs grow, so the checker never rebuilds a history from scratch on the common path.

use super::broadcasts::Broadcasts;
use crate::ids::Zxid;
use crate::shared_vec::SharedVec;
use crate::txn::{History, Op, Txn};
use std::sync::Arc;

/// A stable 64-bit digest of a txn (zxid, op and origin), FNV-1a: the same on every
/// platform and in wasm.
pub(crate) fn digest(t: &Txn) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= *b as u64;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
    };
    feed(&t.zxid.0.to_le_bytes());
    match &t.op {
        Op::Create {
            path,
            data,
            ephemeral_owner: None,
        } => {
            feed(b"c");
            feed(path.as_bytes());
            feed(&[0]);
            feed(data.as_bytes());
        }
        Op::Set { path, data } => {
            feed(b"s");
            feed(path.as_bytes());
            feed(&[0]);
            feed(data.as_bytes());
        }
        Op::Delete { path } => {
            feed(b"d");
            feed(path.as_bytes());
        }
        op => feed(op.label().as_bytes()),
    }
    match t.origin {
        Some(tag) => {
            feed(&[1]);
            feed(&tag.server.0.to_le_bytes());
            feed(&tag.req.0.to_le_bytes());
        }
        None => feed(&[0]),
    }
    h
}

/// The chained hash of a prefix of length `len` whose last txn has digest `dig`.
fn link(prev: u64, dig: u64, len: usize) -> u64 {
    let mut h = (prev ^ dig.rotate_left(23)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h ^= (len as u64).wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
    h ^ (h >> 31)
}

/// One txn of a sequence with the chained hash of the prefix ending at it.
#[derive(Clone, Debug)]
pub(crate) struct Ent {
    /// The txn (shared with the other copies of it).
    pub txn: Arc<Txn>,
    /// `digest(txn)`.
    pub dig: u64,
    /// Chained hash of every txn up to and including this one.
    pub chain: u64,
}

/// Read access to a chain-hashed sequence.
pub(crate) trait Chain {
    /// Number of txns.
    fn len(&self) -> usize;
    /// The chained hash of the first `k` txns (`k <= len`; 0 for the empty prefix).
    fn chain(&self, k: usize) -> u64;
    /// The `i`-th txn.
    fn ent(&self, i: usize) -> &Ent;
}

/// A sequence of txns that starts at position `offset` of a larger history whose
/// prefix before it hashes to `start` (the tail of a server's history), or at 0. Its
/// entries are a [`SharedVec`], so copies of the checker (time-travel checkpoints)
/// share them.
#[derive(Clone, Debug, Default)]
pub(crate) struct Mirror {
    /// Chained hash of the prefix before the first entry.
    pub start: u64,
    /// Absolute position of the first entry.
    pub offset: usize,
    /// The entries.
    pub ents: SharedVec<Ent>,
}

impl Mirror {
    /// Appends a txn.
    pub fn push(&mut self, txn: Arc<Txn>) {
        let dig = digest(&txn);
        self.push_ent(txn, dig);
    }

    /// Appends a txn whose digest is `dig`.
    pub fn push_ent(&mut self, txn: Arc<Txn>, dig: u64) {
        let prev = self.ents.last().map_or(self.start, |e| e.chain);
        let chain = link(prev, dig, self.offset + self.ents.len() + 1);
        self.ents.push(Ent { txn, dig, chain });
    }

    /// Keeps the first `n` entries (absolute length `n`).
    pub fn truncate(&mut self, n: usize) {
        self.ents.truncate(n.saturating_sub(self.offset));
    }

    /// Restarts the sequence at absolute position `offset` after a prefix hashing to `start`.
    pub fn reset(&mut self, offset: usize, start: u64) {
        self.ents.clear();
        self.offset = offset;
        self.start = start;
    }
}

impl Chain for Mirror {
    fn len(&self) -> usize {
        self.offset + self.ents.len()
    }
    fn chain(&self, k: usize) -> u64 {
        if k <= self.offset {
            // Only the start of the sequence is known below the offset.
            if k == self.offset {
                self.start
            } else {
                0
            }
        } else {
            self.ents[k - self.offset - 1].chain
        }
    }
    fn ent(&self, i: usize) -> &Ent {
        &self.ents[i - self.offset]
    }
}

/// The length of the longest common prefix of `a` and `b`, at most `limit`
/// (binary search on the chained hashes).
pub(crate) fn lcp<A: Chain + ?Sized, B: Chain + ?Sized>(a: &A, b: &B, limit: usize) -> usize {
    let hi = a.len().min(b.len()).min(limit);
    if a.chain(hi) == b.chain(hi) {
        return hi;
    }
    // Invariant: prefixes of length lo agree, of length hi do not.
    let mut lo = 0;
    let mut hi = hi;
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if a.chain(mid) == b.chain(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Whether the first `k` txns of `a` and `b` are the same (both must be that long).
pub(crate) fn same_prefix<A: Chain + ?Sized, B: Chain + ?Sized>(a: &A, b: &B, k: usize) -> bool {
    k <= a.len() && k <= b.len() && a.chain(k) == b.chain(k)
}

/// How many of the first `n` txns of `a` have a zxid below `z` (zxids ascend in a
/// sound history; on a corrupted one the answer is some split point).
pub(crate) fn count_below<A: Chain + ?Sized>(a: &A, n: usize, z: Zxid) -> usize {
    let (mut lo, mut hi) = (0, n.min(a.len()));
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if a.ent(mid).txn.zxid < z {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// The position of the txn with zxid `z` among the first `n` of `a`, if any, in a
/// sequence sorted by zxid (binary search).
pub(crate) fn find_sorted<A: Chain + ?Sized>(a: &A, n: usize, z: Zxid) -> Option<usize> {
    let n = n.min(a.len());
    let k = count_below(a, n, z);
    (k < n && a.ent(k).txn.zxid == z).then_some(k)
}

/// The position of the txn with zxid `z` among the first `n` of `a`, if any: binary
/// search, then (a server's history may be out of order when a bug broke it) a
/// backwards scan of the last entries.
pub(crate) fn find<A: Chain + ?Sized>(a: &A, n: usize, z: Zxid) -> Option<usize> {
    let n = n.min(a.len());
    find_sorted(a, n, z).or_else(|| {
        (n.saturating_sub(SCAN)..n)
            .rev()
            .find(|&i| a.ent(i).txn.zxid == z)
    })
}

/// How far back [`find`] scans an unsorted history.
const SCAN: usize = 256;

/// The last `n` txns of a history, oldest first (walks back `n` nodes; borrows them,
/// no txn is copied).
pub(crate) fn history_tail(h: &History, n: u64) -> Vec<&Txn> {
    let mut out: Vec<&Txn> = h.newest(n as usize).collect();
    out.reverse();
    out
}

/// Rewrites a mirror from position `pos` on with a new sequence of txns, keeping
/// entries that do not change. Records the first position that changed (`cut`) and
/// whether that position held, durably, a txn of the committed sequence `committed`
/// (spec §12.4 T1). New entries share their txn with its broadcast in `known`.
pub(crate) struct Rewriter<'a> {
    m: &'a mut Mirror,
    pos: usize,
    cut: Option<usize>,
    durable: usize,
    committed: &'a Mirror,
    known: &'a Broadcasts,
    lost: Option<usize>,
}

impl<'a> Rewriter<'a> {
    /// A rewriter of `m`, whose first `durable` entries are durable.
    pub fn new(
        m: &'a mut Mirror,
        durable: usize,
        committed: &'a Mirror,
        known: &'a Broadcasts,
    ) -> Rewriter<'a> {
        let pos = m.offset;
        Rewriter {
            m,
            pos,
            cut: None,
            durable,
            committed,
            known,
            lost: None,
        }
    }

    /// Declares the first `p` entries unchanged.
    pub fn skip_to(&mut self, p: usize) {
        self.pos = p.min(self.m.len());
    }

    /// The next txn of the new sequence.
    pub fn feed(&mut self, t: &Txn) {
        if self.cut.is_none() {
            if self.pos < self.m.len() && *self.m.ent(self.pos).txn == *t {
                self.pos += 1;
                return;
            }
            self.mark_cut();
        }
        let dig = digest(t);
        self.m.push_ent(self.known.share(t, dig), dig);
        self.pos += 1;
    }

    fn mark_cut(&mut self) {
        let c = self.pos;
        self.cut = Some(c);
        if c < self.durable
            && c < self.m.len()
            && c < self.committed.len()
            && self.m.chain(c + 1) == self.committed.chain(c + 1)
        {
            self.lost = Some(c);
        }
        self.m.truncate(c);
    }

    /// Ends the new sequence: returns (first changed position, lost committed position).
    pub fn finish(mut self) -> (Option<usize>, Option<usize>) {
        if self.cut.is_none() && self.pos < self.m.len() {
            self.mark_cut();
        }
        (self.cut, self.lost)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Epoch;

    fn t(c: u32, v: &str) -> Txn {
        Txn {
            zxid: Zxid::new(Epoch(1), c),
            op: Op::Set {
                path: "/a".into(),
                data: v.into(),
            },
            origin: None,
        }
    }

    fn at(c: u32, v: &str) -> Arc<Txn> {
        Arc::new(t(c, v))
    }

    #[test]
    fn prefixes_compare_by_chain() {
        let mut a = Mirror::default();
        let mut b = Mirror::default();
        for c in 1..=5 {
            a.push(at(c, "x"));
            b.push(at(c, if c == 4 { "y" } else { "x" }));
        }
        assert!(same_prefix(&a, &b, 3));
        assert!(!same_prefix(&a, &b, 4));
        assert_eq!(lcp(&a, &b, usize::MAX), 3);
        assert_eq!(count_below(&a, 5, Zxid::new(Epoch(1), 3)), 2);
        assert_eq!(find(&a, 5, Zxid::new(Epoch(1), 4)), Some(3));
    }

    #[test]
    fn rewriter_finds_the_cut_and_lost_committed_txns() {
        let mut m = Mirror::default();
        let mut g = Mirror::default();
        for c in 1..=4 {
            m.push(at(c, "x"));
        }
        for c in 1..=3 {
            g.push(at(c, "x"));
        }
        let known = Broadcasts::default();
        let mut rw = Rewriter::new(&mut m, 4, &g, &known);
        rw.feed(&t(1, "x"));
        rw.feed(&t(2, "x"));
        // The committed 0x100000003 is replaced: a durable committed txn is lost.
        rw.feed(&t(3, "z"));
        let (cut, lost) = rw.finish();
        assert_eq!((cut, lost), (Some(2), Some(2)));
        assert_eq!(m.len(), 3);
    }

    #[test]
    fn tails_of_histories() {
        let h = History::default()
            .push(t(1, "a"))
            .push(t(2, "b"))
            .push(t(3, "c"));
        let tail = history_tail(&h, 2);
        assert_eq!(tail.len(), 2);
        assert_eq!(tail[0].zxid.counter(), 2);
    }
}
