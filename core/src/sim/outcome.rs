//! What an applied [`Action`](crate::action::Action) achieved, and why an action
//! cannot be done now: typed values that a user interface words (the simulator makes
//! no sentences about them).

use crate::ids::{ClientId, ServerId};
use crate::server::{StartRefusal, WriteFailure};
use crate::txn::ReqId;

/// What [`Sim::intervene`](super::Sim::intervene) did with an action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The action took effect (a crash, a restart, a network change, an armed crash
    /// point, a dropped or delivered packet).
    Done,
    /// The action changed nothing, for this reason (e.g. a crash of a server that is
    /// already down).
    NotApplied {
        /// Why.
        why: Refusal,
    },
    /// The write was handed to the server; its result comes later
    /// ([`Sim::writes`](super::Sim::writes)).
    WriteSubmitted {
        /// The write's request id.
        req: ReqId,
    },
    /// The server refused the write at once (it is down or not serving).
    WriteRefused {
        /// The write's request id.
        req: ReqId,
        /// Why.
        reason: WriteFailure,
    },
    /// The server answered the read from its own data tree.
    ReadAnswered {
        /// The znode's data, or `None` if it does not exist there.
        value: Option<String>,
    },
    /// The server is not serving (down, or not in BROADCAST), so it refused the read.
    ReadRefused,
    /// The server did not start: its startup checks refused (spec §11; ZooKeeper's
    /// `QuorumPeer.loadDataBase`).
    RestartFailed {
        /// Why.
        reason: StartRefusal,
    },
}

/// Why an action cannot be done now ([`Sim::check`](super::Sim::check)), or why an
/// applied one changed nothing ([`Outcome::NotApplied`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No server has this id.
    NoSuchServer {
        /// The id asked for.
        server: ServerId,
        /// The cluster's size (ids are `1..=size`).
        size: u32,
    },
    /// The server is already down.
    AlreadyDown {
        /// The server.
        server: ServerId,
    },
    /// The server is running.
    AlreadyRunning {
        /// The server.
        server: ServerId,
    },
    /// A single server has no links.
    NoLinks,
    /// Every link of the server is already cut.
    AlreadyIsolated {
        /// The server.
        server: ServerId,
    },
    /// A link joins two different servers.
    SameServer,
    /// The link (or the direction) is already cut.
    AlreadyCut {
        /// One end.
        from: ServerId,
        /// The other end.
        to: ServerId,
        /// Both directions were asked for.
        both: bool,
    },
    /// Neither direction of the link is cut.
    NotCut {
        /// One end.
        from: ServerId,
        /// The other end.
        to: ServerId,
    },
    /// No link of this server is cut.
    NoLinkCut {
        /// The server.
        server: ServerId,
    },
    /// No link is cut at all.
    NothingToHeal,
    /// No leader is active (in BROADCAST) right now.
    NoLeader,
    /// The packet is no longer in flight (it arrived or was lost).
    PacketGone {
        /// The packet id.
        packet: u64,
    },
    /// The packet cannot overtake earlier packets on its connection (TCP is FIFO).
    WouldOvertake {
        /// The packet id.
        packet: u64,
    },
    /// No session client has this id (or its handle is closed or expired).
    NoSuchClient {
        /// The client.
        client: ClientId,
    },
    /// A client with this id is already running.
    ClientRunning {
        /// The client.
        client: ClientId,
    },
    /// The client's network is already cut off.
    ClientAlreadyCut {
        /// The client.
        client: ClientId,
    },
    /// The client's network is not cut off.
    ClientNotCut {
        /// The client.
        client: ClientId,
    },
    /// A client needs at least one server in its connect string.
    NoServers,
    /// The znode path is not one a client may use.
    BadPath {
        /// The path given.
        path: String,
        /// What is wrong with it.
        problem: PathProblem,
    },
}

/// What is wrong with a znode path ([`Refusal::BadPath`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathProblem {
    /// Not absolute, or the root alone.
    NotAbsolute,
    /// Spaces, an empty segment or a trailing `/`.
    Malformed,
}

/// Checks a client's znode path.
pub fn check_path(path: &str) -> Result<(), Refusal> {
    let problem = if !path.starts_with('/') || path.len() < 2 {
        PathProblem::NotAbsolute
    } else if path.ends_with('/') || path.contains("//") || path.chars().any(char::is_whitespace) {
        PathProblem::Malformed
    } else {
        return Ok(());
    };
    Err(Refusal::BadPath {
        path: path.to_string(),
        problem,
    })
}
