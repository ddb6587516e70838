//! The end-of-run report: the object `zab-sim run --json` prints (contract:
//! `scenario-format.md`, "`run --json`"), and a short human-readable summary of it.
//!
//! Field names and value forms follow the contract exactly: zxids are strings in
//! ZooKeeper's lower-case hex form (`"0x200000001"`), `leader` is the server LEADING in
//! BROADCAST or `null`, sync modes are `"DIFF"`, `"TRUNC"` or `"SNAP"`, write statuses
//! `"committed"`, `"failed"` or `"pending"`. A few extra fields extend the contract
//! compatibly (marked "extension" below); readers must ignore fields they do not know.
//!
//! ```
//! use zab_core::{report::Report, run::Run, scenario::preset};
//!
//! let mut run = Run::new(&preset("fresh-election").unwrap()).unwrap();
//! run.run_to_end();
//! let report = Report::of(&run);
//! assert_eq!(report.leader.map(|id| id.0), Some(3));
//! let json = report.to_json();
//! assert!(json.contains("\"last_committed_zxid\""));
//! ```

use crate::check::Violation;
use crate::ids::{ServerId, Time, Zxid};
use crate::monitor::{mntr_of, Mntr};
use crate::packet::ServerState;
use crate::run::Run;
use crate::server::{Phase, Server, SyncMode, WriteResult};
use crate::sim::{Node, Sim};
use crate::storage::Disk;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The report of a run (`zab-sim run --json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The scenario's `name`.
    pub scenario: String,
    /// The scenario's `seed`.
    pub seed: u64,
    /// Simulated time at the end of the run.
    pub end_ms: Time,
    /// The server that is LEADING in phase BROADCAST, or `null` (if an old leader has
    /// not yet noticed it lost its quorum, the one of the newest epoch).
    pub leader: Option<ServerId>,
    /// Every server, by id.
    pub servers: Vec<ServerReport>,
    /// Each time a leader reached BROADCAST.
    pub elections: Vec<ElectionReport>,
    /// Each synchronisation a leader chose for a learner.
    pub syncs: Vec<SyncReport>,
    /// Each scheduled client write and its fate.
    pub writes: Vec<WriteReport>,
    /// Invariant violations, in the order found.
    pub violations: Vec<ViolationReport>,
    /// Counters.
    pub stats: StatsReport,
}

/// One server at the end of the run.
///
/// For a crashed server (`up: false`) the durable fields (epochs, `last_logged_zxid`,
/// `history`, `snapshots`) come from its disk; the volatile ones (`state`, `phase`,
/// `data`) are `null`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerReport {
    /// `myid`.
    pub id: ServerId,
    /// Whether the process runs.
    pub up: bool,
    /// `LOOKING`, `FOLLOWING`, `LEADING` or `OBSERVING`; `null` when down.
    pub state: Option<String>,
    /// `ELECTION`, `DISCOVERY`, `SYNCHRONIZATION` or `BROADCAST`; `null` when down.
    pub phase: Option<String>,
    /// The `acceptedEpoch` file (0 if it does not exist yet).
    pub accepted_epoch: u32,
    /// The `currentEpoch` file (0 if it does not exist yet).
    pub current_epoch: u32,
    /// The newest zxid its durable state holds: the last txn in its log (for a running
    /// server the unflushed tail counts) or the label of its newest snapshot, whichever
    /// is newer (a SNAP sync leaves a snapshot newer than every logged txn), or `0x0`.
    pub last_logged_zxid: Zxid,
    /// The newest txn the server knows to be committed; see [`last_committed_zxid`].
    pub last_committed_zxid: Zxid,
    /// The zxids of the txns its durable state holds, in order: the newest snapshot's
    /// contents, then the log entries after it (including a running server's
    /// unflushed tail).
    pub history: Vec<Zxid>,
    /// Labels of the snapshots on disk, oldest first.
    pub snapshots: Vec<Zxid>,
    /// Its in-memory data tree, path → data; `null` when down.
    pub data: Option<BTreeMap<String, String>>,
    /// Extension: why the server is down (`null` when up), e.g. a crash point or a
    /// refused restart (spec §11's startup epoch check).
    pub down_reason: Option<String>,
    /// Extension: its answer to the four-letter word `mntr` at the end of the run
    /// ([`crate::monitor::Mntr`], ZooKeeper's `zk_` keys without the prefix); `null`
    /// when it is down or does not serve.
    #[serde(default)]
    pub mntr: Option<Mntr>,
}

/// A leader reaching BROADCAST.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionReport {
    /// When.
    pub at_ms: Time,
    /// The leader.
    pub leader: ServerId,
    /// Its epoch.
    pub epoch: u32,
}

/// A synchronisation a leader chose for a learner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncReport {
    /// When.
    pub at_ms: Time,
    /// The leader.
    pub leader: ServerId,
    /// The learner (follower or observer).
    pub follower: ServerId,
    /// The leader's epoch.
    pub epoch: u32,
    /// `DIFF`, `TRUNC` or `SNAP` (a TRUNC followed by txns is `TRUNC`).
    pub mode: String,
}

/// A client write and its fate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteReport {
    /// When it was submitted.
    pub at_ms: Time,
    /// The server the client is connected to.
    pub server: ServerId,
    /// Extension: `create`, `set` or `delete`.
    pub op: String,
    /// The znode.
    pub path: String,
    /// `committed`, `failed` or `pending`.
    pub status: String,
    /// The txn's zxid, for a committed write (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zxid: Option<Zxid>,
    /// Extension: why a failed write failed (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// An invariant violation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViolationReport {
    /// Id as numbered in spec §12 (`I1`..`I16`, `T1`..`T3`, `L1`..`L4`).
    pub invariant: String,
    /// Readable name, e.g. `LeaderLogCompleteness`.
    pub name: String,
    /// When it broke.
    pub at_ms: Time,
    /// What happened, in words.
    pub detail: String,
    /// Extension: the servers involved.
    pub servers: Vec<ServerId>,
}

/// Counters of the run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsReport {
    /// Simulator events processed.
    pub events: u64,
    /// Packets sent.
    pub packets: u64,
}

/// `last_committed_zxid` of a server: the newest txn it knows to be committed,
/// following the `lastC` of spec §12.2.
///
/// - LEADING in BROADCAST: the newest txn applied to its data tree, which is the
///   newest txn with a zxid at or below the leader's `lastCommitted` (the leader applies
///   exactly the txns it commits; right after it becomes active ZooKeeper sets
///   `lastCommitted` to `epoch << 32`, which covers its whole initial history, so the
///   report shows the initial history's last txn rather than that counter-0 zxid).
/// - LEADING in DISCOVERY or SYNCHRONIZATION: the last txn of its initial history
///   (what it will establish).
/// - FOLLOWING or OBSERVING in SYNCHRONIZATION or BROADCAST: the last txn applied to
///   its data tree (`tree.last_processed`): in a role a learner applies only committed
///   txns (SNAP contents, the DIFF/TRUNC base, COMMIT, INFORM, UPTODATE).
/// - Otherwise (LOOKING, a learner in DISCOVERY, or down): the label of its newest
///   snapshot, the conservative choice of spec §12.2 for a server that has just
///   recovered; its log may hold txns it does not know to be committed (a restart
///   replays the whole log into the tree, and leaving a role fast-forwards it, so the
///   tree is no guide then).
///
/// This is the one "committed up to" of a server: the report (`zab-sim run --json`),
/// the CLI's summary and the web app's logs panel (committed vs not) all use it.
pub fn last_committed_zxid(node: &Node) -> Zxid {
    match &node.server {
        Some(s) if in_role(s) => last_applied(s),
        _ => newest_snapshot(node.disk()),
    }
}

fn in_role(s: &Server) -> bool {
    match s.state() {
        ServerState::Leading => true,
        ServerState::Following | ServerState::Observing => {
            matches!(s.phase(), Phase::Synchronization | Phase::Broadcast)
        }
        ServerState::Looking => false,
    }
}

/// The zxid of the last txn applied to the data tree (not `last_processed`, which an
/// active leader sets to `epoch << 32`).
fn last_applied(s: &Server) -> Zxid {
    s.tree.applied.last().map_or(Zxid::ZERO, |t| t.zxid)
}

fn newest_snapshot(disk: &Disk) -> Zxid {
    disk.snapshots.last().map_or(Zxid::ZERO, |s| s.zxid)
}

/// The zxids of the txns a disk holds: the newest snapshot's contents, then the log
/// entries after its label.
pub fn durable_history(disk: &Disk) -> Vec<Zxid> {
    let (mut out, base) = match disk.snapshots.last() {
        Some(snap) => {
            let applied = &snap.tree.applied;
            let mut zxids: Vec<Zxid> = applied
                .newest(applied.len() as usize)
                .map(|t| t.zxid)
                .collect();
            zxids.reverse();
            (zxids, snap.zxid)
        }
        None => (Vec::new(), Zxid::ZERO),
    };
    out.extend(disk.log.iter().map(|t| t.zxid).filter(|z| *z > base));
    out
}

impl ServerReport {
    /// The report of one machine.
    pub fn of(node: &Node) -> ServerReport {
        let disk = node.disk();
        let server = node.server.as_ref();
        ServerReport {
            id: node.id,
            up: server.is_some(),
            state: server.map(|s| s.state().name().to_string()),
            phase: server.map(|s| s.phase().name().to_string()),
            accepted_epoch: disk.accepted_epoch.unwrap_or_default().0,
            current_epoch: disk.current_epoch.unwrap_or_default().0,
            last_logged_zxid: disk.last_logged_zxid().max(newest_snapshot(disk)),
            last_committed_zxid: last_committed_zxid(node),
            history: durable_history(disk),
            snapshots: disk.snapshots.iter().map(|s| s.zxid).collect(),
            data: server.map(|s| s.tree.nodes.clone()),
            down_reason: if server.is_some() {
                None
            } else {
                node.down_reason.as_ref().map(|r| r.to_string())
            },
            mntr: mntr_of(node),
        }
    }
}

impl ViolationReport {
    /// The report form of a checker violation.
    pub fn of(v: &Violation) -> ViolationReport {
        ViolationReport {
            invariant: v.invariant.clone(),
            name: v.name.clone(),
            at_ms: v.at_ms,
            detail: v.detail.to_string(),
            servers: v.servers.clone(),
        }
    }
}

fn sync_mode_name(mode: SyncMode) -> String {
    mode.name().to_string()
}

impl Report {
    /// The report of a run at its current time (call [`Run::run_to_end`] first for the
    /// end-of-run report).
    pub fn of(run: &Run) -> Report {
        let mut report = Report::of_sim(run.sim(), &run.scenario().name, run.violations());
        report.seed = run.scenario().seed;
        report
    }

    /// The report of a bare simulator state with the given violations.
    pub fn of_sim(sim: &Sim, scenario: &str, violations: &[Violation]) -> Report {
        Report {
            scenario: scenario.to_string(),
            seed: sim.seed,
            end_ms: sim.now,
            leader: sim.leader(),
            servers: sim.nodes.iter().map(ServerReport::of).collect(),
            elections: sim
                .elections
                .iter()
                .map(|e| ElectionReport {
                    at_ms: e.at_ms,
                    leader: e.leader,
                    epoch: e.epoch,
                })
                .collect(),
            syncs: sim
                .syncs
                .iter()
                .map(|s| SyncReport {
                    at_ms: s.at_ms,
                    leader: s.leader,
                    follower: s.follower,
                    epoch: s.epoch,
                    mode: sync_mode_name(s.mode),
                })
                .collect(),
            writes: sim
                .writes
                .values()
                .map(|w| {
                    let (status, zxid, reason) = match &w.result {
                        Some(WriteResult::Committed { zxid }) => ("committed", Some(*zxid), None),
                        Some(WriteResult::Failed { reason }) => {
                            ("failed", None, Some(reason.to_string()))
                        }
                        // Not decided by the end of the run: the client is still
                        // waiting to learn it.
                        Some(WriteResult::Unknown { reason }) => {
                            ("pending", None, Some(format!("outcome unknown: {reason}")))
                        }
                        None => ("pending", None, None),
                    };
                    WriteReport {
                        at_ms: w.at_ms,
                        server: w.server,
                        op: w.op.name().to_string(),
                        path: w.op.path().unwrap_or_default().to_string(),
                        status: status.to_string(),
                        zxid,
                        reason,
                    }
                })
                .collect(),
            violations: violations.iter().map(ViolationReport::of).collect(),
            stats: StatsReport {
                events: sim.stats.events,
                packets: sim.stats.packets,
            },
        }
    }

    /// The report as one line of JSON.
    pub fn to_json(&self) -> String {
        // Every field is a plain string, number, list or map: serialisation cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The report as indented JSON (what `zab-sim run --json` prints).
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The server with this id.
    pub fn server(&self, id: u32) -> Option<&ServerReport> {
        self.servers.iter().find(|s| s.id.0 == id)
    }

    /// A short summary for people: leader and epoch, one line per server, the fate of
    /// the writes, and the violations.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let mut line = |s: String| {
            out.push_str(&s);
            out.push('\n');
        };
        line(format!(
            "{} (seed {}), stopped at {} ms",
            self.scenario, self.seed, self.end_ms
        ));
        match self.leader {
            Some(id) => {
                let epoch = self.server(id.0).map_or(0, |s| s.current_epoch);
                line(format!("leader: server {id}, epoch {epoch}"));
            }
            None => line("leader: none (no server is LEADING in BROADCAST)".to_string()),
        }
        for s in &self.servers {
            let role = match (&s.state, &s.phase) {
                (Some(state), Some(phase)) => format!("{state:<9} {phase:<15}"),
                _ => format!(
                    "{:<25}",
                    format!("DOWN ({})", s.down_reason.as_deref().unwrap_or("crashed"))
                ),
            };
            line(format!(
                "  server {}: {role} epochs {}/{}  last logged {}  last committed {}  {} txns, {} znodes",
                s.id,
                s.accepted_epoch,
                s.current_epoch,
                s.last_logged_zxid,
                s.last_committed_zxid,
                s.history.len(),
                s.data.as_ref().map_or(0, |d| d.len()),
            ));
        }
        let count = |status: &str| self.writes.iter().filter(|w| w.status == status).count();
        line(format!(
            "writes: {} committed, {} failed, {} pending (of {})",
            count("committed"),
            count("failed"),
            count("pending"),
            self.writes.len()
        ));
        let modes: Vec<String> = self
            .syncs
            .iter()
            .map(|s| format!("{}→{} {}", s.leader, s.follower, s.mode))
            .collect();
        line(format!(
            "elections: {}; syncs: {}",
            self.elections.len(),
            if modes.is_empty() {
                "none".to_string()
            } else {
                modes.join(", ")
            }
        ));
        if self.violations.is_empty() {
            line("violations: none".to_string());
        } else {
            line(format!("violations: {}", self.violations.len()));
            for v in &self.violations {
                line(format!(
                    "  {} {} at {} ms: {}",
                    v.invariant, v.name, v.at_ms, v.detail
                ));
            }
        }
        line(format!(
            "{} events, {} packets",
            self.stats.events, self.stats.packets
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    fn run(json: &str) -> Run {
        let scenario = Scenario::from_json(json).unwrap();
        let mut run = Run::new(&scenario).unwrap();
        run.set_record_trace(false);
        run.run_to_end();
        run
    }

    /// Contract: a crashed server is reported with `up: false`, its durable fields from
    /// its disk and `null` for what died with the process.
    #[test]
    fn crashed_server_reports_its_disk() {
        let r = Report::of(&run(r#"{"format": "zab-scenario", "version": 1,
            "cluster": {"participants": 3},
            "schedule": [
              {"at_ms": 2000, "do": "write", "server": 1, "op": "create", "path": "/a", "data": "1"},
              {"at_ms": 3000, "do": "crash", "server": 1},
              {"at_ms": 4000, "do": "write", "server": 2, "op": "set", "path": "/a", "data": "2"}
            ], "run_until_ms": 8000}"#));
        let s1 = r.server(1).unwrap();
        assert!(!s1.up);
        assert_eq!((s1.state.as_deref(), s1.phase.as_deref()), (None, None));
        assert!(s1.data.is_none());
        assert_eq!(s1.down_reason.as_deref(), Some("crashed by the user"));
        assert_eq!((s1.accepted_epoch, s1.current_epoch), (1, 1));
        let first: Zxid = "0x100000001".parse().unwrap();
        assert_eq!(s1.history, vec![first]);
        assert_eq!(s1.last_logged_zxid, first);
        // Down: only its newest snapshot counts as known committed (none here).
        assert_eq!(s1.last_committed_zxid, Zxid::ZERO);
        let s2 = r.server(2).unwrap();
        assert_eq!(s2.history.len(), 2);
        assert_eq!(s2.last_committed_zxid, "0x100000002".parse().unwrap());
        assert_eq!(r.writes[1].status, "committed");
        let json = r.to_json();
        assert!(json.contains(r#""state":null"#), "{json}");
        assert!(
            json.contains(r#""last_logged_zxid":"0x100000001""#),
            "{json}"
        );
        let back: Report = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
    }

    /// Spec §12.2 `lastC`: a LOOKING server knows only its newest snapshot to be
    /// committed, not the txns its log holds (here 0x100000003, which server 3 logged
    /// as an isolated leader and which the next leader's TRUNC removes); a leader in
    /// BROADCAST knows its applied history, not the counter-0 `lastCommitted` that
    /// startZkServer sets.
    #[test]
    fn last_committed_is_what_the_server_knows() {
        let mut run = Run::new(&crate::scenario::preset("uncommitted-trunc").unwrap()).unwrap();
        run.set_record_trace(false);
        run.run_until(7_000);
        let node = run.sim().node(ServerId(3)).unwrap();
        let s3 = node.server.as_ref().unwrap();
        assert_eq!(s3.state(), ServerState::Looking);
        let orphan: Zxid = "0x100000003".parse().unwrap();
        assert!(node.disk().log.iter().any(|t| t.zxid == orphan));
        assert!(
            s3.tree.last_processed >= orphan,
            "fast-forwarded into its tree"
        );
        assert!(last_committed_zxid(node) < orphan);
        assert_eq!(
            last_committed_zxid(node),
            node.disk().snapshots.last().map_or(Zxid::ZERO, |s| s.zxid)
        );
        run.run_to_end();
        let r = Report::of(&run);
        assert!(!r.server(3).unwrap().history.contains(&orphan), "truncated");
        let leader = r.leader.unwrap();
        let l = run.sim().node(leader).unwrap();
        let ls = l.server.as_ref().unwrap().leader().unwrap();
        assert_eq!(
            r.server(leader.0).unwrap().last_committed_zxid,
            "0x200000002".parse().unwrap()
        );
        assert!(ls.last_committed >= "0x200000002".parse().unwrap());
    }

    /// A write to a server that is down fails at once; one still pending at the end is
    /// `pending`; the summary names both.
    #[test]
    fn write_statuses_and_summary() {
        let r = Report::of(&run(r#"{"format": "zab-scenario", "version": 1,
            "cluster": {"participants": 3, "start_down": [3]},
            "schedule": [
              {"at_ms": 1000, "do": "write", "server": 3, "op": "create", "path": "/a", "data": "1"},
              {"at_ms": 5000, "do": "crash", "server": 2},
              {"at_ms": 5100, "do": "write", "server": 1, "op": "create", "path": "/b", "data": "2"}
            ], "run_until_ms": 5100}"#));
        assert_eq!(r.writes[0].status, "failed");
        assert!(r.writes[0].reason.as_deref().unwrap().contains("down"));
        assert!(r.writes[0].zxid.is_none());
        assert_eq!(r.leader, None);
        let summary = r.summary();
        assert!(summary.contains("leader: none"), "{summary}");
        assert!(
            summary.contains("server 3: DOWN (not started)"),
            "{summary}"
        );
        assert!(summary.contains("violations: none"), "{summary}");
    }
}
