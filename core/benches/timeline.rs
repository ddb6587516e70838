//! Benchmark 4: time travel over a one-hour run.
//!
//! A 5-server cluster with 10 client writes per second for one simulated hour runs in a
//! [`Timeline`] with the default checkpoint interval ([`Timeline::CHECKPOINT_EVERY`]
//! events), advanced one simulated second at a time with the trace drained after each
//! second, as the web app does per frame. Then:
//! - seek latency to 50 random times in the hour (fixed pseudo-random sequence):
//!   median, p95, max (target: under 50 ms);
//! - memory held by the history: live heap bytes (counted by this bench's global
//!   allocator) and process RSS (`VmRSS` in `/proc/self/status`) before and after
//!   building the timeline, and the heap bytes of one checkpoint-sized copy of the run
//!   at the start and at the end of the hour (target: history under 100 MB).
//!
//! The bench stops building early if the history passes `ZAB_BENCH_MEM_LIMIT_MB`
//! (default: 60% of the memory available at its start, at most 16 GB), so that it
//! cannot exhaust a shared machine; it then says so and extrapolates.
//!
//! `cargo bench -p zab-core --bench timeline` (`ZAB_BENCH_SEEKS=N` for more seeks).

mod common;

use common::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use zab_core::run::Run;
use zab_core::timeline::Timeline;

/// The system allocator, counting the bytes currently allocated (relaxed atomics: a
/// few nanoseconds per allocation, the same for every figure of this bench).
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let now = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                    - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const HOUR_MS: u64 = 3_600_000;
const MB: f64 = 1024.0 * 1024.0;

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Resident set size of this process in bytes (`VmRSS`), if readable.
fn rss() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / MB)
}

/// Heap bytes allocated by one clone of `run` (what a checkpoint holds).
fn clone_bytes(run: &Run) -> usize {
    let before = live();
    let copy = run.clone();
    let after = live();
    drop(copy);
    after.saturating_sub(before)
}

/// The most heap the history may take (`ZAB_BENCH_MEM_LIMIT_MB`; default 60% of the
/// memory available when the bench starts, at most 16 GB).
fn mem_limit() -> usize {
    if let Some(mb) = std::env::var("ZAB_BENCH_MEM_LIMIT_MB")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        return mb * 1024 * 1024;
    }
    let available = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            let line = m.lines().find(|l| l.starts_with("MemAvailable:"))?;
            line.split_whitespace().nth(1)?.parse::<usize>().ok()
        })
        .map(|kb| kb * 1024)
        .unwrap_or(4 << 30);
    (available / 10 * 6).min(16 << 30)
}

/// Heap bytes allocated by one clone of `x`.
fn bytes_of<T: Clone>(x: &T) -> usize {
    let before = live();
    let copy = x.clone();
    let after = live();
    drop(copy);
    after.saturating_sub(before)
}

/// Where the bytes of one checkpoint go: a clone of each part of the run (the
/// simulator's private parts, mostly its event queue, are the remainder). The scenario
/// is shared by every copy of the run, so it is shown but is not part of the copy.
fn breakdown(label: &str, run: &Run) {
    let sim = run.sim();
    let total = clone_bytes(run);
    let scenario = bytes_of(run.scenario());
    let checker = bytes_of(run.checker());
    let whole_sim = bytes_of(sim);
    let nodes = bytes_of(&sim.nodes);
    let net = bytes_of(&sim.net);
    let packets = bytes_of(&sim.packets);
    let writes = bytes_of(&sim.writes);
    let records = bytes_of(&sim.elections) + bytes_of(&sim.syncs) + bytes_of(&sim.trace);
    let rest = whole_sim.saturating_sub(nodes + net + packets + writes + records);
    println!(
        "  {label}: run {} = checker {} + sim {} (+ the scenario, {} with {} steps, shared) \
         [nodes {}, net {}, packets in flight {}, write records {} ({}), \
         elections/syncs/trace {}, event queue and other private state {}]",
        mb(total),
        mb(checker),
        mb(whole_sim),
        mb(scenario),
        run.scenario().schedule.len(),
        mb(nodes),
        mb(net),
        mb(packets),
        mb(writes),
        sim.writes.len(),
        mb(records),
        mb(rest),
    );
}

/// xorshift64*: a fixed pseudo-random sequence of seek times (no dependency).
struct Xs(u64);
impl Xs {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn main() {
    header(
        "time travel: one hour, 5 servers, 10 writes/s, default checkpoints",
        1,
    );
    let seeks: usize = std::env::var("ZAB_BENCH_SEEKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let scenario = steady_writes(5, 0, HOUR_MS, 10, 1);
    let rss_before = rss();
    let run = Run::new(&scenario).expect("valid");
    let live_before = live();
    let start_copy = clone_bytes(&run);
    println!("where one checkpoint's bytes go (heap bytes of a clone of each part):");
    breakdown("t=0", &run);

    // The machine is shared: stop building before the history takes more memory than
    // the limit (the figures then cover the part built, and the verdict says so).
    let limit = mem_limit();
    let (mut timeline, built) = timed(move || {
        let mut tl = Timeline::new(run);
        let mut t = 0;
        while t < HOUR_MS {
            t += 1000;
            tl.advance_to(t);
            tl.take_trace();
            if live().saturating_sub(live_before) > limit {
                break;
            }
        }
        tl
    });
    let horizon = timeline.horizon();
    let complete = horizon >= HOUR_MS;
    if !complete {
        println!(
            "STOPPED at t={} s: the history passed the memory limit of {} \
             (ZAB_BENCH_MEM_LIMIT_MB); figures below cover [0, {} s]",
            horizon / 1000,
            mb(limit),
            horizon / 1000
        );
    }
    let live_after = live();
    let rss_after = rss();
    let end_copy = clone_bytes(timeline.run());
    breakdown(&format!("t={} s", horizon / 1000), timeline.run());
    let events = timeline.run().sim().stats.events;
    let cps = timeline.checkpoint_count();
    println!(
        "built in {:.2} s: {} events, {} checkpoints (one every {} events at first, {} now; \
         at most {}), {} violations",
        built.as_secs_f64(),
        events,
        cps,
        Timeline::CHECKPOINT_EVERY,
        timeline.checkpoint_interval(),
        Timeline::MAX_CHECKPOINTS,
        timeline.run().violations().len()
    );

    let history = live_after.saturating_sub(live_before);
    println!(
        "heap held by the timeline (live bytes after - before): {} ({} per checkpoint on average)",
        mb(history),
        mb(history / cps.max(1))
    );
    println!(
        "one copy of the run (a checkpoint): {} at t=0, {} at t={} s",
        mb(start_copy),
        mb(end_copy),
        horizon / 1000
    );
    match (rss_before, rss_after) {
        (Some(a), Some(b)) => println!(
            "process RSS: {} before, {} after (+{})",
            mb(a),
            mb(b),
            mb(b.saturating_sub(a))
        ),
        _ => println!("process RSS: /proc/self/status not readable"),
    }
    println!(
        "peak heap of the process: {}",
        mb(PEAK.load(Ordering::Relaxed))
    );

    // A seek is a restore (a clone of the checkpoint) plus a replay of at most the
    // checkpoint interval: time the clone alone.
    let mut clones = Vec::new();
    for _ in 0..5 {
        let (copy, took) = timed(|| timeline.run().clone());
        drop(copy);
        clones.push(took.as_secs_f64() * 1e3);
    }
    println!(
        "cloning the run at the horizon (what a restore does): median {:.2} ms over 5",
        median(&clones)
    );

    let mut rng = Xs(0x5eed_0000_0000_0001);
    let mut lat = Vec::with_capacity(seeks);
    let sched_before = sched_times();
    for _ in 0..seeks {
        let t = rng.next() % horizon;
        let ((), took) = timed(|| timeline.seek(t));
        assert_eq!(timeline.now(), t);
        lat.push(took.as_secs_f64() * 1e3);
    }
    let (p50, p95, max) = (
        median(&lat),
        percentile(&lat, 95.0),
        lat.iter().copied().fold(0.0, f64::max),
    );
    println!("seek latency over {seeks} random times: median {p50:.2} ms, p95 {p95:.2} ms, max {max:.2} ms");
    if let (Some((cpu0, wait0)), Some((cpu1, wait1))) = (sched_before, sched_times()) {
        // Summed over the seeks (the clock behind these counters may be coarse): how much
        // of the wall time was waiting for a core on a busy machine.
        println!(
            "  all {seeks} seeks: {:.0} ms wall, {:.0} ms on a CPU, {:.0} ms waiting for a core",
            lat.iter().sum::<f64>(),
            (cpu1 - cpu0) * 1e3,
            (wait1 - wait0) * 1e3
        );
    }
    println!("target seek < 50 ms (max): {}", verdict(max < 50.0));
    if !complete {
        println!(
            "history for the whole hour, extrapolated linearly from {} s: at least {}",
            horizon / 1000,
            mb((history as f64 * HOUR_MS as f64 / horizon.max(1) as f64) as usize)
        );
    }
    println!(
        "target history < 100 MB (heap held): {}",
        verdict(complete && (history as f64) < 100.0 * MB)
    );
    println!("load average (1 min) at end: {}", load_average());
}
