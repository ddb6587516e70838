//! Short explanations of ZooKeeper's own names, which the page shows untranslated
//! (FOLLOWERINFO, LOOKING, DIFF...; docs/glossary.md): the `title=` tooltip beside
//! each name, in the page's language.

use crate::t;
use zab_core::packet::ServerState;
use zab_core::server::{Phase, SyncMode};

use crate::engine::views::Role;

/// What a server state (`QuorumPeer.ServerState`) means.
pub fn state(s: ServerState) -> String {
    match s {
        ServerState::Looking => t!("gloss.state.looking"),
        ServerState::Following => t!("gloss.state.following"),
        ServerState::Leading => t!("gloss.state.leading"),
        ServerState::Observing => t!("gloss.state.observing"),
    }
    .into_owned()
}

/// Every server state, to look one up by the name core gives it.
const STATES: [ServerState; 4] = [
    ServerState::Looking,
    ServerState::Following,
    ServerState::Leading,
    ServerState::Observing,
];

/// The gloss of the state core names `name` (`ServerState::name`), empty if none.
pub fn state_named(name: &str) -> String {
    STATES
        .into_iter()
        .find(|s| s.name() == name)
        .map(state)
        .unwrap_or_default()
}

/// What the ring's role label means (a server state, or down).
pub fn role(r: Role) -> String {
    match r {
        Role::Looking => state(ServerState::Looking),
        Role::Following => state(ServerState::Following),
        Role::Leading => state(ServerState::Leading),
        Role::Observing => state(ServerState::Observing),
        Role::Crashed => t!("gloss.state.crashed").into_owned(),
    }
}

/// What a ZAB phase (`QuorumPeer.ZabState`) means.
pub fn phase(p: Phase) -> String {
    match p {
        Phase::Election => t!("gloss.phase.election"),
        Phase::Discovery => t!("gloss.phase.discovery"),
        Phase::Synchronization => t!("gloss.phase.synchronization"),
        Phase::Broadcast => t!("gloss.phase.broadcast"),
    }
    .into_owned()
}

/// Every phase, to look one up by the name core gives it.
const PHASES: [Phase; 4] = [
    Phase::Election,
    Phase::Discovery,
    Phase::Synchronization,
    Phase::Broadcast,
];

/// The gloss of the phase core names `name` (`Phase::name`), empty for no phase.
pub fn phase_named(name: &str) -> String {
    PHASES
        .into_iter()
        .find(|p| p.name() == name)
        .map(phase)
        .unwrap_or_default()
}

/// What a learner's sync mode (`QuorumPeer.SyncMode`) means.
pub fn sync(m: SyncMode) -> String {
    match m {
        SyncMode::None => t!("gloss.sync.none"),
        SyncMode::Diff => t!("gloss.sync.diff"),
        SyncMode::Trunc => t!("gloss.sync.trunc"),
        SyncMode::Snap => t!("gloss.sync.snap"),
    }
    .into_owned()
}

/// Every sync mode, to look one up by the name core gives it.
const SYNC_MODES: [SyncMode; 4] = [
    SyncMode::None,
    SyncMode::Diff,
    SyncMode::Trunc,
    SyncMode::Snap,
];

/// The gloss of the sync mode core names `name` (`SyncMode::name`), empty if none.
pub fn sync_named(name: &str) -> String {
    SYNC_MODES
        .into_iter()
        .find(|m| m.name() == name)
        .map(sync)
        .unwrap_or_default()
}

/// What a packet type means, by the name core gives it (`Payload::name`: the web's
/// views carry packets by that name); empty for a name it does not know.
pub fn packet(kind: &str) -> String {
    match kind {
        "NOTIFICATION" => t!("gloss.packet.notification"),
        "FOLLOWERINFO" => t!("gloss.packet.followerinfo"),
        "OBSERVERINFO" => t!("gloss.packet.observerinfo"),
        "LEADERINFO" => t!("gloss.packet.leaderinfo"),
        "ACKEPOCH" => t!("gloss.packet.ackepoch"),
        "DIFF" => t!("gloss.packet.diff"),
        "TRUNC" => t!("gloss.packet.trunc"),
        "SNAP" => t!("gloss.packet.snap"),
        "NEWLEADER" => t!("gloss.packet.newleader"),
        "UPTODATE" => t!("gloss.packet.uptodate"),
        "PROPOSAL" => t!("gloss.packet.proposal"),
        "ACK" => t!("gloss.packet.ack"),
        "COMMIT" => t!("gloss.packet.commit"),
        "INFORM" => t!("gloss.packet.inform"),
        "REQUEST" => t!("gloss.packet.request"),
        "PING" => t!("gloss.packet.ping"),
        _ => return String::new(),
    }
    .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every packet type core can send, every phase and sync mode has a gloss (in
    /// English here, the page's default; `lang`'s tests check that every key has
    /// both languages). The names are `Payload::name`'s, listed in docs/glossary.md.
    #[test]
    fn every_zookeeper_name_has_a_gloss() {
        let packets = [
            "NOTIFICATION",
            "FOLLOWERINFO",
            "OBSERVERINFO",
            "LEADERINFO",
            "ACKEPOCH",
            "DIFF",
            "TRUNC",
            "SNAP",
            "NEWLEADER",
            "UPTODATE",
            "PROPOSAL",
            "ACK",
            "COMMIT",
            "INFORM",
            "REQUEST",
            "PING",
        ];
        for p in packets {
            assert!(!packet(p).is_empty(), "{p}");
        }
        for p in PHASES {
            assert!(!phase_named(p.name()).is_empty(), "{p:?}");
        }
        for s in STATES {
            assert!(!state_named(s.name()).is_empty(), "{s:?}");
        }
        for m in SYNC_MODES {
            assert!(!sync_named(m.name()).is_empty(), "{m:?}");
        }
        assert_eq!(packet("NOT-A-PACKET"), "");
        assert_ne!(packet("DIFF"), packet("SNAP"));
    }
}
