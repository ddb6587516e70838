//! Behaviour does not change under refactoring: every preset and every bug scenario in
//! `static/bugs/` gives the trace recorded in `core/testdata/digests.txt` (event count
//! and FNV-1a digest, the same pair `zab-sim run --digest` prints). The table was
//! recorded with the binary built before the typed-reasons work (issue 13) and checked
//! equal after it. A change here means the simulation, or the trace's text, changed: a
//! digest may change only where narration text changes with the event count equal, and
//! the commit must say why. Regenerate with `ZAB_BLESS=1 cargo test -p zab-core --test
//! digests` and review the diff.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use zab_core::run::Run;
use zab_core::scenario::{presets, Scenario};
use zab_core::sim::trace::trace_digest;

fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/digests.txt")
}

/// `events=N digest=HEX` of a whole run of `scenario`.
fn digest_of(name: &str, scenario: &Scenario) -> String {
    let mut run = Run::new(scenario).unwrap_or_else(|e| panic!("{name}: {e}"));
    run.run_to_end();
    let (events, digest) = trace_digest(&run.take_trace());
    format!("events={events} digest={digest}")
}

/// One line per scenario: `preset NAME ...` and `static/bugs/FILE ...`, sorted.
fn current_table() -> String {
    let mut lines = Vec::new();
    for (stem, scenario) in presets() {
        lines.push(format!("preset {stem} {}", digest_of(stem, &scenario)));
    }
    let bugs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/bugs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&bugs)
        .expect("static/bugs exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for path in files {
        let name = format!(
            "static/bugs/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        let text = std::fs::read_to_string(&path).expect("readable");
        let scenario = Scenario::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        lines.push(format!("{name} {}", digest_of(&name, &scenario)));
    }
    lines.sort();
    lines.iter().fold(String::new(), |mut out, l| {
        let _ = writeln!(out, "{l}");
        out
    })
}

#[test]
fn every_preset_and_bug_scenario_keeps_its_recorded_trace() {
    let now = current_table();
    if std::env::var_os("ZAB_BLESS").is_some() {
        std::fs::write(testdata(), &now).expect("write testdata/digests.txt");
        return;
    }
    let recorded = std::fs::read_to_string(testdata()).expect("core/testdata/digests.txt");
    let changed: Vec<String> = recorded
        .lines()
        .zip(now.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("  was {a}\n  now {b}"))
        .collect();
    assert!(
        changed.is_empty() && recorded.lines().count() == now.lines().count(),
        "traces changed (regenerate with ZAB_BLESS=1 only if the change is meant):\n{}\n\
         recorded {} lines, now {}",
        changed.join("\n"),
        recorded.lines().count(),
        now.lines().count()
    );
}
