//! `zab-sim sweep`: seeds spread over worker threads, failing seeds reported with the
//! one command that reproduces each.

use crate::args::SweepArgs;
use serde::Serialize;
use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use zab_core::check::{Detail, Violation};
use zab_core::report::{Report, ViolationReport};
use zab_core::run::Run;
use zab_core::sweep::{
    random_scenario, repro_command, repro_link, run_seed, SeedOutcome, SweepParams,
};

thread_local! {
    /// The last panic's message and place, captured by the panic hook.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the default panic output (a message and maybe a backtrace on stderr) by
/// capturing the message, so that a panicking seed is reported like a violation.
pub fn quiet_panics() {
    panic::set_hook(Box::new(|info| {
        let msg = if let Some(s) = info.payload().downcast_ref::<&str>() {
            (*s).to_string()
        } else if let Some(s) = info.payload().downcast_ref::<String>() {
            s.clone()
        } else {
            "unknown panic".to_string()
        };
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg}{place}")));
    }));
}

/// Runs `f`; a panic becomes `Err(message)`.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|_| {
        LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .unwrap_or_else(|| "unknown panic".to_string())
    })
}

/// A panic inside the simulator, reported as a violation of its own kind.
pub fn panic_violation(msg: String) -> Violation {
    Violation {
        invariant: "PANIC".to_string(),
        name: "SimulatorPanic".to_string(),
        at_ms: 0,
        servers: Vec::new(),
        detail: Detail::SimulatorPanic(msg).into(),
    }
}

/// One seed, a panic included.
fn run_one(seed: u64, params: &SweepParams) -> SeedOutcome {
    catch(|| run_seed(seed, params)).unwrap_or_else(|msg| SeedOutcome {
        seed,
        violations: vec![panic_violation(msg)],
        events: 0,
    })
}

/// Runs the seeds on `threads` workers; outcomes in seed order.
fn run_all(args: &SweepArgs) -> Vec<SeedOutcome> {
    let next = AtomicU64::new(0);
    let results: Mutex<Vec<SeedOutcome>> = Mutex::new(Vec::new());
    let threads = args
        .threads
        .min(args.seeds.min(u32::MAX as u64) as u32)
        .max(1);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= args.seeds {
                    break;
                }
                let outcome = run_one(args.start + i, &args.params);
                if let Ok(mut r) = results.lock() {
                    r.push(outcome);
                }
            });
        }
    });
    let mut all = results.into_inner().unwrap_or_else(|e| e.into_inner());
    all.sort_by_key(|o| o.seed);
    all
}

#[derive(Serialize)]
struct FailingSeed {
    seed: u64,
    command: String,
    /// The app link that opens this run (scenario in the `#s=` fragment).
    link: String,
    scenario_file: Option<PathBuf>,
    violations: Vec<ViolationReport>,
}

#[derive(Serialize)]
struct SweepJson {
    seeds: u64,
    start: u64,
    participants: u32,
    duration_ms: u64,
    bugs: Vec<&'static str>,
    passed: u64,
    failed: u64,
    events: u64,
    failing: Vec<FailingSeed>,
}

fn save(dir: &Path, seed: u64, params: &SweepParams) -> Result<PathBuf, String> {
    let scenario = random_scenario(seed, params.participants, params.duration_ms, &params.bugs);
    let path = dir.join(format!("seed-{seed}.json"));
    std::fs::write(&path, scenario.to_json_pretty())
        .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    Ok(path)
}

/// Runs the sweep and prints the result; returns the exit status (0, 1, or 2 when the
/// output directory cannot be written).
pub fn sweep(args: &SweepArgs) -> Result<u8, String> {
    if let Some(dir) = &args.save_failing {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("sweep --save-failing {}: cannot create: {e}", dir.display()))?;
    }
    let started = std::time::Instant::now();
    let outcomes = run_all(args);
    let elapsed = started.elapsed();
    let p = &args.params;
    let mut failing = Vec::new();
    for o in outcomes.iter().filter(|o| o.failed()) {
        let scenario_file = match &args.save_failing {
            Some(dir) => Some(save(dir, o.seed, p)?),
            None => None,
        };
        failing.push(FailingSeed {
            seed: o.seed,
            command: repro_command(o.seed, p),
            link: repro_link(o.seed, p),
            scenario_file,
            violations: o.violations.iter().map(ViolationReport::of).collect(),
        });
    }
    let events: u64 = outcomes.iter().map(|o| o.events).sum();
    let failed = failing.len() as u64;
    let bugs: Vec<&'static str> = p.bugs.iter().map(|b| b.id()).collect();
    if args.json {
        let out = SweepJson {
            seeds: args.seeds,
            start: args.start,
            participants: p.participants,
            duration_ms: p.duration_ms,
            bugs,
            passed: args.seeds - failed,
            failed,
            events,
            failing,
        };
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        let last = args.start + (args.seeds - 1);
        println!(
            "sweep: seeds {}..={last} ({}), {} participants, {} ms each, bugs: {}",
            args.start,
            args.seeds,
            p.participants,
            p.duration_ms,
            if bugs.is_empty() {
                "none (baseline)".to_string()
            } else {
                bugs.join(",")
            }
        );
        for f in &failing {
            let v = &f.violations[0];
            let more = if f.violations.len() > 1 {
                format!(" (+{} more)", f.violations.len() - 1)
            } else {
                String::new()
            };
            println!(
                "FAIL seed {}: {} {} at {} ms: {}{more}",
                f.seed, v.invariant, v.name, v.at_ms, v.detail
            );
            println!("  reproduce: {}", f.command);
            println!("  open in the app (make serve): {}", f.link);
            if let Some(file) = &f.scenario_file {
                println!("  scenario:  zab-sim run {}", file.display());
            }
        }
        if args.seeds == 1 {
            // One seed (typically a reproduction): show how the run ended.
            let scenario = random_scenario(args.start, p.participants, p.duration_ms, &p.bugs);
            if let Ok(Ok(report)) = catch(|| {
                Run::new(&scenario).map(|mut run| {
                    run.set_record_trace(false);
                    run.run_to_end();
                    Report::of(&run)
                })
            }) {
                println!("{}", scenario.description);
                print!("{}", report.summary());
            }
        }
        println!(
            "{} seeds: {} passed, {} failed ({} events, {:.1} s on {} threads)",
            args.seeds,
            args.seeds - failed,
            failed,
            events,
            elapsed.as_secs_f64(),
            args.threads
        );
    }
    Ok(if failed > 0 { 1 } else { 0 })
}
