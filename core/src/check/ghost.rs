//! Ghost state (spec §12.2): what the checker remembers about the run that no server
//! can see: every broadcast, the established epochs, the committed sequence, what each
//! epoch's primary had delivered when it first broadcast, and the client-acked writes.

use super::mirror::{digest, Mirror};
use crate::ids::{Epoch, ServerId, Zxid};
use crate::shared_vec::SharedVec;
use crate::txn::Txn;
use std::collections::{BTreeMap, BTreeSet};

/// One broadcast (`ghost.broadcasts`), keyed by zxid in [`Ghost::broadcasts`].
#[derive(Clone, Debug)]
pub(crate) struct Bcast {
    /// The txn as the primary created it.
    pub txn: Txn,
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
        let k = self.sorted.partition_point(|(x, _)| x < z);
        match self.sorted.get(k) {
            Some((x, b)) if x == z => Some(b),
            _ => self.late.get(z),
        }
    }

    /// Records `b` as the broadcast with zxid `z`, unless there is one already.
    fn insert(&mut self, z: Zxid, b: Bcast) {
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

/// The ghost state.
#[derive(Clone, Debug, Default)]
pub(crate) struct Ghost {
    /// `ghost.broadcasts`: the first txn broadcast with each zxid. A leader's initial
    /// history consists of txns broadcast earlier, so they are already here.
    pub broadcasts: Broadcasts,
    /// `ghost.established`: the servers that established each epoch.
    pub established: BTreeMap<Epoch, BTreeSet<ServerId>>,
    /// `ghost.committed`: the committed prefix of the newest leader in BROADCAST, never
    /// shrinking.
    pub committed: Mirror,
    /// For each entry of `committed`, the epoch of the leader that first counted it
    /// as committed.
    pub committed_in: SharedVec<Option<Epoch>>,
    /// Bumped whenever `committed` grows.
    pub committed_version: u64,
    /// `ghost.first_bcast_delivered`: the primary of each epoch and what it had
    /// delivered (txns of older epochs) when it first broadcast.
    pub first_bcast_delivered: BTreeMap<Epoch, (ServerId, Mirror)>,
    /// Client-acked zxids not (yet) in `committed` (the part of `ghost.client_acked`
    /// that I16 still has to watch; the rest is in `committed`).
    pub acked_pending: BTreeSet<Zxid>,
    /// `epoch_proposer` (spec §14 E2): the incarnation in which each server first sent
    /// LEADERINFO for an epoch.
    pub proposed: BTreeMap<(ServerId, Epoch), u64>,
}

/// What recording a broadcast found wrong (I15).
pub(crate) enum BcastIssue {
    /// Another txn was broadcast with the same zxid before.
    Duplicate(Txn),
}

impl Ghost {
    /// Records a PROPOSAL created by `primary` (spec §9.1).
    pub fn broadcast(&mut self, primary: ServerId, txn: &Txn) -> Option<BcastIssue> {
        let dig = digest(txn);
        match self.broadcasts.get(&txn.zxid) {
            Some(b) if b.dig == dig => None,
            Some(b) => Some(BcastIssue::Duplicate(b.txn.clone())),
            None => {
                let b = Bcast {
                    txn: txn.clone(),
                    dig,
                    primary: Some(primary),
                };
                self.broadcasts.insert(txn.zxid, b);
                None
            }
        }
    }

    /// Trusts a txn that existed before the checker started watching.
    pub fn trust(&mut self, txn: &Txn, dig: u64) {
        let b = Bcast {
            txn: txn.clone(),
            dig,
            primary: None,
        };
        self.broadcasts.insert(txn.zxid, b);
    }

    /// The last committed zxid.
    pub fn last_committed(&self) -> Option<Zxid> {
        self.committed.ents.last().map(|e| e.txn.zxid)
    }
}
