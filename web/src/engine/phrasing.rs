//! The status line's words for what a command did ([`Done`]) or why not
//! ([`Problem`]), and the short phrase for an action in lists, in either language
//! (`web/locales/narration.yml`). The one place these sentences are made: core's
//! `Action` Display is the CLI's English and is not used here.

use crate::t;
use zab_core::action::groups_text;
use zab_core::sim::{Action, Channel, DownReason, Outcome, PathProblem, Refusal};

use super::commands::{Done, Problem};
use crate::engine::views::Command;
use crate::text::lang::{self, Lang};
use crate::text::narrate::reasons;

/// A short phrase for an action, e.g. `crash server 2` (pending events, the script),
/// in the page's current language.
pub fn action(a: &Action) -> String {
    action_in(a, lang::current())
}

fn action_in(a: &Action, lang: Lang) -> String {
    let l = lang.code();
    let arrow = |both: bool| if both { "<->" } else { "->" };
    match a {
        Action::Crash { server } => t!("action.crash", locale = l, server = server),
        Action::Restart { server } => t!("action.restart", locale = l, server = server),
        Action::Partition { groups } => {
            t!("action.partition", locale = l, groups = groups_text(groups))
        }
        Action::Cut { from, to, both } => t!(
            "action.cut",
            locale = l,
            from = from,
            arrow = arrow(*both),
            to = to
        ),
        Action::HealLink { from, to, both } => t!(
            "action.heal_link",
            locale = l,
            from = from,
            arrow = arrow(*both),
            to = to
        ),
        Action::Isolate { server } => t!("action.isolate", locale = l, server = server),
        Action::Heal => t!("action.heal", locale = l),
        Action::Write { server, op } => {
            t!("action.write", locale = l, server = server, op = op.label())
        }
        Action::Read { server, path } => {
            t!("action.read", locale = l, server = server, path = path)
        }
        Action::CrashAt { server, point } => t!(
            "action.crash_at",
            locale = l,
            server = server,
            point = point.name()
        ),
        Action::DropPacket { packet } => t!("action.drop", locale = l, packet = packet),
        Action::DeliverNow { packet } => t!("action.deliver", locale = l, packet = packet),
        Action::Connect {
            client, servers, ..
        } => t!(
            "action.connect",
            locale = l,
            client = client,
            servers = crate::text::narrate::join(servers)
        ),
        Action::Call { client, request } => t!(
            "action.call",
            locale = l,
            client = client,
            call = request.label()
        ),
        Action::CutClient { client } => t!("action.cut_client", locale = l, client = client),
        Action::HealClient { client } => t!("action.heal_client", locale = l, client = client),
    }
    .into_owned()
}

/// What a command did, for the status line, in `lang`.
pub fn done_in(d: &Done, lang: Lang) -> String {
    let l = lang.code();
    match d {
        Done::Reconnected { server } => {
            t!("outcome.reconnected", locale = l, server = server).into_owned()
        }
        Done::Applied {
            action: a,
            packet,
            forked_at,
        } => {
            let text = match (a, packet) {
                (Action::DropPacket { .. }, Some(p)) => {
                    let (packet, from, to) = (p.payload.name(), p.from, p.to);
                    if matches!(p.channel, Channel::Quorum { .. }) {
                        t!(
                            "outcome.dropped_quorum",
                            locale = l,
                            packet = packet,
                            from = from,
                            to = to
                        )
                    } else {
                        t!(
                            "outcome.dropped_election",
                            locale = l,
                            packet = packet,
                            from = from,
                            to = to
                        )
                    }
                    .into_owned()
                }
                (Action::DeliverNow { .. }, Some(p)) => t!(
                    "outcome.delivered",
                    locale = l,
                    packet = p.payload.name(),
                    from = p.from,
                    to = p.to
                )
                .into_owned(),
                (Action::DropPacket { .. } | Action::DeliverNow { .. }, None) => action_in(a, lang),
                _ => {
                    let text = action_in(a, lang);
                    let mut chars = text.chars();
                    let text = match chars.next() {
                        Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
                        None => text,
                    };
                    t!("outcome.applied", locale = l, action = text).into_owned()
                }
            };
            match forked_at {
                Some(t) => t!("outcome.forked", locale = l, text = text, t = t).into_owned(),
                None => text,
            }
        }
    }
}

/// Why a command could not do what was asked, for the status line, in `lang`.
pub fn problem_in(p: &Problem, lang: Lang) -> String {
    match p {
        Problem::Refused { cmd, refusal } => refused(cmd, refusal, lang),
        Problem::Failed { action: a, outcome } => failed(a, outcome, lang),
    }
}

fn failed(a: &Action, outcome: &Outcome, lang: Lang) -> String {
    let l = lang.code();
    let server = match a {
        Action::Write { server, .. } | Action::Read { server, .. } | Action::Restart { server } => {
            server.to_string()
        }
        _ => String::new(),
    };
    match outcome {
        Outcome::RestartFailed { reason } => t!(
            "outcome.restart_failed",
            locale = l,
            server = server,
            reason = reasons::down_reason(&DownReason::Refused(reason.clone()), lang)
        )
        .into_owned(),
        Outcome::WriteRefused { reason, .. } => t!(
            "outcome.write_refused",
            locale = l,
            server = server,
            reason = reasons::write_failure(reason, lang)
        )
        .into_owned(),
        Outcome::ReadRefused => {
            t!("outcome.read_refused", locale = l, server = server).into_owned()
        }
        Outcome::NotApplied { why } => refusal(why, lang),
        Outcome::Done | Outcome::WriteSubmitted { .. } | Outcome::ReadAnswered { .. } => {
            action_in(a, lang)
        }
    }
}

fn refused(cmd: &Command, why: &Refusal, lang: Lang) -> String {
    let l = lang.code();
    match (cmd, why) {
        (Command::KillLeader, Refusal::NoLeader) => {
            t!("refusal.kill_no_leader", locale = l).into_owned()
        }
        (_, Refusal::NoLeader) => t!("refusal.write_no_leader", locale = l).into_owned(),
        _ => refusal(why, lang),
    }
}

fn refusal(why: &Refusal, lang: Lang) -> String {
    let l = lang.code();
    match why {
        Refusal::NoSuchServer { server, size } => {
            t!(
                "refusal.no_such_server",
                locale = l,
                server = server,
                size = size
            )
        }
        Refusal::AlreadyDown { server } => t!("refusal.already_down", locale = l, server = server),
        Refusal::AlreadyRunning { server } => {
            t!("refusal.already_running", locale = l, server = server)
        }
        Refusal::NoLinks => t!("refusal.no_links", locale = l),
        Refusal::AlreadyIsolated { server } => {
            t!("refusal.already_isolated", locale = l, server = server)
        }
        Refusal::SameServer => t!("refusal.same_server", locale = l),
        Refusal::AlreadyCut {
            from,
            to,
            both: true,
        } => t!("refusal.already_cut_both", locale = l, from = from, to = to),
        Refusal::AlreadyCut { from, to, .. } => {
            t!("refusal.already_cut", locale = l, from = from, to = to)
        }
        Refusal::NotCut { from, to } => t!("refusal.not_cut", locale = l, from = from, to = to),
        Refusal::NoLinkCut { server } => t!("refusal.no_link_cut", locale = l, server = server),
        Refusal::NothingToHeal => t!("refusal.nothing_to_heal", locale = l),
        Refusal::NoLeader => t!("refusal.no_leader", locale = l),
        Refusal::PacketGone { packet } => t!("refusal.packet_gone", locale = l, packet = packet),
        Refusal::WouldOvertake { packet } => {
            t!("refusal.would_overtake", locale = l, packet = packet)
        }
        Refusal::NoSuchClient { client } => {
            t!("refusal.no_such_client", locale = l, client = client)
        }
        Refusal::ClientRunning { client } => {
            t!("refusal.client_running", locale = l, client = client)
        }
        Refusal::ClientAlreadyCut { client } => {
            t!("refusal.client_already_cut", locale = l, client = client)
        }
        Refusal::ClientNotCut { client } => {
            t!("refusal.client_not_cut", locale = l, client = client)
        }
        Refusal::NoServers => t!("refusal.no_servers", locale = l),
        Refusal::BadPath {
            path,
            problem: PathProblem::NotAbsolute,
        } => t!("refusal.not_absolute", locale = l, path = path),
        Refusal::BadPath {
            path,
            problem: PathProblem::Malformed,
        } => t!("refusal.malformed", locale = l, path = path),
    }
    .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::narrate::check::english_run;
    use zab_core::packet::ServerState;
    use zab_core::server::{Phase, WriteFailure};
    use zab_core::ServerId;

    /// A crash, a write refused by a server that is not serving, a restart refused
    /// (before any server exists): the same facts in both languages.
    #[test]
    fn outcomes_and_refusals_are_worded_in_both_languages() {
        let crash = Done::Applied {
            action: Action::Crash {
                server: ServerId(2),
            },
            packet: None,
            forked_at: Some(1200),
        };
        assert_eq!(
            done_in(&crash, Lang::En),
            "Crash server 2. History forked at t = 1200 ms: the old future is discarded."
        );
        assert_eq!(
            done_in(&crash, Lang::Zh),
            "使服务器 2 崩溃。历史在 t = 1200 毫秒处分叉：原来的未来已被丢弃。"
        );
        let write = Problem::Failed {
            action: Action::Write {
                server: ServerId(3),
                op: crate::engine::views::make_op("create", "/a", "1"),
            },
            outcome: Outcome::WriteRefused {
                req: zab_core::txn::ReqId(1),
                reason: WriteFailure::NotServing {
                    server: ServerId(3),
                    state: ServerState::Looking,
                    phase: Phase::Election,
                },
            },
        };
        assert_eq!(
            problem_in(&write, Lang::En),
            "Server 3 refused the write at once: server 3 is not serving (LOOKING / ELECTION)."
        );
        let zh = problem_in(&write, Lang::Zh);
        assert!(
            zh.contains("LOOKING / ELECTION") && zh.starts_with("服务器 3"),
            "{zh}"
        );
        let gone = Problem::Refused {
            cmd: Command::KillLeader,
            refusal: Refusal::NoLeader,
        };
        assert!(problem_in(&gone, Lang::Zh).contains("领导者"));
        for text in [
            done_in(&crash, Lang::Zh),
            zh,
            problem_in(&gone, Lang::Zh),
            refusal(
                &Refusal::NoSuchServer {
                    server: ServerId(9),
                    size: 5,
                },
                Lang::Zh,
            ),
            action_in(&Action::Heal, Lang::Zh),
        ] {
            assert_eq!(english_run(&text), None, "{text}");
        }
    }
}
