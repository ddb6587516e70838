//! Golden, readable traces (issue 13 item 7, in the manner of etcd-io/raft's
//! testdata): each file under `core/testdata/golden/` is a short scenario, a separator
//! line, then the narration the app's event log shows for its whole run (the kinds
//! shown by default: elections, phases, sync, broadcast, clients, faults). A change in
//! the simulation or in its wording shows up as a text diff to review.
//!
//! File layout: `#` comment lines (title, the spec sections it illustrates, what to look
//! for), then the scenario: either one line `scenario: preset NAME` or `scenario: FILE`
//! (a path from the repository root), or the scenario's JSON itself; then the
//! separator [`SEPARATOR`]; then one line per narrated event, `TIME ms  TEXT`.
//!
//! Regenerate with `ZAB_BLESS=1 cargo test -p zab-web golden` and review the diff.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use zab_core::run::Run;
use zab_core::scenario::{preset, Scenario};

use crate::text::narrate::narrate;

/// The line between a file's scenario and its narrated trace.
const SEPARATOR: &str =
    "---- narration (ZAB_BLESS=1 cargo test -p zab-web golden regenerates) ----";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The scenario a golden file's header names or holds.
fn scenario_of(name: &str, header: &str) -> Scenario {
    let body: String = header
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let body = body.trim();
    if let Some(what) = body.strip_prefix("scenario:") {
        let what = what.trim();
        if let Some(stem) = what.strip_prefix("preset ") {
            return preset(stem).unwrap_or_else(|| panic!("{name}: no preset {stem}"));
        }
        let text = std::fs::read_to_string(repo().join(what))
            .unwrap_or_else(|e| panic!("{name}: {what}: {e}"));
        return Scenario::from_json(&text).unwrap_or_else(|e| panic!("{name}: {what}: {e}"));
    }
    Scenario::from_json(body).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The narration of a whole run: one line per event of a kind shown by default.
fn narration(name: &str, scenario: &Scenario) -> String {
    let mut run = Run::new(scenario).unwrap_or_else(|e| panic!("{name}: {e}"));
    run.run_to_end();
    let mut out = String::new();
    for ev in run.take_trace() {
        let e = narrate(&ev);
        if e.kind.on_by_default() {
            let _ = writeln!(out, "{:>6} ms  {}", e.at_ms, e.text);
        }
    }
    out
}

#[test]
fn golden_traces_narrate_as_recorded() {
    let dir = repo().join("core/testdata/golden");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("core/testdata/golden")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert!(files.len() >= 25, "{} golden files", files.len());
    let bless = std::env::var_os("ZAB_BLESS").is_some();
    let mut changed = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(path).expect("readable");
        let (header, recorded) = match text.split_once(&format!("{SEPARATOR}\n")) {
            Some((h, r)) => (h.to_string(), r.to_string()),
            None => (text.clone(), String::new()),
        };
        let now = narration(&name, &scenario_of(&name, &header));
        if now != recorded {
            if bless {
                let header = header.trim_end();
                std::fs::write(path, format!("{header}\n{SEPARATOR}\n{now}")).expect("write");
            } else {
                let first = recorded
                    .lines()
                    .zip(now.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or_else(|| recorded.lines().count().min(now.lines().count()));
                changed.push(format!(
                    "{name}: line {} of the narration differs\n  was {}\n  now {}",
                    first + 1,
                    recorded.lines().nth(first).unwrap_or("(end)"),
                    now.lines().nth(first).unwrap_or("(end)")
                ));
            }
        }
    }
    assert!(
        changed.is_empty(),
        "narrated traces changed (ZAB_BLESS=1 cargo test -p zab-web golden, then review the diff):\n{}",
        changed.join("\n")
    );
}
