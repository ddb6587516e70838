//! The benchmark workloads, shared by the native benches (`core/benches/`) and the
//! browser benchmark (the web app's `zabBench*` entry points, driven by
//! `tests/e2e/bench-browser.mjs`), so that native and wasm run exactly the same work.
//!
//! Nothing here reads a clock: callers time [`run_all`] themselves (the native benches
//! with `std::time::Instant`, the browser benchmark with `performance.now()`).
//! See `BENCHMARKS.md`, sections 1 and "Browser (wasm) throughput ratio".

use crate::action::Action;
use crate::ids::ServerId;
use crate::run::Run;
use crate::scenario::{Scenario, Step};
use crate::sweep::random_scenario;
use crate::txn::Op;

/// Number of distinct znodes the steady workload writes to.
pub const KEYS: u64 = 16;

/// A `participants + observers` cluster that runs for `duration_ms` with a steady client
/// load of `per_second` writes per second, spread round-robin over every server (a
/// follower or observer forwards its writes to the leader). The first write to each of
/// [`KEYS`] znodes is a `create`, every later one a `set`. Built programmatically: one
/// hour at 10 writes/s is 36 000 steps.
pub fn steady_writes(
    participants: u32,
    observers: u32,
    duration_ms: u64,
    per_second: u64,
    seed: u64,
) -> Scenario {
    let mut s = Scenario::new(participants);
    s.name = format!(
        "bench: {participants}+{observers} servers, {per_second} writes/s for {duration_ms} ms"
    );
    s.seed = seed;
    s.cluster.observers = observers;
    let servers = u64::from(participants + observers);
    let gap = 1000 / per_second.max(1);
    let count = duration_ms / gap;
    s.schedule = (0..count)
        .map(|k| {
            let path = format!("/k{}", k % KEYS);
            let data = format!("v{k}");
            let op = if k < KEYS {
                Op::create(path, data)
            } else {
                Op::Set { path, data }
            };
            Step {
                at_ms: k * gap,
                action: Action::Write {
                    server: ServerId(1 + (k % servers) as u32),
                    op,
                },
            }
        })
        .collect();
    s.run_until_ms = duration_ms;
    s
}

/// One workload of the throughput benchmark: a name, the cluster size it runs on and
/// the scenarios it runs, each to its end.
#[derive(Clone, Debug)]
pub struct Workload {
    /// What it is, e.g. `steady 10 writes/s, 120 s`.
    pub name: String,
    /// Cluster size, e.g. `9+2` (participants + observers) or `3+0/1` (the random
    /// generator adds one observer to some seeds).
    pub servers: String,
    /// The scenarios, run one after the other.
    pub scenarios: Vec<Scenario>,
}

/// The six workloads of the throughput benchmark (BENCHMARKS.md, section 1), in order:
/// steady writes (10 writes/s, round-robin) on 3+0, 5+0 and 9+2 servers for 120 s
/// (600 s if `long`), then `sweep::random_scenario` for seeds 0..40 (0..200 if `long`),
/// 30 s each, on 3, 5 and 9 participants.
pub fn throughput_workloads(long: bool) -> Vec<Workload> {
    let steady_ms: u64 = if long { 600_000 } else { 120_000 };
    let seeds: u64 = if long { 200 } else { 40 };
    let mut out = Vec::new();
    for (p, o) in [(3, 0), (5, 0), (9, 2)] {
        out.push(Workload {
            name: format!("steady 10 writes/s, {} s", steady_ms / 1000),
            servers: format!("{p}+{o}"),
            scenarios: vec![steady_writes(p, o, steady_ms, 10, 1)],
        });
    }
    for p in [3u32, 5, 9] {
        out.push(Workload {
            name: format!("random faults, seeds 0..{seeds}, 30 s"),
            servers: format!("{p}+0/1"),
            scenarios: (0..seeds)
                .map(|seed| random_scenario(seed, p, 30_000, &[]))
                .collect(),
        });
    }
    out
}

/// Runs every scenario to its end once, without keeping the trace (as a sweep does),
/// with the invariant checker on or off; returns the number of simulated events.
///
/// # Panics
/// If a scenario does not validate (the workloads above always do).
pub fn run_all(scenarios: &[Scenario], checking: bool) -> u64 {
    let mut events = 0;
    for s in scenarios {
        let mut run = Run::new(s).expect("bench scenarios are valid");
        run.set_record_trace(false);
        run.set_checking(checking);
        run.run_to_end();
        events += run.sim().stats.events;
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workloads_are_six_and_valid() {
        let w = throughput_workloads(false);
        assert_eq!(w.len(), 6);
        assert_eq!(w[2].servers, "9+2");
        assert_eq!(w[3].scenarios.len(), 40);
        let s = &w[0].scenarios[0];
        assert_eq!(s.schedule.len(), 1200);
        assert!(Run::new(s).is_ok());
    }

    #[test]
    fn checking_does_not_change_the_events() {
        let s = [steady_writes(3, 0, 5_000, 10, 1)];
        assert_eq!(run_all(&s, false), run_all(&s, true));
    }
}
