//! Durable state: epoch files, the txn log with its flushed prefix, snapshots (spec §4.1, §11).

use crate::ids::{Epoch, Zxid};
use crate::tree::DataTree;
use crate::txn::Txn;

/// A snapshot on disk, written atomically, named by the tree's `lastProcessedZxid`.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// The label: the last zxid applied to the tree when it was taken.
    pub zxid: Zxid,
    /// The data tree (its `applied` history is what the snapshot contains).
    pub tree: DataTree,
}

impl Snapshot {
    /// `snapshot.0`, the empty tree every server writes the first time it starts on an
    /// empty disk (FileTxnSnapLog.restore; see [`crate::server::Server::recover`]).
    pub fn initial() -> Snapshot {
        Snapshot {
            zxid: Zxid::ZERO,
            tree: DataTree::default(),
        }
    }

    /// The zxid of the last txn it holds (its label, unless the label is a control zxid
    /// with counter 0 past its last txn).
    pub fn content_upto(&self) -> Zxid {
        if self.zxid.counter() == 0 {
            self.tree.applied.last().map_or(Zxid::ZERO, |t| t.zxid)
        } else {
            self.zxid
        }
    }
}

/// What survives a crash. A fresh server has no epoch files (`None`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Disk {
    /// The `acceptedEpoch` file (the paper's f.p).
    pub accepted_epoch: Option<Epoch>,
    /// The `currentEpoch` file (the paper's f.a).
    pub current_epoch: Option<Epoch>,
    /// The `updatingEpoch` marker: present from a learner's NEWLEADER until its
    /// currentEpoch write, so that a restart in between can finish the epoch change.
    pub updating_epoch: Option<Epoch>,
    /// The `needsFullSync` marker (a ZabScope extension; ZooKeeper has none): a TRUNC
    /// found no snapshot to rebuild the truncation point from, so this server's next
    /// sync reports last zxid 0 and replaces its whole history with the leader's. Its
    /// data stays on disk, and counts in elections, until that history is durable.
    pub full_sync_needed: bool,
    /// The txn log, committed and uncommitted entries alike.
    pub log: Vec<Txn>,
    /// How many entries of `log` are fsynced; the rest are lost on a crash.
    pub flushed: usize,
    /// Snapshots in zxid order, lowest label first: ZooKeeper names them
    /// `snapshot.<zxid>` and takes the highest label as the newest (Util.sortDataDir).
    pub snapshots: Vec<Snapshot>,
    /// The log holds nothing at or below this zxid any more (purged with old snapshots).
    pub purged_upto: Zxid,
    /// A SNAP sync's NEWLEADER snapshot is labelled with this zxid and the log entries
    /// at or below it went with the history the SNAP image replaced
    /// ([`Disk::supersede_upto`]): an older snapshot still holds the state as of its
    /// label, but replaying the log after it no longer rebuilds any later state.
    pub superseded_upto: Zxid,
}

impl Disk {
    /// The zxid of the last logged txn, or that of the newest snapshot, or 0.
    pub fn last_logged_zxid(&self) -> Zxid {
        self.log
            .last()
            .map(|t| t.zxid)
            .or_else(|| self.snapshots.last().map(|s| s.zxid))
            .unwrap_or(Zxid::ZERO)
    }

    /// The zxid of the last fsynced txn (or the newest snapshot's label).
    pub fn last_flushed_zxid(&self) -> Zxid {
        self.log[..self.flushed]
            .last()
            .map(|t| t.zxid)
            .or_else(|| self.snapshots.last().map(|s| s.zxid))
            .unwrap_or(Zxid::ZERO)
    }

    /// The txns the durable state holds, in order: the newest snapshot's contents,
    /// then the log entries after its label (flushed or not).
    pub fn history(&self) -> Vec<Txn> {
        let (mut out, label) = match self.snapshots.last() {
            Some(s) => (s.tree.applied.to_vec(), s.zxid),
            None => (Vec::new(), Zxid::NONE),
        };
        out.extend(self.log.iter().filter(|t| t.zxid > label).cloned());
        out
    }

    /// What a crash leaves: the unflushed tail is lost.
    pub fn crash(&mut self) {
        self.log.truncate(self.flushed);
    }

    /// Appends a txn to the log (buffered: not yet durable).
    pub fn append(&mut self, txn: Txn) {
        self.log.push(txn);
    }

    /// fsync: everything appended so far becomes durable.
    pub fn flush_all(&mut self) {
        self.flushed = self.log.len();
    }

    /// Marks entries up to and including `upto` as durable.
    pub fn flush_upto(&mut self, upto: Zxid) {
        let n = self.log.iter().take_while(|t| t.zxid <= upto).count();
        self.flushed = self.flushed.max(n);
    }

    /// Drops every log entry after `zxid` (TRUNC, spec §11). Returns how many went.
    /// Past `zxid` the log will hold only what is appended from now on, so a snapshot
    /// at `zxid` (the NEWLEADER snapshot that follows) is rolled forward by it again:
    /// `superseded_upto` comes down to `zxid` if it was above.
    pub fn truncate_after(&mut self, zxid: Zxid) -> usize {
        let keep = self.log.iter().take_while(|t| t.zxid <= zxid).count();
        let dropped = self.log.len() - keep;
        self.log.truncate(keep);
        self.flushed = self.flushed.min(keep);
        self.superseded_upto = self.superseded_upto.min(zxid);
        dropped
    }

    /// Writes a snapshot and purges what retention no longer needs: only the newest
    /// `retain` snapshots stay, and once an old snapshot goes, so do the log entries at
    /// or below the oldest kept one (PurgeTxnLog keeps the logs needed to recover from
    /// the kept snapshots).
    ///
    /// A snapshot is the file `snapshot.<zxid>` (FileTxnSnapLog.save), so a second
    /// snapshot with the same label replaces the first: repeated lead() attempts at the
    /// same last zxid leave one file, and retention still keeps older ones. Retention
    /// keeps the highest labels (PurgeTxnLog), whatever order they were written in.
    pub fn save_snapshot(&mut self, tree: &DataTree, retain: usize) {
        let label = tree.last_processed;
        self.snapshots.retain(|s| s.zxid != label);
        let at = self.snapshots.partition_point(|s| s.zxid < label);
        self.snapshots.insert(
            at,
            Snapshot {
                zxid: label,
                tree: tree.clone(),
            },
        );
        let retain = retain.max(1);
        if self.snapshots.len() <= retain {
            return;
        }
        let drop = self.snapshots.len() - retain;
        self.snapshots.drain(..drop);
        let oldest = self.snapshots[0].zxid;
        let purge = self.log[..self.flushed]
            .iter()
            .take_while(|t| t.zxid <= oldest)
            .count();
        self.log.drain(..purge);
        self.flushed -= purge;
        self.purged_upto = self.purged_upto.max(oldest);
    }

    /// Deletes the snapshots holding txns after `zxid`: after a TRUNC or a SNAP image
    /// they belong to a superseded history, and a restart would load the highest one.
    pub fn drop_snapshots_after(&mut self, zxid: Zxid) {
        self.snapshots.retain(|s| s.content_upto() <= zxid);
    }

    /// A SNAP sync's NEWLEADER snapshot at `zxid` replaced this server's history: the
    /// whole log goes (every entry belongs to the replaced history, since a SNAP sync
    /// logs nothing before NEWLEADER), so do the snapshots past the label
    /// ([`Disk::drop_snapshots_after`]), and the snapshots older than it can no longer
    /// be rolled forward by the log (see `superseded_upto`).
    pub fn supersede_upto(&mut self, zxid: Zxid) {
        self.log.clear();
        self.flushed = 0;
        self.purged_upto = self.purged_upto.max(zxid);
        self.drop_snapshots_after(zxid);
        self.superseded_upto = self.superseded_upto.max(zxid);
    }

    /// Whether the state as of `zxid` can be rebuilt from disk: a snapshot at or below
    /// it that the log rolls forward to it, or a log that was never purged.
    pub fn can_rebuild_at(&self, zxid: Zxid) -> bool {
        self.snapshot_at_or_below(zxid).is_some() || self.purged_upto == Zxid::ZERO
    }

    /// The newest snapshot the state as of `zxid` can be rebuilt from (used by TRUNC,
    /// spec §11): it holds no txn after `zxid` (its label is at or below `zxid`, or its
    /// label is a new epoch's base, counter 0, as a SNAP sent right after a leader
    /// activates is labelled, and the txns it holds end at or below `zxid`), and either
    /// it holds every txn up to `zxid` or the log after it was not purged by a SNAP
    /// sync (`superseded_upto`), so replaying the log after it reaches `zxid`.
    pub fn snapshot_at_or_below(&self, zxid: Zxid) -> Option<&Snapshot> {
        self.snapshots.iter().rev().find(|s| {
            let upto = s.content_upto();
            upto == zxid || (upto < zxid && s.zxid >= self.superseded_upto)
        })
    }

    /// Total size of the log entries after `zxid`, in model bytes.
    pub fn log_size_after(&self, zxid: Zxid) -> u64 {
        self.log
            .iter()
            .filter(|t| t.zxid > zxid)
            .map(|t| t.size())
            .sum()
    }
}
