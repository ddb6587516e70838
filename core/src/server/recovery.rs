//! Starting from disk (spec §11): the newest snapshot plus the log after it, the
//! startup epoch checks, and the reloads a TRUNC or a role exit needs.

use super::{Fle, Role, Server, ServerEvent, StartRefusal, SyncThread};
use crate::config::Config;
use crate::ids::{ServerId, SessionId, Zxid};
use crate::packet::Vote;
use crate::storage::Disk;
use crate::tree::DataTree;
use crate::txn::Txn;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

impl Server {
    /// Recovers a server from its disk (spec §11): newest snapshot, then every log
    /// entry after it (uncommitted ones too), then the startup epoch checks.
    /// A fresh server is recovered from an empty disk. Returns why startup refuses.
    pub fn recover(
        id: ServerId,
        cfg: Config,
        mut disk: Disk,
    ) -> Result<(Server, ServerEvent), StartRefusal> {
        let tree = Self::load_tree(&disk, None);
        let snapshot = disk.snapshots.last().map_or(Zxid::ZERO, |s| s.zxid);
        let replayed = disk.log.iter().filter(|t| t.zxid > snapshot).count() as u64;
        let last = tree.last_processed;
        let mut current = *disk.current_epoch.get_or_insert(last.epoch());
        if last.epoch() > current && disk.updating_epoch.is_some_and(|e| e >= last.epoch()) {
            // Crashed between the NEWLEADER snapshot or log fsync and the currentEpoch
            // write: the marker says the new epoch's history is complete up to `last`
            // (ZK-1653's fix in 3.4.6; apache/zookeeper PR #1110 for ZOOKEEPER-2354).
            current = last.epoch();
            disk.current_epoch = Some(current);
        }
        disk.updating_epoch = None;
        if last.epoch() > current {
            return Err(StartRefusal::CurrentEpochBehind {
                current,
                last_zxid: last,
            });
        }
        let accepted = *disk.accepted_epoch.get_or_insert(last.epoch());
        if accepted < current {
            return Err(StartRefusal::AcceptedBehindCurrent { accepted, current });
        }
        let committed_log = Self::committed_tail(&tree, cfg.storage.commit_log_count);
        let vote = Vote {
            leader: id,
            zxid: last,
            election_epoch: 0,
            peer_epoch: current,
        };
        let event = ServerEvent::Recovered {
            snapshot,
            replayed,
            last_zxid: last,
        };
        let server = Server {
            id,
            cfg,
            disk,
            tree,
            committed_log,
            role: Role::Looking,
            current_vote: vote,
            fle: Fle::default(),
            sync: SyncThread::default(),
            pending_writes: BTreeMap::new(),
            armed: BTreeSet::new(),
            role_gen: 0,
            halted: false,
            cnxns: BTreeMap::new(),
            watches: Default::default(),
            next_session: SessionId::first_of(id, 0),
            touches: BTreeMap::new(),
            client_pending: BTreeMap::new(),
            now: 0,
            roll: 0,
            out: Vec::new(),
        };
        Ok((server, event))
    }

    /// given) plus every later log entry (up to `upto`).
    pub(crate) fn load_tree(disk: &Disk, upto: Option<Zxid>) -> DataTree {
        let snap = match upto {
            Some(z) => disk.snapshot_at_or_below(z),
            None => disk.snapshots.last(),
        };
        let mut tree = snap.map(|s| s.tree.clone()).unwrap_or_default();
        // Rebuilding the state as of `upto`: replay from the snapshot's last txn (its
        // label may be a later epoch's base zxid).
        let base = match (upto, snap) {
            (Some(_), Some(s)) => s.content_upto(),
            _ => tree.last_processed,
        };
        for t in &disk.log {
            if t.zxid > base && upto.is_none_or(|u| t.zxid <= u) {
                tree.apply(t);
            }
        }
        tree
    }

    fn committed_tail(tree: &DataTree, count: u64) -> VecDeque<Txn> {
        let all = tree.applied.to_vec();
        let skip = all.len().saturating_sub(count as usize);
        all.into_iter().skip(skip).collect()
    }

    /// Reloads the in-memory database from disk (full shutdown, TRUNC).
    pub(crate) fn reload_from_disk(&mut self, upto: Option<Zxid>) {
        self.tree = Self::load_tree(&self.disk, upto);
        self.committed_log = Self::committed_tail(&self.tree, self.cfg.storage.commit_log_count);
    }
    /// Applies every logged txn that the in-memory database has not seen.
    pub(super) fn fast_forward(&mut self) {
        let last = self.tree.last_processed;
        let newer: Vec<Txn> = self
            .disk
            .log
            .iter()
            .filter(|t| t.zxid > last)
            .cloned()
            .collect();
        for t in &newer {
            self.tree.apply(t);
            self.committed_log.push_back(t.clone());
        }
        while self.committed_log.len() as u64 > self.cfg.storage.commit_log_count {
            self.committed_log.pop_front();
        }
    }
}
