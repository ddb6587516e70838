//! The session clients of a random scenario (issue 15): swarm-style like the faults,
//! drawn from a stream of their own so that a seed's faults and writes are the same
//! with and without them.
//!
//! About half the seeds have clients: one to three, each connecting early with a
//! shuffled connect string and a random timeout, then making calls (creates that may
//! be ephemeral and sequential, sets and deletes with or without a version, reads that
//! may leave a watch, sometimes a close and a fresh connect) and, in some seeds, being
//! cut off from every server for a while. Every cut client is reconnected at the end of
//! the fault window.

use super::pick;
use crate::action::Action;
use crate::client::Request;
use crate::ids::{ClientId, ServerId, Time};
use crate::scenario::Step;
use crate::sim::rng::Rng;

/// Salt of the clients' stream.
const SESSIONS_SALT: u64 = 0x0053_4553_5331; // "SESS1" in ASCII

/// What a seed chose for its clients.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientPlan {
    /// How many clients.
    pub clients: u32,
    /// Mean gap between one client's calls.
    pub call_gap_ms: Time,
    /// Mean gap between client network cuts, if on.
    pub cut_gap_ms: Option<Time>,
}

/// The client steps of a seed's random scenario (none for about half the seeds).
pub fn client_steps(
    seed: u64,
    servers: &[ServerId],
    start: Time,
    fault_end: Time,
    until: Time,
) -> (Vec<Step>, Option<ClientPlan>) {
    let mut rng = Rng::new(seed, SESSIONS_SALT);
    let mut steps = Vec::new();
    if servers.is_empty() || !rng.chance(1, 2) {
        return (steps, None);
    }
    let plan = ClientPlan {
        clients: rng.range(1, 3) as u32,
        call_gap_ms: pick(&mut rng, &[150, 400, 1_000]),
        cut_gap_ms: rng.chance(1, 2).then(|| pick(&mut rng, &[1_500, 4_000])),
    };
    for c in 1..=plan.clients {
        let client = ClientId(c);
        let connect = |rng: &mut Rng, at: Time| {
            let mut order = servers.to_vec();
            for i in (1..order.len()).rev() {
                let j = rng.range(0, i as u64) as usize;
                order.swap(i, j);
            }
            Step {
                at_ms: at,
                action: Action::Connect {
                    client,
                    servers: order,
                    timeout_ms: pick(rng, &[400, 1_000, 2_000, 4_000]),
                },
            }
        };
        let mut t = start + rng.range(0, 300);
        steps.push(connect(&mut rng, t));
        let mut next_cut = plan.cut_gap_ms.map(|g| t + super::around(&mut rng, g));
        while t < until {
            t += super::around(&mut rng, plan.call_gap_ms);
            if t >= until {
                break;
            }
            if let Some(cut) = next_cut.filter(|c| *c <= t && t < fault_end) {
                steps.push(Step {
                    at_ms: cut,
                    action: Action::CutClient { client },
                });
                let heal = (cut + rng.range(300, 5_000)).min(fault_end);
                steps.push(Step {
                    at_ms: heal,
                    action: Action::HealClient { client },
                });
                next_cut = plan.cut_gap_ms.map(|g| heal + super::around(&mut rng, g));
            }
            if rng.chance(1, 40) {
                steps.push(call(t, client, Request::Close));
                let again = t + rng.range(50, 500);
                steps.push(connect(&mut rng, again));
                continue;
            }
            let request = random_request(&mut rng, c);
            steps.push(call(t, client, request));
        }
    }
    // Every client's network is whole again when the faults end.
    for c in 1..=plan.clients {
        steps.push(Step {
            at_ms: fault_end,
            action: Action::HealClient {
                client: ClientId(c),
            },
        });
    }
    (steps, Some(plan))
}

fn call(at: Time, client: ClientId, request: Request) -> Step {
    Step {
        at_ms: at,
        action: Action::Call { client, request },
    }
}

/// A random call on a small tree: `/s`, its children, and sequential `/s/q-` names.
fn random_request(rng: &mut Rng, c: u32) -> Request {
    let path = pick(rng, &["/s", "/s/a", "/s/b", "/s/q-", "/e"]).to_string();
    let watch = rng.chance(1, 2);
    let version = rng.chance(1, 4).then(|| rng.range(0, 3) as i32);
    match rng.range(0, 9) {
        0..=2 => Request::Create {
            data: format!("c{c}"),
            ephemeral: path != "/s" && rng.chance(1, 2),
            sequential: path == "/s/q-" || rng.chance(1, 6),
            path,
        },
        3 => Request::SetData {
            path,
            data: format!("v{c}"),
            version,
        },
        4 => Request::Delete { path, version },
        5 | 6 => Request::GetData { path, watch },
        7 => Request::Exists { path, watch },
        _ => Request::GetChildren {
            path: "/s".into(),
            watch,
        },
    }
}
