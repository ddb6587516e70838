//! Transactions, the in-memory data tree and the persistent history of applied txns.

use crate::ids::{ClientId, ServerId, SessionId, Zxid};
use serde::{Deserialize, Serialize};
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
    /// The session client that asked, if it was one (see [`crate::client`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<ClientId>,
}

/// What a txn does (ZooKeeper's txn types, `OpCode` and the `*Txn` records of
/// zookeeper.jute).
///
/// The znode writes are applied state-based and idempotently (`create` and `set`
/// store the value, `delete` removes the node): ZooKeeper tolerates re-applying txns
/// during a fuzzy SNAP the same way by ignoring NODEEXISTS/NONODE on replay (spec §8.1).
/// The checks that make a write fail (a missing parent, a wrong version) happen once,
/// at the leader before it proposes (PrepRequestProcessor), and a failed write
/// becomes an [`Op::Error`] txn.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Op {
    /// Create a znode with data (`CreateTxn`).
    Create {
        /// Absolute path (for a sequential znode, with its suffix already added).
        path: String,
        /// Data.
        data: String,
        /// The session that owns it, for an ephemeral znode (`ephemeralOwner`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ephemeral_owner: Option<SessionId>,
    },
    /// Set a znode's data (`SetDataTxn`).
    Set {
        /// Absolute path.
        path: String,
        /// Data.
        data: String,
    },
    /// Delete a znode (`DeleteTxn`).
    Delete {
        /// Absolute path.
        path: String,
    },
    /// A new session (`CreateSessionTxn`): every server learns the session and its
    /// negotiated timeout.
    CreateSession {
        /// The session.
        session: SessionId,
        /// The negotiated timeout.
        timeout_ms: u64,
    },
    /// A session ends, closed by its client or expired by the leader
    /// (`CloseSessionTxn`, whose `paths2Delete` are its ephemeral znodes).
    CloseSession {
        /// The session.
        session: SessionId,
        /// Its ephemeral znodes, deleted with it.
        deletes: Vec<String>,
    },
    /// A write that failed the leader's checks (`ErrorTxn`): it takes a zxid and
    /// changes nothing.
    Error {
        /// Why it failed.
        code: ErrorCode,
    },
}

/// Why a client's write or read fails (`KeeperException.Code`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// The znode (or, for a create, its parent) does not exist (`NONODE`).
    NoNode,
    /// The znode already exists (`NODEEXISTS`).
    NodeExists,
    /// The expected version does not match (`BADVERSION`).
    BadVersion,
    /// The znode has children (`NOTEMPTY`).
    NotEmpty,
    /// The parent is ephemeral (`NOCHILDRENFOREPHEMERALS`).
    NoChildrenForEphemerals,
    /// The session has expired or is closing (`SESSIONEXPIRED`).
    SessionExpired,
}

impl ErrorCode {
    /// ZooKeeper's name for it, as its logs and clients show it.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::NoNode => "NONODE",
            ErrorCode::NodeExists => "NODEEXISTS",
            ErrorCode::BadVersion => "BADVERSION",
            ErrorCode::NotEmpty => "NOTEMPTY",
            ErrorCode::NoChildrenForEphemerals => "NOCHILDRENFOREPHEMERALS",
            ErrorCode::SessionExpired => "SESSIONEXPIRED",
        }
    }
}

impl Op {
    /// The znode path the op touches (none for session and error txns).
    pub fn path(&self) -> Option<&str> {
        match self {
            Op::Create { path, .. } | Op::Set { path, .. } | Op::Delete { path } => Some(path),
            Op::CreateSession { .. } | Op::CloseSession { .. } | Op::Error { .. } => None,
        }
    }

    /// The op's name in scenario files, reports and logs (`create`, `set`, `delete`,
    /// `createSession`, `closeSession`, `error`).
    pub fn name(&self) -> &'static str {
        match self {
            Op::Create { .. } => "create",
            Op::Set { .. } => "set",
            Op::Delete { .. } => "delete",
            Op::CreateSession { .. } => "createSession",
            Op::CloseSession { .. } => "closeSession",
            Op::Error { .. } => "error",
        }
    }

    /// A persistent znode create (what scenario `write`s and the sweeps make).
    pub fn create(path: impl Into<String>, data: impl Into<String>) -> Op {
        Op::Create {
            path: path.into(),
            data: data.into(),
            ephemeral_owner: None,
        }
    }

    /// The data the op stores, if it stores any.
    pub fn data(&self) -> Option<&str> {
        match self {
            Op::Create { data, .. } | Op::Set { data, .. } => Some(data),
            _ => None,
        }
    }

    /// Short form for logs and the UI, e.g. `create /a=1`, in ZooKeeper's own words
    /// (its txn and field names), so that it reads the same in every language.
    pub fn label(&self) -> String {
        match self {
            Op::Create {
                ephemeral_owner: Some(owner),
                ..
            } => format!("{} ephemeralOwner={owner}", self.label_parts().concat()),
            Op::CreateSession {
                session,
                timeout_ms,
            } => format!("createSession {session} timeOut={timeout_ms}"),
            Op::CloseSession { session, deletes } => {
                format!(
                    "closeSession {session} paths2Delete=[{}]",
                    deletes.join(", ")
                )
            }
            Op::Error { code } => format!("error {}", code.name()),
            _ => self.label_parts().concat(),
        }
    }

    /// The pieces of a znode write's [`Op::label`], in order (the digest reads them
    /// without joining).
    fn label_parts(&self) -> [&str; 4] {
        match self {
            Op::Create { path, data, .. } => ["create ", path, "=", data],
            Op::Set { path, data } => ["set ", path, "=", data],
            Op::Delete { path } => ["delete ", path, "", ""],
            Op::CreateSession { .. } | Op::CloseSession { .. } | Op::Error { .. } => {
                ["", "", "", ""]
            }
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
        let body = match &self.op {
            Op::CloseSession { deletes, .. } => deletes.iter().map(|p| p.len() + 4).sum(),
            op => op.path().map_or(8, str::len) + op.data().map_or(0, str::len),
        };
        32 + body as u64
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
        match &self.op {
            // The znode writes feed what they always fed, so digests of runs without
            // sessions stay as they were.
            Op::Create {
                ephemeral_owner: None,
                ..
            }
            | Op::Set { .. }
            | Op::Delete { .. } => {
                for part in self.op.label_parts() {
                    feed(part.as_bytes());
                }
            }
            op => feed(op.label().as_bytes()),
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

    /// The newest `n` txns, newest first (O(n)).
    pub fn newest(&self, n: usize) -> impl Iterator<Item = &Txn> + '_ {
        let mut cur = self.0.as_deref();
        std::iter::from_fn(move || {
            let node = cur?;
            cur = node.prev.as_deref();
            Some(&node.txn)
        })
        .take(n)
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
}
