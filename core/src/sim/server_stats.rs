//! A server process's client counters (ZooKeeper's `ServerStats`), kept by the
//! simulator, which sees every client packet arrive and leave: packets received and
//! sent, and the request latency (`ServerStats.updateLatency`: from the request's
//! arrival to its answer). They belong to the process: a restart starts them at zero.
//! [`crate::monitor`] reads them.

use crate::client::{ToClient, ToServer};
use crate::ids::{ClientId, Time};
use crate::txn::ReqId;
use std::collections::BTreeMap;

/// What a client packet waits for at its server, to time its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Awaited {
    /// A new session's `createSession` (FinalRequestProcessor's "SESS" case).
    Session,
    /// A PING ("PING").
    Ping,
    /// A call.
    Call(ReqId),
}

/// Packets of one client connection (`ServerCnxn`'s `recved` and `sent`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CnxnCounts {
    /// Packets received from the client.
    pub received: u64,
    /// Packets sent to it.
    pub sent: u64,
}

/// `ServerStats` of one server process.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerStats {
    /// `packetsReceived`: every client packet (connect, ping, call).
    pub packets_received: u64,
    /// `packetsSent`: every response, watch event and ping reply (a refusal or a
    /// close is the connection closing, not a packet).
    pub packets_sent: u64,
    /// Per client connection, for `stat`.
    pub cnxns: BTreeMap<ClientId, CnxnCounts>,
    /// `requestLatency` (AvgMinMaxCounter): the number of answers timed.
    pub latency_count: u64,
    /// Their total, ms.
    pub latency_total: u64,
    /// The smallest, ms.
    pub latency_min: Option<u64>,
    /// The largest, ms.
    pub latency_max: u64,
    waiting: BTreeMap<(ClientId, Awaited), Time>,
}

impl ServerStats {
    /// A client packet arrived at the running server.
    pub(super) fn received(&mut self, client: ClientId, msg: &ToServer, now: Time) {
        self.packets_received += 1;
        self.cnxns.entry(client).or_default().received += 1;
        let awaited = match msg {
            // reopenSession answers without a request through the pipeline.
            ToServer::Connect { session: None, .. } => Awaited::Session,
            ToServer::Connect { .. } => return,
            ToServer::Ping => Awaited::Ping,
            ToServer::Request { req, .. } => Awaited::Call(*req),
        };
        self.waiting.insert((client, awaited), now);
    }

    /// The server sent a client a message.
    pub(super) fn sent(&mut self, client: ClientId, msg: &ToClient, now: Time) {
        let awaited = match msg {
            ToClient::Refused { .. } | ToClient::Closed => {
                self.cnxns.remove(&client);
                self.waiting.retain(|(c, _), _| *c != client);
                return;
            }
            ToClient::Watch { .. } => None,
            ToClient::Connected { .. } => Some(Awaited::Session),
            ToClient::Pong => Some(Awaited::Ping),
            ToClient::Reply { req, .. } => Some(Awaited::Call(*req)),
        };
        self.packets_sent += 1;
        self.cnxns.entry(client).or_default().sent += 1;
        if let Some(since) = awaited.and_then(|a| self.waiting.remove(&(client, a))) {
            let latency = now - since;
            self.latency_count += 1;
            self.latency_total += latency;
            self.latency_min = Some(self.latency_min.map_or(latency, |m| m.min(latency)));
            self.latency_max = self.latency_max.max(latency);
        }
    }
}
