//! Commands: checked against the state of the moment, then applied as interventions,
//! with a sentence for the status line either way.

use std::collections::BTreeSet;

use zab_core::server::WriteResult;
use zab_core::sim::{Action, Channel};
use zab_core::txn::Op;
use zab_core::ServerId;

use super::Engine;
use crate::views::Command;

impl Engine {
    /// Checks and applies a user's command. `Ok` holds a confirmation, `Err` a sentence
    /// saying why it cannot be done now.
    pub fn run(&mut self, cmd: Command) -> Result<String, String> {
        if let Command::Reconnect(id) = cmd {
            return self.reconnect(id);
        }
        let action = self.check(&cmd)?;
        let mut text = self.confirmation(&action);
        if self.tl.in_past() {
            text += &format!(
                " History forked at t = {} ms: the old future is discarded.",
                self.sim().now
            );
        }
        let writes_before = self.sim().writes.len();
        self.tl.intervene(action.clone());
        self.after_change();
        self.outcome(&action, writes_before)?;
        Ok(text)
    }

    /// What an applied action could not achieve at once, in words.
    fn outcome(&self, action: &Action, writes_before: usize) -> Result<(), String> {
        match action {
            Action::Restart { server } if !self.is_up(*server) => {
                let why = self
                    .sim()
                    .node(*server)
                    .and_then(|n| n.down_reason.as_ref())
                    .map(|r| r.to_string())
                    .unwrap_or_default();
                Err(format!("Server {server} did not start: {why}"))
            }
            Action::Write { server, .. } if self.sim().writes.len() > writes_before => {
                match self.sim().writes.values().next_back().and_then(|w| w.result.as_ref()) {
                    Some(WriteResult::Failed { reason }) => Err(format!(
                        "Server {server} refused the write at once: {reason}."
                    )),
                    _ => Ok(()),
                }
            }
            Action::Read { server, .. } => match self.reads.front() {
                Some(r) if !r.serving => Err(format!(
                    "Server {server} is not serving (it is not in BROADCAST), so it refuses the read."
                )),
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }

    fn reconnect(&mut self, id: u32) -> Result<String, String> {
        let server = self.check_server(id)?;
        let links: BTreeSet<(ServerId, ServerId)> = self
            .sim()
            .net
            .cut
            .iter()
            .filter(|(a, b)| *a == server || *b == server)
            .map(|(a, b)| (*a.min(b), *a.max(b)))
            .collect();
        if links.is_empty() {
            return Err(format!("No link of server {id} is cut."));
        }
        for (from, to) in links {
            self.tl.intervene(Action::HealLink {
                from,
                to,
                both: true,
            });
        }
        self.after_change();
        Ok(format!("Healed every link of server {id}."))
    }

    fn check_server(&self, id: u32) -> Result<ServerId, String> {
        if id >= 1 && id <= self.size() {
            Ok(ServerId(id))
        } else {
            Err(format!(
                "There is no server {id}: this cluster has servers 1 to {}.",
                self.size()
            ))
        }
    }

    fn is_up(&self, id: ServerId) -> bool {
        self.sim().server(id).is_some()
    }

    fn all_cut(&self, id: ServerId) -> bool {
        self.ids()
            .filter(|o| *o != id)
            .all(|o| self.sim().net.cut.contains(&(id, o)) && self.sim().net.cut.contains(&(o, id)))
    }

    fn ids(&self) -> impl Iterator<Item = ServerId> {
        (1..=self.size()).map(ServerId)
    }

    /// Turns a command into an intervention, or says why not now.
    fn check(&mut self, cmd: &Command) -> Result<Action, String> {
        Ok(match cmd {
            Command::Crash(id) => {
                let server = self.check_server(*id)?;
                if !self.is_up(server) {
                    return Err(format!("Server {id} is already down."));
                }
                Action::Crash { server }
            }
            Command::Restart(id) => {
                let server = self.check_server(*id)?;
                if self.is_up(server) {
                    return Err(format!(
                        "Server {id} is running; crash it first to restart it."
                    ));
                }
                Action::Restart { server }
            }
            Command::Isolate(id) => {
                let server = self.check_server(*id)?;
                if self.size() < 2 {
                    return Err("A single server has no links to cut.".into());
                }
                if self.all_cut(server) {
                    return Err(format!(
                        "Server {id} is already isolated; heal its links to reconnect it."
                    ));
                }
                Action::Isolate { server }
            }
            Command::Cut { from, to, both } => {
                let (a, b) = (self.check_server(*from)?, self.check_server(*to)?);
                if a == b {
                    return Err("Pick two different servers to cut the link between them.".into());
                }
                let cut = &self.sim().net.cut;
                let done = cut.contains(&(a, b)) && (!both || cut.contains(&(b, a)));
                if done {
                    return Err(if *both {
                        format!("The link {from} ↔ {to} is already cut both ways.")
                    } else {
                        format!("The direction {from} → {to} is already cut.")
                    });
                }
                Action::Cut {
                    from: a,
                    to: b,
                    both: *both,
                }
            }
            Command::HealLink(from, to) => {
                let (a, b) = (self.check_server(*from)?, self.check_server(*to)?);
                let cut = &self.sim().net.cut;
                if !cut.contains(&(a, b)) && !cut.contains(&(b, a)) {
                    return Err(format!("The link {from} ↔ {to} is not cut."));
                }
                Action::HealLink {
                    from: a,
                    to: b,
                    both: true,
                }
            }
            Command::HealAll => {
                if self.sim().net.cut.is_empty() {
                    return Err("No link is cut: there is nothing to heal.".into());
                }
                Action::Heal
            }
            Command::KillLeader => {
                match self.sim().leader() {
                    Some(server) => Action::Crash { server },
                    None => return Err(
                        "There is no active leader right now (an election or sync is under way)."
                            .into(),
                    ),
                }
            }
            Command::Write { server, op } => {
                let server = self.check_server(*server)?;
                check_op(op)?;
                Action::Write {
                    server,
                    op: op.clone(),
                }
            }
            Command::WriteToLeader => {
                match self.sim().leader() {
                    Some(server) => self.demo_write(server),
                    None => return Err(
                        "There is no active leader to write to; wait until a server shows LEADER."
                            .into(),
                    ),
                }
            }
            Command::DemoWrite(id) => {
                let server = self.check_server(*id)?;
                self.demo_write(server)
            }
            Command::Reconnect(_) => {
                return Err("internal: reconnect is handled by run".into());
            }
            Command::Read { server, path } => {
                let server = self.check_server(*server)?;
                check_path(path)?;
                Action::Read {
                    server,
                    path: path.clone(),
                }
            }
            Command::DeliverNow(id) => {
                if !self.sim().packets.contains_key(id) {
                    return Err(format!(
                        "Packet {id} is no longer in flight (it arrived or was lost)."
                    ));
                }
                Action::DeliverNow { packet: *id }
            }
            Command::Drop(id) => {
                if !self.sim().packets.contains_key(id) {
                    return Err(format!(
                        "Packet {id} is no longer in flight (it arrived or was lost)."
                    ));
                }
                Action::DropPacket { packet: *id }
            }
        })
    }

    fn demo_write(&mut self, server: ServerId) -> Action {
        let n = self.next_demo_write;
        self.next_demo_write += 1;
        Action::Write {
            server,
            op: Op::Create {
                path: format!("/w{n}"),
                data: n.to_string(),
            },
        }
    }

    fn confirmation(&self, action: &Action) -> String {
        match action {
            Action::DropPacket { packet: id } => match self.sim().packets.get(id) {
                Some(p) if matches!(p.channel, Channel::Quorum { .. }) => format!(
                    "Dropped {} from {} to {}. On a learner/leader connection a lost packet breaks the TCP connection, so both ends will notice and give up the connection.",
                    p.payload.name(),
                    p.from,
                    p.to
                ),
                Some(p) => format!(
                    "Dropped {} from {} to {} (the election mesh is best effort: a later notification replaces it).",
                    p.payload.name(),
                    p.from,
                    p.to
                ),
                None => action.to_string(),
            },
            Action::DeliverNow { packet: id } => match self.sim().packets.get(id) {
                Some(p) => format!(
                    "Delivered {} from {} to {} now (packets before it on the same connection go first).",
                    p.payload.name(),
                    p.from,
                    p.to
                ),
                None => action.to_string(),
            },
            other => {
                let mut text = other.to_string();
                if let Some(first) = text.get(..1) {
                    text = first.to_uppercase() + &text[1..];
                }
                text + "."
            }
        }
    }
}

fn check_path(path: &str) -> Result<(), String> {
    if !path.starts_with('/') || path.len() < 2 {
        return Err(format!(
            "“{path}” is not a znode path: write an absolute path such as /a."
        ));
    }
    if path.ends_with('/') || path.contains("//") || path.chars().any(char::is_whitespace) {
        return Err(format!(
            "“{path}” is not a valid znode path (no spaces, no empty segments)."
        ));
    }
    Ok(())
}

fn check_op(op: &Op) -> Result<(), String> {
    check_path(op.path())
}
