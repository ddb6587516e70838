//! Plain sentences for trace events, in either language, and the bounded event log
//! that keeps them.
//!
//! Only wording lives here: every fact comes from the trace core emits. Each entry
//! keeps its event, so that a language switch words the whole log again
//! ([`EventLog::reword`]).

use std::borrow::Cow;
use std::collections::VecDeque;
use std::rc::Rc;

use crate::t;
use zab_core::server::{EpochFile, ServerEvent, Timer, WriteResult};
use zab_core::sim::{DropReason, NetChange, TraceEvent, TraceKind};
use zab_core::{ServerId, Time};

use crate::text::lang::{self, Lang};

pub mod reasons;
pub mod sessions;

/// Entries kept of the quiet kinds (everything but packets and timers).
pub const MAX_MAIN: usize = 800;
/// Entries kept of the chatty kinds (packets, timers): they would push out the rest.
pub const MAX_CHATTY: usize = 400;
/// Routine losses kept (many after a crash): in a ring of their own, so that they push
/// out neither the votes nor are pushed out by the packets and timers.
pub const MAX_LOSSES: usize = 300;

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

    /// Button label, in the page's current language.
    pub fn label(self) -> String {
        self.label_in(lang::current())
    }

    /// Button label in `lang`.
    pub fn label_in(self, lang: Lang) -> String {
        let l = lang.code();
        match self {
            Kind::Election => t!("kind.election", locale = l),
            Kind::Phase => t!("kind.phase", locale = l),
            Kind::Sync => t!("kind.sync", locale = l),
            Kind::Broadcast => t!("kind.broadcast", locale = l),
            Kind::Disk => t!("kind.disk", locale = l),
            Kind::Client => t!("kind.client", locale = l),
            Kind::Fault => t!("kind.fault", locale = l),
            Kind::Packet => t!("kind.packet", locale = l),
            Kind::Timer => t!("kind.timer", locale = l),
        }
        .into_owned()
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
#[derive(Clone, Debug)]
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
    /// The event it words (shared, not copied, when the entry is cloned).
    event: Rc<TraceEvent>,
}

/// Two entries are equal if they show the same: the event behind is not compared.
impl PartialEq for Entry {
    fn eq(&self, other: &Entry) -> bool {
        self.seq == other.seq
            && self.at_ms == other.at_ms
            && self.kind == other.kind
            && self.servers == other.servers
            && self.text == other.text
    }
}

/// The last entries, bounded: chatty kinds in their own ring so they never push out
/// the sentences that matter.
#[derive(Clone, Debug, Default)]
pub struct EventLog {
    /// The quiet kinds, routine losses and the chatty kinds, each bounded by its cap
    /// ([`MAX_MAIN`], [`MAX_LOSSES`], [`MAX_CHATTY`]).
    rings: [VecDeque<Entry>; 3],
    next: u64,
}

/// The caps of [`EventLog`]'s rings, in order.
const CAPS: [usize; 3] = [MAX_MAIN, MAX_LOSSES, MAX_CHATTY];

impl Entry {
    /// Its sentence in `lang` (the stored one is in the language of the moment).
    pub fn sentence_in(&self, lang: Lang) -> String {
        sentence(&self.event, lang)
    }

    /// A routine loss (a packet lost on its own, not dropped by the user): what makes
    /// two of them alike for folding (receiver, packet type, reason).
    fn routine_loss(&self) -> Option<(ServerId, &'static str, DropReason)> {
        match &self.event.kind {
            TraceKind::PacketDropped {
                to, packet, reason, ..
            } if !matches!(
                reason,
                DropReason::ByUser | DropReason::ByUserBreaksConnection
            ) =>
            {
                Some((*to, packet, *reason))
            }
            _ => None,
        }
    }

    /// Whether this line says the same as `other` up to its sender: both lose the same
    /// packet type to the same receiver for the same reason (the event log shows a run
    /// of them as one line with a count).
    pub fn folds_with(&self, other: &Entry) -> bool {
        self.routine_loss()
            .is_some_and(|k| other.routine_loss() == Some(k))
    }
}

impl EventLog {
    /// Adds an entry (its `seq` is assigned here).
    pub fn push(&mut self, mut e: Entry) {
        e.seq = self.next;
        self.next += 1;
        let i = if e.kind.chatty() {
            2
        } else if e.routine_loss().is_some() {
            1
        } else {
            0
        };
        let ring = &mut self.rings[i];
        ring.push_back(e);
        while ring.len() > CAPS[i] {
            ring.pop_front();
        }
    }

    /// The newest `max` entries that pass `keep`, newest first.
    pub fn newest(&self, max: usize, keep: impl Fn(&Entry) -> bool) -> Vec<Entry> {
        let mut rings: Vec<_> = self
            .rings
            .iter()
            .map(|r| r.iter().rev().filter(|e| keep(e)).peekable())
            .collect();
        let mut out = Vec::with_capacity(max.min(self.held()));
        while out.len() < max {
            // The newest head of the three rings.
            let newest = rings
                .iter_mut()
                .enumerate()
                .filter_map(|(i, r)| r.peek().map(|e| (e.seq, i)))
                .max();
            match newest.and_then(|(_, i)| rings[i].next()) {
                Some(e) => out.push(e.clone()),
                None => break,
            }
        }
        out
    }

    /// The newest of the last `n` entries that is not chatty (or the newest chatty
    /// one if all are).
    pub fn latest(&self, n: usize) -> Option<Entry> {
        let recent = self.newest(n, |_| true);
        recent
            .iter()
            .find(|e| !e.kind.chatty())
            .or(recent.first())
            .cloned()
    }

    /// Words every entry again in `lang` (after a language switch).
    pub fn reword(&mut self, lang: Lang) {
        for e in self.rings.iter_mut().flatten() {
            e.text = sentence(&e.event, lang);
        }
    }

    /// Number of entries held.
    fn held(&self) -> usize {
        self.rings.iter().map(VecDeque::len).sum()
    }

    /// Number of entries held.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.held()
    }
}

/// A timer's name in words (the event log and the next-events panel).
pub fn timer_name(t: Timer) -> String {
    timer_name_in(t, lang::current())
}

fn timer_name_in(t: Timer, lang: Lang) -> String {
    let l = lang.code();
    match t {
        Timer::FleTimeout => t!("timer.fle_timeout", locale = l),
        Timer::FinalizeWait => t!("timer.finalize_wait", locale = l),
        Timer::LeaderTick => t!("timer.leader_tick", locale = l),
        Timer::LeaderWait => t!("timer.leader_wait", locale = l),
        Timer::LearnerRead => t!("timer.learner_read", locale = l),
        Timer::HandlerRead { .. } => t!("timer.handler_read", locale = l),
        Timer::ConnectRetry => t!("timer.connect_retry", locale = l),
        Timer::SessionExpiry => t!("timer.session_expiry", locale = l),
    }
    .into_owned()
}

/// Server ids separated by commas: `1, 2, 3`.
pub(crate) fn join(ids: &[zab_core::ServerId]) -> String {
    ids.iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A sentence and the reason after it.
fn with_reason(text: Cow<str>, reason: String, lang: Lang) -> String {
    t!(
        "narrate.with_reason",
        locale = lang.code(),
        text = text,
        reason = reason
    )
    .into_owned()
}

/// One trace event as a sentence, in the page's current language.
pub fn narrate(ev: &TraceEvent) -> Entry {
    let (kind, servers) = about(&ev.kind);
    Entry {
        seq: 0,
        at_ms: ev.at_ms,
        kind,
        servers,
        text: sentence(ev, lang::current()),
        event: Rc::new(ev.clone()),
    }
}

/// What an event is about: its kind for the filter and the servers it names.
fn about(kind: &TraceKind) -> (Kind, Vec<u32>) {
    match kind {
        TraceKind::PacketSent { from, to, .. } | TraceKind::PacketDelivered { from, to, .. } => {
            (Kind::Packet, vec![from.0, to.0])
        }
        TraceKind::PacketDropped { from, to, .. } => (Kind::Fault, vec![from.0, to.0]),
        TraceKind::TimerFired { server, .. } => (Kind::Timer, vec![server.0]),
        TraceKind::Server { server, event } => server_about(server.0, event),
        TraceKind::Crash { server, .. } | TraceKind::Restart { server, .. } => {
            (Kind::Fault, vec![server.0])
        }
        TraceKind::ClientWrite { server, .. }
        | TraceKind::ClientReply { server, .. }
        | TraceKind::ClientRead { server, .. } => (Kind::Client, vec![server.0]),
        TraceKind::ClientMessage { flight } => (Kind::Client, vec![flight.server.0]),
        TraceKind::WriteLearnt { server, .. } => (Kind::Client, vec![server.0]),
        TraceKind::ClientCall { .. } | TraceKind::Client { .. } => (Kind::Client, Vec::new()),
        TraceKind::Network { change } => (Kind::Fault, net_servers(change)),
        TraceKind::Violation { servers, .. } => {
            (Kind::Fault, servers.iter().map(|s| s.0).collect())
        }
    }
}

fn server_about(s: u32, ev: &ServerEvent) -> (Kind, Vec<u32>) {
    match ev {
        ServerEvent::Vote { vote, .. } | ServerEvent::Elected { vote, .. } => {
            (Kind::Election, vec![s, vote.leader.0])
        }
        ServerEvent::SyncChosen { learner, .. } => (Kind::Sync, vec![s, learner.0]),
        ServerEvent::StateChange { .. }
        | ServerEvent::Established { .. }
        | ServerEvent::Active { .. }
        | ServerEvent::LeftRole { .. } => (Kind::Phase, vec![s]),
        ServerEvent::EpochWrite { .. }
        | ServerEvent::Append { .. }
        | ServerEvent::Fsync { .. }
        | ServerEvent::Snapshot { .. } => (Kind::Disk, vec![s]),
        ServerEvent::Truncate { .. } => (Kind::Sync, vec![s]),
        ServerEvent::Propose { .. } | ServerEvent::Commit { .. } => (Kind::Broadcast, vec![s]),
        ServerEvent::Recovered { .. } | ServerEvent::Warning { .. } => (Kind::Fault, vec![s]),
        ServerEvent::SessionExpired { .. } => (Kind::Client, vec![s]),
    }
}

/// The servers a network change names (for the log's server filter).
fn net_servers(c: &NetChange) -> Vec<u32> {
    match c {
        NetChange::Cut { from, to, .. } | NetChange::HealLink { from, to, .. } => {
            vec![from.0, to.0]
        }
        NetChange::Isolate { server } => vec![server.0],
        NetChange::Partition { .. }
        | NetChange::HealAll
        | NetChange::CannotOvertake { .. }
        | NetChange::CutClient { .. }
        | NetChange::HealClient { .. } => Vec::new(),
    }
}

/// A network change in `lang` (core's `Display` is the CLI's English).
pub fn net_change(c: &NetChange, lang: Lang) -> String {
    let l = lang.code();
    match c {
        NetChange::Partition { groups } => t!(
            "net.partition",
            locale = l,
            groups = zab_core::action::groups_text(groups)
        ),
        NetChange::Cut {
            from,
            to,
            both: true,
        } => t!("net.cut", locale = l, from = from, to = to),
        NetChange::Cut { from, to, .. } => t!("net.cut_one", locale = l, from = from, to = to),
        NetChange::HealLink {
            from,
            to,
            both: true,
        } => t!("net.heal", locale = l, from = from, to = to),
        NetChange::HealLink { from, to, .. } => {
            t!("net.heal_one", locale = l, from = from, to = to)
        }
        NetChange::Isolate { server } => t!("net.isolate", locale = l, id = server),
        NetChange::HealAll => t!("net.heal_all", locale = l),
        NetChange::CannotOvertake { packet } => t!("net.overtake", locale = l, id = packet),
        NetChange::CutClient { client } => t!("net.cut_client", locale = l, client = client),
        NetChange::HealClient { client } => t!("net.heal_client", locale = l, client = client),
    }
    .into_owned()
}

/// One trace event as a sentence in `lang`.
pub fn sentence(ev: &TraceEvent, lang: Lang) -> String {
    let l = lang.code();
    let t = ev.at_ms;
    match &ev.kind {
        TraceKind::PacketSent {
            from, to, summary, ..
        } => t!(
            "narrate.sent",
            locale = l,
            from = from,
            to = to,
            summary = summary
        ),
        TraceKind::PacketDelivered {
            from, to, packet, ..
        } => t!(
            "narrate.received",
            locale = l,
            from = from,
            to = to,
            packet = packet
        ),
        TraceKind::PacketDropped {
            from,
            to,
            packet,
            reason,
            ..
        } => with_reason(
            t!(
                "narrate.lost",
                locale = l,
                from = from,
                to = to,
                packet = packet
            ),
            reasons::drop_reason(*reason, lang),
            lang,
        )
        .into(),
        TraceKind::TimerFired { server, timer } => t!(
            "narrate.timer",
            locale = l,
            server = server,
            timer = timer_name_in(*timer, lang)
        ),
        TraceKind::Server { server, event } => server_sentence(server.0, event, lang).into(),
        TraceKind::Crash { server, reason } => with_reason(
            t!("narrate.crash", locale = l, server = server),
            reasons::crash_reason(reason, lang),
            lang,
        )
        .into(),
        TraceKind::Restart { server, failed } => match failed {
            None if t == 0 => t!("narrate.start", locale = l, server = server),
            None => t!("narrate.restart", locale = l, server = server),
            Some(reason) => t!(
                "narrate.refuses_start",
                locale = l,
                server = server,
                reason = reasons::start_refusal(reason, lang)
            ),
        },
        TraceKind::ClientWrite { req, server, op } => t!(
            "narrate.client_write",
            locale = l,
            req = req.0,
            server = server,
            op = op.label()
        ),
        TraceKind::ClientReply {
            req,
            server,
            result,
        } => match result {
            WriteResult::Committed { zxid } => t!(
                "narrate.write_committed",
                locale = l,
                req = req.0,
                zxid = zxid,
                server = server
            ),
            WriteResult::Failed { reason } => t!(
                "narrate.write_failed",
                locale = l,
                req = req.0,
                server = server,
                reason = reasons::write_failure(reason, lang)
            ),
            WriteResult::Unknown { reason } => t!(
                "narrate.write_unknown",
                locale = l,
                req = req.0,
                server = server,
                reason = reasons::write_failure(reason, lang)
            ),
        },
        TraceKind::WriteLearnt { req, result, .. } => match result {
            WriteResult::Committed { zxid } => t!(
                "narrate.write_learnt_committed",
                locale = l,
                req = req.0,
                zxid = zxid
            ),
            WriteResult::Failed { reason } | WriteResult::Unknown { reason } => t!(
                "narrate.write_learnt_failed",
                locale = l,
                req = req.0,
                reason = reasons::write_failure(reason, lang)
            ),
        },
        TraceKind::ClientRead {
            server,
            path,
            value,
            serving,
        } => match (serving, value) {
            (false, _) => t!(
                "narrate.read_refused",
                locale = l,
                path = path,
                server = server
            ),
            (true, Some(v)) => t!(
                "narrate.read_value",
                locale = l,
                path = path,
                server = server,
                value = v
            ),
            (true, None) => t!(
                "narrate.read_none",
                locale = l,
                path = path,
                server = server
            ),
        },
        TraceKind::ClientCall {
            client,
            req,
            request,
        } => t!(
            "narrate.client_call",
            locale = l,
            client = client,
            call = request.label(),
            req = req.0
        ),
        TraceKind::ClientMessage { flight } => sessions::flight(flight, lang).into(),
        TraceKind::Client { client, event } => sessions::event(client, event, lang).into(),
        TraceKind::Network { change } => {
            t!(
                "narrate.network",
                locale = l,
                text = net_change(change, lang)
            )
        }
        TraceKind::Violation {
            invariant,
            name,
            detail,
            ..
        } => t!(
            "narrate.violation",
            locale = l,
            invariant = invariant,
            name = name,
            detail = crate::text::violation::detail_in(detail, lang)
        ),
    }
    .into_owned()
}

fn server_sentence(s: u32, ev: &ServerEvent, lang: Lang) -> String {
    let l = lang.code();
    match ev {
        ServerEvent::StateChange { state, phase } => t!(
            "narrate.state",
            locale = l,
            s = s,
            state = state.name(),
            phase = phase.name()
        ),
        ServerEvent::Vote {
            vote,
            round,
            reason,
        } => with_reason(
            t!(
                "narrate.vote",
                locale = l,
                s = s,
                vote = crate::text::vote::of(vote),
                round = round
            ),
            reasons::vote_reason(reason, lang),
            lang,
        )
        .into(),
        ServerEvent::Elected { vote, quorum } => t!(
            "narrate.elected",
            locale = l,
            s = s,
            leader = vote.leader,
            vote = crate::text::vote::of(vote),
            quorum = join(quorum)
        ),
        ServerEvent::EpochWrite { file, epoch } => t!(
            "narrate.epoch_write",
            locale = l,
            s = s,
            file = match file {
                EpochFile::Accepted => "acceptedEpoch".into(),
                EpochFile::Current => "currentEpoch".into(),
                EpochFile::Updating => t!("narrate.updating_marker", locale = l),
            },
            epoch = epoch
        ),
        ServerEvent::Established { epoch } => {
            t!("narrate.established", locale = l, s = s, epoch = epoch)
        }
        ServerEvent::Active { epoch, quorum } => t!(
            "narrate.active",
            locale = l,
            s = s,
            epoch = epoch,
            quorum = join(quorum)
        ),
        ServerEvent::SyncChosen {
            learner,
            mode,
            peer_last_zxid,
            min_committed,
            max_committed,
            reason,
        } => with_reason(
            t!(
                "narrate.sync_chosen",
                locale = l,
                s = s,
                learner = learner,
                mode = mode.name(),
                peer = peer_last_zxid,
                min = min_committed,
                max = max_committed
            ),
            reasons::sync_reason(reason, lang),
            lang,
        )
        .into(),
        ServerEvent::Append { zxid } => t!("narrate.append", locale = l, s = s, zxid = zxid),
        ServerEvent::Fsync { upto } => t!("narrate.fsync", locale = l, s = s, upto = upto),
        ServerEvent::Snapshot { zxid } => t!("narrate.snapshot", locale = l, s = s, zxid = zxid),
        ServerEvent::Truncate { zxid, dropped } => t!(
            "narrate.truncate",
            locale = l,
            s = s,
            zxid = zxid,
            dropped = dropped
        ),
        ServerEvent::Propose { txn } => t!(
            "narrate.propose",
            locale = l,
            s = s,
            zxid = txn.zxid,
            op = txn.op.label()
        ),
        ServerEvent::Commit { zxid } => t!("narrate.commit", locale = l, s = s, zxid = zxid),
        ServerEvent::LeftRole { reason } => with_reason(
            t!("narrate.left_role", locale = l, s = s),
            reasons::role_exit(reason, lang),
            lang,
        )
        .into(),
        ServerEvent::Recovered {
            snapshot,
            replayed,
            last_zxid,
        } => t!(
            "narrate.recovered",
            locale = l,
            s = s,
            snapshot = snapshot,
            replayed = replayed,
            last = last_zxid
        ),
        ServerEvent::Warning { warning } => t!(
            "narrate.warning",
            locale = l,
            s = s,
            warning = reasons::warning(warning, lang)
        ),
        ServerEvent::SessionExpired { session } => t!(
            "narrate.session_expired",
            locale = l,
            s = s,
            session = session
        ),
    }
    .into_owned()
}

/// Test help shared by the wording modules' tests: English left in a Chinese text.
#[cfg(test)]
pub(crate) mod check {
    /// Names a Chinese sentence keeps as ZooKeeper writes them, in lower case.
    const NAMES: [&str; 9] = [
        "zxid", "epoch", "sid", "myid", "tick", "fsync", "txn", "znode", "ms",
    ];

    /// Whether a word is one of ZooKeeper's own names: a packet, state or phase name
    /// (upper case), a field or class name (camelCase), or one of `NAMES`.
    pub fn is_name(word: &str) -> bool {
        word.chars().skip(1).any(|c| c.is_ascii_uppercase()) || NAMES.contains(&word)
    }

    /// The first run of three or more English words in `text` (words of ASCII letters
    /// separated only by spaces) that are not ZooKeeper's own names.
    pub fn english_run(text: &str) -> Option<String> {
        let mut run: Vec<&str> = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find(|c: char| c.is_ascii_alphabetic()) {
            let gap = &rest[..start];
            let len = rest[start..]
                .find(|c: char| !(c.is_ascii_alphabetic() || c == '\''))
                .unwrap_or(rest.len() - start);
            let word = &rest[start..start + len];
            if !gap.chars().all(|c| c == ' ') {
                run.clear();
            }
            if is_name(word) {
                run.clear();
            } else {
                run.push(word);
                if run.len() >= 3 {
                    return Some(run.join(" "));
                }
            }
            rest = &rest[start + len..];
        }
        None
    }

    #[test]
    fn english_runs_are_found_and_names_are_not() {
        assert_eq!(
            english_run("服务器 1 gives up its role"),
            Some("gives up its".into())
        );
        assert_eq!(english_run("Server 1 is LEADING in BROADCAST"), None);
        assert_eq!(
            english_run("领导者 3 发起提议 0x100000001 create /a=1"),
            None
        );
        assert_eq!(
            english_run("法定人数的 FOLLOWERINFO（getEpochToPropose）"),
            None
        );
        assert_eq!(english_run("先比 peerEpoch，再比 zxid，最后比 sid"), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::check::english_run;
    use zab_core::packet::Vote;
    use zab_core::server::{CrashPoint, RoleExit, VoteReason};
    use zab_core::sim::CrashReason;
    use zab_core::{Epoch, ServerId, Zxid};

    fn at(at_ms: Time, kind: TraceKind) -> TraceEvent {
        TraceEvent { at_ms, kind }
    }

    fn server(id: u32, event: ServerEvent) -> TraceKind {
        TraceKind::Server {
            server: ServerId(id),
            event,
        }
    }

    /// A vote adopted from a better one, an election decided, a crash point: the same
    /// facts in both languages, and the Chinese is Chinese.
    #[test]
    fn events_are_worded_in_both_languages() {
        let vote = Vote {
            leader: ServerId(3),
            zxid: Zxid::new(Epoch(1), 2),
            election_epoch: 2,
            peer_epoch: Epoch(1),
        };
        let adopted = at(
            40,
            server(
                1,
                ServerEvent::Vote {
                    vote,
                    round: 2,
                    reason: VoteReason::Beaten {
                        from: ServerId(3),
                        vote,
                    },
                },
            ),
        );
        assert_eq!(
            sentence(&adopted, Lang::En),
            "Server 1 votes (e1, 0x100000002, s3) in round 2: server 3's vote (e1, 0x100000002, s3) beats mine (peerEpoch, then zxid, then sid)"
        );
        assert_eq!(
            sentence(&adopted, Lang::Zh),
            "服务器 1 在第 2 轮选举中投票 (e1, 0x100000002, s3)：服务器 3 的选票 (e1, 0x100000002, s3) 胜过我的（先比 peerEpoch，再比 zxid，最后比 sid）"
        );
        let elected = at(
            60,
            server(
                1,
                ServerEvent::Elected {
                    vote,
                    quorum: vec![ServerId(1), ServerId(3)],
                },
            ),
        );
        assert_eq!(
            sentence(&elected, Lang::Zh),
            "服务器 1 判定：服务器 3 以选票 (e1, 0x100000002, s3) 当选（法定人数 {1, 3}）"
        );
        let crash = at(
            70,
            TraceKind::Crash {
                server: ServerId(2),
                reason: CrashReason::Point(CrashPoint::AfterFsync),
            },
        );
        let zh = sentence(&crash, Lang::Zh);
        assert!(zh.starts_with("服务器 2 崩溃：崩溃点 `"), "{zh}");
        let left = at(
            80,
            server(
                2,
                ServerEvent::LeftRole {
                    reason: RoleExit::LeaderClosed {
                        leader: ServerId(3),
                    },
                },
            ),
        );
        assert_eq!(
            sentence(&left, Lang::En),
            "Server 2 gives up its role: connection to leader 3 closed"
        );
        for ev in [&adopted, &elected, &crash, &left] {
            let zh = sentence(ev, Lang::Zh);
            assert_eq!(english_run(&zh), None, "{zh}");
        }
        for k in Kind::ALL {
            assert_ne!(k.label_in(Lang::Zh), k.label_in(Lang::En));
        }
    }

    /// After a language switch every entry kept reads in the new language.
    #[test]
    fn a_language_switch_rewords_the_log() {
        let mut log = EventLog::default();
        let start = at(
            0,
            TraceKind::Restart {
                server: ServerId(1),
                failed: None,
            },
        );
        log.push(Entry {
            text: sentence(&start, Lang::En),
            ..narrate(&start)
        });
        log.reword(Lang::Zh);
        assert_eq!(log.newest(1, |_| true)[0].text, "服务器 1 启动");
        log.reword(Lang::En);
        assert_eq!(log.newest(1, |_| true)[0].text, "Server 1 starts");
    }

    /// Every event of every preset and every bug scenario (`static/bugs`), narrated
    /// in Chinese, has no English sentence left, the violations the bugs break
    /// included.
    #[test]
    fn every_preset_and_bug_narrates_in_chinese() {
        let bugs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/bugs");
        let mut scenarios: Vec<(String, zab_core::scenario::Scenario)> =
            zab_core::scenario::presets()
                .into_iter()
                .map(|(name, s)| (name.to_string(), s))
                .collect();
        for file in std::fs::read_dir(&bugs).expect("static/bugs").flatten() {
            let text = std::fs::read_to_string(file.path()).expect("readable");
            let scenario = zab_core::scenario::Scenario::from_json(&text).expect("a scenario");
            scenarios.push((file.file_name().to_string_lossy().into_owned(), scenario));
        }
        assert!(scenarios.len() > 20, "{} scenarios", scenarios.len());
        let (mut seen, mut english, mut violations) = (0, 0, 0);
        for (name, scenario) in scenarios {
            let mut run = zab_core::run::Run::new(&scenario).expect("it runs");
            run.run_to_end();
            for ev in run.take_trace() {
                violations += usize::from(matches!(ev.kind, TraceKind::Violation { .. }));
                let zh = sentence(&ev, Lang::Zh);
                assert_eq!(english_run(&zh), None, "{name}: {zh}");
                seen += 1;
                english += usize::from(english_run(&sentence(&ev, Lang::En)).is_some());
            }
        }
        assert!(seen > 1000, "{seen} events");
        assert!(violations > 10, "the bugs break invariants: {violations}");
        assert!(
            english > 1000,
            "the check finds the English: {english} of {seen}"
        );
    }

    fn e(kind: Kind) -> Entry {
        let event = TraceEvent {
            at_ms: 0,
            kind: TraceKind::Network {
                change: NetChange::HealAll,
            },
        };
        Entry {
            kind,
            ..narrate(&event)
        }
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

    /// Network changes are typed in core: the English is core's own sentence (the
    /// CLI's and the trace's), the Chinese is Chinese.
    #[test]
    fn network_changes_in_both_languages() {
        use zab_core::ServerId;
        let (a, b) = (ServerId(1), ServerId(2));
        for c in [
            NetChange::Partition {
                groups: vec![vec![a], vec![b]],
            },
            NetChange::Cut {
                from: a,
                to: b,
                both: true,
            },
            NetChange::Cut {
                from: a,
                to: b,
                both: false,
            },
            NetChange::HealLink {
                from: a,
                to: b,
                both: true,
            },
            NetChange::HealLink {
                from: a,
                to: b,
                both: false,
            },
            NetChange::Isolate { server: b },
            NetChange::HealAll,
            NetChange::CannotOvertake { packet: 7 },
        ] {
            assert_eq!(net_change(&c, Lang::En), c.to_string());
            let zh = net_change(&c, Lang::Zh);
            assert_eq!(english_run(&zh), None, "{zh}");
        }
    }
}
