//! The monitoring panel's words for an [`Alert`] (`web/locales/panels.yml`, `mon.*`);
//! ZooKeeper's `zk_` field names stay as they are.

use crate::t;
use zab_core::monitor::Alert;

/// An alert in the page's language.
pub fn alert(a: &Alert) -> String {
    match a {
        Alert::QuorumLost => t!("mon.alert.quorum_lost"),
        Alert::LeaderChanged { from, to, at_ms } => {
            t!("mon.alert.leader_changed", from = from, to = to, ms = at_ms)
        }
        Alert::ServerDown { server } => t!("mon.alert.server_down", id = server),
        Alert::FollowerLagging { server, behind } => {
            t!("mon.alert.lagging", id = server, count = behind)
        }
        Alert::SessionExpired { session, client } => {
            t!("mon.alert.expired", session = session, client = client)
        }
    }
    .into_owned()
}
