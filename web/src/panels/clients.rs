//! The client panel: submit create / set / delete to a chosen server and follow
//! each write (pending, committed with its zxid, failed); read a path at a chosen
//! server and see whether the answer is stale.

use std::rc::Rc;

use crate::t;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::engine::views::{
    make_op, state_name, watch_call, CallView, Command, ReadView, SessionView, WriteView,
};
use crate::state::model::{Model, Msg};
use crate::text::narrate::sessions as words;
use zab_core::client::{ClientEvent, ClientState, Request};

/// Writes listed.
const WRITES_SHOWN: usize = 12;
/// Reads listed.
const READS_SHOWN: usize = 4;
/// Session calls listed.
const CALLS_SHOWN: usize = 8;

fn value_of(e: &Event) -> String {
    let t = e.target();
    if let Some(i) = t
        .clone()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        return i.value();
    }
    t.and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

fn setter(state: &UseStateHandle<String>) -> Callback<Event> {
    let state = state.clone();
    Callback::from(move |e: Event| state.set(value_of(&e)))
}

fn input_setter(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| {
        let v = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|i| i.value())
            .unwrap_or_default();
        state.set(v)
    })
}

/// What the client panel shows.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientData {
    /// Servers (for the server menus).
    n: u32,
    /// The active leader, marked in the menus.
    leader: Option<u32>,
    /// The newest writes, newest first.
    writes: Vec<WriteView>,
    /// The newest reads, newest first.
    reads: Vec<ReadView>,
    /// The session clients.
    sessions: Vec<SessionView>,
    /// The newest session calls, newest first.
    calls: Vec<CallView>,
}

impl ClientData {
    /// Read from the model.
    pub fn read(m: &Model) -> ClientData {
        let mut reads = m.engine.reads();
        reads.truncate(READS_SHOWN);
        ClientData {
            n: m.engine.size(),
            leader: m.engine.leader(),
            writes: m.engine.writes(WRITES_SHOWN),
            reads,
            sessions: m.engine.sessions(),
            calls: m.engine.calls(CALLS_SHOWN),
        }
    }
}

/// Props of the client panel.
#[derive(Properties, Clone, PartialEq)]
pub struct ClientProps {
    /// What it shows (renders only when this changed).
    pub data: Rc<ClientData>,
    /// Sends a message to the model.
    pub dispatch: Callback<Msg>,
}

/// The client panel.
#[function_component(ClientPanel)]
pub fn client_panel(p: &ClientProps) -> Html {
    let server = use_state(|| "1".to_string());
    let op = use_state(|| "create".to_string());
    let path = use_state(|| "/a".to_string());
    let data = use_state(|| "v1".to_string());
    let counter = use_state(|| 1u32);
    let read_server = use_state(|| "1".to_string());
    let read_path = use_state(|| "/a".to_string());

    let ClientData {
        n,
        leader,
        writes,
        reads,
        sessions,
        calls,
    } = &*p.data;
    let (n, leader) = (*n, *leader);
    let options = |current: &str| -> Html {
        html! { for (1..=n).map(|i| {
            let label = if Some(i) == leader { t!("cli.leader_option", id = i) } else { t!("cli.server_option", id = i) };
            html! { <option value={i.to_string()} selected={current == i.to_string()}>{label}</option> }
        }) }
    };

    let on_submit = {
        let (server, op, path, data, counter, d) = (
            server.clone(),
            op.clone(),
            path.clone(),
            data.clone(),
            counter.clone(),
            p.dispatch.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(s) = server.parse::<u32>() else {
                d.emit(Msg::Say(t!("cli.pick_write_server").into()));
                return;
            };
            d.emit(Msg::Cmd(Command::Write {
                server: s,
                op: make_op(&op, &path, &data),
            }));
            // Next value, so that repeated writes are told apart.
            let next = *counter + 1;
            counter.set(next);
            data.set(format!("v{next}"));
        })
    };
    let on_read = {
        let (read_server, read_path, d) =
            (read_server.clone(), read_path.clone(), p.dispatch.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Ok(s) = read_server.parse::<u32>() else {
                d.emit(Msg::Say(t!("cli.pick_read_server").into()));
                return;
            };
            d.emit(Msg::Cmd(Command::Read {
                server: s,
                path: read_path.trim().to_string(),
            }));
        })
    };

    html! {
        <section class="panel clients" aria-label={t!("cli.title")}>
            <h2>{t!("cli.title")}</h2>
            <form class="client-form" onsubmit={on_submit} aria-label={t!("cli.write_form")}>
                <select aria-label={t!("cli.write_server")} onchange={setter(&server)}>{ options(&server) }</select>
                <select aria-label={t!("cli.operation")} onchange={setter(&op)}>
                    { for ["create", "set", "delete"].iter().map(|o| html! {
                        <option value={*o} selected={*op == *o}>{*o}</option>
                    }) }
                </select>
                <input aria-label={t!("cli.path")} class="path" value={(*path).clone()} oninput={input_setter(&path)} />
                <input aria-label={t!("cli.data")} class="data" value={(*data).clone()} oninput={input_setter(&data)}
                       disabled={*op == "delete"} />
                <button type="submit" class="primary">{t!("cli.submit")}</button>
            </form>
            <form class="client-form" onsubmit={on_read} aria-label={t!("cli.read_form")}>
                <select aria-label={t!("cli.read_server")} onchange={setter(&read_server)}>{ options(&read_server) }</select>
                <input aria-label={t!("cli.read_path")} class="path" value={(*read_path).clone()} oninput={input_setter(&read_path)} />
                <button type="submit">{t!("cli.read")}</button>
            </form>
            <ul class="reads" aria-label={t!("cli.reads")}>
                { for reads.iter().map(|r| {
                    let (text, class) = if !r.serving {
                        (t!("cli.not_serving", id = r.server).into_owned(), "refused")
                    } else {
                        let v = r.value.clone().map_or_else(|| t!("cli.no_znode").into_owned(), |v| format!("“{v}”"));
                        if r.stale() {
                            let lv = r.leader.as_ref().and_then(|(_, v)| v.clone()).map_or_else(|| t!("cli.no_znode").into_owned(), |v| format!("“{v}”"));
                            (t!("cli.stale", value = v, leader = r.leader.as_ref().map_or(0, |l| l.0), leader_value = lv).into_owned(), "stale")
                        } else {
                            (v, "fresh")
                        }
                    };
                    html! {
                        <li class={class} data-read-status={class}>
                            <span class="at">{t!("cli.ms", ms = r.at_ms)}</span>
                            {t!("cli.read_line", path = r.path, id = r.server)}<strong>{text}</strong>
                        </li>
                    }
                }) }
            </ul>
            <h3>{t!("cli.sessions")}</h3>
            <SessionForms n={n} leader={leader} sessions={sessions.clone()} dispatch={p.dispatch.clone()} />
            if !sessions.is_empty() {
                <ul class="sessions" aria-label={t!("cli.sessions")}>
                    { for sessions.iter().map(|s| session_row(s, &p.dispatch)) }
                </ul>
                <ul class="calls" aria-label={t!("cli.calls")}>
                    { for calls.iter().map(call_row) }
                </ul>
            }
            <ul class="writes" aria-label={t!("cli.writes")}>
                if writes.is_empty() {
                    <li class="hint">{t!("cli.no_writes")}</li>
                }
                { for writes.iter().map(|w| {
                    let status = match (w.status, &w.zxid, &w.reason) {
                        ("committed", Some(z), _) => t!("cli.committed", zxid = z).into_owned(),
                        ("failed", _, Some(r)) => t!("cli.failed", reason = r).into_owned(),
                        ("failed", _, None) => t!("cli.failed_plain").into_owned(),
                        ("unknown", _, Some(r)) => t!("cli.write_unknown", reason = r).into_owned(),
                        _ => t!("cli.pending").into_owned(),
                    };
                    html! {
                        <li key={w.req} data-write-req={w.req.to_string()} data-write-status={w.status}
                            data-write-zxid={w.zxid.map(|z| z.to_string()).unwrap_or_default()}
                            data-write-server={w.server.to_string()}>
                            <span class="req">{format!("#{}", w.req)}</span>
                            <span class="op">{t!("cli.op_at", op = w.op, id = w.server)}</span>
                            <span class={classes!("badge", w.status)}>{status}</span>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

/// The calls the session form offers: (value, zkCli's syntax for it).
const CALLS: [(&str, &str); 9] = [
    ("create", "create"),
    ("create-e", "create -e"),
    ("create-es", "create -e -s"),
    ("set", "set"),
    ("delete", "delete"),
    ("get", "get -w"),
    ("exists", "stat -w"),
    ("children", "ls -w"),
    ("close", "close"),
];

/// The call a form choice stands for (reads leave a watch: what the form is for).
fn request_of(kind: &str, path: &str, data: &str) -> Request {
    let (path, data) = (path.trim().to_string(), data.to_string());
    match kind {
        "create-e" | "create-es" => Request::Create {
            path,
            data,
            ephemeral: true,
            sequential: kind == "create-es",
        },
        "set" => Request::SetData {
            path,
            data,
            version: None,
        },
        "delete" => Request::Delete {
            path,
            version: None,
        },
        "get" => Request::GetData { path, watch: true },
        "exists" => Request::Exists { path, watch: true },
        "children" => Request::GetChildren { path, watch: true },
        "close" => Request::Close,
        _ => Request::Create {
            path,
            data,
            ephemeral: false,
            sequential: false,
        },
    }
}

/// Props of the session forms.
#[derive(Properties, Clone, PartialEq)]
struct SessionFormProps {
    n: u32,
    leader: Option<u32>,
    sessions: Vec<SessionView>,
    dispatch: Callback<Msg>,
}

/// Connect a session client; make a call from one.
#[function_component(SessionForms)]
fn session_forms(p: &SessionFormProps) -> Html {
    let first = use_state(|| "1".to_string());
    let client = use_state(String::new);
    let kind = use_state(|| "create-e".to_string());
    let path = use_state(|| "/app".to_string());
    let data = use_state(|| "c".to_string());
    let alive: Vec<u32> = p
        .sessions
        .iter()
        .filter(|s| matches!(s.state, ClientState::Connecting | ClientState::Connected))
        .map(|s| s.client.0)
        .collect();
    let chosen = client
        .parse::<u32>()
        .ok()
        .filter(|c| alive.contains(c))
        .or(alive.first().copied());
    let on_connect = {
        let (first, d) = (first.clone(), p.dispatch.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Ok(first) = first.parse::<u32>() {
                d.emit(Msg::Cmd(Command::Connect { first }));
            }
        })
    };
    let on_call = {
        let (kind, path, data, d) = (kind.clone(), path.clone(), data.clone(), p.dispatch.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(client) = chosen else {
                d.emit(Msg::Say(t!("cli.no_session").into()));
                return;
            };
            let request = request_of(&kind, &path, &data);
            d.emit(Msg::Cmd(Command::Call { client, request }));
        })
    };
    let (n, leader) = (p.n, p.leader);
    html! {
        <>
            <form class="client-form" onsubmit={on_connect} aria-label={t!("cli.connect_form")}>
                <select aria-label={t!("cli.connect_first")} onchange={setter(&first)}>
                    { for (1..=n).map(|i| {
                        let label = if Some(i) == leader { t!("cli.leader_option", id = i) } else { t!("cli.server_option", id = i) };
                        html! { <option value={i.to_string()} selected={*first == i.to_string()}>{label}</option> }
                    }) }
                </select>
                <button type="submit">{t!("cli.connect")}</button>
            </form>
            if !alive.is_empty() {
                <form class="client-form" onsubmit={on_call} aria-label={t!("cli.call_form")}>
                    <select aria-label={t!("cli.call_client")} onchange={setter(&client)}>
                        { for alive.iter().map(|c| html! {
                            <option value={c.to_string()} selected={chosen == Some(*c)}>{format!("c{c}")}</option>
                        }) }
                    </select>
                    <select aria-label={t!("cli.call_kind")} onchange={setter(&kind)}>
                        { for CALLS.iter().map(|(v, label)| html! {
                            <option value={*v} selected={*kind == *v}>{*label}</option>
                        }) }
                    </select>
                    <input aria-label={t!("cli.path")} class="path" value={(*path).clone()} oninput={input_setter(&path)}
                           disabled={*kind == "close"} />
                    <input aria-label={t!("cli.data")} class="data" value={(*data).clone()} oninput={input_setter(&data)}
                           disabled={!matches!(kind.as_str(), "create" | "create-e" | "create-es" | "set")} />
                    <button type="submit" class="primary">{t!("cli.call")}</button>
                </form>
            }
        </>
    }
}

fn session_row(s: &SessionView, dispatch: &Callback<Msg>) -> Html {
    let toggle = {
        let (d, c, cut) = (dispatch.clone(), s.client.0, s.cut);
        Callback::from(move |_| d.emit(Msg::Cmd(Command::CutClient(c, !cut))))
    };
    let server = s.server.map_or_else(
        || t!("cli.session_between").into_owned(),
        |id| t!("cli.session_at", id = id).into_owned(),
    );
    let session = s.session.map(|id| id.to_string()).unwrap_or_default();
    let watches: Vec<String> = s
        .watches
        .iter()
        .map(|(k, p)| format!("{} {p}", watch_call(*k)))
        .collect();
    html! {
        <li data-session-client={s.client.0.to_string()} data-session-state={state_name(s.state)}
            data-session-server={s.server.map(|i| i.to_string()).unwrap_or_default()}
            data-session-id={session.clone()} data-session-cut={s.cut.to_string()}
            data-session-ephemerals={s.ephemerals.join(" ")}
            data-session-watches={s.watches.len().to_string()}>
            <strong>{s.client.to_string()}</strong>
            <span class={classes!("badge", state_name(s.state).to_lowercase())}>{state_name(s.state)}</span>
            <span>{server}</span>
            if !session.is_empty() {
                <span class="session">{t!("cli.session_id", id = session, timeout = s.timeout_ms)}</span>
            }
            <span class="zxid">{t!("cli.session_seen", zxid = s.last_zxid)}</span>
            if s.cut {
                <span class="badge failed">{t!("cli.session_cut")}</span>
            }
            if matches!(s.state, ClientState::Connecting | ClientState::Connected) {
                <button class="small" onclick={toggle}>
                    { if s.cut { t!("cli.heal_client") } else { t!("cli.cut_client") } }
                </button>
            }
            if !s.ephemerals.is_empty() {
                <span class="ephemerals">
                    {t!("cli.session_ephemerals", paths = s.ephemerals.join(", "))}
                </span>
            }
            if !watches.is_empty() {
                <span class="watches">
                    {t!("cli.session_watches", watches = watches.join(", "))}
                </span>
            }
        </li>
    }
}

fn call_row(c: &CallView) -> Html {
    let lang = crate::text::lang::current();
    let (status, text) = match &c.outcome {
        None => ("pending", t!("cli.pending").into_owned()),
        Some(ClientEvent::ConnectionLoss { .. }) => {
            ("unknown", t!("cli.call_unknown").into_owned())
        }
        Some(ClientEvent::Answered {
            result: Err(code), ..
        }) => ("failed", code.name().to_string()),
        Some(e) => ("answered", words::event(&c.client, e, lang)),
    };
    html! {
        <li key={c.req} data-call-req={c.req.to_string()} data-call-status={status}>
            <span class="req">{format!("#{}", c.req)}</span>
            <span class="op">{format!("{}: {}", c.client, c.call)}</span>
            <span class={classes!("badge", status)}>{text}</span>
        </li>
    }
}
