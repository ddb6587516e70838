//! The network of the spec (§5, §13.5): a best-effort election mesh where the newest
//! unsent notification per peer wins and is re-sent when the link comes back, and a
//! restarted server is sent each running peer's newest notification for it, and one
//! FIFO, reliable-while-open connection per learner/leader pair that breaks on a crash,
//! a cut link or a lost packet ("no message after close"), and is never revived.

use super::trace::PacketSummary;
use super::{Channel, Event, Outcome, Refusal, Sim, TraceKind, CLASS_PROTOCOL};
use crate::ids::{ClientId, ServerId, Time};
use crate::packet::{Notification, PacketPhase, QuorumPacket};
use crate::server::{ConnId, Input};
use serde::{Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

/// Why a packet was lost ([`TraceKind::PacketDropped`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropReason {
    /// Sent on, or arriving over, a connection that is closed or broken.
    ConnectionClosed,
    /// The receiver is down (or another incarnation than the connection's).
    ReceiverDown,
    /// A notification on a cut election link: kept to be re-sent when it heals.
    LinkCutHeld,
    /// A connection request over a cut link, or a notification over one whose sender
    /// crashed since it was sent (nothing is left to re-send it).
    LinkCut,
    /// A connection request to a server that is not leading.
    NobodyLeading,
    /// The answer to a connection request, for a learner that restarted or is down.
    LearnerGone,
    /// A close over a cut link or to a restarted peer: the peer notices by timeout.
    PeerNoticesByTimeout,
    /// A quorum packet over a cut link: the connection is broken for good.
    LinkCutBroken,
    /// The user dropped a packet on a connection: the connection breaks.
    ByUserBreaksConnection,
    /// The user dropped a notification.
    ByUser,
}

impl DropReason {
    /// Whether the user dropped it (a fault for the liveness checks).
    pub fn by_user(self) -> bool {
        matches!(
            self,
            DropReason::ByUser | DropReason::ByUserBreaksConnection
        )
    }
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DropReason::ConnectionClosed => "the connection is closed",
            DropReason::ReceiverDown => "the receiver is down",
            DropReason::LinkCutHeld => "the link is cut (kept as the newest unsent notification)",
            DropReason::LinkCut => "the link is cut",
            DropReason::NobodyLeading => "nobody is leading there",
            DropReason::LearnerGone => "the learner restarted or is down",
            DropReason::PeerNoticesByTimeout => "the peer will notice by timeout",
            DropReason::LinkCutBroken => "the link is cut: the connection is broken",
            DropReason::ByUserBreaksConnection => {
                "dropped by the user: the connection breaks, as TCP would"
            }
            DropReason::ByUser => "dropped by the user",
        })
    }
}

crate::server::serialize_as_text!(DropReason);

/// How the network changed ([`TraceKind::Network`]): what an action did to the links,
/// or an early delivery it refused. Serialised as its English sentence (the trace's
/// `text` field, as before it was typed: digests do not change).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetChange {
    /// Every link between different groups is cut.
    Partition {
        /// The sides.
        groups: Vec<Vec<ServerId>>,
    },
    /// The link `from` → `to` (and back when `both`) is cut.
    Cut {
        /// One end.
        from: ServerId,
        /// The other.
        to: ServerId,
        /// Both directions.
        both: bool,
    },
    /// The link `from` → `to` (and back when `both`) is restored.
    HealLink {
        /// One end.
        from: ServerId,
        /// The other.
        to: ServerId,
        /// Both directions.
        both: bool,
    },
    /// Every link of `server` is cut.
    Isolate {
        /// The server.
        server: ServerId,
    },
    /// Every link is restored.
    HealAll,
    /// A session client is cut off from every server.
    CutClient {
        /// The client.
        client: ClientId,
    },
    /// A session client's network is restored.
    HealClient {
        /// The client.
        client: ClientId,
    },
    /// An early delivery was refused: the packet would overtake earlier ones on its
    /// connection (TCP is FIFO).
    CannotOvertake {
        /// The packet.
        packet: u64,
    },
}

impl fmt::Display for NetChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let arrow = |both: bool| if both { "<->" } else { "->" };
        match self {
            NetChange::Partition { groups } => {
                write!(f, "partition into {}", crate::action::groups_text(groups))
            }
            NetChange::Cut { from, to, both } => {
                write!(f, "cut link {from} {} {to}", arrow(*both))
            }
            NetChange::HealLink { from, to, both } => {
                write!(f, "heal link {from} {} {to}", arrow(*both))
            }
            NetChange::Isolate { server } => write!(f, "isolate server {server}"),
            NetChange::HealAll => f.write_str("heal every link"),
            NetChange::CutClient { client } => write!(f, "cut client {client} off"),
            NetChange::HealClient { client } => write!(f, "reconnect client {client}'s network"),
            NetChange::CannotOvertake { packet } => write!(
                f,
                "packet {packet} cannot overtake earlier packets on its connection (TCP is FIFO)"
            ),
        }
    }
}

crate::server::serialize_as_text!(NetChange);

/// What travels.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Payload {
    /// An FLE notification.
    Notification(Notification),
    /// A quorum packet.
    Quorum(QuorumPacket),
    /// A connection request (TCP SYN).
    Connect,
    /// The answer to a connection request.
    ConnectReply {
        /// Accepted (the peer is LEADING) or refused.
        ok: bool,
    },
    /// The sender closed the connection (TCP FIN/RST).
    Closed,
}

impl Payload {
    /// The packet type as ZooKeeper names it (`NOTIFICATION` for FLE).
    pub fn name(&self) -> &'static str {
        match self {
            Payload::Notification(_) => "NOTIFICATION",
            Payload::Quorum(q) => q.name(),
            Payload::Connect => "CONNECT",
            Payload::ConnectReply { ok: true } => "CONNECTED",
            Payload::ConnectReply { ok: false } => "REFUSED",
            Payload::Closed => "CLOSE",
        }
    }

    /// The protocol phase the packet belongs to.
    pub fn phase(&self) -> PacketPhase {
        match self {
            Payload::Notification(_) => PacketPhase::Election,
            Payload::Quorum(q) => q.phase(),
            Payload::Connect | Payload::ConnectReply { .. } | Payload::Closed => {
                PacketPhase::Connection
            }
        }
    }

    /// The packet with its fields, in words.
    pub fn summary(&self) -> String {
        match self {
            Payload::Notification(n) => format!(
                "NOTIFICATION {} vote {} round {}",
                n.state.name(),
                n.vote.label(),
                n.vote.election_epoch
            ),
            Payload::Quorum(q) => q.summary(),
            other => other.name().to_string(),
        }
    }
}

/// A packet in flight: its position on screen is a pure function of the time.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InFlight {
    /// Packet id.
    pub id: u64,
    /// Sender.
    pub from: ServerId,
    /// Receiver.
    pub to: ServerId,
    /// Network.
    pub channel: Channel,
    /// Contents (shared with the trace event of its sending).
    #[serde(serialize_with = "serialize_shared")]
    pub payload: Arc<Payload>,
    /// When it left.
    pub sent_at: Time,
    /// When it arrives.
    pub deliver_at: Time,
}

/// The payload itself: moved out if nothing else holds it (the trace event of its
/// sending is usually gone by the time it arrives), else copied.
fn unshare(payload: Arc<Payload>) -> Payload {
    Arc::try_unwrap(payload).unwrap_or_else(|shared| (*shared).clone())
}

fn serialize_shared<S: Serializer>(payload: &Arc<Payload>, s: S) -> Result<S::Ok, S::Error> {
    payload.as_ref().serialize(s)
}

/// A learner/leader connection.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Conn {
    /// The connecting learner.
    pub learner: ServerId,
    /// The leader.
    pub leader: ServerId,
    /// Open (accepted and not closed or broken): new packets may be sent.
    pub open: bool,
    /// Who closed it first. Data the other side sent before that still arrives (it
    /// precedes the FIN); data sent to the closer is discarded.
    pub closed_by: Option<ServerId>,
    /// A packet was lost on it to a cut link: nothing more gets through.
    pub broken: bool,
    /// The user dropped this packet on it: the packets sent after it are lost with it,
    /// those sent before still arrive, ahead of the break (a TCP reset).
    pub lost_after: Option<u64>,
    /// The learner process that opened it.
    pub learner_incarnation: u64,
    /// The leader process that accepted it.
    pub leader_incarnation: u64,
}

impl Conn {
    fn peer(&self, of: ServerId) -> ServerId {
        if of == self.learner {
            self.leader
        } else {
            self.learner
        }
    }
}

/// Links and connections.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Network {
    /// Directed links that are cut: (from, to).
    pub cut: BTreeSet<(ServerId, ServerId)>,
    /// Connections by id.
    pub conns: BTreeMap<u64, Conn>,
    /// The newest notification each running sender could not get through, per
    /// receiver (its crash forgets them).
    pub held: BTreeMap<(ServerId, ServerId), Notification>,
    /// The newest notification each running sender addressed to each peer, whether it
    /// arrived or not: what its QuorumCnxManager sends first on a new connection to that
    /// peer ([`Sim::resend_on_reconnect`]). The sender's crash forgets its entries.
    pub last_addressed: BTreeMap<(ServerId, ServerId), Notification>,
    fifo: BTreeMap<(ServerId, ServerId, u64), Time>,
    next_conn: u64,
}

impl Network {
    /// Whether packets from `from` to `to` get through.
    pub fn is_cut(&self, from: ServerId, to: ServerId) -> bool {
        from != to && self.cut.contains(&(from, to))
    }

    pub(super) fn conns_of(&self, id: ServerId) -> Vec<u64> {
        self.conns
            .iter()
            .filter(|(_, c)| c.open && (c.learner == id || c.leader == id))
            .map(|(k, _)| *k)
            .collect()
    }
}

impl Sim {
    fn incarnation(&self, id: ServerId) -> Option<u64> {
        self.node(id).filter(|n| n.is_up()).map(|n| n.incarnation)
    }

    /// Puts a packet on the wire: latency drawn per packet, FIFO per channel.
    pub(super) fn send(
        &mut self,
        from: ServerId,
        to: ServerId,
        channel: Channel,
        payload: Payload,
    ) {
        let id = self.next_packet;
        self.next_packet += 1;
        self.stats.packets += 1;
        let deliver_at = if from == to {
            self.now // messages to self are looped back locally
        } else {
            let [lo, hi] = self.cfg.timing.latency_ms;
            let lat = self.streams.net.range(lo, hi);
            let key = match channel {
                Channel::Election => (from, to, 0),
                Channel::Quorum { conn } => (from, to, conn.0 + 1),
            };
            let last = self.net.fifo.entry(key).or_insert(0);
            *last = (self.now + lat).max(*last);
            *last
        };
        let payload = Arc::new(payload);
        self.emit(TraceKind::PacketSent {
            id,
            from,
            to,
            channel,
            packet: payload.name(),
            summary: PacketSummary(Arc::clone(&payload)),
            deliver_at_ms: deliver_at,
        });
        self.packets.insert(
            id,
            InFlight {
                id,
                from,
                to,
                channel,
                payload,
                sent_at: self.now,
                deliver_at,
            },
        );
        self.push(deliver_at, CLASS_PROTOCOL, Event::Deliver(id));
    }

    fn dropped(&mut self, p: &InFlight, reason: DropReason) {
        self.emit(TraceKind::PacketDropped {
            id: p.id,
            from: p.from,
            to: p.to,
            packet: p.payload.name(),
            reason,
        });
    }

    /// A learner connects to a leader.
    pub(super) fn connect(&mut self, learner: ServerId, leader: ServerId) {
        let id = self.net.next_conn;
        self.net.next_conn += 1;
        let learner_incarnation = self.incarnation(learner).unwrap_or_default();
        self.net.conns.insert(
            id,
            Conn {
                learner,
                leader,
                open: false,
                closed_by: None,
                broken: false,
                lost_after: None,
                learner_incarnation,
                leader_incarnation: 0,
            },
        );
        self.send(
            learner,
            leader,
            Channel::Quorum { conn: ConnId(id) },
            Payload::Connect,
        );
    }

    pub(super) fn send_on(&mut self, from: ServerId, conn: ConnId, payload: Payload) {
        let Some(c) = self.net.conns.get(&conn.0) else {
            return;
        };
        let to = c.peer(from);
        if !c.open {
            let p = InFlight {
                id: 0,
                from,
                to,
                channel: Channel::Quorum { conn },
                payload: Arc::new(payload),
                sent_at: self.now,
                deliver_at: self.now,
            };
            self.dropped(&p, DropReason::ConnectionClosed);
            return;
        }
        self.send(from, to, Channel::Quorum { conn }, payload);
    }

    pub(super) fn close(&mut self, by: ServerId, conn: ConnId) {
        let Some(c) = self.net.conns.get_mut(&conn.0) else {
            return;
        };
        if !c.open {
            return;
        }
        c.open = false;
        c.closed_by = Some(by);
        let to = c.peer(by);
        self.send(by, to, Channel::Quorum { conn }, Payload::Closed);
    }

    pub(super) fn deliver(&mut self, id: u64) {
        let Some(p) = self.packets.remove(&id) else {
            return;
        };
        let cut = self.net.is_cut(p.from, p.to);
        let receiver = self.incarnation(p.to);
        match (p.channel, &*p.payload) {
            (Channel::Election, Payload::Notification(n)) => {
                if cut && self.incarnation(p.from).is_some() {
                    self.net.held.insert((p.from, p.to), *n);
                    self.dropped(&p, DropReason::LinkCutHeld);
                } else if cut {
                    // Its sender crashed since: nothing is left to re-send it.
                    self.dropped(&p, DropReason::LinkCut);
                } else if receiver.is_none() {
                    self.dropped(&p, DropReason::ReceiverDown);
                } else {
                    self.delivered(&p);
                    self.feed(
                        p.to,
                        Input::Notification {
                            from: p.from,
                            n: *n,
                        },
                    );
                }
            }
            (Channel::Quorum { conn }, _) => self.deliver_quorum(p, conn, cut, receiver),
            _ => {}
        }
    }

    fn delivered(&mut self, p: &InFlight) {
        self.emit(TraceKind::PacketDelivered {
            id: p.id,
            from: p.from,
            to: p.to,
            packet: p.payload.name(),
        });
    }

    fn deliver_quorum(&mut self, sent: InFlight, conn: ConnId, cut: bool, receiver: Option<u64>) {
        let Some(c) = self.net.conns.get(&conn.0).cloned() else {
            return;
        };
        let p = &sent;
        match *p.payload {
            Payload::Connect => {
                let leading = self.server(p.to).is_some_and(|s| s.leader().is_some());
                let ok = !cut && leading && !self.net.is_cut(p.to, p.from);
                if ok {
                    self.delivered(p);
                    if let Some(c) = self.net.conns.get_mut(&conn.0) {
                        c.open = true;
                        c.leader_incarnation = receiver.unwrap_or_default();
                    }
                    self.feed(
                        p.to,
                        Input::Accepted {
                            conn,
                            learner: p.from,
                        },
                    );
                } else {
                    self.dropped(
                        p,
                        if cut {
                            DropReason::LinkCut
                        } else {
                            DropReason::NobodyLeading
                        },
                    );
                }
                // The answer always comes back (a refusal, or a timeout, ends the attempt).
                self.send(
                    p.to,
                    p.from,
                    Channel::Quorum { conn },
                    Payload::ConnectReply { ok },
                );
            }
            Payload::ConnectReply { ok } => {
                if receiver != Some(c.learner_incarnation) {
                    self.dropped(p, DropReason::LearnerGone);
                    if ok {
                        self.close(p.to, conn);
                    }
                } else {
                    self.delivered(p);
                    let input = if ok {
                        Input::Connected { conn }
                    } else {
                        Input::ConnectFailed
                    };
                    self.feed(p.to, input);
                }
            }
            Payload::Closed => {
                let expected = if p.to == c.learner {
                    c.learner_incarnation
                } else {
                    c.leader_incarnation
                };
                if cut || receiver != Some(expected) {
                    self.dropped(p, DropReason::PeerNoticesByTimeout);
                } else {
                    self.delivered(p);
                    self.feed(p.to, Input::Closed { conn });
                }
            }
            Payload::Quorum(_) => {
                let expected = if p.to == c.learner {
                    c.learner_incarnation
                } else {
                    c.leader_incarnation
                };
                if c.broken || c.closed_by == Some(p.to) || c.lost_after.is_some_and(|l| p.id > l) {
                    self.dropped(p, DropReason::ConnectionClosed);
                } else if cut {
                    // A packet lost on a TCP stream: the connection is broken for good;
                    // both sides find out by their read timeouts.
                    if let Some(c) = self.net.conns.get_mut(&conn.0) {
                        c.open = false;
                        c.broken = true;
                    }
                    self.dropped(p, DropReason::LinkCutBroken);
                } else if receiver != Some(expected) {
                    self.dropped(p, DropReason::ReceiverDown);
                } else {
                    self.delivered(p);
                    let to = p.to;
                    if let Payload::Quorum(packet) = unshare(sent.payload) {
                        self.feed(to, Input::Packet { conn, packet });
                    }
                }
            }
            Payload::Notification(_) => {}
        }
    }

    /// Re-sends, once links heal, the newest notification that could not get through
    /// (QuorumCnxManager re-sends the last message on reconnect).
    pub(super) fn resend_held(&mut self) {
        let ready: Vec<((ServerId, ServerId), Notification)> = self
            .net
            .held
            .iter()
            .filter(|((f, t), _)| !self.net.is_cut(*f, *t))
            .map(|(k, n)| (*k, *n))
            .collect();
        for ((from, to), n) in ready {
            self.net.held.remove(&(from, to));
            if self.incarnation(from).is_some() {
                self.send(from, to, Channel::Election, Payload::Notification(n));
            }
        }
    }

    /// A notification `from` addresses to `to` (not a re-send): the newest one per pair
    /// is what a new connection carries first ([`Sim::resend_on_reconnect`]).
    pub(super) fn notify(&mut self, from: ServerId, to: ServerId, n: Notification) {
        if from != to {
            self.net.last_addressed.insert((from, to), n);
        }
        self.send(from, to, Channel::Election, Payload::Notification(n));
    }

    /// Server `id` crashed: its QuorumCnxManager, with its send queues (`queueSendMap`)
    /// and `lastMessageSent`, lived in the process and is gone, so neither the
    /// notifications held on its cut links nor the newest one per peer is re-sent
    /// later, by it or by its next incarnation (spec §5.1, §13.5).
    pub(super) fn forget_sender(&mut self, id: ServerId) {
        self.net.last_addressed.retain(|(from, _), _| *from != id);
        self.net.held.retain(|(from, _), _| *from != id);
    }

    /// Server `to` restarted and opens its election connections (its first
    /// notifications: `QuorumCnxManager.toSend` calls `connectOne` for every voter).
    /// On each new connection the running peer's `SendWorker.run` first sends the
    /// newest notification it addressed to `to`: the one in its send queue (capacity 1,
    /// newest wins) or, if the queue is empty, `lastMessageSent` (spec §5.1, §13.5
    /// "resend on reconnect"). So a restarted server hears the vote of every running
    /// peer at once, as in ZooKeeper, even from a peer in the same round whose vote
    /// beats its own (which `lookForLeader` records without answering) and whose poll
    /// timeout is seconds away. Without it a restarted server could wait for that
    /// timeout, and its own re-sends kept restarting it (sweep seed 900957, L1).
    pub(super) fn resend_on_reconnect(&mut self, to: ServerId) {
        if self.incarnation(to).is_none() {
            return;
        }
        let newest: Vec<(ServerId, Notification)> = self
            .net
            .last_addressed
            .iter()
            .filter(|((from, t), _)| *t == to && self.incarnation(*from).is_some())
            .map(|((from, _), n)| (*from, *n))
            .collect();
        for (from, n) in newest {
            self.send(from, to, Channel::Election, Payload::Notification(n));
        }
    }

    fn remove_delivery(&mut self, id: u64) {
        self.queue.retain(|_, ev| *ev != Event::Deliver(id));
    }

    /// The user drops a packet in flight.
    pub(super) fn drop_packet(&mut self, id: u64) -> Outcome {
        let Some(p) = self.packets.remove(&id) else {
            let why = Refusal::PacketGone { packet: id };
            return Outcome::NotApplied { why };
        };
        self.remove_delivery(id);
        if let Channel::Quorum { conn } = p.channel {
            self.dropped(&p, DropReason::ByUserBreaksConnection);
            // Nothing sent after the lost packet gets through; both ends see the
            // connection break (a reset, not a timeout).
            let open = self.net.conns.get(&conn.0).is_some_and(|c| c.open);
            if let Some(c) = self.net.conns.get_mut(&conn.0) {
                c.lost_after = Some(c.lost_after.map_or(id, |l| l.min(id)));
            }
            if open {
                self.close(p.from, conn);
                self.send(p.to, p.from, Channel::Quorum { conn }, Payload::Closed);
            }
        } else {
            self.dropped(&p, DropReason::ByUser);
        }
        Outcome::Done
    }

    /// The user delivers a packet ahead of the others; FIFO per connection is kept.
    pub(super) fn deliver_now(&mut self, id: u64) -> Outcome {
        let Some(p) = self.packets.get(&id) else {
            let why = Refusal::PacketGone { packet: id };
            return Outcome::NotApplied { why };
        };
        if let Channel::Quorum { .. } = p.channel {
            let earlier = self
                .packets
                .values()
                .any(|q| q.channel == p.channel && q.from == p.from && q.id < p.id);
            if earlier {
                let change = NetChange::CannotOvertake { packet: id };
                self.emit(TraceKind::Network { change });
                let why = Refusal::WouldOvertake { packet: id };
                return Outcome::NotApplied { why };
            }
        }
        self.remove_delivery(id);
        self.deliver(id);
        Outcome::Done
    }
}
