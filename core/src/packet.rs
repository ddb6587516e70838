//! What servers send each other: FLE notifications on the election mesh and quorum
//! packets on learner/leader connections (spec §5).

use crate::client::Request;
use crate::ids::{Epoch, ServerId, SessionId, Zxid};
use crate::tree::DataTree;
use crate::txn::{ClientTag, Op, Txn};
use serde::{Deserialize, Serialize};

/// `QuorumPeer.ServerState`: the election role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ServerState {
    /// Running Fast Leader Election.
    Looking,
    /// Following a leader.
    Following,
    /// Leading.
    Leading,
    /// Observing a leader (never votes).
    Observing,
}

impl ServerState {
    /// ZooKeeper's upper-case name.
    pub fn name(self) -> &'static str {
        match self {
            ServerState::Looking => "LOOKING",
            ServerState::Following => "FOLLOWING",
            ServerState::Leading => "LEADING",
            ServerState::Observing => "OBSERVING",
        }
    }
}

/// A vote `(leader, zxid, electionEpoch, peerEpoch)` (spec §5.1, `Vote.java`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Vote {
    /// Proposed or known leader (`0` is an observer's "nobody").
    pub leader: ServerId,
    /// The proposed leader's last zxid.
    pub zxid: Zxid,
    /// The election round (`logicalclock`) the vote belongs to.
    pub election_epoch: u64,
    /// The proposed leader's currentEpoch.
    pub peer_epoch: Epoch,
}

impl Vote {
    /// `FastLeaderElection.totalOrderPredicate`: whether `self` beats `cur`, comparing
    /// peerEpoch, then zxid, then server id (spec §2.2). Observers (id 0 here) have
    /// weight 0 and never win.
    /// One rule in one place: this asks [`crate::server::compare_votes`], which also says
    /// which field decided.
    pub fn beats(&self, cur: &Vote) -> bool {
        crate::server::compare_votes(self, cur).beats
    }

    /// The vote as ZooKeeper's logs print it: `(leader, zxid, peerEpoch)`.
    pub fn label(&self) -> String {
        format!("({}, {}, {})", self.leader, self.zxid, self.peer_epoch)
    }
}

/// An FLE notification (spec §5.1): a vote plus the sender's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// The vote.
    pub vote: Vote,
    /// The sender's ServerState.
    pub state: ServerState,
}

/// A packet on a learner/leader connection (`QuorumPacket`, spec §5.2).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "UPPERCASE")]
pub enum QuorumPacket {
    /// F→L, discovery: CEPOCH carrying the follower's acceptedEpoch.
    FollowerInfo {
        /// `acceptedEpoch` (sent as `acceptedEpoch << 32`).
        accepted_epoch: Epoch,
    },
    /// O→L, discovery for observers.
    ObserverInfo {
        /// `acceptedEpoch`.
        accepted_epoch: Epoch,
    },
    /// L→F, discovery: NEWEPOCH.
    LeaderInfo {
        /// The epoch the leader proposes.
        new_epoch: Epoch,
    },
    /// F→L, discovery: ACK-E with the follower's last logged zxid and currentEpoch,
    /// or `None` (ZooKeeper's `-1`) if it had already accepted this epoch.
    AckEpoch {
        /// The follower's last logged zxid.
        last_zxid: Zxid,
        /// Its currentEpoch, or `None` for `-1`.
        current_epoch: Option<Epoch>,
    },
    /// L→F, sync: keep your log, apply what follows.
    Diff {
        /// The leader's last committed zxid.
        zxid: Zxid,
    },
    /// L→F, sync: drop your log after `zxid`.
    Trunc {
        /// Truncation point.
        zxid: Zxid,
    },
    /// L→F, sync: a full snapshot of the leader's data tree.
    Snap {
        /// The leader's `lastProcessedZxid` (the snapshot's label).
        zxid: Zxid,
        /// The serialised tree.
        tree: Box<DataTree>,
    },
    /// L→F: a proposed txn (in the sync stream and in broadcast).
    Proposal {
        /// The txn.
        txn: Txn,
    },
    /// L→F: commit the pending txn with this zxid.
    Commit {
        /// Zxid committed.
        zxid: Zxid,
    },
    /// L→F, end of sync data: accept the new epoch's initial history.
    NewLeader {
        /// `newEpoch << 32`.
        zxid: Zxid,
    },
    /// F→L: NEWLEADER-ACK (`newEpoch << 32`) or a proposal's ACK.
    Ack {
        /// The zxid acknowledged.
        zxid: Zxid,
    },
    /// L→F: synchronisation is over, start serving.
    UpToDate,
    /// L↔F heartbeat.
    Ping {
        /// Leader: its lastProposed; follower: echoed.
        zxid: Zxid,
        /// Follower: the sessions its clients were active in since the last PING, with
        /// their timeouts (`LearnerSessionTracker` touch table, Learner.ping).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        touches: Vec<(SessionId, u64)>,
    },
    /// L→O: a committed txn for an observer.
    Inform {
        /// The txn.
        txn: Txn,
    },
    /// F→L: a client write forwarded to the leader.
    Request {
        /// Who asked.
        tag: ClientTag,
        /// The write.
        op: Op,
    },
    /// F→L: a session client's write forwarded to the leader (a REQUEST on the wire:
    /// the leader's PrepRequestProcessor checks it and turns it into a txn).
    SessionRequest {
        /// Who asked.
        tag: ClientTag,
        /// The session.
        session: SessionId,
        /// The call.
        request: Request,
    },
}

/// The part of the protocol a packet belongs to (spec §2 to §5): what the ring, the
/// space-time diagram and their legend colour it by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PacketPhase {
    /// Fast Leader Election notifications (spec §2).
    Election,
    /// Phase 1: FOLLOWERINFO / OBSERVERINFO, LEADERINFO, ACKEPOCH (spec §3).
    Discovery,
    /// Phase 2: DIFF / TRUNC / SNAP, NEWLEADER, UPTODATE (spec §4).
    Sync,
    /// Phase 3: PROPOSAL, ACK, COMMIT, INFORM and forwarded REQUESTs (spec §5).
    Broadcast,
    /// The leader's PINGs and their echoes (`Leader.lead`'s tick loop).
    Heartbeat,
    /// Connection set-up and tear-down, outside the protocol's phases.
    Connection,
}

impl QuorumPacket {
    /// ZooKeeper's packet type name, e.g. `FOLLOWERINFO`.
    pub fn name(&self) -> &'static str {
        match self {
            QuorumPacket::FollowerInfo { .. } => "FOLLOWERINFO",
            QuorumPacket::ObserverInfo { .. } => "OBSERVERINFO",
            QuorumPacket::LeaderInfo { .. } => "LEADERINFO",
            QuorumPacket::AckEpoch { .. } => "ACKEPOCH",
            QuorumPacket::Diff { .. } => "DIFF",
            QuorumPacket::Trunc { .. } => "TRUNC",
            QuorumPacket::Snap { .. } => "SNAP",
            QuorumPacket::Proposal { .. } => "PROPOSAL",
            QuorumPacket::Commit { .. } => "COMMIT",
            QuorumPacket::NewLeader { .. } => "NEWLEADER",
            QuorumPacket::Ack { .. } => "ACK",
            QuorumPacket::UpToDate => "UPTODATE",
            QuorumPacket::Ping { .. } => "PING",
            QuorumPacket::Inform { .. } => "INFORM",
            QuorumPacket::Request { .. } | QuorumPacket::SessionRequest { .. } => "REQUEST",
        }
    }

    /// The phase this packet type belongs to. An ACK is a broadcast packet even when it
    /// answers NEWLEADER: the type, not the moment, decides (as the legend says).
    pub fn phase(&self) -> PacketPhase {
        match self {
            QuorumPacket::FollowerInfo { .. }
            | QuorumPacket::ObserverInfo { .. }
            | QuorumPacket::LeaderInfo { .. }
            | QuorumPacket::AckEpoch { .. } => PacketPhase::Discovery,
            QuorumPacket::Diff { .. }
            | QuorumPacket::Trunc { .. }
            | QuorumPacket::Snap { .. }
            | QuorumPacket::NewLeader { .. }
            | QuorumPacket::UpToDate => PacketPhase::Sync,
            QuorumPacket::Proposal { .. }
            | QuorumPacket::Ack { .. }
            | QuorumPacket::Commit { .. }
            | QuorumPacket::Inform { .. }
            | QuorumPacket::Request { .. }
            | QuorumPacket::SessionRequest { .. } => PacketPhase::Broadcast,
            QuorumPacket::Ping { .. } => PacketPhase::Heartbeat,
        }
    }

    /// A one-line summary with the packet's fields, for labels and logs.
    pub fn summary(&self) -> String {
        match self {
            QuorumPacket::FollowerInfo { accepted_epoch }
            | QuorumPacket::ObserverInfo { accepted_epoch } => {
                format!("{} acceptedEpoch={accepted_epoch}", self.name())
            }
            QuorumPacket::LeaderInfo { new_epoch } => format!("LEADERINFO newEpoch={new_epoch}"),
            QuorumPacket::AckEpoch {
                last_zxid,
                current_epoch,
            } => format!(
                "ACKEPOCH lastZxid={last_zxid} currentEpoch={}",
                current_epoch.map_or("-1".to_string(), |e| e.to_string())
            ),
            QuorumPacket::Diff { zxid }
            | QuorumPacket::Trunc { zxid }
            | QuorumPacket::Snap { zxid, .. }
            | QuorumPacket::Commit { zxid }
            | QuorumPacket::NewLeader { zxid }
            | QuorumPacket::Ack { zxid }
            | QuorumPacket::Ping { zxid, .. } => format!("{} {zxid}", self.name()),
            QuorumPacket::Proposal { txn } | QuorumPacket::Inform { txn } => {
                format!("{} {} {}", self.name(), txn.zxid, txn.op.label())
            }
            QuorumPacket::UpToDate => "UPTODATE".into(),
            QuorumPacket::Request { op, .. } => format!("REQUEST {}", op.label()),
            QuorumPacket::SessionRequest {
                session, request, ..
            } => format!("REQUEST {session} {}", request.label()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(leader: u32, zxid: i64, peer_epoch: u32) -> Vote {
        Vote {
            leader: ServerId(leader),
            zxid: Zxid(zxid),
            election_epoch: 1,
            peer_epoch: Epoch(peer_epoch),
        }
    }

    /// Spec §2.2 / FastLeaderElection.totalOrderPredicate: peerEpoch first, then zxid, then sid.
    #[test]
    fn total_order_predicate_is_epoch_then_zxid_then_sid() {
        assert!(
            v(1, 5, 2).beats(&v(3, 9, 1)),
            "higher peerEpoch wins over higher zxid and sid"
        );
        assert!(
            v(1, 9, 1).beats(&v(3, 5, 1)),
            "same epoch: higher zxid wins over higher sid"
        );
        assert!(
            v(3, 5, 1).beats(&v(2, 5, 1)),
            "tie on epoch and zxid: higher sid wins"
        );
        assert!(
            !v(2, 5, 1).beats(&v(2, 5, 1)),
            "a vote does not beat itself"
        );
        assert!(
            !v(0, 99, 9).beats(&v(1, 0, 0)),
            "an observer's id has weight 0"
        );
    }
}
