//! Shared helpers of the native benchmarks (`cargo bench -p zab-core`).
//!
//! Wall-clock time (`std::time::Instant`) is only ever read here, in the benches; the
//! simulator itself never looks at a clock (design: no `std::time` in core).
//!
//! Environment variables understood by every bench:
//! - `ZAB_BENCH_REPEAT=N`: how many times each measurement is repeated (median reported).
//! - `ZAB_BENCH_LONG=1`: the long variants (more seeds, longer runs).

#![allow(dead_code)]

use std::time::{Duration, Instant};

// The steady workload is shared with the browser benchmark (zab_core::bench_workloads).
#[allow(unused_imports)] // used by the hour and timeline benches, not by every bench
pub use zab_core::bench_workloads::steady_writes;

/// Whether the long variants were asked for (`ZAB_BENCH_LONG=1`).
pub fn long() -> bool {
    std::env::var("ZAB_BENCH_LONG").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Repetitions of each measurement (`ZAB_BENCH_REPEAT`, default `default`).
pub fn repeat(default: usize) -> usize {
    std::env::var("ZAB_BENCH_REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n >= 1)
        .unwrap_or(default)
}

/// Runs `f` and returns its result and the wall time it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

/// This thread's time on a CPU and time spent waiting for one (ready but not running,
/// because other processes had the cores), in seconds, from
/// `/proc/thread-self/schedstat`. `None` where that file does not exist.
pub fn sched_times() -> Option<(f64, f64)> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let mut it = s.split_whitespace();
    let on_cpu: u64 = it.next()?.parse().ok()?;
    let waiting: u64 = it.next()?.parse().ok()?;
    Some((on_cpu as f64 / 1e9, waiting as f64 / 1e9))
}

/// A measurement of one piece of work on this thread.
#[derive(Clone, Copy, Debug)]
pub struct Took {
    /// Wall-clock seconds.
    pub wall: f64,
    /// Seconds on a CPU (NaN if unknown): close to what the work takes on an idle core.
    pub cpu: f64,
    /// Seconds spent ready but waiting for a core (NaN if unknown): the load's share.
    pub waiting: f64,
}

/// Runs `f` and returns its result with its wall time, CPU time and run-queue wait.
pub fn measured<T>(f: impl FnOnce() -> T) -> (T, Took) {
    let s0 = sched_times();
    let start = Instant::now();
    let out = f();
    let wall = start.elapsed().as_secs_f64();
    let (cpu, waiting) = match (s0, sched_times()) {
        (Some((c0, w0)), Some((c1, w1))) => (c1 - c0, w1 - w0),
        _ => (f64::NAN, f64::NAN),
    };
    (out, Took { wall, cpu, waiting })
}

/// The median of some numbers (the mean of the two middle ones for an even count).
pub fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The `p`-th percentile (nearest rank, `p` in 0..=100).
pub fn percentile(xs: &[f64], p: f64) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// The 1-minute load average (`/proc/loadavg`), to print beside the figures: other
/// builds on the machine make the numbers noisy.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".to_string())
}

/// Prints the bench's header: what it is and the load on the machine at its start.
pub fn header(name: &str, repetitions: usize) {
    println!("== {name} ==");
    println!(
        "load average (1 min) at start: {}; repetitions: {}; long variants: {}",
        load_average(),
        repetitions,
        if long() {
            "on"
        } else {
            "off (ZAB_BENCH_LONG=1)"
        }
    );
}

/// `pass` or `MISS` for a figure against its target.
pub fn verdict(ok: bool) -> &'static str {
    if ok {
        "pass"
    } else {
        "MISS"
    }
}
