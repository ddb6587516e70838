//! Benchmark 2: one simulated hour of a 5-server cluster with 10 client writes per
//! second (36 000 writes, built programmatically), checker on, trace not kept (as
//! `zab-sim run` without `--trace`). Target: under 1 s of wall time natively in release.
//!
//! Prints the median over `ZAB_BENCH_REPEAT` repetitions (default 3) of the whole
//! thing (`Run::new`, which validates and schedules the 36 000 steps, then
//! `run_to_end`, which includes the checker's end-of-run checks), and of each part.
//!
//! `cargo bench -p zab-core --bench hour`

mod common;

use common::*;
use std::collections::BTreeMap;
use zab_core::report::Report;
use zab_core::run::Run;

const HOUR_MS: u64 = 3_600_000;

fn main() {
    let reps = repeat(3);
    header(
        "one simulated hour, 5 servers, 10 writes/s, checker on",
        reps,
    );
    let (scenario, built) = timed(|| steady_writes(5, 0, HOUR_MS, 10, 1));
    assert_eq!(scenario.schedule.len(), 36_000);
    println!(
        "scenario built in {:.1} ms ({} writes)",
        built.as_secs_f64() * 1e3,
        scenario.schedule.len()
    );
    let mut totals = Vec::new();
    let mut cpus = Vec::new();
    let mut waits = Vec::new();
    let mut news = Vec::new();
    let mut runs = Vec::new();
    let mut events = 0;
    let mut violations = 0;
    let mut last = None;
    for i in 0..reps {
        let (mut run, t_new) = measured(|| Run::new(&scenario).expect("valid"));
        run.set_record_trace(false);
        run.set_checking(true);
        let ((), t_run) = measured(|| run.run_to_end());
        events = run.sim().stats.events;
        violations = run.violations().len();
        let (wall, cpu, wait) = (
            t_new.wall + t_run.wall,
            t_new.cpu + t_run.cpu,
            t_new.waiting + t_run.waiting,
        );
        println!(
            "  rep {}: wall {wall:.3} s (Run::new {:.3} s, run_to_end {:.3} s); on CPU {cpu:.3} s, \
             waiting for a core {wait:.3} s; {events} events",
            i + 1,
            t_new.wall,
            t_run.wall,
        );
        totals.push(wall);
        cpus.push(cpu);
        waits.push(wait);
        news.push(t_new.wall);
        runs.push(t_run.wall);
        last = Some(run);
    }
    // Sanity (not timed): the writes were really committed.
    if let Some(run) = &last {
        let report = Report::of(run);
        let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
        for w in &report.writes {
            *by_status.entry(w.status.as_str()).or_default() += 1;
        }
        println!(
            "writes by outcome: {by_status:?}; leader {:?}; {} elections",
            report.leader,
            report.elections.len()
        );
    }
    // Diagnostic: the same run in six 10-minute segments, to see whether the cost of
    // an event changes as the run grows (a bigger event queue early, a longer record
    // of writes late).
    {
        let mut run = Run::new(&scenario).expect("valid");
        run.set_record_trace(false);
        let mut line = String::from("events/s per 10-minute segment:");
        for k in 1..=6u64 {
            let before = run.sim().stats.events;
            let ((), took) = timed(|| run.run_until(k * HOUR_MS / 6));
            let n = run.sim().stats.events - before;
            line.push_str(&format!(" {:.0}", n as f64 / took.as_secs_f64()));
        }
        println!("{line}");
    }
    let total = median(&totals);
    let cpu = median(&cpus);
    println!(
        "median wall time: {total:.3} s (Run::new {:.3} s, run_to_end {:.3} s); {events} events, \
         {:.0} events/s; {violations} violations",
        median(&news),
        median(&runs),
        events as f64 / median(&runs)
    );
    println!(
        "median time on a CPU: {cpu:.3} s (median wait for a core: {:.3} s; what the run \
         takes on an idle core is close to the CPU time)",
        median(&waits)
    );
    println!(
        "target < 1 s: wall {}, CPU {}",
        verdict(total < 1.0),
        verdict(cpu < 1.0)
    );
    println!("load average (1 min) at end: {}", load_average());
}
