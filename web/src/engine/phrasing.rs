//! The status line's English for what a command did ([`Done`]) or why not
//! ([`Problem`]), and the short phrase for an action in lists. The one place these
//! sentences are made: another language would replace this module.

use zab_core::action::groups_text;
use zab_core::sim::{Action, Channel, DownReason, Outcome, PathProblem, Refusal};

use super::commands::{Done, Problem};
use crate::engine::views::Command;

/// A short phrase for an action, e.g. `crash server 2` (pending events, the script).
pub fn action(a: &Action) -> String {
    let arrow = |both: bool| if both { "<->" } else { "->" };
    match a {
        Action::Crash { server } => format!("crash server {server}"),
        Action::Restart { server } => format!("restart server {server}"),
        Action::Partition { groups } => format!("partition into {}", groups_text(groups)),
        Action::Cut { from, to, both } => format!("cut link {from} {} {to}", arrow(*both)),
        Action::HealLink { from, to, both } => format!("heal link {from} {} {to}", arrow(*both)),
        Action::Isolate { server } => format!("isolate server {server}"),
        Action::Heal => "heal every link".into(),
        Action::Write { server, op } => format!("client write at server {server}: {}", op.label()),
        Action::Read { server, path } => format!("client read of {path} at server {server}"),
        Action::CrashAt { server, point } => {
            format!("crash server {server} at `{}`", point.name())
        }
        Action::DropPacket { packet } => format!("drop packet {packet}"),
        Action::DeliverNow { packet } => format!("deliver packet {packet} now"),
    }
}

/// The confirmation of a command that did what was asked.
pub fn done(d: &Done) -> String {
    match d {
        Done::Reconnected { server } => format!("Healed every link of server {server}."),
        Done::Applied {
            action: a,
            packet,
            forked_at,
        } => {
            let mut text = match (a, packet) {
                (Action::DropPacket { .. }, Some(p)) if matches!(p.channel, Channel::Quorum { .. }) => format!(
                    "Dropped {} from {} to {}. On a learner/leader connection a lost packet breaks the TCP connection, so both ends will notice and give up the connection.",
                    p.payload.name(),
                    p.from,
                    p.to
                ),
                (Action::DropPacket { .. }, Some(p)) => format!(
                    "Dropped {} from {} to {} (the election mesh is best effort: a later notification replaces it).",
                    p.payload.name(),
                    p.from,
                    p.to
                ),
                (Action::DeliverNow { .. }, Some(p)) => format!(
                    "Delivered {} from {} to {} now (packets before it on the same connection go first).",
                    p.payload.name(),
                    p.from,
                    p.to
                ),
                (Action::DropPacket { .. } | Action::DeliverNow { .. }, None) => action(a),
                _ => {
                    let text = action(a);
                    let mut chars = text.chars();
                    match chars.next() {
                        Some(first) => first.to_uppercase().chain(chars).collect::<String>() + ".",
                        None => text,
                    }
                }
            };
            if let Some(t) = forked_at {
                text += &format!(" History forked at t = {t} ms: the old future is discarded.");
            }
            text
        }
    }
}

/// Why a command did not do what was asked.
pub fn problem(p: &Problem) -> String {
    match p {
        Problem::Refused { cmd, refusal } => refused(cmd, refusal),
        Problem::Failed { action: a, outcome } => failed(a, outcome),
    }
}

fn failed(a: &Action, outcome: &Outcome) -> String {
    let server = match a {
        Action::Write { server, .. } | Action::Read { server, .. } | Action::Restart { server } => {
            server.to_string()
        }
        _ => String::new(),
    };
    match outcome {
        Outcome::RestartFailed { reason } => format!(
            "Server {server} did not start: {}",
            DownReason::Refused(reason.clone())
        ),
        Outcome::WriteRefused { reason, .. } => {
            format!("Server {server} refused the write at once: {reason}.")
        }
        Outcome::ReadRefused => format!(
            "Server {server} is not serving (it is not in BROADCAST), so it refuses the read."
        ),
        Outcome::NotApplied { why } => refusal(why),
        Outcome::Done | Outcome::WriteSubmitted { .. } | Outcome::ReadAnswered { .. } => action(a),
    }
}

fn refused(cmd: &Command, why: &Refusal) -> String {
    match (cmd, why) {
        (Command::KillLeader, Refusal::NoLeader) => {
            "There is no active leader right now (an election or sync is under way).".into()
        }
        (_, Refusal::NoLeader) => {
            "There is no active leader to write to; wait until a server shows LEADER.".into()
        }
        _ => refusal(why),
    }
}

fn refusal(why: &Refusal) -> String {
    match why {
        Refusal::NoSuchServer { server, size } => {
            format!("There is no server {server}: this cluster has servers 1 to {size}.")
        }
        Refusal::AlreadyDown { server } => format!("Server {server} is already down."),
        Refusal::AlreadyRunning { server } => {
            format!("Server {server} is running; crash it first to restart it.")
        }
        Refusal::NoLinks => "A single server has no links to cut.".into(),
        Refusal::AlreadyIsolated { server } => {
            format!("Server {server} is already isolated; heal its links to reconnect it.")
        }
        Refusal::SameServer => "Pick two different servers to cut the link between them.".into(),
        Refusal::AlreadyCut {
            from,
            to,
            both: true,
        } => format!("The link {from} ↔ {to} is already cut both ways."),
        Refusal::AlreadyCut { from, to, .. } => {
            format!("The direction {from} → {to} is already cut.")
        }
        Refusal::NotCut { from, to } => format!("The link {from} ↔ {to} is not cut."),
        Refusal::NoLinkCut { server } => format!("No link of server {server} is cut."),
        Refusal::NothingToHeal => "No link is cut: there is nothing to heal.".into(),
        Refusal::NoLeader => "There is no active leader right now.".into(),
        Refusal::PacketGone { packet } => {
            format!("Packet {packet} is no longer in flight (it arrived or was lost).")
        }
        Refusal::WouldOvertake { packet } => format!(
            "Packet {packet} cannot overtake earlier packets on its connection (TCP is FIFO)."
        ),
        Refusal::BadPath {
            path,
            problem: PathProblem::NotAbsolute,
        } => format!("“{path}” is not a znode path: write an absolute path such as /a."),
        Refusal::BadPath {
            path,
            problem: PathProblem::Malformed,
        } => format!("“{path}” is not a valid znode path (no spaces, no empty segments)."),
    }
}
