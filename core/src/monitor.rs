//! Monitoring as operators see a real ensemble: the four-letter words `ruok`, `srvr`,
//! `stat` and `mntr` answered from the simulated state, as typed answers (their text,
//! exactly as ZooKeeper 3.8 prints it, is their `Display`), and the alerts an
//! operator's dashboard raises ([`Alert`]).
//!
//! The sources (apache/zookeeper, 3.8):
//! - `server/command/RuokCommand.java`: `imok` from any running process;
//! - `server/command/StatCommand.java` (`srvr` and `stat`) with `ServerStats.toString`;
//!   both answer `This ZooKeeper instance is not currently serving requests`
//!   (`AbstractFourLetterCommand.ZK_NOT_SERVING`) unless the server serves;
//! - `server/command/MonitorCommand.java` (`mntr`): `zk_<key>\t<value>` lines, first
//!   `ZooKeeperServer.dumpMonitorValues` (`version`, `server_state`) and
//!   `QuorumZooKeeperServer.dumpMonitorValues` (`peer_state`,
//!   `QuorumPeer.getDetailedPeerState`), then the gauges `ZooKeeperServer.registerMetrics`
//!   and `LeaderZooKeeperServer.registerMetrics` register (`learners`,
//!   `synced_followers`, `synced_observers`, `pending_syncs` on the leader only). The
//!   gauges are printed here in registration order; ZooKeeper's default metrics
//!   provider dumps them in its map's order. Before 3.6, `learners` was called
//!   `followers`.
//!
//! A server that is down does not answer at all ([`ask`] returns `None`).
//!
//! Left out, because the simulator has nothing honest to put there: `uptime` and
//! `leader_uptime`, file descriptor counts, data/log directory sizes, proposal and
//! response sizes (`Proposal sizes last/min/max`), and the metrics of ZooKeeper's
//! metrics provider (request processor timings, fsync times).

use crate::client::ClientState;
use crate::ids::{ClientId, ServerId, SessionId, Time, Zxid};
use crate::packet::ServerState;
use crate::server::{HandlerStage, Phase, Server, SyncMode};
use crate::sim::{Node, ServerStats, Sim};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What `Version.getFullVersion()` stands for here.
pub const VERSION: &str = concat!(
    "ZabScope ",
    env!("CARGO_PKG_VERSION"),
    " (ZooKeeper 3.8 model)"
);

/// A follower this many txns behind its leader raises [`Alert::FollowerLagging`].
pub const DEFAULT_MAX_LAG: u64 = 5;

/// `AbstractFourLetterCommand.ZK_NOT_SERVING`.
pub const NOT_SERVING: &str = "This ZooKeeper instance is not currently serving requests";

/// The four-letter words answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Word {
    /// `ruok`: are you ok?
    Ruok,
    /// `srvr`: the server's statistics.
    Srvr,
    /// `stat`: `srvr` with the client connections.
    Stat,
    /// `mntr`: the monitoring values.
    Mntr,
}

impl Word {
    /// Every word, in the order above.
    pub const ALL: [Word; 4] = [Word::Ruok, Word::Srvr, Word::Stat, Word::Mntr];

    /// The word itself.
    pub fn name(self) -> &'static str {
        match self {
            Word::Ruok => "ruok",
            Word::Srvr => "srvr",
            Word::Stat => "stat",
            Word::Mntr => "mntr",
        }
    }

    /// The word named `name`.
    pub fn from_name(name: &str) -> Option<Word> {
        Word::ALL.into_iter().find(|w| w.name() == name)
    }
}

/// `ServerStats.getServerState()` (`ZooKeeperServer.getState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// `LeaderZooKeeperServer`.
    Leader,
    /// `FollowerZooKeeperServer`.
    Follower,
    /// `ObserverZooKeeperServer`.
    Observer,
}

impl Mode {
    /// ZooKeeper's name for it.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Leader => "leader",
            Mode::Follower => "follower",
            Mode::Observer => "observer",
        }
    }
}

/// `Latency min/avg/max` (`AvgMinMaxCounter`), in ms.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Latency {
    /// The smallest (0 before any request).
    pub min: u64,
    /// The mean, rounded half-up to 4 decimals (0 before any request).
    pub avg: f64,
    /// The largest.
    pub max: u64,
}

impl Latency {
    fn of(stats: &ServerStats) -> Latency {
        let avg = if stats.latency_count == 0 {
            0.0
        } else {
            let mean = stats.latency_total as f64 / stats.latency_count as f64;
            (mean * 10_000.0).round() / 10_000.0
        };
        Latency {
            min: stats.latency_min.unwrap_or(0),
            avg,
            max: stats.latency_max,
        }
    }
}

/// The `srvr` answer of a serving server (StatCommand, ServerStats.toString).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Srvr {
    /// Request latency.
    pub latency: Latency,
    /// `Received`: client packets received.
    pub received: u64,
    /// `Sent`: client packets sent.
    pub sent: u64,
    /// `Connections`: live client connections.
    pub connections: u64,
    /// `Outstanding`: client requests submitted and not answered yet.
    pub outstanding: u64,
    /// `Zxid`: the last processed zxid.
    pub zxid: Zxid,
    /// `Mode`.
    pub mode: Mode,
    /// `Node count`: the znodes and the root (ZooKeeper also counts its own
    /// `/zookeeper`, `/zookeeper/quota` and `/zookeeper/config`, not modelled).
    pub node_count: u64,
}

/// One line of `stat`'s `Clients:` (`ServerCnxn.dumpConnectionInfo`, brief).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClientLine {
    /// The client (its socket address in ZooKeeper).
    pub client: ClientId,
    /// `queued`: its requests outstanding here.
    pub queued: u64,
    /// `recved`: packets received from it.
    pub received: u64,
    /// `sent`: packets sent to it.
    pub sent: u64,
}

/// The leader-only gauges of `mntr` (LeaderZooKeeperServer.registerMetrics).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderGauges {
    /// `learners`: every learner connection (`Leader.getLearners`).
    pub learners: u64,
    /// `synced_followers`: followers past UPTODATE (`getForwardingFollowers`).
    pub synced_followers: u64,
    /// `synced_observers`: observers past UPTODATE.
    pub synced_observers: u64,
    /// `pending_syncs`: `sync()` calls waiting (the model has no `sync()`: always 0).
    pub pending_syncs: u64,
}

/// The `mntr` answer of a serving server, field by field in the order printed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mntr {
    /// `zk_version` ([`VERSION`]).
    pub version: String,
    /// `zk_server_state`.
    pub server_state: Mode,
    /// `zk_peer_state` (`QuorumPeer.getDetailedPeerState`).
    pub peer_state: PeerState,
    /// `zk_avg_latency`.
    pub avg_latency: f64,
    /// `zk_max_latency`.
    pub max_latency: u64,
    /// `zk_min_latency`.
    pub min_latency: u64,
    /// `zk_packets_received`.
    pub packets_received: u64,
    /// `zk_packets_sent`.
    pub packets_sent: u64,
    /// `zk_num_alive_connections`.
    pub num_alive_connections: u64,
    /// `zk_outstanding_requests`.
    pub outstanding_requests: u64,
    /// `zk_znode_count` (see [`Srvr::node_count`]).
    pub znode_count: u64,
    /// `zk_watch_count`: (path, client) watches registered here.
    pub watch_count: u64,
    /// `zk_ephemerals_count`.
    pub ephemerals_count: u64,
    /// `zk_approximate_data_size`: the sum of every znode's path and data lengths
    /// (`DataTree.approximateDataSize`).
    pub approximate_data_size: u64,
    /// `zk_global_sessions`: the sessions in the database.
    pub global_sessions: u64,
    /// The leader's gauges, on the leader only.
    pub leader: Option<LeaderGauges>,
    /// The last processed zxid: not a line of 3.8's `mntr` (it is `srvr`'s `Zxid`),
    /// kept for the panel and the JSON report, where lag is read off it.
    pub last_zxid: Zxid,
}

/// `zk_peer_state`: the peer state, the ZAB phase and the sync mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerState {
    /// `QuorumPeer.ServerState`.
    pub state: ServerState,
    /// `QuorumPeer.ZabState`.
    pub phase: Phase,
    /// `QuorumPeer.SyncMode`.
    pub sync_mode: SyncMode,
}

impl fmt::Display for PeerState {
    /// `state`, then ` - phase` unless ELECTION, then ` - mode` unless NONE, lower case.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.state.name().to_lowercase())?;
        if self.phase != Phase::Election {
            write!(f, " - {}", self.phase.name().to_lowercase())?;
        }
        if self.sync_mode != SyncMode::None {
            write!(f, " - {}", self.sync_mode.name().to_lowercase())?;
        }
        Ok(())
    }
}

/// A running server's answer to a four-letter word.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum Answer {
    /// `ruok`: `imok`.
    Imok,
    /// `srvr`, `stat` or `mntr` while the server does not serve (it is electing or
    /// syncing).
    NotServing,
    /// `srvr`.
    Srvr(Srvr),
    /// `stat`: `srvr` with the client connections.
    Stat {
        /// The connections.
        clients: Vec<ClientLine>,
        /// The rest, as `srvr`.
        srvr: Srvr,
    },
    /// `mntr`.
    Mntr(Mntr),
}

/// The answer of server `id` to `word`, or `None` when it is down (a real server's
/// port is closed).
pub fn ask(sim: &Sim, id: ServerId, word: Word) -> Option<Answer> {
    answer(sim.node(id)?, word)
}

/// The answer of a machine's server to `word`, or `None` when it is down.
pub fn answer(node: &Node, word: Word) -> Option<Answer> {
    let server = node.server.as_ref()?;
    let mode = mode(server);
    Some(match (word, mode) {
        (Word::Ruok, _) => Answer::Imok,
        (_, None) => Answer::NotServing,
        (Word::Srvr, Some(mode)) => Answer::Srvr(srvr(server, &node.stats, mode)),
        (Word::Stat, Some(mode)) => Answer::Stat {
            clients: clients(server, &node.stats),
            srvr: srvr(server, &node.stats, mode),
        },
        (Word::Mntr, Some(mode)) => Answer::Mntr(mntr(server, &node.stats, mode)),
    })
}

/// A machine's `mntr`: `None` when its server is down or does not serve.
pub fn mntr_of(node: &Node) -> Option<Mntr> {
    match answer(node, Word::Mntr)? {
        Answer::Mntr(m) => Some(m),
        _ => None,
    }
}

/// The mode of a serving server, `None` if it does not serve (`isZKServerRunning`).
fn mode(server: &Server) -> Option<Mode> {
    if !server.is_serving() {
        return None;
    }
    match server.state() {
        ServerState::Leading => Some(Mode::Leader),
        ServerState::Following => Some(Mode::Follower),
        ServerState::Observing => Some(Mode::Observer),
        ServerState::Looking => None,
    }
}

fn outstanding(server: &Server) -> u64 {
    (server.client_pending.len() + server.held_reads.len() + server.pending_writes.len()) as u64
}

fn node_count(server: &Server) -> u64 {
    server.tree.nodes.len() as u64 + 1
}

fn srvr(server: &Server, stats: &ServerStats, mode: Mode) -> Srvr {
    Srvr {
        latency: Latency::of(stats),
        received: stats.packets_received,
        sent: stats.packets_sent,
        connections: server.cnxns.len() as u64,
        outstanding: outstanding(server),
        zxid: server.tree.last_processed,
        mode,
        node_count: node_count(server),
    }
}

fn clients(server: &Server, stats: &ServerStats) -> Vec<ClientLine> {
    server
        .cnxns
        .keys()
        .map(|&client| {
            let counts = stats.cnxns.get(&client).copied().unwrap_or_default();
            ClientLine {
                client,
                queued: (server
                    .client_pending
                    .values()
                    .filter(|c| **c == client)
                    .count()
                    + server
                        .held_reads
                        .iter()
                        .filter(|(_, c, _)| *c == client)
                        .count()) as u64,
                received: counts.received,
                sent: counts.sent,
            }
        })
        .collect()
}

fn mntr(server: &Server, stats: &ServerStats, mode: Mode) -> Mntr {
    let latency = Latency::of(stats);
    let tree = &server.tree;
    let leader = server.leader().map(|l| {
        let synced = |observer: bool| {
            l.handlers
                .values()
                .filter(|h| h.observer == observer && h.stage == HandlerStage::Broadcast)
                .count() as u64
        };
        LeaderGauges {
            learners: l.handlers.len() as u64,
            synced_followers: synced(false),
            synced_observers: synced(true),
            pending_syncs: 0,
        }
    });
    Mntr {
        version: VERSION.to_string(),
        server_state: mode,
        peer_state: PeerState {
            state: server.state(),
            phase: server.phase(),
            sync_mode: server.sync_mode(),
        },
        avg_latency: latency.avg,
        max_latency: latency.max,
        min_latency: latency.min,
        packets_received: stats.packets_received,
        packets_sent: stats.packets_sent,
        num_alive_connections: server.cnxns.len() as u64,
        outstanding_requests: outstanding(server),
        znode_count: node_count(server),
        watch_count: server.watches.count() as u64,
        ephemerals_count: tree.ephemeral_count() as u64,
        approximate_data_size: tree
            .nodes
            .iter()
            .map(|(path, data)| (path.len() + data.len()) as u64)
            .sum(),
        global_sessions: tree.sessions.len() as u64,
        leader,
        last_zxid: tree.last_processed,
    }
}

/// Java's `Double.toString` for the values printed here (always a decimal point).
fn java_double(x: f64) -> String {
    format!("{x:?}")
}

impl fmt::Display for Srvr {
    /// `ServerStats.toString` followed by `Node count:`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let l = &self.latency;
        writeln!(
            f,
            "Latency min/avg/max: {}/{}/{}",
            l.min,
            java_double(l.avg),
            l.max
        )?;
        writeln!(f, "Received: {}", self.received)?;
        writeln!(f, "Sent: {}", self.sent)?;
        writeln!(f, "Connections: {}", self.connections)?;
        writeln!(f, "Outstanding: {}", self.outstanding)?;
        writeln!(f, "Zxid: 0x{:x}", self.zxid.0)?;
        writeln!(f, "Mode: {}", self.mode.name())?;
        writeln!(f, "Node count: {}", self.node_count)
    }
}

impl fmt::Display for Mntr {
    /// `zk_<key>\t<value>` lines (MonitorCommand.print: integers as they are,
    /// other numbers as Java doubles).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (key, value) in self.lines() {
            writeln!(f, "zk_{key}\t{value}")?;
        }
        Ok(())
    }
}

impl Mntr {
    /// The lines of `mntr`, as (key without `zk_`, value), in the order printed.
    pub fn lines(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("version", self.version.to_string()),
            ("server_state", self.server_state.name().to_string()),
            ("peer_state", self.peer_state.to_string()),
            ("avg_latency", java_double(self.avg_latency)),
            ("max_latency", self.max_latency.to_string()),
            ("min_latency", self.min_latency.to_string()),
            ("packets_received", self.packets_received.to_string()),
            ("packets_sent", self.packets_sent.to_string()),
            (
                "num_alive_connections",
                self.num_alive_connections.to_string(),
            ),
            (
                "outstanding_requests",
                self.outstanding_requests.to_string(),
            ),
            ("znode_count", self.znode_count.to_string()),
            ("watch_count", self.watch_count.to_string()),
            ("ephemerals_count", self.ephemerals_count.to_string()),
            (
                "approximate_data_size",
                self.approximate_data_size.to_string(),
            ),
            ("global_sessions", self.global_sessions.to_string()),
        ];
        if let Some(l) = self.leader {
            out.extend([
                ("learners", l.learners.to_string()),
                ("synced_followers", l.synced_followers.to_string()),
                ("synced_observers", l.synced_observers.to_string()),
                ("pending_syncs", l.pending_syncs.to_string()),
            ]);
        }
        out
    }
}

impl fmt::Display for Answer {
    /// The text the server writes back, exactly as ZooKeeper 3.8 does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Imok => f.write_str("imok"),
            Answer::NotServing => writeln!(f, "{NOT_SERVING}"),
            Answer::Srvr(s) => write!(f, "Zookeeper version: {VERSION}\n{s}"),
            Answer::Stat { clients, srvr } => {
                writeln!(f, "Zookeeper version: {VERSION}")?;
                writeln!(f, "Clients:")?;
                for c in clients {
                    writeln!(
                        f,
                        " /{}[1](queued={},recved={},sent={})",
                        c.client, c.queued, c.received, c.sent
                    )?;
                }
                writeln!(f)?;
                write!(f, "{srvr}")
            }
            Answer::Mntr(m) => write!(f, "{m}"),
        }
    }
}

/// Something an operator's dashboard raises, computed from the simulated state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "alert", rename_all = "snake_case")]
pub enum Alert {
    /// No server serves: no leader is in BROADCAST (after the first one was).
    QuorumLost,
    /// The newest leader is not the one before it.
    LeaderChanged {
        /// The leader before.
        from: ServerId,
        /// The leader now.
        to: ServerId,
        /// When the new one reached BROADCAST.
        at_ms: Time,
    },
    /// A server's process is down.
    ServerDown {
        /// The server.
        server: ServerId,
    },
    /// A follower has applied `behind` fewer txns than its leader (at least the
    /// threshold given to [`alerts`]).
    FollowerLagging {
        /// The follower.
        server: ServerId,
        /// How many txns behind.
        behind: u64,
    },
    /// The ensemble expired a client's session.
    SessionExpired {
        /// The session.
        session: SessionId,
        /// Its client.
        client: ClientId,
    },
}

/// The alerts standing now, in the order of the variants; a follower is lagging at
/// `max_lag` txns or more behind.
pub fn alerts(sim: &Sim, max_lag: u64) -> Vec<Alert> {
    let mut out = Vec::new();
    let leader = sim.leader().and_then(|id| sim.server(id));
    if leader.is_none() && !sim.elections.is_empty() {
        out.push(Alert::QuorumLost);
    }
    if let [.., before, last] = sim.elections.as_slice() {
        if before.leader != last.leader {
            out.push(Alert::LeaderChanged {
                from: before.leader,
                to: last.leader,
                at_ms: last.at_ms,
            });
        }
    }
    for n in sim.nodes.iter().filter(|n| !n.is_up()) {
        out.push(Alert::ServerDown { server: n.id });
    }
    if let Some(leader) = leader {
        let done = leader.tree.applied.len();
        for s in sim.nodes.iter().filter_map(|n| n.server.as_ref()) {
            let behind = done.saturating_sub(s.tree.applied.len());
            if s.state() == ServerState::Following && behind >= max_lag {
                out.push(Alert::FollowerLagging {
                    server: s.id,
                    behind,
                });
            }
        }
    }
    for c in sim.clients.values() {
        if let (ClientState::Expired, Some(session)) = (c.state, c.session) {
            out.push(Alert::SessionExpired {
                session,
                client: c.id,
            });
        }
    }
    out
}
