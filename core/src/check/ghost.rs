//! Ghost state (spec §12.2): what the checker remembers about the run that no server
//! can see: every broadcast, the established epochs, the committed sequence, what each
//! epoch's primary had delivered when it first broadcast, and the client-acked writes.

use super::broadcasts::{Bcast, Broadcasts};
use super::mirror::{digest, Mirror};
use crate::ids::{Epoch, ServerId, Zxid};
use crate::shared_vec::SharedVec;
use crate::txn::Txn;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

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
            Some(b) => Some(BcastIssue::Duplicate(Txn::clone(&b.txn))),
            None => {
                let b = Bcast {
                    txn: Arc::new(txn.clone()),
                    dig,
                    primary: Some(primary),
                };
                self.broadcasts.insert(txn.zxid, b);
                None
            }
        }
    }

    /// Trusts a txn that existed before the checker started watching.
    pub fn trust(&mut self, txn: &Arc<Txn>, dig: u64) {
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
