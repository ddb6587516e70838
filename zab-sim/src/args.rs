//! Hand-rolled command-line parsing (no clap: the CLI stays small and obvious).
//!
//! Every mistake becomes a [`Usage`] error: one line naming the option or argument
//! and what is wrong with it; `main` prints it and exits with status 2.

use std::path::PathBuf;
use zab_core::scenario::defaults::{MAX_PARTICIPANTS, MIN_PARTICIPANTS};
use zab_core::sweep::{SweepParams, MAX_DURATION_MS, MIN_DURATION_MS};

/// Most seeds one `sweep` runs (it keeps an outcome per seed).
pub const MAX_SEEDS: u64 = 1_000_000;
/// Most worker threads of `sweep`.
pub const MAX_THREADS: u64 = 64;
use zab_core::Bug;

/// A usage error: one line, printed on stderr; exit status 2.
#[derive(Debug, PartialEq, Eq)]
pub struct Usage(pub String);

/// What to run.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    /// Print help (of one command, or general) and exit 0.
    Help(Option<String>),
    /// `run`.
    Run(RunArgs),
    /// `presets`.
    Presets,
    /// `bugs`.
    Bugs,
    /// `points`.
    Points,
    /// `sweep`.
    Sweep(SweepArgs),
}

/// Where the scenario of `run` comes from.
#[derive(Debug, PartialEq, Eq)]
pub enum Source {
    /// A scenario file.
    File(PathBuf),
    /// A built-in scenario by name.
    Preset(String),
}

/// `run`'s arguments.
#[derive(Debug, PartialEq, Eq)]
pub struct RunArgs {
    /// The scenario.
    pub source: Source,
    /// Print the JSON report instead of the summary.
    pub json: bool,
    /// Write the trace as JSON lines here.
    pub trace: Option<PathBuf>,
    /// Print `events=N digest=HEX` of the whole trace after the summary.
    pub digest: bool,
}

/// `sweep`'s arguments.
#[derive(Debug, PartialEq, Eq)]
pub struct SweepArgs {
    /// Number of seeds.
    pub seeds: u64,
    /// First seed.
    pub start: u64,
    /// Cluster size, duration, bugs.
    pub params: SweepParams,
    /// Print JSON instead of text.
    pub json: bool,
    /// Write each failing seed's scenario file here.
    pub save_failing: Option<PathBuf>,
    /// Worker threads.
    pub threads: u32,
}

/// General help.
pub const HELP: &str = "\
zab-sim: headless runs, reports and random-fault sweeps of ZabScope scenarios

usage:
  zab-sim run FILE.json [--json] [--trace OUT.jsonl] [--digest]
                                                         run one scenario file
  zab-sim run --preset NAME [--json] [--trace OUT.jsonl] [--digest]
                                                         run a built-in scenario
  zab-sim presets                                        list the built-in scenarios
  zab-sim bugs                                           list the bug modes (id and title)
  zab-sim points                                         list the crash points for crash_at
  zab-sim sweep --seeds N [--start S] [--participants K] [--duration-ms D]
                [--bugs ID,...] [--json] [--save-failing DIR] [--threads T]
                                                         random faults over many seeds
  zab-sim help [COMMAND] | zab-sim COMMAND --help        this text, or one command's

exit status: 0 no invariant violation; 1 at least one violation; 2 bad input or usage
(a one-line message on stderr). The scenario format, the JSON report and these commands
are specified in scenario-format.md (version 1).
";

/// `run --help`.
pub const HELP_RUN: &str = "\
zab-sim run FILE.json [--json] [--trace OUT.jsonl] [--digest]
zab-sim run --preset NAME [--json] [--trace OUT.jsonl] [--digest]

Runs a scenario to its run_until_ms with every invariant of spec section 12 checked
after every step, then the end-of-run (liveness) checks.

  --json           print the end-of-run report as JSON (leader, servers, elections,
                   syncs, writes, violations, stats) instead of a short summary
  --trace FILE     write every trace event (packets, timers, disk, phases, votes,
                   commits, crashes, restarts, violations) as one JSON object per line
  --digest         after the summary, print one line `events=N digest=HEX`: the number
                   of trace events and the FNV-1a 64-bit hash (16 hex digits) of the
                   whole trace as --trace writes it (each JSON line with its newline);
                   the web app's \"Trace digest\" button shows the same for the same
                   scenario run to the same time. Not with --json.
  --preset NAME    run a built-in scenario (see `zab-sim presets`)

exit status: 0 no violation; 1 at least one violation; 2 bad input (the message names
the file and the field, or the line and column)
";

/// `sweep --help`.
pub const HELP_SWEEP: &str = "\
zab-sim sweep --seeds N [--start S] [--participants K] [--duration-ms D]
              [--bugs ID,...] [--json] [--save-failing DIR] [--threads T]

Runs one random scenario per seed (seeds S..S+N-1) with the checker on. Each seed
chooses its own mix of faults (crashes and restarts, partitions, one-way cuts,
isolations, crash points, write rate, storage and timing constants), then every run
ends healed, with every server restarted and a quiet period, so liveness is judged too.

  --seeds N          how many seeds (required, 1..=1000000)
  --start S          first seed (default 0)
  --participants K   voting servers, 1..=9 (default 3; a seed may add an observer)
  --duration-ms D    simulated length of each run (default 30000, 5000..=1000000)
  --bugs ID,...      switch historical bugs on (see `zab-sim bugs`), e.g. ZK-3911
  --json             print the result as JSON
  --save-failing DIR write each failing seed's scenario to DIR/seed-<S>.json
  --threads T        worker threads (default 2, at most 64)

For every failing seed it prints the one command that reproduces it. exit status: 0 no
seed failed; 1 some seed failed; 2 bad usage
";

fn usage(msg: impl Into<String>) -> Usage {
    Usage(msg.into())
}

/// Parses the arguments after the program name.
pub fn parse(args: &[String]) -> Result<Command, Usage> {
    let Some((cmd, rest)) = args.split_first() else {
        return Err(usage(
            "no command given (run, presets, bugs, points, sweep)",
        ));
    };
    let wants_help = rest.iter().any(|a| a == "--help" || a == "-h");
    match cmd.as_str() {
        "--help" | "-h" => Ok(Command::Help(None)),
        "help" => match rest {
            [] => Ok(Command::Help(None)),
            [c] => match c.as_str() {
                "run" | "sweep" | "presets" | "bugs" | "points" => {
                    Ok(Command::Help(Some(c.clone())))
                }
                other => Err(usage(format!("help: unknown command `{other}`"))),
            },
            _ => Err(usage("help takes at most one command")),
        },
        "run" if wants_help => Ok(Command::Help(Some("run".into()))),
        "sweep" if wants_help => Ok(Command::Help(Some("sweep".into()))),
        "presets" | "bugs" | "points" if wants_help => Ok(Command::Help(Some(cmd.clone()))),
        "run" => parse_run(rest).map(Command::Run),
        "sweep" => parse_sweep(rest).map(Command::Sweep),
        "presets" | "bugs" | "points" => {
            if let Some(extra) = rest.first() {
                return Err(usage(format!("{cmd}: unexpected argument `{extra}`")));
            }
            Ok(match cmd.as_str() {
                "presets" => Command::Presets,
                "bugs" => Command::Bugs,
                _ => Command::Points,
            })
        }
        other => Err(usage(format!(
            "unknown command `{other}` (run, presets, bugs, points, sweep)"
        ))),
    }
}

/// The value after an option, or an error naming the option.
fn value<'a>(
    opt: &str,
    it: &mut impl Iterator<Item = &'a String>,
    what: &str,
) -> Result<&'a String, Usage> {
    match it.next() {
        Some(v) if !v.starts_with("--") => Ok(v),
        _ => Err(usage(format!("{opt} needs a value ({what})"))),
    }
}

fn number(opt: &str, text: &str) -> Result<u64, Usage> {
    text.parse::<u64>()
        .map_err(|_| usage(format!("{opt}: `{text}` is not a whole number 0 or more")))
}

fn parse_run(rest: &[String]) -> Result<RunArgs, Usage> {
    let mut file: Option<PathBuf> = None;
    let mut preset: Option<String> = None;
    let mut json = false;
    let mut trace: Option<PathBuf> = None;
    let mut digest = false;
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--digest" => digest = true,
            "--trace" => {
                trace = Some(PathBuf::from(value(
                    "run --trace",
                    &mut it,
                    "a file to write",
                )?))
            }
            "--preset" => preset = Some(value("run --preset", &mut it, "a preset name")?.clone()),
            a if a.starts_with('-') && a.len() > 1 => {
                return Err(usage(format!("run: unknown option `{a}`")))
            }
            a => {
                if file.is_some() {
                    return Err(usage(format!(
                        "run: more than one scenario file (`{a}`); run takes one"
                    )));
                }
                file = Some(PathBuf::from(a));
            }
        }
    }
    let source = match (file, preset) {
        (Some(_), Some(_)) => {
            return Err(usage(
                "run: give either a scenario file or --preset NAME, not both",
            ))
        }
        (Some(f), None) => Source::File(f),
        (None, Some(p)) => Source::Preset(p),
        (None, None) => {
            return Err(usage(
                "run: which scenario? give FILE.json or --preset NAME",
            ))
        }
    };
    if json && digest {
        return Err(usage(
            "run: --digest prints a text line; use it without --json",
        ));
    }
    Ok(RunArgs {
        source,
        json,
        trace,
        digest,
    })
}

/// Parses `ZK-3911,ZK-4643`.
pub fn parse_bugs(text: &str) -> Result<Vec<Bug>, Usage> {
    let mut bugs = Vec::new();
    for id in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let Some(bug) = Bug::from_id(id) else {
            let known: Vec<&str> = Bug::ALL.iter().map(|b| b.id()).collect();
            return Err(usage(format!(
                "sweep --bugs: unknown bug `{id}`; known: {}",
                known.join(", ")
            )));
        };
        if !bugs.contains(&bug) {
            bugs.push(bug);
        }
    }
    Ok(bugs)
}

fn parse_sweep(rest: &[String]) -> Result<SweepArgs, Usage> {
    let mut seeds: Option<u64> = None;
    let mut start = 0u64;
    let mut params = SweepParams::default();
    let mut json = false;
    let mut save_failing = None;
    let mut threads = 2u32;
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--seeds" => {
                let v = value("sweep --seeds", &mut it, "how many seeds")?;
                seeds = Some(number("sweep --seeds", v)?);
            }
            "--start" => {
                let v = value("sweep --start", &mut it, "the first seed")?;
                start = number("sweep --start", v)?;
            }
            "--participants" => {
                let v = value("sweep --participants", &mut it, "1..=9")?;
                let k = number("sweep --participants", v)?;
                let (min, max) = (u64::from(MIN_PARTICIPANTS), u64::from(MAX_PARTICIPANTS));
                if !(min..=max).contains(&k) {
                    return Err(usage(format!(
                        "sweep --participants: {k} is out of range; allowed {min}..={max}"
                    )));
                }
                params.participants = k as u32;
            }
            "--duration-ms" => {
                let v = value("sweep --duration-ms", &mut it, "simulated milliseconds")?;
                let d = number("sweep --duration-ms", v)?;
                if !(MIN_DURATION_MS..=MAX_DURATION_MS).contains(&d) {
                    return Err(usage(format!(
                        "sweep --duration-ms: {d} is out of range; allowed {MIN_DURATION_MS}..={MAX_DURATION_MS}"
                    )));
                }
                params.duration_ms = d;
            }
            "--bugs" => {
                let v = value("sweep --bugs", &mut it, "bug ids such as ZK-3911")?;
                params.bugs = parse_bugs(v)?;
            }
            "--json" => json = true,
            "--save-failing" => {
                let v = value("sweep --save-failing", &mut it, "a directory")?;
                save_failing = Some(PathBuf::from(v));
            }
            "--threads" => {
                let v = value("sweep --threads", &mut it, "1..=64")?;
                let t = number("sweep --threads", v)?;
                if !(1..=MAX_THREADS).contains(&t) {
                    return Err(usage(format!(
                        "sweep --threads: {t} is out of range; allowed 1..={MAX_THREADS}"
                    )));
                }
                threads = t as u32;
            }
            a if a.starts_with('-') => return Err(usage(format!("sweep: unknown option `{a}`"))),
            a => return Err(usage(format!("sweep: unexpected argument `{a}`"))),
        }
    }
    let Some(seeds) = seeds else {
        return Err(usage("sweep: --seeds N is required"));
    };
    if seeds == 0 {
        return Err(usage("sweep --seeds: 0 seeds; give at least 1"));
    }
    if seeds > MAX_SEEDS {
        return Err(usage(format!(
            "sweep --seeds: {seeds} is out of range; allowed 1..={MAX_SEEDS}"
        )));
    }
    if start.checked_add(seeds - 1).is_none() {
        return Err(usage("sweep --start: the seeds would go past 2^64-1"));
    }
    Ok(SweepArgs {
        seeds,
        start,
        params,
        json,
        save_failing,
        threads,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_the_contract_commands() {
        assert_eq!(
            parse(&args("run a.json --json --trace t.jsonl")),
            Ok(Command::Run(RunArgs {
                source: Source::File("a.json".into()),
                json: true,
                trace: Some("t.jsonl".into()),
                digest: false,
            }))
        );
        assert_eq!(
            parse(&args("run --preset leader-crash")),
            Ok(Command::Run(RunArgs {
                source: Source::Preset("leader-crash".into()),
                json: false,
                trace: None,
                digest: false,
            }))
        );
        assert_eq!(
            parse(&args("run --preset fresh-election --digest")),
            Ok(Command::Run(RunArgs {
                source: Source::Preset("fresh-election".into()),
                json: false,
                trace: None,
                digest: true,
            }))
        );
        let Ok(Command::Sweep(s)) = parse(&args(
            "sweep --seeds 1 --start 1234 --participants 5 --duration-ms 30000 --bugs ZK-3911",
        )) else {
            panic!("sweep not parsed");
        };
        assert_eq!((s.seeds, s.start), (1, 1234));
        assert_eq!(s.params.participants, 5);
        assert_eq!(s.params.bugs, vec![Bug::Zk3911]);
        assert_eq!(parse(&args("points")), Ok(Command::Points));
        assert_eq!(
            parse(&args("sweep --help")),
            Ok(Command::Help(Some("sweep".into())))
        );
    }

    #[test]
    fn usage_errors_name_the_option() {
        let err = |s: &str| parse(&args(s)).unwrap_err().0;
        assert!(err("").contains("no command"));
        assert!(err("fly").contains("unknown command `fly`"));
        assert!(err("run").contains("which scenario"));
        assert!(err("run a.json b.json").contains("more than one"));
        assert!(err("run --preset").contains("--preset needs a value"));
        assert!(err("run a.json --verbose").contains("unknown option `--verbose`"));
        assert!(err("run a.json --json --digest").contains("without --json"));
        assert!(err("sweep").contains("--seeds N is required"));
        assert!(err("sweep --seeds ten").contains("`ten` is not a whole number"));
        assert!(err("sweep --seeds 5 --bugs ZK-1").contains("unknown bug `ZK-1`"));
        assert!(err("sweep --seeds 5 --participants 0").contains("out of range"));
        assert!(err("presets extra").contains("unexpected argument"));
    }
}
