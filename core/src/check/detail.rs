//! What a violation found, as data ([`Detail`]): one variant per kind of finding,
//! carrying the servers, zxids, epochs, counts, txns and typed reasons its check saw.
//!
//! Text is made only where it is read: `Display` gives the English sentence the CLI,
//! the JSON report and the trace show (a `Detail` serialises as that sentence), and
//! the web app words each variant in the page's language. Nothing matches the text.

use crate::ids::{ClientId, Epoch, ServerId, SessionId, Time, Zxid};
use crate::packet::ServerState;
use crate::scenario::ScenarioError;
use crate::server::{serialize_as_text, Phase, RoleExit, StartRefusal, Warning};
use crate::sim::CrashReason;
use crate::tree::EventType;
use crate::txn::{Op, ReqId, Txn};
use std::fmt;

/// A txn as a finding names it: its zxid and its write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxnAt {
    /// Its zxid.
    pub zxid: Zxid,
    /// The write (shown as [`Op::label`], ZooKeeper's own words).
    pub op: Op,
}

impl TxnAt {
    /// The zxid and write of `t`.
    pub fn of(t: &Txn) -> TxnAt {
        TxnAt {
            zxid: t.zxid,
            op: t.op.clone(),
        }
    }
}

/// `0x100000002 (create /a=1)`, the same in every language.
impl fmt::Display for TxnAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.zxid, self.op.label())
    }
}

/// A position in a history or the committed sequence, 0-based; shown as students
/// count it (`#1` is the first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos(pub usize);

impl Pos {
    /// The 1-based number students read.
    pub fn number(self) -> usize {
        self.0 + 1
    }
}

/// `#3` for the third position.
impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.number())
    }
}

/// The T3 (MessageLegal) sub-property a server's complaint shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageRule {
    /// A COMMIT that does not match the txn the server expects to commit next.
    CommitConsistent,
    /// A PROPOSAL that does not follow the previous one.
    ProposalConsistent,
    /// An ACK for a proposal the leader never made.
    AckConsistent,
    /// A packet that is not legal in the receiver's state.
    MessageLegal,
}

impl MessageRule {
    /// The sub-property's name, reported as the violation's name.
    pub fn name(self) -> &'static str {
        match self {
            MessageRule::CommitConsistent => "CommitConsistent",
            MessageRule::ProposalConsistent => "ProposalConsistent",
            MessageRule::AckConsistent => "AckConsistent",
            MessageRule::MessageLegal => "MessageLegal",
        }
    }

    /// What the server did, in English.
    fn what(self) -> &'static str {
        match self {
            MessageRule::CommitConsistent => {
                "received a COMMIT that does not match the txn it expects to commit next"
            }
            MessageRule::ProposalConsistent => {
                "received a PROPOSAL that does not follow the previous one"
            }
            MessageRule::AckConsistent => "received an ACK for a proposal it never made",
            MessageRule::MessageLegal => "received a packet that is not legal in its current state",
        }
    }
}

/// What a server reported when a packet arrived where it must not (T3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Complaint {
    /// A warning it logged.
    Warning(Warning),
    /// Why it left its role.
    LeftRole(RoleExit),
    /// Why its process exited.
    Crash(CrashReason),
}

impl fmt::Display for Complaint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Complaint::Warning(w) => w.fmt(f),
            Complaint::LeftRole(r) => r.fmt(f),
            Complaint::Crash(c) => c.fmt(f),
        }
    }
}

/// What broke, as data: one variant per kind of finding (its invariant in brackets).
#[derive(Clone, Debug, PartialEq)]
pub enum Detail {
    /// I2: more than one server established the same epoch.
    EpochEstablishedTwice {
        /// The epoch.
        epoch: Epoch,
        /// The servers that established it, in order.
        servers: Vec<ServerId>,
    },
    /// I2: a server proposed an epoch (LEADERINFO) again after a restart.
    EpochProposedTwice {
        /// The server.
        server: ServerId,
        /// The epoch it proposed twice.
        epoch: Epoch,
    },
    /// I15: a primary proposed a txn whose zxid belongs to another epoch.
    ZxidOfOtherEpoch {
        /// The primary.
        server: ServerId,
        /// The epoch it is primary of.
        epoch: Epoch,
        /// The txn it proposed.
        txn: TxnAt,
    },
    /// I15: two different txns were broadcast with the same zxid.
    ZxidBroadcastTwice {
        /// The server that broadcast the second.
        server: ServerId,
        /// The txn broadcast first.
        first: TxnAt,
        /// The txn broadcast then, with the same zxid.
        second: TxnAt,
    },
    /// I13: a server's acceptedEpoch is below its currentEpoch.
    AcceptedBelowCurrent {
        /// The server.
        server: ServerId,
        /// Its acceptedEpoch.
        accepted: Epoch,
        /// Its currentEpoch.
        current: Epoch,
    },
    /// I13: a server holds a zxid durably of an epoch above its currentEpoch.
    DurableAheadOfEpoch {
        /// The server.
        server: ServerId,
        /// The last zxid it holds durably.
        last: Zxid,
        /// Its currentEpoch.
        current: Epoch,
    },
    /// I14: a server's newest snapshot does not hold exactly the txns up to its label.
    SnapshotMislabelled {
        /// The server.
        server: ServerId,
        /// The snapshot's label.
        label: Zxid,
        /// The zxid of the last txn it holds (none: it holds no txn).
        last: Option<Zxid>,
    },
    /// I15: a server's history holds the same txn at two positions in a row.
    HistoryRepeatsTxn {
        /// The server.
        server: ServerId,
        /// The txn.
        txn: TxnAt,
        /// The first of the two positions (the second follows it).
        first: Pos,
    },
    /// I15: a server's history holds two different txns with one zxid, in a row.
    HistoryZxidClash {
        /// The server.
        server: ServerId,
        /// The txn at the first of the two positions.
        earlier: TxnAt,
        /// The txn after it, with the same zxid.
        later: TxnAt,
        /// The first of the two positions.
        first: Pos,
    },
    /// I15: a server holds a txn other than the one broadcast with its zxid.
    HeldOtherThanBroadcast {
        /// The server.
        server: ServerId,
        /// The txn it holds.
        held: TxnAt,
        /// The txn broadcast with that zxid.
        broadcast: TxnAt,
    },
    /// T1: a durable committed txn was removed from a server's history.
    CommittedTxnLost {
        /// The server.
        server: ServerId,
        /// The txn.
        txn: TxnAt,
        /// Its position in the committed sequence.
        position: Pos,
    },
    /// I10: a leader's history lacks a committed txn.
    LeaderLacksCommitted {
        /// The leader.
        server: ServerId,
        /// The epoch it leads.
        epoch: Epoch,
        /// The committed txn it lacks.
        txn: TxnAt,
        /// The epoch whose leader committed it, if known.
        committed_in: Option<Epoch>,
        /// Where in the committed sequence.
        position: Pos,
        /// What the leader holds there (none: nothing).
        holds: Option<TxnAt>,
    },
    /// I10: a leader counts fewer txns as committed than are committed.
    LeaderCountsTooFew {
        /// The leader.
        server: ServerId,
        /// The epoch it leads.
        epoch: Epoch,
        /// How many it counts as committed.
        counted: usize,
        /// How many are committed.
        committed: usize,
        /// The last committed txn.
        last: TxnAt,
    },
    /// I16: a write acknowledged to a client is no longer committed.
    AckedWriteLost {
        /// The acknowledged write's zxid.
        zxid: Zxid,
        /// The last zxid of the committed sequence, which moved on without it.
        moved_to: Zxid,
    },
    /// I9h: a server delivered an older-epoch txn that a later primary had skipped
    /// (found when the server delivered it).
    DeliveredSkipped {
        /// The server.
        server: ServerId,
        /// The txn.
        txn: TxnAt,
        /// The primary that skipped it.
        primary: ServerId,
        /// The epoch of that primary.
        epoch: Epoch,
    },
    /// I9h: a server had delivered an older-epoch txn that a new primary skipped
    /// (found when that primary first broadcast).
    SkippedByNewPrimary {
        /// The server.
        server: ServerId,
        /// The txn.
        txn: TxnAt,
        /// The primary that skipped it.
        primary: ServerId,
        /// The epoch of that primary.
        epoch: Epoch,
    },
    /// I4: a server delivered a txn other than the one broadcast with its zxid.
    DeliveredOtherThanBroadcast {
        /// The server.
        server: ServerId,
        /// The txn it delivered.
        delivered: TxnAt,
        /// The txn broadcast with that zxid.
        broadcast: TxnAt,
    },
    /// I4: a server delivered a txn no primary broadcast.
    DeliveredUnbroadcast {
        /// The server.
        server: ServerId,
        /// The txn.
        txn: TxnAt,
    },
    /// I8: a server delivered a newer epoch's txn before an older epoch's.
    DeliveredEpochsOutOfOrder {
        /// The server.
        server: ServerId,
        /// The txn of the newer epoch, delivered first.
        newer: TxnAt,
        /// The txn of the older epoch, delivered after it.
        older: TxnAt,
    },
    /// I7: a server delivered a txn without the same primary's previous one.
    DeliveredWithoutPrevious {
        /// The server.
        server: ServerId,
        /// The txn it delivered.
        txn: TxnAt,
        /// The txn the same primary proposed before it, not delivered first.
        previous: TxnAt,
        /// The primary.
        primary: ServerId,
    },
    /// I3: two servers disagree on a committed position.
    CommittedDisagree {
        /// One server.
        a: ServerId,
        /// The other.
        b: ServerId,
        /// The position.
        position: Pos,
        /// What `a` delivered there.
        a_txn: TxnAt,
        /// What `b` delivered there.
        b_txn: TxnAt,
    },
    /// I5: each of two servers delivered a txn the other never delivered.
    DeliveredApart {
        /// One server.
        a: ServerId,
        /// The other.
        b: ServerId,
        /// A txn only `a` delivered.
        only_a: TxnAt,
        /// A txn only `b` delivered.
        only_b: TxnAt,
    },
    /// I6: two servers deliver common txns in different orders.
    DeliveredInOtherOrder {
        /// The server whose order is taken.
        x: ServerId,
        /// The server that did not deliver the same txns before `txn`.
        y: ServerId,
        /// The txn both delivered.
        txn: TxnAt,
    },
    /// I11: a follower's history is not a prefix of its leader's.
    HistoryNotLeaderPrefix {
        /// The follower.
        follower: ServerId,
        /// Its leader.
        leader: ServerId,
        /// The leader's currentEpoch.
        epoch: Epoch,
        /// Where they first differ.
        position: Pos,
        /// What the follower holds there.
        holds: TxnAt,
        /// What the leader holds there (none: nothing).
        leader_holds: Option<TxnAt>,
    },
    /// I12: a follower counts more txns as committed than its leader.
    FollowerCountsMore {
        /// The follower.
        follower: ServerId,
        /// How many it counts as committed.
        counted: usize,
        /// Its leader.
        leader: ServerId,
        /// How many the leader counts.
        leader_counted: usize,
    },
    /// I12: a follower's committed txns are not a prefix of its leader's.
    CommittedNotLeaderPrefix {
        /// The follower.
        follower: ServerId,
        /// Its leader.
        leader: ServerId,
        /// Where they first differ.
        position: Pos,
        /// What the follower committed there.
        committed: TxnAt,
        /// What the leader holds there (none: nothing).
        leader_holds: Option<TxnAt>,
    },
    /// I9: a follower delivered an older-epoch txn its leader has not delivered.
    LeaderLacksDelivered {
        /// The follower.
        follower: ServerId,
        /// The txn.
        txn: TxnAt,
        /// Its leader.
        leader: ServerId,
        /// The leader's epoch.
        epoch: Epoch,
    },
    /// I1: two servers lead with the same currentEpoch.
    TwoLeaders {
        /// One leader.
        a: ServerId,
        /// The other.
        b: ServerId,
        /// Their currentEpoch.
        epoch: Epoch,
    },
    /// L1: no leader reached BROADCAST within the bound of a good period.
    NoLeader {
        /// The bound, in ms.
        bound: Time,
        /// When the good period began (ms).
        since: Time,
    },
    /// L2: a server has not joined the leader within the bound.
    NotJoined {
        /// The server.
        server: ServerId,
        /// The leader.
        leader: ServerId,
        /// The leader's epoch.
        epoch: Epoch,
        /// The bound, in ms.
        bound: Time,
        /// Since when it should have joined (ms).
        since: Time,
        /// Its state now.
        state: ServerState,
        /// Its phase now.
        phase: Phase,
    },
    /// L3: a leader gave up although nothing failed since it started leading.
    LeaderGaveUp {
        /// The leader.
        server: ServerId,
        /// When it started leading (ms).
        since: Time,
        /// Why it left its role.
        reason: RoleExit,
    },
    /// L3: a server exited on a protocol error although nothing had failed.
    ExitedInGoodPeriod {
        /// The server.
        server: ServerId,
        /// Why its process exited.
        reason: CrashReason,
    },
    /// L4: a server cannot restart from its disk.
    RestartRefused {
        /// The server.
        server: ServerId,
        /// Why it refuses to start.
        reason: StartRefusal,
    },
    /// T2: the committed sequence would change.
    CommittedChanged {
        /// The newest leader in BROADCAST.
        leader: ServerId,
        /// Its epoch.
        epoch: Epoch,
        /// What it counts as committed at `position`.
        txn: TxnAt,
        /// The position.
        position: Pos,
        /// What had been committed there before.
        before: TxnAt,
    },
    /// T3: a server received a packet it could not accept.
    IllegalPacket {
        /// The server.
        server: ServerId,
        /// The sub-property it shows.
        rule: MessageRule,
        /// What the server reported.
        complaint: Complaint,
    },
    /// C3: a client was answered at a zxid below one it had seen.
    ViewWentBack {
        /// The client.
        client: ClientId,
        /// The zxid of the answer.
        zxid: Zxid,
        /// The newest zxid it had seen.
        seen: Zxid,
    },
    /// C5: a server answered a client's calls out of order.
    AnsweredOutOfOrder {
        /// The server.
        server: ServerId,
        /// The client.
        client: ClientId,
        /// The call answered late.
        call: ReqId,
        /// The later call answered before it.
        later: ReqId,
    },
    /// C2: a watch event sent with no watch of that client pending.
    WatchNotPending {
        /// The server.
        server: ServerId,
        /// The client.
        client: ClientId,
        /// The event sent.
        event: EventType,
        /// Its path.
        path: String,
    },
    /// C2: a watch event sent without the server having applied a change to the path.
    WatchWithoutChange {
        /// The server.
        server: ServerId,
        /// The client.
        client: ClientId,
        /// The event sent.
        event: EventType,
        /// Its path.
        path: String,
    },
    /// C4: a sequential znode's name is out of order with another under its parent.
    SequentialOutOfOrder {
        /// The znode.
        path: String,
        /// The zxid that created it.
        zxid: Zxid,
        /// The other suffix it is out of order with.
        other: String,
        /// The parent's path.
        parent: String,
    },
    /// C1: a server holds an ephemeral znode of a session it does not have as live.
    EphemeralOrphan {
        /// The server.
        server: ServerId,
        /// The znode.
        path: String,
        /// Its owner session.
        owner: SessionId,
    },
    /// A sweep generated a scenario the simulator rejected.
    InvalidScenario(ScenarioError),
    /// The simulator panicked (the panic's own message).
    SimulatorPanic(String),
}

serialize_as_text!(Detail);

/// "1, 2 and 3".
fn join(f: &mut fmt::Formatter<'_>, ids: &[ServerId]) -> fmt::Result {
    match ids {
        [] => Ok(()),
        [one] => write!(f, "{one}"),
        [init @ .., last] => {
            for (k, s) in init.iter().enumerate() {
                if k > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{s}")?;
            }
            write!(f, " and {last}")
        }
    }
}

/// A txn or "nothing".
struct OrNothing<'a>(&'a Option<TxnAt>);

impl fmt::Display for OrNothing<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(t) => t.fmt(f),
            None => f.write_str("nothing"),
        }
    }
}

/// The English sentence (what the CLI, the report and the trace show).
impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Detail::EpochEstablishedTwice { epoch: e, servers } => {
                write!(f, "Epoch {e} was established by more than one server (")?;
                join(f, servers)?;
                write!(f, "): each persisted currentEpoch = {e} after its own ACKEPOCH quorum, so the epoch has two primaries")
            }
            Detail::EpochProposedTwice { server: s, epoch: e } => write!(
                f,
                "Server {s} proposed epoch {e} (LEADERINFO) again after a restart: it had not persisted acceptedEpoch {e} before proposing it the first time, so two leader incarnations claim epoch {e} (ZOOKEEPER-1291)"
            ),
            Detail::ZxidOfOtherEpoch { server: s, epoch, txn } => write!(
                f,
                "Server {s}, the primary of epoch {epoch}, proposed {txn} whose zxid belongs to epoch {}: a primary may only mint zxids of its own epoch (zxid counter roll-over, ZOOKEEPER-1277)",
                txn.zxid.epoch()
            ),
            Detail::ZxidBroadcastTwice { server: s, first, second } => write!(
                f,
                "Two different txns were broadcast with zxid {}: first {first}, then {second} by server {s}",
                second.zxid
            ),
            Detail::AcceptedBelowCurrent { server: id, accepted, current } => write!(
                f,
                "Server {id} has acceptedEpoch {accepted} below currentEpoch {current}: it would refuse to restart (\"accepted epoch is less than the current epoch\")"
            ),
            Detail::DurableAheadOfEpoch { server: id, last, current } => write!(
                f,
                "Server {id} holds {last} durably (epoch {}) but its currentEpoch is only {current}: after a crash it would refuse to start (\"current epoch is older than the last zxid\")",
                last.epoch()
            ),
            Detail::SnapshotMislabelled { server: id, label, last } => {
                write!(f, "Server {id}'s newest snapshot is labelled {label} but ")?;
                match last {
                    Some(z) => write!(f, "holds the txns up to {z}")?,
                    None => f.write_str("holds no txn")?,
                }
                write!(f, ": a restart would load it and replay the log after {label}, so its state would not be the history up to its label")
            }
            Detail::HistoryRepeatsTxn { server: id, txn, first } => write!(
                f,
                "Server {id}'s history holds {txn} twice (positions {first} and {})",
                Pos(first.0 + 1)
            ),
            Detail::HistoryZxidClash { server: id, earlier, later, first } => write!(
                f,
                "Server {id}'s history holds two different txns with zxid {}: {earlier} and {later} (positions {first} and {})",
                later.zxid,
                Pos(first.0 + 1)
            ),
            Detail::HeldOtherThanBroadcast { server: id, held, broadcast } => write!(
                f,
                "Server {id} holds {held} but the txn broadcast with zxid {} was {broadcast}: two different txns share a zxid",
                held.zxid
            ),
            Detail::CommittedTxnLost { server: id, txn, position } => write!(
                f,
                "Server {id} lost committed txn {txn} (position {position} of the committed sequence) from its durable history (snapshot + fsynced log): a TRUNC, SNAP or reload removed a txn that a quorum had committed"
            ),
            Detail::LeaderLacksCommitted { server, epoch, txn, committed_in, position, holds } => {
                write!(f, "Server {server} leads epoch {epoch} but its history lacks committed txn {txn}")?;
                if let Some(e) = committed_in {
                    write!(f, " (committed in epoch {e})")?;
                }
                write!(f, ": at position {position} it holds {}", OrNothing(holds))
            }
            Detail::LeaderCountsTooFew { server, epoch, counted, committed, last } => write!(
                f,
                "Server {server} leads epoch {epoch} but counts only {counted} txns as committed while {committed} are committed (the last is {last})"
            ),
            Detail::AckedWriteLost { zxid, moved_to } => write!(
                f,
                "A client was told that write {zxid} committed, but the committed sequence moved on to {moved_to} without it: an acknowledged write was lost"
            ),
            Detail::DeliveredSkipped { server: id, txn, primary, epoch: e2 } => write!(
                f,
                "Server {id} delivered {txn} of epoch {}, but server {primary}, the primary of epoch {e2}, had not delivered it when it first broadcast: epoch {e2} skipped it, so no server may deliver it",
                txn.zxid.epoch()
            ),
            Detail::SkippedByNewPrimary { server, txn, primary, epoch: e } => write!(
                f,
                "Server {server} delivered {txn} of epoch {}, but server {primary}, the primary of epoch {e}, had not delivered it when it first broadcast: epoch {e} skipped it, so no later server may deliver it",
                txn.zxid.epoch()
            ),
            Detail::DeliveredOtherThanBroadcast { server: id, delivered, broadcast } => write!(
                f,
                "Server {id} delivered {delivered} but the txn broadcast with that zxid was {broadcast}: it delivered something no primary broadcast"
            ),
            Detail::DeliveredUnbroadcast { server: id, txn } => {
                write!(f, "Server {id} delivered {txn}, which no primary ever broadcast")
            }
            Detail::DeliveredEpochsOutOfOrder { server: id, newer, older } => write!(
                f,
                "Server {id} delivered {newer} of epoch {} before {older} of the older epoch {}",
                newer.zxid.epoch(),
                older.zxid.epoch()
            ),
            Detail::DeliveredWithoutPrevious { server: id, txn, previous, primary } => write!(
                f,
                "Server {id} delivered {txn} without first delivering {previous}, which the same primary (server {primary}) proposed before it in epoch {}",
                txn.zxid.epoch()
            ),
            Detail::CommittedDisagree { a, b, position, a_txn, b_txn } => write!(
                f,
                "Servers {a} and {b} disagree on what is committed: at position {position} server {a} delivered {a_txn} but server {b} delivered {b_txn}"
            ),
            Detail::DeliveredApart { a, b, only_a, only_b } => write!(
                f,
                "Servers {a} and {b} each delivered a txn the other never delivered: {only_a} only on server {a}, {only_b} only on server {b}"
            ),
            Detail::DeliveredInOtherOrder { x, y, txn } => write!(
                f,
                "Servers {x} and {y} deliver common txns in different orders: server {x} delivered txns before {txn} that server {y} did not deliver before it"
            ),
            Detail::HistoryNotLeaderPrefix { follower, leader, epoch, position, holds, leader_holds } => write!(
                f,
                "Server {follower} follows leader {leader} in epoch {epoch} but its history is not a prefix of the leader's: at position {position} it holds {holds} where the leader holds {}",
                OrNothing(leader_holds)
            ),
            Detail::FollowerCountsMore { follower, counted, leader, leader_counted } => write!(
                f,
                "Follower {follower} counts {counted} txns as committed, more than its leader {leader} ({leader_counted})"
            ),
            Detail::CommittedNotLeaderPrefix { follower, leader, position, committed, leader_holds } => write!(
                f,
                "Follower {follower}'s committed txns are not a prefix of its leader {leader}'s: at position {position} it committed {committed} where the leader committed {}",
                OrNothing(leader_holds)
            ),
            Detail::LeaderLacksDelivered { follower, txn, leader, epoch: e } => write!(
                f,
                "Follower {follower} delivered {txn} of epoch {}, but its leader {leader} (epoch {e}) has not delivered it",
                txn.zxid.epoch()
            ),
            Detail::TwoLeaders { a, b, epoch } => write!(
                f,
                "Servers {a} and {b} both lead with currentEpoch {epoch}: one epoch has two leaders"
            ),
            Detail::NoLeader { bound, since: t0 } => write!(
                f,
                "No leader reached BROADCAST within {bound} ms of {t0} ms, although from then on a quorum was up and no link was cut"
            ),
            Detail::NotJoined { server, leader: lid, epoch: le, bound, since, state, phase } => write!(
                f,
                "Server {server} has not joined leader {lid} (epoch {le}) within {bound} ms (since {since} ms) although no fault happened: it is still {} / {}",
                state.name(),
                phase.name()
            ),
            Detail::LeaderGaveUp { server: id, since, reason } => write!(
                f,
                "Leader {id} gave up although nothing failed since it started leading at {since} ms: {reason}"
            ),
            Detail::ExitedInGoodPeriod { server: s, reason } => write!(
                f,
                "Server {s} exited on a protocol error although nothing had failed: {reason}"
            ),
            Detail::RestartRefused { server: s, reason } => {
                write!(f, "Server {s} cannot restart from its disk: {reason}")
            }
            Detail::CommittedChanged { leader, epoch, txn, position, before } => write!(
                f,
                "The committed sequence would change: leader {leader} (epoch {epoch}) counts {txn} as committed at position {position}, where {before} had been committed before"
            ),
            Detail::IllegalPacket { server: s, rule, complaint } => {
                write!(f, "Server {s} {}: {complaint}", rule.what())
            }
            Detail::ViewWentBack { client, zxid, seen } => write!(
                f,
                "client {client} was answered at {zxid} after it had seen {seen}: its view went back in time"
            ),
            Detail::AnsweredOutOfOrder { server: s, client: c, call, later } => write!(
                f,
                "server {s} answered client {c}'s call #{} after its later call #{}: calls answered out of order",
                call.0, later.0
            ),
            Detail::WatchNotPending { server: s, client: c, event, path } => write!(
                f,
                "server {s} sent client {c} {} for {path} with no watch of that client pending there: a watch fired twice or was never left",
                event.name()
            ),
            Detail::WatchWithoutChange { server: s, client: c, event, path } => write!(
                f,
                "server {s} told client {c} {} for {path} without having applied a change to it",
                event.name()
            ),
            Detail::SequentialOutOfOrder { path, zxid, other, parent } => write!(
                f,
                "the sequential znode {path} (created at {zxid}) is out of order with suffix {other} under {parent}"
            ),
            Detail::EphemeralOrphan { server, path, owner } => write!(
                f,
                "server {server} holds the ephemeral znode {path} of session {owner}, which it does not have as live"
            ),
            Detail::InvalidScenario(e) => {
                write!(f, "the sweep generated an invalid scenario: {e}")
            }
            Detail::SimulatorPanic(msg) => write!(f, "the simulator panicked: {msg}"),
        }
    }
}

/// One [`Detail`] of every kind, for the tests of whatever words them (this crate's,
/// and the web app's with the `examples` feature).
#[cfg(any(test, feature = "examples"))]
pub mod examples {
    use super::*;
    use crate::server::{HaltReason, LeaderShutdown, LeaderWait};

    fn z(e: u32, c: u32) -> Zxid {
        Zxid::new(Epoch(e), c)
    }

    fn txn(c: u32, path: &str) -> TxnAt {
        TxnAt {
            zxid: z(1, c),
            op: Op::Set {
                path: path.to_string(),
                data: "1".to_string(),
            },
        }
    }

    /// One value of every variant, for tests that word them (the match below fails to
    /// compile when a variant is added and not listed here).
    pub fn examples() -> Vec<Detail> {
        let (s1, s2, s3) = (ServerId(1), ServerId(2), ServerId(3));
        let bad = crate::scenario::Scenario::from_json("{").expect_err("not a scenario");
        let all = vec![
            Detail::EpochEstablishedTwice {
                epoch: Epoch(2),
                servers: vec![s1, s2, s3],
            },
            Detail::EpochProposedTwice {
                server: s1,
                epoch: Epoch(1),
            },
            Detail::ZxidOfOtherEpoch {
                server: s1,
                epoch: Epoch(1),
                txn: TxnAt {
                    zxid: z(2, 1),
                    ..txn(1, "/roll")
                },
            },
            Detail::ZxidBroadcastTwice {
                server: s2,
                first: txn(5, "/a"),
                second: txn(5, "/b"),
            },
            Detail::AcceptedBelowCurrent {
                server: s1,
                accepted: Epoch(0),
                current: Epoch(1),
            },
            Detail::DurableAheadOfEpoch {
                server: s1,
                last: z(1, 4),
                current: Epoch(0),
            },
            Detail::SnapshotMislabelled {
                server: s1,
                label: z(1, 5),
                last: Some(z(1, 3)),
            },
            Detail::HistoryRepeatsTxn {
                server: s1,
                txn: txn(2, "/a"),
                first: Pos(1),
            },
            Detail::HistoryZxidClash {
                server: s1,
                earlier: txn(5, "/a"),
                later: txn(5, "/dup"),
                first: Pos(4),
            },
            Detail::HeldOtherThanBroadcast {
                server: s1,
                held: txn(3, "/evil"),
                broadcast: txn(3, "/a"),
            },
            Detail::CommittedTxnLost {
                server: s1,
                txn: txn(3, "/a"),
                position: Pos(2),
            },
            Detail::LeaderLacksCommitted {
                server: s1,
                epoch: Epoch(2),
                txn: txn(2, "/k1"),
                committed_in: Some(Epoch(1)),
                position: Pos(1),
                holds: None,
            },
            Detail::LeaderCountsTooFew {
                server: s1,
                epoch: Epoch(2),
                counted: 1,
                committed: 3,
                last: txn(3, "/a"),
            },
            Detail::AckedWriteLost {
                zxid: z(0, 7),
                moved_to: z(1, 2),
            },
            Detail::DeliveredSkipped {
                server: s1,
                txn: txn(3, "/a"),
                primary: s2,
                epoch: Epoch(2),
            },
            Detail::SkippedByNewPrimary {
                server: s1,
                txn: txn(3, "/a"),
                primary: s2,
                epoch: Epoch(2),
            },
            Detail::DeliveredOtherThanBroadcast {
                server: s1,
                delivered: txn(3, "/evil"),
                broadcast: txn(3, "/a"),
            },
            Detail::DeliveredUnbroadcast {
                server: s1,
                txn: txn(9, "/x"),
            },
            Detail::DeliveredEpochsOutOfOrder {
                server: s1,
                newer: TxnAt {
                    zxid: z(2, 1),
                    ..txn(1, "/b")
                },
                older: txn(4, "/a"),
            },
            Detail::DeliveredWithoutPrevious {
                server: s1,
                txn: txn(3, "/b"),
                previous: txn(2, "/a"),
                primary: s3,
            },
            Detail::CommittedDisagree {
                a: s1,
                b: s2,
                position: Pos(2),
                a_txn: txn(3, "/evil"),
                b_txn: txn(3, "/a"),
            },
            Detail::DeliveredApart {
                a: s1,
                b: s2,
                only_a: txn(3, "/a"),
                only_b: txn(4, "/b"),
            },
            Detail::DeliveredInOtherOrder {
                x: s1,
                y: s2,
                txn: txn(3, "/a"),
            },
            Detail::HistoryNotLeaderPrefix {
                follower: s2,
                leader: s1,
                epoch: Epoch(1),
                position: Pos(0),
                holds: txn(1, "/a"),
                leader_holds: Some(txn(1, "/b")),
            },
            Detail::FollowerCountsMore {
                follower: s2,
                counted: 4,
                leader: s1,
                leader_counted: 3,
            },
            Detail::CommittedNotLeaderPrefix {
                follower: s2,
                leader: s1,
                position: Pos(0),
                committed: txn(1, "/a"),
                leader_holds: None,
            },
            Detail::LeaderLacksDelivered {
                follower: s2,
                txn: txn(3, "/a"),
                leader: s1,
                epoch: Epoch(2),
            },
            Detail::TwoLeaders {
                a: s1,
                b: s2,
                epoch: Epoch(1),
            },
            Detail::NoLeader {
                bound: 9000,
                since: 0,
            },
            Detail::NotJoined {
                server: s3,
                leader: s1,
                epoch: Epoch(1),
                bound: 9000,
                since: 100,
                state: ServerState::Looking,
                phase: Phase::Election,
            },
            Detail::LeaderGaveUp {
                server: s1,
                since: 200,
                reason: RoleExit::LeaderShutdown(LeaderShutdown::WaitTimedOut(
                    LeaderWait::NewLeaderAck,
                )),
            },
            Detail::ExitedInGoodPeriod {
                server: s2,
                reason: CrashReason::Exit(HaltReason::UnmatchedCommit {
                    received: z(1, 7),
                    expected: z(1, 6),
                }),
            },
            Detail::RestartRefused {
                server: s2,
                reason: StartRefusal::AcceptedBehindCurrent {
                    accepted: Epoch(0),
                    current: Epoch(1),
                },
            },
            Detail::CommittedChanged {
                leader: s1,
                epoch: Epoch(2),
                txn: txn(2, "/b"),
                position: Pos(1),
                before: txn(2, "/a"),
            },
            Detail::IllegalPacket {
                server: s2,
                rule: MessageRule::ProposalConsistent,
                complaint: Complaint::Warning(Warning::ProposalGap {
                    got: z(1, 5),
                    expected: z(1, 4),
                }),
            },
            Detail::ViewWentBack {
                client: ClientId(1),
                zxid: z(1, 2),
                seen: z(1, 3),
            },
            Detail::AnsweredOutOfOrder {
                server: s1,
                client: ClientId(1),
                call: ReqId(3),
                later: ReqId(4),
            },
            Detail::WatchNotPending {
                server: s1,
                client: ClientId(1),
                event: EventType::NodeDataChanged,
                path: "/a".to_string(),
            },
            Detail::WatchWithoutChange {
                server: s1,
                client: ClientId(1),
                event: EventType::NodeCreated,
                path: "/a".to_string(),
            },
            Detail::SequentialOutOfOrder {
                path: "/q/n-0000000001".to_string(),
                zxid: z(1, 3),
                other: "0000000002".to_string(),
                parent: "/q".to_string(),
            },
            Detail::EphemeralOrphan {
                server: s1,
                path: "/e".to_string(),
                owner: SessionId(0x1_0000_0001),
            },
            Detail::InvalidScenario(bad),
            Detail::SimulatorPanic("index out of bounds".to_string()),
        ];
        for d in &all {
            match d {
                Detail::EpochEstablishedTwice { .. }
                | Detail::EpochProposedTwice { .. }
                | Detail::ZxidOfOtherEpoch { .. }
                | Detail::ZxidBroadcastTwice { .. }
                | Detail::AcceptedBelowCurrent { .. }
                | Detail::DurableAheadOfEpoch { .. }
                | Detail::SnapshotMislabelled { .. }
                | Detail::HistoryRepeatsTxn { .. }
                | Detail::HistoryZxidClash { .. }
                | Detail::HeldOtherThanBroadcast { .. }
                | Detail::CommittedTxnLost { .. }
                | Detail::LeaderLacksCommitted { .. }
                | Detail::LeaderCountsTooFew { .. }
                | Detail::AckedWriteLost { .. }
                | Detail::DeliveredSkipped { .. }
                | Detail::SkippedByNewPrimary { .. }
                | Detail::DeliveredOtherThanBroadcast { .. }
                | Detail::DeliveredUnbroadcast { .. }
                | Detail::DeliveredEpochsOutOfOrder { .. }
                | Detail::DeliveredWithoutPrevious { .. }
                | Detail::CommittedDisagree { .. }
                | Detail::DeliveredApart { .. }
                | Detail::DeliveredInOtherOrder { .. }
                | Detail::HistoryNotLeaderPrefix { .. }
                | Detail::FollowerCountsMore { .. }
                | Detail::CommittedNotLeaderPrefix { .. }
                | Detail::LeaderLacksDelivered { .. }
                | Detail::TwoLeaders { .. }
                | Detail::NoLeader { .. }
                | Detail::NotJoined { .. }
                | Detail::LeaderGaveUp { .. }
                | Detail::ExitedInGoodPeriod { .. }
                | Detail::RestartRefused { .. }
                | Detail::CommittedChanged { .. }
                | Detail::IllegalPacket { .. }
                | Detail::ViewWentBack { .. }
                | Detail::AnsweredOutOfOrder { .. }
                | Detail::WatchNotPending { .. }
                | Detail::WatchWithoutChange { .. }
                | Detail::SequentialOutOfOrder { .. }
                | Detail::EphemeralOrphan { .. }
                | Detail::InvalidScenario(_)
                | Detail::SimulatorPanic(_) => {}
            }
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::examples::examples;

    #[test]
    fn every_variant_reads_as_a_sentence() {
        let all = examples();
        assert_eq!(all.len(), 43);
        for d in &all {
            let text = d.to_string();
            assert!(!text.trim().is_empty(), "{d:?}");
            assert!(!text.contains("  ") && !text.ends_with(' '), "{text:?}");
            // Serialised as that sentence (the JSON report and the trace keep it).
            assert_eq!(
                serde_json::to_value(d).unwrap(),
                serde_json::Value::String(text)
            );
        }
    }

    /// The sentences the checker wrote as text before `Detail` existed, word for word.
    #[test]
    fn sentences_read_as_before() {
        let all = examples();
        let text = |i: usize| all[i].to_string();
        assert_eq!(
            text(0),
            "Epoch 2 was established by more than one server (1, 2 and 3): each persisted currentEpoch = 2 after its own ACKEPOCH quorum, so the epoch has two primaries"
        );
        assert_eq!(
            text(6),
            "Server 1's newest snapshot is labelled 0x100000005 but holds the txns up to 0x100000003: a restart would load it and replay the log after 0x100000005, so its state would not be the history up to its label"
        );
        assert_eq!(
            text(8),
            "Server 1's history holds two different txns with zxid 0x100000005: 0x100000005 (set /a=1) and 0x100000005 (set /dup=1) (positions #5 and #6)"
        );
        assert_eq!(
            text(11),
            "Server 1 leads epoch 2 but its history lacks committed txn 0x100000002 (set /k1=1) (committed in epoch 1): at position #2 it holds nothing"
        );
        assert_eq!(
            text(31),
            "Server 2 exited on a protocol error although nothing had failed: process exit: COMMIT 0x100000007 does not match the first pending txn 0x100000006: exit (UNMATCHED_TXN_COMMIT)"
        );
        assert_eq!(
            text(34),
            "Server 2 received a PROPOSAL that does not follow the previous one: got zxid 0x100000005 expected 0x100000004"
        );
        assert_eq!(
            text(36),
            "server 1 answered client c1's call #3 after its later call #4: calls answered out of order"
        );
    }
}
