//! `zab-sim`: headless runs, reports and random-fault sweeps of ZabScope scenarios.
//!
//! The commands, the JSON report and the exit statuses are a public contract
//! (`scenario-format.md`): 0 no invariant violation, 1 at least one violation, 2 bad
//! input or usage, with a one-line message on stderr (never a panic or a backtrace).

mod args;
mod catalog;
mod sweep_cmd;

use args::{Ask, Command, RunArgs, Source, Usage};
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::process::ExitCode;
use zab_core::monitor;
use zab_core::report::Report;
use zab_core::run::Run;
use zab_core::scenario::defaults::MAX_SCENARIO_BYTES;
use zab_core::scenario::{preset, presets, Scenario, PRESET_FILES};
use zab_core::server::CrashPoint;
use zab_core::sim::trace::trace_digest;
use zab_core::sim::TraceEvent;
use zab_core::{bugs, Bug};

/// Bad input: the message (one line) and exit status 2.
struct BadInput(String);

impl From<Usage> for BadInput {
    fn from(u: Usage) -> Self {
        BadInput(u.0)
    }
}

fn main() -> ExitCode {
    sweep_cmd::quiet_panics();
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let result = sweep_cmd::catch(|| dispatch(&argv));
    match result {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(BadInput(msg))) => {
            eprintln!("zab-sim: {}", one_line(&msg));
            ExitCode::from(2)
        }
        Err(panic) => {
            // A simulator bug, not bad input: reported like a violation (status 1).
            eprintln!(
                "zab-sim: internal error, the simulator panicked: {}",
                one_line(&panic)
            );
            ExitCode::from(1)
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn dispatch(argv: &[String]) -> Result<u8, BadInput> {
    match args::parse(argv)? {
        Command::Help(text) => {
            print!("{text}");
            if !text.ends_with('\n') {
                println!();
            }
            Ok(0)
        }
        Command::Presets => {
            for (stem, scenario) in presets() {
                println!("{stem:<26} {}", scenario.name);
            }
            Ok(0)
        }
        Command::Bugs => {
            for bug in Bug::ALL {
                println!("{:<8} {}", bug.id(), catalog::bug_title(bug));
            }
            Ok(0)
        }
        Command::Points => {
            for p in CrashPoint::ALL {
                println!("{:<30} {}", p.name(), p.description());
            }
            Ok(0)
        }
        Command::Run(a) => run(&a),
        Command::Sweep(a) => sweep_cmd::sweep(&a).map_err(BadInput),
    }
}

fn load(source: &Source) -> Result<Scenario, BadInput> {
    match source {
        Source::Preset(name) => preset(name).ok_or_else(|| {
            let known: Vec<&str> = PRESET_FILES.iter().map(|(s, _)| *s).collect();
            BadInput(format!(
                "run --preset: unknown preset `{name}`; known: {}",
                known.join(", ")
            ))
        }),
        Source::Bug { bug, fixed } => {
            let info = bugs::info(*bug).ok_or_else(|| {
                BadInput(format!(
                    "run --bug {}: this bug mode has no triggering scenario",
                    bug.id()
                ))
            })?;
            Ok(if *fixed {
                info.baseline()
            } else {
                info.scenario()
            })
        }
        Source::File(path) => {
            let text = read_bounded(path)?;
            Scenario::from_json(&text).map_err(|e| BadInput(format!("{}: {e}", path.display())))
        }
    }
}

/// Reads a scenario file, at most [`MAX_SCENARIO_BYTES`] of it: a larger file (or an
/// endless one such as `/dev/zero`) is refused without reading the rest.
fn read_bounded(path: &std::path::Path) -> Result<String, BadInput> {
    let cannot = |e: std::io::Error| BadInput(format!("{}: cannot read: {e}", path.display()));
    let file = File::open(path).map_err(cannot)?;
    let limit = u64::try_from(MAX_SCENARIO_BYTES).unwrap_or(u64::MAX);
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() > MAX_SCENARIO_BYTES {
        return Err(BadInput(format!(
            "{}: the file is more than {MAX_SCENARIO_BYTES} bytes; a scenario file is at most {MAX_SCENARIO_BYTES} bytes (16 MiB)",
            path.display()
        )));
    }
    String::from_utf8(bytes).map_err(|_| {
        cannot(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ))
    })
}

fn source_name(source: &Source) -> String {
    match source {
        Source::Preset(name) => format!("preset {name}"),
        Source::Bug { bug, fixed: false } => format!("bug {}", bug.id()),
        Source::Bug { bug, fixed: true } => format!("bug {} (fixed)", bug.id()),
        Source::File(path) => path.display().to_string(),
    }
}

fn run(a: &RunArgs) -> Result<u8, BadInput> {
    let scenario = load(&a.source)?;
    let mut run =
        Run::new(&scenario).map_err(|e| BadInput(format!("{}: {e}", source_name(&a.source))))?;
    if let Some(ask) = a.ask {
        return four_letter_word(&mut run, ask, scenario.run_until_ms);
    }
    // Every trace event, kept only for --digest.
    let mut kept: Vec<TraceEvent> = Vec::new();
    if a.trace.is_none() && !a.digest {
        run.set_record_trace(false);
        run.run_to_end();
    } else {
        let mut out = match &a.trace {
            None => None,
            Some(path) => {
                let file = File::create(path).map_err(|e| {
                    BadInput(format!(
                        "run --trace {}: cannot create: {e}",
                        path.display()
                    ))
                })?;
                Some((BufWriter::new(file), path))
            }
        };
        let write_err = |path: &std::path::Path, e: std::io::Error| {
            BadInput(format!("run --trace {}: {e}", path.display()))
        };
        // Run in slices and stream the trace, so memory stays small on long runs.
        let end = scenario.run_until_ms;
        let mut t = run.sim().now;
        loop {
            t = t.saturating_add(1_000).min(end);
            run.run_until(t);
            if t >= end {
                run.run_to_end();
            }
            let events = run.take_trace();
            if let Some((w, path)) = out.as_mut() {
                for ev in &events {
                    let line = serde_json::to_string(ev).unwrap_or_default();
                    writeln!(w, "{line}").map_err(|e| write_err(path, e))?;
                }
            }
            if a.digest {
                kept.extend(events);
            }
            if t >= end {
                break;
            }
        }
        if let Some((w, path)) = out.as_mut() {
            w.flush().map_err(|e| write_err(path, e))?;
        }
    }
    let report = Report::of(&run);
    if a.json {
        println!("{}", report.to_json_pretty());
    } else {
        print!("{}", report.summary());
    }
    if a.digest {
        let (events, digest) = trace_digest(&kept);
        println!("events={events} digest={digest}");
    }
    Ok(if report.violations.is_empty() { 0 } else { 1 })
}

/// `run --4lw WORD --at-ms T`: every server's answer at T, headed by its id.
fn four_letter_word(run: &mut Run, ask: Ask, end: u64) -> Result<u8, BadInput> {
    if ask.at_ms > end {
        return Err(BadInput(format!(
            "run --at-ms: `{}` is past the end of the scenario (run_until_ms {end})",
            ask.at_ms
        )));
    }
    run.set_record_trace(false);
    run.run_until(ask.at_ms);
    for node in &run.sim().nodes {
        match monitor::answer(node, ask.word) {
            Some(answer) => {
                let text = answer.to_string();
                println!("server {}:", node.id);
                print!("{text}");
                if !text.ends_with('\n') {
                    println!();
                }
            }
            None => println!("server {}: not running", node.id),
        }
    }
    Ok(if run.violations().is_empty() { 0 } else { 1 })
}
