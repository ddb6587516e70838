//! Session clients in words, in either language: their calls, the messages between
//! them and their servers, and what they learn. ZooKeeper's own names (ConnectRequest,
//! PING, NodeDataChanged, NONODE, SESSIONEXPIRED) stay as they are.

use crate::t;
use zab_core::client::{Answer, ClientEvent, Disconnect, Refused, ToClient, ToServer};
use zab_core::sim::{ClientFlight, ClientMsg};

use crate::text::lang::Lang;

/// Why a server refused a client.
pub fn refused(r: &Refused, lang: Lang) -> String {
    let l = lang.code();
    match r {
        Refused::NotServing => t!("refused.not_serving", locale = l),
        Refused::Behind { seen, ours } => {
            t!("refused.behind", locale = l, seen = seen, ours = ours)
        }
        Refused::SessionExpired => t!("refused.expired", locale = l),
    }
    .into_owned()
}

fn answer(a: &Answer, lang: Lang) -> String {
    let l = lang.code();
    match a {
        Answer::Written {
            created: Some(path),
        } => t!("answer.created", locale = l, path = path),
        Answer::Written { created: None } => t!("answer.written", locale = l),
        Answer::Data { data, version } => {
            t!("answer.data", locale = l, data = data, version = version)
        }
        Answer::Exists { exists: true } => t!("answer.exists_yes", locale = l),
        Answer::Exists { exists: false } => t!("answer.exists_no", locale = l),
        Answer::Children { names } => {
            t!("answer.children", locale = l, names = names.join(", "))
        }
        Answer::Closed => t!("answer.closed", locale = l),
    }
    .into_owned()
}

/// One message between a client and a server.
fn message(msg: &ClientMsg, lang: Lang) -> String {
    let l = lang.code();
    match msg {
        ClientMsg::ToServer(ToServer::Connect {
            session: None,
            timeout_ms,
            last_zxid_seen,
            ..
        }) => t!(
            "msg.connect_new",
            locale = l,
            timeout = timeout_ms,
            zxid = last_zxid_seen
        ),
        ClientMsg::ToServer(ToServer::Connect {
            session: Some(session),
            last_zxid_seen,
            watches,
            ..
        }) => t!(
            "msg.connect_resume",
            locale = l,
            session = session,
            zxid = last_zxid_seen,
            watches = watches.len()
        ),
        ClientMsg::ToServer(ToServer::Ping) => t!("msg.ping", locale = l),
        ClientMsg::ToServer(ToServer::Request { req, request }) => t!(
            "msg.request",
            locale = l,
            req = req.0,
            call = request.label()
        ),
        ClientMsg::ToClient(ToClient::Connected {
            session,
            timeout_ms,
        }) => t!(
            "msg.connected",
            locale = l,
            session = session,
            timeout = timeout_ms
        ),
        ClientMsg::ToClient(ToClient::Refused { why }) => {
            t!("msg.refused", locale = l, why = refused(why, lang))
        }
        ClientMsg::ToClient(ToClient::Pong) => t!("msg.pong", locale = l),
        ClientMsg::ToClient(ToClient::Reply {
            req,
            zxid,
            result: Ok(a),
        }) => t!(
            "msg.reply_ok",
            locale = l,
            req = req.0,
            zxid = zxid,
            answer = answer(a, lang)
        ),
        ClientMsg::ToClient(ToClient::Reply {
            req,
            result: Err(c),
            ..
        }) => t!("msg.reply_err", locale = l, req = req.0, code = c.name()),
        ClientMsg::ToClient(ToClient::Watch { path, event }) => {
            t!("msg.watch", locale = l, event = event.name(), path = path)
        }
        ClientMsg::ToClient(ToClient::Closed) => t!("msg.closed", locale = l),
    }
    .into_owned()
}

/// A message leaving, as the event log says it.
pub fn flight(f: &ClientFlight, lang: Lang) -> String {
    let l = lang.code();
    let msg = message(&f.msg, lang);
    match f.msg {
        ClientMsg::ToServer(_) => t!(
            "narrate.client_to_server",
            locale = l,
            client = f.client,
            server = f.server,
            msg = msg
        ),
        ClientMsg::ToClient(_) => t!(
            "narrate.server_to_client",
            locale = l,
            client = f.client,
            server = f.server,
            msg = msg
        ),
    }
    .into_owned()
}

/// What a client learnt.
pub fn event(client: &zab_core::ClientId, e: &ClientEvent, lang: Lang) -> String {
    let l = lang.code();
    match e {
        ClientEvent::Answered {
            req,
            zxid,
            result: Ok(a),
        } => t!(
            "client.answered_ok",
            locale = l,
            client = client,
            req = req.0,
            zxid = zxid,
            answer = answer(a, lang)
        ),
        ClientEvent::Answered {
            req,
            result: Err(c),
            ..
        } => t!(
            "client.answered_err",
            locale = l,
            client = client,
            req = req.0,
            code = c.name()
        ),
        ClientEvent::ConnectionLoss { req } => {
            t!(
                "client.connection_loss",
                locale = l,
                client = client,
                req = req.0
            )
        }
        ClientEvent::Connected { server, session } => t!(
            "client.connected",
            locale = l,
            client = client,
            session = session,
            server = server
        ),
        ClientEvent::Disconnected {
            server,
            why: Disconnect::ClosedByServer,
        } => t!(
            "client.disconnected_closed",
            locale = l,
            client = client,
            server = server
        ),
        ClientEvent::Disconnected {
            server,
            why: Disconnect::Timeout,
        } => t!(
            "client.disconnected_timeout",
            locale = l,
            client = client,
            server = server
        ),
        ClientEvent::Disconnected {
            server,
            why: Disconnect::Refused(why),
        } => t!(
            "client.disconnected_refused",
            locale = l,
            client = client,
            server = server,
            why = refused(why, lang)
        ),
        ClientEvent::WatchFired { path, event } => t!(
            "client.watch_fired",
            locale = l,
            client = client,
            path = path,
            event = event.name()
        ),
        ClientEvent::Expired => t!("client.expired", locale = l, client = client),
        ClientEvent::Started { servers } => t!(
            "client.started",
            locale = l,
            client = client,
            servers = super::join(servers)
        ),
    }
    .into_owned()
}
