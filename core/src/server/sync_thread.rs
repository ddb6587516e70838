//! The SyncRequestProcessor ("Sync thread"): batched log appends and fsyncs, the
//! ACKs that wait for them, and the snapshots it takes (spec §9.2, §11).

use super::{CrashPoint, Effect, Role, Server, ServerEvent};
use crate::ids::Zxid;
use crate::packet::QuorumPacket;
use crate::txn::Txn;
use std::collections::VecDeque;

/// The SyncRequestProcessor ("Sync thread"): queues txns, appends them, fsyncs in
/// batches, then ACKs (spec §9.2, §11). One fsync is in flight at a time; txns that
/// arrive meanwhile wait for the next batch.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SyncThread {
    /// Queued, not yet appended: (txn, whether to ACK it once durable).
    pub queue: VecDeque<(Txn, bool)>,
    /// Appended, fsync in flight: (zxid, ack?, role generation that asked).
    pub flushing: Vec<(Zxid, bool, u64)>,
    /// Whether an fsync is in flight.
    pub in_flight: bool,
    /// Txns logged since the last snapshot.
    pub since_snapshot: u64,
    /// `snapCount/2 + randRoll`: snapshot once `since_snapshot` passes this.
    pub snap_threshold: u64,
}

impl Server {
    /// Takes a snapshot of the data tree and purges what retention allows.
    pub(crate) fn take_snapshot(&mut self) {
        let retain = self.cfg.storage.snap_retain_count as usize;
        self.disk.save_snapshot(&self.tree, retain);
        self.sync.since_snapshot = 0;
        self.reset_snap_threshold();
        self.event(ServerEvent::Snapshot {
            zxid: self.tree.last_processed,
        });
    }

    pub(super) fn reset_snap_threshold(&mut self) {
        let half = (self.cfg.storage.snap_count / 2).max(1);
        self.sync.snap_threshold = half + self.roll % half;
    }

    /// Hands a txn to the Sync thread: append, fsync (batched), then ACK if `ack`.
    pub(crate) fn log_request(&mut self, txn: Txn, ack: bool) {
        self.sync.queue.push_back((txn, ack));
        if !self.sync.in_flight {
            self.sync_flush();
        }
    }

    fn sync_flush(&mut self) {
        let batch: Vec<(Txn, bool)> = self.sync.queue.drain(..).collect();
        let Some(last) = batch.last().map(|(t, _)| t.zxid) else {
            return;
        };
        for (txn, ack) in batch {
            let zxid = txn.zxid;
            self.disk.append(txn);
            self.event(ServerEvent::Append { zxid });
            self.sync.flushing.push((zxid, ack, self.role_gen));
            self.sync.since_snapshot += 1;
            if self.sync.since_snapshot > self.sync.snap_threshold {
                // SyncRequestProcessor rolls the log and snapshots the in-memory tree.
                self.take_snapshot();
            }
        }
        self.sync.in_flight = true;
        self.emit(Effect::Fsync { upto: last });
    }

    pub(super) fn on_fsync_done(&mut self, upto: Zxid) {
        self.disk.flush_upto(upto);
        self.event(ServerEvent::Fsync { upto });
        self.sync.in_flight = false;
        if self.hit(CrashPoint::AfterFsync) {
            return;
        }
        let flushed: Vec<(Zxid, bool, u64)> = std::mem::take(&mut self.sync.flushing);
        for (zxid, ack, gen) in flushed {
            if !ack || gen != self.role_gen {
                continue; // the role that asked for this ACK is gone
            }
            match self.role {
                Role::Leading(_) => {
                    let me = self.id;
                    self.with_leader(|s, l| s.process_ack(l, me, zxid));
                }
                Role::Following(_) | Role::Observing(_) => {
                    self.with_learner(|s, l| s.send_to_leader(l, QuorumPacket::Ack { zxid }))
                }
                Role::Looking => {}
            }
        }
        if !self.sync.queue.is_empty() {
            self.sync_flush();
        }
    }
}
