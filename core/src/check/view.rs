//! What the checker derives from one server (spec §12.2): `hist(s)`, its durable
//! part, `lastC(s)` and the role, kept up to date incrementally.
//!
//! `hist(s)` = the newest snapshot's applied txns ++ the log entries after its label
//! (flushed and unflushed) ++ the txns queued to the Sync thread ++ (while the learner
//! is synchronising) the txns it received but has not logged yet (`packetsNotLogged`).
//! The Sync-thread queue comes before the learner's pending txns because it will be
//! appended to the log first.
//!
//! One refinement: between a SNAP or TRUNC header and NEWLEADER the learner's state
//! lives only in memory (the in-memory tree replaced by the leader's image, or reloaded
//! up to the TRUNC point), and the NEWLEADER snapshot will persist exactly that tree.
//! In that window `hist(s)` is the in-memory tree's applied txns ++ the pending txns;
//! what the disk still holds is the durable history, used by T1.
//!
//! A learner's `lastC(s)` moves only in BROADCAST, after UPTODATE: what a sync applies
//! in memory before that is not delivered yet (see `refresh`).

use super::ghost::Ghost;
use super::mirror::{count_below, digest, find, history_tail, lcp, Chain, Ent, Mirror, Rewriter};
use crate::ids::{Epoch, ServerId, Zxid};
use crate::packet::ServerState;
use crate::server::{LeaderStage, LearnerStage, Phase, Server, SyncMode};
use crate::sim::Node;
use crate::storage::Disk;
use crate::txn::{History, Txn};
use std::sync::Arc;

/// A server's role, as far as the invariants care.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Role {
    /// Not running.
    #[default]
    Down,
    /// LOOKING (or between roles).
    Looking,
    /// LEADING.
    Leader {
        /// The epoch it proposes / leads.
        epoch: Epoch,
        /// Where `lead()` is.
        stage: LeaderStage,
        /// `lastCommitted`.
        last_committed: Zxid,
    },
    /// FOLLOWING or OBSERVING.
    Learner {
        /// The leader it follows.
        leader: ServerId,
        /// The epoch that leader proposed (LEADERINFO), 0 before it arrives.
        epoch: Epoch,
        /// Where it is.
        stage: LearnerStage,
        /// Whether the sync header was a DIFF.
        diff: bool,
    },
}

/// What one refresh found.
#[derive(Debug, Default)]
pub(crate) struct Refresh {
    /// The first position of `hist(s)` that changed: entries from here on are new.
    pub hist_from: usize,
    /// T1: a txn of the committed sequence that the durable history held and lost.
    pub lost: Option<(usize, Arc<Txn>)>,
    /// The newest snapshot changed.
    pub base_changed: bool,
}

/// The checker's picture of one server.
#[derive(Clone, Debug)]
pub(crate) struct View {
    /// `myid`.
    pub id: ServerId,
    /// Whether the process runs.
    pub up: bool,
    /// Newest snapshot's applied txns ++ log entries after its label.
    pub disk: Mirror,
    base_key: Option<(Zxid, u64, u64)>,
    base_hist: History,
    /// How many entries of `disk` come from the newest snapshot.
    pub base_len: usize,
    /// The newest snapshot's label.
    pub label: Zxid,
    log_start: usize,
    log_seen: usize,
    /// How many entries of `disk` are durable (snapshot + flushed log).
    pub dur_len: usize,
    /// The in-memory tree during a SNAP/TRUNC sync (see the module doc).
    pub win: Mirror,
    /// Whether `hist` currently starts with `win` instead of `disk`.
    pub in_win: bool,
    win_key: (u64, u64),
    win_hist: History,
    /// Sync-thread queue ++ pending sync txns, chained after the head.
    pub tail: Mirror,
    old_tail: Mirror,
    /// `lastC(s)`.
    pub lastc: usize,
    /// Role.
    pub role: Role,
    /// ServerState (LOOKING when down).
    pub state: ServerState,
    /// ZabState.
    pub phase: Phase,
    /// `currentEpoch` file (0 if none).
    pub current_epoch: Epoch,
    /// `acceptedEpoch` file (0 if none).
    pub accepted_epoch: Epoch,
    /// The `updatingEpoch` marker, if present.
    pub updating_epoch: Option<Epoch>,
    /// The zxid a restart would report: max(newest snapshot label, last flushed entry).
    pub last_flushed: Zxid,
    /// Delivered entries already checked by the per-txn invariants (I4, I7, I8, I9h).
    pub chk_len: usize,
    /// Chained hash of those entries.
    pub chk_chain: u64,
    /// The G version I10 was last checked against.
    pub i10_gver: u64,
}

impl View {
    /// A view of a server that has not been looked at yet.
    pub fn new(id: ServerId) -> View {
        View {
            id,
            up: false,
            disk: Mirror::default(),
            base_key: None,
            base_hist: History::default(),
            base_len: 0,
            label: Zxid::ZERO,
            log_start: 0,
            log_seen: 0,
            dur_len: 0,
            win: Mirror::default(),
            in_win: false,
            win_key: (0, 0),
            win_hist: History::default(),
            tail: Mirror::default(),
            old_tail: Mirror::default(),
            lastc: 0,
            role: Role::Down,
            state: ServerState::Looking,
            phase: Phase::Election,
            current_epoch: Epoch(0),
            accepted_epoch: Epoch(0),
            updating_epoch: None,
            last_flushed: Zxid::ZERO,
            chk_len: 0,
            chk_chain: 0,
            i10_gver: u64::MAX,
        }
    }

    fn head(&self) -> &Mirror {
        if self.in_win {
            &self.win
        } else {
            &self.disk
        }
    }

    /// Whether the role is a leader in BROADCAST; its epoch.
    pub fn broadcast_leader(&self) -> Option<Epoch> {
        match self.role {
            Role::Leader {
                epoch,
                stage: LeaderStage::Broadcast,
                ..
            } if self.up => Some(epoch),
            _ => None,
        }
    }

    /// The leader it follows, and its stage, if it is a learner.
    pub fn learner_of(&self) -> Option<(ServerId, LearnerStage)> {
        match self.role {
            Role::Learner { leader, stage, .. } => Some((leader, stage)),
            _ => None,
        }
    }

    /// The epoch of its role: the one a leader proposes, or the one a learner's leader
    /// announced in LEADERINFO (0 before it is known).
    pub fn role_epoch(&self) -> Epoch {
        match self.role {
            Role::Leader { epoch, .. } | Role::Learner { epoch, .. } => epoch,
            Role::Down | Role::Looking => Epoch(0),
        }
    }

    /// Brings the view up to date with the node. `force_log` re-reads the whole log
    /// (after TRUNC or a restart); `commit` is the last txn the server applied as
    /// committed in this step (a learner's `lastC` marker); `ghost` has the committed
    /// sequence and the broadcasts (whose txns the view shares).
    pub fn refresh(
        &mut self,
        node: &Node,
        force_log: bool,
        commit: Option<Zxid>,
        ghost: &Ghost,
    ) -> Refresh {
        let g = &ghost.committed;
        let server = node.server.as_ref();
        let disk = node.disk();
        let old_in_win = self.in_win;
        let old_head_len = self.head().len();
        let old_lastc = self.lastc;
        let was_up = self.up;
        std::mem::swap(&mut self.tail, &mut self.old_tail);

        let (disk_cut, lost, base_changed) = self.refresh_disk(disk, force_log, ghost);
        let lost = lost.map(|p| (p, g.ent(p).txn.clone()));

        let learner = server.and_then(|s| s.learner());
        let in_win = learner.is_some_and(|l| {
            matches!(l.stage, LearnerStage::Syncing { .. }) && !l.write_to_txn_log
        });
        let mut win_cut = None;
        if let (true, Some(s)) = (in_win, server) {
            win_cut = self.refresh_win(&s.tree.applied, old_in_win, ghost);
        }
        self.in_win = in_win;
        let head_cut = match (old_in_win, in_win) {
            (false, false) => disk_cut.unwrap_or(old_head_len),
            (true, true) => win_cut.unwrap_or(old_head_len),
            // The old head was the disk: it agrees with the new disk up to the cut.
            (false, true) => lcp(&self.win, &self.disk, disk_cut.unwrap_or(usize::MAX)),
            // The old head was the (untouched) in-memory tree.
            (true, false) => lcp(&self.win, &self.disk, usize::MAX),
        };

        let tail_same = self.refresh_tail(server, ghost);

        let hist_from = if head_cut >= old_head_len {
            let old = OldHist {
                head: self.head(),
                head_len: old_head_len,
                tail: if tail_same {
                    &self.tail
                } else {
                    &self.old_tail
                },
            };
            lcp(&old, &*self, usize::MAX)
        } else {
            head_cut
        };

        self.up = server.is_some();
        self.current_epoch = disk.current_epoch.unwrap_or_default();
        self.accepted_epoch = disk.accepted_epoch.unwrap_or_default();
        self.updating_epoch = disk.updating_epoch;
        let snap_label = disk.snapshots.last().map_or(Zxid::ZERO, |s| s.zxid);
        let flushed = disk.flushed.min(disk.log.len());
        self.last_flushed = match flushed {
            0 => snap_label,
            n => snap_label.max(disk.log[n - 1].zxid),
        };
        self.role = role_of(server);
        self.state = server.map_or(ServerState::Looking, |s| s.state());
        self.phase = server.map_or(Phase::Election, |s| s.phase());

        let len = self.len();
        // What the server knew to be committed survives, unless it crashed (delivered
        // but unflushed txns are gone) or dropped an unfinished SNAP/TRUNC sync (the
        // in-memory image is reloaded from disk): then only the part of the history
        // that did not change.
        let dropped_window = old_in_win
            && !in_win
            && !matches!(
                self.role,
                Role::Learner {
                    stage: LearnerStage::WaitUpToDate | LearnerStage::Broadcast,
                    ..
                }
            );
        let carry = if was_up && self.up && !dropped_window {
            old_lastc
        } else {
            old_lastc.min(hist_from)
        };
        self.lastc = match self.role {
            // A leader in BROADCAST knows every txn up to lastCommitted is committed
            // (its whole initial history right after startZkServer).
            Role::Leader {
                stage: LeaderStage::Broadcast,
                last_committed,
                ..
            } => count_below(self, len, Zxid(last_committed.0.saturating_add(1))),
            // A learner delivers what its sync brought only at UPTODATE, when the
            // leader's epoch is active (the paper's COMMIT-LD; Learner.syncWithLeader:
            // nobody is served before). Until then the txns it applied in memory (the
            // SNAP image, commits in a SNAP/TRUNC window, DIFF commits at NEWLEADER)
            // may be of a leader that never establishes itself: the next one may
            // truncate them.
            Role::Learner {
                stage: LearnerStage::Broadcast,
                ..
            } => {
                let at = commit.and_then(|z| find(self, len, z)).map_or(0, |i| i + 1);
                carry.max(at)
            }
            // A leader before BROADCAST, a learner still syncing, a LOOKING or crashed
            // server: what it knew.
            _ => carry,
        }
        .min(len);

        Refresh {
            hist_from,
            lost,
            base_changed,
        }
    }

    /// Updates `disk` from the newest snapshot and the log. Returns (first changed
    /// position, position of a lost durable committed txn, whether the snapshot changed).
    fn refresh_disk(
        &mut self,
        disk: &Disk,
        force_log: bool,
        ghost: &Ghost,
    ) -> (Option<usize>, Option<usize>, bool) {
        let snap = disk.snapshots.last();
        let key = snap.map(|s| (s.zxid, s.tree.applied.len(), s.tree.applied.hash()));
        let base_changed = key != self.base_key;
        let old_dur = self.dur_len;
        // Is the part of the log read so far unchanged? (Checked before borrowing the
        // mirror for writing.)
        let seen_end = self.log_start + self.log_seen;
        let log_intact = !base_changed
            && !force_log
            && seen_end <= disk.log.len()
            && (self.log_seen == 0
                || self.base_len + self.log_seen <= self.disk.len()
                    && disk.log[seen_end - 1]
                        == *self.disk.ent(self.base_len + self.log_seen - 1).txn)
            && (self.log_start == 0
                || (self.log_start <= disk.log.len()
                    && disk.log[self.log_start - 1].zxid <= self.label));
        let mut new_base = None;
        if base_changed {
            let h = snap.map(|s| s.tree.applied.clone()).unwrap_or_default();
            let label = snap.map_or(Zxid::ZERO, |s| s.zxid);
            new_base = Some((h, label));
        }
        let (g, known) = (&ghost.committed, &ghost.broadcasts);
        let mut rw = Rewriter::new(&mut self.disk, old_dur, g, known);
        if let Some((new_hist, label)) = new_base {
            if self.base_hist.is_prefix_of(&new_hist) {
                // Usual case: a newer snapshot of the same history (what was logged
                // is now in the snapshot). Only the txns beyond the old one are read.
                rw.skip_to(self.base_len);
                for t in history_tail(&new_hist, new_hist.len() - self.base_hist.len()) {
                    rw.feed(t);
                }
            } else {
                for t in new_hist.to_vec() {
                    rw.feed(&t);
                }
            }
            self.base_len = new_hist.len() as usize;
            self.base_hist = new_hist;
            self.base_key = key;
            self.label = label;
            self.log_start = disk.log.partition_point(|t| t.zxid <= label);
            for t in &disk.log[self.log_start..] {
                rw.feed(t);
            }
        } else if log_intact {
            rw.skip_to(self.base_len + self.log_seen);
            for t in &disk.log[seen_end..] {
                rw.feed(t);
            }
        } else {
            rw.skip_to(self.base_len);
            let label = self.label;
            self.log_start = disk.log.partition_point(|t| t.zxid <= label);
            for t in &disk.log[self.log_start..] {
                rw.feed(t);
            }
        }
        let (cut, lost) = rw.finish();
        self.log_seen = disk.log.len() - self.log_start.min(disk.log.len());
        let flushed = disk.flushed.min(disk.log.len());
        self.dur_len =
            (self.base_len + flushed.saturating_sub(self.log_start)).min(self.disk.len());
        (cut, lost, base_changed)
    }

    /// Updates `win` from the in-memory tree. Returns the first changed position.
    fn refresh_win(&mut self, applied: &History, was_in: bool, ghost: &Ghost) -> Option<usize> {
        let key = (applied.len(), applied.hash());
        if was_in && key == self.win_key {
            return None;
        }
        let (g, known) = (&ghost.committed, &ghost.broadcasts);
        let mut rw = Rewriter::new(&mut self.win, 0, g, known);
        if was_in && self.win_hist.is_prefix_of(applied) {
            rw.skip_to(self.win_hist.len() as usize);
            for t in history_tail(applied, applied.len() - self.win_hist.len()) {
                rw.feed(t);
            }
        } else {
            for t in applied.to_vec() {
                rw.feed(&t);
            }
        }
        let (cut, _) = rw.finish();
        self.win_hist = applied.clone();
        self.win_key = key;
        cut
    }

    /// Rebuilds the tail (Sync-thread queue, then pending sync txns) after the head,
    /// reusing the previous one when nothing changed.
    /// Returns true if the tail did not change (then `tail` holds the old one).
    fn refresh_tail(&mut self, server: Option<&Server>, ghost: &Ghost) -> bool {
        let head_len = self.head().len();
        let start = self.head().chain(head_len);
        let pending = server.and_then(|s| s.learner()).filter(|l| {
            matches!(
                l.stage,
                LearnerStage::Syncing { .. } | LearnerStage::WaitUpToDate
            )
        });
        let queue = server.map(|s| &s.sync.queue);
        let sources = || {
            queue
                .into_iter()
                .flat_map(|q| q.iter().map(|(t, _)| t))
                .chain(pending.into_iter().flat_map(|l| l.pending.iter()))
        };
        let count = queue.map_or(0, |q| q.len()) + pending.map_or(0, |l| l.pending.len());
        let old = &self.old_tail;
        let unchanged = old.offset == head_len
            && old.start == start
            && old.ents.len() == count
            && sources().zip(old.ents.iter()).all(|(t, e)| *t == *e.txn);
        if unchanged {
            std::mem::swap(&mut self.tail, &mut self.old_tail);
            return true;
        }
        self.tail.reset(head_len, start);
        for t in sources() {
            let dig = digest(t);
            self.tail.push_ent(ghost.broadcasts.share(t, dig), dig);
        }
        false
    }
}

/// The role of a running server.
fn role_of(server: Option<&Server>) -> Role {
    let Some(s) = server else {
        return Role::Down;
    };
    if let Some(l) = s.leader() {
        return Role::Leader {
            epoch: l.epoch.unwrap_or_default(),
            stage: l.stage,
            last_committed: l.last_committed,
        };
    }
    if let Some(l) = s.learner() {
        return Role::Learner {
            leader: l.leader,
            epoch: l.new_epoch,
            stage: l.stage,
            diff: s.sync_mode() == SyncMode::Diff,
        };
    }
    Role::Looking
}

impl Chain for View {
    fn len(&self) -> usize {
        self.head().len() + self.tail.ents.len()
    }
    fn chain(&self, k: usize) -> u64 {
        let h = self.head();
        if k <= h.len() {
            h.chain(k)
        } else {
            self.tail.chain(k)
        }
    }
    fn ent(&self, i: usize) -> &Ent {
        let h = self.head();
        if i < h.len() {
            h.ent(i)
        } else {
            self.tail.ent(i)
        }
    }
}

/// The history before a refresh, when its head is still a prefix of the new head.
struct OldHist<'a> {
    head: &'a Mirror,
    head_len: usize,
    tail: &'a Mirror,
}

impl Chain for OldHist<'_> {
    fn len(&self) -> usize {
        self.head_len + self.tail.ents.len()
    }
    fn chain(&self, k: usize) -> u64 {
        if k <= self.head_len {
            self.head.chain(k)
        } else {
            self.tail.chain(k)
        }
    }
    fn ent(&self, i: usize) -> &Ent {
        if i < self.head_len {
            self.head.ent(i)
        } else {
            self.tail.ent(i)
        }
    }
}
