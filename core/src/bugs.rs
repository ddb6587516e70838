//! The bug lab: historical ZooKeeper bugs that a scenario can switch back on (spec §14),
//! each with what it was, what breaks, which release fixed it, the invariant that
//! catches it, and a preset scenario that triggers it.

use crate::config::Bug;
use crate::scenario::Scenario;

/// One catalogue entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BugInfo {
    /// The bug mode.
    pub bug: Bug,
    /// One-line title.
    pub title: &'static str,
    /// Releases that fixed it.
    pub fixed_in: &'static str,
    /// What the bug was and what breaks, for the app.
    pub explanation: &'static str,
    /// The invariant (spec §12) that catches it first, e.g. `I10`.
    pub invariant: &'static str,
    /// The preset scenario that triggers it (JSON, `static/bugs/ZK-NNNN.json`).
    pub preset: &'static str,
}

impl BugInfo {
    /// The preset scenario, parsed (bug switched on).
    pub fn scenario(&self) -> Scenario {
        Scenario::from_json(self.preset)
            .unwrap_or_else(|e| panic!("built-in bug preset {} is invalid: {e}", self.bug.id()))
    }

    /// The same scenario on the fixed baseline (bug switched off).
    pub fn baseline(&self) -> Scenario {
        let mut s = self.scenario();
        s.bugs.clear();
        s.name = format!("{} (fixed)", s.name);
        s
    }
}

/// The catalogue entry of a bug (every bug mode has one).
pub fn info(bug: Bug) -> Option<BugInfo> {
    CATALOGUE.iter().copied().find(|b| b.bug == bug)
}

/// Every bug mode, in catalogue order (spec §14).
pub const CATALOGUE: [BugInfo; 15] = [
    BugInfo {
        bug: Bug::Zk1154,
        title: "No TRUNC before DIFF when the follower holds a txn the leader never had",
        fixed_in: "3.3.4, 3.4.0",
        explanation: "A follower reported a last zxid that lay inside the new leader's committed-log window but that the leader never had (an old leader's uncommitted proposal). The leader sent a DIFF with the txns after it instead of truncating first, so the follower kept a txn nobody else has, and its history diverged from the leader's. The fix sends TRUNC to the last common txn, and falls back to SNAP when the two histories part in different epochs.",
        invariant: "I11",
        preset: include_str!("../../static/bugs/ZK-1154.json"),
    },
    BugInfo {
        bug: Bug::Zk1156,
        title: "Log truncation truncates too much",
        fixed_in: "3.3.4, 3.4.0",
        explanation: "The txn log's position-tracking stream miscounted bytes, so a TRUNC to zxid z cut the log one entry early and removed z itself, a committed txn. The follower silently loses committed data.",
        invariant: "T1",
        preset: include_str!("../../static/bugs/ZK-1156.json"),
    },
    BugInfo {
        bug: Bug::Zk1264,
        title: "Commits between NEWLEADER and UPTODATE applied but never logged",
        fixed_in: "3.4.0",
        explanation: "After acknowledging NEWLEADER, a syncing follower applied COMMITs that arrived before UPTODATE to its in-memory tree and dropped them from the list of txns to log. They were in neither the snapshot nor the log, so after a restart the follower's history had holes while it reported later zxids. The fix queues those commits and logs them after UPTODATE.",
        invariant: "I11",
        preset: include_str!("../../static/bugs/ZK-1264.json"),
    },
    BugInfo {
        bug: Bug::Zk1282,
        title: "currentEpoch written at UPTODATE instead of NEWLEADER",
        fixed_in: "3.4.0",
        explanation: "ZAB requires a follower to persist the new epoch before it acknowledges NEWLEADER, because that ACK helps establish the epoch. Writing it at UPTODATE let a follower count towards a new epoch and crash still showing the old one; in the next election an older server with a longer log won and committed a txn that the new epoch's primary had already skipped.",
        invariant: "I9h",
        preset: include_str!("../../static/bugs/ZK-1282.json"),
    },
    BugInfo {
        bug: Bug::Zk1291,
        title: "Leader did not persist acceptedEpoch before proposing it",
        fixed_in: "3.4.0",
        explanation: "The leader wrote acceptedEpoch only after its LearnerHandlers had already sent LEADERINFO with the new epoch. A leader that crashed in between forgot it had proposed that epoch, and after restarting proposed the same epoch again to other followers: one epoch, two proposers, and a follower that had already accepted it answers ACKEPOCH with -1 and is not counted. The fix persists acceptedEpoch before waking the handlers.",
        invariant: "I2",
        preset: include_str!("../../static/bugs/ZK-1291.json"),
    },
    BugInfo {
        bug: Bug::Zk1319,
        title: "New leader reports lastProposed = 0 and sends an empty DIFF",
        fixed_in: "3.4.1",
        explanation: "A line setting lastProposed from the database had been commented out, so a new leader believed its last proposal was 0. A follower that started with an empty disk (last zxid 0) was declared in sync and received an empty DIFF: it never got the old data, and then logged the new epoch's txns without their predecessors.",
        invariant: "I11",
        preset: include_str!("../../static/bugs/ZK-1319.json"),
    },
    BugInfo {
        bug: Bug::Zk1653,
        title: "Server fails to start after a crash between snapshot and currentEpoch write",
        fixed_in: "3.4.6 (updatingEpoch marker); open again since 3.5 as ZOOKEEPER-2354, whose fix (PR #1110) the baseline applies",
        explanation: "At NEWLEADER a learner makes the new epoch's history durable (the SNAP snapshot, or the DIFF txns, which carry new-epoch zxids when it joins a leader already broadcasting) before it writes currentEpoch. A crash in between leaves an epoch-2 zxid on disk under currentEpoch 1, and QuorumPeer.loadDataBase refuses every restart: 'the current epoch is older than the last zxid'. No data is lost, but the server stays down until an operator edits its files. The 3.4.6 fix wrote an updatingEpoch marker first and let startup finish the epoch change; 3.5 dropped it (currentEpoch.tmp only covers a crash during the file write), and since ZOOKEEPER-4785 put the log fsync before the epoch write, random sweeps hit this window often. The baseline keeps the marker.",
        invariant: "I13",
        preset: include_str!("../../static/bugs/ZK-1653.json"),
    },
    BugInfo {
        bug: Bug::Zk1732,
        title: "Server unable to join an established ensemble",
        fixed_in: "3.4.6, 3.5.0",
        explanation: "A LOOKING server joins an existing ensemble when a quorum of FOLLOWING/LEADING notifications agree. The old code required them to agree on every field, but members that joined in different election rounds report different zxids and rounds, and nobody updated peerEpoch after syncing. A restarting server then never saw a quorum of identical votes and stayed LOOKING. The fix compares only (leader, peerEpoch) and updates peerEpoch after syncing (updateElectionVote). Our preset was found by a random-fault sweep and shrunk.",
        invariant: "L2",
        preset: include_str!("../../static/bugs/ZK-1732.json"),
    },
    BugInfo {
        bug: Bug::Zk2845,
        title: "In-memory database not fast-forwarded on role exit",
        fixed_in: "3.4.12, 3.5.4",
        explanation: "When a follower left its role it kept its in-memory database as it was, without replaying txns it had logged but not yet seen committed. It then reported a lower last zxid in the election; the new leader sent an empty DIFF instead of a TRUNC, and the uncommitted txn stayed in the follower's log underneath the new epoch's txns.",
        invariant: "I11",
        preset: include_str!("../../static/bugs/ZK-2845.json"),
    },
    BugInfo {
        bug: Bug::Zk3642,
        title: "DIFF sync after a partial SNAP sync",
        fixed_in: "3.5.10, 3.6.3, 3.7.0",
        explanation: "A learner that received a SNAP replaces its in-memory database but writes a snapshot only at NEWLEADER. If the leader died in between, the learner kept the image in memory without a snapshot on disk, reported the image's zxid, and the next leader synced it by DIFF from there. At its next restart the learner lost every txn of that image. The fix reloads the database from disk when a learner leaves in the middle of a SNAP sync.",
        invariant: "I11",
        preset: include_str!("../../static/bugs/ZK-3642.json"),
    },
    BugInfo {
        bug: Bug::Zk3911,
        title: "DIFF-synced txns not persisted before the NEWLEADER-ACK",
        fixed_in: "3.5.10, 3.6.3, 3.7.0",
        explanation: "Since ZOOKEEPER-2678 a DIFF sync takes no snapshot; followers logged the DIFF txns only after UPTODATE but wrote currentEpoch and acknowledged NEWLEADER before. A follower crashing in between came back with the new epoch but without committed txns, won the next election on its epoch, and truncated the committed txns away everywhere.",
        invariant: "I10",
        preset: include_str!("../../static/bugs/ZK-3911.json"),
    },
    BugInfo {
        bug: Bug::Zk4643,
        title: "Committed txns lost when a follower crashes right after updating currentEpoch",
        fixed_in: "3.9.3 (PR #2152; ordering first corrected by ZK-4785 in 3.8.5 / 3.9.2)",
        explanation: "The NEWLEADER handler wrote the currentEpoch file before writing the sync txns to the log. A crash between the two left a server with the newest epoch and an old log; it won the next election on its epoch and truncated committed txns from the others.",
        invariant: "I10",
        preset: include_str!("../../static/bugs/ZK-4643.json"),
    },
    BugInfo {
        bug: Bug::Zk4646,
        title: "NEWLEADER-ACK sent before the sync txns are fsynced",
        fixed_in: "3.9.3 (PR #2152)",
        explanation: "The follower handed the sync txns to its asynchronous Sync thread and acknowledged NEWLEADER at once. The leader counted the ACK, but a crash before the fsync erased the txns on that follower, which still came back with the new epoch and won the next election.",
        invariant: "I10",
        preset: include_str!("../../static/bugs/ZK-4646.json"),
    },
    BugInfo {
        bug: Bug::Zk4712,
        title: "The Sync thread is not shut down when a follower leaves its epoch",
        fixed_in: "3.9.3",
        explanation: "Follower shutdown did not stop the SyncRequestProcessor, so a proposal still queued there was appended to the log after the server had fast-forwarded its database and reported its last zxid for the next election. The new leader synced it from the lower zxid, and the stray txn stayed in its log under the new epoch's txns.",
        invariant: "I11",
        preset: include_str!("../../static/bugs/ZK-4712.json"),
    },
    BugInfo {
        bug: Bug::Zk4837,
        title: "A snapshot newer than the TRUNC point resurrects truncated txns",
        fixed_in: "open (ZOOKEEPER-4837); the baseline applies the candidate fix 432578d3f and also deletes the snapshots past the cut",
        explanation: "A server that tries to lead snapshots its whole database at lead(), including txns nobody committed. If it fails to establish and a later leader TRUNCates it below those txns, ZKDatabase.truncateLog cuts the log and reloads from the newest snapshot, which still holds them: the server follows the new epoch with a txn the ensemble skipped, and serves it. The candidate fix reloads from a snapshot at or below the cut, but leaves the newer file on disk, where a restart finds it again (FileSnap takes the highest zxid); the baseline deletes those files too.",
        invariant: "I11",
        preset: include_str!("../../static/bugs/ZK-4837.json"),
    },
];
