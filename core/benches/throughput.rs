//! Benchmark 1: core throughput, in simulated events per wall-clock second.
//!
//! Two workloads, each with the checker off and on ([`Run::set_checking`]; the trace is
//! not kept in either case, so "off" also skips building trace events, as a sweep or a
//! headless run without `--trace` would):
//! - steady client writes (10 writes/s spread round-robin over every server) on 3, 5 and
//!   9 participants + 2 observers;
//! - random faults: `sweep::random_scenario` over a fixed seed range (30 s each, the
//!   `zab-sim sweep` default length), on 3, 5 and 9 participants (the generator adds
//!   one observer to about one seed in four; its partitions name every server, so the
//!   cluster cannot be enlarged afterwards).
//!
//! Prints events/s (median of `ZAB_BENCH_REPEAT` repetitions, default 5) and the
//! checker-on/off cost ratio (target: at most 3x): the median over the repetitions of
//! (wall time with the checker on) / (wall time with it off), each pair run back to back. `ZAB_BENCH_LONG=1` runs longer
//! steady runs and more seeds; `ZAB_BENCH_ONLY=I` runs only workload I (0..=5).
//!
//! The workloads and the loop that runs them are `zab_core::bench_workloads`, shared
//! with the browser benchmark (`scripts/bench.sh browser`), which runs the same work
//! compiled to wasm32 and compares with this bench's rows.
//!
//! `cargo bench -p zab-core --bench throughput`

mod common;

use common::*;
use zab_core::bench_workloads::{self, throughput_workloads};
use zab_core::scenario::Scenario;

/// Runs every scenario to its end once; returns (events, seconds).
fn run_all(scenarios: &[Scenario], checking: bool) -> (u64, f64) {
    let (events, took) = timed(|| bench_workloads::run_all(scenarios, checking));
    (events, took.as_secs_f64())
}

struct Row {
    events: u64,
    off: f64,
    on: f64,
    /// Median of the per-repetition ratios (each pair measured back to back, which
    /// cancels some of the load other processes put on the machine).
    ratio: f64,
}

/// Measures one workload: checker off and on alternately, `reps` times each.
fn measure(workload: &str, servers: &str, scenarios: &[Scenario], reps: usize) -> Row {
    // One warm-up run (page faults, caches), not counted.
    let _ = run_all(&scenarios[..1], true);
    let mut off = Vec::new();
    let mut on = Vec::new();
    let mut ratios = Vec::new();
    let mut events = 0;
    for _ in 0..reps {
        let (e_off, t_off) = run_all(scenarios, false);
        let (e_on, t_on) = run_all(scenarios, true);
        // The checker only observes: the same events either way.
        assert_eq!(e_off, e_on, "checking changed the run");
        events = e_on;
        off.push(e_off as f64 / t_off);
        on.push(e_on as f64 / t_on);
        ratios.push(t_on / t_off);
    }
    let row = Row {
        events,
        off: median(&off),
        on: median(&on),
        ratio: median(&ratios),
    };
    println!(
        "{:<34} {:>7} {:>10} {:>14.0} {:>14.0} {:>7.2}x  {}",
        workload,
        servers,
        row.events,
        row.off,
        row.on,
        row.ratio,
        verdict(row.ratio <= 3.0)
    );
    row
}

fn main() {
    let reps = repeat(5);
    header("throughput: simulated events per second", reps);
    println!(
        "{:<34} {:>7} {:>10} {:>14} {:>14} {:>8}  target<=3x",
        "workload", "servers", "events", "ev/s chk off", "ev/s chk on", "on/off"
    );
    // ZAB_BENCH_ONLY=I runs workload I alone (the browser benchmark interleaves native
    // and wasm runs of each workload this way).
    let only: Option<usize> = std::env::var("ZAB_BENCH_ONLY")
        .ok()
        .and_then(|v| v.parse().ok());
    let rows: Vec<Row> = throughput_workloads(long())
        .iter()
        .enumerate()
        .filter(|(i, _)| only.is_none_or(|o| o == *i))
        .map(|(_, w)| measure(&w.name, &w.servers, &w.scenarios, reps))
        .collect();
    let worst = rows.iter().map(|r| r.ratio).fold(0.0f64, f64::max);
    println!(
        "worst checker-on/off cost ratio: {worst:.2}x (target <= 3x: {})",
        verdict(worst <= 3.0)
    );
    println!("load average (1 min) at end: {}", load_average());
}
