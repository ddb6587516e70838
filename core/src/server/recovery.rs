//! Starting from disk (spec §11): the newest snapshot plus the log after it, the
//! startup epoch checks, and the reloads a TRUNC or a role exit needs.

use super::{Fle, Role, Server, ServerEvent, StartRefusal, SyncThread};
use crate::config::Config;
use crate::ids::{ServerId, SessionId, Zxid};
use crate::packet::Vote;
use crate::storage::{Disk, Snapshot};
use crate::tree::DataTree;
use crate::txn::Txn;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

impl Server {
    /// Recovers a server from its disk (spec §11): newest snapshot, then every log
    /// entry after it (uncommitted ones too), then the startup epoch checks.
    /// A fresh server is recovered from an empty disk. Returns the events of the start
    /// (a [`ServerEvent::Snapshot`] of `snapshot.0` if it wrote one, then
    /// [`ServerEvent::Recovered`]), or why startup refuses.
    ///
    /// A disk without a snapshot: spec §11 says nothing of it, so ZooKeeper's source
    /// decides (`restore_without_snapshot` below): an empty disk gets an empty
    /// `snapshot.0` before anything else, on every server, and a log without a
    /// snapshot refuses to start.
    pub fn recover(
        id: ServerId,
        cfg: Config,
        mut disk: Disk,
    ) -> Result<(Server, Vec<ServerEvent>), StartRefusal> {
        let mut events = Vec::new();
        if disk.snapshots.is_empty() {
            events.push(Self::restore_without_snapshot(&mut disk)?);
        }
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
        events.push(ServerEvent::Recovered {
            snapshot,
            replayed,
            last_zxid: last,
        });
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
            held_reads: Vec::new(),
            now: 0,
            roll: 0,
            out: Vec::new(),
        };
        Ok((server, events))
    }

    /// `FileTxnSnapLog.restore` when `FileSnap.deserialize` finds no snapshot
    /// (apache/zookeeper branch-3.8, FileTxnSnapLog.java L283-310; FileSnap.java
    /// L76-79), with ZooKeeper's defaults:
    ///
    /// - A log without a snapshot refuses to start: "No snapshot found, but there
    ///   are log entries. Something is broken!" (L286-290), since the data before the
    ///   log's first entry may be missing. `zookeeper.snapshot.trust.empty=true`
    ///   (L123, default false), an escape hatch for upgrades from 3.4, would replay
    ///   the log onto an empty tree instead; ZabScope does not model it.
    /// - An empty disk (no snapshot, no log) gets an empty `snapshot.0` at once
    ///   (`save`, L297-303), since `zookeeper.db.autocreate` defaults to true
    ///   (L172-173), and restore returns zxid 0. This runs in `QuorumPeer.start` →
    ///   `loadDataBase` (QuorumPeer.java L1128-1132, L1144-1146) before leader
    ///   election, so every server writes it the first time it starts, not only the
    ///   first leader. (With autocreate off and no `initialize` file, L258-264, it
    ///   would return -1 without a snapshot; not modelled.)
    ///
    /// A `snapshot.0` on disk with an empty log then loads as any snapshot does
    /// (FileSnap.java L76-119) and replays nothing (`fastForwardFromEdits`,
    /// FileTxnSnapLog.java L326-331): zxid 0, no refusal and no second `snapshot.0`.
    /// Returns the [`ServerEvent::Snapshot`] of the `snapshot.0` written.
    fn restore_without_snapshot(disk: &mut Disk) -> Result<ServerEvent, StartRefusal> {
        if let Some(last) = disk.log.last() {
            return Err(StartRefusal::LogWithoutSnapshot {
                first_logged: disk.log[0].zxid,
                last_logged: last.zxid,
            });
        }
        let initial = Snapshot::initial();
        let zxid = initial.zxid;
        disk.snapshots.push(initial);
        Ok(ServerEvent::Snapshot { zxid })
    }

    /// The data tree a disk holds: the newest snapshot (the newest at or below `upto`,
    /// if given) plus every later log entry (up to `upto`).
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

    /// Reloads the in-memory database from disk (full shutdown, TRUNC). ZooKeeper
    /// reloads through `restore` here too (ZKDatabase.java L598-610, branch-3.8), but
    /// after a first start a disk always keeps a snapshot (retention keeps at least
    /// one, and a TRUNC keeps the one it rebuilds from), so the no-snapshot case of
    /// [`Server::recover`] does not arise.
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
