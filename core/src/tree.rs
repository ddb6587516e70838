//! The in-memory database (ZooKeeper's `DataTree` with the sessions `ZKDatabase`
//! keeps beside it): znodes with their stat, ephemeral owners and the live sessions.
//!
//! zab-spec.md models only the data; sessions, stats and watch triggers follow
//! ZooKeeper's source (DataTree.java `processTxn`, `createNode`, `deleteNode`,
//! `setData`, `killSession`; ZKDatabase.java `sessionsWithTimeouts`), as
//! docs/client-model.md records.

use crate::ids::{SessionId, Zxid};
use crate::txn::{History, Op, Txn};
use serde::Serialize;
use std::collections::BTreeMap;

/// A znode's `Stat` (the fields ZooKeeper's checks and watches read).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stat {
    /// The zxid that created it.
    pub czxid: Zxid,
    /// The zxid that last changed its data.
    pub mzxid: Zxid,
    /// The zxid that last added or removed a child.
    pub pzxid: Zxid,
    /// Data version, bumped by every set.
    pub version: i32,
    /// Child version, bumped by every child created or deleted (the sequential suffix).
    pub cversion: i32,
    /// The owning session of an ephemeral znode.
    pub ephemeral_owner: Option<SessionId>,
}

/// The kind of change a watch reports (`Watcher.Event.EventType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum EventType {
    /// `NodeCreated`.
    NodeCreated,
    /// `NodeDeleted`.
    NodeDeleted,
    /// `NodeDataChanged`.
    NodeDataChanged,
    /// `NodeChildrenChanged`.
    NodeChildrenChanged,
}

impl EventType {
    /// ZooKeeper's name for it.
    pub fn name(self) -> &'static str {
        match self {
            EventType::NodeCreated => "NodeCreated",
            EventType::NodeDeleted => "NodeDeleted",
            EventType::NodeDataChanged => "NodeDataChanged",
            EventType::NodeChildrenChanged => "NodeChildrenChanged",
        }
    }
}

/// Which watch table a trigger fires (`WatchManager` instances of DataTree).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum WatchTable {
    /// Data and exists watches (`dataWatches`).
    Data,
    /// Child watches (`childWatches`).
    Child,
}

/// One watch trigger a txn causes: fire `table`'s watches on `path` with `event`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Trigger {
    /// The watched path.
    pub path: String,
    /// The event delivered.
    pub event: EventType,
    /// The table whose watches fire.
    pub table: WatchTable,
}

/// The in-memory data tree: znode path → data, with the zxid of the last applied txn
/// and, for the checker, the history of applied txns.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct DataTree {
    /// Znodes.
    pub nodes: BTreeMap<String, String>,
    /// `lastProcessedZxid`.
    pub last_processed: Zxid,
    /// Every txn applied, in order (ghost state; what the snapshot "contains").
    #[serde(skip)]
    pub applied: History,
    /// Every znode's stat, and the root's under `/`.
    #[serde(skip)]
    pub stats: BTreeMap<String, Stat>,
    /// Live sessions and their negotiated timeouts (`sessionsWithTimeouts`, saved in
    /// snapshots and sent with SNAP).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub sessions: BTreeMap<SessionId, u64>,
}

/// The parent of an absolute path (`/` for a top-level znode).
pub fn parent_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

impl DataTree {
    /// Applies a txn (`DataTree.processTxn`). Znode writes are state-based and
    /// idempotent: a txn at or below a znode's `mzxid` was applied already and leaves
    /// its stat alone (ZooKeeper ignores NODEEXISTS/NONODE when it replays).
    pub fn apply(&mut self, txn: &Txn) {
        let zxid = txn.zxid;
        match &txn.op {
            Op::Create {
                path,
                data,
                ephemeral_owner,
            } => {
                let fresh = !self.nodes.contains_key(path);
                match self.nodes.get_mut(path) {
                    Some(old) => old.clone_from(data),
                    None => {
                        self.nodes.insert(path.clone(), data.clone());
                    }
                }
                if fresh {
                    self.stats.insert(
                        path.clone(),
                        Stat {
                            czxid: zxid,
                            mzxid: zxid,
                            pzxid: zxid,
                            ephemeral_owner: *ephemeral_owner,
                            ..Stat::default()
                        },
                    );
                    self.child_changed(path, zxid);
                } else {
                    self.data_changed(path, zxid);
                }
            }
            Op::Set { path, data } => {
                match self.nodes.get_mut(path) {
                    Some(old) => old.clone_from(data),
                    None => {
                        self.nodes.insert(path.clone(), data.clone());
                    }
                }
                self.data_changed(path, zxid);
            }
            Op::Delete { path } => self.delete(path, zxid),
            Op::CreateSession {
                session,
                timeout_ms,
            } => {
                self.sessions.insert(*session, *timeout_ms);
            }
            Op::CloseSession { session, deletes } => {
                // killSession: the txn's paths2Delete decide what goes.
                for path in deletes {
                    self.delete(path, zxid);
                }
                self.sessions.remove(session);
            }
            Op::Error { .. } => {}
        }
        self.last_processed = zxid;
        self.applied = self.applied.push(txn.clone());
    }

    fn delete(&mut self, path: &str, zxid: Zxid) {
        if self.nodes.remove(path).is_some() {
            self.stats.remove(path);
            self.child_changed(path, zxid);
        }
    }

    /// `setData`'s stat update: version + 1, unless this txn was applied already.
    fn data_changed(&mut self, path: &str, zxid: Zxid) {
        // Looked up before inserting: a set on an existing znode allocates nothing.
        if !self.stats.contains_key(path) {
            let fresh = Stat {
                czxid: zxid,
                pzxid: zxid,
                ..Stat::default()
            };
            self.stats.insert(path.to_string(), fresh);
        }
        let Some(stat) = self.stats.get_mut(path) else {
            return;
        };
        if stat.mzxid < zxid {
            stat.mzxid = zxid;
            stat.version += 1;
        }
    }

    /// A child of `path`'s parent was created or deleted: cversion + 1, pzxid.
    fn child_changed(&mut self, path: &str, zxid: Zxid) {
        let parent = parent_of(path);
        if !self.stats.contains_key(parent) {
            self.stats.insert(parent.to_string(), Stat::default());
        }
        let Some(parent) = self.stats.get_mut(parent) else {
            return;
        };
        if parent.pzxid < zxid {
            parent.pzxid = zxid;
            parent.cversion += 1;
        }
    }

    /// The stat of a znode, or of the root `/`.
    pub fn stat(&self, path: &str) -> Option<Stat> {
        if path == "/" {
            return Some(self.stats.get("/").copied().unwrap_or_default());
        }
        self.nodes.get(path)?;
        Some(self.stats.get(path).copied().unwrap_or_default())
    }

    /// Whether a znode (or the root) exists.
    pub fn exists(&self, path: &str) -> bool {
        path == "/" || self.nodes.contains_key(path)
    }

    /// The names of a znode's children, sorted (`getChildren`).
    pub fn children(&self, path: &str) -> Vec<String> {
        let prefix = if path == "/" {
            "/".to_string()
        } else {
            format!("{path}/")
        };
        self.nodes
            .range(prefix.clone()..)
            .take_while(|(p, _)| p.starts_with(&prefix))
            .filter(|(p, _)| !p[prefix.len()..].contains('/'))
            .map(|(p, _)| p[prefix.len()..].to_string())
            .collect()
    }

    /// The ephemeral znodes a session owns (`getEphemerals`), sorted.
    pub fn ephemerals_of(&self, session: SessionId) -> Vec<String> {
        self.stats
            .iter()
            .filter(|(_, s)| s.ephemeral_owner == Some(session))
            .map(|(p, _)| p.clone())
            .collect()
    }

    /// How many ephemeral znodes exist (`zk_ephemerals_count`).
    pub fn ephemeral_count(&self) -> usize {
        self.stats
            .values()
            .filter(|s| s.ephemeral_owner.is_some())
            .count()
    }

    /// The watch triggers `op` causes when applied to this tree, in ZooKeeper's order
    /// (DataTree.createNode, deleteNode, setData, killSession).
    pub fn triggers(&self, op: &Op) -> Vec<Trigger> {
        let mut out = Vec::new();
        let mut fire = |path: &str, event, table| {
            out.push(Trigger {
                path: path.to_string(),
                event,
                table,
            })
        };
        let deleted = |path: &str, fire: &mut dyn FnMut(&str, EventType, WatchTable)| {
            if self.nodes.contains_key(path) {
                fire(path, EventType::NodeDeleted, WatchTable::Data);
                fire(path, EventType::NodeDeleted, WatchTable::Child);
                fire(
                    parent_of(path),
                    EventType::NodeChildrenChanged,
                    WatchTable::Child,
                );
            }
        };
        match op {
            Op::Create { path, .. } if !self.nodes.contains_key(path) => {
                fire(path, EventType::NodeCreated, WatchTable::Data);
                fire(
                    parent_of(path),
                    EventType::NodeChildrenChanged,
                    WatchTable::Child,
                );
            }
            Op::Create { path, .. } | Op::Set { path, .. } => {
                fire(path, EventType::NodeDataChanged, WatchTable::Data)
            }
            Op::Delete { path } => deleted(path, &mut fire),
            Op::CloseSession { deletes, .. } => {
                for path in deletes {
                    deleted(path, &mut fire);
                }
            }
            Op::CreateSession { .. } | Op::Error { .. } => {}
        }
        out
    }

    /// A model of the serialised snapshot size, in bytes.
    pub fn size(&self) -> u64 {
        self.nodes
            .iter()
            .map(|(p, d)| 32 + p.len() as u64 + d.len() as u64)
            .sum::<u64>()
            + 64
            + 12 * self.sessions.len() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Epoch;

    fn txn(c: u32, op: Op) -> Txn {
        Txn {
            zxid: Zxid::new(Epoch(1), c),
            op,
            origin: None,
        }
    }

    fn create(c: u32, path: &str, owner: Option<u64>) -> Txn {
        txn(
            c,
            Op::Create {
                path: path.into(),
                data: c.to_string(),
                ephemeral_owner: owner.map(SessionId),
            },
        )
    }

    #[test]
    fn data_tree_applies_idempotently() {
        let mut tree = DataTree::default();
        tree.apply(&create(1, "/a", None));
        tree.apply(&create(1, "/a", None));
        assert_eq!(tree.nodes.len(), 1);
        assert_eq!(
            tree.stat("/").unwrap().cversion,
            1,
            "a replay adds no child"
        );
        tree.apply(&txn(
            2,
            Op::Set {
                path: "/a".into(),
                data: "x".into(),
            },
        ));
        tree.apply(&txn(
            2,
            Op::Set {
                path: "/a".into(),
                data: "x".into(),
            },
        ));
        assert_eq!(tree.stat("/a").unwrap().version, 1, "a replay is one set");
        tree.apply(&txn(3, Op::Delete { path: "/a".into() }));
        assert!(tree.nodes.is_empty());
        assert_eq!(tree.last_processed, Zxid::new(Epoch(1), 3));
    }

    /// DataTree.killSession: closeSession deletes the paths its txn lists and the
    /// session leaves `sessionsWithTimeouts`; the parent's cversion counts both the
    /// create and the delete (DataTree.createNode / deleteNode).
    #[test]
    fn close_session_removes_its_ephemerals_and_the_session() {
        let mut tree = DataTree::default();
        tree.apply(&txn(
            1,
            Op::CreateSession {
                session: SessionId(7),
                timeout_ms: 4000,
            },
        ));
        tree.apply(&create(2, "/app", None));
        tree.apply(&create(3, "/app/e", Some(7)));
        assert_eq!(tree.ephemerals_of(SessionId(7)), ["/app/e"]);
        assert_eq!(tree.ephemeral_count(), 1);
        assert_eq!(tree.sessions.get(&SessionId(7)), Some(&4000));
        let close = Op::CloseSession {
            session: SessionId(7),
            deletes: vec!["/app/e".into()],
        };
        let fired = tree.triggers(&close);
        assert_eq!(
            fired
                .iter()
                .map(|t| (t.path.as_str(), t.event, t.table))
                .collect::<Vec<_>>(),
            [
                ("/app/e", EventType::NodeDeleted, WatchTable::Data),
                ("/app/e", EventType::NodeDeleted, WatchTable::Child),
                ("/app", EventType::NodeChildrenChanged, WatchTable::Child),
            ]
        );
        tree.apply(&txn(4, close));
        assert!(!tree.exists("/app/e"));
        assert!(tree.sessions.is_empty());
        assert_eq!(tree.stat("/app").unwrap().cversion, 2);
        assert_eq!(tree.stat("/app").unwrap().pzxid, Zxid::new(Epoch(1), 4));
    }

    #[test]
    fn children_lists_direct_children_only() {
        let mut tree = DataTree::default();
        for (c, p) in [
            (1, "/a"),
            (2, "/a/b"),
            (3, "/a/b/c"),
            (4, "/a/d"),
            (5, "/ab"),
        ] {
            tree.apply(&create(c, p, None));
        }
        assert_eq!(tree.children("/a"), ["b", "d"]);
        assert_eq!(tree.children("/"), ["a", "ab"]);
        assert_eq!(parent_of("/a/b"), "/a");
        assert_eq!(parent_of("/a"), "/");
    }
}
