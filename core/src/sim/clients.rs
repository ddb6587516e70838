//! Session clients in the simulation: their processes, the messages between them and
//! their servers, their timers and their network faults (see [`crate::client`]).
//!
//! A client's messages travel with the same latency as the servers' packets, drawn
//! from a stream of their own (so a run without clients draws exactly what it drew
//! before). A crashed server's connections are reset (the client hears it closed); a
//! cut client's messages, both ways, are lost on arrival: it hears nothing and times
//! out.

use super::{Event, Sim, TraceKind, CLASS_PROTOCOL};
use crate::client::{Client, ClientEffect, ClientEvent, Request, ToClient, ToServer};
use crate::ids::{ClientId, ServerId, Time};
use crate::server::Input;
use crate::txn::ReqId;
use serde::Serialize;

/// A message between a client and a server, on its way.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClientFlight {
    /// The client.
    pub client: ClientId,
    /// The server.
    pub server: ServerId,
    /// Which way, and what.
    pub msg: ClientMsg,
    /// When it left.
    pub sent_at: Time,
    /// When it arrives.
    pub deliver_at: Time,
}

/// A client's message or its server's.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientMsg {
    /// Client → server.
    ToServer(ToServer),
    /// Server → client.
    ToClient(ToClient),
}

/// A session client's call and what became of it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CallRecord {
    /// Its id.
    pub req: ReqId,
    /// The client.
    pub client: ClientId,
    /// When it was made.
    pub at_ms: Time,
    /// The call.
    pub request: Request,
    /// What the client learnt: the answer, a connection loss, or nothing yet.
    pub outcome: Option<ClientEvent>,
}

impl Sim {
    /// The session client with this id.
    pub fn client(&self, id: ClientId) -> Option<&Client> {
        self.clients.get(&id)
    }

    /// A new client process connects with a handle on `servers` (`Connect`).
    pub(super) fn client_connect(&mut self, id: ClientId, servers: Vec<ServerId>, timeout: u64) {
        let mut client = Client::new(id, servers.clone(), timeout, self.seed);
        self.emit(TraceKind::Client {
            client: id,
            event: ClientEvent::Started { servers },
        });
        let effects = client.connect(self.now);
        self.clients.insert(id, client);
        self.client_effects(id, effects);
    }

    /// A session client makes a call.
    pub(super) fn client_call(&mut self, id: ClientId, request: Request) {
        let req = ReqId(self.next_call);
        self.next_call += 1;
        self.calls.push(CallRecord {
            req,
            client: id,
            at_ms: self.now,
            request: request.clone(),
            outcome: None,
        });
        let now = self.now;
        let Some(client) = self.clients.get_mut(&id) else {
            return;
        };
        let effects = client.call(now, req, request.clone());
        self.emit(TraceKind::ClientCall {
            client: id,
            req,
            request,
        });
        self.client_effects(id, effects);
    }

    fn client_effects(&mut self, id: ClientId, effects: Vec<ClientEffect>) {
        for e in effects {
            match e {
                ClientEffect::Send { to, msg } => {
                    self.client_send(id, to, ClientMsg::ToServer(msg));
                }
                ClientEffect::Wake { after } => {
                    let token = self.seq + 1;
                    self.client_wakes.insert(id, token);
                    let ev = Event::ClientWake { client: id, token };
                    self.push(self.now + after, CLASS_PROTOCOL, ev);
                }
                ClientEffect::Event(event) => {
                    let req = match &event {
                        ClientEvent::Answered { req, .. } | ClientEvent::ConnectionLoss { req } => {
                            Some(*req)
                        }
                        _ => None,
                    };
                    // Calls are numbered 1, 2, 3… in the order they are made.
                    let slot = req.and_then(|r| usize::try_from(r.0).ok()?.checked_sub(1));
                    if let Some(call) = slot.and_then(|i| self.calls.get_mut(i)) {
                        call.outcome = Some(event.clone());
                    }
                    self.emit(TraceKind::Client { client: id, event });
                }
            }
        }
    }

    /// Sends between a client and a server. A cut-off client's messages still leave
    /// (neither end knows of the cut) and are lost on arrival, as packets on a cut
    /// link are: a server still answers, and registers watches for, what reached it.
    pub(super) fn client_send(&mut self, client: ClientId, server: ServerId, msg: ClientMsg) {
        let [lo, hi] = self.cfg.timing.latency_ms;
        // A connection is TCP: FIFO each way, so nothing overtakes what was sent first.
        let way = (client, server, matches!(msg, ClientMsg::ToServer(_)));
        let drawn = self.now + self.streams.sessions.range(lo, hi);
        let deliver_at = drawn.max(self.client_fifo.get(&way).copied().unwrap_or(0));
        self.client_fifo.insert(way, deliver_at);
        let id = self.next_client_msg;
        self.next_client_msg += 1;
        let flight = ClientFlight {
            client,
            server,
            msg,
            sent_at: self.now,
            deliver_at,
        };
        self.emit(TraceKind::ClientMessage {
            flight: flight.clone(),
        });
        self.client_flights.insert(id, flight);
        self.push(deliver_at, CLASS_PROTOCOL, Event::ClientDeliver(id));
    }

    /// A client message arrives (or is lost on a cut link; a server that is down
    /// resets the connection).
    pub(super) fn client_deliver(&mut self, id: u64) {
        let Some(f) = self.client_flights.remove(&id) else {
            return;
        };
        if self.client_cut.contains(&f.client) {
            return;
        }
        match f.msg {
            ClientMsg::ToServer(msg) => {
                if self.server(f.server).is_some() {
                    let now = self.now;
                    if let Some(node) = self.node_mut(f.server) {
                        node.stats.received(f.client, &msg, now);
                    }
                    let input = Input::FromClient {
                        client: f.client,
                        msg,
                    };
                    self.feed(f.server, input);
                } else {
                    let reset = ClientMsg::ToClient(ToClient::Closed);
                    self.client_send(f.client, f.server, reset);
                }
            }
            ClientMsg::ToClient(msg) => {
                let now = self.now;
                if let Some(c) = self.clients.get_mut(&f.client) {
                    let effects = c.receive(now, f.server, msg);
                    self.client_effects(f.client, effects);
                }
            }
        }
    }

    /// A client's timer fires (unless re-armed since).
    pub(super) fn client_wake(&mut self, id: ClientId, token: u64) {
        if self.client_wakes.get(&id) != Some(&token) {
            return;
        }
        self.client_wakes.remove(&id);
        let now = self.now;
        if let Some(c) = self.clients.get_mut(&id) {
            let effects = c.wake_up(now);
            self.client_effects(id, effects);
        }
    }

    /// A server crashed: its clients' connections are reset.
    pub(super) fn clients_lose(&mut self, server: ServerId) {
        let on: Vec<ClientId> = self
            .clients
            .values()
            .filter(|c| c.is_alive() && c.server == Some(server))
            .map(|c| c.id)
            .collect();
        for client in on {
            self.client_send(client, server, ClientMsg::ToClient(ToClient::Closed));
        }
    }
}
