//! The record of every client write and its fate.

use crate::ids::{ServerId, Time};
use crate::server::WriteResult;
use crate::shared_vec::SharedVec;
use crate::txn::{Op, ReqId};
use serde::Serialize;

/// A client write and its fate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WriteRecord {
    /// Request id.
    pub req: ReqId,
    /// When it was submitted.
    pub at_ms: Time,
    /// The server the client is connected to.
    pub server: ServerId,
    /// The write.
    pub op: Op,
    /// `None` while pending.
    pub result: Option<WriteResult>,
}

/// Every client write, by request id. The simulator numbers requests 1, 2, 3… in
/// submission order, so the records are kept in a [`SharedVec`] at index `req - 1`:
/// copies of the simulator (time-travel checkpoints) share every chunk of records
/// that did not change since.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Writes(SharedVec<WriteRecord>);

impl Writes {
    /// Number of writes submitted.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no write was submitted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The write with request id `req`.
    pub fn get(&self, req: &ReqId) -> Option<&WriteRecord> {
        self.0.get(slot(*req)?)
    }

    /// Every write in request id order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &WriteRecord> + '_ {
        self.0.iter()
    }

    /// Records a new write; its request id must be the next one (`len + 1`).
    pub(crate) fn push(&mut self, w: WriteRecord) {
        debug_assert_eq!(slot(w.req), Some(self.0.len()));
        self.0.push(w);
    }

    /// Sets the outcome of write `req`, if it exists.
    pub(crate) fn set_result(&mut self, req: ReqId, result: WriteResult) {
        if let Some(w) = slot(req).and_then(|i| self.0.get_mut(i)) {
            w.result = Some(result);
        }
    }
}

/// The index of request `req` (ids start at 1).
fn slot(req: ReqId) -> Option<usize> {
    usize::try_from(req.0).ok()?.checked_sub(1)
}
