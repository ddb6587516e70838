//! Plain sentences for trace events, and the bounded event log that keeps them.
//!
//! Only wording lives here: every fact comes from the trace core emits.

use std::collections::VecDeque;

use zab_core::server::{EpochFile, ServerEvent, Timer, WriteResult};
use zab_core::sim::{TraceEvent, TraceKind};
use zab_core::Time;

/// Entries kept of the quiet kinds (everything but packets and timers).
pub const MAX_MAIN: usize = 800;
/// Entries kept of the chatty kinds (packets, timers): they would push out the rest.
pub const MAX_CHATTY: usize = 400;

/// What an entry is about, for the filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Votes and election results.
    Election,
    /// Role and phase changes, epochs established, leaders active.
    Phase,
    /// DIFF / TRUNC / SNAP choices and truncations.
    Sync,
    /// Proposals and commits.
    Broadcast,
    /// Log appends, fsyncs, snapshots, epoch files.
    Disk,
    /// Client writes, replies and reads.
    Client,
    /// Crashes, restarts, network changes, lost packets, warnings, violations.
    Fault,
    /// Packets sent and delivered.
    Packet,
    /// Timers firing.
    Timer,
}

impl Kind {
    /// Every kind, in filter order.
    pub const ALL: [Kind; 9] = [
        Kind::Election,
        Kind::Phase,
        Kind::Sync,
        Kind::Broadcast,
        Kind::Disk,
        Kind::Client,
        Kind::Fault,
        Kind::Packet,
        Kind::Timer,
    ];

    /// Button label.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Election => "Election",
            Kind::Phase => "Phases",
            Kind::Sync => "Sync",
            Kind::Broadcast => "Broadcast",
            Kind::Disk => "Disk",
            Kind::Client => "Clients",
            Kind::Fault => "Faults",
            Kind::Packet => "Packets",
            Kind::Timer => "Timers",
        }
    }

    /// `data-kind` value and CSS class.
    pub fn attr(self) -> &'static str {
        match self {
            Kind::Election => "election",
            Kind::Phase => "phase",
            Kind::Sync => "sync",
            Kind::Broadcast => "broadcast",
            Kind::Disk => "disk",
            Kind::Client => "client",
            Kind::Fault => "fault",
            Kind::Packet => "packet",
            Kind::Timer => "timer",
        }
    }

    /// Shown before the user changes the filter.
    pub fn on_by_default(self) -> bool {
        !matches!(self, Kind::Packet | Kind::Timer | Kind::Disk)
    }

    fn chatty(self) -> bool {
        matches!(self, Kind::Packet | Kind::Timer)
    }
}

/// One line of the event log.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Order of arrival (unique).
    pub seq: u64,
    /// Simulated time.
    pub at_ms: Time,
    /// For the filter.
    pub kind: Kind,
    /// Servers the sentence is about.
    pub servers: Vec<u32>,
    /// The sentence.
    pub text: String,
}

/// The last entries, bounded: chatty kinds in their own ring so they never push out
/// the sentences that matter.
#[derive(Clone, Debug, Default)]
pub struct EventLog {
    main: VecDeque<Entry>,
    chatty: VecDeque<Entry>,
    next: u64,
}

impl EventLog {
    /// Adds an entry (its `seq` is assigned here).
    pub fn push(&mut self, mut e: Entry) {
        e.seq = self.next;
        self.next += 1;
        let (ring, cap) = if e.kind.chatty() {
            (&mut self.chatty, MAX_CHATTY)
        } else {
            (&mut self.main, MAX_MAIN)
        };
        ring.push_back(e);
        while ring.len() > cap {
            ring.pop_front();
        }
    }

    /// The newest `max` entries that pass `keep`, newest first.
    pub fn newest(&self, max: usize, keep: impl Fn(&Entry) -> bool) -> Vec<Entry> {
        let mut a = self.main.iter().rev().filter(|e| keep(e)).peekable();
        let mut b = self.chatty.iter().rev().filter(|e| keep(e)).peekable();
        let mut out = Vec::with_capacity(max.min(self.main.len() + self.chatty.len()));
        while out.len() < max {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x.seq > y.seq => a.next(),
                (Some(_), Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, Some(_)) => b.next(),
                (None, None) => None,
            };
            match next {
                Some(e) => out.push(e.clone()),
                None => break,
            }
        }
        out
    }

    /// The sentence of the newest of the last `n` entries that is not chatty (or the
    /// newest chatty one if all are), with its time.
    pub fn latest(&self, n: usize) -> Option<String> {
        let recent = self.newest(n, |_| true);
        let pick = recent
            .iter()
            .find(|e| !e.kind.chatty())
            .or(recent.first())?;
        Some(format!("t = {} ms: {}", pick.at_ms, pick.text))
    }

    /// Number of entries held.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.main.len() + self.chatty.len()
    }
}

fn entry(at_ms: Time, kind: Kind, servers: Vec<u32>, text: String) -> Entry {
    Entry {
        seq: 0,
        at_ms,
        kind,
        servers,
        text,
    }
}

/// A timer's name in words (the event log and the next-events panel).
pub fn timer_name(t: Timer) -> &'static str {
    match t {
        Timer::FleTimeout => "election poll timeout",
        Timer::FinalizeWait => "finalizeWait",
        Timer::LeaderTick => "leader tick",
        Timer::LeaderWait => "initLimit wait",
        Timer::LearnerRead => "read timeout",
        Timer::HandlerRead { .. } => "learner handler read timeout",
        Timer::ConnectRetry => "connect retry",
    }
}

fn join(ids: &[zab_core::ServerId]) -> String {
    ids.iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn with_reason(text: String, reason: &dyn std::fmt::Display) -> String {
    let reason = reason.to_string();
    if reason.is_empty() {
        text
    } else {
        format!("{text}: {reason}")
    }
}

/// One trace event as a sentence.
pub fn narrate(ev: &TraceEvent) -> Entry {
    let t = ev.at_ms;
    match &ev.kind {
        TraceKind::PacketSent {
            from, to, summary, ..
        } => entry(
            t,
            Kind::Packet,
            vec![from.0, to.0],
            format!("Server {from} sends {summary} to {to}"),
        ),
        TraceKind::PacketDelivered {
            from, to, packet, ..
        } => entry(
            t,
            Kind::Packet,
            vec![from.0, to.0],
            format!("Server {to} receives {packet} from {from}"),
        ),
        TraceKind::PacketDropped {
            from,
            to,
            packet,
            reason,
            ..
        } => entry(
            t,
            Kind::Fault,
            vec![from.0, to.0],
            with_reason(format!("{packet} from {from} to {to} is lost"), reason),
        ),
        TraceKind::TimerFired { server, timer } => entry(
            t,
            Kind::Timer,
            vec![server.0],
            format!("Server {server}: {} fires", timer_name(*timer)),
        ),
        TraceKind::Server { server, event } => server_event(t, server.0, event),
        TraceKind::Crash { server, reason } => entry(
            t,
            Kind::Fault,
            vec![server.0],
            with_reason(format!("Server {server} crashes"), reason),
        ),
        TraceKind::Restart { server, failed } => match failed {
            None => entry(
                t,
                Kind::Fault,
                vec![server.0],
                if t == 0 {
                    format!("Server {server} starts")
                } else {
                    format!("Server {server} restarts")
                },
            ),
            Some(reason) => entry(
                t,
                Kind::Fault,
                vec![server.0],
                format!("Server {server} refuses to start: {reason}"),
            ),
        },
        TraceKind::ClientWrite { req, server, op } => entry(
            t,
            Kind::Client,
            vec![server.0],
            format!("Client write #{} at server {server}: {}", req.0, op.label()),
        ),
        TraceKind::ClientReply {
            req,
            server,
            result,
        } => match result {
            WriteResult::Committed { zxid } => entry(
                t,
                Kind::Client,
                vec![server.0],
                format!(
                    "Write #{} committed as {zxid} (answered by server {server})",
                    req.0
                ),
            ),
            WriteResult::Failed { reason } => entry(
                t,
                Kind::Client,
                vec![server.0],
                format!("Write #{} failed at server {server}: {reason}", req.0),
            ),
        },
        TraceKind::ClientRead {
            server,
            path,
            value,
            serving,
        } => {
            let text = match (serving, value) {
                (false, _) => {
                    format!("Read of {path} at server {server} refused: it is not serving")
                }
                (true, Some(v)) => format!("Read of {path} at server {server} returns “{v}”"),
                (true, None) => format!("Read of {path} at server {server}: no such znode"),
            };
            entry(t, Kind::Client, vec![server.0], text)
        }
        TraceKind::Network { text } => {
            entry(t, Kind::Fault, Vec::new(), format!("Network: {text}"))
        }
        TraceKind::Violation {
            invariant,
            name,
            servers,
            detail,
        } => entry(
            t,
            Kind::Fault,
            servers.iter().map(|s| s.0).collect(),
            format!("Invariant {invariant} ({name}) violated: {detail}"),
        ),
    }
}

fn server_event(t: Time, id: u32, ev: &ServerEvent) -> Entry {
    let s = id;
    let (kind, servers, text) = match ev {
        ServerEvent::StateChange { state, phase } => (
            Kind::Phase,
            vec![s],
            format!("Server {s} is {} in {}", state.name(), phase.name()),
        ),
        ServerEvent::Vote {
            vote,
            round,
            reason,
        } => (
            Kind::Election,
            vec![s, vote.leader.0],
            with_reason(
                format!("Server {s} votes {} in round {round}", vote.label()),
                reason,
            ),
        ),
        ServerEvent::Elected { vote, quorum } => (
            Kind::Election,
            vec![s, vote.leader.0],
            format!(
                "Server {s} decides: server {} won with {} (quorum {{{}}})",
                vote.leader,
                vote.label(),
                join(quorum)
            ),
        ),
        ServerEvent::EpochWrite { file, epoch } => (
            Kind::Disk,
            vec![s],
            format!(
                "Server {s} writes {} = {epoch} to disk",
                match file {
                    EpochFile::Accepted => "acceptedEpoch",
                    EpochFile::Current => "currentEpoch",
                    EpochFile::Updating => "the updatingEpoch marker",
                }
            ),
        ),
        ServerEvent::Established { epoch } => (
            Kind::Phase,
            vec![s],
            format!("Leader {s} establishes epoch {epoch} (ACKEPOCH quorum)"),
        ),
        ServerEvent::Active { epoch, quorum } => (
            Kind::Phase,
            vec![s],
            format!(
                "Server {s} leads epoch {epoch} (synced quorum {{{}}})",
                join(quorum)
            ),
        ),
        ServerEvent::SyncChosen {
            learner,
            mode,
            peer_last_zxid,
            min_committed,
            max_committed,
            reason,
        } => (
            Kind::Sync,
            vec![s, learner.0],
            with_reason(
                format!(
                    "Leader {s} syncs server {learner} by {} (its last zxid {peer_last_zxid}; committed log {min_committed}..{max_committed})",
                    mode.name()
                ),
                reason,
            ),
        ),
        ServerEvent::Append { zxid } => (
            Kind::Disk,
            vec![s],
            format!("Server {s} appends {zxid} to its log (not durable yet)"),
        ),
        ServerEvent::Fsync { upto } => (
            Kind::Disk,
            vec![s],
            format!("Server {s} fsyncs its log up to {upto}"),
        ),
        ServerEvent::Snapshot { zxid } => (
            Kind::Disk,
            vec![s],
            format!("Server {s} writes a snapshot at {zxid}"),
        ),
        ServerEvent::Truncate { zxid, dropped } => (
            Kind::Sync,
            vec![s],
            format!("Server {s} truncates its log after {zxid} ({dropped} entries dropped)"),
        ),
        ServerEvent::Propose { txn } => (
            Kind::Broadcast,
            vec![s],
            format!("Leader {s} proposes {} {}", txn.zxid, txn.op.label()),
        ),
        ServerEvent::Commit { zxid } => (
            Kind::Broadcast,
            vec![s],
            format!("Server {s} commits {zxid}"),
        ),
        ServerEvent::LeftRole { reason } => (
            Kind::Phase,
            vec![s],
            with_reason(format!("Server {s} gives up its role"), reason),
        ),
        ServerEvent::Recovered {
            snapshot,
            replayed,
            last_zxid,
        } => (
            Kind::Fault,
            vec![s],
            format!(
                "Server {s} recovers: snapshot {snapshot} + {replayed} log entries, last zxid {last_zxid}"
            ),
        ),
        ServerEvent::Warning { warning } => {
            (Kind::Fault, vec![s], format!("Server {s}: {warning}"))
        }
    };
    entry(t, kind, servers, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(kind: Kind) -> Entry {
        entry(0, kind, vec![1], "x".into())
    }

    #[test]
    fn chatty_entries_never_push_out_the_rest() {
        let mut log = EventLog::default();
        log.push(e(Kind::Phase));
        for _ in 0..(MAX_CHATTY * 3) {
            log.push(e(Kind::Packet));
        }
        assert_eq!(log.len(), MAX_CHATTY + 1);
        let phases = log.newest(10_000, |x| x.kind == Kind::Phase);
        assert_eq!(phases.len(), 1);
    }

    #[test]
    fn newest_merges_both_rings_newest_first() {
        let mut log = EventLog::default();
        log.push(e(Kind::Phase));
        log.push(e(Kind::Packet));
        log.push(e(Kind::Election));
        let seqs: Vec<u64> = log.newest(10, |_| true).iter().map(|x| x.seq).collect();
        assert_eq!(seqs, [2, 1, 0]);
        assert_eq!(log.newest(2, |_| true).len(), 2);
    }
}
