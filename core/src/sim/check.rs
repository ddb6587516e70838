//! [`Sim::check`]: whether an action makes sense at this moment, before it is applied
//! (what a user interface asks before turning a click into an [`Action`]).

use super::outcome::{check_path, Refusal};
use super::Sim;
use crate::action::Action;
use crate::ids::ServerId;

impl Sim {
    /// `Ok` if `action` would change something now; otherwise why not. Scenario steps
    /// are not checked (a script may crash a server that is already down: it is a
    /// no-op, see [`super::Outcome::NotApplied`]).
    pub fn check(&self, action: &Action) -> Result<(), Refusal> {
        match action {
            Action::Crash { server } => {
                self.check_server(*server)?;
                if self.server(*server).is_none() {
                    return Err(Refusal::AlreadyDown { server: *server });
                }
            }
            Action::Restart { server } => {
                self.check_server(*server)?;
                if self.server(*server).is_some() {
                    return Err(Refusal::AlreadyRunning { server: *server });
                }
            }
            Action::Isolate { server } => {
                self.check_server(*server)?;
                if self.cfg.participants + self.cfg.observers < 2 {
                    return Err(Refusal::NoLinks);
                }
                let cut = &self.net.cut;
                let all_cut = self
                    .cfg
                    .server_ids()
                    .filter(|o| o != server)
                    .all(|o| cut.contains(&(*server, o)) && cut.contains(&(o, *server)));
                if all_cut {
                    return Err(Refusal::AlreadyIsolated { server: *server });
                }
            }
            Action::Cut { from, to, both } => {
                self.check_server(*from)?;
                self.check_server(*to)?;
                if from == to {
                    return Err(Refusal::SameServer);
                }
                let cut = &self.net.cut;
                if cut.contains(&(*from, *to)) && (!both || cut.contains(&(*to, *from))) {
                    return Err(Refusal::AlreadyCut {
                        from: *from,
                        to: *to,
                        both: *both,
                    });
                }
            }
            Action::HealLink { from, to, .. } => {
                self.check_server(*from)?;
                self.check_server(*to)?;
                let cut = &self.net.cut;
                if !cut.contains(&(*from, *to)) && !cut.contains(&(*to, *from)) {
                    return Err(Refusal::NotCut {
                        from: *from,
                        to: *to,
                    });
                }
            }
            Action::Heal => {
                if self.net.cut.is_empty() {
                    return Err(Refusal::NothingToHeal);
                }
            }
            Action::Write { server, op } => {
                self.check_server(*server)?;
                check_path(op.path().unwrap_or_default())?;
            }
            Action::Read { server, path } => {
                self.check_server(*server)?;
                check_path(path)?;
            }
            Action::Partition { groups } => {
                for id in groups.iter().flatten() {
                    self.check_server(*id)?;
                }
            }
            Action::CrashAt { server, .. } => self.check_server(*server)?,
            Action::Connect {
                client, servers, ..
            } => {
                if servers.is_empty() {
                    return Err(Refusal::NoServers);
                }
                for s in servers {
                    self.check_server(*s)?;
                }
                if self.client(*client).is_some_and(|c| c.is_alive()) {
                    return Err(Refusal::ClientRunning { client: *client });
                }
            }
            Action::Call { client, request } => {
                if !self.client(*client).is_some_and(|c| c.is_alive()) {
                    return Err(Refusal::NoSuchClient { client: *client });
                }
                if let Some(path) = request.path().filter(|p| *p != "/" || request.is_write()) {
                    check_path(path)?;
                }
            }
            Action::CutClient { client } => {
                if self.client(*client).is_none() {
                    return Err(Refusal::NoSuchClient { client: *client });
                }
                if self.client_cut.contains(client) {
                    return Err(Refusal::ClientAlreadyCut { client: *client });
                }
            }
            Action::HealClient { client } => {
                if !self.client_cut.contains(client) {
                    return Err(Refusal::ClientNotCut { client: *client });
                }
            }
            Action::DropPacket { packet } | Action::DeliverNow { packet } => {
                if !self.packets.contains_key(packet) {
                    return Err(Refusal::PacketGone { packet: *packet });
                }
            }
        }
        Ok(())
    }

    /// `Ok` if `server` names a server of this cluster.
    pub fn check_server(&self, server: ServerId) -> Result<(), Refusal> {
        let size = self.cfg.participants + self.cfg.observers;
        if server.0 >= 1 && server.0 <= size {
            Ok(())
        } else {
            Err(Refusal::NoSuchServer { server, size })
        }
    }
}
