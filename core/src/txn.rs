//! Transactions, the in-memory data tree and the persistent history of applied txns.

use crate::ids::{ServerId, Zxid};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A client request id, unique within a run (allocated by the simulator).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ReqId(pub u64);

/// Which client submitted a write, and where: the server that replies to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ClientTag {
    /// The server the client is connected to.
    pub server: ServerId,
    /// The request.
    pub req: ReqId,
}

/// A write on the data tree.
///
/// All three are applied state-based and idempotently (`create` and `set` store the
/// value, `delete` removes the node): ZooKeeper tolerates re-applying txns during a
/// fuzzy SNAP the same way by ignoring NODEEXISTS/NONODE on replay (spec §8.1).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Op {
    /// Create a znode with data.
    Create {
        /// Absolute path.
        path: String,
        /// Data.
        data: String,
    },
    /// Set a znode's data.
    Set {
        /// Absolute path.
        path: String,
        /// Data.
        data: String,
    },
    /// Delete a znode.
    Delete {
        /// Absolute path.
        path: String,
    },
}

impl Op {
    /// The znode path the op touches.
    pub fn path(&self) -> &str {
        match self {
            Op::Create { path, .. } | Op::Set { path, .. } | Op::Delete { path } => path,
        }
    }

    /// Short form for logs and the UI, e.g. `create /a=1`.
    pub fn label(&self) -> String {
        self.label_parts().concat()
    }

    /// The pieces of [`Op::label`], in order (the digest reads them without joining).
    fn label_parts(&self) -> [&str; 4] {
        match self {
            Op::Create { path, data } => ["create ", path, "=", data],
            Op::Set { path, data } => ["set ", path, "=", data],
            Op::Delete { path } => ["delete ", path, "", ""],
        }
    }
}

/// A transaction: what a leader proposes and every server logs.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Txn {
    /// Its zxid.
    pub zxid: Zxid,
    /// The write.
    pub op: Op,
    /// The client that asked for it (none for txns the simulator injects).
    pub origin: Option<ClientTag>,
}

impl Txn {
    /// A model of the txn's size in the log, in bytes (header + path + data), used by
    /// `snapshot_size_factor` (spec §8.1).
    pub fn size(&self) -> u64 {
        let data = match &self.op {
            Op::Create { data, .. } | Op::Set { data, .. } => data.len(),
            Op::Delete { .. } => 0,
        };
        32 + self.op.path().len() as u64 + data as u64
    }

    fn digest(&self) -> u64 {
        // FNV-1a over the zxid and the op: stable across platforms (unlike std's hasher).
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut feed = |bytes: &[u8]| {
            for b in bytes {
                h ^= *b as u64;
                h = h.wrapping_mul(0x100_0000_01b3);
            }
        };
        feed(&self.zxid.0.to_le_bytes());
        for part in self.op.label_parts() {
            feed(part.as_bytes());
        }
        h
    }
}

#[derive(Debug)]
struct HistNode {
    txn: Txn,
    prev: Option<Arc<HistNode>>,
    len: u64,
    hash: u64,
}

/// An immutable, shareable sequence of txns (a persistent list): appending and
/// copying are O(1), so snapshots and checkpoints can keep whole histories cheaply.
/// Two histories with the same length and hash hold the same txns (the hash chains
/// every txn's zxid and op).
#[derive(Clone, Debug, Default)]
pub struct History(Option<Arc<HistNode>>);

impl History {
    /// Number of txns.
    pub fn len(&self) -> u64 {
        self.0.as_ref().map_or(0, |n| n.len)
    }

    /// Whether it holds no txn.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// A chained digest of every txn in order.
    pub fn hash(&self) -> u64 {
        self.0.as_ref().map_or(0, |n| n.hash)
    }

    /// The last txn.
    pub fn last(&self) -> Option<&Txn> {
        self.0.as_ref().map(|n| &n.txn)
    }

    /// This history with `txn` appended.
    pub fn push(&self, txn: Txn) -> History {
        let len = self.len() + 1;
        let hash = (self.hash() ^ txn.digest()).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ len;
        History(Some(Arc::new(HistNode {
            txn,
            prev: self.0.clone(),
            len,
            hash,
        })))
    }

    /// The first `n` txns (walks back from the end: O(len - n)).
    pub fn prefix(&self, n: u64) -> History {
        let mut cur = self.0.clone();
        while let Some(node) = cur.clone() {
            if node.len <= n {
                break;
            }
            cur = node.prev.clone();
        }
        History(cur)
    }

    /// Whether `self` is a prefix of `other`.
    pub fn is_prefix_of(&self, other: &History) -> bool {
        self.len() <= other.len() && other.prefix(self.len()).same(self)
    }

    /// Whether both hold the same txns.
    pub fn same(&self, other: &History) -> bool {
        self.len() == other.len() && self.hash() == other.hash()
    }

    /// The txns, oldest first (O(len)).
    pub fn to_vec(&self) -> Vec<Txn> {
        let mut out = Vec::with_capacity(self.len() as usize);
        let mut cur = self.0.as_deref();
        while let Some(node) = cur {
            out.push(node.txn.clone());
            cur = node.prev.as_deref();
        }
        out.reverse();
        out
    }
}

impl PartialEq for History {
    fn eq(&self, other: &Self) -> bool {
        self.same(other)
    }
}

/// The in-memory data tree (ZooKeeper's `DataTree`): znode path → data, with the zxid
/// of the last applied txn and, for the checker, the history of applied txns.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DataTree {
    /// Znodes.
    pub nodes: BTreeMap<String, String>,
    /// `lastProcessedZxid`.
    pub last_processed: Zxid,
    /// Every txn applied, in order (ghost state; what the snapshot "contains").
    #[serde(skip)]
    pub applied: History,
}

impl DataTree {
    /// Applies a txn (state-based, idempotent).
    pub fn apply(&mut self, txn: &Txn) {
        match &txn.op {
            Op::Create { path, data } | Op::Set { path, data } => match self.nodes.get_mut(path) {
                Some(old) => old.clone_from(data),
                None => {
                    self.nodes.insert(path.clone(), data.clone());
                }
            },
            Op::Delete { path } => {
                self.nodes.remove(path);
            }
        }
        self.last_processed = txn.zxid;
        self.applied = self.applied.push(txn.clone());
    }

    /// A model of the serialised snapshot size, in bytes.
    pub fn size(&self) -> u64 {
        self.nodes
            .iter()
            .map(|(p, d)| 32 + p.len() as u64 + d.len() as u64)
            .sum::<u64>()
            + 64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Epoch;

    fn t(c: u32, path: &str) -> Txn {
        Txn {
            zxid: Zxid::new(Epoch(1), c),
            op: Op::Set {
                path: path.into(),
                data: c.to_string(),
            },
            origin: None,
        }
    }

    #[test]
    fn history_prefix_and_equality() {
        let a = History::default().push(t(1, "/a")).push(t(2, "/b"));
        let b = History::default().push(t(1, "/a")).push(t(2, "/c"));
        assert_eq!(a.len(), 2);
        assert!(a.prefix(1).same(&b.prefix(1)));
        assert!(!a.same(&b));
        assert!(a.prefix(1).is_prefix_of(&b));
        assert!(!a.is_prefix_of(&b));
        assert_eq!(
            a.to_vec()
                .iter()
                .map(|t| t.zxid.counter())
                .collect::<Vec<_>>(),
            [1, 2]
        );
    }

    #[test]
    fn data_tree_applies_idempotently() {
        let mut tree = DataTree::default();
        tree.apply(&t(1, "/a"));
        tree.apply(&t(1, "/a"));
        assert_eq!(tree.nodes.len(), 1);
        tree.apply(&Txn {
            zxid: Zxid::new(Epoch(1), 2),
            op: Op::Delete { path: "/a".into() },
            origin: None,
        });
        assert!(tree.nodes.is_empty());
        assert_eq!(tree.last_processed, Zxid::new(Epoch(1), 2));
    }
}
