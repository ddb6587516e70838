//! Cluster configuration: timing and storage constants (spec §3) and bug modes (spec §14).
//!
//! The defaults here are the single source for the web app, the CLI and scenario files.

use serde::{Deserialize, Serialize};

/// Timing constants (spec §3). Times are simulated milliseconds; limits are in ticks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Timing {
    /// `tickTime`: the leader pings every tick/2 and checks its quorum every tick.
    pub tick_ms: u64,
    /// `initLimit` (ticks): connect, discovery and sync deadlines.
    pub init_limit: u64,
    /// `syncLimit` (ticks): liveness deadline once synchronised.
    pub sync_limit: u64,
    /// FLE `finalizeWait`: quiet period after a quorum agrees.
    pub finalize_wait_ms: u64,
    /// Cap of FLE's doubling notification interval (ZooKeeper: 60 000; shorter keeps demos brisk).
    pub max_notification_interval_ms: u64,
    /// Network latency per packet, drawn uniformly from `[min, max]`.
    pub latency_ms: [u64; 2],
    /// Disk fsync latency per flush, drawn uniformly from `[min, max]`.
    pub fsync_ms: [u64; 2],
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            tick_ms: 200,
            init_limit: 10,
            sync_limit: 5,
            finalize_wait_ms: 200,
            max_notification_interval_ms: 3200,
            latency_ms: [5, 20],
            fsync_ms: [1, 5],
        }
    }
}

impl Timing {
    /// FLE's initial poll timeout, `minNotificationInterval` (= finalizeWait in ZooKeeper).
    pub fn min_notification_interval_ms(&self) -> u64 {
        self.finalize_wait_ms
    }
    /// `initLimit * tickTime` (saturating: a validated scenario is far below the cap).
    pub fn init_timeout_ms(&self) -> u64 {
        self.init_limit.saturating_mul(self.tick_ms)
    }
    /// `syncLimit * tickTime` (saturating, like [`Timing::init_timeout_ms`]).
    pub fn sync_timeout_ms(&self) -> u64 {
        self.sync_limit.saturating_mul(self.tick_ms)
    }
}

/// Storage constants (spec §3, §11).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Storage {
    /// `snapCount`: a snapshot after `snap_count/2 + rand[0, snap_count/2)` logged txns.
    pub snap_count: u64,
    /// `commitLogCount`: committed txns kept in memory for DIFF.
    pub commit_log_count: u64,
    /// Snapshots kept on disk; older snapshots and the log before them are purged.
    pub snap_retain_count: u64,
    /// `snapshotSizeFactor`: DIFF from the on-disk log when it is smaller than this
    /// times the snapshot; negative disables DIFF from disk.
    pub snapshot_size_factor: f64,
}

impl Default for Storage {
    fn default() -> Self {
        // snap_count is small (ZooKeeper: 100 000) so that snapshots are visible in demos.
        Storage {
            snap_count: 16,
            commit_log_count: 500,
            snap_retain_count: 3,
            snapshot_size_factor: 0.33,
        }
    }
}

/// A historical ZooKeeper bug that a scenario can switch back on (spec §14).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Bug {
    /// ZK-1154: no TRUNC before DIFF when the follower holds a txn the leader never had.
    #[serde(rename = "ZK-1154")]
    Zk1154,
    /// ZK-1156: TRUNC removes too much.
    #[serde(rename = "ZK-1156")]
    Zk1156,
    /// ZK-1264: commits between NEWLEADER and UPTODATE applied but never logged.
    #[serde(rename = "ZK-1264")]
    Zk1264,
    /// ZK-1282: currentEpoch written at UPTODATE instead of NEWLEADER.
    #[serde(rename = "ZK-1282")]
    Zk1282,
    /// ZK-1291: leader persists acceptedEpoch after releasing its handlers.
    #[serde(rename = "ZK-1291")]
    Zk1291,
    /// ZK-1319: new leader reports lastProposed = 0 and sends an empty DIFF.
    #[serde(rename = "ZK-1319")]
    Zk1319,
    /// ZK-1653: no `updatingEpoch` marker, so a crash between a learner's NEWLEADER
    /// snapshot or log fsync and its currentEpoch write leaves it unable to start.
    #[serde(rename = "ZK-1653")]
    Zk1653,
    /// ZK-1732: late joiner cannot agree with an established ensemble.
    #[serde(rename = "ZK-1732")]
    Zk1732,
    /// ZK-2845: no fast-forward of the in-memory database on role exit.
    #[serde(rename = "ZK-2845")]
    Zk2845,
    /// ZK-3642: in-memory database kept when leaving during a SNAP sync.
    #[serde(rename = "ZK-3642")]
    Zk3642,
    /// ZK-3911: DIFF-synced txns logged only after UPTODATE.
    #[serde(rename = "ZK-3911")]
    Zk3911,
    /// ZK-4643: currentEpoch written before the sync txns are logged.
    #[serde(rename = "ZK-4643")]
    Zk4643,
    /// ZK-4646: NEWLEADER-ACK sent before the sync txns are fsynced.
    #[serde(rename = "ZK-4646")]
    Zk4646,
    /// ZK-4712: the Sync thread survives a follower's role exit.
    #[serde(rename = "ZK-4712")]
    Zk4712,
    /// ZK-4837: TRUNC reloads from the newest snapshot, even one past the cut.
    #[serde(rename = "ZK-4837")]
    Zk4837,
}

impl Bug {
    /// Every bug mode, in catalogue order.
    pub const ALL: [Bug; 15] = [
        Bug::Zk1154,
        Bug::Zk1156,
        Bug::Zk1264,
        Bug::Zk1282,
        Bug::Zk1291,
        Bug::Zk1319,
        Bug::Zk1653,
        Bug::Zk1732,
        Bug::Zk2845,
        Bug::Zk3642,
        Bug::Zk3911,
        Bug::Zk4643,
        Bug::Zk4646,
        Bug::Zk4712,
        Bug::Zk4837,
    ];

    /// The id as written in scenario files, e.g. `ZK-3911`.
    pub fn id(self) -> &'static str {
        match self {
            Bug::Zk1154 => "ZK-1154",
            Bug::Zk1156 => "ZK-1156",
            Bug::Zk1264 => "ZK-1264",
            Bug::Zk1282 => "ZK-1282",
            Bug::Zk1291 => "ZK-1291",
            Bug::Zk1319 => "ZK-1319",
            Bug::Zk1653 => "ZK-1653",
            Bug::Zk1732 => "ZK-1732",
            Bug::Zk2845 => "ZK-2845",
            Bug::Zk3642 => "ZK-3642",
            Bug::Zk3911 => "ZK-3911",
            Bug::Zk4643 => "ZK-4643",
            Bug::Zk4646 => "ZK-4646",
            Bug::Zk4712 => "ZK-4712",
            Bug::Zk4837 => "ZK-4837",
        }
    }

    /// Parses an id such as `ZK-3911`.
    pub fn from_id(id: &str) -> Option<Bug> {
        Bug::ALL.into_iter().find(|b| b.id() == id)
    }
}

/// Everything a server needs to know about its cluster.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Config {
    /// Number of voting participants (ids `1..=participants`).
    pub participants: u32,
    /// Number of observers (ids after the participants).
    pub observers: u32,
    /// Timing constants.
    pub timing: Timing,
    /// Storage constants.
    pub storage: Storage,
    /// Historical bugs switched back on.
    pub bugs: Vec<Bug>,
}

impl Config {
    /// A cluster of `participants` voters and `observers` observers with default constants.
    pub fn new(participants: u32, observers: u32) -> Config {
        Config {
            participants,
            observers,
            ..Config::default()
        }
    }

    /// Whether a bug mode is switched on.
    pub fn bug(&self, bug: Bug) -> bool {
        self.bugs.contains(&bug)
    }

    /// Whether `id` is a voting participant.
    pub fn is_voter(&self, id: crate::ServerId) -> bool {
        id.0 >= 1 && id.0 <= self.participants
    }

    /// All server ids, participants then observers.
    pub fn server_ids(&self) -> impl Iterator<Item = crate::ServerId> {
        (1..=self.participants + self.observers).map(crate::ServerId)
    }

    /// How many voters a quorum holds at least: `participants / 2 + 1`, the smallest
    /// count that is strictly more than half (`QuorumMaj`'s `half + 1`, spec §2.4).
    pub fn quorum_size(&self) -> u32 {
        self.participants / 2 + 1
    }

    /// `QuorumMaj.containsQuorum`: strictly more than half of the voters, that is at
    /// least [`Config::quorum_size`] of them (spec §2.4).
    pub fn is_quorum<'a>(&self, ids: impl IntoIterator<Item = &'a crate::ServerId>) -> bool {
        let n = ids.into_iter().filter(|id| self.is_voter(**id)).count() as u32;
        n >= self.quorum_size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ServerId;

    /// `QuorumMaj` (spec §2.4, `QuorumMaj.containsQuorum`: `ackSet.size() > half`):
    /// `quorum_size` is the smallest set of voters `is_quorum` accepts, for every
    /// ensemble size the app offers; observers never count.
    #[test]
    fn quorum_size_is_the_smallest_majority() {
        for n in 1..=9u32 {
            let cfg = Config::new(n, 2);
            let first = (1..=n)
                .find(|k| cfg.is_quorum(&(1..=*k).map(ServerId).collect::<Vec<_>>()))
                .expect("all voters are a quorum");
            assert_eq!(cfg.quorum_size(), first, "{n} voters");
            assert_eq!(first, n / 2 + 1);
            let mut with_observers: Vec<ServerId> = (1..first).map(ServerId).collect();
            with_observers.extend([ServerId(n + 1), ServerId(n + 2)]);
            assert!(!cfg.is_quorum(&with_observers), "{n} voters");
        }
    }
}
