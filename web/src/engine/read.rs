//! Views: the simulation read into the plain structs of [`crate::engine::views`].

use std::borrow::Cow;
use std::collections::BTreeSet;

use crate::t;

use crate::text::lang;
use crate::text::narrate::reasons;
use zab_core::client::{ToClient, ToServer};
use zab_core::packet::ServerState;
use zab_core::report::last_committed_zxid;
use zab_core::server::{SyncMode, WriteResult};
use zab_core::sim::{Channel, ClientMsg, Payload, PendingEvent};
use zab_core::storage::Disk;
use zab_core::{ServerId, Time, Zxid};

use super::{Engine, MAX_LOG_ENTRIES};
use crate::engine::views::{
    CallView, ClientPacketView, LogEntryView, LogRowView, PacketView, PendingView, ReadView, Role,
    ServerDetail, ServerView, SessionView, WriteView,
};
use crate::text::narrate;

impl Engine {
    // ---- views ----

    /// The active leader (LEADING in BROADCAST, newest epoch).
    pub fn leader(&self) -> Option<u32> {
        self.sim().leader().map(|s| s.0)
    }

    /// The active leader's epoch.
    pub fn leader_epoch(&self) -> Option<u32> {
        let id = self.sim().leader()?;
        self.sim().server(id).map(|s| s.current_epoch().0)
    }

    /// Every server, in id order.
    pub fn servers(&self) -> Vec<ServerView> {
        let leader = self.sim().leader();
        self.sim()
            .nodes
            .iter()
            .map(|n| {
                let observer = !self.sim().cfg.is_voter(n.id);
                let disk = n.disk();
                match &n.server {
                    Some(s) => ServerView {
                        id: n.id.0,
                        up: true,
                        observer,
                        role: Role::from(s.state()),
                        phase: s.phase().name(),
                        current_epoch: s.current_epoch().0,
                        accepted_epoch: s.accepted_epoch().0,
                        last_zxid: newest_zxid(disk),
                        applied_zxid: Some(s.tree.last_processed),
                        active_leader: leader == Some(n.id),
                        // An observer proposes nobody (leader 0): no bubble for it.
                        vote: (s.state() == ServerState::Looking)
                            .then_some(s.fle.proposal)
                            .flatten()
                            .filter(|v| v.leader.0 != 0)
                            .map(|v| crate::text::vote::of(&v)),
                    },
                    None => ServerView {
                        id: n.id.0,
                        up: false,
                        observer,
                        role: Role::Crashed,
                        phase: "",
                        current_epoch: disk.current_epoch.unwrap_or_default().0,
                        accepted_epoch: disk.accepted_epoch.unwrap_or_default().0,
                        last_zxid: newest_zxid(disk),
                        applied_zxid: None,
                        active_leader: false,
                        vote: None,
                    },
                }
            })
            .collect()
    }

    /// Packets in flight between two different servers, by id.
    pub fn packets(&self) -> Vec<PacketView> {
        self.sim()
            .packets
            .values()
            .filter(|p| p.from != p.to)
            .map(|p| PacketView {
                id: p.id,
                from: p.from.0,
                to: p.to.0,
                kind: p.payload.name(),
                phase: p.payload.phase(),
                vote: match &*p.payload {
                    Payload::Notification(n) => {
                        Some((n.vote.leader.0, crate::text::vote::of(&n.vote)))
                    }
                    _ => None,
                },
                summary: p.payload.summary(),
                election: matches!(p.channel, Channel::Election),
                sent_at: p.sent_at,
                deliver_at: p.deliver_at,
            })
            .collect()
    }

    /// Messages between session clients and their servers, on their way, by id.
    pub fn client_packets(&self) -> Vec<ClientPacketView> {
        self.sim()
            .client_flights
            .iter()
            .map(|(id, f)| {
                let (label, event, ping) = match &f.msg {
                    ClientMsg::ToServer(m) => (m.label(), None, *m == ToServer::Ping),
                    ClientMsg::ToClient(m) => {
                        let event = match m {
                            ToClient::Watch { event, .. } => Some(event.name()),
                            _ => None,
                        };
                        (m.label(), event, *m == ToClient::Pong)
                    }
                };
                ClientPacketView {
                    id: *id,
                    client: f.client,
                    server: f.server.0,
                    to_server: matches!(f.msg, ClientMsg::ToServer(_)),
                    label,
                    event,
                    ping,
                    sent_at: f.sent_at,
                    deliver_at: f.deliver_at,
                }
            })
            .collect()
    }

    /// One packet in flight.
    pub fn packet(&self, id: u64) -> Option<PacketView> {
        self.packets().into_iter().find(|p| p.id == id)
    }

    /// Cut directed links (from, to).
    pub fn cuts(&self) -> BTreeSet<(u32, u32)> {
        self.sim().net.cut.iter().map(|(a, b)| (a.0, b.0)).collect()
    }

    /// Open learner/leader connections as (learner, leader).
    pub fn connections(&self) -> BTreeSet<(u32, u32)> {
        self.sim()
            .net
            .conns
            .values()
            .filter(|c| c.open)
            .map(|c| (c.learner.0, c.leader.0))
            .collect()
    }

    /// Every server's log, snapshots and data tree.
    pub fn log_rows(&self) -> Vec<LogRowView> {
        self.sim()
            .nodes
            .iter()
            .map(|n| {
                let disk = n.disk();
                // The report's "last committed" (`zab-sim run`): what this server knows
                // to be committed (spec §12.2 lastC); nothing while it is down.
                let committed_upto: Option<Zxid> =
                    n.server.as_ref().map(|_| last_committed_zxid(n));
                let skip = disk.log.len().saturating_sub(MAX_LOG_ENTRIES);
                let entries = disk
                    .log
                    .iter()
                    .enumerate()
                    .skip(skip)
                    .map(|(i, t)| LogEntryView {
                        zxid: t.zxid,
                        op: t.op.label(),
                        committed: committed_upto.map(|c| t.zxid <= c),
                        flushed: i < disk.flushed,
                    })
                    .collect();
                LogRowView {
                    id: n.id.0,
                    up: n.server.is_some(),
                    role: n
                        .server
                        .as_ref()
                        .map_or(Role::Crashed, |s| Role::from(s.state())),
                    hidden: skip,
                    entries,
                    snapshots: disk.snapshots.iter().map(|s| s.zxid).collect(),
                    tree: n
                        .server
                        .as_ref()
                        .map(|s| {
                            s.tree
                                .nodes
                                .iter()
                                .map(|(k, v)| (k.clone(), v.clone()))
                                .collect()
                        })
                        .unwrap_or_default(),
                }
            })
            .collect()
    }

    /// Client writes, newest first (at most `max`).
    pub fn writes(&self, max: usize) -> Vec<WriteView> {
        self.sim()
            .writes
            .values()
            .rev()
            .take(max)
            .map(|w| {
                let (status, zxid, reason) = match &w.result {
                    None => ("pending", None, None),
                    Some(WriteResult::Committed { zxid }) => ("committed", Some(*zxid), None),
                    Some(WriteResult::Failed { reason }) => (
                        "failed",
                        None,
                        Some(reasons::write_failure(reason, lang::current())),
                    ),
                    Some(WriteResult::Unknown { reason }) => (
                        "unknown",
                        None,
                        Some(reasons::write_failure(reason, lang::current())),
                    ),
                };
                WriteView {
                    req: w.req.0,
                    at_ms: w.at_ms,
                    server: w.server.0,
                    op: w.op.label(),
                    status,
                    zxid,
                    reason,
                }
            })
            .collect()
    }

    /// The session clients, by id.
    pub fn sessions(&self) -> Vec<SessionView> {
        let sim = self.sim();
        sim.clients
            .values()
            .map(|c| {
                let tree = c
                    .server
                    .and_then(|s| sim.server(s))
                    .or_else(|| sim.leader().and_then(|l| sim.server(l)))
                    .map(|s| &s.tree);
                SessionView {
                    client: c.id,
                    state: c.state,
                    server: c.server.map(|s| s.0),
                    session: c.session,
                    timeout_ms: c.timeout_ms,
                    last_zxid: c.last_zxid,
                    ephemerals: match (tree, c.session) {
                        (Some(t), Some(s)) => t.ephemerals_of(s),
                        _ => Vec::new(),
                    },
                    watches: c.watches.iter().cloned().collect(),
                    cut: sim.client_cut.contains(&c.id),
                }
            })
            .collect()
    }

    /// The newest `max` session calls, newest first.
    pub fn calls(&self, max: usize) -> Vec<CallView> {
        self.sim()
            .calls
            .iter()
            .rev()
            .take(max)
            .map(|c| CallView {
                req: c.req.0,
                client: c.client,
                call: c.request.label(),
                outcome: c.outcome.clone(),
            })
            .collect()
    }

    /// Client reads, newest first.
    pub fn reads(&self) -> Vec<ReadView> {
        self.reads.iter().cloned().collect()
    }

    /// The next `max` pending events, in the order they will run, and how many in all.
    pub fn pending(&self, max: usize) -> (Vec<PendingView>, usize) {
        let all = self.sim().pending();
        let total = all.len();
        let packets = &self.sim().packets;
        let list = all
            .into_iter()
            .take(max)
            .map(|p| {
                let (what, packet) = match &p.event {
                    PendingEvent::Deliver { packet } => match packets.get(packet) {
                        Some(pk) if pk.from == pk.to => (
                            t!(
                                "pending.loop",
                                from = pk.from,
                                packet = pk.payload.summary()
                            )
                            .into_owned(),
                            None,
                        ),
                        Some(pk) => (
                            t!(
                                "pending.deliver",
                                from = pk.from,
                                to = pk.to,
                                packet = pk.payload.summary()
                            )
                            .into_owned(),
                            Some(pk.id),
                        ),
                        None => (t!("pending.arrives", id = packet).into_owned(), None),
                    },
                    PendingEvent::Timer { server, timer } => (
                        t!(
                            "pending.timer",
                            id = server,
                            timer = narrate::timer_name(*timer)
                        )
                        .into_owned(),
                        None,
                    ),
                    PendingEvent::FsyncDone { server, upto } => (
                        t!("pending.fsync", id = server, upto = upto).into_owned(),
                        None,
                    ),
                    PendingEvent::Action(a) => (super::phrasing::action(a), None),
                    PendingEvent::ClientMessage { id } => {
                        let text = match self.sim().client_flights.get(id) {
                            Some(f) => narrate::sessions::flight(f, lang::current()),
                            None => t!("pending.client_gone").into_owned(),
                        };
                        (text, None)
                    }
                    PendingEvent::ClientTimer { client } => (
                        t!("pending.client_timer", client = client).into_owned(),
                        None,
                    ),
                };
                PendingView {
                    at_ms: p.at_ms,
                    what,
                    packet,
                }
            })
            .collect();
        (list, total)
    }

    /// The scenario's scripted steps still to come: (time, what), at most `max`.
    pub fn script_ahead(&self, max: usize) -> Vec<(Time, String)> {
        let now = self.sim().now;
        self.scenario()
            .schedule
            .iter()
            .filter(|s| s.at_ms > now || (s.at_ms == now && now == 0))
            .take(max)
            .map(|s| (s.at_ms, super::phrasing::action(&s.action)))
            .collect()
    }

    /// What the details box shows about a server.
    pub fn server_detail(&self, id: u32) -> ServerDetail {
        let mut d = ServerDetail::default();
        let Some(node) = self.sim().node(ServerId(id)) else {
            return d;
        };
        let disk = node.disk();
        let mut fact = |k: Cow<str>, v: String| d.facts.push((k.into_owned(), v));
        fact(
            t!("fact.kind"),
            if self.sim().cfg.is_voter(node.id) {
                t!("fact.participant").into()
            } else {
                t!("fact.observer").into()
            },
        );
        fact(
            t!("fact.epochs"),
            format!(
                "{} / {}",
                opt_epoch(disk.accepted_epoch),
                opt_epoch(disk.current_epoch)
            ),
        );
        fact(t!("fact.last_logged"), newest_zxid(disk).to_string());
        fact(
            t!("fact.log"),
            t!(
                "fact.log_value",
                count = disk.log.len(),
                flushed = disk.flushed.min(disk.log.len())
            )
            .into(),
        );
        fact(
            t!("fact.snapshots"),
            if disk.snapshots.is_empty() {
                t!("fact.none").into()
            } else {
                disk.snapshots
                    .iter()
                    .map(|s| s.zxid.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        );
        let Some(s) = &node.server else {
            let reason = node
                .down_reason
                .as_ref()
                .map(|r| reasons::down_reason(r, lang::current()));
            d.facts
                .push((t!("fact.down").into(), reason.unwrap_or_default()));
            return d;
        };
        d.facts.push((
            t!("fact.state_phase").into(),
            format!("{} / {}", s.state().name(), s.phase().name()),
        ));
        d.facts
            .push((t!("fact.applied").into(), s.tree.last_processed.to_string()));
        d.facts.push((
            t!("fact.current_vote").into(),
            crate::text::vote::of(&s.current_vote),
        ));
        if s.state() == ServerState::Looking {
            if let Some(p) = s.fle.proposal {
                d.facts.push((
                    t!("fact.proposes").into(),
                    t!(
                        "fact.proposes_value",
                        vote = crate::text::vote::of(&p),
                        round = s.fle.logicalclock
                    )
                    .into(),
                ));
            }
            for (from, (vote, state)) in &s.fle.recvset {
                d.lines.push(
                    t!(
                        "fact.vote_from",
                        from = from,
                        vote = crate::text::vote::of(vote),
                        state = state.name()
                    )
                    .into(),
                );
            }
            for (from, (vote, state)) in &s.fle.outofelection {
                d.lines.push(
                    t!(
                        "fact.established",
                        from = from,
                        state = state.name(),
                        vote = crate::text::vote::of(vote)
                    )
                    .into(),
                );
            }
        }
        if let Some(l) = &s.leader() {
            d.facts.push((
                t!("fact.epoch_committed").into(),
                format!(
                    "{} / {}",
                    l.epoch.map_or("-1".to_string(), |e| e.to_string()),
                    l.last_committed
                ),
            ));
            for h in l.handlers.values() {
                let (id, stage, sync) = (h.sid, h.stage.name(), h.sync_mode.name());
                d.lines.push(
                    if h.observer {
                        t!("fact.observer_learner", id = id, stage = stage, sync = sync)
                    } else {
                        t!("fact.learner", id = id, stage = stage, sync = sync)
                    }
                    .into(),
                );
            }
            for (z, p) in &l.outstanding {
                let acks: Vec<String> = p.acks.iter().map(|a| a.to_string()).collect();
                d.lines.push(
                    t!(
                        "fact.outstanding",
                        zxid = z,
                        op = p.txn.op.label(),
                        acks = acks.join(", ")
                    )
                    .into(),
                );
            }
        }
        if let Some(l) = &s.learner() {
            d.facts.push((
                t!("fact.leader_stage").into(),
                format!("{} / {}", l.leader, l.stage.name()),
            ));
            if s.sync_mode() != SyncMode::None {
                d.facts
                    .push((t!("fact.sync_mode").into(), s.sync_mode().name().into()));
            }
        }
        d
    }
}

/// The newest zxid the durable state holds: the last logged txn or the newest snapshot's
/// label, whichever is newer (after a SNAP sync the snapshot is newer); the same as
/// `last_logged_zxid` in `zab-sim run --json`.
fn newest_zxid(disk: &Disk) -> Zxid {
    disk.last_logged_zxid()
        .max(disk.snapshots.last().map_or(Zxid::ZERO, |s| s.zxid))
}

fn opt_epoch(e: Option<zab_core::Epoch>) -> String {
    e.map_or_else(|| t!("fact.none").into_owned(), |e| e.to_string())
}

impl Engine {
    /// Every server's `mntr` answer (`None`: down or not serving), in id order, with
    /// whether its process runs (zab_core::monitor).
    pub fn monitor(&self) -> Vec<(u32, bool, Option<zab_core::monitor::Mntr>)> {
        self.sim()
            .nodes
            .iter()
            .map(|n| (n.id.0, n.is_up(), zab_core::monitor::mntr_of(n)))
            .collect()
    }

    /// The monitoring alerts standing now (zab_core::monitor::alerts).
    pub fn alerts(&self) -> Vec<zab_core::monitor::Alert> {
        zab_core::monitor::alerts(self.sim(), zab_core::monitor::DEFAULT_MAX_LAG)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zab_core::report::Report;
    use zab_core::scenario::{presets, Scenario};

    /// The logs panel's committed marks are the report's `last_committed_zxid` (spec
    /// §12.2 lastC, what `zab-sim run` prints as "last committed"): on every preset,
    /// sampled every 250 ms, each running server's entries up to it are committed and
    /// the rest are not; a down server's are unknown.
    #[test]
    fn the_logs_panel_marks_what_the_report_calls_committed() {
        let mut samples = 0;
        for (name, sc) in presets() {
            let mut e = Engine::new(&sc).expect("runs");
            while e.now() < sc.run_until_ms {
                e.skip(250);
                let report = Report::of(e.tl.run());
                for row in e.log_rows() {
                    let known = report.server(row.id).expect("a server").last_committed_zxid;
                    for entry in &row.entries {
                        let want = row.up.then_some(entry.zxid <= known);
                        assert_eq!(entry.committed, want, "{name} t={} {row:?}", e.now());
                    }
                    samples += 1;
                }
            }
        }
        assert!(samples > 100);
    }

    /// uncommitted-trunc: server 3, cut off as leader of epoch 1, logs 0x100000003,
    /// which is never committed (the next leader's TRUNC removes it). While it is
    /// LOOKING the panel does not show that txn as committed.
    #[test]
    fn an_orphan_txn_is_not_shown_committed() {
        let sc = zab_core::scenario::preset("uncommitted-trunc").expect("a preset");
        let mut e = Engine::new(&sc).expect("runs");
        e.skip(7_000);
        let row = e.log_rows().into_iter().find(|r| r.id == 3).unwrap();
        assert_eq!(row.role, Role::Looking);
        let orphan = row
            .entries
            .iter()
            .find(|t| t.zxid == "0x100000003".parse().unwrap())
            .expect("logged");
        assert_eq!(orphan.committed, Some(false));
    }

    /// Issue 13: the next-events panel showed Rust debug text (`timer HandlerRead {
    /// conn: ConnId(0) } of server 5`); every pending event is now worded.
    #[test]
    fn pending_events_are_words_not_debug_text() {
        let mut e = Engine::new(&Scenario::new(5)).expect("runs");
        let mut seen_timer = false;
        for _ in 0..40 {
            e.skip(100);
            let (list, _) = e.pending(200);
            for p in &list {
                assert!(
                    !p.what.contains('{') && !p.what.contains("ConnId") && !p.what.contains("::"),
                    "{}",
                    p.what
                );
                seen_timer |= p.what.contains("learner handler read timeout fires");
            }
        }
        assert!(
            seen_timer,
            "a leader's handler timers are among the pending events"
        );
    }
}
