//! The monitoring panel: every server's answer to the four-letter word `mntr` side by
//! side (ZooKeeper's `zk_` field names, zab_core::monitor), and the alerts an
//! operator's dashboard would raise. A down server does not answer; a server that is
//! electing or syncing answers that it is not serving.

use std::rc::Rc;

use crate::t;
use yew::prelude::*;
use zab_core::monitor::{Alert, Mntr};

use crate::state::model::Model;
use crate::text::monitor as words;

/// One server's column.
#[derive(Clone, Debug, PartialEq)]
struct Column {
    id: u32,
    up: bool,
    mntr: Option<Mntr>,
}

/// What the monitoring panel shows.
#[derive(Clone, Debug, PartialEq)]
pub struct MonitorData {
    columns: Vec<Column>,
    alerts: Vec<Alert>,
}

impl MonitorData {
    /// Read from the model.
    pub fn read(m: &Model) -> MonitorData {
        let columns = m
            .engine
            .monitor()
            .into_iter()
            .map(|(id, up, mntr)| Column { id, up, mntr })
            .collect();
        MonitorData {
            columns,
            alerts: m.engine.alerts(),
        }
    }
}

/// Props of the monitoring panel.
#[derive(Properties, Clone, PartialEq)]
pub struct MonitorProps {
    /// What it shows (it renders only when this changed).
    pub data: Rc<MonitorData>,
}

/// The alert's `data-alert` value.
fn kind(a: &Alert) -> &'static str {
    match a {
        Alert::QuorumLost => "quorum-lost",
        Alert::LeaderChanged { .. } => "leader-changed",
        Alert::ServerDown { .. } => "server-down",
        Alert::FollowerLagging { .. } => "follower-lagging",
        Alert::SessionExpired { .. } => "session-expired",
    }
}

/// The server an alert is about, if one.
fn about(a: &Alert) -> Option<u32> {
    match a {
        Alert::LeaderChanged { to, .. } => Some(to.0),
        Alert::ServerDown { server } | Alert::FollowerLagging { server, .. } => Some(server.0),
        Alert::QuorumLost | Alert::SessionExpired { .. } => None,
    }
}

/// The monitoring panel.
#[function_component(MonitorPanel)]
pub fn monitor_panel(p: &MonitorProps) -> Html {
    let MonitorData { columns, alerts } = &*p.data;
    let lines: Vec<Vec<(&'static str, String)>> = columns
        .iter()
        .map(|c| c.mntr.as_ref().map(Mntr::lines).unwrap_or_default())
        .collect();
    // Every key some server printed, in the order printed (the leader adds its own).
    let mut keys: Vec<&'static str> = Vec::new();
    for (key, _) in lines.iter().flatten() {
        if !keys.contains(key) {
            keys.push(key);
        }
    }
    let head = columns.iter().map(|c| {
        html! { <th scope="col" data-monitor-server={c.id.to_string()}>{t!("mon.server", id = c.id)}</th> }
    });
    let rows = keys.iter().map(|key| {
        let cells = columns.iter().zip(&lines).map(|(c, l)| {
            let value = l.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
            let shown = match (&value, c.up, &c.mntr) {
                (Some(v), _, _) => v.clone(),
                (None, false, _) => t!("mon.down").into_owned(),
                (None, true, None) => t!("mon.not_serving").into_owned(),
                (None, true, Some(_)) => String::new(),
            };
            html! {
                <td data-monitor-server={c.id.to_string()} data-value={value.unwrap_or_default()}>{shown}</td>
            }
        });
        let name = format!("zk_{key}");
        html! {
            <tr data-mntr-key={name.clone()}><th scope="row">{name}</th>{ for cells }</tr>
        }
    });
    let alert_list = alerts.iter().map(|a| {
        html! {
            <li class="alert" data-alert={kind(a)} data-alert-server={about(a).map(|s| s.to_string()).unwrap_or_default()}>
                {words::alert(a)}
            </li>
        }
    });
    html! {
        <section class="panel monitor" data-view="monitor" data-alerts={alerts.len().to_string()}
                 aria-label={t!("mon.aria")} tabindex="0">
            <h2>{t!("mon.title")}</h2>
            <h3>{t!("mon.alerts")}</h3>
            if alerts.is_empty() {
                <p class="no-alerts">{t!("mon.no_alerts")}</p>
            } else {
                <ul class="alerts">{ for alert_list }</ul>
            }
            <table class="mntr">
                <caption>{t!("mon.caption")}</caption>
                <thead><tr><th scope="col">{t!("mon.field")}</th>{ for head }</tr></thead>
                <tbody>{ for rows }</tbody>
            </table>
        </section>
    }
}
