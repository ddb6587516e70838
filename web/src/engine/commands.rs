//! Commands: checked against the state of the moment ([`zab_core::sim::Sim::check`]),
//! then applied as actions. What happened is typed ([`Done`], [`Problem`]); the words
//! for the status line are made in [`super::phrasing`].

use std::collections::BTreeSet;

use zab_core::sim::{Action, InFlight, Outcome, Refusal};
use zab_core::txn::Op;
use zab_core::{ClientId, ServerId, Time};

use super::Engine;
use crate::engine::views::Command;

/// What a command did.
#[derive(Clone, Debug, PartialEq)]
pub enum Done {
    /// The action was applied.
    Applied {
        /// The action.
        action: Action,
        /// The packet a drop or early delivery concerned, as it was in flight.
        packet: Option<InFlight>,
        /// Set when the action forked history at this time (the old future is gone).
        forked_at: Option<Time>,
    },
    /// Every cut link of the server was healed.
    Reconnected {
        /// The server.
        server: ServerId,
    },
}

/// Why a command did not do what was asked.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    /// Refused before anything was applied.
    Refused {
        /// What was asked.
        cmd: Command,
        /// Why not now.
        refusal: Refusal,
    },
    /// Applied, but it did not achieve its aim (a restart refused by the startup
    /// checks, a write or read refused by the server, ...).
    Failed {
        /// The action.
        action: Action,
        /// What it did.
        outcome: Outcome,
    },
}

impl Engine {
    /// Checks and applies a user's command: what it did, or why not.
    pub fn command(&mut self, cmd: Command) -> Result<Done, Problem> {
        let refused = |refusal| Problem::Refused {
            cmd: cmd.clone(),
            refusal,
        };
        if let Command::Reconnect(id) = cmd {
            return self.reconnect(ServerId(id)).map_err(refused);
        }
        let action = self.action_for(&cmd).map_err(refused)?;
        self.sim().check(&action).map_err(refused)?;
        let packet = match &action {
            Action::DropPacket { packet } | Action::DeliverNow { packet } => {
                self.sim().packets.get(packet).cloned()
            }
            _ => None,
        };
        let forked_at = self.tl.in_past().then(|| self.sim().now);
        let outcome = self.tl.intervene(action.clone());
        self.after_change();
        match outcome {
            Outcome::Done | Outcome::WriteSubmitted { .. } | Outcome::ReadAnswered { .. } => {
                Ok(Done::Applied {
                    action,
                    packet,
                    forked_at,
                })
            }
            outcome => Err(Problem::Failed { action, outcome }),
        }
    }

    fn reconnect(&mut self, server: ServerId) -> Result<Done, Refusal> {
        self.sim().check_server(server)?;
        let links: BTreeSet<(ServerId, ServerId)> = self
            .sim()
            .net
            .cut
            .iter()
            .filter(|(a, b)| *a == server || *b == server)
            .map(|(a, b)| (*a.min(b), *a.max(b)))
            .collect();
        if links.is_empty() {
            return Err(Refusal::NoLinkCut { server });
        }
        for (from, to) in links {
            self.tl.intervene(Action::HealLink {
                from,
                to,
                both: true,
            });
        }
        self.after_change();
        Ok(Done::Reconnected { server })
    }

    /// The action a command stands for (the UI's intents resolved against the state of
    /// the moment), or why there is none.
    fn action_for(&mut self, cmd: &Command) -> Result<Action, Refusal> {
        Ok(match cmd {
            Command::Crash(id) => Action::Crash {
                server: ServerId(*id),
            },
            Command::Restart(id) => Action::Restart {
                server: ServerId(*id),
            },
            Command::Isolate(id) => Action::Isolate {
                server: ServerId(*id),
            },
            Command::Cut { from, to, both } => Action::Cut {
                from: ServerId(*from),
                to: ServerId(*to),
                both: *both,
            },
            Command::HealLink(from, to) => Action::HealLink {
                from: ServerId(*from),
                to: ServerId(*to),
                both: true,
            },
            Command::HealAll => Action::Heal,
            Command::KillLeader => Action::Crash {
                server: self.sim().leader().ok_or(Refusal::NoLeader)?,
            },
            Command::Write { server, op } => Action::Write {
                server: ServerId(*server),
                op: op.clone(),
            },
            Command::WriteToLeader => {
                let server = self.sim().leader().ok_or(Refusal::NoLeader)?;
                self.demo_write(server)
            }
            Command::DemoWrite(id) => {
                let server = ServerId(*id);
                self.sim().check_server(server)?;
                self.demo_write(server)
            }
            Command::Reconnect(id) => {
                // `command` handles it; the healing is several actions.
                let server = ServerId(*id);
                self.sim().check_server(server)?;
                return Err(Refusal::NoLinkCut { server });
            }
            Command::Read { server, path } => Action::Read {
                server: ServerId(*server),
                path: path.clone(),
            },
            Command::DeliverNow(id) => Action::DeliverNow { packet: *id },
            Command::Drop(id) => Action::DropPacket { packet: *id },
            Command::Connect { first } => {
                let sim = self.sim();
                sim.check_server(ServerId(*first))?;
                let n = sim.cfg.participants + sim.cfg.observers;
                // The lowest id no running client has; the connect string starts at
                // the chosen server and goes round the ensemble.
                let client = (1..=zab_core::scenario::defaults::MAX_CLIENTS)
                    .map(ClientId)
                    .find(|c| !sim.client(*c).is_some_and(|c| c.is_alive()))
                    .ok_or(Refusal::ClientRunning {
                        client: ClientId(zab_core::scenario::defaults::MAX_CLIENTS),
                    })?;
                Action::Connect {
                    client,
                    servers: (0..n).map(|i| ServerId((first - 1 + i) % n + 1)).collect(),
                    timeout_ms: zab_core::scenario::defaults::SESSION_TIMEOUT_MS,
                }
            }
            Command::Call { client, request } => Action::Call {
                client: ClientId(*client),
                request: request.clone(),
            },
            Command::CutClient(client, true) => Action::CutClient {
                client: ClientId(*client),
            },
            Command::CutClient(client, false) => Action::HealClient {
                client: ClientId(*client),
            },
        })
    }

    fn demo_write(&mut self, server: ServerId) -> Action {
        let n = self.next_demo_write;
        self.next_demo_write += 1;
        Action::Write {
            server,
            op: Op::create(format!("/w{n}"), n.to_string()),
        }
    }
}
